#include "services/query_service.h"

#include "absl/strings/str_cat.h"
#include "ledger/engine/ledger.h"
#include "services/rpc_call.h"

namespace arrs::services {

namespace {

// A query about one PCN: readable by that PCN, its ICB's commissioners, auditors and
// admins; `query` is the ledger's method of the same name.
template <typename Request, typename Response>
grpc::Status PcnQuery(grpc::ServerContext* context, const TokenStore& tokens,
                      const engine::Ledger& ledger, const char* method,
                      absl::StatusOr<Response> (engine::Ledger::*query)(const Request&) const,
                      const Request* request, Response* response) {
  RpcCall call(context, tokens, method, request);
  return call.Run(Access::kPcnRead, request->pcn_code(), ledger.IcbOf(request->pcn_code()),
                  [&](const Principal&) { return Assign((ledger.*query)(*request), response); });
}

// A query over the PCNs of one ICB (request->icb_code()) or of every ICB (""): national
// figures for admins and auditors; one ICB's also for that ICB's commissioners.
template <typename Request, typename Response>
grpc::Status IcbOrNationalQuery(grpc::ServerContext* context, const TokenStore& tokens,
                                const engine::Ledger& ledger, const char* method,
                                absl::StatusOr<Response> (engine::Ledger::*query)(const Request&)
                                    const,
                                const Request* request, Response* response) {
  RpcCall call(context, tokens, method, request);
  const Access access = request->icb_code().empty() ? Access::kLogRead : Access::kPcnRead;
  return call.Run(access, "", request->icb_code(),
                  [&](const Principal&) { return Assign((ledger.*query)(*request), response); });
}

}  // namespace

grpc::Status QueryServiceImpl::GetBalance(grpc::ServerContext* context,
                                          const v1::BalanceRequest* request,
                                          v1::Balance* response) {
  return PcnQuery(context, *tokens_, *ledger_, "GetBalance", &engine::Ledger::GetBalance,
                  request, response);
}

grpc::Status QueryServiceImpl::GetCapUsage(grpc::ServerContext* context,
                                           const v1::CapUsageRequest* request,
                                           v1::CapUsage* response) {
  return PcnQuery(context, *tokens_, *ledger_, "GetCapUsage", &engine::Ledger::GetCapUsage,
                  request, response);
}

grpc::Status QueryServiceImpl::GetWorkforce(grpc::ServerContext* context,
                                            const v1::WorkforceRequest* request,
                                            v1::Workforce* response) {
  return PcnQuery(context, *tokens_, *ledger_, "GetWorkforce", &engine::Ledger::GetWorkforce,
                  request, response);
}

grpc::Status QueryServiceImpl::GetAuditTrail(grpc::ServerContext* context,
                                             const v1::AuditRequest* request,
                                             v1::AuditTrail* response) {
  return PcnQuery(context, *tokens_, *ledger_, "GetAuditTrail", &engine::Ledger::GetAuditTrail,
                  request, response);
}

grpc::Status QueryServiceImpl::ExplainClaim(grpc::ServerContext* context,
                                            const v1::ExplainRequest* request,
                                            v1::Explanation* response) {
  return PcnQuery(context, *tokens_, *ledger_, "ExplainClaim", &engine::Ledger::ExplainClaim,
                  request, response);
}

grpc::Status QueryServiceImpl::GetRegionSummary(grpc::ServerContext* context,
                                                const v1::RegionRequest* request,
                                                v1::RegionSummary* response) {
  return IcbOrNationalQuery(context, *tokens_, *ledger_, "GetRegionSummary",
                            &engine::Ledger::GetRegionSummary, request, response);
}

grpc::Status QueryServiceImpl::GetArrears(grpc::ServerContext* context,
                                          const v1::ArrearsRequest* request,
                                          v1::ArrearsReport* response) {
  return IcbOrNationalQuery(context, *tokens_, *ledger_, "GetArrears", &engine::Ledger::GetArrears,
                            request, response);
}

grpc::Status QueryServiceImpl::GetRules(grpc::ServerContext* context,
                                        const v1::RulesRequest* request,
                                        v1::RulesResponse* response) {
  RpcCall call(context, *tokens_, "GetRules", request);
  return call.Run(Access::kAnyAuthenticated, "", "", [&](const Principal&) {
    return Assign(ledger_->GetRules(*request), response);
  });
}

grpc::Status QueryServiceImpl::GetRulesCoverage(grpc::ServerContext* context,
                                                const v1::RulesCoverageRequest* request,
                                                v1::RulesCoverageResponse* response) {
  RpcCall call(context, *tokens_, "GetRulesCoverage");
  return call.Run(Access::kAnyAuthenticated, "", "", [&](const Principal&) {
    return Assign(ledger_->GetRulesCoverage(*request), response);
  });
}

grpc::Status QueryServiceImpl::ListPcns(grpc::ServerContext* context,
                                        const v1::ListPcnsRequest* request,
                                        v1::ListPcnsResponse* response) {
  RpcCall call(context, *tokens_, "ListPcns", request);
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

grpc::Status QueryServiceImpl::ListClaims(grpc::ServerContext* context,
                                          const v1::ListClaimsRequest* request,
                                          v1::ClaimList* response) {
  return IcbOrNationalQuery(context, *tokens_, *ledger_, "ListClaims", &engine::Ledger::ListClaims,
                            request, response);
}

grpc::Status QueryServiceImpl::WhoAmI(grpc::ServerContext* context,
                                      const v1::WhoAmIRequest* request,
                                      v1::WhoAmIResponse* response) {
  RpcCall call(context, *tokens_, "WhoAmI", request);
  return call.Run(Access::kAnyAuthenticated, "", "", [&](const Principal& who) {
    response->set_name(who.name);
    response->set_role(RoleName(who.role));
    response->set_all_scope(who.all_scope);
    for (const std::string& code : who.scope) response->add_scope(code);
    response->set_actor(who.ActorName());
    return absl::OkStatus();
  });
}

}  // namespace arrs::services
