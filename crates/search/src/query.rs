//! What readers type, read into words, phrases and exclusions, and turned into an index query.
//!
//! The syntax is the one people already know: words (all of them wanted, the best matches
//! first), `"a phrase"`, and `-word` or `-"a phrase"` to leave out what contains them.

use std::ops::Bound;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tidings_core::OutletId;

use crate::analysis::{ANALYZERS, Analyzer, PLAIN, primary_subtag};
use crate::schema::Fields;
use crate::{Error, Result};

/// Longest query read, in characters.
const LONGEST_QUERY: usize = 500;
/// Most words and phrases in one query.
const MOST_PARTS: usize = 32;
/// A match in the headline counts this much more than one in the body.
const TITLE_BOOST: f32 = 2.0;
/// The words of the query together, in order, in the headline count this much more. (In the
/// text as well, it doubled the cost of a three-word search on a million articles.)
const TOGETHER_BOOST: f32 = 2.0;

/// A search as a reader asks it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct SearchRequest {
    /// What was typed.
    pub query: String,
    /// What the results must be.
    pub filters: Filters,
    /// Their order.
    pub sort: Sort,
}

/// Conditions every result meets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Filters {
    /// Published by this outlet.
    pub outlet: Option<OutletId>,
    /// Written by someone with this name (or these words of a name).
    pub author: Option<String>,
    /// In this language (a BCP 47 tag; `en` also finds `en-GB`).
    pub language: Option<String>,
    /// From an outlet in this category.
    pub category: Option<String>,
    /// Published at or after.
    pub from: Option<Timestamp>,
    /// Published before.
    pub until: Option<Timestamp>,
}

/// The order of results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Best match first.
    #[default]
    Relevance,
    /// Newest first.
    Newest,
}

/// A word or a phrase of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Part {
    Word(String),
    Phrase(String),
}

/// A query read into what is wanted and what is left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Parsed {
    pub(crate) wanted: Vec<Part>,
    pub(crate) excluded: Vec<Part>,
}

/// Reads a query; a query that cannot be read gets a message saying what to change.
pub(crate) fn parse(query: &str) -> Result<Parsed> {
    if query.chars().count() > LONGEST_QUERY {
        return Err(Error::Query(format!("The search is too long: use at most {LONGEST_QUERY} characters.")));
    }
    let mut parsed = Parsed { wanted: Vec::new(), excluded: Vec::new() };
    let mut rest = query.trim_start();
    while !rest.is_empty() {
        let (excluded, after_sign) = match rest.strip_prefix('-') {
            Some(after) if !after.is_empty() && !after.starts_with(char::is_whitespace) => (true, after),
            _ => (false, rest.strip_prefix('+').unwrap_or(rest)),
        };
        let (part, after) = if let Some(inside) = after_sign.strip_prefix('"') {
            let Some(end) = inside.find('"') else {
                return Err(Error::Query(format!(
                    "The phrase \"{} has no closing quote: add one at its end, or remove the quote.",
                    inside.trim()
                )));
            };
            (Part::Phrase(inside[..end].trim().to_string()), &inside[end + 1..])
        } else {
            let end = after_sign.find(|c: char| c.is_whitespace() || c == '"').unwrap_or(after_sign.len());
            (Part::Word(after_sign[..end].to_string()), &after_sign[end..])
        };
        let empty = matches!(&part, Part::Word(w) | Part::Phrase(w) if w.is_empty());
        if !empty {
            if excluded { parsed.excluded.push(part) } else { parsed.wanted.push(part) }
        }
        rest = after.trim_start();
    }
    if parsed.wanted.len() + parsed.excluded.len() > MOST_PARTS {
        return Err(Error::Query(format!("The search has too many words: use at most {MOST_PARTS}.")));
    }
    if parsed.wanted.is_empty() {
        return Err(Error::Query(if parsed.excluded.is_empty() {
            "Type one or more words to search for.".to_string()
        } else {
            "Add a word to look for: a search cannot be made only of words to leave out (-word).".to_string()
        }));
    }
    Ok(parsed)
}

/// Tells whether the index holds a term at all.
pub(crate) type Present<'a> = &'a dyn Fn(&Term) -> bool;

