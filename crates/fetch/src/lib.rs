//! The only code in Tidings that opens outbound connections.
//!
//! Every request goes through [`Fetcher`]: the SSRF guard on the address actually connected to,
//! redirects followed by hand with every hop checked, bodies capped after decompression, connect
//! and total timeouts, conditional GET, one connection and a minimum delay per host, and
//! robots.txt for article pages; with [`SharedPoliteness`], the host's turn and robots.txt are
//! shared with other processes. Depends on `tidings-core` only among our crates.

mod guard;
mod politeness;

use std::collections::HashSet;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap};
use url::Url;

pub use guard::{NetworkPolicy, non_public_reason};
pub use ipnet::IpNet;
use politeness::HostGate;
pub use politeness::{RobotsFile, SharedPoliteness};

/// What went wrong with a fetch, in words an operator can act on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The URL cannot be fetched at all.
    #[error("{url} cannot be fetched: {reason}")]
    InvalidUrl {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The SSRF guard refused the address.
    #[error(
        "refused to fetch {url}: {reason}. If this is a feed on your own network, allow private networks in the settings"
    )]
    Refused {
        /// The URL.
        url: String,
        /// Why, naming the address.
        reason: String,
    },
    /// No answer in time.
    #[error("{url} did not answer within {seconds} seconds")]
    Timeout {
        /// The URL.
        url: String,
        /// The limit that fired.
        seconds: u64,
    },
    /// The connection failed.
    #[error("could not fetch {url}: {reason}")]
    Network {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The body was larger than the cap.
    #[error("{url} sent more than {limit} bytes (after decompression); Tidings stopped reading")]
    TooLarge {
        /// The URL.
        url: String,
        /// The cap.
        limit: u64,
    },
    /// Too many redirects, or a loop.
    #[error("{url} redirects too often ({reason})")]
    Redirects {
        /// The URL first asked for.
        url: String,
        /// What happened.
        reason: String,
    },
    /// The server answered with an error status.
    #[error("{url} answered HTTP {status}{}", retry_after.map(|d| format!("; it asks to wait {} seconds", d.as_secs())).unwrap_or_default())]
    Status {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
        /// Retry-After, on 429 and 503.
        retry_after: Option<Duration>,
    },
    /// robots.txt disallows the page.
    #[error("{url} is disallowed for Tidings by the site's robots.txt")]
    DisallowedByRobots {
        /// The URL.
        url: String,
    },
    /// The time allowed for the fetch, waits for the host's turn and robots.txt included, ran out.
    #[error(
        "{url} was not fetched: its time ran out while waiting for the host's turn (the host asks for long pauses between requests); it is tried again later"
    )]
    OutOfTime {
        /// The URL.
        url: String,
    },
    /// The turn of the host could not be taken from the processes that share it.
    #[error(
        "{url} was not fetched: the host's turn could not be agreed with the other workers ({reason}); it is tried again later"
    )]
    Coordination {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The response is not of a type we read.
    #[error("{url} answered with {content_type}, not a web page")]
    ContentType {
        /// The URL.
        url: String,
        /// What it sent.
        content_type: String,
    },
}

/// Result with this crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Settings of the fetcher.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// Sent with every request; names Tidings and its version.
    pub user_agent: String,
    /// Limit on establishing a connection.
    pub connect_timeout: Duration,
    /// Limit on a whole fetch, redirects and body included.
    pub total_timeout: Duration,
    /// Limit on a body, counted after decompression.
    pub max_body_bytes: u64,
    /// Redirects followed at most.
    pub max_redirects: usize,
    /// Minimum time between two requests to one host.
    pub min_host_delay: Duration,
    /// Limit on waiting for a host's turn and its robots.txt, on top of `total_timeout`, so
    /// that no fetch lasts longer than the two together.
    pub max_wait: Duration,
    /// Which addresses may be reached.
    pub network: NetworkPolicy,
}

impl Default for FetchConfig {
    fn default() -> Self {
        Self {
            user_agent: format!("Tidings/{} (news aggregator)", env!("CARGO_PKG_VERSION")),
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(30),
            max_body_bytes: 16 * 1024 * 1024,
            max_redirects: 5,
            min_host_delay: Duration::from_secs(1),
            max_wait: Duration::from_secs(90),
            network: NetworkPolicy::default(),
        }
    }
}

/// Why a request is made: article pages are subject to robots.txt, feeds are fetched on the
/// subscriber's behalf as feed readers do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A feed.
    Feed,
    /// An article page.
    Article,
    /// A page fetched to discover feeds.
    Discovery,
    /// An image an article shows, fetched on the reader's behalf as the browser showing the
    /// page would have: without robots.txt or its Crawl-delay.
    Image,
}

