//! From matches to a page of results: grouped by story, paged, with highlighted snippets.

use std::collections::HashMap;
use std::sync::Arc;

use jiff::Timestamp;
use tantivy::query::Query;
use tantivy::schema::{Field, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Searcher, TantivyDocument};
use tidings_core::{ArticleId, OutletId, StoryId};

use crate::Result;
use crate::query::analyzer_of;
use crate::schema::Fields;

/// Matches read per search, at most: a query that matches everything costs no more than this
/// (plus counting), and results past it are not shown (the page says so).
pub const CANDIDATES: usize = 1_000;
/// Matches counted per search, at most, as many as are read: past it a search says "more
/// than" (counting every match of two common words on a million articles cost more than
/// finding the best of them).
pub const COUNTED: usize = CANDIDATES;
/// Characters of text around the matches shown.
const SNIPPET_CHARS: usize = 240;

/// One match, before grouping.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The article.
    pub article: ArticleId,
    /// Its story when it was indexed.
    pub story: Option<StoryId>,
    /// Relevance (0 when sorted by date).
    pub score: f32,
    /// Publication time.
    pub time: Timestamp,
    pub(crate) address: DocAddress,
}

/// How many articles match a search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matches {
    /// This many.
    Exactly(usize),
    /// More than this many ([`COUNTED`]): counting stopped there.
    MoreThan(usize),
}

impl Matches {
    /// The number counted: all of them, or the bound counting stopped at.
    pub fn counted(self) -> usize {
        match self {
            Matches::Exactly(n) | Matches::MoreThan(n) => n,
        }
    }

    /// More match than `n`.
    pub fn exceed(self, n: usize) -> bool {
        match self {
            Matches::Exactly(m) => m > n,
            Matches::MoreThan(m) => m >= n,
        }
    }
}

/// As a sentence begins: "1 article matches", "12 articles match", "More than 10000 articles
/// match".
impl std::fmt::Display for Matches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Matches::Exactly(1) => write!(f, "1 article matches"),
            Matches::Exactly(n) => write!(f, "{n} articles match"),
            Matches::MoreThan(n) => write!(f, "More than {n} articles match"),
        }
    }
}

/// The best matches of a search, to be grouped and paged.
pub struct Candidates {
    searcher: Searcher,
    query: Box<dyn Query>,
    fields: Arc<Fields>,
    hits: Vec<Candidate>,
    matches: Matches,
}

impl std::fmt::Debug for Candidates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Candidates")
            .field("hits", &self.hits.len())
            .field("matches", &self.matches)
            .finish_non_exhaustive()
    }
}

/// One result shown: the best-placed matching report of its story.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// The article.
    pub article: ArticleId,
    /// Its story, if it is in one.
    pub story: Option<StoryId>,
    /// Matching reports of this story among the matches read (1 for an article alone).
    pub reports: usize,
    /// Relevance (0 when sorted by date).
    pub score: f32,
    /// Publication time.
    pub time: Timestamp,
    /// Headline.
    pub title: String,
    /// Headline as HTML: escaped, the matched words in `<mark>`.
    pub title_html: String,
    /// The outlet.
    pub outlet: OutletId,
    /// Its name.
    pub outlet_name: String,
    /// Bylines.
    pub authors: Vec<String>,
    /// Language subtag, empty when unknown.
    pub lang: String,
    /// Text around the matches as HTML: escaped, the matched words in `<mark>`.
    pub snippet_html: String,
}

/// A page of results.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultsPage {
    /// The results, one per story.
    pub results: Vec<Found>,
    /// Articles that match.
    pub matches: Matches,
    /// Stories (and articles in none) among the matches read.
    pub groups: usize,
    /// This page, from 1.
    pub page: usize,
    /// Pages of groups.
    pub pages: usize,
    /// More matched than were read ([`CANDIDATES`]): later results are not shown.
    pub truncated: bool,
}

impl Candidates {
    pub(crate) fn new(
        searcher: Searcher,
        query: Box<dyn Query>,
        fields: Arc<Fields>,
        hits: Vec<Candidate>,
        matches: Matches,
    ) -> Self {
        Self { searcher, query, fields, hits, matches }
    }

    /// The matches read, best (or newest) first.
    pub fn hits(&self) -> &[Candidate] {
        &self.hits
    }

