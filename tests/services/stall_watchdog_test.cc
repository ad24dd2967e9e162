// StallWatchdog with fake probes: a stalled probe fires once, a progressing or idle one
// never does, and Stop returns promptly.
#include "services/stall_watchdog.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <utility>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/services/stall_recorder.h"

namespace arrs::services {
namespace {

using ::testing::HasSubstr;
using testing_support::StallRecorder;

constexpr absl::Duration kLimit = absl::Milliseconds(200);
constexpr absl::Duration kPeriod = absl::Milliseconds(20);

// A probe answering `progress` every time and counting its calls in `*calls`.
StallWatchdog::Probe Fixed(store::WriteProgress progress, std::atomic<int>* calls) {
  return [progress, calls] {
    ++*calls;
    return progress;
  };
}

TEST(StallWatchdogTest, AStalledProbeFiresExactlyOnceWithTheDurationAndTheCount) {
  StallRecorder stalls;
  std::atomic<int> probes = 0;
  StallWatchdog watchdog(Fixed({.pending = 3, .groups_finished = 7}, &probes), kLimit, kPeriod,
                         stalls.Callback());
  ASSERT_TRUE(stalls.WaitFor(absl::Seconds(20)));
  // The watchdog's thread ends after firing: no more polls, no second call.
  const int probes_at_fire = probes.load();
  absl::SleepFor(10 * kPeriod);
  EXPECT_EQ(probes.load(), probes_at_fire) << "no polling after firing";
  EXPECT_EQ(stalls.calls(), 1);
  EXPECT_THAT(stalls.message(), HasSubstr("write stall: no append has completed for "));
  EXPECT_THAT(stalls.message(), HasSubstr("while 3 appends wait"));
  EXPECT_THAT(stalls.message(), HasSubstr("exiting so that the supervisor restarts"));
  watchdog.Stop();
}

// Runs a watchdog over `probe` for 1 s (five limits) and expects it not to fire.
void ExpectNoStall(StallWatchdog::Probe probe) {
  StallRecorder stalls;
  StallWatchdog watchdog(std::move(probe), kLimit, kPeriod, stalls.Callback());
  EXPECT_FALSE(stalls.WaitFor(absl::Seconds(1)));
  watchdog.Stop();
  EXPECT_EQ(stalls.calls(), 0);
}

// Every poll sees a new groups_finished, so it can never fire, whatever the scheduling.
TEST(StallWatchdogTest, AProgressingProbeNeverFires) {
  std::atomic<uint64_t> finished = 0;
  ExpectNoStall([&] { return store::WriteProgress{5, ++finished}; });
  EXPECT_GT(finished.load(), 1u) << "the probe was polled";
}

// Nothing pending is progress, however long the counter stays put.
TEST(StallWatchdogTest, AnIdleProbeNeverFires) {
  std::atomic<int> probes = 0;
  ExpectNoStall(Fixed({.pending = 0, .groups_finished = 4}, &probes));
  EXPECT_GT(probes.load(), 1) << "the probe was polled";
}

TEST(StallWatchdogTest, StopReturnsPromptlyAndIsIdempotent) {
  StallRecorder stalls;
  std::atomic<int> probes = 0;
  // A long period and limit: Stop must not wait for either.
  StallWatchdog watchdog(Fixed({.pending = 1, .groups_finished = 1}, &probes), absl::Hours(1),
                         absl::Hours(1), stalls.Callback());
  while (probes.load() == 0) absl::SleepFor(absl::Milliseconds(1));
  const absl::Time start = absl::Now();
  watchdog.Stop();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  watchdog.Stop();
  EXPECT_EQ(stalls.calls(), 0);
}

TEST(StallWatchdogTest, AZeroLimitStartsNoThreadAndNeverProbes) {
  StallRecorder stalls;
  std::atomic<int> probes = 0;
  {
    StallWatchdog watchdog(Fixed({.pending = 3, .groups_finished = 0}, &probes),
                           absl::ZeroDuration(), kPeriod, stalls.Callback());
    absl::SleepFor(10 * kPeriod);
  }
  EXPECT_EQ(probes.load(), 0);
  EXPECT_EQ(stalls.calls(), 0);
}

}  // namespace
}  // namespace arrs::services