/// One request.
#[derive(Debug, Clone)]
pub struct FetchRequest {
    /// What to fetch.
    pub url: Url,
    /// Why.
    pub purpose: Purpose,
    /// ETag from the last fetch, for conditional GET.
    pub etag: Option<String>,
    /// Last-Modified from the last fetch, for conditional GET.
    pub last_modified: Option<String>,
    /// Give up at this time, waits included (the caller's own budget); the fetcher's limits
    /// apply as well.
    pub deadline: Option<std::time::Instant>,
    /// Sent instead of the fetcher's user agent (an outlet's setting); robots.txt is still read
    /// for Tidings.
    pub user_agent: Option<String>,
}

impl FetchRequest {
    /// An unconditional request.
    pub fn new(url: Url, purpose: Purpose) -> Self {
        Self { url, purpose, etag: None, last_modified: None, deadline: None, user_agent: None }
    }

    /// The same request, sent with `user_agent` when it is given.
    #[must_use]
    pub fn with_user_agent(mut self, user_agent: Option<String>) -> Self {
        self.user_agent = user_agent;
        self
    }

    /// The same request, given up at `deadline` at the latest.
    #[must_use]
    pub fn until(mut self, deadline: Option<std::time::Instant>) -> Self {
        self.deadline = deadline;
        self
    }
}

/// A response body and what the headers said about it.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// Where the body came from after redirects.
    pub final_url: Url,
    /// Set when every redirect hop was permanent: the new address to store.
    pub permanent_redirect: Option<Url>,
    /// The Content-Type header.
    pub content_type: Option<String>,
    /// The body, decompressed.
    pub body: Bytes,
    /// Validators for the next conditional GET.
    pub etag: Option<String>,
    /// Validators for the next conditional GET.
    pub last_modified: Option<String>,
    /// How long the response may be reused (Cache-Control max-age, or Expires).
    pub fresh_for: Option<Duration>,
}

/// The outcome of a successful request.
#[derive(Debug, Clone)]
pub enum FetchOutcome {
    /// 304: nothing changed since the validators were issued.
    NotModified {
        /// How long the response may be reused.
        fresh_for: Option<Duration>,
    },
    /// A new body.
    Fetched(Box<Fetched>),
}

/// The outbound HTTP client of Tidings.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    config: Arc<FetchConfig>,
    policy: Arc<NetworkPolicy>,
    gate: HostGate,
    /// Turns and robots.txt shared with other processes, when there are others.
    shared: Option<Arc<dyn SharedPoliteness>>,
}

/// A host's turn taken from the processes that share it; given back when the request ends (or,
/// if the fetch was dropped mid-way, by a task spawned on drop).
struct SharedTurn {
    shared: Arc<dyn SharedPoliteness>,
    host: String,
    delay: Option<Duration>,
}

impl SharedTurn {
    async fn give_back(mut self, delay: Duration) {
        self.delay = None;
        self.shared.give_back(&self.host, delay).await;
    }
}

impl Drop for SharedTurn {
    fn drop(&mut self) {
        if let Some(delay) = self.delay.take()
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            let (shared, host) = (self.shared.clone(), std::mem::take(&mut self.host));
            runtime.spawn(async move { shared.give_back(&host, delay).await });
        }
    }
}

/// What one request of a fetch (one hop) gave.
enum Hop {
    /// A redirect to follow.
    Redirect { location: Url, permanent: bool },
    /// 304.
    NotModified { fresh_for: Option<Duration> },
    /// A body.
    Body(Box<Fetched>),
}

