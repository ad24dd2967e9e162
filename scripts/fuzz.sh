#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/) with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer into build-fuzz, and runs each for FUZZ_SECONDS (default 45)
# from its seed corpus (tests/fuzz/corpus/<target>/). A crash fails the script and leaves
# the input in build-fuzz/artifacts/: fix the bug, then add the input to
# tests/fuzz/regressions/<target>/ so the ordinary test suite replays it from then on.
# Usage: scripts/fuzz.sh [target...]   (default: envelope rules csv request jwt rpc http)
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${JOBS:-2}"
FUZZ_SECONDS="${FUZZ_SECONDS:-45}"
BUILD_DIR="${FUZZ_BUILD_DIR:-build-fuzz}"
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(envelope rules csv request jwt rpc http)
export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"

CLANG="${CLANG:-$(command -v clang++-14 || command -v clang++)}"
FLAGS="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined"
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_CXX_COMPILER="$CLANG" -DCMAKE_BUILD_TYPE=Debug \
    -DARRS_BUILD_BENCH=OFF -DARRS_BUILD_FUZZERS=ON \
    -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1 -fno-omit-frame-pointer $FLAGS" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined"
fi
bins=()
for t in "${TARGETS[@]}"; do bins+=("${t}_fuzzer"); done
cmake --build "$BUILD_DIR" -j "$JOBS" --target "${bins[@]}"

mkdir -p "$BUILD_DIR/artifacts"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
status=0
for t in "${TARGETS[@]}"; do
  work="$BUILD_DIR/corpus/$t"  # grows between runs; the seeds in the repository stay as they are
  mkdir -p "$work"
  inputs=("$work" "tests/fuzz/corpus/$t")
  # Past crashes run first, so one that is not fixed fails at once (not by chance).
  [ -d "tests/fuzz/regressions/$t" ] && inputs+=("tests/fuzz/regressions/$t")
  echo "== fuzz $t for ${FUZZ_SECONDS}s"
  if "$BUILD_DIR/tests/fuzz/${t}_fuzzer" -max_total_time="$FUZZ_SECONDS" -timeout=10 \
      -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
      -artifact_prefix="$BUILD_DIR/artifacts/$t-" "${inputs[@]}" \
      > "$BUILD_DIR/$t.log" 2>&1; then
    grep -E "stat::number_of_executed_units|stat::new_units_added" "$BUILD_DIR/$t.log" | tr '\n' ' '
    echo
  else
    tail -n 60 "$BUILD_DIR/$t.log"
    echo "FUZZ FAILURE in $t: input saved as $(ls -t "$BUILD_DIR/artifacts/$t-"* 2>/dev/null | head -1)" >&2
    status=1
  fi
done
exit "$status"
