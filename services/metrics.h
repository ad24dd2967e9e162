// arrsd's metrics in Prometheus' text format (version 0.0.4), for GET /metrics:
//   arrs_rpc_requests_total{method,code}            calls answered, by method and status
//   arrs_rpc_duration_seconds{method,code}          their latency (histogram)
//   arrs_log_appends_total, arrs_log_fsyncs_total,  the log's durable appends, the fsyncs
//   arrs_log_group_commits_total                    that published them, and the batches
//   arrs_log_requests_per_fsync                     appends / fsyncs since start
//   arrs_log_append_duration_seconds                append latency (histogram)
//   arrs_log_head_position, arrs_log_queued_appends events in the log; appends waiting
//   arrs_log_live_data_bytes                        RocksDB's estimate of live data
//   arrs_subscribers                                Subscribe streams being served
//   arrs_subscribers_cut_off_total                  subscribers cut off for a stalled write
//   arrs_snapshot_position, arrs_snapshot_age_seconds, arrs_snapshot_events_behind
//                                                   the latest snapshot written or restored
//   arrs_state_cold_streams                         restored streams not yet read
//   process_resident_memory_bytes                   RSS
// RPC counters live for the whole process (every server in it); the rest describe the
// ledger and server given to RenderMetrics.
#ifndef ARRS_SERVICES_METRICS_H_
#define ARRS_SERVICES_METRICS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace arrs::engine {
class Ledger;
}

namespace arrs::services {

// Counts one answered call (RpcCall does this for every RPC, HTTP bridge calls included).
void RecordRpc(absl::string_view method, absl::StatusCode code, absl::Duration latency);

struct ServerGauges {
  int subscribers = 0;
  uint64_t subscribers_cut_off = 0;  // since the server started
};

std::string RenderMetrics(const engine::Ledger& ledger, const ServerGauges& server);

}  // namespace arrs::services

#endif  // ARRS_SERVICES_METRICS_H_
