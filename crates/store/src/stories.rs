//! Stories beyond membership: merges with redirects from the merged story's id, headlines, and
//! a clustering decision's writes in one transaction.

use jiff::Timestamp;
use tidings_core::{ArticleId, OutletId, StoryId};

use super::{ArticleBrief, Backend, Store};
use crate::rows::{BriefRow, micros, ts};
use crate::{Error, Result};

impl From<BriefRow> for ArticleBrief {
    fn from(r: BriefRow) -> Self {
        ArticleBrief {
            id: ArticleId(r.id),
            outlet_id: OutletId(r.outlet_id),
            story_id: r.story_id.map(StoryId),
            time: ts(r.sort_at),
            title: r.title,
            text: r.content_text,
        }
    }
}

/// A story as clustering names it while it decides: a stored story, or the story an article is
/// in (a story of its own, not stored yet, while it is alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StoryRef {
    /// A stored story.
    Stored(StoryId),
    /// The story this article is in when the write is made; while it has none, the article alone.
    OfArticle(ArticleId),
}

/// One write of a clustering decision; [`Store::record_decisions`] makes them in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoryWrite {
    /// `article` joins `story` (a lone article's story is stored when it gains a member).
    Join {
        /// The story joined.
        story: StoryRef,
        /// The article joining it.
        article: ArticleId,
    },
    /// `gone` is the same event as `into` and merges into it. When `into` is an article still
    /// alone and `gone` a stored story, the stored story survives (its address stays) and takes
    /// the article, with its headline.
    Merge {
        /// The story merged away.
        gone: StoryRef,
        /// The story it merges into.
        into: StoryRef,
    },
    /// `article`'s headline is now `story`'s.
    Headline {
        /// The story.
        story: StoryRef,
        /// The article whose headline it takes.
        article: ArticleId,
    },
    /// The decision about `article` is complete: it is numbered after every earlier one.
    Placed(ArticleId),
}

/// What [`Store::record_decisions`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recorded {
    /// For each article a [`StoryRef::OfArticle`] named, the stored story it is in after the
    /// writes (`None` while it is alone).
    pub stories: Vec<(ArticleId, Option<StoryId>)>,
    /// The place in the order of decisions of the last [`StoryWrite::Placed`], if any.
    pub last_placed: Option<i64>,
}

/// Story writes inside a write transaction of either backend: the SQL is written once, in
/// [`story_tx!`], and compiled for each.
pub(crate) trait StoryTx {
    /// Adds `article` (if it has no story yet) and refreshes the story's first report and time
    /// of latest report (its headline is clustering's choice).
    async fn add(&mut self, story: i64, article: ArticleId) -> Result<()>;
    /// The story `article` is in, if any.
    async fn story_of(&mut self, article: ArticleId) -> Result<Option<i64>>;
    /// The story `article` is in, starting one with it (headline and all) when it has none.
    /// `article` is claimed with a conditional update, so it never ends up in two stories.
    async fn story_or_start(&mut self, article: ArticleId, now: Timestamp) -> Result<i64>;
    /// Merges story `gone` into `into` (see [`Store::merge_stories`]).
    async fn merge(&mut self, gone: i64, into: i64, now: Timestamp) -> Result<()>;
    /// Makes `article`'s title the headline of `story`, when the article is in it.
    async fn headline(&mut self, story: i64, article: ArticleId) -> Result<()>;
    /// Numbers the placements of `articles` after every earlier one, in the order given (each
    /// once: one placed before keeps its number); returns the last one's number.
    async fn placed(&mut self, articles: &[ArticleId]) -> Result<Option<i64>>;
}

/// Placements numbered per statement (two bound values each).
const PLACED_PER_STATEMENT: usize = 100;

