//! A hostile corpus of our own: feeds and pages written to hurt a reader (entity amplification,
//! encoding names that break sniffers, nesting in every field that holds HTML, namespace floods,
//! NUL in ids, `javascript:` links, a page claiming another site's address), and outlets that
//! serve them on loopback beside a host with a huge Crawl-delay and one that drips its feed.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// Nesting depth of the nested-HTML cases: far past what any real page has.
const DEEP: usize = 40_000;

fn rss(channel_extra: &str, items: &str) -> String {
    format!(
        "<rss version=\"2.0\"><channel><title>Hostile</title><link>https://hostile.example/</link>{channel_extra}{items}</channel></rss>"
    )
}

fn item(n: usize, title: &str, description: &str) -> String {
    format!(
        "<item><title>{title}</title><link>https://hostile.example/a/{n}</link><guid>h-{n}</guid><description>{description}</description></item>"
    )
}

fn nested(text: &str) -> String {
    format!("{}{text}{}", "<div>".repeat(DEEP), "</div>".repeat(DEEP))
}

/// The hostile feeds, by name: each is a case a test runs through `feed parse` and `serve`.
pub fn hostile_feeds() -> Vec<(&'static str, Vec<u8>)> {
    let entity = "x".repeat(1024);
    vec![
        (
            // One 1 KiB entity referenced 300,000 times: 0.9 MB that would expand to 300 MB.
            "entity-amplification",
            format!(
                "<!DOCTYPE rss [<!ENTITY big \"{entity}\">]>{}",
                rss("", &item(1, "Entity &big;", &"&big;".repeat(300_000)))
            )
            .into_bytes(),
        ),
        (
            "encoding-name-non-ascii",
            format!("<?xml version=\"1.0\" encoding=é?>{}", rss("", &item(1, "é", "text"))).into_bytes(),
        ),
        (
            "encoding-name-cjk-unquoted",
            format!("<?xml version=\"1.0\" encoding=日本語 ?>{}", rss("", &item(1, "t", "text"))).into_bytes(),
        ),
        (
            // 40,000 nested elements in an entry's HTML, escaped and in CDATA, and in its title.
            "nesting-in-html-fields",
            rss(
                "",
                &[
                    item(1, "deep description", &format!("<![CDATA[{}]]>", nested("deep text"))),
                    item(2, &nested("deep title").replace('<', "&lt;"), "ok"),
                    format!(
                        "<item><title>content</title><link>https://hostile.example/a/3</link><content:encoded xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><![CDATA[{}]]></content:encoded></item>",
                        nested("deep content")
                    ),
                ]
                .concat(),
            )
            .into_bytes(),
        ),
        (
            // 40,000 namespace prefixes on the root and an element for each of 2,000 of them.
            "namespace-flood",
            {
                let decls: String = (0..40_000).map(|i| format!(" xmlns:p{i}=\"urn:x:{i}\"")).collect();
                let items: String = (0..2_000).map(|i| format!("<item><p{i}:x>v</p{i}:x><title>t{i}</title></item>")).collect();
                format!("<rss{decls}><channel><title>T</title>{items}</channel></rss>").into_bytes()
            },
        ),
        (
            // NUL in an id (PostgreSQL refuses it) beside an ordinary entry, and a javascript:
            // site link.
            "nul-guid-and-script-link",
            rss(
                "",
                &[
                    "<item><title>nul</title><link>https://hostile.example/nul</link><guid>a&#0;b</guid></item>".to_string(),
                    item(2, "fine", "fine"),
                ]
                .concat(),
            )
            .replace("<link>https://hostile.example/</link>", "<link>javascript:alert(document.domain)</link>")
            .into_bytes(),
        ),
        ("markup-in-every-field", markup_feed().into_bytes()),
    ]
}

/// Marks every piece of markup the markup feed carries: a page that shows one of these unescaped
/// (or in a link) let the feed's markup through.
pub const MARKUP_MARKER: &str = "tidings-hostile";

/// A feed with markup and script links in every field a page or a feed out shows: the outlet's
/// name and site link, titles, authors, text, links to articles, and two reports of one event so
/// that they make a story.
fn markup_feed() -> String {
    let m = MARKUP_MARKER;
    let body = format!(
        "<p>The harbour swing bridge in Port Alder reopened on Monday after three weeks of repairs to its \
         turning gear, the port authority said. Engineers tested the span twice overnight.</p>\
         <p><a href=\"javascript:alert('{m}-a')\">a script link</a> <a href=\"data:text/html,{m}-data\">a data link</a> \
         <a href=\"vbscript:{m}\">vb</a> <img src=\"http://tracker.example/{m}.gif\" onerror=\"alert('{m}-img')\"> \
         <iframe src=\"https://evil.example/{m}\"></iframe><script>alert('{m}-script')</script> \
         <svg onload=\"alert('{m}-svg')\"><a href=\"javascript:{m}\">x</a></svg> \
         <form action=\"https://evil.example/{m}\"><input name=\"{m}\"></form><style>body{{display:none}}</style> \
         <p style=\"background:url(javascript:{m})\" onclick=\"alert('{m}-click')\">Traffic resumed at noon, and \
         ferries that had carried commuters across the harbour returned to their normal timetable.</p></p>"
    );
    let item = |n: u32, link: &str, title: &str| {
        format!(
            "<item><title>{title}</title><link>{link}</link><guid>markup-{n}</guid>\
             <dc:creator>&lt;b class=\"{m}\"&gt;Eve&lt;/b&gt; \"&gt;&lt;script&gt;alert('{m}-author')&lt;/script&gt;</dc:creator>\
             <pubDate>Mon, 30 Nov 2026 0{n}:00:00 GMT</pubDate><description><![CDATA[{body}]]></description></item>"
        )
    };
    format!(
        "<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel>\
         <title>Hostile &lt;i class=\"{m}\"&gt;Outlet&lt;/i&gt; \"&gt;&lt;script&gt;alert('{m}-name')&lt;/script&gt;</title>\
         <link>data:text/html,&lt;script&gt;alert('{m}-site')&lt;/script&gt;</link>{}{}{}{}</channel></rss>",
        item(
            1,
            "https://hostile.example/bridge/1",
            &format!("Port Alder swing bridge reopens &lt;img src=x onerror=alert('{m}-title')&gt; after repairs")
        ),
        item(
            2,
            "https://hostile.example/bridge/2",
            &format!(
                "Port Alder swing bridge reopens after repairs, port says &lt;/title&gt;&lt;script&gt;alert('{m}-t2')&lt;/script&gt;"
            )
        ),
        item(3, &format!("javascript:alert('{m}-link')"), "A report whose link is a script"),
        item(4, &format!("data:text/html,{m}"), "A report whose link is data"),
    )
}

