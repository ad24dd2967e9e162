// Restatement (domain/restate.h) and settlement (domain/settle.h) on an in-memory log:
// what was decided and paid against what the facts and rule versions known later allow.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <random>
#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "ledger/rules/rule_validate.h"
#include "tests/domain/domain_log.h"

namespace arrs::domain::testing {
namespace {

using ::testing::HasSubstr;

// 2024/25 clinical pharmacist maximum to 30 September: £62,340 a year, £5,195.00 a month
// at 1.0 WTE and £2,597.50 at 0.5.
constexpr int64_t kFullMonth = 519500;
constexpr int64_t kHalfMonth = 259750;
constexpr int64_t kClaimed = 550000;  // actual cost claimed, above the maximum

class RestateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(log_.StartWithOnePharmacist(20'000'000, 2024, 2025));
    hired_ = log_.head();
  }
  // Claims, assesses and pays `claim` for cp-1 alone.
  void ClaimAndPay(const std::string& claim, v1::Date month, v1::Date paid_on) {
    ASSERT_TRUE(log_.Claim(claim, month, {{"cp-1", kClaimed}}).ok());
    ASSERT_TRUE(log_.Assess(claim).ok());
    absl::StatusOr<uint64_t> paid = log_.PayDue(claim, paid_on);
    ASSERT_TRUE(paid.ok()) << paid.status();
  }
  const ClaimRestatement& ClaimOf(const PcnRestatement& r, const std::string& id) {
    return r.claims.at(id);
  }
  v1::FinancialYearRules Rules2024() const {
    const v1::FinancialYearRules* now = log_.book().ForYear(2024);
    return *now;
  }

  DomainLog log_;
  uint64_t hired_ = 0;
};

TEST_F(RestateTest, NothingChangedMeansNothingOwedEitherWay) {
  ClaimAndPay("2024-05", D(2024, 5, 1), D(2024, 6, 20));
  const PcnRestatement r = log_.Restate();
  const ClaimRestatement& c = ClaimOf(r, "2024-05");
  EXPECT_TRUE(c.settled);
  EXPECT_EQ(c.approved_pence, kFullMonth);
  EXPECT_EQ(c.restated_pence, kFullMonth);
  EXPECT_EQ(c.money.paid_pence, kFullMonth);
  EXPECT_EQ(c.difference_pence, 0);
  EXPECT_EQ(r.arrears_due_pence, 0);
  EXPECT_EQ(r.overpayment_to_recover_pence, 0);
  ASSERT_EQ(c.lines.size(), 1u);
  EXPECT_EQ(c.lines[0].causes_size(), 0);
}

// Finding 1: a back-dated FTE change (1.0 -> 0.5 from 1 May) under lines paid at 1.0.
TEST_F(RestateTest, BackDatedFteChangeUnderPaidLinesShowsAnOverpaymentWithItsCause) {
  ClaimAndPay("2024-05", D(2024, 5, 1), D(2024, 6, 20));
  ClaimAndPay("2024-06", D(2024, 6, 1), D(2024, 7, 20));
  absl::StatusOr<uint64_t> fte = log_.ChangeFte("cp-1", D(2024, 5, 1), 5000);
  ASSERT_TRUE(fte.ok()) << fte.status();

  const PcnRestatement r = log_.Restate();
  for (const char* id : {"2024-05", "2024-06"}) {
    const ClaimRestatement& c = ClaimOf(r, id);
    EXPECT_EQ(c.money.paid_pence, kFullMonth) << id;
    EXPECT_EQ(c.restated_pence, kHalfMonth) << id;
    EXPECT_EQ(c.overpayment_to_recover_pence, kFullMonth - kHalfMonth) << id;
    EXPECT_EQ(c.arrears_due_pence, 0) << id;
    ASSERT_EQ(c.lines.size(), 1u);
    const v1::LineRestatement& line = c.lines[0];
    EXPECT_EQ(line.approved_pence(), kFullMonth);
    EXPECT_EQ(line.restated_reimbursable_pence(), kHalfMonth);
    EXPECT_EQ(line.difference_pence(), kHalfMonth - kFullMonth);
    ASSERT_EQ(line.causes_size(), 1) << id;
    EXPECT_EQ(line.causes(0).position(), *fte);
    EXPECT_THAT(line.causes(0).what(), HasSubstr("FTE of cp-1 from 2024-05-01: 0.5 WTE"));
  }
  EXPECT_EQ(r.overpayment_to_recover_pence, 2 * (kFullMonth - kHalfMonth));
  // Before the change was known, nothing was owed.
  const PcnRestatement before = RestatePcn(log_.events(), log_.book(), *fte - 1, kEndOfTime);
  EXPECT_EQ(before.overpayment_to_recover_pence, 0);
  // A line not yet in the PCN's April is untouched.
}

