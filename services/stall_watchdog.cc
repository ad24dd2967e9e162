#include "services/stall_watchdog.h"

#include <chrono>
#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"

namespace arrs::services {

StallWatchdog::StallWatchdog(Probe probe, absl::Duration limit, absl::Duration period,
                             OnStall on_stall)
    : probe_(std::move(probe)),
      limit_(limit),
      period_(period),
      on_stall_(std::move(on_stall)) {
  absl::MutexLock lock(&stop_mu_);
  if (limit_ > absl::ZeroDuration()) thread_ = std::thread([this] { Loop(); });
}

StallWatchdog::~StallWatchdog() { Stop(); }

void StallWatchdog::Stop() {
  absl::MutexLock lock(&stop_mu_);
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

void StallWatchdog::Loop() {
  // The monotonic clock: a wall clock set forward must not look like a stall.
  using Clock = std::chrono::steady_clock;
  Clock::time_point progress_at = Clock::now();
  uint64_t finished = probe_().groups_finished;
  do {
    const store::WriteProgress now = probe_();
    if (now.pending == 0 || now.groups_finished != finished) {
      progress_at = Clock::now();
      finished = now.groups_finished;
      continue;
    }
    const absl::Duration stalled = absl::FromChrono(Clock::now() - progress_at);
    if (stalled < limit_) continue;
    on_stall_(absl::StrCat("write stall: no append has completed for ",
                           absl::FormatDuration(absl::Trunc(stalled, absl::Milliseconds(1))),
                           " while ", now.pending,
                           now.pending == 1 ? " append waits" : " appends wait",
                           " (the storage engine is stuck: docs/RELIABILITY.md section 5); "
                           "exiting so that the supervisor restarts the server (acknowledged "
                           "events are synced; the waiting ones were not acknowledged)"));
    return;
  } while (!stop_.WaitForNotificationWithTimeout(period_));
}

}  // namespace arrs::services
