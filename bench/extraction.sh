#!/usr/bin/env bash
# Article extraction on the two shared sets: dev (181 news pages, 2014–19) and wcxb-dev (360
# pages of blogs, newsletters, page-builder and documentation sites, 2025–26).
# Text: P/R/F1 with the sets' own scorer (score.py). Metadata: title, date and author agreement
# with wcxb-dev's truth (score_meta.py; dev has no metadata truth). Speed: the whole process on
# one core (taskset), metadata included, median of $RUNS runs (default 3), beside dom_smoothie
# alone in-process.
#   bench/extraction.sh           Tidings
#   bench/extraction.sh --peers   also trafilatura 2.3.1 (pip, in a venv under ~/.cache), same
#                                 run, same measures, and the speed ratio
source "$(dirname "$0")/lib.sh"
shared_bench extraction
runs="${RUNS:-3}"
sets=(dev wcxb-dev)

bin=$(release_bin)
one_core() { if command -v taskset > /dev/null; then taskset -c 0 "$@"; else "$@"; fi; }

# timed NAME SET CMD...: runs CMD $runs times (stdout of the first to $tmp/NAME-SET.jsonl) and
# prints the median seconds.
timed() {
  local name=$1 set=$2 times=()
  shift 2
  for run in $(seq "$runs"); do
    local start end
    start=$(date +%s.%N)
    one_core "$@" > "$tmp/$name-$set-$run.jsonl"
    end=$(date +%s.%N)
    times+=("$(python3 -c "print($end-$start)")")
  done
  mv "$tmp/$name-$set-1.jsonl" "$tmp/$name-$set.jsonl"
  python3 -c "import statistics, sys; print(statistics.median(float(x) for x in sys.argv[1:]))" "${times[@]}"
}

# report NAME SET SECONDS: the scores and speed of one extractor on one set.
report() {
  local name=$1 set=$2 seconds=$3 pages
  pages=$(ls "$BENCH/$set"/*.html | wc -l)
  printf '  %-12s %s\n' "$name:" "$(python3 "$BENCH/score.py" "$BENCH/$set/truth.jsonl" "$tmp/$name-$set.jsonl" | grep '^precision' | sed 's/  accuracy.*//')"
  if [ "$set" = wcxb-dev ]; then
    printf '  %-12s %s\n' "$name:" "$(python3 "$BENCH/score_meta.py" "$BENCH/$set/truth.jsonl" "$tmp/$name-$set.jsonl" | grep '^META' | sed 's/^META/metadata/')"
  fi
  printf '  %-12s %s\n' "$name:" "$(python3 -c "import sys; p, t = int(sys.argv[1]), float(sys.argv[2]); print(f'{p} pages in {t:.2f} s = {p / t:.0f} pages/s (whole process, one core, with metadata)')" "$pages" "$seconds")"
  echo "$pages $seconds" > "$tmp/$name-$set.speed"
}

if [ "${1:-}" = "--peers" ]; then
  py=$(peer_python "trafilatura==2.3.1" lxml_html_clean)
  cat > "$tmp/traf.py" <<'PY'
import json, os, sys
import trafilatura
d = sys.argv[1]
for f in sorted(f for f in os.listdir(d) if f.endswith(".html")):
    with open(os.path.join(d, f), "rb") as fh:
        m = trafilatura.bare_extraction(fh.read(), with_metadata=True, include_comments=False)
    m = (m.as_dict() if hasattr(m, "as_dict") else m) or {}
    print(json.dumps({"id": f[:-5], "text": m.get("text") or "", "title": m.get("title"),
                      "author": m.get("author"), "date": m.get("date")}))
PY
fi

for set in "${sets[@]}"; do
  echo "$set ($(ls "$BENCH/$set"/*.html | wc -l) pages)"
  report tidings "$set" "$(timed tidings "$set" "$bin" extract --jsonl "$BENCH/$set" --jobs 1)"
  if [ "${1:-}" = "--peers" ]; then
    report trafilatura "$set" "$(timed trafilatura "$set" "$py" "$tmp/traf.py" "$BENCH/$set")"
  fi
done

if [ "${1:-}" = "--peers" ]; then
  echo "speed ratio (whole process, one core, with metadata, median of $runs runs)"
  for set in "${sets[@]}"; do
    read -r pages ours < "$tmp/tidings-$set.speed"
    read -r _ theirs < "$tmp/trafilatura-$set.speed"
    python3 -c "import sys; print(f'  {sys.argv[1]}: tidings is {float(sys.argv[3]) / float(sys.argv[2]):.1f}x trafilatura')" "$set" "$ours" "$theirs"
  done
fi
TIDINGS_BENCH_PAGES="$BENCH/dev" cargo bench -q -p tidings-html --bench extract_pages 2>/dev/null | grep '^extraction speed' | sed 's/^/dev in-process: /'
