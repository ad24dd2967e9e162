// QueryService: adapts gRPC calls to engine::Ledger's bitemporal queries.
#ifndef ARRS_SERVICES_QUERY_SERVICE_H_
#define ARRS_SERVICES_QUERY_SERVICE_H_

#include "arrs/v1/service.grpc.pb.h"

namespace arrs::engine {
class Ledger;
}

namespace arrs::services {

class TokenStore;

class QueryServiceImpl final : public v1::QueryService::Service {
 public:
  QueryServiceImpl(engine::Ledger* ledger, const TokenStore* tokens)
      : ledger_(ledger), tokens_(tokens) {}

  grpc::Status GetBalance(grpc::ServerContext*, const v1::BalanceRequest*,
                          v1::Balance*) override;
  grpc::Status GetCapUsage(grpc::ServerContext*, const v1::CapUsageRequest*,
                           v1::CapUsage*) override;
  grpc::Status GetWorkforce(grpc::ServerContext*, const v1::WorkforceRequest*,
                            v1::Workforce*) override;
  grpc::Status GetAuditTrail(grpc::ServerContext*, const v1::AuditRequest*,
                             v1::AuditTrail*) override;
  grpc::Status GetArrears(grpc::ServerContext*, const v1::ArrearsRequest*,
                          v1::ArrearsReport*) override;
  grpc::Status GetRegionSummary(grpc::ServerContext*, const v1::RegionRequest*,
                                v1::RegionSummary*) override;
  grpc::Status ExplainClaim(grpc::ServerContext*, const v1::ExplainRequest*,
                            v1::Explanation*) override;
  grpc::Status GetRules(grpc::ServerContext*, const v1::RulesRequest*,
                        v1::RulesResponse*) override;
  grpc::Status GetRulesCoverage(grpc::ServerContext*, const v1::RulesCoverageRequest*,
                                v1::RulesCoverageResponse*) override;
  grpc::Status ListPcns(grpc::ServerContext*, const v1::ListPcnsRequest*,
                        v1::ListPcnsResponse*) override;
  grpc::Status ListClaims(grpc::ServerContext*, const v1::ListClaimsRequest*,
                          v1::ClaimList*) override;
  grpc::Status WhoAmI(grpc::ServerContext*, const v1::WhoAmIRequest*,
                      v1::WhoAmIResponse*) override;

 private:
  engine::Ledger* ledger_;
  const TokenStore* tokens_;
};

}  // namespace arrs::services

#endif  // ARRS_SERVICES_QUERY_SERVICE_H_
