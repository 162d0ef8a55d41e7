//! Lists the public site pages through: articles of everything, an outlet, a category or a story a page
//! at a time (newest first, continued by id, so a deep page costs what the first one does), the
//! categories, and the addresses a sitemap names.

use jiff::Timestamp;
use tidings_core::{Article, ArticleId, OutletId, StoryId};

use super::{BATCH, Backend, Store, placeholders};
use crate::Result;
use crate::rows::{ArticleRow, ts};

/// The first parameter of a listing query.
enum Param<'a> {
    Int(i64),
    Text(&'a str),
}

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

/// Article rows (selected by `$select`) newer-first from the place `($2, $3)` (a sort time and
/// an id) on, the listing's own condition coming first as `$1`. The time bounds a range of the
/// index on `sort_at`, so a deep page costs what the first does.
macro_rules! listing_query {
    ($select:expr, $condition:literal) => {
        concat!(
            $select,
            " WHERE ",
            $condition,
            " AND a.sort_at <= $2 AND (a.sort_at < $2 OR a.id < $3) ORDER BY a.sort_at DESC, a.id DESC LIMIT $4"
        )
    };
}

/// The listing query for `$condition`, with bodies or as a list shows them.
macro_rules! listing_sql {
    ($bodies:expr, $condition:literal) => {
        if $bodies {
            listing_query!(article_select!(), $condition)
        } else {
            listing_query!(article_select!(listed), $condition)
        }
    };
}

impl Store {
    /// Up to `limit` articles of `listing`, newest first, after the article `after` (which the
    /// previous page ended with) or from the newest.
    pub async fn list_articles(&self, listing: &Listing, after: Option<ArticleId>, limit: i64) -> Result<Vec<Article>> {
        self.list(listing, after, limit, true).await
    }

    /// [`Store::list_articles`] as a page lists them: without their bodies (see
    /// [`crate::LISTED_TEXT_CHARS`]).
    pub async fn list_headlines(
        &self,
        listing: &Listing,
        after: Option<ArticleId>,
        limit: i64,
    ) -> Result<Vec<Article>> {
        self.list(listing, after, limit, false).await
    }

    async fn list(
        &self,
        listing: &Listing,
        after: Option<ArticleId>,
        limit: i64,
        bodies: bool,
    ) -> Result<Vec<Article>> {
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
        // `$1 = $1` keeps the parameters numbered alike in the four forms.
        let (sql, first): (&'static str, Param) = match listing {
            Listing::All => (listing_sql!(bodies, "$1 = $1"), Param::Int(0)),
            Listing::Outlet(outlet) => (listing_sql!(bodies, "a.outlet_id = $1"), Param::Int(outlet.0)),
            Listing::Story(story) => (listing_sql!(bodies, "a.story_id = $1"), Param::Int(story.0)),
            Listing::Category(name) => (listing_sql!(bodies, "o.category = $1"), Param::Text(name)),
        };
        let rows: Vec<ArticleRow> = read!(self, |pool| {
            let q = sqlx::query_as(sql);
            let q = match first {
                Param::Int(v) => q.bind(v),
                Param::Text(v) => q.bind(v),
            };
            q.bind(at).bind(id).bind(limit).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(Article::from).collect())
    }

    /// The coverage of each of `stories` as a list shows it (see [`crate::LISTED_TEXT_CHARS`]):
    /// each outlet's first report of the story, earliest first, at most `per_story`, so a story
    /// of two hundred reports lists its breadth in a few lines. In the order of `stories`.
    pub async fn story_coverage(&self, stories: &[StoryId], per_story: usize) -> Result<Vec<(StoryId, Vec<Article>)>> {
        let mut out: Vec<(StoryId, Vec<Article>)> = stories.iter().map(|s| (*s, Vec::new())).collect();
        // Bounded batches keep under both backends' limits on bound parameters.
        for batch in stories.chunks(BATCH) {
            let marks = placeholders(1, batch.len());
            let sql = format!(
                concat!(
                    "SELECT r.* FROM (SELECT ",
                    article_columns!(listed),
                    ", a.sort_at AS shown_at, ROW_NUMBER() OVER (PARTITION BY a.story_id, a.outlet_id \
                     ORDER BY a.sort_at, a.id) AS outlet_place \
                     FROM articles a JOIN outlets o ON o.id = a.outlet_id WHERE a.story_id IN ({})) r \
                     WHERE r.outlet_place = 1 ORDER BY r.story_id, r.shown_at, r.id"
                ),
                marks
            );
            let rows: Vec<ArticleRow> = read!(self, |pool| {
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
                for story in batch {
                    q = q.bind(story.0);
                }
                q.fetch_all(pool).await?
            });
            for row in rows {
                let article = Article::from(row);
                let Some((_, list)) = out.iter_mut().find(|(s, _)| Some(*s) == article.story_id) else { continue };
                if list.len() < per_story {
                    list.push(article);
                }
            }
        }
        Ok(out)
    }

    /// Articles `ids` as a list shows them (see [`crate::LISTED_TEXT_CHARS`]), in the order
    /// of `ids`; ids not found are left out.
    pub async fn articles_listed(&self, ids: &[ArticleId]) -> Result<Vec<Article>> {
        let mut found: Vec<Article> = Vec::with_capacity(ids.len());
        for batch in ids.chunks(BATCH) {
            let marks = placeholders(1, batch.len());
            let sql = format!(concat!(article_select!(listed), " WHERE a.id IN ({})"), marks);
            let rows: Vec<ArticleRow> = read!(self, |pool| {
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
                for id in batch {
                    q = q.bind(id.0);
                }
                q.fetch_all(pool).await?
            });
            found.extend(rows.into_iter().map(Article::from));
        }
        Ok(ids.iter().filter_map(|id| found.iter().position(|a| a.id == *id).map(|i| found.swap_remove(i))).collect())
    }

    /// A story's reports as its page lists them (see [`crate::LISTED_TEXT_CHARS`]), first report
    /// first, at most [`crate::STORY_ARTICLES_SHOWN`].
    pub async fn story_headlines(&self, story: StoryId) -> Result<Vec<Article>> {
        let rows: Vec<ArticleRow> = read!(self, |pool| {
            sqlx::query_as(concat!(article_select!(listed), " WHERE a.story_id = $1 ORDER BY a.sort_at, a.id LIMIT $2"))
                .bind(story.0)
                .bind(crate::STORY_ARTICLES_SHOWN)
                .fetch_all(pool)
                .await?
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
