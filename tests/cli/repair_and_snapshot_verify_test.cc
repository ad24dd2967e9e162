// Issue 23, the end-to-end side: `arrsctl verify --data` names a snapshot that lies about
// a PCN; `arrsctl repair-index --data` refuses a folder arrsd is running on, rebuilds a
// damaged streams index from the events (printing each change), is idempotent, and
// afterwards verify passes and arrsd serves the PCNs again.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "arrs/v1/snapshot.pb.h"
#include "ledger/store/log_format.h"
#include "rocksdb/db.h"
#include "tests/cli/process_harness.h"
#include "tests/store/raw_rocks.h"

namespace arrs::cli_test {
namespace {

using store::testing_util::RawRocks;

constexpr char kAdmin[] = "demo-admin-token";
constexpr char kAuditor[] = "demo-auditor-token";

class RepairAndSnapshotVerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    data_ = dir_ + "/data";
    Server server;
    ASSERT_TRUE(server.Start(dir_)) << "arrsd did not start";
    RunResult demo = RunArrsctl({"demo"}, server.address(), kAdmin);
    ASSERT_EQ(demo.code, 0) << demo.err;
  }  // stopped: arrsd writes a snapshot at the head as it stops
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Starts arrsd on the folder again (the port file of the previous run removed first, so
  // that Start waits for the new one).
  bool Restart(Server& server) {
    std::filesystem::remove(dir_ + "/port");
    return server.Start(dir_);
  }

  // Adds £1 to the claimed total of U10001's first claim in the newest snapshot (a
  // snapshot lying about a PCN); returns the snapshot's key and its original bytes.
  std::pair<std::string, std::string> TamperNewestSnapshot() {
    std::string key, original;
    RawRocks raw(data_);
    std::unique_ptr<rocksdb::Iterator> it(
        raw.db()->NewIterator(rocksdb::ReadOptions(), raw.cf(store::kSnapshotsFamily)));
    it->SeekToLast();
    EXPECT_TRUE(it->Valid()) << "arrsd wrote no snapshot";
    if (!it->Valid()) return {};
    key = it->key().ToString();
    original = it->value().ToString();
    it.reset();
    v1::LedgerSnapshot snapshot;
    EXPECT_TRUE(snapshot.ParseFromString(original));
    bool changed = false;
    for (v1::StreamSnapshot& s : *snapshot.mutable_streams()) {
      if (s.stream() != "pcn/U10001" || s.head().claims_size() == 0) continue;
      v1::ClaimSnapshot* claim = s.mutable_head()->mutable_claims(0);
      claim->set_claimed_total_pence(claim->claimed_total_pence() + 100);
      changed = true;
    }
    EXPECT_TRUE(changed) << "no claim of U10001 in the snapshot";
    raw.Put(store::kSnapshotsFamily, key, snapshot.SerializeAsString());
    return {key, original};
  }

  RunResult VerifyData() { return RunArrsctl({"verify", "--data", data_}, "", ""); }

  std::string dir_, data_;
};

TEST_F(RepairAndSnapshotVerifyTest, VerifyNamesASnapshotThatLiesAboutAPcn) {
  ASSERT_EQ(VerifyData().code, 0) << VerifyData().out;
  const auto [key, original] = TamperNewestSnapshot();
  RunResult verify = VerifyData();
  EXPECT_EQ(verify.code, 1) << verify.out;
  ExpectHasAll(verify.out, {"BROKEN", "snapshot at position ", "PCN U10001 (pcn/U10001): claims[",
                            "].claimed_total_pence: the snapshot says "});
  {
    RawRocks raw(data_);
    raw.Put(store::kSnapshotsFamily, key, original);
  }
  verify = VerifyData();
  EXPECT_EQ(verify.code, 0) << verify.out;
}

TEST_F(RepairAndSnapshotVerifyTest, RepairIndexRebuildsADamagedStreamsIndex) {
  {
    // Refused while arrsd holds the folder, and nothing is written.
    Server server;
    ASSERT_TRUE(Restart(server)) << "arrsd did not start";
    RunResult refused = RunArrsctl({"repair-index", "--data", data_}, "", "");
    EXPECT_EQ(refused.code, 1);
    EXPECT_TRUE(Has(refused.err, "is in use")) << refused.err;
  }
  {
    RawRocks raw(data_);
    raw.Delete(store::kStreamsFamily, store::StreamKey("pcn/U10001", 2));
    raw.Delete(store::kStreamsFamily, store::StreamKey("pcn/U10001", 3));
    raw.Put(store::kStreamsFamily, store::StreamKey("pcn/U10002", 1), store::EncodeU64(1));
    raw.Put(store::kStreamsFamily, store::StreamKey("pcn/U99999", 1), store::EncodeU64(2));
  }
  RunResult broken = VerifyData();
  EXPECT_EQ(broken.code, 1);
  EXPECT_TRUE(Has(broken.out, "streams index")) << broken.out;

  RunResult repaired = RunArrsctl({"repair-index", "--data", data_}, "", "");
  ASSERT_EQ(repaired.code, 0) << repaired.err;
  ExpectHasAll(repaired.out, {"REPAIRED", "streams   2 added, 1 removed, 1 rewritten",
                              "streams: added pcn/U10001 version 2 -> position ",
                              "streams: removed pcn/U99999 version 1",
                              "requests  0 added, 0 removed, 0 rewritten"});

  RunResult verify = VerifyData();
  EXPECT_EQ(verify.code, 0) << verify.out;
  EXPECT_TRUE(Has(verify.out, "OK")) << verify.out;
  RunResult again = RunArrsctl({"repair-index", "--data", data_}, "", "");
  EXPECT_EQ(again.code, 0) << again.err;
  EXPECT_TRUE(Has(again.out, "OK, nothing to repair")) << again.out;

  // arrsd serves the PCNs from the repaired folder (the audit trail reads each stream's
  // events through the index).
  Server server;
  ASSERT_TRUE(Restart(server)) << "arrsd did not start";
  for (const char* pcn : {"U10001", "U10002"}) {
    RunResult audit = RunArrsctl({"audit", pcn, "--json"}, server.address(), kAuditor);
    EXPECT_EQ(audit.code, 0) << pcn << ": " << audit.err;
    EXPECT_TRUE(Has(audit.out, "\"staff_hired\"")) << audit.out.substr(0, 400);
  }
}

TEST_F(RepairAndSnapshotVerifyTest, RepairIndexRemovesSnapshotsThatFailVerify) {
  std::string balance_before;
  {
    Server server;
    ASSERT_TRUE(Restart(server)) << "arrsd did not start";
    RunResult balance = RunArrsctl({"balance", "U10001", "--year", "2023/24", "--json"},
                                   server.address(), kAuditor);
    ASSERT_EQ(balance.code, 0) << balance.err;
    balance_before = balance.out;
  }  // stopped: a snapshot at the head again
  TamperNewestSnapshot();
  ASSERT_EQ(VerifyData().code, 1);

  RunResult repaired = RunArrsctl({"repair-index", "--data", data_}, "", "");
  ASSERT_EQ(repaired.code, 0) << repaired.err;
  ExpectHasAll(repaired.out,
               {"REPAIRED", "snapshots: all removed", "PCN U10001 (pcn/U10001): claims[",
                "streams   0 added, 0 removed, 0 rewritten"});
  {
    RawRocks raw(data_);
    std::unique_ptr<rocksdb::Iterator> it(
        raw.db()->NewIterator(rocksdb::ReadOptions(), raw.cf(store::kSnapshotsFamily)));
    it->SeekToFirst();
    EXPECT_FALSE(it->Valid()) << "a snapshot is left: " << it->key().ToString();
  }
  RunResult verify = VerifyData();
  EXPECT_EQ(verify.code, 0) << verify.out;
  RunResult again = RunArrsctl({"repair-index", "--data", data_, "--json"}, "", "");
  EXPECT_EQ(again.code, 0) << again.err;
  EXPECT_TRUE(Has(again.out, "\"changed\": false")) << again.out;
  EXPECT_TRUE(Has(again.out, "\"snapshots_removed\": false")) << again.out;

  // arrsd starts by folding the log and serves the PCN as before the damage.
  Server server;
  ASSERT_TRUE(Restart(server)) << "arrsd did not start";
  RunResult balance = RunArrsctl({"balance", "U10001", "--year", "2023/24", "--json"},
                                 server.address(), kAuditor);
  ASSERT_EQ(balance.code, 0) << balance.err;
  EXPECT_EQ(balance.out, balance_before);
}

}  // namespace
}  // namespace arrs::cli_test
