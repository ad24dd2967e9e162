#!/usr/bin/env bash
# Sets up and runs the main job: installs packages, builds, starts arrsd on 127.0.0.1
# with an embedded RocksDB under ./data (or $ARRS_DATA), the demo tokens and the web
# console on $ARRS_HTTP (127.0.0.1:8151), loads the shipped rule book and the
# demonstration data with `arrsctl demo --rules-dir rules`, prints how to call it and the
# console's address, and keeps serving until Ctrl-C (SIGINT/SIGTERM drain and close the
# database cleanly).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/web-deps.sh
bash scripts/build.sh

DATA="${ARRS_DATA:-data}"
LISTEN="${ARRS_LISTEN:-127.0.0.1:50151}"
HTTP="${ARRS_HTTP:-127.0.0.1:8151}"
PORT_FILE="$(mktemp)"
HTTP_PORT_FILE="$(mktemp)"
# The demo publishes the shipped rule book itself (arrsctl demo --rules-dir), 2024/25's
# later version after that year's claims are paid, as a rule book published late.
./build/services/arrsd --data "$DATA" --listen "$LISTEN" \
  --tokens config/demo-tokens.txt --port-file "$PORT_FILE" \
  --http "$HTTP" --http-port-file "$HTTP_PORT_FILE" --web-root web &
ARRSD_PID=$!
trap 'kill -TERM "$ARRSD_PID" 2>/dev/null; wait "$ARRSD_PID"; rm -f "$PORT_FILE" "$HTTP_PORT_FILE"' INT TERM EXIT

for _ in $(seq 1 100); do
  [ -s "$PORT_FILE" ] && break
  kill -0 "$ARRSD_PID" 2>/dev/null || { echo "arrsd failed to start" >&2; exit 1; }
  sleep 0.1
done
SERVER="127.0.0.1:$(cat "$PORT_FILE")"
export ARRS_SERVER="$SERVER"

ARRS_TOKEN=demo-admin-token ./build/cli/arrsctl demo --rules-dir rules

CONSOLE="http://127.0.0.1:$(cat "$HTTP_PORT_FILE")/"
cat <<MSG

Web console: $CONSOLE
  Sign in by pasting a demo token: demo-icb-qwe-token (commissioner of ICB QWE),
  demo-pcn-u20003-token (Harbour PCN), demo-auditor-token (national auditor).
  Prometheus metrics: ${CONSOLE}metrics

arrsd is serving on $SERVER with data in $DATA/ (Ctrl-C stops it cleanly).
In another terminal: export ARRS_SERVER=$SERVER ARRS_TOKEN=demo-auditor-token
and try the commands above with ./build/cli/arrsctl (docs/CLI.md lists them all).
MSG
wait "$ARRSD_PID"
