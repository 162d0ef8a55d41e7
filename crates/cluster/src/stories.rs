//! Story assignment over a stream of reports: the one decision function the engine and
//! `tidings cluster` share.
//!
//! Each report becomes a weighted vector of its lead's words: weights know how common a word is
//! (document frequencies learned from the stream itself, updated as it flows), and names and
//! numbers weigh more than ordinary words. A report joins the open story whose centroid (the sum
//! of its members' vectors) it resembles most, discounted by the time between the report and the
//! story; under the threshold it opens a story of its own, which later reports can join. Stories
//! are found through an index from terms to the stories that contain them, so the cost of one
//! decision does not grow with the number of open stories. When a report resembles two stories
//! and the two resemble each other as wholes, they merge into the older one.

use std::collections::{BTreeSet, VecDeque};

use compact_str::CompactString;
use jiff::{SignedDuration, Timestamp};
use rustc_hash::FxHashMap;
use tidings_text::{Occurrence, report_terms};

/// A story's identifier, chosen by the caller when the story opens.
pub type StoryKey = i64;

/// Settings of story assignment.
#[derive(Debug, Clone, Copy)]
pub struct StoryRules {
    /// Minimum time-discounted cosine between a report and a story's centroid for it to join.
    pub min_similarity: f64,
    /// Minimum time-discounted agreement between two stories' centroids (names and numbers agreeing
    /// as well as the words) for them to merge.
    pub merge_similarity: f64,
    /// Time after which a story's pull has halved, counted beyond the first day (times may be
    /// day-only, so the same day is no evidence either way). A story closes once even an
    /// identical report could not reach `min_similarity`.
    pub half_life: SignedDuration,
    /// Words of the body read after the headline (news puts the event first).
    pub lead_words: usize,
    /// Terms kept per report, the heaviest.
    pub report_terms: usize,
    /// Open stories kept at most; past it the least recently updated close first.
    pub max_open: usize,
    /// Reports it takes for the learned word weights to be trusted (see [`Stories::place`]).
    pub warm_up: f64,
}

impl Default for StoryRules {
    fn default() -> Self {
        Self {
            min_similarity: 0.15,
            merge_similarity: 0.40,
            half_life: SignedDuration::from_hours(180 * 24),
            lead_words: 200,
            report_terms: 96,
            max_open: 200_000,
            warm_up: 2.0,
        }
    }
}

/// A report to place in a story.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    /// When it was published (day-only times are fine).
    pub time: Timestamp,
    /// Its headline.
    pub title: &'a str,
    /// Its text.
    pub text: &'a str,
}

/// Where a report went.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    /// The story it is in now.
    pub story: StoryKey,
    /// True when it joined an existing story, false when it opened `story`.
    pub joined: bool,
    /// Stories found to be the same event as `story` and merged into it (they are closed; when
    /// the report joined a younger story that merged into an older one, the younger is here).
    pub merged: Vec<StoryKey>,
    /// Merges of the second look this report triggered, and of the look again at reports the
    /// warm-up held back (see [`Stories::place`]), in the order they were made: `(gone, into)`,
    /// the story `gone` merged into `into` and closed.
    pub regrouped: Vec<(StoryKey, StoryKey)>,
    /// True when the report's headline is now its story's: the one that represents the story
    /// best (see [`Stories::place`]). A merged story keeps the survivor's headline.
    pub headline: bool,
}

/// Weight of a headline occurrence against one in the body: headlines name the event.
const TITLE_WEIGHT: f32 = 2.0;
/// Weight of a word every report has ("said", "police"), to which a rarer word adds
/// ln(reports / reports with it). The usual smoothing adds 1, which left the ordinary words every
/// local crash or fire report shares weighing a fifth of a town's name: look-alike incidents of
/// one kind chained through them.
const IDF_FLOOR: f32 = 0.75;
/// Extra weight of a number: counts, amounts and scores tell events apart.
const NUMBER_BOOST: f32 = 1.5;
/// Heaviest terms of a report used to look up candidate stories: half of them, because the very
/// heaviest are often a report's own colour (a quote, a witness's name) that its story's other
/// reports do not share; 12 left such reports without a single candidate.
const LOOKUP_TERMS: usize = 32;
/// Most recent stories kept per term in the index; older ones stay reachable by rarer terms.
const POSTINGS_PER_TERM: usize = 64;
/// Candidate stories scored in full per decision.
const CANDIDATES: usize = 16;
/// A report's heaviest terms that say what it is about: when none of them is a name (an eclipse,
/// a market slide), names cannot tell its event from another (see [`names_conflict`]).
const LEADING_TERMS: usize = 8;
/// Least weight of a report's heaviest name in a story, against the story's heaviest name, for
/// the story to be about it too (see [`names_conflict`]).
const NAME_SHARE: f32 = 0.25;
/// Open stories besides a candidate holding a name for the name to be no evidence for that
/// candidate (see [`Stories::candidates`]).
const COMMON_NAME_STORIES: usize = 3;
/// A centroid is pruned to `report_terms * CENTROID_KEEP` terms when it passes twice that.
const CENTROID_KEEP: usize = 3;
/// The stream's first reports are decided with word weights learned from a handful of reports;
/// their words are kept until the stream has seen this many, and looked at again with the
/// weights learned since each time the count of reports doubles (16, 32 and 64).
const SECOND_LOOK_UNTIL: u64 = 64;
/// First count of reports at which the second look runs.
const SECOND_LOOK_FROM: u64 = 16;
/// A report the warm-up held back from a story (see [`Stories::place`]) is looked at again when
/// the count of reports reaches this, and again each time it doubles up to
/// [`HELD_BACK_UNTIL`]; only the reports up to that count are kept for it.
const HELD_BACK_FROM: u64 = 128;
/// Last count of reports at which reports the warm-up held back are looked at again.
const HELD_BACK_UNTIL: u64 = 256;
/// Reports a story needs to take in a report the warm-up held back: one several outlets have
/// told, whose centroid is the event's and not one report's angle. (With 3, a generated stream
/// of look-alike incidents lost pairs to stories of four or five that mixed two.)
const GROWN_STORY: u32 = 5;

/// An open story as the assignment sees it.
#[derive(Debug, Clone)]
struct OpenStory {
    centroid: FxHashMap<u32, Weight>,
    norm2: f64,
    specific_norm2: f64,
    first: Timestamp,
    last: Timestamp,
    members: u32,
    /// The terms of the headline of its most representative report so far.
    headline: Box<[u32]>,
    /// Its heaviest name (see [`names_conflict`]).
    heaviest_name: Option<u32>,
}

