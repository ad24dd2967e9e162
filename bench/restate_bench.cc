// restate_bench: what a backdated rule version costs over a national history (issue 19).
//
// On a data folder written by national_bench (the x1 history, say), in process:
//   1. opens the Ledger and times the arrears report for one financial year and for every
//      year before anything changes (every paid line priced again, nothing owed);
//   2. publishes a new rule version of that year, the one in force with every published
//      maximum raised by --uplift-bp (3% by default) and nothing else changed: a backdated
//      uplift, as NHS England published for 2025/26 on 1 August 2025;
//   3. times the arrears report again (the re-pricing: every line of the year priced
//      against the new version, the arrears found), while --query-threads threads ask
//      random PCNs' balances (each one restating that PCN's year) and one thread records
//      commands; prints the latencies of both while the report runs.
// Changes the folder (the published version stays). Not a test: nothing is asserted.
//
//   build/bench/restate_bench --data /tmp/nat-x1 --year 2024
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "ledger/engine/ledger.h"
#include "ledger/util/civil_date.h"
#include "ledger/util/money.h"

namespace arrs::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point from) {
  return std::chrono::duration<double>(Clock::now() - from).count();
}

struct Latencies {
  std::vector<double> micros;
  double Percentile(double p) {
    if (micros.empty()) return 0;
    std::sort(micros.begin(), micros.end());
    size_t i = static_cast<size_t>(p / 100.0 * (micros.size() - 1) + 0.5);
    return micros[std::min(i, micros.size() - 1)];
  }
  void Print(const char* what) {
    std::printf("| %s | %zu | %.0f | %.0f | %.0f |\n", what, micros.size(), Percentile(50),
                Percentile(99), Percentile(100));
  }
};

struct Options {
  std::string data = "/tmp/arrs-national";
  int year = 2024;
  int uplift_bp = 300;
  int query_threads = 1;
};

int64_t Raise(int64_t pence, int uplift_bp) { return pence + pence * uplift_bp / 10000; }

void RaiseAll(v1::MaxAmount& m, int uplift_bp) {
  m.set_annual_max_pence(Raise(m.annual_max_pence(), uplift_bp));
  m.set_outer_london_pence(Raise(m.outer_london_pence(), uplift_bp));
  m.set_inner_london_pence(Raise(m.inner_london_pence(), uplift_bp));
}

// The version in force for the year with every published maximum raised.
absl::StatusOr<v1::FinancialYearRules> Uplifted(const engine::Ledger& ledger, const Options& o) {
  v1::RulesRequest request;
  request.set_financial_year(o.year);
  absl::StatusOr<v1::RulesResponse> in_force = ledger.GetRules(request);
  if (!in_force.ok()) return in_force.status();
  v1::FinancialYearRules rules = in_force->rules();
  rules.set_version(absl::StrCat(rules.version(), " bench uplift ",
                                 absl::ToUnixSeconds(absl::Now())));
  for (v1::BandRow& row : *rules.mutable_band_rows()) {
    for (v1::MaxAmount& m : *row.mutable_amounts()) RaiseAll(m, o.uplift_bp);
  }
  for (v1::RoleRule& role : *rules.mutable_roles()) {
    for (v1::MaxAmount& m : *role.mutable_max_amounts()) RaiseAll(m, o.uplift_bp);
  }
  return rules;
}

// Times one arrears report; prints its row.
absl::Status TimeReport(const engine::Ledger& ledger, int year, const char* when) {
  v1::ArrearsRequest request;
  request.set_financial_year(year);
  const auto start = Clock::now();
  absl::StatusOr<v1::ArrearsReport> report = ledger.GetArrears(request);
  const double took = Seconds(start);
  if (!report.ok()) return report.status();
  std::printf("| %s, %s | %.2f | %d | %s | %s |\n", when,
              year == 0 ? "every year" : FormatFinancialYear(year).c_str(), took,
              report->pcns_size(), FormatPounds(report->arrears_due_pence()).c_str(),
              FormatPounds(report->overpayment_to_recover_pence()).c_str());
  return absl::OkStatus();
}

