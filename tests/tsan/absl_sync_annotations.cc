// Linked into the test executables of ThreadSanitizer builds only (scripts/sanitize.sh
// configures -DARRS_TSAN_ABSL_ANNOTATIONS=ON).
//
// Debian's abseil is not built with ThreadSanitizer, so TSan does not see absl::Mutex or
// absl::Notification synchronise anything, and reports every access they protect as a
// race. These definitions interpose the library's entry points (the executable's symbols
// win over the shared library's), call the real function, and tell TSan the
// happens-before edge: a lock or a wait acquires the object's address, an unlock or a
// notify releases it. Only the entry points the ledger uses are covered.
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"

extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);

namespace {

template <typename Fn>
Fn Real(const char* mangled) {
  void* f = dlsym(RTLD_NEXT, mangled);
  if (f == nullptr) {
    std::fprintf(stderr, "absl_sync_annotations: %s not found\n", mangled);
    std::abort();
  }
  return reinterpret_cast<Fn>(f);
}

#define ARRS_REAL(type, mangled) static const auto real = Real<type>(mangled)

// A condition is evaluated by whichever thread holds the mutex at the time (the waiter, or
// a thread unlocking), inside the library: that evaluation acquires and releases too.
struct AnnotatedCondition {
  const absl::Condition* cond;
  absl::Mutex* mu;
  static bool Eval(AnnotatedCondition* c) {
    __tsan_acquire(c->mu);
    const bool holds = c->cond->Eval();
    __tsan_release(c->mu);
    return holds;
  }
};

}  // namespace

namespace absl {
ABSL_NAMESPACE_BEGIN

void Mutex::Lock() {
  ARRS_REAL(void (*)(Mutex*), "_ZN4absl7debian35Mutex4LockEv");
  real(this);
  __tsan_acquire(this);
}

void Mutex::Unlock() {
  ARRS_REAL(void (*)(Mutex*), "_ZN4absl7debian35Mutex6UnlockEv");
  __tsan_release(this);
  real(this);
}

bool Mutex::TryLock() {
  ARRS_REAL(bool (*)(Mutex*), "_ZN4absl7debian35Mutex7TryLockEv");
  const bool locked = real(this);
  if (locked) __tsan_acquire(this);
  return locked;
}

void Mutex::ReaderLock() {
  ARRS_REAL(void (*)(Mutex*), "_ZN4absl7debian35Mutex10ReaderLockEv");
  real(this);
  __tsan_acquire(this);
}

void Mutex::ReaderUnlock() {
  ARRS_REAL(void (*)(Mutex*), "_ZN4absl7debian35Mutex12ReaderUnlockEv");
  __tsan_release(this);
  real(this);
}

bool Mutex::ReaderTryLock() {
  ARRS_REAL(bool (*)(Mutex*), "_ZN4absl7debian35Mutex13ReaderTryLockEv");
  const bool locked = real(this);
  if (locked) __tsan_acquire(this);
  return locked;
}

void Mutex::Await(const Condition& cond) {
  ARRS_REAL(void (*)(Mutex*, const Condition&), "_ZN4absl7debian35Mutex5AwaitERKNS0_9ConditionE");
  AnnotatedCondition annotated{&cond, this};
  __tsan_release(this);  // Await unlocks while it waits
  real(this, Condition(&AnnotatedCondition::Eval, &annotated));
  __tsan_acquire(this);
}

void Mutex::LockWhen(const Condition& cond) {
  ARRS_REAL(void (*)(Mutex*, const Condition&),
            "_ZN4absl7debian35Mutex8LockWhenERKNS0_9ConditionE");
  AnnotatedCondition annotated{&cond, this};
  real(this, Condition(&AnnotatedCondition::Eval, &annotated));
  __tsan_acquire(this);
}

void Mutex::ReaderLockWhen(const Condition& cond) {
  ARRS_REAL(void (*)(Mutex*, const Condition&),
            "_ZN4absl7debian35Mutex14ReaderLockWhenERKNS0_9ConditionE");
  AnnotatedCondition annotated{&cond, this};
  real(this, Condition(&AnnotatedCondition::Eval, &annotated));
  __tsan_acquire(this);
}

void CondVar::Wait(Mutex* mu) {
  ARRS_REAL(void (*)(CondVar*, Mutex*), "_ZN4absl7debian37CondVar4WaitEPNS0_5MutexE");
  __tsan_release(mu);
  real(this, mu);
  __tsan_acquire(mu);
}

void Notification::Notify() {
  ARRS_REAL(void (*)(Notification*), "_ZN4absl7debian312Notification6NotifyEv");
  __tsan_release(this);
  real(this);
}

void Notification::WaitForNotification() const {
  ARRS_REAL(void (*)(const Notification*),
            "_ZNK4absl7debian312Notification19WaitForNotificationEv");
  real(this);
  __tsan_acquire(const_cast<Notification*>(this));
}

ABSL_NAMESPACE_END
}  // namespace absl
