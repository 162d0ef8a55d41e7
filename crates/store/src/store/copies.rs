//! Republished copies: an article's MinHash signature and band keys (computed by
//! `tidings_text::CopySignature`; the store only keeps them), and the copies of an article other
//! outlets published, kept as credits of the one stored article.

use std::collections::HashMap;

use jiff::Timestamp;
use tidings_core::{ArticleId, OutletId, storable_text as text};

use super::{BATCH, Backend, placeholders, web_address};
use crate::rows::{micros, ts};
use crate::{Result, Store};

/// An article text's signature as the store keeps it: hexadecimal, and its band keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyPrint {
    /// The signature, hexadecimal.
    pub signature: String,
    /// Its band keys: an article that may be a copy shares one.
    pub bands: Vec<i64>,
}

/// A copy of a stored article to record.
#[derive(Debug, Clone)]
pub struct NewCopy {
    /// The outlet that published it.
    pub outlet_id: OutletId,
    /// Where it was fetched from.
    pub url: String,
    /// Its canonical address (unique among articles and copies).
    pub canonical_url: String,
    /// Its headline there.
    pub title: String,
    /// When that outlet published it.
    pub published_at: Option<Timestamp>,
    /// When it was fetched.
    pub fetched_at: Timestamp,
}

/// A copy of an article, as its pages credit it.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleCopy {
    /// The article it is a copy of.
    pub article_id: ArticleId,
    /// The outlet that published it.
    pub outlet_id: OutletId,
    /// That outlet's name.
    pub outlet_name: String,
    /// Its address there.
    pub url: String,
    /// Its headline there.
    pub title: String,
    /// When it was published there (or fetched, when the feed gave no time).
    pub time: Timestamp,
}

/// A row of `article_copies` with its outlet's name: article, outlet, name, address, headline,
/// publication and fetch times.
type CopyRow = (i64, i64, String, String, String, Option<i64>, i64);

/// Candidates looked at per new article at most: an article shares a band with few others.
const CANDIDATES: usize = 50;
/// Band rows read per new article at most (a band most texts share, such as a short stock
/// line's, must not make one lookup read the whole table).
const SHARERS: i64 = 5_000;

impl Store {
    /// For each new text (its band keys), the stored articles sharing one of its bands, with
    /// their signatures, newest first: the ones it may be a copy of. Two queries for all the
    /// texts, not two per text.
    ///
    /// Two lookups by key, so the cost stays the same however many articles are stored: asked
    /// in one query (`id IN (…bands…) ORDER BY id DESC LIMIT`), PostgreSQL walked every band
    /// row backwards by article to find the newest few (4 ms at 3,700 articles, growing).
    pub async fn copy_candidates_of(&self, texts: &[&[i64]]) -> Result<Vec<Vec<(ArticleId, String)>>> {
        let mut bands: Vec<i64> = texts.iter().flat_map(|b| b.iter().copied()).collect();
        bands.sort_unstable();
        bands.dedup();
        let mut sharers: HashMap<i64, Vec<i64>> = HashMap::new();
        for chunk in bands.chunks(BATCH) {
            let sql = format!(
                "SELECT band, article_id FROM article_bands WHERE band IN ({}) LIMIT $1",
                placeholders(2, chunk.len())
            );
            let rows: Vec<(i64, i64)> = read!(self, |pool| {
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(SHARERS * texts.len() as i64);
                for band in chunk {
                    q = q.bind(band);
                }
                q.fetch_all(pool).await?
            });
            for (band, article) in rows {
                sharers.entry(band).or_default().push(article);
            }
        }
        let per_text: Vec<Vec<i64>> = texts
            .iter()
            .map(|bands| {
                let mut ids: Vec<i64> = bands.iter().filter_map(|b| sharers.get(b)).flatten().copied().collect();
                ids.sort_unstable_by(|a, b| b.cmp(a));
                ids.dedup();
                ids.truncate(CANDIDATES);
                ids
            })
            .collect();
        let mut ids: Vec<i64> = per_text.iter().flatten().copied().collect();
        ids.sort_unstable();
        ids.dedup();
        let mut signatures: HashMap<i64, String> = HashMap::new();
        for chunk in ids.chunks(BATCH) {
            let sql = format!(
                "SELECT id, copy_signature FROM articles WHERE copy_signature IS NOT NULL AND id IN ({})",
                placeholders(1, chunk.len())
            );
            let rows: Vec<(i64, String)> = read!(self, |pool| {
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
                for id in chunk {
                    q = q.bind(id);
                }
                q.fetch_all(pool).await?
            });
            signatures.extend(rows);
        }
        Ok(per_text
            .into_iter()
            .map(|ids| ids.into_iter().filter_map(|id| Some((ArticleId(id), signatures.get(&id)?.clone()))).collect())
            .collect())
    }

    /// Records `copy` as a copy of `article`; false when its address is stored already (as an
    /// article or a copy).
    pub async fn add_copy(&self, article: ArticleId, copy: &NewCopy) -> Result<bool> {
        let url = web_address(&copy.url, "article")?;
        let added: Option<(i64,)> = write_tx!(self, |tx| {
            let known: Option<(i64,)> = sqlx::query_as("SELECT id FROM articles WHERE canonical_url = $1")
                .bind(text(&copy.canonical_url))
                .fetch_optional(&mut *tx)
                .await?;
            if known.is_some() {
                None
            } else {
                sqlx::query_as(
                    "INSERT INTO article_copies (article_id, outlet_id, url, canonical_url, title, published_at, \
                     fetched_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING id",
                )
                .bind(article.0)
                .bind(copy.outlet_id.0)
                .bind(&url)
                .bind(text(&copy.canonical_url))
                .bind(text(&copy.title))
                .bind(copy.published_at.map(micros))
                .bind(micros(copy.fetched_at))
                .fetch_optional(&mut *tx)
                .await?
            }
        });
        Ok(added.is_some())
    }

    /// The copies of these articles, earliest first.
    pub async fn copies_of(&self, articles: &[ArticleId]) -> Result<Vec<ArticleCopy>> {
        if articles.is_empty() {
            return Ok(Vec::new());
        }
        let mut rows: Vec<CopyRow> = Vec::new();
        // Bounded batches keep under both backends' limits on bound parameters.
        for batch in articles.chunks(BATCH) {
            let marks = placeholders(1, batch.len());
            let sql = format!(
                "SELECT c.article_id, c.outlet_id, o.name, c.url, c.title, c.published_at, c.fetched_at \
                 FROM article_copies c JOIN outlets o ON o.id = c.outlet_id WHERE c.article_id IN ({})",
                marks
            );
            let batch_rows: Vec<CopyRow> = read!(self, |pool| {
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
                for id in batch {
                    q = q.bind(id.0);
                }
                q.fetch_all(pool).await?
            });
            rows.extend(batch_rows);
        }
        let mut copies: Vec<ArticleCopy> = rows
            .into_iter()
            .map(|(article, outlet, outlet_name, url, title, published_at, fetched_at)| ArticleCopy {
                article_id: ArticleId(article),
                outlet_id: OutletId(outlet),
                outlet_name,
                url,
                title,
                time: published_at.map_or(ts(fetched_at), |p| ts(p.min(fetched_at))),
            })
            .collect();
        copies.sort_by(|a, b| a.time.cmp(&b.time).then(a.url.cmp(&b.url)));
        Ok(copies)
    }
}
