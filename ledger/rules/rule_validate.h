// Validation of one financial year's rule version (arrs.v1.FinancialYearRules).
//
// Used for shipped rule files (rule_file.h adds file:line:column) and for rule versions
// arriving over the API. Every problem names the field path and the offending value, e.g.
//   roles[3] (CLINICAL_PHARMACIST).max_amounts[1].annual_max_pence = -5: must not be negative
//
// What a valid rule version is:
//   - version is non-empty; financial_year is 2000..2100; published, if set, is a real date.
//   - each role is a known, specified Role, listed once; eligible_from and eligible_to are
//     set, inside the financial year, from <= to; reimbursed_bp is 1..10000.
//   - each MaxAmount has both dates inside the role's eligibility window, from <= to, an
//     amount >= 0, and an amount of 0 only when marked unverified (otherwise it is missing);
//     the versions, in order, are contiguous (each starts the day after the previous ends:
//     no overlap, no gap).
//   - unless the role is marked unverified, its MaxAmounts cover the eligibility window
//     exactly (so a verified role can always be priced).
//   - band rows: a band name, listed once; its amounts inside the year, contiguous (an
//     unknown period written as 0 with unverified); each known figure names the roles it is
//     published for (published_for) and its source URL(s).
//   - a role on a band row (band_row) names a row of the year and the URL saying so
//     (band_row_source); unless marked unverified (explicitly unknown), every eligible day
//     has a known figure, its own or the row's. Every role thus has a row, its own
//     figures, or is marked unknown.
//   - figures: a known figure's source is URL(s) ("https://a ; https://b"); confidence is
//     never FIGURE_BAND_INFERRED (derived by the calculator); London figures, when given,
//     are higher than the national figure, inner at or above outer.
//   - each cap names at least one known role, has dates inside the year (from <= to), a
//     threshold >= 0 and values >= 0; an enforced (not unverified) cap has values > 0.
//   - training rules: known role, dates inside the year, reimbursed_bp 0..10000.
//   - entitlement: rate and national pot >= 0; population_date, if set, a real date.
//   - baseline_roles: known, specified, no duplicates.
//
// Thread-safe: pure functions.
#ifndef ARRS_LEDGER_RULES_RULE_VALIDATE_H_
#define ARRS_LEDGER_RULES_RULE_VALIDATE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "arrs/v1/rules.pb.h"

namespace arrs::rules {

// One step of a field path: a field of the message and, for repeated fields, the index
// (-1 for a singular field).
struct PathStep {
  std::string field;
  int index = -1;
};

// One problem found in a rule version.
struct RuleIssue {
  std::vector<PathStep> path;  // from FinancialYearRules down to the offending field
  std::string message;         // "<path> = <value>: <problem>"
};

// All problems of `rules`, in field order, at most `max_issues` of them.
std::vector<RuleIssue> FindRuleIssues(const v1::FinancialYearRules& rules,
                                      size_t max_issues = 50);

// OK, or INVALID_ARGUMENT listing every problem (one per line).
absl::Status ValidateRules(const v1::FinancialYearRules& rules);

}  // namespace arrs::rules

#endif  // ARRS_LEDGER_RULES_RULE_VALIDATE_H_
