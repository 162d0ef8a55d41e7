#!/usr/bin/env bash
# Reader API throughput: 100,000 articles (TIDINGS_BENCH_ARTICLES to change it) from 50
# outlets, 50 concurrent clients on loopback (TIDINGS_BENCH_CLIENTS), each call type for 10 s
# (TIDINGS_BENCH_SECONDS): Google Reader stream contents of the reading list and of one outlet
# (n=100 a page, at a random continuation, as apps page through), and Fever items (50 a call
# from a random since_id). Prints requests/s and p50/p99 latency of each, on SQLite and, when
# TIDINGS_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres) answers,
# on PostgreSQL.
#
#   bench/readers.sh
#
# TIDINGS_BIN=PATH measures that binary instead of building the release one. The load comes
# from wrk (apt-get install wrk), which shares the machine's cores with the server.
#
# No peer server is measured beside it: FreshRSS (PHP) and Miniflux (Go) are not installable
# from this workplace's registries, so the figures stand alone.
source "$(dirname "$0")/lib.sh"
command -v wrk >/dev/null || { echo "readers bench: needs wrk (apt-get install wrk)" >&2; exit 1; }
articles="${TIDINGS_BENCH_ARTICLES:-100000}"
clients="${TIDINGS_BENCH_CLIENTS:-50}"
seconds="${TIDINGS_BENCH_SECONDS:-10}"
pg_admin="${TIDINGS_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
outlets=50
server="" db=""
cleanup() {
  [ -z "$server" ] || { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; }
  [ -z "$db" ] || psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

bin=$(release_bin)

# The archive as a Tidings export, so that it goes in through the store's own import (the
# schema checks every column) on either backend.
"$bin" export --data "$tmp/empty" > "$tmp/header.jsonl" 2>/dev/null
python3 - "$tmp/header.jsonl" "$articles" "$outlets" > "$tmp/archive.jsonl" <<'PY'
import json, sys, time
header, n, outlets = open(sys.argv[1]).readline(), int(sys.argv[2]), int(sys.argv[3])
out = sys.stdout
out.write(header)
now = int(time.time() * 1_000_000)
def row(table, **values):
    out.write(json.dumps({"table": table, "row": values}) + "\n")
for o in range(1, outlets + 1):
    row("outlets", id=o, name=f"Outlet {o}", site_url=f"https://outlet{o}.invalid/", category=f"Category {o % 5}",
        full_text=0, created_at=now)
for o in range(1, outlets + 1):
    # Not due for a day: the bench measures reading, not fetching.
    row("feeds", id=o, outlet_id=o, url=f"https://outlet{o}.invalid/feed.xml", next_fetch_at=now + 86_400_000_000,
        consecutive_failures=0, created_at=now)
body = "<p>" + "A paragraph of a news report, as long as a typical one is. " * 12 + "</p>"
for i in range(1, n + 1):
    o, at = 1 + i % outlets, now - (n - i) * 1_000_000
    row("articles", id=i, outlet_id=o, feed_id=o, guid=f"guid-{i}", url=f"https://outlet{o}.invalid/{i}",
        canonical_url=f"https://outlet{o}.invalid/{i}", title=f"Report number {i}", authors="Ada Byrne",
        published_at=at, fetched_at=at, sort_at=at, content_html=body * 3, content_text="text",
        excerpt="A paragraph of a news report.", lang="en", extraction="feed_only")
PY

cat > "$tmp/calls.lua" <<'LUA'
-- One request of the call named by BENCH_CALL, at a random place in the archive.
local n = tonumber(os.getenv("BENCH_ARTICLES"))
local outlets = tonumber(os.getenv("BENCH_OUTLETS"))
local call = os.getenv("BENCH_CALL")
local auth = { ["Authorization"] = "GoogleLogin auth=" .. os.getenv("BENCH_AUTH") }
local form = { ["Content-Type"] = "application/x-www-form-urlencoded" }
local body = "api_key=" .. os.getenv("BENCH_FEVER_KEY")
local contents = "/api/greader.php/reader/api/0/stream/contents/"
function setup(thread) thread:set("seed", math.random(1, 1000000)) end
function init() math.randomseed(seed) end
function request()
  if call == "reading-list" then
    local c = math.random(100, n + 1)
    return wrk.format("GET", contents .. "user%2F-%2Fstate%2Fcom.google%2Freading-list?n=100&c=" .. c, auth)
  elseif call == "outlet" then
    -- Deep enough that the outlet has a page of articles below it.
    local c = math.random(math.min(100 * outlets, n), n + 1)
    return wrk.format("GET", contents .. "feed%2F" .. math.random(1, outlets) .. "?n=100&c=" .. c, auth)
  else
    local since = math.random(0, n - 50)
    return wrk.format("POST", "/api/fever.php?api&items&since_id=" .. since, form, body)
  end
end
LUA


# measure DATA_ARGS...: serves the archive with those data arguments and loads each call.
measure() {
  local port auth
  port=$(free_port)
  "$bin" serve "$@" --listen "127.0.0.1:$port" --api-requests-per-minute 0 --log warn >/dev/null 2>&1 &
  server=$!
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  auth=$(curl -sf "http://127.0.0.1:$port/api/greader.php/accounts/ClientLogin" \
    --data-urlencode Email=bench --data-urlencode Passwd=bench-password | sed -n 's/^Auth=//p')
  for call in reading-list outlet fever; do
    local name
    case $call in
      reading-list) name="Google Reader stream/contents, reading list" ;;
      outlet) name="Google Reader stream/contents, one outlet" ;;
      fever) name="Fever items (since_id, 50 a call)" ;;
    esac
    BENCH_CALL=$call BENCH_ARTICLES=$articles BENCH_OUTLETS=$outlets BENCH_AUTH=$auth \
      BENCH_FEVER_KEY=$(printf 'bench:bench-password' | md5sum | cut -d' ' -f1) \
      wrk -t2 -c"$clients" -d"${seconds}s" --latency -s "$tmp/calls.lua" "http://127.0.0.1:$port" > "$tmp/wrk.out"
    if grep -q 'Non-2xx' "$tmp/wrk.out"; then
      echo "readers bench: $name answered errors:" >&2; cat "$tmp/wrk.out" >&2; exit 1
    fi
    printf '  %-46s %8.1f %8s %8s\n' "$name" "$(awk '/^Requests\/sec/ { print $2 }' "$tmp/wrk.out")" \
      "$(ms "$(awk '$1 == "50%" { print $2 }' "$tmp/wrk.out")")" "$(ms "$(awk '$1 == "99%" { print $2 }' "$tmp/wrk.out")")"
  done
  kill "$server"; wait "$server" 2>/dev/null || true
  server=""
}

