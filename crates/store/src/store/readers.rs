//! Each reader's own state (read, starred, labels, "mark all as read", followed and muted
//! outlets and stories) and the one query builder reader apps page through.
//!
//! An article is read when its explicit row says so, else when it was fetched no later than a
//! mark that covers it (everything, its outlet or its story). Marks compare the fetch time, not
//! the publication time: an app that marks all as read up to the newest article it has seen
//! must not mark an article that arrived later with an older date (FreshRSS's reasoning for
//! `timestampUsec`, and the Fever sync bug Miniflux once had).

use std::collections::HashMap;

use jiff::Timestamp;
use sqlx::AssertSqlSafe;
use tidings_core::{Article, ArticleId, OutletId, StoryId, storable_text as text};

use super::Backend;
use crate::OutletHealth;
use crate::rows::{ArticleRow, OutletFeedRow, micros, ts};
use crate::{Error, Result, Store};

/// Which articles a reader query starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Every outlet and story the reader has not muted (the "reading list").
    Subscriptions,
    /// Every article, muted or not (for starred, read and labelled articles).
    Everything,
    /// One outlet's articles.
    Outlet(OutletId),
    /// The articles of the outlets filed under one category.
    Category(String),
    /// One story's articles.
    Story(StoryId),
}

/// A reader's query over articles, newest arrival first unless `oldest_first`.
#[derive(Debug, Clone)]
pub struct ReaderQuery {
    /// Whose state.
    pub user: i64,
    /// Where from.
    pub source: Source,
    /// Only read (`Some(true)`) or unread (`Some(false)`) articles.
    pub read: Option<bool>,
    /// Only starred or not starred articles.
    pub starred: Option<bool>,
    /// Only articles the reader gave this label.
    pub label: Option<String>,
    /// Fetched at or after this time.
    pub fetched_since: Option<Timestamp>,
    /// Fetched at or before this time.
    pub fetched_until: Option<Timestamp>,
    /// Only ids above this one (ascending order) or below it (descending): a continuation.
    pub after: Option<ArticleId>,
    /// Only ids at most this one.
    pub max_id: Option<ArticleId>,
    /// Only these articles.
    pub ids: Option<Vec<ArticleId>>,
    /// Oldest first.
    pub oldest_first: bool,
    /// At most this many.
    pub limit: i64,
}

impl ReaderQuery {
    /// Every article of `source` for `user`, newest first, at most `limit`.
    pub fn new(user: i64, source: Source, limit: i64) -> Self {
        Self {
            user,
            source,
            read: None,
            starred: None,
            label: None,
            fetched_since: None,
            fetched_until: None,
            after: None,
            max_id: None,
            ids: None,
            oldest_first: false,
            limit,
        }
    }
}

/// An article as one reader's query found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemRef {
    /// The article.
    pub id: ArticleId,
    /// Its outlet.
    pub outlet_id: OutletId,
    /// When Tidings fetched it.
    pub fetched_at: Timestamp,
    /// Read by this reader.
    pub read: bool,
    /// Starred by this reader.
    pub starred: bool,
}

/// An article with one reader's state.
#[derive(Debug, Clone)]
pub struct ReaderArticle {
    /// The article.
    pub article: Article,
    /// Read.
    pub read: bool,
    /// Starred.
    pub starred: bool,
    /// The reader's labels on it.
    pub labels: Vec<String>,
}

/// What "mark all as read" covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkScope {
    /// Everything.
    All,
    /// One outlet.
    Outlet(OutletId),
    /// The outlets of one category.
    Category(String),
    /// One story.
    Story(StoryId),
}

/// What a reader follows or mutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FollowTarget {
    /// An outlet.
    Outlet(OutletId),
    /// A story.
    Story(StoryId),
}

/// Followed (shown and marked as the reader's own) or muted (left out of the reading list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowState {
    /// Followed.
    Follow,
    /// Muted.
    Mute,
}

impl FollowTarget {
    fn parts(self) -> (&'static str, i64) {
        match self {
            FollowTarget::Outlet(o) => ("outlet", o.0),
            FollowTarget::Story(s) => ("story", s.0),
        }
    }
}

impl FollowState {
    fn as_str(self) -> &'static str {
        match self {
            FollowState::Follow => "follow",
            FollowState::Mute => "mute",
        }
    }
}

/// Unread articles of one outlet for one reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnreadCount {
    /// The outlet.
    pub outlet_id: OutletId,
    /// Unread articles.
    pub count: i64,
    /// Arrival of its newest unread article.
    pub newest: Timestamp,
}

