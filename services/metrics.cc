#include "services/metrics.h"

#include <unistd.h>

#include <fstream>
#include <map>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "ledger/engine/ledger.h"
#include "ledger/util/latency_histogram.h"

namespace arrs::services {
namespace {

class RpcRegistry {
 public:
  LatencyHistogram& For(absl::string_view method, absl::StatusCode code) {
    absl::MutexLock lock(&mu_);
    std::unique_ptr<LatencyHistogram>& slot = by_call_[{std::string(method), code}];
    if (slot == nullptr) slot = std::make_unique<LatencyHistogram>();
    return *slot;  // never freed: the registry lives as long as the process
  }

  std::map<std::pair<std::string, absl::StatusCode>, LatencyHistogram::Snapshot> Read() {
    std::map<std::pair<std::string, absl::StatusCode>, LatencyHistogram::Snapshot> out;
    absl::MutexLock lock(&mu_);
    for (const auto& [key, histogram] : by_call_) out[key] = histogram->Read();
    return out;
  }

 private:
  absl::Mutex mu_;
  std::map<std::pair<std::string, absl::StatusCode>, std::unique_ptr<LatencyHistogram>> by_call_
      ABSL_GUARDED_BY(mu_);
};

RpcRegistry& Registry() {
  static RpcRegistry* registry = new RpcRegistry();  // never destroyed: calls may still end
  return *registry;
}

std::string Seconds(int64_t micros) { return absl::StrFormat("%.6f", micros / 1e6); }

void Header(std::string* out, const char* name, const char* type, const char* help) {
  absl::StrAppend(out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n");
}

// One histogram's series; `labels` is "" or `a="x",b="y"`.
void Histogram(std::string* out, const char* name, const std::string& labels,
               const LatencyHistogram::Snapshot& h) {
  const std::string sep = labels.empty() ? "" : ",";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < LatencyHistogram::kBoundsMicros.size(); ++i) {
    cumulative += h.counts[i];
    absl::StrAppend(out, name, "_bucket{", labels, sep, "le=\"",
                    Seconds(LatencyHistogram::kBoundsMicros[i]), "\"} ", cumulative, "\n");
  }
  absl::StrAppend(out, name, "_bucket{", labels, sep, "le=\"+Inf\"} ", h.count, "\n");
  const std::string braces = labels.empty() ? "" : absl::StrCat("{", labels, "}");
  absl::StrAppend(out, name, "_sum", braces, " ", Seconds(h.sum_micros), "\n");
  absl::StrAppend(out, name, "_count", braces, " ", h.count, "\n");
}

void Gauge(std::string* out, const char* name, const char* type, const char* help,
           const std::string& value) {
  Header(out, name, type, help);
  absl::StrAppend(out, name, " ", value, "\n");
}

uint64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t pages_total = 0, pages_resident = 0;
  if (!(statm >> pages_total >> pages_resident)) return 0;
  return pages_resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace

void RecordRpc(absl::string_view method, absl::StatusCode code, absl::Duration latency) {
  Registry().For(method, code).Record(latency);
}

std::string RenderMetrics(const engine::Ledger& ledger, const ServerGauges& server) {
  std::string out;
  const auto rpcs = Registry().Read();
  Header(&out, "arrs_rpc_requests_total", "counter",
         "RPCs answered (gRPC and the HTTP JSON API), by method and status code.");
  for (const auto& [key, h] : rpcs) {
    absl::StrAppend(&out, "arrs_rpc_requests_total{method=\"", key.first, "\",code=\"",
                    absl::StatusCodeToString(key.second), "\"} ", h.count, "\n");
  }
  Header(&out, "arrs_rpc_duration_seconds", "histogram",
         "Time from an RPC's arrival to its answer, by method and status code.");
  for (const auto& [key, h] : rpcs) {
    Histogram(&out, "arrs_rpc_duration_seconds",
              absl::StrCat("method=\"", key.first, "\",code=\"",
                           absl::StatusCodeToString(key.second), "\""),
              h);
  }

  const store::LogStats log = ledger.LogCounters();
  Gauge(&out, "arrs_log_appends_total", "counter", "Append requests made durable since start.",
        absl::StrCat(log.appended_requests));
  Gauge(&out, "arrs_log_fsyncs_total", "counter",
        "fsyncs that published appended batches since start.", absl::StrCat(log.syncs));
  Gauge(&out, "arrs_log_group_commits_total", "counter",
        "Batches of appends written since start.", absl::StrCat(log.group_commits));
  Gauge(&out, "arrs_log_requests_per_fsync", "gauge",
        "Append requests per fsync since start (group commit's effect).",
        log.syncs == 0 ? "0"
                       : absl::StrFormat("%.3f", static_cast<double>(log.appended_requests) /
                                                     static_cast<double>(log.syncs)));
  Header(&out, "arrs_log_append_duration_seconds", "histogram",
         "Time from an append request to its durable (or refused) result.");
  Histogram(&out, "arrs_log_append_duration_seconds", "", log.append_latency);
  Gauge(&out, "arrs_log_head_position", "gauge", "Events in the log (the head's position).",
        absl::StrCat(log.head.position));
  Gauge(&out, "arrs_log_queued_appends", "gauge", "Appends waiting for the next batch.",
        absl::StrCat(log.queued_appends));
  Gauge(&out, "arrs_log_pending_appends", "gauge",
        "Appends queued or committing, not yet answered (what the write stall watchdog "
        "watches: above 0 for --write-stall-exit-seconds with none finishing, arrsd exits).",
        absl::StrCat(ledger.WriteProgress().pending));
  Gauge(&out, "arrs_log_live_data_bytes", "gauge", "RocksDB's estimate of live data.",
        absl::StrCat(log.live_data_bytes));
  Gauge(&out, "arrs_log_writing_stopped", "gauge",
        "1 once a storage error RocksDB cannot resume from stopped the log writing (appends "
        "refused, reads served; restart arrsd once the disk is healthy), else 0.",
        ledger.WritingStopped().ok() ? "0" : "1");
  Gauge(&out, "arrs_subscribers", "gauge", "Subscribe streams being served.",
        absl::StrCat(server.subscribers));
  Gauge(&out, "arrs_subscribers_cut_off_total", "counter",
        "Subscribe streams ended with RESOURCE_EXHAUSTED because the client left an event "
        "unread longer than --subscriber-stall-seconds, since the server started.",
        absl::StrCat(server.subscribers_cut_off));

  const engine::Ledger::SnapshotStatus snapshot = ledger.LatestSnapshot();
  Gauge(&out, "arrs_snapshot_position", "gauge",
        "Position of the latest state snapshot written or restored by this process (0: none).",
        absl::StrCat(snapshot.position));
  Gauge(&out, "arrs_snapshot_events_behind", "gauge",
        "Events after the latest snapshot: what a restart would fold.",
        absl::StrCat(log.head.position - std::min(log.head.position, snapshot.position)));
  if (snapshot.position > 0) {
    Gauge(&out, "arrs_snapshot_age_seconds", "gauge",
          "Seconds since this process wrote or restored the latest snapshot.",
          absl::StrFormat("%.3f", absl::ToDoubleSeconds(absl::Now() - snapshot.taken)));
  }
  Gauge(&out, "arrs_state_cold_streams", "gauge",
        "Restored streams whose events are not yet read (ready when 0).",
        absl::StrCat(ledger.ColdStreams()));
  Gauge(&out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
        absl::StrCat(ResidentBytes()));
  return out;
}

}  // namespace arrs::services
