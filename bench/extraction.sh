#!/usr/bin/env bash
# Article extraction on the shared dev set (181 real news pages): F1 with the set's own scorer,
# and pages/s on one core, beside dom_smoothie alone, measured in the same run.
#   bench/extraction.sh           Tidings (and dom_smoothie, which it builds on)
#   bench/extraction.sh --peers   also trafilatura (pip, in a venv under ~/.cache), same run
source "$(dirname "$0")/lib.sh"
shared_bench extraction

cargo build -q --release
bin="$CARGO_TARGET_DIR/release/tidings"
start=$(date +%s.%N)
"$bin" extract --jsonl "$BENCH/dev" --jobs 1 > "$tmp/tidings.jsonl"
end=$(date +%s.%N)
pages=$(wc -l < "$tmp/tidings.jsonl")
python3 "$BENCH/score.py" "$BENCH/dev/truth.jsonl" "$tmp/tidings.jsonl" | grep -E '^precision' | sed 's/^/tidings: /'
echo "tidings: $pages pages in $(python3 -c "print(f'{$end-$start:.2f} s = {$pages/($end-$start):.0f} pages/s')") (whole CLI run, one core)"
TIDINGS_BENCH_PAGES="$BENCH/dev" cargo bench -q -p tidings-html --bench extract_pages 2>/dev/null | grep '^extraction speed'

if [ "${1:-}" = "--peers" ]; then
  py=$(peer_python "trafilatura==2.3.1" lxml_html_clean)
  cat > "$tmp/traf.py" <<'PY'
import json, os, sys, time
import trafilatura
d = sys.argv[1]
files = sorted(f for f in os.listdir(d) if f.endswith(".html"))
pages = [(f[:-5], open(os.path.join(d, f), "rb").read()) for f in files]
t0 = time.perf_counter()
out = [{"id": i, "text": trafilatura.extract(h) or ""} for i, h in pages]
dt = time.perf_counter() - t0
with open(sys.argv[2], "w") as fh:
    for o in out:
        fh.write(json.dumps(o) + "\n")
print(f"{len(pages)} pages in {dt:.2f} s = {len(pages)/dt:.0f} pages/s (one core)")
PY
  speed=$("$py" "$tmp/traf.py" "$BENCH/dev" "$tmp/traf.jsonl")
  python3 "$BENCH/score.py" "$BENCH/dev/truth.jsonl" "$tmp/traf.jsonl" | grep -E '^precision' | sed 's/^/trafilatura: /'
  echo "trafilatura: $speed"
fi
