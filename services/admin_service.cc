#include "services/admin_service.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "ledger/engine/ledger.h"
#include "services/backup_target.h"
#include "services/rpc_call.h"

namespace arrs::services {
namespace {
constexpr size_t kSubscribePage = 256;
}  // namespace

AdminServiceImpl::AdminServiceImpl(engine::Ledger* ledger, const TokenStore* tokens,
                                   int max_subscribers, std::string backup_root,
                                   std::string data_dir)
    : ledger_(ledger),
      tokens_(tokens),
      max_subscribers_(max_subscribers),
      backup_root_(std::move(backup_root)),
      data_dir_(std::move(data_dir)) {
  {
    absl::MutexLock lock(&mu_);
    head_ = ledger_->HeadPosition();
  }
  listener_id_ = ledger_->AddCommitListener([this](const std::vector<v1::Event>& committed) {
    absl::MutexLock lock(&mu_);
    if (!committed.empty()) head_ = committed.back().position();
  });
}

AdminServiceImpl::~AdminServiceImpl() { ledger_->RemoveCommitListener(listener_id_); }

void AdminServiceImpl::StopSubscriptions() {
  absl::MutexLock lock(&mu_);
  stopping_ = true;
}

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

grpc::Status AdminServiceImpl::Subscribe(grpc::ServerContext* context,
                                         const v1::SubscribeRequest* request,
                                         grpc::ServerWriter<v1::Event>* writer) {
  RpcCall call(context, *tokens_, "Subscribe", request);
  return call.Run(Access::kLogRead, "", "", [&](const Principal&) -> absl::Status {
    if (subscribers_.fetch_add(1) >= max_subscribers_) {
      subscribers_.fetch_sub(1);
      return absl::ResourceExhaustedError(absl::StrCat(
          "too many concurrent subscriptions (limit ", max_subscribers_, "); retry later"));
    }
    struct Release {
      std::atomic<int>* n;
      ~Release() { n->fetch_sub(1); }
    } release{&subscribers_};
    uint64_t next = request->from_position() == 0 ? 1 : request->from_position();
    while (!context->IsCancelled()) {
      absl::StatusOr<std::vector<v1::Event>> page = ledger_->ReadEvents(next, kSubscribePage);
      if (!page.ok()) return page.status();
      for (const v1::Event& event : *page) {
        if (!writer->Write(event)) return absl::CancelledError("the subscriber went away");
        next = event.position() + 1;
      }
      if (!page->empty()) continue;
      // Caught up: wait for the next commit (or re-check cancellation every 200 ms).
      absl::MutexLock lock(&mu_);
      auto ready = [this, next]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return head_ >= next || stopping_;
      };
      mu_.AwaitWithTimeout(absl::Condition(&ready), absl::Milliseconds(200));
      if (stopping_) return absl::UnavailableError("the server is shutting down");
    }
    return absl::CancelledError("the subscriber cancelled");
  });
}

}  // namespace arrs::services
