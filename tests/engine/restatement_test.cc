// Restatement through the Ledger (issue 19): back-dated facts and corrections under paid
// lines are accepted and show as overpayments or arrears; commissioners settle them; a
// rebuild, a snapshot start and the live state answer alike.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/engine/ledger_fixture.h"

namespace arrs::testing_support {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kFullMonth = 519500;  // £62,340 / 12 at 1.0 WTE (2024/25 to September)
constexpr int64_t kHalfMonth = 259750;

class RestatementTest : public LedgerFixture {
 protected:
  void SetUp() override {
    LedgerFixture::SetUp();
    Register("U50001", "QWE", 30000, 20'000'000);
    ASSERT_TRUE(Hire("U50001", "cp-1", v1::CLINICAL_PHARMACIST, D(2024, 4, 1), 10000).ok());
    for (int month : {5, 6}) {
      const std::string id = absl::StrCat("2024-0", month);
      ASSERT_TRUE(Claim("U50001", id, D(2024, month, 1), {{"cp-1", 550000}}).ok());
      absl::StatusOr<v1::CommandResult> assessed = Assess("U50001", id);
      ASSERT_TRUE(assessed.ok());
      ASSERT_EQ(assessed->assessment().total_approved_pence(), kFullMonth);
      ASSERT_TRUE(Pay("U50001", id, D(2024, month + 1, 20), kFullMonth).ok());
    }
  }
  absl::StatusOr<v1::CommandResult> ChangeFte(const std::string& staff, v1::Date from,
                                              int32_t wte_bp) {
    v1::StaffChangeRequest r;
    *r.mutable_header() = Header();
    r.set_pcn_code("U50001");
    r.set_staff_id(staff);
    *r.mutable_effective_date() = from;
    r.mutable_fte_changed()->set_wte_bp(wte_bp);
    return ledger_->ChangeStaff("test:pcn", r);
  }
  absl::StatusOr<v1::CommandResult> Reverse(uint64_t position, const std::string& reason) {
    v1::CorrectRequest c;
    *c.mutable_header() = Header(reason);
    c.set_pcn_code("U50001");
    c.set_corrects_position(position);
    c.set_reverse(true);
    return ledger_->Correct("admin:alice", c);
  }
  absl::StatusOr<v1::CommandResult> Recover(const std::string& claim, int64_t pence,
                                            const std::string& offset_claim,
                                            const std::string& request_id = "") {
    v1::RecoverOverpaymentRequest r;
    *r.mutable_header() = Header("0.5 WTE from May, reported late");
    if (!request_id.empty()) r.mutable_header()->set_request_id(request_id);
    r.set_pcn_code("U50001");
    r.set_claim_id(claim);
    *r.mutable_recovered_on() = D(2024, 8, 20);
    r.set_amount_pence(pence);
    r.set_method(offset_claim.empty() ? v1::REPAID : v1::OFFSET);
    r.set_offset_claim_id(offset_claim);
    return ledger_->RecoverOverpayment("test:icb", r);
  }
};

// Finding 1: a back-dated FTE change under lines already paid is accepted, and the
// overpayment shows in the balance and in explain, with its cause.
TEST_F(RestatementTest, BackDatedFteChangeUnderPaidLinesShowsTheOverpayment) {
  absl::StatusOr<v1::CommandResult> fte = ChangeFte("cp-1", D(2024, 5, 1), 5000);
  ASSERT_TRUE(fte.ok()) << fte.status();
  const v1::Balance b = Balance("U50001", 2024, D(2025, 3, 31));
  EXPECT_EQ(b.paid_pence(), 2 * kFullMonth);
  EXPECT_EQ(b.restated_pence(), 2 * kHalfMonth);
  EXPECT_EQ(b.overpayment_to_recover_pence(), 2 * kHalfMonth);
  EXPECT_EQ(b.net_due_pence(), -2 * kHalfMonth);

  v1::ExplainRequest e;
  e.set_pcn_code("U50001");
  e.set_claim_id("2024-05");
  absl::StatusOr<v1::Explanation> explained = ledger_->ExplainClaim(e);
  ASSERT_TRUE(explained.ok()) << explained.status();
  ASSERT_EQ(explained->restated_size(), 1);
  EXPECT_EQ(explained->restated(0).difference_pence(), -kHalfMonth);
  ASSERT_EQ(explained->restated(0).causes_size(), 1);
  EXPECT_EQ(explained->restated(0).causes(0).position(), fte->first_position());

  v1::ArrearsRequest a;
  absl::StatusOr<v1::ArrearsReport> report = ledger_->GetArrears(a);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->overpayment_to_recover_pence(), 2 * kHalfMonth);
  ASSERT_EQ(report->pcns_size(), 1);
  EXPECT_EQ(report->pcns(0).pcn_code(), "U50001");

