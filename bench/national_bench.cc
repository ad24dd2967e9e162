// national_bench: the national-scale benchmark of issue 7. Generates England's ARRS history
// (bench/national/history.h) and measures, in one run:
//   ingest     the whole history sent through arrsd's gRPC API by N concurrent clients
//              (in-process server on 127.0.0.1, every append synced)
//   rebuild    Ledger::Open on the data folder without a snapshot (read + decode + fold
//              every event), the fold alone over decoded events, a snapshot written at the
//              head and Ledger::Open from it, and every PCN's projections at the head
//   query      as-of balance and cap usage for random (PCN, as_of, known_at), in-process,
//              one thread and concurrent threads
//   arrsd      the real arrsd process on the data folder: start-up time, RSS, the same
//              queries over gRPC with concurrent clients, and Subscribe catch-up from 1
// and prints a report (Markdown tables) to stdout. Not a test: nothing is asserted.
//
//   build/bench/national_bench --scale 1 --clients 16 --data /tmp/arrs-national-x1
#include <malloc.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/strings/str_format.h"
#include "arrs/v1/service.grpc.pb.h"
#include "bench/national/driver.h"
#include "bench/national/history.h"
#include "bench/national/measure.h"
#include "bench/national/questions.h"
#include "ledger/engine/ledger.h"
#include "ledger/engine/ledger_state.h"
#include "ledger/engine/snapshot.h"
#include "ledger/store/event_log.h"
#include "ledger/rules/rule_file.h"
#include "ledger/util/civil_date.h"
#include "services/auth.h"
#include "services/log.h"
#include "services/server.h"

namespace arrs::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr char kToken[] = "national-bench-admin-token";

double Seconds(Clock::time_point from) {
  return std::chrono::duration<double>(Clock::now() - from).count();
}

uint64_t DirBytes(const std::string& dir) {
  uint64_t bytes = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) bytes += e.file_size();
  }
  return bytes;
}

struct Options {
  int scale = 1;
  uint64_t seed = 2019;
  int clients = 16;
  int query_threads = 2;
  int grpc_clients = 4;
  int queries = 20000;
  std::string data = "/tmp/arrs-national";
  std::string rules = std::string(ARRS_SOURCE_DIR) + "/rules";
  std::string arrsd = std::string(ARRS_BINARY_DIR) + "/services/arrsd";
  int pcn_limit = 0;
  uint64_t snapshot_every_events = engine::LedgerOptions().snapshot_every_events;
  bool skip_ingest = false;
  bool in_process_ingest = false;
  bool skip_arrsd = false;
  bool generate_only = false;
  bool sync_clients = false;
  int channels = 4;
  std::string serving;  // host:port of a running arrsd: only the gRPC queries
};

// Log position of each PCN's first event (index i = PCN U00000i+1): random known_at
// positions are drawn between it and the head, so every question has an answer.
using FirstPositions = std::vector<uint64_t>;

class Questions {
 public:
  Questions(const FirstPositions& born, uint64_t head, uint64_t seed)
      : born_(born), head_(head), rng_(seed) {}
  Question Next(bool latest) {
    Question q;
    const size_t pcn = rng_() % born_.size();
    q.pcn = absl::StrFormat("U%06d", static_cast<int>(pcn) + 1);
    q.as_of = absl::CivilDay(2019, 7, 1) + static_cast<int>(rng_() % 2465);  // to 2026-03-31
    q.known_at = latest ? 0 : born_[pcn] + rng_() % (head_ - born_[pcn] + 1);
    q.balance = rng_() % 2 == 0;
    return q;
  }

 private:
  const FirstPositions& born_;
  uint64_t head_;
  std::mt19937_64 rng_;
};

void PrintLatencyRow(const std::string& what, Latencies& l, double qps) {
  std::printf("| %s | %zu | %.0f | %.0f | %.0f | %.0f | %s |\n", what.c_str(), l.micros.size(),
              l.Percentile(50), l.Percentile(99), l.Percentile(99.9), l.Percentile(100),
              Num(qps).c_str());
}

