#!/usr/bin/env bash
# Feed parsing: agreement with Python feedparser on the shared dev corpus (compare.py) and
# throughput on the 5 MB, 2,000-item RSS of make_big_rss.py, one core.
#   bench/feeds.sh            Tidings only
#   bench/feeds.sh --peers    also feedparser 6.0.14 (pip, in a venv under ~/.cache), same run
source "$(dirname "$0")/lib.sh"
shared_bench feeds

bin=$(release_bin)
(cd "$BENCH/dev" && find feedparser -type f | sort > "$tmp/files" && xargs -a "$tmp/files" "$bin" feed parse --json) > "$tmp/actual.jsonl"
agree=$(python3 "$BENCH/compare.py" "$BENCH/dev/expected.jsonl" "$tmp/actual.jsonl" | tail -n1)
echo "tidings: $agree on dev ($(wc -l < "$tmp/files") files)"

python3 "$BENCH/tools/make_big_rss.py" "$tmp/big.xml"
TIDINGS_BENCH_FEED="$tmp/big.xml" cargo bench -q -p tidings-feed --bench throughput 2>/dev/null | grep '^feed throughput' | sed 's/^/tidings: /'

if [ "${1:-}" = "--peers" ]; then
  py=$(peer_python "feedparser==6.0.14")
  (cd "$BENCH/dev" && "$py" "$BENCH/tools/emit_py.py" feedparser . < "$tmp/files") > "$tmp/fp.jsonl"
  echo "feedparser 6.0.14: $(python3 "$BENCH/compare.py" "$BENCH/dev/expected.jsonl" "$tmp/fp.jsonl" | tail -n1) on dev (the reference)"
  "$py" "$BENCH/tools/bench_py.py" feedparser 3 "$tmp/big.xml" 2>&1 | sed 's/^/feedparser 6.0.14: /'
fi
