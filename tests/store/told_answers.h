// The answers a test's appends were told, by a key the test chooses: recorded from the
// log's callbacks (AppendAsync) or the test's own threads (Append), read by the test.
// Thread-safe.
#ifndef ARRS_TESTS_STORE_TOLD_ANSWERS_H_
#define ARRS_TESTS_STORE_TOLD_ANSWERS_H_

#include <map>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "ledger/store/event_log.h"

namespace arrs::store::testing_util {

class ToldAnswers {
 public:
  // A callback for AppendAsync that records its answer under `key`.
  AppendCallback Record(const std::string& key) {
    return [this, key](absl::StatusOr<AppendResult> result) { Put(key, std::move(result)); };
  }
  void Put(const std::string& key, absl::StatusOr<AppendResult> result) {
    absl::MutexLock lock(&mu_);
    told_.emplace(key, std::move(result));
  }
  bool Has(const std::string& key) {
    absl::MutexLock lock(&mu_);
    return told_.contains(key);
  }
  size_t Count() {
    absl::MutexLock lock(&mu_);
    return told_.size();
  }
  // The answer recorded under `key` (which must have been told).
  absl::StatusOr<AppendResult> Get(const std::string& key) {
    absl::MutexLock lock(&mu_);
    return told_.at(key);
  }

 private:
  absl::Mutex mu_;
  std::map<std::string, absl::StatusOr<AppendResult>> told_ ABSL_GUARDED_BY(mu_);
};

}  // namespace arrs::store::testing_util

#endif  // ARRS_TESTS_STORE_TOLD_ANSWERS_H_
