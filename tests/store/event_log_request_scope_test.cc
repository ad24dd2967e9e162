// Request ids are idempotency keys scoped to their stream: the same id on two streams is two
// requests; on one stream, a repeat with a different request digest is refused and a repeat
// with the same digest is answered with the first result. A folder written in format 1
// (request ids in one global namespace) is migrated on open.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
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


AppendRequest Keyed(const std::string& stream, const std::string& id, const std::string& kind,
                    const std::string& digest, int events = 1) {
  AppendRequest request = MakeRequest(stream, id, events);
  request.request_kind = kind;
  request.request_digest = digest;
  return request;
}

constexpr char kReuseMessage[] =
    "request_id \"x\" was already used on pcn/U1 for a different HireStaff request; use a new "
    "request_id";

class RequestScopeTest : public ::testing::Test {
 protected:
  void SetUp() override { log_ = OpenOrDie(dir_.path()); }
  TempDir dir_;
  std::unique_ptr<EventLog> log_;
};

TEST_F(RequestScopeTest, TwoStreamsUsingTheSameIdBothWrite) {
  auto first = log_->Append(Keyed("pcn/U1", "import-staff:U2:X", "HireStaff", "d1"));
  ASSERT_TRUE(first.ok()) << first.status();
  // Another tenant's stream, the same (predictable) id: a request of its own.
  auto second = log_->Append(Keyed("pcn/U2", "import-staff:U2:X", "HireStaff", "d2"));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE(second->deduplicated);
  EXPECT_EQ(second->first_position, 2u);
  EXPECT_EQ(*log_->StreamVersion("pcn/U2"), 1u);
  // Without digests too.
  auto third = log_->Append(MakeRequest("pcn/U3", "import-staff:U2:X", 1));
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_FALSE(third->deduplicated);
  EXPECT_EQ(log_->head().position, 3u);

  auto on_u1 = log_->FindRequest("pcn/U1", "import-staff:U2:X");
  auto on_u2 = log_->FindRequest("pcn/U2", "import-staff:U2:X");
  auto on_u4 = log_->FindRequest("pcn/U4", "import-staff:U2:X");
  ASSERT_TRUE(on_u1.ok() && on_u1->has_value());
  ASSERT_TRUE(on_u2.ok() && on_u2->has_value());
  ASSERT_TRUE(on_u4.ok());
  EXPECT_EQ((*on_u1)->first_position, 1u);
  EXPECT_EQ((*on_u2)->first_position, 2u);
  EXPECT_FALSE(on_u4->has_value());
}

TEST_F(RequestScopeTest, SameStreamDifferentDigestIsRefusedAndNothingWritten) {
  ASSERT_TRUE(log_->Append(Keyed("pcn/U1", "x", "HireStaff", "digest-1", 2)).ok());
  const Head before = log_->head();
  auto repeat = log_->Append(Keyed("pcn/U1", "x", "ChangeStaff", "digest-2", 3));
  ASSERT_EQ(repeat.status().code(), absl::StatusCode::kAlreadyExists) << repeat.status();
  EXPECT_EQ(repeat.status().message(), kReuseMessage);
  EXPECT_EQ(log_->head().position, before.position);
  EXPECT_EQ(log_->head().hash, before.hash);
  EXPECT_EQ(*log_->StreamVersion("pcn/U1"), 2u);
  EXPECT_EQ(log_->Stats().appended_requests, 1u);
  // The record still holds the first request.
  auto found = log_->FindRequest("pcn/U1", "x");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->request_kind, "HireStaff");
  EXPECT_EQ((*found)->request_digest, "digest-1");
  EXPECT_EQ((*found)->last_position, 2u);
}

