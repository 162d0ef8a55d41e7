//! Relating articles: which story a new report joins ([`Stories`]), and which other articles a
//! reader "may also like".
//!
//! Pure and deterministic: callers pass the reports, their times and the candidates. Depends on
//! `tidings-core` and `tidings-text` only.

mod stories;

use std::collections::HashSet;
use std::sync::Arc;

use jiff::Timestamp;
pub use stories::{Placement, Report, Stories, StoryKey, StoryRules};
use tidings_core::{ArticleId, OutletId, StoryId};
pub use tidings_text::TermVector;

/// An article as the clustering sees it.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The article.
    pub id: ArticleId,
    /// Its outlet.
    pub outlet_id: OutletId,
    /// Its story, if it has one.
    pub story_id: Option<StoryId>,
    /// When it was published.
    pub time: Timestamp,
    /// Its words (shared: an article's words never change, so callers may keep them).
    pub vector: Arc<TermVector>,
}

impl Candidate {
    /// Builds a candidate from an article's title and text.
    pub fn new(
        id: ArticleId,
        outlet_id: OutletId,
        story_id: Option<StoryId>,
        time: Timestamp,
        title: &str,
        text: &str,
    ) -> Self {
        Self { id, outlet_id, story_id, time, vector: Arc::new(words(title, text)) }
    }
}

/// The words of an article as clustering weighs them.
pub fn words(title: &str, text: &str) -> TermVector {
    TermVector::from_parts(title, text, TITLE_WEIGHT)
}

/// Title words weigh this many body words: headlines name the event.
const TITLE_WEIGHT: f64 = 3.0;

/// Picks up to `limit` articles related to `target` from `pool`: most similar first, leaving out
/// `target`'s own story, at most one per story, and preferring outlets not yet picked; among
/// near-equal scores the more recent wins.
pub fn related(target: &Candidate, pool: &[Candidate], limit: usize) -> Vec<ArticleId> {
    let mut scored: Vec<(&Candidate, f64)> = pool
        .iter()
        .filter(|c| c.id != target.id)
        .filter(|c| target.story_id.is_none() || c.story_id != target.story_id)
        .map(|c| (c, target.vector.cosine(&c.vector)))
        .filter(|(_, s)| *s > 0.0)
        .collect();
    // Round scores so that near-equal ones tie and recency decides.
    scored.sort_by(|a, b| {
        let ra = (a.1 * 50.0).round();
        let rb = (b.1 * 50.0).round();
        rb.total_cmp(&ra).then(b.0.time.cmp(&a.0.time)).then(a.0.id.cmp(&b.0.id))
    });
    let mut picked = Vec::new();
    let mut stories = HashSet::new();
    let mut outlets = HashSet::new();
    // Two passes: first one article per outlet, then fill from any outlet.
    for varied in [true, false] {
        for (c, _) in &scored {
            if picked.len() >= limit {
                return picked;
            }
            if picked.contains(&c.id) || c.story_id.is_some_and(|s| stories.contains(&s)) {
                continue;
            }
            if varied && outlets.contains(&c.outlet_id) {
                continue;
            }
            picked.push(c.id);
            outlets.insert(c.outlet_id);
            if let Some(s) = c.story_id {
                stories.insert(s);
            }
        }
    }
    picked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(id: i64, outlet: i64, story: Option<i64>, hours: i64, title: &str, text: &str) -> Candidate {
        let t = Timestamp::from_second(1_700_000_000 + hours * 3600).unwrap_or(Timestamp::UNIX_EPOCH);
        Candidate::new(ArticleId(id), OutletId(outlet), story.map(StoryId), t, title, text)
    }

    const BRIDGE: &str = "The harbour bridge reopened to traffic after eight months of repairs, the city said.";
    const FOOTBALL: &str = "The club confirmed the striker signed a four year contract on Tuesday.";

    #[test]
    fn related_leaves_out_own_story_and_repeats_no_story() {
        let target = cand(1, 1, Some(1), 0, "Harbour bridge reopens", BRIDGE);
        let pool = vec![
            cand(2, 2, Some(1), 0, "Harbour bridge reopens", BRIDGE),
            cand(
                3,
                3,
                Some(2),
                1,
                "Bridge tolls to rise next harbour season",
                "Tolls on the harbour bridge will rise, the city said.",
            ),
            cand(4, 4, Some(2), 1, "Harbour bridge tolls going up", "The city said harbour bridge tolls rise."),
            cand(5, 5, None, 1, "Striker signs", FOOTBALL),
        ];
        let picked = related(&target, &pool, 3);
        assert!(!picked.contains(&ArticleId(2)), "own story leaked: {picked:?}");
        assert_eq!(picked.iter().filter(|id| [ArticleId(3), ArticleId(4)].contains(id)).count(), 1);
    }

    #[test]
    fn related_prefers_other_outlets_before_repeating_one() {
        let target = cand(1, 1, None, 0, "Harbour bridge reopens", BRIDGE);
        let pool = vec![
            cand(2, 2, None, 0, "Harbour bridge reopens today", BRIDGE),
            cand(3, 2, None, 0, "Harbour bridge reopens at noon", BRIDGE),
            cand(4, 3, None, 0, "Harbour traffic after the bridge", "Traffic on the harbour roads eased."),
        ];
        let picked = related(&target, &pool, 2);
        assert_eq!(picked.len(), 2);
        assert!(picked.contains(&ArticleId(4)), "{picked:?}");
    }
}
