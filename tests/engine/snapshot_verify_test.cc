// Issue 23: verify checks every stored snapshot against the log. A snapshot as the ledger
// writes it verifies (also one whose streams run past its position, one written while
// commands commit, one written after a restore); one altered through
// RocksDB, re-encoded so that every checksum holds, fails Verify (online, and offline on
// the folder opened read-only), naming the snapshot's position, the PCN and the first
// differing field.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>

#include "arrs/v1/snapshot.pb.h"
#include "ledger/engine/ledger.h"
#include "ledger/engine/snapshot.h"
#include "ledger/engine/snapshot_verifier.h"
#include "ledger/store/event_log.h"
#include "ledger/store/log_format.h"
#include "tests/engine/ledger_fixture.h"
#include "tests/store/raw_rocks.h"

namespace arrs::testing_support {
namespace {

using ::testing::HasSubstr;

class SnapshotVerifyTest : public LedgerFixture {
 protected:
  // Two PCNs with staff, claims assessed (one reduced, some paid) and a reversed hire;
  // then a snapshot at the head, and the ledger closed without another.
  void BuildAndSnapshot() {
    absl::StatusOr<v1::CommandResult> wrong = TwoPcnsWithStaffAndAWrongHire();
    ASSERT_OK(wrong);
    for (int i = 0; i < 4; ++i) {
      const absl::CivilDay month(2021, 7 + i, 1);
      const std::string claim = FormatCivilDay(month).substr(0, 7);
      for (const char* pcn : {"U10001", "U10002"}) {
        ASSERT_OK(Claim(pcn, claim, ToProtoDate(month), {{"cp-1", 450000}, {"ap-1", 380000}}));
        absl::StatusOr<v1::CommandResult> assessed = Assess(pcn, claim);
        ASSERT_OK(assessed);
        if (i % 2 == 0 && assessed->assessment().total_approved_pence() > 0) {
          ASSERT_OK(Pay(pcn, claim, ToProtoDate(month + 40),
                        assessed->assessment().total_approved_pence()));
        }
      }
    }
    v1::CorrectRequest reverse;
    *reverse.mutable_header() = Header("hired on the wrong PCN");
    reverse.set_pcn_code("U10001");
    reverse.set_corrects_position(wrong->first_position());
    reverse.set_reverse(true);
    ASSERT_OK(ledger_->Correct("admin:alice", reverse));
    head_ = Head();
    ASSERT_OK(ledger_->WriteSnapshot());
    ledger_.reset();
  }

  // Rewrites the stored snapshot through RocksDB itself (as damage or a forger would):
  // parsed, changed by `change`, encoded again, so that every checksum holds.
  void Tamper(const std::function<void(v1::LedgerSnapshot&)>& change) {
    store::testing_util::RawRocks raw(dir_.string());
    const std::string key = store::SnapshotKey(engine::kLedgerSnapshot, head_);
    v1::LedgerSnapshot snapshot;
    ASSERT_TRUE(snapshot.ParseFromString(raw.Get(store::kSnapshotsFamily, key)));
    change(snapshot);
    raw.Put(store::kSnapshotsFamily, key, snapshot.SerializeAsString());
  }

  // The PCN stream's snapshot entry.
  static v1::StreamSnapshot& StreamOf(v1::LedgerSnapshot& s, const std::string& stream) {
    for (v1::StreamSnapshot& entry : *s.mutable_streams()) {
      if (entry.stream() == stream) return entry;
    }
    ADD_FAILURE() << "no stream " << stream;
    return *s.mutable_streams(0);
  }

  // What verifying the folder offline (opened read-only, as arrsctl verify --data does)
  // says about its snapshots.
  absl::StatusOr<uint64_t> VerifyOffline() {
    store::LogOptions options;
    options.read_only = true;
    options.create_if_missing = false;
    absl::StatusOr<std::unique_ptr<store::EventLog>> log =
        store::EventLog::Open(dir_.string(), options);
    if (!log.ok()) return log.status();
    return engine::VerifySnapshots(**log);
  }

