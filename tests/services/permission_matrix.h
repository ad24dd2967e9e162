// The role x RPC matrix (who may call what, and what happens without a token or with an
// unknown one; a refused call is PERMISSION_DENIED or UNAUTHENTICATED and writes nothing)
// as a fixture, so that it runs against the plain test server (services tests) and against
// one with TLS and client certificates required (reliability tests).
#ifndef ARRS_TESTS_SERVICES_PERMISSION_MATRIX_H_
#define ARRS_TESTS_SERVICES_PERMISSION_MATRIX_H_

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/services/server_fixture.h"
#include "tests/testing/hire_request.h"

namespace arrs::testing_support {

class PermissionMatrixFixture : public ServerFixture {
 protected:
  using Call = std::function<grpc::Status(grpc::ClientContext*)>;

  struct Rpc {
    std::string name;
    Call call;
    std::set<std::string> allowed;  // tokens that must get past authorisation
  };

  std::vector<Rpc> Matrix() {
    // Requests aimed at U40001 (ICB QAA); they may fail for domain reasons once allowed.
    auto header = [this](auto* r) { r->mutable_header()->set_request_id(NextId()); };
    const std::set<std::string> pcn_writers = {kAdmin, kPcnA};
    const std::set<std::string> commissioners = {kAdmin, kCommA};
    const std::set<std::string> readers = {kAdmin, kAuditor, kCommA, kPcnA};
    const std::set<std::string> everyone = {kAdmin, kAuditor, kCommA, kCommB, kPcnA, kPcnB};
    std::vector<Rpc> m;
    auto add = [&](std::string name, std::set<std::string> allowed, Call call) {
      m.push_back(Rpc{std::move(name), std::move(call), std::move(allowed)});
    };
    add("RegisterPcn", commissioners, [=, this](grpc::ClientContext* c) {
      v1::RegisterPcnRequest r = RegisterRequest("U40009", "QAA");
      v1::CommandResult out;
      return commands_->RegisterPcn(c, r, &out);
    });
    add("RecordListSize", commissioners, [=, this](grpc::ClientContext* c) {
      v1::RecordListSizeRequest r;
      header(&r);
      r.set_pcn_code("U40001");
      v1::CommandResult out;
      return commands_->RecordListSize(c, r, &out);
    });
    add("RecordLondonZone", commissioners, [=, this](grpc::ClientContext* c) {
      v1::RecordLondonZoneRequest r;
      header(&r);
      r.set_pcn_code("U40001");
      v1::CommandResult out;
      return commands_->RecordLondonZone(c, r, &out);
    });
    add("RecordBaseline", commissioners, [=, this](grpc::ClientContext* c) {
      v1::RecordBaselineRequest r;
      header(&r);
      r.set_pcn_code("U40001");
      r.add_roles()->set_role(static_cast<v1::Role>(999));  // invalid once allowed
      v1::CommandResult out;
      return commands_->RecordBaseline(c, r, &out);
    });
    add("SetEntitlement", commissioners, [=, this](grpc::ClientContext* c) {
      v1::SetEntitlementRequest r;
      header(&r);
      r.set_pcn_code("U40001");
      r.set_financial_year(1999);
      r.set_sum_pence(1);
      v1::CommandResult out;
      return commands_->SetEntitlement(c, r, &out);
    });
    add("HireStaff", pcn_writers, [=, this](grpc::ClientContext* c) {
      v1::HireStaffRequest r;
      header(&r);
      r.set_pcn_code("U40001");
      v1::CommandResult out;
      return commands_->HireStaff(c, r, &out);
    });
    add("ChangeStaff", pcn_writers, [=, this](grpc::ClientContext* c) {
      v1::StaffChangeRequest r;
      header(&r);
      r.set_pcn_code("U40001");
      r.set_staff_id("nobody");
      v1::CommandResult out;
      return commands_->ChangeStaff(c, r, &out);
    });
    add("SubmitClaim", pcn_writers, [=, this](grpc::ClientContext* c) {
      v1::SubmitClaimRequest r;
      header(&r);
      r.set_pcn_code("U40001");
      v1::CommandResult out;
      return commands_->SubmitClaim(c, r, &out);
    });
    add("AssessClaim", commissioners, [=, this](grpc::ClientContext* c) {
      v1::AssessClaimRequest r;
      header(&r);
      r.set_pcn_code("U40001");
      r.set_claim_id("none");
      v1::CommandResult out;
      return commands_->AssessClaim(c, r, &out);
    });
    add("ReduceClaimLine", commissioners, [=, this](grpc::ClientContext* c) {
      v1::ReduceClaimLineRequest r;
      header(&r);
      r.set_pcn_code("U40001");
      v1::CommandResult out;
      return commands_->ReduceClaimLine(c, r, &out);
    });
    add("PayClaim", commissioners, [=, this](grpc::ClientContext* c) {
      v1::PayClaimRequest r;
      header(&r);
      r.set_pcn_code("U40001");
      v1::CommandResult out;
      return commands_->PayClaim(c, r, &out);
    });
    add("Correct", {kAdmin}, [=, this](grpc::ClientContext* c) {
      v1::CorrectRequest r;
      header(&r);
      r.set_pcn_code("U40001");
      v1::CommandResult out;
      return commands_->Correct(c, r, &out);
    });
    add("PayArrears", commissioners, [=, this](grpc::ClientContext* c) {
      v1::PayArrearsRequest r;
      header(&r);
      r.set_pcn_code("U40001");
      r.set_claim_id("none");
      v1::CommandResult out;
      return commands_->PayArrears(c, r, &out);
    });
    add("RecoverOverpayment", commissioners, [=, this](grpc::ClientContext* c) {
      v1::RecoverOverpaymentRequest r;
      header(&r);
      r.set_pcn_code("U40001");
      r.set_claim_id("none");
      v1::CommandResult out;
      return commands_->RecoverOverpayment(c, r, &out);
    });
    add("PublishRules", {kAdmin}, [=, this](grpc::ClientContext* c) {
      v1::PublishRulesRequest r;
      header(&r);
      v1::CommandResult out;
      return commands_->PublishRules(c, r, &out);
    });
    add("GetBalance", readers, [this](grpc::ClientContext* c) {
      v1::BalanceRequest r;
      r.set_pcn_code("U40001");
      r.set_financial_year(2023);
      v1::Balance out;
      return queries_->GetBalance(c, r, &out);
    });
    add("GetCapUsage", readers, [this](grpc::ClientContext* c) {
      v1::CapUsageRequest r;
      r.set_pcn_code("U40001");
      *r.mutable_as_of() = Day(2023, 5, 1);
      v1::CapUsage out;
      return queries_->GetCapUsage(c, r, &out);
    });
    add("GetWorkforce", readers, [this](grpc::ClientContext* c) {
      v1::WorkforceRequest r;
      r.set_pcn_code("U40001");
      *r.mutable_as_of() = Day(2023, 5, 1);
      v1::Workforce out;
      return queries_->GetWorkforce(c, r, &out);
    });
    add("GetAuditTrail", readers, [this](grpc::ClientContext* c) {
      v1::AuditRequest r;
      r.set_pcn_code("U40001");
      v1::AuditTrail out;
      return queries_->GetAuditTrail(c, r, &out);
    });
    add("ExplainClaim", readers, [this](grpc::ClientContext* c) {
      v1::ExplainRequest r;
      r.set_pcn_code("U40001");
      r.set_claim_id("none");
      v1::Explanation out;
      return queries_->ExplainClaim(c, r, &out);
    });
    add("GetRegionSummary(national)", {kAdmin, kAuditor}, [this](grpc::ClientContext* c) {
      v1::RegionRequest r;
      *r.mutable_as_of() = Day(2023, 5, 1);
      v1::RegionSummary out;
      return queries_->GetRegionSummary(c, r, &out);
    });
    add("GetRegionSummary(QAA)", {kAdmin, kAuditor, kCommA}, [this](grpc::ClientContext* c) {
      v1::RegionRequest r;
      r.set_icb_code("QAA");
      *r.mutable_as_of() = Day(2023, 5, 1);
      v1::RegionSummary out;
      return queries_->GetRegionSummary(c, r, &out);
    });
    add("GetArrears(national)", {kAdmin, kAuditor}, [this](grpc::ClientContext* c) {
      v1::ArrearsReport out;
      return queries_->GetArrears(c, v1::ArrearsRequest(), &out);
    });
    add("GetArrears(QAA)", {kAdmin, kAuditor, kCommA}, [this](grpc::ClientContext* c) {
      v1::ArrearsRequest r;
      r.set_icb_code("QAA");
      v1::ArrearsReport out;
      return queries_->GetArrears(c, r, &out);
    });
    add("GetRules", everyone, [this](grpc::ClientContext* c) {
      v1::RulesRequest r;
      r.set_financial_year(2023);
      v1::RulesResponse out;
      return queries_->GetRules(c, r, &out);
    });
    add("GetRulesCoverage", everyone, [this](grpc::ClientContext* c) {
      v1::RulesCoverageRequest r;
      r.set_financial_year(2023);
      v1::RulesCoverageResponse out;
      return queries_->GetRulesCoverage(c, r, &out);
    });
    add("ListClaims(national)", {kAdmin, kAuditor}, [this](grpc::ClientContext* c) {
      v1::ClaimList out;
      return queries_->ListClaims(c, v1::ListClaimsRequest(), &out);
    });
    add("ListClaims(QAA)", {kAdmin, kAuditor, kCommA}, [this](grpc::ClientContext* c) {
      v1::ListClaimsRequest r;
      r.set_icb_code("QAA");
      v1::ClaimList out;
      return queries_->ListClaims(c, r, &out);
    });
    add("WhoAmI", everyone, [this](grpc::ClientContext* c) {
      v1::WhoAmIResponse out;
      return queries_->WhoAmI(c, v1::WhoAmIRequest(), &out);
    });
    add("ListPcns", everyone, [this](grpc::ClientContext* c) {
      v1::ListPcnsResponse out;
      return queries_->ListPcns(c, v1::ListPcnsRequest(), &out);
    });
    add("Verify", {kAdmin, kAuditor}, [this](grpc::ClientContext* c) {
      v1::VerifyResponse out;
      return admin_->Verify(c, v1::VerifyRequest(), &out);
    });
    add("Stats", {kAdmin, kAuditor}, [this](grpc::ClientContext* c) {
      v1::StatsResponse out;
      return admin_->Stats(c, v1::StatsRequest(), &out);
    });
    add("Backup", {kAdmin}, [this](grpc::ClientContext* c) {
      v1::BackupRequest r;  // empty target: INVALID_ARGUMENT once allowed
      v1::BackupResponse out;
      return admin_->Backup(c, r, &out);
    });
    add("Subscribe", {kAdmin, kAuditor}, [this](grpc::ClientContext* c) {
      v1::SubscribeRequest r;
      r.set_from_position(1);
      auto reader = admin_->Subscribe(c, r);
      v1::Event e;
      if (reader->Read(&e)) {
        c->TryCancel();
        while (reader->Read(&e)) {
        }
        return grpc::Status::OK;
      }
      return reader->Finish();
    });
    return m;
  }

