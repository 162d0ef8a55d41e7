//! One round of fetching: every due feed, its new entries, their pages.

use std::collections::VecDeque;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::FutureExt;
use jiff::{SignedDuration, Timestamp};
use tidings_core::{ArticleId, ExtractionStatus, FeedId, LeadImage, Outlet, OutletId, canonical_url, excerpt};
use tidings_feed::{Item, ParsedFeed};
use tidings_fetch::{FetchOutcome, FetchRequest, Purpose};
use tidings_store::{CopyPrint, FeedClaim, FetchRecord, NewArticle, NewCopy, OutletHealth, ParagraphHistory};
use tidings_text::{COPY_RESEMBLANCE, CopySignature};
use url::Url;

use crate::boilerplate::OutletLines;
use crate::schedule::{backoff, next_interval};
use crate::stories::{Placing, ToPlace};
use crate::{Engine, Result};

/// Characters kept in an article's excerpt.
const EXCERPT_CHARS: usize = 240;
/// Past its budget a feed's work is stopped after this much more: the budget is checked between
/// entries, and an entry's page may be under way.
const BUDGET_GRACE: Duration = Duration::from_secs(30);
/// Articles stored (and placed in stories) together, at most.
const BATCH_ARTICLES: usize = 50;
/// An article waits at most about this long for others to be stored with it.
const BATCH_WAIT: Duration = Duration::from_secs(1);

/// What happened to one feed in a round.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedReport {
    /// The outlet's name.
    pub outlet: String,
    /// `Ok(new articles)` or the error in words.
    pub result: Result<usize, String>,
    /// What was wrong but did not stop the feed (bad entries, pages that fell back).
    pub warnings: Vec<String>,
}

/// What a round did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoundReport {
    /// One report per feed fetched.
    pub feeds: Vec<FeedReport>,
}

impl RoundReport {
    /// Outlets fetched without error.
    pub fn outlets_ok(&self) -> usize {
        self.feeds.iter().filter(|f| f.result.is_ok()).count()
    }

    /// Outlets that failed, with the reason.
    pub fn outlets_failed(&self) -> Vec<(&str, &str)> {
        self.feeds.iter().filter_map(|f| f.result.as_ref().err().map(|e| (f.outlet.as_str(), e.as_str()))).collect()
    }

    /// Articles stored in the round.
    pub fn articles_new(&self) -> usize {
        self.feeds.iter().filter_map(|f| f.result.as_ref().ok()).sum()
    }
}

/// The feeds of a round: those leased and not started yet, and the fetches finished and not
/// recorded yet. A slot that needs a feed takes the next one leased; when none is left, the
/// finished fetches are recorded and the next few feeds leased in one write, so a feed costs
/// the writer a share of one transaction instead of two of its own.
struct RoundFeeds {
    /// The next claim; `None` once no feed is left (or claiming failed).
    claim: Option<FeedClaim>,
    leased: VecDeque<OutletHealth>,
    finished: Vec<(FeedId, FetchRecord)>,
    /// Fetches whose articles are on their way into stories, to record once they are.
    placing: tokio::task::JoinSet<(FeedId, FetchRecord)>,
}

/// Why an entry did not become an article.
enum NotStored {
    /// Skipped for good, with the reason: a warning, never fatal to the feed.
    Skipped(String),
    /// The feed's time for this round ran out; the entry waits for the next round.
    OutOfTime,
}

/// Articles of one feed built and waiting to be stored together.
struct Batch {
    outlet: OutletId,
    articles: Vec<NewArticle>,
    /// The outlet's repeated lines, kept in memory while the feed is read.
    lines: OutletLines,
    /// The copy signature of each of `articles`, when its text is long enough to have one.
    signatures: Vec<Option<CopySignature>>,
    /// When the oldest article waiting was built.
    since: Option<Instant>,
    /// Articles of the feed stored so far.
    stored: usize,
    /// The stored articles handed over to be placed in stories.
    placing: Vec<Placing>,
}

impl Batch {
    fn new(outlet: OutletId) -> Self {
        Self {
            outlet,
            articles: Vec::new(),
            lines: OutletLines::default(),
            signatures: Vec::new(),
            since: None,
            stored: 0,
            placing: Vec::new(),
        }
    }

    fn push(&mut self, article: NewArticle, signature: Option<CopySignature>) {
        self.since.get_or_insert_with(Instant::now);
        self.articles.push(article);
        self.signatures.push(signature);
    }

    fn len(&self) -> usize {
        self.articles.len()
    }

    /// Whether the batch is big or old enough to be stored: an article whose page came slowly
    /// does not wait long to be seen.
    fn is_due(&self) -> bool {
        self.len() >= BATCH_ARTICLES || self.since.is_some_and(|s| s.elapsed() >= BATCH_WAIT)
    }
}

