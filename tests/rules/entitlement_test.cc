// DeriveSum (published worked examples) and CapFor (shipped caps).
#include "ledger/rules/entitlement.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ledger/rules/caps.h"
#include "tests/rules/rules_test_support.h"

namespace arrs::rules {
namespace {

using ::testing::HasSubstr;

class Shipped : public testing::ShippedBookTest {};

// https://managementinpractice.com/news/practice-income-calculator-for-2025-26-released :
// 30,000 weighted patients -> £798,930 ARRS (26.631 x 30,000).
TEST_F(Shipped, DeriveSum2025WorkedExample) {
  absl::StatusOr<DerivedSum> s = DeriveSum(book_, 2025, 30'000'000);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->sum_pence, 79'893'000);
  EXPECT_EQ(s->rate_per_patient_millipence, 2'663'100);
  EXPECT_EQ(s->rule_version, "2025/26 r2");
  EXPECT_EQ(s->published_at, 14u);  // r1 and r2 of each year from 2019/20: 2025/26 r2 is 14th
  EXPECT_FALSE(s->unverified);
  EXPECT_THAT(s->explanation, HasSubstr("£798,930.00"));
  // Same source: >150,000 patients "almost £4m": 26.631 x 150,000 = £3,994,650.
  EXPECT_EQ(DeriveSum(book_, 2025, 150'000'000)->sum_pence, 399'465'000);
}

// 2022/23: only the rounded £16.70 is known (MiP); the published sums £500,900 (30,000) and
// £834,800 (50,000) (GPonline) imply £16.696-16.697, so the data gives £501,000 and £835,000
// flagged unverified rather than the published figures.
TEST_F(Shipped, DeriveSum2022IsTheRoundedRateAndFlagged) {
  absl::StatusOr<DerivedSum> s = DeriveSum(book_, 2022, 30'000'000);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->sum_pence, 50'100'000);
  EXPECT_TRUE(s->unverified);
  EXPECT_THAT(s->explanation, HasSubstr("UNVERIFIED"));
  EXPECT_EQ(DeriveSum(book_, 2022, 50'000'000)->sum_pence, 83'500'000);
}

// 2023/24 £22.671 (NEL ICB): 50,000 -> £1,133,550 (the reference's derived check of the
// "£1.13 million" average pot).
TEST_F(Shipped, DeriveSum2023) {
  EXPECT_EQ(DeriveSum(book_, 2023, 50'000'000)->sum_pence, 113'355'000);
}

// A fractional weighted population rounds down once: 2,289,400 millipence x 12,345.678
// patients = 2,289,400 x 12,345,678 / 10^6 = 28,264,195.2132 p -> 28,264,195 p (2024/25, £22.894).
TEST_F(Shipped, DeriveSumRoundsDownOnce) {
  EXPECT_EQ(DeriveSum(book_, 2024, 12'345'678)->sum_pence, 28'264'195);
}

TEST_F(Shipped, DeriveSumRefusals) {
  absl::StatusOr<DerivedSum> s = DeriveSum(book_, 2019, 30'000'000);  // no single pot
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("no per-patient rate for 2019/20"));
  s = DeriveSum(book_, 2026, 30'000'000);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("no rule version for 2026/27"));
  EXPECT_EQ(DeriveSum(book_, 2025, -1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DeriveSum(book_, 2025, 30'000'000, /*known_at=*/6).status().code(),
            absl::StatusCode::kFailedPrecondition);  // 2025/26 published at 7
}

