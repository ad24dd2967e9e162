// Write failures: a RocksDB file system whose WAL appends fail on demand (a full disk).
// A failed group commit fails every request that needed it, moves nothing in memory,
// leaves the log readable, and later appends succeed with dense positions.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ledger/store/event_log.h"
#include "ledger/store/rocks_event_log.h"
#include "rocksdb/env.h"
#include "tests/store/faulty_file_system.h"
#include "tests/store/store_test_util.h"

namespace arrs::store {
namespace {

using ::testing::HasSubstr;
using testing_support::FaultyFileSystem;
using testing_support::OpenOnFaultyFs;
using testing_support::kInjectedNoSpace;
using testing_util::MakeRequest;
using testing_util::TempDir;

TEST(EventLogFaultTest, FailedWriteFailsTheBatchAndTheLogRecovers) {
  TempDir dir;
  {
    auto opened = OpenOnFaultyFs(dir.path());
    ASSERT_TRUE(opened.ok()) << opened.status();
    FaultyFileSystem* fs = opened->fs.get();
    EventLog* log = opened->log.get();
    int listened = 0;
    log->AddListener([&](const std::vector<v1::Event>& committed) { listened += committed.size(); });
    ASSERT_TRUE(log->Append(MakeRequest("pcn/A", "ok-1", 2)).ok());
    const Head before = log->head();

    fs->DiskFullAfter(0);
    std::vector<absl::StatusOr<AppendResult>> results(6);
    std::vector<std::thread> threads;
    for (int t = 0; t < 6; ++t) {
      threads.emplace_back([&, t] {
        results[t] = log->Append(MakeRequest(absl::StrCat("pcn/", t % 2), absl::StrCat("f", t), 1));
      });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_GT(fs->injected(), 0);
    for (const auto& r : results) {
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
      EXPECT_THAT(r.status().message(), HasSubstr(kInjectedNoSpace));
    }
    // Nothing moved; the log is still readable and verifies.
    EXPECT_EQ(log->head().position, before.position);
    EXPECT_EQ(log->head().hash, before.hash);
    EXPECT_EQ(*log->StreamVersion("pcn/A"), 2u);
    EXPECT_EQ(*log->StreamVersion("pcn/1"), 0u);
    EXPECT_EQ(log->ReadFrom(1, 10)->size(), 2u);
    EXPECT_FALSE(log->FindRequest("pcn/0", "f0")->has_value());
    EXPECT_TRUE(log->Verify().ok);
    EXPECT_EQ(listened, 2);

    // Once the disk is back, RocksDB recovers (in the background, retrying every 100 ms)
    // and a retried append goes through, densely after the last committed event.
    fs->Clear();
    absl::StatusOr<AppendResult> after;
    for (int attempt = 0; attempt < 100; ++attempt) {
      after = log->Append(MakeRequest("pcn/A", "f0", 1, 2));
      if (after.ok()) break;
      EXPECT_EQ(after.status().code(), absl::StatusCode::kUnavailable) << after.status();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_TRUE(after.ok()) << after.status();
    EXPECT_FALSE(after->deduplicated);
    EXPECT_EQ(after->first_position, 3u);
    EXPECT_EQ(after->stream_version, 3u);
    EXPECT_EQ(listened, 3);
    VerifyReport report = log->Verify();
    EXPECT_TRUE(report.ok) << report.problem;
  }
  auto reopened = EventLog::Open(dir.path());
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ((*reopened)->head().position, 3u);
  EXPECT_TRUE((*reopened)->Verify().ok);
  EXPECT_FALSE((*reopened)->FindRequest("pcn/1", "f1")->has_value());
}

}  // namespace
}  // namespace arrs::store