/// The article a text copies.
#[derive(Debug, Clone, Copy)]
enum Original {
    /// A stored article.
    Stored(ArticleId),
    /// The article at this place in the batch, stored with it.
    InBatch(usize),
}

/// Splits a batch into the articles to store and the copies to credit (with their originals;
/// an original in the batch is named by its place among the articles kept).
fn split_copies(
    articles: Vec<NewArticle>,
    originals: Vec<Option<Original>>,
) -> (Vec<NewArticle>, Vec<(Original, NewCopy)>) {
    let mut kept = Vec::new();
    let mut place = Vec::with_capacity(articles.len());
    let mut copies = Vec::new();
    for (article, original) in articles.into_iter().zip(originals) {
        place.push(kept.len());
        match original {
            None => kept.push(article),
            Some(original) => {
                let original = match original {
                    Original::InBatch(j) => Original::InBatch(place[j]),
                    stored => stored,
                };
                let copy = NewCopy {
                    outlet_id: article.outlet_id,
                    url: article.url,
                    canonical_url: article.canonical_url,
                    title: article.title,
                    published_at: article.published_at,
                    fetched_at: article.fetched_at,
                };
                copies.push((original, copy));
            }
        }
    }
    (kept, copies)
}

/// The text of a panic's payload.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_string())
}

/// Runs CPU-heavy work (parsing, sanitizing, extraction) on the blocking pool, so the web
/// site's requests keep their threads; a panic in it comes back as an error in words.
async fn off_the_runtime<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, String> {
    tokio::task::spawn_blocking(work).await.map_err(|e| match e.try_into_panic() {
        Ok(payload) => format!("Tidings hit an internal fault ({})", panic_message(payload.as_ref())),
        Err(e) => format!("the work was stopped ({e})"),
    })
}

impl Engine {
    /// Fetches every feed due at `now` (or every unpaused feed when `all` is set), calling
    /// `progress` as each finishes.
    pub async fn run_round(
        &self,
        now: Timestamp,
        all: bool,
        progress: &(dyn Fn(&FeedReport) + Send + Sync),
    ) -> Result<RoundReport> {
        let due_at = if all { Timestamp::MAX } else { now };
        // Feeds are leased a few at a time as slots free up, not all at the start, so no lease
        // runs out while its feed waits its turn: a feed waits at most for one feed of each
        // slot, and the lease outlasts that and the longest a feed's work may take.
        let lease = SignedDuration::try_from(2 * (self.config.feed_budget + BUDGET_GRACE))
            .unwrap_or(SignedDuration::from_hours(1));
        self.release_leases_of_dead_processes().await?;
        // Each slot takes its next feed when it is free. Taking is serialised, so the walk
        // upwards through the feed ids takes each feed once; a slot's fetch goes on while
        // another slot waits to take, so no store connection a fetch holds is ever waited on.
        // Slots are tasks of their own, so their parsing and decoding spread over the runtime's
        // threads; dropping the round stops them.
        let feeds = Arc::new(futures::lock::Mutex::new(RoundFeeds {
            claim: Some(FeedClaim { due_at, after: FeedId(0), now, lease_until: now + lease }),
            leased: VecDeque::new(),
            finished: Vec::new(),
            placing: tokio::task::JoinSet::new(),
        }));
        let failed = Arc::new(std::sync::Mutex::new(None));
        let (done, mut reports) = tokio::sync::mpsc::unbounded_channel();
        let mut slots = tokio::task::JoinSet::new();
        for _ in 0..self.config.concurrency.max(1) {
            let (engine, feeds, failed, done) = (self.clone(), feeds.clone(), failed.clone(), done.clone());
            slots.spawn(async move { engine.run_slot(&feeds, &failed, now, &done).await });
        }
        drop(done);
        let mut reported = Vec::new();
        while let Some(report) = reports.recv().await {
            progress(&report);
            reported.push(report);
        }
        while let Some(ended) = slots.join_next().await {
            if let Err(e) = ended {
                tracing::error!(error = %e, "a fetching slot stopped; the round goes on with the others");
            }
        }
        let (mut placing, mut finished) = {
            let mut round = feeds.lock().await;
            (std::mem::take(&mut round.placing), std::mem::take(&mut round.finished))
        };
        while let Some(placed) = placing.join_next().await {
            finished.extend(placed.ok());
        }
        let recorded = self.store.record_fetches(&finished).await;
        if let Some(e) = failed.lock().ok().and_then(|mut f| f.take()) {
            return Err(e.into());
        }
        recorded?;
        self.place_orphans(now).await?;
        Ok(RoundReport { feeds: reported })
    }

