//! The second pass over an extracted article: what Readability keeps but readers do not want.
//! Media, photo credits, bylines and time stamps, breadcrumbs, "related" and "read more" link
//! lists, calls to action and copyright lines. Images stay (a `<picture>` as its `<img>`, a
//! lazy-loaded one with the address it would load), and so do figures that hold one or a
//! caption; the plain text leaves captions out, and images carry no text.

use dom_query::{Document, NodeData, NodeRef};

use crate::sanitize::{is_named, texts_under};

/// Elements that are never article text once the body is found.
const MEDIA: &str = "source, video, audio, iframe, svg, canvas, object, embed, button, form, input, select, textarea, nav, aside, footer, noscript, script, style";

/// Class or id words of caption, credit and similar blocks inside an article body.
/// Each was measured on the shared dev set; all of them only ever remove small blocks.
const CHROME_HINTS: &[&str] = &[
    "caption",
    "credit",
    "byline",
    "dateline",
    "timestamp",
    "breadcrumb",
    "share",
    "social",
    "related",
    "newsletter",
    "promo",
    "advert",
    "sponsor",
    "gallery",
    "slideshow",
    "author-info",
    "tags",
    "author",
    "date",
    "time",
    "published",
    "updated",
    "bio",
    "tag",
    "label",
    "topics",
    "kicker",
    "eyebrow",
    "sidebar",
    "read-more",
    "see-also",
    "disclaimer",
    "copyright",
    "photo",
    "image",
    "img",
    "consent",
    "cookie",
    "cookies",
    "comment",
    "comments",
    "respond",
    "reply",
];

/// Lines that start like these are page furniture, not article text.
const FURNITURE_STARTS: &[&str] = &[
    "advertisement",
    "related:",
    "related articles",
    "related stories",
    "read more",
    "see more",
    "see also:",
    "don't miss",
    "don’t miss",
    "continue reading",
    "click here",
    "sign up",
    "subscribe",
    "follow us",
    "share this",
    "photo:",
    "image:",
    "credit:",
    "(image:",
    "image 1 of",
    "updated ",
    "published ",
    "posted ",
    "last updated",
    "copyright",
    "©",
    "all rights reserved",
    "this document is subject to copyright",
    "get fox",
    "read more on",
    "you may also like",
    "recommended",
    "more from",
    "watch:",
    "listen:",
    "leave a reply",
    "leave a comment",
    "we use cookies",
    "this slideshow",
    "tell us what you think",
    "want more stories",
    "reach the reporter",
    "tags:",
];

/// Furniture lines are at most this many characters long.
const FURNITURE_CHARS: usize = 250;

/// What the second pass leaves.
pub(crate) struct Cleaned {
    /// The article HTML.
    pub(crate) html: String,
    /// Its plain text.
    pub(crate) text: String,
    /// Share of the text that sits inside links.
    pub(crate) link_share: f64,
    /// A byline the pass removed ("By Ada Byrne"), for pages that name their authors nowhere else.
    pub(crate) byline: Option<String>,
    /// Images the body had.
    pub(crate) images: usize,
    /// Videos and embedded players the body had.
    pub(crate) videos: usize,
}