# load DATA_ARGS...: the archive and a reader with Fever turned on, through the store.
load() {
  local started
  started=$(date +%s.%N)
  "$bin" import "$tmp/archive.jsonl" "$@" >/dev/null
  echo 'bench-password' | "$bin" user add bench --password-stdin "$@" >/dev/null
  echo 'bench-password' | "$bin" token fever bench --password-stdin "$@" >/dev/null
  printf '  (%d articles imported in %.1f s)\n' "$articles" "$(echo "$(date +%s.%N) - $started" | bc)"
}

echo "readers bench: $articles articles from $outlets outlets, $clients clients, $seconds s a call, loopback"
printf '  %-46s %8s %8s %8s\n' "call" "req/s" "p50 ms" "p99 ms"
echo "SQLite:"
load --data "$tmp/data"
measure --data "$tmp/data"

if psql "$pg_admin" -Atqc 'SELECT 1' >/dev/null 2>&1; then
  db="tidings_readers_bench_$$"
  psql "$pg_admin" -qc "CREATE DATABASE $db" >/dev/null
  url="${pg_admin%/*}/$db"
  echo "PostgreSQL:"
  load --database "$url" --data "$tmp/pg"
  measure --database "$url" --data "$tmp/pg"
else
  echo "PostgreSQL at $pg_admin does not answer: its run was skipped"
fi
