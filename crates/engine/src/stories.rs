//! Story assignment in the engine: one [`Stories`] state per process, the same decision
//! function `tidings cluster` runs, kept in step with the store.
//!
//! Keys: a stored story is keyed by its id; a report no other has joined yet is a story of one
//! in the state only, keyed by its article id negated, and becomes a stored story when a second
//! report joins it. The state is rebuilt from the store when the engine first clusters (a
//! restart replays the stored membership, it does not decide again).
//!
//! Several workers: a decision is made with the store's [`tidings_store::StoryTurn`] held (one
//! worker at a time), after replaying the decisions other workers made since this one last
//! looked, in the order they were made; the decision is then numbered after them
//! ([`Store::mark_placed`](tidings_store::Store::mark_placed)). So every worker's state has seen
//! every decision before its own, in one order: the decisions one worker would have made.

use std::collections::HashMap;

use jiff::Timestamp;
use tidings_cluster::{Placement, Report, Stories, StoryKey, StoryRules};
use tidings_core::{ArticleId, StoryId};
use tidings_store::ArticleBrief;

use crate::{Engine, Result};

/// Most stored articles replayed when the state is rebuilt.
const REBUILD_LIMIT: i64 = 50_000;
/// Decisions read per catch-up query.
const CATCH_UP_BATCH: i64 = 1_000;
/// Orphans (articles stored by a worker that died before placing them) placed before a decision.
const ORPHANS_AT_ONCE: i64 = 100;
/// Characters of text the store hands back for clustering (`substr(content_text, 1, 3000)`);
/// a report is read the same way whether it is being placed or replayed.
const TEXT_CHARS: usize = 3_000;

/// Story assignment in this process.
#[derive(Debug)]
pub(crate) struct StoryAssigner {
    state: tokio::sync::Mutex<StoryState>,
}

impl StoryAssigner {
    /// An empty state, rebuilt from the store on first use.
    pub(crate) fn new(rules: StoryRules) -> Self {
        Self { state: tokio::sync::Mutex::new(StoryState::new(rules)) }
    }
}

/// The clustering state of this process.
#[derive(Debug)]
struct StoryState {
    stories: Stories,
    /// False until rebuilt from the store.
    loaded: bool,
    /// Every decision up to this place in the order of decisions is in the state.
    seen: i64,
}

impl StoryState {
    fn new(rules: StoryRules) -> Self {
        Self { stories: Stories::new(rules), loaded: false, seen: 0 }
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
        // One decision at a time in this process, and among the workers of the database, so
        // each sees the ones before it.
        let mut state = self.stories.state.lock().await;
        let turn = self.store.story_turn().await?;
        let report = Report { time, title, text: clustered_text(text) };
        let placed = self.place(&mut state, id, report, now).await;
        if placed.is_err() {
            // What this process's state holds may now differ from the store: rebuild it.
            state.loaded = false;
        }
        turn.end().await?;
        placed
    }

    /// Places the articles whose worker stored them and stopped before placing them (a round
    /// calls this when it ends, since nothing else may come to place them).
    pub(crate) async fn place_orphans(&self, now: Timestamp) -> Result<()> {
        if self.store.unplaced_orphans(Timestamp::now(), 1).await?.is_empty() {
            return Ok(());
        }
        let mut state = self.stories.state.lock().await;
        let turn = self.store.story_turn().await?;
        let placed = match self.catch_up(&mut state, ArticleId(0), now).await {
            Ok(_) => self.adopt_orphans(&mut state, ArticleId(0), now).await,
            Err(e) => Err(e),
        };
        if placed.is_err() {
            state.loaded = false;
        }
        turn.end().await?;
        placed
    }

    /// [`Engine::cluster`] with the turn held: the decisions of the others first, then the
    /// articles whose worker stored them and died before placing them, then this one.
    async fn place(&self, state: &mut StoryState, id: ArticleId, report: Report<'_>, now: Timestamp) -> Result<()> {
        if self.catch_up(state, id, now).await? {
            return Ok(());
        }
        self.adopt_orphans(state, id, now).await?;
        self.decide(state, id, report, now).await
    }

    /// Places the orphans (all but `current`), with the turn held.
    async fn adopt_orphans(&self, state: &mut StoryState, current: ArticleId, now: Timestamp) -> Result<()> {
        for orphan in self.store.unplaced_orphans(Timestamp::now(), ORPHANS_AT_ONCE).await? {
            if orphan.id == current {
                continue;
            }
            tracing::info!(article = %orphan.id, "placing an article whose worker stopped before it could");
            if orphan.story_id.is_some() {
                // Its worker stored the decision and stopped before numbering it.
                state.restore(&orphan);
                state.seen = self.store.mark_placed(orphan.id).await?;
            } else {
                let report = Report { time: orphan.time, title: &orphan.title, text: &orphan.text };
                self.decide(state, orphan.id, report, now).await?;
            }
        }
        Ok(())
    }

    /// Places one article and records the decision.
    async fn decide(&self, state: &mut StoryState, id: ArticleId, report: Report<'_>, now: Timestamp) -> Result<()> {
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
        state.seen = self.store.mark_placed(id).await?;
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

    /// Rebuilds the state from the store on first use, then replays the decisions other workers
    /// made since the last look, in the order they made them. True when `current` was among
    /// them (another worker took it up as an orphan).
    async fn catch_up(&self, state: &mut StoryState, current: ArticleId, now: Timestamp) -> Result<bool> {
        let mut replayed = false;
        if !state.loaded {
            state.stories = Stories::new(state.stories.rules());
            let since = now - state.stories.horizon();
            state.seen = self.store.last_placed().await?;
            let mut briefs = self.store.placed_since(since, REBUILD_LIMIT).await?;
            briefs.sort_by_key(|b| (b.time, b.id));
            for b in &briefs {
                replayed |= b.id == current;
                state.restore(b);
            }
            state.loaded = true;
        }
        loop {
            let placed = self.store.placed_after(state.seen, CATCH_UP_BATCH).await?;
            let Some(&(last, _)) = placed.last() else { break };
            for (_, b) in &placed {
                replayed |= b.id == current;
                state.restore(b);
            }
            state.seen = last;
            if (placed.len() as i64) < CATCH_UP_BATCH {
                break;
            }
        }
        Ok(replayed)
    }
}