  // Verify on a running ledger that did not restore the snapshot.
  v1::VerifyResponse VerifyOnline() {
    engine::LedgerOptions options;
    options.restore_snapshot = false;
    options.snapshot_on_close = false;
    Open(options);
    v1::VerifyResponse r = ledger_->Verify();
    ledger_.reset();
    return r;
  }

  uint64_t head_ = 0;
};

TEST_F(SnapshotVerifyTest, AnUntouchedSnapshotVerifies) {
  BuildAndSnapshot();
  absl::StatusOr<uint64_t> checked = VerifyOffline();
  ASSERT_OK(checked);
  EXPECT_EQ(*checked, 1u);
  const v1::VerifyResponse online = VerifyOnline();
  EXPECT_TRUE(online.ok()) << online.problem();
}

TEST_F(SnapshotVerifyTest, StreamsEncodedPastTheSnapshotPositionVerify) {
  // What a snapshot taken while commands commit holds: streams as at the head H, its
  // position P < H (see EncodeSnapshot). Not a lie: restoring it folds P+1..H once.
  BuildAndSnapshot();
  const uint64_t position = head_ - 3;
  std::string hash;
  {
    store::LogOptions options;
    options.read_only = true;
    hash = (*store::EventLog::Open(dir_.string(), options))->Get(position)->hash();
  }
  {
    store::testing_util::RawRocks raw(dir_.string());
    const std::string at_head = store::SnapshotKey(engine::kLedgerSnapshot, head_);
    v1::LedgerSnapshot snapshot;
    ASSERT_TRUE(snapshot.ParseFromString(raw.Get(store::kSnapshotsFamily, at_head)));
    snapshot.set_position(position);
    snapshot.set_hash(hash);
    snapshot.mutable_recorded_at_micros()->Truncate(static_cast<int>(position));
    raw.Delete(store::kSnapshotsFamily, at_head);
    raw.Put(store::kSnapshotsFamily, store::SnapshotKey(engine::kLedgerSnapshot, position),
            snapshot.SerializeAsString());
  }
  absl::StatusOr<uint64_t> checked = VerifyOffline();
  ASSERT_OK(checked);
  EXPECT_EQ(*checked, 1u);
}

TEST_F(SnapshotVerifyTest, SnapshotsWrittenWhileCommandsCommitVerify) {
  // Streams encoded a few at a time while a writer commits (some past the position).
  BuildAndSnapshot();
  Open();
  std::atomic<bool> done{false};
  std::thread writer([&] { ClaimMonthsThenSetDone(2022, 8, &done); });
  while (!done) {
    absl::StatusOr<uint64_t> at = ledger_->WriteSnapshot();
    EXPECT_OK(at);
    if (!at.ok()) break;
  }
  writer.join();
  const v1::VerifyResponse online = ledger_->Verify();
  EXPECT_TRUE(online.ok()) << online.problem();
  ledger_.reset();
  absl::StatusOr<uint64_t> checked = VerifyOffline();
  EXPECT_OK(checked);
}

TEST_F(SnapshotVerifyTest, ASnapshotWrittenAfterARestoreVerifies) {
  // A restored ledger takes ordinary events into cold streams' head models without
  // reading their events; the snapshot it writes at close must still be what they fold to.
  BuildAndSnapshot();
  engine::LedgerOptions options;
  options.warm_after_restore = false;
  Open(options);
  ASSERT_EQ(ledger_->startup().snapshot_position, head_);
  ASSERT_OK(Hire("U10002", "pa-1", v1::PHYSICIAN_ASSOCIATE, D(2022, 1, 1), kWholeTimeBp));
  ASSERT_OK(Claim("U10001", "2022-01", D(2022, 1, 1), {{"cp-1", 450000}}));
  const uint64_t written = Head();
  ledger_.reset();  // writes a snapshot at the new head
  absl::StatusOr<uint64_t> checked = VerifyOffline();
  ASSERT_OK(checked);
  EXPECT_EQ(*checked, 1u);
  store::LogOptions read_only;
  read_only.read_only = true;
  EXPECT_EQ((*store::EventLog::Open(dir_.string(), read_only))
                ->LatestSnapshot(engine::kLedgerSnapshot, written)
                ->position,
            written);
}

TEST_F(SnapshotVerifyTest, AChangedFigureIsNamedByPositionPcnAndField) {
  BuildAndSnapshot();
  Tamper([](v1::LedgerSnapshot& s) {
    v1::ClaimSnapshot* claim = StreamOf(s, "pcn/U10001").mutable_head()->mutable_claims(1);
    ASSERT_EQ(claim->claim_id(), "2021-08");
    claim->set_approved_total_pence(claim->approved_total_pence() + 1);  // one penny more
  });
  const std::string expected =
      absl::StrCat("snapshot at position ", head_,
                   ": PCN U10001 (pcn/U10001): claims[2021-08].approved_total_pence: "
                   "the snapshot says ");
  absl::StatusOr<uint64_t> offline = VerifyOffline();
  EXPECT_EQ(offline.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(offline.status().message(), HasSubstr(expected));
  EXPECT_THAT(offline.status().message(), HasSubstr("the events fold to "));
  const v1::VerifyResponse online = VerifyOnline();
  EXPECT_FALSE(online.ok());
  EXPECT_EQ(online.first_bad_position(), 0u);
  EXPECT_THAT(online.problem(), HasSubstr(expected));
}

TEST_F(SnapshotVerifyTest, EveryKindOfLieIsNamed) {
  BuildAndSnapshot();
  struct Case {
    std::function<void(v1::LedgerSnapshot&)> change;
    std::string says;
  };
  const std::vector<Case> cases = {
      {[](v1::LedgerSnapshot& s) { s.set_hash(std::string(32, 'x')); }, "hash at position"},
      {[](v1::LedgerSnapshot& s) { s.set_format(99); }, "format 99"},
      {[](v1::LedgerSnapshot& s) {
         const int last = s.recorded_at_micros_size() - 1;
         s.set_recorded_at_micros(last, s.recorded_at_micros(last) + 1);
       },
       "the recorded time of position "},
      {[](v1::LedgerSnapshot& s) { StreamOf(s, "pcn/U10002").set_version(3); },
       "PCN U10002 (pcn/U10002): version 3"},
      {[](v1::LedgerSnapshot& s) {
         s.mutable_streams()->DeleteSubrange(1, 1);  // pcn/U10002
       },
       "stream pcn/U10002 has"},
      {[](v1::LedgerSnapshot& s) { StreamOf(s, "pcn/U10002").mutable_head()->set_name("Other"); },
       "PCN U10002 (pcn/U10002): name: the snapshot says \"Other\", the events fold to "
       "\"PCN U10002\""},
      {[](v1::LedgerSnapshot& s) {
         StreamOf(s, "pcn/U10001").mutable_head()->mutable_staff()->RemoveLast();
       },
       "]: in what the events fold to, not in the snapshot"},
      {[](v1::LedgerSnapshot& s) {
         StreamOf(s, "pcn/U10002").mutable_head()->mutable_claims(0)->set_paid_pence(1);
       },
       "PCN U10002 (pcn/U10002): claims[2021-07].paid_pence"},
  };
  std::string original;
  {
    store::testing_util::RawRocks raw(dir_.string());
    original = raw.Get(store::kSnapshotsFamily, store::SnapshotKey(engine::kLedgerSnapshot, head_));
  }
  for (const Case& c : cases) {
    Tamper(c.change);
    absl::StatusOr<uint64_t> checked = VerifyOffline();
    EXPECT_EQ(checked.status().code(), absl::StatusCode::kDataLoss) << c.says;
    EXPECT_THAT(checked.status().message(),
                HasSubstr(absl::StrCat("snapshot at position ", head_)));
    EXPECT_THAT(checked.status().message(), HasSubstr(c.says));
    store::testing_util::RawRocks raw(dir_.string());
    raw.Put(store::kSnapshotsFamily, store::SnapshotKey(engine::kLedgerSnapshot, head_), original);
  }
  EXPECT_OK(VerifyOffline());
}

}  // namespace
}  // namespace arrs::testing_support
