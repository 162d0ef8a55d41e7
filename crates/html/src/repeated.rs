//! Lines an outlet repeats in article after article: its own boilerplate ("Fox News Flash top
//! headlines are here. Check out what's clicking on Foxnews.com."), a signature, a standing
//! note. No page-level rule can know them, because each page shows the line only once; the
//! outlet's history shows it again and again.
//!
//! Pure: the engine keeps each outlet's recent fingerprints (see `tidings-engine`), and this
//! module decides which recur and takes them out of an article.

use std::collections::{HashMap, HashSet};

use dom_query::Document;

use crate::sanitize::{fold, is_named, text_of};

/// A paragraph's fingerprint: a hash of its words, stable across releases (stored).
pub type Fingerprint = i64;

/// Paragraphs with fewer words than this are not fingerprinted: short lines ("Advertisement",
/// "Share") are the second pass's job, and short real sentences recur by chance.
const MIN_WORDS: usize = 5;

/// Blocks whose text is one paragraph of the stored article.
const PARAGRAPHS: &str = "p, li, h2, h3, h4, h5, h6, blockquote, dt, dd, pre";

/// When a paragraph counts as one of an outlet's repeated lines.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RepeatRule {
    /// It is in at least this many of the outlet's recent articles…
    pub min_articles: usize,
    /// …and in at least this share of them.
    pub min_share: f64,
}

impl Default for RepeatRule {
    /// Four articles and a fifth of the history: a background paragraph reused in a running
    /// story's updates stays, a line under every article goes.
    fn default() -> Self {
        Self { min_articles: 4, min_share: 0.2 }
    }
}

/// The fingerprint of one paragraph: its words, lower-cased, letters and digits only (so
/// spacing, punctuation and quotes do not matter); `None` for paragraphs under five words.
pub fn fingerprint(paragraph: &str) -> Option<Fingerprint> {
    // The hash of the lower-cased words joined by spaces, taken word by word.
    let mut hash = tidings_text::Fnv1a::default();
    let mut words = 0;
    for word in paragraph.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        if words > 0 {
            hash.write(b" ");
        }
        hash.write_lowercase(word);
        words += 1;
    }
    (words >= MIN_WORDS).then(|| i64::from_ne_bytes(hash.finish().to_ne_bytes()))
}

/// The distinct fingerprints of an article's plain text (paragraphs apart, as extraction gives).
pub fn paragraph_fingerprints(text: &str) -> Vec<Fingerprint> {
    let mut seen = HashSet::new();
    text.split("\n\n").filter_map(fingerprint).filter(|f| seen.insert(*f)).collect()
}

/// The fingerprints that recur across `history` (one list per recent article of an outlet)
/// as often as `rule` asks.
pub fn repeated_lines(history: &[Vec<Fingerprint>], rule: RepeatRule) -> HashSet<Fingerprint> {
    let mut counts: HashMap<Fingerprint, usize> = HashMap::new();
    for article in history {
        for f in article.iter().collect::<HashSet<_>>() {
            *counts.entry(*f).or_default() += 1;
        }
    }
    let needed = rule.min_articles.max((rule.min_share * history.len() as f64).ceil() as usize);
    counts.into_iter().filter(|(_, n)| *n >= needed).map(|(f, _)| f).collect()
}

/// An article with an outlet's repeated lines taken out.
#[derive(Debug, Clone, PartialEq)]
pub struct WithoutRepeats {
    /// The article HTML without them.
    pub html: String,
    /// Its plain text.
    pub text: String,
    /// The lines taken out, as the article had them.
    pub removed: Vec<String>,
}

