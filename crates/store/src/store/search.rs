//! What the search index is fed: articles in id order with their outlet's category, and the
//! stories matches belong to now.

use std::collections::HashMap;

use jiff::Timestamp;
use tidings_core::{ArticleId, OutletId, StoryId};

use super::{BATCH, Backend, Store, placeholders};
use crate::Result;
use crate::rows::ts;

/// An article as the search index reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexEntry {
    /// The article.
    pub id: ArticleId,
    /// Its outlet.
    pub outlet_id: OutletId,
    /// The outlet's name.
    pub outlet_name: String,
    /// The outlet's category.
    pub category: Option<String>,
    /// Headline.
    pub title: String,
    /// Body text.
    pub text: String,
    /// Bylines.
    pub authors: Vec<String>,
    /// Language tag.
    pub lang: Option<String>,
    /// Publication time, else when it was stored.
    pub time: Timestamp,
    /// Its story.
    pub story_id: Option<StoryId>,
}

type EntryRow = (i64, i64, String, Option<String>, String, String, String, Option<String>, i64, Option<i64>);

impl Store {
    /// Articles stored after `after`, in id order, at most `limit`.
    pub async fn index_entries_after(&self, after: ArticleId, limit: i64) -> Result<Vec<IndexEntry>> {
        let rows: Vec<EntryRow> = read!(self, |pool| {
            sqlx::query_as(
                "SELECT a.id, a.outlet_id, o.name, o.category, a.title, a.content_text, a.authors, a.lang, \
                 a.sort_at, a.story_id FROM articles a JOIN outlets o ON o.id = a.outlet_id \
                 WHERE a.id > $1 ORDER BY a.id LIMIT $2",
            )
            .bind(after.0)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, outlet, outlet_name, category, title, text, authors, lang, sort_at, story)| IndexEntry {
                id: ArticleId(id),
                outlet_id: OutletId(outlet),
                outlet_name,
                category,
                title,
                text,
                authors: authors.lines().filter(|l| !l.is_empty()).map(str::to_string).collect(),
                lang,
                time: ts(sort_at),
                story_id: story.map(StoryId),
            })
            .collect())
    }

    /// The story each of `ids` is in now; an article the store does not hold is left out.
    pub async fn stories_of(&self, ids: &[ArticleId]) -> Result<HashMap<ArticleId, Option<StoryId>>> {
        let mut out = HashMap::with_capacity(ids.len());
        // SQLite would read each article's row by its id, overflow pages and all (migration 14).
        let from = match self.backend {
            Backend::Sqlite { .. } => "articles INDEXED BY articles_story_lookup",
            Backend::Postgres(_) => "articles",
        };
        // Bounded batches keep under both backends' limits on bound parameters.
        for batch in ids.chunks(BATCH) {
            let marks = placeholders(1, batch.len());
            let sql = format!("SELECT id, story_id FROM {from} WHERE id IN ({marks})");
            let rows: Vec<(i64, Option<i64>)> = read!(self, |pool| {
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
                for id in batch {
                    q = q.bind(id.0);
                }
                q.fetch_all(pool).await?
            });
            out.extend(rows.into_iter().map(|(id, story)| (ArticleId(id), story.map(StoryId))));
        }
        Ok(out)
    }
}