/// The read state of an article for the reader `$1`, as SQL.
const READ_EXPR: &str = "COALESCE(rs.read, CASE WHEN a.fetched_at <= COALESCE(ma.up_to, -1) \
     OR a.fetched_at <= COALESCE(mo.up_to, -1) OR a.fetched_at <= COALESCE(ms.up_to, -1) THEN 1 ELSE 0 END)";

/// Joins the reader `$1`'s state and marks onto `articles a`.
const STATE_JOINS: &str = "LEFT JOIN reader_state rs ON rs.user_id = $1 AND rs.article_id = a.id \
     LEFT JOIN reader_marks ma ON ma.user_id = $1 AND ma.kind = 'all' AND ma.target = 0 \
     LEFT JOIN reader_marks mo ON mo.user_id = $1 AND mo.kind = 'outlet' AND mo.target = a.outlet_id \
     LEFT JOIN reader_marks ms ON ms.user_id = $1 AND ms.kind = 'story' AND ms.target = a.story_id";

/// Muted outlets and stories of the reader `$1` left out, as SQL conditions on `articles a`.
const NOT_MUTED: &str = "a.outlet_id NOT IN (SELECT target FROM reader_follows WHERE user_id = $1 \
     AND kind = 'outlet' AND state = 'mute') AND (a.story_id IS NULL OR a.story_id NOT IN \
     (SELECT target FROM reader_follows WHERE user_id = $1 AND kind = 'story' AND state = 'mute'))";

/// A value bound to a built query.
#[derive(Debug, Clone)]
enum Param {
    Int(i64),
    Text(String),
}

/// SQL text with its parameters, `$1` always the reader.
#[derive(Debug)]
struct Built {
    sql: String,
    params: Vec<Param>,
}

impl Built {
    fn new(user: i64) -> Self {
        Self { sql: String::new(), params: vec![Param::Int(user)] }
    }

    /// Binds `p` and gives its placeholder.
    fn bind(&mut self, p: Param) -> String {
        self.params.push(p);
        format!("${}", self.params.len())
    }
}

/// Binds `$params` to `$query` in order, whatever the backend.
macro_rules! bind_all {
    ($query:expr, $params:expr) => {{
        let mut q = $query;
        for p in $params {
            q = match p {
                Param::Int(v) => q.bind(*v),
                Param::Text(v) => q.bind(v.clone()),
            };
        }
        q
    }};
}

/// The id list as placeholders, bound in `b`.
fn id_list(b: &mut Built, ids: &[ArticleId]) -> String {
    let places: Vec<String> = ids.iter().map(|id| b.bind(Param::Int(id.0))).collect();
    places.join(", ")
}

/// The query's `SELECT a.id, a.outlet_id, a.fetched_at, read, starred …` statement.
fn build(q: &ReaderQuery) -> Built {
    let mut b = Built::new(q.user);
    let mut conditions: Vec<String> = Vec::new();
    match &q.source {
        Source::Subscriptions => conditions.push(NOT_MUTED.to_string()),
        Source::Everything => {}
        Source::Outlet(o) => {
            let p = b.bind(Param::Int(o.0));
            conditions.push(format!("a.outlet_id = {p}"));
        }
        Source::Category(c) => {
            let p = b.bind(Param::Text(text(c).into_owned()));
            conditions.push(format!("a.outlet_id IN (SELECT id FROM outlets WHERE category = {p})"));
        }
        Source::Story(s) => {
            let p = b.bind(Param::Int(s.0));
            conditions.push(format!("a.story_id = {p}"));
        }
    }
    if let Some(read) = q.read {
        let p = b.bind(Param::Int(i64::from(read)));
        conditions.push(format!("{READ_EXPR} = {p}"));
    }
    if let Some(starred) = q.starred {
        let p = b.bind(Param::Int(i64::from(starred)));
        conditions.push(format!("COALESCE(rs.starred, 0) = {p}"));
    }
    if let Some(label) = &q.label {
        let p = b.bind(Param::Text(text(label).into_owned()));
        conditions.push(format!(
            "EXISTS (SELECT 1 FROM reader_labels l WHERE l.user_id = $1 AND l.article_id = a.id AND l.label = {p})"
        ));
    }
    if let Some(since) = q.fetched_since {
        let p = b.bind(Param::Int(micros(since)));
        conditions.push(format!("a.fetched_at >= {p}"));
    }
    if let Some(until) = q.fetched_until {
        let p = b.bind(Param::Int(micros(until)));
        conditions.push(format!("a.fetched_at <= {p}"));
    }
    if let Some(after) = q.after {
        let p = b.bind(Param::Int(after.0));
        conditions.push(format!("a.id {} {p}", if q.oldest_first { ">" } else { "<" }));
    }
    if let Some(max) = q.max_id {
        let p = b.bind(Param::Int(max.0));
        conditions.push(format!("a.id <= {p}"));
    }
    if let Some(ids) = &q.ids {
        if ids.is_empty() {
            conditions.push("1 = 0".to_string());
        } else {
            let list = id_list(&mut b, ids);
            conditions.push(format!("a.id IN ({list})"));
        }
    }
    let limit = b.bind(Param::Int(q.limit.max(0)));
    let filter = if conditions.is_empty() { String::new() } else { format!("WHERE {}", conditions.join(" AND ")) };
    b.sql = format!(
        "SELECT a.id, a.outlet_id, a.fetched_at, {READ_EXPR} AS is_read, COALESCE(rs.starred, 0) AS starred \
         FROM articles a {STATE_JOINS} {filter} ORDER BY a.id {} LIMIT {limit}",
        if q.oldest_first { "ASC" } else { "DESC" }
    );
    b
}

