// AdminService: chain verification, online backup (RocksDB checkpoint), stats, and
// Subscribe — every event from a position, then live events, in order, with no gap or
// duplicate. A subscriber is served by paging through the log at its own pace, so a slow
// client holds at most one page in memory; the number of concurrent subscriptions is
// bounded (RESOURCE_EXHAUSTED beyond it).
#ifndef ARRS_SERVICES_ADMIN_SERVICE_H_
#define ARRS_SERVICES_ADMIN_SERVICE_H_

#include <atomic>
#include <cstdint>

#include "absl/synchronization/mutex.h"
#include "arrs/v1/service.grpc.pb.h"

namespace arrs::engine {
class Ledger;
}

namespace arrs::services {

class TokenStore;

class AdminServiceImpl final : public v1::AdminService::Service {
 public:
  // Backups go inside `backup_root` only ("" refuses them), never inside `data_dir`.
  AdminServiceImpl(engine::Ledger* ledger, const TokenStore* tokens, int max_subscribers,
                   std::string backup_root = "", std::string data_dir = "");
  ~AdminServiceImpl() override;

  grpc::Status Verify(grpc::ServerContext*, const v1::VerifyRequest*,
                      v1::VerifyResponse*) override;
  grpc::Status Backup(grpc::ServerContext*, const v1::BackupRequest*,
                      v1::BackupResponse*) override;
  grpc::Status Stats(grpc::ServerContext*, const v1::StatsRequest*,
                     v1::StatsResponse*) override;
  grpc::Status Subscribe(grpc::ServerContext*, const v1::SubscribeRequest*,
                         grpc::ServerWriter<v1::Event>*) override;

  // Ends every subscription promptly (before server shutdown).
  void StopSubscriptions();
  // Subscriptions being served now.
  int subscribers() const { return subscribers_.load(); }

 private:
  engine::Ledger* ledger_;
  const TokenStore* tokens_;
  const int max_subscribers_;
  const std::string backup_root_;
  const std::string data_dir_;
  std::atomic<int> subscribers_{0};
  int listener_id_ = -1;
  absl::Mutex mu_;
  uint64_t head_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace arrs::services

#endif  // ARRS_SERVICES_ADMIN_SERVICE_H_
