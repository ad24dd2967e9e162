// Mental health practitioners as the DES tables them: a band row per hire band and a
// reimbursed share per funding arrangement. Priced against TEST-ONLY rule versions with
// made-up figures (tests/rules/mhp_test_rules: bands 5/6/7/8a at £40,000/£50,000/£60,000/
// £70,000 a year; not ARRS figures), since no MHP figure is sourced.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ledger/rules/calculator.h"
#include "ledger/rules/rule_file.h"
#include "ledger/util/civil_date.h"
#include "tests/rules/rules_test_support.h"

namespace arrs::rules {
namespace {

using ::testing::HasSubstr;

std::string TestRulesDir() { return std::string(ARRS_SOURCE_DIR) + "/tests/rules/mhp_test_rules"; }

// A mental health practitioner's line for `month`, in post all month at `wte_bp`, with
// £1m left of the PCN's sum.
LineInput MhpLine(absl::CivilDay month, const std::string& band, v1::MhpFunding funding,
                  int32_t wte_bp, int64_t claimed) {
  LineInput in;
  in.role = v1::MENTAL_HEALTH_PRACTITIONER;
  in.month = month;
  in.in_post = {{FirstDayOfMonth(month), LastDayOfMonth(month), wte_bp}};
  in.claimed_pence = claimed;
  in.band = band;
  in.mhp_funding = funding;
  in.context.sum_remaining_pence = 100'000'000;
  return in;
}

class MhpBook : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::vector<v1::FinancialYearRules>> all = LoadRulesDir(TestRulesDir());
    ASSERT_TRUE(all.ok()) << all.status();
    uint64_t position = 0;
    for (const v1::FinancialYearRules& r : *all) book_.Apply(testing::PublishEvent(++position, r));
    ASSERT_TRUE(book_.rejected().empty());
  }

  LinePrice Price(absl::CivilDay month, const std::string& band, v1::MhpFunding funding,
                  int32_t wte_bp, int64_t claimed) {
    return testing::PricedBothWays(book_, MhpLine(month, band, funding, wte_bp, claimed));
  }

  RuleBook book_;
};

// Adult MHP, band 6, the PCN's 50% share, May 2024, 1.0 WTE; the PCN pays (and claims)
// £2,500.00, its share. Maximum: £50,000 (made up) x 1.0 x 31/31 / 12 = 416,666.6666 p; the
// PCN's maximum is its 50% share of it, 208,333.3333 p; min(250,000, 208,333.3333) ->
// 208,333 p.
TEST_F(MhpBook, AdultBand6SharedFiftyWordForWord) {
  const LinePrice p = Price(absl::CivilDay(2024, 5, 1), "6", v1::MHP_SHARED_50, 10000, 250000);
  EXPECT_EQ(p.outcome, v1::APPROVED);
  EXPECT_EQ(p.maximum_pence, 416666);
  EXPECT_EQ(p.reimbursable_pence, 208333);
  EXPECT_EQ(p.explanation,
            "Claim line: MENTAL_HEALTH_PRACTITIONER, month 2024-05 (31 days), claimed £2,500.00.\n"
            "Rules: version \"2024/25 test (made-up figures)\" for 2024/25, published at log "
            "position 2 (as known at log position 2).\n"
            "Role rule: MENTAL_HEALTH_PRACTITIONER reimbursable 2024-04-01..2025-03-31, the "
            "share of the hire's funding arrangement.\n"
            "Hire band: 6; MENTAL_HEALTH_PRACTITIONER is tabled per band in 2024/25 (bands 5, "
            "6, 7, 8a).\n"
            "Check cap: no cap on MENTAL_HEALTH_PRACTITIONER.\n"
            "Check additionality: MENTAL_HEALTH_PRACTITIONER is not a baseline role in this "
            "rule version: not tested.\n"
            "MHP funding: MHP_SHARED_50: the PCN claims its 50% share under the agreement with "
            "the mental health trust (https://example.org/test-only-figure); the DES maximum is "
            "of the whole post's cost, so the PCN's maximum is 50% of it.\n"
            "Days in post, split where the WTE, the maximum or eligibility changes:\n"
            "  2024-05-01..2024-05-31: 31 days x 1.0 WTE x £50,000.00 a year (maximum in force "
            "2024-04-01..2025-03-31) = 5,000,000 p x 10000 bp x 31 d = 1,550,000,000,000\n"
            "Where each maximum comes from:\n"
            "  £50,000.00 a year from 2024-04-01: band 6 row, published for "
            "MENTAL_HEALTH_PRACTITIONER (https://example.org/test-only-figure); "
            "MENTAL_HEALTH_PRACTITIONER is on band 6 in 2024/25 by its hire band "
            "(https://example.org/test-only-figure); published.\n"
            "Maximum = 1,550,000,000,000 / (12 months x 10,000 bp x 31 days = 3,720,000) = "
            "416,666.6666 pence (reported rounded down: £4,166.66).\n"
            "The PCN's maximum = maximum 416,666.6666 pence x 50% = 208,333.3333 pence.\n"
            "Reimbursable = min(claimed 250,000 p (what the PCN pays), the PCN's maximum "
            "208,333.3333 pence) = 208,333.3333 pence\n"
            "  rounded once, down to whole pence = 208333 p = £2,083.33.\n"
            "Check sum: £1,000,000.00 remains of the PCN's sum: enough.\n"
            "Outcome: APPROVED, approved £2,083.33.");
}

