//! Republished copies: an outlet that republishes another's text (wire copy, a scraper site)
//! adds a credit to the stored article, not a second article.

use axum::Router;
use axum::extract::Path;
use axum::http::header;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use jiff::Timestamp;
use tidings_engine::Subscription;

const BRIDGE: &str = "The harbour authority said on Tuesday that the swing bridge over the Ouse estuary \
    would reopen to traffic next month after two years of repairs costing eleven million pounds. Engineers \
    replaced the turning mechanism, which had jammed in the open position during the storm of March, leaving \
    drivers with a forty minute detour through the industrial estate. Local traders welcomed the news, saying \
    the closure had cut the number of visitors to the old town by a third. The authority will run a ferry \
    service until the bridge opens and warned of night closures while the road surface is finished.";

const SCHOOL: &str = "Parents in Marlow Vale have won their campaign to keep the village primary school \
    open after the county council dropped a plan to merge it with a larger school eight miles away. The \
    council's education committee voted seven to two on Monday evening to keep the school, which has \
    ninety pupils, after a consultation drew more than four hundred replies. Campaigners said the bus \
    journey would have taken the youngest children an hour each way, and the head teacher said the \
    decision meant she could finally plan the next school year with her staff and governors.";

const MUSEUM: &str = "The town museum in Marlow Vale will close for the winter so that its leaking roof \
    can be replaced, its trustees announced, with the collection of farm tools and lace moved to a store \
    in the meantime. Volunteers have spent weeks wrapping the older pieces, some of which date from the \
    seventeenth century, and the trustees hope to reopen at Easter with a new gallery on the history of \
    the river mills. A fundraising appeal has so far brought in about half of the eighty thousand pounds \
    the work will cost, and the rest is expected from a heritage grant that is still being decided.";

/// The article text `slug` of the two outlets: the scraper's first is the wire's first, under
/// its own headline and with its own sign-off.
fn body(slug: &str) -> Option<(&'static str, String)> {
    Some(match slug {
        "wire-1" => ("Swing bridge to reopen next month", BRIDGE.to_string()),
        "wire-2" => ("Village school saved", SCHOOL.to_string()),
        "scraper-1" => ("BREAKING: bridge news", format!("{BRIDGE} Copyright the Scraper Daily, all rights reserved.")),
        "scraper-2" => ("Museum shuts for the winter", MUSEUM.to_string()),
        // One feed that carries the same text twice: both arrive in one batch.
        "digest-1" => ("Swing bridge to reopen", BRIDGE.to_string()),
        "digest-2" => ("Bridge reopening: the details", format!("{BRIDGE} Updated with the ferry timetable.")),
        _ => return None,
    })
}

async fn feed(Path(outlet): Path<String>) -> impl IntoResponse {
    let outlet = outlet.trim_end_matches(".xml").to_string();
    let items: String = [1, 2]
        .iter()
        .map(|n| {
            let slug = format!("{outlet}-{n}");
            let (title, _) = body(&slug).unwrap_or_default();
            format!(
                "<item><title>{title}</title><link>/a/{slug}</link><guid>{slug}</guid>\
                 <pubDate>Mon, 30 Nov 2026 0{n}:00:00 GMT</pubDate></item>"
            )
        })
        .collect();
    (
        [(header::CONTENT_TYPE, "application/rss+xml")],
        format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{outlet}</title><link>/</link>{items}</channel></rss>"
        ),
    )
}

async fn page(Path(slug): Path<String>) -> impl IntoResponse {
    let (title, text) = body(&slug).unwrap_or_default();
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><title>{title}</title></head><body><article><h1>{title}</h1>\
         <p>{text}</p></article></body></html>"
    ))
}

/// Serves the outlets' feeds and pages on loopback; their address and a data folder.
async fn serve_outlets() -> (String, tempfile::TempDir) {
    let app = Router::new().route("/{outlet}", get(feed)).route("/a/{slug}", get(page));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, tempfile::tempdir().unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_republished_copy_is_credited_to_the_stored_article_not_stored_again() {
    let (base, dir) = serve_outlets().await;
    let engine = crate::local_engine(&dir).await;
    let store = engine.store();
    let now = Timestamp::now();
    let follow = |name: &str| Subscription {
        url: format!("{base}/{}.xml", name.to_lowercase()),
        name: Some(format!("The {name}")),
        ..Default::default()
    };

    engine.subscribe(&follow("Wire"), now).await.unwrap();
    let first = engine.run_round(now, true, &|_| {}).await.unwrap();
    assert_eq!(first.feeds[0].result, Ok(2));
    let scraper = engine.subscribe(&follow("Scraper"), now).await.unwrap();
    let second = engine.run_round(now, true, &|_| {}).await.unwrap();
    let result = |round: &tidings_engine::RoundReport| {
        round.feeds.iter().find(|f| f.outlet == "The Scraper").map(|f| f.result.clone())
    };
    assert_eq!(result(&second), Some(Ok(1)), "only the scraper's own article is new");

    let own = store.outlet_articles(scraper.outlet.id, 10).await.unwrap();
    assert_eq!(own.iter().map(|a| a.title.as_str()).collect::<Vec<_>>(), ["Museum shuts for the winter"]);
    let bridge =
        store.latest_articles(10).await.unwrap().into_iter().find(|a| a.title.contains("Swing bridge")).unwrap();
    let copies = store.copies_of(&[bridge.id]).await.unwrap();
    assert_eq!(copies.len(), 1, "{copies:?}");
    assert_eq!(copies[0].outlet_name, "The Scraper");
    assert_eq!(copies[0].url, format!("{base}/a/scraper-1"));
    assert_eq!(copies[0].title, "BREAKING: bridge news");

    // The copy's address is known now: the next round neither fetches nor credits it again.
    let third = engine.run_round(now, true, &|_| {}).await.unwrap();
    assert_eq!(result(&third), Some(Ok(0)));
    assert_eq!(store.copies_of(&[bridge.id]).await.unwrap().len(), 1);
    assert_eq!(store.latest_articles(10).await.unwrap().len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_copy_of_an_article_earlier_in_the_same_feed_is_credited_not_stored_twice() {
    let (base, dir) = serve_outlets().await;
    let engine = crate::local_engine(&dir).await;
    let now = Timestamp::now();
    let digest =
        Subscription { url: format!("{base}/digest.xml"), name: Some("The Digest".into()), ..Default::default() };
    engine.subscribe(&digest, now).await.unwrap();

    let round = engine.run_round(now, true, &|_| {}).await.unwrap();
    assert_eq!(round.feeds[0].result, Ok(1), "{round:?}");
    let stored = engine.store().latest_articles(10).await.unwrap();
    assert_eq!(stored.iter().map(|a| a.title.as_str()).collect::<Vec<_>>(), ["Swing bridge to reopen"]);
    let copies = engine.store().copies_of(&[stored[0].id]).await.unwrap();
    assert_eq!(copies.iter().map(|c| c.title.as_str()).collect::<Vec<_>>(), ["Bridge reopening: the details"]);
}
