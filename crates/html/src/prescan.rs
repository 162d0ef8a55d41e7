//! Byte-level passes over a page before it is parsed: they cost a memchr scan, and spare the
//! HTML parser work or refuse pages that would make it slow.

use std::borrow::Cow;

/// What the byte-level pass learnt of a page.
pub(crate) struct Prescan<'a> {
    /// The deepest nesting of elements, estimated from tags: start tags open, end tags close;
    /// void, self-closing and usually-unclosed elements (p, li, td…) are not counted. It errs
    /// high (unclosed formatting tags count).
    pub(crate) depth: usize,
    /// The page with the contents of `<script>` (except JSON-LD, which carries metadata),
    /// `<style>`, `<noscript>` and `<svg>` elements and all comments left out; the elements
    /// stay, empty. (Readability reads `<noscript>` only for images, which are not kept.)
    /// `data-*` attributes are left out too, except those of images and players.
    pub(crate) page: Cow<'a, str>,
    /// Whether the page has segments of streamed server rendering (`streamed.rs`).
    pub(crate) streamed: bool,
}

/// One pass over the page's tags, before it is parsed.
///
/// Scripts and styles are about half the bytes of a news page and nothing of its article; the
/// HTML parser reads them a character at a time, so they are emptied here. Nesting is
/// estimated because the parser and Readability scoring both cost time quadratic in it. Tags
/// are found as the HTML tokenizer finds them: a `<` and a letter in text opens a tag, quoted
/// attribute values are skipped, and raw text (`<script>`, `<style>`, `<title>`, `<textarea>`,
/// `<xmp>`, `<noscript>`) holds no tags.
pub(crate) fn prescan(html: &str) -> Prescan<'_> {
    const FLAT: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "param",
        "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "tbody", "thead", "tfoot", "colgroup",
        "caption",
    ];
    const RAW: &[&str] = &["script", "style", "title", "textarea", "xmp", "noscript"];
    let bytes = html.as_bytes();
    let mut out: Option<String> = None;
    let (mut copied, mut i, mut depth, mut max) = (0usize, 0usize, 0usize, 0usize);
    let mut streamed = false;
    let cut = |out: &mut Option<String>, from: usize, to: usize, copied: &mut usize| {
        let kept = out.get_or_insert_with(|| String::with_capacity(html.len() / 2));
        kept.push_str(&html[*copied..from]);
        *copied = to;
    };
    while let Some(p) = memchr::memchr(b'<', &bytes[i..]) {
        let lt = i + p;
        i = lt + 1;
        match bytes.get(i) {
            Some(b'!') if bytes[i..].starts_with(b"!--") => {
                let end = memchr::memmem::find(&bytes[lt + 4..], b"-->").map_or(bytes.len(), |e| lt + 4 + e + 3);
                cut(&mut out, lt, end, &mut copied);
                i = end;
            }
            Some(b'!') => i = memchr::memchr(b'>', &bytes[i..]).map_or(bytes.len(), |e| i + e + 1),
            Some(b'/') => {
                depth = depth.saturating_sub(1);
                i = memchr::memchr(b'>', &bytes[i..]).map_or(bytes.len(), |e| i + e + 1);
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let name_len = bytes[i..].iter().position(|b| !b.is_ascii_alphanumeric()).unwrap_or(bytes.len() - i);
                let name = &html[i..i + name_len];
                let attrs = lt + 1 + name_len;
                let mut attrs_from = attrs;
                if name.eq_ignore_ascii_case("div") && html[attrs..].starts_with(STREAMED_SEGMENT) {
                    // Streamed server rendering sends the article in a hidden segment that a
                    // script moves into place; a reader without scripts must see it.
                    cut(&mut out, attrs, attrs + " hidden".len(), &mut copied);
                    attrs_from = attrs + " hidden".len();
                    streamed = true;
                }
                // Scripts' data attributes are a tenth of a page's bytes, and the parser reads
                // their names a character at a time; nothing after it reads those of elements
                // other than media. The walk over the attributes finds where the tag ends.
                let keeps_data = MEDIA_TAGS.iter().any(|t| t.eq_ignore_ascii_case(name));
                let mut at = attrs_from;
                while let Some((start, name_end, end)) = next_attribute(bytes, at) {
                    let attribute = &bytes[start..name_end];
                    if !keeps_data && attribute.len() > 5 && attribute[..5].eq_ignore_ascii_case(b"data-") {
                        cut(&mut out, start, end, &mut copied);
                    }
                    at = end;
                }
                let tag_end = memchr::memchr(b'>', &bytes[at..]).map_or(bytes.len(), |e| at + e + 1);
                let self_closing = bytes.get(tag_end.wrapping_sub(2)) == Some(&b'/');
                i = tag_end;
                if name.eq_ignore_ascii_case("svg") && !self_closing {
                    // Inline icons: drawing elements by the dozen, never article text.
                    let content_end = end_tag(bytes, tag_end, "svg");
                    if content_end > tag_end {
                        cut(&mut out, tag_end, content_end, &mut copied);
                    }
                    i = content_end;
                } else if let Some(raw) = RAW.iter().find(|r| r.eq_ignore_ascii_case(name)) {
                    let content_end = end_tag(bytes, tag_end, raw);
                    let emptied = match *raw {
                        "style" | "noscript" => true,
                        "script" => !html[lt..tag_end].to_ascii_lowercase().contains("ld+json"),
                        _ => false,
                    };
                    if emptied && content_end > tag_end {
                        cut(&mut out, tag_end, content_end, &mut copied);
                    }
                    i = content_end;
                } else if !self_closing && !FLAT.iter().any(|f| f.eq_ignore_ascii_case(name)) {
                    depth += 1;
                    max = max.max(depth);
                }
            }
            _ => {}
        }
        if i >= bytes.len() {
            break;
        }
    }
    let page = match out {
        Some(mut kept) => {
            kept.push_str(&html[copied.min(html.len())..]);
            Cow::Owned(kept)
        }
        None => Cow::Borrowed(html),
    };
    Prescan { depth: max, page, streamed }
}

