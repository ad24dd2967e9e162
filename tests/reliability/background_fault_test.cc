// Storage faults outside the write-ahead log under a serving arrsd (docs/RELIABILITY.md
// section 5): SST write errors and a full disk under a flush and a compaction, MANIFEST
// write errors, a non-retryable error RocksDB cannot resume from, and read errors on the
// SST blocks of a stream restored from a snapshot (its events are read on first use).
// Every command is acknowledged or refused cleanly, reads keep working, writing resumes
// once the fault clears (or, for a fatal error, after a reopen), and nothing acknowledged
// is lost or duplicated.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ledger/store/rocks_event_log.h"
#include "services/metrics.h"
#include "tests/reliability/storage_fault_fixture.h"

namespace arrs::testing_support {
namespace {

class BackgroundFaultServerTest : public StorageFaultFixture {
 protected:
  BackgroundFaultServerTest() {
    // Streams restored from a snapshot stay cold until a query needs their events.
    ledger_options_.warm_after_restore = false;
  }

  void HireOrRefuse(const std::string& id, const char* fault) {
    const v1::HireStaffRequest r = Hire("U40001", id);
    v1::CommandResult out;
    const grpc::Status s = Send(r, &out);
    if (s.ok()) {
      acknowledged_[id] = out.first_position();
    } else {
      ExpectFaultStatus(s, fault);
      refused_.push_back(r);
    }
  }

  void HireSome(const std::string& prefix, int n) {
    for (int i = 0; i < n; ++i) {
      const std::string id = absl::StrCat(prefix, i);
      v1::CommandResult out;
      ASSERT_TRUE(Send(Hire("U40001", id), &out).ok());
      acknowledged_[id] = out.first_position();
    }
  }

