//! Full-text search over the articles: an index on disk (tantivy) that each node keeps for
//! itself, fed from the store by the engine and the binary, asked by the site and the CLI.
//!
//! It holds no SQL and takes no clock: documents come in as [`SearchDoc`]s, with the id of the
//! last article they cover committed in the index itself, and results go out by article id for
//! the caller to join with the store (stories are grouped by the membership the caller looks
//! up, so that an index never shows a story the store has merged or formed since). Depends on
//! `tidings-core` only among our crates.

mod analysis;
mod index;
mod phrase;
mod query;
mod results;
mod schema;

pub use index::{Indexer, SearchDoc, SearchIndex};
pub use query::{Filters, SearchRequest, Sort};
pub use results::{CANDIDATES, COUNTED, Candidate, Candidates, Found, Matches, ResultsPage};

/// What went wrong in search.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The query cannot be read; the message says what to change, for the reader.
    #[error("{0}")]
    Query(String),
    /// Another process is writing the index.
    #[error(
        "the search index at {0} is being written by another Tidings process: stop it (or let it finish) and try again"
    )]
    Busy(String),
    /// The index on disk was made for another layout.
    #[error("the search index at {0} was made by another version of Tidings: run `tidings reindex` to rebuild it")]
    Incompatible(String),
    /// The index folder could not be used.
    #[error("could not use the search index folder {path}: {source}")]
    Folder {
        /// The folder.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The index failed.
    #[error("search index error: {0}")]
    Index(#[from] tantivy::TantivyError),
}

/// Result with this crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
