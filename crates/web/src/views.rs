//! What templates show: plain strings computed once, so templates hold no logic.

use jiff::Timestamp;
use tidings_core::{Article, ExtractionStatus, Story};
use tidings_store::{ArticleCopy, OutletHealth};

/// An article in a list.
#[derive(Debug, Clone)]
pub(crate) struct ArticleItem {
    pub(crate) id: i64,
    pub(crate) title: String,
    pub(crate) outlet: String,
    pub(crate) outlet_id: i64,
    pub(crate) time_iso: String,
    pub(crate) time_ago: String,
    /// The time in UTC, which the page's script shows in the reader's own time zone.
    pub(crate) time_human: String,
    pub(crate) excerpt: String,
    /// Published comments (filled in where the page shows them).
    pub(crate) comments: i64,
}

impl ArticleItem {
    pub(crate) fn new(a: &Article, now: Timestamp) -> Self {
        Self {
            id: a.id.0,
            title: a.title.clone(),
            outlet: a.outlet_name.clone(),
            outlet_id: a.outlet_id.0,
            time_iso: a.shown_time().to_string(),
            time_ago: ago(a.shown_time(), now),
            time_human: human_time(a.shown_time()),
            excerpt: a.excerpt.clone(),
            comments: 0,
        }
    }
}

/// A story on the front page or its own page.
#[derive(Debug, Clone)]
pub(crate) struct StoryItem {
    pub(crate) id: i64,
    pub(crate) title: String,
    pub(crate) outlets: usize,
    pub(crate) articles: Vec<ArticleItem>,
    /// Reports in the story, of which `articles` lists some.
    pub(crate) reports: i64,
    pub(crate) first_outlet: String,
    pub(crate) time_ago: String,
    /// Its picture on the front page (see [`crate::images::card_picture`]).
    pub(crate) picture_html: Option<String>,
}

impl StoryItem {
    pub(crate) fn new(story: &Story, articles: &[Article], now: Timestamp) -> Self {
        let items: Vec<ArticleItem> = articles.iter().map(|a| ArticleItem::new(a, now)).collect();
        let first = articles.iter().find(|a| a.id == story.first_article_id).or(articles.first());
        Self {
            id: story.id.0,
            title: story.title.clone(),
            outlets: story.outlet_count.max(0) as usize,
            reports: story.article_count,
            first_outlet: first.map(|a| a.outlet_name.clone()).unwrap_or_default(),
            time_ago: ago(story.updated_at.min(now), now),
            articles: items,
            picture_html: None,
        }
    }
}

/// A report on a story's timeline.
#[derive(Debug, Clone)]
pub(crate) struct TimelineEntry {
    pub(crate) article: ArticleItem,
    /// Other outlets that published the same text.
    pub(crate) copies: Vec<CopyCredit>,
    /// This outlet's first report on the story, with its first line.
    pub(crate) first_line: Option<String>,
    /// The story's first report of all.
    pub(crate) first: bool,
}

/// Another outlet's publication of an article's text (wire copy, syndication), credited beside it.
#[derive(Debug, Clone)]
pub(crate) struct CopyCredit {
    pub(crate) outlet: String,
    pub(crate) outlet_id: i64,
    pub(crate) url: String,
    pub(crate) time_iso: String,
    pub(crate) time_human: String,
}

impl CopyCredit {
    pub(crate) fn new(c: &ArticleCopy) -> Self {
        Self {
            outlet: c.outlet_name.clone(),
            outlet_id: c.outlet_id.0,
            url: c.url.clone(),
            time_iso: c.time.to_string(),
            time_human: human_time(c.time),
        }
    }
}

/// A story's reports in the order they were published: each outlet's first report with its
/// first line, later ones as follow-ups; the first of all credited.
pub(crate) fn timeline(articles: &[Article], copies: &[ArticleCopy], now: Timestamp) -> Vec<TimelineEntry> {
    let mut seen = std::collections::HashSet::new();
    articles
        .iter()
        .enumerate()
        .map(|(i, a)| TimelineEntry {
            article: ArticleItem::new(a, now),
            copies: copies.iter().filter(|c| c.article_id == a.id).map(CopyCredit::new).collect(),
            first_line: seen.insert(a.outlet_id).then(|| first_line(&a.content_text)),
            first: i == 0,
        })
        .collect()
}

/// The opening sentence of a report (what it led with), at most about 280 characters.
pub(crate) fn first_line(text: &str) -> String {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default();
    // The end of the first sentence: a stop followed by a space and a capital or a quote.
    let mut end = line.len();
    for (i, c) in line.char_indices() {
        if matches!(c, '.' | '!' | '?') {
            let rest = &line[i + c.len_utf8()..];
            let next = rest.trim_start().chars().next();
            if rest.starts_with(' ') && next.is_some_and(|n| n.is_uppercase() || matches!(n, '"' | '“' | '‘')) {
                end = i + c.len_utf8();
                break;
            }
        }
    }
    tidings_core::excerpt(&line[..end], 280)
}

