//! The pipeline and its workers: schedule → fetch → parse → fetch article → extract → dedupe →
//! cluster → store.
//!
//! Every network access goes through `tidings-fetch`, every row through `tidings-store`; parsing,
//! extraction and clustering are the pure crates. One bad item never drops a feed, and one bad
//! feed never stops the others: its error is recorded on the outlet and the round goes on.
//!
//! What an operator changes about outlets (`outlets.rs`: settings, categories, OPML in and out)
//! lives here too, so that the commands and the admin pages do it through the same code.

mod boilerplate;
mod indexing;
mod outlets;
mod pipeline;
mod politeness;
mod schedule;
mod stories;
mod subscribe;

use std::time::Duration;

use jiff::SignedDuration;
use tidings_cluster::StoryRules;
use tidings_fetch::Fetcher;
use tidings_store::Store;

pub use boilerplate::without_repeated_lines;
pub use indexing::{SearchKeeper, search_doc};
pub use outlets::{
    MAX_CATEGORY_CHARS, MAX_NAME_CHARS, OpmlImport, OutletChanges, change_outlet, export_opml, import_opml,
    rename_category, settings_in_words,
};
pub use pipeline::{FeedReport, RoundReport};
pub use subscribe::{FoundFeed, Subscription};

/// What went wrong in the engine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] tidings_store::Error),
    /// A fetch failed.
    #[error(transparent)]
    Fetch(#[from] tidings_fetch::Error),
    /// A feed could not be read.
    #[error(transparent)]
    Feed(#[from] tidings_feed::Error),
    /// The search index failed.
    #[error(transparent)]
    Search(#[from] tidings_search::Error),
    /// The task writing the search index died.
    #[error("the search indexing task stopped ({0}); restart Tidings to resume indexing")]
    IndexingStopped(String),
    /// An outlet setting does not make sense.
    #[error("{setting}: {reason}")]
    Setting {
        /// Which setting.
        setting: &'static str,
        /// What is wrong with it and what to do.
        reason: String,
    },
    /// A batch's story decisions could not be made or stored; its articles stay stored and are
    /// placed when the round ends.
    #[error("the story decisions could not be stored ({0}); the articles are placed when the round ends")]
    StoriesNotStored(String),
    /// No feed was found for a site.
    #[error("no feed found at {url}: {reason}")]
    NoFeedFound {
        /// The URL given.
        url: String,
        /// What was tried.
        reason: String,
    },
}

/// Result with this crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Settings of the engine.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Shortest time between two fetches of a feed.
    pub min_interval: SignedDuration,
    /// Longest time between two fetches of a feed.
    pub max_interval: SignedDuration,
    /// Interval for a feed whose posting rate is not known yet.
    pub default_interval: SignedDuration,
    /// Fetching stops after this many failures in a row, until an operator resumes it.
    pub pause_after_failures: i64,
    /// Feeds fetched at once (different hosts; one host is always one at a time).
    pub concurrency: usize,
    /// New entries taken from one feed in one round at most.
    pub max_new_items_per_feed: usize,
    /// Time one feed may take in one round, its pages and the waits for its hosts included;
    /// entries not reached wait for the next round, which comes soon.
    pub feed_budget: Duration,
    /// How the scheduler waits between checks for due feeds.
    pub tick: Duration,
    /// How stories are formed.
    pub story_rules: StoryRules,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            min_interval: SignedDuration::from_mins(5),
            max_interval: SignedDuration::from_hours(24),
            default_interval: SignedDuration::from_mins(30),
            pause_after_failures: 10,
            concurrency: 8,
            max_new_items_per_feed: 100,
            feed_budget: Duration::from_secs(120),
            tick: Duration::from_secs(15),
            story_rules: StoryRules::default(),
        }
    }
}

/// The pipeline, with its store and fetcher.
#[derive(Debug, Clone)]
pub struct Engine {
    store: Store,
    fetcher: Fetcher,
    config: EngineConfig,
    /// The story assignment state, held for each clustering decision.
    stories: std::sync::Arc<stories::StoryAssigner>,
    /// This process's name on the feeds it leases: `pid@start@machine`, its process id, start
    /// time and the machine it runs on (see [`machine`]).
    worker: std::sync::Arc<str>,
    /// Told of each article stored, to index it at once.
    search: Option<std::sync::Arc<SearchKeeper>>,
}

/// This machine as lease holders name it: its host name and boot id (Linux), so that a worker
/// restarted on the same machine can tell which holders were processes of this machine, and
/// that a process id of another boot is not taken for one of this boot. Empty elsewhere.
fn machine() -> String {
    let read = |path: &str| std::fs::read_to_string(path).map(|s| s.trim().to_string()).unwrap_or_default();
    let (host, boot) = (read("/proc/sys/kernel/hostname"), read("/proc/sys/kernel/random/boot_id"));
    if host.is_empty() || boot.is_empty() { String::new() } else { format!("{host}/{boot}") }
}

impl Engine {
    /// Builds an engine.
    /// On PostgreSQL, where several workers may share the database, the fetcher takes each
    /// host's turn and robots.txt through the store as well.
    pub fn new(store: Store, fetcher: Fetcher, config: EngineConfig) -> Self {
        // Each slot's batch and as many more may wait to be decided.
        let stories = std::sync::Arc::new(stories::StoryAssigner::new(config.story_rules, 2 * config.concurrency));
        let worker: std::sync::Arc<str> =
            format!("{}@{}@{}", std::process::id(), jiff::Timestamp::now().as_microsecond(), machine()).into();
        let fetcher = if store.backend_name() == "postgres" {
            fetcher.shared_with(std::sync::Arc::new(politeness::StorePoliteness {
                store: store.clone(),
                holder: worker.clone(),
            }))
        } else {
            fetcher
        };
        Self { store, fetcher, config, stories, worker, search: None }
    }

    /// The same, waking `keeper` after each article stored so that it is searchable at once.
    #[must_use]
    pub fn with_search(mut self, keeper: std::sync::Arc<SearchKeeper>) -> Self {
        self.search = Some(keeper);
        self
    }

    /// The store it writes to.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Its settings.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }
}
