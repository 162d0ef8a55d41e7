//! Search through the real binary: the site's search page and its feed, `tidings search`,
//! articles another process stores found within seconds, and the index after a crash.

use std::time::{Duration, Instant};

use jiff::Timestamp;
use tidings_demo::DemoOutlets;
use tidings_testkit::{free_port, http};

use crate::support::{Server, following_demo, stdout, tidings};

/// `base` + `path` with `pairs` as its query string.
fn address(base: &str, path: &str, pairs: &[(&str, &str)]) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
    format!("{base}{path}?{query}")
}

/// The search page for `query` once it has results, or the last answer after 30 s.
async fn results(base: &str, query: &str) -> String {
    let client = http();
    let started = Instant::now();
    loop {
        let page = client.get(address(base, "/search", &[("q", query)])).send().await.unwrap();
        assert_eq!(page.status(), 200, "{query:?}");
        let page = page.text().await.unwrap();
        if page.contains("<ol class=\"results\">") || started.elapsed() > Duration::from_secs(30) {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// The one element `name` of an Atom fragment, or a failure naming what is missing.
fn one<'a>(xml: &'a str, name: &str, within: &str) -> &'a str {
    let open = format!("<{name}>");
    assert_eq!(xml.matches(&open).count(), 1, "{within} needs exactly one <{name}>: {xml}");
    xml.split(&open).nth(1).and_then(|s| s.split(&format!("</{name}>")).next()).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn articles_another_process_stores_are_found_within_seconds_on_the_page_and_in_the_feed() {
    let demo = DemoOutlets::start(Timestamp::now()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let port = free_port().to_string();
    let server = Server::spawn(&["serve", "--listen", &format!("127.0.0.1:{port}"), "--data", data.to_str().unwrap()]);
    let client = http();

    // The search box is in the header of every page, a plain GET form: no script needed.
    let front = client.get(format!("{}/", server.url)).send().await.unwrap().text().await.unwrap();
    assert!(
        front.contains("<form class=\"site-search\" role=\"search\" action=\"/search\" method=\"get\">"),
        "{front}"
    );
    let empty = results(&server.url, "").await;
    assert!(
        empty.split("<script").skip(1).all(|s| s.starts_with(" src=\"/static/site.")),
        "the search page has a script of its own"
    );

    // Another process stores the demo's 60 articles while the site runs.
    let mut outlines = String::new();
    for (name, url) in demo.feed_urls() {
        outlines.push_str(&format!("<outline text=\"{name}\" xmlUrl=\"{url}\"/>\n"));
    }
    let opml = dir.path().join("subs.opml");
    std::fs::write(&opml, format!("<opml version=\"2.0\"><body>{outlines}</body></opml>")).unwrap();
    assert!(tidings(&data, &["import", opml.to_str().unwrap()]).status.success());
    let fetched = tidings(&data, &["fetch", "--once", "--allow-private-networks", "--host-delay", "0"]);
    assert!(stdout(&fetched).contains("60 new articles"), "{}", stdout(&fetched));
    let stored = Instant::now();

    let page = results(&server.url, "swing bridge").await;
    assert!(stored.elapsed() < Duration::from_secs(10), "found only after {:?}", stored.elapsed());
    assert!(page.contains("<mark>bridge</mark>") || page.contains("<mark>Bridge</mark>"), "{page}");
    assert!(page.contains("matching reports in this story"), "the bridge story's reports are not grouped: {page}");
    let first = page.split("<ol class=\"results\">").nth(1).unwrap();
    assert!(first.split("</li>").next().unwrap().contains("bridge"), "{first}");
    // A story shows once.
    let stories: Vec<&str> = page.split("href=\"/stories/").skip(1).map(|s| s.split('"').next().unwrap()).collect();
    let mut distinct = stories.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(stories.len(), distinct.len(), "a story is shown twice: {stories:?}");

    // A malformed query is answered in words, never with a server error.
    let bad = client.get(address(&server.url, "/search", &[("q", "\"prisoner release")])).send().await.unwrap();
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.unwrap().contains("has no closing quote"));
    let bad_date =
        client.get(address(&server.url, "/search", &[("q", "bridge"), ("from", "last tuesday")])).send().await.unwrap();
    assert_eq!(bad_date.status(), 400);

    // The feed of a search is Atom: the elements RFC 4287 requires, read back by our parser.
    let feed = client.get(address(&server.url, "/search.atom", &[("q", "bridge")])).send().await.unwrap();
    assert_eq!(feed.headers()["content-type"], "application/atom+xml; charset=utf-8");
    let xml = feed.text().await.unwrap();
    assert!(
        xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">")
    );
    let head = xml.split("<entry>").next().unwrap();
    one(head, "id", "the feed");
    one(head, "title", "the feed");
    Timestamp::from_str_rfc3339(one(head, "updated", "the feed"));
    let entries: Vec<&str> = xml.split("<entry>").skip(1).map(|e| e.split("</entry>").next().unwrap()).collect();
    assert!(!entries.is_empty(), "{xml}");
    for entry in &entries {
        assert!(one(entry, "id", "an entry").starts_with(&server.url));
        one(entry, "title", "an entry");
        Timestamp::from_str_rfc3339(one(entry, "updated", "an entry"));
        assert!(entry.contains("<link rel=\"alternate\" type=\"text/html\" href=\""), "{entry}");
    }
    let parsed = tidings_feed::parse_feed(xml.as_bytes(), None).unwrap();
    assert_eq!(parsed.format, tidings_feed::FeedFormat::Atom);
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
    assert_eq!(parsed.items.len(), entries.len());
    assert!(parsed.items.iter().all(|i| i.url.is_some() && i.updated.is_some() && i.summary.is_some()));
    assert!(server.stop().success());
}

trait Rfc3339 {
    fn from_str_rfc3339(s: &str) -> Timestamp;
}

impl Rfc3339 for Timestamp {
    fn from_str_rfc3339(s: &str) -> Timestamp {
        s.parse().unwrap_or_else(|e| panic!("{s:?} is not an RFC 3339 time: {e}"))
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn after_a_crash_the_index_catches_up_by_itself_and_reindex_rebuilds_it() {
    let demo = DemoOutlets::start(Timestamp::now()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = following_demo(&demo, dir.path());

    // A server stores and indexes the demo's articles, and is killed in the middle of its
    // first round, without a chance to finish anything.
    let port = free_port().to_string();
    let server = Server::spawn(&[
        "serve",
        "--listen",
        &format!("127.0.0.1:{port}"),
        "--data",
        data.to_str().unwrap(),
        "--allow-private-networks",
        "--host-delay",
        "0",
    ]);
    tokio::time::sleep(Duration::from_millis(300)).await;
    std::process::Command::new("kill").arg("-KILL").arg(server.pid().to_string()).status().unwrap();
    drop(server);

    // The rest of the articles are stored with no server running to index them.
    let fetched = tidings(&data, &["fetch", "--once", "--allow-private-networks", "--host-delay", "0"]);
    assert!(fetched.status.success(), "{}", String::from_utf8_lossy(&fetched.stderr));

    // The next use catches up on its own: every article is found by its headline.
    for article in tidings_demo::catalog().unwrap().articles {
        let found = tidings(&data, &["search", &article.title, "--json", "--limit", "1"]);
        assert!(found.status.success(), "{}", String::from_utf8_lossy(&found.stderr));
        let rows: Vec<serde_json::Value> = serde_json::from_str(&stdout(&found)).unwrap();
        assert_eq!(rows[0]["title"], article.title.as_str(), "{}", stdout(&found));
        for key in ["id", "outlet", "time", "story", "score"] {
            assert!(rows[0].get(key).is_some(), "no {key} in {}", rows[0]);
        }
    }

    let malformed = tidings(&data, &["search", "-sport"]);
    assert!(!malformed.status.success());
    assert!(String::from_utf8_lossy(&malformed.stderr).contains("Add a word to look for"));

    let rebuilt = tidings(&data, &["reindex"]);
    assert!(rebuilt.status.success(), "{}", String::from_utf8_lossy(&rebuilt.stderr));
    assert!(stdout(&rebuilt).contains("Indexed 60 articles"), "{}", stdout(&rebuilt));
}
