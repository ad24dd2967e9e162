// Issue 23: a damaged derived index is rebuilt from the events by RepairIndexes (arrsctl
// repair-index), never silently: missing, wrong and extra streams entries and request
// records are named and fixed, request records that still name their run keep their kind
// and digest, a family whose files fail their checksums is rebuilt whole, a broken chain
// or a folder in use is refused, and a second run changes nothing.
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ledger/store/event_log.h"
#include "ledger/store/index_repair.h"
#include "ledger/store/log_format.h"
#include "rocksdb/metadata.h"
#include "tests/store/raw_rocks.h"
#include "tests/store/small_log_fixture.h"
#include "tests/store/store_test_util.h"

namespace arrs::store {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing_util::MakeRequest;
using testing_util::RawRocks;
using testing_util::TempDir;

class IndexRepairTest : public testing_util::SmallLogTest {};

TEST_F(IndexRepairTest, AnIntactFolderIsLeftAsItIs) {
  absl::StatusOr<RepairReport> report = RepairIndexes(dir_.path());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->events, 80u);
  EXPECT_FALSE(report->changed());
  EXPECT_THAT(report->requests_without_digest, IsEmpty());
}

TEST_F(IndexRepairTest, MissingWrongAndExtraStreamsEntriesAreRebuiltAndNamed) {
  {
    RawRocks raw(dir_.path());
    raw.Delete(kStreamsFamily, StreamKey("pcn/U2", 4));
    raw.Put(kStreamsFamily, StreamKey("pcn/U1", 3), EncodeU64(7));
    raw.Put(kStreamsFamily, StreamKey("pcn/U1", 21), EncodeU64(80));
    raw.Put(kStreamsFamily, StreamKey("pcn/U9", 1), EncodeU64(5));
  }
  ASSERT_FALSE(VerifyReopened().ok);
  absl::StatusOr<RepairReport> report = RepairIndexes(dir_.path());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->changed());
  EXPECT_EQ(report->streams.added, 1u);
  EXPECT_EQ(report->streams.rewritten, 1u);
  EXPECT_EQ(report->streams.removed, 2u);
  EXPECT_THAT(report->streams.changes, Contains(HasSubstr("added pcn/U2 version 4 -> position ")));
  EXPECT_THAT(report->streams.changes,
              Contains(HasSubstr("rewrote pcn/U1 version 3 -> position ")));
  EXPECT_THAT(report->streams.changes, Contains(HasSubstr("(was position 7)")));
  EXPECT_THAT(report->streams.changes,
              Contains("removed pcn/U1 version 21 (the stream has 20 events)"));
  EXPECT_THAT(report->streams.changes,
              Contains("removed pcn/U9 version 1 (the stream has 0 events)"));
  EXPECT_FALSE(report->requests.added + report->requests.removed + report->requests.rewritten);
  const VerifyReport verified = VerifyReopened();
  EXPECT_TRUE(verified.ok) << verified.problem;

  // The log reads its streams through the index again.
  auto log = *EventLog::Open(dir_.path());
  absl::StatusOr<std::vector<v1::Event>> events = log->ReadStream("pcn/U2", 1, 100);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 20u);
  EXPECT_EQ((*events)[3].stream_version(), 4u);
  EXPECT_EQ(*log->StreamVersion("pcn/U1"), 20u);
  log.reset();

  // Idempotent: nothing left to change.
  report = RepairIndexes(dir_.path());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->changed());
}

