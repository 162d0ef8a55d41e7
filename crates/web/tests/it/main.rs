//! The site's routes against a real SQLite store, without a socket.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic in a test is a failed assertion

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use jiff::{SignedDuration, Timestamp};
use tidings_core::{ExtractionStatus, FeedId, OutletId};
use tidings_store::{NewArticle, NewOutlet, Store};
use tower::ServiceExt;

mod comments;
mod images;

pub(crate) fn article(outlet: OutletId, feed: FeedId, n: u32, at: Timestamp) -> NewArticle {
    NewArticle {
        outlet_id: outlet,
        feed_id: Some(feed),
        guid: Some(format!("g-{n}")),
        url: format!("https://o{outlet}.example/{n}"),
        canonical_url: format!("https://o{outlet}.example/{n}"),
        title: format!("Report {n}"),
        authors: vec![],
        published_at: Some(at),
        updated_at: None,
        fetched_at: at,
        content_html: "<p>Text</p>".into(),
        content_text: "Text".into(),
        excerpt: "Text".into(),
        lang: None,
        extraction: ExtractionStatus::Extracted,
        extraction_note: None,
        copy_print: None,
        lead_image: None,
    }
}

#[tokio::test]
async fn a_merged_storys_old_link_leads_to_the_story_it_joined() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite://{}", dir.path().join("t.db").display())).await.unwrap();
    let now = Timestamp::now();
    let mut ids = Vec::new();
    for (n, name) in ["a", "b"].iter().enumerate() {
        let new = NewOutlet { name: (*name).into(), site_url: None, category: None, full_text: false };
        let o = store.add_outlet(&new, &format!("https://{name}.example/feed"), now).await.unwrap();
        for k in 0..2 {
            let at = now - SignedDuration::from_hours(i64::try_from(4 - 2 * n - k).unwrap());
            let id = store.insert_article(&article(o.outlet.id, o.feed.id, (10 * n + k) as u32, at)).await.unwrap();
            ids.push(id.unwrap());
        }
    }
    let older = store.attach_story(ids[0], ids[2], now).await.unwrap();
    let younger = store.attach_story(ids[1], ids[3], now).await.unwrap();
    store.merge_stories(younger, older, now).await.unwrap();

    let app = tidings_web::router(tidings_web::AppState::new(store.clone()));
    let get = |path: String| app.clone().oneshot(Request::get(path).body(Body::empty()).unwrap());
    let res = get(format!("/stories/{younger}")).await.unwrap();
    assert_eq!(res.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(res.headers()[header::LOCATION], format!("/stories/{older}").as_str());
    assert_eq!(get(format!("/stories/{older}")).await.unwrap().status(), StatusCode::OK);
    assert_eq!(get("/stories/999999".to_string()).await.unwrap().status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_republished_copy_is_credited_on_the_article_and_story_pages_and_the_earliest_first() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite://{}", dir.path().join("t.db").display())).await.unwrap();
    let now = Timestamp::now();
    let hours = |h: i64| now - SignedDuration::from_hours(h);
    let mut outlets = Vec::new();
    for name in ["Harbour Herald", "Wire & Co", "Scraper Daily"] {
        let new = NewOutlet { name: name.into(), site_url: None, category: None, full_text: false };
        outlets.push(store.add_outlet(&new, &format!("https://{}.example/feed", outlets.len()), now).await.unwrap());
    }
    let first =
        store.insert_article(&article(outlets[0].outlet.id, outlets[0].feed.id, 1, hours(5))).await.unwrap().unwrap();
    let second =
        store.insert_article(&article(outlets[0].outlet.id, outlets[0].feed.id, 2, hours(4))).await.unwrap().unwrap();
    let story = store.attach_story(first, second, now).await.unwrap();
    let copy = |outlet: usize, n: u32, at: i64| tidings_store::NewCopy {
        outlet_id: outlets[outlet].outlet.id,
        url: format!("https://copies.example/{n}?ref=feed"),
        canonical_url: format!("https://copies.example/{n}"),
        title: format!("Copy {n}"),
        published_at: Some(hours(at)),
        fetched_at: now,
    };
    // The wire had it an hour before the stored article; the scraper an hour after.
    assert!(store.add_copy(first, &copy(1, 1, 6)).await.unwrap());
    assert!(store.add_copy(first, &copy(2, 2, 4)).await.unwrap());

    let app = tidings_web::router(tidings_web::AppState::new(store.clone()));
    let get = |path: String| app.clone().oneshot(Request::get(path).body(Body::empty()).unwrap());
    let body = |res: axum::response::Response| async move {
        String::from_utf8(axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap().to_vec()).unwrap()
    };
    let page = body(get(format!("/articles/{first}")).await.unwrap()).await;
    let credits = page.split("<p class=\"copies\">").nth(1).unwrap().split("</p>").next().unwrap();
    assert!(credits.starts_with("First published by <a href=\"/outlets/"), "{credits}");
    let (wire, scraper) =
        (credits.find("Wire &#38; Co").unwrap_or_else(|| panic!("{credits}")), credits.find("Scraper Daily").unwrap());
    assert!(credits.contains("Also published by") && wire < scraper, "earliest first: {credits}");
    assert!(credits.contains("href=\"https://copies.example/2?ref=feed\""), "{credits}");
    // An article nobody copied says nothing of copies.
    assert!(!body(get(format!("/articles/{second}")).await.unwrap()).await.contains("class=\"copies\""));

    let story_page = body(get(format!("/stories/{story}")).await.unwrap()).await;
    let line = story_page.split("<p class=\"copies\">").nth(1).unwrap().split("</p>").next().unwrap();
    assert!(line.starts_with("Also published by") && line.contains("Scraper Daily"), "{line}");
    assert_eq!(story_page.matches("<p class=\"copies\">").count(), 1, "only the copied report has credits");
}

#[tokio::test]
async fn a_searchs_pages_and_feed_stay_apart_when_its_results_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite://{}", dir.path().join("t.db").display())).await.unwrap();
    let now = Timestamp::now();
    let new = NewOutlet { name: "Harbour Herald".into(), site_url: None, category: None, full_text: false };
    let o = store.add_outlet(&new, "https://herald.example/feed", now).await.unwrap();
    let index = tidings_search::SearchIndex::in_memory().unwrap();
    let mut indexer = index.indexer(20_000_000, 1).unwrap();
    let mut last = 0;
    for n in 0..30 {
        let at = now - SignedDuration::from_mins(i64::from(n));
        let id = store.insert_article(&article(o.outlet.id, o.feed.id, n, at)).await.unwrap().unwrap();
        indexer
            .put(&tidings_search::SearchDoc {
                id,
                story: None,
                outlet: o.outlet.id,
                outlet_name: "Harbour Herald".into(),
                category: None,
                title: format!("Report {n}"),
                text: "Text".into(),
                authors: vec![],
                lang: None,
                time: at,
            })
            .unwrap();
        last = id.0;
    }
    indexer.commit(last).unwrap();

    let app = tidings_web::router(tidings_web::AppState::new(store.clone()).with_search(index));
    // A signed-in reader's pages are rendered for them: the kept results, not the kept page.
    let body = |path: &str| {
        let req = Request::get(path).header(header::COOKIE, "tidings_session=reader").body(Body::empty()).unwrap();
        let app = app.clone();
        async move {
            let res = app.oneshot(req).await.unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            String::from_utf8(axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap().to_vec()).unwrap()
        }
    };
    let shown = |page: &str| -> Vec<String> {
        page.split("<h2><a href=\"/articles/").skip(1).map(|s| s.split('"').next().unwrap().to_string()).collect()
    };
    let first = shown(&body("/search?q=report").await);
    let second = shown(&body("/search?q=report&page=2").await);
    assert_eq!((first.len(), second.len()), (20, 10));
    assert!(second.iter().all(|id| !first.contains(id)), "page 2 repeated page 1: {second:?}");
    assert_eq!(shown(&body("/search?q=report").await), first, "the kept first page is the first page");
    let feed = body("/search.atom?q=report").await;
    assert_eq!(feed.matches("<entry>").count(), 30, "the feed's 50 entries, not a page's 20");
}
