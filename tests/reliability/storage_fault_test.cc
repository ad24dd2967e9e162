// Storage faults under a serving arrsd (in-process server, Ledger on a RocksDB file system
// that fails WAL writes or syncs on demand): a failed append is not acknowledged, the
// caller gets UNAVAILABLE or INTERNAL naming the fault, reads keep working, writing resumes
// when the fault clears, and nothing is lost or duplicated, also after a reopen.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/reliability/storage_fault_fixture.h"

namespace arrs::testing_support {
namespace {

// The fixture's name is the suite's (docs/RELIABILITY.md names the tests).
class StorageFaultTest : public StorageFaultFixture {};

TEST_F(StorageFaultTest, DiskFullFailsTheAppendKeepsReadsAndResumesWhenSpaceReturns) {
  RegisterTwoPcns();
  std::map<std::string, uint64_t> acknowledged;
  v1::CommandResult out;
  for (int i = 0; i < 3; ++i) {
    const v1::HireStaffRequest r = Hire("U40001", absl::StrCat("before-", i));
    ASSERT_TRUE(Send(r, &out).ok());
    acknowledged[r.header().request_id()] = out.first_position();
  }

  // The disk fills up part-way: a few appends fit, then one does not.
  fs_->DiskFullAfter(2000);
  std::vector<v1::HireStaffRequest> failed;
  int fitted = 0;
  for (int i = 0; i < 100 && failed.empty(); ++i) {
    const v1::HireStaffRequest r = Hire("U40001", absl::StrCat("filling-", i));
    grpc::Status s = Send(r, &out);
    if (s.ok()) {
      acknowledged[r.header().request_id()] = out.first_position();
      ++fitted;
    } else {
      ExpectFaultStatus(s, kInjectedNoSpace);
      failed.push_back(r);
    }
  }
  ASSERT_EQ(failed.size(), 1u) << "the disk never filled up";
  EXPECT_GE(fitted, 1) << "the budget should have held at least one append";
  const uint64_t head = Head();

  // While the disk is full, concurrent writers all fail and nothing moves.
  std::vector<grpc::Status> statuses(4);
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    failed.push_back(Hire(w % 2 ? "U40001" : "U40002", absl::StrCat("while-full-", w)));
    writers.emplace_back([&, w, r = failed.back()] {
      auto stub = v1::CommandService::NewStub(channel_);
      v1::CommandResult ignored;
      statuses[w] = stub->HireStaff(Ctx(kAdmin).get(), r, &ignored);
    });
  }
  for (std::thread& t : writers) t.join();
  for (const grpc::Status& s : statuses) ExpectFaultStatus(s, kInjectedNoSpace);
  EXPECT_GT(fs_->injected(), 0);
  EXPECT_EQ(Head(), head);

  // The server stays up for reads: projections, the chain, the PCN list.
  EXPECT_EQ(StaffInPost(), static_cast<int>(acknowledged.size()));
  const v1::VerifyResponse verified = VerifyRpc();
  EXPECT_TRUE(verified.ok()) << verified.problem();
  EXPECT_EQ(verified.head_position(), head);
  v1::ListPcnsResponse pcns;
  ASSERT_TRUE(queries_->ListPcns(Ctx(kAdmin).get(), v1::ListPcnsRequest(), &pcns).ok());
  EXPECT_EQ(pcns.pcns_size(), 2);

  // Space returns: every failed request, retried with its own request id, goes through
  // once (it was never written, so it is not a duplicate) at the next dense position.
  fs_->Clear();
  uint64_t next = head + 1;
  for (const v1::HireStaffRequest& r : failed) {
    const v1::CommandResult result = SendUntilAcknowledged(r);
    EXPECT_FALSE(result.deduplicated()) << r.header().request_id();
    EXPECT_EQ(result.first_position(), next++);
    acknowledged[r.header().request_id()] = result.first_position();
  }
  // A second retry is answered from the first result and writes nothing.
  ASSERT_TRUE(Send(failed.front(), &out).ok());
  EXPECT_TRUE(out.deduplicated());
  EXPECT_EQ(out.first_position(), acknowledged[failed.front().header().request_id()]);
  EXPECT_EQ(Head(), next - 1);
  EXPECT_EQ(StaffInPost(), 3 + fitted + 3);  // the U40001 hires (2 of 4 writers were U40002)
  ReopenAndCheck(acknowledged, next - 1);
}

TEST_F(StorageFaultTest, FailedSyncIsNotAcknowledgedAndNeverResurfaces) {
  RegisterTwoPcns();
  std::map<std::string, uint64_t> acknowledged;
  v1::CommandResult out;
  const v1::HireStaffRequest first = Hire("U40001", "synced-0");
  ASSERT_TRUE(Send(first, &out).ok());
  acknowledged["synced-0"] = out.first_position();
  const uint64_t head = Head();

  // fsync fails: the batch's bytes may sit in the WAL file, but it is not acknowledged.
  fs_->FailSyncs();
  // The first failed request (its bytes reached the WAL file) is one its client gives up
  // on: it is never retried. The second is retried later.
  ExpectFaultStatus(Send(Hire("U40001", "abandoned"), &out), kInjectedSyncError);
  const v1::HireStaffRequest unsynced = Hire("U40001", "unsynced");
  ExpectFaultStatus(Send(unsynced, &out), kInjectedSyncError);
  EXPECT_GT(fs_->injected(), 0);
  EXPECT_EQ(Head(), head);
  EXPECT_EQ(StaffInPost(), 1);
  EXPECT_TRUE(VerifyRpc().ok());

  // Once syncs work again, a different request takes the position the failed one would
  // have had; the failed request is unknown to the log, and its retry lands after it.
  fs_->Clear();
  const v1::HireStaffRequest other = Hire("U40001", "after-fault");
  v1::CommandResult result = SendUntilAcknowledged(other);
  EXPECT_EQ(result.first_position(), head + 1);
  acknowledged["after-fault"] = result.first_position();
  absl::StatusOr<std::optional<store::AppendResult>> lookup =
      ledger_->log().FindRequest("pcn/U40001", "unsynced");
  ASSERT_TRUE(lookup.ok());
  EXPECT_FALSE(lookup->has_value()) << "an unacknowledged request is in the request index";
  result = SendUntilAcknowledged(unsynced);
  EXPECT_FALSE(result.deduplicated());
  EXPECT_EQ(result.first_position(), head + 2);
  acknowledged["unsynced"] = result.first_position();
  EXPECT_EQ(StaffInPost(), 3);

  // After a reopen (the WAL replayed), the unsynced bytes must not come back in place of
  // what was acknowledged, nor the abandoned request be remembered.
  ReopenAndCheck(acknowledged, head + 2);
  absl::StatusOr<std::unique_ptr<engine::Ledger>> reopened = engine::Ledger::Open(dir_.string());
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  absl::StatusOr<std::optional<store::AppendResult>> abandoned =
      (*reopened)->log().FindRequest("pcn/U40001", "abandoned");
  ASSERT_TRUE(abandoned.ok());
  EXPECT_FALSE(abandoned->has_value())
      << "a request that was never acknowledged is remembered at position "
      << (*abandoned)->first_position;
}

}  // namespace
}  // namespace arrs::testing_support
