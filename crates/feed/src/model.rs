//! The one feed model every format is adapted onto.

use jiff::Timestamp;
use serde::Serialize;

/// The syndication format a feed was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FeedFormat {
    /// RSS 0.9x, 1.0 or 2.0.
    Rss,
    /// Atom 0.3 or 1.0.
    Atom,
    /// JSON Feed 1.0 or 1.1.
    JsonFeed,
}

/// A parsed feed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParsedFeed {
    /// Its format.
    pub format: FeedFormat,
    /// The feed's title.
    pub title: Option<String>,
    /// The site the feed belongs to.
    pub site_url: Option<String>,
    /// RSS `<ttl>`: minutes the publisher asks readers to wait between fetches.
    pub ttl_minutes: Option<u32>,
    /// Entries in document order.
    pub items: Vec<Item>,
    /// What was wrong but could be read past, in words.
    pub warnings: Vec<String>,
}

/// One entry of a feed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    /// The entry's own id (RSS guid, Atom id, JSON Feed id); never invented.
    pub guid: Option<String>,
    /// Link to the article page, absolute.
    pub url: Option<String>,
    /// Headline, as plain text.
    pub title: Option<String>,
    /// Author names.
    pub authors: Vec<String>,
    /// When it was published.
    pub published: Option<Timestamp>,
    /// When it was last updated, if the feed says so separately.
    pub updated: Option<Timestamp>,
    /// Short description (HTML as the feed gave it, not yet sanitized).
    pub summary: Option<String>,
    /// Full content (HTML as the feed gave it, not yet sanitized).
    pub content: Option<String>,
}