// Runs `threads` x `per_thread` calls of `ask(thread, question, &ok)`; returns queries/s.
template <typename Ask>
double RunQueries(int threads, int per_thread, const FirstPositions& born, uint64_t head, bool latest,
                  Latencies* all, uint64_t* failures, Ask ask) {
  std::vector<Latencies> each(threads);
  std::atomic<uint64_t> failed{0};
  const auto start = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      Questions questions(born, head, 7919 * (t + 1) + (latest ? 1 : 0));
      for (int i = 0; i < per_thread; ++i) {
        const Question q = questions.Next(latest);
        const auto t0 = Clock::now();
        if (!ask(t, q)) failed++;
        each[t].Add(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
      }
    });
  }
  for (std::thread& th : pool) th.join();
  const double elapsed = Seconds(start);
  for (const Latencies& l : each) all->Merge(l);
  *failures += failed;
  return threads * per_thread / elapsed;
}

int Ingest(const Options& o, const NationalHistory& history) {
  std::printf("\n## Ingest (scale x%d, %d PCNs, %d %s clients, synced)\n\n", o.scale,
              history.pcn_count(), o.clients,
              o.in_process_ingest ? "in-process"
              : o.sync_clients    ? "gRPC (a thread and a connection each, blocking calls)"
                                  : absl::StrCat("gRPC (asynchronous, from one thread, over ",
                                                 o.channels, " connections)")
                                        .c_str());
  // Generation alone, so the ingest figure can be read without it.
  auto t0 = Clock::now();
  uint64_t expected = 0, commands = 0, lines = 0;
  for (int i = 0; i < history.pcn_count(); ++i) {
    PcnScript s = history.Generate(i);
    expected += NationalHistory::ExpectedEvents(s);
    commands += s.commands.size();
    for (const Command& c : s.commands) {
      if (const auto* cycle = std::get_if<ClaimCycle>(&c)) lines += cycle->submit.lines_size();
    }
  }
  const double generate_s = Seconds(t0);

  if (o.generate_only) {
    std::printf("| Measure | Value |\n|---|---:|\n| Commands (claim cycle = 1) | %s |\n"
                "| Claim lines | %s |\n| Events expected | %s |\n| Generation, one thread | %.1f s |\n",
                Num(commands).c_str(), Num(lines).c_str(), Num(expected).c_str(), generate_s);
    return 0;
  }
  std::filesystem::remove_all(o.data);
  engine::LedgerOptions ingest_options;
  ingest_options.snapshot_every_events = o.snapshot_every_events;
  absl::StatusOr<std::unique_ptr<engine::Ledger>> ledger =
      engine::Ledger::Open(o.data, ingest_options);
  if (!ledger.ok()) {
    std::fprintf(stderr, "open: %s\n", ledger.status().ToString().c_str());
    return 1;
  }
  if (absl::StatusOr<int> n = (*ledger)->PublishRulesDir(o.rules, "national-bench"); !n.ok()) {
    std::fprintf(stderr, "rules: %s\n", n.status().ToString().c_str());
    return 1;
  }
  absl::StatusOr<services::TokenStore> tokens = services::TokenStore::Parse(
      absl::StrCat(services::TokenHash(kToken), " admin * national-bench\n"));
  services::ServerOptions server_options;
  server_options.listen_address = "127.0.0.1:0";
  server_options.max_concurrent_streams = std::max(64, o.clients * 2);
  absl::StatusOr<std::unique_ptr<services::ArrsServer>> server =
      services::ArrsServer::Start(ledger->get(), &*tokens, server_options);
  if (!server.ok()) {
    std::fprintf(stderr, "server: %s\n", server.status().ToString().c_str());
    return 1;
  }
  const uint64_t head_before = (*ledger)->log().head().position;
  std::atomic<int> next{0};
  std::vector<RunStats> stats(o.clients);
  t0 = Clock::now();
  std::vector<std::thread> clients;
  if (!o.in_process_ingest && !o.sync_clients) {
    stats.assign(1, RunScriptsAsync(history, absl::StrCat("127.0.0.1:", (*server)->port()),
                                    kToken, o.clients, o.channels));
  }
  for (int c = 0; c < o.clients && (o.in_process_ingest || o.sync_clients); ++c) {
    clients.emplace_back([&, c] {
      if (o.in_process_ingest) {
        LedgerTarget target(ledger->get(), "national-bench");
        for (int i = next++; i < history.pcn_count(); i = next++) {
          RunScript(target, history.Generate(i), &stats[c]);
        }
        return;
      }
      grpc::ChannelArguments args;
      args.SetInt("arrs.bench.client", c);  // one connection per client
      GrpcTarget target(grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", (*server)->port()),
                                                  grpc::InsecureChannelCredentials(), args),
                        kToken);
      for (int i = next++; i < history.pcn_count(); i = next++) {
        RunScript(target, history.Generate(i), &stats[c]);
      }
    });
  }
  for (std::thread& t : clients) t.join();
  const double ingest_s = Seconds(t0);
  const uint64_t head = (*ledger)->log().head().position;
  (*server)->Shutdown(absl::Seconds(5));
  server->reset();
  ledger->reset();
  RunStats total;
  for (const RunStats& s : stats) {
    total.commands += s.commands;
    total.failures += s.failures;
    if (total.first_failure.empty()) total.first_failure = s.first_failure;
  }
  const uint64_t appended = head - head_before;
  std::printf("| Measure | Value |\n|---|---:|\n");
  std::printf("| Commands in the history (claim cycle = 1) | %s |\n", Num(commands).c_str());
  std::printf("| Claim lines | %s |\n", Num(lines).c_str());
  std::printf("| Generation alone, one thread | %.1f s |\n", generate_s);
  std::printf("| gRPC requests sent | %s |\n", Num(total.commands).c_str());
  std::printf("| Requests refused | %s |\n", Num(total.failures).c_str());
  std::printf("| Events appended (expected about %s) | %s |\n", Num(expected).c_str(),
              Num(appended).c_str());
  std::printf("| Ingest wall time | %.1f s |\n", ingest_s);
  std::printf("| Acknowledged events/s | %s |\n", Num(appended / ingest_s).c_str());
  std::printf("| Acknowledged requests/s | %s |\n", Num(total.commands / ingest_s).c_str());
  std::printf("| Data folder on disk | %.1f MiB |\n", DirBytes(o.data) / 1048576.0);
  if (total.failures) std::printf("\nFirst refusal: %s\n", total.first_failure.c_str());
  std::fflush(stdout);
  return 0;
}