macro_rules! story_tx {
    ($db:ty) => {
        impl StoryTx for sqlx::Transaction<'static, $db> {
            async fn add(&mut self, story: i64, article: ArticleId) -> Result<()> {
                sqlx::query("UPDATE articles SET story_id = $1 WHERE id = $2 AND story_id IS NULL")
                    .bind(story)
                    .bind(article.0)
                    .execute(&mut **self)
                    .await?;
                sqlx::query(
                    "UPDATE stories SET \
                     first_article_id = (SELECT id FROM articles WHERE story_id = $1 ORDER BY sort_at, id LIMIT 1), \
                     updated_at = (SELECT MAX(sort_at) FROM articles WHERE story_id = $1) WHERE id = $1",
                )
                .bind(story)
                .execute(&mut **self)
                .await?;
                Ok(())
            }

            async fn story_of(&mut self, article: ArticleId) -> Result<Option<i64>> {
                let row: Option<(Option<i64>,)> = sqlx::query_as("SELECT story_id FROM articles WHERE id = $1")
                    .bind(article.0)
                    .fetch_optional(&mut **self)
                    .await?;
                Ok(row.ok_or_else(|| Error::NotFound(format!("article {article}")))?.0)
            }

            async fn story_or_start(&mut self, article: ArticleId, now: Timestamp) -> Result<i64> {
                if let Some(story) = self.story_of(article).await? {
                    return Ok(story);
                }
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO stories (title, first_article_id, created_at, updated_at) \
                     SELECT title, id, $2, sort_at FROM articles WHERE id = $1 RETURNING id",
                )
                .bind(article.0)
                .bind(micros(now))
                .fetch_one(&mut **self)
                .await?;
                let claimed = sqlx::query("UPDATE articles SET story_id = $1 WHERE id = $2 AND story_id IS NULL")
                    .bind(id)
                    .bind(article.0)
                    .execute(&mut **self)
                    .await?;
                if claimed.rows_affected() == 1 {
                    return Ok(id);
                }
                // Another worker put it in a story first: use that one.
                sqlx::query("DELETE FROM stories WHERE id = $1").bind(id).execute(&mut **self).await?;
                self.story_of(article).await?.ok_or_else(|| Error::NotFound(format!("the story of article {article}")))
            }

            async fn merge(&mut self, gone: i64, into: i64, now: Timestamp) -> Result<()> {
                if gone == into {
                    return Ok(());
                }
                let first: Option<(i64,)> = sqlx::query_as("SELECT first_article_id FROM stories WHERE id = $1")
                    .bind(gone)
                    .fetch_optional(&mut **self)
                    .await?;
                let (first,) = first.ok_or_else(|| Error::NotFound(format!("story {gone}")))?;
                sqlx::query("UPDATE articles SET story_id = $1 WHERE story_id = $2")
                    .bind(into)
                    .bind(gone)
                    .execute(&mut **self)
                    .await?;
                sqlx::query("UPDATE story_redirects SET new_id = $1 WHERE new_id = $2")
                    .bind(into)
                    .bind(gone)
                    .execute(&mut **self)
                    .await?;
                sqlx::query("INSERT INTO story_redirects (old_id, new_id, merged_at) VALUES ($1, $2, $3)")
                    .bind(gone)
                    .bind(into)
                    .bind(micros(now))
                    .execute(&mut **self)
                    .await?;
                sqlx::query("DELETE FROM stories WHERE id = $1").bind(gone).execute(&mut **self).await?;
                // The merged story's first report is in `into` now; adding it again only refreshes.
                self.add(into, ArticleId(first)).await
            }

            async fn headline(&mut self, story: i64, article: ArticleId) -> Result<()> {
                sqlx::query(
                    "UPDATE stories SET title = (SELECT title FROM articles WHERE id = $2) \
                     WHERE id = $1 AND EXISTS (SELECT 1 FROM articles WHERE id = $2 AND story_id = $1)",
                )
                .bind(story)
                .bind(article.0)
                .execute(&mut **self)
                .await?;
                Ok(())
            }

            async fn placed(&mut self, articles: &[ArticleId]) -> Result<Option<i64>> {
                let Some(last) = articles.last() else { return Ok(None) };
                for chunk in articles.chunks(PLACED_PER_STATEMENT) {
                    // The highest number so far is read once per statement, so the chunk is
                    // numbered in its own order whatever order the rows are updated in.
                    let values: Vec<String> =
                        (0..chunk.len()).map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2)).collect();
                    let sql = format!(
                        "WITH v(id, n) AS (VALUES {}) \
                         UPDATE articles SET placed_seq = (SELECT COALESCE(MAX(placed_seq), 0) FROM articles) \
                         + (SELECT n FROM v WHERE v.id = articles.id) \
                         WHERE id IN (SELECT id FROM v) AND placed_seq IS NULL",
                        values.join(", ")
                    );
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                    for (n, article) in (1_i64..).zip(chunk) {
                        q = q.bind(article.0).bind(n);
                    }
                    q.execute(&mut **self).await?;
                }
                let (seq,): (Option<i64>,) = sqlx::query_as("SELECT placed_seq FROM articles WHERE id = $1")
                    .bind(last.0)
                    .fetch_optional(&mut **self)
                    .await?
                    .unwrap_or((None,));
                seq.map(Some).ok_or_else(|| Error::NotFound(format!("the placement of article {last}")))
            }
        }
    };
}