    /// One slot of a round: takes the next due feed, fetches it and reports, until none is left
    /// or taking fails (the failure is kept in `failed` for the round). A fetch is recorded
    /// when the slot comes back for its next feed (see [`RoundFeeds`]).
    async fn run_slot(
        &self,
        feeds: &futures::lock::Mutex<RoundFeeds>,
        failed: &std::sync::Mutex<Option<tidings_store::Error>>,
        now: Timestamp,
        done: &tokio::sync::mpsc::UnboundedSender<FeedReport>,
    ) {
        let mut finished = None;
        loop {
            let feed = {
                let mut round = feeds.lock().await;
                round.finished.extend(finished.take());
                while let Some(placed) = round.placing.try_join_next() {
                    round.finished.extend(placed.ok());
                }
                match self.next_feed(&mut round).await {
                    Ok(Some(feed)) => feed,
                    Ok(None) => break,
                    Err(e) => {
                        if let Ok(mut f) = failed.lock() {
                            *f = Some(e);
                        }
                        break;
                    }
                }
            };
            let (report, record, placing) = self.fetch_feed(&feed, now).await;
            if placing.is_empty() {
                finished = Some((feed.feed.id, record));
            } else {
                // The fetch is recorded, and the feed's lease given back, once its articles are
                // in stories: an article stored and not placed under a feed no one holds is an
                // orphan, which any turn may take up.
                let id = feed.feed.id;
                feeds.lock().await.placing.spawn(async move {
                    for p in placing {
                        // A failure is logged where it happens.
                        let _ = p.decided().await;
                    }
                    (id, record)
                });
            }
            if done.send(report).is_err() {
                break;
            }
        }
        if let Some(finished) = finished {
            feeds.lock().await.finished.push(finished);
        }
    }

    /// The round's next feed: the next one leased, else (recording the fetches finished so far
    /// in the same write) the next few leased now; `None` when no feed is left.
    async fn next_feed(&self, round: &mut RoundFeeds) -> tidings_store::Result<Option<OutletHealth>> {
        if let Some(feed) = round.leased.pop_front() {
            return Ok(Some(feed));
        }
        let Some(claim) = round.claim.as_mut() else { return Ok(None) };
        let taken = self.store.claim_due_feeds(claim, &self.worker, self.config.concurrency, &round.finished).await;
        let taken = match taken {
            Ok(taken) => taken,
            Err(e) => {
                round.claim = None;
                return Err(e);
            }
        };
        round.finished.clear();
        match taken.last() {
            Some(last) => claim.after = last.feed.id,
            None => round.claim = None,
        }
        round.leased.extend(taken);
        Ok(round.leased.pop_front())
    }

    /// Gives back the leases of processes of this machine that are gone (killed without
    /// stopping), so their feeds need not wait for the leases to run out: on SQLite every holder
    /// ran on this machine, on PostgreSQL those whose name carries this machine's host name and
    /// boot id. A holder on another machine is never judged from here: its leases only run out.
    async fn release_leases_of_dead_processes(&self) -> Result<()> {
        if !std::path::Path::new("/proc/self").exists() {
            return Ok(());
        }
        let sqlite = self.store.backend_name() == "sqlite";
        let machine_of = |holder: &str| holder.splitn(3, '@').nth(2).unwrap_or_default().to_string();
        let here = machine_of(&self.worker);
        for holder in self.store.lease_holders().await? {
            let pid = holder.split('@').next().unwrap_or_default();
            let of_this_machine = sqlite || (!here.is_empty() && machine_of(&holder) == here);
            if of_this_machine && holder.as_str() != &*self.worker && !std::path::Path::new("/proc").join(pid).exists()
            {
                let released = self.store.release_leases(&holder).await?;
                tracing::info!(holder = %holder, feeds = released, "gave back the leases of a process that is gone");
            }
        }
        Ok(())
    }

    /// How many feeds a round at `now` would fetch.
    pub async fn due_count(&self, now: Timestamp, all: bool) -> Result<usize> {
        let due_at = if all { Timestamp::MAX } else { now };
        Ok(self.store.due_feeds(due_at, 10_000).await?.len())
    }

