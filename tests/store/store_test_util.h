// Helpers shared by the store tests: temporary folders, sample events and requests, and
// the answers appends were told.
#ifndef ARRS_TESTS_STORE_STORE_TEST_UTIL_H_
#define ARRS_TESTS_STORE_STORE_TEST_UTIL_H_

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "arrs/v1/events.pb.h"
#include "gtest/gtest.h"
#include "ledger/store/event_log.h"
#include "tests/store/sample_events.h"

namespace arrs::store::testing_util {

// A fresh folder under the test temp dir, removed (with its contents) on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir();
    if (pattern.empty() || pattern.back() != '/') pattern.push_back('/');
    pattern += "arrs_store_XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) == nullptr) std::abort();
    path_ = buf.data();
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // A path inside the folder that does not exist yet.
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Opens the log in `dir`, aborting the test binary when it cannot (the rest would crash).
inline std::unique_ptr<EventLog> OpenOrDie(const std::string& dir) {
  auto log = EventLog::Open(dir);
  EXPECT_TRUE(log.ok()) << log.status();
  if (!log.ok()) std::abort();
  return *std::move(log);
}

inline AppendRequest MakeRequest(const std::string& stream, const std::string& request_id,
                                 int events, uint64_t expected_version = kAnyVersion) {
  AppendRequest request;
  request.stream = stream;
  request.request_id = request_id;
  request.expected_version = expected_version;
  for (int i = 0; i < events; ++i) {
    request.events.push_back(MakeEvent(absl::StrCat(request_id, "#", i)));
  }
  return request;
}

// Request "r<i>" on `stream`: a StaffStarted event ("r<i>#0") and a StaffHired one
// ("staff-<i>").
inline AppendRequest MakeStartedAndHiredRequest(const std::string& stream, int i) {
  AppendRequest request = MakeRequest(stream, absl::StrCat("r", i), 1);
  request.events.push_back(MakeHiredEvent(absl::StrCat("staff-", i)));
  return request;
}

// The answers a test's appends were told, by a key the test chooses: recorded from the
// log's callbacks (AppendAsync) or the test's own threads (Append), read by the test.
// Thread-safe.
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

#endif  // ARRS_TESTS_STORE_STORE_TEST_UTIL_H_
