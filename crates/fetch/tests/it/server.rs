//! Local servers that behave like the web does on a bad day, counting what reaches them.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use tidings_fetch::{FetchConfig, Fetcher, IpNet, NetworkPolicy};

/// Counts requests and the most that were in flight at once.
#[derive(Debug, Default)]
pub struct Counters {
    pub requests: AtomicUsize,
    pub in_flight: AtomicUsize,
    pub max_in_flight: AtomicUsize,
}

impl Counters {
    pub fn enter(&self) {
        self.requests.fetch_add(1, Ordering::SeqCst);
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
    }
    pub fn leave(&self) {
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// Serves `app` on `ip`:0 and returns its address.
pub async fn serve_on(ip: &str, app: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind(format!("{ip}:0")).await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    addr
}

/// A raw TCP listener that only counts the connections it accepts.
pub async fn counting_listener(ip: &str) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind(format!("{ip}:0")).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        while let Ok((_sock, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
        }
    });
    (addr, count)
}

/// A fetcher whose guard admits only `addr`'s own IP, with short limits for tests.
pub fn fetcher_for(addr: SocketAddr) -> Fetcher {
    let only: IpNet = IpNet::from(addr.ip());
    Fetcher::new(FetchConfig {
        total_timeout: Duration::from_secs(2),
        min_host_delay: Duration::ZERO,
        max_body_bytes: 1024 * 1024,
        network: NetworkPolicy { allow_private_networks: false, allowed_networks: vec![only] },
        ..FetchConfig::default()
    })
    .unwrap()
}