/// The index query of a request: the text part, required, and the filters, which do not
/// change the score. Fields that do not hold a word (another language's, mostly) are left out
/// of the query, so a search costs what its words cost in the languages that use them. A
/// lone word or phrase with no filter is its own query, so that the best matches can be found
/// without scoring every match (tantivy's block-max WAND runs on a union of terms only).
pub(crate) fn build(fields: &Fields, request: &SearchRequest, present: Present<'_>) -> Result<Box<dyn Query>> {
    let parsed = parse(&request.query)?;
    let part_query = |part: &Part, within: Within| part_query(fields, part, within, present);
    let mut text: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut words = Vec::new();
    for part in &parsed.wanted {
        let Some(q) = part_query(part, Within::Everything) else { continue };
        let occur = match part {
            // A word some language drops as a stop word cannot be required of every article.
            Part::Word(w) if ANALYZERS.iter().any(|a| a.terms(w).is_empty()) => Occur::Should,
            _ => Occur::Must,
        };
        if let Part::Word(w) = part {
            words.push(w.as_str());
        }
        text.push((occur, q));
    }
    if text.is_empty() {
        return Err(Error::Query(format!(
            "Nothing to search for in \"{}\": use words made of letters or digits.",
            request.query.trim()
        )));
    }
    if words.len() > 1
        && let Some(together) = part_query(&Part::Phrase(words.join(" ")), Within::Titles)
    {
        text.push((Occur::Should, Box::new(BoostQuery::new(together, TOGETHER_BOOST))));
    }
    for part in &parsed.excluded {
        if let Some(q) = part_query(part, Within::Unboosted) {
            text.push((Occur::MustNot, q));
        }
    }
    let text: Box<dyn Query> = if let [(Occur::Must, _)] = text.as_slice()
        && let Some((_, alone)) = text.pop()
    {
        alone
    } else {
        Box::new(BooleanQuery::new(text))
    };
    let filters = filters(fields, &request.filters);
    if filters.is_empty() {
        return Ok(text);
    }
    let mut all: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text)];
    for filter in filters {
        all.push((Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0))));
    }
    Ok(Box::new(BooleanQuery::new(all)))
}

/// Where a part of a query is looked for, and how it weighs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Within {
    /// Headlines, weighing more, and texts.
    Everything,
    /// Headlines and texts alike (what is left out).
    Unboosted,
    /// Headlines only, weighing more.
    Titles,
}

/// Where a word or phrase is looked for: a field, what a match there weighs, and its terms at
/// their offsets (one term, or a phrase).
#[derive(Debug, Clone)]
pub(crate) struct Place {
    pub(crate) field: Field,
    pub(crate) boost: f32,
    pub(crate) terms: Vec<(usize, Term)>,
}

/// The places of a request that is one phrase and nothing else (no other word, no exclusion,
/// no filter): such a search can find its best matches itself (`phrase::best`), reading the
/// positions of only the articles that could be among them.
pub(crate) fn lone_phrase(fields: &Fields, request: &SearchRequest, present: Present<'_>) -> Option<Vec<Place>> {
    let parsed = parse(&request.query).ok()?;
    let [part] = parsed.wanted.as_slice() else { return None };
    if !parsed.excluded.is_empty() || request.filters != Filters::default() {
        return None;
    }
    let places = places(fields, part, Within::Everything, present)?;
    places.iter().any(|p| p.terms.len() > 1).then_some(places)
}

/// The places of a word or phrase: any language's fields that hold all its terms; `None` when
/// no language reads a term in it, none when the index holds none of its readings.
fn places(fields: &Fields, part: &Part, within: Within, present: Present<'_>) -> Option<Vec<Place>> {
    let (Part::Word(text) | Part::Phrase(text)) = part;
    let mut readings = 0;
    let mut found = Vec::new();
    for analyzer in ANALYZERS {
        let terms = analyzer.terms(text);
        let Some(&(first, _)) = terms.first() else { continue };
        readings += 1;
        let (title, body) = fields.of(analyzer);
        let title_boost = if within == Within::Unboosted { 1.0 } else { TITLE_BOOST };
        let bodies = if within == Within::Titles { None } else { Some((body, 1.0)) };
        for (field, boost) in std::iter::once((title, title_boost)).chain(bodies) {
            let terms: Vec<(usize, Term)> =
                terms.iter().map(|(p, t)| (p - first, Term::from_field_text(field, t))).collect();
            if terms.iter().all(|(_, t)| present(t)) {
                found.push(Place { field, boost, terms });
            }
        }
    }
    (readings > 0).then_some(found)
}

/// A word or phrase in any language's fields that hold all its terms; `None` when no language
/// reads a term in it, a query matching nothing when the index holds none of its readings.
fn part_query(fields: &Fields, part: &Part, within: Within, present: Present<'_>) -> Option<Box<dyn Query>> {
    let mut any: Vec<Box<dyn Query>> = places(fields, part, within, present)?.into_iter().map(place_query).collect();
    match any.len() {
        0 => Some(Box::new(EmptyQuery)),
        1 => any.pop(),
        _ => Some(Box::new(BooleanQuery::union(any))),
    }
}

