// Many threads on one log: optimistic concurrency, idempotent retries, group commit.
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "ledger/store/event_log.h"
#include "tests/store/store_test_util.h"

namespace arrs::store {
namespace {

using testing_util::MakeRequest;
using testing_util::OpenOrDie;
using testing_util::TempDir;

// Runs `body(t)` on `count` threads at once, t = 0..count-1, and waits for them all.
void RunOnThreads(int count, const std::function<void(int)>& body) {
  std::vector<std::thread> threads;
  for (int t = 0; t < count; ++t) threads.emplace_back(body, t);
  for (auto& thread : threads) thread.join();
}

// A log in a fresh folder.
class EventLogConcurrencyTest : public ::testing::Test {
 protected:
  TempDir dir_;
  std::unique_ptr<EventLog> log_ = OpenOrDie(dir_.path());
};

TEST_F(EventLogConcurrencyTest, OneWinnerPerExpectedVersion) {
  constexpr int kThreads = 8;
  constexpr int kRounds = 15;
  std::mutex mu;
  std::map<uint64_t, std::vector<int>> winners_by_version;  // new version -> threads
  std::atomic<int> conflicts = 0;
  std::atomic<int> other_errors = 0;
  RunOnThreads(kThreads, [&](int t) {
    for (int i = 0; i < kRounds; ++i) {
      // Read the version, then try to append on it, as a command handler would.
      const uint64_t seen = *log_->StreamVersion("pcn/race");
      auto result = log_->Append(MakeRequest("pcn/race", absl::StrCat("t", t, "-", i), 2, seen));
      if (result.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        winners_by_version[result->stream_version].push_back(t);
        EXPECT_EQ(result->stream_version, seen + 2);
      } else if (result.status().code() == absl::StatusCode::kAborted) {
        ++conflicts;
      } else {
        ++other_errors;
      }
    }
  });
  EXPECT_EQ(other_errors.load(), 0);
  const uint64_t version = *log_->StreamVersion("pcn/race");
  EXPECT_EQ(winners_by_version.size() * 2, version);
  for (const auto& [v, winners] : winners_by_version) {
    EXPECT_EQ(winners.size(), 1u) << "version " << v;
  }
  EXPECT_EQ(winners_by_version.size() + conflicts.load(), kThreads * kRounds);
  EXPECT_EQ(log_->head().position, version);
  auto events = *log_->ReadStream("pcn/race", 1, 10000);
  ASSERT_EQ(events.size(), version);
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].stream_version(), i + 1);
    EXPECT_EQ(events[i].position(), i + 1);
  }
  EXPECT_TRUE(log_->Verify().ok);
}

TEST_F(EventLogConcurrencyTest, ConcurrentRetriesWriteOnce) {
  constexpr int kThreads = 16;
  constexpr int kKeys = 5;
  std::vector<std::vector<absl::StatusOr<AppendResult>>> results(kThreads);
  RunOnThreads(kThreads, [&](int t) {
    for (int k = 0; k < kKeys; ++k) {
      results[t].push_back(
          log_->Append(MakeRequest(absl::StrCat("pcn/", k), absl::StrCat("key-", k), 3)));
    }
  });
  EXPECT_EQ(log_->head().position, 3u * kKeys);
  EXPECT_EQ(log_->Stats().appended_requests, static_cast<uint64_t>(kKeys));
  for (int k = 0; k < kKeys; ++k) {
    int fresh = 0;
    std::set<std::tuple<uint64_t, uint64_t, uint64_t>> distinct;
    for (int t = 0; t < kThreads; ++t) {
      const auto& r = results[t][k];
      ASSERT_TRUE(r.ok()) << r.status();
      if (!r->deduplicated) ++fresh;
      distinct.insert({r->first_position, r->last_position, r->stream_version});
    }
    EXPECT_EQ(fresh, 1) << "key " << k;
    EXPECT_EQ(distinct.size(), 1u) << "key " << k;
    EXPECT_EQ(*log_->StreamVersion(absl::StrCat("pcn/", k)), 3u);
  }
  EXPECT_TRUE(log_->Verify().ok);
}

TEST_F(EventLogConcurrencyTest, GroupCommitBatchesConcurrentCallers) {
  constexpr int kThreads = 16;
  constexpr int kPerThread = 20;
  std::vector<uint64_t> listened;
  log_->AddListener([&](const std::vector<v1::Event>& committed) {
    for (const v1::Event& e : committed) listened.push_back(e.position());
  });
  std::atomic<int> failures = 0;
  RunOnThreads(kThreads, [&](int t) {
    for (int i = 0; i < kPerThread; ++i) {
      auto r = log_->Append(
          MakeRequest(absl::StrCat("pcn/", t), absl::StrCat("g", t, "-", i), 1 + i % 3));
      if (!r.ok()) ++failures;
    }
  });
  EXPECT_EQ(failures.load(), 0);
  LogStats stats = log_->Stats();
  EXPECT_EQ(stats.appended_requests, static_cast<uint64_t>(kThreads * kPerThread));
  EXPECT_LT(stats.group_commits, stats.appended_requests);
  EXPECT_EQ(stats.stream_count, static_cast<uint64_t>(kThreads));
  std::cout << "group commits: " << stats.group_commits << " for " << stats.appended_requests
            << " requests\n";
  ASSERT_EQ(listened.size(), stats.head.position);
  for (size_t i = 0; i < listened.size(); ++i) EXPECT_EQ(listened[i], i + 1);
  EXPECT_TRUE(log_->Verify().ok);
}

TEST_F(EventLogConcurrencyTest, ReadersNeverSeeBeyondHead) {
  std::atomic<bool> done = false;
  std::thread writer([&] {
    for (int i = 0; i < 200; ++i) {
      log_->Append(MakeRequest("pcn/w", absl::StrCat("w", i), 3)).IgnoreError();
    }
    done = true;
  });
  int reads = 0;
  while (!done) {
    const Head head = log_->head();
    auto events = log_->ReadFrom(1, 100000);
    ASSERT_TRUE(events.ok());
    ASSERT_GE(events->size(), head.position);
    // Each page ends on a request boundary: no partial request is ever visible.
    EXPECT_EQ(events->size() % 3, 0u);
    auto stream = log_->ReadStream("pcn/w", 1, 100000);
    ASSERT_TRUE(stream.ok());
    EXPECT_EQ(stream->size() % 3, 0u);
    ++reads;
  }
  writer.join();
  EXPECT_GT(reads, 0);
  EXPECT_EQ(log_->head().position, 600u);
}

TEST_F(EventLogConcurrencyTest, AppendsFromManyThreadsSurviveClose) {
  std::vector<absl::StatusOr<AppendResult>> results(8);
  RunOnThreads(
      8, [&](int t) { results[t] = log_->Append(MakeRequest("pcn/d", absl::StrCat("d", t), 1)); });
  log_.reset();
  auto log = *EventLog::Open(dir_.path());
  EXPECT_EQ(log->head().position, 8u);
  for (const auto& r : results) EXPECT_TRUE(r.ok());
}

}  // namespace
}  // namespace arrs::store
