// The promise the crash and storage-fault tests both check on a reopened log: the chain
// verifies up to `expected_head`, every acknowledged request (keyed by the staff id it
// hired) is at the position it was acknowledged with, every hire is in the log once, and
// no hire is there that was never acknowledged.
#ifndef ARRS_TESTS_RELIABILITY_ACKNOWLEDGED_CHECK_H_
#define ARRS_TESTS_RELIABILITY_ACKNOWLEDGED_CHECK_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ledger/store/event_log.h"

namespace arrs::testing_support {

inline void ExpectExactlyTheAcknowledgedHires(
    const store::EventLog& log, const std::map<std::string, uint64_t>& acknowledged,
    uint64_t expected_head) {
  const store::VerifyReport report = log.Verify();
  EXPECT_TRUE(report.ok) << report.first_bad_position << ": " << report.problem;
  EXPECT_EQ(report.head.position, expected_head);
  for (const auto& [id, position] : acknowledged) {
    absl::StatusOr<std::optional<store::AppendResult>> found =
        log.FindRequest(log.Get(position).value_or(v1::Event()).stream(), id);  // its stream
    ASSERT_TRUE(found.ok() && found->has_value()) << id << " was acknowledged but is lost";
    EXPECT_EQ((*found)->first_position, position) << id;
    EXPECT_EQ(log.Get(position)->payload().staff_hired().staff_id(), id);
  }
  std::map<std::string, int> hires;
  absl::StatusOr<std::vector<v1::Event>> all = log.ReadFrom(1, 1000000);
  ASSERT_TRUE(all.ok()) << all.status();
  for (const v1::Event& e : *all) {
    if (!e.payload().has_staff_hired()) continue;
    const std::string& id = e.payload().staff_hired().staff_id();
    EXPECT_EQ(++hires[id], 1) << id << " is in the log twice";
    EXPECT_TRUE(acknowledged.count(id)) << id << " is in the log but was never acknowledged";
  }
  EXPECT_EQ(hires.size(), acknowledged.size());
}

}  // namespace arrs::testing_support

#endif  // ARRS_TESTS_RELIABILITY_ACKNOWLEDGED_CHECK_H_
