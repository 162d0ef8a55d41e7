//! The site's routes against a real SQLite store, without a socket.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic in a test is a failed assertion

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use jiff::{SignedDuration, Timestamp};
use tidings_core::{ExtractionStatus, FeedId, OutletId};
use tidings_store::{NewArticle, NewOutlet, Store};
use tower::ServiceExt;

mod comments;

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
