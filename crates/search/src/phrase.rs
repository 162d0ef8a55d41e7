//! The best matches of a lone phrase, reading positions only where they could change them.
//!
//! A phrase of two common words is in tens of thousands of articles on a million, and tantivy
//! checks the positions of both words in every article holding both, to score each. Yet a
//! phrase cannot occur in an article more often than its rarest word there, and BM25 grows
//! with that count: the word counts (read with the article list, without positions) bound the
//! score. Once the matches are counted up to [`COUNTED`] and the best [`CANDIDATES`] so far
//! are known, an article whose bound does not beat the last of them is passed over unread.
//! The scores are tantivy's own (BM25 over the phrase's terms, per place), so the order is
//! the one tantivy's phrase query gives.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::Bm25Weight;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, DocSet, Searcher, SegmentReader, TERMINATED, TantivyError};

use crate::Result;
use crate::query::Place;
use crate::results::{COUNTED, Matches};

/// The best `limit` matches of `places` (any of them) by score, best first, and how many
/// articles match, counted up to [`COUNTED`].
pub(crate) fn best(searcher: &Searcher, places: &[Place], limit: usize) -> Result<(Vec<(f32, DocAddress)>, Matches)> {
    let weights = places
        .iter()
        .map(|p| Ok(Bm25Weight::for_terms(searcher, &terms_of(p))?.boost_by(p.boost)))
        .collect::<Result<Vec<_>>>()?;
    let mut best: BinaryHeap<Reverse<Scored>> = BinaryHeap::with_capacity(limit + 1);
    let mut counted = 0;
    let mut passed_over = false;
    let mut positions = Positions::default();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let mut cursors = Vec::with_capacity(places.len());
        for (place, weight) in places.iter().zip(&weights) {
            if let Some(cursor) = Cursor::open(segment, place, weight.clone())? {
                cursors.push(cursor);
            }
        }
        let alive = segment.alive_bitset();
        loop {
            let doc = cursors.iter().map(|c| c.doc).min().unwrap_or(TERMINATED);
            if doc == TERMINATED {
                break;
            }
            let here = || cursors.iter().filter(|c| c.doc == doc);
            let full = counted >= COUNTED && best.len() >= limit;
            let threshold = best.peek().map_or(f32::MIN, |Reverse(s)| s.score);
            if alive.is_some_and(|a| a.is_deleted(doc)) {
                // Not there.
            } else if full && here().map(Cursor::bound).sum::<f32>() <= threshold {
                passed_over = true;
            } else {
                let mut score = 0.0;
                let mut matched = false;
                for cursor in cursors.iter_mut().filter(|c| c.doc == doc) {
                    if let Some(s) = cursor.score(&mut positions) {
                        score += s;
                        matched = true;
                    }
                }
                if matched {
                    counted += 1;
                    let address = DocAddress::new(u32::try_from(ord).unwrap_or(u32::MAX), doc);
                    if best.len() < limit {
                        best.push(Reverse(Scored { score, address }));
                    } else if score > threshold {
                        best.pop();
                        best.push(Reverse(Scored { score, address }));
                    }
                }
            }
            for cursor in cursors.iter_mut().filter(|c| c.doc == doc) {
                cursor.next();
            }
        }
    }
    let matches = if passed_over || counted > COUNTED { Matches::MoreThan(COUNTED) } else { Matches::Exactly(counted) };
    let mut found: Vec<Scored> = best.into_iter().map(|Reverse(s)| s).collect();
    found.sort_by(|a, b| b.cmp(a));
    Ok((found.into_iter().map(|s| (s.score, s.address)).collect(), matches))
}

fn terms_of(place: &Place) -> Vec<tantivy::Term> {
    place.terms.iter().map(|(_, t)| t.clone()).collect()
}

/// A match kept: ordered by score, then the earlier article first (as tantivy keeps ties).
#[derive(Debug, Clone, Copy)]
struct Scored {
    score: f32,
    address: DocAddress,
}

impl Ord for Scored {
    fn cmp(&self, other: &Self) -> Ordering {
        self.score.total_cmp(&other.score).then_with(|| other.address.cmp(&self.address))
    }
}

impl PartialOrd for Scored {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Scored {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Scored {}

/// Position lists reused from article to article.
#[derive(Default)]
struct Positions {
    common: Vec<u32>,
    next: Vec<u32>,
}

/// The articles of one segment holding every term of a place, one after another.
struct Cursor {
    /// Each term's postings and what its positions are shifted by to line up with the last.
    terms: Vec<(u32, SegmentPostings)>,
    weight: Bm25Weight,
    fieldnorms: FieldNormReader,
    doc: DocId,
}

impl Cursor {
    /// `None` when the segment lacks a term.
    fn open(segment: &SegmentReader, place: &Place, weight: Bm25Weight) -> Result<Option<Cursor>> {
        let last = place.terms.iter().map(|(offset, _)| *offset).max().unwrap_or_default();
        let index = segment.inverted_index(place.field)?;
        let mut terms = Vec::with_capacity(place.terms.len());
        for (offset, term) in &place.terms {
            let postings = index.read_postings(term, IndexRecordOption::WithFreqsAndPositions);
            let Some(postings) = postings.map_err(TantivyError::from)? else {
                return Ok(None);
            };
            terms.push((u32::try_from(last - offset).unwrap_or_default(), postings));
        }
        // The rarest term leads.
        terms.sort_by_key(|(_, p)| p.size_hint());
        let fieldnorms = segment
            .fieldnorms_readers()
            .get_field(place.field)?
            .unwrap_or_else(|| FieldNormReader::constant(segment.max_doc(), 1));
        let first = terms.first().map_or(TERMINATED, |(_, p)| p.doc());
        let mut cursor = Cursor { terms, weight, fieldnorms, doc: TERMINATED };
        cursor.align(first);
        Ok(Some(cursor))
    }

    /// Moves to the first article at or after `target` holding every term.
    fn align(&mut self, mut target: DocId) {
        'search: while target != TERMINATED {
            for (_, postings) in &mut self.terms {
                let at = if postings.doc() < target { postings.seek(target) } else { postings.doc() };
                if at > target {
                    target = at;
                    continue 'search;
                }
            }
            break;
        }
        self.doc = target;
    }

    fn next(&mut self) {
        let after = self.terms.first_mut().map_or(TERMINATED, |(_, p)| p.advance());
        self.align(after);
    }

    /// The most the place can score in this article: the phrase as often as its rarest term.
    fn bound(&self) -> f32 {
        let fewest = self.terms.iter().map(|(_, p)| p.term_freq()).min().unwrap_or_default();
        self.weight.score(self.fieldnorms.fieldnorm_id(self.doc), fewest)
    }

    /// The place's score in this article, `None` when the terms are not in phrase order.
    fn score(&mut self, positions: &mut Positions) -> Option<f32> {
        let Positions { common, next } = positions;
        let mut terms = self.terms.iter_mut();
        let (shift, postings) = terms.next()?;
        postings.positions_with_offset(*shift, common);
        for (shift, postings) in terms {
            postings.positions_with_offset(*shift, next);
            let mut i = 0;
            common.retain(|p| {
                while i < next.len() && next[i] < *p {
                    i += 1;
                }
                i < next.len() && next[i] == *p
            });
            if common.is_empty() {
                return None;
            }
        }
        let count = u32::try_from(common.len()).unwrap_or(u32::MAX);
        Some(self.weight.score(self.fieldnorms.fieldnorm_id(self.doc), count))
    }
}
