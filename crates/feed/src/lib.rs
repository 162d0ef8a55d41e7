//! Feeds into one model: RSS, Atom and JSON Feed parsing (through feed-rs, behind an adapter),
//! feed discovery from a site's HTML, and OPML import and export.
//!
//! Pure: bytes and URLs in, values plus warnings out. Parsing a feed fails only when the bytes are
//! not a feed at all; anything less is a warning. The XML reader is our own and tolerant
//! (`xml.rs`), because real feeds are often not well-formed; it expands no external entities.
//! Depends on `tidings-core` only among our crates.

mod discover;
mod entities;
mod json_feed;
mod model;
mod opml;
mod parse;
mod xml;

pub use discover::{DiscoveredFeed, common_feed_paths, discover_feeds};
pub use model::{Enclosure, FeedFormat, Item, ParsedFeed};
pub use opml::{OpmlDocument, OpmlOutline, parse_opml, write_opml};
pub use parse::{parse_feed, parse_feed_http};

/// What went wrong with a feed or OPML document.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The bytes are not a feed in any format we read.
    #[error("this is not a feed Tidings can read ({0}); check that the URL points at an RSS, Atom or JSON feed")]
    NotAFeed(String),
    /// The document is not OPML.
    #[error("this is not an OPML file ({0}); export the subscription list from the reader again")]
    NotOpml(String),
    /// The document is larger than we accept.
    #[error("the document is {size} bytes, more than the {limit} bytes Tidings reads")]
    TooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
}

/// Result with this crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