// Finding 2, in the domain: after the back-dated change, a re-assessment and a reduction
// of the paid claims are decided (nothing refuses because of earlier paid lines).
TEST_F(RestateTest, PaidClaimsCanBeAssessedAgainAndReducedAfterThePastChanged) {
  ClaimAndPay("2024-05", D(2024, 5, 1), D(2024, 6, 20));
  const uint64_t first_assessment = log_.Model().claims.at("2024-05").assessed_position;
  ASSERT_TRUE(log_.ChangeFte("cp-1", D(2024, 5, 1), 5000).ok());
  absl::StatusOr<uint64_t> again = log_.Assess("2024-05");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(log_.at(*again).payload().claim_assessed().supersedes_position(), first_assessment);
  EXPECT_EQ(log_.at(*again).payload().claim_assessed().lines(0).approved_pence(), kHalfMonth);
  // The re-assessment is what was decided now; the money paid beyond it is owed back.
  const ClaimRestatement c = ClaimOf(log_.Restate(), "2024-05");
  EXPECT_EQ(c.approved_pence, kHalfMonth);
  EXPECT_EQ(c.overpayment_to_recover_pence, kFullMonth - kHalfMonth);
  absl::StatusOr<uint64_t> reduced = log_.Reduce("2024-05", 1, 200000);
  ASSERT_TRUE(reduced.ok()) << reduced.status();
  EXPECT_EQ(ClaimOf(log_.Restate(), "2024-05").overpayment_to_recover_pence,
            kFullMonth - 200000);
}

// The worked example of docs/RESTATEMENT.md: the overpayment is recovered by offset
// against the next payment, and the ledger refuses to recover more than is owed.
TEST_F(RestateTest, OverpaymentRecoveredByOffsetAgainstTheNextPayment) {
  ClaimAndPay("2024-05", D(2024, 5, 1), D(2024, 6, 20));
  ClaimAndPay("2024-06", D(2024, 6, 1), D(2024, 7, 20));
  ASSERT_TRUE(log_.ChangeFte("cp-1", D(2024, 5, 1), 5000).ok());
  ClaimAndPay("2024-07", D(2024, 7, 1), D(2024, 8, 20));
  EXPECT_EQ(ClaimOf(log_.Restate(), "2024-07").money.paid_pence, kHalfMonth);

  // Too much, the wrong way round, against an unpaid claim, against itself.
  absl::StatusOr<uint64_t> refused = log_.Recover("2024-05", D(2024, 8, 20), kHalfMonth + 1,
                                                  "2024-07");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("more than the overpayment to recover"));
  refused = log_.PayArrears("2024-05", D(2024, 8, 20), 1);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("more than the arrears due"));
  refused = log_.Recover("2024-05", D(2024, 8, 20), 100, "2024-05");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  refused = log_.Recover("2024-05", D(2024, 6, 19), 100);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("before the claim's first payment"));

  // £2,597.50 from each of May and June, both deducted from July's £2,597.50 payment.
  ASSERT_TRUE(log_.Recover("2024-05", D(2024, 8, 20), kHalfMonth, "2024-07").ok());
  refused = log_.Recover("2024-06", D(2024, 8, 20), kHalfMonth, "2024-07");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("cannot carry an offset"));
  ASSERT_TRUE(log_.Recover("2024-06", D(2024, 9, 1), kHalfMonth).ok());  // repaid

  const PcnRestatement r = log_.Restate();
  EXPECT_EQ(r.overpayment_to_recover_pence, 0);
  EXPECT_EQ(r.arrears_due_pence, 0);
  EXPECT_EQ(r.recovered_pence, 2 * kHalfMonth);
  EXPECT_EQ(ClaimOf(r, "2024-07").money.offset_against_pence, kHalfMonth);
  // On 31 August the June repayment had not been made yet.
  const PcnRestatement august = log_.Restate(absl::CivilDay(2024, 8, 31));
  EXPECT_EQ(august.overpayment_to_recover_pence, kHalfMonth);
}

