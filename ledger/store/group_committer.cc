#include "ledger/store/group_committer.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"

namespace arrs::store {

GroupCommitter::GroupCommitter(int max_requests, int max_events, CommitFn commit)
    : max_requests_(static_cast<size_t>(std::max(1, max_requests))),
      max_events_(static_cast<size_t>(std::max(1, max_events))),
      commit_(std::move(commit)) {
  thread_ = std::thread([this] { Run(); });
}

GroupCommitter::~GroupCommitter() { Stop(); }

absl::StatusOr<AppendResult> GroupCommitter::Submit(AppendRequest request) {
  PendingAppend pending;
  pending.request = std::move(request);
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return absl::UnavailableError("event log is closing");
    queue_.push_back(&pending);
  }
  pending.done.WaitForNotification();
  return std::move(pending.result);
}

void GroupCommitter::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void GroupCommitter::Run() {
  std::vector<PendingAppend*> group;
  for (;;) {
    group.clear();
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return !queue_.empty() || stopping_;
      };
      mu_.Await(absl::Condition(&ready));
      if (queue_.empty()) return;  // stopping, and everything queued is committed
      size_t events = 0;
      while (!queue_.empty() && group.size() < max_requests_) {
        const size_t n = queue_.front()->request.events.size();
        if (!group.empty() && events + n > max_events_) break;
        events += n;
        group.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    commit_(group);
    for (PendingAppend* pending : group) pending->done.Notify();
  }
}

}  // namespace arrs::store
