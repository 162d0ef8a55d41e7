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
//!
//! Batches: the articles a feed brings are placed together, with one turn, one catch-up and one
//! write transaction for all their decisions ([`tidings_store::Store::record_decisions`]). While
//! a batch is decided, a story that gained its second report keeps its lone key in the state;
//! the writes name it by its first article ([`StoryRef::OfArticle`]), which the store resolves to
//! the story that article is in at that point, and the state takes the stored ids once the batch
//! is written.
//!
//! Group turns: batches that arrive while a turn is taken wait in line, and the next turn
//! decides all of them, in the order they arrived, with one catch-up and one write transaction.
//! Turns run in tasks of their own, so a caller given up (its feed's time ran out) never leaves
//! decisions made in the state and not stored.

use std::collections::HashSet;
use std::sync::{Arc, PoisonError};

use jiff::Timestamp;
use tidings_cluster::{Placement, Report, Stories, StoryKey, StoryRules};
use tidings_core::{ArticleId, StoryId};
use tidings_store::{ArticleBrief, StoryRef, StoryWrite};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};

use crate::{Engine, Error, Result};

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
    /// Batches waiting for the next turn, in the order they arrived.
    waiting: std::sync::Mutex<Vec<Waiting>>,
    /// Room for batches handed over and not decided yet: fetching runs ahead of clustering by
    /// this many batches at most, so the texts held for it stay bounded.
    room: Arc<Semaphore>,
}

/// A batch waiting for its turn, and who waits for its decisions.
#[derive(Debug)]
struct Waiting {
    articles: Vec<ToPlace>,
    decided: oneshot::Sender<std::result::Result<(), String>>,
    /// Its place among the batches not decided yet, given back once they are.
    room: Option<OwnedSemaphorePermit>,
}

/// Articles handed over to be placed in stories; [`Placing::decided`] waits for their decisions
/// to be stored. Dropped, the articles are placed all the same.
#[derive(Debug)]
pub(crate) struct Placing(oneshot::Receiver<std::result::Result<(), String>>);

impl Placing {
    /// Waits until the articles' decisions are stored.
    pub(crate) async fn decided(self) -> Result<()> {
        match self.0.await {
            Ok(decided) => decided.map_err(Error::StoriesNotStored),
            Err(_) => Err(Error::StoriesNotStored("the task deciding them stopped".to_string())),
        }
    }
}

impl StoryAssigner {
    /// An empty state, rebuilt from the store on first use; at most `ahead` batches wait to be
    /// decided.
    pub(crate) fn new(rules: StoryRules, ahead: usize) -> Self {
        Self {
            state: tokio::sync::Mutex::new(StoryState::new(rules)),
            waiting: std::sync::Mutex::default(),
            room: Arc::new(Semaphore::new(ahead.max(1))),
        }
    }

    fn waiting(&self) -> std::sync::MutexGuard<'_, Vec<Waiting>> {
        self.waiting.lock().unwrap_or_else(PoisonError::into_inner)
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

/// How the store names the story the state keys `key`.
fn story_ref(key: StoryKey) -> StoryRef {
    if key > 0 { StoryRef::Stored(StoryId(key)) } else { StoryRef::OfArticle(ArticleId(-key)) }
}

/// The writes of one decision about `id`, in the order the store makes them.
fn writes_of(placement: &Placement, id: ArticleId, writes: &mut Vec<StoryWrite>) {
    let story = story_ref(placement.story);
    if placement.joined {
        // Stored stories merge first, oldest id first, so that when the report joined a lone
        // report's story the stored story survives in the store and keeps its address.
        let mut merged = placement.merged.clone();
        merged.sort_unstable_by_key(|k| (*k < 0, k.abs()));
        for gone in merged.into_iter().filter(|g| *g != placement.story) {
            writes.push(StoryWrite::Merge { gone: story_ref(gone), into: story });
        }
        writes.push(StoryWrite::Join { story, article: id });
        if placement.headline {
            writes.push(StoryWrite::Headline { story, article: id });
        }
    }
    for &(gone, into) in &placement.regrouped {
        writes.push(StoryWrite::Merge { gone: story_ref(gone), into: story_ref(into) });
    }
    writes.push(StoryWrite::Placed(id));
}

/// An article stored and waiting for its story, as clustering reads it.
#[derive(Debug, Clone)]
pub(crate) struct ToPlace {
    pub(crate) id: ArticleId,
    pub(crate) title: String,
    pub(crate) text: String,
    pub(crate) time: Timestamp,
}

/// The text clustering reads, as the store returns it.
fn clustered_text(text: &str) -> &str {
    text.char_indices().nth(TEXT_CHARS).map_or(text, |(i, _)| &text[..i])
}

impl Engine {
    /// Puts articles into stories with other reports of the same event, in the order given.
    /// When none matches yet an article stays a story of one in the state, which later reports
    /// can join.
    pub(crate) async fn cluster_all(&self, articles: Vec<ToPlace>, now: Timestamp) -> Result<()> {
        self.place_later(articles, now).await.decided().await
    }