// Finding 4: a rule version published later whose dates lie before its publication
// re-prices every line it covers, and supplies a figure missing until then.
TEST_F(RestateTest, BackDatedRuleVersionCreatesArrearsIncludingLinesThatHadNoMaximum) {
  // No 2024/25 figure is known for other direct patient care roles in the shipped rule book.
  ASSERT_TRUE(log_.Hire("lw-1", v1::OTHER_DIRECT_PATIENT_CARE, D(2024, 4, 1), 10000).ok());
  ASSERT_TRUE(log_.Claim("2024-05", D(2024, 5, 1), {{"cp-1", kClaimed}, {"lw-1", 350000}}).ok());
  absl::StatusOr<uint64_t> assessed = log_.Assess("2024-05");
  ASSERT_TRUE(assessed.ok());
  ASSERT_EQ(log_.at(*assessed).payload().claim_assessed().lines(1).outcome(),
            v1::MAXIMUM_UNKNOWN);
  ASSERT_TRUE(log_.PayDue("2024-05", D(2024, 6, 20)).ok());
  EXPECT_EQ(log_.Restate().arrears_due_pence, 0);

  v1::FinancialYearRules r2 = Rules2024();
  r2.set_version("2024/25 test r9 (made-up figures)");
  for (v1::RoleRule& role : *r2.mutable_roles()) {
    if (role.role() == v1::CLINICAL_PHARMACIST) {
      // Its own figure from 1 April (backdated), in place of its band row's.
      role.clear_max_amounts();
      v1::MaxAmount* own = role.add_max_amounts();
      *own->mutable_effective_from() = D(2024, 4, 1);
      *own->mutable_effective_to() = D(2025, 3, 31);
      own->set_annual_max_pence(6500000);
      own->set_source("https://example.org/test-only-figure");
    }
    if (role.role() == v1::OTHER_DIRECT_PATIENT_CARE) {
      role.set_unverified(false);
      v1::MaxAmount* m = role.add_max_amounts();
      *m->mutable_effective_from() = D(2024, 4, 1);
      *m->mutable_effective_to() = D(2025, 3, 31);
      m->set_annual_max_pence(4000000);
      m->set_source("https://example.org/test-only-figure");
    }
  }
  ASSERT_TRUE(rules::ValidateRules(r2).ok()) << rules::ValidateRules(r2);
  const uint64_t published = log_.Publish(r2);

  const PcnRestatement r = log_.Restate();
  const ClaimRestatement& c = ClaimOf(r, "2024-05");
  // £65,000 / 12 = £5,416.666.. -> £5,416.66; £40,000 / 12 -> £3,333.33.
  EXPECT_EQ(c.lines[0].restated_pence(), 541666);
  EXPECT_EQ(c.lines[0].difference_pence(), 541666 - kFullMonth);
  EXPECT_EQ(c.lines[1].decided_outcome(), v1::MAXIMUM_UNKNOWN);
  EXPECT_EQ(c.lines[1].restated_outcome(), v1::APPROVED);
  EXPECT_EQ(c.lines[1].restated_pence(), 333333);
  EXPECT_EQ(c.arrears_due_pence, 541666 - kFullMonth + 333333);
  for (const v1::LineRestatement& line : c.lines) {
    ASSERT_GE(line.causes_size(), 1);
    EXPECT_EQ(line.causes(line.causes_size() - 1).position(), published);
    EXPECT_THAT(line.causes(line.causes_size() - 1).what(), HasSubstr("2024/25 test r9"));
  }
  // Paying part, then the rest; then nothing more.
  ASSERT_TRUE(log_.PayArrears("2024-05", D(2024, 9, 1), 20000).ok());
  EXPECT_EQ(ClaimOf(log_.Restate(), "2024-05").arrears_due_pence, c.arrears_due_pence - 20000);
  ASSERT_TRUE(log_.PayArrears("2024-05", D(2024, 9, 1), c.arrears_due_pence - 20000).ok());
  EXPECT_EQ(log_.PayArrears("2024-05", D(2024, 9, 2), 1).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(log_.Restate().arrears_due_pence, 0);
}

// A claim still waiting for its payment owes no arrears: the difference is the payment
// due; settling is refused until it is paid.
TEST_F(RestateTest, UnpaidClaimIsNotSettledAndCannotTakeArrears) {
  ASSERT_TRUE(log_.Claim("2024-05", D(2024, 5, 1), {{"cp-1", kClaimed}}).ok());
  ASSERT_TRUE(log_.Assess("2024-05").ok());
  const ClaimRestatement c = ClaimOf(log_.Restate(), "2024-05");
  EXPECT_FALSE(c.settled);
  EXPECT_EQ(c.difference_pence, kFullMonth);
  EXPECT_EQ(c.arrears_due_pence, 0);
  absl::StatusOr<uint64_t> refused = log_.PayArrears("2024-05", D(2024, 6, 1), 1);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("is not paid yet"));
}

