// AdminService: chain verification, online backup (RocksDB checkpoint), stats, and
// Subscribe — every event from a position, then live events, in order, with no gap or
// duplicate, on gRPC's callback API (services/subscription.h): a subscriber holds at most
// one page and one outstanding write in the server, one that stops reading is cut off
// after the stall limit with the position to resume from, and the number of concurrent
// subscriptions is bounded (RESOURCE_EXHAUSTED beyond it).
#ifndef ARRS_SERVICES_ADMIN_SERVICE_H_
#define ARRS_SERVICES_ADMIN_SERVICE_H_

#include <string>

#include "arrs/v1/service.grpc.pb.h"
#include "services/subscription.h"

namespace arrs::engine {
class Ledger;
}

namespace arrs::services {

class TokenStore;

class AdminServiceImpl final
    : public v1::AdminService::WithCallbackMethod_Subscribe<v1::AdminService::Service> {
 public:
  // Backups go inside `backup_root` only ("" refuses them), never inside `data_dir`.
  AdminServiceImpl(engine::Ledger* ledger, const TokenStore* tokens,
                   SubscriptionLimits subscription_limits, std::string backup_root = "",
                   std::string data_dir = "");
  ~AdminServiceImpl() override;

  grpc::Status Verify(grpc::ServerContext*, const v1::VerifyRequest*,
                      v1::VerifyResponse*) override;
  grpc::Status Backup(grpc::ServerContext*, const v1::BackupRequest*,
                      v1::BackupResponse*) override;
  grpc::Status Stats(grpc::ServerContext*, const v1::StatsRequest*,
                     v1::StatsResponse*) override;
  grpc::ServerWriteReactor<v1::Event>* Subscribe(grpc::CallbackServerContext* context,
                                                 const v1::SubscribeRequest* request) override {
    return subscriptions_.Subscribe(context, request);
  }

  // Ends every subscription promptly (before server shutdown).
  void StopSubscriptions();
  // Subscriptions being served now.
  int subscribers() const { return subscriptions_.subscribers(); }
  uint64_t subscribers_cut_off() const { return subscriptions_.subscribers_cut_off(); }

 private:
  engine::Ledger* ledger_;
  const TokenStore* tokens_;
  const std::string backup_root_;
  const std::string data_dir_;
  SubscriptionHub subscriptions_;
};

}  // namespace arrs::services

#endif  // ARRS_SERVICES_ADMIN_SERVICE_H_