/// An outlet's health row.
#[derive(Debug, Clone)]
pub(crate) struct OutletRow {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) feed_url: String,
    pub(crate) site_url: Option<String>,
    pub(crate) articles: i64,
    pub(crate) last_fetch: String,
    pub(crate) next_fetch: String,
    pub(crate) last_error: Option<String>,
    pub(crate) paused: Option<String>,
    pub(crate) status: &'static str,
}

impl OutletRow {
    pub(crate) fn new(h: &OutletHealth, now: Timestamp) -> Self {
        Self {
            id: h.outlet.id.0,
            name: h.outlet.name.clone(),
            feed_url: h.feed.url.clone(),
            site_url: h.outlet.site_url.clone(),
            articles: h.article_count,
            last_fetch: h.feed.last_fetch_at.map_or_else(|| "never".to_string(), |t| ago(t, now)),
            next_fetch: if h.feed.paused_reason.is_some() {
                "paused".to_string()
            } else {
                until(h.feed.next_fetch_at, now)
            },
            last_error: h.feed.last_error.clone(),
            paused: h.feed.paused_reason.clone(),
            status: h.feed.status().as_str(),
        }
    }
}

/// What a reader is told about where the text came from.
pub(crate) fn extraction_note(a: &Article) -> Option<String> {
    match a.extraction {
        ExtractionStatus::Extracted => None,
        ExtractionStatus::FeedOnly => {
            Some("This is the text the outlet's feed provides; read the full article at the original link.".to_string())
        }
        ExtractionStatus::FeedFallback => Some(format!(
            "The article page could not be read cleanly{}, so this is the text from the outlet's feed.",
            a.extraction_note
                .as_deref()
                .map(|n| format!(" ({})", n.trim_end_matches("; showing the feed's text")))
                .unwrap_or_default()
        )),
    }
}

/// A time as readers see it: "5 March 2026, 14:05 UTC".
pub(crate) fn human_time(t: Timestamp) -> String {
    t.strftime("%e %B %Y, %H:%M UTC").to_string().trim().to_string()
}

/// "5 minutes ago", "3 hours ago", "2 days ago", or a date for older times.
pub(crate) fn ago(t: Timestamp, now: Timestamp) -> String {
    let secs = (now - t).as_secs();
    match secs {
        i64::MIN..=59 => "just now".to_string(),
        60..=3_599 => plural(secs / 60, "minute") + " ago",
        3_600..=86_399 => plural(secs / 3_600, "hour") + " ago",
        86_400..=604_799 => plural(secs / 86_400, "day") + " ago",
        _ => t.strftime("%e %B %Y").to_string().trim().to_string(),
    }
}

/// "in 5 minutes", "due now".
pub(crate) fn until(t: Timestamp, now: Timestamp) -> String {
    let secs = (t - now).as_secs();
    match secs {
        i64::MIN..=59 => "due now".to_string(),
        60..=3_599 => format!("in {}", plural(secs / 60, "minute")),
        3_600..=86_399 => format!("in {}", plural(secs / 3_600, "hour")),
        _ => format!("in {}", plural(secs / 86_400, "day")),
    }
}

fn plural(n: i64, unit: &str) -> String {
    if n == 1 { format!("1 {unit}") } else { format!("{n} {unit}s") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::SignedDuration;

    #[test]
    fn a_reports_first_line_is_its_opening_sentence() {
        assert_eq!(
            first_line("\n  The bridge reopened at 6 a.m. on Monday. Engineers said the repairs held.\nMore."),
            "The bridge reopened at 6 a.m. on Monday."
        );
        assert_eq!(first_line("No stop at all"), "No stop at all");
        assert!(first_line(&"word ".repeat(200)).chars().count() <= 281);
    }

    #[test]
    fn relative_times_read_naturally() {
        let now = Timestamp::from_second(1_800_000_000).unwrap_or(Timestamp::UNIX_EPOCH);
        assert_eq!(ago(now - SignedDuration::from_secs(30), now), "just now");
        assert_eq!(ago(now - SignedDuration::from_mins(1), now), "1 minute ago");
        assert_eq!(ago(now - SignedDuration::from_hours(5), now), "5 hours ago");
        assert_eq!(ago(now - SignedDuration::from_hours(49), now), "2 days ago");
        assert_eq!(until(now + SignedDuration::from_mins(30), now), "in 30 minutes");
    }
}
