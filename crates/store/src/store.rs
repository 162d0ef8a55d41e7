//! The store: connection setup, migrations and every query.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use jiff::Timestamp;
use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use tidings_core::{
    Article, ArticleId, ExtractionStatus, Feed, FeedId, LeadImage, Outlet, OutletId, Story, StoryId,
    storable_text as text, web_link,
};

use crate::rows::{ArticleRow, BriefRow, OutletFeedRow, StoryRow, join_authors, micros};
use crate::{Error, Result};

/// The database behind a [`Store`].
#[derive(Debug, Clone)]
enum Backend {
    /// SQLite: many readers, exactly one writer connection (so writers never race for the lock),
    /// and the [`Checkpointer`] that copies the write-ahead log into the database.
    Sqlite { read: SqlitePool, write: SqlitePool, checkpointer: Checkpointer },
    /// PostgreSQL: one pool.
    Postgres(PgPool),
}

/// Pages of write-ahead log past which SQLite's writer checkpoints by itself, when the
/// [`Checkpointer`] has fallen behind (SQLite's own default is 1,000).
const WRITER_CHECKPOINT_PAGES: u32 = 10_000;
/// How often the [`Checkpointer`] copies the write-ahead log into the database.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// Copies SQLite's write-ahead log into the database on a connection of its own, every
/// [`CHECKPOINT_EVERY`], without waiting for readers (`PASSIVE`). Left to the writer, SQLite
/// checkpoints inside the commit that passes 1,000 pages, fsyncs included, while every other
/// write waits: a feeds-only ingest made 711 of them. It stops when the store closes or the last
/// clone of the store is dropped.
#[derive(Debug, Clone)]
struct Checkpointer {
    pool: SqlitePool,
    /// Dropped with the last clone of the store, which ends the task.
    _running: std::sync::Arc<tokio::sync::oneshot::Sender<()>>,
}

impl Checkpointer {
    fn start(pool: SqlitePool) -> Self {
        let (running, mut stopped) = tokio::sync::oneshot::channel::<()>();
        let conn = pool.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = &mut stopped => break,
                    _ = tick.tick() => {}
                }
                if conn.is_closed() {
                    break;
                }
                // A failed checkpoint is retried at the next tick; the writer's own fallback
                // keeps the log bounded meanwhile.
                if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&conn).await {
                    tracing::debug!(error = %e, "write-ahead log checkpoint failed; retrying");
                }
            }
            conn.close().await;
        });
        Self { pool, _running: std::sync::Arc::new(running) }
    }
}

/// The Tidings database.
#[derive(Debug, Clone)]
pub struct Store {
    backend: Backend,
}

/// Runs `$body` with `$pool` bound to the read pool of whichever backend is in use. The same
/// SQL text is compiled against each driver.
macro_rules! read {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.backend {
            Backend::Sqlite { read, .. } => {
                let $pool = read;
                $body
            }
            Backend::Postgres(pg) => {
                let $pool = pg;
                $body
            }
        }
    };
}

/// Runs `$body` inside a write transaction (`BEGIN IMMEDIATE` on SQLite) bound to `$tx`.
macro_rules! write_tx {
    ($store:expr, |$tx:ident| $body:block) => {
        match &$store.backend {
            Backend::Sqlite { write, .. } => {
                let mut $tx = write.begin_with("BEGIN IMMEDIATE").await?;
                let out = $body;
                $tx.commit().await?;
                out
            }
            Backend::Postgres(pg) => {
                let mut $tx = pg.begin().await?;
                let out = $body;
                $tx.commit().await?;
                out
            }
        }
    };
}

/// Records one fetch (a [`FetchRecord`] of feed `$feed`) inside the write transaction `$tx`,
/// giving back the feed's lease; true when the feed is there to record it on.
macro_rules! record_in_tx {
    ($tx:ident, $feed:expr, $rec:expr) => {{
        let (feed, rec): (FeedId, &FetchRecord) = ($feed, $rec);
        let done = match &rec.error {
            None => sqlx::query(
                "UPDATE feeds SET last_fetch_at = $1, last_error = NULL, consecutive_failures = 0, \
                 etag = $2, last_modified = $3, next_fetch_at = $4, lease_until = NULL, lease_holder = NULL WHERE id = $5",
            )
            .bind(micros(rec.at))
            .bind(&rec.etag)
            .bind(&rec.last_modified)
            .bind(micros(rec.next_fetch_at))
            .bind(feed.0)
            .execute(&mut *$tx)
            .await?,
            Some(error) => sqlx::query(
                "UPDATE feeds SET last_fetch_at = $1, last_error = $2, consecutive_failures = consecutive_failures + 1, \
                 next_fetch_at = $3, paused_reason = COALESCE($4, paused_reason), lease_until = NULL, lease_holder = NULL \
                 WHERE id = $5",
            )
            .bind(micros(rec.at))
            .bind(text(error))
            .bind(micros(rec.next_fetch_at))
            .bind(&rec.pause)
            .bind(feed.0)
            .execute(&mut *$tx)
            .await?,
        };
        done.rows_affected() > 0
    }};
}

/// Rows written by one multi-row `INSERT`, and ids looked up by one `IN (…)`, at most (SQLite
/// binds at most 32,766 values).
const BATCH: usize = 500;
/// Values of one article's row in `insert_articles`.
const ARTICLE_VALUES: usize = 21;
/// Articles per `INSERT`, and bands per `INSERT` of bands. Small: SQLite finds a bound value's
/// place by a walk over the statement's parameters, so binding costs the square of their number
/// (with 100 articles, 2,100 values, it was 3.6% of a feeds-only ingest).
const ARTICLES_PER_STATEMENT: usize = 10;
const BANDS_PER_STATEMENT: usize = 100;

/// The placeholders `$first, …` of `n` values bound from the `first`-th on, comma-separated.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// Fingerprint rows written by one statement (two bound values each).
const FINGERPRINTS_PER_STATEMENT: usize = 100;