TEST_F(IndexRepairTest, RequestRecordsAreRebuiltAndThoseThatLostTheirDigestNamed) {
  {
    RawRocks raw(dir_.path());
    raw.Delete(kRequestsFamily, RequestKey("pcn/U1", "r5"));
    absl::StatusOr<RequestRecord> record =
        DecodeRequestRecord(raw.Get(kRequestsFamily, RequestKey("pcn/U2", "r6")));
    ASSERT_TRUE(record.ok());
    record->first_position += 2;
    record->last_position += 2;
    raw.Put(kRequestsFamily, RequestKey("pcn/U2", "r6"), EncodeRequestRecord(*record));
    raw.Put(kRequestsFamily, RequestKey("pcn/U3", "r7"), "not a record");
    raw.Put(kRequestsFamily, RequestKey("pcn/U3", "never-sent"), EncodeRequestRecord(*record));
  }
  ASSERT_FALSE(VerifyReopened().ok);
  absl::StatusOr<RepairReport> report = RepairIndexes(dir_.path());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->requests.added, 1u);
  EXPECT_EQ(report->requests.rewritten, 2u);
  EXPECT_EQ(report->requests.removed, 1u);
  EXPECT_THAT(report->requests.changes,
              Contains(HasSubstr("added pcn/U1 request \"r5\" -> positions ")));
  EXPECT_THAT(report->requests.changes, Contains(HasSubstr("rewrote pcn/U2 request \"r6\"")));
  EXPECT_THAT(report->requests.changes,
              Contains(HasSubstr("rewrote pcn/U3 request \"r7\" -> positions 15..16 version 4 "
                                 "(it did not decode)")));
  EXPECT_THAT(report->requests.changes,
              Contains("removed pcn/U3 request \"never-sent\" (no such request in the events)"));
  EXPECT_THAT(
      report->requests_without_digest,
      ElementsAre("pcn/U1 request \"r5\"", "pcn/U2 request \"r6\"", "pcn/U3 request \"r7\""));
  EXPECT_EQ(report->streams.added + report->streams.removed + report->streams.rewritten, 0u);
  const VerifyReport verified = VerifyReopened();
  EXPECT_TRUE(verified.ok) << verified.problem;

  auto log = *EventLog::Open(dir_.path());
  // A record left alone keeps its kind and digest; a rebuilt one has none, and a retry of
  // its request id is answered with the first result.
  std::optional<AppendResult> kept = *log->FindRequest("pcn/U0", "r4");
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->request_kind, "HireStaff");
  EXPECT_EQ(kept->request_digest, "digest-4");
  std::optional<AppendResult> rebuilt = *log->FindRequest("pcn/U1", "r5");
  ASSERT_TRUE(rebuilt.has_value());
  EXPECT_EQ(rebuilt->first_position, 11u);
  EXPECT_EQ(rebuilt->last_position, 12u);
  EXPECT_EQ(rebuilt->request_digest, "");
  AppendRequest retry = MakeRequest("pcn/U1", "r5", 1);
  retry.request_digest = "something else";
  absl::StatusOr<AppendResult> answered = log->Append(retry);
  ASSERT_TRUE(answered.ok()) << answered.status();
  EXPECT_TRUE(answered->deduplicated);
  EXPECT_EQ(answered->first_position, 11u);
  log.reset();

  report = RepairIndexes(dir_.path());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->changed());
}

TEST_F(IndexRepairTest, AFamilyWhoseFilesFailTheirChecksumsIsRebuiltWhole) {
  for (const char* family : {kStreamsFamily, kRequestsFamily}) {
    FlipByteInSstOf(family);
    EXPECT_FALSE(VerifyReopened().ok) << family;
  }
  absl::StatusOr<RepairReport> report = RepairIndexes(dir_.path());
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->rebuilt_whole.size(), 2u);
  EXPECT_THAT(report->rebuilt_whole[0], HasSubstr("streams (Corruption: "));
  EXPECT_THAT(report->rebuilt_whole[1], HasSubstr("requests (Corruption: "));
  EXPECT_EQ(report->streams.added, 80u);
  EXPECT_EQ(report->requests.added, 40u);
  EXPECT_EQ(report->requests_without_digest.size(), 40u);
  const VerifyReport verified = VerifyReopened();
  EXPECT_TRUE(verified.ok) << verified.problem;
  report = RepairIndexes(dir_.path());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->changed());
}

TEST_F(IndexRepairTest, ABrokenChainIsRefusedAndNothingWritten) {
  {
    RawRocks raw(dir_.path());
    raw.Delete(kStreamsFamily, StreamKey("pcn/U2", 4));
    v1::Event event;
    ASSERT_TRUE(event.ParseFromString(raw.Get(kEventsFamily, EventKey(30))));
    event.set_reason("edited after the fact");
    raw.Put(kEventsFamily, EventKey(30), event.SerializeAsString());
  }
  absl::StatusOr<RepairReport> report = RepairIndexes(dir_.path());
  EXPECT_EQ(report.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(report.status().message(), HasSubstr("first bad position 30"));
  EXPECT_THAT(report.status().message(), HasSubstr("nothing was repaired"));
  RawRocks raw(dir_.path());
  std::string value;
  EXPECT_TRUE(
      raw.db()
          ->Get(rocksdb::ReadOptions(), raw.cf(kStreamsFamily), StreamKey("pcn/U2", 4), &value)
          .IsNotFound());
}

TEST_F(IndexRepairTest, AFolderInUseIsRefused) {
  auto log = *EventLog::Open(dir_.path());
  absl::StatusOr<RepairReport> report = RepairIndexes(dir_.path());
  EXPECT_EQ(report.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(report.status().message(), HasSubstr("is in use"));
}

TEST_F(IndexRepairTest, NoFolderOrNotAnEventLogIsRefused) {
  EXPECT_EQ(RepairIndexes(dir_.path() + "/nowhere").status().code(), absl::StatusCode::kNotFound);
  TempDir empty;
  absl::StatusOr<RepairReport> report = RepairIndexes(empty.path());
  EXPECT_EQ(report.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(report.status().message(), HasSubstr("not an event log folder"));
}

}  // namespace
}  // namespace arrs::store
