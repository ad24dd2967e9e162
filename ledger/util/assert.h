// ARRS_ASSERT(condition, message): an always-on assertion, active in release builds too.
//
// Contract: for invariants the code itself relies on (a count that cannot go negative, a
// head that only moves forward, a queue that is empty when nobody leads), never for input
// validation: bad input from a caller gets an absl::Status naming the field and value.
// When `condition` is false it prints "file:line: assertion failed: <condition text>:
// <message>" to stderr and aborts the process: carrying on past a broken invariant of a
// durable ledger could write wrong data, which is worse than stopping.
//
// `message` is a const char* (a string literal, or .c_str()); it is evaluated only on
// failure. The condition is evaluated exactly once.
// Thread-safe (writes one line to stderr, then aborts).
#ifndef ARRS_LEDGER_UTIL_ASSERT_H_
#define ARRS_LEDGER_UTIL_ASSERT_H_

#include <cstdio>
#include <cstdlib>

namespace arrs::util::internal {

[[noreturn]] inline void AssertFailed(const char* file, int line, const char* condition,
                                      const char* message) {
  std::fprintf(stderr, "%s:%d: assertion failed: %s: %s\n", file, line, condition, message);
  std::fflush(stderr);
  std::abort();
}

}  // namespace arrs::util::internal

#define ARRS_ASSERT(condition, message)                                              \
  do {                                                                               \
    if (__builtin_expect(!(condition), 0)) {                                         \
      ::arrs::util::internal::AssertFailed(__FILE__, __LINE__, #condition, (message)); \
    }                                                                                \
  } while (false)

#endif  // ARRS_LEDGER_UTIL_ASSERT_H_
