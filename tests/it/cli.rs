//! The binary against local outlets: subscribing, importing, fetching with failures, health,
//! OPML export, serving, and restarting without losing anything.

use jiff::Timestamp;
use tidings_demo::DemoOutlets;
use tidings_testkit::{BadOutlets, free_port, http};

use crate::support::{Server, stdout, tidings};

#[tokio::test(flavor = "multi_thread")]
async fn outlets_are_followed_fetched_served_and_failures_shown_in_words() {
    let demo = DemoOutlets::start(Timestamp::now()).await.unwrap();
    let bad = BadOutlets::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");

    // Without the setting, a loopback outlet is refused in words.
    let refused = tidings(&data, &["add", &demo.home_url("civic-signal")]);
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("loopback") && err.contains("allow private networks"), "{err}");

    // A site URL: the feed is discovered.
    let added = tidings(&data, &["add", &demo.home_url("civic-signal"), "--allow-private-networks"]);
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    assert!(stdout(&added).contains("Following Civic Signal"), "{}", stdout(&added));

    // An OPML list with the demo outlets and three broken ones.
    let mut outlines = String::new();
    for (name, url) in demo.feed_urls() {
        outlines.push_str(&format!("<outline text=\"{name}\" xmlUrl=\"{url}\"/>\n"));
    }
    for (name, url) in [
        ("Garbage Gazette", bad.garbage_url()),
        ("Hanging Herald", bad.hang_url()),
        ("Downtown Daily", bad.down_url.clone()),
    ] {
        outlines.push_str(&format!("<outline text=\"Broken\"><outline text=\"{name}\" xmlUrl=\"{url}\"/></outline>\n"));
    }
    let opml = dir.path().join("subs.opml");
    std::fs::write(&opml, format!("<opml version=\"2.0\"><body>{outlines}</body></opml>")).unwrap();
    let imported = tidings(&data, &["import", opml.to_str().unwrap()]);
    assert!(stdout(&imported).contains("Imported 8 outlets (1 were already followed"), "{}", stdout(&imported));

    // One round: the good outlets are unaffected by the bad ones.
    let round =
        tidings(&data, &["fetch", "--once", "--allow-private-networks", "--fetch-timeout", "3", "--host-delay", "0"]);
    let summary = stdout(&round);
    assert!(round.status.success(), "{}", String::from_utf8_lossy(&round.stderr));
    assert!(summary.contains("Fetched 9 outlets: 6 ok, 3 failed; 60 new articles."), "{summary}");
    assert!(summary.contains("Garbage Gazette: this is not a feed"), "{summary}");
    assert!(summary.contains("Hanging Herald:") && summary.contains("did not answer within 3 seconds"), "{summary}");
    assert!(summary.contains("Downtown Daily: could not fetch"), "{summary}");

    // Extracting every stored article again after an upgrade.
    let again =
        tidings(&data, &["reextract", "--since", "2000-01-01", "--allow-private-networks", "--host-delay", "0"]);
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    assert!(stdout(&again).contains("Extracted 60 articles again: 60 updated, 0 kept"), "{}", stdout(&again));

    // Health, in `tidings outlets`.
    let list = stdout(&tidings(&data, &["outlets"]));
    let line = |name: &str| list.lines().find(|l| l.contains(name)).unwrap_or_default().to_string();
    assert!(line("Garbage Gazette").contains("failing"), "{list}");
    assert!(line("Meridian Wire").contains(" ok ") && line("Meridian Wire").contains(" 10 "), "{list}");

    // Export round-trips the subscriptions with their categories.
    let exported = stdout(&tidings(&data, &["export-opml"]));
    assert_eq!(exported.matches("xmlUrl=").count(), 9, "{exported}");
    assert!(exported.contains("<outline text=\"Broken\" title=\"Broken\">"), "{exported}");

    // The site.
    let port = free_port().to_string();
    let server = Server::spawn(&["serve", "--listen", &format!("127.0.0.1:{port}"), "--data", data.to_str().unwrap()]);
    let client = http();
    let front = client.get(format!("{}/", server.url)).send().await.unwrap();
    let csp =
        front.headers().get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    let front = front.text().await.unwrap();
    assert!(front.contains("Top stories") && front.contains("5 outlets"), "front page lacks stories");
    let article_path = front.split("href=\"/articles/").nth(1).and_then(|s| s.split('"').next()).unwrap().to_string();
    let article =
        client.get(format!("{}/articles/{article_path}", server.url)).send().await.unwrap().text().await.unwrap();
    assert!(article.contains("Read the original at"), "no link to the original");
    // The outlet's chrome stays out of the article's text (the page's own comment form, below
    // the article, says "Leave a Reply" too).
    let text = article.split("class=\"article-text\">").nth(1).and_then(|s| s.split("</article>").next()).unwrap();
    for chrome in
        ["Leave a Reply", "Accept all cookies", "Share on Facebook", "Post Comment", "Sign up to our newsletter"]
    {
        assert!(!text.contains(chrome), "{chrome:?} leaked into the article text");
    }
    let outlets = client.get(format!("{}/outlets", server.url)).send().await.unwrap().text().await.unwrap();
    assert!(outlets.contains("this is not a feed Tidings can read"), "outlet errors are not shown");
    let missing = client.get(format!("{}/articles/999999", server.url)).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    assert!(server.stop().success(), "tidings did not exit cleanly on SIGTERM");

    // Restarted, it has lost nothing and stores nothing twice.
    let again =
        tidings(&data, &["fetch", "--once", "--allow-private-networks", "--fetch-timeout", "3", "--host-delay", "0"]);
    let (again, err) = (stdout(&again), String::from_utf8_lossy(&again.stderr));
    assert!(again.contains("6 ok, 3 failed; 0 new articles."), "{again}{err}");
    let list = stdout(&tidings(&data, &["outlets"]));
    assert!(list.contains("Meridian Wire") && list.lines().filter(|l| l.contains(" ok ")).count() == 6, "{list}");
}