/// Takes the paragraphs whose fingerprints are in `repeated` out of article HTML (sanitized, as
/// stored); `None` when the article has none of them.
pub fn remove_repeated_lines(html: &str, repeated: &HashSet<Fingerprint>) -> Option<WithoutRepeats> {
    if repeated.is_empty() {
        return None;
    }
    let doc = Document::fragment(html);
    let mut removed = Vec::new();
    for block in doc.select(PARAGRAPHS).nodes() {
        // A paragraph inside a quote or list item is judged with it.
        if block.ancestors_it(None).any(|a| is_named(&a, &["p", "li", "blockquote", "dd", "pre"])) {
            continue;
        }
        let text = fold(&block.text());
        if fingerprint(&text).is_some_and(|f| repeated.contains(&f)) {
            block.remove_from_parent();
            removed.push(text);
        }
    }
    if removed.is_empty() {
        return None;
    }
    let root = doc.select("html");
    Some(WithoutRepeats { html: root.inner_html().to_string(), text: text_of(&root), removed })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FOX_FLASH: &str = "Fox News Flash top headlines are here. Check out what's clicking on Foxnews.com.";

    fn article(body: &str) -> String {
        format!("<p>{body}</p><p>{FOX_FLASH}</p><p>Reach the reporter at desk@harbour.example or on 555-0100.</p>")
    }

    #[test]
    fn fingerprints_stored_by_earlier_releases_still_match_the_same_paragraphs() {
        // Stored histories are compared with new paragraphs, so the hashing must not change:
        // these are the fingerprints an earlier release stored.
        assert_eq!(fingerprint(FOX_FLASH), Some(-1588851773939270900));
        assert_eq!(fingerprint("ΟΔΥΣΣΕΥΣ ΚΑΙ Ο ΚΥΚΛΩΠΑΣ ΣΤΗ ΣΠΗΛΙΑ ΤΟΥ"), Some(7424597416242502362));
        assert_eq!(
            fingerprint("Straße in München — Über 5.000 Menschen demonstrierten İstanbul"),
            Some(99031914687337787)
        );
        assert_eq!(fingerprint("Share this story now"), None, "under five words");
    }

    #[test]
    fn fox_news_flash_line_recurring_across_an_outlets_articles_is_removed() {
        let bodies = [
            "The council approved the new bridge budget on Monday after a long debate.",
            "Heavy rain closed the coast road for six hours and flooded two car parks.",
            "The ferry company will add a late sailing on Fridays from next month.",
            "A new bakery opened on the harbour front, the first in the street for years.",
            "The school board voted to keep the library open on Saturday mornings.",
        ];
        let history: Vec<Vec<Fingerprint>> =
            bodies.iter().map(|b| paragraph_fingerprints(&html_text(&article(b)))).collect();
        let repeated = repeated_lines(&history, RepeatRule::default());
        assert_eq!(repeated.len(), 2, "the flash line and the signature");

        let new = article("Fishermen landed the biggest catch of mackerel in a decade this week.");
        let cleaned = remove_repeated_lines(&new, &repeated).unwrap_or_else(|| panic!("nothing removed"));
        assert_eq!(cleaned.text, "Fishermen landed the biggest catch of mackerel in a decade this week.");
        assert_eq!(cleaned.removed, [FOX_FLASH, "Reach the reporter at desk@harbour.example or on 555-0100."]);
        assert!(!cleaned.html.contains("Foxnews.com"), "{}", cleaned.html);
    }

    #[test]
    fn per_outlet_signature_is_removed_only_for_the_outlet_that_repeats_it() {
        let signature = "— Reporting by Ada Byrne for the Harbour Herald news desk";
        let herald: Vec<Vec<Fingerprint>> = (0..6)
            .map(|i| {
                paragraph_fingerprints(&format!("Story number {i} about the harbour and its boats.\n\n{signature}"))
            })
            .collect();
        let other: Vec<Vec<Fingerprint>> = (0..6)
            .map(|i| paragraph_fingerprints(&format!("Another outlet's story {i} about the hill villages.")))
            .collect();
        let page = format!("<p>The lighthouse will be repainted in the spring.</p><p>{signature}</p>");
        let herald_lines = repeated_lines(&herald, RepeatRule::default());
        assert!(remove_repeated_lines(&page, &herald_lines).is_some_and(|c| !c.text.contains("Ada Byrne")));
        let other_lines = repeated_lines(&other, RepeatRule::default());
        assert_eq!(remove_repeated_lines(&page, &other_lines), None);
    }

    #[test]
    fn a_paragraph_in_a_few_of_many_articles_is_kept() {
        let background = "The bridge has been closed to lorries since the inspection in March.";
        let history: Vec<Vec<Fingerprint>> = (0..30)
            .map(|i| {
                let extra = if i < 4 { format!("\n\n{background}") } else { String::new() };
                paragraph_fingerprints(&format!("Update {i} on the bridge works and the traffic.{extra}"))
            })
            .collect();
        assert!(repeated_lines(&history, RepeatRule::default()).is_empty());
    }

    #[test]
    fn fingerprints_ignore_spacing_case_and_punctuation_but_not_words() {
        assert_eq!(
            fingerprint("Check out what's clicking on Foxnews.com."),
            fingerprint("check out  what’s clicking on FOXNEWS.COM")
        );
        assert_ne!(
            fingerprint("Check out what's clicking on Foxnews.com."),
            fingerprint("Check out what's clicking on Example.com.")
        );
        assert_eq!(fingerprint("Too short to count"), None);
    }

    fn html_text(html: &str) -> String {
        crate::html_to_text(html)
    }
}
