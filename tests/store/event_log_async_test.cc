// EventLog::AppendAsync: the same contract as Append, told through a callback; many
// appends in flight from few threads, mixed with blocking appends, and a close with
// appends still queued.
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "ledger/store/event_log.h"
#include "tests/store/store_test_util.h"

namespace arrs::store {
namespace {

using testing_util::MakeRequest;
using testing_util::TempDir;

// Appends asynchronously and waits for the callback (for single-request cases).
absl::StatusOr<AppendResult> AppendAndWait(EventLog& log, AppendRequest request) {
  absl::StatusOr<AppendResult> out = absl::UnknownError("callback not called");
  absl::Notification called;
  log.AppendAsync(std::move(request), [&](absl::StatusOr<AppendResult> result) {
    out = std::move(result);
    called.Notify();
  });
  called.WaitForNotification();
  return out;
}

TEST(EventLogAsyncTest, TellsPositionsLikeAppend) {
  TempDir dir;
  auto log = *EventLog::Open(dir.path());
  absl::StatusOr<AppendResult> first = AppendAndWait(*log, MakeRequest("pcn/a", "r1", 3, 0));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->first_position, 1u);
  EXPECT_EQ(first->last_position, 3u);
  EXPECT_EQ(first->stream_version, 3u);
  absl::StatusOr<AppendResult> second = AppendAndWait(*log, MakeRequest("pcn/b", "r2", 1, 0));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->first_position, 4u);
  EXPECT_EQ(log->head().position, 4u);
  auto events = *log->ReadStream("pcn/a", 1, 10);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2].position(), 3u);
  EXPECT_TRUE(log->Verify().ok);
}

TEST(EventLogAsyncTest, RefusalsAreToldAndWriteNothing) {
  TempDir dir;
  auto log = *EventLog::Open(dir.path());
  ASSERT_TRUE(AppendAndWait(*log, MakeRequest("pcn/a", "r1", 1, 0)).ok());

  // An invalid request is refused on the calling thread, before AppendAsync returns.
  bool called = false;
  AppendRequest empty = MakeRequest("pcn/a", "r2", 0);
  log->AppendAsync(std::move(empty), [&](absl::StatusOr<AppendResult> result) {
    called = true;
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << result.status();
  });
  EXPECT_TRUE(called);

  absl::StatusOr<AppendResult> conflict = AppendAndWait(*log, MakeRequest("pcn/a", "r3", 1, 5));
  EXPECT_EQ(conflict.status().code(), absl::StatusCode::kAborted) << conflict.status();
  EXPECT_NE(conflict.status().message().find("pcn/a"), std::string::npos);

  absl::StatusOr<AppendResult> retry = AppendAndWait(*log, MakeRequest("pcn/a", "r1", 1, 0));
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(retry->deduplicated);
  EXPECT_EQ(retry->first_position, 1u);
  EXPECT_EQ(log->head().position, 1u);
}

