#include "services/subscription.h"

#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ledger/engine/ledger.h"
#include "services/rpc_call.h"

namespace arrs::services {
namespace {
constexpr size_t kSubscribePage = 256;
// How often the hub looks for stalled writes when nothing is committed.
constexpr absl::Duration kTick = absl::Milliseconds(100);
}  // namespace

// One subscription. Its state is guarded by mu_; StartWrite and Finish are called with
// mu_ held (their reactions, OnWriteDone and OnDone, never run inline), so that no write
// can start after Finish. Deleted by OnDone, after the hub forgot it.
class SubscribeReactor final : public grpc::ServerWriteReactor<v1::Event> {
 public:
  SubscribeReactor(SubscriptionHub* hub, engine::Ledger* ledger, const TokenStore& tokens,
                   size_t page_bytes, grpc::CallbackServerContext* context,
                   const v1::SubscribeRequest* request)
      : hub_(hub),
        ledger_(ledger),
        page_bytes_(page_bytes),
        context_(context),
        call_(context, tokens, "Subscribe", request) {
    absl::Status admitted = call_.Admit(Access::kLogRead, "", "");
    if (admitted.ok()) admitted = hub_->TakeSlot();
    absl::MutexLock lock(&mu_);
    if (!admitted.ok()) {
      EndLocked(admitted);
      return;
    }
    holds_slot_ = true;
    next_ = request->from_position() == 0 ? 1 : request->from_position();
    registered_ = true;
  }

  bool registered() const { return registered_; }

  // Writes the next event unless one is outstanding, reading a page when the last one is
  // sent; does nothing when caught up (the hub calls again after a commit).
  void Pump() ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    if (finished_ || writing_) return;
    if (index_ == page_.size()) {
      absl::StatusOr<std::vector<v1::Event>> page = ledger_->ReadEvents(next_, kSubscribePage);
      if (!page.ok()) {
        EndLocked(page.status());
        return;
      }
      page_ = *std::move(page);
      index_ = 0;
      TrimPage();
      if (page_.empty()) return;
    }
    writing_ = true;
    write_started_ = absl::Now();
    StartWrite(&page_[index_]);
  }

  // Ends a subscription whose write has waited longer than `stall` (returns true: it was
  // cut off now); cancels one finished two stalls ago whose client has not yet taken the
  // status.
  bool Check(absl::Time now, absl::Duration stall) ABSL_LOCKS_EXCLUDED(mu_) {
    {
      absl::MutexLock lock(&mu_);
      if (!finished_ && writing_ && now - write_started_ > stall) {
        const uint64_t resume = page_[index_].position() + 1;
        EndLocked(absl::ResourceExhaustedError(absl::StrCat(
            "subscriber fell behind: event ", resume - 1, " waited more than ",
            absl::FormatDuration(stall),
            " for the client to read (the server holds one page per subscriber); resume "
            "from position ",
            resume)));
        return true;
      }
      if (!finished_ || cancelled_ || now - finished_at_ <= 2 * stall) return false;
      cancelled_ = true;
    }
    context_->TryCancel();
    return false;
  }

