//! Class words that Readability reads as page chrome by substring.
//!
//! Readability drops elements whose class or id *contains* a chrome word ("sidebar", "header",
//! "comment"…) before it scores the page. Some classes contain the word without naming chrome:
//! `no-sidebar` or `has-sidebar` on the wrapper of a whole article describe the layout, and a
//! heading's own class (`header-anchor-post`) styles the heading. Those class tokens are taken
//! out before Readability reads the page; ids and every other token stay. So are a review's
//! product widgets, which Readability weighs as chrome for the word "widget".

use std::borrow::Cow;

use dom_query::{Document, NodeData};

/// The words Readability (dom_smoothie's `UNLIKELY_CANDIDATES`) takes for chrome by substring.
const UNLIKELY: &[&str] = &[
    "-ad-",
    "ai2html",
    "banner",
    "breadcrumbs",
    "combx",
    "comment",
    "community",
    "cover-wrap",
    "disqus",
    "extra",
    "footer",
    "gdpr",
    "header",
    "legends",
    "menu",
    "related",
    "remark",
    "replies",
    "rss",
    "shoutbox",
    "sidebar",
    "skyscraper",
    "social",
    "sponsor",
    "supplemental",
    "ad-break",
    "agegate",
    "pagination",
    "pager",
    "popup",
    "yom-remote",
];

/// Readability weighs every class with "widget" in it as chrome, but a review's product widgets
/// (the verdict, pros and cons of each product) are the article; such tokens are taken out.
const CONTENT_WIDGET: &str = "product-widget";

/// Words that, beside a chrome word in one class token, say the element is not that chrome.
const LAYOUT_WORDS: &[&str] = &["no", "without", "has", "with", "hide", "hidden", "disable", "disabled", "none", "off"];

/// The first two bytes of the unlikely words, one bit per pair.
const UNLIKELY_PAIRS: [u64; 1024] = {
    let mut bits = [0u64; 1024];
    let mut i = 0;
    while i < UNLIKELY.len() {
        let w = UNLIKELY[i].as_bytes();
        let pair = (w[0] as usize) << 8 | w[1] as usize;
        bits[pair / 64] |= 1 << (pair % 64);
        i += 1;
    }
    bits
};

/// True when `token` holds one of the unlikely words: one pass over its bytes, comparing words
/// only where two bytes open one of them (a first-byte check matched most letters of every
/// class attribute of the page, and this was a twentieth of extraction's time).
fn contains_unlikely(token: &str) -> bool {
    let bytes = token.as_bytes();
    bytes.windows(2).enumerate().any(|(i, pair)| {
        let pair = (pair[0] as usize) << 8 | pair[1] as usize;
        UNLIKELY_PAIRS[pair / 64] & (1 << (pair % 64)) != 0
            && UNLIKELY.iter().any(|w| opens_with(&bytes[i..], w.as_bytes()))
    })
}

/// `hay.starts_with(word)` as a loop of its own: the words are a few bytes long, and some builds
/// called the C library's `memcmp` for each comparison, a sixth of `disarm`'s time.
fn opens_with(hay: &[u8], word: &[u8]) -> bool {
    hay.len() >= word.len() && hay.iter().zip(word).all(|(a, b)| a == b)
}

/// Takes out of the page the class tokens that contain a chrome word without naming chrome:
/// every such token of a heading, tokens such as `no-sidebar` anywhere, and product widgets.
pub(crate) fn disarm(doc: &Document) {
    // A walk over the elements (a `[class]` selector cost more than the look-ups themselves),
    // which reads each class where the tree keeps it and holds the tree: the changes are made
    // after it.
    let mut changes = Vec::new();
    for node in doc.root().descendants_it() {
        let disarmed = node.query(|n| {
            let NodeData::Element(element) = &n.data else { return None };
            let class = element.attrs.iter().find(|a| &*a.name.local == "class")?;
            let heading = matches!(&*element.name.local, "h1" | "h2" | "h3" | "h4" | "h5" | "h6");
            disarmed(&class.value, heading)
        });
        if let Some(Some(class)) = disarmed {
            changes.push((node, class));
        }
    }
    for (node, class) in changes {
        node.set_attr("class", &class);
    }
}

/// `class` without the tokens [`disarm`] takes out, when it has any (`heading`: the class of a
/// heading).
fn disarmed(class: &str, heading: bool) -> Option<String> {
    let lower = ascii_lower(class);
    if !(contains_unlikely(&lower) || lower.contains(CONTENT_WIDGET)) {
        return None;
    }
    let goes = |token: &str| {
        let lower = ascii_lower(token);
        if !contains_unlikely(&lower) {
            return lower.contains(CONTENT_WIDGET);
        }
        heading || lower.split(['-', '_']).any(|part| LAYOUT_WORDS.contains(&part))
    };
    // Most classes with a chrome word name chrome and keep every token: nothing is built for them.
    if !class.split_whitespace().any(goes) {
        return None;
    }
    Some(class.split_whitespace().filter(|token| !goes(token)).collect::<Vec<_>>().join(" "))
}

/// `s` in ASCII lower case, borrowed when it has no capitals.
fn ascii_lower(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) { Cow::Owned(s.to_ascii_lowercase()) } else { Cow::Borrowed(s) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_and_heading_tokens_go_but_chrome_classes_stay() {
        let doc = Document::from(
            r#"<body class="single no-sidebar"><div class="site-header"></div>
            <h2 class="header-anchor-post big">Why</h2><div class="has-comments post"></div></body>"#,
        );
        disarm(&doc);
        assert_eq!(doc.select("body").attr("class").as_deref(), Some("single"));
        assert_eq!(doc.select("div").first().attr("class").as_deref(), Some("site-header"));
        assert_eq!(doc.select("h2").attr("class").as_deref(), Some("big"));
        assert_eq!(doc.select("div").last().attr("class").as_deref(), Some("post"));
    }
}