    /// Hands articles over to be put into stories (as [`Engine::cluster_all`] does), waiting
    /// only for room among the batches not decided yet: a feed's fetching goes on while its
    /// articles wait for their turn.
    pub(crate) async fn place_later(&self, articles: Vec<ToPlace>, now: Timestamp) -> Placing {
        // The semaphore is never closed; were it, the batch would go without a place.
        let room = self.stories.room.clone().acquire_owned().await.ok();
        let (decided, answer) = oneshot::channel();
        self.stories.waiting().push(Waiting { articles, decided, room });
        let engine = self.clone();
        tokio::spawn(async move { engine.take_turn(now).await });
        Placing(answer)
    }

    /// Takes the next turn for every batch waiting, unless an earlier turn took them.
    async fn take_turn(&self, now: Timestamp) {
        // One decision at a time in this process, and among the workers of the database, so
        // each sees the ones before it.
        let mut state = self.stories.state.lock().await;
        let waiting = std::mem::take(&mut *self.stories.waiting());
        if waiting.is_empty() {
            return;
        }
        let mut articles = Vec::new();
        let mut callers = Vec::with_capacity(waiting.len());
        for w in waiting {
            articles.extend(w.articles);
            callers.push((w.decided, w.room));
        }
        let decided = self.turn(&mut state, &articles, now).await.map_err(|e| e.to_string());
        if let Err(e) = &decided {
            tracing::warn!(articles = articles.len(), error = %e, "articles were stored but not grouped into stories; they are placed at the round's end");
        }
        for (caller, room) in callers {
            // A caller given up no longer listens; its articles are placed all the same.
            let _ = caller.send(decided.clone());
            drop(room);
        }
    }

    /// One turn: the store's turn held while these articles are decided and their writes stored.
    async fn turn(&self, state: &mut StoryState, articles: &[ToPlace], now: Timestamp) -> Result<()> {
        let turn = self.store.story_turn().await?;
        let placed = self.place_all(state, articles, now).await;
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
        self.cluster_all(Vec::new(), now).await
    }

    /// [`Engine::cluster_all`] with the turn held: the decisions of the others first, then the
    /// articles whose worker stored them and died before placing them, then these; all their
    /// writes in one transaction.
    async fn place_all(&self, state: &mut StoryState, articles: &[ToPlace], now: Timestamp) -> Result<()> {
        let ids: HashSet<ArticleId> = articles.iter().map(|a| a.id).collect();
        let replayed = self.catch_up(state, &ids, now).await?;
        let mut writes = Vec::new();
        self.adopt_orphans(state, &ids, &mut writes).await?;
        for a in articles.iter().filter(|a| !replayed.contains(&a.id)) {
            let report = Report { time: a.time, title: &a.title, text: clustered_text(&a.text) };
            let placement = state.stories.place(report, lone(a.id));
            tracing::debug!(article = %a.id, title = a.title, ?placement, "story decision");
            writes_of(&placement, a.id, &mut writes);
        }
        let recorded = self.store.record_decisions(&writes, now).await?;
        for (article, story) in recorded.stories {
            if let Some(story) = story {
                state.stories.rename(lone(article), story.0);
            }
        }
        if let Some(last) = recorded.last_placed {
            state.seen = last;
        }
        Ok(())
    }