// Finding 7: the status on a day before the payment is not "paid"; nor is money paid
// later counted.
TEST_F(RestateTest, PaymentCountsOnlyFromItsDate) {
  ClaimAndPay("2024-05", D(2024, 5, 1), D(2024, 6, 20));
  const PcnModel model = log_.Model();  // Model() returns a fresh copy: keep it alive
  const ClaimModel& claim = model.claims.at("2024-05");
  EXPECT_STREQ(claim.Status(absl::CivilDay(2024, 6, 19)), "assessed");
  EXPECT_STREQ(claim.Status(absl::CivilDay(2024, 6, 20)), "paid");
  const PcnRestatement early = log_.Restate(absl::CivilDay(2024, 6, 19));
  EXPECT_EQ(ClaimOf(early, "2024-05").money.paid_pence, 0);
  EXPECT_FALSE(ClaimOf(early, "2024-05").settled);
}

// A line refused because no yearly sum was set is owed once a sum is set: the sum is
// judged again, so the claim (settled, with nothing approved) shows arrears with the sum
// as their cause.
TEST_F(RestateTest, NoSumSetLineIsOwedOnceASumIsSet) {
  DomainLog log("U49999");
  ASSERT_NO_FATAL_FAILURE(log.StartWithOnePharmacist(0, 2024, 2023));  // no year: no sum set
  ASSERT_TRUE(log.Claim("2024-05", D(2024, 5, 1), {{"cp-1", kClaimed}}).ok());
  ASSERT_TRUE(log.Assess("2024-05").ok());
  ClaimRestatement c = ClaimOf(log.Restate(), "2024-05");
  ASSERT_EQ(c.lines.size(), 1u);
  EXPECT_EQ(c.lines[0].decided_outcome(), v1::NO_SUM_SET);
  EXPECT_EQ(c.lines[0].restated_outcome(), v1::NO_SUM_SET);
  EXPECT_EQ(c.restated_pence, 0);
  EXPECT_EQ(c.arrears_due_pence, 0);

  absl::StatusOr<uint64_t> sum = log.SetSum(2024, 20'000'000);
  ASSERT_TRUE(sum.ok()) << sum.status();
  c = ClaimOf(log.Restate(), "2024-05");
  EXPECT_EQ(c.lines[0].restated_outcome(), v1::APPROVED);
  EXPECT_EQ(c.restated_pence, kFullMonth);
  EXPECT_TRUE(c.settled);
  EXPECT_EQ(c.arrears_due_pence, kFullMonth);
  ASSERT_EQ(c.lines[0].causes_size(), 1);
  EXPECT_EQ(c.lines[0].causes(0).position(), *sum);
  EXPECT_EQ(c.lines[0].causes(0).what(),
            "the 2024/25 yearly sum of £200,000.00, shared again over the year's claims in "
            "the order of their assessments: £200,000.00 left for this line");
  // As known before the sum was set, nothing was owed.
  EXPECT_EQ(ClaimOf(RestatePcn(log.events(), log.book(), *sum - 1, kEndOfTime), "2024-05")
                .arrears_due_pence,
            0);
}