    /// One feed, supervised: a panic or an overrun is an error in words on the outlet, and the
    /// round goes on. Returns the report, the fetch to record and the stored articles on their
    /// way into stories.
    async fn fetch_feed(&self, h: &OutletHealth, now: Timestamp) -> (FeedReport, FetchRecord, Vec<Placing>) {
        let mut warnings = Vec::new();
        let budget = self.config.feed_budget;
        let deadline = Instant::now() + budget;
        let work = AssertUnwindSafe(self.fetch_feed_inner(h, now, &mut warnings, deadline)).catch_unwind();
        let result = match tokio::time::timeout(budget + BUDGET_GRACE, work).await {
            Ok(Ok(result)) => result,
            Ok(Err(panic)) => {
                let why = panic_message(panic.as_ref());
                tracing::error!(outlet = %h.outlet.name, panic = %why, "reading a feed panicked; the round goes on");
                Err((
                    format!(
                        "Tidings hit an internal fault while reading this feed ({why}); it is logged, and the feed is tried again later"
                    ),
                    None,
                ))
            }
            Err(_) => Err((
                format!(
                    "reading this feed took longer than {} seconds and was stopped; what was stored is kept and the rest is tried again later",
                    (budget + BUDGET_GRACE).as_secs()
                ),
                None,
            )),
        };
        let (result, record, placing) = match result {
            Ok((n, record, placing)) => (Ok(n), record, placing),
            Err((message, retry_after)) => {
                let failures = h.feed.consecutive_failures + 1;
                let pause = (failures >= self.config.pause_after_failures)
                    .then(|| format!("paused after {failures} failed fetches in a row; the last: {message}"));
                let record = FetchRecord {
                    at: Timestamp::now().max(now),
                    error: Some(message.clone()),
                    etag: None,
                    last_modified: None,
                    next_fetch_at: now + backoff(&self.config, failures, retry_after),
                    pause,
                };
                (Err(message), record, Vec::new())
            }
        };
        metrics::counter!("tidings_feed_fetches_total", "result" => if result.is_ok() { "ok" } else { "failed" })
            .increment(1);
        (FeedReport { outlet: h.outlet.name.clone(), result, warnings }, record, placing)
    }

    /// Fetches one feed and its new articles; returns how many were stored, the fetch to record
    /// and the articles on their way into stories, or the message and any Retry-After.
    async fn fetch_feed_inner(
        &self,
        h: &OutletHealth,
        now: Timestamp,
        warnings: &mut Vec<String>,
        deadline: Instant,
    ) -> Result<(usize, FetchRecord, Vec<Placing>), (String, Option<std::time::Duration>)> {
        let url =
            Url::parse(&h.feed.url).map_err(|e| (format!("the feed URL {} is not valid: {e}", h.feed.url), None))?;
        let request = FetchRequest {
            url,
            purpose: Purpose::Feed,
            etag: h.feed.etag.clone(),
            last_modified: h.feed.last_modified.clone(),
            deadline: Some(deadline),
            user_agent: h.outlet.user_agent.clone(),
        };
        let outcome = self.fetcher.fetch(request).await.map_err(|e| {
            let retry = match &e {
                tidings_fetch::Error::Status { retry_after, .. } => *retry_after,
                _ => None,
            };
            (e.to_string(), retry)
        })?;
        let fetched = match outcome {
            FetchOutcome::NotModified { fresh_for } => {
                let rec = FetchRecord {
                    at: Timestamp::now().max(now),
                    error: None,
                    etag: h.feed.etag.clone(),
                    last_modified: h.feed.last_modified.clone(),
                    next_fetch_at: now + next_interval(&self.config, &[], fresh_for).max(self.config.default_interval),
                    pause: None,
                };
                return Ok((0, rec, Vec::new()));
            }
            FetchOutcome::Fetched(f) => *f,
        };
        let (body, final_url) = (fetched.body.clone(), fetched.final_url.clone());
        let feed = off_the_runtime(move || tidings_feed::parse_feed(&body, Some(&final_url)))
            .await
            .map_err(|e| (format!("the feed could not be read: {e}"), None))?
            .map_err(|e| (e.to_string(), None))?;
        warnings.extend(feed.warnings.iter().cloned());
        if let Some(moved) = &fetched.permanent_redirect {
            match self.store.set_feed_url(h.feed.id, moved.as_str()).await {
                Ok(()) => {
                    tracing::info!(outlet = %h.outlet.name, to = %moved, "feed moved permanently; address updated")
                }
                Err(e) => warnings.push(format!("the feed moved to {moved} but the address could not be updated: {e}")),
            }
        }
        let (new, complete, placing) = self.store_new_items(h, &feed, now, warnings, deadline).await;
        let times: Vec<Timestamp> = feed.items.iter().filter_map(|i| i.published.or(i.updated)).collect();
        let rec = if complete {
            FetchRecord {
                at: Timestamp::now().max(now),
                error: None,
                etag: fetched.etag,
                last_modified: fetched.last_modified,
                // The longer of the server's cache lifetime and the feed's own <ttl>.
                next_fetch_at: now
                    + next_interval(
                        &self.config,
                        &times,
                        fetched
                            .fresh_for
                            .max(feed.ttl_minutes.map(|m| std::time::Duration::from_secs(u64::from(m) * 60))),
                    ),
                pause: None,
            }
        } else {
            // Entries were left for the next round: come back soon, and without validators, so
            // that a "not modified" answer cannot hide them.
            FetchRecord {
                at: Timestamp::now().max(now),
                error: None,
                etag: None,
                last_modified: None,
                next_fetch_at: now + self.config.min_interval,
                pause: None,
            }
        };
        Ok((new, rec, placing))
    }

