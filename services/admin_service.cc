#include "services/admin_service.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "ledger/engine/ledger.h"
#include "services/rpc_call.h"

namespace arrs::services {
namespace {
constexpr size_t kSubscribePage = 256;
}  // namespace

AdminServiceImpl::AdminServiceImpl(engine::Ledger* ledger, const TokenStore* tokens,
                                   int max_subscribers)
    : ledger_(ledger), tokens_(tokens), max_subscribers_(max_subscribers) {
  {
    absl::MutexLock lock(&mu_);
    head_ = ledger_->log().head().position;
  }
  listener_id_ = ledger_->log().AddListener([this](const std::vector<v1::Event>& committed) {
    absl::MutexLock lock(&mu_);
    if (!committed.empty()) head_ = committed.back().position();
  });
}

AdminServiceImpl::~AdminServiceImpl() { ledger_->log().RemoveListener(listener_id_); }

void AdminServiceImpl::StopSubscriptions() {
  absl::MutexLock lock(&mu_);
  stopping_ = true;
}

grpc::Status AdminServiceImpl::Verify(grpc::ServerContext* context, const v1::VerifyRequest*,
                                      v1::VerifyResponse* response) {
  RpcCall call(context, *tokens_, "Verify");
  return call.Run(Access::kLogRead, "", "", [&](const Principal&) {
    const store::VerifyReport report = ledger_->log().Verify();
    response->set_ok(report.ok);
    response->set_events_checked(report.events_checked);
    response->set_first_bad_position(report.first_bad_position);
    response->set_problem(report.problem);
    response->set_head_position(report.head.position);
    response->set_head_hash(report.head.hash);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::Backup(grpc::ServerContext* context,
                                      const v1::BackupRequest* request,
                                      v1::BackupResponse* response) {
  RpcCall call(context, *tokens_, "Backup");
  return call.Run(Access::kBackup, "", "", [&](const Principal&) {
    if (request->target_dir().empty() || request->target_dir().size() > 4096) {
      return absl::InvalidArgumentError("target_dir must be a folder path on the server");
    }
    const store::Head head = ledger_->log().head();
    absl::Status done = ledger_->log().Checkpoint(request->target_dir());
    if (!done.ok()) return done;
    response->set_target_dir(request->target_dir());
    response->set_head_position(head.position);
    response->set_head_hash(head.hash);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::Stats(grpc::ServerContext* context, const v1::StatsRequest*,
                                     v1::StatsResponse* response) {
  RpcCall call(context, *tokens_, "Stats");
  return call.Run(Access::kLogRead, "", "", [&](const Principal&) {
    const store::LogStats stats = ledger_->log().Stats();
    response->set_head_position(stats.head.position);
    response->set_head_hash(stats.head.hash);
    response->set_data_bytes(stats.live_data_bytes);
    v1::ListPcnsResponse pcns = ledger_->ListPcns(v1::ListPcnsRequest()).value();
    for (const v1::PcnSummary& pcn : pcns.pcns()) {
      v1::StreamCount* count = response->add_streams();
      count->set_stream(absl::StrCat("pcn/", pcn.pcn_code()));
      count->set_events(pcn.stream_version());
    }
    absl::StatusOr<uint64_t> rules = ledger_->log().StreamVersion("rules/arrs");
    if (rules.ok() && *rules > 0) {
      v1::StreamCount* count = response->add_streams();
      count->set_stream("rules/arrs");
      count->set_events(*rules);
    }
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::Subscribe(grpc::ServerContext* context,
                                         const v1::SubscribeRequest* request,
                                         grpc::ServerWriter<v1::Event>* writer) {
  RpcCall call(context, *tokens_, "Subscribe");
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
      absl::StatusOr<std::vector<v1::Event>> page = ledger_->log().ReadFrom(next, kSubscribePage);
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