int Run(const Options& o) {
  engine::LedgerOptions options;
  options.snapshot_on_close = false;
  options.snapshot_every_events = 0;
  const auto opening = Clock::now();
  absl::StatusOr<std::unique_ptr<engine::Ledger>> opened = engine::Ledger::Open(o.data, options);
  if (!opened.ok()) {
    std::fprintf(stderr, "opening %s: %s\n", o.data.c_str(), opened.status().ToString().c_str());
    return 1;
  }
  engine::Ledger& ledger = **opened;
  ledger.WaitForWarmUp();
  absl::StatusOr<v1::ListPcnsResponse> pcns = ledger.ListPcns(v1::ListPcnsRequest());
  if (!pcns.ok() || pcns->pcns_size() == 0) {
    std::fprintf(stderr, "no PCNs in %s\n", o.data.c_str());
    return 1;
  }
  std::printf("Opened %s in %.1f s: head %llu, %d PCNs\n\n", o.data.c_str(), Seconds(opening),
              static_cast<unsigned long long>(ledger.HeadPosition()), pcns->pcns_size());
  std::printf("| Arrears report | Seconds | PCNs owed either way | Arrears due | To recover |\n"
              "|---|---|---|---|---|\n");
  for (int year : {o.year, 0}) {
    if (absl::Status s = TimeReport(ledger, year, "before"); !s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 1;
    }
  }

  absl::StatusOr<v1::FinancialYearRules> uplift = Uplifted(ledger, o);
  if (!uplift.ok()) {
    std::fprintf(stderr, "%s\n", uplift.status().ToString().c_str());
    return 1;
  }
  v1::PublishRulesRequest publish;
  publish.mutable_header()->set_request_id(uplift->version());
  publish.mutable_header()->set_reason("restate_bench: a backdated uplift");
  *publish.mutable_rules() = *uplift;
  const auto publishing = Clock::now();
  absl::StatusOr<v1::CommandResult> published = ledger.PublishRules("bench:admin", publish);
  if (!published.ok()) {
    std::fprintf(stderr, "publishing: %s\n", published.status().ToString().c_str());
    return 1;
  }
  const double publish_took = Seconds(publishing);

  // While the report runs: balances of random PCNs, and commands on random PCNs.
  std::atomic<bool> done{false};
  std::vector<Latencies> balances(o.query_threads);
  std::vector<std::thread> threads;
  for (int t = 0; t < o.query_threads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(t + 1);
      while (!done.load()) {
        v1::BalanceRequest r;
        r.set_pcn_code(pcns->pcns(rng() % pcns->pcns_size()).pcn_code());
        r.set_financial_year(o.year);
        const auto start = Clock::now();
        (void)ledger.GetBalance(r);
        balances[t].micros.push_back(Seconds(start) * 1e6);
      }
    });
  }
  Latencies commands;
  threads.emplace_back([&] {
    std::mt19937_64 rng(99);
    for (int i = 0; !done.load(); ++i) {
      v1::RecordLondonZoneRequest r;
      r.mutable_header()->set_request_id(absl::StrCat(uplift->version(), ":zone:", i));
      r.mutable_header()->set_reason("restate_bench: a write during the report");
      r.set_pcn_code(pcns->pcns(rng() % pcns->pcns_size()).pcn_code());
      r.set_zone(v1::LONDON_ZONE_NONE);
      *r.mutable_effective_from() = ToProtoDate(absl::CivilDay(o.year, 4, 1));
      const auto start = Clock::now();
      absl::StatusOr<v1::CommandResult> result = ledger.RecordLondonZone("bench:icb", r);
      commands.micros.push_back(Seconds(start) * 1e6);
      if (!result.ok()) {
        std::fprintf(stderr, "command refused: %s\n", result.status().ToString().c_str());
        return;
      }
    }
  });
  absl::Status after_year = TimeReport(ledger, o.year, "after the uplift");
  absl::Status after_all = after_year.ok() ? TimeReport(ledger, 0, "after the uplift")
                                           : absl::OkStatus();
  done = true;
  for (std::thread& t : threads) t.join();
  if (!after_year.ok() || !after_all.ok()) {
    std::fprintf(stderr, "%s %s\n", after_year.ToString().c_str(), after_all.ToString().c_str());
    return 1;
  }
  std::printf("\nPublished \"%s\" (maxima +%d bp) in %.3f s.\n\n", uplift->version().c_str(),
              o.uplift_bp, publish_took);
  Latencies all;
  for (const Latencies& l : balances) {
    all.micros.insert(all.micros.end(), l.micros.begin(), l.micros.end());
  }
  std::printf("While the two reports ran:\n\n| Call | Count | p50 µs | p99 µs | max µs |\n"
              "|---|---|---|---|---|\n");
  all.Print("GetBalance (restating the PCN's year)");
  commands.Print("RecordLondonZone (synced)");
  return 0;
}

}  // namespace
}  // namespace arrs::bench

int main(int argc, char** argv) {
  arrs::bench::Options o;
  CLI::App app{"Times the re-pricing of a national history after a backdated rule version"};
  app.add_option("--data", o.data, "Data folder written by national_bench")->capture_default_str();
  app.add_option("--year", o.year, "Financial year to uplift (2024 = 2024/25)")
      ->capture_default_str();
  app.add_option("--uplift-bp", o.uplift_bp, "Raise of every maximum, basis points")
      ->capture_default_str();
  app.add_option("--query-threads", o.query_threads, "Threads asking balances meanwhile")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  return arrs::bench::Run(o);
}
