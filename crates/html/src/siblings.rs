//! Body blocks Readability leaves beside the one it keeps.
//!
//! Readability keeps the best-scoring container and those of its siblings that score nearly as
//! well. Page builders and list articles split one article into many containers (an intro, a
//! text block per list item between image blocks, a comparison table, an FAQ), nested at
//! several levels, and only one of them is kept. This pass finds the kept container in the
//! page as parsed, walks up from it without leaving the article (`<article>`, `<main>`,
//! `articleBody`), and adds the sibling blocks on the way that read as prose: low link
//! density, sentences, and no class or element that marks page chrome. A block between two it
//! takes at one level is taken too when it is not chrome and not mostly links: a section of
//! linked items between two sections of prose is part of the article.
//!
//! Readability also cleans inside the container it keeps: a block goes when its class holds a
//! word like "media" or "widget", when it has fewer paragraphs than images or list items, or
//! when a fifth of its text is links. Page builders wrap every text block in such classes, so
//! whole sections of an article went. Before walking up, this pass puts back the blocks of the
//! container, as the page has them, that were taken out and read as prose by the same measure,
//! each after the kept block it followed on the page. Blocks after the last kept one are left
//! out: there, they were author boxes and calls to action more often than text.

use std::collections::HashSet;

use dom_query::{Document, NodeRef};

use crate::sanitize::{fold, is_named, texts_under};

/// Levels walked up from the kept container.
const MAX_LEVELS: usize = 6;
/// A block with more of its text in links than this is navigation, not prose.
const MAX_LINK_DENSITY: f64 = 0.3;
/// A block between two taken ones with more of its text in links than this is a link box.
const MAX_GAP_LINK_DENSITY: f64 = 0.6;
/// Prose blocks are at least this long (headings excepted).
const MIN_PROSE_CHARS: usize = 80;

/// Blocks whose text marks where the kept HTML sits in the page.
const BLOCKS: &str = "p, h2, h3, h4, li, td, pre";

/// Elements that are never article prose, whatever their text.
const NOT_PROSE: &[&str] = &[
    "nav", "aside", "footer", "header", "form", "button", "script", "style", "noscript", "iframe", "select", "dialog",
    "template", "svg",
];

/// Elements that mark a block holding them as page chrome.
const CHROME_INSIDE: &[&str] = &["nav", "aside", "footer", "header", "form", "iframe", "select", "dialog"];

/// Class or id words of page chrome around an article.
const CHROME_WORDS: &[&str] = &[
    "comment",
    "comments",
    "related",
    "share",
    "sharing",
    "social",
    "sidebar",
    "footer",
    "header",
    "nav",
    "navigation",
    "menu",
    "newsletter",
    "subscribe",
    "subscription",
    "signup",
    "promo",
    "ad",
    "ads",
    "advert",
    "advertisement",
    "sponsor",
    "sponsored",
    "author",
    "bio",
    "breadcrumb",
    "breadcrumbs",
    "tags",
    "popup",
    "modal",
    "cookie",
    "banner",
    "recommended",
    "recirc",
    "more",
    "toc",
    "disclaimer",
    "byline",
    "meta",
    "cta",
];

