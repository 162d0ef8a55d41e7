//! Stories across restarts: the clustering state is rebuilt from the store, not lost.

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
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
