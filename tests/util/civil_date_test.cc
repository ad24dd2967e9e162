#include "ledger/util/civil_date.h"

#include <gtest/gtest.h>

namespace arrs {
namespace {

using absl::CivilDay;

TEST(CivilDateTest, ProtoRoundTripAndUnset) {
  const CivilDay day(2024, 2, 29);
  absl::StatusOr<CivilDay> back = ToCivilDay(ToProtoDate(day), "d");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, day);
  EXPECT_TRUE(IsUnset(v1::Date()));
  EXPECT_FALSE(IsUnset(ToProtoDate(day)));
}

TEST(CivilDateTest, CompareDateOrdersWithoutConverting) {
  const CivilDay day(2024, 3, 15);
  EXPECT_EQ(CompareDate(ToProtoDate(day), day), 0);
  EXPECT_LT(CompareDate(ToProtoDate(CivilDay(2024, 3, 14)), day), 0);
  EXPECT_GT(CompareDate(ToProtoDate(CivilDay(2024, 4, 1)), day), 0);
  EXPECT_LT(CompareDate(ToProtoDate(CivilDay(2023, 12, 31)), day), 0);
  EXPECT_GT(CompareDate(ToProtoDate(CivilDay(2025, 1, 1)), day), 0);
  EXPECT_LT(CompareDate(v1::Date(), day), 0) << "unset sorts first";
}

TEST(CivilDateTest, RefusesImpossibleDatesNamingTheField) {
  v1::Date d;
  d.set_year(2023);
  d.set_month(2);
  d.set_day(29);
  absl::StatusOr<CivilDay> parsed = ToCivilDay(d, "hire_date");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(parsed.status().message().find("hire_date"), absl::string_view::npos);
  d.set_month(13);
  d.set_day(1);
  EXPECT_FALSE(ToCivilDay(d, "x").ok());
  d.set_year(1800);
  d.set_month(1);
  EXPECT_FALSE(ToCivilDay(d, "x").ok());
}

TEST(CivilDateTest, ParsesStrictIsoDates) {
  EXPECT_EQ(*ParseCivilDay("2024-03-31", "as_of"), CivilDay(2024, 3, 31));
  for (const char* bad : {"", "2024-3-31", "31/03/2024", "2024-02-30", "2024-03-31x"}) {
    EXPECT_FALSE(ParseCivilDay(bad, "as_of").ok()) << bad;
  }
  EXPECT_EQ(FormatCivilDay(CivilDay(2019, 4, 1)), "2019-04-01");
}

TEST(FinancialYearTest, RunsFromAprilToMarch) {
  EXPECT_EQ(FinancialYearOf(CivilDay(2024, 3, 31)), 2023);
  EXPECT_EQ(FinancialYearOf(CivilDay(2024, 4, 1)), 2024);
  EXPECT_EQ(FinancialYearStart(2023), CivilDay(2023, 4, 1));
  EXPECT_EQ(FinancialYearEnd(2023), CivilDay(2024, 3, 31));
  EXPECT_EQ(FormatFinancialYear(2023), "2023/24");
  EXPECT_EQ(FormatFinancialYear(2099), "2099/00");
}

TEST(FinancialYearTest, ParsesTheWaysPeopleWriteIt) {
  EXPECT_EQ(*ParseFinancialYear("2023/24"), 2023);
  EXPECT_EQ(*ParseFinancialYear("2023-24"), 2023);
  EXPECT_EQ(*ParseFinancialYear("2023"), 2023);
  EXPECT_FALSE(ParseFinancialYear("2023/25").ok());
  EXPECT_FALSE(ParseFinancialYear("23/24").ok());
  EXPECT_FALSE(ParseFinancialYear("").ok());
}

TEST(MonthTest, FirstLastAndLength) {
  EXPECT_EQ(FirstDayOfMonth(CivilDay(2024, 2, 17)), CivilDay(2024, 2, 1));
  EXPECT_EQ(LastDayOfMonth(CivilDay(2024, 2, 17)), CivilDay(2024, 2, 29));
  EXPECT_EQ(DaysInMonth(CivilDay(2023, 2, 1)), 28);
  EXPECT_EQ(DaysInMonth(CivilDay(2024, 12, 31)), 31);
  // Every month of four centuries (1900 and 2100 are not leap years, 2000 is) against
  // civil-time arithmetic: the day before the first of the next month.
  for (absl::CivilMonth m(1900, 1); m <= absl::CivilMonth(2300, 12); ++m) {
    const CivilDay last = CivilDay(m + 1) - 1;
    EXPECT_EQ(LastDayOfMonth(CivilDay(m) + 9), last) << m;
    EXPECT_EQ(DaysInMonth(CivilDay(m)), last.day()) << m;
  }
}

TEST(EpochDaysTest, MatchesCivilTimeArithmeticOverSixCenturies) {
  const CivilDay epoch(1970, 1, 1);
  EXPECT_EQ(CivilDayFromEpochDays(0), epoch);
  EXPECT_EQ(CivilDayFromEpochDays(-1), CivilDay(1969, 12, 31));
  EXPECT_EQ(CivilDayFromEpochDays(19782), CivilDay(2024, 2, 29));
  // Every day from 1700 to 2300 (leap years, the century rule, 2000, negative counts).
  for (CivilDay day(1700, 1, 1); day <= CivilDay(2300, 12, 31); ++day) {
    ASSERT_EQ(CivilDayFromEpochDays(day - epoch), day) << day;
  }
}

}  // namespace
}  // namespace arrs