/// Writes a [`ParagraphHistory`] inside the write transaction `$tx`: the new articles'
/// fingerprints (many rows to a statement: on PostgreSQL each statement is a round trip), the
/// forgetting of the outlet's articles older than the newest `keep`, and the lines taken out.
macro_rules! paragraphs_in_tx {
    ($tx:ident, $history:expr) => {{
        let history: &crate::ParagraphHistory<'_> = $history;
        let rows: Vec<(&str, i64)> =
            history.articles.iter().flat_map(|(url, prints)| prints.iter().map(move |f| (url.as_str(), *f))).collect();
        for chunk in rows.chunks(crate::store::FINGERPRINTS_PER_STATEMENT) {
            let values: Vec<String> =
                (0..chunk.len()).map(|i| format!("($1, {}, $2)", crate::store::placeholders(2 * i + 3, 2))).collect();
            let sql = format!(
                "INSERT INTO paragraph_fingerprints (outlet_id, article_url, fingerprint, seen_at) VALUES {}",
                values.join(", ")
            );
            let mut q =
                sqlx::query(sqlx::AssertSqlSafe(sql)).bind(history.outlet.0).bind(crate::rows::micros(history.now));
            for (url, fingerprint) in chunk {
                q = q.bind(*url).bind(*fingerprint);
            }
            q.execute(&mut *$tx).await?;
        }
        if !history.articles.is_empty() {
            sqlx::query(
                "DELETE FROM paragraph_fingerprints WHERE outlet_id = $1 AND article_url NOT IN \
                 (SELECT article_url FROM paragraph_fingerprints WHERE outlet_id = $1 \
                 GROUP BY article_url ORDER BY MAX(seen_at) DESC LIMIT $2)",
            )
            .bind(history.outlet.0)
            .bind(history.keep)
            .execute(&mut *$tx)
            .await?;
        }
        for (fingerprint, line) in history.removed {
            sqlx::query(
                "INSERT INTO repeated_lines (outlet_id, fingerprint, line, removed_count, last_removed_at) \
                 VALUES ($1, $2, $3, 1, $4) ON CONFLICT (outlet_id, fingerprint) DO UPDATE SET \
                 removed_count = repeated_lines.removed_count + 1, line = excluded.line, \
                 last_removed_at = excluded.last_removed_at",
            )
            .bind(history.outlet.0)
            .bind(fingerprint)
            .bind(tidings_core::storable_text(line))
            .bind(crate::rows::micros(history.now))
            .execute(&mut *$tx)
            .await?;
        }
    }};
}

mod repeated_lines;
mod settings;

pub use repeated_lines::{ParagraphHistory, RepeatedLine};

mod accounts;
mod comments;
mod coordination;
mod operations;
mod transfer;
pub use coordination::{HostTurn, StoredRobots, StoryTurn};
pub use transfer::{RowValue, TableRow};

pub use accounts::{NewUser, SessionUser, User};
pub use comments::{COMMENT_MAX_DEPTH, Comment, CommentBlock, CommentStatus, NewComment, Screening};

/// Outlets with their feeds; `outlet_select!(uncounted)` leaves `article_count` at 0, for the
/// paths (fetching, the reader APIs) that do not show it and should not count every article.
macro_rules! outlet_select {
    () => {
        outlet_select!("(SELECT COUNT(*) FROM articles a WHERE a.outlet_id = o.id)")
    };
    (uncounted) => {
        outlet_select!("CAST(0 AS BIGINT)")
    };
    ($count:literal) => {
        concat!(
            "SELECT o.id, o.name, o.site_url, o.category, o.full_text, o.selector, o.user_agent, o.created_at, \
             f.id AS feed_id, f.url, \
             f.etag, f.last_modified, f.last_fetch_at, f.last_error, f.next_fetch_at, f.consecutive_failures, \
             f.paused_reason, ",
            $count,
            " AS article_count FROM outlets o JOIN feeds f ON f.outlet_id = o.id"
        )
    };
}

/// An article's columns with its outlet's name (`o`); `article_columns!(listed)` reads it as a
/// list shows it: no HTML body and only the first [`LISTED_TEXT_CHARS`] characters of the text
/// (enough for a first line), so a page listing many articles does not read every body.
macro_rules! article_columns {
    () => {
        article_columns!("a.content_html, a.content_text")
    };
    (listed) => {
        article_columns!("'' AS content_html, substr(a.content_text, 1, 600) AS content_text")
    };
    ($body:literal) => {
        concat!(
            "a.id, a.outlet_id, o.name AS outlet_name, a.url, a.canonical_url, a.title, a.authors, \
             a.published_at, a.updated_at, a.fetched_at, ",
            $body,
            ", a.excerpt, a.lang, a.extraction, a.extraction_note, a.story_id, \
             a.lead_image_url, a.lead_image_width, a.lead_image_height"
        )
    };
}

/// `SELECT` of [`article_columns!`] (with bodies, or `listed`) from articles and their outlets.
macro_rules! article_select {
    ($($listed:ident)?) => {
        concat!("SELECT ", article_columns!($($listed)?), " FROM articles a JOIN outlets o ON o.id = a.outlet_id")
    };
}

/// Characters of an article's text that `article_select!(listed)` reads (the `600` in it).
pub const LISTED_TEXT_CHARS: usize = 600;

macro_rules! story_select {
    () => {
        "SELECT s.id, s.title, s.first_article_id, \
         (SELECT COUNT(*) FROM articles a WHERE a.story_id = s.id) AS article_count, \
         (SELECT COUNT(DISTINCT a.outlet_id) FROM articles a WHERE a.story_id = s.id) AS outlet_count, \
         s.updated_at FROM stories s"
    };
}

mod listing;
mod reextraction;
mod search;

pub use listing::{Category, Listing, SitemapEntries};

pub use search::IndexEntry;

mod api_tokens;
mod copies;
mod readers;