/// The article HTML Readability kept (`kept_html`, parsed as `kept`), with the prose blocks
/// beside it added in page order; `None` when there is nothing to add beside it. Blocks put
/// back inside it go into `kept` itself.
pub(crate) fn extend(page: &Document, kept: &Document, kept_html: &str) -> Option<String> {
    let kept_blocks = kept.select(BLOCKS);
    let kept_blocks = kept_blocks.nodes();
    // Readability rewrites some blocks; the first and last that the page still has mark the
    // span. The page's blocks, and the kept ones, are read from each end only as far as needed.
    let page_blocks = page.select(BLOCKS);
    let page_blocks = page_blocks.nodes();
    let find = |text: String, from_end: bool| {
        let matches = |n: &&NodeRef<'_>| folded_text_is(n, &text);
        if from_end { page_blocks.iter().rev().find(matches) } else { page_blocks.iter().find(matches) }.copied()
    };
    let placeable = |n: &NodeRef<'_>| Some(fold(&n.text())).filter(|t| t.chars().count() >= 20);
    let first_node = kept_blocks.iter().filter_map(placeable).take(5).find_map(|b| find(b, false))?;
    let last_node = kept_blocks.iter().rev().filter_map(placeable).take(5).find_map(|b| find(b, true))?;
    let mut node = common_ancestor(&first_node, &last_node)?;
    let mut kept_text = fold(&kept.select("html").text());
    let restored = restore(&node, kept_blocks, &kept_text).then(|| {
        kept_text = fold(&kept.select("html").text());
        kept.select("html").inner_html().to_string()
    });
    let kept_html = restored.as_deref().unwrap_or(kept_html);
    let (mut before, mut after): (Vec<Vec<NodeRef<'_>>>, Vec<Vec<NodeRef<'_>>>) = (Vec::new(), Vec::new());
    for _ in 0..MAX_LEVELS {
        if is_named(&node, &["article", "main", "body", "html"]) || is_article_body(&node) {
            break;
        }
        let Some(parent) = node.parent() else { break };
        if is_named(&parent, &["body", "html"]) {
            break;
        }
        let siblings = parent.element_children();
        let mut taken: Vec<bool> =
            siblings.iter().map(|s| s.id == node.id || (is_prose_block(s) && !repeats(s, &kept_text))).collect();
        // A block between two taken ones is part of the same run of sections, links and all.
        if let (Some(first), Some(last)) = (taken.iter().position(|t| *t), taken.iter().rposition(|t| *t)) {
            for i in first + 1..last {
                if !taken[i] && fills_gap(&siblings[i]) && !repeats(&siblings[i], &kept_text) {
                    taken[i] = true;
                }
            }
        }
        let (mut level_before, mut level_after) = (Vec::new(), Vec::new());
        let mut seen = false;
        for (sibling, taken) in siblings.into_iter().zip(taken) {
            if sibling.id == node.id {
                seen = true;
            } else if taken {
                if seen { level_after.push(sibling) } else { level_before.push(sibling) }
            }
        }
        // A heading with no prose after it heads something left out.
        let is_heading = |n: &NodeRef<'_>| is_named(n, &["h2", "h3", "h4"]);
        while level_after.last().is_some_and(is_heading) {
            level_after.pop();
        }
        before.push(level_before);
        after.push(level_after);
        node = parent;
    }
    if before.iter().chain(&after).all(Vec::is_empty) {
        // `kept` itself holds the blocks put back.
        return None;
    }
    let mut html = String::with_capacity(kept_html.len() * 2);
    for level in before.iter().rev() {
        for b in level {
            html.push_str(&b.html());
        }
    }
    html.push_str(kept_html);
    for level in &after {
        for b in level {
            html.push_str(&b.html());
        }
    }
    Some(html)
}

/// A block of the page that Readability took out of the container it kept.
struct Removed<'a> {
    /// The opening words of the kept block it followed on the page; `None` before the first.
    after: Option<String>,
    node: NodeRef<'a>,
    text: String,
}