/// Cleans the article HTML Readability produced; a heading that repeats `headline` and lines
/// that are only one of `authors`' names (shown beside the text already) are left out.
pub(crate) fn clean(doc: Document, headline: Option<&str>, authors: &[String]) -> Cleaned {
    if let Some(headline) = headline.map(str::to_lowercase) {
        let repeats =
            |h: &NodeRef<'_>| capped_text(h, headline.len() + 8).is_some_and(|t| t.to_lowercase() == headline);
        if let Some(heading) = doc.select("h1, h2, h3").nodes().iter().find(|h| repeats(h)) {
            heading.remove_from_parent();
        }
    }
    let images = doc.select("img").length();
    let videos = doc.select("video, iframe").length();
    doc.select(MEDIA).remove();
    keep_images(&doc);
    for figure in doc.select("figure").nodes() {
        if figure.descendants_it().any(|d| is_named(&d, &["table"])) {
            // A table in a figure (WordPress block tables) is article content, not an image.
            if let Some(child) = figure.first_child() {
                // Unwrapping a node takes its parent (the figure) out, leaving its children.
                child.unwrap_node();
            }
            continue;
        }
        let captioned = figure.descendants_it().any(|d| is_named(&d, &["figcaption"]));
        let pictured = figure.descendants_it().any(|d| is_named(&d, &["img"]));
        if !pictured && (!captioned || capped_text(figure, 0).is_some()) {
            figure.remove_from_parent();
        }
    }
    // A line break separates words; the text of its element would otherwise glue them.
    for br in doc.select("br").nodes() {
        br.insert_before(&doc.tree.new_text("\n"));
    }
    let mut byline = None;
    let hinted: Vec<(NodeRef<'_>, bool)> = doc
        .select("[class], [id]")
        .nodes()
        .iter()
        .filter(|n| !is_named(n, &["figure", "figcaption"]))
        .filter_map(|n| {
            // Read where the tree keeps them: most elements of a body have a class.
            let hint = n.query(|node| {
                let NodeData::Element(element) = &node.data else { return None };
                ["class", "id"].iter().find_map(|attr| {
                    let value = &element.attrs.iter().find(|a| &*a.name.local == *attr)?.value;
                    value.split(|c: char| !c.is_ascii_alphanumeric() && c != '-').find_map(|t| {
                        if t.bytes().any(|b| b.is_ascii_uppercase()) {
                            chrome_hint(&t.to_ascii_lowercase())
                        } else {
                            chrome_hint(t)
                        }
                    })
                })
            })??;
            Some((*n, matches!(hint, "byline" | "author")))
        })
        // An image, or an element holding only images, has no text to clean: "image" and
        // "photo" hints name the picture itself.
        .filter(|(n, _)| !(is_named(n, &["img"]) || (capped_text(n, 0).is_some() && has_image(n))))
        .filter(|(n, _)| capped_text(n, 600).is_some())
        .collect();
    for (n, names_author) in hinted {
        if names_author && byline.is_none() {
            byline = capped_text(&n, 120).filter(|t| !t.is_empty());
        }
        n.remove_from_parent();
    }
    let blocks: Vec<NodeRef<'_>> =
        doc.select("p, li, h1, h2, h3, h4, h5, h6, dt, dd, td, th, blockquote, div, span, section").nodes().to_vec();
    let mut byline_line = None;
    let is_author = |t: &str| !t.is_empty() && t.len() <= 60 && authors.iter().any(|a| a.eq_ignore_ascii_case(t));
    for b in blocks.iter().rev() {
        // Neither a name nor furniture is longer than `FURNITURE_CHARS`.
        let Some(text) = text_up_to(b, FURNITURE_CHARS) else { continue };
        if is_author(&text) {
            b.remove_from_parent();
        } else if let Some(kind) = furniture(b, &text) {
            if kind == Furniture::Byline {
                // Walking backwards, the last one seen is the first on the page.
                byline_line = Some(text);
            }
            b.remove_from_parent();
        }
    }
    let byline = byline.or(byline_line);
    // Lists and tables that are mostly links are navigation or "related" boxes.
    let lists: Vec<NodeRef<'_>> = doc.select("ul, ol, table, div, section").nodes().to_vec();
    for l in lists.iter().rev() {
        if let Some(text) = capped_text(l, 1000)
            && link_density(l, &text) > 0.6
        {
            l.remove_from_parent();
        }
    }
    drop_author_box(&doc, authors);
    drop_closing_links_section(&doc);
    let root = doc.select("html");
    let text = crate::sanitize::text_of(&root);
    let link_share = root.nodes().first().map_or(0.0, |r| link_density(r, &text));
    if let Some(r) = root.nodes().first() {
        crate::sanitize::drop_unkept_attributes(r);
    }
    Cleaned { html: root.inner_html().to_string(), text, link_share, byline, images, videos }
}

/// Text blocks, of which the author box at the end of an article is made.
const TEXT_BLOCKS: &[&str] =
    &["p", "li", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "blockquote", "div", "section", "td"];

/// Blocks at the end of the article where an author box is looked for.
const AUTHOR_BOX_BLOCKS: usize = 4;

/// Labels that open an author box ("About the author: Ada Byrne is…").
const AUTHOR_BOX_LABELS: &[&str] =
    &["about the author", "about the authors", "about the contributor", "about the writer", "written by"];

/// Takes out an author box that closes the article: among its last few text blocks, a short
/// biography that opens with one of `authors`' names ("Ada Byrne is a reporter…", "Ada has
/// written for…"), the label or name line just before it, and whatever follows it (a link to
/// the author's page, a disclosure).
fn drop_author_box(doc: &Document, authors: &[String]) {
    if authors.is_empty() {
        return;
    }
    let blocks = doc.select(&TEXT_BLOCKS.join(", "));
    let mut trailing: Vec<(NodeRef<'_>, String)> = Vec::new();
    for b in blocks.nodes().iter().rev() {
        if trailing.len() > AUTHOR_BOX_BLOCKS {
            break;
        }
        if b.descendants_it().any(|d| is_named(&d, TEXT_BLOCKS)) {
            continue;
        }
        let Some(text) = capped_text(b, 1_000) else { break };
        if !text.is_empty() {
            trailing.push((*b, text));
        }
    }
    // A biography in a list is one of several (the article's testers or experts).
    let biography = |(b, t): &(NodeRef<'_>, String)| !is_named(b, &["li"]) && is_biography(t, authors);
    let Some(bio) = trailing.iter().take(AUTHOR_BOX_BLOCKS).position(biography) else {
        return;
    };
    let label = trailing.get(bio + 1).filter(|(_, t)| {
        let lower = t.to_lowercase();
        t.chars().count() <= 60
            && (AUTHOR_BOX_LABELS.iter().any(|l| lower.starts_with(l))
                || authors.iter().any(|a| a.eq_ignore_ascii_case(t)))
    });
    // What follows the biography goes with it, up to a heading (sources, notes).
    let after = trailing[..bio].iter().rev().take_while(|(b, _)| !is_named(b, &["h2", "h3", "h4", "h5", "h6"]));
    for (b, _) in after.chain(std::iter::once(&trailing[bio])).chain(label) {
        b.remove_from_parent();
    }
}

/// Labels of a section of links to other pages that closes an article, lower-case.
const CLOSING_LABELS: &[&str] = &[
    "related posts",
    "related articles",
    "related stories",
    "related reading",
    "related content",
    "you may also like",
    "you might also like",
    "more from",
    "recommended",
    "read next",
    "more stories",
    "popular posts",
    "latest posts",
    "share with a friend",
];

/// Takes out a section of links that closes the article: a heading or short line labelled
/// "Related posts", "You might also like", "Read next" in the last fifth of the text, and all
/// that follows it. "Related" and "Up next" alone are not such labels: "Related products and
/// services", "Up next: the Thunder host the Lakers" head the article's own last section.
fn drop_closing_links_section(doc: &Document) {
    // Lengths are bytes of text other than whitespace: the measure is a share, and it costs one
    // walk of the text.
    let size = |n: &NodeRef<'_>| {
        let mut bytes = 0;
        texts_under(n, |t| {
            bytes += t.bytes().filter(|b| !b.is_ascii_whitespace()).count();
            false
        });
        bytes
    };
    let Some(root) = doc.select("html").nodes().first().copied() else { return };
    let total = size(&root);
    let blocks = doc.select(&TEXT_BLOCKS.join(", "));
    let blocks = blocks.nodes();
    let mut after = 0;
    for (i, b) in blocks.iter().enumerate().rev() {
        if after * 5 > total {
            return;
        }
        if b.descendants_it().any(|d| is_named(&d, TEXT_BLOCKS)) {
            continue;
        }
        let closes = text_up_to(b, 40).is_some_and(|t| {
            let lower = t.to_lowercase();
            CLOSING_LABELS.iter().any(|l| lower.starts_with(l))
        });
        if closes {
            for b in &blocks[i..] {
                b.remove_from_parent();
            }
            return;
        }
        after += size(b);
    }
}

/// Whether `text` reads as a short biography of one of `authors`: it opens with the name (or a
/// part of it: "Ada", "Ada Byrne, PhD,"), perhaps after an "About the author" label, goes on
/// "is", "has", "was" or "writes", and speaks of a person ("she", "his"): a brand named as the
/// author is described the same way on its own pages.
fn is_biography(text: &str, authors: &[String]) -> bool {
    let chars = text.chars().count();
    if !(40..=800).contains(&chars) {
        return false;
    }
    let lower = text.to_lowercase();
    let rest = AUTHOR_BOX_LABELS
        .iter()
        .find_map(|l| lower.strip_prefix(l))
        .map_or(text, |r| text[text.len() - r.len()..].trim_start_matches([':', ' ']));
    let Some(verb) = [" is ", " has ", " was ", " writes "].iter().filter_map(|v| rest.find(v)).min() else {
        return false;
    };
    let subject = &rest[..verb];
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().count() >= 3).map(str::to_lowercase).collect()
    };
    let Some(first) = words(subject).into_iter().next() else { return false };
    let person = lower.split(|c: char| !c.is_alphabetic()).any(|w| matches!(w, "he" | "she" | "his" | "her" | "him"));
    person
        && subject.split_whitespace().count() <= 6
        && subject.chars().next().is_some_and(char::is_uppercase)
        && authors.iter().any(|a| words(a).contains(&first))
}

