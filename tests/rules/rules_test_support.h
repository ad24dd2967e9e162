// Helpers shared by the rules tests: events for the "rules/arrs" stream and a RuleBook of
// the shipped rule files.
#ifndef ARRS_TESTS_RULES_RULES_TEST_SUPPORT_H_
#define ARRS_TESTS_RULES_RULES_TEST_SUPPORT_H_

#include <string>

#include "arrs/v1/events.pb.h"
#include "gtest/gtest.h"
#include "ledger/rules/rule_book.h"
#include "ledger/rules/rule_file.h"

namespace arrs::rules::testing {

inline std::string ShippedRulesDir() { return std::string(ARRS_SOURCE_DIR) + "/rules"; }

inline v1::Event PublishEvent(uint64_t position, const v1::FinancialYearRules& rules) {
  v1::Event e;
  e.set_position(position);
  e.set_stream(kRulesStream);
  *e.mutable_payload()->mutable_rule_version_published()->mutable_rules() = rules;
  return e;
}

inline v1::Event ReverseEvent(uint64_t position, uint64_t corrects) {
  v1::Event e;
  e.set_position(position);
  e.set_stream(kRulesStream);
  e.set_corrects(corrects);
  e.set_reason("test reversal");
  e.mutable_payload()->mutable_event_reversed();
  return e;
}

// Every shipped file published in financial-year order at positions 1, 2, ...
inline void PublishShipped(RuleBook* book) {
  absl::StatusOr<std::vector<v1::FinancialYearRules>> all = LoadRulesDir(ShippedRulesDir());
  ASSERT_TRUE(all.ok()) << all.status();
  uint64_t position = book->position();
  for (const v1::FinancialYearRules& rules : *all) book->Apply(PublishEvent(++position, rules));
  ASSERT_TRUE(book->rejected().empty());
}

// Parses a text-format rule version, failing the test on error.
inline v1::FinancialYearRules RulesFromText(const std::string& text) {
  absl::StatusOr<v1::FinancialYearRules> rules = ParseRulesText(text, "test.textproto");
  EXPECT_TRUE(rules.ok()) << rules.status();
  return rules.ok() ? *rules : v1::FinancialYearRules();
}

}  // namespace arrs::rules::testing

#endif  // ARRS_TESTS_RULES_RULES_TEST_SUPPORT_H_
