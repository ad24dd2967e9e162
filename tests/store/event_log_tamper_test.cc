// Verify() against a log changed behind its back through RocksDB directly.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/stubs/logging.h"
#include "gtest/gtest.h"
#include "ledger/store/event_hash.h"
#include "ledger/store/event_log.h"
#include "ledger/store/log_format.h"
#include "ledger/store/log_verifier.h"
#include "tests/store/raw_rocks.h"
#include "tests/store/store_test_util.h"

namespace arrs::store {
namespace {

using ::testing::HasSubstr;
using testing_util::MakeHiredEvent;
using testing_util::MakeRequest;
using testing_util::RawRocks;
using testing_util::TempDir;

class TamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto log = *EventLog::Open(dir_.path());
    for (int i = 0; i < 5; ++i) {
      AppendRequest request = MakeRequest(absl::StrCat("pcn/", i % 2), absl::StrCat("r", i), 1);
      request.events.push_back(MakeHiredEvent(absl::StrCat("staff-", i)));
      request.events.back().set_corrects(i);
      ASSERT_TRUE(log->Append(request).ok());
    }
    ASSERT_EQ(log->head().position, 10u);
    ASSERT_TRUE(log->Verify().ok);
  }

  VerifyReport VerifyReopened() {
    auto log = EventLog::Open(dir_.path());
    EXPECT_TRUE(log.ok()) << log.status();
    return (*log)->Verify();
  }

  static VerifyReport VerifyRaw(RawRocks& raw) {
    rocksdb::ManagedSnapshot snapshot(raw.db());
    return VerifyLog(raw.db(), raw.cf(kEventsFamily), raw.cf(kMetaFamily), snapshot.snapshot());
  }

  TempDir dir_;
};

TEST_F(TamperTest, FlippedByteIsNamedAfterReopen) {
  {
    RawRocks raw(dir_.path());
    std::string value = raw.Get(kEventsFamily, EventKey(6));
    value[value.size() / 2] ^= 0x01;
    raw.Put(kEventsFamily, EventKey(6), value);
  }
  VerifyReport report = VerifyReopened();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_position, 6u) << report.problem;
  EXPECT_EQ(report.events_checked, 5u);
  EXPECT_FALSE(report.problem.empty());
}

TEST_F(TamperTest, EveryByteOfAnEventIsCovered) {
  RawRocks raw(dir_.path());
  const std::string original = raw.Get(kEventsFamily, EventKey(4));
  ASSERT_GT(original.size(), 200u);
  // Flipped bytes inside strings make protobuf log "invalid UTF-8"; that is expected here.
  google::protobuf::LogHandler* previous = google::protobuf::SetLogHandler(nullptr);
  for (size_t i = 0; i < original.size(); ++i) {
    for (unsigned char mask : {0x01, 0x80}) {
      std::string value = original;
      value[i] = static_cast<char>(value[i] ^ mask);
      raw.Put(kEventsFamily, EventKey(4), value);
      VerifyReport report = VerifyRaw(raw);
      EXPECT_FALSE(report.ok) << "byte " << i << " mask " << int{mask};
      EXPECT_EQ(report.first_bad_position, 4u)
          << "byte " << i << " mask " << int{mask} << ": " << report.problem;
    }
  }
  google::protobuf::SetLogHandler(previous);
  raw.Put(kEventsFamily, EventKey(4), original);
  EXPECT_TRUE(VerifyRaw(raw).ok);
}

TEST_F(TamperTest, ConsistentlyResealedEventBreaksTheNextLink) {
  {
    RawRocks raw(dir_.path());
    v1::Event event;
    ASSERT_TRUE(event.ParseFromString(raw.Get(kEventsFamily, EventKey(4))));
    event.mutable_payload()->mutable_staff_hired()->set_annual_salary_pence(99999999);
    event.set_payload_hash(PayloadHash(event.payload()));
    event.set_hash(EventHash(event));
    raw.Put(kEventsFamily, EventKey(4), event.SerializeAsString());
  }
  VerifyReport report = VerifyReopened();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_position, 5u);
  EXPECT_THAT(report.problem, HasSubstr("prev_hash"));
}

TEST_F(TamperTest, PayloadChangedWithoutRehash) {
  {
    RawRocks raw(dir_.path());
    v1::Event event;
    ASSERT_TRUE(event.ParseFromString(raw.Get(kEventsFamily, EventKey(8))));
    event.mutable_payload()->mutable_staff_hired()->set_wte_bp(5000);
    raw.Put(kEventsFamily, EventKey(8), event.SerializeAsString());
  }
  VerifyReport report = VerifyReopened();
  EXPECT_EQ(report.first_bad_position, 8u);
  EXPECT_THAT(report.problem, HasSubstr("payload_hash"));
}

TEST_F(TamperTest, RedactionStillVerifies) {
  {
    RawRocks raw(dir_.path());
    v1::Event event;
    ASSERT_TRUE(event.ParseFromString(raw.Get(kEventsFamily, EventKey(8))));
    event.clear_payload();
    event.set_redacted(true);
    raw.Put(kEventsFamily, EventKey(8), event.SerializeAsString());
  }
  VerifyReport report = VerifyReopened();
  EXPECT_TRUE(report.ok) << report.first_bad_position << ": " << report.problem;
  EXPECT_EQ(report.events_checked, 10u);
}

TEST_F(TamperTest, DeletedEventIsNamed) {
  {
    RawRocks raw(dir_.path());
    raw.Delete(kEventsFamily, EventKey(3));
  }
  VerifyReport report = VerifyReopened();
  EXPECT_EQ(report.first_bad_position, 3u);
  EXPECT_THAT(report.problem, HasSubstr("missing"));
}

TEST_F(TamperTest, DeletedLastEventDisagreesWithMetaHead) {
  {
    RawRocks raw(dir_.path());
    raw.Delete(kEventsFamily, EventKey(10));
  }
  VerifyReport report = VerifyReopened();
  EXPECT_EQ(report.first_bad_position, 10u);
  EXPECT_THAT(report.problem, HasSubstr("meta head"));
}

TEST_F(TamperTest, UnparseableBytesAreNamed) {
  {
    RawRocks raw(dir_.path());
    raw.Put(kEventsFamily, EventKey(2), std::string("\xff\xff\xff", 3));
  }
  VerifyReport report = VerifyReopened();
  EXPECT_EQ(report.first_bad_position, 2u);
  EXPECT_THAT(report.problem, HasSubstr("parse"));
}

TEST_F(TamperTest, MovedEventIsNamed) {
  {
    RawRocks raw(dir_.path());
    raw.Put(kEventsFamily, EventKey(7), raw.Get(kEventsFamily, EventKey(6)));
  }
  VerifyReport report = VerifyReopened();
  EXPECT_EQ(report.first_bad_position, 7u);
  EXPECT_THAT(report.problem, HasSubstr("position 6"));
}

}  // namespace
}  // namespace arrs::store
