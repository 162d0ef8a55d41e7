//! Text utilities for comparing articles: word tokenisation (UAX #29), stop words,
//! term-frequency vectors with cosine similarity, the words of a report as evidence of its event
//! (names, numbers), and shingle signatures that find republished copies.
//!
//! Pure: no clock, no network, no SQL; depends on no Tidings crate.

pub mod copies;
mod terms;
mod words;

use std::collections::HashMap;

pub use copies::{BANDS, COPY_RESEMBLANCE, CopySignature};
pub use terms::{Occurrence, report_terms};
pub use words::{Words, words};

/// The FNV-1a offset basis: the hash of no bytes.
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a, 64 bits, of `bytes`: fixed by its definition (unlike std's hasher, which may change
/// between releases), for hashes that are stored or compared across processes and nodes.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash = Fnv1a::default();
    hash.write(bytes);
    hash.finish()
}

/// [`fnv1a`] fed a piece at a time: the hash of the pieces is the hash of their concatenation,
/// so a text can be hashed as it is read, without building it first.
#[derive(Debug, Clone, Copy)]
pub struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Self(FNV_OFFSET)
    }
}

impl Fnv1a {
    /// Adds `bytes`.
    pub fn write(&mut self, bytes: &[u8]) {
        self.0 = bytes.iter().fold(self.0, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3));
    }

    /// Adds `word` in lower case, as `str::to_lowercase` writes it (without building it when
    /// it is ASCII, as most words are).
    pub fn write_lowercase(&mut self, word: &str) {
        if word.is_ascii() {
            for b in word.bytes() {
                self.write(&[b.to_ascii_lowercase()]);
            }
        } else {
            self.write(word.to_lowercase().as_bytes());
        }
    }

    /// The hash of everything added.
    pub fn finish(&self) -> u64 {
        self.0
    }
}

/// English function words that say nothing about what an article is about.
const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be",
    "because", "been", "before", "being", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing",
    "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here",
    "hers", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "last", "more", "most",
    "my", "new", "no", "nor", "not", "now", "of", "off", "on", "once", "one", "only", "or", "other", "our", "out",
    "over", "own", "said", "same", "says", "she", "should", "so", "some", "such", "than", "that", "the", "their",
    "them", "then", "there", "these", "they", "this", "those", "through", "to", "too", "two", "under", "until", "up",
    "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with",
    "would", "year", "years", "you", "your",
];

/// Lower-cased words of `text`, without punctuation, numbers-only tokens or stop words.
pub fn content_words(text: &str) -> impl Iterator<Item = String> + '_ {
    words(text)
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() > 1)
        .filter(|w| !w.chars().all(|c| c.is_numeric()))
        .filter(|w| !is_stop_word(w))
}

/// True for English function words (lower case).
fn is_stop_word(word: &str) -> bool {
    static SET: std::sync::OnceLock<rustc_hash::FxHashSet<&'static str>> = std::sync::OnceLock::new();
    // No stop word is longer than seven letters; most content words are.
    word.len() <= 7 && SET.get_or_init(|| STOP_WORDS.iter().copied().collect()).contains(word)
}

/// A bag of words with counts, normalised for cosine similarity.
///
/// Words are kept as 64-bit hashes in sorted order, so a cosine is one merge of two sorted
/// lists: "You may also like" compares a page's article with a thousand others on every view,
/// and string keys in hash maps made that most of an article page's time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TermVector {
    /// (word hash, dampened weight), by hash.
    terms: Vec<(u64, f64)>,
    norm: f64,
}

impl TermVector {
    /// Builds the vector of `text`; `title` words count `title_weight` times as much as body words.
    pub fn from_parts(title: &str, body: &str, title_weight: f64) -> Self {
        use std::hash::BuildHasher as _;
        let hasher = rustc_hash::FxBuildHasher;
        let mut weights: HashMap<u64, f64> = HashMap::new();
        for w in content_words(title) {
            *weights.entry(hasher.hash_one(&w)).or_default() += title_weight;
        }
        for w in content_words(body) {
            *weights.entry(hasher.hash_one(&w)).or_default() += 1.0;
        }
        // Dampen repeated words so one name said twenty times does not dominate.
        let mut terms: Vec<(u64, f64)> = weights.into_iter().map(|(k, v)| (k, 1.0 + v.ln())).collect();
        terms.sort_unstable_by_key(|(k, _)| *k);
        let norm = terms.iter().map(|(_, v)| v * v).sum::<f64>().sqrt();
        Self { terms, norm }
    }

    /// Cosine similarity in [0, 1]; 0 when either side is empty.
    pub fn cosine(&self, other: &TermVector) -> f64 {
        if self.norm == 0.0 || other.norm == 0.0 {
            return 0.0;
        }
        let (a, b) = (&self.terms, &other.terms);
        let (mut i, mut j, mut dot) = (0, 0, 0.0);
        while i < a.len() && j < b.len() {
            match a[i].0.cmp(&b[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    dot += a[i].1 * b[j].1;
                    i += 1;
                    j += 1;
                }
            }
        }
        dot / (self.norm * other.norm)
    }

    /// True when the vector has no words.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        let mut sorted = STOP_WORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, STOP_WORDS);
    }

    #[test]
    fn content_words_drop_punctuation_numbers_and_function_words() {
        let words: Vec<String> = content_words("The Mayor's plan, in 2026: bridges!").collect();
        assert_eq!(words, ["mayor's", "plan", "bridges"]);
    }

    #[test]
    fn same_event_scores_higher_than_unrelated_news() {
        let a = TermVector::from_parts(
            "Harbour bridge reopens",
            "The harbour bridge reopened to traffic after repairs.",
            2.0,
        );
        let b = TermVector::from_parts(
            "Bridge over harbour open again",
            "Traffic crossed the repaired harbour bridge on Monday.",
            2.0,
        );
        let c = TermVector::from_parts(
            "Striker signs for city club",
            "The club confirmed the striker's transfer fee.",
            2.0,
        );
        assert!(a.cosine(&b) > a.cosine(&c) + 0.2, "{} vs {}", a.cosine(&b), a.cosine(&c));
    }

    #[test]
    fn empty_text_is_similar_to_nothing() {
        let e = TermVector::from_parts("", "", 2.0);
        assert!(e.is_empty());
        assert_eq!(e.cosine(&TermVector::from_parts("x word", "", 1.0)), 0.0);
    }
}
