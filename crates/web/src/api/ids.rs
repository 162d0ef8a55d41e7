//! Google Reader item ids in both forms apps use, and stream ids.
//!
//! An item has a long form, `tag:google.com,2005:reader/item/` and 16 lower-case hex digits,
//! which stream contents carry, and a short form, the same number in decimal, which item id
//! lists carry. Apps send either back (ReadYou #1157 came from a server that read one as the
//! other), so both are read, and 16 hex digits alone too, as FreshRSS does.

use tidings_core::{ArticleId, OutletId, StoryId};

const LONG_PREFIX: &str = "tag:google.com,2005:reader/item/";

/// The long form of an item id.
pub(crate) fn long_id(id: ArticleId) -> String {
    format!("{LONG_PREFIX}{:016x}", id.0)
}

/// An item id in any form an app sends; `None` when it is none of them.
pub(crate) fn parse_item_id(raw: &str) -> Option<ArticleId> {
    let raw = raw.trim();
    let id = if let Some(hex) = raw.strip_prefix(LONG_PREFIX) {
        u64::from_str_radix(hex, 16).ok()?
    } else if !raw.is_empty() && raw.len() <= 20 && raw.bytes().all(|b| b.is_ascii_digit()) {
        raw.parse::<u64>().ok()?
    } else if raw.len() == 16 && raw.bytes().all(|b| b.is_ascii_hexdigit()) {
        u64::from_str_radix(raw, 16).ok()?
    } else {
        return None;
    };
    i64::try_from(id).ok().filter(|&id| id > 0).map(ArticleId)
}

/// A stream an app names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stream {
    /// Everything not muted.
    ReadingList,
    /// Starred items.
    Starred,
    /// Read items.
    Read,
    /// Unread items ("kept unread").
    Unread,
    /// One outlet, by id.
    Feed(OutletId),
    /// One outlet, by its feed's address.
    FeedUrl(String),
    /// One story.
    Story(StoryId),
    /// A label: a category, or the reader's own label.
    Label(String),
}

/// The name a story has as a label: `Story 12: headline`.
pub(crate) fn story_label(id: StoryId, title: &str) -> String {
    let title: String = title.chars().filter(|c| !c.is_control()).take(80).collect();
    format!("Story {}: {title}", id.0)
}

/// The state or label part of a tag or stream id, with the user part read as `-` whatever it
/// is (apps send `user/-/…` and `user/1234/…`).
fn user_part(raw: &str) -> Option<&str> {
    let rest = raw.strip_prefix("user/")?;
    let (_, after) = rest.split_once('/')?;
    Some(after)
}

/// A stream id as an app sends it; `None` when Tidings has no such stream.
pub(crate) fn parse_stream(raw: &str) -> Option<Stream> {
    let raw = raw.trim();
    if let Some(feed) = raw.strip_prefix("feed/") {
        return Some(match feed.parse::<i64>() {
            Ok(id) => Stream::Feed(OutletId(id)),
            Err(_) => Stream::FeedUrl(feed.to_string()),
        });
    }
    let rest = user_part(raw)?;
    if let Some(state) = rest.strip_prefix("state/com.google/") {
        return match state {
            "reading-list" => Some(Stream::ReadingList),
            "starred" => Some(Stream::Starred),
            "read" => Some(Stream::Read),
            "kept-unread" | "unread" => Some(Stream::Unread),
            _ => None,
        };
    }
    let label = rest.strip_prefix("label/")?;
    if let Some(story) = label.strip_prefix("Story ")
        && let Some((id, _)) = story.split_once(':')
        && let Ok(id) = id.parse::<i64>()
    {
        return Some(Stream::Story(StoryId(id)));
    }
    (!label.is_empty()).then(|| Stream::Label(label.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_ids_are_read_in_every_form_apps_send() {
        let id = ArticleId(31);
        assert_eq!(long_id(id), "tag:google.com,2005:reader/item/000000000000001f");
        assert_eq!(parse_item_id(&long_id(id)), Some(id));
        assert_eq!(parse_item_id("31"), Some(id), "short form is decimal, not hex");
        assert_eq!(parse_item_id("000000000000001f"), Some(id));
        assert_eq!(parse_item_id("tag:google.com,2005:reader/item/zz"), None);
        assert_eq!(parse_item_id("0"), None);
        assert_eq!(parse_item_id(""), None);
        assert_eq!(parse_item_id("feed/3"), None);
        // A 16-digit decimal is read as decimal, never as hex.
        assert_eq!(parse_item_id("1000000000000000"), Some(ArticleId(1_000_000_000_000_000)));
    }

    #[test]
    fn streams_are_read_whatever_the_user_part() {
        assert_eq!(parse_stream("user/-/state/com.google/reading-list"), Some(Stream::ReadingList));
        assert_eq!(parse_stream("user/1234/state/com.google/read"), Some(Stream::Read));
        assert_eq!(parse_stream("user/-/state/com.google/starred"), Some(Stream::Starred));
        assert_eq!(parse_stream("feed/12"), Some(Stream::Feed(OutletId(12))));
        assert_eq!(
            parse_stream("feed/https://herald.example/rss"),
            Some(Stream::FeedUrl("https://herald.example/rss".into()))
        );
        assert_eq!(parse_stream("user/-/label/World"), Some(Stream::Label("World".into())));
        let story = story_label(StoryId(7), "Bridge reopens");
        assert_eq!(story, "Story 7: Bridge reopens");
        assert_eq!(parse_stream(&format!("user/-/label/{story}")), Some(Stream::Story(StoryId(7))));
        assert_eq!(parse_stream("user/-/state/com.google/broadcast"), None);
        assert_eq!(parse_stream("splice/1"), None);
    }
}
