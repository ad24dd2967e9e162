// Every RPC's success path, through the generated stubs against a real server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/services/server_fixture.h"
#include "tests/testing/requests.h"

namespace arrs::testing_support {
namespace {

using ::testing::HasSubstr;

class RpcSuccessTest : public ServerFixture {
 protected:
  void SetUp() override {
    // Backups go beside the data folder, in the temporary folder.
    server_options_.backup_root = std::filesystem::temp_directory_path().string();
    ServerFixture::SetUp();
  }
};

#define ASSERT_RPC_OK(call)                                  \
  do {                                                       \
    grpc::Status _s = (call);                                \
    ASSERT_TRUE(_s.ok()) << #call << ": " << _s.error_message(); \
  } while (0)

TEST_F(RpcSuccessTest, CommandsQueriesAndAdmin) {
  RegisterTwoPcns();
  v1::CommandResult out;

  auto baseline = PcnRequest<v1::RecordBaselineRequest>("U40001", NextId());
  v1::RoleBaseline* role = baseline.add_roles();
  role->set_role(v1::CLINICAL_PHARMACIST);
  role->set_headcount(1);
  role->set_wte_bp(10000);
  ASSERT_RPC_OK(commands_->RecordBaseline(Ctx(kCommA).get(), baseline, &out));

  for (const char* staff : {"cp-1", "cp-2"}) {
    v1::HireStaffRequest hire = WholeTimeHire(NextId(), "U40001", staff, v1::CLINICAL_PHARMACIST,
                                              v1::THIRD_PARTY, Day(2023, 4, 1), 4800000);
    hire.set_band("7");
    hire.set_employer_name("Northfield Federation");
    hire.set_annual_on_costs_pence(1100000);
    ASSERT_RPC_OK(commands_->HireStaff(Ctx(kPcnA).get(), hire, &out));
  }
  auto change = PcnRequest<v1::StaffChangeRequest>("U40001", NextId());
  change.set_staff_id("cp-2");
  *change.mutable_effective_date() = Day(2023, 4, 3);
  change.mutable_started();
  ASSERT_RPC_OK(commands_->ChangeStaff(Ctx(kPcnA).get(), change, &out));

  const v1::SubmitClaimRequest claim = ValidClaim("U40001", "2023-05", Day(2023, 5, 1),
                                                  {{"cp-1", 491666}, {"cp-2", 491666}}, NextId());
  ASSERT_RPC_OK(commands_->SubmitClaim(Ctx(kPcnA).get(), claim, &out));
  const uint64_t submitted_at = out.first_position();

  const v1::AssessClaimRequest assess = ValidAssess("U40001", "2023-05", NextId());
  ASSERT_RPC_OK(commands_->AssessClaim(Ctx(kCommA).get(), assess, &out));
  ASSERT_EQ(out.assessment().lines_size(), 2);
  // cp-1 fills the 2019 baseline of 1.0 WTE: not additional. cp-2 is approved.
  EXPECT_EQ(out.assessment().lines(0).outcome(), v1::NOT_ADDITIONAL);
  EXPECT_EQ(out.assessment().lines(1).outcome(), v1::APPROVED);
  EXPECT_EQ(out.assessment().total_approved_pence(), 491666);

  auto reduce = PcnRequest<v1::ReduceClaimLineRequest>("U40001", NextId());
  reduce.mutable_header()->set_reason("two days unpaid leave not deducted");
  reduce.set_claim_id("2023-05");
  reduce.set_line_no(2);
  reduce.set_approved_pence(450000);
  ASSERT_RPC_OK(commands_->ReduceClaimLine(Ctx(kCommA).get(), reduce, &out));

  auto pay = PcnRequest<v1::PayClaimRequest>("U40001", NextId());
  pay.set_claim_id("2023-05");
  *pay.mutable_paid_on() = Day(2023, 6, 20);
  pay.set_amount_pence(450000);
  ASSERT_RPC_OK(commands_->PayClaim(Ctx(kCommA).get(), pay, &out));

  auto correct = PcnRequest<v1::CorrectRequest>("U40001", NextId());
  correct.mutable_header()->set_reason("start date recorded twice");
  correct.set_corrects_position(submitted_at - 1);  // the StaffStarted event
  correct.set_reverse(true);
  ASSERT_RPC_OK(commands_->Correct(Ctx(kAdmin).get(), correct, &out));

  v1::RulesRequest rules_request;
  rules_request.set_financial_year(2025);
  v1::RulesResponse rules;
  ASSERT_RPC_OK(queries_->GetRules(Ctx(kPcnA).get(), rules_request, &rules));
  EXPECT_EQ(rules.rules().financial_year(), 2025);
  v1::PublishRulesRequest publish;
  publish.mutable_header()->set_request_id(NextId());
  *publish.mutable_rules() = rules.rules();
  publish.mutable_rules()->set_version("2025/26 test republish");
  ASSERT_RPC_OK(commands_->PublishRules(Ctx(kAdmin).get(), publish, &out));
  ASSERT_RPC_OK(queries_->GetRules(Ctx(kAuditor).get(), rules_request, &rules));
  EXPECT_EQ(rules.rules().version(), "2025/26 test republish");
  EXPECT_EQ(rules.published_at_position(), out.first_position());

  v1::BalanceRequest balance_request;
  balance_request.set_pcn_code("U40001");
  balance_request.set_financial_year(2023);
  v1::Balance balance;
  ASSERT_RPC_OK(queries_->GetBalance(Ctx(kPcnA).get(), balance_request, &balance));
  // £22.671 x 47,000 weighted patients = £1,065,537.00.
  EXPECT_EQ(balance.sum_pence(), 106553700);
  EXPECT_EQ(balance.approved_pence(), 450000);
  EXPECT_EQ(balance.paid_pence(), 450000);
  EXPECT_EQ(balance.remaining_pence(), 106553700 - 450000);

  v1::CapUsageRequest caps_request;
  caps_request.set_pcn_code("U40001");
  *caps_request.mutable_as_of() = Day(2023, 6, 1);
  v1::CapUsage caps;
  ASSERT_RPC_OK(queries_->GetCapUsage(Ctx(kAuditor).get(), caps_request, &caps));
  EXPECT_EQ(caps.registered_list_size(), 45000);

  v1::WorkforceRequest wf_request;
  wf_request.set_pcn_code("U40001");
  *wf_request.mutable_as_of() = Day(2023, 6, 1);
  v1::Workforce workforce;
  ASSERT_RPC_OK(queries_->GetWorkforce(Ctx(kCommA).get(), wf_request, &workforce));
  ASSERT_EQ(workforce.roles_size(), 1);
  EXPECT_EQ(workforce.roles(0).headcount(), 2);
  EXPECT_EQ(workforce.roles(0).additional_wte_bp(), 10000);
  EXPECT_EQ(workforce.roles(0).headcount_third_party(), 2);

  v1::AuditRequest audit_request;
  audit_request.set_pcn_code("U40001");
  audit_request.set_staff_id("cp-2");
  v1::AuditTrail trail;
  ASSERT_RPC_OK(queries_->GetAuditTrail(Ctx(kAuditor).get(), audit_request, &trail));
  ASSERT_GE(trail.entries_size(), 4);  // hire, start, claim, assessment, reversal
  EXPECT_EQ(trail.entries(0).event().actor(), "pcn:u40001-system");

  v1::ExplainRequest explain_request;
  explain_request.set_pcn_code("U40001");
  explain_request.set_claim_id("2023-05");
  explain_request.set_line_no(2);
  v1::Explanation explanation;
  ASSERT_RPC_OK(queries_->ExplainClaim(Ctx(kPcnA).get(), explain_request, &explanation));
  ASSERT_EQ(explanation.lines_size(), 1);
  EXPECT_THAT(explanation.lines(0).explanation(), HasSubstr("2023/24"));
  ASSERT_EQ(explanation.reductions_size(), 1);

  v1::RegionRequest region_request;
  *region_request.mutable_as_of() = Day(2023, 6, 1);
  v1::RegionSummary region;
  ASSERT_RPC_OK(queries_->GetRegionSummary(Ctx(kAuditor).get(), region_request, &region));
  EXPECT_EQ(region.national().pcn_count(), 2);
  EXPECT_EQ(region.icbs_size(), 2);
  EXPECT_EQ(region.national().headcount(), 2);

  v1::ListPcnsResponse pcns;
  ASSERT_RPC_OK(queries_->ListPcns(Ctx(kPcnA).get(), v1::ListPcnsRequest(), &pcns));
  ASSERT_EQ(pcns.pcns_size(), 1) << "a PCN service sees only its own PCN";
  ASSERT_RPC_OK(queries_->ListPcns(Ctx(kAuditor).get(), v1::ListPcnsRequest(), &pcns));
  EXPECT_EQ(pcns.pcns_size(), 2);

  v1::VerifyResponse verify;
  ASSERT_RPC_OK(admin_->Verify(Ctx(kAuditor).get(), v1::VerifyRequest(), &verify));
  EXPECT_TRUE(verify.ok());
  EXPECT_EQ(verify.head_position(), Head());
  EXPECT_EQ(verify.head_hash().size(), 32u);

  v1::StatsResponse stats;
  ASSERT_RPC_OK(admin_->Stats(Ctx(kAdmin).get(), v1::StatsRequest(), &stats));
  EXPECT_EQ(stats.head_position(), Head());
  EXPECT_EQ(stats.streams_size(), 3);

  v1::BackupRequest backup_request;
  const std::string backup_dir = (dir_.string() + "-backup");
  std::filesystem::remove_all(backup_dir);
  backup_request.set_target_dir(backup_dir);
  v1::BackupResponse backup;
  ASSERT_RPC_OK(admin_->Backup(Ctx(kAdmin).get(), backup_request, &backup));
  {
    absl::StatusOr<std::unique_ptr<engine::Ledger>> copy = engine::Ledger::Open(backup_dir);
    ASSERT_TRUE(copy.ok()) << copy.status();
    EXPECT_TRUE((*copy)->log().Verify().ok);
    EXPECT_EQ((*copy)->log().head().position, backup.head_position());
  }
  std::filesystem::remove_all(backup_dir);

  v1::SubscribeRequest subscribe_request;
  subscribe_request.set_from_position(1);
  auto context = Ctx(kAuditor);
  std::unique_ptr<grpc::ClientReader<v1::Event>> reader =
      admin_->Subscribe(context.get(), subscribe_request);
  v1::Event event;
  uint64_t expected = 1;
  while (expected <= Head() && reader->Read(&event)) {
    ASSERT_EQ(event.position(), expected++);
  }
  EXPECT_EQ(expected, Head() + 1);
  context->TryCancel();
}

}  // namespace
}  // namespace arrs::testing_support
