// Event log benchmarks: acknowledged appends per second with 1..64 concurrent callers
// (synced and unsynced), the raw RocksDB limit (one thread writing WriteBatches of the same
// bytes with sync, no ledger logic) at the same batch sizes, ReadFrom and Verify throughput.
//
//   ninja -C build event_log_bench
//   build/bench/event_log_bench --benchmark_counters_tabular=true
//     --benchmark_repetitions=3 --benchmark_enable_random_interleaving=true
//     --benchmark_report_aggregates_only=true          (one command line)
//
// The disk's fsync latency drifts while other work shares the machine; random interleaving
// of the repetitions keeps that drift from favouring one benchmark over another.
//
// All rates are per second of wall-clock time (manual or real time), never CPU time.
//
// Data folders go under $ARRS_BENCH_DIR (default /tmp) and are removed afterwards.
// Events are StaffHired envelopes of realistic size (~330 bytes serialized).
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "arrs/v1/events.pb.h"
#include "benchmark/benchmark.h"
#include "ledger/store/event_hash.h"
#include "ledger/store/event_log.h"
#include "ledger/store/log_format.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "tests/store/sample_events.h"

namespace arrs::store {
namespace {

std::string NewDir() {
  const char* base = std::getenv("ARRS_BENCH_DIR");
  std::string pattern = absl::StrCat(base != nullptr ? base : "/tmp", "/arrs_bench_XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) std::abort();
  return pattern;
}

struct TempFolder {
  std::string path = NewDir();
  ~TempFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

v1::Event HiredEvent(const std::string& staff_id) {
  return testing_util::MakeHiredEvent(staff_id, "pcn-manager@example.nhs.uk");
}

std::unique_ptr<EventLog> OpenLog(const std::string& dir, bool sync) {
  LogOptions options;
  options.sync = sync;
  auto log = EventLog::Open(dir, options);
  if (!log.ok()) {
    fprintf(stderr, "%s\n", std::string(log.status().message()).c_str());
    std::abort();
  }
  return *std::move(log);
}

// Writes, with no ledger logic, WriteBatches holding exactly what the ledger writes for a
// number of one-event requests (event bytes, stream index entry, request record, meta
// head), each batch synced, into a folder of its own with the ledger's column families.
class RawWriter {
 public:
  RawWriter() {
    OpenLog(folder_.path, true);  // let EventLog create the folder and its families
    rocksdb::DBOptions options;
    options.max_background_jobs = 2;
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    if (!rocksdb::DB::ListColumnFamilies(options, folder_.path, &names_).ok()) std::abort();
    for (const std::string& name : names_) {
      descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    if (!rocksdb::DB::Open(options, folder_.path, descriptors, &handles_, &db_).ok()) {
      std::abort();
    }
    // Same bytes as the ledger would write (hashes precomputed: no ledger logic).
    v1::Event sample = HiredEvent("staff-0");
    sample.set_position(1);
    sample.set_recorded_at_micros(1'700'000'000'000'000);
    sample.set_stream("pcn/U0");
    sample.set_stream_version(1);
    sample.set_request_id("req-0");
    sample.set_prev_hash(ZeroHash());
    sample.set_payload_hash(PayloadHash(sample.payload()));
    sample.set_hash(EventHash(sample));
    bytes_ = sample.SerializeAsString();
    record_ = EncodeRequestRecord({1, 1, 1, "pcn/U0"});
    head_ = EncodeHead(1, sample.hash());
  }
  ~RawWriter() {
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
    db_->Close().PermitUncheckedError();
    delete db_;
  }

  // One synced batch of `requests` one-event requests.
  bool WriteBatch(int requests) {
    rocksdb::WriteBatch batch;
    for (int i = 0; i < requests; ++i) {
      ++position_;
      batch.Put(Family(kEventsFamily), EventKey(position_), bytes_);
      batch.Put(Family(kStreamsFamily), StreamKey("pcn/U0", position_), EncodeU64(position_));
      batch.Put(Family(kRequestsFamily), absl::StrCat("req-", position_), record_);
    }
    batch.Put(Family(kMetaFamily), kMetaHead, head_);
    rocksdb::WriteOptions write;
    write.sync = true;
    return db_->Write(write, &batch).ok();
  }

  uint64_t events_written() const { return position_; }
  size_t event_bytes() const { return bytes_.size(); }

 private:
  rocksdb::ColumnFamilyHandle* Family(const char* name) {
    for (size_t i = 0; i < names_.size(); ++i) {
      if (names_[i] == name) return handles_[i];
    }
    std::abort();
  }

  TempFolder folder_;
  std::vector<std::string> names_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::DB* db_ = nullptr;
  std::string bytes_, record_, head_;
  uint64_t position_ = 0;
};

// Each iteration: `appenders` concurrent appenders append max(256, 32 * appenders)
// one-event requests in all, each to its own stream with exact expected versions, one
// request in flight per appender. Manual time = wall time of the iteration.
// When synced, each iteration is followed by the raw limit at the same batch size: a
// RawWriter writes as many events in batches of the iteration's mean group size, and
// `raw_same_batch_per_s` / `vs_raw` compare the two, measured at most seconds apart, so
// that the disk's drifting fsync latency affects both alike.
constexpr int kMinRequestsPerIteration = 256;
constexpr int kMinRequestsPerCaller = 32;

AppendRequest HiredRequest(int appender, uint64_t request_no, uint64_t expected_version) {
  AppendRequest request;
  request.stream = absl::StrCat("pcn/U", appender);
  request.request_id = absl::StrCat("req-", request_no);
  request.expected_version = expected_version;
  request.events.push_back(HiredEvent(absl::StrCat("staff-", request_no)));
  return request;
}

// How the appenders are driven.
struct Driver {
  // 0: a thread per appender, each blocking in Append (a thread-per-request server).
  // n > 0: n threads keep every appender's request in flight with AppendAsync; a commit's
  // callbacks hand the appenders back to them for their next request (a completion-queue
  // server's threads).
  int async_threads = 0;
};

// One iteration's appends: appender a sends requests first_request + a * per_appender + i.
void RunAppenders(EventLog& log, const Driver& driver, int appenders, int per_appender,
                  uint64_t first_request, std::vector<uint64_t>& versions, bool& failed) {
  if (driver.async_threads == 0) {
    std::vector<std::thread> threads;
    threads.reserve(appenders);
    for (int a = 0; a < appenders; ++a) {
      threads.emplace_back([&, a] {
        const uint64_t first = first_request + static_cast<uint64_t>(a) * per_appender;
        for (int i = 0; i < per_appender; ++i) {
          auto result = log.Append(HiredRequest(a, first + i, versions[a]));
          if (!result.ok()) {
            failed = true;
            return;
          }
          versions[a] = result->stream_version;
        }
      });
    }
    for (auto& thread : threads) thread.join();
    return;
  }
  // Appenders ready to send their next request (sent counts per appender).
  absl::Mutex mu;
  std::vector<int> ready;
  std::vector<int> sent(appenders, 0);
  int finished = 0;
  for (int a = 0; a < appenders; ++a) ready.push_back(a);
  auto work = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    return !ready.empty() || finished == appenders;
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < driver.async_threads; ++t) {
    threads.emplace_back([&] {
      for (;;) {
        std::vector<int> batch;
        {
          absl::MutexLock lock(&mu);
          mu.Await(absl::Condition(&work));
          if (ready.empty()) return;  // every appender finished
          batch.swap(ready);
        }
        for (int a : batch) {
          const uint64_t n = first_request + static_cast<uint64_t>(a) * per_appender + sent[a];
          log.AppendAsync(HiredRequest(a, n, versions[a]),
                          [&, a](absl::StatusOr<AppendResult> result) {
                            absl::MutexLock lock(&mu);
                            if (!result.ok()) failed = true;
                            if (result.ok()) versions[a] = result->stream_version;
                            if (!result.ok() || ++sent[a] == per_appender) {
                              ++finished;
                            } else {
                              ready.push_back(a);
                            }
                          });
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
}

void AppendBenchmark(benchmark::State& state, bool sync, Driver driver) {
  const int appenders = static_cast<int>(state.range(0));
  TempFolder folder;
  auto log = OpenLog(folder.path, sync);
  const int per_appender = std::max(kMinRequestsPerCaller, kMinRequestsPerIteration / appenders);
  std::vector<uint64_t> versions(appenders, 0);
  uint64_t next_request = 0;
  bool failed = false;
  const LogStats before = log->Stats();
  std::unique_ptr<RawWriter> raw = sync ? std::make_unique<RawWriter>() : nullptr;
  double ledger_seconds = 0;
  double raw_seconds = 0;
  uint64_t raw_events = 0;
  LogStats last = before;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    RunAppenders(*log, driver, appenders, per_appender, next_request, versions, failed);
    next_request += static_cast<uint64_t>(appenders) * per_appender;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.SetIterationTime(seconds);
    ledger_seconds += seconds;
    if (raw != nullptr) {
      state.PauseTiming();
      const LogStats now = log->Stats();
      const uint64_t requests = now.appended_requests - last.appended_requests;
      const uint64_t syncs = now.syncs - last.syncs;
      last = now;
      // One raw batch per fsync: the raw loop writes and syncs what one sync covered.
      const int batch = static_cast<int>(
          std::max<uint64_t>(1, (requests + syncs / 2) / std::max<uint64_t>(1, syncs)));
      const auto raw_start = std::chrono::steady_clock::now();
      for (uint64_t written = 0; written < requests; written += batch) {
        if (!raw->WriteBatch(batch)) failed = true;
      }
      raw_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                                   raw_start).count();
      raw_events += (requests + batch - 1) / batch * batch;
      state.ResumeTiming();
    }
  }
  if (failed) state.SkipWithError("an append failed");
  const LogStats after = log->Stats();
  const double commits = static_cast<double>(after.group_commits - before.group_commits);
  const double syncs = static_cast<double>(after.syncs - before.syncs);
  const double requests = static_cast<double>(after.appended_requests - before.appended_requests);
  state.SetItemsProcessed(static_cast<int64_t>(requests));  // one event per request
  state.counters["commits_per_s"] = benchmark::Counter(commits, benchmark::Counter::kIsRate);
  state.counters["reqs_per_commit"] = commits > 0 ? requests / commits : 0;
  if (sync) state.counters["reqs_per_sync"] = syncs > 0 ? requests / syncs : 0;
  if (raw != nullptr && raw_seconds > 0 && ledger_seconds > 0) {
    const double raw_rate = static_cast<double>(raw_events) / raw_seconds;
    state.counters["raw_same_batch_per_s"] = raw_rate;
    // The ledger's acknowledged events/s over the raw rate at the same batch sizes.
    state.counters["vs_raw"] = requests / ledger_seconds / raw_rate;
  }
}

void BM_AppendSynced(benchmark::State& state) { AppendBenchmark(state, true, Driver{}); }
void BM_AppendUnsynced(benchmark::State& state) { AppendBenchmark(state, false, Driver{}); }
void BM_AppendAsyncSynced(benchmark::State& state) {
  AppendBenchmark(state, true, Driver{static_cast<int>(state.range(1))});
}
void BM_AppendAsyncUnsynced(benchmark::State& state) {
  AppendBenchmark(state, false, Driver{static_cast<int>(state.range(1))});
}

BENCHMARK(BM_AppendSynced)
    ->ArgName("callers")
    ->Arg(1)->Arg(4)->Arg(8)->Arg(16)->Arg(64)
    ->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_AppendUnsynced)
    ->ArgName("callers")
    ->Arg(1)->Arg(4)->Arg(16)->Arg(64)
    ->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(1.0);
// The same appenders, each keeping one request in flight, driven by 1 or 2 threads.
BENCHMARK(BM_AppendAsyncSynced)
    ->ArgNames({"appenders", "threads"})
    ->Args({1, 1})->Args({8, 1})->Args({64, 1})->Args({64, 2})
    ->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(1.0);
// Their CPU ceiling: the same with no fsync.
BENCHMARK(BM_AppendAsyncUnsynced)
    ->ArgNames({"appenders", "threads"})
    ->Args({1, 1})->Args({64, 2})
    ->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(1.0);

// The raw limit: one thread, no ledger logic, WriteBatches holding exactly what the ledger
// writes for `batch` one-event requests (event bytes, stream index entry, request record,
// meta head), each batch synced. Items are events.
void BM_RawRocksSynced(benchmark::State& state) {
  const int batch_size = static_cast<int>(state.range(0));
  RawWriter raw;
  for (auto _ : state) {
    if (!raw.WriteBatch(batch_size)) {
      state.SkipWithError("write failed");
      break;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(raw.events_written()));
  state.counters["commits_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["event_bytes"] = static_cast<double>(raw.event_bytes());
}
// Batch 40 is about the mean group the ledger forms with 64 callers (reqs_per_commit).
BENCHMARK(BM_RawRocksSynced)
    ->ArgName("batch")
    ->Arg(1)->Arg(4)->Arg(8)->Arg(16)->Arg(40)->Arg(64)
    ->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(1.0);

// A log of kReadEvents events, filled once (unsynced, 64-event requests) for the read and
// verify benchmarks.
constexpr int kReadEvents = 100'000;

struct FilledLog {
  TempFolder folder;
  std::unique_ptr<EventLog> log;
  FilledLog() {
    log = OpenLog(folder.path, false);
    for (int r = 0; r < kReadEvents / 64; ++r) {
      AppendRequest request;
      request.stream = absl::StrCat("pcn/U", r % 100);
      request.request_id = absl::StrCat("fill-", r);
      for (int i = 0; i < 64; ++i) request.events.push_back(HiredEvent(absl::StrCat(r, "-", i)));
      if (!log->Append(std::move(request)).ok()) std::abort();
    }
  }
};

std::unique_ptr<FilledLog> g_filled;  // reset at the end of main, removing its folder

FilledLog& Filled() {
  if (g_filled == nullptr) g_filled = std::make_unique<FilledLog>();
  return *g_filled;
}

void BM_ReadFrom(benchmark::State& state) {
  EventLog& log = *Filled().log;
  const size_t page = static_cast<size_t>(state.range(0));
  const uint64_t head = log.head().position;
  int64_t events = 0;
  for (auto _ : state) {
    for (uint64_t from = 1; from <= head;) {
      auto batch = log.ReadFrom(from, page);
      if (!batch.ok() || batch->empty()) {
        state.SkipWithError("read failed");
        return;
      }
      events += static_cast<int64_t>(batch->size());
      from = batch->back().position() + 1;
    }
  }
  state.SetItemsProcessed(events);
}
BENCHMARK(BM_ReadFrom)->ArgName("page")->Arg(1000)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_Verify(benchmark::State& state) {
  EventLog& log = *Filled().log;
  int64_t events = 0;
  for (auto _ : state) {
    VerifyReport report = log.Verify();
    if (!report.ok) {
      state.SkipWithError(report.problem.c_str());
      return;
    }
    events += static_cast<int64_t>(report.events_checked);
  }
  state.SetItemsProcessed(events);
}
BENCHMARK(BM_Verify)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_EventHash(benchmark::State& state) {
  v1::Event event = HiredEvent("staff-1");
  event.set_prev_hash(ZeroHash());
  for (auto _ : state) {
    event.set_payload_hash(PayloadHash(event.payload()));
    benchmark::DoNotOptimize(EventHash(event));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EventHash);

}  // namespace
}  // namespace arrs::store

int main(int argc, char** argv) {
  // As in arrsd: Debian's abseil records every lock acquisition in a deadlock graph.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  arrs::store::g_filled.reset();
  return 0;
}
