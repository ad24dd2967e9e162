// arrsctl repair-index --data DIR: rebuilds a stopped data folder's derived indexes (the
// streams index and the request records) from its events, after verifying the hash chain,
// and prints every change (ledger/store/index_repair.h); then checks the state snapshots
// against the repaired log and, when one fails, removes them all (a cache: the next start
// folds the log; ledger/engine/snapshot_verifier.h). An admin's offline command: it
// writes the folder, so it refuses one a running arrsd holds.
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli/commands.h"
#include "cli/table.h"
#include "ledger/engine/snapshot_verifier.h"
#include "ledger/store/event_log.h"
#include "ledger/store/index_repair.h"

namespace arrs::cli {
namespace {

struct RepairOptions {
  std::string data;
};

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20) {
      absl::StrAppend(&out, absl::StrFormat("\\u%04x", static_cast<unsigned char>(c)));
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string JsonFamily(const store::FamilyRepair& f) {
  std::vector<std::string> changes;
  for (const std::string& line : f.changes) changes.push_back(JsonString(line));
  return absl::StrCat("{\"added\": ", f.added, ", \"removed\": ", f.removed,
                      ", \"rewritten\": ", f.rewritten, ", \"changes\": [",
                      absl::StrJoin(changes, ", "), "]}");
}

void PrintFamily(const char* name, const store::FamilyRepair& f) {
  std::printf("%-9s %llu added, %llu removed, %llu rewritten\n", name,
              static_cast<unsigned long long>(f.added), static_cast<unsigned long long>(f.removed),
              static_cast<unsigned long long>(f.rewritten));
  for (const std::string& line : f.changes) std::printf("  %s: %s\n", name, line.c_str());
  const uint64_t total = f.added + f.removed + f.rewritten;
  if (total > f.changes.size()) {
    std::printf("  %s: ... and %llu more\n", name,
                static_cast<unsigned long long>(total - f.changes.size()));
  }
}

// The snapshots checked against the repaired log, and removed if one fails.
absl::StatusOr<engine::SnapshotRepair> RepairSnapshots(const std::string& data) {
  ASSIGN_OR_RETURN(log, store::EventLog::Open(data));
  return engine::RemoveSnapshotsThatFailVerify(*log);
}

std::string SnapshotsText(const engine::SnapshotRepair& s) {
  if (!s.removed) return absl::StrCat("snapshots: ", s.verified, " verified, none removed");
  return absl::StrCat("snapshots: all removed (the next start folds the log); the first that "
                      "failed: ", s.problem);
}

int RunRepair(Context& ctx, const RepairOptions& o) {
  absl::StatusOr<store::RepairReport> r = store::RepairIndexes(o.data);
  absl::StatusOr<engine::SnapshotRepair> snapshots =
      r.ok() ? RepairSnapshots(o.data) : absl::StatusOr<engine::SnapshotRepair>(r.status());
  if (!snapshots.ok()) {
    std::fprintf(stderr, "error: repair-index %s: %s\n", o.data.c_str(),
                 std::string(snapshots.status().message()).c_str());
    return kExitFailed;
  }
  switch (ctx.format()) {
    case OutputFormat::kJson: {
      std::vector<std::string> lost, whole;
      for (const std::string& name : r->requests_without_digest) lost.push_back(JsonString(name));
      for (const std::string& family : r->rebuilt_whole) whole.push_back(JsonString(family));
      std::printf(
          "{\"events\": %llu, \"changed\": %s, \"streams\": %s, \"requests\": %s, "
          "\"requests_without_digest\": [%s], \"rebuilt_whole\": [%s], "
          "\"snapshots_removed\": %s, \"snapshot_problem\": %s}\n",
          static_cast<unsigned long long>(r->events),
          r->changed() || snapshots->removed ? "true" : "false", JsonFamily(r->streams).c_str(),
          JsonFamily(r->requests).c_str(), absl::StrJoin(lost, ", ").c_str(),
          absl::StrJoin(whole, ", ").c_str(), snapshots->removed ? "true" : "false",
          JsonString(snapshots->problem).c_str());
      break;
    }
    case OutputFormat::kCsv: {
      Table table({"family", "added", "removed", "rewritten"});
      for (const auto& [name, f] :
           {std::pair<const char*, const store::FamilyRepair&>{"streams", r->streams},
            {"requests", r->requests}}) {
        table.AddRow(
            {name, absl::StrCat(f.added), absl::StrCat(f.removed), absl::StrCat(f.rewritten)});
      }
      std::fputs(table.Csv().c_str(), stdout);
      break;
    }
    case OutputFormat::kTable:
      std::printf("%s: %s: hash chain of %llu events verified\n",
                  r->changed() || snapshots->removed ? "REPAIRED" : "OK, nothing to repair",
                  o.data.c_str(),
                  static_cast<unsigned long long>(r->events));
      for (const std::string& family : r->rebuilt_whole) {
        std::printf("rebuilt whole (its files failed their checksums): %s\n", family.c_str());
      }
      PrintFamily("streams", r->streams);
      PrintFamily("requests", r->requests);
      std::printf("%s\n", SnapshotsText(*snapshots).c_str());
      if (!r->requests_without_digest.empty()) {
        std::printf(
            "request records rebuilt without their kind and digest (a retry of these "
            "request ids gets the first result, and a different request reusing one "
            "is not refused):\n");
        for (const std::string& name : r->requests_without_digest) {
          std::printf("  %s\n", name.c_str());
        }
      }
      break;
  }
  return kExitOk;
}

}  // namespace

void AddRepairCommand(CLI::App& app, Context& ctx) {
  AddCommand<RepairOptions>(
      &app, ctx,
      {"repair-index",
       "Rebuild a stopped data folder's streams index and request records from its events "
       "(admin, offline; writes the folder)",
       {{"--data", &RepairOptions::data, "Data folder (arrsd must not be running on it)",
         kRequired}},
       "  arrsctl repair-index --data /srv/arrs/data\n  arrsctl verify --data /srv/arrs/data",
       RunRepair});
}

}  // namespace arrs::cli
