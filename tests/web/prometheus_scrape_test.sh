#!/usr/bin/env bash
# /metrics read by a real Prometheus (Debian's): start arrsd with --http, make a few calls,
# let Prometheus scrape it, then ask Prometheus' own API for series arrsd exposes.
# Usage: prometheus_scrape_test.sh ARRSD RULES_DIR TOKENS_FILE. Exit 77 (skipped) when
# prometheus is not installed.
set -euo pipefail
ARRSD="$1" RULES="$2" TOKENS="$3"
command -v prometheus >/dev/null || { echo "prometheus not installed: skipped"; exit 77; }
WORK="$(mktemp -d)"
cleanup() {
  [ -n "${PROM_PID:-}" ] && kill "$PROM_PID" 2>/dev/null && wait "$PROM_PID" 2>/dev/null || true
  [ -n "${ARRSD_PID:-}" ] && kill "$ARRSD_PID" 2>/dev/null && wait "$ARRSD_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

wait_for_file() { for _ in $(seq 1 200); do [ -s "$1" ] && return 0; sleep 0.1; done; return 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

"$ARRSD" --data "$WORK/data" --listen 127.0.0.1:0 --port-file "$WORK/port" \
  --http 127.0.0.1:0 --http-port-file "$WORK/http_port" --rules-dir "$RULES" \
  --tokens "$TOKENS" --log-level warn &
ARRSD_PID=$!
wait_for_file "$WORK/http_port" || { echo "arrsd did not start"; exit 1; }
HTTP="127.0.0.1:$(cat "$WORK/http_port")"

# A few calls so that RPC series exist: one refused, two answered.
curl -sf -o /dev/null -X POST "http://$HTTP/api/v1/QueryService/ListPcns" \
  -H 'Authorization: Bearer demo-auditor-token' -H 'Content-Type: application/json' -d '{}'
curl -sf -o /dev/null -X POST "http://$HTTP/api/v1/QueryService/WhoAmI" \
  -H 'Authorization: Bearer demo-auditor-token' -H 'Content-Type: application/json' -d '{}'
curl -s -o /dev/null -X POST "http://$HTTP/api/v1/QueryService/ListPcns" -d '{}' \
  -H 'Content-Type: application/json'

PROM_PORT="$(free_port)"
cat > "$WORK/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: arrsd
    static_configs:
      - targets: ["$HTTP"]
YAML
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
  --web.listen-address="127.0.0.1:$PROM_PORT" --log.level=warn >"$WORK/prometheus.log" 2>&1 &
PROM_PID=$!

query() {  # prints the first sample's value of the instant query $1, or nothing
  curl -s --get "http://127.0.0.1:$PROM_PORT/api/v1/query" --data-urlencode "query=$1" |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")'
}

for _ in $(seq 1 100); do
  up="$(query 'up{job="arrsd"}' 2>/dev/null || true)"
  [ "$up" = "1" ] && break
  sleep 0.3
done
[ "${up:-}" = "1" ] || { echo "Prometheus never scraped arrsd (up=${up:-none})"; cat "$WORK/prometheus.log"; exit 1; }

check() {  # query, expected test in python, description
  local value; value="$(query "$1")"
  python3 -c "import sys; v=float(sys.argv[1]) if sys.argv[1] else None; sys.exit(0 if v is not None and ($2) else 1)" "$value" ||
    { echo "FAIL: $3: $1 = '${value}'"; exit 1; }
  echo "ok: $3: $1 = $value"
}
check 'arrs_log_head_position' 'v >= 1' "the rules published at start are in the log"
check 'arrs_log_appends_total' 'v >= 1' "appends counted"
check 'arrs_rpc_requests_total{method="ListPcns",code="OK"}' 'v == 1' "one answered ListPcns"
check 'arrs_rpc_requests_total{method="ListPcns",code="UNAUTHENTICATED"}' 'v == 1' "one refused ListPcns"
check 'sum(arrs_rpc_duration_seconds_count{method="WhoAmI"})' 'v == 1' "WhoAmI's latency histogram"
check 'arrs_log_append_duration_seconds_count' 'v >= 1' "append latency histogram"
check 'histogram_quantile(0.99, sum by (le) (arrs_log_append_duration_seconds_bucket))' 'v > 0' "append latency p99 from the buckets"
check 'process_resident_memory_bytes' 'v > 1e6' "RSS"
check 'arrs_state_cold_streams' 'v == 0' "state warm"
echo "prometheus scrape check passed"
