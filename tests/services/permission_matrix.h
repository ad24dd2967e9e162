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
#include <type_traits>
#include <utility>
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

  using CommandStub = v1::CommandService::Stub;
  using QueryStub = v1::QueryService::Stub;

  // A call of `method` on `stub` with a request `fill` makes (empty without it); the
  // response is dropped.
  template <typename Stub, typename Request, typename Response>
  static Call Unary(Stub* stub,
                    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    std::type_identity_t<std::function<void(Request*)>> fill = nullptr) {
    return [=](grpc::ClientContext* c) {
      Request r;
      if (fill) fill(&r);
      Response out;
      return (stub->*method)(c, r, &out);
    };
  }

  // A command aimed at U40001 (when it names a PCN), with a new request id on every call;
  // `fill` sets the rest.
  template <typename Request>
  Call Command(grpc::Status (CommandStub::*method)(grpc::ClientContext*, const Request&,
                                                   v1::CommandResult*),
               std::type_identity_t<std::function<void(Request*)>> fill = nullptr) {
    return Unary(commands_.get(), method, [this, fill](Request* r) {
      r->mutable_header()->set_request_id(NextId());
      if constexpr (requires { r->set_pcn_code(""); }) r->set_pcn_code("U40001");
      if (fill) fill(r);
    });
  }

  // A query; `fill` sets its request.
  template <typename Request, typename Response>
  Call Query(grpc::Status (QueryStub::*method)(grpc::ClientContext*, const Request&, Response*),
             std::type_identity_t<std::function<void(Request*)>> fill = nullptr) {
    return Unary(queries_.get(), method, std::move(fill));
  }

  std::vector<Rpc> Matrix() {
    // Requests aimed at U40001 (ICB QAA); they may fail for domain reasons once allowed.
    const std::set<std::string> pcn_writers = {kAdmin, kPcnA};
    const std::set<std::string> commissioners = {kAdmin, kCommA};
    const std::set<std::string> readers = {kAdmin, kAuditor, kCommA, kPcnA};
    const std::set<std::string> everyone = {kAdmin, kAuditor, kCommA, kCommB, kPcnA, kPcnB};
    const auto pcn_a_in_may = [](auto* r) {
      r->set_pcn_code("U40001");
      *r->mutable_as_of() = Day(2023, 5, 1);
    };
    const auto may = [](auto* r) { *r->mutable_as_of() = Day(2023, 5, 1); };
    const auto qaa = [](auto* r) { r->set_icb_code("QAA"); };
    const auto year_2023 = [](auto* r) { r->set_financial_year(2023); };
    std::vector<Rpc> m;
    auto add = [&](std::string name, std::set<std::string> allowed, Call call) {
      m.push_back(Rpc{std::move(name), std::move(call), std::move(allowed)});
    };
    add("RegisterPcn", commissioners, [this](grpc::ClientContext* c) {
      v1::RegisterPcnRequest r = RegisterRequest("U40009", "QAA");
      v1::CommandResult out;
      return commands_->RegisterPcn(c, r, &out);
    });
    add("RecordListSize", commissioners, Command(&CommandStub::RecordListSize));
    add("RecordLondonZone", commissioners, Command(&CommandStub::RecordLondonZone));
    add("RecordBaseline", commissioners, Command(&CommandStub::RecordBaseline, [](auto* r) {
          r->add_roles()->set_role(static_cast<v1::Role>(999));  // invalid once allowed
        }));
    add("SetEntitlement", commissioners, Command(&CommandStub::SetEntitlement, [](auto* r) {
          r->set_financial_year(1999);
          r->set_sum_pence(1);
        }));
    add("HireStaff", pcn_writers, Command(&CommandStub::HireStaff));
    add("ChangeStaff", pcn_writers,
        Command(&CommandStub::ChangeStaff, [](auto* r) { r->set_staff_id("nobody"); }));
    add("SubmitClaim", pcn_writers, Command(&CommandStub::SubmitClaim));
    const auto no_claim = [](auto* r) { r->set_claim_id("none"); };
    add("AssessClaim", commissioners, Command(&CommandStub::AssessClaim, no_claim));
    add("ReduceClaimLine", commissioners, Command(&CommandStub::ReduceClaimLine));
    add("PayClaim", commissioners, Command(&CommandStub::PayClaim));
    add("Correct", {kAdmin}, Command(&CommandStub::Correct));
    add("PayArrears", commissioners, Command(&CommandStub::PayArrears, no_claim));
    add("RecoverOverpayment", commissioners, Command(&CommandStub::RecoverOverpayment, no_claim));
    add("PublishRules", {kAdmin}, Command(&CommandStub::PublishRules));
    add("GetBalance", readers, Query(&QueryStub::GetBalance, [](auto* r) {
          r->set_pcn_code("U40001");
          r->set_financial_year(2023);
        }));
    add("GetCapUsage", readers, Query(&QueryStub::GetCapUsage, pcn_a_in_may));
    add("GetWorkforce", readers, Query(&QueryStub::GetWorkforce, pcn_a_in_may));
    add("GetAuditTrail", readers,
        Query(&QueryStub::GetAuditTrail, [](auto* r) { r->set_pcn_code("U40001"); }));
    add("ExplainClaim", readers, Query(&QueryStub::ExplainClaim, [](auto* r) {
          r->set_pcn_code("U40001");
          r->set_claim_id("none");
        }));
    add("GetRegionSummary(national)", {kAdmin, kAuditor}, Query(&QueryStub::GetRegionSummary, may));
    add("GetRegionSummary(QAA)", {kAdmin, kAuditor, kCommA},
        Query(&QueryStub::GetRegionSummary, [=](auto* r) {
          qaa(r);
          may(r);
        }));
    add("GetArrears(national)", {kAdmin, kAuditor}, Query(&QueryStub::GetArrears));
    add("GetArrears(QAA)", {kAdmin, kAuditor, kCommA}, Query(&QueryStub::GetArrears, qaa));
    add("GetRules", everyone, Query(&QueryStub::GetRules, year_2023));
    add("GetRulesCoverage", everyone, Query(&QueryStub::GetRulesCoverage, year_2023));
    add("ListClaims(national)", {kAdmin, kAuditor}, Query(&QueryStub::ListClaims));
    add("ListClaims(QAA)", {kAdmin, kAuditor, kCommA}, Query(&QueryStub::ListClaims, qaa));
    add("WhoAmI", everyone, Query(&QueryStub::WhoAmI));
    add("ListPcns", everyone, Query(&QueryStub::ListPcns));
    add("Verify", {kAdmin, kAuditor}, Unary(admin_.get(), &v1::AdminService::Stub::Verify));
    add("Stats", {kAdmin, kAuditor}, Unary(admin_.get(), &v1::AdminService::Stub::Stats));
    // An empty target: INVALID_ARGUMENT once allowed.
    add("Backup", {kAdmin}, Unary(admin_.get(), &v1::AdminService::Stub::Backup));
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
