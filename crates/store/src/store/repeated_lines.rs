//! Each outlet's repeated lines: paragraph fingerprints of its recent articles, and the lines
//! taken out of its new articles because they recur (see `tidings_html::repeated_lines`).

use std::collections::HashMap;

use jiff::Timestamp;
use tidings_core::OutletId;

use super::{BATCH, Backend, Store, placeholders};
use crate::Result;
use crate::rows::{micros, ts};

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

    /// Records the paragraph fingerprints of an outlet's new articles (`(address, fingerprints)`,
    /// in one transaction), and forgets those of its articles older than the newest `keep`.
    pub async fn record_fingerprints(
        &self,
        outlet: OutletId,
        articles: &[(&str, &[i64])],
        now: Timestamp,
        keep: i64,
    ) -> Result<()> {
        if articles.is_empty() {
            return Ok(());
        }
        write_tx!(self, |tx| {
            for (article_url, fingerprints) in articles {
                // One statement for many rows: on PostgreSQL each statement is a round trip.
                for chunk in fingerprints.chunks(BATCH) {
                    let rows: Vec<String> =
                        (0..chunk.len()).map(|i| format!("($1, $2, {}, $3)", placeholders(i + 4, 1))).collect();
                    let sql = format!(
                        "INSERT INTO paragraph_fingerprints (outlet_id, article_url, fingerprint, seen_at) VALUES {}",
                        rows.join(", ")
                    );
                    let mut q =
                        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(outlet.0).bind(*article_url).bind(micros(now));
                    for f in chunk {
                        q = q.bind(f);
                    }
                    q.execute(&mut *tx).await?;
                }
            }
            sqlx::query(
                "DELETE FROM paragraph_fingerprints WHERE outlet_id = $1 AND article_url NOT IN \
                 (SELECT article_url FROM paragraph_fingerprints WHERE outlet_id = $1 \
                 GROUP BY article_url ORDER BY MAX(seen_at) DESC LIMIT $2)",
            )
            .bind(outlet.0)
            .bind(keep)
            .execute(&mut *tx)
            .await?;
        });
        Ok(())
    }

    /// Notes that `lines` (fingerprint and text) were taken out of one of an outlet's articles.
    pub async fn record_removed_lines(&self, outlet: OutletId, lines: &[(i64, String)], now: Timestamp) -> Result<()> {
        write_tx!(self, |tx| {
            for (fingerprint, line) in lines {
                sqlx::query(
                    "INSERT INTO repeated_lines (outlet_id, fingerprint, line, removed_count, last_removed_at) \
                     VALUES ($1, $2, $3, 1, $4) ON CONFLICT (outlet_id, fingerprint) DO UPDATE SET \
                     removed_count = repeated_lines.removed_count + 1, line = excluded.line, \
                     last_removed_at = excluded.last_removed_at",
                )
                .bind(outlet.0)
                .bind(fingerprint)
                .bind(line)
                .bind(micros(now))
                .execute(&mut *tx)
                .await?;
            }
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
