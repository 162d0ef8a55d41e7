//! Search on a generated archive (`TIDINGS_BENCH_ARTICLES`, default 1,000,000 articles):
//! indexing throughput, index size, latency percentiles of five kinds of query on one core,
//! peak memory; and, for the naive peer, SQL files that `bench/search.sh` runs through the
//! `sqlite3` shell on the first `TIDINGS_BENCH_PEER_ARTICLES` (default 100,000) articles with
//! the same queries.
//!
//! The archive recombines the demo corpus (`crates/demo/data/articles.txt`, written for
//! Tidings): each article is one of its twelve events told again from its sentences, with names
//! and places drawn from 200,000 made-up words by a Zipf law (so the vocabulary has the long
//! tail of real news), in stories of one to forty reports from 300 outlets over three years.
//! Run with `bench/search.sh`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // a bench reports and stops

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use tidings_core::{ArticleId, OutletId, StoryId};
use tidings_search::{COUNTED, Filters, SearchDoc, SearchIndex, SearchRequest, Sort};

const CORPUS: &str = include_str!("../../demo/data/articles.txt");
const NAMES: usize = 200_000;
const OUTLETS: u64 = 300;
const QUERIES: usize = 300;
const PEER_QUERIES: usize = 20;

/// xorshift64*: the archive is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Zipf-like rank in 0..n (exponent ~1), by inverting the continuous law.
    fn zipf(&mut self, n: usize) -> usize {
        let u = self.unit();
        (((n as f64).powf(u)) as usize).saturating_sub(1).min(n - 1)
    }
}

struct Event {
    titles: Vec<String>,
    sentences: Vec<String>,
    authors: Vec<String>,
}

fn events() -> Vec<Event> {
    let mut events: Vec<Event> = Vec::new();
    for line in CORPUS.lines() {
        if line.starts_with("## ") {
            events.push(Event { titles: vec![], sentences: vec![], authors: vec![] });
        } else if let Some(head) = line.strip_prefix("@ ") {
            let e = events.last_mut().unwrap();
            let fields: Vec<&str> = head.split(" | ").collect();
            e.authors.push(fields[2].to_string());
            e.titles.push(fields[3].to_string());
        } else if !line.starts_with('#') && !line.trim().is_empty() {
            let e = events.last_mut().unwrap();
            for s in line.split_inclusive(". ") {
                e.sentences.push(s.trim().to_string());
            }
        }
    }
    events
}

/// Made-up proper names: syllables, so that they read as words and stem as words.
fn names() -> Vec<String> {
    const SYL: [&str; 24] = [
        "ka", "lor", "ven", "mi", "tar", "do", "sel", "ru", "bran", "ta", "quel", "os", "ni", "var", "el", "so", "dun",
        "pe", "gra", "li", "mor", "ax", "bel", "ith",
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    (0..NAMES)
        .map(|_| {
            let n = 2 + rng.below(2);
            let mut w: String = (0..n).map(|_| SYL[rng.below(SYL.len())]).collect();
            w[..1].make_ascii_uppercase();
            w
        })
        .collect()
}

/// The first articles, kept for drawing queries and for the peer (the rest are indexed and
/// dropped as they are made, so that memory is the index's).
struct Archive {
    docs: Vec<SearchDoc>,
}

/// Makes `n` articles, handing each to `sink`.
fn generate(n: usize, sink: &mut dyn FnMut(SearchDoc)) {
    let events = events();
    let names = names();
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let start = Timestamp::from_second(1_700_000_000).unwrap();
    let span_secs = 3 * 365 * 86_400i64;
    let mut made = 0usize;
    let mut story_id = 0i64;
    while made < n {
        // A story: an event, its own names, one to forty reports over a few days.
        story_id += 1;
        let event = &events[rng.below(events.len())];
        let cast: Vec<&str> = (0..4).map(|_| names[rng.zipf(NAMES)].as_str()).collect();
        let size = 1 + rng.zipf(40);
        let begins = (made as i64 * span_secs) / n as i64;
        for _ in 0..size.min(n - made) {
            made += 1;
            let id = made as i64;
            let mut title = event.titles[rng.below(event.titles.len())].clone();
            title = format!("{} {title}", cast[0]);
            let mut text = String::new();
            for p in 0..(3 + rng.below(5)) {
                if p > 0 {
                    text.push_str("\n\n");
                }
                for _ in 0..(2 + rng.below(3)) {
                    let sentence = &event.sentences[rng.below(event.sentences.len())];
                    for word in sentence.split(' ') {
                        // Capitalised words mid-sentence are names and places: recast them.
                        let recast = word.chars().next().is_some_and(char::is_uppercase) && rng.below(3) > 0;
                        if recast {
                            let name =
                                if rng.below(2) == 0 { cast[rng.below(cast.len())] } else { &names[rng.zipf(NAMES)] };
                            text.push_str(name);
                        } else {
                            text.push_str(word);
                        }
                        text.push(' ');
                    }
                }
            }
            let outlet = rng.zipf(OUTLETS as usize) as i64 + 1;
            let time = start + jiff::SignedDuration::from_secs(begins + rng.below(4 * 86_400) as i64);
            sink(SearchDoc {
                id: ArticleId(id),
                story: (size > 1).then_some(StoryId(story_id)),
                outlet: OutletId(outlet),
                outlet_name: format!("Outlet {outlet}"),
                category: Some(["World", "Business", "Science", "Sport"][outlet as usize % 4].to_string()),
                title,
                text,
                authors: vec![event.authors[rng.below(event.authors.len())].clone()],
                lang: Some("en".to_string()),
                time,
            });
        }
    }
}

fn words_of(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| w.len() > 3).collect()
}

