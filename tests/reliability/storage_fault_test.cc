// Storage faults under a serving arrsd (in-process server, Ledger on a RocksDB file system
// that fails WAL writes or syncs on demand): a failed append is not acknowledged, the
// caller gets UNAVAILABLE or INTERNAL naming the fault, reads keep working, writing resumes
// when the fault clears, and nothing is lost or duplicated, also after a reopen.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "rocksdb/env.h"
#include "tests/reliability/acknowledged_check.h"
#include "tests/store/faulty_file_system.h"
#include "tests/services/server_fixture.h"

namespace arrs::testing_support {
namespace {

class StorageFaultTest : public ServerFixture {
 protected:
  StorageFaultTest()
      : fs_(std::make_shared<FaultyFileSystem>()), env_(rocksdb::NewCompositeEnv(fs_)) {
    ledger_options_.log.env = env_.get();
  }

  static v1::HireStaffRequest Hire(const std::string& pcn, const std::string& id) {
    v1::HireStaffRequest r;
    r.mutable_header()->set_request_id(id);
    r.set_pcn_code(pcn);
    r.set_staff_id(id);  // the staff id names the request, to count events per request
    r.set_role(v1::CARE_COORDINATOR);
    r.set_employment_model(v1::LEAD_PRACTICE);
    *r.mutable_hire_date() = Day(2023, 4, 1);
    r.set_wte_bp(5000);
    r.set_annual_salary_pence(2500000);
    return r;
  }

  grpc::Status Send(const v1::HireStaffRequest& r, v1::CommandResult* out) {
    return commands_->HireStaff(Ctx(kAdmin).get(), r, out);
  }

  // A fault reaches the caller as UNAVAILABLE or INTERNAL with a message naming it.
  static void ExpectFaultStatus(const grpc::Status& s, const std::string& fault) {
    static std::set<std::string> shown;  // print each kind of failure once, for the docs
    if (shown.insert(fault).second) {
      std::printf("[ fault ] %s -> %d %s\n", fault.c_str(), s.error_code(),
                  s.error_message().c_str());
      std::fflush(stdout);  // before any fork duplicates the buffer
    }
    EXPECT_TRUE(s.error_code() == grpc::StatusCode::UNAVAILABLE ||
                s.error_code() == grpc::StatusCode::INTERNAL)
        << s.error_code() << " " << s.error_message();
    EXPECT_NE(s.error_message().find(fault), std::string::npos) << s.error_message();
  }

  // Staff in post at U40001 on 1 May 2023 (a projection served from memory).
  int StaffInPost() {
    v1::WorkforceRequest r;
    r.set_pcn_code("U40001");
    *r.mutable_as_of() = Day(2023, 5, 1);
    v1::Workforce out;
    grpc::Status s = queries_->GetWorkforce(Ctx(kAdmin).get(), r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out.staff_size();
  }

  // The Verify RPC (reads the whole log from RocksDB).
  v1::VerifyResponse VerifyRpc() {
    v1::VerifyResponse out;
    grpc::Status s = admin_->Verify(Ctx(kAdmin).get(), v1::VerifyRequest(), &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  // Sends `r` until it is acknowledged (the fault has cleared; RocksDB resumes in the
  // background, retrying every 100 ms). Bounded: at most 400 attempts 25 ms apart.
  v1::CommandResult SendUntilAcknowledged(const v1::HireStaffRequest& r) {
    v1::CommandResult out;
    grpc::Status s;
    for (int attempt = 0; attempt < 400; ++attempt) {
      s = Send(r, &out);
      if (s.ok()) return out;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    ADD_FAILURE() << "writing never resumed: " << s.error_message();
    return out;
  }

  // Closes server and ledger, reopens the folder with the default file system and checks
  // that every acknowledged request is at its position, every hire once, chain intact.
  void ReopenAndCheck(const std::map<std::string, uint64_t>& acknowledged,
                      uint64_t expected_head) {
    StopServer();
    absl::StatusOr<std::unique_ptr<engine::Ledger>> reopened = engine::Ledger::Open(dir_.string());
    ASSERT_TRUE(reopened.ok()) << reopened.status();
    ExpectExactlyTheAcknowledgedHires((*reopened)->log(), acknowledged, expected_head);
  }

  std::shared_ptr<FaultyFileSystem> fs_;
  std::unique_ptr<rocksdb::Env> env_;
};

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
