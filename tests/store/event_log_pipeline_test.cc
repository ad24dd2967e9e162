// Pipelined sync: while one batch's sync is in flight, the next batches are written (not
// synced) behind it. Nothing of theirs is visible or acknowledged until a sync covering
// them succeeds; when that sync fails, all of them fail, are undone, and never come back,
// not even after a reopen. A file system gate holds the WAL syncs so that the tests look
// at the log with batches in flight.
#include <cstdio>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
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
using testing_support::kInjectedSyncError;
using testing_util::MakeRequest;
using testing_util::TempDir;
using testing_util::ToldAnswers;

constexpr int kQueued = 40;       // requests queued behind the first one
constexpr int kPerBatch = 4;      // max_requests_per_batch: 10 batches
constexpr int kConflict = 17;     // expects a version its stream is past, in flight
constexpr int kRetry = 33;        // repeats the request id of request 5, in flight
// The first request, every queued one but those two, then a blocking Append queued behind
// them all (it leads its own batch, which the syncer finishes): one event each.
constexpr uint64_t kLast = 1 + kQueued - 2 + 1;

class EventLogPipelineTest : public ::testing::Test {
 protected:
  EventLogPipelineTest()
      : fs_(std::make_shared<FaultyFileSystem>()), env_(rocksdb::NewCompositeEnv(fs_)) {
    LogOptions options;
    options.max_requests_per_batch = kPerBatch;
    auto opened = OpenRocksEventLog(dir_.path(), options, env_.get());
    EXPECT_TRUE(opened.ok()) << opened.status();
    log_ = *std::move(opened);
    log_->AddListener([this](const std::vector<v1::Event>& committed) {
      absl::MutexLock lock(&mu_);
      for (const v1::Event& event : committed) listened_.push_back(event.position());
    });
  }

  // Request i of the queued ones: streams s0..s3 in turn, each at its exact version, but
  // kConflict (expects a version behind its stream's) and kRetry (request 5's id again);
  // neither writes anything.
  static AppendRequest Queued(int i) {
    const std::string stream = absl::StrCat("pcn/s", i % 4);
    uint64_t version = 0;  // earlier writing requests on the stream
    for (int j = i % 4; j < i; j += 4) {
      if (j != kConflict && j != kRetry) ++version;
    }
    if (i == kConflict) return MakeRequest(stream, "conflict", 1, version - 1);
    if (i == kRetry) return MakeRequest(stream, "q-5", 1, version);
    return MakeRequest(stream, absl::StrCat("q-", i), 1, version);
  }

  // The first request is written and synced on its own while the gate lets one sync
  // through; the queued ones are written behind it in batches of kPerBatch while the
  // syncer's next sync is held. Returns when every batch is written.
  void QueueBehindAHeldSync() {
    fs_->HoldSyncs(/*allowed=*/0);
    std::thread first([this] {
      told_.Put("first", log_->Append(MakeRequest("pcn/first", "first", 1)));
    });
    WaitFor([this] { return fs_->held_syncs() == 1; });  // a lone request syncs inline
    for (int i = 0; i < kQueued; ++i) log_->AppendAsync(Queued(i), told_.Record(Id(i)));
    blocking_ = std::thread([this] {
      told_.Put("blocking", log_->Append(MakeRequest("pcn/blocking", "blocking", 1)));
    });
    // It queued last: everything waits behind the first request's held sync.
    WaitFor([this] { return log_->Stats().queued_appends == kQueued + 1; });
    fs_->HoldSyncs(/*allowed=*/1);  // let the first one through, hold the next
    first.join();
    WaitFor([this] { return log_->Stats().written_position == kLast; });
    WaitFor([this] { return fs_->held_syncs() == 1; });
  }

  ~EventLogPipelineTest() override {
    if (blocking_.joinable()) blocking_.join();
  }

  static std::string Id(int i) { return absl::StrCat("#", i); }

  std::vector<uint64_t> Listened() {
    absl::MutexLock lock(&mu_);
    return listened_;
  }