impl Fetcher {
    /// Builds a fetcher.
    pub fn new(config: FetchConfig) -> Result<Self> {
        let policy = Arc::new(config.network.clone());
        #[allow(clippy::disallowed_methods)] // this is the one place allowed to build a client
        let client = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .connect_timeout(config.connect_timeout)
            .timeout(config.total_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .pool_max_idle_per_host(1)
            .dns_resolver(Arc::new(guard::GuardedResolver { policy: policy.clone() }))
            .build()
            .map_err(|e| Error::Network {
                url: String::new(),
                reason: format!("the HTTP client could not start: {e}"),
            })?;
        let gate = HostGate::new(config.min_host_delay);
        Ok(Self { client, config: Arc::new(config), policy, gate, shared: None })
    }

    /// The same fetcher, taking each host's turn and robots.txt through `shared` as well, so
    /// that processes fetching from the same hosts keep one request at a time and the delay
    /// among them.
    #[must_use]
    pub fn shared_with(mut self, shared: Arc<dyn SharedPoliteness>) -> Self {
        self.shared = Some(shared);
        self
    }

    /// The settings in use.
    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    /// Fetches `req`, following redirects. The total timeout covers the network exchanges
    /// (every hop and the body); waiting for a polite turn at a busy host and for its robots.txt
    /// may add `max_wait` at most, and nothing goes past the request's own deadline.
    pub async fn fetch(&self, req: FetchRequest) -> Result<FetchOutcome> {
        let limit = std::time::Instant::now() + self.config.total_timeout + self.config.max_wait;
        let deadline = req.deadline.map_or(limit, |d| d.min(limit));
        let url = req.url.to_string();
        tokio::time::timeout_at(deadline.into(), self.fetch_within(req)).await.unwrap_or(Err(Error::OutOfTime { url }))
    }

    async fn fetch_within(&self, req: FetchRequest) -> Result<FetchOutcome> {
        let original = req.url.to_string();
        let mut deadline: Option<tokio::time::Instant> = None;
        let mut url = req.url.clone();
        let mut visited = HashSet::new();
        let mut all_permanent = true;
        for _hop in 0..=self.config.max_redirects {
            self.check_url(&url)?;
            if !visited.insert(url.clone()) {
                return Err(Error::Redirects { url: original, reason: format!("a loop back to {url}") });
            }
            if req.purpose == Purpose::Article {
                self.check_robots(&url).await?;
            }
            let mut headers = HeaderMap::new();
            if let Some(v) = req.user_agent.as_deref().and_then(|ua| ua.parse().ok()) {
                headers.insert(header::USER_AGENT, v);
            }
            if url == req.url {
                if let Some(v) = req.etag.as_deref().and_then(|e| e.parse().ok()) {
                    headers.insert(header::IF_NONE_MATCH, v);
                }
                if let Some(v) = req.last_modified.as_deref().and_then(|e| e.parse().ok()) {
                    headers.insert(header::IF_MODIFIED_SINCE, v);
                }
            }
            let out_of_time = || Error::OutOfTime { url: url.to_string() };
            let mut turn = self
                .gate
                .wait_turn(&url, matches!(req.purpose, Purpose::Article | Purpose::Discovery), self.config.max_wait)
                .await
                .ok_or_else(out_of_time)?;
            let shared = self.take_shared_turn(&url).await?;
            let deadline = *deadline.get_or_insert_with(|| tokio::time::Instant::now() + self.config.total_timeout);
            let hop = self.hop(&url, headers, req.purpose, deadline).await;
            if let Err(Error::Status { status: 429 | 503, retry_after: Some(wait), .. }) = &hop {
                turn.back_off(*wait);
            }
            if let Some(shared) = shared {
                shared.give_back(turn.delay()).await;
            }
            drop(turn);
            match hop? {
                Hop::Redirect { location, permanent } => {
                    all_permanent &= permanent;
                    url = location;
                }
                Hop::NotModified { fresh_for } => return Ok(FetchOutcome::NotModified { fresh_for }),
                Hop::Body(mut fetched) => {
                    fetched.permanent_redirect = (all_permanent && url != req.url).then(|| url.clone());
                    return Ok(FetchOutcome::Fetched(fetched));
                }
            }
        }
        Err(Error::Redirects { url: original, reason: format!("more than {} redirects", self.config.max_redirects) })
    }

    /// Takes the host's turn from the processes that share it, waiting while another holds it
    /// or its delay runs.
    async fn take_shared_turn(&self, url: &Url) -> Result<Option<SharedTurn>> {
        let Some(shared) = &self.shared else { return Ok(None) };
        let host = politeness::host_key(url);
        loop {
            // Held a little past the exchange's own deadline, which starts after this.
            match shared.take_turn(&host, self.config.total_timeout + Duration::from_secs(1)).await {
                Ok(None) => {
                    let delay = Some(self.config.min_host_delay);
                    return Ok(Some(SharedTurn { shared: shared.clone(), host, delay }));
                }
                // The host asked the others to leave it alone for longer than a fetch may wait.
                Ok(Some(wait)) if wait > self.config.max_wait => return Err(Error::OutOfTime { url: url.to_string() }),
                Ok(Some(wait)) => tokio::time::sleep(wait.max(Duration::from_millis(1))).await,
                Err(reason) => return Err(Error::Coordination { url: url.to_string(), reason }),
            }
        }
    }

    /// One request, by `deadline`.
    async fn hop(
        &self,
        url: &Url,
        headers: HeaderMap,
        purpose: Purpose,
        deadline: tokio::time::Instant,
    ) -> Result<Hop> {
        let timeout = || Error::Timeout { url: url.to_string(), seconds: self.config.total_timeout.as_secs() };
        let response = tokio::time::timeout_at(deadline, self.send(url, headers)).await.map_err(|_| timeout())??;
        let status = response.status();
        if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
            let location = response
                .headers()
                .get(header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .and_then(|l| url.join(l).ok())
                .ok_or_else(|| Error::Redirects {
                    url: url.to_string(),
                    reason: format!("HTTP {} without a usable Location", status.as_u16()),
                })?;
            let permanent = matches!(status, StatusCode::MOVED_PERMANENTLY | StatusCode::PERMANENT_REDIRECT);
            return Ok(Hop::Redirect { location, permanent });
        }
        let fresh_for = freshness(response.headers());
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Hop::NotModified { fresh_for });
        }
        if !status.is_success() {
            return Err(Error::Status {
                url: url.to_string(),
                status: status.as_u16(),
                retry_after: retry_after(response.headers()),
            });
        }
        let header_text =
            |name: header::HeaderName| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let content_type = header_text(header::CONTENT_TYPE);
        if purpose == Purpose::Article {
            check_page_type(url, content_type.as_deref())?;
        }
        let etag = header_text(header::ETAG);
        let last_modified = header_text(header::LAST_MODIFIED);
        let body = tokio::time::timeout_at(deadline, self.read_body(url, response)).await.map_err(|_| timeout())??;
        Ok(Hop::Body(Box::new(Fetched {
            final_url: url.clone(),
            permanent_redirect: None,
            content_type,
            body,
            etag,
            last_modified,
            fresh_for,
        })))
    }

    /// Checks scheme and IP literals (which skip DNS, so the resolver's guard does not see them).
    fn check_url(&self, url: &Url) -> Result<()> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Error::InvalidUrl {
                url: url.to_string(),
                reason: format!("the {} scheme is not fetched, only http and https", url.scheme()),
            });
        }
        let ip: Option<IpAddr> = match url.host() {
            Some(url::Host::Ipv4(v4)) => Some(v4.into()),
            Some(url::Host::Ipv6(v6)) => Some(v6.into()),
            Some(url::Host::Domain(_)) => None,
            None => return Err(Error::InvalidUrl { url: url.to_string(), reason: "it has no host".to_string() }),
        };
        if let Some(ip) = ip
            && let Some(reason) = self.policy.refusal(ip)
        {
            return Err(Error::Refused { url: url.to_string(), reason: format!("{ip} is {reason}") });
        }
        Ok(())
    }

    async fn send(&self, url: &Url, headers: HeaderMap) -> Result<reqwest::Response> {
        let response = self.client.get(url.clone()).headers(headers).send().await.map_err(|e| self.describe(url, e))?;
        // Belt and braces: the peer we actually reached must be allowed too.
        if let Some(peer) = response.remote_addr()
            && let Some(reason) = self.policy.refusal(peer.ip())
        {
            return Err(Error::Refused {
                url: url.to_string(),
                reason: format!("it connected to {}, {reason}", peer.ip()),
            });
        }
        Ok(response)
    }

    async fn read_body(&self, url: &Url, mut response: reqwest::Response) -> Result<Bytes> {
        let limit = self.config.max_body_bytes;
        if response.content_length().is_some_and(|n| n > limit)
            && response.headers().get(header::CONTENT_ENCODING).is_none()
        {
            return Err(Error::TooLarge { url: url.to_string(), limit });
        }
        let mut body = BytesMut::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.describe(url, e))? {
            if body.len() as u64 + chunk.len() as u64 > limit {
                return Err(Error::TooLarge { url: url.to_string(), limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }

    async fn check_robots(&self, url: &Url) -> Result<()> {
        let rules = self.gate.robots(url, |robots_url| self.robots_file(robots_url)).await;
        if rules.allows(url.as_str()) { Ok(()) } else { Err(Error::DisallowedByRobots { url: url.to_string() }) }
    }

    /// A site's robots.txt, from the processes that share this fetcher's hosts when one of them
    /// has it, else fetched (and then shared), with how long to trust it.
    async fn robots_file(&self, robots_url: Url) -> (RobotsFile, Duration) {
        let origin = politeness::robots_key(&robots_url);
        if let Some(shared) = &self.shared
            && let Some(known) = shared.robots(&origin).await
        {
            return known;
        }
        let file = match self.fetch_robots(robots_url).await {
            Ok(Some(body)) => RobotsFile::Found(String::from_utf8_lossy(&body).into_owned()),
            Ok(None) => RobotsFile::Missing,
            Err(e) => RobotsFile::Unavailable(e.to_string()),
        };
        let ttl = politeness::robots_ttl(&file);
        if let Some(shared) = &self.shared {
            shared.keep_robots(&origin, &file, ttl).await;
        }
        (file, ttl)
    }

    /// Fetches robots.txt: its text, `None` when there is none (4xx), an error when the site is
    /// failing (5xx), which RFC 9309 says means "disallow everything for now".
    async fn fetch_robots(&self, robots_url: Url) -> Result<Option<Bytes>> {
        match Box::pin(self.fetch_within(FetchRequest::new(robots_url, Purpose::Feed))).await {
            Ok(FetchOutcome::Fetched(f)) => Ok(Some(f.body)),
            Ok(FetchOutcome::NotModified { .. }) => Ok(None),
            Err(Error::Status { status, .. }) if (400..500).contains(&status) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn describe(&self, url: &Url, e: reqwest::Error) -> Error {
        let mut source: Option<&dyn std::error::Error> = Some(&e);
        while let Some(s) = source {
            if let Some(refusal) = s.downcast_ref::<guard::GuardRefusal>() {
                return Error::Refused { url: url.to_string(), reason: refusal.0.clone() };
            }
            source = s.source();
        }
        if e.is_timeout() {
            return Error::Timeout { url: url.to_string(), seconds: self.config.total_timeout.as_secs() };
        }
        let mut reason = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            reason = format!("{reason}: {s}");
            source = s.source();
        }
        Error::Network { url: url.to_string(), reason }
    }
}

/// Whether `user_agent` can be sent as one: printable ASCII on one line; the refusal says why.
pub fn check_user_agent(user_agent: &str) -> Result<(), String> {
    if !user_agent.trim().is_empty() && user_agent.chars().all(|c| c.is_ascii_graphic() || c == ' ') {
        Ok(())
    } else {
        Err(format!("{user_agent:?} cannot be sent as a user agent: use printable ASCII characters on one line"))
    }
}

fn check_page_type(url: &Url, content_type: Option<&str>) -> Result<()> {
    let Some(ct) = content_type else { return Ok(()) };
    let mime = ct.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if mime.is_empty() || mime.starts_with("text/") || mime.contains("html") || mime.contains("xml") {
        Ok(())
    } else {
        Err(Error::ContentType { url: url.to_string(), content_type: mime })
    }
}

/// Reads Retry-After as seconds or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = jiff::fmt::rfc2822::parse(v).ok()?.timestamp();
    let secs = (when - jiff::Timestamp::now()).as_secs();
    Some(Duration::from_secs(secs.max(0).unsigned_abs()))
}

/// Cache-Control max-age (s-maxage ignored: we are a private cache), else Expires.
fn freshness(headers: &HeaderMap) -> Option<Duration> {
    if let Some(cc) = headers.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()) {
        for directive in cc.split(',') {
            let d = directive.trim().to_ascii_lowercase();
            if d == "no-cache" || d == "no-store" {
                return Some(Duration::ZERO);
            }
            if let Some(secs) = d.strip_prefix("max-age=").and_then(|s| s.trim_matches('"').parse::<u64>().ok()) {
                return Some(Duration::from_secs(secs));
            }
        }
    }
    let expires = headers.get(header::EXPIRES)?.to_str().ok()?;
    let when = jiff::fmt::rfc2822::parse(expires).ok()?.timestamp();
    let secs = (when - jiff::Timestamp::now()).as_secs();
    Some(Duration::from_secs(secs.max(0).unsigned_abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds_is_read() {
        let mut h = HeaderMap::new();
        h.insert(header::RETRY_AFTER, "120".parse().unwrap_or_else(|_| unreachable!()));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(120)));
    }

    #[test]
    fn max_age_wins_over_expires() {
        let mut h = HeaderMap::new();
        h.insert(header::CACHE_CONTROL, "public, max-age=600".parse().unwrap_or_else(|_| unreachable!()));
        h.insert(header::EXPIRES, "Thu, 01 Jan 1970 00:00:00 GMT".parse().unwrap_or_else(|_| unreachable!()));
        assert_eq!(freshness(&h), Some(Duration::from_secs(600)));
    }

    #[test]
    fn images_are_not_article_pages() {
        let url = Url::parse("https://e.example/a").unwrap_or_else(|_| unreachable!());
        assert!(check_page_type(&url, Some("image/png")).is_err());
        assert!(check_page_type(&url, Some("text/html; charset=utf-8")).is_ok());
    }
}