#[test]
fn every_command_has_help_for_a_newcomer() {
    for cmd in ["serve", "fetch", "add", "import", "export-opml", "outlets", "resume", "demo", "reextract"] {
        let out = std::process::Command::new(crate::support::BIN).args([cmd, "--help"]).output().unwrap();
        let help = stdout(&out);
        assert!(out.status.success() && help.contains("Usage: tidings"), "{cmd}: {help}");
        assert!(help.contains("--data"), "{cmd} does not document --data");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_outlets_settings_choose_its_article_body_its_user_agent_and_whether_its_pages_are_fetched() {
    let demo = DemoOutlets::start(Timestamp::now()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut outlines = String::new();
    for (name, url) in demo.feed_urls() {
        outlines.push_str(&format!("<outline text=\"{name}\" xmlUrl=\"{url}\"/>\n"));
    }
    let opml = dir.path().join("subs.opml");
    std::fs::write(&opml, format!("<opml version=\"2.0\"><body>{outlines}</body></opml>")).unwrap();
    assert!(tidings(&data, &["import", opml.to_str().unwrap()]).status.success());
    let list = stdout(&tidings(&data, &["outlets"]));
    let id_of = |name: &str| {
        let line = list.lines().find(|l| l.contains(name)).unwrap_or_else(|| panic!("{name} not in {list}"));
        line.split_whitespace().next().unwrap().to_string()
    };
    let (herald, northgate) = (id_of("The Harbour Herald"), id_of("Northgate Daily"));

    let stderr = |o: &std::process::Output| String::from_utf8_lossy(&o.stderr).into_owned();
    let bad = tidings(&data, &["outlets", "set", &herald, "--selector", "div["]);
    assert!(!bad.status.success() && stderr(&bad).contains("not a CSS selector"), "{}", stderr(&bad));
    let bad = tidings(&data, &["outlets", "set", &herald, "--user-agent", "two\nlines"]);
    assert!(!bad.status.success() && stderr(&bad).contains("user agent"), "{}", stderr(&bad));
    let nobody = tidings(&data, &["outlets", "set", "999", "--full-text", "off"]);
    assert!(!nobody.status.success() && stderr(&nobody).contains("there is no outlet 999"), "{}", stderr(&nobody));

    // The Herald's pages: every paragraph but the last, fetched as "HeraldReader".
    let selector = ".article-body p:not(:last-child)";
    let set = tidings(&data, &["outlets", "set", &herald, "--selector", selector, "--user-agent", "HeraldReader/1.0"]);
    assert!(set.status.success(), "{}", stderr(&set));
    assert!(stdout(&set).contains("user agent \"HeraldReader/1.0\""), "{}", stdout(&set));
    assert!(tidings(&data, &["outlets", "set", &northgate, "--full-text", "off"]).status.success());
    let list = stdout(&tidings(&data, &["outlets"]));
    assert!(list.contains("settings: keeps its feed's own text"), "{list}");
    assert!(list.contains(&format!("settings: article body {selector:?}; user agent \"HeraldReader/1.0\"")), "{list}");
    // Renamed and filed in a category, as the admin page does it; a blank name is refused.
    let wire = id_of("Meridian Wire");
    let blank = tidings(&data, &["outlets", "set", &wire, "--name", " "]);
    assert!(!blank.status.success() && stderr(&blank).contains("name: it is empty"), "{}", stderr(&blank));
    let named = tidings(&data, &["outlets", "set", &wire, "--name", "The Meridian", "--category", "Wires"]);
    assert!(named.status.success(), "{}", stderr(&named));
    let opml = stdout(&tidings(&data, &["export-opml"]));
    assert!(opml.contains("<outline text=\"Wires\"") && opml.contains("text=\"The Meridian\""), "{opml}");
    assert!(stdout(&tidings(&data, &["categories"])).contains("1 outlet   Wires"));
    let moved = tidings(&data, &["categories", "rename", "Wires", "Agencies"]);
    assert!(stdout(&moved).contains("Moved 1 outlet(s) from \"Wires\" to \"Agencies\"."), "{}", stderr(&moved));
    let none = tidings(&data, &["categories", "rename", "Wires", "Else"]);
    assert!(!none.status.success() && stderr(&none).contains("there is no category \"Wires\""), "{}", stderr(&none));

    let round = tidings(&data, &["fetch", "--once", "--allow-private-networks", "--host-delay", "0"]);
    assert!(stdout(&round).contains("60 new articles"), "{}", stdout(&round));
    let agents = demo.user_agents();
    assert!(
        agents.iter().any(|a| a == "HeraldReader/1.0") && agents.iter().any(|a| a.starts_with("Tidings/")),
        "{agents:?}"
    );
    let northgate_articles = demo.catalog.articles.iter().filter(|a| a.outlet == "northgate-daily").count();
    assert_eq!(demo.requests_served().1, 60 - northgate_articles, "Northgate's pages were fetched");

    let export = dir.path().join("all.jsonl");
    assert!(tidings(&data, &["export", "--output", export.to_str().unwrap()]).status.success());
    let articles: Vec<serde_json::Value> = std::fs::read_to_string(&export)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|l| l["table"] == "articles")
        .map(|l| l["row"].clone())
        .collect();
    let mut checked = 0;
    for a in demo.catalog.articles.iter().filter(|a| a.outlet == "harbour-herald") {
        // What the selector leaves of a short article is too short to trust; the feed's text
        // stands in for it, as for any extraction that looks wrong.
        let (last, kept) = a.paragraphs.split_last().unwrap();
        if kept.iter().map(|p| p.chars().count()).sum::<usize>() < 260 {
            continue;
        }
        checked += 1;
        let row = articles.iter().find(|r| r["url"].as_str().unwrap().ends_with(&a.slug)).unwrap();
        let text = row["content_text"].as_str().unwrap();
        assert_eq!(row["extraction"], "extracted", "{}: {}", a.slug, row["extraction_note"]);
        assert!(kept.iter().all(|p| text.contains(p.as_str())) && !text.contains(last.as_str()), "{}: {text}", a.slug);
    }
    assert!(checked >= 3, "only {checked} of the Herald's articles are long enough to tell");
}