/// Elements whose data attributes may hold the address of an image or a player, which
/// Readability reads (lazy loading puts it there).
const MEDIA_TAGS: &[&str] = &["img", "picture", "figure", "source", "iframe", "video", "audio", "embed", "object"];

/// The next attribute of a start tag from `at` on, read as the HTML tokenizer reads it: where
/// its name starts and ends, and where its value ends; `None` at the tag's `>` (or the end of
/// the page). A quote opens a value only after `=`, as for the tokenizer: a stray one in a name
/// or an unquoted value does not make the rest of the page an attribute.
fn next_attribute(bytes: &[u8], mut at: usize) -> Option<(usize, usize, usize)> {
    let end = bytes.len();
    while at < end && (bytes[at].is_ascii_whitespace() || bytes[at] == b'/') {
        at += 1;
    }
    if at >= end || bytes[at] == b'>' {
        return None;
    }
    let name = at;
    at += 1;
    while at < end && !(bytes[at].is_ascii_whitespace() || matches!(bytes[at], b'/' | b'>' | b'=')) {
        at += 1;
    }
    let name_end = at;
    while at < end && bytes[at].is_ascii_whitespace() {
        at += 1;
    }
    if at >= end || bytes[at] != b'=' {
        // A name alone: what follows the whitespace is the next attribute.
        return Some((name, name_end, name_end));
    }
    at += 1;
    while at < end && bytes[at].is_ascii_whitespace() {
        at += 1;
    }
    match bytes.get(at) {
        Some(&quote) if quote == b'"' || quote == b'\'' => {
            at = memchr::memchr(quote, &bytes[at + 1..]).map_or(end, |q| at + 1 + q + 1);
        }
        _ => {
            while at < end && !(bytes[at].is_ascii_whitespace() || bytes[at] == b'>') {
                at += 1;
            }
        }
    }
    Some((name, name_end, at))
}

/// How React's streamed server rendering opens a segment of the page that its scripts swap
/// into place of a fallback: `<div hidden id="S:1f">`.
const STREAMED_SEGMENT: &str = " hidden id=\"S:";