    /// Articles that match.
    pub fn matches(&self) -> Matches {
        self.matches
    }

    /// Page `page` (from 1) of `per_page` groups. `story_now` tells each match's story as the
    /// store has it now: `Some(story)`, or `None` for an article the store no longer holds
    /// (it is left out).
    pub fn page(
        &self,
        story_now: &dyn Fn(&Candidate) -> Option<Option<StoryId>>,
        page: usize,
        per_page: usize,
    ) -> Result<ResultsPage> {
        #[derive(Hash, PartialEq, Eq)]
        enum Key {
            Story(StoryId),
            Alone(ArticleId),
        }
        let mut groups: Vec<(&Candidate, Option<StoryId>, usize)> = Vec::new();
        let mut at: HashMap<Key, usize> = HashMap::new();
        for hit in &self.hits {
            let Some(story) = story_now(hit) else { continue };
            let key = story.map_or(Key::Alone(hit.article), Key::Story);
            match at.get(&key) {
                Some(&i) => groups[i].2 += 1,
                None => {
                    at.insert(key, groups.len());
                    groups.push((hit, story, 1));
                }
            }
        }
        let per_page = per_page.max(1);
        let pages = groups.len().div_ceil(per_page);
        let page = page.max(1);
        let mut snippets = Snippets::new(&self.searcher, &*self.query, &self.fields);
        let results = groups
            .iter()
            .skip((page - 1).saturating_mul(per_page))
            .take(per_page)
            .map(|(hit, story, reports)| snippets.found(hit, *story, *reports))
            .collect::<Result<Vec<_>>>()?;
        Ok(ResultsPage {
            results,
            matches: self.matches,
            groups: groups.len(),
            page,
            pages,
            truncated: self.matches.exceed(self.hits.len()),
        })
    }
}

/// Snippet generators, made once per field a page needs.
struct Snippets<'a> {
    searcher: &'a Searcher,
    query: &'a dyn Query,
    fields: &'a Fields,
    made: HashMap<Field, SnippetGenerator>,
}

impl<'a> Snippets<'a> {
    fn new(searcher: &'a Searcher, query: &'a dyn Query, fields: &'a Fields) -> Self {
        Self { searcher, query, fields, made: HashMap::new() }
    }

    fn highlight(&mut self, field: Field, text: &str, chars: usize) -> Result<Option<String>> {
        let generator = match self.made.entry(field) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let mut g = SnippetGenerator::create(self.searcher, self.query, field)?;
                g.set_max_num_chars(chars);
                e.insert(g)
            }
        };
        let mut snippet = generator.snippet(text);
        if snippet.is_empty() {
            return Ok(None);
        }
        snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
        Ok(Some(snippet.to_html()))
    }

    fn found(&mut self, hit: &Candidate, story: Option<StoryId>, reports: usize) -> Result<Found> {
        let doc: TantivyDocument = self.searcher.doc(hit.address)?;
        let f = self.fields;
        let text_of = |field: Field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_string();
        let (title, text, lang) = (text_of(f.shown_title), text_of(f.shown_text), text_of(f.lang));
        let (title_field, body_field) = f.of(analyzer_of(&lang));
        let title_html = self.highlight(title_field, &title, title.len().max(1))?.unwrap_or_else(|| escape(&title));
        let snippet_html = match self.highlight(body_field, &text, SNIPPET_CHARS)? {
            Some(html) => html,
            None => escape(&tidings_core::excerpt(&text, SNIPPET_CHARS)),
        };
        let outlet = self
            .searcher
            .segment_reader(hit.address.segment_ord)
            .fast_fields()
            .u64("outlet")?
            .first(hit.address.doc_id)
            .unwrap_or_default();
        let authors = text_of(f.shown_authors);
        Ok(Found {
            article: hit.article,
            story,
            reports,
            score: hit.score,
            time: hit.time,
            title,
            title_html,
            outlet: OutletId(i64::try_from(outlet).unwrap_or_default()),
            outlet_name: text_of(f.shown_outlet),
            authors: authors.lines().filter(|a| !a.is_empty()).map(str::to_string).collect(),
            lang,
            snippet_html,
        })
    }
}

/// Text for HTML element content.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            other => out.push(other),
        }
    }
    out
}