  // Every RPC case with every caller: allowed callers get past authorisation, others are
  // refused (and write nothing), callers without a valid token are unauthenticated.
  void CheckEveryRoleAgainstEveryRpc() {
    RegisterTwoPcns();
    const std::vector<std::string> tokens = {kAdmin, kAuditor, kCommA, kCommB, kPcnA, kPcnB,
                                             "", "not-a-token"};
    int checked = 0;
    for (const Rpc& rpc : Matrix()) {
      for (const std::string& token : tokens) {
        SCOPED_TRACE(::testing::Message() << rpc.name << " with token '" << token << "'");
        const uint64_t head = Head();
        auto context = Ctx(token);
        const grpc::Status status = rpc.call(context.get());
        if (token.empty() || token == "not-a-token") {
          EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << status.error_message();
        } else if (rpc.allowed.count(token)) {
          EXPECT_NE(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
              << status.error_message();
          EXPECT_NE(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
        } else {
          EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
              << status.error_message();
          EXPECT_EQ(Head(), head) << "a refused call wrote to the log";
        }
        ++checked;
      }
    }
    EXPECT_EQ(checked, 34 * 8);  // 34 RPC cases (Region, Arrears, ListClaims twice) x 8 callers
  }

  // A PCN's token cannot write to another PCN's stream; that PCN's own token can.
  void CheckPcnTokenCannotTouchAnotherPcnsStream() {
    RegisterTwoPcns();
    v1::HireStaffRequest r = WholeTimeHire(NextId(), "U40002", "intruder", v1::CARE_COORDINATOR,
                                           v1::LEAD_PRACTICE, Day(2023, 4, 1), 2500000);
    v1::CommandResult out;
    const uint64_t head = Head();
    grpc::Status status = commands_->HireStaff(Ctx(kPcnA).get(), r, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_NE(status.error_message().find("U40002"), std::string::npos) << status.error_message();
    EXPECT_EQ(Head(), head);
    EXPECT_TRUE(commands_->HireStaff(Ctx(kPcnB).get(), r, &out).ok());
  }
};

}  // namespace arrs::testing_support

#endif  // ARRS_TESTS_SERVICES_PERMISSION_MATRIX_H_
