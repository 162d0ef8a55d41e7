#!/usr/bin/env bash
# Reader API throughput: 100,000 articles, 50 concurrent clients on loopback, each paging
# through Google Reader stream contents (n=100, following continuations) and Fever items
# (since_id, 50 a call) for a fixed time. Prints requests/s and latency percentiles of each.
#
#   bench/readers.sh [ARTICLES] [CLIENTS] [SECONDS]
#
# TIDINGS_BIN=PATH measures that binary instead of building the release one.
#
# No peer server is measured beside it: FreshRSS (PHP) and Miniflux (Go) are not installable
# from this workplace's registries, so the figures stand alone. Server and clients share the
# machine's two cores; the client is Python threads (one keep-alive connection each).
source "$(dirname "$0")/lib.sh"
articles="${1:-100000}"
clients="${2:-50}"
seconds="${3:-10}"

bin="${TIDINGS_BIN:-}"
if [ -z "$bin" ]; then
  cargo build --release --bin tidings -q
  bin="$CARGO_TARGET_DIR/release/tidings"
fi
data="$tmp/data"
mkdir -p "$data"
echo 'bench-password' | "$bin" user add bench --password-stdin --data "$data" >/dev/null
"$bin" migrate --data "$data" >/dev/null

# Outlets and articles straight into the database (the engine would need real outlets).
python3 - "$data/tidings.db" "$articles" <<'PY'
import sqlite3, sys, time
db, n = sys.argv[1], int(sys.argv[2])
con = sqlite3.connect(db)
now = int(time.time() * 1_000_000)
outlets = 50
for o in range(1, outlets + 1):
    con.execute("INSERT INTO outlets (id, name, site_url, category, full_text, created_at) VALUES (?, ?, ?, ?, 0, ?)",
                (o, f"Outlet {o}", f"https://outlet{o}.invalid/", f"Category {o % 5}", now))
    con.execute("INSERT INTO feeds (id, outlet_id, url, next_fetch_at, created_at) VALUES (?, ?, ?, ?, ?)",
                (o, o, f"https://outlet{o}.invalid/feed.xml", now + 86_400_000_000, now))
body = "<p>" + "A paragraph of a news report, as long as a typical one is. " * 12 + "</p>"
rows = ((i, 1 + i % outlets, i % outlets + 1, f"guid-{i}", f"https://outlet{1 + i % outlets}.invalid/{i}",
         f"https://outlet{1 + i % outlets}.invalid/{i}", f"Report number {i}", "Ada Byrne",
         now - (n - i) * 1_000_000, now - (n - i) * 1_000_000, now - (n - i) * 1_000_000,
         body * 3, "text", "A paragraph of a news report.", "en", "feed_only") for i in range(1, n + 1))
con.executemany("INSERT INTO articles (id, outlet_id, feed_id, guid, url, canonical_url, title, authors, published_at, "
                "fetched_at, sort_at, content_html, content_text, excerpt, lang, extraction) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
con.commit()
PY
echo 'bench-password' | "$bin" token fever bench --password-stdin --data "$data" >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" serve --data "$data" --listen "127.0.0.1:$port" --api-requests-per-minute 0 --log warn >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

python3 - "http://127.0.0.1:$port" "$clients" "$seconds" "$articles" <<'PY'
import hashlib, http.client, json, sys, threading, time, urllib.parse
base, clients, seconds, articles = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
host = urllib.parse.urlparse(base).netloc
login = http.client.HTTPConnection(host)
login.request("POST", "/api/greader.php/accounts/ClientLogin", "Email=bench&Passwd=bench-password",
              {"Content-Type": "application/x-www-form-urlencoded"})
auth = dict(l.split("=", 1) for l in login.getresponse().read().decode().split())["Auth"]
fever_key = hashlib.md5(b"bench:bench-password").hexdigest()

def greader(conn, state):
    path = "/api/greader.php/reader/api/0/stream/contents/user%2F-%2Fstate%2Fcom.google%2Freading-list?n=100"
    if state.get("c"):
        path += "&c=" + state["c"]
    conn.request("GET", path, headers={"Authorization": "GoogleLogin auth=" + auth})
    body = json.loads(conn.getresponse().read())
    assert len(body["items"]) > 0
    state["c"] = body.get("continuation")

def fever(conn, state):
    conn.request("POST", f"/api/fever.php?api&items&since_id={state.get('since', 0)}", "api_key=" + fever_key,
                 {"Content-Type": "application/x-www-form-urlencoded"})
    items = json.loads(conn.getresponse().read())["items"]
    state["since"] = items[-1]["id"] if items else 0

def run(call):
    latencies, lock = [], threading.Lock()
    stop = time.monotonic() + seconds
    def client(k):
        conn, state, mine = http.client.HTTPConnection(host), {"since": (k * 1997) % articles}, []
        while time.monotonic() < stop:
            t = time.perf_counter()
            call(conn, state)
            mine.append(time.perf_counter() - t)
        with lock:
            latencies.extend(mine)
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    start = time.monotonic()
    for t in threads: t.start()
    for t in threads: t.join()
    elapsed = time.monotonic() - start
    latencies.sort()
    pct = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000
    return len(latencies) / elapsed, pct(0.5), pct(0.99)

print(f"readers bench: {articles} articles, {clients} clients, {seconds:.0f} s each, loopback, 2 shared cores")
print(f"{'call':<46} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
for name, call in [("Google Reader stream/contents (n=100, continued)", greader),
                   ("Fever items (since_id, 50 a call)", fever)]:
    rps, p50, p99 = run(call)
    print(f"{name:<46} {rps:>8.1f} {p50:>8.1f} {p99:>8.1f}")
PY