/// Where the end tag `</name` of raw text starting at `from` begins (the end of the page when
/// there is none).
fn end_tag(bytes: &[u8], from: usize, name: &str) -> usize {
    let mut j = from;
    while let Some(p) = memchr::memmem::find(&bytes[j..], b"</") {
        let at = j + p;
        let after = at + 2 + name.len();
        if bytes.get(at + 2..after).is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
            && bytes.get(after).is_none_or(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/')
        {
            return at;
        }
        j = at + 2;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_estimate_counts_only_real_nesting() {
        assert_eq!(prescan("<div><p>a<p>b<br><img src=x><div>c</div></div>").depth, 2);
        assert_eq!(prescan("<!-- <div><div> --><script>if (a<b) {}</script><span/>").depth, 0);
    }

    #[test]
    fn scripts_styles_and_comments_are_emptied_but_json_ld_stays() {
        let page = concat!(
            "<head><script>var a = '<p>not text</p>';</script><STYLE media=x>p{}</STYLE><noscript><img src=a></noscript>",
            "<script type=\"application/ld+json\">{\"datePublished\":\"2026-11-20\"}</script></head>",
            "<body><!-- <p>old</p> --><p title=\"a > b <script>\">Kept</p><title>x <script> y</title>",
            "<script src=x.js></script ><p>Also kept</p></body>"
        );
        assert_eq!(
            prescan(page).page,
            concat!(
                "<head><script></script><STYLE media=x></STYLE><noscript></noscript>",
                "<script type=\"application/ld+json\">{\"datePublished\":\"2026-11-20\"}</script></head>",
                "<body><p title=\"a > b <script>\">Kept</p><title>x <script> y</title>",
                "<script src=x.js></script ><p>Also kept</p></body>"
            )
        );
    }

    #[test]
    fn inline_svg_is_emptied_but_a_self_closed_one_ends_at_once() {
        assert_eq!(
            prescan("<svg viewBox=\"0 0 1 1\"><path d=\"M0\"/><g><path/></g></svg><p>Text</p>").page,
            "<svg viewBox=\"0 0 1 1\"></svg><p>Text</p>"
        );
        assert_eq!(prescan("<svg/><p>Text</p><svg></svg>").page, "<svg/><p>Text</p><svg></svg>");
    }

    #[test]
    fn streamed_hidden_segment_is_shown_but_other_hidden_elements_stay_hidden() {
        assert_eq!(
            prescan("<template id=\"B:0\"></template><div hidden id=\"S:0\"><p>Story</p></div><div hidden>x</div>")
                .page,
            "<template id=\"B:0\"></template><div id=\"S:0\"><p>Story</p></div><div hidden>x</div>"
        );
    }

    #[test]
    fn data_attributes_go_except_on_media_elements() {
        assert_eq!(
            prescan("<div class=a data-track='x>y' id=b data-on><p data-x=1>Text</p><img data-src=\"/p.jpg\"></div>")
                .page,
            "<div class=a  id=b ><p >Text</p><img data-src=\"/p.jpg\"></div>"
        );
    }

    #[test]
    fn a_stray_quote_in_a_tag_does_not_swallow_the_tags_after_it() {
        // The tokenizer reads `x"` as a name and ends the tag at its `>`: the data attribute of
        // the next tag is that tag's own, and the one inside the quoted value stays text.
        assert_eq!(
            prescan("<div id=\"a</div><div data-ad=\" x\" data-b=\"c\"><p data-y=\"1\">Text</p>").page,
            "<div id=\"a</div><div data-ad=\" x\" ><p >Text</p>"
        );
    }

    #[test]
    fn unterminated_script_and_comment_end_the_page() {
        assert_eq!(prescan("<p>a</p><script>if (x < 1").page, "<p>a</p><script>");
        assert_eq!(prescan("<p>a</p><!-- never closed").page, "<p>a</p>");
        assert_eq!(prescan("<p>plain</p>").page, "<p>plain</p>");
    }
}
