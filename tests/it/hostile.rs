//! The hostile corpus through the real binary: `feed parse` and `extract` on each case, and a
//! real `serve` following hostile outlets beside a good one. No panic, bounded memory and time,
//! every outlet's problem in words, and the site answering throughout.

use std::io::{Read, Write};
use std::process::Command;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use std::collections::HashSet;
use tidings_demo::DemoOutlets;

use tidings_testkit::{HostileOutlets, MARKUP_MARKER, free_port, hostile_feeds, http, http_no_redirects, nested_page};

use crate::accounts::{add_admin, form, form_token, log_in};
use crate::support::{BIN, Server, stdout, tidings};

/// Peak memory allowed for one hostile input.
const MAX_RSS_KIB: u64 = 256 * 1024;

/// Runs `tidings ARGS` and returns (success, stdout + stderr, peak resident KiB, wall time),
/// reading the child's peak memory through Python's `resource` (getrusage of children).
fn measured(args: &[&str]) -> (bool, String, u64, Duration) {
    let script = "import resource, subprocess, sys\n\
                  p = subprocess.run(sys.argv[1:], capture_output=True)\n\
                  sys.stdout.buffer.write(p.stdout + p.stderr)\n\
                  sys.stdout.write('\\nRSS_KIB %d EXIT %d\\n' % (resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.returncode))";
    let start = Instant::now();
    let out = Command::new("python3").arg("-c").arg(script).arg(BIN).args(args).output().unwrap();
    let elapsed = start.elapsed();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let tail = text.lines().last().unwrap_or_default().to_string();
    let mut words = tail.split_whitespace();
    let rss: u64 = words.nth(1).and_then(|w| w.parse().ok()).unwrap_or(u64::MAX);
    let code: i32 = words.nth(1).and_then(|w| w.parse().ok()).unwrap_or(-1);
    (code == 0, text, rss, elapsed)
}

#[test]
fn hostile_feeds_parse_in_bounded_memory_and_time_without_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in hostile_feeds() {
        let path = dir.path().join(format!("{name}.xml"));
        std::fs::write(&path, bytes).unwrap();
        let (ok, out, rss, took) = measured(&["feed", "parse", path.to_str().unwrap()]);
        assert!(!out.contains("panicked"), "{name}: {out}");
        assert!(ok, "{name} is a feed with problems, not an error: {out}");
        assert!(rss < MAX_RSS_KIB, "{name}: peak memory {rss} KiB");
        assert!(took < Duration::from_secs(30), "{name}: took {took:?}");
    }
}

#[test]
fn a_deeply_nested_page_is_refused_in_words_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deep.html");
    std::fs::write(&path, nested_page()).unwrap();
    let (ok, out, rss, took) = measured(&["extract", path.to_str().unwrap()]);
    assert!(!out.contains("panicked"), "{out}");
    assert!(!ok && out.contains("nested"), "{out}");
    assert!(rss < MAX_RSS_KIB, "peak memory {rss} KiB");
    assert!(took < Duration::from_secs(30), "took {took:?}");
}