// Closes `ledger` and hands its freed pages back to the system. Without the trim they stay
// in the arenas of the threads that allocated them (the loader's, the warm-up's), where
// the next ledger's threads do not reuse them: at x10 two ledgers' worth (2 x 15 GB) no
// longer fit in this machine's 24 GiB.
void CloseAndTrim(std::unique_ptr<engine::Ledger>& ledger) {
  ledger.reset();
  malloc_trim(0);
}

int RebuildAndQuery(const Options& o, const NationalHistory& history, FirstPositions* born) {
  std::printf("\n## Rebuild\n\n| Measure | Events | Seconds | Events/s |\n|---|---:|---:|---:|\n");
  std::fflush(stdout);
  if (o.scale > 2) {
    // The child below holds every decoded event twice over (pages, then the folded state):
    // about 1.5x arrsd's memory, too much beside the x10 history on this machine.
    std::printf("| Read and decode only; fold only | not measured above x2 (memory) | | |\n");
  } else if (const pid_t child = fork(); child == 0) {
    // Read and decode only, then fold only (moving the decoded events in), so that the
    // parts of Ledger::Open can be told apart. In a child process, so that Ledger::Open
    // below starts, like arrsd, on memory no earlier phase has touched.
    absl::StatusOr<std::unique_ptr<store::EventLog>> log = store::EventLog::Open(o.data);
    if (!log.ok()) {
      std::fprintf(stderr, "open: %s\n", log.status().ToString().c_str());
      _exit(1);
    }
    std::vector<std::vector<v1::Event>> pages;
    uint64_t count = 0;
    auto t0 = Clock::now();
    for (uint64_t next = 1;;) {
      absl::StatusOr<std::vector<v1::Event>> page = (*log)->ReadFrom(next, 4096);
      if (!page.ok() || page->empty()) break;
      next = page->back().position() + 1;
      count += page->size();
      pages.push_back(*std::move(page));
    }
    const double read_s = Seconds(t0);
    std::printf("| Read and decode only (EventLog::ReadFrom) | %s | %.2f | %s |\n",
                Num(count).c_str(), read_s, Num(count / read_s).c_str());
    engine::LedgerState state;
    t0 = Clock::now();
    for (std::vector<v1::Event>& page : pages) state.Apply(std::move(page));
    const double fold_s = Seconds(t0);
    std::printf("| Fold only (LedgerState::Apply, decoded events moved in) | %s | %.2f | %s |\n",
                Num(count).c_str(), fold_s, Num(count / fold_s).c_str());
    std::fflush(stdout);
    _exit(0);
  } else {
    int status = 0;
    if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
      std::fprintf(stderr, "the read-and-fold child failed\n");
      return 1;
    }
  }
  // The whole log folded from scratch (no snapshot), then a snapshot written at its head,
  // then a start from that snapshot, as arrsd starts.
  auto open = [&](bool restore,
                  bool warm = false) -> absl::StatusOr<std::unique_ptr<engine::Ledger>> {
    engine::LedgerOptions options;
    options.restore_snapshot = restore;
    options.snapshot_on_close = false;
    options.warm_after_restore = warm;
    options.snapshot_every_events = 0;  // the one snapshot is written and timed below
    return engine::Ledger::Open(o.data, options);
  };
  auto t0 = Clock::now();
  absl::StatusOr<std::unique_ptr<engine::Ledger>> ledger = open(false);
  if (!ledger.ok()) {
    std::fprintf(stderr, "open: %s\n", ledger.status().ToString().c_str());
    return 1;
  }
  const double open_s = Seconds(t0);
  const uint64_t head = (*ledger)->log().head().position;
  std::printf("| Ledger::Open without a snapshot: read, decode and fold the whole log | %s | %.2f | %s |\n",
              Num(head).c_str(), open_s, Num(head / open_s).c_str());
  // Snapshots of earlier runs are deleted, so that one is encoded and written here.
  if (absl::Status deleted =
          (*ledger)->log().DeleteSnapshotsBefore(engine::kLedgerSnapshot, head + 1);
      !deleted.ok()) {
    std::fprintf(stderr, "deleting snapshots: %s\n", deleted.ToString().c_str());
    return 1;
  }
  t0 = Clock::now();
  if (absl::StatusOr<uint64_t> written = (*ledger)->WriteSnapshot(); !written.ok()) {
    std::fprintf(stderr, "snapshot: %s\n", written.status().ToString().c_str());
    return 1;
  }
  const double write_s = Seconds(t0);
  absl::StatusOr<store::EventLog::Snapshot> stored =
      (*ledger)->log().LatestSnapshot(engine::kLedgerSnapshot, head);
  CloseAndTrim(*ledger);
  std::printf("| Ledger::WriteSnapshot at the head (encode, synced put) | %s | %.2f | %s |\n",
              Num(head).c_str(), write_s, Num(head / write_s).c_str());
  t0 = Clock::now();
  ledger = open(true, /*warm=*/true);
  if (!ledger.ok()) {
    std::fprintf(stderr, "open: %s\n", ledger.status().ToString().c_str());
    return 1;
  }
  const double restore_s = Seconds(t0);
  (*ledger)->WaitForWarmUp();
  const double warm_s = Seconds(t0);
  const size_t warmed = (*ledger)->startup().streams_to_warm;
  CloseAndTrim(*ledger);
  // Again without the warm-up, for the first old views below.
  ledger = open(true);
  if (!ledger.ok()) {
    std::fprintf(stderr, "open: %s\n", ledger.status().ToString().c_str());
    return 1;
  }
  const engine::StartupReport& startup = (*ledger)->startup();
  if (startup.snapshot_position != head) {
    std::fprintf(stderr, "the snapshot was not used: %s\n", startup.snapshot_refused.c_str());
    return 1;
  }
  std::printf("| Ledger::Open from the snapshot (%s events after it folded) | %s | %.2f | %s |\n",
              Num(startup.events_folded).c_str(), Num(head).c_str(), restore_s,
              Num(head / restore_s).c_str());
  std::printf("| ... and every PCN's events read in the background (%s streams, one pass over the log) | %s | %.2f | %s |\n",
              Num(warmed).c_str(), Num(head).c_str(), warm_s, Num(head / warm_s).c_str());
  std::printf("\nSnapshot: %s bytes (%.1f MiB) for %s events.\n",
              Num(stored.ok() ? stored->state.size() : 0).c_str(),
              stored.ok() ? stored->state.size() / 1048576.0 : 0.0, Num(head).c_str());
  for (int i = 0; i < history.pcn_count(); ++i) {
    absl::StatusOr<std::vector<v1::Event>> first = (*ledger)->log().ReadStream(
        absl::StrFormat("pcn/U%06d", i + 1), 1, 1);
    born->push_back(first.ok() && !first->empty() ? first->front().position() : 1);
  }
  // Every PCN's projections at the head.
  t0 = Clock::now();
  uint64_t failures = 0;
  for (int i = 0; i < history.pcn_count(); ++i) {
    Question q{absl::StrFormat("U%06d", i + 1), absl::CivilDay(2026, 3, 31), 0, true};
    failures += !(*ledger)->GetBalance(BalanceOf(q)).ok();
    failures += !(*ledger)->GetCapUsage(CapsOf(q)).ok();
    v1::WorkforceRequest w;
    w.set_pcn_code(q.pcn);
    *w.mutable_as_of() = ToProtoDate(q.as_of);
    failures += !(*ledger)->GetWorkforce(w).ok();
  }
  const double all_s = Seconds(t0);
  std::printf("\nEvery PCN's balance, cap usage and workforce at 31 March 2026, known now: "
              "%d PCNs in %.2f s (%s PCNs/s), %s failures.\n", history.pcn_count(), all_s,
              Num(history.pcn_count() / all_s).c_str(), Num(failures).c_str());

  std::printf("\n## As-of queries in-process (microseconds)\n\n"
              "| Query | n | p50 | p99 | p99.9 | max | queries/s |\n|---|---:|---:|---:|---:|---:|---:|\n");
  {
    // After a start from a snapshot each PCN's events are read on first need: one old
    // view per PCN (its first), then the rows below on streams all read.
    Latencies first;
    Questions questions(*born, head, 13);
    t0 = Clock::now();
    for (int i = 0; i < history.pcn_count(); ++i) {
      Question q = questions.Next(false);
      q.pcn = absl::StrFormat("U%06d", i + 1);
      q.known_at = (*born)[i] + 1;  // an old view: the PCN has many events after it
      const auto s = Clock::now();
      const absl::Status status = q.balance ? (*ledger)->GetBalance(BalanceOf(q)).status()
                                            : (*ledger)->GetCapUsage(CapsOf(q)).status();
      if (!status.ok() && !absl::IsNotFound(status)) {
        std::fprintf(stderr, "first query: %s\n", status.ToString().c_str());
        return 1;
      }
      first.Add(std::chrono::duration<double, std::micro>(Clock::now() - s).count());
    }
    PrintLatencyRow("first old view of each PCN after the snapshot start (reads its events)",
                    first, history.pcn_count() / Seconds(t0));
  }
  for (bool latest : {false, true}) {
    for (int threads : {1, o.query_threads}) {
      Latencies balance, caps;
      uint64_t failed = 0;
      Latencies all;
      const double qps = RunQueries(
          threads, o.queries / threads, *born, head, latest, &all, &failed,
          [&](int, const Question& q) {
            // NOT_FOUND is an answer: the PCN was not registered yet as known then.
            const absl::Status s = q.balance ? (*ledger)->GetBalance(BalanceOf(q)).status()
                                             : (*ledger)->GetCapUsage(CapsOf(q)).status();
            return s.ok() || absl::IsNotFound(s);
          });
      PrintLatencyRow(absl::StrCat("balance or caps, known_at ",
                                   latest ? "now" : "random since registration", ", ", threads,
                                   " thread(s)", failed ? absl::StrCat(", ", failed, " failed") : ""),
                      all, qps);
    }
  }
  // Per kind, one thread, random known_at.
  for (bool want_balance : {true, false}) {
    Latencies l;
    Questions questions(*born, head, want_balance ? 11 : 12);
    for (int i = 0; i < o.queries / 2; ++i) {
      Question q = questions.Next(false);
      const auto s = Clock::now();
      if (want_balance) {
        (void)(*ledger)->GetBalance(BalanceOf(q));
      } else {
        (void)(*ledger)->GetCapUsage(CapsOf(q));
      }
      l.Add(std::chrono::duration<double, std::micro>(Clock::now() - s).count());
    }
    PrintLatencyRow(want_balance ? "balance only, random known_at, 1 thread"
                                 : "cap usage only, random known_at, 1 thread",
                    l, 0);
  }
  std::fflush(stdout);
  return 0;
}

