//! Cost of one story decision and memory per open story, as the number of open stories grows
//! to 100,000. Run with `cargo bench -p tidings-cluster --bench open_stories`.
//!
//! Every synthetic report is its own event: eight words of its own (a name, a place) among
//! twenty from a shared pool of 400 common words, all on the same day, so no story closes and
//! every common word's index entry is full.

use std::time::Instant;

use jiff::Timestamp;
use tidings_cluster::{Report, Stories, StoryRules};

/// A pronounceable made-up word for `n` (letters only, so it is read as a word).
fn word(mut n: usize, capital: bool) -> String {
    const SYLLABLES: [&str; 16] =
        ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ba", "de", "fu", "go", "hi", "ja", "po", "ze"];
    let mut w = String::new();
    loop {
        w.push_str(SYLLABLES[n % 16]);
        n /= 16;
        if n == 0 {
            break;
        }
    }
    w.push_str("th");
    if capital { w[..1].to_uppercase() + &w[1..] } else { w }
}

fn report(i: usize) -> (String, String) {
    let own: Vec<String> = (0..8).map(|k| word(1_000 + i * 8 + k, true)).collect();
    let mut text = String::new();
    for k in 0..20 {
        text.push_str("the ");
        text.push_str(&word((i * 7 + k * 13) % 400, false));
        text.push(' ');
        text.push_str(&own[k % 8]);
        text.push_str(" and ");
    }
    (format!("{} {} {}", own[0], own[1], word(i % 400, false)), text)
}

fn resident_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let time = Timestamp::UNIX_EPOCH;
    let reports: Vec<(String, String)> = (0..101_000).map(report).collect();
    let mut stories = Stories::new(StoryRules::default());
    let before = resident_kib();
    let mut done = 0;
    println!("open stories   µs per decision (next 1,000)   memory");
    for target in [1_000, 10_000, 100_000] {
        for (title, text) in &reports[done..target] {
            stories.place(Report { time, title, text }, done as i64);
            done += 1;
        }
        let memory = match (before, resident_kib()) {
            (Some(b), Some(a)) => format!(
                "{:.0} bytes per open story (resident)",
                (a.saturating_sub(b) * 1024) as f64 / stories.open_stories() as f64
            ),
            _ => "unknown (no /proc)".to_owned(),
        };
        // Measured on a copy, so the next step starts again from `target` open stories.
        let mut probe = stories.clone();
        let start_probe = Instant::now();
        for (i, (title, text)) in reports[target..target + 1_000].iter().enumerate() {
            probe.place(Report { time, title, text }, (target + i) as i64);
        }
        let per = start_probe.elapsed().as_secs_f64() * 1e6 / 1_000.0;
        drop(probe);
        println!("{:>12}   {per:>10.1}                      {memory}", stories.open_stories());
    }
}
