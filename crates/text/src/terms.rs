//! The words of a news report as evidence of its event: each word lower-cased and lightly
//! stemmed, with what its spelling says about it (a name, a number, an ordinary word).

use unicode_segmentation::UnicodeSegmentation;

use crate::is_stop_word;

/// What one occurrence of a word looks like where it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occurrence {
    /// In the headline (whose capitals say nothing: headlines are often in title case).
    Title,
    /// Capitalised in the middle of a sentence: a name or a place.
    Capitalised,
    /// Capitalised at the start of a sentence: could be anything.
    SentenceStart,
    /// Written in lower case.
    Lower,
    /// Contains a digit: a count, an amount, a score, a magnitude.
    Number,
}

/// Calls `each` with every content word of `title` and of the first `max_body_words` words of
/// `body` (news puts the who, what and where first), lower-cased and stemmed, with how it was
/// written. Stop words and one-letter words are left out. The `&str` is only valid for the call.
pub fn report_terms(title: &str, body: &str, max_body_words: usize, mut each: impl FnMut(&str, Occurrence)) {
    let mut buf = String::new();
    for (word, _) in words(title) {
        if let Some(kind) = normalise(word, &mut buf) {
            each(&buf, if kind == Occurrence::Number { kind } else { Occurrence::Title });
        }
    }
    for (n, (word, starts_sentence)) in words(body).enumerate() {
        if n >= max_body_words {
            break;
        }
        let Some(kind) = normalise(word, &mut buf) else { continue };
        // Days and months are capitalised but name no one: every event has a Saturday.
        let capital = word.chars().next().is_some_and(char::is_uppercase) && !is_calendar_word(&buf);
        let kind = match kind {
            Occurrence::Number => Occurrence::Number,
            _ if capital && starts_sentence => Occurrence::SentenceStart,
            _ if capital => Occurrence::Capitalised,
            _ => Occurrence::Lower,
        };
        each(&buf, kind);
    }
}

/// The words of `text`, each with whether it starts a sentence (or a quote, a line, a clause
/// after a colon or dash), where a capital says nothing.
///
/// A word is a run of letters and digits, joined by an apostrophe between letters ("O'Neill",
/// "didn't") or by a point or comma between digits ("5.1", "1,250"): the UAX #29 rules that
/// matter for news in scripts that separate words with spaces, at a fraction of the cost.
/// Runs in scripts that do not (Chinese, Japanese, Thai) are split by UAX #29 itself.
fn words(text: &str) -> impl Iterator<Item = (&str, bool)> {
    let bytes = text.as_bytes();
    // The character at byte `i` (a char boundary) and its length; ASCII without decoding.
    let char_at = move |i: usize| -> Option<(char, usize)> {
        let b = *bytes.get(i)?;
        if b.is_ascii() {
            return Some((char::from(b), 1));
        }
        text[i..].chars().next().map(|c| (c, c.len_utf8()))
    };
    let mut pos = 0;
    let mut sentence_start = true;
    let mut pending: Vec<&str> = Vec::new();
    std::iter::from_fn(move || {
        loop {
            if let Some(w) = pending.pop() {
                return Some((w, false));
            }
            // Skip to the next word character, noting sentence punctuation on the way.
            let start = loop {
                let (c, len) = char_at(pos)?;
                if c.is_alphanumeric() {
                    break pos;
                }
                if matches!(c, '.' | '!' | '?' | ':' | '\n' | '"' | '“' | '‘' | '\'' | '(' | '—' | '–' | '-') {
                    sentence_start = true;
                }
                pos += len;
            };
            let mut end = start;
            let mut unsegmented = false;
            let mut at = start;
            while let Some((c, len)) = char_at(at) {
                at += len;
                if c.is_alphanumeric() {
                    unsegmented |= !c.is_ascii() && needs_segmentation(c);
                    end = at;
                    continue;
                }
                let joins = match c {
                    '\'' | '’' => bytes[end - 1].is_ascii_alphabetic(),
                    '.' | ',' => bytes[end - 1].is_ascii_digit(),
                    _ => false,
                };
                let next_ok = char_at(at)
                    .is_some_and(|(n, _)| if matches!(c, '.' | ',') { n.is_ascii_digit() } else { n.is_alphabetic() });
                if !(joins && next_ok) {
                    break;
                }
            }
            pos = end;
            let word = &text[start..end];
            let starts = std::mem::replace(&mut sentence_start, false);
            if unsegmented {
                pending = word.unicode_words().rev().collect();
                continue;
            }
            return Some((word, starts));
        }
    })
}

