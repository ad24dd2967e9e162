// Canary for scripts/sanitize.sh tsan (not a test suite): proves the TSan setup can fail and
// does not over-report. Without arguments, two threads share a counter under absl::Mutex
// and hand over a value with absl::Notification: TSan must stay silent (the annotations in
// absl_sync_annotations.cc work). With an argument, they also race on an unguarded int:
// TSan must report it (the build really is instrumented and reports fail the run).
#include <cstdio>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"

int guarded = 0;
int unguarded = 0;
absl::Mutex mu;

int main(int argc, char**) {
  const bool race = argc > 1;
  std::thread other([race] {
    for (int i = 0; i < 1000; ++i) {
      absl::MutexLock lock(&mu);
      ++guarded;
    }
    if (race) ++unguarded;
  });
  for (int i = 0; i < 1000; ++i) {
    absl::MutexLock lock(&mu);
    ++guarded;
  }
  if (race) ++unguarded;
  other.join();
  int handed_over = 0;
  absl::Notification done;
  std::thread producer([&] {
    handed_over = 1;
    done.Notify();
  });
  done.WaitForNotification();
  std::printf("guarded=%d handed_over=%d\n", guarded, handed_over);
  producer.join();
  return 0;
}