    /// Decides the orphans (all but `current`), with the turn held, adding their writes.
    async fn adopt_orphans(
        &self,
        state: &mut StoryState,
        current: &HashSet<ArticleId>,
        writes: &mut Vec<StoryWrite>,
    ) -> Result<()> {
        for orphan in self.store.unplaced_orphans(Timestamp::now(), ORPHANS_AT_ONCE).await? {
            if current.contains(&orphan.id) {
                continue;
            }
            tracing::info!(article = %orphan.id, "placing an article whose worker stopped before it could");
            if orphan.story_id.is_some() {
                // Its worker stored the decision and stopped before numbering it.
                state.restore(&orphan);
                writes.push(StoryWrite::Placed(orphan.id));
            } else {
                let report = Report { time: orphan.time, title: &orphan.title, text: &orphan.text };
                let placement = state.stories.place(report, lone(orphan.id));
                writes_of(&placement, orphan.id, writes);
            }
        }
        Ok(())
    }

    /// Rebuilds the state from the store on first use, then replays the decisions other workers
    /// made since the last look, in the order they made them. Returns those of `current` among
    /// them (another worker took them up as orphans).
    async fn catch_up(
        &self,
        state: &mut StoryState,
        current: &HashSet<ArticleId>,
        now: Timestamp,
    ) -> Result<HashSet<ArticleId>> {
        let mut replayed = HashSet::new();
        let mut note = |b: &ArticleBrief| {
            if current.contains(&b.id) {
                replayed.insert(b.id);
            }
        };
        if !state.loaded {
            state.stories = Stories::new(state.stories.rules());
            let since = now - state.stories.horizon();
            state.seen = self.store.last_placed().await?;
            let mut briefs = self.store.placed_since(since, REBUILD_LIMIT).await?;
            briefs.sort_by_key(|b| (b.time, b.id));
            for b in &briefs {
                note(b);
                state.restore(b);
            }
            state.loaded = true;
        }
        loop {
            let placed = self.store.placed_after(state.seen, CATCH_UP_BATCH).await?;
            let Some(&(last, _)) = placed.last() else { break };
            for (_, b) in &placed {
                note(b);
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tidings_core::ExtractionStatus;
    use tidings_fetch::{FetchConfig, Fetcher};
    use tidings_store::{NewArticle, NewOutlet, Store};

    use super::*;
    use crate::EngineConfig;

    const TEXT: &str = "Harbour pilots in Port Ellery went on strike on Monday over night shifts, leaving \
                        eleven container ships at anchor off the Gannet breakwater.";

    #[tokio::test]
    async fn a_batch_whose_caller_gave_up_is_still_decided_and_stored() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(&format!("sqlite://{}", dir.path().join("t.db").display())).await.unwrap();
        let now = Timestamp::now();
        let new = NewOutlet { name: "Ellery Tide".into(), site_url: None, category: None, full_text: false };
        let outlet = store.add_outlet(&new, "https://tide.example/feed", now).await.unwrap().outlet.id;
        let mut batch = Vec::new();
        for n in 0..2 {
            let url = format!("https://tide.example/{n}");
            let article = NewArticle {
                outlet_id: outlet,
                feed_id: None,
                guid: None,
                url: url.clone(),
                canonical_url: url,
                title: "Harbour pilots strike in Port Ellery".into(),
                authors: vec![],
                published_at: Some(now),
                updated_at: None,
                fetched_at: now,
                content_html: String::new(),
                content_text: TEXT.into(),
                excerpt: String::new(),
                lang: None,
                extraction: ExtractionStatus::FeedOnly,
                extraction_note: None,
                copy_print: None,
                lead_image: None,
            };
            let id = store.insert_article(&article).await.unwrap().unwrap();
            batch.push(ToPlace { id, title: article.title, text: article.content_text, time: now });
        }
        let ids: Vec<ArticleId> = batch.iter().map(|a| a.id).collect();
        let engine = Engine::new(store.clone(), Fetcher::new(FetchConfig::default()).unwrap(), EngineConfig::default());
        // The caller is dropped at its first wait, as a feed's is when its time runs out.
        assert!(tokio::time::timeout(Duration::ZERO, engine.cluster_all(batch, now)).await.is_err());
        let mut stories = Vec::new();
        for _ in 0..200 {
            tokio::time::sleep(Duration::from_millis(25)).await;
            stories.clear();
            for id in &ids {
                stories.push(store.article(*id).await.unwrap().story_id);
            }
            if stories.iter().all(Option::is_some) {
                break;
            }
        }
        assert!(
            stories[0].is_some() && stories[0] == stories[1],
            "the two reports were not put in one story: {stories:?}"
        );
        assert_eq!(store.last_placed().await.unwrap(), 2, "the decisions were not numbered");
    }
}
