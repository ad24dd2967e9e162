// The promise the crash and storage-fault tests both check on a reopened log: the chain
// verifies up to `expected_head`, every acknowledged request (keyed by the staff id it
// hired) is at the position it was acknowledged with, every hire is in the log once, and
// no hire is there that was never acknowledged. CountAcknowledgedHires counts the same
// (and allows requests in doubt) instead of failing the test.
#ifndef ARRS_TESTS_RELIABILITY_ACKNOWLEDGED_CHECK_H_
#define ARRS_TESTS_RELIABILITY_ACKNOWLEDGED_CHECK_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ledger/store/event_log.h"

namespace arrs::testing_support {

// Calls `f` with the staff id of every hire in the log, in position order (read a page
// at a time: a soak's log can hold millions of events).
template <typename F>
absl::Status ForEachHire(const store::EventLog& log, F f) {
  constexpr size_t kPage = 100000;
  for (uint64_t from = 1;; from += kPage) {
    absl::StatusOr<std::vector<v1::Event>> page = log.ReadFrom(from, kPage);
    if (!page.ok()) return page.status();
    for (const v1::Event& e : *page) {
      if (e.payload().has_staff_hired()) f(e.payload().staff_hired().staff_id());
    }
    if (page->size() < kPage) return absl::OkStatus();
  }
}

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
  absl::Status read = ForEachHire(log, [&](const std::string& id) {
    EXPECT_EQ(++hires[id], 1) << id << " is in the log twice";
    EXPECT_TRUE(acknowledged.count(id)) << id << " is in the log but was never acknowledged";
  });
  ASSERT_TRUE(read.ok()) << read;
  EXPECT_EQ(hires.size(), acknowledged.size());
}

// The same promise counted rather than asserted, for power-loss rounds (a round whose
// in-doubt requests are not yet resolved) and soak summaries, and so that a test can show
// the check failing. `in_doubt`: requests sent whose outcome is unknown (they may or may
// not be in the log; either is fine).
struct AcknowledgedOutcome {
  size_t acknowledged = 0;      // acknowledged requests checked
  size_t lost = 0;              // acknowledged but not at their acknowledged position
  size_t duplicated = 0;        // hires in the log more than once (each extra copy)
  size_t never_sent = 0;        // hires in the log neither acknowledged nor in doubt
  size_t in_doubt_applied = 0;  // in-doubt requests found in the log
  bool chain_ok = false;
  std::string chain_problem;
  uint64_t head = 0;
};

inline AcknowledgedOutcome CountAcknowledgedHires(
    const store::EventLog& log, const std::map<std::string, uint64_t>& acknowledged,
    const std::set<std::string>& in_doubt) {
  AcknowledgedOutcome out;
  const store::VerifyReport report = log.Verify();
  out.chain_ok = report.ok;
  out.chain_problem = report.ok ? "" : absl::StrCat(report.first_bad_position, ": ", report.problem);
  out.head = report.head.position;
  for (const auto& [id, position] : acknowledged) {
    ++out.acknowledged;
    absl::StatusOr<v1::Event> event = log.Get(position);
    absl::StatusOr<std::optional<store::AppendResult>> found =
        event.ok() ? log.FindRequest(event->stream(), id)
                   : absl::StatusOr<std::optional<store::AppendResult>>(std::nullopt);
    const bool there = event.ok() && event->payload().staff_hired().staff_id() == id &&
                       found.ok() && found->has_value() && (*found)->first_position == position;
    if (!there) ++out.lost;
  }
  std::map<std::string, int> hires;
  absl::Status read = ForEachHire(log, [&](const std::string& id) {
    if (++hires[id] > 1) {
      ++out.duplicated;
    } else if (in_doubt.count(id)) {
      ++out.in_doubt_applied;
    } else if (!acknowledged.count(id)) {
      ++out.never_sent;
    }
  });
  if (!read.ok()) {
    out.chain_ok = false;
    out.chain_problem = read.ToString();
  }
  return out;
}

}  // namespace arrs::testing_support

#endif  // ARRS_TESTS_RELIABILITY_ACKNOWLEDGED_CHECK_H_