/// Puts back into the kept HTML (whose blocks are `kept_blocks`) the blocks of the page's
/// `container` that Readability's cleaning took out and that read as prose, each after the kept
/// block it followed on the page (before the first one, for blocks ahead of it); true when it
/// put any back.
fn restore(container: &NodeRef<'_>, kept_blocks: &[NodeRef<'_>], kept_text: &str) -> bool {
    // Kept blocks are known by their opening words: looking each page element up in the whole
    // kept text made extraction a tenth slower.
    let kept_heads: HashSet<String> = kept_blocks.iter().filter_map(folded_head).collect();
    // The page elements that hold a kept block, found once from each such block upwards.
    let mut holders = HashSet::new();
    for mark in container.descendants_it().filter(|d| is_named(d, MARKS)) {
        if folded_head(&mark).is_some_and(|h| kept_heads.contains(&h)) {
            for a in mark.ancestors_it(None).take_while(|a| a.id != container.id) {
                if !holders.insert(a.id) {
                    break;
                }
            }
        }
    }
    let kept = Kept { heads: &kept_heads, holders: &holders, text: kept_text };
    let mut last_kept = None;
    let mut removed = Vec::new();
    find_removed(container, &kept, &mut last_kept, &mut removed);
    // What follows the last kept block is an author box or a call to action more often than
    // text (measured: restoring it lost more pages than it won).
    removed.retain(|r| r.after != last_kept);
    if removed.is_empty() {
        return false;
    }
    let mut restored = false;
    for run in removed.chunk_by(|a, b| a.after == b.after) {
        let html: String = run.iter().map(|r| r.node.html().to_string()).collect();
        let place = match &run[0].after {
            Some(head) => {
                kept_blocks.iter().find(|n| folded_head(n).as_ref() == Some(head)).map(|n| (outermost_block(n), true))
            }
            None => kept_blocks.first().map(|n| (outermost_block(n), false)),
        };
        if let Some((block, after)) = place {
            if after {
                block.after_html(html)
            } else {
                block.before_html(html)
            }
            restored = true;
        }
    }
    restored
}

/// Elements whose text marks a place in the kept HTML.
const MARKS: &[&str] = &["p", "h2", "h3", "h4", "li", "td", "pre"];

/// What Readability kept: the opening words of its blocks, and all its text.
struct Kept<'k> {
    heads: &'k HashSet<String>,
    holders: &'k HashSet<dom_query::NodeId>,
    text: &'k str,
}

/// Walks the page's `node` in order: kept blocks move `last_kept` on, and each element taken
/// out whole that reads as prose joins `removed` (not a repeat of one already there, and not a
/// teaser that trails off in "…").
fn find_removed<'a>(
    node: &NodeRef<'a>,
    kept: &Kept<'_>,
    last_kept: &mut Option<String>,
    removed: &mut Vec<Removed<'a>>,
) {
    for child in node.element_children() {
        if is_named(&child, NOT_PROSE) {
            continue;
        }
        let Some(head) = folded_head(&child) else { continue };
        if kept.heads.contains(&head) {
            if is_named(&child, MARKS) {
                *last_kept = Some(head);
            } else {
                find_removed(&child, kept, last_kept, removed);
            }
        } else if kept.holders.contains(&child.id) {
            find_removed(&child, kept, last_kept, removed);
        } else if !contains(kept.text, &head) && is_prose_block(&child) {
            let text = fold(&child.text());
            let teaser = text.ends_with("...") || text.ends_with('…');
            if !teaser && !removed.iter().any(|r| r.text == text) {
                removed.push(Removed { after: last_kept.clone(), node: child, text });
            }
        }
    }
}

/// The first 80 characters of the text of `node`, whitespace folded, when it has 20 or more
/// (shorter texts are too common to place a block by).
fn folded_head(node: &NodeRef<'_>) -> Option<String> {
    let mut head = folded_prefix(node, 80);
    // A space the cut fell on is no part of the opening words.
    if head.ends_with(' ') {
        head.pop();
    }
    (head.chars().count() >= 20).then_some(head)
}

/// A list item or table cell stands for its list or table, beside which other blocks can go.
fn outermost_block<'a>(node: &NodeRef<'a>) -> NodeRef<'a> {
    if is_named(node, &["li", "td"])
        && let Some(outer) = node.ancestors_it(None).find(|a| is_named(a, &["ul", "ol", "table"]))
    {
        return outer;
    }
    *node
}

/// True when the text of `node`, its whitespace folded as `fold` does, is `folded`. Reads the
/// text only up to the first difference: most page blocks differ in their first words, and a
/// block that wraps the page (a layout `<td>`) would otherwise be copied whole for each look-up.
fn folded_text_is(node: &NodeRef<'_>, folded: &str) -> bool {
    let mut want = folded.chars();
    let (mut started, mut space) = (false, false);
    let differs = texts_under(node, |text| {
        for c in text.chars() {
            if c.is_whitespace() {
                space = started;
                continue;
            }
            if space && want.next() != Some(' ') {
                return true;
            }
            space = false;
            started = true;
            if want.next() != Some(c) {
                return true;
            }
        }
        false
    });
    !differs && want.next().is_none()
}