/// Readies the body's images for the sanitizer: a `<picture>` becomes its `<img>`, and a
/// lazy-loaded image gets the address its script would have loaded (`data-src` and the like)
/// when its own `src` is missing or a placeholder.
fn keep_images(doc: &Document) {
    for picture in doc.select("picture").nodes() {
        if let Some(child) = picture.first_child() {
            child.unwrap_node();
        } else {
            picture.remove_from_parent();
        }
    }
    for img in doc.select("img").nodes() {
        let placeholder = img.attr("src").is_none_or(|s| s.trim().is_empty() || s.trim_start().starts_with("data:"));
        if placeholder
            && let Some(lazy) = ["data-src", "data-lazy-src", "data-original", "data-url"]
                .iter()
                .find_map(|a| img.attr(a).filter(|v| !v.trim().is_empty()))
        {
            img.set_attr("src", &lazy);
        }
    }
}

/// Whether an image is under `n`.
fn has_image(n: &NodeRef<'_>) -> bool {
    n.descendants_it().any(|d| is_named(&d, &["img"]))
}

/// Why a block is page furniture.
#[derive(Debug, PartialEq, Eq)]
enum Furniture {
    /// "By Ada Byrne": furniture in the text, but it names the authors.
    Byline,
    /// Anything else.
    Other,
}

