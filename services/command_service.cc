#include "services/command_service.h"

#include <memory>
#include <type_traits>
#include <string>
#include <utility>

#include "ledger/engine/ledger.h"
#include "services/request_checks.h"
#include "services/rpc_call.h"

namespace arrs::services {

template <typename Request>
grpc::ServerUnaryReactor* CommandServiceImpl::Run(Context* context, const char* method,
                                                  Access access, const std::string& icb_code,
                                                  const Request* request,
                                                  v1::CommandResult* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto call = std::make_unique<RpcCall>(context, *tokens_, method, request);
  absl::Status admitted = call->Admit(access, request->pcn_code(), icb_code);
  if constexpr (std::is_same_v<Request, v1::SubmitClaimRequest>) {
    if (admitted.ok()) {
      admitted = CheckClaimMonthNotAfter(request->month(),
                                         absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()));
    }
  }
  if (!admitted.ok()) {
    const grpc::Status status = call->Finish(std::move(admitted));
    call.reset();  // logs the call's line while its context is alive
    reactor->Finish(status);
    return reactor;
  }
  const std::string actor = call->principal()->ActorName();
  ledger_->CommandAsync(
      actor, *request,
      [reactor, response, call = std::move(call)](
          absl::StatusOr<v1::CommandResult> result) mutable {
        const grpc::Status status = call->Finish(Assign(std::move(result), response));
        call.reset();
        reactor->Finish(status);
      });
  return reactor;
}

// One handler per RPC: its access class and the ICB it touches (the PCN's, except for a
// registration, which names its ICB).
CommandServiceImpl::Reactor* CommandServiceImpl::RegisterPcn(
    Context* context, const v1::RegisterPcnRequest* request, v1::CommandResult* response) {
  return Run(context, "RegisterPcn", Access::kCommissionerWrite,
             request->icb_code(), request, response);
}

CommandServiceImpl::Reactor* CommandServiceImpl::RecordListSize(
    Context* context, const v1::RecordListSizeRequest* request, v1::CommandResult* response) {
  return Run(context, "RecordListSize", Access::kCommissionerWrite,
             ledger_->IcbOf(request->pcn_code()), request, response);
}

CommandServiceImpl::Reactor* CommandServiceImpl::RecordBaseline(
    Context* context, const v1::RecordBaselineRequest* request, v1::CommandResult* response) {
  return Run(context, "RecordBaseline", Access::kCommissionerWrite,
             ledger_->IcbOf(request->pcn_code()), request, response);
}

// The London zone is the commissioner's fact (in scope) or an admin's.
CommandServiceImpl::Reactor* CommandServiceImpl::RecordLondonZone(
    Context* context, const v1::RecordLondonZoneRequest* request, v1::CommandResult* response) {
  return Run(context, "RecordLondonZone", Access::kCommissionerWrite,
             ledger_->IcbOf(request->pcn_code()), request, response);
}

CommandServiceImpl::Reactor* CommandServiceImpl::SetEntitlement(
    Context* context, const v1::SetEntitlementRequest* request, v1::CommandResult* response) {
  return Run(context, "SetEntitlement", Access::kCommissionerWrite,
             ledger_->IcbOf(request->pcn_code()), request, response);
}

CommandServiceImpl::Reactor* CommandServiceImpl::HireStaff(
    Context* context, const v1::HireStaffRequest* request, v1::CommandResult* response) {
  return Run(context, "HireStaff", Access::kPcnWrite,
             ledger_->IcbOf(request->pcn_code()), request, response);
}

CommandServiceImpl::Reactor* CommandServiceImpl::ChangeStaff(
    Context* context, const v1::StaffChangeRequest* request, v1::CommandResult* response) {
  return Run(context, "ChangeStaff", Access::kPcnWrite,
             ledger_->IcbOf(request->pcn_code()), request, response);
}

CommandServiceImpl::Reactor* CommandServiceImpl::SubmitClaim(
    Context* context, const v1::SubmitClaimRequest* request, v1::CommandResult* response) {
  return Run(context, "SubmitClaim", Access::kPcnWrite,
             ledger_->IcbOf(request->pcn_code()), request, response);
}

CommandServiceImpl::Reactor* CommandServiceImpl::AssessClaim(
    Context* context, const v1::AssessClaimRequest* request, v1::CommandResult* response) {
  return Run(context, "AssessClaim", Access::kCommissionerWrite,
             ledger_->IcbOf(request->pcn_code()), request, response);
}

CommandServiceImpl::Reactor* CommandServiceImpl::ReduceClaimLine(
    Context* context, const v1::ReduceClaimLineRequest* request, v1::CommandResult* response) {
  return Run(context, "ReduceClaimLine", Access::kCommissionerWrite,
             ledger_->IcbOf(request->pcn_code()), request, response);
}

CommandServiceImpl::Reactor* CommandServiceImpl::PayClaim(
    Context* context, const v1::PayClaimRequest* request, v1::CommandResult* response) {
  return Run(context, "PayClaim", Access::kCommissionerWrite,
             ledger_->IcbOf(request->pcn_code()), request, response);
}

CommandServiceImpl::Reactor* CommandServiceImpl::Correct(
    Context* context, const v1::CorrectRequest* request, v1::CommandResult* response) {
  return Run(context, "Correct", Access::kAdminWrite,
             ledger_->IcbOf(request->pcn_code()), request, response);
}

// Settling a restated claim is the commissioner's (in scope) or an admin's.
CommandServiceImpl::Reactor* CommandServiceImpl::PayArrears(
    Context* context, const v1::PayArrearsRequest* request, v1::CommandResult* response) {
  return Run(context, "PayArrears", Access::kCommissionerWrite,
             ledger_->IcbOf(request->pcn_code()), request, response);
}

CommandServiceImpl::Reactor* CommandServiceImpl::RecoverOverpayment(
    Context* context, const v1::RecoverOverpaymentRequest* request, v1::CommandResult* response) {
  return Run(context, "RecoverOverpayment", Access::kCommissionerWrite,
             ledger_->IcbOf(request->pcn_code()), request, response);
}

grpc::Status CommandServiceImpl::PublishRules(grpc::ServerContext* context,
                                              const v1::PublishRulesRequest* request,
                                              v1::CommandResult* response) {
  RpcCall call(context, *tokens_, "PublishRules", request);
  return call.Run(Access::kAdminWrite, "", "", [&](const Principal& who) {
    return Assign(ledger_->PublishRules(who.ActorName(), *request), response);
  });
}

}  // namespace arrs::services