TEST_F(RequestScopeTest, DifferentDigestInTheSameGroupIsRefused) {
  // Both queued at once: whether they share a group or not, the second is refused.
  absl::StatusOr<AppendResult> results[2];
  absl::Notification done[2];
  for (int i = 0; i < 2; ++i) {
    log_->AppendAsync(Keyed("pcn/U1", "x", "HireStaff", absl::StrCat("digest-", i)),
                      [&, i](absl::StatusOr<AppendResult> r) {
                        results[i] = std::move(r);
                        done[i].Notify();
                      });
  }
  for (auto& d : done) d.WaitForNotification();
  ASSERT_TRUE(results[0].ok()) << results[0].status();
  ASSERT_EQ(results[1].status().code(), absl::StatusCode::kAlreadyExists) << results[1].status();
  EXPECT_EQ(results[1].status().message(), kReuseMessage);
  EXPECT_EQ(log_->head().position, 1u);
}

TEST_F(RequestScopeTest, SameDigestIsAnsweredWithTheFirstResult) {
  auto first = log_->Append(Keyed("pcn/U1", "x", "HireStaff", "digest-1", 2));
  ASSERT_TRUE(first.ok());
  auto again = log_->Append(Keyed("pcn/U1", "x", "HireStaff", "digest-1", 5));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->deduplicated);
  EXPECT_EQ(again->first_position, first->first_position);
  EXPECT_EQ(again->last_position, first->last_position);
  EXPECT_EQ(again->stream_version, first->stream_version);
  EXPECT_EQ(again->request_kind, "HireStaff");
  EXPECT_EQ(again->request_digest, "digest-1");
  // An empty digest on either side is not compared.
  auto unchecked = log_->Append(Keyed("pcn/U1", "x", "", ""));
  ASSERT_TRUE(unchecked.ok()) << unchecked.status();
  EXPECT_TRUE(unchecked->deduplicated);
  ASSERT_TRUE(log_->Append(Keyed("pcn/U1", "y", "", "")).ok());
  auto later = log_->Append(Keyed("pcn/U1", "y", "HireStaff", "digest-9"));
  ASSERT_TRUE(later.ok()) << later.status();
  EXPECT_TRUE(later->deduplicated);
  EXPECT_EQ(log_->head().position, 3u);
}

