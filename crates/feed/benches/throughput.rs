//! Feed parsing throughput on one core: parses the file named by `TIDINGS_BENCH_FEED` (the 5 MB
//! RSS from `shared/bench/feeds/tools/make_big_rss.py`) repeatedly and prints MB/s.
//!
//! Run with `bench/feeds.sh`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // a bench reports and stops

use std::time::{Duration, Instant};

fn main() {
    let Ok(path) = std::env::var("TIDINGS_BENCH_FEED") else {
        println!("feed throughput: set TIDINGS_BENCH_FEED to a feed file (bench/feeds.sh does)");
        return;
    };
    let bytes = std::fs::read(&path).unwrap();
    let first = tidings_feed::parse_feed(&bytes, None).unwrap();
    let mut runs = 0u32;
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(3) || runs < 5 {
        let feed = tidings_feed::parse_feed(std::hint::black_box(&bytes), None).unwrap();
        assert_eq!(feed.items.len(), first.items.len());
        runs += 1;
    }
    let per_run = started.elapsed().as_secs_f64() / f64::from(runs);
    println!(
        "feed throughput: {:.1} MB in {:.1} ms per parse = {:.0} MB/s ({} entries, {runs} runs, one core)",
        bytes.len() as f64 / 1e6,
        per_run * 1e3,
        bytes.len() as f64 / 1e6 / per_run,
        first.items.len()
    );
}
