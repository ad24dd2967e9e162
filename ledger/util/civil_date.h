// Civil dates and financial years.
//
// The ledger's valid time is a civil day (absl::CivilDay, no time zone). The scheme's
// financial year runs 1 April to 31 March and is named by its first calendar year:
// 2023 is "2023/24". Thread-safe: all functions are pure.
#ifndef ARRS_LEDGER_UTIL_CIVIL_DATE_H_
#define ARRS_LEDGER_UTIL_CIVIL_DATE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "arrs/v1/common.pb.h"

namespace arrs {

// True when the proto date is all zeros ("not set").
bool IsUnset(const v1::Date& date);

// Converts a proto Date, refusing impossible ones (month 13, 30 February, year outside
// 1900..2200). `field` names the field in the error message.
absl::StatusOr<absl::CivilDay> ToCivilDay(const v1::Date& date, absl::string_view field);

v1::Date ToProtoDate(absl::CivilDay day);
// Orders a proto date against a civil day without converting (or validating) it:
// negative, zero or positive as `date` is before, on or after `day`. Cheap enough for
// hot loops over rule dates; an unset date sorts before every day.
int CompareDate(const v1::Date& date, absl::CivilDay day);

// Parses "YYYY-MM-DD" strictly.
absl::StatusOr<absl::CivilDay> ParseCivilDay(absl::string_view text, absl::string_view field);

// "2024-03-31".
std::string FormatCivilDay(absl::CivilDay day);

// The financial years (2023 = 2023/24) the ledger keeps facts and claims for: the scheme
// began in 2019/20; the last only bounds typing errors. Rule files, and years typed at the
// command line, may name years from kFirstRuleFinancialYear (tables older than the scheme).
inline constexpr int kFirstFinancialYear = 2019;
inline constexpr int kLastFinancialYear = 2100;
inline constexpr int kFirstRuleFinancialYear = 2000;

// The financial year containing `day`: 2024-03-31 -> 2023, 2024-04-01 -> 2024.
int FinancialYearOf(absl::CivilDay day);
absl::CivilDay FinancialYearStart(int financial_year);  // 1 April
absl::CivilDay FinancialYearEnd(int financial_year);    // 31 March of the next year

// "2023/24".
std::string FormatFinancialYear(int financial_year);
// Accepts "2023/24", "2023-24" or "2023"; the second part must follow the first.
absl::StatusOr<int> ParseFinancialYear(absl::string_view text);

absl::CivilDay FirstDayOfMonth(absl::CivilDay day);
absl::CivilDay LastDayOfMonth(absl::CivilDay day);
int DaysInMonth(absl::CivilDay day);

// The day `days` after 1 January 1970 (negative: before), in constant time. (Adding a
// large count to an absl::CivilDay normalises year by year: about 50 steps for today.)
absl::CivilDay CivilDayFromEpochDays(int64_t days);

}  // namespace arrs

#endif  // ARRS_LEDGER_UTIL_CIVIL_DATE_H_
