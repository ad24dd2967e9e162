// StallWatchdog: notices appends that wait for ever (RocksDB 7.8's error recovery can hang
// under storage faults, docs/RELIABILITY.md section 5) so that arrsd can exit and be
// restarted rather than stay up acknowledging nothing.
//
// A thread polls `probe` every `period`. Whenever nothing is pending or groups_finished has
// changed, that is progress. Once appends have been pending with no progress for `limit`,
// `on_stall` is called, once for the watchdog's life, on the watchdog's thread, with a
// message naming how long, how many appends wait and what happens next (arrsd's callback
// exits the process). A zero `limit` disables it: no thread is started.
//
// Thread safety: Stop may be called from any thread but `on_stall`; the destructor Stops.
#ifndef ARRS_SERVICES_STALL_WATCHDOG_H_
#define ARRS_SERVICES_STALL_WATCHDOG_H_

#include <functional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "ledger/store/event_log.h"

namespace arrs::services {

class StallWatchdog {
 public:
  using Probe = std::function<store::WriteProgress()>;
  using OnStall = std::function<void(const std::string& message)>;

  StallWatchdog(Probe probe, absl::Duration limit, absl::Duration period, OnStall on_stall);
  ~StallWatchdog();

  StallWatchdog(const StallWatchdog&) = delete;
  StallWatchdog& operator=(const StallWatchdog&) = delete;

  // Ends the thread (within one probe call) and returns; idempotent. The probe and
  // on_stall are not called afterwards.
  void Stop();

 private:
  void Loop();

  const Probe probe_;
  const absl::Duration limit_;
  const absl::Duration period_;
  const OnStall on_stall_;
  absl::Mutex stop_mu_;  // serializes Stop
  absl::Notification stop_;
  std::thread thread_ ABSL_GUARDED_BY(stop_mu_);
};

}  // namespace arrs::services

#endif  // ARRS_SERVICES_STALL_WATCHDOG_H_
