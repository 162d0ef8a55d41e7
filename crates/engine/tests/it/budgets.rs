//! One outlet never costs more than its share of a round.

use std::time::{Duration, Instant};

use jiff::Timestamp;
use tidings_core::ExtractionStatus;
use tidings_demo::DemoOutlets;
use tidings_engine::{EngineConfig, Subscription};
use tidings_store::NewOutlet;
use tidings_testkit::HostileOutlets;

#[tokio::test(flavor = "multi_thread")]
async fn a_host_asking_for_long_pauses_gets_its_budget_and_no_more_and_still_makes_progress() {
    let hostile = HostileOutlets::start().await.unwrap();
    let demo = DemoOutlets::start(Timestamp::now()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = EngineConfig { feed_budget: Duration::from_secs(2), ..EngineConfig::default() };
    let engine = crate::local_engine_with(&dir, config.clone()).await;
    let store = engine.store();
    let now = Timestamp::now();
    let slow_url = hostile.feed_urls().into_iter().find(|(n, _)| n == "crawl-delay-hour").unwrap().1;
    let slow = store
        .add_outlet(&NewOutlet { name: "Slow".into(), site_url: None, category: None, full_text: true }, &slow_url, now)
        .await
        .unwrap();
    let (name, url) = demo.feed_urls().remove(0);
    engine
        .subscribe(&Subscription { url, name: Some(name.clone()), category: None, ..Default::default() }, now)
        .await
        .unwrap();

    let started = Instant::now();
    let round = engine.run_round(now, true, &|_| {}).await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(10), "the round took {:?}", started.elapsed());
    let report = |n: &str| round.feeds.iter().find(|f| f.outlet == n).unwrap().clone();
    // The good outlet on another host is untouched by the slow one.
    assert_eq!(report(&name).result, Ok(10));
    // The slow host's pause (capped at 30 s) outlasts the budget: one entry is stored with the
    // feed's text so the outlet moves on, and the rest wait for the next round, which comes soon
    // and asks without validators.
    let slow_report = report("Slow");
    assert_eq!(slow_report.result, Ok(1), "{slow_report:?}");
    assert!(slow_report.warnings.iter().any(|w| w.contains("19 entries wait for the next round")), "{slow_report:?}");
    let h = store.outlet(slow.outlet.id).await.unwrap();
    let soon = (now + config.min_interval).as_microsecond();
    assert_eq!(h.feed.next_fetch_at.as_microsecond(), soon);
    assert_eq!(h.feed.etag, None);
    let stored = store.outlet_articles(slow.outlet.id, 10).await.unwrap();
    assert_eq!(stored[0].extraction, ExtractionStatus::FeedFallback);
    assert!(stored[0].extraction_note.as_deref().unwrap_or_default().contains("longer pauses"), "{stored:?}");

    let again = engine.run_round(now, true, &|_| {}).await.unwrap();
    assert_eq!(again.feeds.iter().find(|f| f.outlet == "Slow").unwrap().result, Ok(1));
    assert_eq!(store.outlet_articles(slow.outlet.id, 30).await.unwrap().len(), 2);
}
