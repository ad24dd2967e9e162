// LatencyHistogram: counts of durations in fixed buckets, recorded lock-free from any
// thread, read as a consistent-enough snapshot for monitoring (each counter is read once;
// a Record racing a Read may show in the count a moment before its bucket). The bucket
// bounds suit request latencies from 100 microseconds to 10 seconds.
#ifndef ARRS_LEDGER_UTIL_LATENCY_HISTOGRAM_H_
#define ARRS_LEDGER_UTIL_LATENCY_HISTOGRAM_H_

#include <array>
#include <atomic>
#include <cstdint>

#include "absl/time/time.h"

namespace arrs {

class LatencyHistogram {
 public:
  // Upper bounds of the buckets, in microseconds; the last bucket (+Inf) is implicit.
  static constexpr std::array<int64_t, 16> kBoundsMicros = {
      100,    250,    500,     1000,    2500,    5000,    10000,   25000,
      50000,  100000, 250000,  500000,  1000000, 2500000, 5000000, 10000000};
  static constexpr size_t kBuckets = kBoundsMicros.size() + 1;

  struct Snapshot {
    std::array<uint64_t, kBuckets> counts{};  // per bucket, not cumulative
    uint64_t count = 0;  // the sum of `counts`
    int64_t sum_micros = 0;
  };

  void Record(absl::Duration elapsed);
  Snapshot Read() const;

 private:
  std::array<std::atomic<uint64_t>, kBuckets> counts_{};
  std::atomic<int64_t> sum_micros_{0};
};

}  // namespace arrs

#endif  // ARRS_LEDGER_UTIL_LATENCY_HISTOGRAM_H_