  void End(absl::Status status) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    EndLocked(std::move(status));
  }

  void OnWriteDone(bool ok) override {
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (!ok) {
        EndLocked(absl::CancelledError("the subscriber went away"));
        return;
      }
      next_ = page_[index_].position() + 1;
      ++index_;
    }
    Pump();
  }

  void OnCancel() override { End(absl::CancelledError("the subscriber cancelled")); }

  void OnDone() override {
    if (registered_) hub_->Remove(this);
    delete this;
  }

 private:
  ~SubscribeReactor() override {
    if (holds_slot_) hub_->ReleaseSlot();
  }

  void TrimPage() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    size_t bytes = 0;
    for (size_t keep = 0; keep < page_.size(); ++keep) {
      bytes += page_[keep].ByteSizeLong();
      if (keep > 0 && bytes > page_bytes_) {
        page_.resize(keep);
        return;
      }
    }
  }

  void EndLocked(absl::Status status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    finished_ = true;
    finished_at_ = absl::Now();
    if (holds_slot_) {
      holds_slot_ = false;
      hub_->ReleaseSlot();
    }
    Finish(call_.Finish(std::move(status)));
  }

  SubscriptionHub* const hub_;
  engine::Ledger* const ledger_;
  const size_t page_bytes_;
  grpc::CallbackServerContext* const context_;
  RpcCall call_;  // logs the call's line when the reactor is deleted
  bool registered_ = false;  // set in the constructor only

  absl::Mutex mu_;
  bool holds_slot_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t next_ ABSL_GUARDED_BY(mu_) = 1;  // the first position not yet written
  std::vector<v1::Event> page_ ABSL_GUARDED_BY(mu_);
  size_t index_ ABSL_GUARDED_BY(mu_) = 0;  // page_[index_]: the next event (or the outstanding one)
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time write_started_ ABSL_GUARDED_BY(mu_);
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time finished_at_ ABSL_GUARDED_BY(mu_);
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
};

SubscriptionHub::SubscriptionHub(engine::Ledger* ledger, const TokenStore* tokens,
                                 SubscriptionLimits limits)
    : ledger_(ledger), tokens_(tokens), limits_(limits) {
  listener_id_ = ledger_->AddCommitListener([this](const std::vector<v1::Event>&) {
    absl::MutexLock lock(&wake_mu_);
    ++commits_;
  });
  thread_ = std::thread([this] { Loop(); });
}

SubscriptionHub::~SubscriptionHub() {
  ledger_->RemoveCommitListener(listener_id_);
  {
    absl::MutexLock lock(&wake_mu_);
    quit_ = true;
  }
  thread_.join();
}

grpc::ServerWriteReactor<v1::Event>* SubscriptionHub::Subscribe(
    grpc::CallbackServerContext* context, const v1::SubscribeRequest* request) {
  auto* reactor =
      new SubscribeReactor(this, ledger_, *tokens_, limits_.page_bytes, context, request);
  if (reactor->registered()) {
    Add(reactor);
    reactor->Pump();
  }
  return reactor;
}

absl::Status SubscriptionHub::TakeSlot() {
  if (stopping_.load()) return absl::UnavailableError("the server is shutting down");
  if (slots_.fetch_add(1) >= limits_.max_subscribers) {
    slots_.fetch_sub(1);
    return absl::ResourceExhaustedError(absl::StrCat(
        "too many concurrent subscriptions (limit ", limits_.max_subscribers, "); retry later"));
  }
  return absl::OkStatus();
}

void SubscriptionHub::Add(SubscribeReactor* reactor) {
  absl::MutexLock lock(&mu_);
  live_.insert(reactor);
}

void SubscriptionHub::Remove(SubscribeReactor* reactor) {
  absl::MutexLock lock(&mu_);
  live_.erase(reactor);
}

void SubscriptionHub::Stop() {
  stopping_ = true;
  absl::MutexLock lock(&mu_);
  for (SubscribeReactor* reactor : live_) {
    reactor->End(absl::UnavailableError("the server is shutting down"));
  }
}

void SubscriptionHub::Loop() {
  uint64_t seen = 0;
  while (true) {
    {
      absl::MutexLock lock(&wake_mu_);
      auto woken = [this, &seen]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(wake_mu_) {
        return commits_ != seen || quit_;
      };
      wake_mu_.AwaitWithTimeout(absl::Condition(&woken), kTick);
      if (quit_) return;
      seen = commits_;
    }
    const absl::Time now = absl::Now();
    absl::MutexLock lock(&mu_);
    for (SubscribeReactor* reactor : live_) {
      reactor->Pump();
      if (reactor->Check(now, limits_.stall)) cut_off_.fetch_add(1);
    }
  }
}

}  // namespace arrs::services
