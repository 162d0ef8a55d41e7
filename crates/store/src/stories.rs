//! Stories beyond membership: merges with redirects from the merged story's id.

use jiff::Timestamp;
use tidings_core::{ArticleId, OutletId, StoryId};

use super::{ArticleBrief, Backend, Store, StoryTx};
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

impl Store {
    /// Merges story `gone` into `into`: its articles move, its id redirects to `into` from now
    /// on (as do ids that redirected to it), and `into`'s headline and times are refreshed.
    pub async fn merge_stories(&self, gone: StoryId, into: StoryId, now: Timestamp) -> Result<()> {
        if gone == into {
            return Ok(());
        }
        write_tx!(self, |tx| {
            let first: Option<(i64,)> = sqlx::query_as("SELECT first_article_id FROM stories WHERE id = $1")
                .bind(gone.0)
                .fetch_optional(&mut *tx)
                .await?;
            let (first,) = first.ok_or_else(|| Error::NotFound(format!("story {gone}")))?;
            sqlx::query("UPDATE articles SET story_id = $1 WHERE story_id = $2")
                .bind(into.0)
                .bind(gone.0)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE story_redirects SET new_id = $1 WHERE new_id = $2")
                .bind(into.0)
                .bind(gone.0)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO story_redirects (old_id, new_id, merged_at) VALUES ($1, $2, $3)")
                .bind(gone.0)
                .bind(into.0)
                .bind(micros(now))
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM stories WHERE id = $1").bind(gone.0).execute(&mut *tx).await?;
            // The merged story's first report is in `into` now; adding it again only refreshes.
            tx.add(into.0, ArticleId(first)).await?;
        });
        Ok(())
    }

    /// Makes `article`'s title the headline of `story`, when the article is in it: clustering
    /// chooses the most representative report, not the first.
    pub async fn set_story_headline(&self, story: StoryId, article: ArticleId) -> Result<()> {
        write_tx!(self, |tx| {
            sqlx::query(
                "UPDATE stories SET title = (SELECT title FROM articles WHERE id = $2) \
                 WHERE id = $1 AND EXISTS (SELECT 1 FROM articles WHERE id = $2 AND story_id = $1)",
            )
            .bind(story.0)
            .bind(article.0)
            .execute(&mut *tx)
            .await?;
        });
        Ok(())
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
