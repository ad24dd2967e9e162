// Coverage of a rule version: for every role, each period of the year (split where the
// role's own figures, its band row's figures or its eligibility change), the national
// annual maximum that prices it (figure.h: own figure, else band row), where it comes from,
// its confidence and source, and its London figures; or unknown. Totals: priced
// role-periods out of eligible role-periods.
//
// Thread-safe: pure function.
#ifndef ARRS_LEDGER_RULES_COVERAGE_H_
#define ARRS_LEDGER_RULES_COVERAGE_H_

#include <set>

#include "absl/time/civil_time.h"
#include "arrs/v1/rules.pb.h"

namespace arrs::rules {

// The coverage of `rules` (published_at_position left 0 for the caller to fill). Each role's
// periods are also split at `extra_cuts` (first days of periods), so that two versions of a
// year can be compared on one grid.
v1::YearCoverage CoverageOf(const v1::FinancialYearRules& rules,
                            const std::set<absl::CivilDay>& extra_cuts = {});

// The first days of every figure's period in `rules` (own figures and band rows), and the
// day after each ends: the grid CoverageOf splits roles on.
std::set<absl::CivilDay> ChangeDays(const v1::FinancialYearRules& rules);

}  // namespace arrs::rules

#endif  // ARRS_LEDGER_RULES_COVERAGE_H_
