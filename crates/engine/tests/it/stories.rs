//! Stories across restarts: the clustering state is rebuilt from the store, not lost.

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use tidings_cluster::{Report, Stories, StoryRules};
use tidings_demo::DemoOutlets;
use tidings_engine::{Engine, EngineConfig, Subscription};

/// Subscribes to `feeds` (name, URL) and runs one round over every feed.
async fn follow_and_fetch(engine: &Engine, feeds: &[(String, String)], now: Timestamp) {
    for (name, url) in feeds {
        engine
            .subscribe(
                &Subscription { url: url.clone(), name: Some(name.clone()), category: None, ..Default::default() },
                now,
            )
            .await
            .unwrap();
    }
    engine.run_round(now, true, &|_| {}).await.unwrap();
}

#[tokio::test]
async fn a_restart_keeps_stories_and_later_reports_join_them() {
    let now = Timestamp::now();
    let demo = DemoOutlets::start(now).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let feeds = demo.feed_urls();
    let (before, after) = feeds.split_at(4);

    // Four outlets before the restart...
    let first = crate::local_engine(&dir).await;
    follow_and_fetch(&first, before, now).await;
    let stories_before = first.store().counts().await.unwrap().2;
    assert_eq!(stories_before, 12);

    // ...then a new engine on the same database (a restart) takes the other two.
    let second = Engine::new(first.store().clone(), crate::local_fetcher(), EngineConfig::default());
    drop(first);
    follow_and_fetch(&second, after, now).await;

    let store = second.store();
    assert_eq!(store.counts().await.unwrap(), (6, 60, 12), "new reports opened stories instead of joining");
    let catalog = tidings_demo::catalog().unwrap();
    let event_of: HashMap<&str, &str> = catalog.articles.iter().map(|a| (a.title.as_str(), a.event.as_str())).collect();
    let mut events: HashMap<i64, HashSet<&str>> = HashMap::new();
    for a in store.latest_articles(100).await.unwrap() {
        let story = a.story_id.expect("every demo report is in a story");
        events.entry(story.0).or_default().insert(event_of[a.title.as_str()]);
    }
    assert!(events.values().all(|e| e.len() == 1), "a story mixes events: {events:?}");
}

/// Clusters the demo's reports with the engine's rules, the outlets' feeds interleaved in
/// `orders` different ways (each outlet's reports oldest first, the next outlet drawn from a
/// fixed-seed generator), and returns per order the events each story holds.
fn demo_stories_in_random_outlet_orders(orders: u64) -> Vec<Vec<HashSet<String>>> {
    let catalog = tidings_demo::catalog().unwrap();
    let now = Timestamp::from_second(1_790_000_000).unwrap();
    let mut by_outlet: Vec<Vec<&tidings_demo::DemoArticle>> = Vec::new();
    for outlet in &catalog.outlets {
        let mut own: Vec<_> = catalog.articles.iter().filter(|a| a.outlet == outlet.slug).collect();
        own.sort_by_key(|a| std::cmp::Reverse(a.hours_ago));
        by_outlet.push(own);
    }
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..orders)
        .map(|_| {
            let mut queues: Vec<std::collections::VecDeque<_>> = by_outlet.iter().map(|v| v.iter().collect()).collect();
            let mut stories = Stories::new(StoryRules::default());
            let mut events: HashMap<i64, HashSet<String>> = HashMap::new();
            let mut key = 0;
            while queues.iter().any(|q| !q.is_empty()) {
                // xorshift64: the same orders on every run and platform.
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let live: Vec<usize> = (0..queues.len()).filter(|i| !queues[*i].is_empty()).collect();
                let a = queues[live[(seed % live.len() as u64) as usize]].pop_front().unwrap();
                key += 1;
                let text = a.paragraphs.join("\n\n");
                let report = Report { time: a.published(now), title: &a.title, text: &text };
                let placed = stories.place(report, key);
                for gone in &placed.merged {
                    let moved = events.remove(gone).unwrap_or_default();
                    events.entry(placed.story).or_default().extend(moved);
                }
                events.entry(placed.story).or_default().insert(a.event.clone());
                for (gone, into) in &placed.regrouped {
                    let moved = events.remove(gone).unwrap_or_default();
                    events.entry(*into).or_default().extend(moved);
                }
            }
            events.into_values().collect()
        })
        .collect()
}

#[test]
fn no_order_of_the_demo_outlets_mixes_two_events_in_one_story() {
    let runs = demo_stories_in_random_outlet_orders(40);
    let mixed = runs.iter().filter(|stories| stories.iter().any(|events| events.len() > 1)).count();
    assert_eq!(mixed, 0, "{mixed} of 40 outlet orders put two demo events in one story");
}
