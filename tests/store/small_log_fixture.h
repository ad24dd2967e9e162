// A small closed event log in a temporary folder, for tests that damage its folder and
// check what verify and repair make of it: 40 requests of two events each on four streams
// (pcn/U0..U3, 20 events each), each recorded with a kind and a digest.
#ifndef ARRS_TESTS_STORE_SMALL_LOG_FIXTURE_H_
#define ARRS_TESTS_STORE_SMALL_LOG_FIXTURE_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "ledger/store/event_log.h"
#include "tests/store/raw_rocks.h"
#include "tests/store/store_test_util.h"

namespace arrs::store::testing_util {

class SmallLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto log = *EventLog::Open(dir_.path());
    for (int i = 0; i < 40; ++i) {
      AppendRequest request = MakeStartedAndHiredRequest(absl::StrCat("pcn/U", i % 4), i);
      request.request_kind = "HireStaff";
      request.request_digest = absl::StrCat("digest-", i);
      ASSERT_TRUE(log->Append(request).ok());
    }
    ASSERT_EQ(log->head().position, 80u);
    ASSERT_TRUE(log->Verify().ok) << log->Verify().problem;
  }

  // Opens the folder again and verifies it.
  VerifyReport VerifyReopened() {
    auto log = EventLog::Open(dir_.path());
    EXPECT_TRUE(log.ok()) << log.status();
    return (*log)->Verify();
  }

  void FlipByteInSstOf(const std::string& family) {
    testing_util::FlipByteInSstOf(dir_.path(), family);
  }

  TempDir dir_;
};

}  // namespace arrs::store::testing_util

#endif  // ARRS_TESTS_STORE_SMALL_LOG_FIXTURE_H_
