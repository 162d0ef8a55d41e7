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
    let mut title_words = words(title).peekable();
    while let Some((word, _)) = title_words.next() {
        if let Some(kind) = normalise(word, &mut buf) {
            if kind == Occurrence::Number {
                scale_by_next_word(&mut buf, &mut title_words);
            }
            each(&buf, if kind == Occurrence::Number { kind } else { Occurrence::Title });
        }
    }
    let mut body_words = words(body).take(max_body_words).peekable();
    while let Some((word, starts_sentence)) = body_words.next() {
        let Some(kind) = normalise(word, &mut buf) else { continue };
        if kind == Occurrence::Number {
            scale_by_next_word(&mut buf, &mut body_words);
        }
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
                // Forwards, then turned: the crate's backward reading can disagree with it.
                pending = word.unicode_words().collect();
                pending.reverse();
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
        // "5.1", "284", "1,250": kept whole, thousands separators dropped; "6K" and "44million"
        // written out ("6000", "44000000").
        buf.retain(|c| c != ',');
        let digits_end = buf.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(buf.len());
        if let Some(factor) = scale_factor(&buf[digits_end..], true)
            && buf[..digits_end].parse::<f64>().is_ok()
        {
            buf.truncate(digits_end);
            write_scaled(buf, factor);
        }
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

/// What a scale word or suffix multiplies the number before it by. The one-letter suffixes
/// ("6K", "£3m", "$5B") only count written onto the number, where they mean nothing else.
fn scale_factor(word: &str, attached: bool) -> Option<f64> {
    const WORDS: [(&str, f64); 6] =
        [("thousand", 1e3), ("million", 1e6), ("mn", 1e6), ("billion", 1e9), ("bn", 1e9), ("trillion", 1e12)];
    const SUFFIXES: [(&str, f64); 3] = [("k", 1e3), ("m", 1e6), ("b", 1e9)];
    let known = |list: &[(&str, f64)]| list.iter().find(|(w, _)| w.eq_ignore_ascii_case(word)).map(|(_, f)| *f);
    known(&WORDS).or_else(|| if attached { known(&SUFFIXES) } else { None })
}

/// Folds a scale word after the number in `buf` into it ("6 million", "$5 billion"), consuming
/// the word: outlets write one amount as "$6,000", "$6K" and "6 thousand dollars".
fn scale_by_next_word<'a>(buf: &mut String, rest: &mut std::iter::Peekable<impl Iterator<Item = (&'a str, bool)>>) {
    let plain = buf.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    let Some(factor) = rest.peek().filter(|_| plain).and_then(|(next, _)| scale_factor(next, false)) else { return };
    rest.next();
    write_scaled(buf, factor);
}

/// Rewrites the number in `buf` multiplied by `factor`, as a whole number ("1.5" × 10⁶ is
/// "1500000"); left as written when it is not a plain number or too large to write whole.
fn write_scaled(buf: &mut String, factor: f64) {
    let Ok(value) = buf.parse::<f64>() else { return };
    let scaled = (value * factor).round();
    if scaled < 1e18 {
        buf.clear();
        buf.push_str(&(scaled as u64).to_string());
    }
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
        assert_eq!(numbers, ["5.1", "1250", "284000000000"]);
    }

    #[test]
    fn one_amount_written_in_different_ways_is_one_number() {
        let got = terms("Bitcoin falls below $6K", "It fell under $6,000, then 6000, then 6 thousand dollars.");
        let numbers: Vec<&str> =
            got.iter().filter(|(_, k)| *k == Occurrence::Number).map(|(w, _)| w.as_str()).collect();
        assert_eq!(numbers, ["6000", "6000", "6000", "6000"]);
        let got = terms("Goldman takes $5B hit", "A $5 billion charge, or 5bn, and 1.5 million users; 44million Brits");
        let numbers: Vec<&str> =
            got.iter().filter(|(_, k)| *k == Occurrence::Number).map(|(w, _)| w.as_str()).collect();
        assert_eq!(numbers, ["5000000000", "5000000000", "5000000000", "1500000", "44000000"]);
        let words: Vec<&str> = got.iter().map(|(w, _)| w.as_str()).collect();
        assert!(!words.contains(&"billion") && !words.contains(&"million"), "{words:?}");
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
