#!/usr/bin/env bash
# Search on a generated archive of 1,000,000 articles (TIDINGS_BENCH_ARTICLES to change it):
# indexing throughput, index size and peak memory, then p50/p95/p99 latency on one core of
# one-word, three-word, phrase, filtered and grouped-by-story queries; and in the same run the
# naive peer, SQL `LIKE` through the sqlite3 shell on the first 100,000 articles with the same
# questions (and SQLite FTS5 on that subset, the other engine measured).
source "$(dirname "$0")/lib.sh"
command -v sqlite3 >/dev/null || { echo "search bench: needs the sqlite3 shell (apt-get install sqlite3)" >&2; exit 1; }

TIDINGS_BENCH_DIR="$tmp" taskset -c 0 cargo bench -q -p tidings-search --bench archive 2>/dev/null \
  | sed 's/^/tidings: /'

sqlite3 "$tmp/peer.db" < "$tmp/load.sql"
n=$(sqlite3 "$tmp/peer.db" 'SELECT COUNT(*) FROM articles')

# percentiles FILE: "p50 … p95 … p99 …" of the sqlite3 shell's "Run Time: real S" lines.
percentiles() {
  grep -o 'real [0-9.]*' "$1" | awk '{print $2*1000}' | sort -n | awk '
    { t[NR] = $1 }
    END {
          p50 = t[int((NR-1)*0.50+0.5)+1]; p95 = t[int((NR-1)*0.95+0.5)+1]; p99 = t[int((NR-1)*0.99+0.5)+1];
          printf "p50 %8.2f ms  p95 %8.2f ms  p99 %8.2f ms  (%d queries)\n", p50, p95, p99, NR }'
}

echo "peer: SQLite LIKE (as FreshRSS searches), $n articles, newest 20 matches:"
for kind in one_word three_words phrase filtered grouped_by_story; do
  taskset -c 0 sqlite3 "$tmp/peer.db" < "$tmp/like_$kind.sql" 2> /dev/null > "$tmp/like_$kind.out" || true
  printf '  %-17s %s\n' "${kind//_/ }" "$(percentiles "$tmp/like_$kind.out")"
done

# FTS5 on the same subset: the same words as MATCH, ranked by its bm25.
sqlite3 "$tmp/peer.db" "CREATE VIRTUAL TABLE fts USING fts5(title, content_text, content='articles', content_rowid='id');
  INSERT INTO fts(fts) VALUES ('rebuild');"
echo "peer: SQLite FTS5 (bm25), $n articles, best 20 matches:"
for kind in one_word three_words phrase filtered grouped_by_story; do
  python3 - "$tmp/like_$kind.sql" > "$tmp/fts_$kind.sql" <<'PY'
import re, sys
print(".timer on\n.output /dev/null")
for line in open(sys.argv[1]):
    if not line.startswith("SELECT"):
        continue
    terms = re.findall(r"title LIKE '%(.*?)%'", line)
    match = " ".join('"%s"' % t.replace("''", "'").replace('"', '""').replace("'", "''") for t in terms)
    extra = "".join(" AND a." + c for c in re.findall(r"(outlet_id = \d+|sort_at >= \d+ AND sort_at < \d+)", line))
    print(f"SELECT a.id, a.title, a.story_id FROM fts JOIN articles a ON a.id = fts.rowid WHERE fts MATCH '{match}'{extra} ORDER BY rank LIMIT 20;")
PY
  taskset -c 0 sqlite3 "$tmp/peer.db" < "$tmp/fts_$kind.sql" 2> /dev/null > "$tmp/fts_$kind.out" || true
  printf '  %-17s %s\n' "${kind//_/ }" "$(percentiles "$tmp/fts_$kind.out")"
done
echo "peer database: $(du -m "$tmp/peer.db" | cut -f1) MiB with FTS5"
