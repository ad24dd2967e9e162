#include "bench/national/driver.h"

#include <grpcpp/grpcpp.h>

#include "arrs/v1/service.grpc.pb.h"
#include "ledger/engine/ledger.h"

namespace arrs::bench {

LedgerTarget::LedgerTarget(engine::Ledger* ledger, std::string actor)
    : ledger_(ledger), actor_(std::move(actor)) {}

#define LEDGER_CALL(Request, Method)                                              \
  absl::StatusOr<v1::CommandResult> LedgerTarget::Call(const v1::Request& r) {  \
    return ledger_->Method(actor_, r);                                          \
  }
LEDGER_CALL(RegisterPcnRequest, RegisterPcn)
LEDGER_CALL(RecordListSizeRequest, RecordListSize)
LEDGER_CALL(RecordBaselineRequest, RecordBaseline)
LEDGER_CALL(SetEntitlementRequest, SetEntitlement)
LEDGER_CALL(HireStaffRequest, HireStaff)
LEDGER_CALL(StaffChangeRequest, ChangeStaff)
LEDGER_CALL(SubmitClaimRequest, SubmitClaim)
LEDGER_CALL(AssessClaimRequest, AssessClaim)
LEDGER_CALL(PayClaimRequest, PayClaim)
LEDGER_CALL(CorrectRequest, Correct)
#undef LEDGER_CALL

struct GrpcTarget::Stub {
  std::unique_ptr<v1::CommandService::Stub> commands;
};

GrpcTarget::GrpcTarget(std::shared_ptr<grpc::Channel> channel, std::string token)
    : stub_(new Stub{v1::CommandService::NewStub(channel)}), token_("Bearer " + token) {}

GrpcTarget::~GrpcTarget() = default;

namespace {

absl::Status FromGrpc(const grpc::Status& s) {
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
}

}  // namespace

#define GRPC_CALL(Request, Method)                                              \
  absl::StatusOr<v1::CommandResult> GrpcTarget::Call(const v1::Request& r) {  \
    grpc::ClientContext context;                                              \
    context.AddMetadata("authorization", token_);                             \
    v1::CommandResult result;                                                 \
    grpc::Status s = stub_->commands->Method(&context, r, &result);           \
    if (!s.ok()) return FromGrpc(s);                                          \
    return result;                                                            \
  }
GRPC_CALL(RegisterPcnRequest, RegisterPcn)
GRPC_CALL(RecordListSizeRequest, RecordListSize)
GRPC_CALL(RecordBaselineRequest, RecordBaseline)
GRPC_CALL(SetEntitlementRequest, SetEntitlement)
GRPC_CALL(HireStaffRequest, HireStaff)
GRPC_CALL(StaffChangeRequest, ChangeStaff)
GRPC_CALL(SubmitClaimRequest, SubmitClaim)
GRPC_CALL(AssessClaimRequest, AssessClaim)
GRPC_CALL(PayClaimRequest, PayClaim)
GRPC_CALL(CorrectRequest, Correct)
#undef GRPC_CALL

}  // namespace arrs::bench
