// The auditor's cases of issue 4: a claim corrected after payment, and a back-dated FTE
// change recorded after a month was claimed, seen as known at different log positions.
#include <gtest/gtest.h>

#include "google/protobuf/util/message_differencer.h"
#include "tests/engine/ledger_fixture.h"

namespace arrs::testing_support {
namespace {

class AuditorCaseTest : public LedgerFixture {};

TEST_F(AuditorCaseTest, ClaimCorrectedInMayShowsOriginalKnownAtAprilAndCorrectionNow) {
  absl::StatusOr<v1::CommandResult> assessed = AssessedMarch2024Claim();
  ASSERT_OK(assessed);
  // 2023/24 maximum from 1 July 2023: £62,340 a year; March 2024 at 1.0 WTE = £5,195.00.
  ASSERT_EQ(assessed->assessment().lines(0).maximum_pence(), 519500);
  ASSERT_EQ(assessed->assessment().total_approved_pence(), 500000);
  ASSERT_OK(Pay("U10001", "2024-03", D(2024, 4, 20), 500000));
  const uint64_t known_in_april = Head();
  const uint64_t submitted_at = known_in_april - 2;

  absl::StatusOr<v1::CommandResult> corrected = CorrectClaim(
      "U10001", submitted_at, "2024-03", D(2024, 3, 1), "cp-1", 450000,
      "payroll showed £4,500.00, not £5,000.00");
  ASSERT_OK(corrected);
  EXPECT_EQ(corrected->last_position() - corrected->first_position(), 1u)
      << "the replacement and the re-assessment are appended together";

  const v1::Balance then = Balance("U10001", 2023, D(2024, 3, 31), known_in_april);
  const v1::Balance now = Balance("U10001", 2023, D(2024, 3, 31));
  EXPECT_EQ(then.approved_pence(), 500000);
  EXPECT_EQ(then.claimed_pence(), 500000);
  EXPECT_EQ(then.computed_at_position(), known_in_april);
  EXPECT_EQ(now.approved_pence(), 450000);
  EXPECT_EQ(now.claimed_pence(), 450000);
  EXPECT_EQ(now.computed_at_position(), Head());
  EXPECT_EQ(now.remaining_pence(), 50000000 - 450000);
  // Paid in April (as_of 31 March: not yet paid); as of May the claim is overpaid by £500.
  const v1::Balance may = Balance("U10001", 2023, D(2024, 5, 31));
  EXPECT_EQ(may.paid_pence(), 500000);
  ASSERT_EQ(may.claims_size(), 1);
  EXPECT_EQ(may.claims(0).status(), "overpaid");

  v1::AuditRequest audit;
  audit.set_pcn_code("U10001");
  audit.set_claim_id("2024-03");
  absl::StatusOr<v1::AuditTrail> trail = ledger_->GetAuditTrail(audit);
  ASSERT_OK(trail);
  ASSERT_EQ(trail->entries_size(), 5);  // submit, assess, pay, replacement, re-assessment
  EXPECT_EQ(trail->entries(0).event().position(), submitted_at);
  EXPECT_TRUE(trail->entries(0).cancelled());
  ASSERT_EQ(trail->entries(0).corrected_by_size(), 1);
  EXPECT_EQ(trail->entries(0).corrected_by(0), corrected->first_position());
  EXPECT_TRUE(trail->entries(1).cancelled());
  EXPECT_FALSE(trail->entries(2).cancelled());
  EXPECT_EQ(trail->entries(3).event().corrects(), submitted_at);
  EXPECT_EQ(trail->entries(3).event().actor(), "admin:alice");
  EXPECT_EQ(trail->entries(3).event().reason(), "payroll showed £4,500.00, not £5,000.00");
  EXPECT_FALSE(trail->entries(3).cancelled());
  EXPECT_EQ(trail->entries(4).event().payload().claim_assessed().total_approved_pence(), 450000);

  // Known at April, the trail ends with the payment and nothing is cancelled.
  audit.mutable_known_at()->set_position(known_in_april);
  trail = ledger_->GetAuditTrail(audit);
  ASSERT_OK(trail);
  ASSERT_EQ(trail->entries_size(), 3);
  for (const v1::AuditEntry& entry : trail->entries()) EXPECT_FALSE(entry.cancelled());
}

TEST_F(AuditorCaseTest, BackdatedFteChangeDiffersExactlyByThatChange) {
  Register("U10002", "QAA", 40000, 80000000);
  ASSERT_OK(Hire("U10002", "cc-1", v1::CARE_COORDINATOR, D(2023, 4, 1), kWholeTimeBp));
  ASSERT_OK(Hire("U10002", "cp-1", v1::CLINICAL_PHARMACIST, D(2023, 4, 1), 8000));
  ASSERT_OK(Claim("U10002", "2023-06", D(2023, 6, 1), {{"cc-1", 200000}, {"cp-1", 300000}}));
  ASSERT_OK(Assess("U10002", "2023-06"));
  const uint64_t before = Head();

  v1::StaffChangeRequest change;
  *change.mutable_header() = Header("contract variation signed in May, recorded late");
  change.set_pcn_code("U10002");
  change.set_staff_id("cp-1");
  *change.mutable_effective_date() = D(2023, 5, 1);
  change.mutable_fte_changed()->set_wte_bp(6000);
  ASSERT_OK(ledger_->ChangeStaff("test:pcn", change));

  v1::WorkforceRequest wr;
  wr.set_pcn_code("U10002");
  *wr.mutable_as_of() = D(2023, 6, 15);
  wr.mutable_known_at()->set_position(before);
  const v1::Workforce old_view = ledger_->GetWorkforce(wr).value();
  wr.clear_known_at();
  const v1::Workforce new_view = ledger_->GetWorkforce(wr).value();

  // Exactly one staff member's WTE moved, by 0.2 WTE, and nothing else.
  ASSERT_EQ(old_view.staff_size(), 2);
  ASSERT_EQ(new_view.staff_size(), 2);
  for (int i = 0; i < 2; ++i) {
    const bool is_cp = old_view.staff(i).staff_id() == "cp-1";
    EXPECT_EQ(old_view.staff(i).wte_bp() - new_view.staff(i).wte_bp(), is_cp ? 2000 : 0);
  }
  v1::Workforce old_rest = old_view, new_rest = new_view;
  for (v1::Workforce* w : {&old_rest, &new_rest}) {
    w->clear_computed_at_position();
    for (auto& s : *w->mutable_staff()) s.clear_wte_bp();
    for (auto& r : *w->mutable_roles()) {
      r.clear_wte_bp();
      r.clear_additional_wte_bp();
    }
  }
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(old_rest, new_rest));

  // The June claim was priced at 0.8 WTE and stays so (an assessment is a fact); a new
  // assessment is not possible silently: the forecast for later months uses 0.6 WTE.
  const v1::Balance then = Balance("U10002", 2023, D(2023, 6, 30), before);
  const v1::Balance now = Balance("U10002", 2023, D(2023, 6, 30));
  EXPECT_EQ(then.approved_pence(), now.approved_pence());
  EXPECT_GT(then.forecast_to_year_end_pence(), now.forecast_to_year_end_pence());
}

}  // namespace
}  // namespace arrs::testing_support
