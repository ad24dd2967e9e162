// arrsctl verify [--data DIR] | restore | replay: audit a data folder with no server
// (verify --data checks the chain, the files, the indexes and the snapshots).
// Offline commands open the folder themselves, read-only (RocksDB's read-only mode: no file
// is created, changed or removed), so it must not be in use by a running arrsd: work on a
// backup or a copy.
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cli/commands.h"
#include "cli/table.h"
#include "ledger/engine/ledger.h"
#include "ledger/engine/snapshot_verifier.h"
#include "ledger/store/event_log.h"
#include "ledger/util/civil_date.h"
#include "ledger/util/money.h"

namespace arrs::cli {
namespace {

int PrintVerify(const Context& ctx, const v1::VerifyResponse& r, const std::string& where) {
  Table table({"ok", "events_checked", "head_position", "head_hash", "first_bad_position",
               "problem"});
  table.AddRow({r.ok() ? "OK" : "BROKEN", absl::StrCat(r.events_checked()),
                absl::StrCat(r.head_position()), HexText(r.head_hash()),
                r.ok() || r.first_bad_position() == 0 ? "" : absl::StrCat(r.first_bad_position()),
                r.problem()});
  if (ctx.format() == OutputFormat::kTable) {
    if (r.ok()) {
      std::printf("OK: %s: %llu events, hash chain intact\nhead position %llu\nhead hash     %s\n",
                  where.c_str(), static_cast<unsigned long long>(r.events_checked()),
                  static_cast<unsigned long long>(r.head_position()),
                  HexText(r.head_hash()).c_str());
    } else {
      if (r.first_bad_position() != 0) {
        std::printf("BROKEN: %s: first bad position %llu: %s\n", where.c_str(),
                    static_cast<unsigned long long>(r.first_bad_position()), r.problem().c_str());
      } else {  // an index or a file, not an event
        std::printf("BROKEN: %s: %s\n", where.c_str(), r.problem().c_str());
      }
    }
  } else {
    Emit(ctx, r, table);
  }
  return r.ok() ? kExitOk : kExitFailed;
}

absl::StatusOr<v1::VerifyResponse> VerifyFolder(const std::string& dir) {
  if (!std::filesystem::is_directory(dir)) {
    return absl::NotFoundError(absl::StrCat("no data folder at ", dir));
  }
  store::LogOptions options;
  options.create_if_missing = false;
  options.read_only = true;  // an audit leaves the folder byte for byte as it was
  absl::StatusOr<std::unique_ptr<store::EventLog>> log = store::EventLog::Open(dir, options);
  if (!log.ok()) return log.status();
  return engine::VerifyChainAndSnapshots(**log);
}

struct VerifyOptions {
  std::string data;
};

int RunVerify(Context& ctx, const VerifyOptions& o) {
  if (!o.data.empty()) {
    absl::StatusOr<v1::VerifyResponse> r = VerifyFolder(o.data);
    if (!r.ok()) {
      std::fprintf(stderr, "error: %s\n", std::string(r.status().message()).c_str());
      return kExitFailed;
    }
    return PrintVerify(ctx, *r, o.data);
  }
  v1::VerifyResponse r;
  auto call = ctx.NewCall();
  call->set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(30));
  grpc::Status s = ctx.admin()->Verify(call.get(), v1::VerifyRequest(), &r);
  if (!s.ok()) return ReportRpcError(s, "verify");
  return PrintVerify(ctx, r, ctx.options.server);
}

struct RestoreOptions {
  std::string from, data;
};

int RunRestore(Context& ctx, const RestoreOptions& o) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(o.from, ec)) {
    std::fprintf(stderr, "error: no backup folder at %s\n", o.from.c_str());
    return kExitFailed;
  }
  if (fs::exists(o.data, ec)) {
    std::fprintf(stderr, "error: %s already exists; restore only into a new folder\n",
                 o.data.c_str());
    return kExitFailed;
  }
  fs::copy(o.from, o.data, fs::copy_options::recursive, ec);
  if (ec) {
    std::fprintf(stderr, "error: copying %s to %s: %s\n", o.from.c_str(), o.data.c_str(),
                 ec.message().c_str());
    return kExitFailed;
  }
  absl::StatusOr<v1::VerifyResponse> r = VerifyFolder(o.data);
  if (!r.ok()) {
    std::fprintf(stderr, "error: restored folder %s does not open: %s\n", o.data.c_str(),
                 std::string(r.status().message()).c_str());
    return kExitFailed;
  }
  if (ctx.format() == OutputFormat::kTable) std::printf("restored %s -> %s\n", o.from.c_str(),
                                                        o.data.c_str());
  return PrintVerify(ctx, *r, o.data);
}

struct ReplayOptions {
  std::string data, year;
  uint64_t to = 0;
};

