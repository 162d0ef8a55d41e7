//! Adapter from feed-rs onto our model.

use feed_rs::model::{Entry, Feed, FeedType, Link, Text};
use jiff::Timestamp;
use url::Url;

use crate::model::{FeedFormat, Item, ParsedFeed};
use crate::{Error, Result};

/// Feeds larger than this are refused; the fetcher caps bodies lower already.
const MAX_FEED_BYTES: usize = 32 * 1024 * 1024;

/// Parses `bytes` as RSS, Atom or JSON Feed. `source_url` resolves relative links.
///
/// A stray `&` (the most common breakage in hand-made feeds) is repaired with a warning.
pub fn parse_feed(bytes: &[u8], source_url: Option<&Url>) -> Result<ParsedFeed> {
    if bytes.len() > MAX_FEED_BYTES {
        return Err(Error::TooLarge { size: bytes.len(), limit: MAX_FEED_BYTES });
    }
    match parse_with_feed_rs(bytes, source_url) {
        Ok(feed) => Ok(adapt(feed, source_url, Vec::new())),
        Err(first) => {
            let repaired = escape_stray_ampersands(bytes);
            if repaired.as_slice() == bytes {
                return Err(Error::NotAFeed(first));
            }
            let feed = parse_with_feed_rs(&repaired, source_url).map_err(|_| Error::NotAFeed(first))?;
            let warning = "the feed has an unescaped '&'; it was read as '&amp;'".to_string();
            Ok(adapt(feed, source_url, vec![warning]))
        }
    }
}

fn parse_with_feed_rs(bytes: &[u8], source_url: Option<&Url>) -> std::result::Result<Feed, String> {
    // A fresh parser each time: feed-rs parsers must not be reused after a failure.
    let parser = feed_rs::parser::Builder::new()
        .base_uri(source_url.map(Url::as_str))
        .sanitize_content(false)
        .id_generator(|_, _, _| String::new())
        .build();
    parser.parse(bytes).map_err(|e| e.to_string())
}

/// Replaces `&` that does not start an entity or character reference with `&amp;`.
fn escape_stray_ampersands(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 64);
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'&' && !starts_reference(&bytes[i + 1..]) {
            out.extend_from_slice(b"&amp;");
        } else {
            out.push(b);
        }
    }
    out
}

fn starts_reference(rest: &[u8]) -> bool {
    let name_len = rest.iter().take(32).position(|&c| c == b';').unwrap_or(usize::MAX);
    if name_len == 0 || name_len == usize::MAX {
        return false;
    }
    let name = &rest[..name_len];
    match name.split_first() {
        Some((b'#', digits)) => match digits.split_first() {
            Some((b'x' | b'X', hex)) => !hex.is_empty() && hex.iter().all(u8::is_ascii_hexdigit),
            _ => !digits.is_empty() && digits.iter().all(u8::is_ascii_digit),
        },
        _ => name.iter().all(u8::is_ascii_alphanumeric),
    }
}

fn adapt(feed: Feed, source_url: Option<&Url>, mut warnings: Vec<String>) -> ParsedFeed {
    let format = match feed.feed_type {
        FeedType::Atom => FeedFormat::Atom,
        FeedType::JSON => FeedFormat::JsonFeed,
        FeedType::RSS0 | FeedType::RSS1 | FeedType::RSS2 => FeedFormat::Rss,
    };
    let site_url = pick_link(&feed.links, &["alternate"]).and_then(|l| absolute(&l, source_url));
    let mut items = Vec::with_capacity(feed.entries.len());
    for (n, entry) in feed.entries.into_iter().enumerate() {
        let item = adapt_entry(entry, source_url);
        if item.url.is_none() && item.guid.is_none() && item.title.is_none() {
            warnings.push(format!("entry {} has no link, id or title and was skipped", n + 1));
            continue;
        }
        items.push(item);
    }
    ParsedFeed {
        format,
        title: feed.title.map(plain_text).filter(|t| !t.is_empty()),
        site_url,
        ttl_minutes: feed.ttl,
        items,
        warnings,
    }
}

fn adapt_entry(entry: Entry, source_url: Option<&Url>) -> Item {
    let url = pick_link(&entry.links, &["alternate"]).and_then(|l| absolute(&l, source_url)).or_else(|| {
        // RSS guids that are permalinks are the article's address.
        Url::parse(&entry.id).ok().filter(|u| matches!(u.scheme(), "http" | "https")).map(String::from)
    });
    let published = entry.published.and_then(|d| Timestamp::from_microsecond(d.timestamp_micros()).ok());
    // feed-rs copies `published` into `updated` when the feed has only one date: keep it once.
    let updated = entry
        .updated
        .and_then(|d| Timestamp::from_microsecond(d.timestamp_micros()).ok())
        .filter(|u| Some(*u) != published);
    Item {
        guid: Some(entry.id).filter(|id| !id.trim().is_empty()),
        url,
        title: entry.title.map(plain_text).filter(|t| !t.is_empty()),
        authors: entry
            .authors
            .into_iter()
            .filter_map(|p| p.name)
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .collect(),
        published: published.or(updated),
        updated,
        summary: entry.summary.map(|t| t.content).filter(|s| !s.trim().is_empty()),
        content: entry.content.and_then(|c| c.body).filter(|s| !s.trim().is_empty()),
    }
}