pub use api_tokens::{APP_LOGINS_KEPT, ApiToken, TokenKind};
pub use copies::{ArticleCopy, CopyPrint, NewCopy};
pub use readers::{FollowState, FollowTarget, ItemRef, MarkScope, ReaderArticle, ReaderQuery, Source, UnreadCount};

/// An outlet to add.
#[derive(Debug, Clone)]
pub struct NewOutlet {
    /// Display name.
    pub name: String,
    /// Home page.
    pub site_url: Option<String>,
    /// Category (OPML folder).
    pub category: Option<String>,
    /// Fetch and extract article pages.
    pub full_text: bool,
}

/// An outlet with its feed and health, as listed to the operator.
#[derive(Debug, Clone, PartialEq)]
pub struct OutletHealth {
    /// The outlet.
    pub outlet: Outlet,
    /// Its feed and fetch state.
    pub feed: Feed,
    /// Articles stored from it.
    pub article_count: i64,
}

/// What a worker asks for when it takes the next feeds of a round ([`Store::claim_due_feeds`]).
#[derive(Debug, Clone, Copy)]
pub struct FeedClaim {
    /// Feeds due at or before this time qualify (`Timestamp::MAX`: every unpaused feed).
    pub due_at: Timestamp,
    /// Only feeds with a greater id: a round walks the feeds in id order, so it takes each once.
    pub after: FeedId,
    /// The current time, against which other workers' leases are checked.
    pub now: Timestamp,
    /// When the lease runs out if the fetch is never recorded.
    pub lease_until: Timestamp,
}

/// The result of one fetch of a feed, to record.
#[derive(Debug, Clone)]
pub struct FetchRecord {
    /// When the fetch ended.
    pub at: Timestamp,
    /// The error in words, or `None` on success.
    pub error: Option<String>,
    /// Validators to send next time (success only).
    pub etag: Option<String>,
    /// Validators to send next time (success only).
    pub last_modified: Option<String>,
    /// When to fetch next.
    pub next_fetch_at: Timestamp,
    /// Set to stop fetching until an operator resumes (after repeated failures).
    pub pause: Option<String>,
}

/// An article to store.
#[derive(Debug, Clone)]
pub struct NewArticle {
    /// Its outlet.
    pub outlet_id: OutletId,
    /// The feed it came from.
    pub feed_id: Option<FeedId>,
    /// The feed entry's id.
    pub guid: Option<String>,
    /// Where it was fetched from.
    pub url: String,
    /// Canonical URL (unique).
    pub canonical_url: String,
    /// Headline.
    pub title: String,
    /// Bylines.
    pub authors: Vec<String>,
    /// Publication time.
    pub published_at: Option<Timestamp>,
    /// Update time.
    pub updated_at: Option<Timestamp>,
    /// When it was stored.
    pub fetched_at: Timestamp,
    /// Sanitized body HTML.
    pub content_html: String,
    /// Body text.
    pub content_text: String,
    /// Short excerpt.
    pub excerpt: String,
    /// Language.
    pub lang: Option<String>,
    /// How the body was obtained.
    pub extraction: ExtractionStatus,
    /// Why extraction fell back.
    pub extraction_note: Option<String>,
    /// Its text's MinHash signature, by which later copies of it are found (`None` for a text
    /// too short to tell copies by).
    pub copy_print: Option<CopyPrint>,
    /// The lead image its page declares (kept only when its address is http(s)).
    pub lead_image: Option<LeadImage>,
}

/// What clustering needs of a stored article.
#[derive(Debug, Clone)]
pub struct ArticleBrief {
    /// The article.
    pub id: ArticleId,
    /// Its outlet.
    pub outlet_id: OutletId,
    /// Its story.
    pub story_id: Option<StoryId>,
    /// Publication (or fetch) time.
    pub time: Timestamp,
    /// Headline.
    pub title: String,
    /// The start of its text.
    pub text: String,
}

/// A story with its articles, first report first.
#[derive(Debug, Clone)]
pub struct StoryWithArticles {
    /// The story.
    pub story: Story,
    /// Its articles.
    pub articles: Vec<Article>,
}

/// Articles of one story [`Store::story_articles`] returns at most.
pub const STORY_ARTICLES_SHOWN: i64 = 200;

/// The schema's migrations, in order, as (version, name, SQLite SQL, PostgreSQL SQL).
const MIGRATIONS: &[(i64, &str, &str, &str)] = &[
    (
        1,
        "initial",
        include_str!("../migrations/sqlite/0001_initial.sql"),
        include_str!("../migrations/postgres/0001_initial.sql"),
    ),
    (
        2,
        "story merges",
        include_str!("../migrations/sqlite/0002_story_merges.sql"),
        include_str!("../migrations/postgres/0002_story_merges.sql"),
    ),
    (
        3,
        "repeated lines",
        include_str!("../migrations/sqlite/0003_repeated_lines.sql"),
        include_str!("../migrations/postgres/0003_repeated_lines.sql"),
    ),
    (
        4,
        "accounts",
        include_str!("../migrations/sqlite/0004_accounts.sql"),
        include_str!("../migrations/postgres/0004_accounts.sql"),
    ),
    (
        5,
        "comments",
        include_str!("../migrations/sqlite/0005_comments.sql"),
        include_str!("../migrations/postgres/0005_comments.sql"),
    ),
    (
        6,
        "reader streams",
        include_str!("../migrations/sqlite/0006_reader_streams.sql"),
        include_str!("../migrations/postgres/0006_reader_streams.sql"),
    ),
    (
        8,
        "readers",
        include_str!("../migrations/sqlite/0008_readers.sql"),
        include_str!("../migrations/postgres/0008_readers.sql"),
    ),
    (
        9,
        "feed leases",
        include_str!("../migrations/sqlite/0009_feed_leases.sql"),
        include_str!("../migrations/postgres/0009_feed_leases.sql"),
    ),
    (
        10,
        "shared work",
        include_str!("../migrations/sqlite/0010_shared_work.sql"),
        include_str!("../migrations/postgres/0010_shared_work.sql"),
    ),
    (
        11,
        "republished copies",
        include_str!("../migrations/sqlite/0011_copies.sql"),
        include_str!("../migrations/postgres/0011_copies.sql"),
    ),
    (
        12,
        "lead images",
        include_str!("../migrations/sqlite/0012_lead_images.sql"),
        include_str!("../migrations/postgres/0012_lead_images.sql"),
    ),
    (
        13,
        "site settings",
        include_str!("../migrations/sqlite/0013_site_settings.sql"),
        include_str!("../migrations/postgres/0013_site_settings.sql"),
    ),
    (
        14,
        "story lookup",
        include_str!("../migrations/sqlite/0014_story_lookup.sql"),
        include_str!("../migrations/postgres/0014_story_lookup.sql"),
    ),
];