    /// Stores the feed's new entries, oldest first, until the feed's deadline; returns how many
    /// were stored, whether every entry was reached, and the stored articles on their way into
    /// stories. An entry that fails is a warning.
    ///
    /// Which entries are stored already is asked once for the feed; new articles are stored
    /// and placed in stories in batches ([`BATCH_ARTICLES`], or what [`BATCH_WAIT`] gathered), so
    /// a feed's twenty entries cost a few transactions, not a hundred.
    async fn store_new_items(
        &self,
        h: &OutletHealth,
        feed: &ParsedFeed,
        now: Timestamp,
        warnings: &mut Vec<String>,
        deadline: Instant,
    ) -> (usize, bool, Vec<Placing>) {
        // Oldest first, so that stories credit the first report.
        let mut items: Vec<&Item> = feed.items.iter().collect();
        items.sort_by_key(|i| i.published.or(i.updated));
        let keys: Vec<(Option<&str>, String)> = items
            .iter()
            .map(|i| (i.guid.as_deref(), i.url.as_deref().and_then(|u| canonical_url(u).ok()).unwrap_or_default()))
            .collect();
        let asked: Vec<(Option<&str>, &str)> = keys.iter().map(|(g, u)| (*g, u.as_str())).collect();
        let known = match self.store.entries_known(h.feed.id, &asked).await {
            Ok(known) => known,
            Err(e) => {
                warnings.push(format!(
                    "could not look up which entries are stored already ({e}); they wait for the next round"
                ));
                return (0, false, Vec::new());
            }
        };
        let mut batch = Batch::new(h.outlet.id);
        // An address twice in the feed is one entry.
        let mut seen = std::collections::HashSet::new();
        let fresh: Vec<&Item> = items
            .iter()
            .zip(&keys)
            .zip(&known)
            .filter(|((_, (_, url)), known)| !**known && (url.is_empty() || seen.insert(url.as_str())))
            .map(|((i, _), _)| *i)
            .collect();
        for (done, item) in fresh.iter().enumerate() {
            let left = fresh.len() - done;
            if batch.stored + batch.len() >= self.config.max_new_items_per_feed {
                warnings.push(format!(
                    "more than {} new entries; the rest wait for the next round",
                    self.config.max_new_items_per_feed
                ));
                self.store_batch(&mut batch, now, warnings).await;
                return (batch.stored, false, batch.placing);
            }
            if Instant::now() >= deadline {
                warnings
                    .push(format!("this feed's time for the round ran out; {left} entries wait for the next round"));
                self.store_batch(&mut batch, now, warnings).await;
                return (batch.stored, false, batch.placing);
            }
            match self.prepare_item(h, item, now, Some(deadline), &mut batch).await {
                Ok(()) => {}
                Err(NotStored::Skipped(why)) => warnings.push(why),
                Err(NotStored::OutOfTime) => {
                    // Every round makes progress: when a host's pauses outlast the whole budget,
                    // one entry per round is stored with the feed's own text.
                    if batch.stored + batch.len() == 0
                        && let Err(NotStored::Skipped(why)) = self.prepare_item(h, item, now, None, &mut batch).await
                    {
                        warnings.push(why);
                    }
                    warnings.push(format!(
                        "this feed's time for the round ran out while fetching a page; {} entries wait for the next round",
                        left - 1
                    ));
                    self.store_batch(&mut batch, now, warnings).await;
                    return (batch.stored, false, batch.placing);
                }
            }
            if batch.is_due() {
                self.store_batch(&mut batch, now, warnings).await;
            }
        }
        self.store_batch(&mut batch, now, warnings).await;
        (batch.stored, true, batch.placing)
    }

    /// Builds the article of one entry and adds it to `batch`.
    async fn prepare_item(
        &self,
        h: &OutletHealth,
        item: &Item,
        now: Timestamp,
        deadline: Option<Instant>,
        batch: &mut Batch,
    ) -> Result<(), NotStored> {
        let what = || item.url.as_deref().or(item.title.as_deref()).or(item.guid.as_deref()).unwrap_or("an entry");
        let failed =
            |e: crate::Error| NotStored::Skipped(format!("{:?} could not be stored ({e}); it was skipped", what()));
        let Some(mut article) = self.new_article(h, item, now, deadline, &mut batch.lines).await.map_err(failed)??
        else {
            return Ok(());
        };
        if tidings_core::web_link(&article.url).is_none() {
            return Err(NotStored::Skipped(format!("{:?} is not an http(s) link and was skipped", article.url)));
        }
        let signature = CopySignature::of(&article.content_text);
        if let Some(signature) = &signature {
            article.copy_print = Some(CopyPrint { signature: signature.to_hex(), bands: signature.bands().to_vec() });
        }
        batch.push(article, signature);
        Ok(())
    }

