// The committer's queue is bounded: with max_queued_appends requests queued or committing
// (their group not yet finished: that includes batches waiting for a sync), a further
// append fails at once with RESOURCE_EXHAUSTED naming the limit, and room comes back as
// groups finish.
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ledger/store/event_log.h"
#include "ledger/store/group_committer.h"
#include "ledger/store/rocks_event_log.h"
#include "rocksdb/env.h"
#include "tests/store/faulty_file_system.h"
#include "tests/store/store_test_util.h"

namespace arrs::store {
namespace {

using ::testing::HasSubstr;
using testing_support::FaultyFileSystem;
using testing_util::MakeRequest;
using testing_util::TempDir;

// Collects asynchronous results.
class Results {
 public:
  AppendCallback Record(int i) {
    return [this, i](absl::StatusOr<AppendResult> result) {
      absl::MutexLock lock(&mu_);
      results_[i] = std::move(result);
    };
  }
  bool Has(int i) {
    absl::MutexLock lock(&mu_);
    return results_.contains(i);
  }
  absl::StatusOr<AppendResult> Get(int i) {
    absl::MutexLock lock(&mu_);
    return results_.at(i);
  }
  void WaitFor(int i) {
    absl::MutexLock lock(&mu_);
    auto told = [this, i]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return results_.contains(i); };
    mu_.Await(absl::Condition(&told));
  }

 private:
  absl::Mutex mu_;
  std::map<int, absl::StatusOr<AppendResult>> results_ ABSL_GUARDED_BY(mu_);
};

TEST(GroupCommitterBoundTest, AFullQueueRefusesWithTheLimitAndRoomComesBack) {
  absl::Notification entered;
  absl::Notification release;
  int commits = 0;  // only the leading thread touches it
  GroupCommitter committer(
      /*max_requests=*/1, /*max_events=*/100, /*max_queued=*/3,
      [&](const std::vector<PendingAppend*>& group, bool) {
        if (commits++ == 0) {
          entered.Notify();
          release.WaitForNotification();
        }
        for (PendingAppend* p : group) p->result = AppendResult{1, 1, 1, false};
        return true;
      });
  Results results;
  committer.SubmitAsync(MakeRequest("pcn/A", "a", 1), results.Record(0));
  entered.WaitForNotification();  // committing: 1
  committer.SubmitAsync(MakeRequest("pcn/A", "b", 1), results.Record(1));
  committer.SubmitAsync(MakeRequest("pcn/A", "c", 1), results.Record(2));
  EXPECT_EQ(committer.queued(), 2u);  // 3 in all: the limit

  committer.SubmitAsync(MakeRequest("pcn/A", "d", 1), results.Record(3));
  ASSERT_TRUE(results.Has(3)) << "a refusal is told at once, on the caller's thread";
  EXPECT_EQ(results.Get(3).status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(results.Get(3).status().message(), HasSubstr("max_queued_appends"));
  EXPECT_THAT(results.Get(3).status().message(), HasSubstr("is 3"));
  absl::StatusOr<AppendResult> blocking = committer.Submit(MakeRequest("pcn/A", "e", 1));
  EXPECT_EQ(blocking.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(committer.queued(), 2u);  // neither was queued

  release.Notify();
  for (int i = 0; i < 3; ++i) {
    results.WaitFor(i);
    EXPECT_TRUE(results.Get(i).ok()) << i << ": " << results.Get(i).status();
  }
  EXPECT_TRUE(committer.Submit(MakeRequest("pcn/A", "f", 1)).ok());
  EXPECT_EQ(commits, 4);
}

// progress(): a blocked commit shows its requests pending and no group finished; once it is
// released, nothing is pending and every group counts as finished.
TEST(GroupCommitterProgressTest, ABlockedCommitShowsPendingAndNoGroupFinished) {
  absl::Notification entered;
  absl::Notification gate;
  GroupCommitter committer(
      /*max_requests=*/1, /*max_events=*/100, /*max_queued=*/10,
      [&](const std::vector<PendingAppend*>& group, bool) {
        if (!entered.HasBeenNotified()) {
          entered.Notify();
          gate.WaitForNotification();
        }
        for (PendingAppend* p : group) p->result = AppendResult{1, 1, 1, false};
        return true;
      });
  EXPECT_EQ(committer.progress().pending, 0u);
  EXPECT_EQ(committer.progress().groups_finished, 0u);

  Results results;
  committer.SubmitAsync(MakeRequest("pcn/A", "a", 1), results.Record(0));
  entered.WaitForNotification();
  committer.SubmitAsync(MakeRequest("pcn/A", "b", 1), results.Record(1));
  WriteProgress blocked = committer.progress();
  EXPECT_EQ(blocked.pending, 2u);  // one committing, one queued
  EXPECT_EQ(blocked.groups_finished, 0u);
  absl::SleepFor(absl::Milliseconds(20));
  EXPECT_EQ(committer.progress().groups_finished, 0u) << "nothing finishes while blocked";

  gate.Notify();
  results.WaitFor(0);
  results.WaitFor(1);
  committer.Stop();  // every group finished, callbacks run
  WriteProgress after = committer.progress();
  EXPECT_EQ(after.pending, 0u);
  EXPECT_EQ(after.groups_finished, 2u);
}

// Through the log: requests waiting for a held sync count against max_queued_appends.
TEST(EventLogBoundTest, AppendsBeyondTheLimitFailWhileASyncIsHeld) {
  auto fs = std::make_shared<FaultyFileSystem>();
  std::unique_ptr<rocksdb::Env> env(rocksdb::NewCompositeEnv(fs));
  TempDir dir;
  LogOptions options;
  options.max_queued_appends = 2;
  auto opened = OpenRocksEventLog(dir.path(), options, env.get());
  ASSERT_TRUE(opened.ok()) << opened.status();
  EventLog& log = **opened;

  fs->HoldSyncs(/*allowed=*/0);
  Results results;
  log.AppendAsync(MakeRequest("pcn/A", "r0", 1), results.Record(0));
  // The committer's thread writes r0 and waits at the gate (a lone request syncs inline).
  while (fs->held_syncs() != 1) std::this_thread::yield();
  log.AppendAsync(MakeRequest("pcn/B", "r1", 1), results.Record(1));  // queued behind
  EXPECT_EQ(log.Stats().queued_appends, 1u);
  const WriteProgress held = log.Progress();  // what the stall watchdog polls
  EXPECT_EQ(held.pending, 2u);                // r0 waiting for its sync, r1 queued
  log.AppendAsync(MakeRequest("pcn/C", "r2", 1), results.Record(2));
  ASSERT_TRUE(results.Has(2));
  EXPECT_EQ(results.Get(2).status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(results.Get(2).status().message(), HasSubstr("is 2"));
  EXPECT_EQ(log.Progress().groups_finished, held.groups_finished) << "nothing finished";

  fs->ReleaseSyncs();
  results.WaitFor(0);
  results.WaitFor(1);
  EXPECT_TRUE(results.Get(0).ok()) << results.Get(0).status();
  EXPECT_TRUE(results.Get(1).ok()) << results.Get(1).status();
  absl::StatusOr<AppendResult> later = log.Append(MakeRequest("pcn/C", "r2", 1));
  ASSERT_TRUE(later.ok()) << later.status();
  EXPECT_FALSE(later->deduplicated);  // the refused request wrote nothing
  EXPECT_EQ(log.head().position, 3u);
  EXPECT_EQ(log.Stats().queued_appends, 0u);
  EXPECT_EQ(log.Progress().pending, 0u);
}

}  // namespace
}  // namespace arrs::store
