// Helpers shared by the rules tests: events for the "rules/arrs" stream, a RuleBook of
// the shipped rule files, test data under tests/rules/testdata, loader errors and pricing.
#ifndef ARRS_TESTS_RULES_RULES_TEST_SUPPORT_H_
#define ARRS_TESTS_RULES_RULES_TEST_SUPPORT_H_

#include <fstream>
#include <sstream>
#include <string>

#include "arrs/v1/events.pb.h"
#include "gtest/gtest.h"
#include "ledger/rules/calculator.h"
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

// A fixture whose book_ holds every shipped rule version (PublishShipped).
class ShippedBookTest : public ::testing::Test {
 protected:
  void SetUp() override { PublishShipped(&book_); }

  RuleBook book_;
};

// Parses a text-format rule version, failing the test on error.
inline v1::FinancialYearRules RulesFromText(const std::string& text) {
  absl::StatusOr<v1::FinancialYearRules> rules = ParseRulesText(text, "test.textproto");
  EXPECT_TRUE(rules.ok()) << rules.status();
  return rules.ok() ? *rules : v1::FinancialYearRules();
}

// The test rule version tests/rules/testdata/<file>, failing the test on error.
inline v1::FinancialYearRules RulesFromTestdata(const std::string& file) {
  absl::StatusOr<v1::FinancialYearRules> rules =
      LoadRulesFile(std::string(ARRS_SOURCE_DIR) + "/tests/rules/testdata/" + file);
  EXPECT_TRUE(rules.ok()) << rules.status();
  return rules.ok() ? *rules : v1::FinancialYearRules();
}

// Expects `text` to equal the whole of the golden file tests/rules/testdata/<file>, less the
// newline that ends the file's last line.
inline void ExpectGoldenText(const std::string& text, const std::string& file) {
  const std::string path = std::string(ARRS_SOURCE_DIR) + "/tests/rules/testdata/" + file;
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "cannot read golden file " << path;
  std::stringstream golden;
  golden << in.rdbuf();
  std::string want = golden.str();
  if (!want.empty() && want.back() == '\n') want.pop_back();
  EXPECT_EQ(text, want) << "differs from golden file " << path;
}

// `base` with its first `from` replaced by `to` (the test fails when `from` is absent).
inline std::string Replaced(const std::string& base, const std::string& from,
                            const std::string& to) {
  std::string text = base;
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// The message with which the loader refuses `text` (as "bad.textproto"), expecting
// INVALID_ARGUMENT; "" (and a failure) when the loader accepts it.
inline std::string LoadError(const std::string& text) {
  absl::StatusOr<v1::FinancialYearRules> r = ParseRulesText(text, "bad.textproto");
  EXPECT_FALSE(r.ok());
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(r.status().message());
}

// Prices `in` with its explanation and again for figures only (as forecasts do): the
// caller's checks thereby also check that the figures and the outcome do not depend on
// whether the text is wanted, and that figures-only pricing leaves the text empty.
inline LinePrice PricedBothWays(const RuleBook& book, LineInput in) {
  in.explain = false;
  const LinePrice figures = PriceLine(book, in);
  in.explain = true;
  LinePrice full = PriceLine(book, in);
  EXPECT_EQ(figures.outcome, full.outcome) << full.explanation;
  EXPECT_EQ(figures.maximum_pence, full.maximum_pence) << full.explanation;
  EXPECT_EQ(figures.reimbursable_pence, full.reimbursable_pence) << full.explanation;
  EXPECT_EQ(figures.approved_pence, full.approved_pence) << full.explanation;
  EXPECT_EQ(figures.rule_versions, full.rule_versions) << full.explanation;
  EXPECT_EQ(figures.explanation, "");
  return full;
}

}  // namespace arrs::rules::testing

#endif  // ARRS_TESTS_RULES_RULES_TEST_SUPPORT_H_
