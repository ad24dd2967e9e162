#include "ledger/util/civil_date.h"

#include <cstdint>
#include <cstdio>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace arrs {

bool IsUnset(const v1::Date& date) {
  return date.year() == 0 && date.month() == 0 && date.day() == 0;
}

absl::StatusOr<absl::CivilDay> ToCivilDay(const v1::Date& date, absl::string_view field) {
  const int y = date.year(), m = date.month(), d = date.day();
  if (IsUnset(date)) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is required (a civil date)"));
  }
  absl::CivilDay day(y, m, d);
  if (y < 1900 || y > 2200 || day.year() != y || day.month() != m || day.day() != d) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s is not a real date: %04d-%02d-%02d", std::string(field), y, m, d));
  }
  return day;
}

int CompareDate(const v1::Date& date, absl::CivilDay day) {
  if (date.year() != day.year()) return date.year() < day.year() ? -1 : 1;
  if (date.month() != day.month()) return date.month() < day.month() ? -1 : 1;
  if (date.day() != day.day()) return date.day() < day.day() ? -1 : 1;
  return 0;
}

v1::Date ToProtoDate(absl::CivilDay day) {
  v1::Date out;
  out.set_year(static_cast<int>(day.year()));
  out.set_month(day.month());
  out.set_day(day.day());
  return out;
}

absl::StatusOr<absl::CivilDay> ParseCivilDay(absl::string_view text, absl::string_view field) {
  int y = 0, m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' ||
      !absl::SimpleAtoi(text.substr(0, 4), &y) || !absl::SimpleAtoi(text.substr(5, 2), &m) ||
      !absl::SimpleAtoi(text.substr(8, 2), &d)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " must be a date written YYYY-MM-DD, got \"", text, "\""));
  }
  v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return ToCivilDay(date, field);
}

std::string FormatCivilDay(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

int FinancialYearOf(absl::CivilDay day) {
  return static_cast<int>(day.month() >= 4 ? day.year() : day.year() - 1);
}
absl::CivilDay FinancialYearStart(int financial_year) {
  return absl::CivilDay(financial_year, 4, 1);
}
absl::CivilDay FinancialYearEnd(int financial_year) {
  return absl::CivilDay(int64_t{financial_year} + 1, 3, 31);  // no int overflow at INT_MAX
}

std::string FormatFinancialYear(int financial_year) {
  return absl::StrFormat("%04d/%02d", financial_year, (int64_t{financial_year} + 1) % 100);
}

absl::StatusOr<int> ParseFinancialYear(absl::string_view text) {
  int first = 0, second = -1;
  bool ok = false;
  if (text.size() == 4) {
    ok = absl::SimpleAtoi(text, &first);
  } else if (text.size() == 7 && (text[4] == '/' || text[4] == '-')) {
    ok = absl::SimpleAtoi(text.substr(0, 4), &first) &&
         absl::SimpleAtoi(text.substr(5, 2), &second) && second == (first + 1) % 100;
  }
  if (!ok || first < kFirstRuleFinancialYear || first > kLastFinancialYear) {
    return absl::InvalidArgumentError(absl::StrCat(
        "financial year must be written like 2023/24, got \"", text, "\""));
  }
  return first;
}

absl::CivilDay FirstDayOfMonth(absl::CivilDay day) {
  return absl::CivilDay(day.year(), day.month(), 1);
}
// From the calendar's rules rather than civil-time arithmetic: stepping back from the
// first of the next month normalises through day 0, which was a tenth of an as-of
// balance query's time.
int DaysInMonth(absl::CivilDay day) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int month = day.month();
  if (month != 2) return kDays[month - 1];
  const int64_t year = day.year();
  const bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  return leap ? 29 : 28;
}
absl::CivilDay LastDayOfMonth(absl::CivilDay day) {
  return absl::CivilDay(day.year(), day.month(), DaysInMonth(day));
}

absl::CivilDay CivilDayFromEpochDays(int64_t days) {
  // Howard Hinnant's civil_from_days: 400-year eras of 146,097 days, years counted from
  // 1 March so that the leap day ends each year.
  const int64_t z = days + 719468;  // days from 0000-03-01
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t day_of_era = z - era * 146097;
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t shifted_month = (5 * day_of_year + 2) / 153;  // 0 = March
  const int day = static_cast<int>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
  const int month = static_cast<int>(shifted_month < 10 ? shifted_month + 3 : shifted_month - 9);
  return absl::CivilDay(year_of_era + era * 400 + (month <= 2 ? 1 : 0), month, day);
}

}  // namespace arrs
