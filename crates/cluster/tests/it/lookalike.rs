//! Several fires, shootings and crashes on one day in different towns, each told by two to
//! four outlets in their own words, and one event told in very different words: every report
//! must land with exactly the reports of its own incident.

use std::collections::HashMap;

use tidings_cluster::{Report, Stories, StoryRules};

struct Row {
    id: String,
    time: jiff::Timestamp,
    title: String,
    text: String,
    story: String,
}

fn rows(jsonl: &str) -> Vec<Row> {
    jsonl
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("fixture line is JSON");
            let s = |k: &str| v[k].as_str().expect("fixture field").to_owned();
            Row {
                id: s("id"),
                time: s("time").parse().expect("fixture time"),
                title: s("title"),
                text: s("text"),
                story: s("story"),
            }
        })
        .collect()
}

/// Runs the stream and returns, per report id, the story it ended in (after merges).
fn cluster(rows: &[Row], rules: StoryRules) -> HashMap<String, i64> {
    let mut stories = Stories::new(rules);
    let mut placed = Vec::new();
    let mut merged_into = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        let p = stories.place(Report { time: r.time, title: &r.title, text: &r.text }, i as i64);
        for gone in p.merged {
            merged_into.insert(gone, p.story);
        }
        merged_into.extend(p.regrouped);
        placed.push(p.story);
    }
    rows.iter()
        .zip(placed)
        .map(|(r, mut s)| {
            while let Some(n) = merged_into.get(&s) {
                s = *n;
            }
            (r.id.clone(), s)
        })
        .collect()
}

fn assert_as_written(rows: &[Row], got: &HashMap<String, i64>) {
    for a in rows {
        for b in rows {
            let same = got[&a.id] == got[&b.id];
            assert_eq!(
                same,
                a.story == b.story,
                "{} and {} should {}be one story",
                a.id,
                b.id,
                if same { "not " } else { "" }
            );
        }
    }
}

#[test]
fn lookalike_incidents_on_one_day_stay_apart_and_each_comes_together() {
    let rows = rows(include_str!("fixtures/lookalike_one_day.jsonl"));
    assert_as_written(&rows, &cluster(&rows, StoryRules::default()));
}

#[test]
fn lookalike_fixture_holds_across_nearby_thresholds() {
    // A rule that only works at one exact threshold fits the fixture, not news.
    let rows = rows(include_str!("fixtures/lookalike_one_day.jsonl"));
    for t in [0.10, 0.125, 0.15, 0.175, 0.20] {
        let rules = StoryRules { min_similarity: t, ..StoryRules::default() };
        assert_as_written(&rows, &cluster(&rows, rules));
    }
}
