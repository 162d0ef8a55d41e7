//! Stored articles extracted again after an upgrade (`tidings reextract`).

use jiff::Timestamp;
use tidings_core::{Article, ArticleId, ExtractionStatus, OutletId};

use super::{Backend, Store};
use crate::Result;
use crate::rows::{ArticleRow, micros};

impl Store {
    /// The stored articles to extract again: one outlet's or every outlet's, fetched since
    /// `since` if given, oldest first.
    pub async fn articles_to_reextract(
        &self,
        outlet: Option<OutletId>,
        since: Option<Timestamp>,
    ) -> Result<Vec<Article>> {
        let rows: Vec<ArticleRow> = read!(self, |pool| {
            sqlx::query_as(concat!(
                article_select!(),
                " WHERE ($1 IS NULL OR a.outlet_id = $1) AND ($2 IS NULL OR a.fetched_at >= $2) \
                 ORDER BY a.fetched_at, a.id"
            ))
            .bind(outlet.map(|o| o.0))
            .bind(since.map(micros))
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(Article::from).collect())
    }

    /// Replaces an article's text with a new extraction of its page.
    pub async fn update_article_text(
        &self,
        id: ArticleId,
        html: &str,
        text: &str,
        excerpt: &str,
        extraction: ExtractionStatus,
    ) -> Result<()> {
        write_tx!(self, |tx| {
            sqlx::query(
                "UPDATE articles SET content_html = $1, content_text = $2, excerpt = $3, extraction = $4, \
                 extraction_note = NULL WHERE id = $5",
            )
            .bind(html)
            .bind(text)
            .bind(excerpt)
            .bind(extraction.as_str())
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        });
        Ok(())
    }
}
