// arrsctl's argument parsers: the values people type, and refusals that name the option.
#include "cli/parse.h"

#include <gtest/gtest.h>

namespace arrs::cli {
namespace {

TEST(ParseMilliArgTest, ReadsUpToThreeDecimals) {
  EXPECT_EQ(*ParseMilliArg("52000", "--weighted"), 52000000);
  EXPECT_EQ(*ParseMilliArg("52,000.5", "--weighted"), 52000500);
  EXPECT_EQ(*ParseMilliArg(" 1.125 ", "--weighted"), 1125);
}

TEST(ParseMilliArgTest, RefusesNonsenseAndOverflowNamingTheOption) {
  for (const char* bad : {"", "-1", "1.2345", "abc", "1.-5", "9300000000000000.5",
                          "9223372036854775807"}) {
    absl::StatusOr<int64_t> parsed = ParseMilliArg(bad, "--weighted");
    ASSERT_FALSE(parsed.ok()) << bad << " gave " << (parsed.ok() ? *parsed : 0);
    EXPECT_NE(parsed.status().message().find("--weighted"), absl::string_view::npos) << bad;
  }
  // The largest value that fits is still read exactly.
  EXPECT_EQ(*ParseMilliArg("9223372036854774.999", "--weighted"), INT64_MAX - 808);
}

TEST(ParseMhpFundingArgTest, ReadsBothArrangements) {
  EXPECT_EQ(*ParseMhpFundingArg("shared-50"), v1::MHP_SHARED_50);
  EXPECT_EQ(*ParseMhpFundingArg("FULL_100"), v1::MHP_FULL_100);
  EXPECT_EQ(*ParseMhpFundingArg("mhp-shared-50"), v1::MHP_SHARED_50);
}

TEST(ParseMhpFundingArgTest, RefusesAnythingElseNamingTheValue) {
  for (const char* bad : {"", "50", "shared", "mhp-funding-unspecified"}) {
    absl::StatusOr<v1::MhpFunding> parsed = ParseMhpFundingArg(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_NE(parsed.status().message().find("shared-50, full-100"), absl::string_view::npos)
        << parsed.status();
  }
}

}  // namespace
}  // namespace arrs::cli
