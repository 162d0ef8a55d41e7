//! Sanitizing outside HTML with one policy, and turning HTML into plain text.

use std::collections::HashSet;

use ammonia::{Builder, UrlRelative};
use url::Url;

use crate::limits::bounded_fragment;

/// Tags kept in stored article HTML. Images are kept with their outlet's address, which pages
/// never show a browser: the site points each at its own image proxy (`images.rs`). Other media
/// (video, audio, frames) are left out: they would make readers' browsers request other hosts.
const ALLOWED_TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
];

/// Returns `html` with only safe tags and attributes, links made absolute against `base` and
/// marked `rel="noopener noreferrer"`; images keep an absolute http(s) `src`, `alt`, `width`
/// and `height` (never a `srcset`), and tracking pixels go. Sanitizing sanitized HTML changes
/// nothing. HTML past the
/// limits every parse keeps to (`limits.rs`) is cut, or read as its text alone.
pub fn sanitize_html(html: &str, base: Option<&Url>) -> String {
    clean(html, base, ARTICLE_LINK_REL)
}

/// `rel` of links in outlets' articles.
const ARTICLE_LINK_REL: &str = "noopener noreferrer";
/// `rel` of links readers write: search engines are told not to credit them.
const READER_LINK_REL: &str = "nofollow ugc noopener noreferrer";

/// Returns HTML that readers wrote (a rendered comment) under the same policy as
/// [`sanitize_html`], with relative links dropped and links marked
/// `rel="nofollow ugc noopener noreferrer"`.
pub fn sanitize_reader_html(html: &str) -> String {
    clean(html, None, READER_LINK_REL)
}

/// The one policy, with the link handling of the caller.
fn clean(html: &str, base: Option<&Url>, rel: &'static str) -> String {
    let html = bounded_fragment(html);
    thread_local! {
        // Building the policy costs more than cleaning a small article, so each thread keeps one.
        static POLICY: std::cell::RefCell<Builder<'static>> = std::cell::RefCell::new(policy());
    }
    POLICY.with(|p| {
        let mut builder = p.borrow_mut();
        match base {
            Some(b) => builder.url_relative(UrlRelative::RewriteWithBase(b.clone())),
            None => builder.url_relative(UrlRelative::Deny),
        };
        builder.link_rel(Some(rel));
        crate::images::drop_unusable(&builder.clean(&html).to_string())
    })
}

/// The attributes the policy keeps, by tag; no other attribute is kept on any element.
const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href", "title"]),
    ("img", &["src", "alt", "width", "height"]),
    ("td", &["colspan", "rowspan"]),
    ("th", &["colspan", "rowspan", "scope"]),
    ("time", &["datetime"]),
];

/// Attributes the HTML parser reads as it builds the tree (a hidden `<input>` in a table, a
/// `<font>` in foreign content, MathML's `encoding`, declarative shadow roots, `<meta>`
/// charsets): the sanitizer's own parse must still see them.
const PARSER_ATTRIBUTES: &[&str] =
    &["type", "color", "face", "size", "encoding", "shadowrootmode", "charset", "http-equiv", "content"];

/// Drops from the elements under `root` the attributes the policy would drop, except those the
/// parser reads, so that the HTML written for the sanitizer is what it keeps: its parse read
/// every class and style of the article only to throw them away. Sanitizing that HTML gives
/// what sanitizing the whole gives.
pub(crate) fn drop_unkept_attributes(root: &dom_query::NodeRef<'_>) {
    let elements: Vec<dom_query::NodeId> = root.descendants_it().filter(|d| d.is_element()).map(|d| d.id).collect();
    for id in elements {
        dom_query::NodeRef::new(id, root.tree).update(|node| {
            if let dom_query::NodeData::Element(element) = &mut node.data {
                let kept = TAG_ATTRIBUTES.iter().find(|(tag, _)| *tag == &*element.name.local).map_or(&[][..], |t| t.1);
                element.attrs.retain(|a| kept.contains(&&*a.name.local) || PARSER_ATTRIBUTES.contains(&&*a.name.local));
            }
        });
    }
}

/// The one sanitizing policy.
fn policy() -> Builder<'static> {
    let tags: HashSet<&str> = ALLOWED_TAGS.iter().copied().collect();
    let mut builder = Builder::default();
    builder
        .tags(tags)
        .tag_attributes(TAG_ATTRIBUTES.iter().map(|(tag, names)| (*tag, names.iter().copied().collect())).collect())
        .generic_attributes(HashSet::new())
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some(ARTICLE_LINK_REL))
        .strip_comments(true);
    builder
}