    /// Stores the articles of `batch` in one transaction and places them in stories with one
    /// more, counting them in `batch.stored` (a duplicate of a stored article is not). When the
    /// batch cannot be stored at once, each article is tried on its own, so one bad article
    /// costs only itself.
    async fn store_batch(&self, batch: &mut Batch, now: Timestamp, warnings: &mut Vec<String>) {
        let lines = batch.lines.take_pending();
        let history = lines.history(batch.outlet, now);
        let signatures = std::mem::take(&mut batch.signatures);
        let articles = std::mem::take(&mut batch.articles);
        batch.since = None;
        if articles.is_empty() {
            self.record_lines(&history, warnings).await;
            return;
        }
        let (articles, copies) = match self.originals(&signatures).await {
            Ok(originals) => split_copies(articles, originals),
            Err(e) => {
                warnings.push(format!(
                    "republished copies could not be looked for ({e}); the articles are stored as they are"
                ));
                (articles, Vec::new())
            }
        };
        let ids = match self.store.insert_articles_with(&articles, Some(&history)).await {
            Ok(ids) => ids,
            Err(e) => {
                tracing::warn!(error = %e, articles = articles.len(), "a batch of articles could not be stored; trying each");
                self.record_lines(&history, warnings).await;
                let mut ids = Vec::with_capacity(articles.len());
                for a in &articles {
                    ids.push(self.store.insert_article(a).await.unwrap_or_else(|e| {
                        warnings.push(format!("{:?} could not be stored ({e}); it was skipped", a.url));
                        None
                    }));
                }
                ids
            }
        };
        let mut placed = Vec::new();
        for (article, id) in articles.into_iter().zip(ids.iter().copied()) {
            let Some(id) = id else { continue };
            tracing::debug!(article = %id, url = %article.url, "stored");
            metrics::counter!("tidings_articles_stored_total").increment(1);
            if article.extraction == ExtractionStatus::FeedFallback {
                metrics::counter!("tidings_extraction_fallbacks_total").increment(1);
                if let Some(note) = &article.extraction_note {
                    warnings.push(format!("{}: {note}", article.url));
                }
            }
            let time = article.published_at.unwrap_or(article.fetched_at).min(article.fetched_at);
            placed.push(ToPlace { id, title: article.title, text: article.content_text, time });
        }
        for (original, copy) in copies {
            let original = match original {
                Original::Stored(id) => Some(id),
                Original::InBatch(i) => ids.get(i).copied().flatten(),
            };
            let Some(original) = original else { continue };
            match self.store.add_copy(original, &copy).await {
                Ok(true) => tracing::debug!(article = %original, url = %copy.url, "stored as a copy"),
                Ok(false) => {}
                Err(e) => warnings.push(format!("{:?} could not be stored as a copy ({e}); it was skipped", copy.url)),
            }
        }
        // The feed goes on while they wait for their turn; a clustering failure leaves them
        // stored without a story, and the round's end places them.
        let count = placed.len();
        if count > 0 {
            batch.placing.push(self.place_later(placed, now).await);
        }
        if let Some(search) = &self.search {
            search.wake();
        }
        batch.stored += count;
    }

    /// Writes an outlet's paragraph history on its own, when it could not go with a batch's
    /// articles; a failure is a warning.
    async fn record_lines(&self, history: &ParagraphHistory<'_>, warnings: &mut Vec<String>) {
        if let Err(e) = self.store.record_paragraph_history(history).await {
            warnings.push(format!("this outlet's repeated lines could not be recorded ({e})"));
        }
    }

    /// For each article of a batch (its copy signature, if its text is long enough to have
    /// one), the article its text copies: the closest stored one, else the first earlier one in
    /// the batch that is not a copy itself. Two queries for the whole batch.
    async fn originals(&self, signatures: &[Option<CopySignature>]) -> Result<Vec<Option<Original>>> {
        let bands: Vec<Vec<i64>> =
            signatures.iter().map(|s| s.as_ref().map(|s| s.bands().to_vec()).unwrap_or_default()).collect();
        let asked: Vec<&[i64]> = bands.iter().map(Vec::as_slice).collect();
        let candidates = self.store.copy_candidates_of(&asked).await?;
        let mut originals: Vec<Option<Original>> = Vec::with_capacity(signatures.len());
        for (i, (signature, candidates)) in signatures.iter().zip(candidates).enumerate() {
            let Some(signature) = signature else {
                originals.push(None);
                continue;
            };
            let stored = candidates
                .iter()
                .filter_map(|(id, hex)| Some((*id, CopySignature::from_hex(hex)?.resemblance(signature))))
                .filter(|(_, resemblance)| *resemblance >= COPY_RESEMBLANCE)
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
                .map(|(id, _)| Original::Stored(id));
            let in_batch = || {
                (0..i)
                    .find(|&j| {
                        originals[j].is_none()
                            && signatures[j].as_ref().is_some_and(|s| s.resemblance(signature) >= COPY_RESEMBLANCE)
                    })
                    .map(Original::InBatch)
            };
            let original = stored.or_else(in_batch);
            originals.push(original);
        }
        Ok(originals)
    }

