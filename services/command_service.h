// CommandService: adapts gRPC calls to engine::Ledger commands. Authorisation per RPC is
// in the .cc's table; everything else is the ledger's.
#ifndef ARRS_SERVICES_COMMAND_SERVICE_H_
#define ARRS_SERVICES_COMMAND_SERVICE_H_

#include <string>

#include "arrs/v1/service.grpc.pb.h"
#include "services/authorize.h"

namespace arrs::engine {
class Ledger;
}

namespace arrs::services {

class TokenStore;

// The PCN commands are callback methods: a call holds no thread while its append waits
// for the group commit's sync; the ledger's callback finishes it. PublishRules (an
// administrator's rare call) stays a blocking method.
using CommandServiceBase = v1::CommandService::WithCallbackMethod_RegisterPcn<
    v1::CommandService::WithCallbackMethod_RecordListSize<
        v1::CommandService::WithCallbackMethod_RecordBaseline<
            v1::CommandService::WithCallbackMethod_SetEntitlement<
                v1::CommandService::WithCallbackMethod_HireStaff<
                    v1::CommandService::WithCallbackMethod_ChangeStaff<
                        v1::CommandService::WithCallbackMethod_SubmitClaim<
                            v1::CommandService::WithCallbackMethod_AssessClaim<
                                v1::CommandService::WithCallbackMethod_ReduceClaimLine<
                                    v1::CommandService::WithCallbackMethod_PayClaim<
                                        v1::CommandService::WithCallbackMethod_Correct<
                                            v1::CommandService::WithCallbackMethod_RecordLondonZone<
                                                v1::CommandService::WithCallbackMethod_PayArrears<
                                                    v1::CommandService::WithCallbackMethod_RecoverOverpayment<
                                                        v1::CommandService::Service>>>>>>>>>>>>>>;

class CommandServiceImpl final : public CommandServiceBase {
 public:
  CommandServiceImpl(engine::Ledger* ledger, const TokenStore* tokens)
      : ledger_(ledger), tokens_(tokens) {}

  using Reactor = grpc::ServerUnaryReactor;
  using Context = grpc::CallbackServerContext;
  Reactor* RegisterPcn(Context*, const v1::RegisterPcnRequest*, v1::CommandResult*) override;
  Reactor* RecordListSize(Context*, const v1::RecordListSizeRequest*,
                          v1::CommandResult*) override;
  Reactor* RecordLondonZone(Context*, const v1::RecordLondonZoneRequest*,
                            v1::CommandResult*) override;
  Reactor* RecordBaseline(Context*, const v1::RecordBaselineRequest*,
                          v1::CommandResult*) override;
  Reactor* SetEntitlement(Context*, const v1::SetEntitlementRequest*,
                          v1::CommandResult*) override;
  Reactor* HireStaff(Context*, const v1::HireStaffRequest*, v1::CommandResult*) override;
  Reactor* ChangeStaff(Context*, const v1::StaffChangeRequest*, v1::CommandResult*) override;
  Reactor* SubmitClaim(Context*, const v1::SubmitClaimRequest*, v1::CommandResult*) override;
  Reactor* AssessClaim(Context*, const v1::AssessClaimRequest*, v1::CommandResult*) override;
  Reactor* ReduceClaimLine(Context*, const v1::ReduceClaimLineRequest*,
                           v1::CommandResult*) override;
  Reactor* PayClaim(Context*, const v1::PayClaimRequest*, v1::CommandResult*) override;
  Reactor* Correct(Context*, const v1::CorrectRequest*, v1::CommandResult*) override;
  Reactor* PayArrears(Context*, const v1::PayArrearsRequest*, v1::CommandResult*) override;
  Reactor* RecoverOverpayment(Context*, const v1::RecoverOverpaymentRequest*,
                              v1::CommandResult*) override;
  grpc::Status PublishRules(grpc::ServerContext*, const v1::PublishRulesRequest*,
                            v1::CommandResult*) override;

 private:
  // Admits the call (token, access to the PCN's ICB, deadline) and hands the command to
  // the ledger, which finishes the call when its events are synced.
  template <typename Request>
  Reactor* Run(Context* context, const char* method, Access access, const std::string& icb_code,
               const Request* request, v1::CommandResult* response);

  engine::Ledger* ledger_;
  const TokenStore* tokens_;
};

}  // namespace arrs::services

#endif  // ARRS_SERVICES_COMMAND_SERVICE_H_
