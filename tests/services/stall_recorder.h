// StallRecorder: an on_stall / on_write_stall callback for tests that records each call
// (services/stall_watchdog.h) and lets the test wait for the first.
#ifndef ARRS_TESTS_SERVICES_STALL_RECORDER_H_
#define ARRS_TESTS_SERVICES_STALL_RECORDER_H_

#include <functional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace arrs::testing_support {

class StallRecorder {
 public:
  // The callback; this recorder must outlive every call of it.
  std::function<void(const std::string&)> Callback() {
    return [this](const std::string& message) {
      absl::MutexLock lock(&mu_);
      ++calls_;
      message_ = message;
      if (!fired_.HasBeenNotified()) fired_.Notify();
    };
  }
  // True once the callback has been called, waiting up to `timeout` for it.
  bool WaitFor(absl::Duration timeout) { return fired_.WaitForNotificationWithTimeout(timeout); }
  int calls() {
    absl::MutexLock lock(&mu_);
    return calls_;
  }
  std::string message() {  // the last call's
    absl::MutexLock lock(&mu_);
    return message_;
  }

 private:
  absl::Mutex mu_;
  int calls_ ABSL_GUARDED_BY(mu_) = 0;
  std::string message_ ABSL_GUARDED_BY(mu_);
  absl::Notification fired_;
};

}  // namespace arrs::testing_support

#endif  // ARRS_TESTS_SERVICES_STALL_RECORDER_H_
