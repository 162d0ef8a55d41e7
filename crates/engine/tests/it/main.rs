//! The engine against real HTTP servers on loopback and a real SQLite database.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic in a test is a failed assertion

mod budgets;
mod copies;
mod demo_round;
mod scheduling;
mod stories;

use std::time::Duration;

use tidings_engine::{Engine, EngineConfig};
use tidings_fetch::{FetchConfig, Fetcher, NetworkPolicy};
use tidings_store::Store;

/// An engine on a fresh SQLite database in `dir`, allowed to reach loopback, with no
/// per-host delay (test servers share one host).
pub(crate) async fn local_engine(dir: &tempfile::TempDir) -> Engine {
    local_engine_with(dir, EngineConfig::default()).await
}

/// The same, with `config`.
pub(crate) async fn local_engine_with(dir: &tempfile::TempDir, config: EngineConfig) -> Engine {
    let store = Store::connect(&format!("sqlite://{}", dir.path().join("t.db").display())).await.unwrap();
    Engine::new(store, local_fetcher(), config)
}

/// A fetcher allowed to reach loopback, with no per-host delay.
pub(crate) fn local_fetcher() -> Fetcher {
    Fetcher::new(FetchConfig {
        min_host_delay: Duration::ZERO,
        network: NetworkPolicy { allow_private_networks: true, allowed_networks: vec![] },
        ..FetchConfig::default()
    })
    .unwrap()
}
