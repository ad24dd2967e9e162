#include "ledger/store/group_committer.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "ledger/util/assert.h"

namespace arrs::store {

GroupCommitter::GroupCommitter(int max_requests, int max_events, int max_queued,
                               CommitFn commit)
    : max_requests_(static_cast<size_t>(std::max(1, max_requests))),
      max_events_(static_cast<size_t>(std::max(1, max_events))),
      max_queued_(static_cast<size_t>(std::max(1, max_queued))),
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
  committing_ += group.size();
  return group;
}

absl::Status GroupCommitter::CheckRoom() const {
  if (queue_.size() + committing_ < max_queued_) return absl::OkStatus();
  return absl::ResourceExhaustedError(absl::StrCat(
      "event log is full: ", queue_.size() + committing_,
      " appends are queued or committing, the limit (LogOptions::max_queued_appends) is ",
      max_queued_, "; try again later"));
}

size_t GroupCommitter::queued() const {
  absl::MutexLock lock(&mu_);
  return queue_.size();
}

WriteProgress GroupCommitter::progress() const {
  absl::MutexLock lock(&mu_);
  return WriteProgress{queue_.size() + committing_, groups_finished_};
}

absl::StatusOr<AppendResult> GroupCommitter::Submit(AppendRequest request) {
  PendingAppend pending;
  pending.request = std::move(request);
  bool lead = false;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return absl::UnavailableError("event log is closing");
    if (absl::Status room = CheckRoom(); !room.ok()) return room;
    queue_.push_back(&pending);
    lead = !leading_;  // nobody leads, so the queue held nothing before this request
    ARRS_ASSERT(!lead || queue_.size() == 1, "the queue must be empty when nobody leads");
    if (lead) leading_ = true;
  }
  if (!lead) {
    pending.wake.WaitForNotification();
    if (pending.done) return std::move(pending.result);
  }
  if (!Lead(&pending)) pending.finished.WaitForNotification();
  return std::move(pending.result);
}

void GroupCommitter::SubmitAsync(AppendRequest request, AppendCallback done) {
  auto pending = std::make_unique<PendingAppend>();
  pending->request = std::move(request);
  pending->callback = std::move(done);
  absl::Status refused = absl::UnavailableError("event log is closing");
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_) refused = CheckRoom();
    if (refused.ok()) {
      queue_.push_back(pending.release());
      if (!leading_) {  // nobody leads: hand the lead to the committer's thread
        ARRS_ASSERT(queue_.size() == 1, "the queue must be empty when nobody leads");
        leading_ = true;
        thread_leads_ = true;
      }
      if (!thread_.joinable()) thread_ = std::thread([this] { CommitterLoop(); });
      return;
    }
  }
  pending->callback(std::move(refused));
}

void GroupCommitter::CommitterLoop() {
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      auto woken = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return thread_leads_ || thread_exits_;
      };
      mu_.Await(absl::Condition(&woken));
      if (!thread_leads_) return;  // exiting, and nothing handed over
      thread_leads_ = false;
    }
    Lead(nullptr);
  }
}

bool GroupCommitter::Lead(PendingAppend* self) {
  if (self != nullptr) self->led = true;
  bool self_finished = true;
  for (;;) {
    std::vector<PendingAppend*> group;
    bool more_queued = false;
    {
      absl::MutexLock lock(&mu_);
      group = TakeGroup();  // the queue's front is `self`, when a caller leads
      more_queued = !queue_.empty();
      ++finishing_;
    }
    const bool finished = commit_(group, more_queued);
    if (!finished && self != nullptr) self_finished = false;
    PendingAppend* next = nullptr;
    bool keep_leading = false;
    {
      absl::MutexLock lock(&mu_);
      if (queue_.empty()) {
        leading_ = false;
      } else if (!queue_.front()->callback) {
        next = queue_.front();  // leading_ stays set: the lead passes straight to `next`
      } else if (self == nullptr) {
        keep_leading = true;  // the committer's thread leads the asynchronous requests
      } else {
        thread_leads_ = true;  // a caller hands them to the committer's thread
      }
    }
    if (next != nullptr) next->wake.Notify();
    if (finished) Finish(group, self);
    if (!keep_leading) return self_finished;
  }
}

void GroupCommitter::Finished(const std::vector<PendingAppend*>& group) {
  Finish(group, nullptr);
}

void GroupCommitter::Finish(const std::vector<PendingAppend*>& group,
                            const PendingAppend* self) {
  {
    // The group's room is free before its callbacks run, so that they may submit again.
    absl::MutexLock lock(&mu_);
    ARRS_ASSERT(committing_ >= group.size(), "a group was finished twice");
    committing_ -= group.size();
  }
  for (PendingAppend* member : group) {
    if (member == self) continue;
    if (member->callback) {
      std::unique_ptr<PendingAppend> owned(member);
      owned->callback(std::move(owned->result));
      continue;
    }
    if (member->led) {
      member->finished.Notify();
      continue;
    }
    member->done = true;
    member->wake.Notify();
  }
  absl::MutexLock lock(&mu_);
  --finishing_;
  ++groups_finished_;
  ARRS_ASSERT(finishing_ >= 0, "a group was finished twice (finishing_ went negative)");
}

void GroupCommitter::Stop() {
  std::thread thread;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    auto drained = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return queue_.empty() && !leading_ && finishing_ == 0;
    };
    mu_.Await(absl::Condition(&drained));
    thread_exits_ = true;
    thread = std::move(thread_);
  }
  if (thread.joinable()) thread.join();
}

}  // namespace arrs::store