  v1::RegionRequest region;
  *region.mutable_as_of() = D(2024, 12, 31);
  absl::StatusOr<v1::RegionSummary> summary = ledger_->GetRegionSummary(region);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->national().overpayment_to_recover_pence(), 2 * kHalfMonth);
}

// Finding 2: after that change, nothing on the PCN is refused because of the earlier paid
// lines: an unrelated correction, a re-assessment, a reduction, reversing a payment.
TEST_F(RestatementTest, NothingIsRefusedBecauseOfEarlierPaidLines) {
  ASSERT_TRUE(ChangeFte("cp-1", D(2024, 5, 1), 5000).ok());
  absl::StatusOr<v1::CommandResult> mistaken =
      Hire("U50001", "pt-9", v1::PHARMACY_TECHNICIAN, D(2024, 9, 1), 10000);
  ASSERT_TRUE(mistaken.ok());
  absl::StatusOr<v1::CommandResult> reversed =
      Reverse(mistaken->first_position(), "hired in error");
  EXPECT_TRUE(reversed.ok()) << reversed.status();
  absl::StatusOr<v1::CommandResult> reassessed = Assess("U50001", "2024-05");
  ASSERT_TRUE(reassessed.ok()) << reassessed.status();
  EXPECT_EQ(reassessed->assessment().total_approved_pence(), kHalfMonth);
  v1::ReduceClaimLineRequest reduce;
  *reduce.mutable_header() = Header("timesheets");
  reduce.set_pcn_code("U50001");
  reduce.set_claim_id("2024-06");
  reduce.set_line_no(1);
  reduce.set_approved_pence(100000);
  absl::StatusOr<v1::CommandResult> reduced = ledger_->ReduceClaimLine("test:icb", reduce);
  EXPECT_TRUE(reduced.ok()) << reduced.status();
  // Reversing June's payment (recorded against the wrong claim, say).
  v1::AuditRequest audit;
  audit.set_pcn_code("U50001");
  audit.set_claim_id("2024-06");
  absl::StatusOr<v1::AuditTrail> trail = ledger_->GetAuditTrail(audit);
  ASSERT_TRUE(trail.ok());
  uint64_t payment = 0;
  for (const v1::AuditEntry& entry : trail->entries()) {
    if (entry.event().payload().has_claim_paid()) payment = entry.event().position();
  }
  ASSERT_NE(payment, 0u);
  absl::StatusOr<v1::CommandResult> unpaid = Reverse(payment, "paid twice by the bank");
  EXPECT_TRUE(unpaid.ok()) << unpaid.status();
}

// Finding 3: a re-assessment supersedes the one in force; the audit trail shows one
// assessment in force.
TEST_F(RestatementTest, OneAssessmentInForcePerClaim) {
  ASSERT_TRUE(Claim("U50001", "2024-07", D(2024, 7, 1), {{"cp-1", 550000}}).ok());
  ASSERT_TRUE(Assess("U50001", "2024-07").ok());
  ASSERT_TRUE(Assess("U50001", "2024-07").ok());
  v1::AuditRequest audit;
  audit.set_pcn_code("U50001");
  audit.set_claim_id("2024-07");
  absl::StatusOr<v1::AuditTrail> trail = ledger_->GetAuditTrail(audit);
  ASSERT_TRUE(trail.ok());
  int in_force = 0, assessments = 0;
  for (const v1::AuditEntry& entry : trail->entries()) {
    if (!entry.event().payload().has_claim_assessed()) continue;
    ++assessments;
    if (!entry.cancelled()) ++in_force;
  }
  EXPECT_EQ(assessments, 2);
  EXPECT_EQ(in_force, 1);
}

// Finding 7: on a day before the payment the claim is not paid.
TEST_F(RestatementTest, ClaimIsNotPaidBeforeItsPaymentDate) {
  const v1::Balance b = Balance("U50001", 2024, D(2024, 6, 19));
  ASSERT_EQ(b.claims_size(), 2);
  EXPECT_EQ(b.claims(0).status(), "assessed");
  EXPECT_EQ(b.paid_pence(), 0);
  EXPECT_EQ(Balance("U50001", 2024, D(2024, 6, 20)).claims(0).status(), "paid");
}