/// The state of story assignment: term statistics, open stories and the term index.
///
/// Decisions depend only on the reports given and their order, so replaying the same reports in
/// the same order rebuilds the same state.
#[derive(Debug, Clone)]
pub struct Stories {
    rules: StoryRules,
    /// Words to term ids; a word of up to 24 bytes is kept in the table itself, so looking one
    /// up does not follow a pointer to its letters (a report looks up a couple of hundred).
    vocabulary: FxHashMap<CompactString, u32>,
    doc_freq: Vec<u32>,
    /// Per term: mid-sentence capitalised occurrences minus lower-case ones, over the stream.
    name_votes: Vec<i32>,
    docs: u64,
    open: FxHashMap<StoryKey, OpenStory>,
    postings: Vec<VecDeque<StoryKey>>,
    by_last: BTreeSet<(Timestamp, StoryKey)>,
    latest: Option<Timestamp>,
    /// The stream's first reports as read (until [`SECOND_LOOK_UNTIL`]), for the second look.
    early: Vec<EarlyReport>,
    /// Reports the warm-up held back from a story (until [`HELD_BACK_UNTIL`]), to look at again.
    held_back: Vec<HeldBack>,
}

/// One of the stream's first reports, kept for the second look.
#[derive(Debug, Clone)]
struct EarlyReport {
    /// Its story now (followed through merges and renames).
    story: StoryKey,
    words: Words,
}

/// A report that opened a story of its own only because the warm-up raised the threshold: its
/// best candidate reached `min_similarity`, or it came before the second look's first pass.
#[derive(Debug, Clone)]
struct HeldBack {
    /// Its story now (followed through merges and renames).
    story: StoryKey,
    time: Timestamp,
    words: Words,
}

/// A report as [`Stories::learn`] read it.
struct Read {
    /// Its normalised vector of the heaviest terms.
    vector: Vec<Term>,
    /// Its words, while the stream is young enough for the second look or for a report the
    /// warm-up held back to be looked at again.
    words: Option<Words>,
    /// Its headline's terms.
    title: Box<[u32]>,
}

/// A report's words as read: term, weighted count, and whether it is a number.
type Words = Vec<(u32, f32, bool)>;

impl Stories {
    /// Empty state with these rules.
    pub fn new(rules: StoryRules) -> Self {
        Self {
            rules,
            vocabulary: FxHashMap::default(),
            doc_freq: Vec::new(),
            name_votes: Vec::new(),
            docs: 0,
            open: FxHashMap::default(),
            postings: Vec::new(),
            by_last: BTreeSet::new(),
            latest: None,
            early: Vec::new(),
            held_back: Vec::new(),
        }
    }

    /// The rules in force.
    pub fn rules(&self) -> StoryRules {
        self.rules
    }

    /// Number of open stories.
    pub fn open_stories(&self) -> usize {
        self.open.len()
    }

    /// Places `report` in a story: an open one it belongs to, else a new one keyed `new_key`.
    ///
    /// It joins the best-scoring story when the score reaches `min_similarity`, raised for the
    /// first reports of a stream by `warm_up`: with two, the third report needs 0.49 and the
    /// hundredth 0.17 (at 0.15).
    ///
    /// Second look: the stream's first reports were decided with weights learned from a few
    /// reports, so each time the count of reports doubles (16, 32 and 64) their stories are
    /// rebuilt with the weights learned since, and two stories that now match merge.
    ///
    /// Held back: a report that opened a story of its own though its best candidate reached
    /// `min_similarity` (only the warm-up kept it out), or among the stream's first fifteen
    /// (whose scores rest on weights from a handful of reports), is decided again at the 128th
    /// and 256th report, with the weights learned since; when it is still alone and its best
    /// candidate now is a story of at least five reports that reaches `min_similarity`, the two
    /// merge.
    ///
    /// Headline: a story's is the headline of its most representative report, the one whose
    /// headline's words weigh most in the story's centroid (per word, so a long headline does
    /// not win by length); a report's becomes it when it does better than the current one.
    pub fn place(&mut self, report: Report<'_>, new_key: StoryKey) -> Placement {
        let Read { vector, words, title } = self.learn(report);
        self.close_old(report.time);
        let scored = self.candidates(&vector, report.time);
        let best = scored.first().filter(|(_, s)| *s >= self.threshold()).map(|(k, _)| *k);
        let (story, joined) = match best {
            Some(key) => (key, true),
            None => (new_key, false),
        };
        self.add(story, &vector, report.time);
        // Before the second look's first pass the scores rest on weights learned from a handful of
        // reports, so a report left alone then counts as held back whatever it scored.
        let held_back = !joined
            && (self.docs < SECOND_LOOK_FROM || scored.first().is_some_and(|(_, s)| *s >= self.rules.min_similarity));
        if held_back && let Some(words) = &words {
            self.held_back.push(HeldBack { story, time: report.time, words: words.clone() });
        }
        self.remember(words, story);
        let (story, merged) = if joined { self.merge_bridged(story, &scored) } else { (story, Vec::new()) };
        let headline = self.consider_headline(story, title);
        let mut regrouped = self.second_look();
        regrouped.extend(self.look_again_at_held_back());
        Placement { story, joined, merged, regrouped, headline }
    }

    /// The similarity a report needs to join a story now. While the stream is young its word
    /// weights are still unlearned (a city's name looks as rare as a victim's), so the first
    /// reports need more: the gap to 1 shrinks as `warm_up / (warm_up + reports seen)`.
    fn threshold(&self) -> f64 {
        let min = self.rules.min_similarity;
        let w = self.rules.warm_up;
        min + (1.0 - min) * w / (w + self.docs as f64)
    }

    /// Adds `report` to the story `key` without deciding anything (opening it if needed): how a
    /// caller rebuilds the state from decisions already stored, in their original order.
    pub fn restore(&mut self, report: Report<'_>, key: StoryKey) {
        let Read { vector, words, title } = self.learn(report);
        self.close_old(report.time);
        self.add(key, &vector, report.time);
        self.remember(words, key);
        self.consider_headline(key, title);
    }

    /// Makes `title` the headline of story `key` when it represents the story better than the
    /// current one: the cosine between the headline's terms and the story's centroid, so the
    /// headline names what most reports say, not one report's angle. True when it did.
    fn consider_headline(&mut self, key: StoryKey, title: Box<[u32]>) -> bool {
        let Some(story) = self.open.get_mut(&key) else { return false };
        let fit = |terms: &[u32]| {
            let sum: f64 = terms.iter().filter_map(|t| story.centroid.get(t)).map(|w| f64::from(w.weight)).sum();
            if terms.is_empty() { 0.0 } else { sum / (terms.len() as f64).sqrt() }
        };
        if !story.headline.is_empty() && fit(&title) <= fit(&story.headline) {
            return false;
        }
        story.headline = title;
        true
    }