// AP cap (NCL training hub): 2/3 in 2022/23, 3/6 in 2023/24, removed 2024/25.
TEST_F(Shipped, AdvancedPractitionerCapByYearAndListSize) {
  const absl::CivilDay d22(2022, 6, 1), d23(2023, 6, 1), d24(2024, 6, 1);
  EXPECT_EQ(CapFor(book_, v1::ADVANCED_PRACTITIONER, d22, 99'999)->cap_wte_bp, 20000);
  EXPECT_EQ(CapFor(book_, v1::ADVANCED_PRACTITIONER, d22, 100'000)->cap_wte_bp, 30000);
  EXPECT_EQ(CapFor(book_, v1::ADVANCED_PRACTITIONER, d23, 99'999)->cap_wte_bp, 30000);
  EXPECT_EQ(CapFor(book_, v1::ADVANCED_PRACTITIONER, d23, 100'000)->cap_wte_bp, 60000);
  EXPECT_FALSE(CapFor(book_, v1::ADVANCED_PRACTITIONER, d24, 100'000).has_value());
  std::optional<CapInForce> c = CapFor(book_, v1::ADVANCED_PRACTITIONER, d23, 99'999);
  EXPECT_EQ(c->rule_version, "2023/24 r2");
  EXPECT_EQ(c->published_at, 10u);
  EXPECT_FALSE(c->unverified);
  ASSERT_EQ(c->roles.size(), 1u);
}

TEST_F(Shipped, OtherCaps) {
  // MHP 1/2 in 2021/22, 2/4 in 2022/23, none 2023/24 (GM careers; MiP; NCL).
  EXPECT_EQ(CapFor(book_, v1::MENTAL_HEALTH_PRACTITIONER, absl::CivilDay(2021, 5, 1), 99'999)->cap_wte_bp,
            10000);
  EXPECT_EQ(CapFor(book_, v1::MENTAL_HEALTH_PRACTITIONER, absl::CivilDay(2021, 5, 1), 100'000)->cap_wte_bp,
            20000);
  EXPECT_EQ(CapFor(book_, v1::MENTAL_HEALTH_PRACTITIONER, absl::CivilDay(2022, 5, 1), 100'000)->cap_wte_bp,
            40000);
  EXPECT_FALSE(CapFor(book_, v1::MENTAL_HEALTH_PRACTITIONER, absl::CivilDay(2023, 5, 1), 1).has_value());
  // Pharmacy technician 2020/21: two only "over 100,000" (C+D).
  EXPECT_EQ(CapFor(book_, v1::PHARMACY_TECHNICIAN, absl::CivilDay(2020, 5, 1), 100'000)->cap_wte_bp, 10000);
  EXPECT_EQ(CapFor(book_, v1::PHARMACY_TECHNICIAN, absl::CivilDay(2020, 5, 1), 100'001)->cap_wte_bp, 20000);
  EXPECT_FALSE(CapFor(book_, v1::PHARMACY_TECHNICIAN, absl::CivilDay(2021, 5, 1), 1).has_value());
  // D&TL one per PCN from 1 October 2022 (Pulse), not before.
  EXPECT_FALSE(CapFor(book_, v1::DIGITAL_AND_TRANSFORMATION_LEAD, absl::CivilDay(2022, 9, 30), 1));
  EXPECT_EQ(CapFor(book_, v1::DIGITAL_AND_TRANSFORMATION_LEAD, absl::CivilDay(2022, 10, 1), 1)->cap_wte_bp,
            10000);
  // Enhanced nurse 1/2 in 2024/25 (Pulse).
  EXPECT_EQ(CapFor(book_, v1::ENHANCED_PRACTICE_NURSE, absl::CivilDay(2024, 5, 1), 100'000)->cap_wte_bp,
            20000);
  // FCP 2020/21 limit existed but its value is unverified.
  EXPECT_TRUE(CapFor(book_, v1::FIRST_CONTACT_PHYSIOTHERAPIST, absl::CivilDay(2020, 5, 1), 1)->unverified);
  // 2025/26: no caps.
  EXPECT_FALSE(CapFor(book_, v1::ENHANCED_PRACTICE_NURSE, absl::CivilDay(2025, 5, 1), 1).has_value());
}

// CapFor's same_through: the answer holds for every day up to it, for every role, every
// day of 2019/20-2025/26 and both sides of the list-size thresholds; a cap starting mid-year
// (D&TL, 1 October 2022) ends the span the day before.
TEST_F(Shipped, CapSameThroughHoldsForEveryDayItCovers) {
  auto same = [](const std::optional<CapInForce>& a, const std::optional<CapInForce>& b) {
    if (a.has_value() != b.has_value()) return false;
    return !a || (a->cap_wte_bp == b->cap_wte_bp && a->roles == b->roles &&
                  a->rule_version == b->rule_version && a->effective_from == b->effective_from &&
                  a->effective_to == b->effective_to && a->unverified == b->unverified);
  };
  int spans = 0;
  for (int role = v1::Role_MIN + 1; role <= v1::Role_MAX; ++role) {
    if (!v1::Role_IsValid(role)) continue;
    for (int64_t list_size : {99'999, 100'000}) {
      for (absl::CivilDay day(2019, 4, 1); day <= absl::CivilDay(2026, 3, 31);) {
        absl::CivilDay through;
        const std::optional<CapInForce> cap =
            CapFor(book_, static_cast<v1::Role>(role), day, list_size, kLatest, &through);
        ASSERT_GE(through, day);
        for (absl::CivilDay d = day + 1; d <= through; ++d) {
          ASSERT_TRUE(same(cap, CapFor(book_, static_cast<v1::Role>(role), d, list_size)))
              << "role " << role << " from " << day << " to " << d;
        }
        if (role == v1::DIGITAL_AND_TRANSFORMATION_LEAD && day <= absl::CivilDay(2022, 9, 30) &&
            through >= absl::CivilDay(2022, 9, 30)) {
          EXPECT_EQ(through, absl::CivilDay(2022, 9, 30));
        }
        day = through + 1;
        ++spans;
      }
    }
  }
  EXPECT_GT(spans, 14 * 7);  // at least one span per financial year per role and size
}

}  // namespace
}  // namespace arrs::rules
