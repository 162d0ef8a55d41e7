//! Finding a site's feeds from its home page.

use url::Url;

/// A feed advertised by a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveredFeed {
    /// Absolute feed URL.
    pub url: Url,
    /// The title the page gives it, if any.
    pub title: Option<String>,
}

const FEED_TYPES: &[&str] = &[
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
];

/// Feeds advertised with `<link rel="alternate" type="…">` in `html`, in page order,
/// resolved against `page_url`.
///
/// Only the page's `<link>` and `<base>` tags are parsed, gathered in one pass over its bytes,
/// so a page nested as deep as an attacker likes costs linear time (the HTML limit policy).
pub fn discover_feeds(html: &str, page_url: &Url) -> Vec<DiscoveredFeed> {
    let doc = dom_query::Document::from(link_tags(html).as_str());
    let base =
        doc.select("base[href]").attr("href").and_then(|b| page_url.join(&b).ok()).unwrap_or_else(|| page_url.clone());
    let mut found: Vec<DiscoveredFeed> = Vec::new();
    for link in doc.select("link[href]").nodes() {
        let rel = link.attr("rel").map(|r| r.to_ascii_lowercase()).unwrap_or_default();
        if !rel.split_whitespace().any(|r| r == "alternate") {
            continue;
        }
        let ty = link.attr("type").map(|t| t.trim().to_ascii_lowercase()).unwrap_or_default();
        if !FEED_TYPES.contains(&ty.as_str()) {
            continue;
        }
        let Some(url) = link.attr("href").and_then(|h| base.join(h.trim()).ok()) else {
            continue;
        };
        if !matches!(url.scheme(), "http" | "https") || found.iter().any(|f| f.url == url) {
            continue;
        }
        let title = link.attr("title").map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
        found.push(DiscoveredFeed { url, title });
    }
    found
}

/// The `<link …>` and `<base …>` tags of a page, in order, and nothing else; each byte of the
/// page is looked at a bounded number of times.
fn link_tags(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let mut tags = String::new();
    let mut at = 0;
    while let Some(lt) = lower[at..].find('<').map(|p| at + p) {
        let rest = &lower[lt + 1..];
        let name = rest.split(|c: char| c.is_ascii_whitespace() || matches!(c, '>' | '/' | '<')).next();
        at = lt + 1;
        if matches!(name, Some("link" | "base")) {
            // A tag that never closes ends the page's tags.
            let Some(gt) = rest.find('>') else { break };
            at = lt + 1 + gt + 1;
            tags.push_str(&html[lt..at]);
            tags.push('\n');
        }
    }
    tags
}

/// Paths where sites commonly keep a feed, to try when the page advertises none.
pub fn common_feed_paths(site: &Url) -> Vec<Url> {
    ["/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml", "/feed.json"]
        .iter()
        .filter_map(|p| site.join(p).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Url {
        Url::parse("https://news.example/section/").unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn every_feed_type_is_found_and_resolved() {
        let html = r#"<html><head>
            <link rel="stylesheet" href="/s.css">
            <link rel="alternate" type="application/rss+xml" title="All news" href="/rss.xml">
            <link rel="Alternate" type="application/atom+xml" href="atom.xml">
            <link rel="alternate" type="application/feed+json" href="https://cdn.example/f.json">
            <link rel="alternate" hreflang="fr" href="/fr/">
            </head></html>"#;
        let feeds = discover_feeds(html, &page());
        let urls: Vec<&str> = feeds.iter().map(|f| f.url.as_str()).collect();
        assert_eq!(
            urls,
            ["https://news.example/rss.xml", "https://news.example/section/atom.xml", "https://cdn.example/f.json"]
        );
        assert_eq!(feeds[0].title.as_deref(), Some("All news"));
    }

    #[test]
    fn a_deeply_nested_page_is_read_in_linear_time() {
        let html = format!(
            "<html><head><link rel=alternate type=application/rss+xml href=/feed></head><body>{}</body></html>",
            "<div>".repeat(200_000)
        );
        let started = std::time::Instant::now();
        let feeds = discover_feeds(&html, &page());
        assert_eq!(feeds.len(), 1);
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
        for hostile in ["<link".repeat(100_000), "<".repeat(100_000), "<a<a".repeat(50_000)] {
            assert!(discover_feeds(&hostile, &page()).is_empty());
        }
    }

    #[test]
    fn script_links_are_ignored() {
        let html = r#"<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">"#;
        assert!(discover_feeds(html, &page()).is_empty());
    }

    #[test]
    fn common_paths_are_on_the_site_root() {
        let paths = common_feed_paths(&page());
        assert_eq!(paths[0].as_str(), "https://news.example/feed");
        assert!(paths.iter().any(|p| p.path() == "/feed.json"));
    }
}