// Settlement: recovered from the next payment, idempotent, never more than is owed.
TEST_F(RestatementTest, OverpaymentRecoveredFromTheNextPayment) {
  ASSERT_TRUE(ChangeFte("cp-1", D(2024, 5, 1), 5000).ok());
  ASSERT_TRUE(Claim("U50001", "2024-07", D(2024, 7, 1), {{"cp-1", 550000}}).ok());
  ASSERT_TRUE(Assess("U50001", "2024-07").ok());
  ASSERT_TRUE(Pay("U50001", "2024-07", D(2024, 8, 20), kHalfMonth).ok());

  absl::StatusOr<v1::CommandResult> first = Recover("2024-05", kHalfMonth, "2024-07", "rec-1");
  ASSERT_TRUE(first.ok()) << first.status();
  const uint64_t head = Head();
  absl::StatusOr<v1::CommandResult> again = Recover("2024-05", kHalfMonth, "2024-07", "rec-1");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->deduplicated());
  EXPECT_EQ(Head(), head);
  absl::StatusOr<v1::CommandResult> too_much = Recover("2024-06", kHalfMonth + 1, "");
  EXPECT_EQ(too_much.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(too_much.status().message(), HasSubstr("more than the overpayment"));
  EXPECT_EQ(Head(), head);

  v1::PayArrearsRequest arrears;
  *arrears.mutable_header() = Header("nothing owed");
  arrears.set_pcn_code("U50001");
  arrears.set_claim_id("2024-06");
  *arrears.mutable_paid_on() = D(2024, 9, 1);
  arrears.set_amount_pence(1);
  EXPECT_EQ(ledger_->PayArrears("test:icb", arrears).status().code(),
            absl::StatusCode::kFailedPrecondition);
  const v1::Balance b = Balance("U50001", 2024, D(2025, 3, 31));
  EXPECT_EQ(b.recovered_pence(), kHalfMonth);
  EXPECT_EQ(b.overpayment_to_recover_pence(), kHalfMonth);
}

// The ICB's arrears report and the region summary carry the same overpayment, with its
// cause; another ICB's report has nothing.
TEST_F(RestatementTest, ArrearsReportAndRegionSummaryShowTheOverpayment) {
  ASSERT_TRUE(ChangeFte("cp-1", D(2024, 5, 1), 5000).ok());
  v1::ArrearsRequest request;
  request.set_icb_code("QWE");
  absl::StatusOr<v1::ArrearsReport> report = ledger_->GetArrears(request);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->pcns_size(), 1);
  EXPECT_EQ(report->pcns(0).pcn_code(), "U50001");
  EXPECT_EQ(report->overpayment_to_recover_pence(), 2 * kHalfMonth);
  EXPECT_EQ(report->arrears_due_pence(), 0);
  ASSERT_EQ(report->pcns(0).claims_size(), 2);
  ASSERT_GE(report->pcns(0).claims(0).causes_size(), 1);
  EXPECT_THAT(report->pcns(0).claims(0).causes(0).what(), HasSubstr("cp-1"));
  request.set_icb_code("QZZ");
  report = ledger_->GetArrears(request);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->pcns_size(), 0);
  // Before the change was known, nothing was owed.
  request.set_icb_code("");
  request.mutable_known_at()->set_position(Head() - 1);
  report = ledger_->GetArrears(request);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->pcns_size(), 0);

  v1::RegionRequest region;
  *region.mutable_as_of() = D(2025, 3, 31);
  absl::StatusOr<v1::RegionSummary> summary = ledger_->GetRegionSummary(region);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->national().paid_pence(), 2 * kFullMonth);
  EXPECT_EQ(summary->national().overpayment_to_recover_pence(), 2 * kHalfMonth);
  ASSERT_EQ(summary->icbs_size(), 1);
  EXPECT_EQ(summary->icbs(0).overpayment_to_recover_pence(), 2 * kHalfMonth);
}

// Restatement is a projection: the live state, a rebuild and a snapshot start agree at
// every position.
TEST_F(RestatementTest, LiveRebuildAndSnapshotStartAgreeAtEveryPosition) {
  ASSERT_TRUE(ChangeFte("cp-1", D(2024, 5, 1), 5000).ok());
  ASSERT_TRUE(Recover("2024-05", 100000, "").ok());
  ASSERT_TRUE(ChangeFte("cp-1", D(2024, 6, 1), 8000).ok());
  const uint64_t head = Head();
  auto all = [&]() {
    std::vector<std::string> out;
    for (uint64_t p = 1; p <= head; ++p) {
      v1::BalanceRequest r;
      r.set_pcn_code("U50001");
      r.set_financial_year(2024);
      r.mutable_known_at()->set_position(p);
      absl::StatusOr<v1::Balance> b = ledger_->GetBalance(r);
      out.push_back(b.ok() ? b->SerializeAsString() : std::string(b.status().message()));
      v1::ExplainRequest e;
      e.set_pcn_code("U50001");
      e.set_claim_id("2024-05");
      e.mutable_known_at()->set_position(p);
      absl::StatusOr<v1::Explanation> x = ledger_->ExplainClaim(e);
      out.push_back(x.ok() ? x->SerializeAsString() : std::string(x.status().message()));
    }
    return out;
  };
  const std::vector<std::string> live = all();
  engine::LedgerOptions snapshot_start;
  snapshot_start.warm_after_restore = false;
  Reopen(snapshot_start);
  ASSERT_GT(ledger_->startup().snapshot_position, 0u);
  EXPECT_EQ(all(), live);
  engine::LedgerOptions rebuild;
  rebuild.restore_snapshot = false;
  Reopen(rebuild);
  EXPECT_EQ(all(), live);
}

}  // namespace
}  // namespace arrs::testing_support