/// The five kinds of query, drawn from the archive as readers would ask them.
fn queries(archive: &Archive, peer: usize) -> Vec<(&'static str, Vec<SearchRequest>)> {
    let mut rng = Rng(0x1234_5678_9ABC_DEF1);
    let docs = &archive.docs;
    let mut pick = |from: usize| &docs[rng.below(from)];
    let req = |q: String| SearchRequest { query: q, ..SearchRequest::default() };
    let mut one = Vec::new();
    let mut three = Vec::new();
    let mut phrase = Vec::new();
    let mut filtered = Vec::new();
    let mut grouped = Vec::new();
    // Drawn from the peer's subset, so that both answer the same questions.
    for i in 0..QUERIES {
        let d = pick(peer);
        let w = words_of(&d.text);
        if w.len() < 4 {
            continue;
        }
        let k = i % (w.len() - 3);
        one.push(req(w[k].to_lowercase()));
        three.push(req(format!("{} {} {}", w[k], w[(k + 7) % w.len()], w[(k + 13) % w.len()]).to_lowercase()));
        let sentence_words: Vec<&str> = d.text.split_whitespace().collect();
        let at = k % (sentence_words.len() - 1);
        phrase.push(req(format!("\"{} {}\"", sentence_words[at], sentence_words[at + 1])));
        filtered.push(SearchRequest {
            query: w[(k + 3) % w.len()].to_lowercase(),
            filters: Filters {
                outlet: Some(d.outlet),
                from: Some(d.time - jiff::SignedDuration::from_hours(24 * 180)),
                until: Some(d.time + jiff::SignedDuration::from_hours(24 * 180)),
                ..Filters::default()
            },
            sort: Sort::Newest,
        });
        // A story's name, in its headline: many reports of one story match.
        grouped.push(req(d.title.split(' ').next().unwrap_or("bridge").to_lowercase()));
    }
    vec![
        ("one word", one),
        ("three words", three),
        ("phrase", phrase),
        ("filtered", filtered),
        ("grouped by story", grouped),
    ]
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1e3
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum()
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

/// SQL for the naive peer: the subset as a table, and each kind's queries as `LIKE` scans.
fn write_peer(archive: &Archive, kinds: &[(&'static str, Vec<SearchRequest>)], peer: usize, out: &Path) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(out.join("load.sql")).unwrap());
    writeln!(f, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN;").unwrap();
    writeln!(f, "CREATE TABLE articles (id INTEGER PRIMARY KEY, outlet_id INTEGER, story_id INTEGER, sort_at INTEGER, title TEXT, content_text TEXT);").unwrap();
    writeln!(f, "CREATE INDEX articles_sort ON articles(sort_at);").unwrap();
    let q = |s: &str| s.replace('\'', "''");
    for d in &archive.docs[..peer] {
        writeln!(
            f,
            "INSERT INTO articles VALUES ({}, {}, {}, {}, '{}', '{}');",
            d.id.0,
            d.outlet.0,
            d.story.map_or("NULL".to_string(), |s| s.0.to_string()),
            d.time.as_microsecond(),
            q(&d.title),
            q(&d.text)
        )
        .unwrap();
    }
    writeln!(f, "COMMIT;").unwrap();
    for (kind, requests) in kinds {
        let mut sql = String::from(".timer on\n.output /dev/null\n");
        for r in requests.iter().take(PEER_QUERIES) {
            let mut conds = Vec::new();
            let mut rest = r.query.as_str();
            while !rest.is_empty() {
                rest = rest.trim_start();
                let (term, after) = if let Some(inside) = rest.strip_prefix('"') {
                    let end = inside.find('"').unwrap_or(inside.len());
                    (&inside[..end], inside.get(end + 1..).unwrap_or(""))
                } else {
                    let end = rest.find(' ').unwrap_or(rest.len());
                    (&rest[..end], &rest[end..])
                };
                if !term.is_empty() {
                    conds.push(format!("(title LIKE '%{0}%' OR content_text LIKE '%{0}%')", q(term)));
                }
                rest = after;
            }
            if let Some(o) = r.filters.outlet {
                conds.push(format!("outlet_id = {}", o.0));
            }
            if let (Some(a), Some(b)) = (r.filters.from, r.filters.until) {
                conds.push(format!("sort_at >= {} AND sort_at < {}", a.as_microsecond(), b.as_microsecond()));
            }
            let _ = writeln!(
                sql,
                "SELECT id, title, story_id FROM articles WHERE {} ORDER BY sort_at DESC LIMIT 20;",
                conds.join(" AND ")
            );
        }
        let name = kind.replace(' ', "_");
        std::fs::write(out.join(format!("like_{name}.sql")), sql).unwrap();
    }
}

fn main() {
    let n: usize = std::env::var("TIDINGS_BENCH_ARTICLES").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let peer: usize =
        std::env::var("TIDINGS_BENCH_PEER_ARTICLES").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000).min(n);
    let Ok(work) = std::env::var("TIDINGS_BENCH_DIR") else {
        println!("search bench: set TIDINGS_BENCH_DIR to an empty folder (bench/search.sh does)");
        return;
    };
    let work = Path::new(&work);
    let dir = work.join("index");
    let index = SearchIndex::open(&dir).unwrap();
    let mut writer = index.indexer(256 * 1024 * 1024, 1).unwrap();
    let mut archive = Archive { docs: Vec::with_capacity(peer) };
    let (mut words, mut stories) = (0usize, std::collections::HashSet::new());
    let mut generating = Duration::ZERO;
    let mut mark = Instant::now();
    let started = Instant::now();
    generate(n, &mut |d| {
        generating += mark.elapsed();
        words += d.text.split_whitespace().count();
        stories.extend(d.story);
        writer.add(&d).unwrap();
        if archive.docs.len() < peer {
            archive.docs.push(d);
        }
        mark = Instant::now();
    });
    writer.commit(n as i64).unwrap();
    let took = started.elapsed().as_secs_f64() - generating.as_secs_f64();
    println!(
        "archive: {n} articles ({:.0} words each on average, {} stories of 2+ reports, {OUTLETS} outlets), generated in {:.1} s",
        words as f64 / n as f64,
        stories.len(),
        generating.as_secs_f64()
    );
    println!(
        "indexing: {:.0} articles/s ({n} in {took:.1} s besides generating them, one indexing thread, committed); index on disk {:.0} MiB ({:.0} bytes per article, text stored for snippets)",
        n as f64 / took,
        dir_size(&dir) as f64 / 1_048_576.0,
        dir_size(&dir) as f64 / n as f64
    );
    println!(
        "peak memory while indexing (the first {peer} articles kept for the queries and the peer): {:.0} MiB",
        peak_rss_mib()
    );
    drop(writer);
    index.refresh().unwrap();
    // Resets the peak (Linux), so the next figure is the searching process's own.
    let _ = std::fs::write("/proc/self/clear_refs", "5");

    let kinds = queries(&archive, peer);
    write_peer(&archive, &kinds, peer, work);
    println!(
        "tidings (tantivy), {n} articles, one core; each query ranked, grouped by story, first page of 20 with snippets:"
    );
    for (kind, requests) in &kinds {
        // Warm the page cache and the searcher as a running site would be.
        for r in requests.iter().take(20) {
            let c = index.search(r).unwrap();
            c.page(&|c| Some(c.story), 1, 20).unwrap();
        }
        let mut times = Vec::with_capacity(requests.len());
        let mut matches = 0usize;
        for r in requests {
            let t = Instant::now();
            let c = index.search(r).unwrap();
            let page = c.page(&|c| Some(c.story), 1, 20).unwrap();
            times.push(t.elapsed());
            matches += page.matches.counted();
        }
        times.sort_unstable();
        println!(
            "  {kind:<17} p50 {:6.2} ms  p95 {:6.2} ms  p99 {:6.2} ms  ({} queries, {:.0} matches on average, each counted up to {COUNTED})",
            percentile(&times, 0.5),
            percentile(&times, 0.95),
            percentile(&times, 0.99),
            times.len(),
            matches as f64 / times.len() as f64
        );
    }
    println!("peak memory while searching: {:.0} MiB", peak_rss_mib());
}