// CYP MHP, band 7, 100% under a written agreement, June 2024, 0.8 WTE, claimed £4,500.00.
// Maximum: £60,000 (made up) x 0.8 / 12 = 400,000 p; the PCN's maximum is 100% of it;
// min(450,000, 400,000) = 400,000.
TEST_F(MhpBook, CypBand7FullHundredFrom2024) {
  const LinePrice p = Price(absl::CivilDay(2024, 6, 1), "7", v1::MHP_FULL_100, 8000, 450000);
  EXPECT_EQ(p.outcome, v1::APPROVED) << p.explanation;
  EXPECT_EQ(p.maximum_pence, 400000);
  EXPECT_EQ(p.reimbursable_pence, 400000);
  EXPECT_THAT(p.explanation,
              HasSubstr("MHP funding: MHP_FULL_100: 100% of the post reimbursed under a written "
                        "agreement with the mental health trust"));
  EXPECT_THAT(p.explanation, HasSubstr("£60,000.00 a year from 2024-04-01: band 7 row"));
  EXPECT_THAT(p.explanation, HasSubstr("Reimbursable = min(claimed 450,000 p (what the PCN "
                                       "pays), the PCN's maximum 400,000.0000 pence) = 400,000.0000 pence"));
}

// Were the DES maximum already of the PCN's share (MAXIMUM_OF_SHARE, not established for any
// year), the claim would be capped by the maximum itself: band 6, May 2024, claimed
// £5,000.00: min(500,000, 416,666.6666) -> 416,666 p.
TEST(MhpShareBasis, AMaximumAlreadyOfTheShareCapsTheClaimItself) {
  absl::StatusOr<std::vector<v1::FinancialYearRules>> all = LoadRulesDir(TestRulesDir());
  ASSERT_TRUE(all.ok() && all->size() == 2) << all.status();
  v1::FinancialYearRules y = (*all)[1];
  y.mutable_roles(0)->mutable_mhp_arrangements(0)->set_maximum_basis(v1::MAXIMUM_OF_SHARE);
  RuleBook book;
  book.Apply(testing::PublishEvent(1, y));
  ASSERT_TRUE(book.rejected().empty());
  const LineInput in = MhpLine(absl::CivilDay(2024, 5, 1), "6", v1::MHP_SHARED_50, 10000, 500000);
  const LinePrice p = PriceLine(book, in);
  EXPECT_EQ(p.outcome, v1::APPROVED) << p.explanation;
  EXPECT_EQ(p.reimbursable_pence, 416666);
  EXPECT_THAT(p.explanation, HasSubstr("the DES maximum is already of the share."));
  EXPECT_THAT(p.explanation,
              HasSubstr("The PCN's maximum = maximum 416,666.6666 pence (the DES maximum is "
                        "already of the 50% share)."));
}

// The same member on band 8a is priced from the 8a row: the row follows the hire band.
TEST_F(MhpBook, TheRowFollowsTheHireBand) {
  const LinePrice p5 = Price(absl::CivilDay(2024, 6, 1), "5", v1::MHP_FULL_100, 10000, 900000);
  const LinePrice p8a = Price(absl::CivilDay(2024, 6, 1), "8a", v1::MHP_FULL_100, 10000, 900000);
  EXPECT_EQ(p5.maximum_pence, 333333);   // £40,000 / 12
  EXPECT_EQ(p8a.maximum_pence, 583333);  // £70,000 / 12
}

TEST_F(MhpBook, ABandTheYearDoesNotListIsUnknown) {
  const LinePrice p = Price(absl::CivilDay(2024, 6, 1), "9", v1::MHP_SHARED_50, 10000, 400000);
  EXPECT_EQ(p.outcome, v1::MAXIMUM_UNKNOWN);
  EXPECT_EQ(p.approved_pence, 0);
  EXPECT_THAT(p.explanation,
              HasSubstr("MAXIMUM UNKNOWN: MENTAL_HEALTH_PRACTITIONER is tabled per band and "
                        "rule version \"2024/25 test (made-up figures)\" (2024/25, published at "
                        "log position 2) lists bands 5, 6, 7, 8a; the member's hire band \"9\" "
                        "is not one of them, so no band row prices the line."));
}

TEST_F(MhpBook, NoArrangementOnTheHireIsUnknown) {
  const LinePrice p =
      Price(absl::CivilDay(2024, 6, 1), "6", v1::MHP_FUNDING_UNSPECIFIED, 10000, 400000);
  EXPECT_EQ(p.outcome, v1::MAXIMUM_UNKNOWN);
  EXPECT_THAT(p.explanation,
              HasSubstr("the hire records no MHP funding arrangement (mhp_funding)"));
}

