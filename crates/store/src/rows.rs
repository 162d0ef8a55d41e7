//! Row types and their mapping onto core types, written once for both backends.

use jiff::Timestamp;
use tidings_core::{Article, ArticleId, ExtractionStatus, Feed, FeedId, LeadImage, Outlet, OutletId, Story, StoryId};

/// Implements `sqlx::FromRow` for any backend whose rows decode `i64` and `String`.
macro_rules! row {
    ($(#[$doc:meta])* $name:ident { $($field:ident : $ty:ty),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub(crate) struct $name { $(pub(crate) $field: $ty),* }

        impl<'r, R: sqlx::Row> sqlx::FromRow<'r, R> for $name
        where
            &'r str: sqlx::ColumnIndex<R>,
            i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
            String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        {
            fn from_row(row: &'r R) -> Result<Self, sqlx::Error> {
                Ok(Self { $($field: row.try_get(stringify!($field))?),* })
            }
        }
    };
}

row!(
    /// `outlets` joined with its feed.
    OutletFeedRow {
        id: i64, name: String, site_url: Option<String>, category: Option<String>, full_text: i64,
        selector: Option<String>, user_agent: Option<String>, created_at: i64, feed_id: i64, url: String, etag: Option<String>, last_modified: Option<String>,
        last_fetch_at: Option<i64>, last_error: Option<String>, next_fetch_at: i64,
        consecutive_failures: i64, paused_reason: Option<String>, article_count: i64,
    }
);

row!(
    /// `articles` joined with the outlet's name.
    ArticleRow {
        id: i64, outlet_id: i64, outlet_name: String, url: String, canonical_url: String, title: String,
        authors: String, published_at: Option<i64>, updated_at: Option<i64>, fetched_at: i64,
        content_html: String, content_text: String, excerpt: String, lang: Option<String>,
        extraction: String, extraction_note: Option<String>, story_id: Option<i64>,
        lead_image_url: Option<String>, lead_image_width: Option<i64>, lead_image_height: Option<i64>,
    }
);

row!(
    /// `stories` with coverage counts.
    StoryRow {
        id: i64, title: String, first_article_id: i64, article_count: i64, outlet_count: i64, updated_at: i64,
    }
);

row!(
    /// What clustering needs of an article.
    BriefRow { id: i64, outlet_id: i64, story_id: Option<i64>, sort_at: i64, title: String, content_text: String }
);

row!(
    /// A [`BriefRow`] with its place in the order of clustering decisions.
    PlacedRow {
        placed_seq: i64, id: i64, outlet_id: i64, story_id: Option<i64>, sort_at: i64, title: String,
        content_text: String,
    }
);

impl PlacedRow {
    pub(crate) fn split(self) -> (i64, BriefRow) {
        let Self { placed_seq, id, outlet_id, story_id, sort_at, title, content_text } = self;
        (placed_seq, BriefRow { id, outlet_id, story_id, sort_at, title, content_text })
    }
}

/// Unix microseconds to a timestamp; out-of-range values clamp rather than fail a page.
pub(crate) fn ts(micros: i64) -> Timestamp {
    Timestamp::from_microsecond(micros).unwrap_or(if micros < 0 { Timestamp::MIN } else { Timestamp::MAX })
}

/// A timestamp as unix microseconds.
pub(crate) fn micros(t: Timestamp) -> i64 {
    t.as_microsecond()
}

/// Authors are stored one per line.
pub(crate) fn join_authors(authors: &[String]) -> String {
    authors.iter().map(|a| a.replace('\n', " ")).collect::<Vec<_>>().join("\n")
}

impl OutletFeedRow {
    pub(crate) fn into_parts(self) -> (Outlet, Feed, i64) {
        let outlet = Outlet {
            id: OutletId(self.id),
            name: self.name,
            site_url: self.site_url,
            category: self.category,
            full_text: self.full_text != 0,
            selector: self.selector,
            user_agent: self.user_agent,
            created_at: ts(self.created_at),
        };
        let feed = Feed {
            id: FeedId(self.feed_id),
            outlet_id: OutletId(self.id),
            url: self.url,
            etag: self.etag,
            last_modified: self.last_modified,
            last_fetch_at: self.last_fetch_at.map(ts),
            last_error: self.last_error,
            next_fetch_at: ts(self.next_fetch_at),
            consecutive_failures: self.consecutive_failures,
            paused_reason: self.paused_reason,
        };
        (outlet, feed, self.article_count)
    }
}

impl From<ArticleRow> for Article {
    fn from(r: ArticleRow) -> Self {
        Article {
            id: ArticleId(r.id),
            outlet_id: OutletId(r.outlet_id),
            outlet_name: r.outlet_name,
            url: r.url,
            canonical_url: r.canonical_url,
            title: r.title,
            authors: r.authors.lines().filter(|l| !l.is_empty()).map(str::to_string).collect(),
            published_at: r.published_at.map(ts),
            updated_at: r.updated_at.map(ts),
            fetched_at: ts(r.fetched_at),
            content_html: r.content_html,
            content_text: r.content_text,
            excerpt: r.excerpt,
            lang: r.lang,
            extraction: ExtractionStatus::from_stored(&r.extraction),
            extraction_note: r.extraction_note,
            story_id: r.story_id.map(StoryId),
            lead_image: r.lead_image_url.map(|url| LeadImage {
                url,
                width: r.lead_image_width.and_then(|w| u32::try_from(w).ok()),
                height: r.lead_image_height.and_then(|h| u32::try_from(h).ok()),
            }),
        }
    }
}

impl From<StoryRow> for Story {
    fn from(r: StoryRow) -> Self {
        Story {
            id: StoryId(r.id),
            title: r.title,
            first_article_id: ArticleId(r.first_article_id),
            article_count: r.article_count,
            outlet_count: r.outlet_count,
            updated_at: ts(r.updated_at),
        }
    }
}
