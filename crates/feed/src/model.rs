//! The one feed model every format is read into. It serialises to the normalised form of
//! `shared/bench/feeds/SCHEMA.md`, which `tidings feed parse --json` prints.

use jiff::Timestamp;
use serde::Serialize;

/// The syndication format a feed was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FeedFormat {
    /// RSS 0.9x, 1.0 or 2.0 (and CDF).
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
    #[serde(skip)]
    pub format: FeedFormat,
    /// The feed's title.
    pub title: Option<String>,
    /// The site the feed belongs to.
    pub link: Option<String>,
    /// The feed's description (HTML as the feed gave it).
    pub description: Option<String>,
    /// Language tag.
    pub language: Option<String>,
    /// RSS `<ttl>`: minutes the publisher asks readers to wait between fetches.
    #[serde(skip)]
    pub ttl_minutes: Option<u32>,
    /// Entries in document order.
    #[serde(rename = "entries")]
    pub items: Vec<Item>,
    /// What was wrong but could be read past, in words.
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// One entry of a feed.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Item {
    /// The entry's own id (RSS guid, Atom id, JSON Feed id, RDF about); never invented.
    #[serde(rename = "id")]
    pub guid: Option<String>,
    /// Headline (may hold markup when the feed says it is HTML).
    pub title: Option<String>,
    /// Link to the article page.
    #[serde(rename = "link")]
    pub url: Option<String>,
    /// When it was published.
    pub published: Option<Timestamp>,
    /// When it was last updated (never a copy of `published`).
    pub updated: Option<Timestamp>,
    /// Author names (else e-mail addresses).
    pub authors: Vec<String>,
    /// Short description (HTML as the feed gave it, not yet sanitized).
    pub summary: Option<String>,
    /// Full content (HTML as the feed gave it, not yet sanitized).
    pub content: Option<String>,
    /// Categories and tags.
    pub categories: Vec<String>,
    /// Attached media.
    pub enclosures: Vec<Enclosure>,
}

/// A file attached to an entry (podcast audio, an image).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Enclosure {
    /// Where it is.
    pub url: String,
    /// Its media type.
    #[serde(rename = "type")]
    pub media_type: Option<String>,
    /// Its size in bytes.
    pub length: Option<u64>,
}
