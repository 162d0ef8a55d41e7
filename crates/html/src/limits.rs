//! One limit policy for every piece of HTML Tidings parses, whatever its source: article pages,
//! feed entries, titles. The HTML parser and every walk up a tree cost time quadratic in how
//! deeply elements nest, so a page nested deeper than real pages ever are is refused (article
//! extraction) or read flat, as its text alone (fragments), and nothing larger than a fetch may
//! bring is read at all.

use std::borrow::Cow;

use crate::prescan::prescan;

/// The most bytes of HTML parsed at once: the fetcher's body cap.
pub(crate) const MAX_HTML_BYTES: usize = 16 * 1024 * 1024;
/// The deepest nesting parsed as a tree. Real pages stay well under 100 levels; at this depth
/// parsing still takes milliseconds.
pub(crate) const MAX_NESTING: usize = 2_000;

/// `html` as it may be parsed: cut to [`MAX_HTML_BYTES`] at a character boundary, and read as
/// its text alone (tags dropped) when it nests deeper than [`MAX_NESTING`].
pub(crate) fn bounded_fragment(html: &str) -> Cow<'_, str> {
    let mut end = html.len().min(MAX_HTML_BYTES);
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    let html = &html[..end];
    if !html.contains('<') || prescan(html).depth <= MAX_NESTING {
        return Cow::Borrowed(html);
    }
    Cow::Owned(without_tags(html))
}

/// The text between tags, in one pass; entities stay as written, for the parser to read.
fn without_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        out.push(' ');
        rest = rest[lt..].find('>').map_or("", |gt| &rest[lt + gt + 1..]);
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_fragments_are_parsed_as_they_are() {
        let html = "<p>One <b>two</b></p><ul><li>three</li></ul>";
        assert!(matches!(bounded_fragment(html), Cow::Borrowed(h) if h == html));
    }

    #[test]
    fn deep_nesting_is_read_flat_keeping_the_text() {
        let html = format!("{}deep text{}", "<div>".repeat(MAX_NESTING + 10), "</div>".repeat(MAX_NESTING + 10));
        let flat = bounded_fragment(&html);
        assert!(!flat.contains('<'));
        assert_eq!(flat.split_whitespace().collect::<Vec<_>>(), ["deep", "text"]);
    }

    #[test]
    fn oversized_fragments_are_cut_at_a_character_boundary() {
        let html = "é".repeat(MAX_HTML_BYTES / 2 + 7);
        let cut = bounded_fragment(&html);
        assert!(cut.len() <= MAX_HTML_BYTES);
        assert!(cut.chars().all(|c| c == 'é'));
    }
}
