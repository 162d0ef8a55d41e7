#!/usr/bin/env bash
# The hostile corpus (crates/testkit/src/hostile.rs) through the release binary: peak memory and
# wall time of `tidings feed parse` on each hostile feed and `tidings extract` on the nested page.
#   bench/hostile.sh                 this checkout
#   bench/hostile.sh OTHER_BINARY    also another build of tidings (e.g. the last release), same run
source "$(dirname "$0")/lib.sh"

cargo build -q --release
cargo run -q -p tidings-testkit --example hostile_corpus "$tmp/corpus"
bins=("$CARGO_TARGET_DIR/release/tidings")
[ -n "${1:-}" ] && bins+=("$1")
cat > "$tmp/measure.py" <<'PY'
import resource, subprocess, sys, time
t = time.perf_counter()
p = subprocess.run(sys.argv[1:], capture_output=True)
dt = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
crashed = b"panicked" in p.stderr or p.returncode < 0
print(f"{rss:8.0f} MiB {dt:7.2f} s  exit {p.returncode}{'  CRASH' if crashed else ''}")
PY
for bin in "${bins[@]}"; do
  echo "== $bin"
  for f in "$tmp"/corpus/*.xml; do
    printf '%-32s' "$(basename "$f" .xml)"
    python3 "$tmp/measure.py" "$bin" feed parse "$f"
  done
  printf '%-32s' "nested-page (extract)"
  python3 "$tmp/measure.py" "$bin" extract "$tmp/corpus/nested-page.html"
done
