// PriceLine: the arithmetic (expected pence worked by hand in the comments, from the
// formula in calculator.h and the figures in rules/*.textproto), every refusal outcome with
// its message, the sum checks and the rounding rule.
#include "ledger/rules/calculator.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ledger/util/civil_date.h"
#include "tests/rules/rules_test_support.h"

namespace arrs::rules {
namespace {

using ::arrs::FirstDayOfMonth;
using ::arrs::LastDayOfMonth;
using ::testing::HasSubstr;
using testing::PricedBothWays;
using testing::PublishEvent;

constexpr int64_t kPlenty = 100'000'000;  // £1m left of the sum

class ShippedBook : public testing::ShippedBookTest {
 protected:
  LinePrice Price(v1::Role role, absl::CivilDay month, std::vector<PostSegment> in_post,
                  int64_t claimed, LineContext context = {.sum_remaining_pence = kPlenty}) {
    LineInput in;
    in.role = role;
    in.month = month;
    in.in_post = std::move(in_post);
    in.claimed_pence = claimed;
    in.context = context;
    return PricedBothWays(book_, in);
  }
  static std::vector<PostSegment> Whole(absl::CivilDay month, int32_t wte_bp = 10000) {
    return {{FirstDayOfMonth(month), LastDayOfMonth(month), wte_bp}};
  }
};

// rules/2022-23.textproto: CP £59,312 from 1 Oct 2022 (C+D, NHSE letter 26 Sep 2022).
// Full month, 1.0 WTE: 5,931,200 / 12 = 494,266.67 -> 494,266 p.
TEST_F(ShippedBook, FullMonthAfterTheOctober2022Uplift) {
  LinePrice p = Price(v1::CLINICAL_PHARMACIST, absl::CivilDay(2022, 10, 1),
                      Whole(absl::CivilDay(2022, 10, 1)), 600000);
  EXPECT_EQ(p.outcome, v1::APPROVED);
  EXPECT_EQ(p.maximum_pence, 494266);
  EXPECT_EQ(p.reimbursable_pence, 494266);
  EXPECT_EQ(p.approved_pence, 494266);
  EXPECT_THAT(p.rule_versions, ::testing::ElementsAre("2022/23 r2"));
  EXPECT_THAT(p.explanation, HasSubstr("version \"2022/23 r2\""));
  // r1 and r2 of 2019/20..2022/23 at positions 1..8: 2022/23 r2 is the 8th.
  EXPECT_THAT(p.explanation, HasSubstr("published at log position 8"));
  EXPECT_THAT(p.explanation, HasSubstr("2022-10-01..2022-10-31: 31 days x 1.0 WTE x £59,312.00"));
  EXPECT_THAT(p.explanation, HasSubstr("rounded once, down to whole pence = 494266 p"));
}

// Same member the month before the uplift: £57,318 / 12 = 4,776.50 exactly.
TEST_F(ShippedBook, MonthBeforeTheUpliftUsesTheOldMaximum) {
  LinePrice p = Price(v1::CLINICAL_PHARMACIST, absl::CivilDay(2022, 9, 1),
                      Whole(absl::CivilDay(2022, 9, 1)), 600000);
  EXPECT_EQ(p.outcome, v1::APPROVED);
  EXPECT_EQ(p.maximum_pence, 477650);
  EXPECT_EQ(p.approved_pence, 477650);
  EXPECT_THAT(p.explanation, HasSubstr("£57,318.00 a year"));
}

// Claimed below the maximum: reimbursed the claim.
TEST_F(ShippedBook, ClaimBelowTheMaximumIsReimbursedInFull) {
  LinePrice p = Price(v1::CLINICAL_PHARMACIST, absl::CivilDay(2022, 10, 1),
                      Whole(absl::CivilDay(2022, 10, 1)), 412345);
  EXPECT_EQ(p.reimbursable_pence, 412345);
}

// 0.6 WTE starting 15 Nov 2022 (30-day month): 16 days.
// 5,931,200 x 0.6 x 16/30 / 12 = 158,165.33 -> 158,165 p.
TEST_F(ShippedBook, PointSixWteStartingOnThe15th) {
  LinePrice p = Price(v1::CLINICAL_PHARMACIST, absl::CivilDay(2022, 11, 1),
                      {{absl::CivilDay(2022, 11, 15), absl::CivilDay(2022, 11, 30), 6000}},
                      300000);
  EXPECT_EQ(p.outcome, v1::APPROVED);
  EXPECT_EQ(p.maximum_pence, 158165);
  EXPECT_EQ(p.approved_pence, 158165);
  EXPECT_THAT(p.explanation, HasSubstr("2022-11-01..2022-11-14: 14 days not in post"));
  EXPECT_THAT(p.explanation, HasSubstr("2022-11-15..2022-11-30: 16 days x 0.6 WTE"));
}

// Leaver whose last day is 10 Aug 2023; 2023/24 CP £62,340 from 1 July 2023 (MiP).
// 6,234,000 x 10/31 / 12 = 167,580.64 -> 167,580 p.
TEST_F(ShippedBook, LeaverMidMonth) {
  LinePrice p = Price(v1::CLINICAL_PHARMACIST, absl::CivilDay(2023, 8, 1),
                      {{absl::CivilDay(2023, 8, 1), absl::CivilDay(2023, 8, 10), 10000}},
                      500000);
  EXPECT_EQ(p.maximum_pence, 167580);
  EXPECT_EQ(p.approved_pence, 167580);
}

// 1.0 WTE 1-15 Jan 2024, 0.5 WTE 16-31 Jan: 6,234,000 x (15 + 16 x 0.5)/31 / 12
// = 6,234,000 x 23 / 372 = 385,435.48 -> 385,435 p.
TEST_F(ShippedBook, MidMonthWteChange) {
  LinePrice p = Price(v1::CLINICAL_PHARMACIST, absl::CivilDay(2024, 1, 20),
                      {{absl::CivilDay(2024, 1, 1), absl::CivilDay(2024, 1, 15), 10000},
                       {absl::CivilDay(2024, 1, 16), absl::CivilDay(2024, 1, 31), 5000}},
                      600000);
  EXPECT_EQ(p.maximum_pence, 385435);
  EXPECT_EQ(p.approved_pence, 385435);
}

// 2019/20: CP 70% with £37,810 capping the 70% contribution (PJ; Wessex LMCs), SPLW 100% up
// to £34,113 (Pulse). CP claim £4,000: 70% = £2,800 < 37,810/12 = £3,150.83 -> 280,000 p.
// CP claim £5,000: 70% = £3,500 > £3,150.83 -> 315,083 p. SPLW claim £3,000 > 34,113/12 =
// £2,842.75 -> 284,275 p at 100%.
TEST_F(ShippedBook, SeventyPercentClinicalPharmacistVersusHundredPercentSplw2019) {
  const absl::CivilDay aug(2019, 8, 1);
  LinePrice cp = Price(v1::CLINICAL_PHARMACIST, aug, Whole(aug), 400000);
  EXPECT_EQ(cp.reimbursable_pence, 280000);
  EXPECT_THAT(cp.explanation, HasSubstr("70%"));
  cp = Price(v1::CLINICAL_PHARMACIST, aug, Whole(aug), 500000);
  EXPECT_EQ(cp.reimbursable_pence, 315083);
  LinePrice splw = Price(v1::SOCIAL_PRESCRIBING_LINK_WORKER, aug, Whole(aug), 300000);
  EXPECT_EQ(splw.reimbursable_pence, 284275);
  EXPECT_THAT(splw.explanation, HasSubstr("100%"));
}

// ---- Refusals ----

TEST_F(ShippedBook, RoleClaimedBeforeItsIntroduction) {
  // GP assistants reimbursable from 1 October 2022 (Pulse explainer).
  LinePrice p = Price(v1::GP_ASSISTANT, absl::CivilDay(2022, 9, 1),
                      Whole(absl::CivilDay(2022, 9, 1)), 200000);
  EXPECT_EQ(p.outcome, v1::ROLE_NOT_ELIGIBLE);
  EXPECT_EQ(p.approved_pence, 0);
  EXPECT_THAT(p.explanation, HasSubstr("GP_ASSISTANT is reimbursable only "
                                       "2022-10-01..2023-03-31 in 2022/23"));
  EXPECT_THAT(p.explanation, HasSubstr("in post 2022-09-01..2022-09-30"));
  // Paramedics are not in the 2020/21 rules at all (from April 2021).
  p = Price(v1::PARAMEDIC, absl::CivilDay(2021, 3, 1), Whole(absl::CivilDay(2021, 3, 1)), 1);
  EXPECT_EQ(p.outcome, v1::ROLE_NOT_ELIGIBLE);
  EXPECT_THAT(p.explanation, HasSubstr("PARAMEDIC is not a reimbursable role in 2020/21"));
  // Clinical pharmacists from 1 July 2019 only.
  p = Price(v1::CLINICAL_PHARMACIST, absl::CivilDay(2019, 6, 1),
            Whole(absl::CivilDay(2019, 6, 1)), 1);
  EXPECT_EQ(p.outcome, v1::ROLE_NOT_ELIGIBLE);
  // No rule version for 2026/27.
  p = Price(v1::CLINICAL_PHARMACIST, absl::CivilDay(2026, 5, 1),
            Whole(absl::CivilDay(2026, 5, 1)), 1);
  EXPECT_EQ(p.outcome, v1::ROLE_NOT_ELIGIBLE);
  EXPECT_THAT(p.explanation, HasSubstr("no rule version for 2026/27 is published"));
}

TEST_F(ShippedBook, NotInPost) {
  const absl::CivilDay may(2023, 5, 1);
  LinePrice p = Price(v1::CLINICAL_PHARMACIST, may, {}, 100000);
  EXPECT_EQ(p.outcome, v1::NOT_IN_POST);
  EXPECT_THAT(p.explanation, HasSubstr("no day of 2023-05-01..2023-05-31 has paid WTE"));
  // A segment outside the month, and unpaid leave (0 WTE) all month.
  p = Price(v1::CLINICAL_PHARMACIST, may,
            {{absl::CivilDay(2023, 6, 1), absl::CivilDay(2023, 6, 30), 10000},
             {absl::CivilDay(2023, 5, 1), absl::CivilDay(2023, 5, 31), 0}},
            100000);
  EXPECT_EQ(p.outcome, v1::NOT_IN_POST);
  EXPECT_EQ(p.approved_pence, 0);
}

TEST_F(ShippedBook, MaximumUnknownNamesRoleYearAndWhatIsNeeded) {
  // Advanced practitioner 1 Apr-30 Sep 2024: not published (reference section 3).
  LinePrice p = Price(v1::ADVANCED_PRACTITIONER, absl::CivilDay(2024, 5, 1),
                      Whole(absl::CivilDay(2024, 5, 1)), 600000);
  EXPECT_EQ(p.outcome, v1::MAXIMUM_UNKNOWN);
  EXPECT_EQ(p.approved_pence, 0);
  EXPECT_THAT(p.explanation, HasSubstr("ADVANCED_PRACTITIONER is eligible"));
  EXPECT_THAT(p.explanation, HasSubstr("2024/25"));
  EXPECT_THAT(p.explanation, HasSubstr("no verified annual maximum for 2024-05-01..2024-05-31"));
  EXPECT_THAT(p.explanation, HasSubstr("A rule version with the published figure must be "
                                       "published"));
  // From 1 October 2024 the AP figure is known: £72,141 / 12 = 601,175 p exactly.
  p = Price(v1::ADVANCED_PRACTITIONER, absl::CivilDay(2024, 10, 1),
            Whole(absl::CivilDay(2024, 10, 1)), 700000);
  EXPECT_EQ(p.outcome, v1::APPROVED);
  EXPECT_EQ(p.approved_pence, 601175);
  // Under 2025/26 r1 (position 13, before r2 at 14) the amounts were recorded but
  // unverified: refused, and the message shows the figure. r2 prices them (DES figures).
  LineInput in;
  in.role = v1::CONSULTANT_NURSE;
  in.month = absl::CivilDay(2025, 6, 1);
  in.in_post = Whole(in.month);
  in.claimed_pence = 900000;
  in.context.sum_remaining_pence = kPlenty;
  p = PriceLine(book_, in, /*known_at=*/13);
  EXPECT_EQ(p.outcome, v1::MAXIMUM_UNKNOWN);
  EXPECT_THAT(p.explanation, HasSubstr("£102,683.00 is recorded but marked unverified"));
  p = PriceLine(book_, in);
  EXPECT_EQ(p.outcome, v1::APPROVED);
  EXPECT_EQ(p.approved_pence, 855691);  // 10,268,300 / 12 = 855,691.67
  // A role on a band row whose figure is unknown says so.
  p = Price(v1::CARE_COORDINATOR, absl::CivilDay(2024, 11, 1),
            Whole(absl::CivilDay(2024, 11, 1)), 300000);
  EXPECT_EQ(p.outcome, v1::MAXIMUM_UNKNOWN);
  EXPECT_THAT(p.explanation, HasSubstr("CARE_COORDINATOR is on the band 4 row, which has no "
                                       "known figure for those days either."));
}

// Issue 19 finding 11: a verified cap with part of a WTE left reimburses the part that fits.
// 2020/21 pharmacy technicians: cap 1.0 WTE; 0.5 WTE ranked ahead; this member 1.0 WTE, so
// 0.5 of 1.0 fits. February 2021, £35,389 a year: maximum 3,538,900 x 28 x 10,000 /
// (12 x 10,000 x 28) = 294,908.33 p; within the cap x 5,000/10,000 = 147,454.17 p; claimed
// 300,000 p x 1/2 = 150,000 p; reimbursable min(...) = 147,454.17 -> 147,454 p.
TEST_F(ShippedBook, CapWithPartOfAWteLeftReimbursesThePartThatFits) {
  const absl::CivilDay feb(2021, 2, 1);
  LinePrice p = Price(v1::PHARMACY_TECHNICIAN, feb, Whole(feb), 300000,
                      {.registered_list_size = 30000, .cap_wte_ahead_bp = 5000,
                       .sum_remaining_pence = kPlenty});
  EXPECT_EQ(p.outcome, v1::PARTIALLY_WITHIN_CAP) << p.explanation;
  EXPECT_EQ(p.maximum_pence, 147454);
  EXPECT_EQ(p.reimbursable_pence, 147454);
  EXPECT_EQ(p.approved_pence, 147454);
  EXPECT_THAT(p.explanation,
              HasSubstr("0.5 WTE ranked ahead + this member's 1.0 WTE = 1.5 WTE exceeds the cap "
                        "of 1.0 WTE: 0.5 WTE of room is left, so that part of the member's WTE "
                        "is reimbursed and the other 0.5 WTE is over the cap."));
  EXPECT_THAT(p.explanation, HasSubstr("Within the cap: 0.5 of the member's 1.0 WTE fits, so "
                                       "the line counts 5000/10000 of its maximum and of its "
                                       "claimed cost:"));
  EXPECT_THAT(p.explanation, HasSubstr("claimed within the cap = 300000 p x 5000/10000 = "));
  // A claim below the part's maximum: half the claim.
  p = Price(v1::PHARMACY_TECHNICIAN, feb, Whole(feb), 200000,
            {.registered_list_size = 30000, .cap_wte_ahead_bp = 5000,
             .sum_remaining_pence = kPlenty});
  EXPECT_EQ(p.approved_pence, 100000);
  // No room at all: refused as before.
  p = Price(v1::PHARMACY_TECHNICIAN, feb, Whole(feb), 300000,
            {.registered_list_size = 30000, .cap_wte_ahead_bp = 10000,
             .sum_remaining_pence = kPlenty});
  EXPECT_EQ(p.outcome, v1::CAP_EXCEEDED);
  EXPECT_EQ(p.approved_pence, 0);
  // The part within the cap, then the sum: less left than that part -> PARTIALLY_APPROVED.
  p = Price(v1::PHARMACY_TECHNICIAN, feb, Whole(feb), 300000,
            {.registered_list_size = 30000, .cap_wte_ahead_bp = 5000,
             .sum_remaining_pence = 1000});
  EXPECT_EQ(p.outcome, v1::PARTIALLY_APPROVED);
  EXPECT_EQ(p.approved_pence, 1000);
}

// AP cap (NCL training hub): 2022/23 2 WTE at list size 99,999 or fewer, 3 WTE at 100,000 or
// over; 2023/24 3 and 6. The AP maximum for those years is unverified, so a line within the
// cap (or with part of its WTE within it) goes on to MAXIMUM_UNKNOWN; a line with no room
// left under the cap is CAP_EXCEEDED.
TEST_F(ShippedBook, AdvancedPractitionerCapAt99999Versus100000BeforeAndAfterApril2023) {
  struct Case {
    absl::CivilDay month;
    int64_t list_size;
    int32_t ahead_bp;
    v1::LineOutcome want;
  } cases[] = {
      {absl::CivilDay(2022, 6, 1), 99999, 20000, v1::CAP_EXCEEDED},      // 2 + 1 > 2
      {absl::CivilDay(2022, 6, 1), 100000, 20000, v1::MAXIMUM_UNKNOWN},  // 2 + 1 <= 3
      {absl::CivilDay(2022, 6, 1), 100000, 30000, v1::CAP_EXCEEDED},     // 3 + 1 > 3, no room
      {absl::CivilDay(2022, 6, 1), 100000, 25000, v1::MAXIMUM_UNKNOWN},  // 0.5 of room left
      {absl::CivilDay(2023, 6, 1), 99999, 20000, v1::MAXIMUM_UNKNOWN},   // 2 + 1 <= 3
      {absl::CivilDay(2023, 6, 1), 99999, 30000, v1::CAP_EXCEEDED},      // 3 + 1 > 3
      {absl::CivilDay(2023, 6, 1), 100000, 50000, v1::MAXIMUM_UNKNOWN},  // 5 + 1 <= 6
      {absl::CivilDay(2023, 6, 1), 100000, 60000, v1::CAP_EXCEEDED},     // 6 + 1 > 6, no room
      {absl::CivilDay(2023, 6, 1), 100000, 50001, v1::MAXIMUM_UNKNOWN},  // 0.9999 of room
  };
  for (const Case& c : cases) {
    LinePrice p = Price(v1::ADVANCED_PRACTITIONER, c.month, Whole(c.month), 600000,
                        {.registered_list_size = c.list_size,
                         .cap_wte_ahead_bp = c.ahead_bp,
                         .sum_remaining_pence = kPlenty});
    EXPECT_EQ(p.outcome, c.want) << c.month << " " << c.list_size << " " << c.ahead_bp << "\n"
                                 << p.explanation;
  }
  LinePrice p = Price(v1::ADVANCED_PRACTITIONER, absl::CivilDay(2022, 6, 1),
                      Whole(absl::CivilDay(2022, 6, 1)), 600000,
                      {.registered_list_size = 99999, .cap_wte_ahead_bp = 20000,
                       .sum_remaining_pence = kPlenty});
  EXPECT_THAT(p.explanation, HasSubstr("CAP EXCEEDED: cap of 2.0 WTE on ADVANCED_PRACTITIONER"));
  EXPECT_THAT(p.explanation, HasSubstr("list size 99999 is below the threshold 100000"));
  EXPECT_THAT(p.explanation, HasSubstr("rule version \"2022/23 r2\""));
  EXPECT_THAT(p.explanation, HasSubstr("2.0 WTE ranked ahead + this member's 1.0 WTE = 3.0 WTE"));
}

// 2024/25: the AP cap was removed (Pulse); 9 WTE ahead is fine from October 2024.
TEST_F(ShippedBook, NoApCapIn2024) {
  LinePrice p = Price(v1::ADVANCED_PRACTITIONER, absl::CivilDay(2024, 11, 1),
                      Whole(absl::CivilDay(2024, 11, 1)), 700000,
                      {.registered_list_size = 50000, .cap_wte_ahead_bp = 90000,
                       .sum_remaining_pence = kPlenty});
  EXPECT_EQ(p.outcome, v1::APPROVED);
  EXPECT_THAT(p.explanation, HasSubstr("no cap on ADVANCED_PRACTITIONER"));
}

TEST_F(ShippedBook, UnverifiedCapIsNotedNotEnforced) {
  // 2019/20 CP "one per network" is unverified wording: not enforced.
  const absl::CivilDay aug(2019, 8, 1);
  LinePrice p = Price(v1::CLINICAL_PHARMACIST, aug, Whole(aug), 400000,
                      {.registered_list_size = 30000, .cap_wte_ahead_bp = 10000,
                       .sum_remaining_pence = kPlenty});
  EXPECT_EQ(p.outcome, v1::APPROVED);
  EXPECT_THAT(p.explanation, HasSubstr("not enforced"));
}

TEST_F(ShippedBook, NotAdditionalToThe2019Baseline) {
  const absl::CivilDay may(2023, 5, 1);
  // Baseline 1.0 WTE of CPs; nobody ahead; this member 1.0 WTE: fills the baseline post.
  LinePrice p = Price(v1::CLINICAL_PHARMACIST, may, Whole(may), 500000,
                      {.baseline_wte_bp = 10000, .sum_remaining_pence = kPlenty});
  EXPECT_EQ(p.outcome, v1::NOT_ADDITIONAL);
  EXPECT_EQ(p.approved_pence, 0);
  EXPECT_THAT(p.explanation, HasSubstr("0.0 WTE of CLINICAL_PHARMACIST ranked ahead + this "
                                       "member's 1.0 WTE = 1.0 WTE against the PCN's 31 March "
                                       "2019 baseline of 1.0 WTE"));
  EXPECT_THAT(p.explanation, HasSubstr("fills a baseline post"));
  // With 0.5 WTE hired earlier, 0.5 + 1.0 > 1.0: additional, approved (£59,312/12).
  p = Price(v1::CLINICAL_PHARMACIST, may, Whole(may), 500000,
            {.baseline_wte_bp = 10000, .role_wte_ahead_bp = 5000, .sum_remaining_pence = kPlenty});
  EXPECT_EQ(p.outcome, v1::APPROVED);
  EXPECT_EQ(p.approved_pence, 494266);
}

TEST_F(ShippedBook, SumExhaustedAndPartialApproval) {
  const absl::CivilDay oct(2022, 10, 1);
  LinePrice p = Price(v1::CLINICAL_PHARMACIST, oct, Whole(oct), 600000,
                      {.sum_remaining_pence = -1});
  // Issue 19 finding 9: no sum set is its own outcome, not SUM_EXHAUSTED.
  EXPECT_EQ(p.outcome, v1::NO_SUM_SET);
  EXPECT_EQ(p.reimbursable_pence, 494266);
  EXPECT_EQ(p.approved_pence, 0);
  EXPECT_THAT(p.explanation, HasSubstr("NO SUM SET: no Additional Roles Reimbursement Sum is "
                                       "set for the PCN for this financial year"));
  p = Price(v1::CLINICAL_PHARMACIST, oct, Whole(oct), 600000, {.sum_remaining_pence = 0});
  EXPECT_EQ(p.outcome, v1::SUM_EXHAUSTED);
  EXPECT_THAT(p.explanation, HasSubstr("nothing is left"));
  p = Price(v1::CLINICAL_PHARMACIST, oct, Whole(oct), 600000, {.sum_remaining_pence = 100000});
  EXPECT_EQ(p.outcome, v1::PARTIALLY_APPROVED);
  EXPECT_EQ(p.approved_pence, 100000);
  EXPECT_EQ(p.reimbursable_pence, 494266);
  p = Price(v1::CLINICAL_PHARMACIST, oct, Whole(oct), 600000, {.sum_remaining_pence = 494266});
  EXPECT_EQ(p.outcome, v1::APPROVED);
}

// A PCN with a £53,000 sum claims a 1.0 WTE CP at £6,000 a month through 2023/24.
// Apr-Jun: 5,931,200/12 = 494,266 p each; Jul-Jan: 6,234,000/12 = 519,500 p each.
// After January: 5,300,000 - (3 x 494,266 + 7 x 519,500) = 5,300,000 - 5,119,298 = 180,702 p.
// February is approved 180,702 p (partial); March finds the sum exhausted.
TEST_F(ShippedBook, PcnRunsOutOfItsSumInFebruary) {
  int64_t left = 5'300'000;
  for (int i = 0; i < 12; ++i) {
    const absl::CivilDay month = FirstDayOfMonth(absl::CivilDay(2023, 4, 1) + 31 * i);
    LinePrice p = Price(v1::CLINICAL_PHARMACIST, month, Whole(month), 600000,
                        {.sum_remaining_pence = left});
    left -= p.approved_pence;
    if (month.month() == 2) {
      EXPECT_EQ(p.outcome, v1::PARTIALLY_APPROVED);
      EXPECT_EQ(p.approved_pence, 180702);
    } else if (month.month() == 3) {
      EXPECT_EQ(p.outcome, v1::SUM_EXHAUSTED);
    } else {
      EXPECT_EQ(p.outcome, v1::APPROVED) << month;
    }
  }
  EXPECT_EQ(left, 0);
}

TEST_F(ShippedBook, NonsenseInputIsRefusedWithAReason) {
  const absl::CivilDay may(2023, 5, 1);
  LinePrice p = Price(v1::CLINICAL_PHARMACIST, may, Whole(may), -1);
  EXPECT_EQ(p.outcome, v1::LINE_OUTCOME_UNSPECIFIED);
  EXPECT_THAT(p.explanation, HasSubstr("negative"));
  p = Price(v1::CLINICAL_PHARMACIST, may,
            {{absl::CivilDay(2023, 5, 1), absl::CivilDay(2023, 5, 20), 10000},
             {absl::CivilDay(2023, 5, 20), absl::CivilDay(2023, 5, 31), 5000}},
            1);
  EXPECT_THAT(p.explanation, HasSubstr("overlap on 2023-05-20"));
}

// ---- Constructed rule versions (test fixtures, not scheme figures) ----

// tests/rules/testdata/mid-month-change.textproto: a clinical pharmacist whose maximum
// changes on 15 June 2021, a podiatrist eligible from 15 June 2021 and a dietitian at 70%.
constexpr char kMidMonthChange[] = "mid-month-change.textproto";

class ConstructedBook : public ::testing::Test {
 protected:
  void SetUp() override {
    book_.Apply(PublishEvent(1, testing::RulesFromTestdata(kMidMonthChange)));
  }
  LinePrice Price(v1::Role role, absl::CivilDay month, int64_t claimed) {
    LineInput in;
    in.role = role;
    in.month = month;
    in.in_post = {{FirstDayOfMonth(month), LastDayOfMonth(month), 10000}};
    in.claimed_pence = claimed;
    in.context.sum_remaining_pence = kPlenty;
    return PricedBothWays(book_, in);
  }
  RuleBook book_;
};

// Rule change on 15 June: (6,000,000 x 14 + 7,200,000 x 16) / (12 x 30)
// = 199,200,000 / 360 = 553,333.33 -> 553,333 p.
TEST_F(ConstructedBook, MidMonthRuleChangeSplitsTheMonthByDays) {
  LinePrice p = Price(v1::CLINICAL_PHARMACIST, absl::CivilDay(2021, 6, 1), 700000);
  EXPECT_EQ(p.maximum_pence, 553333);
  EXPECT_EQ(p.approved_pence, 553333);
  EXPECT_THAT(p.explanation, HasSubstr("2021-06-01..2021-06-14: 14 days x 1.0 WTE x £60,000.00"));
  EXPECT_THAT(p.explanation, HasSubstr("2021-06-15..2021-06-30: 16 days x 1.0 WTE x £72,000.00"));
}

// Eligible from 15 June, in post all month: 3,600,000 x 16/30 / 12 = 160,000 p exactly.
TEST_F(ConstructedBook, EligibilityStartingMidMonth) {
  LinePrice p = Price(v1::PODIATRIST, absl::CivilDay(2021, 6, 1), 500000);
  EXPECT_EQ(p.outcome, v1::APPROVED);
  EXPECT_EQ(p.approved_pence, 160000);
  EXPECT_THAT(p.explanation, HasSubstr("14 days in post but the role is not eligible"));
}

// One rounding, at the end: max 1,000,100/12 = 83,341.667 p; x 70% = 58,339.17 -> 58,339 p.
// Rounding the maximum first would give 83,341 x 70% = 58,338.7 -> 58,338 p (wrong).
TEST_F(ConstructedBook, RoundsOnceDownAtTheEndOfTheLine) {
  LinePrice p = Price(v1::DIETITIAN, absl::CivilDay(2021, 5, 1), 100000);
  EXPECT_EQ(p.maximum_pence, 83341);
  EXPECT_EQ(p.reimbursable_pence, 58339);
}

// Bitemporal: a correction published at position 2 changes the price from then on; pricing
// "as known at 1" still gives the original answer.
TEST_F(ConstructedBook, PricesAsTheLogStoodAtKnownAt) {
  v1::FinancialYearRules r2 = testing::RulesFromTestdata(kMidMonthChange);
  r2.set_version("2021/22 test r2");
  r2.mutable_roles(0)->mutable_max_amounts(0)->set_annual_max_pence(4800000);
  book_.Apply(PublishEvent(2, r2));
  LineInput in;
  in.role = v1::CLINICAL_PHARMACIST;
  in.month = absl::CivilDay(2021, 5, 1);
  in.in_post = {{absl::CivilDay(2021, 5, 1), absl::CivilDay(2021, 5, 31), 10000}};
  in.claimed_pence = 900000;
  in.context.sum_remaining_pence = kPlenty;
  EXPECT_EQ(PriceLine(book_, in).approved_pence, 400000);      // 4,800,000 / 12
  EXPECT_EQ(PriceLine(book_, in, 1).approved_pence, 500000);   // 6,000,000 / 12
  EXPECT_THAT(PriceLine(book_, in, 1).explanation, HasSubstr("as known at log position 1"));
}

TEST(FillAssessedLine, CopiesEveryField) {
  LinePrice p;
  p.outcome = v1::PARTIALLY_APPROVED;
  p.maximum_pence = 3;
  p.reimbursable_pence = 2;
  p.approved_pence = 1;
  p.explanation = "why";
  p.rule_versions = {"2022/23 r1"};
  v1::AssessedLine line;
  FillAssessedLine(p, 4, &line);
  EXPECT_EQ(line.claimed_pence(), 4);
  EXPECT_EQ(line.maximum_pence(), 3);
  EXPECT_EQ(line.reimbursable_pence(), 2);
  EXPECT_EQ(line.approved_pence(), 1);
  EXPECT_EQ(line.outcome(), v1::PARTIALLY_APPROVED);
  EXPECT_EQ(line.explanation(), "why");
  ASSERT_EQ(line.rule_versions_size(), 1);
}

}  // namespace
}  // namespace arrs::rules
