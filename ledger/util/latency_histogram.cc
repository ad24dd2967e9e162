#include "ledger/util/latency_histogram.h"

#include <algorithm>

namespace arrs {

void LatencyHistogram::Record(absl::Duration elapsed) {
  const int64_t micros = std::max<int64_t>(0, absl::ToInt64Microseconds(elapsed));
  const size_t bucket =
      std::lower_bound(kBoundsMicros.begin(), kBoundsMicros.end(), micros) - kBoundsMicros.begin();
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(micros, std::memory_order_relaxed);
}

LatencyHistogram::Snapshot LatencyHistogram::Read() const {
  Snapshot out;
  for (size_t i = 0; i < kBuckets; ++i) {
    out.counts[i] = counts_[i].load(std::memory_order_relaxed);
    out.count += out.counts[i];
  }
  out.sum_micros = sum_micros_.load(std::memory_order_relaxed);
  return out;
}

}  // namespace arrs
