use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use tidings_core::ExtractionStatus;
use tidings_demo::DemoOutlets;
use tidings_engine::{Engine, EngineConfig, Subscription};
use tidings_fetch::{FetchConfig, Fetcher};
use tidings_store::Store;

#[tokio::test]
async fn demo_outlets_are_ingested_clean_and_grouped_into_stories() {
    let now = Timestamp::now();
    let demo = DemoOutlets::start(now).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let engine = crate::local_engine(&dir).await;
    for (name, url) in demo.feed_urls() {
        engine
            .subscribe(&Subscription { url, name: Some(name), category: None, ..Default::default() }, now)
            .await
            .unwrap();
    }
    let round = engine.run_round(now, true, &|_| {}).await.unwrap();
    assert_eq!(round.outlets_failed(), Vec::<(&str, &str)>::new());
    assert_eq!(round.articles_new(), 60);

    let store = engine.store();
    let articles = store.latest_articles(100).await.unwrap();
    for a in &articles {
        assert_eq!(a.extraction, ExtractionStatus::Extracted, "{}: {:?}", a.title, a.extraction_note);
        for chrome in [
            "Leave a Reply",
            "You May Also Like",
            "cookies",
            "Share on",
            "newsletter",
            "Flash top headlines",
            "reader-funded",
            "Post Comment",
        ] {
            assert!(!a.content_text.contains(chrome), "{chrome:?} leaked into {:?}: {}", a.title, a.content_text);
        }
        assert!(!a.authors.is_empty(), "{} has no author", a.title);
        // The demo's pages claim canonical addresses on other hosts (https://<outlet>.example/):
        // a page may not claim another site's address, so the served one is kept.
        let served = format!("http://{}/", demo.addr);
        assert!(a.canonical_url.starts_with(&served), "{} is not on {served}", a.canonical_url);
    }

    // Stories: the demo's twelve events, each covered by five outlets.
    let catalog = tidings_demo::catalog().unwrap();
    let event_of: HashMap<&str, &str> = catalog.articles.iter().map(|a| (a.title.as_str(), a.event.as_str())).collect();
    let mut story_events: HashMap<i64, HashSet<&str>> = HashMap::new();
    for a in &articles {
        if let Some(s) = a.story_id {
            story_events.entry(s.0).or_default().insert(event_of[a.title.as_str()]);
        }
    }
    assert!(story_events.values().all(|e| e.len() == 1), "a story mixes events: {story_events:?}");
    // Regression: concurrent feeds once left stories holding a single article.
    let mut sizes: HashMap<i64, usize> = HashMap::new();
    for a in &articles {
        if let Some(s) = a.story_id {
            *sizes.entry(s.0).or_default() += 1;
        }
    }
    assert!(sizes.values().all(|n| *n >= 2), "one-article stories: {sizes:?}");
    let grouped = articles.iter().filter(|a| a.story_id.is_some()).count();
    assert_eq!(grouped, 60, "articles left out of their event's story");
    assert_eq!(story_events.len(), 12, "events split into several stories: {story_events:?}");

    // The round hands its batches over to clustering and goes on fetching; it still ends with
    // every article placed and every feed's fetch recorded (the record waits for the placing).
    assert_eq!(store.last_placed().await.unwrap(), 60, "the round ended before its articles were placed");
    assert!(store.unplaced_orphans(Timestamp::MAX, 100).await.unwrap().is_empty());
    assert!(store.lease_holders().await.unwrap().is_empty(), "a feed is still leased after its round");
    for h in store.outlets().await.unwrap() {
        assert!(h.feed.last_fetch_at.is_some(), "{}: its fetch was not recorded", h.outlet.name);
    }

    // A second round stores nothing twice.
    let again = engine.run_round(now, true, &|_| {}).await.unwrap();
    assert_eq!(again.articles_new(), 0);
    assert_eq!(store.counts().await.unwrap().1, 60);
}

#[tokio::test]
async fn site_url_subscription_discovers_the_advertised_feed() {
    let now = Timestamp::now();
    let demo = DemoOutlets::start(now).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let engine = crate::local_engine(&dir).await;
    let added = engine
        .subscribe(&Subscription { url: demo.home_url("civic-signal"), ..Default::default() }, now)
        .await
        .unwrap();
    assert_eq!(added.outlet.name, "Civic Signal");
    assert!(added.feed.url.ends_with("/civic-signal/atom.xml"), "{}", added.feed.url);
}

#[tokio::test]
async fn loopback_outlet_is_refused_without_the_private_network_setting() {
    let now = Timestamp::now();
    let demo = DemoOutlets::start(now).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite://{}", dir.path().join("t.db").display())).await.unwrap();
    let engine = Engine::new(store, Fetcher::new(FetchConfig::default()).unwrap(), EngineConfig::default());
    let (_, url) = demo.feed_urls().remove(0);
    let err = engine.subscribe(&Subscription { url, ..Default::default() }, now).await.unwrap_err().to_string();
    assert!(err.contains("refused") && err.contains("loopback"), "{err}");
}

#[tokio::test]
async fn an_outlet_set_to_feed_text_only_fetches_no_pages_until_turned_back_on() {
    let now = Timestamp::now();
    let demo = DemoOutlets::start(now).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let engine = crate::local_engine(&dir).await;
    let (name, url) = demo.feed_urls().remove(0);
    let sub = Subscription { url, name: Some(name), feed_text_only: true, ..Default::default() };
    let outlet = engine.subscribe(&sub, now).await.unwrap();
    assert!(!outlet.outlet.full_text);
    engine.run_round(now, true, &|_| {}).await.unwrap();
    let stored = engine.store().outlet_articles(outlet.outlet.id, 20).await.unwrap();
    assert_eq!(stored.len(), 10);
    assert!(stored.iter().all(|a| a.extraction == ExtractionStatus::FeedOnly), "a page was fetched");
    engine.store().set_full_text(outlet.outlet.id, true).await.unwrap();
    assert!(engine.store().outlet(outlet.outlet.id).await.unwrap().outlet.full_text);
}
