// What the benches measure and how they print it: latency percentiles, a process's
// memory from /proc, numbers with thousands separators. Header only.
#ifndef ARRS_BENCH_NATIONAL_MEASURE_H_
#define ARRS_BENCH_NATIONAL_MEASURE_H_

#include <sys/types.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace arrs::bench {

inline std::string Num(double v) {
  std::string s = absl::StrFormat("%.0f", v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0 && s[i - 1] != '-'; i -= 3) s.insert(i, ",");
  return s;
}

// "VmRSS" or "VmHWM" of a process, in KiB (-1 when it cannot be read).
inline int64_t ProcStatusKib(pid_t pid, const std::string& key) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::stoll(line.substr(key.size() + 1));
  }
  return -1;
}

struct Latencies {
  std::vector<double> micros;
  void Add(double us) { micros.push_back(us); }
  void Merge(const Latencies& o) { micros.insert(micros.end(), o.micros.begin(), o.micros.end()); }
  double Percentile(double p) {
    if (micros.empty()) return 0;
    std::sort(micros.begin(), micros.end());
    size_t i = static_cast<size_t>(p / 100.0 * (micros.size() - 1) + 0.5);
    return micros[std::min(i, micros.size() - 1)];
  }
};

}  // namespace arrs::bench

#endif  // ARRS_BENCH_NATIONAL_MEASURE_H_