TEST_F(RequestScopeTest, KindAndDigestAreValidated) {
  auto long_kind = log_->Append(Keyed("pcn/U1", "x", std::string(65, 'k'), "d"));
  EXPECT_EQ(long_kind.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(long_kind.status().message(), HasSubstr("request_kind"));
  auto spaced_kind = log_->Append(Keyed("pcn/U1", "x", "Hire Staff", "d"));
  EXPECT_EQ(spaced_kind.status().code(), absl::StatusCode::kInvalidArgument);
  auto long_digest = log_->Append(Keyed("pcn/U1", "x", "HireStaff", std::string(65, 'd')));
  EXPECT_EQ(long_digest.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(long_digest.status().message(), HasSubstr("request_digest"));
  EXPECT_EQ(log_->head().position, 0u);
  EXPECT_EQ(log_->FindRequest("", "x").status().code(), absl::StatusCode::kInvalidArgument);
}

// A format-1 request record: u8 1, u64 first, u64 last, u64 stream version, stream.
std::string OldRecord(uint64_t first, uint64_t last, uint64_t version,
                      const std::string& stream) {
  std::string out(1, '\x01');
  AppendU64(&out, first);
  AppendU64(&out, last);
  AppendU64(&out, version);
  return out + stream;
}

TEST(RequestScopeMigrationTest, AFormatOneFolderIsRebuiltOnOpen) {
  TempDir dir;
  std::string head_hash;
  {
    auto log = OpenOrDie(dir.path());
    ASSERT_TRUE(log->Append(MakeRequest("pcn/U1", "a", 2, 0)).ok());  // 1..2
    ASSERT_TRUE(log->Append(MakeRequest("pcn/U2", "b", 1, 0)).ok());  // 3
    ASSERT_TRUE(log->Append(MakeRequest("pcn/U1", "c", 3, 2)).ok());  // 4..6
    ASSERT_TRUE(log->PutSnapshot("proj", 6, "s6").ok());
    head_hash = log->head().hash;
  }
  {
    // Rewrite the folder as format 1 wrote it: request ids alone as keys.
    RawRocks raw(dir.path());
    std::unique_ptr<rocksdb::Iterator> it(
        raw.db()->NewIterator(rocksdb::ReadOptions(), raw.cf(kRequestsFamily)));
    std::vector<std::string> keys;
    for (it->SeekToFirst(); it->Valid(); it->Next()) keys.push_back(it->key().ToString());
    ASSERT_TRUE(it->status().ok());
    EXPECT_EQ(keys.size(), 3u);
    for (const std::string& key : keys) raw.Delete(kRequestsFamily, key);
    raw.Put(kRequestsFamily, "a", OldRecord(1, 2, 2, "pcn/U1"));
    raw.Put(kRequestsFamily, "b", OldRecord(3, 3, 1, "pcn/U2"));
    raw.Put(kRequestsFamily, "c", OldRecord(4, 6, 5, "pcn/U1"));
    raw.Put(kMetaFamily, kMetaFormatVersion, "1");
  }
  {
    auto log = OpenOrDie(dir.path());
    EXPECT_EQ(log->head().position, 6u);
    EXPECT_EQ(log->head().hash, head_hash);
    VerifyReport report = log->Verify();
    EXPECT_TRUE(report.ok) << report.problem;
    auto a = log->FindRequest("pcn/U1", "a");
    auto b = log->FindRequest("pcn/U2", "b");
    auto c = log->FindRequest("pcn/U1", "c");
    ASSERT_TRUE(a.ok() && a->has_value() && b.ok() && b->has_value() && c.ok() &&
                c->has_value());
    EXPECT_EQ((*a)->first_position, 1u);
    EXPECT_EQ((*a)->last_position, 2u);
    EXPECT_EQ((*a)->stream_version, 2u);
    EXPECT_EQ((*b)->first_position, 3u);
    EXPECT_EQ((*c)->first_position, 4u);
    EXPECT_EQ((*c)->last_position, 6u);
    EXPECT_EQ((*c)->stream_version, 5u);
    EXPECT_EQ((*c)->request_digest, "");  // not recorded before: never compared
    EXPECT_FALSE(log->FindRequest("pcn/U2", "a")->has_value());
    // A retry on the same stream, whatever its digest, gets the first result...
    auto retry = log->Append(Keyed("pcn/U1", "c", "HireStaff", "digest-new"));
    ASSERT_TRUE(retry.ok()) << retry.status();
    EXPECT_TRUE(retry->deduplicated);
    EXPECT_EQ(retry->first_position, 4u);
    // ...and the same id on another stream is a new request.
    auto other = log->Append(MakeRequest("pcn/U2", "a", 1, 1));
    ASSERT_TRUE(other.ok()) << other.status();
    EXPECT_FALSE(other->deduplicated);
    EXPECT_EQ(other->first_position, 7u);
    EXPECT_EQ(log->LatestSnapshot("proj", 10)->state, "s6");
  }
  {
    RawRocks raw(dir.path());
    EXPECT_EQ(raw.Get(kMetaFamily, kMetaFormatVersion), kFormatVersion);
    std::string value;
    EXPECT_TRUE(raw.db()->Get(rocksdb::ReadOptions(), raw.cf(kRequestsFamily), "a", &value)
                    .IsNotFound())
        << "a format-1 key survived the migration";
  }
  auto reopened = OpenOrDie(dir.path());  // format 2 now: opens as it is
  EXPECT_EQ(reopened->head().position, 7u);
  EXPECT_TRUE(reopened->Verify().ok);
  EXPECT_TRUE((*reopened->FindRequest("pcn/U2", "a"))->first_position == 7u);
}

}  // namespace
}  // namespace arrs::store