    /// Keeps the words of one of the stream's first reports for the second look.
    fn remember(&mut self, words: Option<Words>, story: StoryKey) {
        if let Some(words) = words.filter(|_| self.docs <= SECOND_LOOK_UNTIL) {
            self.early.push(EarlyReport { story, words });
        }
    }

    /// Moves the early and held-back reports of story `from` to story `to`.
    fn move_early(&mut self, from: StoryKey, to: StoryKey) {
        for e in &mut self.early {
            if e.story == from {
                e.story = to;
            }
        }
        for h in &mut self.held_back {
            if h.story == from {
                h.story = to;
            }
        }
    }

    /// Decides again, with the weights learned since, the reports the warm-up held back from a
    /// story, when the count of reports has just reached [`HELD_BACK_FROM`] or doubled since (up
    /// to [`HELD_BACK_UNTIL`]). A report still alone whose best candidate now is a story of at
    /// least [`GROWN_STORY`] reports reaching `min_similarity` merges with it (the older
    /// survives). Returns the merges as `(gone, into)`.
    fn look_again_at_held_back(&mut self) -> Vec<(StoryKey, StoryKey)> {
        let n = self.docs;
        if n < HELD_BACK_FROM || !n.is_power_of_two() || n > HELD_BACK_UNTIL {
            return Vec::new();
        }
        // The threshold itself, not the warm-up's bar of the moment: the report is scored with
        // weights learned from a hundred reports or more, which the bar was there to wait for.
        let threshold = self.rules.min_similarity;
        let mut regrouped = Vec::new();
        let mut waiting = Vec::new();
        for held in std::mem::take(&mut self.held_back) {
            let Some(alone_since) = self.open.get(&held.story).filter(|s| s.members == 1).map(|s| s.first) else {
                continue;
            };
            let vector = self.vector(held.words.iter().copied());
            let scored = self.candidates(&vector, held.time);
            let Some(&(other, score)) = scored.iter().find(|(k, _)| *k != held.story) else {
                waiting.push(held);
                continue;
            };
            let Some(grown) = self.open.get(&other) else { continue };
            if score < threshold || grown.members < GROWN_STORY {
                waiting.push(held);
                continue;
            }
            let (keep, gone) = if (grown.first, other) < (alone_since, held.story) {
                (other, held.story)
            } else {
                (held.story, other)
            };
            self.absorb(keep, gone);
            regrouped.push((gone, keep));
        }
        if n < HELD_BACK_UNTIL {
            self.held_back = waiting;
        }
        regrouped
    }

