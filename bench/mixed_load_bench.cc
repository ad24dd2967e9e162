// mixed_load_bench: the real arrsd on a temporary folder under mixed load for --seconds:
// writers sending the national history's commands (hires, staff changes, claims submitted,
// assessed and paid, across many PCNs; bench/national/history.h), query clients asking
// balances, cap usage and workforce as of random days, known now or at a random earlier
// log position, ordinary subscribers, and one deliberately slow subscriber that stops
// reading for longer than arrsd's stall limit (bench/mixed_load/subscribers.h). Prints
// p50/p99 of each call kind, errors by status, arrsd's RSS every minute, events
// committed, and when the slow subscriber was cut off and resumed. Nothing is asserted.
//
//   build/bench/mixed_load_bench --seconds 600
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "arrs/v1/service.grpc.pb.h"
#include "bench/mixed_load/call_stats.h"
#include "bench/mixed_load/subscribers.h"
#include "bench/national/driver.h"
#include "bench/national/history.h"
#include "bench/national/measure.h"
#include "bench/national/questions.h"
#include "ledger/rules/rule_file.h"
#include "services/auth.h"

namespace arrs::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr char kToken[] = "mixed-load-bench-admin-token";

struct Options {
  int seconds = 600;
  int writers = 64;
  int query_clients = 8;
  int subscribers = 3;
  int channels = 8;
  int scale = 4;  // PCNs = 1,250 x scale: more than the writers finish in a run
  int stall_seconds = 0;  // 0: arrsd's default
  int slow_read_seconds = 30;
  int slow_pause_seconds = 60;
  std::string arrsd = std::string(ARRS_BINARY_DIR) + "/services/arrsd";
  std::string rules = std::string(ARRS_SOURCE_DIR) + "/rules";
  std::string data;  // "" = a new folder under the system's temporary folder
};

double Seconds(Clock::time_point from) {
  return std::chrono::duration<double>(Clock::now() - from).count();
}

// The real arrsd as a child process.
struct Arrsd {
  pid_t pid = -1;
  std::string address;
};

