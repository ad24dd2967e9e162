// Helpers shared by the store tests: temporary folders, sample events and requests.
#ifndef ARRS_TESTS_STORE_STORE_TEST_UTIL_H_
#define ARRS_TESTS_STORE_STORE_TEST_UTIL_H_

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
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

}  // namespace arrs::store::testing_util

#endif  // ARRS_TESTS_STORE_STORE_TEST_UTIL_H_
