#!/usr/bin/env bash
# Ingest: the shared bench's 1,000 feeds and 20,000 article pages on 100 loopback hosts (nginx),
# through the release binary, beside newsboat on the same feeds in the same run.
#   1. newsboat: fetch and parse the feeds only (the peer);
#   2. tidings, feeds only (`import --no-full-text`, `fetch --once`) on SQLite;
#   3. tidings, the full pipeline (every page fetched, extracted, clustered, stored) on SQLite,
#      with the time of each quarter of the articles, so a cost that grows with the store shows;
#   4. the full pipeline on PostgreSQL with 1, 2 and 3 `tidings worker` processes (when psql
#      reaches TIDINGS_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres).
# TIDINGS_BIN=PATH measures that binary instead of building the release one.
# Needs nginx and newsboat (Debian packages; installed when missing and running as root).
source "$(dirname "$0")/lib.sh"
shared=${TIDINGS_SHARED:-$(cd .. && pwd)/shared}
# Outside /root: nginx's workers (www-data) must be able to read the pages.
data=${TIDINGS_INGEST_DATA:-/var/tmp/tidings-ingest-data}
pg_admin=${TIDINGS_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
pg_limit=${TIDINGS_INGEST_PG_SECONDS:-300}   # each PostgreSQL run stops here and reports its rate; 0 skips them

for tool in nginx newsboat; do
  if ! command -v "$tool" >/dev/null && ! [ -x "/usr/sbin/$tool" ]; then
    [ "$(id -u)" -eq 0 ] || { echo "ingest bench: install $tool (Debian package $tool)" >&2; exit 1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$tool" >/dev/null
  fi
done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[ -f "$data/outlets.opml" ] || bash "$shared/bench/ingest/setup.sh" "$data" >/dev/null
"$nginx_bin" -c "$data/nginx.conf" -s stop 2>/dev/null || true
# One left running on this configuration holds its ports until it has gone.
for _ in $(seq 100); do pgrep -f "nginx -c $data/nginx.conf" >/dev/null || break; sleep 0.1; done
"$nginx_bin" -c "$data/nginx.conf"
trap '"$nginx_bin" -c "$data/nginx.conf" -s stop 2>/dev/null || true; rm -rf "$tmp"' EXIT
bin=$(release_bin)
opts=(--allow-private-networks --host-delay 0)

# measure LABEL COMMAND...: wall time and peak memory of COMMAND and its children.
cat > "$tmp/measure.py" <<'PY'
import resource, subprocess, sys, time
label, cmd = sys.argv[1], sys.argv[2:]
t = time.perf_counter()
p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
dt = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"{label:44s} {dt:7.1f} s  peak {rss:6.0f} MiB  exit {p.returncode}")
if p.returncode:
    sys.stderr.write(p.stderr.decode(errors="replace")[-2000:])
PY
count() { sqlite3 "$1" 'SELECT COUNT(*) FROM articles' 2>/dev/null || python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM articles').fetchone()[0])" "$1"; }

echo "== ingest: 1,000 feeds x 20 items, 20,000 pages, 100 loopback hosts ($(nproc) cores)"
rm -rf "$tmp/newsboat" && mkdir -p "$tmp/newsboat"
python3 "$tmp/measure.py" "newsboat -x reload (feeds only)" \
  newsboat -u "$data/urls" -c "$tmp/newsboat/cache.db" -C "$data/config" -x reload

"$bin" import "$data/outlets.opml" --no-full-text --data "$tmp/feeds" >/dev/null
python3 "$tmp/measure.py" "tidings fetch --once, feeds only (SQLite)" "$bin" fetch --once "${opts[@]}" --data "$tmp/feeds"
echo "   articles stored: $(count "$tmp/feeds/tidings.db")"

"$bin" import "$data/outlets.opml" --data "$tmp/full" >/dev/null
( # quarters: when the store passed 5,000, 10,000, 15,000 and 20,000 articles
  start=$(date +%s.%N); next=5000
  while [ $next -le 20000 ]; do
    n=$(count "$tmp/full/tidings.db" 2>/dev/null || echo 0)
    if [ "${n:-0}" -ge $next ]; then
      printf '   %6d articles after %6.1f s\n' "$next" "$(echo "$(date +%s.%N) - $start" | bc)"
      next=$((next + 5000))
    else
      sleep 0.5
    fi
    [ -f "$tmp/full.done" ] && [ "${n:-0}" -lt $next ] && break
  done
) &
watcher=$!
python3 "$tmp/measure.py" "tidings fetch --once, full pipeline (SQLite)" "$bin" fetch --once "${opts[@]}" --data "$tmp/full"
touch "$tmp/full.done"; wait $watcher || true
echo "   articles stored: $(count "$tmp/full/tidings.db")"

if [ "$pg_limit" -eq 0 ]; then
  echo "PostgreSQL runs skipped (TIDINGS_INGEST_PG_SECONDS=0)"
elif psql "$pg_admin" -Atqc 'SELECT 1' >/dev/null 2>&1; then
  for workers in 1 2 3; do
    db="tidings_ingest_bench_$$_$workers"
    psql "$pg_admin" -qc "CREATE DATABASE $db" >/dev/null
    url="${pg_admin%/*}/$db"
    "$bin" import "$data/outlets.opml" --database "$url" --data "$tmp/pg" >/dev/null
    start=$(date +%s.%N)
    pids=()
    for _ in $(seq "$workers"); do
      "$bin" worker "${opts[@]}" --database "$url" --data "$tmp/pg" 2>/dev/null & pids+=($!)
    done
    n=0
    while [ "$n" -lt 20000 ]; do
      sleep 1
      n=$(psql "$url" -Atqc 'SELECT COUNT(*) FROM articles')
      elapsed=$(echo "$(date +%s.%N) - $start" | bc)
      if [ "$(echo "$elapsed > $pg_limit" | bc)" -eq 1 ]; then echo "   stopped after $pg_limit s"; break; fi
    done
    kill "${pids[@]}" 2>/dev/null; wait "${pids[@]}" 2>/dev/null || true
    printf '%-44s %7.1f s  %d articles, %.0f articles/s\n' "tidings worker x$workers, full pipeline (PostgreSQL)" \
      "$elapsed" "$n" "$(echo "$n / $elapsed" | bc -l)"
    psql "$pg_admin" -qc "DROP DATABASE $db WITH (FORCE)" >/dev/null
  done
else
  echo "PostgreSQL at $pg_admin does not answer: the multi-worker runs were skipped"
fi
