//! Story assignment in the engine: one [`Stories`] state per process, the same decision
//! function `tidings cluster` runs, kept in step with the store.
//!
//! Keys: a stored story is keyed by its id; a report no other has joined yet is a story of one
//! in the state only, keyed by its article id negated, and becomes a stored story when a second
//! report joins it. The state is rebuilt from the store when the engine first clusters (a
//! restart replays the stored membership, it does not decide again), and before each decision
//! it catches up on articles other workers stored since it last looked.

use std::collections::{BTreeSet, HashMap};

use jiff::Timestamp;
use tidings_cluster::{Placement, Report, Stories, StoryKey, StoryRules};
use tidings_core::{ArticleId, StoryId};
use tidings_store::ArticleBrief;

use crate::{Engine, Result};

/// Most stored articles replayed when the state is rebuilt.
const REBUILD_LIMIT: i64 = 50_000;
/// Articles read per catch-up query.
const CATCH_UP_BATCH: i64 = 1_000;
/// Characters of text the store hands back for clustering (`substr(content_text, 1, 3000)`);
/// a report is read the same way whether it is being placed or replayed.
const TEXT_CHARS: usize = 3_000;

/// Story assignment in this process: the state, and the articles stored here that wait for it.
#[derive(Debug)]
pub(crate) struct StoryAssigner {
    state: tokio::sync::Mutex<StoryState>,
    /// Stored by this process and waiting for the lock: catch-up must not replay them as if
    /// another worker had stored them, or they would be counted twice.
    waiting: std::sync::Mutex<BTreeSet<i64>>,
}

impl StoryAssigner {
    /// An empty state, rebuilt from the store on first use.
    pub(crate) fn new(rules: StoryRules) -> Self {
        Self { state: tokio::sync::Mutex::new(StoryState::new(rules)), waiting: std::sync::Mutex::default() }
    }

    fn waiting(&self) -> std::sync::MutexGuard<'_, BTreeSet<i64>> {
        self.waiting.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The clustering state of this process.
#[derive(Debug)]
struct StoryState {
    stories: Stories,
    /// False until rebuilt from the store.
    loaded: bool,
    /// Every article up to this id is in the state.
    seen_up_to: i64,
    /// Articles above `seen_up_to` this process placed itself.
    placed_here: BTreeSet<i64>,
}

impl StoryState {
    fn new(rules: StoryRules) -> Self {
        Self { stories: Stories::new(rules), loaded: false, seen_up_to: 0, placed_here: BTreeSet::new() }
    }

    /// Replays one stored article into its stored story (or a story of its own).
    fn restore(&mut self, b: &ArticleBrief) {
        let key = b.story_id.map_or(-b.id.0, |s| s.0);
        self.stories.restore(Report { time: b.time, title: &b.title, text: &b.text }, key);
    }
}

/// The key of the story of one lone article.
fn lone(article: ArticleId) -> StoryKey {
    -article.0
}

/// The text clustering reads, as the store returns it.
fn clustered_text(text: &str) -> &str {
    text.char_indices().nth(TEXT_CHARS).map_or(text, |(i, _)| &text[..i])
}

impl Engine {
    /// Puts an article into a story with other reports of the same event. When none matches
    /// yet it stays a story of one in the state, which later reports can join.
    pub(crate) async fn cluster(
        &self,
        id: ArticleId,
        title: &str,
        text: &str,
        time: Timestamp,
        now: Timestamp,
    ) -> Result<()> {
        // Registered before the first wait, right after the article was stored.
        self.stories.waiting().insert(id.0);
        // One decision at a time in this process, so each sees the ones before it.
        let mut state = self.stories.state.lock().await;
        let report = Report { time, title, text: clustered_text(text) };
        let placed = self.place(&mut state, id, report, now).await;
        self.stories.waiting().remove(&id.0);
        placed
    }

    /// [`Engine::cluster`] with the lock held.
    async fn place(&self, state: &mut StoryState, id: ArticleId, report: Report<'_>, now: Timestamp) -> Result<()> {
        self.catch_up(state, id, now).await?;
        state.placed_here.insert(id.0);
        if let Some(story) = self.store.article(id).await?.story_id {
            state.stories.restore(report, story.0);
            return Ok(());
        }
        let placement = state.stories.place(report, lone(id));
        tracing::debug!(article = %id, title = report.title, ?placement, "story decision");
        let mut renamed = HashMap::new();
        if placement.joined {
            let story = self.store_join(state, id, &placement, now).await?;
            renamed.insert(placement.story, story.0);
            if placement.headline {
                self.store.set_story_headline(story, id).await?;
            }
        }
        for &(gone, into) in &placement.regrouped {
            self.store_regroup(state, &mut renamed, gone, into, now).await?;
        }
        Ok(())
    }