// A PCN with a yearly 2024/25 sum of `sum_pence` and one full-time clinical pharmacist,
// whose May and June 2024 claims are assessed and paid.
void ClaimAndPayMayAndJune(DomainLog& log, int64_t sum_pence) {
  ASSERT_NO_FATAL_FAILURE(log.StartWithOnePharmacist(sum_pence, 2024, 2024));
  for (const auto& [id, month, paid] :
       {std::tuple{"2024-05", D(2024, 5, 1), D(2024, 6, 20)},
        std::tuple{"2024-06", D(2024, 6, 1), D(2024, 7, 20)}}) {
    ASSERT_TRUE(log.Claim(id, month, {{"cp-1", kClaimed}}).ok());
    ASSERT_TRUE(log.Assess(id).ok());
    ASSERT_TRUE(log.PayDue(id, paid).ok());
  }
}

// A back-dated FTE change lowers an earlier claim; the sum it no longer needs goes to the
// later claim the sum had cut short: one claim overpaid, the other owed, net nothing.
TEST_F(RestateTest, SumFreedByAnEarlierClaimGoesToTheClaimItHadCutShort) {
  DomainLog log("U49998");
  ClaimAndPayMayAndJune(log, kFullMonth + 100000);
  PcnRestatement r = log.Restate();
  ASSERT_EQ(ClaimOf(r, "2024-06").lines[0].decided_outcome(), v1::PARTIALLY_APPROVED);
  EXPECT_EQ(ClaimOf(r, "2024-06").restated_pence, 100000);
  EXPECT_EQ(r.arrears_due_pence + r.overpayment_to_recover_pence, 0);

  // Half time in May only, reported in September.
  ASSERT_TRUE(log.ChangeFte("cp-1", D(2024, 5, 1), 5000).ok());
  ASSERT_TRUE(log.ChangeFte("cp-1", D(2024, 6, 1), 10000).ok());
  r = log.Restate();
  const ClaimRestatement& may = ClaimOf(r, "2024-05");
  const ClaimRestatement& june = ClaimOf(r, "2024-06");
  EXPECT_EQ(may.restated_pence, kHalfMonth);
  EXPECT_EQ(may.overpayment_to_recover_pence, kFullMonth - kHalfMonth);
  EXPECT_EQ(june.lines[0].restated_outcome(), v1::PARTIALLY_APPROVED);
  EXPECT_EQ(june.restated_pence, 100000 + kFullMonth - kHalfMonth);
  EXPECT_EQ(june.arrears_due_pence, kFullMonth - kHalfMonth);
  // The member's FTE changes (dated on or before June's end), then the sum.
  ASSERT_EQ(june.lines[0].causes_size(), 3);
  EXPECT_THAT(june.lines[0].causes(2).what(),
              HasSubstr("yearly sum of £6,195.00, shared again over the year's claims in the "
                        "order of their assessments: £3,597.50 left for this line"));
}

// A back-dated uplift raises every line, but the year's restated lines never add up to
// more than its sum: the last claim assessed gives back what the earlier ones now take.
TEST_F(RestateTest, RestatedLinesNeverAddUpToMoreThanTheYearsSum) {
  DomainLog log("U49997");
  ClaimAndPayMayAndJune(log, 2 * kFullMonth);
  v1::FinancialYearRules r2 = *log.book().ForYear(2024);
  r2.set_version("2024/25 test r9 (made-up figures)");
  for (v1::RoleRule& role : *r2.mutable_roles()) {
    if (role.role() != v1::CLINICAL_PHARMACIST) continue;
    role.clear_max_amounts();
    v1::MaxAmount* own = role.add_max_amounts();
    *own->mutable_effective_from() = D(2024, 4, 1);
    *own->mutable_effective_to() = D(2025, 3, 31);
    own->set_annual_max_pence(6500000);  // £5,416.66 a month
    own->set_source("https://example.org/test-only-figure");
  }
  ASSERT_TRUE(rules::ValidateRules(r2).ok()) << rules::ValidateRules(r2);
  log.Publish(r2);
  const PcnRestatement r = log.Restate();
  EXPECT_EQ(ClaimOf(r, "2024-05").restated_pence, 541666);
  EXPECT_EQ(ClaimOf(r, "2024-06").lines[0].restated_outcome(), v1::PARTIALLY_APPROVED);
  EXPECT_EQ(ClaimOf(r, "2024-06").restated_pence, 2 * kFullMonth - 541666);
  EXPECT_EQ(r.restated_pence, 2 * kFullMonth);
  // The uplift of May is paid for by June's share of the sum: owed both ways, net nothing.
  EXPECT_EQ(ClaimOf(r, "2024-05").arrears_due_pence, 541666 - kFullMonth);
  EXPECT_EQ(ClaimOf(r, "2024-06").overpayment_to_recover_pence, 541666 - kFullMonth);
}