/// The nearest element holding both `a` and `b`.
fn common_ancestor<'a>(a: &NodeRef<'a>, b: &NodeRef<'a>) -> Option<NodeRef<'a>> {
    if a.id == b.id {
        return a.parent();
    }
    let of_b: Vec<_> = b.ancestors_it(None).map(|n| n.id).collect();
    a.ancestors_it(None).find(|n| of_b.contains(&n.id))
}

/// True when a block of `node` is already among the kept blocks (the page repeats itself, or the
/// kept HTML was found at the wrong place).
fn repeats(node: &NodeRef<'_>, kept: &str) -> bool {
    let head = folded_prefix(node, 80);
    head.chars().count() >= 20 && contains(kept, &head)
}

/// The first `max` characters of the text of `node` with whitespace folded as `fold` does,
/// read no further than that.
fn folded_prefix(node: &NodeRef<'_>, max: usize) -> String {
    // Room for `max` characters of any width: the prefix never grows its buffer.
    let mut out = String::with_capacity(max * 4);
    let (mut chars, mut space) = (0, false);
    texts_under(node, |text| {
        for c in text.chars() {
            if c.is_whitespace() {
                space = chars > 0;
                continue;
            }
            if chars + usize::from(space) >= max {
                if space && chars < max {
                    out.push(' ');
                }
                return true;
            }
            if space {
                out.push(' ');
                chars += 1;
                space = false;
            }
            out.push(c);
            chars += 1;
        }
        false
    });
    out
}

/// Whether `text` holds `part` (memchr's search: the kept text is searched once per page block).
fn contains(text: &str, part: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), part.as_bytes()).is_some()
}

fn is_article_body(node: &NodeRef<'_>) -> bool {
    node.attr("itemprop").is_some_and(|p| p.split_whitespace().any(|p| p.eq_ignore_ascii_case("articleBody")))
}

/// True when `node` reads as part of the article: prose or a section heading, not chrome.
fn is_prose_block(node: &NodeRef<'_>) -> bool {
    if is_named(node, NOT_PROSE) || is_hidden(node) || has_chrome_word(node) {
        return false;
    }
    if node.descendants_it().any(|d| is_named(&d, CHROME_INSIDE) || (d.is_element() && has_chrome_word(&d))) {
        return false;
    }
    // A linked heading is a teaser for another page; an `<h1>` opens another page.
    let teaser = |d: &NodeRef<'_>| {
        is_named(d, &["h1"])
            || (is_named(d, &["h2", "h3", "h4", "h5", "h6"]) && d.descendants_it().any(|a| is_named(&a, &["a"])))
    };
    if teaser(node) || node.descendants_it().any(|d| teaser(&d)) || starts_with_link(node) {
        return false;
    }
    let text = fold(&node.text());
    let chars = text.chars().count();
    if chars == 0 {
        return false;
    }
    let links: Vec<usize> =
        node.descendants_it().filter(|d| is_named(d, &["a"])).map(|a| fold(&a.text()).chars().count()).collect();
    // Several headline-long links: a list of teasers for other pages.
    if links.iter().filter(|n| **n >= 25).count() >= 3 {
        return false;
    }
    let linked: usize = links.iter().sum();
    if linked as f64 / chars as f64 > MAX_LINK_DENSITY {
        return false;
    }
    if is_named(node, &["h2", "h3", "h4"]) {
        return chars < 200;
    }
    chars >= MIN_PROSE_CHARS && (text.contains(". ") || text.ends_with('.'))
}

