#include "services/command_service.h"

#include <memory>
#include <string>
#include <utility>

#include "ledger/engine/ledger.h"
#include "services/rpc_call.h"

namespace arrs::services {

template <typename Request>
grpc::ServerUnaryReactor* CommandServiceImpl::Run(Context* context, const char* method,
                                                  Access access, const std::string& icb_code,
                                                  const Request* request,
                                                  v1::CommandResult* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto call = std::make_unique<RpcCall>(context, *tokens_, method);
  absl::Status admitted = call->Admit(access, request->pcn_code(), icb_code);
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

// One handler per RPC: access class and target ICB; the ledger's command by request type.
#define COMMAND_RPC(Method, Request, AccessClass, IcbExpr)                                \
  grpc::ServerUnaryReactor* CommandServiceImpl::Method(                                 \
      Context* context, const v1::Request* request, v1::CommandResult* response) {      \
    return Run(context, #Method, AccessClass, IcbExpr, request, response);               \
  }

#define PCN_ICB ledger_->IcbOf(request->pcn_code())

COMMAND_RPC(RegisterPcn, RegisterPcnRequest, Access::kCommissionerWrite, request->icb_code())
COMMAND_RPC(RecordListSize, RecordListSizeRequest, Access::kPcnWrite, PCN_ICB)
COMMAND_RPC(RecordBaseline, RecordBaselineRequest, Access::kCommissionerWrite, PCN_ICB)
COMMAND_RPC(SetEntitlement, SetEntitlementRequest, Access::kCommissionerWrite, PCN_ICB)
COMMAND_RPC(HireStaff, HireStaffRequest, Access::kPcnWrite, PCN_ICB)
COMMAND_RPC(ChangeStaff, StaffChangeRequest, Access::kPcnWrite, PCN_ICB)
COMMAND_RPC(SubmitClaim, SubmitClaimRequest, Access::kPcnWrite, PCN_ICB)
COMMAND_RPC(AssessClaim, AssessClaimRequest, Access::kCommissionerWrite, PCN_ICB)
COMMAND_RPC(ReduceClaimLine, ReduceClaimLineRequest, Access::kCommissionerWrite, PCN_ICB)
COMMAND_RPC(PayClaim, PayClaimRequest, Access::kCommissionerWrite, PCN_ICB)
COMMAND_RPC(Correct, CorrectRequest, Access::kAdminWrite, PCN_ICB)

#undef PCN_ICB
#undef COMMAND_RPC

grpc::Status CommandServiceImpl::PublishRules(grpc::ServerContext* context,
                                              const v1::PublishRulesRequest* request,
                                              v1::CommandResult* response) {
  RpcCall call(context, *tokens_, "PublishRules");
  return call.Run(Access::kAdminWrite, "", "", [&](const Principal& who) {
    return Assign(ledger_->PublishRules(who.ActorName(), *request), response);
  });
}

}  // namespace arrs::services
