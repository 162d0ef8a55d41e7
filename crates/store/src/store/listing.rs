//! Lists the public site pages through: articles of everything, an outlet, a category or a story a page
//! at a time (newest first, continued by id, so a deep page costs what the first one does), the
//! categories, and the addresses a sitemap names.

use jiff::Timestamp;
use tidings_core::{Article, ArticleId, OutletId, StoryId};

use super::{Backend, Store};
use crate::Result;
use crate::rows::{ArticleRow, ts};

/// Which articles a list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listing {
    /// Every outlet's.
    All,
    /// One outlet's.
    Outlet(OutletId),
    /// Those of the outlets in one category.
    Category(String),
    /// One story's reports.
    Story(StoryId),
}

/// A category with its number of outlets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    /// Its name, as the operator wrote it.
    pub name: String,
    /// Outlets in it.
    pub outlets: i64,
}

/// What a sitemap lists: ids and the time each last changed, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SitemapEntries {
    /// Outlets.
    pub outlets: Vec<OutletId>,
    /// Categories by name.
    pub categories: Vec<String>,
    /// Stories with their latest report's time.
    pub stories: Vec<(StoryId, Timestamp)>,
    /// Articles with their shown time.
    pub articles: Vec<(ArticleId, Timestamp)>,
}

/// Article rows newer-first from the place `($2, $3)` (a sort time and an id) on, the
/// listing's own condition coming first as `$1`. The time bounds a range of the index on
/// `sort_at`, so a deep page costs what the first does.
macro_rules! listing_query {
    ($condition:literal) => {
        concat!(
            article_select!(),
            " WHERE ",
            $condition,
            " AND a.sort_at <= $2 AND (a.sort_at < $2 OR a.id < $3) ORDER BY a.sort_at DESC, a.id DESC LIMIT $4"
        )
    };
}

impl Store {
    /// Up to `limit` articles of `listing`, newest first, after the article `after` (which the
    /// previous page ended with) or from the newest.
    pub async fn list_articles(&self, listing: &Listing, after: Option<ArticleId>, limit: i64) -> Result<Vec<Article>> {
        let (at, id) = match after {
            None => (i64::MAX, i64::MAX),
            Some(a) => {
                let row: Option<(i64,)> = read!(self, |pool| {
                    sqlx::query_as("SELECT sort_at FROM articles WHERE id = $1").bind(a.0).fetch_optional(pool).await?
                });
                // An article gone since the page was shown: nothing comes after it.
                let Some((at,)) = row else { return Ok(Vec::new()) };
                (at, a.0)
            }
        };
        let rows: Vec<ArticleRow> = read!(self, |pool| {
            match listing {
                // `$1 = $1` keeps the parameters numbered alike in the three forms.
                Listing::All => {
                    sqlx::query_as(listing_query!("$1 = $1"))
                        .bind(0_i64)
                        .bind(at)
                        .bind(id)
                        .bind(limit)
                        .fetch_all(pool)
                        .await?
                }
                Listing::Outlet(outlet) => {
                    sqlx::query_as(listing_query!("a.outlet_id = $1"))
                        .bind(outlet.0)
                        .bind(at)
                        .bind(id)
                        .bind(limit)
                        .fetch_all(pool)
                        .await?
                }
                Listing::Story(story) => {
                    sqlx::query_as(listing_query!("a.story_id = $1"))
                        .bind(story.0)
                        .bind(at)
                        .bind(id)
                        .bind(limit)
                        .fetch_all(pool)
                        .await?
                }
                Listing::Category(name) => {
                    sqlx::query_as(listing_query!("o.category = $1"))
                        .bind(name.as_str())
                        .bind(at)
                        .bind(id)
                        .bind(limit)
                        .fetch_all(pool)
                        .await?
                }
            }
        });
        Ok(rows.into_iter().map(Article::from).collect())
    }

    /// The categories outlets are in, by name.
    pub async fn categories(&self) -> Result<Vec<Category>> {
        let rows: Vec<(String, i64)> = read!(self, |pool| {
            sqlx::query_as(
                "SELECT category, COUNT(*) FROM outlets WHERE category IS NOT NULL AND category <> '' \
                 GROUP BY category ORDER BY category",
            )
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(|(name, outlets)| Category { name, outlets }).collect())
    }

    /// What a sitemap lists: every outlet and category, and the newest `limit` stories and
    /// `limit` articles.
    pub async fn sitemap_entries(&self, limit: i64) -> Result<SitemapEntries> {
        let outlets: Vec<(i64,)> =
            read!(self, |pool| sqlx::query_as("SELECT id FROM outlets ORDER BY id").fetch_all(pool).await?);
        let stories: Vec<(i64, i64)> = read!(self, |pool| {
            sqlx::query_as("SELECT id, updated_at FROM stories ORDER BY updated_at DESC, id DESC LIMIT $1")
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        let articles: Vec<(i64, i64)> = read!(self, |pool| {
            sqlx::query_as("SELECT id, sort_at FROM articles ORDER BY sort_at DESC, id DESC LIMIT $1")
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        Ok(SitemapEntries {
            outlets: outlets.into_iter().map(|(id,)| OutletId(id)).collect(),
            categories: self.categories().await?.into_iter().map(|c| c.name).collect(),
            stories: stories.into_iter().map(|(id, t)| (StoryId(id), ts(t))).collect(),
            articles: articles.into_iter().map(|(id, t)| (ArticleId(id), ts(t))).collect(),
        })
    }
}
