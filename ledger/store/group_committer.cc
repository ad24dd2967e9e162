#include "ledger/store/group_committer.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"

namespace arrs::store {

GroupCommitter::GroupCommitter(int max_requests, int max_events, CommitFn commit)
    : max_requests_(static_cast<size_t>(std::max(1, max_requests))),
      max_events_(static_cast<size_t>(std::max(1, max_events))),
      commit_(std::move(commit)) {}

GroupCommitter::~GroupCommitter() { Stop(); }

std::vector<PendingAppend*> GroupCommitter::TakeGroup() {
  std::vector<PendingAppend*> group;
  size_t events = 0;
  while (!queue_.empty() && group.size() < max_requests_) {
    const size_t n = queue_.front()->request.events.size();
    if (!group.empty() && events + n > max_events_) break;
    events += n;
    group.push_back(queue_.front());
    queue_.pop_front();
  }
  return group;
}

absl::StatusOr<AppendResult> GroupCommitter::Submit(AppendRequest request) {
  PendingAppend pending;
  pending.request = std::move(request);
  bool lead = false;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return absl::UnavailableError("event log is closing");
    queue_.push_back(&pending);
    lead = !leading_;  // nobody leads, so the queue held nothing before this request
    if (lead) leading_ = true;
  }
  if (!lead) {
    pending.wake.WaitForNotification();
    if (pending.done) return std::move(pending.result);
  }
  Lead(pending);
  return std::move(pending.result);
}

void GroupCommitter::Lead(PendingAppend& self) {
  std::vector<PendingAppend*> group;
  {
    absl::MutexLock lock(&mu_);
    group = TakeGroup();  // the queue's front is `self`
  }
  commit_(group);
  PendingAppend* next = nullptr;
  {
    absl::MutexLock lock(&mu_);
    if (queue_.empty()) {
      leading_ = false;
    } else {
      next = queue_.front();  // leading_ stays set: the lead passes straight to `next`
    }
  }
  if (next != nullptr) next->wake.Notify();
  for (PendingAppend* member : group) {
    if (member == &self) continue;
    member->done = true;
    member->wake.Notify();
  }
}

void GroupCommitter::Stop() {
  absl::MutexLock lock(&mu_);
  stopping_ = true;
  auto drained = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return queue_.empty() && !leading_;
  };
  mu_.Await(absl::Condition(&drained));
}

}  // namespace arrs::store
