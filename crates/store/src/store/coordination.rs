//! What the workers of one database agree on beyond feed leases: whose turn a host is and when
//! its next request may start, the robots.txt files they found, and one clustering decision at
//! a time, in an order every worker replays.

use jiff::Timestamp;
use sqlx::pool::PoolConnection;
use tidings_core::ArticleId;

use super::{ArticleBrief, Backend, StoryTx};
use crate::rows::{BriefRow, PlacedRow, micros, ts};
use crate::{Error, Result, Store};

/// The PostgreSQL advisory lock key of clustering decisions ("tiding" in ASCII).
const STORY_LOCK: i64 = 0x7469_6469_6e67;

/// The answer to [`Store::take_host_turn`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostTurn {
    /// The turn is the caller's until it gives it back or the hold runs out.
    Taken,
    /// Not now: the host's next request may start at `next_at`, or when `held` (another worker's
    /// request is under way), as soon as that worker gives the turn back.
    Busy {
        /// When the delay ends, or the other worker's hold runs out.
        next_at: Timestamp,
        /// Whether another worker holds the turn.
        held: bool,
    },
}

/// A robots.txt as a worker found it ([`Store::robots_file`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRobots {
    /// `found`, `missing` or `unavailable`.
    pub status: String,
    /// The file's text (`found`), or why it could not be read (`unavailable`).
    pub body: String,
    /// When it is to be fetched again.
    pub expires_at: Timestamp,
}

/// The right to make clustering decisions, held by one worker at a time: a PostgreSQL advisory
/// lock on a connection of its own (SQLite has one writer, which serialises decisions). Give it
/// back with [`StoryTurn::end`]; dropped without that, its connection is closed, which ends the
/// lock too.
#[derive(Debug)]
pub struct StoryTurn {
    held: Option<PoolConnection<sqlx::Postgres>>,
}

impl StoryTurn {
    /// Gives the turn to the next worker.
    pub async fn end(mut self) -> Result<()> {
        if let Some(mut conn) = self.held.take() {
            sqlx::query("SELECT pg_advisory_unlock($1)").bind(STORY_LOCK).execute(&mut *conn).await?;
        }
        Ok(())
    }
}

impl Drop for StoryTurn {
    fn drop(&mut self) {
        if let Some(conn) = self.held.as_mut() {
            conn.close_on_drop();
        }
    }
}

impl Store {
    /// Takes `host`'s turn for `holder` until `hold_until` when nobody holds it and its delay has
    /// passed at `now`.
    pub async fn take_host_turn(
        &self,
        host: &str,
        holder: &str,
        now: Timestamp,
        hold_until: Timestamp,
    ) -> Result<HostTurn> {
        let taken: Option<(String,)> = write_tx!(self, |tx| {
            sqlx::query_as(
                "INSERT INTO host_turns (host, next_at, holder) VALUES ($1, $2, $3) ON CONFLICT (host) DO UPDATE \
                 SET next_at = excluded.next_at, holder = excluded.holder WHERE host_turns.next_at <= $4 RETURNING host",
            )
            .bind(host)
            .bind(micros(hold_until))
            .bind(holder)
            .bind(micros(now))
            .fetch_optional(&mut *tx)
            .await?
        });
        if taken.is_some() {
            return Ok(HostTurn::Taken);
        }
        let row: Option<(i64, Option<String>)> = read!(self, |pool| {
            sqlx::query_as("SELECT next_at, holder FROM host_turns WHERE host = $1")
                .bind(host)
                .fetch_optional(pool)
                .await?
        });
        // Gone between the two statements: ask again at once.
        Ok(row.map_or(HostTurn::Busy { next_at: now, held: false }, |(next_at, holder)| HostTurn::Busy {
            next_at: ts(next_at),
            held: holder.is_some(),
        }))
    }

