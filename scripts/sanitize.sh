#!/usr/bin/env bash
# Builds and runs test suites under sanitizers, each in its own build folder:
#   asan: AddressSanitizer + UndefinedBehaviorSanitizer (build-asan) on $ASAN_SUITES
#   tsan: ThreadSanitizer (build-tsan) on $TSAN_SUITES (ledger code only: gRPC is not
#         built with TSan, so no suite that links it runs here; abseil's locks are made
#         visible to TSan by tests/tsan/absl_sync_annotations.cc)
# Usage: scripts/sanitize.sh [asan|tsan|all]   (default all). Any sanitizer report or
# failing test fails the script. See docs/RELIABILITY.md for what is covered.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE="${1:-all}"
JOBS="${JOBS:-2}"
ASAN_SUITES="${ASAN_SUITES:-util store rules domain projections engine concurrency fuzz services cli reliability}"
# Binaries the services, cli and reliability suites start as processes.
ASAN_EXTRA_TARGETS="${ASAN_EXTRA_TARGETS:-arrsd arrsctl}"
TSAN_SUITES="${TSAN_SUITES:-store engine concurrency}"
export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"

# configure DIR FLAGS [CMAKE ARGS...]: a Debug-typed build whose flags are ours (-O1 keeps
# it fast enough). Re-running on an existing folder only refreshes the cache.
configure() {
  local dir="$1" flags="$2"; shift 2
  mkdir -p "$dir"
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DARRS_BUILD_BENCH=OFF \
    -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1 -fno-omit-frame-pointer $flags" \
    -DCMAKE_EXE_LINKER_FLAGS="$flags" "$@" > "$dir/configure.log" \
    || { cat "$dir/configure.log"; return 1; }
}

# run_suites DIR EXTRA_TARGETS SUITES...: builds <suite>_tests for each suite (and the extra
# targets), then runs each test binary.
run_suites() {
  local dir="$1" extra="$2"; shift 2
  local suites=() targets=()
  for s in "$@"; do  # a folder of tests/ with no tests yet has no executable
    if compgen -G "tests/$s/*.cc" > /dev/null; then suites+=("$s"); targets+=("${s}_tests"); fi
  done
  # shellcheck disable=SC2206
  targets+=($extra)
  cmake --build "$dir" -j "$JOBS" --target "${targets[@]}" || return 1
  local failed=0
  for s in "${suites[@]}"; do
    echo "== $dir: ${s}_tests"
    local start=$SECONDS
    if ! "$dir/tests/${s}_tests" --gtest_brief=1; then
      echo "FAILED under sanitizer: $dir ${s}_tests" >&2
      failed=1
    fi
    echo "== $dir: ${s}_tests took $((SECONDS - start)) s"
  done
  return "$failed"
}

status=0
if [ "$MODE" = asan ] || [ "$MODE" = all ]; then
  start=$SECONDS
  configure build-asan "-fsanitize=address,undefined -fno-sanitize-recover=undefined"
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_init_order=1"
  export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  # Canary: an out-of-bounds read must be reported and fail.
  printf '#include <cstdlib>\nint main(int c, char**) { int* a = new int[4]; int v = a[c + 3]; delete[] a; return v; }\n' \
    > build-asan/overflow_canary.cc
  "${CXX:-c++}" -O1 -g -fsanitize=address,undefined build-asan/overflow_canary.cc \
    -o build-asan/overflow_canary
  if build-asan/overflow_canary > /dev/null 2>&1; then
    echo "ASan canary: a heap overflow was NOT reported" >&2; status=1
  fi
  # shellcheck disable=SC2086
  run_suites build-asan "$ASAN_EXTRA_TARGETS" $ASAN_SUITES || status=1
  echo "== asan+ubsan: $((SECONDS - start)) s"
fi
if [ "$MODE" = tsan ] || [ "$MODE" = all ]; then
  start=$SECONDS
  # Debian's abseil is not built with TSan: annotate its locks (tests/tsan/).
  configure build-tsan "-fsanitize=thread" -DARRS_TSAN_ABSL_ANNOTATIONS=ON
  export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/scripts/tsan.supp"
  # Canary: the annotated locks must not be reported, a plain race must be.
  "${CXX:-c++}" -std=c++20 -O1 -g -fsanitize=thread tests/tsan/race_canary.cc \
    tests/tsan/absl_sync_annotations.cc -labsl_synchronization -ldl -o build-tsan/race_canary
  if ! build-tsan/race_canary > /dev/null; then
    echo "TSan canary: a race was reported on absl-guarded data" >&2; status=1
  fi
  if build-tsan/race_canary race > /dev/null 2>&1; then
    echo "TSan canary: a real race was NOT reported" >&2; status=1
  fi
  # shellcheck disable=SC2086
  run_suites build-tsan "" $TSAN_SUITES || status=1
  echo "== tsan: $((SECONDS - start)) s"
fi
exit "$status"
