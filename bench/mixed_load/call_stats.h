// CallStats: one client thread's record of its calls — latency by call kind and outcomes
// by status code — merged into one at the end of a run. Header only; not thread-safe
// (each thread keeps its own).
#ifndef ARRS_BENCH_MIXED_LOAD_CALL_STATS_H_
#define ARRS_BENCH_MIXED_LOAD_CALL_STATS_H_

#include <grpcpp/support/status.h>

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "bench/national/measure.h"

namespace arrs::bench {

struct CallStats {
  std::map<std::string, Latencies> latency;            // by call kind
  std::map<std::string, uint64_t> errors;              // "kind: STATUS" -> calls
  std::map<std::string, std::string> first_error;      // "kind: STATUS" -> its message

  void Record(const std::string& kind, double micros, absl::StatusCode code,
              const std::string& message) {
    latency[kind].Add(micros);
    if (code == absl::StatusCode::kOk) return;
    const std::string key = kind + ": " + absl::StatusCodeToString(code);
    if (errors[key]++ == 0) first_error[key] = message.substr(0, 160);
  }
  void Record(const std::string& kind, double micros, const grpc::Status& s) {
    Record(kind, micros, static_cast<absl::StatusCode>(s.error_code()), s.error_message());
  }
  void Merge(const CallStats& o) {
    for (const auto& [kind, l] : o.latency) latency[kind].Merge(l);
    for (const auto& [key, n] : o.errors) {
      if (errors[key] == 0) first_error[key] = o.first_error.at(key);
      errors[key] += n;
    }
  }
};

}  // namespace arrs::bench

#endif  // ARRS_BENCH_MIXED_LOAD_CALL_STATS_H_
