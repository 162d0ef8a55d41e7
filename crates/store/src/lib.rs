//! The only place Tidings holds SQL: outlets, feeds and their fetch state, articles and stories,
//! accounts, reader comments and their moderation,
//! on SQLite (the default) or PostgreSQL (for several nodes).
//!
//! Both backends run the same portable SQL (`$n` parameters, `RETURNING`, `ON CONFLICT`), each
//! from its own migrations folder; one contract test drives both. Times are stored as unix
//! microseconds so they behave the same everywhere. Depends on `tidings-core` only among our
//! crates.

mod rows;
mod store;

pub use store::{
    APP_LOGINS_KEPT, ApiToken, ArticleBrief, ArticleCopy, COMMENT_MAX_DEPTH, Category, Comment, CommentBlock,
    CommentStatus, CopyPrint, FeedClaim, FetchRecord, FollowState, FollowTarget, HostTurn, IndexEntry, ItemRef,
    LISTED_TEXT_CHARS, Listing, MarkScope, NewArticle, NewComment, NewCopy, NewOutlet, NewUser, OutletHealth,
    ParagraphHistory, ReaderArticle, ReaderQuery, Recorded, RepeatedLine, RowValue, STORY_ARTICLES_SHOWN, Screening,
    SessionUser, SitemapEntries, Source, Store, StoredRobots, StoryRef, StoryTurn, StoryWithArticles, StoryWrite,
    TableRow, TokenKind, UnreadCount, User,
};

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The thing asked for does not exist.
    #[error("{0} was not found")]
    NotFound(String),
    /// A unique value is already taken.
    #[error("{0} already exists")]
    Conflict(String),
    /// Outside data that cannot be stored as it is.
    #[error("{0}; it was not stored")]
    Refused(String),
    /// The database URL is not one Tidings can use.
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://USER@HOST/DB")]
    UnsupportedUrl(String),
    /// The schema could not be brought up to date.
    #[error("could not migrate the database schema: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database failed.
    #[error("database error: {0}")]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => Error::NotFound("the requested row".to_string()),
            other => Error::Database(other),
        }
    }
}

/// Result with this crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
