#include "services/query_service.h"

#include "absl/strings/str_cat.h"
#include "ledger/engine/ledger.h"
#include "services/rpc_call.h"

namespace arrs::services {

#define PCN_QUERY_RPC(Method, Request, Response)                                          \
  grpc::Status QueryServiceImpl::Method(grpc::ServerContext* context,                    \
                                        const v1::Request* request, v1::Response* response) { \
    RpcCall call(context, *tokens_, #Method);                                            \
    return call.Run(Access::kPcnRead, request->pcn_code(), ledger_->IcbOf(request->pcn_code()), \
                    [&](const Principal&) {                                              \
                      return Assign(ledger_->Method(*request), response);                \
                    });                                                                  \
  }

PCN_QUERY_RPC(GetBalance, BalanceRequest, Balance)
PCN_QUERY_RPC(GetCapUsage, CapUsageRequest, CapUsage)
PCN_QUERY_RPC(GetWorkforce, WorkforceRequest, Workforce)
PCN_QUERY_RPC(GetAuditTrail, AuditRequest, AuditTrail)
PCN_QUERY_RPC(ExplainClaim, ExplainRequest, Explanation)

#undef PCN_QUERY_RPC

grpc::Status QueryServiceImpl::GetRegionSummary(grpc::ServerContext* context,
                                                const v1::RegionRequest* request,
                                                v1::RegionSummary* response) {
  RpcCall call(context, *tokens_, "GetRegionSummary");
  // National figures: admins and auditors; one ICB: also that ICB's commissioners.
  const Access access = request->icb_code().empty() ? Access::kLogRead : Access::kPcnRead;
  return call.Run(access, "", request->icb_code(), [&](const Principal&) {
    return Assign(ledger_->GetRegionSummary(*request), response);
  });
}

grpc::Status QueryServiceImpl::GetRules(grpc::ServerContext* context,
                                        const v1::RulesRequest* request,
                                        v1::RulesResponse* response) {
  RpcCall call(context, *tokens_, "GetRules");
  return call.Run(Access::kAnyAuthenticated, "", "", [&](const Principal&) {
    return Assign(ledger_->GetRules(*request), response);
  });
}

grpc::Status QueryServiceImpl::ListPcns(grpc::ServerContext* context,
                                        const v1::ListPcnsRequest* request,
                                        v1::ListPcnsResponse* response) {
  RpcCall call(context, *tokens_, "ListPcns");
  return call.Run(Access::kAnyAuthenticated, "", "", [&](const Principal& who) {
    absl::StatusOr<v1::ListPcnsResponse> all = ledger_->ListPcns(*request);
    if (!all.ok()) return all.status();
    response->set_computed_at_position(all->computed_at_position());
    for (const v1::PcnSummary& pcn : all->pcns()) {
      const bool visible = who.role == Role::kAdmin || who.role == Role::kAuditor ||
                           (who.role == Role::kPcn && who.InScope(pcn.pcn_code())) ||
                           (who.role == Role::kCommissioner && who.InScope(pcn.icb_code()));
      if (visible) *response->add_pcns() = pcn;
    }
    return absl::OkStatus();
  });
}

}  // namespace arrs::services
