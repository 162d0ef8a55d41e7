#!/usr/bin/env bash
# Fetcher throughput and memory: 10,000 feeds over 100 loopback hosts, politeness delay zero.
source "$(dirname "$0")/lib.sh"
cargo bench -q -p tidings-fetch --bench fetch_many 2>&1 | grep -E '^fetch:'
