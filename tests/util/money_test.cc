#include "ledger/util/money.h"

#include <gtest/gtest.h>

namespace arrs {
namespace {

TEST(FormatPoundsTest, GroupsThousandsAndKeepsPence) {
  EXPECT_EQ(FormatPounds(0), "£0.00");
  EXPECT_EQ(FormatPounds(5), "£0.05");
  EXPECT_EQ(FormatPounds(123456789), "£1,234,567.89");
  EXPECT_EQ(FormatPounds(-150), "-£1.50");
  EXPECT_EQ(FormatPounds(INT64_MIN), "-£92,233,720,368,547,758.08");
}

TEST(FormatPoundsTest, PlainHasNoSymbolOrSeparators) {
  EXPECT_EQ(FormatPoundsPlain(123456789), "1234567.89");
  EXPECT_EQ(FormatPoundsPlain(-7), "-0.07");
}

TEST(ParsePoundsTest, AcceptsWhatPeopleWrite) {
  EXPECT_EQ(*ParsePounds("1234.56", "x"), 123456);
  EXPECT_EQ(*ParsePounds("1,234.5", "x"), 123450);
  EXPECT_EQ(*ParsePounds("£37,810", "x"), 3781000);
  EXPECT_EQ(*ParsePounds("0.01", "x"), 1);
}

TEST(ParsePoundsTest, RefusesNonNumbersAndExtraDecimalsNamingTheField) {
  for (const char* bad : {"", "12.345", "abc", "12.", "1..2", "99999999999999999999"}) {
    absl::StatusOr<int64_t> parsed = ParsePounds(bad, "actual_cost");
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(parsed.status().message().find("actual_cost"), absl::string_view::npos);
  }
}

TEST(WteTest, FormatsTrimmedAndSigned) {
  EXPECT_EQ(FormatWte(10000), "1.0");
  EXPECT_EQ(FormatWte(6000), "0.6");
  EXPECT_EQ(FormatWte(4500), "0.45");
  EXPECT_EQ(FormatWte(8125), "0.8125");
  EXPECT_EQ(FormatWte(0), "0.0");
  EXPECT_EQ(FormatWte(-6000), "-0.6");
  EXPECT_EQ(FormatWte(-12500), "-1.25");
}

TEST(WteTest, ParsesUpToFourDecimalsAndRoundTrips) {
  EXPECT_EQ(*ParseWte("0.6", "wte"), 6000);
  EXPECT_EQ(*ParseWte("1", "wte"), 10000);
  EXPECT_EQ(*ParseWte("0.8125", "wte"), 8125);
  for (int32_t bp : {1, 4500, 10000, 12345}) EXPECT_EQ(*ParseWte(FormatWte(bp), "wte"), bp);
  EXPECT_FALSE(ParseWte("0.12345", "wte").ok());
  EXPECT_FALSE(ParseWte("-0.5", "wte").ok());
  EXPECT_FALSE(ParseWte("101", "wte").ok());
}

TEST(PercentTest, FormatsBasisPoints) {
  EXPECT_EQ(FormatPercentBp(7000), "70%");
  EXPECT_EQ(FormatPercentBp(10000), "100%");
  EXPECT_EQ(FormatPercentBp(12345), "123.45%");
}

}  // namespace
}  // namespace arrs