/// Peak resident memory of a running process, from /proc.
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_follows_hostile_outlets_and_keeps_answering() {
    let hostile = HostileOutlets::start().await.unwrap();
    let demo = DemoOutlets::start(Timestamp::now()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut outlines = String::new();
    for (name, url) in hostile.feed_urls() {
        outlines.push_str(&format!("<outline text=\"{name}\" xmlUrl=\"{url}\"/>\n"));
    }
    let (good_name, good_url) = demo.feed_urls().remove(0);
    outlines.push_str(&format!("<outline text=\"{good_name}\" xmlUrl=\"{good_url}\"/>\n"));
    let opml = dir.path().join("subs.opml");
    std::fs::write(&opml, format!("<opml version=\"2.0\"><body>{outlines}</body></opml>")).unwrap();
    let imported = tidings(&data, &["import", opml.to_str().unwrap()]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));

    let port = free_port().to_string();
    let started = Instant::now();
    let server = Server::spawn(&[
        "serve",
        "--listen",
        &format!("127.0.0.1:{port}"),
        "--data",
        data.to_str().unwrap(),
        "--allow-private-networks",
        "--host-delay",
        "0",
        "--fetch-timeout",
        "5",
        "--feed-budget",
        "8",
    ]);
    let client = http();

    // A client that sends half its headers and then nothing is let go, and does not block others.
    let mut slow = std::net::TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();

    // The site answers while the round runs, and the round ends: the good outlet's articles appear.
    let mut slowest = Duration::ZERO;
    let mut good_in = None;
    while started.elapsed() < Duration::from_secs(60) {
        let asked = Instant::now();
        let health = client.get(format!("{}/healthz", server.url)).send().await.unwrap();
        assert_eq!(health.status(), 200);
        let front = client.get(format!("{}/", server.url)).send().await.unwrap().text().await.unwrap();
        slowest = slowest.max(asked.elapsed());
        if front.contains("/articles/") && good_in.is_none() {
            good_in = Some(started.elapsed());
        }
        let outlets = stdout(&tidings(&data, &["outlets"]));
        if good_in.is_some() && outlets.lines().filter(|l| l.contains("never")).count() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert!(good_in.is_some(), "the good outlet's articles never appeared");
    assert!(slowest < Duration::from_secs(2), "the site took {slowest:?} to answer during the round");

    // Every hostile outlet got an answer in words, none stopped the others.
    let outlets = stdout(&tidings(&data, &["outlets"]));
    assert!(!outlets.contains("never"), "some outlets were never fetched:\n{outlets}");
    let line = |name: &str| outlets.lines().find(|l| l.contains(name)).unwrap_or_default().to_string();
    assert!(line("dripping").contains("failing"), "{outlets}");
    assert!(line(&good_name).contains(" ok "), "{outlets}");
    assert!(line("nul-guid").contains(" ok "), "one bad entry must not fail the feed:\n{outlets}");

    // The javascript: site link never reaches a page: every page type, every link followed.
    let mut pages = vec!["/".to_string(), "/outlets".to_string()];
    let mut seen = std::collections::HashSet::new();
    while let Some(path) = pages.pop() {
        if !seen.insert(path.clone()) || seen.len() > 400 {
            continue;
        }
        let page = client.get(format!("{}{path}", server.url)).send().await.unwrap();
        assert_eq!(page.status(), 200, "{path}");
        let html = page.text().await.unwrap();
        assert!(!html.contains("javascript:"), "{path} renders a javascript: link");
        for kind in ["/outlets/", "/articles/", "/stories/"] {
            let marker = format!("href=\"{kind}");
            let links = html.split(&marker).skip(1).filter_map(|s| s.split('"').next());
            pages.extend(links.map(|id| format!("{kind}{id}")));
        }
    }
    assert!(seen.iter().any(|p| p.starts_with("/articles/")), "no article page was reached: {seen:?}");

    // The half-sent request was closed by the server by now.
    slow.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = Vec::new();
    let closed = slow.read_to_end(&mut buf);
    assert!(closed.is_ok(), "the connection sending partial headers is still open: {closed:?}");

    let rss = peak_rss_kib(server.pid());
    assert!(rss < MAX_RSS_KIB, "serve peaked at {rss} KiB");
    let status = server.stop();
    assert!(status.success(), "{status}");
}

/// The tags of `html` (what lies between `<` and `>`), each with its attributes as written.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    for piece in html.split('<').skip(1) {
        let tag = piece.split('>').next().unwrap_or_default();
        let mut chars = tag.char_indices().peekable();
        let name: String = tag.chars().take_while(|c| !c.is_whitespace()).collect();
        let mut attrs = Vec::new();
        while let Some((i, c)) = chars.next() {
            if !c.is_whitespace() {
                continue;
            }
            let rest = &tag[i + 1..];
            let attr: String =
                rest.chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | ':' | '_')).collect();
            if attr.is_empty() {
                continue;
            }
            let after = &rest[attr.len()..];
            let value = match after.strip_prefix("=\"") {
                Some(v) => v.split('"').next().unwrap_or_default().to_string(),
                None => String::new(),
            };
            // Skip past the value so that spaces in it are not read as attributes.
            let skip = attr.len() + if after.starts_with("=\"") { value.len() + 3 } else { 0 };
            for _ in 0..skip {
                chars.next();
            }
            attrs.push((attr.to_ascii_lowercase(), value));
        }
        out.push((name.to_ascii_lowercase(), attrs));
    }
    out
}

/// An attribute value as the browser reads it (the references askama writes decoded).
fn decoded(value: &str) -> String {
    value
        .replace("&#x3a;", ":")
        .replace("&#58;", ":")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#34;", "\"")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
        .replace("&#38;", "&")
}

