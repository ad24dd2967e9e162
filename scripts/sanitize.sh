#!/usr/bin/env bash
# Builds and runs test suites under sanitizers, each in its own build folder:
#   asan: AddressSanitizer + UndefinedBehaviorSanitizer (build-asan) on $ASAN_SUITES
#   tsan: ThreadSanitizer (build-tsan) on $TSAN_SUITES (ledger code only: gRPC is not
#         built with TSan, so no suite that links it runs here)
# Usage: scripts/sanitize.sh [asan|tsan|all]   (default all). Any sanitizer report or
# failing test fails the script. See docs/RELIABILITY.md for what is covered.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE="${1:-all}"
JOBS="${JOBS:-2}"
ASAN_SUITES="${ASAN_SUITES:-util store rules domain projections engine}"
TSAN_SUITES="${TSAN_SUITES:-store engine}"
export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"

# configure DIR FLAGS: a Debug-typed build whose flags are ours (-O1 keeps it fast enough).
configure() {
  local dir="$1" flags="$2"
  if [ ! -f "$dir/build.ninja" ]; then
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DARRS_BUILD_BENCH=OFF \
      -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1 -fno-omit-frame-pointer $flags" \
      -DCMAKE_EXE_LINKER_FLAGS="$flags"
  fi
}

# run_suites DIR SUITES...: builds <suite>_tests for each suite, then runs each binary.
run_suites() {
  local dir="$1"; shift
  local suites=() targets=()
  for s in "$@"; do  # a folder of tests/ with no tests yet has no executable
    if compgen -G "tests/$s/*.cc" > /dev/null; then suites+=("$s"); targets+=("${s}_tests"); fi
  done
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
  # shellcheck disable=SC2086
  run_suites build-asan $ASAN_SUITES || status=1
  echo "== asan+ubsan: $((SECONDS - start)) s"
fi
if [ "$MODE" = tsan ] || [ "$MODE" = all ]; then
  start=$SECONDS
  configure build-tsan "-fsanitize=thread"
  export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/scripts/tsan.supp"
  # shellcheck disable=SC2086
  run_suites build-tsan $TSAN_SUITES || status=1
  echo "== tsan: $((SECONDS - start)) s"
fi
exit "$status"
