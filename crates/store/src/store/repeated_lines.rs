//! Each outlet's repeated lines: paragraph fingerprints of its recent articles, and the lines
//! taken out of its new articles because they recur (see `tidings_html::repeated_lines`).

use std::collections::HashMap;

use jiff::Timestamp;
use tidings_core::OutletId;

use super::{Backend, Store};
use crate::Result;
use crate::rows::ts;

/// What an outlet's new articles add to its paragraph history: their paragraph fingerprints,
/// and the lines taken out of them because they recur.
#[derive(Debug, Clone, Copy)]
pub struct ParagraphHistory<'a> {
    /// The outlet.
    pub outlet: OutletId,
    /// Each new article's address with its paragraphs' fingerprints.
    pub articles: &'a [(String, Vec<i64>)],
    /// The lines taken out: fingerprint and text.
    pub removed: &'a [(i64, String)],
    /// The outlet's newest articles whose fingerprints are kept; older ones are forgotten.
    pub keep: i64,
    /// When.
    pub now: Timestamp,
}

/// A line an outlet repeats in its articles, which Tidings takes out of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepeatedLine {
    /// The line as the last article that had it wrote it.
    pub line: String,
    /// How many articles it was taken out of.
    pub removed_count: i64,
    /// When it was last taken out.
    pub last_removed_at: Timestamp,
}

impl Store {
    /// The paragraph fingerprints of an outlet's `articles` most recent articles, one list each,
    /// oldest first.
    pub async fn recent_fingerprints(&self, outlet: OutletId, articles: i64) -> Result<Vec<Vec<i64>>> {
        let rows: Vec<(String, i64, i64)> = read!(self, |pool| {
            sqlx::query_as(
                "SELECT article_url, fingerprint, seen_at FROM paragraph_fingerprints WHERE outlet_id = $1 \
                 AND article_url IN (SELECT article_url FROM paragraph_fingerprints WHERE outlet_id = $1 \
                 GROUP BY article_url ORDER BY MAX(seen_at) DESC LIMIT $2)",
            )
            .bind(outlet.0)
            .bind(articles)
            .fetch_all(pool)
            .await?
        });
        let mut by_article: HashMap<String, (i64, Vec<i64>)> = HashMap::new();
        for (url, fingerprint, seen_at) in rows {
            let entry = by_article.entry(url).or_insert((seen_at, Vec::new()));
            entry.0 = entry.0.max(seen_at);
            entry.1.push(fingerprint);
        }
        let mut ordered: Vec<(i64, String, Vec<i64>)> =
            by_article.into_iter().map(|(url, (seen, fingerprints))| (seen, url, fingerprints)).collect();
        ordered.sort_unstable();
        Ok(ordered.into_iter().map(|(_, _, fingerprints)| fingerprints).collect())
    }

    /// Records an outlet's paragraph history in one transaction (when a batch of its articles
    /// could not be stored with it, see [`Store::insert_articles_with`]).
    pub async fn record_paragraph_history(&self, history: &ParagraphHistory<'_>) -> Result<()> {
        if history.articles.is_empty() && history.removed.is_empty() {
            return Ok(());
        }
        write_tx!(self, |tx| {
            paragraphs_in_tx!(tx, history);
        });
        Ok(())
    }

    /// The lines taken out of an outlet's articles, most often first.
    pub async fn repeated_lines(&self, outlet: OutletId) -> Result<Vec<RepeatedLine>> {
        let rows: Vec<(String, i64, i64)> = read!(self, |pool| {
            sqlx::query_as(
                "SELECT line, removed_count, last_removed_at FROM repeated_lines WHERE outlet_id = $1 \
                 ORDER BY removed_count DESC, last_removed_at DESC",
            )
            .bind(outlet.0)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(line, removed_count, at)| RepeatedLine { line, removed_count, last_removed_at: ts(at) })
            .collect())
    }
}
