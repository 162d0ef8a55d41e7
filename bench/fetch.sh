#!/usr/bin/env bash
# Fetcher throughput and memory: 10,000 feeds over 100 loopback hosts, politeness delay zero.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tidings/target}"
cargo bench -q -p tidings-fetch --bench fetch_many 2>&1 | grep -E '^fetch:'
