//! How text becomes terms: words by UAX #29, runs of Chinese, Japanese and Korean characters
//! as overlapping pairs (those scripts write no spaces, so a query word must match inside a
//! run), lower case, then the stop words and stemmer of the article's language.

use tantivy::Index;
use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, Stemmer, StopWordFilter, TextAnalyzer, Token, TokenStream, Tokenizer,
};
use unicode_segmentation::UnicodeSegmentation;

/// One way of reading text: a language with its stemmer and stop words, or plain words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Analyzer {
    /// The short name used in field and tokenizer names (`en`, `ru`, …, `plain`).
    pub(crate) code: &'static str,
    language: Option<Language>,
}

/// Every analyzer the index knows: each language the stemmer library offers, then plain words
/// for every other language (Chinese, Japanese, Korean, Hebrew, Hindi, …) and unknown ones.
pub(crate) const ANALYZERS: [Analyzer; 19] = [
    Analyzer { code: "ar", language: Some(Language::Arabic) },
    Analyzer { code: "da", language: Some(Language::Danish) },
    Analyzer { code: "de", language: Some(Language::German) },
    Analyzer { code: "el", language: Some(Language::Greek) },
    Analyzer { code: "en", language: Some(Language::English) },
    Analyzer { code: "es", language: Some(Language::Spanish) },
    Analyzer { code: "fi", language: Some(Language::Finnish) },
    Analyzer { code: "fr", language: Some(Language::French) },
    Analyzer { code: "hu", language: Some(Language::Hungarian) },
    Analyzer { code: "it", language: Some(Language::Italian) },
    Analyzer { code: "nl", language: Some(Language::Dutch) },
    Analyzer { code: "no", language: Some(Language::Norwegian) },
    Analyzer { code: "pt", language: Some(Language::Portuguese) },
    Analyzer { code: "ro", language: Some(Language::Romanian) },
    Analyzer { code: "ru", language: Some(Language::Russian) },
    Analyzer { code: "sv", language: Some(Language::Swedish) },
    Analyzer { code: "ta", language: Some(Language::Tamil) },
    Analyzer { code: "tr", language: Some(Language::Turkish) },
    PLAIN,
];

/// Plain words: lower-cased, neither stemmed nor filtered.
pub(crate) const PLAIN: Analyzer = Analyzer { code: "plain", language: None };

/// Words longer than this (in bytes) are not indexed: they are data, not words.
const LONGEST_WORD: usize = 60;

impl Analyzer {
    /// The analyzer for a BCP 47 language tag (`en-GB` reads as English); plain when the tag is
    /// missing or its language has no stemmer.
    pub(crate) fn for_tag(tag: Option<&str>) -> Analyzer {
        let primary = primary_subtag(tag.unwrap_or_default());
        let primary = match primary.as_str() {
            "nb" | "nn" => "no",
            other => other,
        };
        ANALYZERS.iter().copied().find(|a| a.code == primary).unwrap_or(PLAIN)
    }

    /// The name its tokenizer is registered under.
    pub(crate) fn tokenizer_name(self) -> String {
        format!("tidings_{}", self.code)
    }

    /// The text analyzer itself.
    pub(crate) fn build(self) -> TextAnalyzer {
        let base =
            TextAnalyzer::builder(WordTokenizer).filter(RemoveLongFilter::limit(LONGEST_WORD)).filter(LowerCaser);
        match self.language {
            None => base.build(),
            Some(language) => match StopWordFilter::new(language) {
                Some(stop) => base.filter(stop).filter(Stemmer::new(language)).build(),
                None => base.filter(Stemmer::new(language)).build(),
            },
        }
    }

    /// The terms of `text` with their positions.
    pub(crate) fn terms(self, text: &str) -> Vec<(usize, String)> {
        static BUILT: std::sync::OnceLock<Vec<TextAnalyzer>> = std::sync::OnceLock::new();
        let built = BUILT.get_or_init(|| ANALYZERS.iter().map(|a| a.build()).collect());
        let i = ANALYZERS.iter().position(|a| *a == self).unwrap_or(ANALYZERS.len() - 1);
        let mut analyzer = built[i].clone();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let token = stream.token();
            out.push((token.position, token.text.clone()));
        }
        out
    }
}

/// The language part of a tag, lower-cased (`pt-BR` → `pt`).
pub(crate) fn primary_subtag(tag: &str) -> String {
    tag.split(['-', '_']).next().unwrap_or_default().trim().to_ascii_lowercase()
}

