//! Subscribing to an outlet by feed URL or site URL, and the scheduler loop.

use std::panic::AssertUnwindSafe;

use futures::FutureExt;
use jiff::Timestamp;
use tidings_feed::{ParsedFeed, common_feed_paths, discover_feeds};
use tidings_fetch::{FetchOutcome, FetchRequest, Fetched, Purpose};
use tidings_store::{NewOutlet, OutletHealth};
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::{Engine, Error, Result};

/// What the operator gives when adding an outlet.
#[derive(Debug, Clone, Default)]
pub struct Subscription {
    /// A feed URL, or a site URL whose feed is discovered.
    pub url: String,
    /// A name to use instead of the feed's title.
    pub name: Option<String>,
    /// A category (OPML folder).
    pub category: Option<String>,
    /// Keep the feed's own text instead of fetching each article's page.
    pub feed_text_only: bool,
}

/// A feed found behind a URL, before anything is stored: what an operator previews.
#[derive(Debug, Clone)]
pub struct FoundFeed {
    /// The feed's own address (after redirects and discovery).
    pub url: Url,
    /// The feed as it reads now.
    pub feed: ParsedFeed,
    /// The outlet already following it, if any.
    pub existing: Option<OutletHealth>,
}

impl FoundFeed {
    /// The name an outlet following it gets: `name` if given, else the feed's title as text,
    /// else its host.
    pub fn outlet_name(&self, name: Option<&str>) -> String {
        let name = name
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string)
            .or_else(|| self.feed.title.clone())
            .unwrap_or_else(|| self.url.host_str().unwrap_or("Unnamed outlet").to_string());
        tidings_html::html_to_text(&name)
    }
}

fn parse_url(url: &str) -> Result<Url> {
    Url::parse(url.trim())
        .map_err(|e| Error::NoFeedFound { url: url.to_string(), reason: format!("it is not a URL ({e})") })
}

impl Engine {
    /// Finds the feed behind `url`, stores nothing: the URL itself if it is a feed, else a feed
    /// the page advertises, else one at a common path on the site.
    pub async fn find_feed(&self, url: &str) -> Result<FoundFeed> {
        let url = parse_url(url)?;
        let page = self.get(&url, Purpose::Discovery).await?;
        let (feed_url, feed) = match tidings_feed::parse_feed(&page.body, Some(&page.final_url)) {
            Ok(feed) => (page.final_url.clone(), feed),
            Err(_) => self.discover(&url, &page).await?,
        };
        let existing = self.store.outlet_by_feed_url(feed_url.as_str()).await?;
        Ok(FoundFeed { url: feed_url, feed, existing })
    }

    /// Adds the outlet behind `sub.url` (found as [`Engine::find_feed`] finds it), or gives the
    /// one already following it.
    pub async fn subscribe(&self, sub: &Subscription, now: Timestamp) -> Result<OutletHealth> {
        let url = parse_url(&sub.url)?;
        if let Some(existing) = self.store.outlet_by_feed_url(url.as_str()).await? {
            return Ok(existing);
        }
        let found = self.find_feed(url.as_str()).await?;
        if let Some(existing) = found.existing {
            return Ok(existing);
        }
        let outlet = NewOutlet {
            name: found.outlet_name(sub.name.as_deref()),
            site_url: found.feed.link.clone(),
            category: sub.category.clone(),
            full_text: !sub.feed_text_only,
        };
        Ok(self.store.add_outlet(&outlet, found.url.as_str(), now).await?)
    }

    async fn get(&self, url: &Url, purpose: Purpose) -> Result<Fetched> {
        match self.fetcher.fetch(FetchRequest::new(url.clone(), purpose)).await? {
            FetchOutcome::Fetched(f) => Ok(*f),
            FetchOutcome::NotModified { .. } => Err(Error::NoFeedFound {
                url: url.to_string(),
                reason: "it answered 'not modified' to a plain request".to_string(),
            }),
        }
    }

    async fn discover(&self, url: &Url, page: &Fetched) -> Result<(Url, ParsedFeed)> {
        let html = String::from_utf8_lossy(&page.body);
        let advertised: Vec<Url> = discover_feeds(&html, &page.final_url).into_iter().map(|f| f.url).collect();
        let tried_advertised = !advertised.is_empty();
        for candidate in advertised.into_iter().chain(common_feed_paths(&page.final_url)) {
            let Ok(fetched) = self.get(&candidate, Purpose::Discovery).await else { continue };
            if let Ok(feed) = tidings_feed::parse_feed(&fetched.body, Some(&fetched.final_url)) {
                return Ok((fetched.final_url, feed));
            }
        }
        let reason = if tried_advertised {
            "the feeds the page advertises could not be read, and none was found at the common paths"
        } else {
            "it is not a feed, the page advertises none, and none was found at /feed, /rss, /atom.xml, /index.xml or /feed.json"
        };
        Err(Error::NoFeedFound { url: url.to_string(), reason: reason.to_string() })
    }

    /// Runs rounds of due feeds until `cancel` fires, calling `alive` as each feed finishes and
    /// at every tick (a watchdog's heartbeat). Errors are logged, never fatal, and so is a
    /// panic: the next round starts at the next tick.
    pub async fn run_until(&self, cancel: CancellationToken, alive: &(dyn Fn() + Send + Sync)) {
        loop {
            alive();
            let progress = |r: &crate::FeedReport| {
                log_feed(r);
                alive();
            };
            let round = AssertUnwindSafe(self.run_round(Timestamp::now(), false, &progress)).catch_unwind();
            // Stopping drops a round under way: each article is stored in its own transaction,
            // so what was stored stays and the rest is fetched on the next start.
            let round = tokio::select! {
                () = cancel.cancelled() => {
                    // The feeds this round had taken are due again at once, for whoever runs next.
                    if let Err(e) = self.store.release_leases(&self.worker).await {
                        tracing::warn!(error = %e, "could not give back the feeds under way; they wait until their leases run out");
                    }
                    return;
                }
                round = round => round,
            };
            match round {
                Ok(Ok(round)) if !round.feeds.is_empty() => {
                    tracing::info!(
                        feeds = round.feeds.len(),
                        new = round.articles_new(),
                        failed = round.outlets_failed().len(),
                        "round done"
                    );
                }
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::error!(error = %e, "round failed; retrying at the next tick"),
                Err(_) => tracing::error!("a round panicked; retrying at the next tick"),
            }
            tokio::select! {
                () = cancel.cancelled() => return,
                () = tokio::time::sleep(self.config.tick) => {}
            }
        }
    }
}

fn log_feed(report: &crate::FeedReport) {
    match &report.result {
        Ok(n) => tracing::debug!(outlet = %report.outlet, new = n, "feed fetched"),
        Err(e) => tracing::warn!(outlet = %report.outlet, error = %e, "feed failed"),
    }
}