// The as-of queries over gRPC against the arrsd serving at `address` (head: its head).
void GrpcQueries(const Options& o, const std::string& address, uint64_t head,
                 const FirstPositions& born) {
  std::printf("\n## As-of queries over gRPC on loopback (microseconds, client-side)\n\n"
              "| Query | n | p50 | p99 | p99.9 | max | queries/s |\n|---|---:|---:|---:|---:|---:|---:|\n");
  std::vector<std::unique_ptr<v1::QueryService::Stub>> stubs;
  for (int c = 0; c < o.grpc_clients; ++c) {
    grpc::ChannelArguments args;
    args.SetInt("arrs.bench.client", c);
    stubs.push_back(v1::QueryService::NewStub(
        grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args)));
  }
  for (bool latest : {false, true}) {
    for (int threads : {1, o.grpc_clients}) {
      Latencies all;
      uint64_t failed = 0;
      const double qps = RunQueries(
          threads, o.queries / threads, born, head, latest, &all, &failed,
          [&](int t, const Question& q) {
            grpc::ClientContext c;
            c.AddMetadata("authorization", absl::StrCat("Bearer ", kToken));
            v1::Balance b;
            v1::CapUsage u;
            const grpc::Status s = q.balance ? stubs[t]->GetBalance(&c, BalanceOf(q), &b)
                                             : stubs[t]->GetCapUsage(&c, CapsOf(q), &u);
            return s.ok() || s.error_code() == grpc::StatusCode::NOT_FOUND;
          });
      PrintLatencyRow(absl::StrCat("balance or caps, known_at ",
                                   latest ? "now" : "random since registration", ", ", threads,
                                   " client(s)", failed ? absl::StrCat(", ", failed, " failed") : ""),
                      all, qps);
    }
  }
}