  // Waits up to 10 s; a timeout fails the test at once (the rest would hang).
  template <typename Predicate>
  static void WaitFor(Predicate ready) {
    for (int i = 0; i < 2000 && !ready(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (!ready()) {
      ADD_FAILURE() << "timed out after 10 s";
      std::abort();
    }
  }

  // Runs Verify on a thread of its own (it waits for the batches in flight).
  std::future<VerifyReport> VerifyInBackground() {
    return std::async(std::launch::async, [this] { return log_->Verify(); });
  }

  // Nothing beyond the first request is visible: head, reads, versions, request ids.
  void ExpectOnlyTheFirstVisible() {
    EXPECT_EQ(log_->head().position, 1u);
    EXPECT_EQ(log_->ReadFrom(1, 100)->size(), 1u);
    EXPECT_FALSE(log_->Get(2).ok());
    EXPECT_EQ(*log_->StreamVersion("pcn/s0"), 0u);
    EXPECT_TRUE(log_->ReadStream("pcn/s1", 1, 100)->empty());
    EXPECT_FALSE(log_->FindRequest("pcn/s0", "q-0")->has_value());
    EXPECT_EQ(Listened(), std::vector<uint64_t>{1});
  }

  TempDir dir_;
  std::shared_ptr<FaultyFileSystem> fs_;
  std::unique_ptr<rocksdb::Env> env_;
  std::unique_ptr<EventLog> log_;
  ToldAnswers told_;
  absl::Mutex mu_;
  std::vector<uint64_t> listened_ ABSL_GUARDED_BY(mu_);
  std::thread blocking_;
};

TEST_F(EventLogPipelineTest, BatchesWrittenDuringASyncAreToldOnlyOnceSynced) {
  QueueBehindAHeldSync();
  ExpectOnlyTheFirstVisible();
  EXPECT_EQ(told_.Count(), 1u);  // only the first request is told
  // Verify waits for the batches in flight rather than check what may yet fail.
  std::future<VerifyReport> verifying = VerifyInBackground();
  EXPECT_EQ(verifying.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout);

  EXPECT_FALSE(told_.Has("blocking"));  // its batch is written, its sync held
  fs_->ReleaseSyncs();
  const VerifyReport verified = verifying.get();
  EXPECT_TRUE(verified.ok) << verified.problem;
  EXPECT_EQ(verified.head.position, kLast);
  WaitFor([this] { return told_.Count() == 1 + kQueued + 1; });
  const uint64_t last = kLast;
  const absl::StatusOr<AppendResult> blocked = told_.Get("blocking");
  ASSERT_TRUE(blocked.ok()) << blocked.status();
  EXPECT_EQ(blocked->first_position, kLast);
  EXPECT_EQ(log_->head().position, last);
  // Every writer is told its own dense position, in queue order.
  uint64_t expected = 2;
  for (int i = 0; i < kQueued; ++i) {
    const absl::StatusOr<AppendResult> result = told_.Get(Id(i));
    if (i == kConflict) {
      ASSERT_EQ(result.status().code(), absl::StatusCode::kAborted) << result.status();
      // The actual version counts the in-flight batches that moved the stream on.
      EXPECT_THAT(result.status().message(),
                  HasSubstr(absl::StrCat("expected version ", kConflict / 4 - 1,
                                         ", actual version ", kConflict / 4)));
      EXPECT_EQ(*log_->StreamVersion("pcn/s1"), static_cast<uint64_t>(kQueued / 4 - 2));
      continue;
    }
    ASSERT_TRUE(result.ok()) << i << ": " << result.status();
    if (i == kRetry) {
      EXPECT_TRUE(result->deduplicated);
      EXPECT_EQ(result->first_position, told_.Get(Id(5))->first_position);
      continue;
    }
    EXPECT_FALSE(result->deduplicated);
    EXPECT_EQ(result->first_position, expected++) << i;
  }
  EXPECT_EQ(expected, last);  // the blocking Append took the last position
  // The listeners saw every position once, in order.
  std::vector<uint64_t> positions;
  for (uint64_t p = 1; p <= last; ++p) positions.push_back(p);
  EXPECT_EQ(Listened(), positions);
  // The held sync covered the batches written behind it: fewer syncs than batches.
  const LogStats stats = log_->Stats();
  EXPECT_EQ(stats.written_position, last);
  EXPECT_LT(stats.syncs, stats.group_commits);
  EXPECT_TRUE(log_->Verify().ok);

  log_.reset();
  auto reopened = EventLog::Open(dir_.path());
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ((*reopened)->head().position, last);
  EXPECT_TRUE((*reopened)->Verify().ok);
  EXPECT_EQ(*(*reopened)->StreamVersion("pcn/s0"), static_cast<uint64_t>(kQueued / 4));
}

TEST_F(EventLogPipelineTest, AFailedSyncFailsEveryBatchBehindItAndUndoesThem) {
  QueueBehindAHeldSync();
  const Head before = log_->head();
  // A Verify waiting for the held sync steps aside for the undo, then reports the failed
  // batches (their undo cannot be written while syncs fail) instead of passing them.
  std::future<VerifyReport> verifying = VerifyInBackground();
  EXPECT_EQ(verifying.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  fs_->FailSyncs();
  fs_->ReleaseSyncs();
  WaitFor([this] { return told_.Count() == 1 + kQueued + 1; });
  const VerifyReport verified = verifying.get();
  const absl::StatusOr<AppendResult> blocked = told_.Get("blocking");
  ASSERT_FALSE(blocked.ok());
  EXPECT_THAT(blocked.status().message(), HasSubstr(kInjectedSyncError));
  EXPECT_FALSE(verified.ok);
  EXPECT_EQ(verified.first_bad_position, 2u);
  EXPECT_THAT(verified.problem, HasSubstr("were never acknowledged and are not yet undone"));
  EXPECT_THAT(verified.problem, HasSubstr(kInjectedSyncError));
  EXPECT_THAT(log_->Checkpoint(dir_.path() + "-checkpoint").message(),
              HasSubstr(kInjectedSyncError));

  // Every queued request fails with the sync error, whatever its own outcome would have
  // been (the retry and the conflict rested on batches that failed).
  for (int i = 0; i < kQueued; ++i) {
    const absl::StatusOr<AppendResult> result = told_.Get(Id(i));
    ASSERT_FALSE(result.ok()) << i;
    EXPECT_THAT(result.status().code(),
                ::testing::AnyOf(absl::StatusCode::kUnavailable, absl::StatusCode::kInternal));
    EXPECT_THAT(result.status().message(), HasSubstr(kInjectedSyncError)) << i;
  }
  EXPECT_EQ(log_->head().position, before.position);
  EXPECT_EQ(log_->head().hash, before.hash);
  ExpectOnlyTheFirstVisible();
  EXPECT_EQ(log_->Stats().written_position, 1u);

  // While syncs still fail, the undo cannot be written, and appends fail rather than
  // stage on what it has to remove.
  absl::StatusOr<AppendResult> refused =
      log_->Append(MakeRequest("pcn/s0", "while-failing", 1));
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(), HasSubstr(kInjectedSyncError));

  // Once syncs work, new and retried requests take the positions the failed ones had,
  // as new requests (the failed ids are unknown), and the versions start from the
  // published ones.
  fs_->Clear();
  absl::StatusOr<AppendResult> next;
  for (int attempt = 0; attempt < 100; ++attempt) {
    next = log_->Append(MakeRequest("pcn/s0", "q-0", 1, 0));
    if (next.ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_FALSE(next->deduplicated);
  EXPECT_EQ(next->first_position, 2u);
  EXPECT_EQ(next->stream_version, 1u);
  absl::StatusOr<AppendResult> other = log_->Append(MakeRequest("pcn/s1", "after", 2, 0));
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(other->first_position, 3u);
  EXPECT_EQ(Listened(), (std::vector<uint64_t>{1, 2, 3, 4}));
  VerifyReport report = log_->Verify();
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.head.position, 4u);

  // After a reopen (the WAL replayed, failed bytes and their undo included) the log holds
  // exactly the acknowledged requests.
  log_.reset();
  auto reopened = EventLog::Open(dir_.path());
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EventLog& log = **reopened;
  EXPECT_EQ(log.head().position, 4u);
  EXPECT_TRUE(log.Verify().ok);
  EXPECT_EQ(*log.StreamVersion("pcn/s0"), 1u);
  EXPECT_EQ(*log.StreamVersion("pcn/s2"), 0u);
  EXPECT_EQ(log.ReadStream("pcn/s0", 1, 100)->size(), 1u);
  for (int i = 1; i < kQueued; ++i) {
    EXPECT_FALSE(log.FindRequest(absl::StrCat("pcn/s", i % 4), absl::StrCat("q-", i))->has_value())
        << i;
  }
  EXPECT_EQ(log.FindRequest("pcn/s0", "q-0")->value().first_position, 2u);
}

// The same with a non-retryable sync error: RocksDB cannot resume (a fatal background
// error), so the undo is never written; appends are refused saying the log stopped
// writing, also after the disk works again, and reads keep working.
TEST_F(EventLogPipelineTest, AFatalSyncErrorStopsWriting) {
  QueueBehindAHeldSync();
  const Head before = log_->head();
  fs_->SetRetryable(false);
  fs_->FailSyncs();
  fs_->ReleaseSyncs();
  WaitFor([this] { return told_.Count() == 1 + kQueued + 1; });
  fs_->Clear();
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<AppendResult> refused =
        log_->Append(MakeRequest("pcn/s0", absl::StrCat("after-", i), 1));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable) << refused.status();
    EXPECT_THAT(refused.status().message(), HasSubstr("stopped writing")) << refused.status();
    EXPECT_THAT(refused.status().message(), HasSubstr(kInjectedSyncError)) << refused.status();
  }
  EXPECT_EQ(log_->head().position, before.position);
  ExpectOnlyTheFirstVisible();

  // The undo was never written: at the next open the WAL replays what the failed batches
  // wrote, as after a crash between a write and its sync. None of it was acknowledged; a
  // client's retry with the same request id is answered from it, once. The chain verifies.
  log_.reset();
  auto reopened = EventLog::Open(dir_.path());
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_TRUE((*reopened)->Verify().ok);
  const uint64_t head = (*reopened)->head().position;
  std::printf("[ measured ] after a fatal sync error and a reopen: head %llu (published %llu)\n",
              static_cast<unsigned long long>(head),
              static_cast<unsigned long long>(before.position));
  EXPECT_GE(head, before.position);
}

}  // namespace
}  // namespace arrs::store