type RefRow = (i64, i64, i64, i64, i64);

fn item_ref((id, outlet, fetched, read, starred): RefRow) -> ItemRef {
    ItemRef {
        id: ArticleId(id),
        outlet_id: OutletId(outlet),
        fetched_at: ts(fetched),
        read: read != 0,
        starred: starred != 0,
    }
}

impl Store {
    /// Every outlet with its feed, by name, without counting articles (`article_count` is 0):
    /// what reader apps ask for at every sync, where counting 100,000 articles would dominate.
    pub async fn outlets_uncounted(&self) -> Result<Vec<OutletHealth>> {
        let rows: Vec<OutletFeedRow> = read!(self, |pool| {
            sqlx::query_as(concat!(outlet_select!(uncounted), " ORDER BY o.name, o.id")).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(super::health).collect())
    }

    /// The articles `q` finds, with the reader's read and starred state.
    pub async fn reader_items(&self, q: &ReaderQuery) -> Result<Vec<ItemRef>> {
        let built = build(q);
        let rows: Vec<RefRow> = read!(self, |pool| {
            bind_all!(sqlx::query_as(AssertSqlSafe(built.sql.clone())), &built.params).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(item_ref).collect())
    }

    /// These articles with `user`'s state and labels, in the order given (unknown ids are
    /// left out).
    pub async fn reader_articles(&self, user: i64, ids: &[ArticleId]) -> Result<Vec<ReaderArticle>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut state_query = ReaderQuery::new(user, Source::Everything, ids.len() as i64);
        state_query.ids = Some(ids.to_vec());
        let mut states: HashMap<ArticleId, ItemRef> =
            self.reader_items(&state_query).await?.into_iter().map(|r| (r.id, r)).collect();
        let found: Vec<ItemRef> = ids.iter().filter_map(|id| states.remove(id)).collect();
        self.reader_articles_found(user, &found).await
    }

    /// The articles a [`Store::reader_items`] query found, in its order, with the state it
    /// read and `user`'s labels: reader apps' pages, which need not read the state twice.
    pub async fn reader_articles_found(&self, user: i64, found: &[ItemRef]) -> Result<Vec<ReaderArticle>> {
        if found.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<ArticleId> = found.iter().map(|r| r.id).collect();
        let mut of_articles = Built { sql: String::new(), params: Vec::new() };
        of_articles.sql = format!(concat!(article_select!(), " WHERE a.id IN ({})"), id_list(&mut of_articles, &ids));
        let mut of_labels = Built::new(user);
        of_labels.sql = format!(
            "SELECT article_id, label FROM reader_labels WHERE user_id = $1 AND article_id IN ({})",
            id_list(&mut of_labels, &ids)
        );
        let (rows, labels): (Vec<ArticleRow>, Vec<(i64, String)>) = read!(self, |pool| {
            (
                bind_all!(sqlx::query_as(AssertSqlSafe(of_articles.sql.clone())), &of_articles.params)
                    .fetch_all(pool)
                    .await?,
                bind_all!(sqlx::query_as(AssertSqlSafe(of_labels.sql.clone())), &of_labels.params)
                    .fetch_all(pool)
                    .await?,
            )
        });
        let mut by_id: HashMap<ArticleId, Article> = rows.into_iter().map(Article::from).map(|a| (a.id, a)).collect();
        let mut labels_of: HashMap<i64, Vec<String>> = HashMap::new();
        for (article, label) in labels {
            labels_of.entry(article).or_default().push(label);
        }
        Ok(found
            .iter()
            .filter_map(|state| {
                let article = by_id.remove(&state.id)?;
                let mut labels = labels_of.remove(&state.id.0).unwrap_or_default();
                labels.sort();
                Some(ReaderArticle { article, read: state.read, starred: state.starred, labels })
            })
            .collect())
    }

    /// Marks articles read or unread for `user`.
    pub async fn set_read(&self, user: i64, ids: &[ArticleId], read: bool, now: Timestamp) -> Result<()> {
        self.set_state(user, ids, "read", i64::from(read), now).await
    }

    /// Stars or unstars articles for `user`.
    pub async fn set_starred(&self, user: i64, ids: &[ArticleId], starred: bool, now: Timestamp) -> Result<()> {
        self.set_state(user, ids, "starred", i64::from(starred), now).await
    }

    async fn set_state(&self, user: i64, ids: &[ArticleId], column: &str, value: i64, now: Timestamp) -> Result<()> {
        // `column` is one of two names written in this file, never outside input.
        let starred_at = if column == "starred" { ", starred_at = excluded.starred_at" } else { "" };
        let sql = format!(
            "INSERT INTO reader_state (user_id, article_id, {column}, starred_at, changed_at) \
             SELECT $1, id, $3, $4, $5 FROM articles WHERE id = $2 \
             ON CONFLICT (user_id, article_id) DO UPDATE SET {column} = excluded.{column}, \
             changed_at = excluded.changed_at{starred_at}"
        );
        let starred_at = (column == "starred" && value == 1).then_some(micros(now));
        write_tx!(self, |tx| {
            for id in ids {
                sqlx::query(AssertSqlSafe(sql.clone()))
                    .bind(user)
                    .bind(id.0)
                    .bind(value)
                    .bind(starred_at)
                    .bind(micros(now))
                    .execute(&mut *tx)
                    .await?;
            }
        });
        Ok(())
    }

    /// Marks everything in `scope` fetched up to `up_to` as read for `user`; articles marked
    /// unread by hand before are read again, articles fetched later stay as they are.
    pub async fn mark_all_read(&self, user: i64, scope: &MarkScope, up_to: Timestamp) -> Result<()> {
        let up_to = micros(up_to);
        write_tx!(self, |tx| {
            let marks: Vec<(&str, i64)> = match scope {
                MarkScope::All => vec![("all", 0)],
                MarkScope::Outlet(o) => vec![("outlet", o.0)],
                MarkScope::Story(s) => vec![("story", s.0)],
                MarkScope::Category(c) => {
                    let outlets: Vec<(i64,)> = sqlx::query_as("SELECT id FROM outlets WHERE category = $1")
                        .bind(text(c))
                        .fetch_all(&mut *tx)
                        .await?;
                    outlets.into_iter().map(|(id,)| ("outlet", id)).collect()
                }
            };
            for (kind, target) in marks {
                sqlx::query(
                    "INSERT INTO reader_marks (user_id, kind, target, up_to) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (user_id, kind, target) DO UPDATE SET up_to = \
                     CASE WHEN excluded.up_to > reader_marks.up_to THEN excluded.up_to ELSE reader_marks.up_to END",
                )
                .bind(user)
                .bind(kind)
                .bind(target)
                .bind(up_to)
                .execute(&mut *tx)
                .await?;
                let covered = match kind {
                    "all" => "SELECT id FROM articles WHERE fetched_at <= $2 AND $3 = 0",
                    "outlet" => "SELECT id FROM articles WHERE fetched_at <= $2 AND outlet_id = $3",
                    _ => "SELECT id FROM articles WHERE fetched_at <= $2 AND story_id = $3",
                };
                sqlx::query(AssertSqlSafe(format!(
                    "UPDATE reader_state SET read = NULL WHERE user_id = $1 AND read IS NOT NULL AND article_id IN ({covered})"
                )))
                .bind(user)
                .bind(up_to)
                .bind(target)
                .execute(&mut *tx)
                .await?;
            }
        });
        Ok(())
    }

    /// Unread articles per outlet the reader has not muted.
    pub async fn unread_counts(&self, user: i64) -> Result<Vec<UnreadCount>> {
        let sql = format!(
            "SELECT a.outlet_id, COUNT(*), MAX(a.fetched_at) FROM articles a {STATE_JOINS} \
             WHERE {NOT_MUTED} AND {READ_EXPR} = 0 GROUP BY a.outlet_id ORDER BY a.outlet_id"
        );
        let rows: Vec<(i64, i64, i64)> =
            read!(self, |pool| sqlx::query_as(AssertSqlSafe(sql.clone())).bind(user).fetch_all(pool).await?);
        Ok(rows
            .into_iter()
            .map(|(outlet, count, newest)| UnreadCount { outlet_id: OutletId(outlet), count, newest: ts(newest) })
            .collect())
    }

    /// Follows, mutes or (with `None`) forgets an outlet or story for `user`.
    pub async fn set_follow(
        &self,
        user: i64,
        target: FollowTarget,
        state: Option<FollowState>,
        now: Timestamp,
    ) -> Result<()> {
        let (kind, id) = target.parts();
        write_tx!(self, |tx| {
            let table = if kind == "outlet" { "outlets" } else { "stories" };
            let exists: Option<(i64,)> = sqlx::query_as(AssertSqlSafe(format!("SELECT id FROM {table} WHERE id = $1")))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            if exists.is_none() {
                return Err(Error::NotFound(format!("{kind} {id}")));
            }
            match state {
                Some(state) => {
                    sqlx::query(
                        "INSERT INTO reader_follows (user_id, kind, target, state, changed_at) VALUES ($1, $2, $3, $4, $5) \
                         ON CONFLICT (user_id, kind, target) DO UPDATE SET state = excluded.state, changed_at = excluded.changed_at",
                    )
                    .bind(user)
                    .bind(kind)
                    .bind(id)
                    .bind(state.as_str())
                    .bind(micros(now))
                    .execute(&mut *tx)
                    .await?;
                }
                None => {
                    sqlx::query("DELETE FROM reader_follows WHERE user_id = $1 AND kind = $2 AND target = $3")
                        .bind(user)
                        .bind(kind)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
            }
        });
        Ok(())
    }

    /// Everything `user` follows or mutes.
    pub async fn follows(&self, user: i64) -> Result<HashMap<FollowTarget, FollowState>> {
        let rows: Vec<(String, i64, String)> = read!(self, |pool| {
            sqlx::query_as("SELECT kind, target, state FROM reader_follows WHERE user_id = $1")
                .bind(user)
                .fetch_all(pool)
                .await?
        });
        Ok(rows
            .into_iter()
            .map(|(kind, target, state)| {
                let target = if kind == "outlet" {
                    FollowTarget::Outlet(OutletId(target))
                } else {
                    FollowTarget::Story(StoryId(target))
                };
                let state = if state == "mute" { FollowState::Mute } else { FollowState::Follow };
                (target, state)
            })
            .collect())
    }

    /// Gives (`add`) or takes away a label on articles for `user`.
    pub async fn set_label(&self, user: i64, ids: &[ArticleId], label: &str, add: bool) -> Result<()> {
        let label = text(label);
        write_tx!(self, |tx| {
            for id in ids {
                let sql = if add {
                    "INSERT INTO reader_labels (user_id, article_id, label) SELECT $1, id, $3 FROM articles \
                     WHERE id = $2 ON CONFLICT DO NOTHING"
                } else {
                    "DELETE FROM reader_labels WHERE user_id = $1 AND article_id = $2 AND label = $3"
                };
                sqlx::query(sql).bind(user).bind(id.0).bind(&label).execute(&mut *tx).await?;
            }
        });
        Ok(())
    }

    /// The labels `user` gave, with how many articles carry each, by name.
    pub async fn labels(&self, user: i64) -> Result<Vec<(String, i64)>> {
        let rows: Vec<(String, i64)> = read!(self, |pool| {
            sqlx::query_as("SELECT label, COUNT(*) FROM reader_labels WHERE user_id = $1 GROUP BY label ORDER BY label")
                .bind(user)
                .fetch_all(pool)
                .await?
        });
        Ok(rows)
    }

    /// Removes a label from every article of `user`.
    pub async fn delete_label(&self, user: i64, label: &str) -> Result<()> {
        write_tx!(self, |tx| {
            sqlx::query("DELETE FROM reader_labels WHERE user_id = $1 AND label = $2")
                .bind(user)
                .bind(text(label))
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }
}
