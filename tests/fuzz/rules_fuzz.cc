// Fuzz target: a rule file in text format (see fuzz_targets.h).
#include <string>

#include "absl/strings/string_view.h"
#include "arrs/v1/events.pb.h"
#include "ledger/rules/caps.h"
#include "ledger/rules/rule_book.h"
#include "ledger/rules/rule_file.h"
#include "ledger/rules/rule_validate.h"
#include "tests/fuzz/fuzz_targets.h"

namespace arrs::fuzz {

int FuzzRules(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<v1::FinancialYearRules> parsed = rules::ParseRulesText(text, "fuzz.textproto");
  if (!parsed.ok()) {
    // Every refusal says where: "<filename>:<line>:<column>: <problem>".
    ARRS_FUZZ_CHECK(parsed.status().code() == absl::StatusCode::kInvalidArgument);
    ARRS_FUZZ_CHECK(parsed.status().message().find("fuzz.textproto") != absl::string_view::npos);
    return 0;
  }
  // What the loader accepts, the validator accepts (the loader validates).
  ARRS_FUZZ_CHECK(rules::ValidateRules(*parsed).ok());
  ARRS_FUZZ_CHECK(rules::FindRuleIssues(*parsed).empty());

  // Published into a rule book, it is in force for its year; look-ups do not crash.
  rules::RuleBook book;
  v1::Event event;
  event.set_position(1);
  event.set_stream(rules::kRulesStream);
  *event.mutable_payload()->mutable_rule_version_published()->mutable_rules() = *parsed;
  book.Apply(event);
  ARRS_FUZZ_CHECK(book.ForYear(parsed->financial_year()) != nullptr);
  const int year = parsed->financial_year();
  if (year > 1900 && year < 3000) {
    for (int month : {4, 9, 12}) {
      const absl::CivilDay day(month >= 4 ? year : year + 1, month, 1);
      ARRS_FUZZ_CHECK(book.ForDate(day) != nullptr);
      for (int role = 0; role < 40; ++role) {
        (void)rules::CapFor(book, static_cast<v1::Role>(role), day, 45000);
      }
    }
  }
  return 0;
}

}  // namespace arrs::fuzz