    /// Stores that `id` joined `placement.story` (and the merges it bridged); returns the
    /// stored story.
    async fn store_join(
        &self,
        state: &mut StoryState,
        id: ArticleId,
        placement: &Placement,
        now: Timestamp,
    ) -> Result<StoryId> {
        // The stored story: the state's if it is stored, else a stored one merged into it, else
        // a new one started by the lone report this one joined.
        let merged_stored = placement.merged.iter().copied().filter(|k| *k > 0).min();
        let story = if placement.story > 0 {
            self.store.join_story(StoryId(placement.story), id).await?;
            StoryId(placement.story)
        } else if let Some(stored) = merged_stored {
            self.store.join_story(StoryId(stored), ArticleId(-placement.story)).await?;
            self.store.join_story(StoryId(stored), id).await?;
            StoryId(stored)
        } else {
            self.store.attach_story(ArticleId(-placement.story), id, now).await?
        };
        state.stories.rename(placement.story, story.0);
        for &gone in &placement.merged {
            if gone < 0 {
                self.store.join_story(story, ArticleId(-gone)).await?;
            } else if gone != story.0 {
                self.store.merge_stories(StoryId(gone), story, now).await?;
            }
        }
        Ok(story)
    }

    /// Stores one merge of the second look: story `gone` into `into` (state keys at the time of
    /// the decision, followed through `renamed`). A lone report's story becomes a stored one
    /// when it gains a member, so a negative key is always one stored article without a story.
    async fn store_regroup(
        &self,
        state: &mut StoryState,
        renamed: &mut HashMap<StoryKey, StoryKey>,
        gone: StoryKey,
        into: StoryKey,
        now: Timestamp,
    ) -> Result<()> {
        let follow = |mut k: StoryKey| {
            while let Some(n) = renamed.get(&k).filter(|n| **n != k) {
                k = *n;
            }
            k
        };
        let (gone, into) = (follow(gone), follow(into));
        let stored = match (into > 0, gone > 0) {
            (true, true) => {
                self.store.merge_stories(StoryId(gone), StoryId(into), now).await?;
                return Ok(());
            }
            (true, false) => {
                self.store.join_story(StoryId(into), ArticleId(-gone)).await?;
                return Ok(());
            }
            (false, true) => {
                // The lone report's story survives in the state, headline and all.
                self.store.join_story(StoryId(gone), ArticleId(-into)).await?;
                self.store.set_story_headline(StoryId(gone), ArticleId(-into)).await?;
                StoryId(gone)
            }
            (false, false) => self.store.attach_story(ArticleId(-into), ArticleId(-gone), now).await?,
        };
        state.stories.rename(into, stored.0);
        renamed.insert(into, stored.0);
        Ok(())
    }

    /// Rebuilds the state from the store on first use, then replays what other workers stored
    /// since the last look: all but `current`, which the caller places (or, when another worker
    /// already did, replays) right after.
    async fn catch_up(&self, state: &mut StoryState, current: ArticleId, now: Timestamp) -> Result<()> {
        if !state.loaded {
            let since = now - state.stories.horizon();
            let mut briefs = self.store.recent_briefs(since, REBUILD_LIMIT).await?;
            let waiting = self.stories.waiting().clone();
            briefs.retain(|b| b.id != current && !waiting.contains(&b.id.0));
            briefs.sort_by_key(|b| (b.time, b.id));
            for b in &briefs {
                state.restore(b);
            }
            state.seen_up_to = briefs.iter().map(|b| b.id.0).max().unwrap_or(0);
            state.loaded = true;
        }
        loop {
            let briefs = self.store.briefs_after(ArticleId(state.seen_up_to), CATCH_UP_BATCH).await?;
            let Some(last) = briefs.last().map(|b| b.id.0) else { break };
            let waiting = self.stories.waiting().clone();
            for b in &briefs {
                if b.id != current && !state.placed_here.contains(&b.id.0) && !waiting.contains(&b.id.0) {
                    state.restore(b);
                }
            }
            state.seen_up_to = last;
            state.placed_here = state.placed_here.split_off(&(last + 1));
            if (briefs.len() as i64) < CATCH_UP_BATCH {
                break;
            }
        }
        Ok(())
    }
}
