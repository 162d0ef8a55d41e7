#!/usr/bin/env bash
# Feed parsing: agreement with Python feedparser on the shared dev corpus (compare.py) and
# throughput on the 5 MB, 2,000-item RSS of make_big_rss.py, one core.
#   bench/feeds.sh            Tidings only
#   bench/feeds.sh --peers    also feedparser 6.0.14 (pip, in a venv under ~/.cache), same run
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tidings/target}"
BENCH="${TIDINGS_SHARED:-$(cd .. && pwd)/shared}/bench/feeds"
[ -d "$BENCH/dev" ] || { echo "feeds bench: $BENCH/dev not found (set TIDINGS_SHARED)" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

cargo build -q --release
bin="$CARGO_TARGET_DIR/release/tidings"
(cd "$BENCH/dev" && find feedparser -type f | sort > "$tmp/files" && xargs -a "$tmp/files" "$bin" feed parse --json) > "$tmp/actual.jsonl"
agree=$(python3 "$BENCH/compare.py" "$BENCH/dev/expected.jsonl" "$tmp/actual.jsonl" | tail -n1)
echo "tidings: $agree on dev ($(wc -l < "$tmp/files") files)"

python3 "$BENCH/tools/make_big_rss.py" "$tmp/big.xml"
TIDINGS_BENCH_FEED="$tmp/big.xml" cargo bench -q -p tidings-feed --bench throughput 2>/dev/null | grep '^feed throughput' | sed 's/^/tidings: /'

if [ "${1:-}" = "--peers" ]; then
  venv="$HOME/.cache/tidings/bench-venv"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install -q "feedparser==6.0.14"
  (cd "$BENCH/dev" && "$venv/bin/python" "$BENCH/tools/emit_py.py" feedparser . < "$tmp/files") > "$tmp/fp.jsonl"
  echo "feedparser 6.0.14: $(python3 "$BENCH/compare.py" "$BENCH/dev/expected.jsonl" "$tmp/fp.jsonl" | tail -n1) on dev (the reference)"
  "$venv/bin/python" "$BENCH/tools/bench_py.py" feedparser 3 "$tmp/big.xml" 2>&1 | sed 's/^/feedparser 6.0.14: /'
fi
