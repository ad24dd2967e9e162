// Verify() against a log changed behind its back through RocksDB directly.
#include <functional>
#include <memory>
#include <ostream>
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
using testing_util::MakeStartedAndHiredRequest;
using testing_util::RawRocks;
using testing_util::TempDir;

// A change made to the stored events behind the log's back, and what Verify must name.
struct TamperCase {
  const char* name;
  std::function<void(RawRocks&)> tamper;
  uint64_t first_bad_position;
  const char* problem;  // a part of the problem Verify reports
};
void PrintTo(const TamperCase& tamper_case, std::ostream* os) { *os << tamper_case.name; }

class TamperTest : public ::testing::TestWithParam<TamperCase> {
 protected:
  void SetUp() override {
    auto log = *EventLog::Open(dir_.path());
    for (int i = 0; i < 5; ++i) {
      AppendRequest request = MakeStartedAndHiredRequest(absl::StrCat("pcn/", i % 2), i);
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

// Rewrites the event stored at `position` as `edit` changes it.
void EditEvent(RawRocks& raw, uint64_t position, const std::function<void(v1::Event&)>& edit) {
  v1::Event event;
  ASSERT_TRUE(event.ParseFromString(raw.Get(kEventsFamily, EventKey(position))));
  edit(event);
  raw.Put(kEventsFamily, EventKey(position), event.SerializeAsString());
}

TEST_F(TamperTest, RedactionStillVerifies) {
  {
    RawRocks raw(dir_.path());
    ASSERT_NO_FATAL_FAILURE(EditEvent(raw, 8, [](v1::Event& event) {
      event.clear_payload();
      event.set_redacted(true);
    }));
  }
  VerifyReport report = VerifyReopened();
  EXPECT_TRUE(report.ok) << report.first_bad_position << ": " << report.problem;
  EXPECT_EQ(report.events_checked, 10u);
}

// Each case a test of its own, named TamperTest.<case name>.
TEST_P(TamperTest, ) {
  {
    RawRocks raw(dir_.path());
    ASSERT_NO_FATAL_FAILURE(GetParam().tamper(raw));
  }
  VerifyReport report = VerifyReopened();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_position, GetParam().first_bad_position) << report.problem;
  EXPECT_THAT(report.problem, HasSubstr(GetParam().problem));
}

const TamperCase kTamperCases[] = {
    {"ConsistentlyResealedEventBreaksTheNextLink",
     [](RawRocks& raw) {
       EditEvent(raw, 4, [](v1::Event& event) {
         event.mutable_payload()->mutable_staff_hired()->set_annual_salary_pence(99999999);
         event.set_payload_hash(PayloadHash(event.payload()));
         event.set_hash(EventHash(event));
       });
     },
     5, "prev_hash"},
    {"PayloadChangedWithoutRehash",
     [](RawRocks& raw) {
       EditEvent(raw, 8, [](v1::Event& event) {
         event.mutable_payload()->mutable_staff_hired()->set_wte_bp(5000);
       });
     },
     8, "payload_hash"},
    {"DeletedEventIsNamed", [](RawRocks& raw) { raw.Delete(kEventsFamily, EventKey(3)); }, 3,
     "missing"},
    {"DeletedLastEventDisagreesWithMetaHead",
     [](RawRocks& raw) { raw.Delete(kEventsFamily, EventKey(10)); }, 10, "meta head"},
    {"UnparseableBytesAreNamed",
     [](RawRocks& raw) { raw.Put(kEventsFamily, EventKey(2), std::string("\xff\xff\xff", 3)); }, 2,
     "parse"},
    {"MovedEventIsNamed",
     [](RawRocks& raw) {
       raw.Put(kEventsFamily, EventKey(7), raw.Get(kEventsFamily, EventKey(6)));
     },
     7, "position 6"},
};

INSTANTIATE_TEST_SUITE_P(, TamperTest, ::testing::ValuesIn(kTamperCases),
                         [](const ::testing::TestParamInfo<TamperCase>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace arrs::store
