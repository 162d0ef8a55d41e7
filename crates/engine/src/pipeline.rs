//! One round of fetching: every due feed, its new entries, their pages.

use std::collections::HashMap;
use std::sync::Arc;

use futures::stream::{self, StreamExt};
use jiff::{SignedDuration, Timestamp};
use tidings_cluster::{Candidate, StoryMatch, assign_story};
use tidings_core::{ArticleId, ExtractionStatus, OutletId, canonical_url, excerpt};
use tidings_feed::{Item, ParsedFeed};
use tidings_fetch::{FetchOutcome, FetchRequest, Purpose};
use tidings_store::{FetchRecord, NewArticle, OutletHealth};
use url::Url;

use crate::schedule::{backoff, next_interval};
use crate::{Engine, Result};

/// Characters kept in an article's excerpt.
const EXCERPT_CHARS: usize = 240;

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

/// An entry's failure to become an article: logged as a warning, never fatal to the feed.
struct ItemSkipped(String);

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
        let feeds = self.store.due_feeds(due_at, 10_000).await?;
        let alone = std::sync::Mutex::new(Vec::new());
        let reports: Vec<FeedReport> = stream::iter(feeds)
            .map(|feed| {
                let alone = &alone;
                async move {
                    let report = self.fetch_feed(&feed, now, alone).await;
                    progress(&report);
                    report
                }
            })
            .buffer_unordered(self.config.concurrency.max(1))
            .collect()
            .await;
        // Reports that arrived before any other outlet's get a second look, now that the whole
        // round is stored.
        let alone = alone.into_inner().unwrap_or_else(|p| p.into_inner());
        for id in alone {
            let a = self.store.article(id).await?;
            if a.story_id.is_none() {
                self.cluster(id, a.outlet_id, &a.title, &a.content_text, a.shown_time(), a.fetched_at).await?;
            }
        }
        Ok(RoundReport { feeds: reports })
    }

    /// How many feeds a round at `now` would fetch.
    pub async fn due_count(&self, now: Timestamp, all: bool) -> Result<usize> {
        let due_at = if all { Timestamp::MAX } else { now };
        Ok(self.store.due_feeds(due_at, 10_000).await?.len())
    }

    async fn fetch_feed(&self, h: &OutletHealth, now: Timestamp, alone: &Alone) -> FeedReport {
        let mut warnings = Vec::new();
        let result = self.fetch_feed_inner(h, now, &mut warnings, alone).await;
        let result = match result {
            Ok(n) => Ok(n),
            Err((message, retry_after)) => {
                let failures = h.feed.consecutive_failures + 1;
                let pause = (failures >= self.config.pause_after_failures)
                    .then(|| format!("paused after {failures} failed fetches in a row; the last: {message}"));
                let rec = FetchRecord {
                    at: Timestamp::now().max(now),
                    error: Some(message.clone()),
                    etag: None,
                    last_modified: None,
                    next_fetch_at: now + backoff(&self.config, failures, retry_after),
                    pause,
                };
                if let Err(e) = self.store.record_fetch(h.feed.id, &rec).await {
                    tracing::error!(outlet = %h.outlet.name, error = %e, "could not record a failed fetch");
                }
                Err(message)
            }
        };
        FeedReport { outlet: h.outlet.name.clone(), result, warnings }
    }

    /// Fetches one feed and its new articles; `Err` carries the message and any Retry-After.
    async fn fetch_feed_inner(
        &self,
        h: &OutletHealth,
        now: Timestamp,
        warnings: &mut Vec<String>,
        alone: &Alone,
    ) -> Result<usize, (String, Option<std::time::Duration>)> {
        let url =
            Url::parse(&h.feed.url).map_err(|e| (format!("the feed URL {} is not valid: {e}", h.feed.url), None))?;
        let request = FetchRequest {
            url,
            purpose: Purpose::Feed,
            etag: h.feed.etag.clone(),
            last_modified: h.feed.last_modified.clone(),
        };
        let outcome = self.fetcher.fetch(request).await.map_err(|e| {
            let retry = match &e {
                tidings_fetch::Error::Status { retry_after, .. } => *retry_after,
                _ => None,
            };
            (e.to_string(), retry)
        })?;
        let store_err = |e: tidings_store::Error| (format!("could not store: {e}"), None);
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
                self.store.record_fetch(h.feed.id, &rec).await.map_err(store_err)?;
                return Ok(0);
            }
            FetchOutcome::Fetched(f) => *f,
        };
        let feed =
            tidings_feed::parse_feed(&fetched.body, Some(&fetched.final_url)).map_err(|e| (e.to_string(), None))?;
        warnings.extend(feed.warnings.iter().cloned());
        if let Some(moved) = &fetched.permanent_redirect {
            match self.store.set_feed_url(h.feed.id, moved.as_str()).await {
                Ok(()) => {
                    tracing::info!(outlet = %h.outlet.name, to = %moved, "feed moved permanently; address updated")
                }
                Err(e) => warnings.push(format!("the feed moved to {moved} but the address could not be updated: {e}")),
            }
        }
        let new = self.store_new_items(h, &feed, now, warnings, alone).await.map_err(|e| (e.to_string(), None))?;
        let times: Vec<Timestamp> = feed.items.iter().filter_map(|i| i.published.or(i.updated)).collect();
        let rec = FetchRecord {
            at: Timestamp::now().max(now),
            error: None,
            etag: fetched.etag,
            last_modified: fetched.last_modified,
            // The longer of the server's cache lifetime and the feed's own <ttl>.
            next_fetch_at: now
                + next_interval(
                    &self.config,
                    &times,
                    fetched.fresh_for.max(feed.ttl_minutes.map(|m| std::time::Duration::from_secs(u64::from(m) * 60))),
                ),
            pause: None,
        };
        self.store.record_fetch(h.feed.id, &rec).await.map_err(store_err)?;
        Ok(new)
    }

    async fn store_new_items(
        &self,
        h: &OutletHealth,
        feed: &ParsedFeed,
        now: Timestamp,
        warnings: &mut Vec<String>,
        alone: &Alone,
    ) -> Result<usize> {
        let mut new = 0;
        // Oldest first, so that stories credit the first report.
        let mut items: Vec<&Item> = feed.items.iter().collect();
        items.sort_by_key(|i| i.published.or(i.updated));
        for item in items {
            if new >= self.config.max_new_items_per_feed {
                warnings.push(format!(
                    "more than {} new entries; the rest wait for the next round",
                    self.config.max_new_items_per_feed
                ));
                break;
            }
            match self.new_article(h, item, now).await? {
                Ok(Some(article)) => {
                    if let Some(id) = self.store.insert_article(&article).await? {
                        new += 1;
                        if article.extraction == ExtractionStatus::FeedFallback
                            && let Some(note) = &article.extraction_note
                        {
                            warnings.push(format!("{}: {note}", article.url));
                        }
                        let time = article.published_at.unwrap_or(article.fetched_at).min(article.fetched_at);
                        if !self
                            .cluster(
                                id,
                                article.outlet_id,
                                &article.title,
                                &article.content_text,
                                time,
                                article.fetched_at,
                            )
                            .await?
                        {
                            alone.lock().unwrap_or_else(|p| p.into_inner()).push(id);
                        }
                    }
                }
                Ok(None) => {}
                Err(ItemSkipped(why)) => warnings.push(why),
            }
        }
        Ok(new)
    }

    /// Builds the article for a feed entry, or `None` when it is stored already.
    async fn new_article(
        &self,
        h: &OutletHealth,
        item: &Item,
        now: Timestamp,
    ) -> Result<Result<Option<NewArticle>, ItemSkipped>> {
        let Some(link) = item.url.as_deref() else {
            let what = item.title.as_deref().or(item.guid.as_deref()).unwrap_or("an entry");
            return Ok(Err(ItemSkipped(format!("{what:?} has no link and was skipped"))));
        };
        let Ok(canonical) = canonical_url(link) else {
            return Ok(Err(ItemSkipped(format!("{link:?} is not a web address and was skipped"))));
        };
        if self.store.article_known(h.feed.id, item.guid.as_deref(), &canonical).await? {
            return Ok(Ok(None));
        }
        let feed_html = item.content.as_deref().or(item.summary.as_deref()).unwrap_or_default();
        let Ok(page_url) = Url::parse(link) else {
            return Ok(Err(ItemSkipped(format!("{link:?} is not a web address and was skipped"))));
        };
        let feed_clean = tidings_html::sanitize_html(feed_html, Some(&page_url));
        let feed_text = tidings_html::html_to_text(&feed_clean);
        let mut article = NewArticle {
            outlet_id: h.outlet.id,
            feed_id: Some(h.feed.id),
            guid: item.guid.clone(),
            url: link.to_string(),
            canonical_url: canonical,
            title: item
                .title
                .as_deref()
                .map(tidings_html::html_to_text)
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| excerpt(&feed_text, 80)),
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
        };
        if h.outlet.full_text {
            match self.extract_page(&page_url).await {
                Ok(page) => {
                    if let Some(c) = page.canonical_url.as_deref().and_then(|c| canonical_url(c).ok()) {
                        // The page's own canonical address is the better key, if it is new.
                        if c != article.canonical_url && self.store.article_known(h.feed.id, None, &c).await? {
                            return Ok(Ok(None));
                        }
                        article.canonical_url = c;
                    }
                    if let Some(reason) = page.looks_wrong() {
                        article.extraction = ExtractionStatus::FeedFallback;
                        article.extraction_note =
                            Some(format!("extraction looked wrong ({reason}); showing the feed's text"));
                    } else {
                        article.extraction = ExtractionStatus::Extracted;
                        article.content_html = page.html;
                        article.content_text = page.text;
                        crate::boilerplate::strip_repeated_lines(&self.store, &mut article, now).await?;
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
                }
                Err(reason) => {
                    article.extraction = ExtractionStatus::FeedFallback;
                    article.extraction_note = Some(format!("{reason}; showing the feed's text"));
                }
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

    /// Fetches and extracts an article page; `Err` says why in words.
    async fn extract_page(&self, url: &Url) -> Result<tidings_html::ExtractedArticle, String> {
        let outcome = self
            .fetcher
            .fetch(FetchRequest::new(url.clone(), Purpose::Article))
            .await
            .map_err(|e| format!("the article page could not be fetched ({e})"))?;
        let FetchOutcome::Fetched(page) = outcome else {
            return Err("the article page answered 'not modified' to a plain request".to_string());
        };
        let final_url = page.final_url.clone();
        let content_type = page.content_type.clone();
        tokio::task::spawn_blocking(move || {
            tidings_html::extract_article(&page.body, &final_url, content_type.as_deref())
        })
        .await
        .map_err(|e| format!("extraction stopped unexpectedly ({e})"))?
        .map_err(|e| format!("extraction failed ({e})"))
    }

    /// Puts an article into a story with other outlets' reports of the same event; `false` when
    /// no other report matches yet.
    async fn cluster(
        &self,
        id: ArticleId,
        outlet: OutletId,
        title: &str,
        text: &str,
        time: Timestamp,
        now: Timestamp,
    ) -> Result<bool> {
        // One clustering decision at a time in this process, so each sees the ones before it.
        let mut words = self.cluster_lock.lock().await;
        if self.store.article(id).await?.story_id.is_some() {
            return Ok(true);
        }
        let window = self.config.story_rules.window;
        let briefs = self.store.recent_briefs(time - window, 2_000).await?;
        let mut kept = HashMap::with_capacity(briefs.len());
        let candidates: Vec<Candidate> = briefs
            .iter()
            .filter(|b| b.time <= time + window)
            .map(|b| {
                let vector =
                    words.get(&b.id).cloned().unwrap_or_else(|| Arc::new(tidings_cluster::words(&b.title, &b.text)));
                kept.insert(b.id, vector.clone());
                Candidate { id: b.id, outlet_id: b.outlet_id, story_id: b.story_id, time: b.time, vector }
            })
            .collect();
        // Only the articles in this window stay cached, so the cache is as small as the window.
        *words = kept;
        let me = Candidate::new(id, outlet, None, time, title, text);
        let decision = assign_story(&me, &candidates, self.config.story_rules);
        tracing::debug!(article = %id, %title, ?decision, "story decision");
        match decision {
            StoryMatch::Join(story) => self.store.join_story(story, id).await?,
            StoryMatch::StartWith(other) => {
                self.store.attach_story(other, id, now).await?;
            }
            StoryMatch::Alone => return Ok(false),
        }
        Ok(true)
    }
}

/// Articles that found no story when they arrived, to look at again after the round.
type Alone = std::sync::Mutex<Vec<ArticleId>>;
