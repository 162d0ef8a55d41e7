//! The nouns of the product.

use jiff::Timestamp;
use serde::Serialize;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// Identifies an outlet (a news organisation or site we follow).
    OutletId
);
id_type!(
    /// Identifies one feed of an outlet.
    FeedId
);
id_type!(
    /// Identifies a stored article.
    ArticleId
);
id_type!(
    /// Identifies a story: the coverage of one event by one or more outlets.
    StoryId
);

/// A news organisation or site that Tidings follows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outlet {
    /// Its id.
    pub id: OutletId,
    /// Display name, from the feed title unless the operator set one.
    pub name: String,
    /// Home page of the outlet, when known.
    pub site_url: Option<String>,
    /// Operator-chosen category (from OPML folders), if any.
    pub category: Option<String>,
    /// Whether article pages are fetched and extracted (otherwise the feed's content is used).
    pub full_text: bool,
    /// CSS selector of the article body on its pages, set by the operator when extraction
    /// chooses wrongly.
    pub selector: Option<String>,
    /// User agent its feed and pages are fetched with, instead of Tidings' own.
    pub user_agent: Option<String>,
    /// When the outlet was added.
    pub created_at: Timestamp,
}

/// A feed of an outlet together with its fetch state: the outlet's health as the operator sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Feed {
    /// Its id.
    pub id: FeedId,
    /// The outlet it belongs to.
    pub outlet_id: OutletId,
    /// Where it is fetched from (updated on permanent redirects).
    pub url: String,
    /// Validators for conditional GET.
    pub etag: Option<String>,
    /// Validators for conditional GET.
    pub last_modified: Option<String>,
    /// When it was last fetched, successfully or not.
    pub last_fetch_at: Option<Timestamp>,
    /// The last error in words, cleared by a successful fetch.
    pub last_error: Option<String>,
    /// When it is due next.
    pub next_fetch_at: Timestamp,
    /// Fetches that failed in a row.
    pub consecutive_failures: i64,
    /// Set when fetching stopped after repeated failures; the reason in words.
    pub paused_reason: Option<String>,
}

/// An outlet's health at a glance, from its feed's fetch state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FeedStatus {
    /// Not fetched yet.
    New,
    /// The last fetch succeeded.
    Ok,
    /// The last fetch failed; fetching goes on with backoff.
    Failing,
    /// Fetching stopped after repeated failures until an operator resumes it.
    Paused,
}

impl FeedStatus {
    /// The word shown to operators.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Ok => "ok",
            Self::Failing => "failing",
            Self::Paused => "paused",
        }
    }
}

impl Feed {
    /// The feed's health at a glance.
    pub fn status(&self) -> FeedStatus {
        if self.paused_reason.is_some() {
            FeedStatus::Paused
        } else if self.last_error.is_some() {
            FeedStatus::Failing
        } else if self.last_fetch_at.is_some() {
            FeedStatus::Ok
        } else {
            FeedStatus::New
        }
    }
}

/// How an article's text was obtained, shown on the article so a reader knows what they see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ExtractionStatus {
    /// Extracted from the article page.
    Extracted,
    /// Extraction failed or looked wrong; the feed's own content is shown instead.
    FeedFallback,
    /// The outlet is set not to fetch full text; the feed's content is shown.
    FeedOnly,
}

impl ExtractionStatus {
    /// The stable name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Extracted => "extracted",
            Self::FeedFallback => "feed_fallback",
            Self::FeedOnly => "feed_only",
        }
    }

    /// Parses the stored name; unknown names read as a fallback so nothing is hidden.
    pub fn from_stored(s: &str) -> Self {
        match s {
            "extracted" => Self::Extracted,
            "feed_only" => Self::FeedOnly,
            _ => Self::FeedFallback,
        }
    }
}

/// A stored article: one outlet's report, with clean text and metadata.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Article {
    /// Its id.
    pub id: ArticleId,
    /// The outlet that published it.
    pub outlet_id: OutletId,
    /// The outlet's name, for display.
    pub outlet_name: String,
    /// The URL it was fetched from (the link to the original).
    pub url: String,
    /// Canonical URL used for deduplication.
    pub canonical_url: String,
    /// Headline.
    pub title: String,
    /// Bylines, in order.
    pub authors: Vec<String>,
    /// When the outlet published it (from the page or the feed).
    pub published_at: Option<Timestamp>,
    /// When the outlet last updated it.
    pub updated_at: Option<Timestamp>,
    /// When Tidings stored it.
    pub fetched_at: Timestamp,
    /// Sanitized HTML of the article body.
    pub content_html: String,
    /// Plain text of the article body.
    pub content_text: String,
    /// A short plain-text excerpt, cut at a word.
    pub excerpt: String,
    /// BCP 47 language tag, when known.
    pub lang: Option<String>,
    /// How the body was obtained.
    pub extraction: ExtractionStatus,
    /// Why extraction fell back, in words.
    pub extraction_note: Option<String>,
    /// The story it belongs to, if any.
    pub story_id: Option<StoryId>,
    /// The picture the outlet chose to lead the article with, when its page declares one.
    pub lead_image: Option<LeadImage>,
}

/// A page's lead image (OpenGraph, Twitter card or JSON-LD `image`): where it is and the size
/// the page declares for it, when it declares one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeadImage {
    /// Absolute http(s) address of the image.
    pub url: String,
    /// Declared width in pixels.
    pub width: Option<u32>,
    /// Declared height in pixels.
    pub height: Option<u32>,
}

impl Article {
    /// The time to show and sort by: publication time, else when we stored it.
    pub fn shown_time(&self) -> Timestamp {
        self.published_at.unwrap_or(self.fetched_at)
    }
}

/// The coverage of one event by one or more outlets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Story {
    /// Its id.
    pub id: StoryId,
    /// Headline: the first report's title.
    pub title: String,
    /// The article that reported first.
    pub first_article_id: ArticleId,
    /// Number of articles in the story.
    pub article_count: i64,
    /// Number of distinct outlets in the story.
    pub outlet_count: i64,
    /// When the latest article joined.
    pub updated_at: Timestamp,
}

/// Cuts `text` to at most `max_chars` characters at a word boundary, adding an ellipsis when cut.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max_chars {
        return text;
    }
    let mut out = String::new();
    for word in text.split(' ') {
        let next_len = out.chars().count() + word.chars().count() + usize::from(!out.is_empty());
        if next_len > max_chars {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        out = text.chars().take(max_chars).collect();
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_cuts_at_a_word_and_marks_the_cut() {
        let e = excerpt("The council voted to reopen the harbour bridge", 20);
        assert_eq!(e, "The council voted to…");
    }

    #[test]
    fn excerpt_keeps_short_text_whole_and_folds_whitespace() {
        assert_eq!(excerpt("  Short\n text ", 50), "Short text");
    }

    #[test]
    fn excerpt_of_one_long_word_is_cut_inside_it() {
        assert_eq!(excerpt("abcdefghij", 4), "abcd…");
    }
}