    /// Rebuilds the stories of the stream's first reports with the weights learned since and
    /// merges those that now match, when the count of reports has just doubled. Returns the
    /// merges as `(gone, into)`.
    fn second_look(&mut self) -> Vec<(StoryKey, StoryKey)> {
        let n = self.docs;
        if n < SECOND_LOOK_FROM || !n.is_power_of_two() || n > SECOND_LOOK_UNTIL {
            return Vec::new();
        }
        let mut early = std::mem::take(&mut self.early);
        // Each open story with early members gets its centroid again from their fresh vectors.
        let mut fresh: std::collections::BTreeMap<StoryKey, Vec<Vec<Term>>> = std::collections::BTreeMap::new();
        for e in &early {
            if self.open.contains_key(&e.story) {
                let vector = self.vector(e.words.iter().map(|&(id, count, number)| (id, count, number)));
                fresh.entry(e.story).or_default().push(vector);
            }
        }
        for (key, vectors) in &fresh {
            let Some(story) = self.open.get_mut(key) else { continue };
            let old = std::mem::take(&mut story.centroid);
            for vector in vectors {
                for t in vector {
                    let c = story.centroid.entry(t.id).or_insert(Weight {
                        weight: 0.0,
                        specific: t.specific,
                        name: t.name,
                    });
                    c.weight += t.weight;
                }
            }
            renorm(story);
            for term in story.centroid.keys() {
                if !old.contains_key(term) {
                    post(&mut self.postings, *term, *key);
                }
            }
        }
        // Then the best-matching pairs merge first, each pair scored again if one side grew.
        let keys: Vec<StoryKey> = fresh.keys().copied().collect();
        let threshold = self.threshold();
        let mut pairs = Vec::new();
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                let score = self.story_match(*a, *b);
                if score >= threshold {
                    pairs.push((score, *a, *b));
                }
            }
        }
        pairs.sort_unstable_by(|x, y| y.0.total_cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
        let mut into: FxHashMap<StoryKey, StoryKey> = FxHashMap::default();
        let find = |into: &FxHashMap<StoryKey, StoryKey>, mut k: StoryKey| {
            while let Some(n) = into.get(&k) {
                k = *n;
            }
            k
        };
        let mut regrouped = Vec::new();
        for (_, a, b) in pairs {
            let (a2, b2) = (find(&into, a), find(&into, b));
            if a2 == b2 || ((a2, b2) != (a, b) && self.story_match(a2, b2) < threshold) {
                continue;
            }
            let (Some(sa), Some(sb)) = (self.open.get(&a2), self.open.get(&b2)) else { continue };
            let (keep, gone) = if (sb.first, b2) < (sa.first, a2) { (b2, a2) } else { (a2, b2) };
            self.absorb(keep, gone);
            into.insert(gone, keep);
            regrouped.push((gone, keep));
        }
        for e in &mut early {
            e.story = find(&into, e.story);
        }
        if n < SECOND_LOOK_UNTIL {
            self.early = early;
        }
        regrouped
    }

    /// Gives story `from` the key `to` (when the caller's store named it), merging it into `to`
    /// if that is open too.
    pub fn rename(&mut self, from: StoryKey, to: StoryKey) {
        if from == to {
            return;
        }
        if self.open.contains_key(&to) {
            self.absorb(to, from);
            return;
        }
        self.move_early(from, to);
        let Some(story) = self.open.remove(&from) else { return };
        self.by_last.remove(&(story.last, from));
        self.by_last.insert((story.last, to));
        for term in story.centroid.keys() {
            post(&mut self.postings, *term, to);
        }
        self.open.insert(to, story);
    }

    /// How far back in time an open story can still be joined: the stored reports a restart
    /// has to replay.
    pub fn horizon(&self) -> SignedDuration {
        let halves = 1.0 / self.rules.min_similarity.max(0.01) - 1.0;
        SignedDuration::from_hours(24) + SignedDuration::from_secs_f64(self.rules.half_life.as_secs_f64() * halves)
    }

    /// Reads a report's terms, counts them into the document frequencies and returns its
    /// normalised vector of the heaviest terms, by term id, and, while the stream is young, its
    /// words for the second look.
    fn learn(&mut self, report: Report<'_>) -> Read {
        #[derive(Default, Clone, Copy)]
        struct Seen {
            count: f32,
            capitalised: u16,
            lower: u16,
            number: bool,
        }
        let mut seen: FxHashMap<u32, Seen> = FxHashMap::with_capacity_and_hasher(256, Default::default());
        let mut title: Vec<u32> = Vec::new();
        let mut take = |word: &str, kind: Occurrence, in_title: bool| {
            let id = match self.vocabulary.get(word) {
                Some(id) => *id,
                None => {
                    let id = self.doc_freq.len() as u32;
                    self.vocabulary.insert(CompactString::from(word), id);
                    self.doc_freq.push(0);
                    self.name_votes.push(0);
                    self.postings.push(VecDeque::new());
                    id
                }
            };
            if in_title && !title.contains(&id) {
                title.push(id);
            }
            let s = seen.entry(id).or_default();
            match kind {
                Occurrence::Title => s.count += TITLE_WEIGHT,
                Occurrence::Capitalised => {
                    s.count += 1.0;
                    s.capitalised += 1;
                }
                Occurrence::Lower => {
                    s.count += 1.0;
                    s.lower += 1;
                }
                Occurrence::SentenceStart => s.count += 1.0,
                Occurrence::Number => {
                    s.count += 1.0;
                    s.number = true;
                }
            }
        };
        // The headline on its own first, to know its words (the body's are read the same way
        // whether or not a headline comes before them).
        report_terms(report.title, "", 0, |word, kind| take(word, kind, true));
        report_terms("", report.text, self.rules.lead_words, |word, kind| take(word, kind, false));
        self.docs += 1;
        let words: Words = seen
            .into_iter()
            .map(|(id, s)| {
                self.doc_freq[id as usize] += 1;
                self.name_votes[id as usize] += i32::from(s.capitalised) - i32::from(s.lower);
                (id, s.count, s.number)
            })
            .collect();
        let vector = self.vector(words.iter().copied());
        Read { vector, words: (self.docs <= HELD_BACK_UNTIL).then_some(words), title: title.into() }
    }

    /// The normalised vector of a report's heaviest words, given as (term, weighted count,
    /// number), with the weights learned so far.
    fn vector(&self, words: impl Iterator<Item = (u32, f32, bool)>) -> Vec<Term> {
        let docs = self.docs as f32;
        let mut vector: Vec<Term> = words
            .map(|(id, count, number)| {
                let idf = ((docs + 1.0) / (self.doc_freq[id as usize] as f32 + 1.0)).ln() + IDF_FLOOR;
                let specific = number || self.name_votes[id as usize] > 0;
                // Names get no extra weight: a city's name is in most of its news, and weighed
                // up it joined unrelated events there. They count through the agreement below.
                let boost = if number { NUMBER_BOOST } else { 1.0 };
                Term { id, weight: (1.0 + count.ln()) * idf * boost, specific, name: specific && !number }
            })
            .collect();
        vector.sort_unstable_by(|a, b| b.weight.total_cmp(&a.weight).then(a.id.cmp(&b.id)));
        vector.truncate(self.rules.report_terms);
        let norm = vector.iter().map(|t| t.weight * t.weight).sum::<f32>().sqrt();
        if norm > 0.0 {
            for t in &mut vector {
                t.weight /= norm;
            }
        }
        vector
    }

    /// How well two open stories match as wholes, names and numbers agreeing and discounted by
    /// the time between them; 0 when either is closed.
    fn story_match(&self, a: StoryKey, b: StoryKey) -> f64 {
        let (Some(a), Some(b)) = (self.open.get(&a), self.open.get(&b)) else { return 0.0 };
        let (small, large) = if a.centroid.len() <= b.centroid.len() { (a, b) } else { (b, a) };
        let (mut dot, mut specific_dot) = (0.0, 0.0);
        for (t, w) in &small.centroid {
            if let Some(v) = large.centroid.get(t) {
                let d = f64::from(w.weight) * f64::from(v.weight);
                dot += d;
                if w.specific && v.specific {
                    specific_dot += d;
                }
            }
        }
        let gap = self.time_factor(b.first, a.first, a.last).max(self.time_factor(b.last, a.first, a.last));
        agreement((dot, a.norm2, b.norm2), (specific_dot, a.specific_norm2, b.specific_norm2)) * gap
    }

    /// Whether more than [`COMMON_NAME_STORIES`] open stories hold the name `term` (so each
    /// candidate holding it has that many others beside it), worked out once per decision and
    /// kept in `known`.
    fn is_common_name(&self, term: u32, known: &std::cell::Cell<Option<bool>>) -> bool {
        if let Some(common) = known.get() {
            return common;
        }
        let mut found: Vec<StoryKey> = Vec::with_capacity(COMMON_NAME_STORIES + 1);
        for key in self.postings[term as usize].iter().rev() {
            if !found.contains(key) && self.open.get(key).is_some_and(|s| s.centroid.contains_key(&term)) {
                found.push(*key);
                if found.len() > COMMON_NAME_STORIES {
                    break;
                }
            }
        }
        let common = found.len() > COMMON_NAME_STORIES;
        known.set(Some(common));
        common
    }

    /// Open stories sharing the report's heaviest terms, scored, best first (ties: lower key).
    fn candidates(&self, vector: &[Term], time: Timestamp) -> Vec<(StoryKey, f64)> {
        let mut overlap: FxHashMap<StoryKey, f32> = FxHashMap::with_capacity_and_hasher(1024, Default::default());
        for term in vector.iter().take(LOOKUP_TERMS) {
            for key in &self.postings[term.id as usize] {
                *overlap.entry(*key).or_default() += term.weight;
            }
        }
        let specific_norm2: f64 = vector.iter().filter(|t| t.specific).map(|t| f64::from(t.weight).powi(2)).sum();
        // The best few open stories by overlap (ties to the lower key), without ordering the
        // rest. Closed stories linger in the index until their entries are pushed out, so the
        // best few of all are taken first and, only when one of them is closed, the best few
        // of the open ones: looking each story up is what costs.
        let by_overlap = |a: &(StoryKey, f32), b: &(StoryKey, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        let is_open = |(key, _): &(StoryKey, f32)| self.open.contains_key(key);
        let mut shortlist: Vec<(StoryKey, f32)> = overlap.into_iter().collect();
        if shortlist.len() > CANDIDATES {
            shortlist.select_nth_unstable_by(CANDIDATES - 1, by_overlap);
        }
        if !shortlist.iter().take(CANDIDATES).all(is_open) {
            shortlist.retain(is_open);
            if shortlist.len() > CANDIDATES {
                shortlist.select_nth_unstable_by(CANDIDATES - 1, by_overlap);
            }
        }
        shortlist.truncate(CANDIDATES);
        // Whether each of the report's names is common among open stories, once asked.
        let common: Vec<std::cell::Cell<Option<bool>>> = vector.iter().map(|_| std::cell::Cell::new(None)).collect();
        // Each candidate's centroid is read through once, its terms looked up among the
        // report's (a small table that stays in cache), rather than each report term looked up
        // in the centroid; the sums still run in the report's order, so scores are unchanged.
        let position: FxHashMap<u32, usize> = vector.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
        let mut found: Vec<Option<Weight>> = vec![None; vector.len()];
        let mut scored: Vec<(StoryKey, f64)> = shortlist
            .into_iter()
            .filter_map(|(key, _)| {
                let story = self.open.get(&key)?;
                if names_conflict(vector, story) {
                    return None;
                }
                let mut dot = 0.0;
                let mut specific_dot = 0.0;
                let mut story_specific_norm2 = story.specific_norm2;
                // The report's names and numbers that are no evidence here (squared weights).
                let mut left_out = 0.0;
                found.fill(None);
                for (term, w) in &story.centroid {
                    if let Some(&i) = position.get(term) {
                        found[i] = Some(*w);
                    }
                }
                for ((t, common), c) in vector.iter().zip(&common).zip(&found) {
                    if let Some(c) = c {
                        // A name several other open stories hold too (a town's, a county's, a
                        // highway's) says the report is one of that place's events, not which:
                        // it is no evidence for this story, and the other words must carry it.
                        let d = if t.name && self.is_common_name(t.id, common) {
                            left_out += f64::from(t.weight) * f64::from(t.weight);
                            0.0
                        } else {
                            f64::from(t.weight) * f64::from(c.weight)
                        };
                        dot += d;
                        if t.specific {
                            specific_dot += d;
                        }
                        // A word the stream has since come to write as a name (or stopped) is
                        // one kind on both sides: the report's, which knows the stream best.
                        if t.specific != c.specific {
                            let c2 = f64::from(c.weight) * f64::from(c.weight);
                            story_specific_norm2 += if t.specific { c2 } else { -c2 };
                        }
                    }
                }
                // When the report's names and numbers are all common names this story shares,
                // names have nothing to tell apart and the words alone decide (see `agreement`).
                // A report with names of its own keeps the common ones in its norm, so they
                // still dilute its agreement.
                let report_specific_norm2 =
                    if left_out >= specific_norm2 * (1.0 - 1e-9) { 0.0 } else { specific_norm2 };
                let specific = (specific_dot, report_specific_norm2, story_specific_norm2.max(0.0));
                let cosine = agreement((dot, 1.0, story.norm2), specific);
                Some((key, cosine * self.time_factor(time, story.first, story.last)))
            })
            .collect();
        scored.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored
    }

    /// How much a story spanning `first..=last` still pulls a report at `time`.
    fn time_factor(&self, time: Timestamp, first: Timestamp, last: Timestamp) -> f64 {
        let gap = if time < first {
            first - time
        } else if time > last {
            time - last
        } else {
            SignedDuration::ZERO
        };
        let beyond = (gap - SignedDuration::from_hours(24)).as_secs_f64().max(0.0);
        // Hyperbolic, not exponential: developing stories resurface weeks later (an inquiry, a
        // verdict), and a strong match should still find them.
        1.0 / (1.0 + beyond / self.rules.half_life.as_secs_f64().max(1.0))
    }

    /// Adds a report's vector to a story, opening it if needed, and indexes its new terms.
    fn add(&mut self, key: StoryKey, vector: &[Term], time: Timestamp) {
        let story = self.open.entry(key).or_insert_with(|| OpenStory {
            centroid: FxHashMap::default(),
            norm2: 0.0,
            specific_norm2: 0.0,
            first: time,
            last: time,
            members: 0,
            headline: Box::default(),
            heaviest_name: None,
        });
        self.by_last.remove(&(story.last, key));
        story.first = story.first.min(time);
        story.last = story.last.max(time);
        story.members += 1;
        self.by_last.insert((story.last, key));
        for term in vector {
            let c = story.centroid.entry(term.id).or_insert(Weight {
                weight: 0.0,
                specific: term.specific,
                name: term.name,
            });
            if c.weight == 0.0 {
                post(&mut self.postings, term.id, key);
            }
            let grow = f64::from(2.0 * c.weight * term.weight + term.weight * term.weight);
            story.norm2 += grow;
            if c.specific {
                story.specific_norm2 += grow;
            }
            c.weight += term.weight;
        }
        let keep = self.rules.report_terms * CENTROID_KEEP;
        if story.centroid.len() > 2 * keep {
            prune(story, keep);
        } else {
            story.heaviest_name = heaviest_name(&story.centroid);
        }
    }

    /// Merges `story` with the other candidates the report also belonged to, when the two
    /// stories as wholes are one event. The older story survives (its links are the ones shared
    /// longest); returns the survivor and the keys merged away.
    fn merge_bridged(&mut self, story: StoryKey, scored: &[(StoryKey, f64)]) -> (StoryKey, Vec<StoryKey>) {
        let mut survivor = story;
        let mut merged = Vec::new();
        for (other, score) in scored {
            if *score < self.rules.min_similarity {
                break;
            }
            let (Some(a), Some(b)) = (self.open.get(&survivor), self.open.get(other)) else { continue };
            if *other == survivor {
                continue;
            }
            // As wholes, names and numbers agreeing too: two crash stories share every word of
            // the kind, and on words alone a report that matched both merged them.
            if self.story_match(survivor, *other) < self.rules.merge_similarity {
                continue;
            }
            let (keep, gone) =
                if (b.first, *other) < (a.first, survivor) { (*other, survivor) } else { (survivor, *other) };
            self.absorb(keep, gone);
            survivor = keep;
            merged.push(gone);
        }
        (survivor, merged)
    }

    /// Moves story `gone` into story `keep` and closes `gone`.
    fn absorb(&mut self, keep: StoryKey, gone: StoryKey) {
        let Some(gone_story) = self.open.remove(&gone) else { return };
        self.move_early(gone, keep);
        self.by_last.remove(&(gone_story.last, gone));
        let Some(survivor) = self.open.get_mut(&keep) else { return };
        self.by_last.remove(&(survivor.last, keep));
        survivor.first = survivor.first.min(gone_story.first);
        survivor.last = survivor.last.max(gone_story.last);
        survivor.members += gone_story.members;
        for (term, weight) in gone_story.centroid {
            let c = survivor.centroid.entry(term).or_insert(Weight {
                weight: 0.0,
                specific: weight.specific,
                name: weight.name,
            });
            if c.weight == 0.0 {
                post(&mut self.postings, term, keep);
            }
            c.weight += weight.weight;
        }
        renorm(survivor);
        self.by_last.insert((survivor.last, keep));
    }

    /// Closes stories whose pull on a report this late is gone, and the least recently updated
    /// beyond `max_open`.
    fn close_old(&mut self, time: Timestamp) {
        let latest = self.latest.map_or(time, |l| l.max(time));
        self.latest = Some(latest);
        // time_factor < min_similarity  ⇔  beyond > half_life · (1 / min_similarity − 1)
        let halves = 1.0 / self.rules.min_similarity.max(0.01) - 1.0;
        let horizon =
            SignedDuration::from_hours(24) + SignedDuration::from_secs_f64(self.rules.half_life.as_secs_f64() * halves);
        while let Some(&(last, key)) = self.by_last.first() {
            if latest - last <= horizon && self.open.len() <= self.rules.max_open {
                break;
            }
            self.by_last.pop_first();
            self.open.remove(&key);
        }
    }
}