/// An article page nested 40,000 levels deep.
pub fn nested_page() -> Vec<u8> {
    format!("<html><head><title>Deep</title></head><body>{}</body></html>", nested("deep page")).into_bytes()
}

/// Outlets serving the hostile corpus on loopback: the feeds at `/feeds/{name}.xml`, a feed on
/// another loopback host whose robots.txt asks for an hour between requests, and a feed that
/// drips one byte a second.
#[derive(Debug)]
pub struct HostileOutlets {
    /// Where the hostile feeds are served (127.0.0.1).
    pub addr: SocketAddr,
    /// The host with the huge Crawl-delay (127.0.0.2, so it is a host of its own).
    pub slow_addr: SocketAddr,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl HostileOutlets {
    /// Starts them.
    pub async fn start() -> std::io::Result<Self> {
        let feeds = Router::new()
            .route(
                "/feeds/{name}",
                get(|Path(name): Path<String>| async move {
                    let name = name.trim_end_matches(".xml");
                    match hostile_feeds().into_iter().find(|(n, _)| *n == name) {
                        Some((_, body)) => ([(header::CONTENT_TYPE, "application/rss+xml")], body).into_response(),
                        None => StatusCode::NOT_FOUND.into_response(),
                    }
                }),
            )
            .route("/drip.xml", get(|| async { drip() }));
        let slow = Router::new()
            .route("/robots.txt", get(|| async { "User-agent: *\nCrawl-delay: 3600\n" }))
            .route(
                "/feed.xml",
                get(|axum::extract::State(addr): axum::extract::State<SocketAddr>| async move {
                    let items: String = (0..20)
                        .map(|n| {
                            format!("<item><title>Slow {n}</title><link>http://{addr}/a/{n}</link><guid>s-{n}</guid><description>Slow outlet entry {n}.</description></item>")
                        })
                        .collect();
                    ([(header::CONTENT_TYPE, "application/rss+xml")], rss("", &items))
                }),
            )
            .route(
                "/a/{n}",
                get(|Path(n): Path<u32>| async move {
                    let body = format!("<html><body><article><h1>Slow {n}</h1><p>{}</p></article></body></html>", "A sentence of the slow outlet's article. ".repeat(20));
                    ([(header::CONTENT_TYPE, "text/html")], body)
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let slow_listener = tokio::net::TcpListener::bind("127.0.0.2:0").await?;
        let slow_addr = slow_listener.local_addr()?;
        let slow = slow.with_state(slow_addr);
        let tasks = vec![
            tokio::spawn(async move {
                let _ = axum::serve(listener, feeds).await;
            }),
            tokio::spawn(async move {
                let _ = axum::serve(slow_listener, slow).await;
            }),
        ];
        Ok(Self { addr, slow_addr, tasks })
    }

    /// Every hostile feed's URL, by name, the slow and dripping ones included.
    pub fn feed_urls(&self) -> Vec<(String, String)> {
        let mut urls: Vec<(String, String)> = hostile_feeds()
            .into_iter()
            .map(|(name, _)| (name.to_string(), format!("http://{}/feeds/{name}.xml", self.addr)))
            .collect();
        urls.push(("crawl-delay-hour".to_string(), format!("http://{}/feed.xml", self.slow_addr)));
        urls.push(("dripping".to_string(), format!("http://{}/drip.xml", self.addr)));
        urls
    }
}

/// A feed sent one byte a second, for ever.
fn drip() -> Response {
    let stream = one_byte_a_second();
    Response::builder()
        .header(header::CONTENT_TYPE, "application/rss+xml")
        .body(Body::from_stream(stream))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

fn one_byte_a_second() -> impl futures::Stream<Item = Result<Vec<u8>, std::io::Error>> {
    futures::stream::unfold(0u64, |n| async move {
        tokio::time::sleep(Duration::from_secs(1)).await;
        Some((Ok(vec![b"<rss><channel>"[(n % 14) as usize]]), n + 1))
    })
}

impl Drop for HostileOutlets {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}
