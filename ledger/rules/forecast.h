// Forecast of one member of staff's reimbursement: the rest of this financial year month
// by month, and the full-year effect into the next year.
//
// Each month is priced with PriceLine (same formula and rounding) at the given monthly
// actual cost, BEFORE the PCN-level checks (cap ranking, baseline, remaining sum), which
// the caller applies across all staff. Months the rules refuse (not eligible, maximum
// unknown) count 0 and keep their outcome so the caller can say why.
//
// Full-year effect: 12 months of the next financial year at the member's WTE on the last
// day of this year and the same monthly cost, under the next year's rules if a version is
// published (as known at `known_at`), else under this year's figures as they stand at
// 31 March (the maximum in force that day, each month rounded down once).
//
// Thread-safe: pure function over a const RuleBook.
#ifndef ARRS_LEDGER_RULES_FORECAST_H_
#define ARRS_LEDGER_RULES_FORECAST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/rules/calculator.h"

namespace arrs::rules {

struct MonthForecast {
  absl::CivilDay month;  // first day of the month
  v1::LineOutcome outcome = v1::LINE_OUTCOME_UNSPECIFIED;
  int64_t maximum_pence = 0;
  int64_t reimbursable_pence = 0;  // 0 unless the month prices (APPROVED)
};

struct StaffForecast {
  int financial_year = 0;                 // the year of the first segment's start
  std::vector<MonthForecast> months;      // first segment's month .. 31 March
  int64_t total_reimbursable_pence = 0;   // sum of months
  int64_t full_year_effect_pence = 0;     // next financial year, 12 months
  bool full_year_known = true;            // false when a maximum there is unknown
  std::string full_year_basis;            // which rules, WTE and arithmetic
};

// INVALID_ARGUMENT when in_post is empty or the cost is negative.
absl::StatusOr<StaffForecast> ForecastStaff(const RuleBook& book, v1::Role role,
                                            const std::vector<PostSegment>& in_post,
                                            int64_t monthly_actual_cost_pence,
                                            uint64_t known_at = kLatest);

}  // namespace arrs::rules

#endif  // ARRS_LEDGER_RULES_FORECAST_H_
