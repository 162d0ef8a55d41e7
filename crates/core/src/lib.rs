//! Domain types shared by every Tidings crate: outlets, feeds, articles, stories and their ids,
//! plus URL canonicalisation for deduplication.
//!
//! This crate is pure: no clock, no network, no SQL. It depends on nothing of ours.

mod dates;
mod model;
mod outside;
mod url_canon;

pub use dates::{parse_date, parse_date_with_offset, utc_offset_minutes};
pub use model::*;
pub use outside::{storable_text, web_link};
pub use url_canon::{CanonError, canonical_url};

/// Times everywhere in Tidings are UTC instants.
pub use jiff::Timestamp;
