#include "services/command_service.h"

#include "ledger/engine/ledger.h"
#include "services/rpc_call.h"

namespace arrs::services {

// One handler per RPC: access class, target PCN and ICB, ledger call.
#define COMMAND_RPC(Method, Request, AccessClass, IcbExpr)                                  \
  grpc::Status CommandServiceImpl::Method(grpc::ServerContext* context,                  \
                                          const v1::Request* request,                    \
                                          v1::CommandResult* response) {                 \
    RpcCall call(context, *tokens_, #Method);                                            \
    return call.Run(AccessClass, request->pcn_code(), IcbExpr, [&](const Principal& who) { \
      return Assign(ledger_->Method(who.ActorName(), *request), response);               \
    });                                                                                  \
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