fn pick_link(links: &[Link], rels: &[&str]) -> Option<String> {
    links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| rels.contains(&r)))
        .or_else(|| links.first())
        .map(|l| l.href.trim().to_string())
        .filter(|h| !h.is_empty())
}

fn absolute(href: &str, base: Option<&Url>) -> Option<String> {
    let url = match base {
        Some(b) => b.join(href).ok()?,
        None => Url::parse(href).ok()?,
    };
    matches!(url.scheme(), "http" | "https").then(|| url.into())
}

/// Titles may carry markup or entities; readers want the text.
fn plain_text(t: Text) -> String {
    let s = t.content;
    if !s.contains('<') && !s.contains('&') {
        return s.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    let doc = dom_query::Document::fragment(s.as_str());
    doc.text().split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://news.example/feed.xml").unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn rss_items_keep_guid_link_dates_and_authors() {
        let xml = include_bytes!("../testdata/rss2-basic.xml");
        let feed = parse_feed(xml, Some(&base())).unwrap();
        assert_eq!(feed.format, FeedFormat::Rss);
        assert_eq!(feed.title.as_deref(), Some("Harbour Herald"));
        assert_eq!(feed.items.len(), 2);
        let first = &feed.items[0];
        assert_eq!(first.guid.as_deref(), Some("hh-1001"));
        assert_eq!(first.url.as_deref(), Some("https://news.example/2026/bridge"));
        assert_eq!(first.authors, ["Ada Byrne"]);
        assert_eq!(first.published.map(|t| t.to_string()).as_deref(), Some("2026-11-20T08:30:00Z"));
        assert_eq!(first.updated, None, "a single date must not be copied into updated");
        assert_eq!(feed.ttl_minutes, Some(45));
    }

    #[test]
    fn relative_links_are_resolved_against_the_feed_url() {
        let feed = parse_feed(include_bytes!("../testdata/rss2-basic.xml"), Some(&base())).unwrap();
        assert_eq!(feed.items[1].url.as_deref(), Some("https://news.example/2026/ferry"));
    }

    #[test]
    fn atom_entry_has_content_and_both_dates() {
        let feed = parse_feed(include_bytes!("../testdata/atom-basic.xml"), Some(&base())).unwrap();
        assert_eq!(feed.format, FeedFormat::Atom);
        let e = &feed.items[0];
        assert_eq!(e.title.as_deref(), Some("Council approves budget"));
        assert!(e.content.as_deref().is_some_and(|c| c.contains("<p>")));
        assert!(e.updated.is_some() && e.published.is_some() && e.updated != e.published);
    }

    #[test]
    fn json_feed_items_are_read() {
        let feed = parse_feed(include_bytes!("../testdata/jsonfeed-1.1.json"), Some(&base())).unwrap();
        assert_eq!(feed.format, FeedFormat::JsonFeed);
        assert_eq!(feed.items[0].authors, ["Lena Ortiz"]);
        assert_eq!(feed.items[0].url.as_deref(), Some("https://news.example/storm"));
    }

    #[test]
    fn stray_ampersand_is_repaired_with_a_warning() {
        let feed = parse_feed(include_bytes!("../testdata/rss2-stray-ampersand.xml"), None).unwrap();
        assert_eq!(feed.items[0].title.as_deref(), Some("Fish & chips shop wins award"));
        assert_eq!(feed.warnings.len(), 1);
    }

    #[test]
    fn html_in_titles_becomes_text() {
        let feed = parse_feed(include_bytes!("../testdata/atom-basic.xml"), None).unwrap();
        assert_eq!(feed.items[1].title.as_deref(), Some("Rates rise & markets fall"));
    }

    #[test]
    fn html_page_is_not_a_feed_and_says_so() {
        let err = parse_feed(b"<html><body>Hello</body></html>", None).unwrap_err();
        assert!(err.to_string().contains("not a feed"), "{err}");
    }

    #[test]
    fn references_are_recognised() {
        assert!(starts_reference(b"amp; x"));
        assert!(starts_reference(b"#x1F600;"));
        assert!(starts_reference(b"#169;"));
        assert!(!starts_reference(b" chips"));
        assert!(!starts_reference(b"#xZZ;"));
    }
}
