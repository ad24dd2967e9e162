#include "services/admin_service.h"

#include "absl/strings/str_cat.h"
#include "ledger/engine/ledger.h"
#include "services/backup_target.h"
#include "services/rpc_call.h"

namespace arrs::services {

AdminServiceImpl::AdminServiceImpl(engine::Ledger* ledger, const TokenStore* tokens,
                                   SubscriptionLimits subscription_limits,
                                   std::string backup_root, std::string data_dir)
    : ledger_(ledger),
      tokens_(tokens),
      backup_root_(std::move(backup_root)),
      data_dir_(std::move(data_dir)),
      subscriptions_(ledger, tokens, subscription_limits) {}

AdminServiceImpl::~AdminServiceImpl() = default;

void AdminServiceImpl::StopSubscriptions() { subscriptions_.Stop(); }

grpc::Status AdminServiceImpl::Verify(grpc::ServerContext* context, const v1::VerifyRequest*,
                                      v1::VerifyResponse* response) {
  RpcCall call(context, *tokens_, "Verify");
  return call.Run(Access::kLogRead, "", "", [&](const Principal&) {
    *response = ledger_->Verify();
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::Backup(grpc::ServerContext* context,
                                      const v1::BackupRequest* request,
                                      v1::BackupResponse* response) {
  RpcCall call(context, *tokens_, "Backup", request);
  return call.Run(Access::kBackup, "", "", [&](const Principal&) {
    absl::StatusOr<std::string> target =
        ResolveBackupTarget(backup_root_, data_dir_, request->target_dir());
    if (!target.ok()) return target.status();
    return Assign(ledger_->Backup(*target), response);
  });
}

grpc::Status AdminServiceImpl::Stats(grpc::ServerContext* context, const v1::StatsRequest*,
                                     v1::StatsResponse* response) {
  RpcCall call(context, *tokens_, "Stats");
  return call.Run(Access::kLogRead, "", "", [&](const Principal&) {
    return Assign(ledger_->Stats(), response);
  });
}

}  // namespace arrs::services
