// What survives closing and reopening a log; the format-version check; checkpoints.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ledger/store/event_log.h"
#include "ledger/store/log_format.h"
#include "tests/store/raw_rocks.h"
#include "tests/store/store_test_util.h"

namespace arrs::store {
namespace {

using ::testing::HasSubstr;
using testing_util::MakeRequest;
using testing_util::OpenOrDie;
using testing_util::RawRocks;
using testing_util::TempDir;


TEST(EventLogReopenTest, ReopenKeepsEverything) {
  TempDir dir;
  Head head;
  std::string all_bytes;
  {
    auto log = OpenOrDie(dir.path());
    ASSERT_TRUE(log->Append(MakeRequest("pcn/A", "r1", 3, 0)).ok());
    ASSERT_TRUE(log->Append(MakeRequest("pcn/B", "r2", 2, 0)).ok());
    ASSERT_TRUE(log->Append(MakeRequest("pcn/A", "r3", 1, 3)).ok());
    ASSERT_TRUE(log->PutSnapshot("proj", 4, "s4").ok());
    head = log->head();
    auto events = log->ReadFrom(1, 100);
    ASSERT_TRUE(events.ok());
    for (const v1::Event& e : *events) all_bytes += e.SerializeAsString();
  }
  auto log = OpenOrDie(dir.path());
  EXPECT_EQ(log->head().position, 6u);
  EXPECT_EQ(log->head().hash, head.hash);
  EXPECT_EQ(*log->StreamVersion("pcn/A"), 4u);
  EXPECT_EQ(*log->StreamVersion("pcn/B"), 2u);
  std::string reread;
  auto events = log->ReadFrom(1, 100);
  ASSERT_TRUE(events.ok());
  for (const v1::Event& e : *events) reread += e.SerializeAsString();
  EXPECT_EQ(reread, all_bytes);
  EXPECT_EQ(log->ReadStream("pcn/A", 1, 10)->size(), 4u);
  EXPECT_EQ(log->LatestSnapshot("proj", 10)->state, "s4");
  // Dedup records survive.
  auto again = log->Append(MakeRequest("pcn/B", "r2", 1));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->deduplicated);
  EXPECT_EQ(again->first_position, 4u);
  EXPECT_EQ(again->last_position, 5u);
  EXPECT_EQ(again->stream_version, 2u);
  // Versions loaded from disk are enforced.
  EXPECT_EQ(log->Append(MakeRequest("pcn/A", "r4", 1, 3)).status().code(),
            absl::StatusCode::kAborted);
  auto next = log->Append(MakeRequest("pcn/A", "r5", 1, 4));
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->first_position, 7u);
  EXPECT_EQ(next->stream_version, 5u);
  EXPECT_EQ(log->ReadFrom(6, 10)->at(1).prev_hash(), head.hash);
  EXPECT_TRUE(log->Verify().ok);
}

TEST(EventLogReopenTest, RefusesUnknownFormatVersion) {
  TempDir dir;
  { OpenOrDie(dir.path())->Append(MakeRequest("pcn/A", "r1", 1)).IgnoreError(); }
  {
    RawRocks raw(dir.path());
    EXPECT_EQ(raw.Get(kMetaFamily, kMetaFormatVersion), kFormatVersion);
    raw.Put(kMetaFamily, kMetaFormatVersion, "7");
  }
  auto log = EventLog::Open(dir.path());
  ASSERT_EQ(log.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(log.status().message(), HasSubstr("\"7\""));
  EXPECT_THAT(log.status().message(), HasSubstr(absl::StrCat("\"", kFormatVersion, "\"")));
}

TEST(EventLogReopenTest, RefusesDataWithoutFormatVersion) {
  TempDir dir;
  { OpenOrDie(dir.path())->Append(MakeRequest("pcn/A", "r1", 1)).IgnoreError(); }
  {
    RawRocks raw(dir.path());
    raw.Delete(kMetaFamily, kMetaFormatVersion);
  }
  auto log = EventLog::Open(dir.path());
  ASSERT_EQ(log.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(log.status().message(), HasSubstr("format_version"));
}

TEST(EventLogReopenTest, MissingFolderWithoutCreate) {
  TempDir dir;
  LogOptions options;
  options.create_if_missing = false;
  auto log = EventLog::Open(dir.Sub("absent"), options);
  EXPECT_FALSE(log.ok());
}

TEST(EventLogReopenTest, CheckpointOpensAndVerifies) {
  TempDir dir;
  auto log = OpenOrDie(dir.Sub("log"));
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(log->Append(MakeRequest(absl::StrCat("pcn/", i % 3), absl::StrCat("r", i), 2))
                    .ok());
  }
  ASSERT_TRUE(log->PutSnapshot("proj", 10, "s10").ok());
  ASSERT_TRUE(log->Checkpoint(dir.Sub("copy")).ok());
  EXPECT_FALSE(log->Checkpoint(dir.Sub("copy")).ok());  // target must not exist
  // The original moves on; the copy stays where it was.
  ASSERT_TRUE(log->Append(MakeRequest("pcn/0", "later", 1)).ok());
  auto copy = OpenOrDie(dir.Sub("copy"));
  EXPECT_EQ(copy->head().position, 40u);
  EXPECT_EQ(copy->LatestSnapshot("proj", 40)->state, "s10");
  VerifyReport report = copy->Verify();
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.events_checked, 40u);
  EXPECT_TRUE(copy->Append(MakeRequest("pcn/0", "r0", 1)).value().deduplicated);
}

}  // namespace
}  // namespace arrs::store
