// GetRulesCoverage at the edges of the year range (found by the rpc fuzz target: a year of
// INT32_MAX overflowed the loop counter, then the year's name in the refusal).
#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "tests/engine/ledger_fixture.h"

namespace arrs::testing_support {
namespace {

using RulesCoverageTest = LedgerFixture;

TEST_F(RulesCoverageTest, ExtremeYearsAreNotFoundWithoutOverflow) {
  for (int year : {std::numeric_limits<int>::max(), std::numeric_limits<int>::min(), -1}) {
    v1::RulesCoverageRequest r;
    r.set_financial_year(year);
    absl::StatusOr<v1::RulesCoverageResponse> out = ledger_->GetRulesCoverage(r);
    EXPECT_EQ(out.status().code(), absl::StatusCode::kNotFound) << year << ": " << out.status();
  }
  v1::RulesCoverageRequest max;
  max.set_financial_year(std::numeric_limits<int>::max());
  EXPECT_NE(std::string(ledger_->GetRulesCoverage(max).status().message()).find("2147483647/48"),
            std::string::npos);
  v1::RulesCoverageRequest shipped;
  shipped.set_financial_year(2023);
  absl::StatusOr<v1::RulesCoverageResponse> out = ledger_->GetRulesCoverage(shipped);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->years_size(), 1);
}

}  // namespace
}  // namespace arrs::testing_support
