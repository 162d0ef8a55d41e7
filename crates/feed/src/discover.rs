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
pub fn discover_feeds(html: &str, page_url: &Url) -> Vec<DiscoveredFeed> {
    let doc = dom_query::Document::from(html);
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