fn migrator(backend: &str) -> Result<Migrator> {
    Ok(Migrator::with_migrations(
        MIGRATIONS
            .iter()
            .map(|&(version, name, sqlite, postgres)| {
                let sql = if backend == "sqlite" { sqlite } else { postgres };
                Migration::new(version, name.into(), MigrationType::Simple, sql.into_sql_str(), false)
            })
            .collect(),
    ))
}

impl Store {
    /// Connects to `url` (`sqlite://PATH` or `postgres://…`) and brings the schema up to date.
    pub async fn connect(url: &str) -> Result<Self> {
        let store = if url.starts_with("sqlite:") {
            Self::connect_sqlite(url).await?
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool =
                PgPoolOptions::new().max_connections(8).acquire_timeout(Duration::from_secs(10)).connect(url).await?;
            Self { backend: Backend::Postgres(pool) }
        } else {
            return Err(Error::UnsupportedUrl(url.to_string()));
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn connect_sqlite(url: &str) -> Result<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
            // Multi-row statements keep their statement journals in memory, not in temporary
            // files (a feeds-only ingest wrote 1,735 of them, 963 MiB).
            .pragma("temp_store", "memory")
            // The checkpointer keeps the log short; this is the writer's own fallback.
            .pragma("wal_autocheckpoint", WRITER_CHECKPOINT_PAGES.to_string());
        let write = SqlitePoolOptions::new().max_connections(1).connect_with(options.clone()).await?;
        let read_options = options.clone().read_only(true);
        let read = SqlitePoolOptions::new().max_connections(4).connect_with(read_options.clone()).await;
        // A brand-new file cannot be opened read-only before the writer creates it; retry after.
        let read = match read {
            Ok(pool) => pool,
            Err(_) => {
                sqlx::query("SELECT 1").execute(&write).await?;
                SqlitePoolOptions::new().max_connections(4).connect_with(read_options).await?
            }
        };
        let checkpointer =
            Checkpointer::start(SqlitePoolOptions::new().max_connections(1).connect_with(options).await?);
        Ok(Self { backend: Backend::Sqlite { read, write, checkpointer } })
    }

    /// "sqlite" or "postgres".
    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite { .. } => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    async fn migrate(&self) -> Result<()> {
        match &self.backend {
            Backend::Sqlite { write, .. } => migrator("sqlite")?.run(write).await?,
            Backend::Postgres(pg) => migrator("postgres")?.run(pg).await?,
        }
        Ok(())
    }

    /// Closes all connections (waits for writes in flight).
    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite { read, write, checkpointer } => {
                read.close().await;
                write.close().await;
                checkpointer.pool.close().await;
            }
            Backend::Postgres(pg) => pg.close().await,
        }
    }

    // ---- outlets and feeds ----

    /// Adds an outlet with its feed, due for fetching at `now`.
    ///
    /// This and the other writes are where outside data enters the store: links are kept only
    /// when they are http(s) (a site link that is not is dropped, a feed or article address
    /// that is not is refused), and text loses the characters databases refuse.
    pub async fn add_outlet(&self, new: &NewOutlet, feed_url: &str, now: Timestamp) -> Result<OutletHealth> {
        let feed_url = web_address(feed_url, "feed")?;
        let feed_url = feed_url.as_str();
        let site_url = new.site_url.as_deref().and_then(web_link);
        let id: i64 = write_tx!(self, |tx| {
            let taken: Option<(i64,)> =
                sqlx::query_as("SELECT id FROM feeds WHERE url = $1").bind(feed_url).fetch_optional(&mut *tx).await?;
            if taken.is_some() {
                return Err(Error::Conflict(format!("a subscription to {feed_url}")));
            }
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO outlets (name, site_url, category, full_text, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(text(&new.name))
            .bind(&site_url)
            .bind(new.category.as_deref().map(text))
            .bind(i64::from(new.full_text))
            .bind(micros(now))
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO feeds (outlet_id, url, next_fetch_at, created_at) VALUES ($1, $2, $3, $3)")
                .bind(id)
                .bind(feed_url)
                .bind(micros(now))
                .execute(&mut *tx)
                .await?;
            id
        });
        self.outlet(OutletId(id)).await
    }

    /// Every outlet with its health, by name.
    pub async fn outlets(&self) -> Result<Vec<OutletHealth>> {
        let rows: Vec<OutletFeedRow> = read!(self, |pool| {
            sqlx::query_as(concat!(outlet_select!(), " ORDER BY o.name, o.id")).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(health).collect())
    }

    /// One outlet with its health.
    pub async fn outlet(&self, id: OutletId) -> Result<OutletHealth> {
        let row: Option<OutletFeedRow> = read!(self, |pool| {
            sqlx::query_as(concat!(outlet_select!(), " WHERE o.id = $1")).bind(id.0).fetch_optional(pool).await?
        });
        row.map(health).ok_or_else(|| Error::NotFound(format!("outlet {id}")))
    }

    /// The outlet subscribed through `feed_url`, if any.
    pub async fn outlet_by_feed_url(&self, feed_url: &str) -> Result<Option<OutletHealth>> {
        let row: Option<OutletFeedRow> = read!(self, |pool| {
            sqlx::query_as(concat!(outlet_select!(), " WHERE f.url = $1")).bind(feed_url).fetch_optional(pool).await?
        });
        Ok(row.map(health))
    }

    /// Feeds that are not paused and are due at `now`, most overdue first.
    pub async fn due_feeds(&self, now: Timestamp, limit: i64) -> Result<Vec<OutletHealth>> {
        let rows: Vec<OutletFeedRow> = read!(self, |pool| {
            sqlx::query_as(concat!(
                outlet_select!(),
                " WHERE f.paused_reason IS NULL AND f.next_fetch_at <= $1 ORDER BY f.next_fetch_at, f.id LIMIT $2"
            ))
            .bind(micros(now))
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(health).collect())
    }

    /// Leases the next feeds of a round to `holder`, at most `limit`, in id order: the unpaused
    /// feeds due at `claim.due_at` whose id comes after `claim.after` and that no live lease
    /// holds. A lease lasts until `claim.lease_until` or until the feed's fetch is recorded,
    /// whichever is first, so a crashed worker's feeds are taken up by the next round that starts
    /// after their leases ran out. The same transaction first records the fetches in `finished`
    /// (see [`Store::record_fetches`]): a round gives back the feeds it is done with as it takes
    /// the next, one write for both. The outlets come back without their article counts (0),
    /// which fetching does not need.
    /// On PostgreSQL, workers claiming at once skip each other's rows (`FOR UPDATE SKIP LOCKED`);
    /// SQLite has one writer, which serialises the claims.
    pub async fn claim_due_feeds(
        &self,
        claim: &FeedClaim,
        holder: &str,
        limit: usize,
        finished: &[(FeedId, FetchRecord)],
    ) -> Result<Vec<OutletHealth>> {
        macro_rules! claim {
            ($lock:literal) => {
                concat!(
                    "UPDATE feeds SET lease_until = $1, lease_holder = $5 WHERE id IN (SELECT id FROM feeds \
                     WHERE paused_reason IS NULL AND next_fetch_at <= $2 AND id > $3 \
                     AND (lease_until IS NULL OR lease_until <= $4) \
                     ORDER BY id LIMIT $6",
                    $lock,
                    ") RETURNING id"
                )
            };
        }
        let sql = match self.backend {
            Backend::Postgres(_) => claim!(" FOR UPDATE SKIP LOCKED"),
            Backend::Sqlite { .. } => claim!(""),
        };
        let limit = i64::try_from(limit.clamp(1, BATCH)).unwrap_or(1);
        let mut claimed: Vec<(i64,)> = write_tx!(self, |tx| {
            for (feed, rec) in finished {
                // A feed deleted while it was fetched has nothing left to record.
                let _recorded: bool = record_in_tx!(tx, *feed, rec);
            }
            sqlx::query_as(sql)
                .bind(micros(claim.lease_until))
                .bind(micros(claim.due_at))
                .bind(claim.after.0)
                .bind(micros(claim.now))
                .bind(holder)
                .bind(limit)
                .fetch_all(&mut *tx)
                .await?
        });
        if claimed.is_empty() {
            return Ok(Vec::new());
        }
        claimed.sort_unstable();
        let sql = format!(
            concat!(outlet_select!(uncounted), " WHERE f.id IN ({}) ORDER BY f.id"),
            placeholders(1, claimed.len())
        );
        let rows: Vec<OutletFeedRow> = read!(self, |pool| {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()));
            for (id,) in &claimed {
                q = q.bind(id);
            }
            q.fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(health).collect())
    }

    /// Who holds leases on feeds now.
    pub async fn lease_holders(&self) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = read!(self, |pool| {
            sqlx::query_as("SELECT DISTINCT lease_holder FROM feeds WHERE lease_holder IS NOT NULL")
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(|(h,)| h).collect())
    }

    /// Gives back every lease `holder` still has (a worker that stops cleanly), so its feeds are
    /// due again at once instead of when the leases run out.
    pub async fn release_leases(&self, holder: &str) -> Result<u64> {
        let released = write_tx!(self, |tx| {
            sqlx::query("UPDATE feeds SET lease_until = NULL, lease_holder = NULL WHERE lease_holder = $1")
                .bind(holder)
                .execute(&mut *tx)
                .await?
                .rows_affected()
        });
        Ok(released)
    }

    /// Records the result of fetching a feed, giving back its lease.
    pub async fn record_fetch(&self, feed: FeedId, rec: &FetchRecord) -> Result<()> {
        write_tx!(self, |tx| {
            if !record_in_tx!(tx, feed, rec) {
                return Err(Error::NotFound(format!("feed {feed}")));
            }
        });
        Ok(())
    }

    /// Records the results of fetching several feeds in one transaction (a round's last ones),
    /// giving back their leases; a feed deleted since it was fetched is left out.
    pub async fn record_fetches(&self, finished: &[(FeedId, FetchRecord)]) -> Result<()> {
        if finished.is_empty() {
            return Ok(());
        }
        write_tx!(self, |tx| {
            for (feed, rec) in finished {
                let _recorded: bool = record_in_tx!(tx, *feed, rec);
            }
        });
        Ok(())
    }

    /// Moves a feed to a new address (after a permanent redirect, or when the operator edits it).
    pub async fn set_feed_url(&self, feed: FeedId, url: &str) -> Result<()> {
        let url = web_address(url, "feed")?;
        let url = url.as_str();
        write_tx!(self, |tx| {
            let taken: Option<(i64,)> = sqlx::query_as("SELECT id FROM feeds WHERE url = $1 AND id <> $2")
                .bind(url)
                .bind(feed.0)
                .fetch_optional(&mut *tx)
                .await?;
            if taken.is_some() {
                return Err(Error::Conflict(format!("a subscription to {url}")));
            }
            sqlx::query("UPDATE feeds SET url = $1 WHERE id = $2").bind(url).bind(feed.0).execute(&mut *tx).await?;
        });
        Ok(())
    }

    /// Resumes a paused feed and makes it due at `now`.
    pub async fn resume_feed(&self, feed: FeedId, now: Timestamp) -> Result<()> {
        write_tx!(self, |tx| {
            sqlx::query(
                "UPDATE feeds SET paused_reason = NULL, consecutive_failures = 0, next_fetch_at = $1 WHERE id = $2",
            )
            .bind(micros(now))
            .bind(feed.0)
            .execute(&mut *tx)
            .await?;
        });
        Ok(())
    }

    /// Pauses a feed by an operator's choice, with `reason` shown on the outlet, until it is
    /// resumed. A fetch under way when it is paused ends as usual and leaves it paused.
    pub async fn pause_feed(&self, feed: FeedId, reason: &str) -> Result<()> {
        let changed = write_tx!(self, |tx| {
            sqlx::query("UPDATE feeds SET paused_reason = $1 WHERE id = $2")
                .bind(text(reason))
                .bind(feed.0)
                .execute(&mut *tx)
                .await?
                .rows_affected()
        });
        one_changed(changed, || format!("feed {feed}"))
    }

    /// Makes a feed due at `now`, so the next round of any worker fetches it; a paused feed
    /// stays paused (resuming it makes it due).
    pub async fn fetch_feed_now(&self, feed: FeedId, now: Timestamp) -> Result<()> {
        let changed = write_tx!(self, |tx| {
            sqlx::query("UPDATE feeds SET next_fetch_at = $1 WHERE id = $2")
                .bind(micros(now))
                .bind(feed.0)
                .execute(&mut *tx)
                .await?
                .rows_affected()
        });
        one_changed(changed, || format!("feed {feed}"))
    }

    /// Sets an outlet's name and category; `None` leaves one as it is, a blank category clears
    /// it. Checking that they make sense is the caller's.
    pub async fn set_outlet_naming(&self, outlet: OutletId, name: Option<&str>, category: Option<&str>) -> Result<()> {
        let name = name.map(|n| text(n.trim()).into_owned());
        let category = category.map(|c| text(c.trim()).into_owned());
        let changed = write_tx!(self, |tx| {
            sqlx::query(
                "UPDATE outlets SET name = COALESCE($1, name), \
                 category = CASE WHEN $2 = 1 THEN $3 ELSE category END WHERE id = $4",
            )
            .bind(&name)
            .bind(i64::from(category.is_some()))
            .bind(category.as_deref().filter(|c| !c.is_empty()))
            .bind(outlet.0)
            .execute(&mut *tx)
            .await?
            .rows_affected()
        });
        one_changed(changed, || format!("outlet {outlet}"))
    }

    /// Moves every outlet of category `from` to `to` (joining it if it exists); an empty `to`
    /// takes them out of any category. The number of outlets moved.
    pub async fn rename_category(&self, from: &str, to: &str) -> Result<u64> {
        let to = text(to.trim()).into_owned();
        let moved = write_tx!(self, |tx| {
            sqlx::query("UPDATE outlets SET category = $1 WHERE category = $2")
                .bind(Some(to.as_str()).filter(|t| !t.is_empty()))
                .bind(from)
                .execute(&mut *tx)
                .await?
                .rows_affected()
        });
        Ok(moved)
    }

    /// Turns fetching each article's page on or off for an outlet.
    pub async fn set_full_text(&self, outlet: OutletId, on: bool) -> Result<()> {
        write_tx!(self, |tx| {
            let done = sqlx::query("UPDATE outlets SET full_text = $1 WHERE id = $2")
                .bind(i64::from(on))
                .bind(outlet.0)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(Error::NotFound(format!("outlet {outlet}")));
            }
        });
        Ok(())
    }

    /// Sets an outlet's extraction selector and user agent; `Some("")` clears one, `None`
    /// leaves it as it is. Checking that they make sense is the caller's (the CSS parser is not
    /// the store's).
    pub async fn set_outlet_fetching(
        &self,
        outlet: OutletId,
        selector: Option<&str>,
        user_agent: Option<&str>,
    ) -> Result<()> {
        fn cleared(v: Option<&str>) -> Option<String> {
            v.map(|v| text(v.trim()).into_owned()).filter(|v| !v.is_empty())
        }
        write_tx!(self, |tx| {
            let done = sqlx::query(
                "UPDATE outlets SET selector = CASE WHEN $1 = 1 THEN $2 ELSE selector END, \
                 user_agent = CASE WHEN $3 = 1 THEN $4 ELSE user_agent END WHERE id = $5",
            )
            .bind(i64::from(selector.is_some()))
            .bind(cleared(selector))
            .bind(i64::from(user_agent.is_some()))
            .bind(cleared(user_agent))
            .bind(outlet.0)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(Error::NotFound(format!("outlet {outlet}")));
            }
        });
        Ok(())
    }

    /// Renames an outlet (the feed's title replaces a provisional name).
    pub async fn rename_outlet(&self, outlet: OutletId, name: &str, site_url: Option<&str>) -> Result<()> {
        let site_url = site_url.and_then(web_link);
        write_tx!(self, |tx| {
            sqlx::query("UPDATE outlets SET name = $1, site_url = COALESCE($2, site_url) WHERE id = $3")
                .bind(text(name))
                .bind(&site_url)
                .bind(outlet.0)
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }

    // ---- articles ----

    /// Whether an article with this canonical URL, or this guid in this feed, is stored already
    /// (as an article or as a copy of one).
    pub async fn article_known(&self, feed: FeedId, guid: Option<&str>, canonical_url: &str) -> Result<bool> {
        Ok(self.entries_known(feed, &[(guid, canonical_url)]).await?.first().copied().unwrap_or(false))
    }

    /// For each `(guid, canonical URL)` entry of one feed, whether it is stored already (as an
    /// article or a copy of one, by canonical URL, or by guid in this feed): a feed's entries are
    /// looked up together, not one query each.
    pub async fn entries_known(&self, feed: FeedId, entries: &[(Option<&str>, &str)]) -> Result<Vec<bool>> {
        let mut urls: std::collections::HashSet<String> = std::collections::HashSet::new();
        let mut guids: std::collections::HashSet<String> = std::collections::HashSet::new();
        for chunk in entries.chunks(BATCH / 2) {
            let list = placeholders(1, chunk.len());
            let sql = format!(
                "SELECT canonical_url FROM articles WHERE canonical_url IN ({list}) \
                 UNION SELECT canonical_url FROM article_copies WHERE canonical_url IN ({list})"
            );
            let found: Vec<(String,)> = read!(self, |pool| {
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()));
                for (_, url) in chunk {
                    q = q.bind(text(url));
                }
                q.fetch_all(pool).await?
            });
            urls.extend(found.into_iter().map(|(u,)| u));
            let with_guid: Vec<&str> = chunk.iter().filter_map(|(g, _)| *g).collect();
            if with_guid.is_empty() {
                continue;
            }
            let sql = format!(
                "SELECT guid FROM articles WHERE feed_id = $1 AND guid IN ({})",
                placeholders(2, with_guid.len())
            );
            let found: Vec<(String,)> = read!(self, |pool| {
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(feed.0);
                for guid in &with_guid {
                    q = q.bind(text(guid));
                }
                q.fetch_all(pool).await?
            });
            guids.extend(found.into_iter().map(|(g,)| g));
        }
        Ok(entries
            .iter()
            .map(|(guid, url)| {
                urls.contains(text(url).as_ref()) || guid.is_some_and(|g| guids.contains(text(g).as_ref()))
            })
            .collect())
    }

    /// Stores an article; `None` when it is a duplicate of one already stored.
    pub async fn insert_article(&self, a: &NewArticle) -> Result<Option<ArticleId>> {
        Ok(self.insert_articles(std::slice::from_ref(a)).await?.into_iter().next().flatten())
    }

    /// Stores articles in one transaction, all or none: for each, its id, or `None` when it is a
    /// duplicate of one already stored (or of one before it in `articles`).
    pub async fn insert_articles(&self, articles: &[NewArticle]) -> Result<Vec<Option<ArticleId>>> {
        self.insert_articles_with(articles, None).await
    }

    /// [`Store::insert_articles`], with the outlet's paragraph history written in the same
    /// transaction: a batch of a feed's articles is one write.
    pub async fn insert_articles_with(
        &self,
        articles: &[NewArticle],
        history: Option<&ParagraphHistory<'_>>,
    ) -> Result<Vec<Option<ArticleId>>> {
        let mut rows = Vec::with_capacity(articles.len());
        for a in articles {
            let url = web_address(&a.url, "article")?;
            let sort_at = a.published_at.unwrap_or(a.fetched_at).min(a.fetched_at);
            let lead_image =
                a.lead_image.as_ref().and_then(|i| Some(LeadImage { url: web_link(&i.url)?, ..i.clone() }));
            rows.push((a, url, sort_at, lead_image));
        }
        if rows.is_empty() {
            if let Some(history) = history {
                self.record_paragraph_history(history).await?;
            }
            return Ok(Vec::new());
        }
        // A few statements for the articles and their bands, not two per article: a transaction holds the one writer for as long as its statements take to
        // go back and forth.
        let ids: Vec<Option<i64>> = write_tx!(self, |tx| {
            let mut ids = Vec::with_capacity(rows.len());
            for chunk in rows.chunks(ARTICLES_PER_STATEMENT) {
                let values: Vec<String> = (0..chunk.len())
                    .map(|i| format!("({})", placeholders(i * ARTICLE_VALUES + 1, ARTICLE_VALUES)))
                    .collect();
                let sql = format!(
                    "INSERT INTO articles (outlet_id, feed_id, guid, url, canonical_url, title, authors, published_at, \
                     updated_at, fetched_at, sort_at, content_html, content_text, excerpt, lang, extraction, extraction_note, \
                     copy_signature, lead_image_url, lead_image_width, lead_image_height) \
                     VALUES {} ON CONFLICT DO NOTHING RETURNING id, canonical_url",
                    values.join(", ")
                );
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
                for (a, url, sort_at, lead_image) in chunk {
                    q = q
                        .bind(a.outlet_id.0)
                        .bind(a.feed_id.map(|f| f.0))
                        .bind(a.guid.as_deref().map(text))
                        .bind(url.as_str())
                        .bind(text(&a.canonical_url))
                        .bind(text(&a.title))
                        .bind(text(&join_authors(&a.authors)).into_owned())
                        .bind(a.published_at.map(micros))
                        .bind(a.updated_at.map(micros))
                        .bind(micros(a.fetched_at))
                        .bind(micros(*sort_at))
                        .bind(text(&a.content_html))
                        .bind(text(&a.content_text))
                        .bind(text(&a.excerpt))
                        .bind(a.lang.as_deref().map(text))
                        .bind(a.extraction.as_str())
                        .bind(a.extraction_note.as_deref().map(text))
                        .bind(a.copy_print.as_ref().map(|p| p.signature.as_str()))
                        .bind(lead_image.as_ref().map(|i| i.url.as_str()))
                        .bind(lead_image.as_ref().and_then(|i| i.width).map(i64::from))
                        .bind(lead_image.as_ref().and_then(|i| i.height).map(i64::from));
                }
                // Rows are stored in the order given, so a duplicate's first occurrence is the
                // one stored: each stored address goes to the first article that has it.
                let mut stored: HashMap<String, i64> =
                    q.fetch_all(&mut *tx).await?.into_iter().map(|(id, url): (i64, String)| (url, id)).collect();
                ids.extend(chunk.iter().map(|(a, ..)| stored.remove(text(&a.canonical_url).as_ref())));
            }
            let bands: Vec<(i64, i64)> = rows
                .iter()
                .zip(&ids)
                .filter_map(|((a, ..), id)| Some((id.as_ref()?, a.copy_print.as_ref()?)))
                .flat_map(|(id, print)| print.bands.iter().map(|band| (*band, *id)))
                .collect();
            for chunk in bands.chunks(BANDS_PER_STATEMENT) {
                let values: Vec<String> =
                    (0..chunk.len()).map(|i| format!("({})", placeholders(2 * i + 1, 2))).collect();
                let sql = format!(
                    "INSERT INTO article_bands (band, article_id) VALUES {} ON CONFLICT DO NOTHING",
                    values.join(", ")
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for (band, id) in chunk {
                    q = q.bind(band).bind(id);
                }
                q.execute(&mut *tx).await?;
            }
            if let Some(history) = history {
                paragraphs_in_tx!(tx, history);
            }
            ids
        });
        Ok(ids.into_iter().map(|id| id.map(ArticleId)).collect())
    }

    /// One article.
    pub async fn article(&self, id: ArticleId) -> Result<Article> {
        let row: Option<ArticleRow> = read!(self, |pool| {
            sqlx::query_as(concat!(article_select!(), " WHERE a.id = $1")).bind(id.0).fetch_optional(pool).await?
        });
        row.map(Article::from).ok_or_else(|| Error::NotFound(format!("article {id}")))
    }

    /// The newest articles, newest first.
    pub async fn latest_articles(&self, limit: i64) -> Result<Vec<Article>> {
        let rows: Vec<ArticleRow> = read!(self, |pool| {
            sqlx::query_as(concat!(article_select!(), " ORDER BY a.sort_at DESC, a.id DESC LIMIT $1"))
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(Article::from).collect())
    }

    /// An outlet's newest articles.
    pub async fn outlet_articles(&self, outlet: OutletId, limit: i64) -> Result<Vec<Article>> {
        let rows: Vec<ArticleRow> = read!(self, |pool| {
            sqlx::query_as(concat!(
                article_select!(),
                " WHERE a.outlet_id = $1 ORDER BY a.sort_at DESC, a.id DESC LIMIT $2"
            ))
            .bind(outlet.0)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(Article::from).collect())
    }

    /// Articles published since `since`, newest first, as clustering sees them.
    pub async fn recent_briefs(&self, since: Timestamp, limit: i64) -> Result<Vec<ArticleBrief>> {
        let rows: Vec<BriefRow> = read!(self, |pool| {
            sqlx::query_as(
                "SELECT id, outlet_id, story_id, sort_at, title, substr(content_text, 1, 3000) AS content_text \
                 FROM articles WHERE sort_at >= $1 ORDER BY sort_at DESC, id DESC LIMIT $2",
            )
            .bind(micros(since))
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(ArticleBrief::from).collect())
    }

    // ---- stories ----

    /// Puts `new` in the same story as `existing`, starting the story if `existing` has none.
    ///
    /// Safe when several workers cluster at once: `existing` is claimed with a conditional
    /// update, so it never ends up in two stories and no story is left with one article.
    pub async fn attach_story(&self, existing: ArticleId, new: ArticleId, now: Timestamp) -> Result<StoryId> {
        let story = write_tx!(self, |tx| {
            let story = tx.story_or_start(existing, now).await?;
            tx.add(story, new).await?;
            story
        });
        Ok(StoryId(story))
    }

    /// Adds an article to a story; the story's headline follows its earliest report.
    pub async fn join_story(&self, story: StoryId, article: ArticleId) -> Result<()> {
        write_tx!(self, |tx| {
            tx.add(story.0, article).await?;
        });
        Ok(())
    }

    /// One story.
    pub async fn story(&self, id: StoryId) -> Result<Story> {
        let row: Option<StoryRow> = read!(self, |pool| {
            sqlx::query_as(concat!(story_select!(), " WHERE s.id = $1")).bind(id.0).fetch_optional(pool).await?
        });
        row.map(Story::from).ok_or_else(|| Error::NotFound(format!("story {id}")))
    }

    /// Stories updated since `since`, most recently updated first.
    pub async fn recent_stories(&self, since: Timestamp, limit: i64) -> Result<Vec<Story>> {
        let rows: Vec<StoryRow> = read!(self, |pool| {
            sqlx::query_as(concat!(
                story_select!(),
                " WHERE s.updated_at >= $1 ORDER BY s.updated_at DESC, s.id DESC LIMIT $2"
            ))
            .bind(micros(since))
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(Story::from).collect())
    }

    /// A story's articles, first report first, at most [`STORY_ARTICLES_SHOWN`] (a story can
    /// gather thousands; its counts come with [`Store::story`]).
    pub async fn story_articles(&self, story: StoryId) -> Result<Vec<Article>> {
        let rows: Vec<ArticleRow> = read!(self, |pool| {
            sqlx::query_as(concat!(article_select!(), " WHERE a.story_id = $1 ORDER BY a.sort_at, a.id LIMIT $2"))
                .bind(story.0)
                .bind(STORY_ARTICLES_SHOWN)
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(Article::from).collect())
    }

    /// Numbers of outlets, articles and stories.
    pub async fn counts(&self) -> Result<(i64, i64, i64)> {
        let row: (i64, i64, i64) = read!(self, |pool| {
            sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM outlets), (SELECT COUNT(*) FROM articles), (SELECT COUNT(*) FROM stories)",
            )
            .fetch_one(pool)
            .await?
        });
        Ok(row)
    }
}

fn health(row: OutletFeedRow) -> OutletHealth {
    let (outlet, feed, article_count) = row.into_parts();
    OutletHealth { outlet, feed, article_count }
}

/// `raw` as an http(s) address to store, or the refusal in words.
fn web_address(raw: &str, what: &str) -> Result<String> {
    web_link(raw).ok_or_else(|| Error::Refused(format!("the {what} address {raw:?} is not an http(s) link")))
}

// Story merges and the clustering catch-up live beside the macros above, in their own file.
#[path = "stories.rs"]
mod stories;
use stories::StoryTx;
pub use stories::{Recorded, StoryRef, StoryWrite};

/// `Ok` when an update changed a row, else `NotFound` naming `what`.
fn one_changed(changed: u64, what: impl FnOnce() -> String) -> Result<()> {
    if changed == 0 { Err(Error::NotFound(what())) } else { Ok(()) }
}