  static void UntilOk(const std::function<absl::Status()>& step) {
    absl::Status s;
    for (int attempt = 0; attempt < 400 && !(s = step()).ok(); ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    EXPECT_TRUE(s.ok()) << "never succeeded after the fault cleared: " << s;
  }

  // A fault under one flush or compaction: the step fails naming it; commands meanwhile are
  // acknowledged or refused cleanly; reads work; after it clears every refused command,
  // retried with its own request id, is applied once.
  // `tag` names the hires; some are written first, for the flush or compaction to write.
  void FaultUnder(const std::string& name, const std::string& tag,
                  const std::function<absl::Status()>& step, const char* fault, unsigned kinds,
                  const std::function<void()>& set_fault) {
    absl::Status failed;
    int injected = 0;
    for (int attempt = 0; attempt < 5; ++attempt) {
      HireSome(absl::StrCat(tag, "-pre-", attempt, "-"), 2);
      set_fault();
      injected = fs_->injected(kinds);
      failed = step();
      if (!failed.ok() || fs_->injected(kinds) > injected) break;
      // Nothing was left for the step to write: RocksDB's own recovery from the previous
      // fault flushed in the background and took the events first (seen in CI). Again,
      // with new events.
      fs_->Clear();
    }
    std::printf("[ fault ] %s -> %s\n", name.c_str(), failed.ToString().c_str());
    EXPECT_EQ(failed.code(), absl::StatusCode::kUnavailable) << name << ": " << failed;
    EXPECT_NE(failed.message().find(fault), std::string::npos) << failed;
    EXPECT_GT(fs_->injected(kinds), injected) << name;
    refused_.clear();
    for (int i = 0; i < 4; ++i) HireOrRefuse(absl::StrCat(tag, "-", i), fault);
    std::printf("[ measured ] %s: %zu of 4 hires refused while it lasted\n", name.c_str(),
                refused_.size());
    EXPECT_EQ(StaffInPost(), static_cast<int>(acknowledged_.size()));
    EXPECT_TRUE(VerifyRpc().ok());
    fs_->Clear();
    for (const v1::HireStaffRequest& r : refused_) {
      const v1::CommandResult result = SendUntilAcknowledged(r);
      EXPECT_FALSE(result.deduplicated());
      acknowledged_[r.header().request_id()] = result.first_position();
    }
    UntilOk(step);
    EXPECT_EQ(StaffInPost(), static_cast<int>(acknowledged_.size()));
  }

  // The audit trail of U40001 (its events, read from the log on first use after a restore).
  grpc::Status AuditTrail(v1::AuditTrail* out) {
    v1::AuditRequest r;
    r.set_pcn_code("U40001");
    return queries_->GetAuditTrail(Ctx(kAdmin).get(), r, out);
  }

  // Subscribe from position 1 (catch-up reads the log from SST files): the status the
  // stream ends with, after reading at most `want` events (then it is cancelled).
  grpc::Status SubscribeFromStart(int want, int* got) {
    std::unique_ptr<grpc::ClientContext> context = Ctx(kAdmin);
    v1::SubscribeRequest request;
    request.set_from_position(1);
    std::unique_ptr<grpc::ClientReader<v1::Event>> reader =
        admin_->Subscribe(context.get(), request);
    v1::Event event;
    *got = 0;
    while (*got < want && reader->Read(&event)) ++*got;
    if (*got == want) context->TryCancel();
    return reader->Finish();
  }

  store::EventLog& log() { return ledger_->log(); }

  std::map<std::string, uint64_t> acknowledged_;
  std::vector<v1::HireStaffRequest> refused_;
};

// DISABLED: it can hang inside RocksDB 7.8 (seen 2026-12-05, once in 7 local runs): a
// flush job meeting a new retryable error calls SetBGError, which joins the previous
// auto-recovery thread, while that thread waits in ResumeImpl for the same flush job to
// finish (WaitForBackgroundWork). Five faults in a row on one folder make it likely; the
// store-level BackgroundFaultTest covers the same faults one folder each. The fix is in the
// log (RocksDB's auto-recovery off, max_bgerror_resume_count = 0, and the log resuming
// itself), issue 23; enable this test with it. Run by hand:
//   build/tests/reliability_tests --gtest_also_run_disabled_tests
//     --gtest_filter='BackgroundFaultServerTest.DISABLED_Flush*'
TEST_F(BackgroundFaultServerTest, DISABLED_FlushCompactionAndManifestFaultsLoseNothingAndResume) {
  RegisterTwoPcns();
  HireSome("before-", 3);
  auto flush = [&] { return store::FlushLog(log()); };
  auto compact = [&] { return store::CompactLog(log()); };
  FaultUnder("SST write error under a flush", "sst-flush", flush, kInjectedWriteError, kSstFile,
             [&] { fs_->FailWrites(kSstFile); });
  FaultUnder("disk full under a flush", "full-flush", flush, kInjectedNoSpace, kSstFile,
             [&] { fs_->DiskFullAfter(100, kSstFile); });
  FaultUnder("MANIFEST write error under a flush", "manifest", flush, kInjectedWriteError,
             kManifestFile, [&] { fs_->FailWrites(kManifestFile); });
  // Compactions need files to compact: one more flush makes at least two.
  FaultUnder("SST write error under a compaction", "sst-compact", compact, kInjectedWriteError,
             kSstFile, [&] {
               ASSERT_TRUE(store::FlushLog(log()).ok());
               fs_->FailWrites(kSstFile);
             });
  HireSome("again-", 2);
  FaultUnder("disk full under a compaction", "full-compact", compact, kInjectedNoSpace, kSstFile,
             [&] {
               ASSERT_TRUE(store::FlushLog(log()).ok());
               fs_->DiskFullAfter(100, kSstFile);
             });
  ReopenAndCheck(acknowledged_, Head());
}

// RocksDB's fatal background error: writes are refused for good, naming the cause and the
// remedy, queries and Verify keep answering, and a restart on the same folder resumes.
TEST_F(BackgroundFaultServerTest, NonRetryableFlushErrorRefusesWritesUntilRestart) {
  RegisterTwoPcns();
  HireSome("before-", 3);
  const uint64_t head = Head();
  EXPECT_NE(services::RenderMetrics(*ledger_, {}).find("arrs_log_writing_stopped 0"),
            std::string::npos);
  fs_->SetRetryable(false);
  fs_->FailWrites(kSstFile);
  EXPECT_FALSE(store::FlushLog(log()).ok());
  fs_->Clear();  // the disk is fine again, but RocksDB does not resume
  for (int i = 0; i < 3; ++i) {
    v1::CommandResult out;
    const grpc::Status s = Send(Hire("U40001", absl::StrCat("refused-", i)), &out);
    ExpectFaultStatus(s, "the event log stopped writing");
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
    EXPECT_NE(s.error_message().find(kInjectedWriteError), std::string::npos) << s.error_message();
    EXPECT_NE(s.error_message().find("reopen"), std::string::npos) << s.error_message();
  }
  EXPECT_EQ(Head(), head);
  // Monitoring sees it: the gauge (and /readyz, from the same WritingStopped).
  EXPECT_EQ(ledger_->WritingStopped().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(services::RenderMetrics(*ledger_, {}).find("arrs_log_writing_stopped 1"),
            std::string::npos);
  EXPECT_EQ(StaffInPost(), 3);
  EXPECT_TRUE(VerifyRpc().ok());
  v1::AuditTrail trail;
  EXPECT_TRUE(AuditTrail(&trail).ok());

  StopServer();
  fs_->SetRetryable(true);
  StartServer();
  HireSome("after-restart-", 2);
  ReopenAndCheck(acknowledged_, Head());
}

// After a restart from the snapshot, U40001's events are not in memory: its audit trail
// reads them from SST files. With those reads failing (an I/O error, then a damaged
// block) the query answers UNAVAILABLE / DATA_LOSS naming the stream, the server keeps
// serving, and the same query succeeds once the fault clears.
TEST_F(BackgroundFaultServerTest, SstReadErrorOnARestoredStreamNamesItAndPassesOnceCleared) {
  RegisterTwoPcns();
  HireSome("before-", 30);
  v1::CommandResult out;
  ASSERT_TRUE(Send(Hire("U40002", "last"), &out).ok());
  acknowledged_["last"] = out.first_position();
  ASSERT_TRUE(store::FlushLog(log()).ok());
  for (bool corrupt : {false, true}) {
    StopServer();  // writes a snapshot; the restart restores from it
    StartServer();
    ASSERT_GT(ledger_->ColdStreams(), 0u);
    fs_->FailSstReads(corrupt);
    v1::AuditTrail trail;
    const grpc::Status s = AuditTrail(&trail);
    std::printf("[ fault ] audit trail, %s -> %d %s\n", corrupt ? "damaged block" : "read error",
                s.error_code(), s.error_message().c_str());
    EXPECT_EQ(s.error_code(),
              corrupt ? grpc::StatusCode::DATA_LOSS : grpc::StatusCode::UNAVAILABLE);
    EXPECT_NE(s.error_message().find("pcn/U40001"), std::string::npos) << s.error_message();
    // The server stays up: projections held in memory, the PCN list.
    EXPECT_EQ(StaffInPost(), 30);
    v1::ListPcnsResponse pcns;
    EXPECT_TRUE(queries_->ListPcns(Ctx(kAdmin).get(), v1::ListPcnsRequest(), &pcns).ok());
    // Subscribe's catch-up fails too (positional reads name no stream) and ends the call.
    int got = 0;
    const grpc::Status subscribed = SubscribeFromStart(5, &got);
    std::printf("[ fault ] subscribe, %s -> %d %s\n", corrupt ? "damaged block" : "read error",
                subscribed.error_code(), subscribed.error_message().c_str());
    EXPECT_EQ(got, 0);
    EXPECT_EQ(subscribed.error_code(),
              corrupt ? grpc::StatusCode::DATA_LOSS : grpc::StatusCode::UNAVAILABLE);
    fs_->Clear();
    EXPECT_EQ(SubscribeFromStart(5, &got).error_code(), grpc::StatusCode::CANCELLED);
    EXPECT_EQ(got, 5);
    const grpc::Status again = AuditTrail(&trail);
    ASSERT_TRUE(again.ok()) << again.error_message();
    EXPECT_GE(trail.entries_size(), 30);
  }
  ReopenAndCheck(acknowledged_, Head());
}

}  // namespace
}  // namespace arrs::testing_support