/// One term, or the terms as a phrase at their positions, weighed as the place weighs.
fn place_query(place: Place) -> Box<dyn Query> {
    let query: Box<dyn Query> = match <[_; 1]>::try_from(place.terms) {
        Ok([(_, term)]) => Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
        Err(terms) => Box::new(PhraseQuery::new_with_offset(terms)),
    };
    if place.boost == 1.0 { query } else { Box::new(BoostQuery::new(query, place.boost)) }
}

/// One term, or the terms as a phrase at their positions (the author filter).
fn terms_query(field: Field, terms: &[(usize, String)]) -> Option<Box<dyn Query>> {
    let &(first, _) = terms.first()?;
    Some(place_query(Place {
        field,
        boost: 1.0,
        terms: terms.iter().map(|(p, t)| (p - first, Term::from_field_text(field, t))).collect(),
    }))
}

fn filters(fields: &Fields, f: &Filters) -> Vec<Box<dyn Query>> {
    let mut out: Vec<Box<dyn Query>> = Vec::new();
    let term = |field: Field, value: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic))
    };
    if let Some(outlet) = f.outlet {
        let id = u64::try_from(outlet.0).unwrap_or_default();
        out.push(Box::new(TermQuery::new(Term::from_field_u64(fields.outlet, id), IndexRecordOption::Basic)));
    }
    if let Some(author) = f.author.as_deref().filter(|a| !a.trim().is_empty()) {
        // A name of only punctuation matches nobody, rather than everybody.
        out.push(terms_query(fields.author, &PLAIN.terms(author)).unwrap_or_else(|| term(fields.author, "")));
    }
    if let Some(language) = f.language.as_deref().filter(|l| !l.trim().is_empty()) {
        out.push(term(fields.lang, &primary_subtag(language)));
    }
    if let Some(category) = f.category.as_deref().filter(|c| !c.trim().is_empty()) {
        out.push(term(fields.category, &category.trim().to_lowercase()));
    }
    if f.from.is_some() || f.until.is_some() {
        let bound = |t: Option<Timestamp>, make: fn(Term) -> Bound<Term>| {
            t.map_or(Bound::Unbounded, |t| make(Term::from_field_i64(fields.time, micros(t))))
        };
        out.push(Box::new(RangeQuery::new(bound(f.from, Bound::Included), bound(f.until, Bound::Excluded))));
    }
    out
}

/// Unix microseconds, as the index keeps times.
pub(crate) fn micros(t: Timestamp) -> i64 {
    t.as_microsecond()
}

/// The analyzer of a stored language tag (for snippets).
pub(crate) fn analyzer_of(lang: &str) -> Analyzer {
    Analyzer::for_tag(Some(lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(parts: &[Part]) -> Vec<String> {
        parts
            .iter()
            .map(|p| match p {
                Part::Word(w) => format!("w:{w}"),
                Part::Phrase(p) => format!("p:{p}"),
            })
            .collect()
    }

    #[test]
    fn words_phrases_and_exclusions_are_read() {
        let p = parse(r#"  bridge "prisoner release" -sport -"world cup" +calder "#).unwrap();
        assert_eq!(words(&p.wanted), ["w:bridge", "p:prisoner release", "w:calder"]);
        assert_eq!(words(&p.excluded), ["w:sport", "p:world cup"]);
    }

    #[test]
    fn a_lone_dash_is_not_an_exclusion() {
        let p = parse("east - west").unwrap();
        assert_eq!(words(&p.wanted), ["w:east", "w:-", "w:west"]);
    }

    #[test]
    fn malformed_queries_get_a_message_saying_what_to_change() {
        for (query, says) in [
            ("", "Type one or more words"),
            ("   ", "Type one or more words"),
            ("-sport", "Add a word to look for"),
            ("\"prisoner release", "has no closing quote"),
            (&"word ".repeat(40), "too many words"),
            (&"x".repeat(600), "too long"),
        ] {
            match parse(query) {
                Err(Error::Query(message)) => assert!(message.contains(says), "{query:?}: {message}"),
                other => panic!("{query:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn a_query_of_punctuation_only_is_refused_in_words() {
        let fields = Fields::new();
        let request = SearchRequest { query: ":: ??".into(), ..SearchRequest::default() };
        match build(&fields, &request, &|_| true) {
            Err(Error::Query(message)) => assert!(message.contains("letters or digits"), "{message}"),
            other => panic!("{other:?}"),
        }
    }
}