/// The chrome hint a class or id token names: the token itself, or a part of it before or
/// after a dash ("photo-credit", "post-tags", "read-more-link").
fn chrome_hint(token: &str) -> Option<&'static str> {
    let known = |w: &str| CHROME_HINTS.iter().find(|h| **h == w).copied();
    known(token)
        .or_else(|| token.match_indices('-').find_map(|(i, _)| known(&token[..i]).or_else(|| known(&token[i + 1..]))))
}

/// The text under `n` with whitespace runs folded to one space, or `None` when it has more than
/// `max` characters: read no further than that.
fn text_up_to(n: &NodeRef<'_>, max: usize) -> Option<String> {
    let mut out = String::new();
    let mut chars = 0;
    let longer = texts_under(n, |text| {
        for word in text.split_whitespace() {
            chars += usize::from(!out.is_empty()) + word.chars().count();
            if chars > max {
                return true;
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        false
    });
    (!longer).then_some(out)
}

/// The text under `n` with whitespace runs folded to one space, or `None` as soon as it passes
/// `cap` bytes (so big containers cost nothing to rule out; indentation does not count).
fn capped_text(n: &NodeRef<'_>, cap: usize) -> Option<String> {
    let mut out = String::new();
    let longer = texts_under(n, |text| {
        for word in text.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        out.len() > cap
    });
    (!longer).then_some(out)
}

fn link_density(n: &NodeRef<'_>, text: &str) -> f64 {
    let total = folded_chars(text);
    if total == 0 {
        return 0.0;
    }
    let linked: usize = n.descendants_it().filter(|d| is_named(d, &["a"])).map(|a| folded_chars_under(&a)).sum();
    linked as f64 / total as f64
}

/// `folded_chars` of the text under `n`, read in place: words run on across text nodes, as in
/// the text the nodes make together.
fn folded_chars_under(n: &NodeRef<'_>) -> usize {
    let (mut chars, mut words, mut in_word) = (0, 0usize, false);
    texts_under(n, |text| {
        for c in text.chars() {
            if c.is_whitespace() {
                in_word = false;
            } else {
                words += usize::from(!in_word);
                in_word = true;
                chars += 1;
            }
        }
        false
    });
    chars + words.saturating_sub(1)
}

/// The length in characters of `fold(s)`, counted without building it.
fn folded_chars(s: &str) -> usize {
    let (chars, words) =
        s.split_whitespace().fold((0, 0usize), |(chars, words), w| (chars + w.chars().count(), words + 1));
    chars + words.saturating_sub(1)
}

/// Why block `b`, whose text (whitespace folded) is `text`, is page furniture, if it is.
fn furniture(b: &NodeRef<'_>, text: &str) -> Option<Furniture> {
    if text.is_empty() {
        return None;
    }
    let chars = text.chars().count();
    if chars > FURNITURE_CHARS {
        return None;
    }
    let lower = text.to_lowercase();
    if FURNITURE_STARTS.iter().any(|s| lower.starts_with(s)) {
        return Some(Furniture::Other);
    }
    // A short line that is one link (a teaser), or a byline.
    let words = text.split(' ').count();
    if words <= 12 && (lower.starts_with("by ") || lower.starts_with("por ") || lower.starts_with("von ")) {
        return Some(Furniture::Byline);
    }
    if chars < 120 && link_density(b, text) > 0.8 {
        return Some(Furniture::Other);
    }
    if matches!(
        lower.trim_end_matches(':'),
        "caption"
            | "close"
            | "comments"
            | "advertisement"
            | "share"
            | "print"
            | "email"
            | "written by"
            | "posted by"
            | "by"
    ) {
        return Some(Furniture::Other);
    }
    // Slideshow counters: "1 of 8", "Image 3 of 12".
    let counter: Vec<&str> = lower.trim_start_matches("image ").trim_start_matches("photo ").split(' ').collect();
    if let [a, "of", b] = counter.as_slice()
        && a.chars().all(|c| c.is_ascii_digit())
        && b.chars().all(|c| c.is_ascii_digit())
    {
        return Some(Furniture::Other);
    }
    if chars < 90 && looks_like_dateline(&lower) {
        return Some(Furniture::Other);
    }
    if words <= 3
        && (lower.contains('@')
            || lower.starts_with("http")
            || lower.starts_with("twitter.com")
            || lower.starts_with("www."))
    {
        return Some(Furniture::Other);
    }
    None
}

/// A short line carrying a date or time: "Updated Nov 19, 6:55 AM", "05/10/2018 - Publicado por".
fn looks_like_dateline(lower: &str) -> bool {
    let has_year = lower
        .split(|c: char| !c.is_ascii_digit())
        .any(|d| d.len() == 4 && (d.starts_with("19") || d.starts_with("20")));
    let has_numeric_date = lower.split_whitespace().any(|w| {
        let parts: Vec<&str> = w.split(['/', '.', '-']).collect();
        parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit()))
    });
    let has_clock = lower.contains(" am")
        || lower.contains(" pm")
        || lower.split_whitespace().any(|w| {
            let w = w.trim_matches(|c: char| !c.is_ascii_digit() && c != ':');
            w.len() >= 4
                && w.len() <= 5
                && w.contains(':')
                && w.split(':').all(|p| p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty())
        });
    // English month names come from the metadata reader; Portuguese and Spanish ones are here.
    let other_months = [
        "janeiro",
        "fevereiro",
        "março",
        "abril",
        "maio",
        "junho",
        "julho",
        "agosto",
        "setembro",
        "outubro",
        "novembro",
        "dezembro",
        "enero",
        "febrero",
        "marzo",
        "mayo",
        "junio",
        "julio",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ];
    let has_month = lower
        .split(|c: char| !c.is_alphabetic())
        .any(|w| crate::metadata::month_number(w).is_some() || other_months.contains(&w));
    (has_year && (has_month || has_clock)) || has_numeric_date || (has_month && has_clock)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn furniture_lines_and_chrome_blocks_are_removed() {
        let Cleaned { html, text, .. } = clean(
            Document::fragment(
                r#"<div><p>We use cookies to personalise content.</p><p>The council met on Monday to vote on the bridge.</p>
            <section id="respond" class="comment-respond"><h3>Leave a Reply</h3></section><h3>Leave a Reply</h3>
            <div class="photo-credit">Photo: AP</div><p>Updated Nov 19, 2019, 6:55 AM</p></div>"#,
            ),
            None,
            &[],
        );
        assert_eq!(text, "The council met on Monday to vote on the bridge.", "{html}");
    }
}