// Opens `data` read only, leaving the folder byte for byte as it was, and folding the log
// itself: an auditor's replay neither trusts nor writes a snapshot. Null (the error said on
// stderr) when there is no such folder or it cannot be opened.
std::unique_ptr<engine::Ledger> OpenForReplay(const std::string& data) {
  engine::LedgerOptions options;
  options.log.create_if_missing = false;
  options.log.read_only = true;
  options.restore_snapshot = false;
  options.snapshot_on_close = false;
  options.snapshot_every_events = 0;
  if (!std::filesystem::is_directory(data)) {
    std::fprintf(stderr, "error: no data folder at %s\n", data.c_str());
    return nullptr;
  }
  absl::StatusOr<std::unique_ptr<engine::Ledger>> ledger = engine::Ledger::Open(data, options);
  if (!ledger.ok()) {
    std::fprintf(stderr, "error: %s\n", std::string(ledger.status().message()).c_str());
    return nullptr;
  }
  return *std::move(ledger);
}

int RunReplay(Context& ctx, const ReplayOptions& o) {
  std::unique_ptr<engine::Ledger> ledger = OpenForReplay(o.data);
  if (ledger == nullptr) return kExitFailed;
  const uint64_t head = ledger->log().head().position;
  if (o.to == 0 || o.to > head) {
    std::fprintf(stderr, "error: --to %llu is not a position of this log (1..%llu)\n",
                 static_cast<unsigned long long>(o.to), static_cast<unsigned long long>(head));
    return kExitUsage;
  }
  int first_year = kFirstFinancialYear;
  int last_year = FinancialYearOf(absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()));
  if (!o.year.empty()) {
    ASSIGN_OR_RETURN(year, ParseYearArg(o.year, "--year"), ReportError);
    first_year = last_year = year;
  }
  v1::KnownAt known_at;
  known_at.set_position(o.to);
  v1::ListPcnsRequest list_req;
  *list_req.mutable_known_at() = known_at;
  absl::StatusOr<v1::ListPcnsResponse> pcns = ledger->ListPcns(list_req);
  if (!pcns.ok()) return ReportError(pcns.status());

  // JSON: one ListPcnsResponse-like document holding the balances.
  Table table({"pcn", "icb", "staff", "claims", "year", "sum", "claimed", "approved", "paid",
               "remaining"});
  table.RightAlign({2, 3, 5, 6, 7, 8, 9});
  std::string json = "{\"position\": " + absl::StrCat(o.to) + ", \"pcns\": " +
                     ToJson(*pcns, false) + ", \"balances\": [";
  bool first = true;
  for (const v1::PcnSummary& p : pcns->pcns()) {
    for (int year = first_year; year <= last_year; ++year) {
      v1::BalanceRequest req;
      req.set_pcn_code(p.pcn_code());
      req.set_financial_year(year);
      *req.mutable_known_at() = known_at;
      absl::StatusOr<v1::Balance> b = ledger->GetBalance(req);
      if (!b.ok()) return ReportError(b.status());
      if (b->sum_pence() == 0 && b->claimed_pence() == 0 && o.year.empty()) continue;
      table.AddRow({p.pcn_code(), p.icb_code(), absl::StrCat(p.staff_count()),
                    absl::StrCat(p.claim_count()), FormatFinancialYear(year),
                    Money(ctx, b->sum_pence()), Money(ctx, b->claimed_pence()),
                    Money(ctx, b->approved_pence()), Money(ctx, b->paid_pence()),
                    Money(ctx, b->remaining_pence())});
      b->clear_claims();
      absl::StrAppend(&json, first ? "" : ", ", ToJson(*b, false));
      first = false;
    }
  }
  json += "]}";
  switch (ctx.format()) {
    case OutputFormat::kJson:
      std::printf("%s\n", json.c_str());
      break;
    case OutputFormat::kCsv:
      std::fputs(table.Csv().c_str(), stdout);
      break;
    case OutputFormat::kTable:
      std::printf("Replayed %s to log position %llu of %llu: %d PCNs\n\n", o.data.c_str(),
                  static_cast<unsigned long long>(o.to), static_cast<unsigned long long>(head),
                  pcns->pcns_size());
      std::fputs(table.Aligned().c_str(), stdout);
      break;
  }
  return kExitOk;
}

}  // namespace

void AddOfflineCommands(CLI::App& app, Context& ctx) {
  AddCommand<VerifyOptions>(
      &app, ctx,
      {"verify",
       "Check the hash chain (on the server, or offline on a data folder) and print the head "
       "hash",
       {{"--data", &VerifyOptions::data, "Data folder (a backup or a copy; no server needed)"}},
       "  arrsctl verify\n  arrsctl verify --data /var/backups/arrs/2025-04-01",
       RunVerify});
  AddCommand<RestoreOptions>(
      &app, ctx,
      {"restore",
       "Copy a backup into a new data folder and verify it",
       {{"--from", &RestoreOptions::from, "Backup folder", kRequired},
        {"--data", &RestoreOptions::data, "New data folder (must not exist)", kRequired}},
       "  arrsctl restore --from /var/backups/arrs/2025-04-01 --data /srv/arrs/data",
       RunRestore});
  AddCommand<ReplayOptions>(
      &app, ctx,
      {"replay",
       "Rebuild the PCNs and balances as they stood at a log position, offline",
       {{"--data", &ReplayOptions::data, "Data folder (a backup or a copy)", kRequired},
        {"--to", &ReplayOptions::to, "Log position", kRequired},
        {"--year", &ReplayOptions::year,
         "Only this financial year (default: every year with data)"}},
       "  arrsctl replay --data /var/backups/arrs/2025-04-01 --to 1500",
       RunReplay});
}

}  // namespace arrs::cli