Arrsd StartArrsd(const Options& o, const std::string& dir) {
  const std::string tokens = dir + "/tokens.txt";
  const std::string port_file = dir + "/port";
  std::ofstream(tokens) << services::TokenHash(kToken) << " admin * mixed-load\n";
  std::vector<std::string> args = {o.arrsd, "--data", dir + "/data", "--listen", "127.0.0.1:0",
                                   "--tokens", tokens, "--rules-dir", o.rules,
                                   "--port-file", port_file, "--log-level", "error"};
  if (o.stall_seconds > 0) {
    args.insert(args.end(), {"--subscriber-stall-seconds", std::to_string(o.stall_seconds)});
  }
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  Arrsd arrsd;
  arrsd.pid = fork();
  if (arrsd.pid == 0) {
    execv(o.arrsd.c_str(), argv.data());
    _exit(127);
  }
  for (int i = 0; i < 600; ++i) {
    int port = 0;
    std::ifstream in(port_file);
    if (in >> port && port > 0) {
      arrsd.address = absl::StrCat("127.0.0.1:", port);
      return arrsd;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return arrsd;
}

std::vector<std::shared_ptr<grpc::Channel>> Channels(const std::string& address, int n) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int c = 0; c < n; ++c) {
    grpc::ChannelArguments args;
    args.SetInt("arrs.bench.client", c);  // a connection of its own
    channels.push_back(
        grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
  }
  return channels;
}

// The call kind of each command request, for the report.
const char* KindOf(const v1::RegisterPcnRequest&) { return "RegisterPcn"; }
const char* KindOf(const v1::RecordListSizeRequest&) { return "RecordListSize"; }
const char* KindOf(const v1::RecordBaselineRequest&) { return "RecordBaseline"; }
const char* KindOf(const v1::SetEntitlementRequest&) { return "SetEntitlement"; }
const char* KindOf(const v1::HireStaffRequest&) { return "HireStaff"; }
const char* KindOf(const v1::StaffChangeRequest&) { return "ChangeStaff"; }
const char* KindOf(const v1::SubmitClaimRequest&) { return "SubmitClaim"; }
const char* KindOf(const v1::AssessClaimRequest&) { return "AssessClaim"; }
const char* KindOf(const v1::PayClaimRequest&) { return "PayClaim"; }
const char* KindOf(const v1::CorrectRequest&) { return "Correct"; }

// A GrpcTarget (bench/national/driver.h) that times each call.
class TimedTarget {
 public:
  TimedTarget(GrpcTarget* target, CallStats* stats) : target_(target), stats_(stats) {}
  absl::StatusOr<v1::CommandResult> Call(const Request& r) {
    const Clock::time_point t0 = Clock::now();
    absl::StatusOr<v1::CommandResult> result = target_->Call(r);
    stats_->Record(std::visit([](const auto& alternative) { return KindOf(alternative); }, r),
                   std::chrono::duration<double, std::micro>(Clock::now() - t0).count(),
                   result.status().code(), std::string(result.status().message()));
    return result;
  }

 private:
  GrpcTarget* target_;
  CallStats* stats_;
};

// PCNs registered so far, with the position of their registration, for the query
// clients: a known_at drawn between it and the head always has an answer.
class Registered {
 public:
  struct Pcn {
    std::string code;
    uint64_t born = 1;
  };
  void Add(const std::string& pcn, uint64_t position) {
    std::lock_guard<std::mutex> lock(mu_);
    pcns_.push_back({pcn, position});
  }
  Pcn Pick(std::mt19937_64& rng) {
    std::lock_guard<std::mutex> lock(mu_);
    return pcns_.empty() ? Pcn{"U000001", 1} : pcns_[rng() % pcns_.size()];
  }

 private:
  std::mutex mu_;
  std::vector<Pcn> pcns_;
};

// Writer `w` of `o.writers`: PCN scripts w, w + writers, ... until `end`.
void Write(const Options& o, int w, const NationalHistory& history,
           std::shared_ptr<grpc::Channel> channel, Clock::time_point end, Registered* registered,
           CallStats* stats) {
  GrpcTarget grpc_target(channel, kToken);
  TimedTarget target(&grpc_target, stats);
  for (int index = w; index < history.pcn_count() && Clock::now() < end; index += o.writers) {
    const PcnScript script = history.Generate(index);
    RunStats run;
    ScriptCursor cursor(&script, &run);
    absl::StatusOr<v1::CommandResult> last = v1::CommandResult();
    bool first = true;
    while (Clock::now() < end) {
      std::optional<Request> request = cursor.Next(last);
      if (!request) break;
      last = target.Call(*request);
      if (first && last.ok()) registered->Add(script.pcn_code, last->first_position());
      first = false;
    }
  }
}

// A query client until `end`: balance (known now, or at a random earlier position), cap
// usage (at a random earlier position), workforce (now), in turn, for random PCNs and days.
void Query(int q, std::shared_ptr<grpc::Channel> channel, Clock::time_point end,
           const std::atomic<uint64_t>& head, Registered* registered, CallStats* stats) {
  auto queries = v1::QueryService::NewStub(channel);
  std::mt19937_64 rng(7919 * (q + 1));
  for (uint64_t i = 0; Clock::now() < end; ++i) {
    Question question;
    const Registered::Pcn pcn = registered->Pick(rng);
    question.pcn = pcn.code;
    question.as_of = absl::CivilDay(2019, 7, 1) + static_cast<int>(rng() % 2465);
    const uint64_t h = std::max(head.load(), pcn.born);
    question.known_at = (i % 4 == 0 || i % 4 == 3) ? 0 : pcn.born + rng() % (h - pcn.born + 1);
    grpc::ClientContext context;
    context.AddMetadata("authorization", absl::StrCat("Bearer ", kToken));
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    const Clock::time_point t0 = Clock::now();
    grpc::Status s;
    std::string kind;
    if (i % 4 == 0 || i % 4 == 1) {
      v1::Balance b;
      s = queries->GetBalance(&context, BalanceOf(question), &b);
      kind = i % 4 == 0 ? "GetBalance (known now)" : "GetBalance (known_at past)";
    } else if (i % 4 == 2) {
      v1::CapUsage u;
      s = queries->GetCapUsage(&context, CapsOf(question), &u);
      kind = "GetCapUsage (known_at past)";
    } else {
      v1::WorkforceRequest r;
      r.set_pcn_code(question.pcn);
      *r.mutable_as_of() = ToProtoDate(question.as_of);
      v1::Workforce wf;
      s = queries->GetWorkforce(&context, r, &wf);
      kind = "GetWorkforce (known now)";
    }
    stats->Record(kind, std::chrono::duration<double, std::micro>(Clock::now() - t0).count(), s);
  }
}

uint64_t HeadOf(v1::AdminService::Stub* admin) {
  grpc::ClientContext c;
  c.AddMetadata("authorization", absl::StrCat("Bearer ", kToken));
  c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::StatsResponse stats;
  return admin->Stats(&c, v1::StatsRequest(), &stats).ok() ? stats.head_position() : 0;
}

struct Sample {
  double at_s;
  int64_t rss_kib;
  uint64_t head;
};

// Every second: the head (for the query clients); every minute (and at 0): RSS and head.
std::vector<Sample> Monitor(const Arrsd& arrsd, Clock::time_point start, Clock::time_point end,
                            std::atomic<uint64_t>* head) {
  auto admin = v1::AdminService::NewStub(
      grpc::CreateChannel(arrsd.address, grpc::InsecureChannelCredentials()));
  std::vector<Sample> samples;
  for (int second = 0;; ++second) {
    if (const uint64_t h = HeadOf(admin.get()); h > 0) head->store(h);
    if (second % 60 == 0 || Clock::now() >= end) {
      samples.push_back({Seconds(start), ProcStatusKib(arrsd.pid, "VmRSS"), head->load()});
      std::fprintf(stderr, "[%4.0f s] arrsd RSS %.1f MiB, head %llu\n", samples.back().at_s,
                   samples.back().rss_kib / 1024.0,
                   static_cast<unsigned long long>(samples.back().head));
    }
    if (Clock::now() >= end) return samples;
    std::this_thread::sleep_until(start + std::chrono::seconds(second + 1));
  }
}

void PrintCalls(CallStats& all, double seconds) {
  std::printf("\n## Calls (client-side latency, microseconds)\n\n"
              "| Call | n | per second | p50 | p99 | max |\n|---|---:|---:|---:|---:|---:|\n");
  for (auto& [kind, l] : all.latency) {
    std::printf("| %s | %s | %.1f | %s | %s | %s |\n", kind.c_str(),
                Num(static_cast<double>(l.micros.size())).c_str(), l.micros.size() / seconds,
                Num(l.Percentile(50)).c_str(), Num(l.Percentile(99)).c_str(),
                Num(l.Percentile(100)).c_str());
  }
  std::printf("\n## Errors by status\n\n| Call: status | n | first message |\n|---|---:|---|\n");
  if (all.errors.empty()) std::printf("| none | 0 | |\n");
  for (const auto& [key, n] : all.errors) {
    std::printf("| %s | %s | %s |\n", key.c_str(), Num(static_cast<double>(n)).c_str(),
                all.first_error[key].c_str());
  }
}

void PrintSubscribers(const std::vector<SubscriberReport>& ordinary, const SubscriberReport& slow,
                      const std::vector<CutOff>& cut_offs) {
  std::printf("\n## Subscribers\n\n| Subscriber | events read | out of order | streams (final status of each) |\n|---|---:|---:|---|\n");
  for (size_t i = 0; i < ordinary.size(); ++i) {
    std::string endings;
    for (const std::string& e : ordinary[i].endings) absl::StrAppend(&endings, e, "; ");
    std::printf("| ordinary %zu | %s | %llu | %s |\n", i + 1,
                Num(static_cast<double>(ordinary[i].events)).c_str(),
                static_cast<unsigned long long>(ordinary[i].out_of_order), endings.c_str());
  }
  std::printf("| slow | %s | %llu | %zu |\n", Num(static_cast<double>(slow.events)).c_str(),
              static_cast<unsigned long long>(slow.out_of_order), cut_offs.size());
  std::printf("\n## The slow subscriber's pauses\n\n| paused at | status read at | last read | "
              "resume named | resume = last + 1 | status |\n|---:|---:|---:|---:|---|---|\n");
  for (const CutOff& c : cut_offs) {
    std::printf("| %.0f s | %.0f s | %llu | %llu | %s | %s |\n", c.paused_at_s, c.status_at_s,
                static_cast<unsigned long long>(c.last_read),
                static_cast<unsigned long long>(c.resume),
                c.resume == 0 ? "-" : (c.resume == c.last_read + 1 ? "yes" : "NO"),
                c.status.c_str());
  }
}

void PrintRss(const std::vector<Sample>& samples, uint64_t head_start) {
  std::printf("\n## arrsd RSS (VmRSS) per minute\n\n| at | RSS MiB | events committed |\n|---:|---:|---:|\n");
  for (const Sample& s : samples) {
    std::printf("| %.0f s | %.1f | %s |\n", s.at_s, s.rss_kib / 1024.0,
                Num(static_cast<double>(s.head - head_start)).c_str());
  }
}

// A new, empty folder for arrsd (and its tokens and port files).
std::string DataDir(const Options& o) {
  const std::string dir =
      o.data.empty() ? (std::filesystem::temp_directory_path() /
                        absl::StrCat("arrs-mixed-load-", getpid())).string()
                     : o.data;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

void PrintHeader(const Options& o) {
  const std::string stall =
      o.stall_seconds > 0 ? absl::StrCat(o.stall_seconds, " s") : "its default";
  std::printf("# mixed_load_bench --seconds %d --writers %d --query-clients %d "
              "--subscribers %d (+1 slow: reads %d s, pauses %d s)\n\narrsd: %s, stall limit "
              "%s\n",
              o.seconds, o.writers, o.query_clients, o.subscribers, o.slow_read_seconds,
              o.slow_pause_seconds, o.arrsd.c_str(), stall.c_str());
}

int Run(const Options& o) {
  absl::StatusOr<std::vector<v1::FinancialYearRules>> rules = rules::LoadRulesDir(o.rules);
  if (!rules.ok()) {
    std::fprintf(stderr, "rules: %s\n", rules.status().ToString().c_str());
    return 1;
  }
  const NationalHistory history({2019, o.scale, 0}, *std::move(rules));
  const std::string dir = DataDir(o);
  const Arrsd arrsd = StartArrsd(o, dir);
  if (arrsd.address.empty()) {
    std::fprintf(stderr, "arrsd did not start\n");
    return 1;
  }
  std::atomic<uint64_t> head{0};
  {
    auto admin = v1::AdminService::NewStub(
        grpc::CreateChannel(arrsd.address, grpc::InsecureChannelCredentials()));
    head = HeadOf(admin.get());
  }
  const uint64_t head_start = head.load();
  PrintHeader(o);
  const Clock::time_point start = Clock::now();
  const Clock::time_point end = start + std::chrono::seconds(o.seconds);
  const auto channels = Channels(arrsd.address, o.channels);
  Registered registered;
  std::vector<CallStats> stats(o.writers + o.query_clients);
  std::vector<std::thread> threads;
  for (int w = 0; w < o.writers; ++w) {
    threads.emplace_back(Write, std::cref(o), w, std::cref(history), channels[w % o.channels],
                         end, &registered, &stats[w]);
  }
  for (int q = 0; q < o.query_clients; ++q) {
    threads.emplace_back(Query, q, channels[q % o.channels], end, std::cref(head), &registered,
                         &stats[o.writers + q]);
  }
  std::vector<SubscriberReport> ordinary(o.subscribers);
  for (int s = 0; s < o.subscribers; ++s) {
    threads.emplace_back([&, s] {
      ordinary[s] = SubscribeClient(channels[s % o.channels], kToken, start, end).RunOrdinary();
    });
  }
  SubscriberReport slow;
  std::vector<CutOff> cut_offs;
  threads.emplace_back([&] {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);  // a fixed 64 KiB stream window
    auto channel =
        grpc::CreateCustomChannel(arrsd.address, grpc::InsecureChannelCredentials(), args);
    slow = SubscribeClient(channel, kToken, start, end)
               .RunSlow(std::chrono::seconds(o.slow_read_seconds),
                        std::chrono::seconds(o.slow_pause_seconds), &cut_offs);
  });
  const std::vector<Sample> samples = Monitor(arrsd, start, end, &head);
  for (std::thread& t : threads) t.join();
  const double elapsed = Seconds(start);
  std::printf("\nRan %.0f s; events committed %s (%.0f/s); arrsd peak RSS (VmHWM) %.1f MiB\n",
              elapsed, Num(static_cast<double>(head.load() - head_start)).c_str(),
              (head.load() - head_start) / elapsed, ProcStatusKib(arrsd.pid, "VmHWM") / 1024.0);
  CallStats all;
  for (const CallStats& s : stats) all.Merge(s);
  PrintCalls(all, elapsed);
  PrintSubscribers(ordinary, slow, cut_offs);
  PrintRss(samples, head_start);
  kill(arrsd.pid, SIGTERM);
  int status = 0;
  waitpid(arrsd.pid, &status, 0);
  if (o.data.empty()) std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace arrs::bench

int main(int argc, char** argv) {
  arrs::bench::Options o;
  CLI::App app{"mixed_load_bench: writers, queries and subscribers (one slow) on a real arrsd"};
  app.add_option("--seconds", o.seconds)->capture_default_str();
  app.add_option("--writers", o.writers)->capture_default_str();
  app.add_option("--query-clients", o.query_clients)->capture_default_str();
  app.add_option("--subscribers", o.subscribers, "Ordinary subscribers")->capture_default_str();
  app.add_option("--channels", o.channels, "Connections the writers and queries share")
      ->capture_default_str();
  app.add_option("--scale", o.scale, "PCNs = 1,250 x scale")->capture_default_str();
  app.add_option("--stall-seconds", o.stall_seconds,
                 "arrsd's --subscriber-stall-seconds (0: not passed, its default)")
      ->capture_default_str();
  app.add_option("--slow-read-seconds", o.slow_read_seconds)->capture_default_str();
  app.add_option("--slow-pause-seconds", o.slow_pause_seconds,
                 "How long the slow subscriber stops reading each cycle")
      ->capture_default_str();
  app.add_option("--arrsd", o.arrsd, "arrsd binary")->capture_default_str();
  app.add_option("--rules", o.rules, "Rule files folder")->capture_default_str();
  app.add_option("--data", o.data, "Folder for arrsd's data (replaced; kept after the run)");
  CLI11_PARSE(app, argc, argv);
  signal(SIGPIPE, SIG_IGN);
  return arrs::bench::Run(o);
}