story_tx!(sqlx::Sqlite);
story_tx!(sqlx::Postgres);

/// Makes `writes` in order inside one transaction (the body of [`Store::record_decisions`]).
/// A macro rather than a function generic over [`StoryTx`]: the trait's async methods give
/// futures not known to be `Send`, and the engine runs its rounds' slots as spawned tasks.
macro_rules! record_body {
    ($tx:ident, $writes:expr, $now:expr) => {{
        let mut recorded = Recorded::default();
        let mut named: Vec<ArticleId> = Vec::new();
        // Numbered together at the end: nothing else in the transaction reads the numbers.
        let mut placed: Vec<ArticleId> = Vec::new();
        for write in $writes {
            match *write {
                StoryWrite::Join { story, article } => {
                    let story = match story {
                        StoryRef::Stored(s) => s.0,
                        StoryRef::OfArticle(a) => {
                            named.push(a);
                            $tx.story_or_start(a, $now).await?
                        }
                    };
                    $tx.add(story, article).await?;
                }
                StoryWrite::Merge { gone, into } => {
                    let (gone_story, into_story) = (resolve!($tx, gone, named), resolve!($tx, into, named));
                    match (gone, gone_story, into, into_story) {
                        (_, Some(g), _, Some(i)) => $tx.merge(g, i, $now).await?,
                        (StoryRef::OfArticle(a), None, _, Some(i)) => $tx.add(i, a).await?,
                        (_, Some(g), StoryRef::OfArticle(a), None) => {
                            // The stored story survives and takes the lone report, headline and all.
                            $tx.add(g, a).await?;
                            $tx.headline(g, a).await?;
                        }
                        (StoryRef::OfArticle(a), None, StoryRef::OfArticle(b), None) => {
                            let story = $tx.story_or_start(b, $now).await?;
                            $tx.add(story, a).await?;
                        }
                        // A stored story always resolves; nothing else is left.
                        _ => {}
                    }
                }
                StoryWrite::Headline { story, article } => {
                    if let Some(s) = resolve!($tx, story, named) {
                        $tx.headline(s, article).await?;
                    }
                }
                StoryWrite::Placed(article) => placed.push(article),
            }
        }
        recorded.last_placed = $tx.placed(&placed).await?;
        named.sort_unstable();
        named.dedup();
        for a in named {
            let story = $tx.story_of(a).await?;
            recorded.stories.push((a, story.map(StoryId)));
        }
        recorded
    }};
}

/// The stored story `r` names now, if any (noting an article it names).
macro_rules! resolve {
    ($tx:ident, $r:expr, $named:ident) => {
        match $r {
            StoryRef::Stored(s) => Some(s.0),
            StoryRef::OfArticle(a) => {
                $named.push(a);
                $tx.story_of(a).await?
            }
        }
    };
}

impl Store {
    /// Merges story `gone` into `into`: its articles move, its id redirects to `into` from now
    /// on (as do ids that redirected to it), and `into`'s first report and times are refreshed.
    pub async fn merge_stories(&self, gone: StoryId, into: StoryId, now: Timestamp) -> Result<()> {
        write_tx!(self, |tx| {
            tx.merge(gone.0, into.0, now).await?;
        });
        Ok(())
    }

    /// Makes `article`'s title the headline of `story`, when the article is in it: clustering
    /// chooses the most representative report, not the first.
    pub async fn set_story_headline(&self, story: StoryId, article: ArticleId) -> Result<()> {
        write_tx!(self, |tx| {
            tx.headline(story.0, article).await?;
        });
        Ok(())
    }

    /// Makes the writes of clustering decisions, in order, in one transaction: all or none. A
    /// batch of articles costs one commit, not one per write.
    pub async fn record_decisions(&self, writes: &[StoryWrite], now: Timestamp) -> Result<Recorded> {
        if writes.is_empty() {
            return Ok(Recorded::default());
        }
        Ok(write_tx!(self, |tx| { record_body!(tx, writes, now) }))
    }

    /// The story a merged story's id now leads to, if it was merged.
    pub async fn story_redirect(&self, id: StoryId) -> Result<Option<StoryId>> {
        let row: Option<(i64,)> = read!(self, |pool| {
            sqlx::query_as("SELECT new_id FROM story_redirects WHERE old_id = $1")
                .bind(id.0)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(|(id,)| StoryId(id)))
    }
}
