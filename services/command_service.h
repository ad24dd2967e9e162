// CommandService: adapts gRPC calls to engine::Ledger commands. Authorisation per RPC is
// in the .cc's table; everything else is the ledger's.
#ifndef ARRS_SERVICES_COMMAND_SERVICE_H_
#define ARRS_SERVICES_COMMAND_SERVICE_H_

#include "arrs/v1/service.grpc.pb.h"

namespace arrs::engine {
class Ledger;
}

namespace arrs::services {

class TokenStore;

class CommandServiceImpl final : public v1::CommandService::Service {
 public:
  CommandServiceImpl(engine::Ledger* ledger, const TokenStore* tokens)
      : ledger_(ledger), tokens_(tokens) {}

  grpc::Status RegisterPcn(grpc::ServerContext*, const v1::RegisterPcnRequest*,
                           v1::CommandResult*) override;
  grpc::Status RecordListSize(grpc::ServerContext*, const v1::RecordListSizeRequest*,
                              v1::CommandResult*) override;
  grpc::Status RecordBaseline(grpc::ServerContext*, const v1::RecordBaselineRequest*,
                              v1::CommandResult*) override;
  grpc::Status SetEntitlement(grpc::ServerContext*, const v1::SetEntitlementRequest*,
                              v1::CommandResult*) override;
  grpc::Status HireStaff(grpc::ServerContext*, const v1::HireStaffRequest*,
                         v1::CommandResult*) override;
  grpc::Status ChangeStaff(grpc::ServerContext*, const v1::StaffChangeRequest*,
                           v1::CommandResult*) override;
  grpc::Status SubmitClaim(grpc::ServerContext*, const v1::SubmitClaimRequest*,
                           v1::CommandResult*) override;
  grpc::Status AssessClaim(grpc::ServerContext*, const v1::AssessClaimRequest*,
                           v1::CommandResult*) override;
  grpc::Status ReduceClaimLine(grpc::ServerContext*, const v1::ReduceClaimLineRequest*,
                               v1::CommandResult*) override;
  grpc::Status PayClaim(grpc::ServerContext*, const v1::PayClaimRequest*,
                        v1::CommandResult*) override;
  grpc::Status Correct(grpc::ServerContext*, const v1::CorrectRequest*,
                       v1::CommandResult*) override;
  grpc::Status PublishRules(grpc::ServerContext*, const v1::PublishRulesRequest*,
                            v1::CommandResult*) override;

 private:
  engine::Ledger* ledger_;
  const TokenStore* tokens_;
};

}  // namespace arrs::services

#endif  // ARRS_SERVICES_COMMAND_SERVICE_H_
