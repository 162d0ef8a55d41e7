use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use jiff::{SignedDuration, Timestamp};
use tidings_engine::{Engine, Subscription};

const FEED: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Quay Courier</title><link>http://x/</link><ttl>180</ttl>
<item><title>Ferry timetable changes</title><link>/ferry</link><guid>qc-1</guid><description>The ferry timetable changes on Monday, with two extra sailings in the morning and one fewer in the evening, the operator said.</description></item>
</channel></rss>"#;

async fn setup(app: Router) -> (Engine, String, tempfile::TempDir) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let dir = tempfile::tempdir().unwrap();
    (crate::local_engine(&dir).await, format!("http://{addr}"), dir)
}

#[tokio::test]
async fn permanent_redirect_updates_the_feed_url_and_ttl_spaces_fetches() {
    let app = Router::new()
        .route("/feed.xml", get(|| async { ([(header::CONTENT_TYPE, "application/rss+xml")], FEED) }))
        .route("/old.xml", get(|| async { (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, "/feed.xml")]) }))
        .route("/ferry", get(|| async { StatusCode::NOT_FOUND }));
    let (engine, base, _dir) = setup(app).await;
    let now = Timestamp::now();
    let store = engine.store();
    let outlet = store
        .add_outlet(
            &tidings_store::NewOutlet { name: "Quay Courier".into(), site_url: None, category: None, full_text: true },
            &format!("{base}/old.xml"),
            now,
        )
        .await
        .unwrap();
    let round = engine.run_round(now, true, &|_| {}).await.unwrap();
    assert_eq!(round.articles_new(), 1);
    let h = store.outlet(outlet.outlet.id).await.unwrap();
    assert_eq!(h.feed.url, format!("{base}/feed.xml"));
    assert!(
        h.feed.next_fetch_at >= now + SignedDuration::from_hours(3) - SignedDuration::from_secs(1),
        "ttl of 180 minutes ignored: next in {}",
        h.feed.next_fetch_at - now
    );
    // The page was missing: the feed's text is shown, with the reason.
    let a = &store.latest_articles(1).await.unwrap()[0];
    assert!(a.content_text.contains("two extra sailings"), "{}", a.content_text);
    assert!(a.extraction_note.as_deref().is_some_and(|n| n.contains("404")), "{:?}", a.extraction_note);
}

#[tokio::test]
async fn retry_after_delays_the_next_fetch_and_repeated_failures_pause() {
    let app = Router::new().route(
        "/busy.xml",
        get(|| async { (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, "7200")]).into_response() }),
    );
    let (engine, base, _dir) = setup(app).await;
    let now = Timestamp::now();
    let store = engine.store();
    let new = tidings_store::NewOutlet { name: "Busy Bugle".into(), site_url: None, category: None, full_text: true };
    let outlet = store.add_outlet(&new, &format!("{base}/busy.xml"), now).await.unwrap();
    engine.run_round(now, true, &|_| {}).await.unwrap();
    let h = store.outlet(outlet.outlet.id).await.unwrap();
    assert!(
        h.feed.next_fetch_at >= now + SignedDuration::from_hours(2) - SignedDuration::from_secs(1),
        "Retry-After ignored"
    );
    assert!(
        h.feed.last_error.as_deref().is_some_and(|e| e.contains("429") && e.contains("7200 seconds")),
        "{:?}",
        h.feed.last_error
    );
    for _ in 0..9 {
        engine.run_round(now, true, &|_| {}).await.unwrap();
    }
    let h = store.outlet(outlet.outlet.id).await.unwrap();
    assert!(
        h.feed.paused_reason.as_deref().is_some_and(|p| p.contains("10 failed fetches")),
        "{:?}",
        h.feed.paused_reason
    );
    assert_eq!(engine.due_count(now + SignedDuration::from_hours(100), false).await.unwrap(), 0);
    store.resume_feed(h.feed.id, now).await.unwrap();
    assert_eq!(engine.due_count(now, false).await.unwrap(), 1);
}

#[tokio::test]
async fn subscribing_by_site_url_with_no_feed_says_what_was_tried() {
    let app = Router::new()
        .route("/", get(|| async { ([(header::CONTENT_TYPE, "text/html")], "<html><body>Hello</body></html>") }));
    let (engine, base, _dir) = setup(app).await;
    let err = engine
        .subscribe(&Subscription { url: format!("{base}/"), ..Default::default() }, Timestamp::now())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("the page advertises none"), "{err}");
}
