// GroupCommitter: group commit in the manner of LevelDB's writer queue.
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
// The commit function may also take a group over instead of finishing it (a write whose
// sync another thread completes): it returns false, the lead passes on at once so that the
// next group can be written during that sync, and Finished() later wakes or calls back the
// group's members, the caller that led it included.
//
// SubmitAsync() queues a request with a callback instead and returns at once. Nobody waits
// for such a request, so when the lead would pass to one, it passes to the committer's own
// thread (started on the first SubmitAsync), which keeps leading while asynchronous
// requests are queued. Few threads can so keep many appends in flight, and a commit wakes
// no thread per request: it runs the callbacks.
//
// Bounded: at most max_queued requests are queued or committing (taken off the queue but
// their group not yet finished, which bounds the batches awaiting a sync as well); beyond
// that Submit and SubmitAsync fail at once with RESOURCE_EXHAUSTED naming the limit.
//
// Ownership: a blocking Submit's PendingAppend lives on its caller's stack (the caller
// waits until it is finished). A SubmitAsync's PendingAppend is allocated by SubmitAsync
// and owned by the committer from then on: the queue and then the group hold a raw
// pointer to it, and Finish deletes it right after running its callback. The commit
// function may read and write it (request, result) until it calls Finished.
//
// Thread safety: Submit and SubmitAsync may be called from any thread, and SubmitAsync
// from a callback. The commit function runs on one thread at a time (whichever leads),
// one group at a time, in queue order.
#ifndef ARRS_LEDGER_STORE_GROUP_COMMITTER_H_
#define ARRS_LEDGER_STORE_GROUP_COMMITTER_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <thread>
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
  // Set for a SubmitAsync request: called with the result instead of waking a caller.
  AppendCallback callback;
  // Set when this (blocking) caller led its group: its `wake` may be spent on the lead, so
  // a group finished on another thread tells it through `finished` instead.
  bool led = false;
  absl::Notification finished;
};

class GroupCommitter {
 public:
  // Commits the group. Runs on the leading caller's thread, never on two threads at once,
  // groups in queue order; `more_queued` says whether requests wait behind the group.
  // Returns true with every member's result set, or false when it has taken the group
  // over: it must then set the results and call Finished(group) exactly once, from any
  // thread, and finish groups in the order it took them over.
  using CommitFn =
      std::function<bool(const std::vector<PendingAppend*>& group, bool more_queued)>;

  // `max_queued` (>= 1) bounds the requests queued or committing (see above).
  GroupCommitter(int max_requests, int max_events, int max_queued, CommitFn commit);
  // Stop()s.
  ~GroupCommitter();

  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Queues `request` and blocks until its group is committed (or failed), leading the
  // commit itself when its turn comes. After Stop(), returns UNAVAILABLE without queueing;
  // with max_queued requests queued or committing, RESOURCE_EXHAUSTED.
  absl::StatusOr<AppendResult> Submit(AppendRequest request);

  // Queues `request` and returns; `done` is called once with the result, after the
  // request's group is committed (or failed), on the thread that committed it, or at once
  // on this thread with UNAVAILABLE after Stop() (RESOURCE_EXHAUSTED when the committer
  // holds max_queued requests already). `done` must be quick: it delays the
  // next group's members. It may call SubmitAsync but must not call Submit.
  void SubmitAsync(AppendRequest request, AppendCallback done);

  // Wakes or calls back every member of a group the commit function took over (their
  // results set). Does not block.
  void Finished(const std::vector<PendingAppend*>& group) ABSL_LOCKS_EXCLUDED(mu_);

  // Requests queued, not yet taken into a group (for Stats and tests).
  size_t queued() const ABSL_LOCKS_EXCLUDED(mu_);
  // Requests queued or committing, and groups finished since construction, read under one
  // lock (WriteProgress, event_log.h: what a stall watchdog polls).
  WriteProgress progress() const ABSL_LOCKS_EXCLUDED(mu_);

  // Refuses new requests and waits until everything already queued is committed (and
  // every callback has run), including groups taken over and not yet Finished. Idempotent.
  void Stop();

 private:
  // Commits the group at the front of the queue (`self` first, when a caller leads; null
  // on the committer's thread), then passes the lead on. On the committer's thread, keeps
  // leading while the queue's front is an asynchronous request. Returns false when
  // `self`'s group was taken over (self->finished tells when it is done).
  bool Lead(PendingAppend* self) ABSL_LOCKS_EXCLUDED(mu_);
  // Wakes the group's waiting members (but `self`) and runs the asynchronous members'
  // callbacks, then counts the group as finished.
  void Finish(const std::vector<PendingAppend*>& group, const PendingAppend* self)
      ABSL_LOCKS_EXCLUDED(mu_);
  // The committer's thread: leads whenever the lead is handed to it.
  void CommitterLoop() ABSL_LOCKS_EXCLUDED(mu_);
  // Takes the next group off the queue.
  std::vector<PendingAppend*> TakeGroup() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // RESOURCE_EXHAUSTED when max_queued_ requests are queued or committing, else OK.
  absl::Status CheckRoom() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t max_requests_;
  const size_t max_events_;
  const size_t max_queued_;
  const CommitFn commit_;

  mutable absl::Mutex mu_;
  std::deque<PendingAppend*> queue_ ABSL_GUARDED_BY(mu_);
  // A caller leads (commits a group, or has been handed the lead and is waking up).
  // Whenever nobody leads, the queue is empty.
  bool leading_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Groups taken off the queue whose members are not yet all woken or called back,
  // including groups the commit function took over (Stop waits for them).
  int finishing_ ABSL_GUARDED_BY(mu_) = 0;
  // Requests in those groups, until their group's members are woken or called back.
  size_t committing_ ABSL_GUARDED_BY(mu_) = 0;
  // Groups whose members have all been woken or called back (failed groups included).
  uint64_t groups_finished_ ABSL_GUARDED_BY(mu_) = 0;
  // The lead has been handed to the committer's thread, which has not taken it yet.
  bool thread_leads_ ABSL_GUARDED_BY(mu_) = false;
  bool thread_exits_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_ ABSL_GUARDED_BY(mu_);  // started by the first SubmitAsync
};

}  // namespace arrs::store

#endif  // ARRS_LEDGER_STORE_GROUP_COMMITTER_H_
