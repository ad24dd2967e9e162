// GroupCommitter: group commit without a thread of its own, in the manner of LevelDB's
// writer queue.
//
// Callers Submit() a request and block. The caller at the front of the queue, when no
// group is being committed, becomes the leader: it takes every queued request (up to
// max_requests requests and max_events events, but always its own), runs the commit
// function for the whole group on its own thread, hands the lead to the next queued
// caller and wakes each member with its own result. While a leader commits (typically an
// fsync), new callers queue up and form the next group: that is what makes many concurrent
// appends cost few syncs. Each caller waits on its own notification, so a group's members
// are all woken at once rather than one after another, and a lone caller commits on its
// own thread, with no hand-over to another thread and back.
//
// Thread safety: Submit may be called from any thread. The commit function runs on one
// thread at a time (whichever caller leads), one group at a time, in queue order.
#ifndef ARRS_LEDGER_STORE_GROUP_COMMITTER_H_
#define ARRS_LEDGER_STORE_GROUP_COMMITTER_H_

#include <deque>
#include <functional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "ledger/store/event_log.h"

namespace arrs::store {

// One queued request and, once committed, its result.
struct PendingAppend {
  AppendRequest request;
  absl::StatusOr<AppendResult> result = absl::UnknownError("not committed");
  // Set before `wake` is notified: true when committed in another caller's group, false
  // when the notification hands this caller the lead.
  bool done = false;
  absl::Notification wake;
};

class GroupCommitter {
 public:
  // Sets the result of every request in the group. Runs on the leading caller's thread,
  // never on two threads at once.
  using CommitFn = std::function<void(const std::vector<PendingAppend*>& group)>;

  GroupCommitter(int max_requests, int max_events, CommitFn commit);
  // Stop()s.
  ~GroupCommitter();

  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Queues `request` and blocks until its group is committed (or failed), leading the
  // commit itself when its turn comes. After Stop(), returns UNAVAILABLE without queueing.
  absl::StatusOr<AppendResult> Submit(AppendRequest request);

  // Refuses new requests and waits until everything already queued is committed.
  // Idempotent.
  void Stop();

 private:
  // Commits the group at the front of the queue (`self` first), then passes the lead on.
  void Lead(PendingAppend& self) ABSL_LOCKS_EXCLUDED(mu_);
  // Takes the next group off the queue.
  std::vector<PendingAppend*> TakeGroup() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t max_requests_;
  const size_t max_events_;
  const CommitFn commit_;

  absl::Mutex mu_;
  std::deque<PendingAppend*> queue_ ABSL_GUARDED_BY(mu_);
  // A caller leads (commits a group, or has been handed the lead and is waking up).
  // Whenever nobody leads, the queue is empty.
  bool leading_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace arrs::store

#endif  // ARRS_LEDGER_STORE_GROUP_COMMITTER_H_