/// Plain text of an HTML fragment: block elements become paragraphs separated by a blank line,
/// whitespace inside a paragraph is folded. HTML past the limits every parse keeps to is cut,
/// or read as its text alone.
pub fn html_to_text(html: &str) -> String {
    let doc = dom_query::Document::fragment(bounded_fragment(html).as_ref());
    text_of(&doc.select("html"))
}

/// Plain text of a parsed fragment, paragraphs apart (see [`html_to_text`]). A table row is one
/// line with its cells separated by " | "; figures (their captions) are left out. Text outside
/// any paragraph (site builders write `<h2>`s and lines between `<br>`s straight into one
/// container) is a paragraph of its own, cut where a block element begins or ends.
pub(crate) fn text_of(root: &dom_query::Selection<'_>) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut loose = String::new();
    for node in root.nodes() {
        collect_text(node, mixes_text(node), &mut paragraphs, &mut loose);
    }
    push_folded(&mut paragraphs, &mut loose);
    if paragraphs.is_empty() {
        return fold(&root.text());
    }
    paragraphs.join("\n\n")
}

/// Elements whose text is one paragraph.
const PARAGRAPHS: &[&str] = &["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "tr", "dt", "dd"];
/// Elements that sit inside a line of text rather than starting one.
const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins", "kbd",
    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr",
];

/// True when text written straight into `node` is article text: the element also holds
/// paragraphs or line breaks, so its loose lines are paragraphs between them. Loose text alone
/// in an element is a label ("Advert", "Contributor") or a box beside the article (a bio).
fn mixes_text(node: &dom_query::NodeRef<'_>) -> bool {
    node.children_it(false).any(|c| is_named(&c, PARAGRAPHS) || is_named(&c, &["br"]))
}

/// Adds the paragraphs under `node` in document order; `loose` gathers text outside paragraphs,
/// taken only when `keep_loose`.
fn collect_text(node: &dom_query::NodeRef<'_>, keep_loose: bool, paragraphs: &mut Vec<String>, loose: &mut String) {
    for child in node.children_it(false) {
        if child.is_text() {
            if keep_loose {
                loose.push_str(&child.text());
            }
        } else if !child.is_element() || is_named(&child, &["figure", "figcaption"]) {
            continue;
        } else if is_named(&child, PARAGRAPHS) {
            push_folded(paragraphs, loose);
            let text = if is_named(&child, &["tr"]) {
                child
                    .children_it(false)
                    .filter(|c| c.is_element())
                    .map(|c| fold(&text_without_captions(&c)))
                    .filter(|c| !c.is_empty())
                    .collect::<Vec<_>>()
                    .join(" | ")
            } else {
                fold(&text_without_captions(&child))
            };
            if !text.is_empty() {
                paragraphs.push(text);
            }
        } else if is_named(&child, INLINE) {
            collect_text(&child, keep_loose, paragraphs, loose);
        } else {
            push_folded(paragraphs, loose);
            collect_text(&child, mixes_text(&child), paragraphs, loose);
            push_folded(paragraphs, loose);
        }
    }
}

/// Moves the text gathered in `loose` to `paragraphs` as one paragraph, if it has any words.
fn push_folded(paragraphs: &mut Vec<String>, loose: &mut String) {
    let text = fold(loose);
    if !text.is_empty() {
        paragraphs.push(text);
    }
    loose.clear();
}

/// The text under `node`, leaving out figures and captions inside it.
fn text_without_captions(node: &dom_query::NodeRef<'_>) -> String {
    let is_caption = |n: &dom_query::NodeRef<'_>| is_named(n, &["figure", "figcaption"]);
    if !node.descendants_it().any(|d| is_caption(&d)) {
        return node.text().to_string();
    }
    node.descendants_it()
        .filter(|d| d.is_text() && !d.ancestors_it(None).take_while(|a| a.id != node.id).any(|a| is_caption(&a)))
        .map(|d| d.text().to_string())
        .collect()
}

/// Calls `each` with the text of each text node under `node`, in document order, read where the
/// tree keeps it (`NodeRef::text` copies it), until `each` returns true; true when it did.
pub(crate) fn texts_under(node: &dom_query::NodeRef<'_>, mut each: impl FnMut(&str) -> bool) -> bool {
    node.descendants_it()
        .any(|d| d.query_or(false, |n| matches!(&n.data, dom_query::NodeData::Text { contents } if each(contents))))
}

