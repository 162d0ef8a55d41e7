#!/usr/bin/env bash
# Page speed: an archive of 100,000 articles in 20,000 stories (TIDINGS_BENCH_ARTICLES and
# TIDINGS_BENCH_STORIES to change it) served by `tidings web` on SQLite, loaded with wrk on
# loopback (TIDINGS_BENCH_CLIENTS concurrent, TIDINGS_BENCH_SECONDS per page): the front page, a
# story page, an article page and a search, as an anonymous reader whose browser accepts gzip.
# In the same run nginx serves the very same HTML as static files, gzipped: the limit. Prints
# requests/s, p50/p99 latency and the share of nginx's requests/s for each page, and the front
# page's compressed size.
#
# Shared pages (front, story, search) are rendered at most once a second and then served from
# memory with an ETag (crates/web/src/page_cache.rs); an article page holds a form token for
# its reader, so it is rendered for every request. The "rendered per request" rows send a
# session cookie, which bypasses the shared copy: what each page costs to render.
#
#   bench/pages.sh
#
# TIDINGS_BIN=PATH measures that binary instead of building the release one. wrk and nginx
# come from Debian (apt-get install wrk nginx-light) and share the machine's cores with the
# server, as a load generator on the same machine does.
source "$(dirname "$0")/lib.sh"
for tool in wrk nginx; do
  command -v "$tool" >/dev/null || { echo "pages bench: needs $tool (apt-get install wrk nginx-light)" >&2; exit 1; }
done
articles="${TIDINGS_BENCH_ARTICLES:-100000}"
stories="${TIDINGS_BENCH_STORIES:-20000}"
clients="${TIDINGS_BENCH_CLIENTS:-32}"
seconds="${TIDINGS_BENCH_SECONDS:-10}"
server="" nginx_pid=""
cleanup() {
  [ -z "$server" ] || { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; }
  [ -z "$nginx_pid" ] || kill "$nginx_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

bin=$(release_bin)

echo "pages bench: $articles articles in $stories stories, $clients clients, $seconds s a page, loopback"
started=$(date +%s.%N)
"$bin" export --data "$tmp/empty" > "$tmp/header.jsonl" 2>/dev/null
python3 bench/pages_fill.py "$tmp/header.jsonl" "$articles" "$stories" ARCHITECTURE.md README.md docs/*.md \
  > "$tmp/archive.jsonl"
"$bin" import "$tmp/archive.jsonl" --data "$tmp/data" --log error >/dev/null
port=$(free_port)
"$bin" web --data "$tmp/data" --listen "127.0.0.1:$port" --log warn >/dev/null 2>&1 &
server=$!
for _ in $(seq 1200); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.25; done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { echo "pages bench: tidings web did not get ready" >&2; exit 1; }
printf '  (archive written, imported, indexed and served in %.0f s)\n' "$(echo "$(date +%s.%N) - $started" | bc)"

# The pages, and the same HTML as nginx's files.
base="http://127.0.0.1:$port"
story=$(curl -sf "$base/" | grep -o 'href="/stories/[0-9]*"' | head -n1 | grep -o '[0-9]*')
article=$(curl -sf "$base/stories/$story" | grep -o 'href="/articles/[0-9]*"' | head -n1 | grep -o '[0-9]*')
word=$(curl -sf "$base/articles/$article" | sed -n 's/.*<h1>\([A-Za-z]*\).*/\1/p' | head -n1 | tr 'A-Z' 'a-z')
declare -A paths=([front]="/" [story]="/stories/$story" [article]="/articles/$article" [search]="/search?q=$word")
mkdir -p "$tmp/www"
# nginx's workers drop root's rights: they must be able to read the files.
chmod a+rx "$tmp" "$tmp/www"
for page in front story article search; do
  curl -sf "$base${paths[$page]}" > "$tmp/www/$page.html"
  chmod a+r "$tmp/www/$page.html"
done
nport=$(free_port)
cat > "$tmp/nginx.conf" <<CONF
worker_processes auto;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  gzip on; gzip_comp_level 1;
  server { listen 127.0.0.1:$nport; root $tmp/www; default_type text/html; }
}
CONF
nginx -c "$tmp/nginx.conf" -p "$tmp" -g 'daemon off;' &
nginx_pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$nport/front.html" >/dev/null && break; sleep 0.1; done

# load URL [HEADER]: "req/s p50 p99" of wrk on URL.
load() {
  local extra=()
  [ -z "${2:-}" ] || extra=(-H "$2")
  # Three seconds of the same load first, not counted: the rows are the steady state. (A search
  # asked first in the seconds after the server starts, on caches still cold, had a p99 of 77 ms
  # for its first ten seconds and 2 ms after.)
  wrk -t2 -c"$clients" -d3s -H 'Accept-Encoding: gzip' "${extra[@]}" "$1" > /dev/null
  wrk -t2 -c"$clients" -d"${seconds}s" --latency -H 'Accept-Encoding: gzip' "${extra[@]}" "$1" > "$tmp/wrk.out"
  if grep -q 'Non-2xx' "$tmp/wrk.out"; then echo "pages bench: $1 answered errors" >&2; cat "$tmp/wrk.out" >&2; exit 1; fi
  echo "$(awk '/^Requests\/sec/ { print $2 }' "$tmp/wrk.out") $(ms "$(awk '$1 == "50%" { print $2 }' "$tmp/wrk.out")") $(ms "$(awk '$1 == "99%" { print $2 }' "$tmp/wrk.out")")"
}

printf '  %-36s %9s %7s %7s   %9s %7s   %s\n' page "req/s" "p50 ms" "p99 ms" "nginx r/s" "p99 ms" "share"
row() { # row NAME PAGE [HEADER]
  local t n
  read -r -a t <<< "$(load "$base${paths[$2]}" "${3:-}")"
  read -r -a n <<< "$(load "http://127.0.0.1:$nport/$2.html")"
  printf '  %-36s %9.0f %7s %7s   %9.0f %7s   %4.0f%%\n' "$1" "${t[0]}" "${t[1]}" "${t[2]}" "${n[0]}" "${n[2]}" \
    "$(echo "100 * ${t[0]} / ${n[0]}" | bc -l)"
}
row "front page (shared)" front
row "story page (shared)" story
row "search (shared)" search
row "article page (per reader)" article
row "front page (rendered per request)" front "Cookie: tidings_session=bench"
row "story page (rendered per request)" story "Cookie: tidings_session=bench"
row "search (rendered per request)" search "Cookie: tidings_session=bench"
size=$(curl -s -H 'Accept-Encoding: gzip' "$base/" | wc -c)
plain=$(wc -c < "$tmp/www/front.html")
printf '  front page: %d bytes, %d compressed (goal < 60 KB)\n' "$plain" "$size"
