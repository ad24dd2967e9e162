// Issue 19 through the Ledger: back-dated facts and corrections under paid lines are
// accepted; one assessment in force per claim; a claim is not paid before its payment.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/engine/ledger_fixture.h"

namespace arrs::testing_support {
namespace {

constexpr int64_t kFullMonth = 519500;  // £62,340 / 12 at 1.0 WTE (2024/25 to September)
constexpr int64_t kHalfMonth = 259750;  // at 0.5 WTE

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
};

// Finding 2: after a back-dated FTE change under paid lines, nothing on the PCN is refused
// because of those lines: an unrelated correction, a re-assessment, a reduction, reversing a payment.
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

}  // namespace
}  // namespace arrs::testing_support
