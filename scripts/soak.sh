#!/usr/bin/env bash
# Soak of the durability promise (docs/RELIABILITY.md, promise 1): many SIGKILL rounds
# against the real arrsd (CrashUnderLoadTest) and many power-loss rounds on the simulated
# power-cut file system (PowerLossTest), then one summary per kind: rounds, acknowledged
# requests, lost, duplicated, never sent, chain checks and projection checks passed.
# Exits 1 on any loss, duplicate, unsent event, failed check or failed test.
#
#   scripts/soak.sh [--rounds N] [--seed S] [--crash-rounds N] [--power-rounds N]
#
# --rounds N sets both kinds (default 1000 each); --crash-rounds/--power-rounds one kind
# (0 skips it). Rounds run in chunks (a test process each, on a fresh folder: 25 SIGKILL
# rounds or 250 power-loss rounds); chunk k uses seed S+k. Without --seed, S is random.
# Every chunk's seed is printed; replay one with
#   ARRS_CRASH_SEED=<seed> ARRS_CRASH_ROUNDS=<n> build/tests/reliability_tests --gtest_filter='CrashUnderLoad*'
#   ARRS_POWER_SEED=<seed> ARRS_POWER_ROUNDS=<n> build/tests/reliability_tests --gtest_filter='PowerLossTest.Cuts*'
# Needs build/tests/reliability_tests (and arrsd): cmake --build build --target reliability_tests
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR="${BUILD_DIR:-build}"
BIN="$BUILD_DIR/tests/reliability_tests"
CRASH_ROUNDS=1000
POWER_ROUNDS=1000
SEED=""
# arrsd restarts after a SIGKILL fold every event since the last snapshot (one per 100,000
# events, none at a kill): 100 rounds on one folder made a restart exceed the harness's
# 20 s start bound on a loaded machine (round 98, 2026-12-05), so 25 rounds per folder.
CRASH_CHUNK=25
POWER_CHUNK=250

while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) CRASH_ROUNDS="$2"; POWER_ROUNDS="$2"; shift 2 ;;
    --crash-rounds) CRASH_ROUNDS="$2"; shift 2 ;;
    --power-rounds) POWER_ROUNDS="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "soak.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [ ! -x "$BIN" ]; then
  echo "soak.sh: $BIN not found; build it: cmake --build $BUILD_DIR --target reliability_tests" >&2
  exit 2
fi
[ -n "$SEED" ] || SEED=$(( $(od -An -N4 -tu4 /dev/urandom) % 4000000000 ))

LOGS="$(mktemp -d "${TMPDIR:-/tmp}/arrs-soak-XXXXXX")"
echo "soak: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), seed $SEED, $CRASH_ROUNDS SIGKILL rounds," \
     "$POWER_ROUNDS power-loss rounds; logs in $LOGS; load:$(cut -d' ' -f1-3 /proc/loadavg)"
START=$(date +%s)
FAILED=0

# run_chunks KIND TOTAL CHUNK ROUNDS_VAR SEED_VAR FILTER
run_chunks() {
  local kind=$1 total=$2 chunk=$3 rounds_var=$4 seed_var=$5 filter=$6
  local done_rounds=0 k=0
  while [ "$done_rounds" -lt "$total" ]; do
    local n=$(( total - done_rounds < chunk ? total - done_rounds : chunk ))
    local seed=$(( SEED + k ))
    local log="$LOGS/$kind-$k.log"
    echo "soak: $kind chunk $k: $n rounds, $seed_var=$seed"
    if ! env "$rounds_var=$n" "$seed_var=$seed" "$BIN" --gtest_filter="$filter" > "$log" 2>&1; then
      echo "soak: $kind chunk $k FAILED (seed $seed); see $log" >&2
      grep -E "Failure|error|lost|twice|differ" "$log" | head -20 >&2 || true
      FAILED=1
    fi
    grep -h "summary \]" "$log" | sed 's/^/  /' || true
    done_rounds=$(( done_rounds + n ))
    k=$(( k + 1 ))
  done
}

if [ "$CRASH_ROUNDS" -gt 0 ]; then
  run_chunks sigkill "$CRASH_ROUNDS" "$CRASH_CHUNK" ARRS_CRASH_ROUNDS ARRS_CRASH_SEED \
    'CrashUnderLoadTest.*'
fi
if [ "$POWER_ROUNDS" -gt 0 ]; then
  run_chunks power "$POWER_ROUNDS" "$POWER_CHUNK" ARRS_POWER_ROUNDS ARRS_POWER_SEED \
    'PowerLossTest.CutsAtRandomMoments*'
fi

WALL=$(( $(date +%s) - START ))
echo
echo "soak summary ($(date -u '+%Y-%m-%d %H:%M UTC'), seed $SEED, wall ${WALL} s," \
     "load:$(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores)"
# Adds up the tests' "[ <kind>-summary ] kind=... key=value ..." lines per kind.
cat "$LOGS"/*.log 2>/dev/null | grep -h "summary \] kind=" | awk '
  {
    kind = ""
    for (i = 1; i <= NF; i++) if (split($i, kv, "=") == 2 && kv[1] == "kind") kind = kv[2]
    kinds[kind] = 1
    for (i = 1; i <= NF; i++) {
      if (split($i, kv, "=") != 2 || kv[1] == "kind" || kv[1] == "seed") continue
      sum[kind, kv[1]] += kv[2]
    }
  }
  END {
    bad = 0
    printf "%-8s %7s %13s %5s %10s %10s %12s %12s %8s\n", "kind", "rounds", "acknowledged",
           "lost", "duplicated", "never_sent", "chain", "projections", "seconds"
    for (k in kinds) {
      printf "%-8s %7d %13d %5d %10d %10d %5d of %-5d %5d of %-5d %8.0f\n", k, sum[k, "rounds"],
             sum[k, "acknowledged"], sum[k, "lost"], sum[k, "duplicated"], sum[k, "never_sent"],
             sum[k, "chain_passed"], sum[k, "chain_checks"], sum[k, "projection_passed"],
             sum[k, "projection_checks"], sum[k, "seconds"]
      if (sum[k, "lost"] + sum[k, "duplicated"] + sum[k, "never_sent"] > 0) bad = 1
      if (sum[k, "chain_passed"] < sum[k, "chain_checks"]) bad = 1
      if (sum[k, "projection_passed"] < sum[k, "projection_checks"]) bad = 1
    }
    exit bad
  }' || FAILED=1
for kind in sigkill power; do
  if ls "$LOGS/$kind-"*.log > /dev/null 2>&1 && ! grep -qh "summary \] kind=" "$LOGS/$kind-"*.log; then
    echo "soak: no $kind summary line at all" >&2
    FAILED=1
  fi
done
if [ "$FAILED" -ne 0 ]; then
  echo "soak: FAILED (logs in $LOGS)" >&2
  exit 1
fi
echo "soak: OK, nothing lost or duplicated"
rm -rf "$LOGS"
