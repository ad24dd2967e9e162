// GroupCommitter: the single appender thread of the event log.
//
// Callers Submit() a request and block. One background thread takes every queued request
// (up to max_requests requests and max_events events, but always at least one), hands the
// whole group to the commit function, which must set each request's result, then wakes
// each caller with its own result. While the commit function runs (typically an fsync),
// new callers queue up and form the next group: that is what makes many concurrent
// appends cost few syncs.
//
// Thread safety: Submit may be called from any thread. The commit function runs only on
// the appender thread, one group at a time, in queue order.
#ifndef ARRS_LEDGER_STORE_GROUP_COMMITTER_H_
#define ARRS_LEDGER_STORE_GROUP_COMMITTER_H_

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
  absl::Notification done;
};

class GroupCommitter {
 public:
  // Sets result of every request in the group. Called on the appender thread.
  using CommitFn = std::function<void(const std::vector<PendingAppend*>& group)>;

  GroupCommitter(int max_requests, int max_events, CommitFn commit);
  // Stop()s.
  ~GroupCommitter();

  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Queues `request` and blocks until its group is committed (or failed). After Stop(),
  // returns UNAVAILABLE without queueing.
  absl::StatusOr<AppendResult> Submit(AppendRequest request);

  // Refuses new requests, commits everything already queued, joins the thread. Idempotent.
  void Stop();

 private:
  void Run();

  const size_t max_requests_;
  const size_t max_events_;
  const CommitFn commit_;

  absl::Mutex mu_;
  std::deque<PendingAppend*> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;

  std::thread thread_;
};

}  // namespace arrs::store

#endif  // ARRS_LEDGER_STORE_GROUP_COMMITTER_H_
