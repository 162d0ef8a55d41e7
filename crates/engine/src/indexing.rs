//! The search index kept in step with the store, by article id.
//!
//! Every node keeps its own index and tails the store: articles with an id above the last one
//! indexed are put in the index and the new last id is committed with them, in the index
//! itself. The same step catches up after a crash (what was not committed is put again; putting
//! an article twice keeps one copy) and follows what other nodes store. Ids are given out in
//! order but, on PostgreSQL, committed out of order (and a refused insert uses one up): an id
//! skipped over is a gap, looked for again until it is a minute old, and the committed last id
//! stays below the oldest gap so that a restart looks again too.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tidings_core::ArticleId;
use tidings_search::{Indexer, SearchDoc, SearchIndex};
use tidings_store::{IndexEntry, Store};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// Articles read from the store per query.
const BATCH: i64 = 1_000;
/// How long a skipped id is looked for again.
const GAP_LIFE: Duration = Duration::from_secs(60);
/// Gaps looked for in one step, at most.
const MOST_GAPS: usize = 100;
/// How often the store is looked at when nothing wakes the keeper (other nodes' articles).
const POLL: Duration = Duration::from_secs(2);

/// What a keeper knows beyond the index.
struct Tail {
    indexer: Indexer,
    /// Every id up to here is indexed or was given up on.
    through: i64,
    /// The highest id indexed.
    frontier: i64,
    /// Ids skipped over, with when they were first missed.
    gaps: BTreeMap<i64, Instant>,
}

/// Keeps one index in step with the store; one per process, shared.
pub struct SearchKeeper {
    store: Store,
    tail: Arc<Mutex<Tail>>,
    /// Serialises steps (a step awaits the store between uses of the tail).
    stepping: tokio::sync::Mutex<()>,
    wake: Notify,
}

impl std::fmt::Debug for SearchKeeper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchKeeper").finish_non_exhaustive()
    }
}

/// The search document of a stored article.
pub fn search_doc(e: IndexEntry) -> SearchDoc {
    SearchDoc {
        id: e.id,
        story: e.story_id,
        outlet: e.outlet_id,
        outlet_name: e.outlet_name,
        category: e.category,
        title: e.title,
        text: e.text,
        authors: e.authors,
        lang: e.lang,
        time: e.time,
    }
}

impl SearchKeeper {
    /// A keeper writing `index` through `indexer`, from the last id committed in it.
    pub fn new(store: Store, index: &SearchIndex, indexer: Indexer) -> crate::Result<Self> {
        let through = index.indexed_through()?;
        let tail = Tail { indexer, through, frontier: through, gaps: BTreeMap::new() };
        Ok(Self { store, tail: Arc::new(Mutex::new(tail)), stepping: tokio::sync::Mutex::new(()), wake: Notify::new() })
    }

    /// Asks for a step now (an article was just stored).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Puts every article stored since the last step in the index and commits; the number put.
    pub async fn step(&self) -> crate::Result<usize> {
        let _one_at_a_time = self.stepping.lock().await;
        let mut put = 0;
        loop {
            let (frontier, gaps) = {
                let tail = self.tail.lock().unwrap_or_else(PoisonError::into_inner);
                (tail.frontier, tail.gaps.keys().copied().take(MOST_GAPS).collect::<Vec<_>>())
            };
            let mut found = Vec::new();
            for gap in gaps {
                found.extend(
                    self.store.index_entries_after(ArticleId(gap - 1), 1).await?.into_iter().filter(|e| e.id.0 == gap),
                );
            }
            let new = self.store.index_entries_after(ArticleId(frontier), BATCH).await?;
            let more = new.len() as i64 == BATCH;
            found.extend(new);
            let tail = self.tail.clone();
            put += tokio::task::spawn_blocking(move || {
                let mut tail = tail.lock().unwrap_or_else(PoisonError::into_inner);
                tail.take(found)
            })
            .await
            .map_err(|e| crate::Error::IndexingStopped(e.to_string()))??;
            if !more {
                metrics::counter!("tidings_search_indexed_total").increment(put as u64);
                return Ok(put);
            }
        }
    }

    /// Steps until `stop`: when woken, else every two seconds. A failed step is logged and
    /// tried again at the next.
    pub async fn run(self: Arc<Self>, stop: CancellationToken) {
        loop {
            if let Err(e) = self.step().await {
                tracing::warn!(error = %e, "the search index could not catch up with the store; trying again");
            }
            tokio::select! {
                () = stop.cancelled() => return,
                () = self.wake.notified() => {}
                () = tokio::time::sleep(POLL) => {}
            }
        }
    }
}

impl Tail {
    /// Puts `entries`, notes the ids skipped over, and commits with the new last id.
    fn take(&mut self, entries: Vec<IndexEntry>) -> tidings_search::Result<usize> {
        let now = Instant::now();
        let count = entries.len();
        for e in entries {
            let id = e.id.0;
            self.gaps.remove(&id);
            // A jump this long is not transactions finishing out of order but ids never used.
            if id - self.frontier <= MOST_GAPS as i64 {
                for missing in (self.frontier + 1)..id {
                    self.gaps.insert(missing, now);
                }
            }
            self.frontier = self.frontier.max(id);
            self.indexer.put(&search_doc(e))?;
        }
        self.gaps.retain(|_, since| now.duration_since(*since) < GAP_LIFE);
        let through = self.gaps.keys().next().map_or(self.frontier, |oldest| oldest - 1);
        if count > 0 || through != self.through {
            self.indexer.commit(through)?;
            self.through = through;
        }
        Ok(count)
    }
}
