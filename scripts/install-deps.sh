#!/usr/bin/env bash
# Installs every Debian 12 package arrs-ledger needs to build, test and run.
# Idempotent: packages already present are skipped by apt-get.
set -euo pipefail

PACKAGES=(
  cmake g++ pkg-config ninja-build ccache
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librocksdb-dev libabsl-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev libspdlog-dev libcpp-httplib-dev
  libcpp-jwt-dev                       # JWT bearer tokens (arrsd --jwks); pulls nlohmann-json3-dev
  python3-grpcio python3-protobuf grpc-proto
  clang-14 libclang-rt-14-dev openssl  # fuzzing (scripts/fuzz.sh), TLS test certificates
  curl prometheus                      # tests/web: /metrics scraped by a real Prometheus
  chromium chromium-driver python3-selenium  # the web console's browser test
)

# The console's npm packages need node and npm: Debian's, unless the machine already has
# them (a NodeSource nodejs, which bundles npm, conflicts with Debian's npm package).
if ! command -v npm >/dev/null 2>&1; then PACKAGES+=(nodejs npm); fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
