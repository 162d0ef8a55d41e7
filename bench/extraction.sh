#!/usr/bin/env bash
# Article extraction on the shared dev set (181 real news pages): F1 with the set's own scorer,
# and pages/s on one core, beside dom_smoothie alone, measured in the same run.
#   bench/extraction.sh           Tidings (and dom_smoothie, which it builds on)
#   bench/extraction.sh --peers   also trafilatura (pip, in a venv under ~/.cache), same run
source "$(dirname "$0")/lib.sh"
shared_bench extraction

cargo build -q --release
bin="$CARGO_TARGET_DIR/release/tidings"
# The whole CLI run, three times (the host is noisy); the first run's output is scored.
times=()
for run in 1 2 3; do
  start=$(date +%s.%N)
  "$bin" extract --jsonl "$BENCH/dev" --jobs 1 > "$tmp/run$run.jsonl"
  end=$(date +%s.%N)
  times+=("$(python3 -c "print($end-$start)")")
done
mv "$tmp/run1.jsonl" "$tmp/tidings.jsonl"
pages=$(wc -l < "$tmp/tidings.jsonl")
python3 "$BENCH/score.py" "$BENCH/dev/truth.jsonl" "$tmp/tidings.jsonl" | grep -E '^(precision|metadata)' | sed 's/^/tidings: /'
python3 -c "
import statistics, sys
t = statistics.median(float(x) for x in sys.argv[2:])
print(f'tidings: {sys.argv[1]} pages in {t:.2f} s = {int(sys.argv[1]) / t:.0f} pages/s (whole CLI run, median of 3, one core)')
" "$pages" "${times[@]}"
speed_line=$(TIDINGS_BENCH_PAGES="$BENCH/dev" cargo bench -q -p tidings-html --bench extract_pages 2>/dev/null | grep '^extraction speed')
echo "$speed_line"

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
# Metadata, untimed: the dev set has no metadata truth, so agreement with trafilatura's
# (htmldate and its title rules) is the check available here.
with open(sys.argv[3], "w") as fh:
    for i, h in pages:
        m = trafilatura.bare_extraction(h, with_metadata=True)
        m = (m.as_dict() if hasattr(m, "as_dict") else m) or {}
        fh.write(json.dumps({"id": i, "title": m.get("title"), "date": m.get("date")}) + "\n")
PY
  speed=$("$py" "$tmp/traf.py" "$BENCH/dev" "$tmp/traf.jsonl" "$tmp/traf-meta.jsonl")
  python3 "$BENCH/score.py" "$BENCH/dev/truth.jsonl" "$tmp/traf.jsonl" | grep -E '^precision' | sed 's/^/trafilatura: /'
  echo "trafilatura: $speed"
  python3 - "$tmp/tidings.jsonl" "$tmp/traf-meta.jsonl" <<'PY'
import json, re, sys
load = lambda p: {r["id"]: r for r in map(json.loads, open(p))}
ours, theirs = load(sys.argv[1]), load(sys.argv[2])
words = lambda s: [w.casefold() for w in re.findall(r"\w+", s or "")]
date = sum((ours[i].get("date") or "")[:10] == (theirs[i].get("date") or "")[:10] for i in ours)
title = sum(words(ours[i].get("title")) == words(theirs[i].get("title")) for i in ours)
print(f"metadata vs trafilatura: date agrees on {date}/{len(ours)} pages, title on {title}/{len(ours)}")
PY
  ours=$(sed -E 's/.*tidings ([0-9]+) pages.*/\1/' <<<"$speed_line")
  theirs=$(sed -E 's/.*= ([0-9]+) pages.*/\1/' <<<"$speed")
  echo "speed ratio: tidings is $(python3 -c "print(f'{$ours/$theirs:.0f}')")x trafilatura (in-process, one core each)"
fi
