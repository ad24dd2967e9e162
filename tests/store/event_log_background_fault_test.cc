// Storage faults outside the write-ahead log (docs/RELIABILITY.md section 5): errors and a
// full disk while RocksDB writes SST files (a flush, a compaction), MANIFEST and CURRENT
// write errors, and read errors on SST blocks. For each: a write either commits and is
// acknowledged or is refused cleanly (UNAVAILABLE naming the fault), reads keep working,
// the log writes again once the fault clears, and after a reopen the chain verifies and
// every acknowledged request is there once.
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ledger/store/event_log.h"
#include "ledger/store/rocks_event_log.h"
#include "rocksdb/env.h"
#include "tests/store/faulty_file_system.h"
#include "tests/store/store_test_util.h"

namespace arrs::store {
namespace {

using ::testing::HasSubstr;
using testing_support::FaultyFileSystem;
using testing_support::kCurrentFile;
using testing_support::kInjectedNoSpace;
using testing_support::kInjectedReadError;
using testing_support::kInjectedWriteError;
using testing_support::kManifestFile;
using testing_support::kSstFile;
using testing_util::MakeRequest;
using testing_util::TempDir;

// The background step a fault hits: a flush after ten requests, or a compaction after three
// rounds of ten, each flushed.
enum class Step { kFlush, kCompaction };

// A retryable write fault under one step (FaultUnder): a test of its own, named
// BackgroundFaultTest.<name>.
struct StepFault {
  const char* name;
  Step step;
  bool disk_full;        // NoSpace after 100 bytes, else write errors
  unsigned kinds;        // the files it hits
  const char* measured;  // when set, prints the writes refused "after <measured>"
};
void PrintTo(const StepFault& fault, std::ostream* os) { *os << fault.name; }

class BackgroundFaultTest : public ::testing::TestWithParam<StepFault> {
 protected:
  BackgroundFaultTest()
      : fs_(std::make_shared<FaultyFileSystem>()), env_(rocksdb::NewCompositeEnv(fs_)) {}

  void Open() {
    auto opened = OpenRocksEventLog(dir_.path(), LogOptions(), env_.get());
    ASSERT_TRUE(opened.ok()) << opened.status();
    log_ = *std::move(opened);
  }

  // Appends one request; remembers it when acknowledged. A refusal must be clean:
  // UNAVAILABLE naming `fault`.
  bool Write(const std::string& id, const char* fault = nullptr) {
    absl::StatusOr<AppendResult> r = log_->Append(MakeRequest(Stream(id), id, 2));
    if (r.ok()) {
      EXPECT_FALSE(r->deduplicated) << id;
      acknowledged_[id] = r->first_position;
      return true;
    }
    Show(fault == nullptr ? "append" : fault, r.status());
    EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
    if (fault != nullptr) {
      EXPECT_THAT(r.status().message(), HasSubstr(fault));
    }
    return false;
  }
  static std::string Stream(const std::string& id) { return absl::StrCat("pcn/", id.back() % 3); }