    /// Builds the article for a feed entry not stored yet, its page fetched by `deadline` (or not
    /// at all, the feed's text standing in, without one), or `None` when its page names an
    /// address stored already.
    async fn new_article(
        &self,
        h: &OutletHealth,
        item: &Item,
        now: Timestamp,
        deadline: Option<Instant>,
        lines: &mut OutletLines,
    ) -> Result<Result<Option<NewArticle>, NotStored>> {
        let Some(link) = item.url.as_deref() else {
            let what = item.title.as_deref().or(item.guid.as_deref()).unwrap_or("an entry");
            return Ok(Err(NotStored::Skipped(format!("{what:?} has no link and was skipped"))));
        };
        let Ok(canonical) = canonical_url(link) else {
            return Ok(Err(NotStored::Skipped(format!("{link:?} is not a web address and was skipped"))));
        };
        let Ok(page_url) = Url::parse(link) else {
            return Ok(Err(NotStored::Skipped(format!("{link:?} is not a web address and was skipped"))));
        };
        let page = match (h.outlet.full_text, deadline) {
            (false, _) => None,
            (true, Some(deadline)) => Some(self.extract_page(&page_url, &h.outlet, deadline).await),
            (true, None) => Some(Err(PageError::Failed(
                "the site asks for longer pauses between requests than this outlet's time for a round, so its page was not fetched"
                    .to_string(),
            ))),
        };
        let mut canonical = canonical;
        match &page {
            Some(Err(PageError::OutOfTime)) => return Ok(Err(NotStored::OutOfTime)),
            Some(Ok((page, _))) => {
                if let Some(c) = page.canonical_url.as_deref().and_then(|c| canonical_url(c).ok()) {
                    // The page's own canonical address is the better key, if it is new.
                    if c != canonical && self.store.article_known(h.feed.id, None, &c).await? {
                        return Ok(Ok(None));
                    }
                    canonical = c;
                }
            }
            _ => {}
        }
        // The feed's own text is cleaned only when it is shown (no page wanted, or the page
        // failed or looks wrong) or when the headline must come from it.
        let page_kept = matches!(&page, Some(Ok((_, None))));
        let page_titled = matches!(&page, Some(Ok((p, _))) if p.title.is_some());
        let body_needed = !page_kept || (item.title.is_none() && !page_titled);
        let html = item.content.as_deref().or(item.summary.as_deref()).unwrap_or_default().to_string();
        let (title, base) = (item.title.clone(), page_url.clone());
        let cleaned = off_the_runtime(move || {
            let title = title.as_deref().map(tidings_html::html_to_text).filter(|t| !t.is_empty());
            let body = (body_needed || title.is_none()).then(|| {
                let clean = tidings_html::sanitize_html(&html, Some(&base));
                let text = tidings_html::html_to_text(&clean);
                (clean, text)
            });
            (body, title)
        })
        .await;
        let (feed_body, feed_title) = match cleaned {
            Ok(c) => c,
            Err(e) => return Ok(Err(NotStored::Skipped(format!("{link:?} could not be read: {e}")))),
        };
        let (feed_clean, feed_text) = feed_body.unwrap_or_default();
        let mut article = NewArticle {
            outlet_id: h.outlet.id,
            feed_id: Some(h.feed.id),
            guid: item.guid.clone(),
            url: link.to_string(),
            canonical_url: canonical,
            title: feed_title.unwrap_or_else(|| excerpt(&feed_text, 80)),
            authors: item.authors.clone(),
            published_at: item.published.or(item.updated),
            updated_at: item.updated,
            fetched_at: now,
            content_html: feed_clean,
            content_text: feed_text,
            excerpt: String::new(),
            lang: None,
            extraction: ExtractionStatus::FeedOnly,
            extraction_note: None,
            copy_print: None,
            // An image the entry carries stands in until the page declares its own.
            lead_image: item
                .enclosures
                .iter()
                .find(|e| e.media_type.as_deref().is_some_and(|t| t.starts_with("image/")))
                .map(|e| LeadImage { url: e.url.clone(), width: None, height: None }),
        };
        match page {
            None | Some(Err(PageError::OutOfTime)) => {}
            Some(Ok((page, wrong))) => {
                if let Some(reason) = wrong {
                    article.extraction = ExtractionStatus::FeedFallback;
                    article.extraction_note =
                        Some(format!("extraction looked wrong ({reason}); showing the feed's text"));
                } else {
                    article.extraction = ExtractionStatus::Extracted;
                    article.content_html = page.html;
                    article.content_text = page.text;
                    lines.strip(&self.store, &mut article).await?;
                }
                if item.title.is_none() {
                    article.title = page.title.unwrap_or(article.title);
                }
                if article.authors.is_empty() {
                    article.authors = page.authors;
                }
                article.published_at = article.published_at.or(page.published.map(|p| p.at));
                article.updated_at = article.updated_at.or(page.updated.map(|p| p.at));
                article.lang = page.lang;
                article.lead_image = page.lead_image.or(article.lead_image);
            }
            Some(Err(PageError::Failed(reason))) => {
                article.extraction = ExtractionStatus::FeedFallback;
                article.extraction_note = Some(format!("{reason}; showing the feed's text"));
            }
        }
        if article.content_text.trim().is_empty() {
            // Never a blank article: say what happened and point to the original.
            article.content_text =
                "The outlet's feed gave no text for this article; read it at the original link.".to_string();
            article.content_html = format!("<p>{}</p>", article.content_text);
        }
        article.excerpt = excerpt(&article.content_text, EXCERPT_CHARS);
        if article.published_at.is_some_and(|p| p > now + SignedDuration::from_hours(24)) {
            // A date far in the future is wrong; it would pin the article to the top.
            article.published_at = Some(now);
        }
        Ok(Ok(Some(article)))
    }