/// Registers every analyzer's tokenizer with `index` (tokenizers are not saved with an index).
pub(crate) fn register(index: &Index) {
    let manager = index.tokenizers();
    for analyzer in ANALYZERS {
        manager.register(&analyzer.tokenizer_name(), analyzer.build());
    }
}

/// Is `c` written without spaces between words (Han, kana, Hangul)?
fn unspaced(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0xFF66..=0xFF9F    // half-width Katakana
        | 0x20000..=0x2FA1F) // CJK Extensions B–F and supplement
}

/// Words by UAX #29; a run of unspaced-script characters becomes its overlapping pairs (one
/// character alone stays one term).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct WordTokenizer;

/// The tokens of one text, computed at once (texts are article-sized).
pub(crate) struct WordStream {
    tokens: Vec<Token>,
    next: usize,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream {
        WordStream { tokens: words(text), next: 0 }
    }
}

impl TokenStream for WordStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

fn words(text: &str) -> Vec<Token> {
    let mut tokens: Vec<Token> = Vec::new();
    // The unspaced run being read: (byte offset, char) of each character.
    let mut run: Vec<(usize, char)> = Vec::new();
    for (offset, word) in text.unicode_word_indices() {
        // UAX #29 gives ideographs one by one and kana runs whole: either way their characters
        // join the run when they follow it directly.
        if word.chars().all(unspaced) {
            for (i, c) in word.char_indices() {
                let at = offset + i;
                if run.last().is_some_and(|&(o, p)| o + p.len_utf8() != at) {
                    pairs(&run, &mut tokens);
                    run.clear();
                }
                run.push((at, c));
            }
            continue;
        }
        pairs(&run, &mut tokens);
        run.clear();
        push(&mut tokens, offset, word);
    }
    pairs(&run, &mut tokens);
    tokens
}

fn push(tokens: &mut Vec<Token>, offset: usize, text: &str) {
    let position = tokens.len();
    tokens.push(Token {
        offset_from: offset,
        offset_to: offset + text.len(),
        position,
        text: text.to_string(),
        position_length: 1,
    });
}

/// The overlapping pairs of a run of adjacent characters (the character itself when alone).
fn pairs(run: &[(usize, char)], tokens: &mut Vec<Token>) {
    if let [(offset, c)] = run {
        push(tokens, *offset, c.encode_utf8(&mut [0; 4]));
        return;
    }
    for pair in run.windows(2) {
        let (start, first) = pair[0];
        let (_, second) = pair[1];
        let mut text = String::with_capacity(8);
        text.push(first);
        text.push(second);
        push(tokens, start, &text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(analyzer: Analyzer, text: &str) -> Vec<String> {
        analyzer.terms(text).into_iter().map(|(_, t)| t).collect()
    }

    #[test]
    fn english_is_stemmed_and_loses_its_stop_words() {
        let en = Analyzer::for_tag(Some("en-GB"));
        assert_eq!(texts(en, "The bridges of Calder reopened"), ["bridg", "calder", "reopen"]);
    }

    #[test]
    fn russian_is_stemmed_in_cyrillic() {
        let ru = Analyzer::for_tag(Some("ru"));
        assert_eq!(texts(ru, "Мост на реке").len(), 2, "the preposition is a stop word");
        assert_eq!(texts(ru, "мосты")[0], texts(ru, "Мост")[0], "plural and singular share a stem");
    }

    #[test]
    fn chinese_and_japanese_runs_become_overlapping_pairs() {
        assert_eq!(texts(PLAIN, "北京市政府"), ["北京", "京市", "市政", "政府"]);
        assert_eq!(texts(PLAIN, "東京タワー"), ["東京", "京タ", "タワ", "ワー"]);
        assert_eq!(texts(PLAIN, "港 bridge"), ["港", "bridge"]);
    }

    #[test]
    fn unknown_and_unstemmed_languages_read_as_plain_words() {
        assert_eq!(Analyzer::for_tag(Some("zh-Hans")), PLAIN);
        assert_eq!(Analyzer::for_tag(None), PLAIN);
        assert_eq!(Analyzer::for_tag(Some("nb")).code, "no");
        assert_eq!(texts(PLAIN, "The Bridges"), ["the", "bridges"]);
    }

    #[test]
    fn arabic_words_are_found_stemmed() {
        let ar = Analyzer::for_tag(Some("ar"));
        assert_eq!(texts(ar, "الجسر"), ["جسر"], "the article is stemmed off");
    }
}