/// Indexes story `key` under `term`, forgetting the term's oldest story past the cap.
fn post(postings: &mut [VecDeque<StoryKey>], term: u32, key: StoryKey) {
    let list = &mut postings[term as usize];
    list.push_back(key);
    if list.len() > POSTINGS_PER_TERM {
        list.pop_front();
    }
}

/// How well two vectors agree, from their dot product and squared norms over all terms and over
/// names and numbers only: the cosine, or when both have names or numbers, the lower of the two
/// cosines. Names and numbers must agree as well as the words, and one cannot make up for the
/// other: the same kind of incident in another street of the same town shares the ordinary
/// words and the town, not the other names.
fn agreement((dot, a2, b2): (f64, f64, f64), (specific_dot, specific_a2, specific_b2): (f64, f64, f64)) -> f64 {
    let cosine = if a2 > 0.0 && b2 > 0.0 { dot / (a2 * b2).sqrt() } else { 0.0 };
    if specific_a2 > 0.0 && specific_b2 > 0.0 {
        cosine.min(specific_dot / (specific_a2 * specific_b2).sqrt())
    } else {
        cosine
    }
}

/// Keeps a story's `keep` heaviest terms, so a long-running story's memory stays bounded.
fn prune(story: &mut OpenStory, keep: usize) {
    let mut terms: Vec<(u32, Weight)> = story.centroid.drain().collect();
    terms.sort_unstable_by(|a, b| b.1.weight.total_cmp(&a.1.weight).then(a.0.cmp(&b.0)));
    terms.truncate(keep);
    story.centroid.extend(terms);
    renorm(story);
}