// The head position of the arrsd serving at `address` (0 if it cannot say).
uint64_t HeadOf(const std::string& address) {
  auto admin = v1::AdminService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext c;
  c.AddMetadata("authorization", absl::StrCat("Bearer ", kToken));
  v1::StatsResponse stats;
  return admin->Stats(&c, v1::StatsRequest(), &stats).ok() ? stats.head_position() : 0;
}

int AgainstArrsd(const Options& o, const FirstPositions& born) {
  const std::string tokens_file = o.data + ".tokens";
  const std::string port_file = o.data + ".port";
  {
    std::ofstream out(tokens_file);
    out << services::TokenHash(kToken) << " admin * national-bench\n";
  }
  std::filesystem::remove(port_file);
  const auto t0 = Clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    execl(o.arrsd.c_str(), o.arrsd.c_str(), "--data", o.data.c_str(), "--listen", "127.0.0.1:0",
          "--tokens", tokens_file.c_str(), "--port-file", port_file.c_str(), "--log-level",
          "off", static_cast<char*>(nullptr));
    _exit(127);
  }
  int port = 0;
  while (port == 0 && Seconds(t0) < 600) {
    std::ifstream in(port_file);
    if (!(in >> port)) port = 0;
    if (port == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const double start_s = Seconds(t0);
  std::printf("\n## arrsd process\n\n| Measure | Value |\n|---|---:|\n");
  std::printf("| Start-up to serving (its latest snapshot, else the whole log) | %.2f s |\n", start_s);
  std::printf("| RSS once serving | %.0f MiB |\n", ProcStatusKib(pid, "VmRSS") / 1024.0);
  const std::string address = absl::StrCat("127.0.0.1:", port);

  const uint64_t head = HeadOf(address);
  // Subscribe catch-up from position 1.
  {
    auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
    auto admin = v1::AdminService::NewStub(channel);
    grpc::ClientContext context;
    context.AddMetadata("authorization", absl::StrCat("Bearer ", kToken));
    v1::SubscribeRequest request;
    request.set_from_position(1);
    const auto s0 = Clock::now();
    auto reader = admin->Subscribe(&context, request);
    v1::Event e;
    uint64_t received = 0, last = 0;
    bool in_order = true;
    while (last < head && reader->Read(&e)) {
      in_order &= e.position() == last + 1;
      last = e.position();
      ++received;
    }
    const double sub_s = Seconds(s0);
    context.TryCancel();
    reader->Finish();
    std::printf("| Subscribe from position 1 to the head (%s events, %s) | %s events/s |\n",
                Num(received).c_str(), in_order ? "in order, no gap" : "OUT OF ORDER",
                Num(received / sub_s).c_str());
    std::printf("| RSS after the catch-up | %.0f MiB |\n", ProcStatusKib(pid, "VmRSS") / 1024.0);
  }
  GrpcQueries(o, address, head, born);
  std::printf("\nPeak RSS of arrsd (VmHWM) over the run: %.0f MiB\n",
              ProcStatusKib(pid, "VmHWM") / 1024.0);
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  std::filesystem::remove(tokens_file);
  std::fflush(stdout);
  return 0;
}

}  // namespace
}  // namespace arrs::bench