/// True when `node`, found between two blocks of the article, is part of it: text that is not
/// chrome and not mostly links, whatever its sentences or linked items.
fn fills_gap(node: &NodeRef<'_>) -> bool {
    if is_named(node, NOT_PROSE) || is_hidden(node) || has_chrome_word(node) {
        return false;
    }
    if node
        .descendants_it()
        .any(|d| is_named(&d, CHROME_INSIDE) || is_named(&d, &["h1"]) || (d.is_element() && has_chrome_word(&d)))
    {
        return false;
    }
    let chars = fold(&node.text()).chars().count();
    let linked: usize =
        node.descendants_it().filter(|d| is_named(d, &["a"])).map(|a| fold(&a.text()).chars().count()).sum();
    chars > 0 && (linked as f64) < chars as f64 * MAX_GAP_LINK_DENSITY
}

/// True when the first words of `node` are a link: a teaser's headline.
fn starts_with_link(node: &NodeRef<'_>) -> bool {
    node.descendants_it()
        .find(|d| d.is_text() && !d.text().trim().is_empty())
        .is_some_and(|t| t.ancestors_it(None).take_while(|a| a.id != node.id).any(|a| is_named(&a, &["a"])))
}

fn is_hidden(node: &NodeRef<'_>) -> bool {
    node.has_attr("hidden")
        || node.attr("aria-hidden").is_some_and(|v| v.trim() == "true")
        || node.attr("style").is_some_and(|s| {
            let s = s.to_ascii_lowercase().replace(' ', "");
            s.contains("display:none") || s.contains("visibility:hidden")
        })
}

/// True when a class or id word of `node` (split at anything but letters and digits) names chrome.
fn has_chrome_word(node: &NodeRef<'_>) -> bool {
    ["class", "id", "role"].iter().any(|attr| {
        node.attr(attr).is_some_and(|v| {
            v.split(|c: char| !c.is_ascii_alphanumeric())
                .any(|w| CHROME_WORDS.iter().any(|c| c.eq_ignore_ascii_case(w)))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_blocks_split_by_image_blocks_are_all_kept_but_comments_are_not() {
        let page = Document::from(
            r#"<body><main><div class="post">
            <div class="block text"><p>The first tip is to check the tyre pressure every month, and always before a long drive.</p></div>
            <div class="block image"><img src="a.jpg"></div>
            <div class="block text"><p>The second tip is to rotate the tyres every ten thousand kilometres or so.</p></div>
            <div class="comments"><p>Great tips, thank you so much for writing this article for us all.</p></div>
            </div></main></body>"#,
        );
        let kept = "<div><p>The second tip is to rotate the tyres every ten thousand kilometres or so.</p></div>";
        let html = extend(&page, &Document::fragment(kept), kept).unwrap_or_default();
        assert!(html.contains("first tip"), "{html}");
        assert!(html.find("first tip") < html.find("second tip"), "{html}");
        assert!(!html.contains("Great tips"), "{html}");
    }

    #[test]
    fn blocks_readability_cleaned_out_of_the_kept_container_go_back_in_place_but_not_after_its_end() {
        let page = Document::from(
            r#"<body><main><div class="post">
            <div class="media-intro"><div><p>The ferry timetable changes on Monday, and three crossings move by half an hour.</p></div></div>
            <p>The first boat now leaves at six, which suits the workers who cross for the early shift at the harbour.</p>
            <div class="media-block"><div><p>The last boat now leaves at eleven at night, an hour later than before, all year round.</p></div></div>
            <p>The company says the new times follow a survey of its regular passengers over the summer.</p>
            <div class="media-block"><div><p>Our reporter has crossed on this ferry every working day for eleven years, in all weathers.</p></div></div>
            </div></main></body>"#,
        );
        let kept = "<div><p>The first boat now leaves at six, which suits the workers who cross for the early shift at the harbour.</p>\
            <p>The company says the new times follow a survey of its regular passengers over the summer.</p></div>";
        let kept_doc = Document::fragment(kept);
        // Blocks put back inside go into the kept tree itself.
        let html = extend(&page, &kept_doc, kept).unwrap_or_else(|| kept_doc.select("html").inner_html().to_string());
        let at = |s: &str| html.find(s);
        assert!(at("timetable").is_some() && at("timetable") < at("first boat"), "{html}");
        assert!(at("first boat") < at("last boat") && at("last boat") < at("survey"), "{html}");
        assert!(!html.contains("Our reporter"), "{html}");
    }
}
