// Helpers shared by the store tests: temporary folders and sample events.
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

// A StaffStarted event on 2024-04-01 with the given staff id.
inline v1::Event MakeEvent(const std::string& staff_id, const std::string& actor = "tester") {
  v1::Event event;
  event.mutable_effective_date()->set_year(2024);
  event.mutable_effective_date()->set_month(4);
  event.mutable_effective_date()->set_day(1);
  event.set_actor(actor);
  event.set_reason("test");
  event.mutable_payload()->mutable_staff_started()->set_staff_id(staff_id);
  return event;
}

// A StaffHired event of realistic size (about 300 bytes serialized).
inline v1::Event MakeHiredEvent(const std::string& staff_id) {
  v1::Event event = MakeEvent(staff_id, "icb-reviewer@example.nhs.uk");
  event.set_reason("New clinical pharmacist recruited under the ARRS for 2024/25");
  v1::StaffHired* hired = event.mutable_payload()->mutable_staff_hired();
  hired->set_staff_id(staff_id);
  hired->set_role(v1::CLINICAL_PHARMACIST);
  hired->set_band("7");
  hired->set_employer_name("Example Health Federation Community Interest Company");
  hired->set_wte_bp(10000);
  hired->set_annual_salary_pence(4353800);
  hired->set_annual_on_costs_pence(1102500);
  hired->set_display_name("A. N. Example-Pharmacist");
  return event;
}

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

}  // namespace arrs::store::testing_util

#endif  // ARRS_TESTS_STORE_STORE_TEST_UTIL_H_
