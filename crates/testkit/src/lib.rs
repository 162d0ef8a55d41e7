//! Test-only helpers: local servers that misbehave like real outlets do, free ports, a plain
//! HTTP getter and a small WebDriver client for browser tests. Never a dependency of shipped code.

mod browser;
mod hostile;
pub mod images;

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

pub use browser::Browser;
pub use hostile::{HostileOutlets, MARKUP_MARKER, hostile_feeds, nested_page};

/// A loopback port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(0)
}

/// Outlets that fail the ways real ones do: garbage instead of a feed, a feed that never
/// finishes answering, and an address where nothing listens.
#[derive(Debug)]
pub struct BadOutlets {
    /// Where the garbage and hanging outlets listen.
    pub addr: SocketAddr,
    /// A URL on a port where nothing listens.
    pub down_url: String,
    task: tokio::task::JoinHandle<()>,
}

impl BadOutlets {
    /// Starts them on loopback.
    pub async fn start() -> std::io::Result<Self> {
        let app = Router::new()
            .route(
                "/garbage.xml",
                get(|| async {
                    let junk: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8).collect();
                    ([(header::CONTENT_TYPE, "application/rss+xml")], junk).into_response()
                }),
            )
            .route(
                "/hang.xml",
                get(|| async {
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    "never"
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { addr, down_url: format!("http://127.0.0.1:{}/feed.xml", free_port()), task })
    }

    /// The outlet that answers garbage.
    pub fn garbage_url(&self) -> String {
        format!("http://{}/garbage.xml", self.addr)
    }

    /// The outlet that never finishes answering.
    pub fn hang_url(&self) -> String {
        format!("http://{}/hang.xml", self.addr)
    }
}

impl Drop for BadOutlets {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A test's HTTP client (tests talk to loopback only; shipped code uses `tidings-fetch`).
pub fn http() -> reqwest::Client {
    #[allow(clippy::disallowed_methods)] // test-only client for talking to our own servers
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).no_proxy().build();
    client.unwrap_or_default()
}

/// The same, showing redirects instead of following them (to see what a form post answers).
pub fn http_no_redirects() -> reqwest::Client {
    #[allow(clippy::disallowed_methods)] // test-only client for talking to our own servers
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build();
    client.unwrap_or_default()
}

/// Polls `url` until it answers 200 or `wait` passes.
pub async fn wait_until_up(url: &str, wait: Duration) -> bool {
    let client = http();
    let deadline = tokio::time::Instant::now() + wait;
    while tokio::time::Instant::now() < deadline {
        if client.get(url).send().await.is_ok_and(|r| r.status().is_success()) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}