  // Writes `id` until it is acknowledged (the log resumed). Bounded: 200 tries 25 ms apart.
  void WriteUntilAcknowledged(const std::string& id) {
    for (int attempt = 0; attempt < 200; ++attempt) {
      if (Write(id)) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    ADD_FAILURE() << "writing never resumed for " << id;
  }

  // Runs `step` (a flush or compaction) until it succeeds; bounded as above.
  static void UntilOk(const std::function<absl::Status()>& step) {
    absl::Status s;
    for (int attempt = 0; attempt < 200; ++attempt) {
      if ((s = step()).ok()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    ADD_FAILURE() << "never succeeded after the fault cleared: " << s;
  }

  // Prints each kind of outcome once, for docs/RELIABILITY.md.
  static void Show(const std::string& what, const absl::Status& s) {
    static std::set<std::string> shown;
    if (shown.insert(absl::StrCat(what, s.ToString())).second) {
      std::printf("[ fault ] %s -> %s\n", what.c_str(), s.ToString().c_str());
    }
  }

  void WriteSome(const std::string& prefix, int n) {
    for (int i = 0; i < n; ++i) ASSERT_TRUE(Write(absl::StrCat(prefix, i)));
  }

  // Opens the log and writes what `step` then has to write out.
  void OpenAndWriteBefore(Step step) {
    Open();
    if (step == Step::kFlush) {
      WriteSome("before-", 10);
      return;
    }
    for (int round = 0; round < 3; ++round) {
      WriteSome(absl::StrCat("before-", round, "-"), 10);
      ASSERT_TRUE(FlushLog(*log_).ok());
    }
  }
  absl::Status Run(Step step) { return step == Step::kFlush ? FlushLog(*log_) : CompactLog(*log_); }

  // A non-retryable write error on files of `kinds` under `step` stops the log writing for
  // good (ExpectStoppedForGood, `what` naming the step); a reopen finds everything
  // acknowledged.
  void StopWritingForGood(Step step, unsigned kinds, const char* what);

  // Reads keep working during a write fault: the events, the chain.
  void ExpectReadsWork() {
    absl::StatusOr<std::vector<v1::Event>> all = log_->ReadFrom(1, 100000);
    ASSERT_TRUE(all.ok()) << all.status();
    EXPECT_EQ(all->size(), log_->head().position);
    absl::StatusOr<std::vector<v1::Event>> stream = log_->ReadStream("pcn/1", 1, 100000);
    EXPECT_TRUE(stream.ok()) << stream.status();
  }

  // Closes the log, reopens the folder with the default file system: the chain verifies,
  // every acknowledged request is at its position, and each request's events are there
  // once (two per request), nothing else.
  void ReopenAndCheck() {
    log_.reset();
    auto reopened = EventLog::Open(dir_.path());
    ASSERT_TRUE(reopened.ok()) << reopened.status();
    const VerifyReport report = (*reopened)->Verify();
    EXPECT_TRUE(report.ok) << report.problem;
    EXPECT_EQ(report.head.position, 2 * acknowledged_.size());
    for (const auto& [id, position] : acknowledged_) {
      auto found = (*reopened)->FindRequest(Stream(id), id);
      ASSERT_TRUE(found.ok() && found->has_value()) << id << " was acknowledged but is lost";
      EXPECT_EQ((*found)->first_position, position) << id;
    }
    std::map<std::string, int> events;
    auto all = (*reopened)->ReadFrom(1, 1000000);
    ASSERT_TRUE(all.ok()) << all.status();
    for (const v1::Event& e : *all) ++events[e.request_id()];
    EXPECT_EQ(events.size(), acknowledged_.size());
    for (const auto& [id, count] : events) {
      EXPECT_EQ(count, 2) << id;
      EXPECT_TRUE(acknowledged_.count(id)) << id << " is in the log but was never acknowledged";
    }
  }

  // A write fault under one flush (or compaction): the step fails naming it, writes are
  // acknowledged or refused cleanly while it lasts, and resume once it clears.
  void FaultUnder(const std::function<absl::Status()>& step, const char* fault, unsigned kinds) {
    const absl::Status failed = step();
    Show(absl::StrCat("the step, kinds ", kinds), failed);
    EXPECT_EQ(failed.code(), absl::StatusCode::kUnavailable) << failed;
    EXPECT_THAT(failed.message(), HasSubstr(fault));
    EXPECT_GT(fs_->injected(kinds), 0);
    int refused = 0;
    for (int i = 0; i < 5; ++i) refused += Write(absl::StrCat("during-", i), fault) ? 0 : 1;
    refusals_ = refused;
    ExpectReadsWork();
    fs_->Clear();
    for (int i = 0; i < 5; ++i) {
      const std::string id = absl::StrCat("during-", i);
      if (!acknowledged_.count(id)) WriteUntilAcknowledged(id);
    }
    WriteUntilAcknowledged("after");
    UntilOk(step);
    ExpectReadsWork();
  }

  TempDir dir_;
  std::shared_ptr<FaultyFileSystem> fs_;
  std::unique_ptr<rocksdb::Env> env_;
  std::unique_ptr<EventLog> log_;
  std::map<std::string, uint64_t> acknowledged_;
  int refusals_ = 0;
};

TEST_P(BackgroundFaultTest, ) {
  const StepFault& fault = GetParam();
  ASSERT_NO_FATAL_FAILURE(OpenAndWriteBefore(fault.step));
  if (fault.disk_full) {
    fs_->DiskFullAfter(100, fault.kinds);
  } else {
    fs_->FailWrites(fault.kinds);
  }
  FaultUnder([&] { return Run(fault.step); },
             fault.disk_full ? kInjectedNoSpace : kInjectedWriteError, fault.kinds);
  if (fault.step == Step::kCompaction) {
    EXPECT_EQ(refusals_, 0) << "a failed compaction does not stop writes";
  }
  if (fault.measured != nullptr) {
    std::printf("[ measured ] writes refused after %s: %d of 5\n", fault.measured, refusals_);
  }
  ReopenAndCheck();
}

const StepFault kStepFaults[] = {
    {"SstWriteErrorDuringFlush", Step::kFlush, false, kSstFile, "a failed flush"},
    {"DiskFullDuringFlush", Step::kFlush, true, kSstFile, nullptr},
    {"SstWriteErrorDuringCompaction", Step::kCompaction, false, kSstFile, nullptr},
    {"DiskFullDuringCompaction", Step::kCompaction, true, kSstFile, nullptr},
    {"ManifestWriteErrorDuringFlush", Step::kFlush, false, kManifestFile,
     "a failed MANIFEST write"},
};

INSTANTIATE_TEST_SUITE_P(, BackgroundFaultTest, ::testing::ValuesIn(kStepFaults),
                         [](const ::testing::TestParamInfo<StepFault>& info) {
                           return std::string(info.param.name);
                         });

// Every open writes a new MANIFEST and points CURRENT at it: when either cannot be
// written the open fails, naming the fault, and the folder is as it was.
TEST_F(BackgroundFaultTest, OpenFailsCleanlyWhileManifestOrCurrentCannotBeWritten) {
  Open();
  WriteSome("before-", 10);
  log_.reset();
  for (unsigned kind : {kManifestFile, kCurrentFile}) {
    fs_->FailWrites(kind);
    auto failed = OpenRocksEventLog(dir_.path(), LogOptions(), env_.get());
    ASSERT_FALSE(failed.ok());
    Show(absl::StrCat("open, kind ", kind), failed.status());
    EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable) << failed.status();
    EXPECT_THAT(failed.status().message(), HasSubstr(kInjectedWriteError));
    EXPECT_GT(fs_->injected(kind), 0);
    fs_->Clear();
  }
  Open();
  WriteSome("after-", 3);
  ReopenAndCheck();
}

// Reads of SST blocks fail (a fresh open: nothing is in the block cache). A read names
// the stream it could not read; it succeeds once the fault clears.
TEST_F(BackgroundFaultTest, SstReadErrorNamesTheStreamAndPasses) {
  Open();
  WriteSome("before-", 12);
  ASSERT_TRUE(FlushLog(*log_).ok());
  for (bool corrupt : {false, true}) {
    log_.reset();
    Open();  // a fresh block cache
    fs_->FailSstReads(corrupt);
    absl::StatusOr<std::vector<v1::Event>> read = log_->ReadStream("pcn/1", 1, 100);
    ASSERT_FALSE(read.ok());
    Show(corrupt ? "read, damaged block" : "read, I/O error", read.status());
    EXPECT_EQ(read.status().code(), corrupt ? absl::StatusCode::kDataLoss
                                            : absl::StatusCode::kUnavailable)
        << read.status();
    EXPECT_THAT(read.status().message(), HasSubstr("reading stream pcn/1"));
    if (!corrupt) {
      EXPECT_THAT(read.status().message(), HasSubstr(kInjectedReadError));
    }
    absl::StatusOr<std::vector<v1::Event>> scan = log_->ReadFrom(1, 100);
    ASSERT_FALSE(scan.ok());
    Show("scan", scan.status());
    // A write is acknowledged or refused cleanly: it reads the stream index first.
    const std::string id = "while-reads-fail";
    absl::StatusOr<AppendResult> w = log_->Append(MakeRequest(Stream(id), id, 2));
    if (w.ok()) {
      acknowledged_[id] = w->first_position;
    } else {
      Show("append while reads fail", w.status());
      EXPECT_EQ(w.status().code(), read.status().code()) << w.status();
    }
    fs_->Clear();
    read = log_->ReadStream("pcn/1", 1, 100);
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_GE(read->size(), 2u * 4);
    EXPECT_TRUE(log_->Verify().ok);
  }
  ReopenAndCheck();
}

// A non-retryable I/O error in the background (a flush, a compaction, a MANIFEST write:
// RocksDB's kFatalError with paranoid checks) stops RocksDB's writes for good: Resume()
// refuses, and only reopening the folder recovers. The log says so to every writer
// (UNAVAILABLE naming the cause and the remedy), keeps serving reads, and nothing
// acknowledged is lost: after a reopen everything is there once and writing resumes.
void ExpectStoppedForGood(EventLog& log, FaultyFileSystem& fs,
                          const std::function<absl::Status()>& step, const char* what) {
  EXPECT_TRUE(log.WritingStopped().ok()) << log.WritingStopped();
  const absl::Status failed = step();
  EXPECT_EQ(failed.code(), absl::StatusCode::kUnavailable) << failed;
  EXPECT_THAT(failed.message(), HasSubstr(kInjectedWriteError));
  const uint64_t head = log.head().position;
  for (bool cleared : {false, true}) {
    if (cleared) fs.Clear();
    for (int i = 0; i < 3; ++i) {
      absl::StatusOr<AppendResult> r =
          log.Append(MakeRequest("pcn/1", absl::StrCat(what, "-", cleared, "-", i), 2));
      ASSERT_FALSE(r.ok()) << what << ": RocksDB resumed by itself";
      if (i == 2) std::printf("[ fault ] %s, not retryable -> %s\n", what, r.status().ToString().c_str());
      EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
      EXPECT_THAT(r.status().message(), HasSubstr(kInjectedWriteError)) << r.status();
      EXPECT_THAT(r.status().message(), HasSubstr("stopped writing")) << r.status();
      EXPECT_THAT(r.status().message(), HasSubstr("reopen")) << r.status();
    }
    // Monitoring is told (arrsd's /readyz and arrs_log_writing_stopped), and reads keep
    // working.
    EXPECT_EQ(log.WritingStopped().code(), absl::StatusCode::kUnavailable);
    EXPECT_THAT(log.WritingStopped().message(), HasSubstr("stopped writing"));
    EXPECT_EQ(log.head().position, head);
    absl::StatusOr<std::vector<v1::Event>> all = log.ReadFrom(1, 100000);
    ASSERT_TRUE(all.ok()) << all.status();
    EXPECT_EQ(all->size(), head);
    EXPECT_TRUE(log.Verify().ok);
  }
}

void BackgroundFaultTest::StopWritingForGood(Step step, unsigned kinds, const char* what) {
  ASSERT_NO_FATAL_FAILURE(OpenAndWriteBefore(step));
  fs_->SetRetryable(false);
  fs_->FailWrites(kinds);
  ExpectStoppedForGood(*log_, *fs_, [&] { return Run(step); }, what);
  ReopenAndCheck();
}

TEST_F(BackgroundFaultTest, NonRetryableFlushErrorStopsWritesUntilReopened) {
  StopWritingForGood(Step::kFlush, kSstFile, "flush");
  Open();
  WriteSome("after-", 3);
  ReopenAndCheck();
}

TEST_F(BackgroundFaultTest, NonRetryableCompactionErrorStopsWritesUntilReopened) {
  StopWritingForGood(Step::kCompaction, kSstFile, "compaction");
}

TEST_F(BackgroundFaultTest, NonRetryableManifestErrorStopsWritesUntilReopened) {
  StopWritingForGood(Step::kFlush, kManifestFile, "MANIFEST write");
}

// The write-ahead log itself, non-retryable: a full disk is a hard error, which the log's
// own Resume() (after a failed write) clears once space returns; any other I/O error is
// fatal, and the log stops writing as above.
TEST_F(BackgroundFaultTest, NonRetryableWalFaults) {
  Open();
  WriteSome("before-", 3);
  fs_->SetRetryable(false);
  fs_->DiskFullAfter(0);
  EXPECT_FALSE(Write("full-0", kInjectedNoSpace));
  EXPECT_FALSE(Write("full-1"));
  fs_->Clear();
  WriteUntilAcknowledged("full-0");
  WriteUntilAcknowledged("full-1");
  testing_support::FaultyFileSystem& fs = *fs_;
  fs.FailWrites(testing_support::kWalFile);
  EXPECT_FALSE(Write("broken-0", kInjectedWriteError));
  fs.Clear();
  absl::StatusOr<AppendResult> r = log_->Append(MakeRequest(Stream("broken-1"), "broken-1", 2));
  ASSERT_FALSE(r.ok());
  Show("WAL write error, not retryable, after it cleared", r.status());
  EXPECT_THAT(r.status().message(), HasSubstr("stopped writing"));
  ReopenAndCheck();
}

}  // namespace
}  // namespace arrs::store
