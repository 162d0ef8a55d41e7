#!/usr/bin/env bash
# Comment posting under concurrent load from a loopback client: throughput and p50/p99 latency
# of the POST (each with its own form, fetched beforehand; every author new, so every comment
# goes to moderation), on SQLite and, when TIDINGS_TEST_POSTGRES_URL is set, PostgreSQL; then the
# cost of rendering an article page with 200 published comments beside the same site's page
# with none. Release binary serving the demo; the client is bench/comments_load.py.
#   POSTS=2000 CONCURRENCY=32 bench/comments.sh
#   TIDINGS_BIN=path/to/tidings bench/comments.sh     another build, nothing built
source "$(dirname "$0")/lib.sh"
posts=${POSTS:-2000}
conc=${CONCURRENCY:-32}

bin=$(release_bin)
password="bench password 1"

run() { # run NAME [--database URL]
  local name=$1; shift
  local data="$tmp/$name" port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  echo "$password" | "$bin" user add bench --admin --password-stdin --data "$data" "$@" > /dev/null
  "$bin" demo --data "$data" "$@" --listen "127.0.0.1:$port" --log warn \
    --comments-per-address 0 --comments-per-email 0 --comment-min-fill 0 > "$tmp/$name.out" 2>&1 &
  local pid=$!
  local base="http://127.0.0.1:$port"
  for _ in $(seq 300); do
    curl -fs "$base/" 2>/dev/null | grep -q '/articles/' && break
    sleep 0.5
  done
  sleep 3  # let the demo's first round finish its writes
  mapfile -t ids < <(curl -fs "$base/" | grep -o '/articles/[0-9]*' | sort -u -t/ -k3 -n | cut -d/ -f3 | head -3)
  echo "== $name"
  python3 bench/comments_load.py post "$base" "${ids[0]}" "$posts" "$conc"
  python3 bench/comments_load.py post "$base" "${ids[0]}" "$posts" 1
  python3 bench/comments_load.py render "$base" "${ids[1]}" "${ids[2]}" "$password"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

run sqlite
if [ -n "${TIDINGS_TEST_POSTGRES_URL:-}" ] && psql "$TIDINGS_TEST_POSTGRES_URL" -qc 'SELECT 1' > /dev/null 2>&1; then
  db="tidings_bench_$$"
  psql "$TIDINGS_TEST_POSTGRES_URL" -qc "CREATE DATABASE $db"
  url="${TIDINGS_TEST_POSTGRES_URL%/*}/$db"
  run postgres --database "$url"
  psql "$TIDINGS_TEST_POSTGRES_URL" -qc "DROP DATABASE $db WITH (FORCE)"
else
  echo "== postgres: skipped (set TIDINGS_TEST_POSTGRES_URL to a reachable server)"
fi