/// True when `node` is an element named one of `names` (compared without copying the name).
pub(crate) fn is_named(node: &dom_query::NodeRef<'_>, names: &[&str]) -> bool {
    node.qual_name_ref().is_some_and(|q| names.contains(&&*q.local))
}

/// Whitespace runs (including no-break spaces) become one space.
pub(crate) fn fold(s: &str) -> String {
    let mut folded = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !folded.is_empty() {
            folded.push(' ');
        }
        folded.push_str(word);
    }
    folded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://news.example/a/").unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn scripts_handlers_and_styles_are_removed() {
        let out = sanitize_html(
            r#"<p onclick="x()" style="color:red">Hi<script>alert(1)</script><img src=x onerror=alert(1)></p>"#,
            None,
        );
        assert_eq!(out, "<p>Hi</p>");
    }

    #[test]
    fn links_are_absolute_and_safe() {
        let out = sanitize_html(r#"<a href="../b">b</a><a href="javascript:alert(1)">j</a>"#, Some(&base()));
        assert!(out.contains(r#"href="https://news.example/b""#), "{out}");
        assert!(out.contains(r#"rel="noopener noreferrer""#), "{out}");
        assert!(!out.contains("javascript"), "{out}");
    }

    #[test]
    fn images_keep_an_absolute_web_source_and_lose_pixels_and_srcset() {
        let out = sanitize_html(
            r#"<figure><img src="../p.jpg" srcset="https://cdn.example/p-2x.jpg 2x" alt="The quay" width="800" height="600" onerror="x()" style="a"><figcaption>The quay</figcaption></figure>
               <img src="data:image/png;base64,AAAA" alt="d"><img src="javascript:alert(1)"><img src="https://t.example/p.gif" width="1" height="1">"#,
            Some(&base()),
        );
        assert!(
            out.contains(r#"<img src="https://news.example/p.jpg" alt="The quay" width="800" height="600">"#),
            "{out}"
        );
        for gone in ["srcset", "data:", "javascript", "t.example", "onerror", "style"] {
            assert!(!out.contains(gone), "{gone} in {out}");
        }
        assert_eq!(sanitize_html(&out, Some(&base())), out);
    }

    #[test]
    fn html_without_the_attributes_the_policy_drops_sanitizes_the_same() {
        let html = r#"<div class="post" style="x"><a href="../b" class="link" data-id="1" rel="nofollow">b</a>
            <table><tr><td colspan="2" class="cell">x</td></tr><input type="hidden" name="n"></table>
            <img src="p.jpg" srcset="p-2x.jpg 2x" alt="Quay" width="800" class="wide"></div>"#;
        let doc = dom_query::Document::fragment(html);
        let root = doc.select("html");
        for node in root.nodes() {
            drop_unkept_attributes(node);
        }
        let pruned = root.inner_html().to_string();
        assert!(
            !pruned.contains("class") && !pruned.contains("srcset") && pruned.contains("type=\"hidden\""),
            "{pruned}"
        );
        assert_eq!(sanitize_html(&pruned, Some(&base())), sanitize_html(html, Some(&base())));
    }

    #[test]
    fn sanitizing_is_idempotent() {
        let once = sanitize_html(
            r#"<figure><figcaption>A <em>b</em></figcaption></figure><table><tr><td colspan="2">x</td></tr></table><a href="/x">l</a>"#,
            Some(&base()),
        );
        assert_eq!(sanitize_html(&once, Some(&base())), once);
    }

    #[test]
    fn text_keeps_paragraphs_apart() {
        let text = html_to_text("<p>One  two</p><blockquote><p>Three</p></blockquote><ul><li>Four</li></ul>");
        assert_eq!(text, "One two\n\nThree\n\nFour");
    }

    #[test]
    fn table_rows_are_lines_and_captions_stay_out_of_text() {
        let text = html_to_text(
            "<figure><figcaption>The bridge</figcaption></figure><figcaption><p>Lost</p></figcaption>\
             <ul><li>Kept<figure><figcaption>Not</figcaption></figure></li></ul><table><tr><th>Year</th><th>Ships</th></tr>\
             <tr><td>2025</td><td><p>410</p></td></tr></table>",
        );
        assert_eq!(text, "Kept\n\nYear | Ships\n\n2025 | 410");
    }
}
