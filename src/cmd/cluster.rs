//! `tidings cluster`: story assignment over a file of articles, through the engine's own code.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use anyhow::Context;
use serde::Deserialize;
use tidings_cluster::{Report, Stories, StoryKey, StoryRules};

/// One input line; other fields (`source`, `lang`, a gold `story`) are ignored.
#[derive(Deserialize)]
struct Line {
    id: serde_json::Value,
    time: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    text: String,
}

/// Reads article lines in time order and prints `{"id","story"}` for each, the story being the
/// key of the first report that opened it (after merges, the surviving story).
pub(crate) fn jsonl(path: &Path, threshold: Option<f64>) -> anyhow::Result<()> {
    let file = std::fs::File::open(path).with_context(|| format!("could not open {}", path.display()))?;
    let mut rules = StoryRules::default();
    if let Some(t) = threshold {
        rules.min_similarity = t;
    }
    let mut stories = Stories::new(rules);
    let mut ids = Vec::new();
    let mut placed: Vec<StoryKey> = Vec::new();
    let mut merged_into: HashMap<StoryKey, StoryKey> = HashMap::new();
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("could not read {}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let a: Line = serde_json::from_str(&line).with_context(|| {
            format!("{}:{}: not an article line {{\"id\",\"time\",\"title\",\"text\"}}", path.display(), n + 1)
        })?;
        let time = tidings_core::parse_date(&a.time)
            .with_context(|| format!("{}:{}: the time {:?} is not a date", path.display(), n + 1, a.time))?;
        let key = ids.len() as StoryKey;
        let placement = stories.place(Report { time, title: &a.title, text: &a.text }, key);
        for gone in placement.merged {
            merged_into.insert(gone, placement.story);
        }
        merged_into.extend(placement.regrouped);
        ids.push(a.id);
        placed.push(placement.story);
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (id, mut story) in ids.iter().zip(placed) {
        while let Some(survivor) = merged_into.get(&story) {
            story = *survivor;
        }
        let story = match &ids[story as usize] {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        serde_json::to_writer(&mut out, &serde_json::json!({ "id": id, "story": story }))?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}