    /// Gives back `holder`'s turn at `host`: its next request may start at `next_at`. Nothing
    /// happens when the hold ran out and another worker has the turn.
    pub async fn give_back_host_turn(&self, host: &str, holder: &str, next_at: Timestamp) -> Result<()> {
        write_tx!(self, |tx| {
            sqlx::query("UPDATE host_turns SET next_at = $1, holder = NULL WHERE host = $2 AND holder = $3")
                .bind(micros(next_at))
                .bind(host)
                .bind(holder)
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }

    /// The robots.txt of `origin` a worker found, unless it expired by `now`.
    pub async fn robots_file(&self, origin: &str, now: Timestamp) -> Result<Option<StoredRobots>> {
        let row: Option<(String, String, i64)> = read!(self, |pool| {
            sqlx::query_as("SELECT status, body, expires_at FROM robots_files WHERE origin = $1 AND expires_at > $2")
                .bind(origin)
                .bind(micros(now))
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(|(status, body, expires_at)| StoredRobots { status, body, expires_at: ts(expires_at) }))
    }

    /// Keeps the robots.txt of `origin` for the other workers.
    pub async fn keep_robots_file(&self, origin: &str, file: &StoredRobots) -> Result<()> {
        write_tx!(self, |tx| {
            sqlx::query(
                "INSERT INTO robots_files (origin, status, body, expires_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (origin) DO UPDATE SET status = excluded.status, body = excluded.body, \
                 expires_at = excluded.expires_at",
            )
            .bind(origin)
            .bind(&file.status)
            .bind(super::text(&file.body))
            .bind(micros(file.expires_at))
            .execute(&mut *tx)
            .await?;
        });
        Ok(())
    }

    /// Waits for the turn to make clustering decisions (see [`StoryTurn`]).
    ///
    /// Safe to cancel at any point (a feed's budget running out stops a worker waiting here):
    /// the connection is the turn's before the lock is asked for, so a wait given up closes it
    /// instead of returning it to the pool. The lock is only ever tried, never waited for on
    /// the server, so a closed connection never goes on to take it: a blocking
    /// `pg_advisory_lock` given up this way was taken later by the server all the same, on a
    /// pooled connection nobody would unlock, and every worker's clustering stopped.
    pub async fn story_turn(&self) -> Result<StoryTurn> {
        let Backend::Postgres(pg) = &self.backend else { return Ok(StoryTurn { held: None }) };
        let mut turn = StoryTurn { held: Some(pg.acquire().await?) };
        let mut pause = std::time::Duration::from_millis(1);
        while let Some(conn) = turn.held.as_mut() {
            let (taken,): (bool,) =
                sqlx::query_as("SELECT pg_try_advisory_lock($1)").bind(STORY_LOCK).fetch_one(&mut **conn).await?;
            if taken {
                break;
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(std::time::Duration::from_millis(20));
        }
        Ok(turn)
    }

    /// Records that clustering placed `article` now, after every article placed before; returns
    /// its place in that order. Called with the [`StoryTurn`] held.
    pub async fn mark_placed(&self, article: ArticleId) -> Result<i64> {
        let placed = write_tx!(self, |tx| { tx.placed(&[article]).await? });
        placed.ok_or_else(|| Error::NotFound(format!("the placement of article {article}")))
    }

    /// The last place given by [`Store::mark_placed`], 0 when none.
    pub async fn last_placed(&self) -> Result<i64> {
        let (seq,): (Option<i64>,) =
            read!(self, |pool| sqlx::query_as("SELECT MAX(placed_seq) FROM articles").fetch_one(pool).await?);
        Ok(seq.unwrap_or(0))
    }

    /// Placed articles published since `since`, newest first, at most `limit`: what clustering
    /// replays when it starts.
    pub async fn placed_since(&self, since: Timestamp, limit: i64) -> Result<Vec<ArticleBrief>> {
        let rows: Vec<BriefRow> = read!(self, |pool| {
            sqlx::query_as(
                "SELECT id, outlet_id, story_id, sort_at, title, substr(content_text, 1, 3000) AS content_text \
                 FROM articles WHERE sort_at >= $1 AND placed_seq IS NOT NULL ORDER BY sort_at DESC, id DESC LIMIT $2",
            )
            .bind(micros(since))
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(ArticleBrief::from).collect())
    }

    /// Articles never placed whose feed no worker holds at `now`, oldest first, at most `limit`:
    /// a worker places what it stores before it gives its feed back, so these were stored by a
    /// worker that stopped in between (killed, or its clustering failed).
    pub async fn unplaced_orphans(&self, now: Timestamp, limit: i64) -> Result<Vec<ArticleBrief>> {
        let rows: Vec<BriefRow> = read!(self, |pool| {
            sqlx::query_as(
                "SELECT a.id, a.outlet_id, a.story_id, a.sort_at, a.title, substr(a.content_text, 1, 3000) AS content_text \
                 FROM articles a JOIN feeds f ON f.id = a.feed_id \
                 WHERE a.placed_seq IS NULL AND (f.lease_until IS NULL OR f.lease_until <= $1) ORDER BY a.id LIMIT $2",
            )
            .bind(micros(now))
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(ArticleBrief::from).collect())
    }

    /// Articles placed after place `after`, in the order they were placed, at most `limit`, each
    /// with its place: the decisions other workers made since this one last looked.
    pub async fn placed_after(&self, after: i64, limit: i64) -> Result<Vec<(i64, ArticleBrief)>> {
        let rows: Vec<(i64, BriefRow)> = read!(self, |pool| {
            let rows: Vec<PlacedRow> = sqlx::query_as(
                "SELECT placed_seq, id, outlet_id, story_id, sort_at, title, substr(content_text, 1, 3000) AS content_text \
                 FROM articles WHERE placed_seq > $1 ORDER BY placed_seq LIMIT $2",
            )
            .bind(after)
            .bind(limit)
            .fetch_all(pool)
            .await?;
            rows.into_iter().map(PlacedRow::split).collect()
        });
        Ok(rows.into_iter().map(|(seq, row)| (seq, ArticleBrief::from(row))).collect())
    }
}