// 2023/24 (test data): only the shared arrangement exists.
TEST_F(MhpBook, FullHundredBefore2024IsNotEligible) {
  const LinePrice p = Price(absl::CivilDay(2023, 6, 1), "6", v1::MHP_FULL_100, 10000, 400000);
  EXPECT_EQ(p.outcome, v1::ROLE_NOT_ELIGIBLE);
  EXPECT_THAT(p.explanation,
              HasSubstr("ROLE NOT ELIGIBLE: the hire's funding arrangement MHP_FULL_100 does "
                        "not exist in 2023/24 under rule version \"2023/24 test (made-up "
                        "figures)\" (https://example.org/test-only-figure): TEST ONLY: no "
                        "written-agreement arrangement before 2024/25; a line under it cannot "
                        "be reimbursed."));
}

// 2023/24 (test data): the shared arrangement's maximum basis is left unknown, as the
// sources leave it: the line cannot be priced and says what is missing.
TEST_F(MhpBook, AnUnestablishedMaximumBasisIsUnknown) {
  const LinePrice p = Price(absl::CivilDay(2023, 6, 1), "6", v1::MHP_SHARED_50, 10000, 400000);
  EXPECT_EQ(p.outcome, v1::MAXIMUM_UNKNOWN);
  EXPECT_EQ(p.maximum_pence, 0);
  EXPECT_THAT(p.explanation,
              HasSubstr("does not establish whether the DES maximum is of the whole post's "
                        "cost or already of the 50% share"));
}

// The shipped rules still price MHP as before (no per-band shape, no figure): unknown.
TEST(MhpShipped, ShippedMhpLinesStayUnknown) {
  RuleBook book;
  testing::PublishShipped(&book);
  const LineInput in = MhpLine(absl::CivilDay(2024, 6, 1), "6", v1::MHP_SHARED_50, 10000, 400000);
  EXPECT_EQ(PriceLine(book, in).outcome, v1::MAXIMUM_UNKNOWN);
}

// ---- The loader refuses bad per-band and arrangement data, naming file:line and field ----

std::string ErrorOf(const v1::FinancialYearRules& rules) {
  return testing::LoadError(rules.DebugString());
}

v1::FinancialYearRules Year2024() {
  absl::StatusOr<std::vector<v1::FinancialYearRules>> all = LoadRulesDir(TestRulesDir());
  EXPECT_TRUE(all.ok() && all->size() == 2) << all.status();
  return all.ok() && all->size() == 2 ? (*all)[1] : v1::FinancialYearRules();
}

TEST(MhpRuleFile, ASharePastAHundredPercentIsRefused) {
  v1::FinancialYearRules y = Year2024();
  y.mutable_roles(0)->mutable_mhp_arrangements(1)->set_reimbursed_bp(12000);
  EXPECT_THAT(ErrorOf(y), HasSubstr("bad.textproto:"));
  EXPECT_THAT(ErrorOf(y), HasSubstr("roles[0] (MENTAL_HEALTH_PRACTITIONER).mhp_arrangements[1]"
                                    ".reimbursed_bp = 12000: must be 1..10000 basis points"));
}

TEST(MhpRuleFile, AHireBandMustNameABandRow) {
  v1::FinancialYearRules y = Year2024();
  y.mutable_roles(0)->add_hire_bands("8b");
  EXPECT_THAT(ErrorOf(y), HasSubstr("roles[0] (MENTAL_HEALTH_PRACTITIONER).hire_bands[4] = "
                                    "\"8b\": names no band row of this year"));
}

TEST(MhpRuleFile, HireBandsAndABandRowAreExclusive) {
  v1::FinancialYearRules y = Year2024();
  y.mutable_roles(0)->set_band_row("6");
  y.mutable_roles(0)->set_band_row_source("https://example.org/test-only-figure");
  EXPECT_THAT(ErrorOf(y), HasSubstr("band_row = \"6\": must be empty when hire_bands is set"));
}

TEST(MhpRuleFile, AnArrangementIsListedOnce) {
  v1::FinancialYearRules y = Year2024();
  *y.mutable_roles(0)->add_mhp_arrangements() = y.roles(0).mhp_arrangements(0);
  EXPECT_THAT(ErrorOf(y), HasSubstr("mhp_arrangements[2].funding = MHP_SHARED_50: duplicate"));
}

TEST(MhpRuleFile, AnUnavailableArrangementHasNoShare) {
  v1::FinancialYearRules y = Year2024();
  y.mutable_roles(0)->mutable_mhp_arrangements(1)->set_available(false);
  EXPECT_THAT(ErrorOf(y), HasSubstr("mhp_arrangements[1].reimbursed_bp = 10000: must be 0 for "
                                    "an arrangement that does not exist in the year"));
}

}  // namespace
}  // namespace arrs::rules