/// The heaviest name in a centroid (ties: the lower term id).
fn heaviest_name(centroid: &FxHashMap<u32, Weight>) -> Option<u32> {
    centroid
        .iter()
        .filter(|(_, w)| w.name)
        .max_by(|a, b| a.1.weight.total_cmp(&b.1.weight).then(b.0.cmp(a.0)))
        .map(|(id, _)| *id)
}

/// True when a report and a story name different things: the report's heaviest name (among its
/// leading terms) is not one the story is about (in it with at least [`NAME_SHARE`] of the weight
/// of the story's heaviest name), and the story's heaviest name is not in the report.
/// Two crashes on one day in two towns of a county share every ordinary word, the highway, the
/// county and the state police, but each report's heaviest name is its own town, which the other
/// never mentions; a report of the same event told in other words still names its place or its
/// people. A report joins no story it conflicts with; merges are not checked (refusing them too
/// split dev events whose stories lead with different people). A name one of twenty members
/// mentioned in passing is not what the story is about: once a story held a few towns' crashes,
/// every town's crash found its town somewhere in it.
fn names_conflict(report: &[Term], story: &OpenStory) -> bool {
    let Some(report_name) = report.iter().take(LEADING_TERMS).find(|t| t.name) else { return false };
    let Some(story_name) = story.heaviest_name else { return false };
    let top = story.centroid.get(&story_name).map_or(0.0, |w| w.weight);
    let prominent = story.centroid.get(&report_name.id).is_some_and(|w| w.weight >= NAME_SHARE * top);
    !prominent && !report.iter().any(|t| t.id == story_name)
}

/// Recomputes a story's norms and heaviest name from its centroid.
fn renorm(story: &mut OpenStory) {
    story.heaviest_name = heaviest_name(&story.centroid);
    story.norm2 = 0.0;
    story.specific_norm2 = 0.0;
    for w in story.centroid.values() {
        let w2 = f64::from(w.weight) * f64::from(w.weight);
        story.norm2 += w2;
        if w.specific {
            story.specific_norm2 += w2;
        }
    }
}

/// A term of a report with its normalised weight.
#[derive(Debug, Clone, Copy)]
struct Term {
    id: u32,
    weight: f32,
    /// A name, a place or a number.
    specific: bool,
    /// A name or a place (not a number).
    name: bool,
}