// Two threads keep 32 appends each in flight (each callback sends that stream's next
// request), while two threads append with blocking calls. Every request is committed
// once, at dense positions, and many share a synced batch.
TEST(EventLogAsyncTest, ManyInFlightFromFewThreadsMixedWithBlockingAppends) {
  TempDir dir;
  auto log = *EventLog::Open(dir.path());
  constexpr int kSubmitters = 2;
  constexpr int kInFlight = 32;
  constexpr int kPerStream = 12;
  constexpr int kBlockingThreads = 2;
  constexpr int kBlockingAppends = 40;

  std::mutex mu;
  std::map<std::string, std::vector<AppendResult>> results;  // stream -> results in order
  std::atomic<int> failures = 0;
  std::atomic<int> streams_done = 0;
  absl::Notification all_done;

  // Sends request `n` of `stream` (expecting the version before it); the callback sends
  // the next one, so each stream has one request in flight at a time.
  std::function<void(std::string, int)> send = [&](std::string stream, int n) {
    AppendRequest request =
        MakeRequest(stream, absl::StrCat(stream, "/", n), 1 + n % 3, kAnyVersion);
    log->AppendAsync(std::move(request), [&, stream, n](absl::StatusOr<AppendResult> r) {
      if (!r.ok()) {
        ++failures;
        ADD_FAILURE() << stream << " request " << n << ": " << r.status();
      } else {
        std::lock_guard<std::mutex> lock(mu);
        results[stream].push_back(*r);
      }
      if (n + 1 < kPerStream && r.ok()) {
        send(stream, n + 1);
      } else if (++streams_done == kSubmitters * kInFlight) {
        all_done.Notify();
      }
    });
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kSubmitters; ++t) {
    threads.emplace_back([&, t] {
      for (int s = 0; s < kInFlight; ++s) send(absl::StrCat("pcn/async-", t, "-", s), 0);
    });
  }
  std::atomic<uint64_t> blocking_events = 0;
  for (int t = 0; t < kBlockingThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kBlockingAppends; ++i) {
        auto r = log->Append(MakeRequest(absl::StrCat("pcn/sync-", t),
                                         absl::StrCat("sync-", t, "-", i), 2));
        ASSERT_TRUE(r.ok()) << r.status();
        blocking_events += 2;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  all_done.WaitForNotification();
  ASSERT_EQ(failures.load(), 0);

  std::set<uint64_t> positions;
  uint64_t async_events = 0;
  ASSERT_EQ(results.size(), static_cast<size_t>(kSubmitters * kInFlight));
  for (const auto& [stream, in_order] : results) {
    ASSERT_EQ(in_order.size(), static_cast<size_t>(kPerStream)) << stream;
    uint64_t version = 0;
    for (size_t n = 0; n < in_order.size(); ++n) {
      const AppendResult& r = in_order[n];
      EXPECT_FALSE(r.deduplicated);
      EXPECT_EQ(r.last_position - r.first_position + 1, 1 + n % 3) << stream;
      EXPECT_EQ(r.stream_version, version + 1 + n % 3) << stream << " request " << n;
      version = r.stream_version;
      for (uint64_t p = r.first_position; p <= r.last_position; ++p) {
        EXPECT_TRUE(positions.insert(p).second) << "position " << p << " told twice";
      }
      async_events += r.last_position - r.first_position + 1;
    }
    EXPECT_EQ(*log->StreamVersion(stream), version);
  }
  const uint64_t total = async_events + blocking_events.load();
  EXPECT_EQ(log->head().position, total);
  const LogStats stats = log->Stats();
  const uint64_t requests = kSubmitters * kInFlight * kPerStream + kBlockingThreads * kBlockingAppends;
  EXPECT_EQ(stats.appended_requests, requests);
  EXPECT_LT(stats.group_commits, requests / 2) << "appends in flight should share batches";
  const VerifyReport report = log->Verify();
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.events_checked, total);
  log.reset();  // waits for every callback to return, before the state they use goes
}

// Closing the log with appends queued: every queued append is committed and its callback
// called exactly once before the log is gone, and all of it is there after reopening.
TEST(EventLogAsyncTest, CloseCallsEveryCallbackAndKeepsWhatItAcknowledged) {
  TempDir dir;
  constexpr int kRequests = 300;
  std::vector<std::atomic<int>> calls(kRequests);
  std::mutex mu;
  std::vector<AppendResult> acknowledged;
  int unavailable = 0;
  {
    auto log = *EventLog::Open(dir.path());
    for (int i = 0; i < kRequests; ++i) {
      log->AppendAsync(MakeRequest(absl::StrCat("pcn/", i % 7), absl::StrCat("r", i), 1),
                       [&, i](absl::StatusOr<AppendResult> r) {
                         ++calls[i];
                         std::lock_guard<std::mutex> lock(mu);
                         if (r.ok()) {
                           acknowledged.push_back(*r);
                         } else {
                           EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
                           ++unavailable;
                         }
                       });
    }
  }  // closes with requests still queued
  for (int i = 0; i < kRequests; ++i) EXPECT_EQ(calls[i].load(), 1) << "request " << i;
  // Queued before the close began, so committed rather than refused.
  EXPECT_EQ(unavailable, 0);
  EXPECT_EQ(acknowledged.size(), static_cast<size_t>(kRequests));
  auto reopened = *EventLog::Open(dir.path());
  for (const AppendResult& r : acknowledged) {
    auto event = reopened->Get(r.first_position);
    EXPECT_TRUE(event.ok()) << "acknowledged position " << r.first_position << " lost";
  }
  EXPECT_EQ(reopened->head().position, acknowledged.size());
  EXPECT_TRUE(reopened->Verify().ok);
}

}  // namespace
}  // namespace arrs::store
