#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs everything nwtrace needs to build, run and test on Debian 12.
# Idempotent: packages already present are left alone.
set -euo pipefail

RUNTIME_PACKAGES=(libbpfcc-dev libbpf-dev zlib1g-dev libjansson-dev linux-headers-amd64 cmake gcc make
                  pkg-config iproute2 kmod)
TEST_PACKAGES=(libcmocka-dev bpftool iperf3 tcpdump nftables ethtool python3 python3-scapy jq
               clang libclang-rt-14-dev)

packages=("${RUNTIME_PACKAGES[@]}")
[[ "${1:-}" == "--test" ]] && packages+=("${TEST_PACKAGES[@]}")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