/// Letters of scripts written without spaces between words.
fn needs_segmentation(c: char) -> bool {
    matches!(c as u32, 0x0E00..=0x0EFF | 0x1000..=0x109F | 0x1780..=0x17FF | 0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

/// True for day and month names (lower case, plurals folded): capitalised, but they name no
/// one.
fn is_calendar_word(word: &str) -> bool {
    matches!(
        word,
        "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
            | "january"
            | "february"
            | "march"
            | "april"
            | "may"
            | "june"
            | "july"
            | "august"
            | "september"
            | "october"
            | "november"
            | "december"
    )
}

/// Writes the comparable form of `word` into `buf`; `None` for words that carry no evidence.
fn normalise(word: &str, buf: &mut String) -> Option<Occurrence> {
    buf.clear();
    let mut digits = false;
    if word.is_ascii() {
        buf.push_str(word);
        buf.make_ascii_lowercase();
        digits = word.bytes().any(|b| b.is_ascii_digit());
    } else {
        for c in word.chars() {
            digits |= c.is_ascii_digit();
            // Apostrophes vary between outlets (’ or '); possessives are the same name.
            if c == '’' {
                buf.push('\'');
            } else {
                buf.extend(c.to_lowercase());
            }
        }
    }
    if digits {
        // "5.1", "284", "1,250": kept whole, thousands separators dropped.
        buf.retain(|c| c != ',');
        return Some(Occurrence::Number);
    }
    if let Some(stem) = buf.strip_suffix("'s") {
        buf.truncate(stem.len());
    }
    if buf.chars().count() < 2 || is_stop_word(buf) {
        return None;
    }
    stem_plural(buf);
    Some(Occurrence::Lower)
}

/// Folds plain English plurals onto the singular ("schoolgirls", "bodies"), leaving words that
/// only look plural ("bus", "crisis", "glass") alone.
fn stem_plural(word: &mut String) {
    if word.len() < 4 || !word.is_ascii() {
        return;
    }
    if word.ends_with("ies") && word.len() > 4 {
        word.truncate(word.len() - 3);
        word.push('y');
    } else if word.ends_with('s') && !(word.ends_with("ss") || word.ends_with("us") || word.ends_with("is")) {
        word.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(title: &str, body: &str) -> Vec<(String, Occurrence)> {
        let mut out = Vec::new();
        report_terms(title, body, 1_000, |w, k| out.push((w.to_owned(), k)));
        out
    }

    #[test]
    fn names_are_told_from_sentence_starts_and_ordinary_words() {
        let got = terms("", "Firefighters in Hawthorne said. Crews from Gillis helped");
        assert_eq!(
            got,
            [
                ("firefighter".to_owned(), Occurrence::SentenceStart),
                ("hawthorne".to_owned(), Occurrence::Capitalised),
                ("crew".to_owned(), Occurrence::SentenceStart),
                ("gillis".to_owned(), Occurrence::Capitalised),
                ("helped".to_owned(), Occurrence::Lower),
            ]
        );
    }

    #[test]
    fn days_and_months_are_not_names() {
        let got = terms("", "It happened on Saturday in March near Hawthorne");
        let names: Vec<&str> =
            got.iter().filter(|(_, k)| *k == Occurrence::Capitalised).map(|(w, _)| w.as_str()).collect();
        assert_eq!(names, ["hawthorne"]);
    }

    #[test]
    fn numbers_keep_their_decimals_and_lose_thousands_separators() {
        let got = terms("Quake of 5.1 strikes", "It cost $1,250 and 284 billion");
        let numbers: Vec<&str> =
            got.iter().filter(|(_, k)| *k == Occurrence::Number).map(|(w, _)| w.as_str()).collect();
        assert_eq!(numbers, ["5.1", "1250", "284"]);
    }

    #[test]
    fn headline_words_are_marked_as_title_whatever_their_case() {
        let got = terms("Woman Stunned By Bill", "");
        assert!(got.iter().all(|(_, k)| *k == Occurrence::Title), "{got:?}");
    }

    #[test]
    fn plurals_and_possessives_fold_onto_one_word() {
        let got = terms("", "the schoolgirls' bodies, the schoolgirl’s body, Obama's bus");
        let words: Vec<&str> = got.iter().map(|(w, _)| w.as_str()).collect();
        assert_eq!(words, ["schoolgirl", "body", "schoolgirl", "body", "obama", "bus"]);
    }

    #[test]
    fn body_is_read_only_to_the_word_limit() {
        let mut n = 0;
        report_terms("", "alpha beta gamma delta epsilon", 3, |_, _| n += 1);
        assert_eq!(n, 3);
    }
}
