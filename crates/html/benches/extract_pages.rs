//! Extraction speed on one core over every `*.html` in `TIDINGS_BENCH_PAGES`, beside
//! dom_smoothie alone (the Readability port our extractor builds on), measured in the same run.
//!
//! Run with `bench/extraction.sh`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // a bench reports and stops

use std::time::Instant;

fn main() {
    let Ok(dir) = std::env::var("TIDINGS_BENCH_PAGES") else {
        println!("extraction speed: set TIDINGS_BENCH_PAGES to a folder of pages (bench/extraction.sh does)");
        return;
    };
    let mut pages: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    pages.sort();
    let url = url::Url::parse("https://page.invalid/").unwrap();
    // Rounds alternate between the two so both meet the same host noise; the median round
    // is reported.
    let rounds = 7;
    let (mut ours, mut smoothie) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let started = Instant::now();
        for p in &pages {
            let _ = std::hint::black_box(tidings_html::extract_article(p, &url, None));
        }
        ours.push(pages.len() as f64 / started.elapsed().as_secs_f64());
        let started = Instant::now();
        for p in &pages {
            let text = String::from_utf8_lossy(p);
            if let Ok(mut r) = dom_smoothie::Readability::new(text.as_ref(), Some(url.as_str()), None) {
                let _ = std::hint::black_box(r.parse());
            }
        }
        smoothie.push(pages.len() as f64 / started.elapsed().as_secs_f64());
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "extraction speed: tidings {:.0} pages/s, dom_smoothie alone {:.0} pages/s ({} pages, median of {rounds} rounds, one core)",
        median(&mut ours),
        median(&mut smoothie),
        pages.len()
    );
}
