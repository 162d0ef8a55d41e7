//! The bundled demo outlets: six invented news sites, each with its own feed format and page
//! chrome, served on loopback so `tidings demo` and the end-to-end tests run with no network.
//!
//! The articles in `data/articles.txt` were written for Tidings. Depends on no Tidings crate.

mod catalog;
mod pages;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jiff::Timestamp;
use tokio_util::sync::CancellationToken;

pub use catalog::{Catalog, DemoArticle, DemoOutlet, FeedKind, catalog};

/// What went wrong starting the demo outlets.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The bundled data is malformed (a build defect).
    #[error("the bundled demo data is malformed at line {line}: {reason}")]
    Data {
        /// 1-based line.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// The loopback listener could not be opened.
    #[error("could not open a loopback port for the demo outlets: {0}")]
    Listen(#[from] std::io::Error),
}

/// Result with this crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The demo outlets, running.
#[derive(Debug)]
pub struct DemoOutlets {
    /// Where they listen.
    pub addr: SocketAddr,
    /// The catalogue served.
    pub catalog: Arc<Catalog>,
    requests: Arc<Requests>,
    stop: CancellationToken,
}

/// What the demo outlets have been asked for since they started.
#[derive(Debug, Default)]
struct Requests {
    feeds: AtomicUsize,
    articles: AtomicUsize,
    /// Requests being answered now, and the most ever answered at once (the six outlets are one
    /// host, so a polite reader keeps this at one).
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    /// How long each answer takes, in microseconds.
    latency_micros: AtomicU64,
    /// Each user agent that asked for something.
    user_agents: std::sync::Mutex<std::collections::BTreeSet<String>>,
}

impl DemoOutlets {
    /// Starts the demo outlets on a free loopback port; articles are dated relative to `now`.
    pub async fn start(now: Timestamp) -> Result<Self> {
        let catalog = Arc::new(catalog()?);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let stop = CancellationToken::new();
        let requests = Arc::new(Requests::default());
        let app =
            router(Site { catalog: catalog.clone(), now, base: format!("http://{addr}"), requests: requests.clone() });
        let token = stop.clone();
        tokio::spawn(async move {
            let served = axum::serve(listener, app).with_graceful_shutdown(token.cancelled_owned()).await;
            if let Err(e) = served {
                tracing::error!(error = %e, "demo outlets stopped");
            }
        });
        Ok(Self { addr, catalog, requests, stop })
    }

    /// How many times feeds and article pages have been served: (feeds, article pages).
    pub fn requests_served(&self) -> (usize, usize) {
        (self.requests.feeds.load(Ordering::Relaxed), self.requests.articles.load(Ordering::Relaxed))
    }

    /// The most requests (robots.txt, feeds, pages) the outlets were answering at once. They are
    /// all one host, so a reader that keeps one request at a time per host keeps this at one.
    pub fn max_in_flight(&self) -> usize {
        self.requests.max_in_flight.load(Ordering::SeqCst)
    }

    /// The user agents that asked for something, each once.
    pub fn user_agents(&self) -> Vec<String> {
        self.requests.user_agents.lock().map(|agents| agents.iter().cloned().collect()).unwrap_or_default()
    }

    /// Makes every answer take `latency` from now on, as a distant server's would, so that
    /// requests overlap when a reader does not wait for one to end before sending the next.
    pub fn set_latency(&self, latency: Duration) {
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        self.requests.latency_micros.store(micros, Ordering::Relaxed);
    }

    /// The feed URL of each outlet, with its name.
    pub fn feed_urls(&self) -> Vec<(String, String)> {
        self.catalog
            .outlets
            .iter()
            .map(|o| (o.name.to_string(), format!("http://{}{}", self.addr, o.feed_path())))
            .collect()
    }

    /// The home page URL of an outlet (it advertises the feed, for discovery).
    pub fn home_url(&self, slug: &str) -> String {
        format!("http://{}/{slug}/", self.addr)
    }
}

impl Drop for DemoOutlets {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

#[derive(Clone)]
struct Site {
    catalog: Arc<Catalog>,
    now: Timestamp,
    base: String,
    requests: Arc<Requests>,
}

fn router(site: Site) -> Router {
    let requests = site.requests.clone();
    Router::new()
        .route("/robots.txt", get(|| async { "User-agent: *\nAllow: /\n" }))
        .route("/{outlet}/", get(home))
        .route("/{outlet}/{file}", get(feed))
        .route("/{outlet}/articles/{slug}", get(article))
        .with_state(site)
        .layer(axum::middleware::from_fn_with_state(requests, count_in_flight))
}

/// Counts the requests being answered, keeps the most at once, and waits the set latency.
async fn count_in_flight(State(requests): State<Arc<Requests>>, request: Request, next: Next) -> Response {
    /// Ends the count when the answer is made or the client goes away (a killed reader).
    struct Answering(Arc<Requests>);
    impl Drop for Answering {
        fn drop(&mut self) {
            self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
        }
    }
    if let Some(agent) = request.headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok())
        && let Ok(mut agents) = requests.user_agents.lock()
    {
        agents.insert(agent.to_string());
    }
    let now = requests.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    requests.max_in_flight.fetch_max(now, Ordering::SeqCst);
    let _answering = Answering(requests.clone());
    let latency = requests.latency_micros.load(Ordering::Relaxed);
    if latency > 0 {
        tokio::time::sleep(Duration::from_micros(latency)).await;
    }
    next.run(request).await
}

async fn home(State(site): State<Site>, Path(outlet): Path<String>) -> Response {
    match site.catalog.outlet(&outlet) {
        Some(o) => html(pages::home_page(&site.catalog, o, &site.base, site.now)),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn feed(State(site): State<Site>, Path((outlet, file)): Path<(String, String)>) -> Response {
    let Some(o) = site.catalog.outlet(&outlet) else { return StatusCode::NOT_FOUND.into_response() };
    if o.feed_path() != format!("/{outlet}/{file}") {
        return StatusCode::NOT_FOUND.into_response();
    }
    site.requests.feeds.fetch_add(1, Ordering::Relaxed);
    let body = pages::feed_document(&site.catalog, o, &site.base, site.now);
    ([(header::CONTENT_TYPE, o.feed.content_type())], body).into_response()
}

async fn article(State(site): State<Site>, Path((outlet, slug)): Path<(String, String)>) -> Response {
    let Some(o) = site.catalog.outlet(&outlet) else { return StatusCode::NOT_FOUND.into_response() };
    match site.catalog.articles.iter().find(|a| a.outlet == o.slug && a.slug == slug) {
        Some(a) => {
            site.requests.articles.fetch_add(1, Ordering::Relaxed);
            html(pages::article_page(&site.catalog, o, a, &site.base, site.now))
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

fn html(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}