// A start date recorded after months were claimed from the hire date: those months are
// restated to nothing (the member was not yet in post), an overpayment.
TEST_F(RestateTest, LateStartDateMakesEarlierPaidMonthsOverpaid) {
  ClaimAndPay("2024-05", D(2024, 5, 1), D(2024, 6, 20));
  ASSERT_TRUE(log_.Start("cp-1", D(2024, 7, 15)).ok());
  const ClaimRestatement c = ClaimOf(log_.Restate(), "2024-05");
  EXPECT_EQ(c.restated_pence, 0);
  EXPECT_EQ(c.overpayment_to_recover_pence, kFullMonth);
}

// Random histories: back-dated FTE changes, corrections, rule versions, payments and
// settlements. At every position, for every line and claim: paid + arrears paid -
// recovered + difference = restated; what is owed either way is never negative; and no
// command is refused because of an earlier paid line.
TEST_F(RestateTest, RandomHistoriesKeepTheAccountsSquare) {
  int arrears_paid = 0, recovered = 0, owed_either_way = 0, sum_binding = 0;
  for (uint32_t seed = 1; seed <= 12; ++seed) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    DomainLog log(absl::StrCat("U4", 1000 + seed));
    log.PublishShippedRules();
    // Half the histories start with a sum small enough to bind.
    ASSERT_TRUE(log.Register(30000, seed % 2 ? 30'000'000 : 1'500'000, 2023, 2025).ok());
    std::mt19937 rng(seed);
    auto pick = [&](int n) { return static_cast<int>(rng() % n); };
    std::vector<std::string> staff;
    std::vector<uint64_t> facts;  // positions of staff facts that may be corrected
    int claims = 0, rule_versions = 0;
    for (int step = 0; step < 60; ++step) {
      const int action = pick(14);
      absl::StatusOr<uint64_t> done = absl::UnknownError("nothing done");
      if (action == 0 || staff.empty()) {
        const std::string id = absl::StrCat("s", staff.size());
        done = log.Hire(id, pick(2) ? v1::CLINICAL_PHARMACIST : v1::PHARMACY_TECHNICIAN,
                        D(2023, 4 + pick(6), 1), 2000 * (1 + pick(5)));
        if (done.ok()) {
          staff.push_back(id);
          facts.push_back(*done);
        }
      } else if (action <= 2) {  // a back-dated FTE change
        done = log.ChangeFte(staff[pick(staff.size())], D(2023, 4 + pick(12), 1),
                             2000 * (1 + pick(5)));
        if (done.ok()) facts.push_back(*done);
      } else if (action <= 4) {  // a claim for every member, assessed and maybe paid
        const std::string id = absl::StrCat("c", claims + 1);
        std::vector<std::pair<std::string, int64_t>> lines;
        for (const std::string& s : staff) lines.push_back({s, 300000 + pick(300000)});
        const absl::CivilDay month(absl::CivilMonth(2023, 4) + claims);
        if (!log.Claim(id, ToProtoDate(month), lines).ok()) continue;
        ++claims;
        ASSERT_TRUE(log.Assess(id).ok());
        if (pick(4) != 0) {
          done = log.PayDue(id, ToProtoDate(LastDayOfMonth(month) + 20));
          // Nothing approved: nothing to pay.
          if (!done.ok()) {
            EXPECT_THAT(done.status().message(), HasSubstr("nothing left"));
          }
        }
      } else if (action == 5 && !facts.empty()) {  // reverse a fact, paid lines or not
        v1::CorrectRequest c;
        c.set_reverse(true);
        const uint64_t target = facts[pick(facts.size())];
        done = log.Correct(target, c);
        if (!done.ok()) {
          EXPECT_THAT(done.status().message(), HasSubstr("already corrected"));
        }
      } else if (action == 6) {  // a rule version changing the past
        v1::FinancialYearRules rules = *log.book().ForYear(2023);
        rules.set_version(absl::StrCat("2023/24 t", ++rule_versions));
        // Figures are the roles' own or their band rows' (rules/*-r2.textproto): move both.
        for (v1::RoleRule& role : *rules.mutable_roles()) {
          for (v1::MaxAmount& m : *role.mutable_max_amounts()) {
            if (m.annual_max_pence() > 0) {
              m.set_annual_max_pence(m.annual_max_pence() + 100000 * (pick(5) - 2));
            }
          }
        }
        for (v1::BandRow& row : *rules.mutable_band_rows()) {
          for (v1::MaxAmount& m : *row.mutable_amounts()) {
            if (m.annual_max_pence() > 0) {
              m.set_annual_max_pence(m.annual_max_pence() + 100000 * (pick(5) - 2));
            }
          }
        }
        log.Publish(rules);
      } else if (action == 7 && claims > 0) {  // re-assess a claim, paid or not
        done = log.Assess(absl::StrCat("c", 1 + pick(claims)));
        EXPECT_TRUE(done.ok()) << done.status();
      } else if (action == 10) {  // a list size, maybe back-dated (caps follow it)
        done = log.RecordListSize(D(2023, 1 + pick(12), 1 + pick(2)), 8000 + 10000 * pick(12));
        EXPECT_TRUE(done.ok()) << done.status();
        if (done.ok()) facts.push_back(*done);
      } else if (action == 11) {  // leave at part pay, maybe back-dated
        const absl::CivilMonth from = absl::CivilMonth(2023, 4) + pick(12);
        done = log.Leave(staff[pick(staff.size())], ToProtoDate(absl::CivilDay(from)),
                         ToProtoDate(absl::CivilDay(from + 2) - 1), 2500 * pick(5));
        // Refused only for a member whose hire was reversed.
        if (!done.ok()) EXPECT_EQ(done.status().code(), absl::StatusCode::kNotFound) << done.status();
        if (done.ok()) facts.push_back(*done);
      } else if (action == 12) {  // a start date recorded late, maybe after months claimed
        done = log.Start(staff[pick(staff.size())], D(2023, 4 + pick(9), 1 + pick(28)));
        if (done.ok()) facts.push_back(*done);
      } else if (action == 13) {  // the yearly sum set again, maybe binding
        done = log.SetSum(2023, 250'000 * (1 + pick(12)));
        EXPECT_TRUE(done.ok()) << done.status();
      } else if (action >= 8) {  // settle what a claim owes either way
        const PcnRestatement r = log.Restate();
        for (const auto& [id, c] : r.claims) {
          if (c.arrears_due_pence > 0 && pick(2)) {
            done = log.PayArrears(id, ToProtoDate(kEndOfTime - 1), c.arrears_due_pence);
            EXPECT_TRUE(done.ok()) << done.status();
            ++arrears_paid;
            break;
          }
          if (c.overpayment_to_recover_pence > 0 && pick(2)) {
            done = log.Recover(id, ToProtoDate(kEndOfTime - 1),
                               (c.overpayment_to_recover_pence + 1) / 2);
            EXPECT_TRUE(done.ok()) << done.status();
            ++recovered;
            break;
          }
        }
      }
      // Nothing is ever refused because money already moved.
      if (!done.ok()) {
        EXPECT_THAT(std::string(done.status().message()),
                    ::testing::Not(HasSubstr("paid claim")));
      }
      // The accounts at this position, and as known at a random earlier one.
      for (uint64_t known_at : {log.head(), 1 + rng() % log.head()}) {
        const PcnRestatement r =
            RestatePcn(log.events(), log.book(), known_at, kEndOfTime);
        // Claims left quiet (nothing that prices them changed) come out as if priced.
        RestateOptions priced;
        priced.always_price = true;
        const PcnRestatement full =
            RestatePcn(log.events(), log.book(), known_at, kEndOfTime, priced);
        ASSERT_EQ(full.claims.size(), r.claims.size());
        for (const auto& [id, c] : r.claims) {
          const ClaimRestatement& f = full.claims.at(id);
          ASSERT_EQ(f.lines.size(), c.lines.size()) << id;
          for (size_t i = 0; i < c.lines.size(); ++i) {
            v1::LineRestatement a = c.lines[i], b = f.lines[i];
            a.clear_explanation();
            b.clear_explanation();
            ASSERT_EQ(a.SerializeAsString(), b.SerializeAsString())
                << id << " line " << a.line_no() << "\nquiet: " << a.ShortDebugString()
                << "\npriced: " << b.ShortDebugString();
          }
          EXPECT_EQ(c.difference_pence, f.difference_pence) << id;
        }
        // A year's restated lines never add up to more than its sum as known then.
        const PcnModel known = FoldPcn(log.events(), known_at);
        std::map<int, int64_t> restated_in_year;
        for (const auto& [id, c] : r.claims) {
          restated_in_year[FinancialYearOf(c.month)] += c.restated_pence;
        }
        for (const auto& [year, restated] : restated_in_year) {
          auto sum = known.entitlements.find(year);
          if (sum == known.entitlements.end()) continue;
          EXPECT_LE(restated, sum->second.sum_pence()) << year;
        }
        bool sum_limits = false;
        for (const auto& [id, c] : r.claims) {
          for (const v1::LineRestatement& l : c.lines) {
            sum_limits |= l.restated_outcome() == v1::PARTIALLY_APPROVED ||
                          l.restated_outcome() == v1::SUM_EXHAUSTED;
          }
        }
        if (sum_limits) ++sum_binding;
        int64_t due = 0, over = 0;
        for (const auto& [id, c] : r.claims) {
          int64_t line_sum = 0;
          for (const v1::LineRestatement& l : c.lines) {
            ASSERT_EQ(l.paid_pence() + l.arrears_paid_pence() - l.recovered_pence() +
                          l.difference_pence(),
                      l.restated_pence())
                << id << " line " << l.line_no();
            line_sum += l.difference_pence();
          }
          EXPECT_EQ(c.money.paid_pence + c.money.arrears_paid_pence - c.money.recovered_pence +
                        c.difference_pence,
                    c.restated_pence)
              << id;
          EXPECT_EQ(line_sum, c.difference_pence) << id;
          EXPECT_GE(c.arrears_due_pence, 0);
          EXPECT_GE(c.overpayment_to_recover_pence, 0);
          due += c.arrears_due_pence;
          over += c.overpayment_to_recover_pence;
        }
        EXPECT_EQ(due, r.arrears_due_pence);
        if (due > 0 || over > 0) ++owed_either_way;
        EXPECT_EQ(over, r.overpayment_to_recover_pence);
      }
    }
    // Settling everything leaves nothing owed.
    const PcnRestatement r = log.Restate();
    for (const auto& [id, c] : r.claims) {
      if (c.arrears_due_pence > 0) {
        ASSERT_TRUE(log.PayArrears(id, D(2100, 1, 1), c.arrears_due_pence).ok());
      }
      if (c.overpayment_to_recover_pence > 0) {
        ASSERT_TRUE(log.Recover(id, D(2100, 1, 1), c.overpayment_to_recover_pence).ok());
      }
    }
    const PcnRestatement square = log.Restate();
    EXPECT_EQ(square.arrears_due_pence, 0);
    EXPECT_EQ(square.overpayment_to_recover_pence, 0);
  }
  // The histories did move money after the facts changed.
  EXPECT_GT(arrears_paid, 3);
  EXPECT_GT(recovered, 3);
  EXPECT_GT(owed_either_way, 50);
  EXPECT_GT(sum_binding, 10);
  std::cout << "arrears paid " << arrears_paid << ", recoveries " << recovered
            << ", positions owing either way " << owed_either_way
            << ", positions where the sum binds " << sum_binding << "\n";
}

}  // namespace
}  // namespace arrs::domain::testing