/// A term's weight in a story's centroid.
#[derive(Debug, Clone, Copy)]
struct Weight {
    weight: f32,
    /// Whether the term was a name, a place or a number when it entered the story.
    specific: bool,
    /// Whether it was a name or a place (not a number).
    name: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hours: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + hours * 3600).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    fn place(s: &mut Stories, key: StoryKey, hours: i64, title: &str, text: &str) -> Placement {
        s.place(Report { time: at(hours), title, text }, key)
    }

    const BRIDGE: &str = "The Harbour Bridge in Wexley reopened to traffic after eight months of repairs, \
        mayor Tanya Brook said on Monday. Repairs to the Wexley crossing cost 41 million.";
    const STRIKER: &str = "The club confirmed that striker Osei Mbatha signed a four-year contract with \
        Dunmore Rovers on Tuesday, for a fee of 12 million.";

    #[test]
    fn a_later_report_of_the_same_event_joins_the_lone_first_one() {
        let mut s = Stories::new(StoryRules::default());
        assert!(!place(&mut s, 1, 0, "Harbour Bridge reopens in Wexley", BRIDGE).joined);
        place(&mut s, 2, 0, "Mbatha signs for Rovers", STRIKER);
        let p = place(&mut s, 3, 5, "Wexley bridge open again after repairs", BRIDGE);
        assert_eq!((p.story, p.joined), (1, true));
    }

    #[test]
    fn a_report_led_by_its_own_witnesses_still_finds_its_story() {
        // Its heaviest words are its own (names and a quote no other report has), so looking
        // its story up by only those found no candidate at all and it stood alone.
        let mut s = Stories::new(StoryRules { warm_up: 0.0, ..StoryRules::default() });
        place(&mut s, 1, 0, "Harbour Bridge reopens in Wexley", BRIDGE);
        place(&mut s, 2, 0, "Mbatha signs for Rovers", STRIKER);
        place(&mut s, 3, 1, "Wexley bridge open again after repairs", BRIDGE);
        let witnesses = "Commuter Ellis Varga, baker Nadia Quill and pensioner Hugo Brandt queued all \
            night with flasks, banners, balloons, ribbons and cupcakes.";
        let text = format!("{witnesses} {BRIDGE} {witnesses}");
        let p = place(&mut s, 4, 2, "'We queued all night,' says commuter", &text);
        assert_eq!((p.story, p.joined), (1, true));
    }

    #[test]
    fn a_word_that_became_a_name_after_its_story_opened_still_joins_reports_to_it() {
        // The story's first report writes the coin in lower case, so it entered the story as an
        // ordinary word; the stream then comes to write it as a name. Its names then shared
        // nothing with a later report whose only name is the coin, and it stood alone.
        let mut s = Stories::new(StoryRules { warm_up: 0.0, ..StoryRules::default() });
        let first = "zorblat fell sharply on Tuesday, trader Mira Osk said, as holders sold zorblat in a panic.";
        place(&mut s, 1, 0, "zorblat slumps as holders sell", first);
        let others = [
            (
                "Wexley council approves library plan",
                "The Wexley council approved the library plan; Zorblat was not mentioned.",
            ),
            (
                "Mbatha signs for Rovers",
                "Striker Osei Mbatha signed with Dunmore Rovers, paid partly in Zorblat tokens.",
            ),
            (
                "Harbour Bridge reopens",
                "The Harbour Bridge reopened after repairs, and a Zorblat kiosk opened beside it.",
            ),
        ];
        for (i, (title, text)) in others.iter().enumerate() {
            place(&mut s, 2 + i as i64, 1, title, text);
        }
        let later = "Zorblat fell sharply again as holders sold Zorblat in a panic, traders said.";
        let p = place(&mut s, 9, 2, "zorblat slumps again as holders sell", later);
        assert_eq!((p.story, p.joined), (1, true));
    }

    #[test]
    fn the_first_reports_of_a_stream_come_together_at_the_second_look() {
        // Decided while the weights were learned from a handful of reports, four reports of one
        // event stay apart; once the stream has seen sixteen they are looked at again.
        let mut s = Stories::new(StoryRules::default());
        let bridge = [
            ("Harbour Bridge reopens in Wexley", BRIDGE),
            (
                "Wexley crossing open after repairs",
                "Cars crossed the Wexley harbour on Monday as the bridge opened again, months late and over budget.",
            ),
            (
                "Tanya Brook cuts ribbon on bridge",
                "Mayor Tanya Brook cut the ribbon at the repaired Harbour Bridge, which cost 41 million.",
            ),
            (
                "Commuters cheer Wexley bridge",
                "Commuters cheered as the Wexley bridge carried traffic again after eight months.",
            ),
        ];
        let mut story_of = Vec::new();
        let mut regrouped = Vec::new();
        for (i, (title, text)) in bridge.iter().enumerate() {
            story_of.push(place(&mut s, i as i64, i as i64, title, text).story);
        }
        let apart: BTreeSet<StoryKey> = story_of.iter().copied().collect();
        assert!(apart.len() > 1, "the warm-up should keep the first reports apart: {story_of:?}");
        let towns = ["Arlo", "Brena", "Cato", "Dalby", "Essen", "Farro", "Gale", "Hume", "Ivo", "Jura", "Kell", "Lune"];
        for (i, town) in towns.iter().enumerate() {
            let key = 10 + i as i64;
            let text = format!(
                "In {town} the {} council voted on item {key} about parks, {} said.",
                ["new", "old"][i % 2],
                ["Ames", "Bo"][i % 2]
            );
            let p = place(&mut s, key, 5, &format!("{town} council votes on parks"), &text);
            regrouped.extend(p.regrouped);
        }
        assert_eq!(s.docs, 16);
        let follow = |mut k: StoryKey| {
            while let Some((_, into)) = regrouped.iter().find(|(gone, _)| *gone == k) {
                k = *into;
            }
            k
        };
        let together: BTreeSet<StoryKey> = story_of.iter().map(|k| follow(*k)).collect();
        assert_eq!(together, BTreeSet::from([0]), "the bridge reports end in the first one's story");
    }

    #[test]
    fn a_story_is_headed_by_its_most_representative_report_not_its_first() {
        let mut s = Stories::new(StoryRules { warm_up: 0.0, ..StoryRules::default() });
        let first = place(&mut s, 1, 0, "'We queued all night,' says commuter", BRIDGE);
        assert!(first.headline, "a story's first report heads it until a better one comes");
        place(&mut s, 2, 0, "Mbatha signs for Rovers", STRIKER);
        let second = place(&mut s, 3, 1, "Wexley Harbour Bridge reopens after repairs", BRIDGE);
        assert_eq!((second.story, second.joined, second.headline), (1, true, true));
        let third = place(&mut s, 4, 2, "Balloons and cupcakes on the quay", BRIDGE);
        assert_eq!((third.story, third.headline), (1, false), "an angle of one report does not head the story");
    }

    #[test]
    fn the_same_report_much_later_opens_a_new_story() {
        let mut s = Stories::new(StoryRules::default());
        place(&mut s, 1, 0, "Harbour Bridge reopens in Wexley", BRIDGE);
        let years = 24 * 365 * 3;
        let p = place(&mut s, 2, years, "Harbour Bridge reopens in Wexley", BRIDGE);
        assert_eq!((p.story, p.joined), (2, false));
        assert_eq!(s.open_stories(), 1, "the old story is closed");
    }

    #[test]
    fn the_same_stream_in_the_same_order_gives_the_same_stories() {
        let reports: Vec<(i64, String, String)> = (0..60)
            .map(|i| (i / 3, format!("Report {} on Wexley", i % 7), format!("{BRIDGE} Item {i} of {}.", i % 5)))
            .collect();
        let run = || {
            let mut s = Stories::new(StoryRules::default());
            reports.iter().enumerate().map(|(k, (h, t, x))| place(&mut s, k as i64, *h, t, x)).collect::<Vec<_>>()
        };
        assert_eq!(run(), run());
    }

    #[test]
    fn common_words_do_not_chain_reports_into_one_story() {
        // The failure seen in an ingest run: every report shared a common core of words and
        // nearest-member matching chained all 20,000 into one story.
        let core = "Police said the incident happened on Saturday and officials are investigating \
            what happened, with more details expected later in the day.";
        let mut s = Stories::new(StoryRules::default());
        let mut towns: FxHashMap<StoryKey, std::collections::BTreeSet<String>> = FxHashMap::default();
        let place_names = ["Arlo", "Brena", "Cato", "Dalby", "Essen", "Farro", "Gale", "Hume"];
        for i in 0..2_000usize {
            let town = format!("{}{}", place_names[i % 8], ["ton", "field", "wick", "more", "by"][i / 8 % 5]);
            let person =
                format!("{}{}", ["Mara", "Jon", "Ines", "Tomas", "Ada"][i % 5], ["son", "ley", "ard"][i / 40 % 3]);
            let title = format!("Incident in {town} {i}");
            let text = format!("In {town}, {person} was questioned. {core} Case {i}.");
            let p = place(&mut s, i as i64, (i / 100) as i64, &title, &text);
            towns.entry(p.story).or_default().insert(town);
        }
        let mixed: Vec<_> = towns.values().filter(|t| t.len() > 1).collect();
        assert!(mixed.is_empty(), "stories spanning several towns: {mixed:?}");
    }

    #[test]
    fn two_stories_a_report_bridges_merge_into_the_older() {
        let rules = StoryRules { min_similarity: 0.3, merge_similarity: 0.1, ..StoryRules::default() };
        let mut s = Stories::new(rules);
        let bridge = "Wexley Harbour Bridge Tanya Brook reopened repairs";
        let transfer = "Osei Mbatha Dunmore Rovers signed contract striker";
        assert!(!place(&mut s, 1, 0, "Wexley", bridge).joined);
        assert!(!place(&mut s, 2, 1, "Mbatha", transfer).joined, "no words in common: two stories");
        let p = place(&mut s, 3, 2, "Wexley Mbatha", &format!("{bridge} {transfer}"));
        assert_eq!((p.story, p.merged), (1, vec![2]));
        assert_eq!(s.open_stories(), 1);
        let q = place(&mut s, 4, 3, "Mbatha", transfer);
        assert_eq!(q.story, 1, "reports of the merged story go to the survivor");
    }

    /// A report that says little of its own and nothing of the bridge: its words are those of a
    /// hundred like it, so the stream learns what is common.
    fn council(s: &mut Stories, i: usize) -> Placement {
        let towns = ["Arlo", "Brena", "Cato", "Dalby", "Essen", "Farro", "Gale", "Hume", "Ivo", "Jura", "Kell", "Lune"];
        let topics = [
            "parks", "budget", "library", "roads", "schools", "water", "housing", "police", "transit", "zoning",
            "taxes",
        ];
        let (town, topic) = (towns[i % 12], topics[i / 12 % 11]);
        let text = format!(
            "In {town} the council voted on item {i} about {topic}, councillor {} said.",
            ["Ames", "Bo", "Cy"][i % 3]
        );
        place(s, 1000 + i as i64, 1, &format!("{town} council votes on {topic}"), &text)
    }

    /// A report of the bridge's reopening told through the crowd: it names the bridge and the
    /// town once among many names of its own.
    const QUEUE: &str = "Commuters Ellis Varga and Nadia Quill queued at dawn with flasks and banners, singing as \
        ferries sounded horns across the estuary, while buskers Odo Pell and Rhea Cask played \
        accordions, and gulls circled over the toll booths, as vendor Ines Lapo sold pastries, near \
        the old lighthouse where kites flew, and pensioner Hugo Brandt waved a scarf, before drizzle \
        soaked the ribbons, while a brass band from Quorn rehearsed marches, and schoolchildren \
        painted murals on hoardings, to drive the Harbour Bridge in Wexley first.";

    #[test]
    fn a_report_the_warm_up_held_back_joins_its_grown_story_once_the_weights_are_learned() {
        // Its agreement with the bridge story (.155) reached the threshold but not the raised one
        // of a young stream (.172 at the 76th report), so it opened a story of its own. Decided
        // again at the 128th report with the weights learned since (.161), it reaches the threshold
        // though not the warm-up's bar then (.163), which no longer guards unlearned weights.
        let mut s = Stories::new(StoryRules::default());
        for i in 0..70 {
            council(&mut s, i);
        }
        let bridge = [
            (
                "Harbour Bridge reopens in Wexley",
                "The Harbour Bridge in Wexley reopened to traffic after eight months of repairs, mayor Tanya Brook said on Monday.",
            ),
            (
                "Wexley Harbour Bridge open again",
                "The Wexley Harbour Bridge reopened to traffic on Monday after eight months of repairs, said mayor Tanya Brook.",
            ),
            (
                "Harbour Bridge traffic returns in Wexley",
                "Traffic returned to the Harbour Bridge in Wexley on Monday after eight months of repairs, mayor Tanya Brook said.",
            ),
            (
                "Wexley reopens Harbour Bridge",
                "Mayor Tanya Brook reopened the Harbour Bridge in Wexley on Monday after eight months of repairs to traffic.",
            ),
            (
                "Harbour Bridge back in Wexley",
                "After eight months of repairs the Harbour Bridge in Wexley reopened to traffic on Monday, mayor Tanya Brook said.",
            ),
        ];
        for (i, (title, text)) in bridge.iter().enumerate() {
            assert_eq!(place(&mut s, 1 + i as i64, 2, title, text).story, 1, "the bridge reports make one story");
        }
        let held = place(&mut s, 9, 3, "Commuters queue for Wexley crossing", QUEUE);
        assert_eq!((held.story, held.joined), (9, false), "the warm-up holds it back");
        let mut regrouped = Vec::new();
        for i in 76..128 {
            regrouped.extend(council(&mut s, i).regrouped);
        }
        assert_eq!(s.docs, 128);
        assert!(regrouped.contains(&(9, 1)), "looked at again, it joins the bridge story: {regrouped:?}");
    }

    #[test]
    fn a_report_among_the_first_fifteen_left_alone_joins_its_grown_story_later() {
        // The stream's first report has no story to be held back from, and its agreement with
        // the bridge story, scored with weights learned from a few reports and against the bars
        // of the second look, comes to nothing; scored again at the 128th report it is the
        // bridge story's.
        let mut s = Stories::new(StoryRules::default());
        assert!(!place(&mut s, 9, 1, "Commuters queue for Wexley crossing", QUEUE).joined);
        let bridge = [
            "The Harbour Bridge in Wexley reopened to traffic after eight months of repairs, mayor Tanya Brook said on Monday.",
            "The Wexley Harbour Bridge reopened to traffic on Monday after eight months of repairs, said mayor Tanya Brook.",
            "Traffic returned to the Harbour Bridge in Wexley on Monday after eight months of repairs, mayor Tanya Brook said.",
            "Mayor Tanya Brook reopened the Harbour Bridge in Wexley on Monday after eight months of repairs to traffic.",
            "After eight months of repairs the Harbour Bridge in Wexley reopened to traffic on Monday, mayor Tanya Brook said.",
        ];
        for (i, text) in bridge.iter().enumerate() {
            assert_eq!(place(&mut s, 1 + i as i64, 2, "Harbour Bridge reopens in Wexley", text).story, 1);
        }
        let mut regrouped = Vec::new();
        for i in 6..128usize {
            let p = council(&mut s, i);
            assert!(i == 127 || p.regrouped.is_empty(), "merged before the 128th report: {:?}", p.regrouped);
            regrouped.extend(p.regrouped);
        }
        assert_eq!(regrouped, vec![(1, 9)], "the bridge story merges into the first report's, the older");
    }
}
