//! The public site through the real binary on the demo outlets: feeds out (Atom of the front
//! page, outlets, categories, stories; sitemap.xml) read by a strict reader, the lists ("latest"
//! a page at a time, categories), the story's timeline, and what a new operator sees first.

use std::collections::HashSet;

use jiff::Timestamp;
use tidings_demo::DemoOutlets;
use tidings_testkit::{free_port, http};

use crate::atom::strict_atom;
use crate::support::{Server, stdout, tidings};

/// `href` values of `html` that start with `prefix`, in order, without repeats.
fn links(html: &str, prefix: &str) -> Vec<String> {
    let marker = format!("href=\"{prefix}");
    let mut seen = HashSet::new();
    html.split(&marker)
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|rest| format!("{prefix}{rest}"))
        .filter(|l| seen.insert(l.clone()))
        .collect()
}

/// The demo's six outlets in two OPML folders, fetched once, and the site (`tidings web`) over
/// them; the demo's servers and the data folder live as long as the returned values.
pub(crate) async fn demo_site() -> (Server, DemoOutlets, tempfile::TempDir) {
    let demo = DemoOutlets::start(Timestamp::now()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut folders = [String::new(), String::new()];
    for (n, (name, url)) in demo.feed_urls().into_iter().enumerate() {
        folders[n % 2].push_str(&format!("<outline text=\"{name}\" xmlUrl=\"{url}\"/>\n"));
    }
    let opml = dir.path().join("subs.opml");
    std::fs::write(
        &opml,
        format!(
            "<opml version=\"2.0\"><body><outline text=\"World &amp; Europe\">{}</outline><outline text=\"Local\">{}</outline></body></opml>",
            folders[0], folders[1]
        ),
    )
    .unwrap();
    assert!(tidings(&data, &["import", opml.to_str().unwrap()]).status.success());
    let fetched = tidings(&data, &["fetch", "--once", "--allow-private-networks", "--host-delay", "0"]);
    assert!(stdout(&fetched).contains("60 new articles"), "{}", stdout(&fetched));
    let port = free_port().to_string();
    let server = Server::spawn(&["web", "--listen", &format!("127.0.0.1:{port}"), "--data", data.to_str().unwrap()]);
    (server, demo, dir)
}

async fn get(url: &str) -> (u16, String, String) {
    let res = http().get(url).send().await.unwrap();
    let status = res.status().as_u16();
    let kind = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    (status, kind, res.text().await.unwrap())
}

/// The feed at `path`, read strictly, with every entry's page answering.
async fn atom(base: &str, path: &str) -> crate::atom::Feed {
    let (status, kind, xml) = get(&format!("{base}{path}")).await;
    assert_eq!((status, kind.as_str()), (200, "application/atom+xml; charset=utf-8"), "{path}");
    let feed = strict_atom(&xml).unwrap_or_else(|e| panic!("{path} is not valid Atom: {e}\n{xml}"));
    assert!(!feed.entries.is_empty(), "{path} has no entries");
    for e in &feed.entries {
        assert!(e.link.starts_with(base), "{path}: {} is not on this site", e.link);
        assert_eq!(get(&e.link).await.0, 200, "{path}: {}", e.link);
    }
    feed
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_kind_has_a_valid_atom_feed_and_the_sitemap_names_every_page() {
    let (server, _demo, _dir) = demo_site().await;
    let base = server.url.clone();
    let (_, _, front) = get(&format!("{base}/")).await;
    assert!(front.contains(
        "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Tidings: top stories\" href=\"/feed.atom\">"
    ));
    let top = atom(&base, "/feed.atom").await;
    assert!(top.entries.iter().all(|e| e.id.contains("/stories/")), "the front page's feed is its stories");
    assert!(top.entries[0].summary.contains("first reported by"), "{}", top.entries[0].summary);

    // Each outlet, category and story page names its own feed, and the feed reads.
    let outlet = links(&front, "/outlets/")[0].clone();
    let story = links(&front, "/stories/")[0].clone();
    let (_, _, categories) = get(&format!("{base}/categories")).await;
    let listed: Vec<String> =
        links(&categories, "/categories/").into_iter().filter(|l| !l.ends_with(".atom")).collect();
    assert_eq!(listed, ["/categories/Local", "/categories/World%20%26%20Europe"]);
    let category = listed[1].clone();
    for page in [&outlet, &story, &category] {
        let (status, _, html) = get(&format!("{base}{page}")).await;
        assert_eq!(status, 200, "{page}");
        let own = "type=\"application/atom+xml\" title=\"Tidings: ";
        assert!(
            html.contains(own) && html.contains(&format!("href=\"{page}/feed.atom\">")),
            "{page} names no feed of its own"
        );
        let feed = atom(&base, &format!("{page}/feed.atom")).await;
        assert!(feed.entries.iter().all(|e| e.id.contains("/articles/")), "{page}");
    }
    assert!(atom(&base, "/categories/World%20%26%20Europe/feed.atom").await.title.ends_with("World & Europe"));
    assert_eq!(get(&format!("{base}/categories/Nowhere/feed.atom")).await.0, 404);
    assert_eq!(get(&format!("{base}/stories/999999/feed.atom")).await.0, 404);

    // The sitemap: well-formed, on this site, naming every outlet, category, story and article.
    let (status, kind, xml) = get(&format!("{base}/sitemap.xml")).await;
    assert_eq!((status, kind.as_str()), (200, "application/xml; charset=utf-8"));
    assert!(xml.contains("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"));
    crate::atom::well_formed(&xml).unwrap();
    let locs: Vec<&str> = xml.split("<loc>").skip(1).filter_map(|s| s.split("</loc>").next()).collect();
    assert!(locs.iter().all(|l| l.starts_with(&base)), "{xml}");
    let count = |kind: &str| locs.iter().filter(|l| l.contains(kind)).count();
    assert_eq!(count("/articles/"), 60);
    assert_eq!(count("/outlets/"), 6);
    assert_eq!(count("/categories/"), 2);
    assert!(count("/stories/") >= 10, "{xml}");
    assert!(server.stop().success());
}

#[tokio::test(flavor = "multi_thread")]
async fn latest_pages_through_every_article_once_and_categories_keep_to_their_outlets() {
    let (server, _demo, _dir) = demo_site().await;
    let base = server.url.clone();
    let mut seen = Vec::new();
    let mut page = "/latest".to_string();
    let mut pages = 0;
    loop {
        let (status, _, html) = get(&format!("{base}{page}")).await;
        assert_eq!(status, 200, "{page}");
        pages += 1;
        let list = html.split("<ul class=\"articles\">").nth(1).unwrap_or_default().split("</ul>").next().unwrap();
        seen.extend(links(list, "/articles/"));
        match html.split("<a rel=\"next\" href=\"").nth(1).and_then(|s| s.split('"').next()) {
            Some(next) => page = next.to_string(),
            None => break,
        }
        if pages > 1 {
            assert!(html.contains("<a href=\"/latest\">Newest</a>"), "{page} does not lead back to the newest");
        }
    }
    assert_eq!(pages, 2, "60 articles at 30 a page");
    let distinct: HashSet<&String> = seen.iter().collect();
    assert_eq!((seen.len(), distinct.len()), (60, 60), "every article once");
    let (_, _, front) = get(&format!("{base}/")).await;
    assert!(front.contains("<a href=\"/latest?after="), "the front page leads on to older articles");

    // A category shows its own outlets' articles only: half the demo's outlets each.
    let mut by_category = Vec::new();
    for category in ["Local", "World%20%26%20Europe"] {
        let (status, _, html) = get(&format!("{base}/categories/{category}")).await;
        assert_eq!(status, 200, "{category}");
        let list = html.split("<ul class=\"articles\">").nth(1).unwrap().split("</ul>").next().unwrap();
        let shown: HashSet<String> = links(list, "/outlets/").into_iter().collect();
        assert!(!shown.is_empty() && shown.len() <= 3, "{category}: {shown:?}");
        by_category.push(shown);
    }
    assert!(by_category[0].is_disjoint(&by_category[1]), "{by_category:?}");
    assert!(get(&format!("{base}/categories/Local")).await.2.contains("<h1>Local</h1>"));
    assert_eq!(get(&format!("{base}/categories/Sport")).await.0, 404);
    assert!(server.stop().success());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_storys_timeline_credits_who_reported_first_and_quotes_each_outlets_first_line() {
    let (server, _demo, _dir) = demo_site().await;
    let base = server.url.clone();
    let (_, _, front) = get(&format!("{base}/")).await;
    let story = links(&front, "/stories/")[0].clone();
    let (_, _, html) = get(&format!("{base}{story}")).await;
    let timeline = html.split("<ol class=\"timeline\">").nth(1).unwrap().split("</ol>").next().unwrap();
    let entries: Vec<&str> = timeline.split("<li class=\"item").skip(1).collect();
    assert!(entries.len() >= 2, "{timeline}");
    assert!(entries[0].contains("reported first"), "the first report is not credited: {}", entries[0]);
    assert_eq!(timeline.matches("reported first").count(), 1);
    // Times are UTC in the HTML, in `<time datetime>`, for the script to show in the reader's zone.
    let mut times = Vec::new();
    let mut outlets = Vec::new();
    for e in &entries {
        let iso = e.split("<time class=\"local\" datetime=\"").nth(1).unwrap().split('"').next().unwrap();
        times.push(iso.parse::<Timestamp>().unwrap());
        assert!(e.split("</time>").next().unwrap().ends_with("UTC"), "{e}");
        let outlet = e.split("href=\"/outlets/").nth(1).unwrap().split('"').next().unwrap();
        let first_of_outlet = !outlets.contains(&outlet);
        outlets.push(outlet);
        assert_eq!(e.contains("<blockquote class=\"first-line\">"), first_of_outlet, "{e}");
    }
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "the timeline is not in time order: {times:?}");
    assert!(server.stop().success());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_site_tells_its_operator_how_to_add_outlets() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let port = free_port().to_string();
    let server = Server::spawn(&["web", "--listen", &format!("127.0.0.1:{port}"), "--data", data.to_str().unwrap()]);
    for path in ["/", "/latest", "/categories"] {
        let (status, _, html) = get(&format!("{}{path}", server.url)).await;
        assert_eq!(status, 200, "{path}");
        assert!(html.contains("tidings import feeds.opml"), "{path} does not say how to add outlets: {html}");
    }
    let (_, _, front) = get(&format!("{}/", server.url)).await;
    assert!(front.contains("<code>tidings add https://example.com/</code>"), "{front}");

    // The style sheet and the one script are files of ours under fingerprinted names, kept for a
    // year; the policy allows them and nothing inline.
    for (attr, kind) in [("<link rel=\"stylesheet\" href=\"", "text/css"), ("<script src=\"", "text/javascript")] {
        let path = front.split(attr).nth(1).and_then(|s| s.split('"').next()).unwrap();
        assert!(path.starts_with("/static/") && path.matches('.').count() == 2, "{path} has no fingerprint");
        let res = http().get(format!("{}{path}", server.url)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with(kind), "{path}");
        assert_eq!(res.headers()["cache-control"], "public, max-age=31536000, immutable", "{path}");
    }
    assert_eq!(front.matches("<script").count(), 1, "one script, from a file");
    let res = http().get(format!("{}/", server.url)).send().await.unwrap();
    let csp = res.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
    assert!(server.stop().success());
}
