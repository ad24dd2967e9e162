// ForecastStaff: rest of the year and the full-year effect (hand-worked figures).
#include "ledger/rules/forecast.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/rules/rules_test_support.h"

namespace arrs::rules {
namespace {

using ::testing::HasSubstr;

// Forecasts under the shipped rule book.
class ForecastUnderShippedRules : public testing::ShippedBookTest {
 protected:
  // One member of `role` in post `from`..`to` at `wte_bp`, costing `monthly_cost_pence`.
  absl::StatusOr<StaffForecast> Forecast(v1::Role role, absl::CivilDay from, absl::CivilDay to,
                                         int32_t wte_bp, int64_t monthly_cost_pence) {
    return ForecastStaff(book_, role, {{from, to, wte_bp}}, monthly_cost_pence);
  }
};

// CP 1.0 WTE from 15 Oct 2023 at £6,000 a month (2023/24 CP £62,340 from 1 July 2023):
// Oct: 6,234,000 x 17/31 / 12 = 284,887.09 -> 284,887; Nov-Mar: 519,500 x 5 = 2,597,500.
// Total 2,882,387 p. Full year 2024/25 (published): Apr-Sep 6,234,000/12 = 519,500 x 6 =
// 3,117,000; Oct-Mar 6,583,800/12 = 548,650 x 6 = 3,291,900 (cost £6,000 exceeds both);
// 6,408,900 p.
TEST_F(ForecastUnderShippedRules, RestOfYearAndFullYearUnderNextYearsRules) {
  absl::StatusOr<StaffForecast> f = Forecast(v1::CLINICAL_PHARMACIST, absl::CivilDay(2023, 10, 15),
                                             absl::CivilDay(2024, 3, 31), 10000, 600000);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->financial_year, 2023);
  ASSERT_EQ(f->months.size(), 6u);
  EXPECT_EQ(f->months[0].reimbursable_pence, 284887);
  EXPECT_EQ(f->months[1].reimbursable_pence, 519500);
  EXPECT_EQ(f->total_reimbursable_pence, 2882387);
  EXPECT_TRUE(f->full_year_known);
  EXPECT_EQ(f->full_year_effect_pence, 6408900);
  EXPECT_THAT(f->full_year_basis, HasSubstr("2024/25 r2"));
}

// No next-year rules: this year's figure on 31 March, 12 months. Constructed rules: a
// podiatrist at £36,000 a year; 0.5 WTE, £2,000 a month: min(2,000, 36,000 x 0.5 / 12 =
// 1,500) = £1,500 a month; x 12 = £18,000.
TEST(ForecastStaff, FullYearAtCurrentFiguresWhenNextYearIsNotPublished) {
  RuleBook book;
  book.Apply(testing::PublishEvent(1, testing::RulesFromText(R"pb(
    version: "2021/22 test" financial_year: 2021
    roles {
      role: PODIATRIST reimbursed_bp: 10000
      eligible_from { year: 2021 month: 4 day: 1 } eligible_to { year: 2022 month: 3 day: 31 }
      max_amounts {
        effective_from { year: 2021 month: 4 day: 1 } effective_to { year: 2022 month: 3 day: 31 }
        annual_max_pence: 3600000
      }
    })pb")));
  absl::StatusOr<StaffForecast> f = ForecastStaff(
      book, v1::PODIATRIST, {{absl::CivilDay(2022, 1, 1), absl::CivilDay(2022, 3, 31), 5000}},
      200000);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->months.size(), 3u);
  EXPECT_EQ(f->total_reimbursable_pence, 3 * 150000);
  EXPECT_EQ(f->full_year_effect_pence, 1800000);
  EXPECT_THAT(f->full_year_basis, HasSubstr("No rule version for 2022/23"));
}

TEST_F(ForecastUnderShippedRules, UnknownMaximumIsFlaggedAndLeaverHasNoFullYear) {
  // The 2025/26 enhanced practice nurse (band 7) figure is not known and there is no
  // 2026/27 version.
  absl::StatusOr<StaffForecast> f =
      Forecast(v1::ENHANCED_PRACTICE_NURSE, absl::CivilDay(2025, 4, 1), absl::CivilDay(2026, 3, 31),
               10000, 600000);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->months[0].outcome, v1::MAXIMUM_UNKNOWN);
  EXPECT_EQ(f->total_reimbursable_pence, 0);
  EXPECT_FALSE(f->full_year_known);
  // Leaves 31 Jan 2024: Feb and Mar not in post, no full-year effect.
  f = Forecast(v1::CLINICAL_PHARMACIST, absl::CivilDay(2023, 12, 1), absl::CivilDay(2024, 1, 31),
               10000, 600000);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->months.size(), 4u);
  EXPECT_EQ(f->months[3].outcome, v1::NOT_IN_POST);
  EXPECT_EQ(f->total_reimbursable_pence, 2 * 519500);
  EXPECT_EQ(f->full_year_effect_pence, 0);
  EXPECT_EQ(ForecastStaff(book_, v1::CLINICAL_PHARMACIST, {}, 1).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace arrs::rules
