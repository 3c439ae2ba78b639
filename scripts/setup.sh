#!/usr/bin/env bash
# Installs every Debian package Tandem needs to build, test and run the demo;
# `setup.sh fuzz` adds clang and its libFuzzer runtime for `make fuzz`.
# Idempotent and quiet: when everything is there it prints nothing and touches nothing.
set -euo pipefail

PACKAGES=(
  g++ cmake ninja-build pkg-config
  libboost-dev nlohmann-json3-dev libvalijson-dev libyaml-cpp-dev libsqlite3-dev
  libcli11-dev libspdlog-dev libssl-dev libxgboost-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libtorch-dev libopencv-dev libarchive-dev libzstd-dev
  python3 python3-sklearn python3-numpy python3-torch python3-xgboost
  python3-fastapi python3-uvicorn python3-statsmodels python3-zstandard wrk
  curl procps
)
[[ "${1:-}" == "fuzz" ]] && PACKAGES+=(clang libclang-rt-14-dev)

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

SUDO=""
[[ $(id -u) -eq 0 ]] || SUDO="sudo"
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