/// What a page showing hostile feeds must never hold: a link or source that is not http(s) or a
/// path of ours, an event handler or style attribute, a script other than ours, embedded content,
/// or any tag the feed's markup put there.
fn assert_harmless(path: &str, html: &str) {
    for (tag, attrs) in tags(html) {
        for (name, value) in &attrs {
            let value = decoded(value);
            if matches!(
                name.as_str(),
                "href" | "src" | "action" | "formaction" | "srcset" | "poster" | "data" | "xlink:href"
            ) {
                let ours = value.starts_with('/') && !value.starts_with("//");
                let web = value.starts_with("http://") || value.starts_with("https://");
                assert!(
                    ours || web || value.starts_with('#') || value.starts_with('?'),
                    "{path}: <{tag} {name}=\"{value}\"> is neither http(s) nor a path of ours"
                );
            }
            assert!(!name.starts_with("on") && name != "style", "{path}: <{tag}> has a {name} attribute");
        }
        // An input's value is text (the admin's edit form shows an outlet's name in one); a
        // feed's image is shown through our proxy, its address in the proxy's query.
        let proxied = |n: &str, v: &str| tag == "img" && matches!(n, "src" | "srcset") && v.starts_with("/images/");
        let from_feed =
            |n: &str, v: &str| v.contains(MARKUP_MARKER) && !(tag == "input" && n == "value") && !proxied(n, v);
        assert!(
            !matches!(tag.as_str(), "iframe" | "img" | "svg" | "object" | "embed" | "style" | "input" if attrs.iter().any(|(n, v)| from_feed(n, v))),
            "{path}: a <{tag}> from a feed"
        );
        if tag == "script" {
            assert!(
                attrs.iter().any(|(n, v)| n == "src" && v.starts_with("/static/site.")),
                "{path}: a script not ours"
            );
        }
        // The feed's text may stand in a title or a value, escaped; anywhere else it is markup.
        let text_attr = |n: &str| matches!(n, "title" | "alt" | "value" | "content" | "aria-label" | "href");
        let written = attrs
            .iter()
            .any(|(n, v)| n.contains(MARKUP_MARKER) || (!text_attr(n) && !proxied(n, v) && v.contains(MARKUP_MARKER)));
        assert!(!written && !tag.contains(MARKUP_MARKER), "{path}: the feed's markup made a tag: <{tag} {attrs:?}>");
    }
    for raw in ["<script>alert", "<b class=", "<i class=", "<img src=x", "</title><script"] {
        assert!(!html.contains(raw), "{path}: the feed's markup {raw:?} is in the page unescaped");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_type_shows_hostile_feeds_as_text_and_links_only_to_the_web() {
    let hostile = HostileOutlets::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut outlines = String::new();
    for (name, url) in hostile.feed_urls() {
        if name == "markup-in-every-field" {
            let outlet = format!(
                "Hostile &lt;i class=&quot;{MARKUP_MARKER}&quot;&gt;Outlet&lt;/i&gt; &quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"
            );
            outlines.push_str(&format!("<outline text=\"{outlet}\" xmlUrl=\"{url}\"/>\n"));
        } else if name.starts_with("nul-guid") {
            outlines.push_str(&format!("<outline xmlUrl=\"{url}\"/>\n"));
        }
    }
    let category = format!(
        "&lt;b class=&quot;{MARKUP_MARKER}&quot;&gt;News&lt;/b&gt; &quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"
    );
    let opml = dir.path().join("subs.opml");
    std::fs::write(
        &opml,
        format!("<opml version=\"2.0\"><body><outline text=\"{category}\">{outlines}</outline></body></opml>"),
    )
    .unwrap();
    let imported = tidings(&data, &["import", opml.to_str().unwrap()]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    let fetched =
        tidings(&data, &["fetch", "--once", "--allow-private-networks", "--host-delay", "0", "--fetch-timeout", "5"]);
    assert!(fetched.status.success(), "{}", String::from_utf8_lossy(&fetched.stderr));
    assert!(add_admin(&data, "editor", "correct horse battery").status.success());
    let port = free_port().to_string();
    let server = Server::spawn(&[
        "web",
        "--listen",
        &format!("127.0.0.1:{port}"),
        "--data",
        data.to_str().unwrap(),
        "--allow-private-networks",
    ]);
    let client = http();

    // Every page reachable from the lists, and every feed they name, followed.
    let mut todo: Vec<String> =
        ["/", "/latest", "/categories", "/outlets", "/search?q=bridge", "/feed.atom", "/sitemap.xml"]
            .iter()
            .map(|p| p.to_string())
            .collect();
    let mut seen = HashSet::new();
    while let Some(path) = todo.pop() {
        if !seen.insert(path.clone()) {
            continue;
        }
        let page = client.get(format!("{}{path}", server.url)).send().await.unwrap();
        assert_eq!(page.status(), 200, "{path}");
        let body = page.text().await.unwrap();
        if path.ends_with(".atom") || path.contains(".atom?") {
            let feed = crate::atom::strict_atom(&body).unwrap_or_else(|e| panic!("{path}: {e}\n{body}"));
            for entry in &feed.entries {
                // A summary is HTML a feed reader shows: the same rules as a page.
                assert_harmless(&format!("{path} summary"), &entry.summary);
            }
            continue;
        }
        if path == "/sitemap.xml" {
            crate::atom::well_formed(&body).unwrap_or_else(|e| panic!("{path}: {e}\n{body}"));
            continue;
        }
        assert_harmless(&path, &body);
        for (_, attrs) in tags(&body) {
            for (name, value) in attrs {
                let value = decoded(&value);
                let follow =
                    ["/outlets/", "/articles/", "/stories/", "/categories/"].iter().any(|k| value.starts_with(k))
                        || value.ends_with(".atom")
                        || value.starts_with("/search.atom");
                if name == "href" && follow && !value.contains('#') {
                    todo.push(value);
                }
            }
        }
    }
    for kind in ["/outlets/", "/articles/", "/stories/", "/categories/", "/feed.atom", "/search?"] {
        assert!(seen.iter().any(|p| p.starts_with(kind) || p.contains(kind)), "no {kind} page was reached: {seen:?}");
    }
    for feed in ["/outlets/", "/stories/", "/categories/"] {
        assert!(seen.iter().any(|p| p.starts_with(feed) && p.ends_with("/feed.atom")), "no {feed} feed was read");
    }
    // The outlet's name is shown as its text, escaped, not dropped.
    let outlets = client.get(format!("{}/outlets", server.url)).send().await.unwrap().text().await.unwrap();
    assert!(outlets.contains(&format!("Hostile &#60;i class=&#34;{MARKUP_MARKER}&#34;&#62;Outlet")), "{outlets}");

    // The operator's pages: the list of outlets with their errors and settings, the edit page,
    // and the preview of a hostile feed before following it.
    let browser = http_no_redirects();
    let cookie = log_in(&browser, &server.url, "editor", "correct horse battery").await;
    let admin_page = |path: String| {
        let (browser, cookie) = (&browser, &cookie);
        let url = format!("{}{path}", server.url);
        async move { browser.get(url).header("cookie", cookie).send().await.unwrap().text().await.unwrap() }
    };
    let list = admin_page("/admin/outlets".into()).await;
    assert_harmless("/admin/outlets", &list);
    assert!(list.contains(&format!("Hostile &#60;i class=&#34;{MARKUP_MARKER}&#34;&#62;Outlet")), "{list}");
    let first = list.split("href=\"/admin/outlets/").nth(1).and_then(|s| s.split('/').next()).unwrap().to_string();
    let edit = admin_page(format!("/admin/outlets/{first}/edit")).await;
    assert_harmless("/admin/outlets/{id}/edit", &edit);
    let categories = admin_page("/admin/categories".into()).await;
    assert_harmless("/admin/categories", &categories);
    assert!(categories.contains(&format!("&#60;b class=&#34;{MARKUP_MARKER}&#34;&#62;News")), "{categories}");
    let (_, markup_feed) = hostile.feed_urls().into_iter().find(|(n, _)| n == "markup-in-every-field").unwrap();
    let preview = browser
        .post(format!("{}/admin/outlets/add", server.url))
        .header("cookie", &cookie)
        .header("origin", &server.url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&[("token", form_token(&list)), ("url", markup_feed)]))
        .send()
        .await
        .unwrap();
    assert_eq!(preview.status(), 200);
    let preview = preview.text().await.unwrap();
    assert!(preview.contains("<ul class=\"preview-items\">"), "{preview}");
    assert_harmless("/admin/outlets/add", &preview);
    assert!(server.stop().success());
}
