// Status assertions that print the status when they fail:
//   ASSERT_OK(ledger->HireStaff(...));     EXPECT_OK(status_or);
//   EXPECT_THAT(result, IsOk());
// Both take an absl::Status or an absl::StatusOr<T>.
#ifndef ARRS_TESTS_TESTING_STATUS_MATCHERS_H_
#define ARRS_TESTS_TESTING_STATUS_MATCHERS_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace arrs::testing_support {

inline const absl::Status& StatusOf(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

// Matches an OK absl::Status or absl::StatusOr; on a mismatch prints the status.
MATCHER(IsOk, "is OK") {
  const absl::Status& status = StatusOf(arg);
  if (!status.ok()) *result_listener << "the status is " << status;
  return status.ok();
}

}  // namespace arrs::testing_support

#define ASSERT_OK(expr) ASSERT_THAT((expr), ::arrs::testing_support::IsOk())
#define EXPECT_OK(expr) EXPECT_THAT((expr), ::arrs::testing_support::IsOk())

#endif  // ARRS_TESTS_TESTING_STATUS_MATCHERS_H_