int main(int argc, char** argv) {
  using namespace arrs;
  bench::Options o;
  CLI::App app{"national_bench: national-scale ingest, rebuild and as-of query benchmark"};
  app.add_option("--scale", o.scale, "PCNs = 1,250 x scale")->capture_default_str();
  app.add_option("--seed", o.seed)->capture_default_str();
  app.add_option("--clients", o.clients, "Concurrent gRPC clients for the ingest")
      ->capture_default_str();
  app.add_option("--channels", o.channels,
                 "Connections the asynchronous ingest clients share")
      ->capture_default_str();
  app.add_flag("--sync-clients", o.sync_clients,
               "Ingest with one thread and one connection per client, blocking calls "
               "(default: the clients' calls driven asynchronously from one thread)");
  app.add_option("--query-threads", o.query_threads, "Threads for in-process queries")
      ->capture_default_str();
  app.add_option("--grpc-clients", o.grpc_clients, "Concurrent gRPC query clients")
      ->capture_default_str();
  app.add_option("--queries", o.queries, "Queries per measurement")->capture_default_str();
  app.add_option("--data", o.data, "Data folder (replaced by the ingest)")->capture_default_str();
  app.add_option("--rules", o.rules, "Rule files folder")->capture_default_str();
  app.add_option("--arrsd", o.arrsd, "arrsd binary")->capture_default_str();
  app.add_option("--pcn-limit", o.pcn_limit, "Only the first N PCNs (quick trials)");
  app.add_option("--snapshot-every-events", o.snapshot_every_events,
                 "The ingesting ledger's periodic snapshots (0: only at close)")
      ->capture_default_str();
  app.add_flag("--in-process-ingest", o.in_process_ingest,
               "Ingest by calling the Ledger directly (no gRPC), to separate the two costs");
  app.add_flag("--generate-only", o.generate_only, "Only time the generator and count the history");
  app.add_flag("--skip-arrsd", o.skip_arrsd, "Stop after the in-process measurements");
  app.add_option("--serving", o.serving,
                 "host:port of an arrsd already serving (its tokens file granting the bench's "
                 "token): only the gRPC queries, known_at drawn from the whole log");
  app.add_flag("--skip-ingest", o.skip_ingest, "Reuse the data folder of an earlier run");
  CLI11_PARSE(app, argc, argv);
  services::SetLogLevel(services::LogLevel::kOff);
  // Debian's abseil is built with mutex deadlock detection on; it records every lock
  // order in a global graph, which costs a few per cent on every request. The ledger's
  // locks are few and taken in a fixed order by design, so turn it off.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  absl::StatusOr<std::vector<v1::FinancialYearRules>> rules = rules::LoadRulesDir(o.rules);
  if (!rules.ok()) {
    std::fprintf(stderr, "rules: %s\n", rules.status().ToString().c_str());
    return 1;
  }
  bench::NationalHistory history({o.seed, o.scale, o.pcn_limit}, *std::move(rules));
  std::printf("# national_bench --scale %d --seed %llu --clients %d\n", o.scale,
              static_cast<unsigned long long>(o.seed), o.clients);
  if (!o.serving.empty()) {
    // Every PCN's first position taken as 1: an old known_at may precede its registration
    // (answered NOT_FOUND, counted as answered).
    bench::GrpcQueries(o, o.serving, bench::HeadOf(o.serving),
                       bench::FirstPositions(history.pcn_count(), 1));
    return 0;
  }
  if (!o.skip_ingest && bench::Ingest(o, history) != 0) return 1;
  if (o.generate_only) return 0;
  // The ingest's ledger is closed; its pages sit free in the allocator arenas of the 64
  // client threads, where the rebuild below (on other threads) would not reuse them.
  malloc_trim(0);
  bench::FirstPositions born;
  if (bench::RebuildAndQuery(o, history, &born) != 0) return 1;
  // Hand the closed ledger's freed pages back to the system before arrsd loads its own copy
  // (at x10 the two would not fit side by side on this machine's 24 GiB).
  malloc_trim(0);
  return o.skip_arrsd ? 0 : bench::AgainstArrsd(o, born);
}