    /// Fetches and extracts an article page by `deadline`, with the outlet's user agent and
    /// selector when it has them, and says why the result looks wrong when it does.
    async fn extract_page(
        &self,
        url: &Url,
        outlet: &Outlet,
        deadline: Instant,
    ) -> Result<(tidings_html::ExtractedArticle, Option<String>), PageError> {
        let request = FetchRequest::new(url.clone(), Purpose::Article)
            .until(Some(deadline))
            .with_user_agent(outlet.user_agent.clone());
        let outcome = self.fetcher.fetch(request).await;
        let outcome = match outcome {
            Ok(o) => o,
            Err(tidings_fetch::Error::OutOfTime { .. }) => return Err(PageError::OutOfTime),
            Err(e) => return Err(PageError::Failed(format!("the article page could not be fetched ({e})"))),
        };
        let FetchOutcome::Fetched(page) = outcome else {
            return Err(PageError::Failed("the article page answered 'not modified' to a plain request".to_string()));
        };
        let final_url = page.final_url.clone();
        let content_type = page.content_type.clone();
        let selector = outlet.selector.clone();
        off_the_runtime(move || {
            tidings_html::extract_article_with(&page.body, &final_url, content_type.as_deref(), selector.as_deref())
                .map(|mut a| {
                    a.canonical_url = a.canonical_url.filter(|c| same_site(c, &final_url));
                    let wrong = a.looks_wrong();
                    (a, wrong)
                })
        })
        .await
        .map_err(|e| PageError::Failed(format!("extraction stopped: {e}")))?
        .map_err(|e| PageError::Failed(format!("extraction failed ({e})")))
    }
}

/// Why an article page gave no article.
enum PageError {
    /// The feed's time for the round ran out first.
    OutOfTime,
    /// Fetching or extraction failed, in words.
    Failed(String),
}

/// Whether the canonical address a page declares is on the page's own site: a page may say
/// which of its own addresses is the main one, never claim another site's article (which would
/// suppress that article as a duplicate). Hosts are compared without `www.`, `m.`, `amp.` or
/// `mobile.` in front, and a subdomain counts as its parent's site.
fn same_site(canonical: &str, page: &Url) -> bool {
    let bare = |host: &str| {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        ["www.", "m.", "amp.", "mobile."].iter().find_map(|p| host.strip_prefix(p).map(str::to_string)).unwrap_or(host)
    };
    let (Some(a), Some(b)) =
        (Url::parse(canonical).ok().and_then(|u| u.host_str().map(bare)), page.host_str().map(bare))
    else {
        return false;
    };
    a == b || a.ends_with(&format!(".{b}")) || b.ends_with(&format!(".{a}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_may_name_its_own_site_as_canonical_but_not_another() {
        let page = Url::parse("https://m.herald.example/story/1").unwrap_or_else(|_| unreachable!());
        assert!(same_site("https://www.herald.example/story/1", &page));
        assert!(same_site("https://herald.example/story/1", &page));
        assert!(same_site("https://news.herald.example./story/1", &page));
        assert!(!same_site("https://wire.example/story/1", &page));
        assert!(!same_site("https://herald.example.evil.example/story/1", &page));
        assert!(!same_site("not a url", &page));
    }

    #[tokio::test]
    async fn a_panic_off_the_runtime_comes_back_in_words() {
        let err = off_the_runtime(|| -> usize { panic!("sniffer sliced a character") }).await.unwrap_err();
        assert!(err.contains("internal fault") && err.contains("sniffer sliced a character"), "{err}");
        assert_eq!(off_the_runtime(|| 7).await, Ok(7));
    }
}
