//! `tidings demo`: bundled outlets on loopback, subscribed, ingested and served.

use std::net::SocketAddr;
use std::time::Duration;

use jiff::Timestamp;
use tidings_demo::DemoOutlets;
use tidings_engine::{Engine, Subscription};
use tidings_fetch::{FetchConfig, Fetcher, NetworkPolicy};

use super::{open_store, print_summary, round_with_progress};
use crate::cli::Global;

pub(crate) async fn demo(global: &Global, listen: SocketAddr) -> anyhow::Result<()> {
    let now = Timestamp::now();
    let outlets = DemoOutlets::start(now).await?;
    // Without --data the demo keeps nothing: a fresh folder that is removed on exit.
    let (data, temp) = match &global.data {
        Some(d) => (d.clone(), None),
        None => {
            let t = tempfile::Builder::new().prefix("tidings-demo-").tempdir()?;
            (t.path().to_path_buf(), Some(t))
        }
    };
    let store = open_store(global, &data).await?;
    // The demo outlets live on loopback, so the demo allows private networks by name, and skips
    // the per-host delay because all six outlets share one local server.
    let fetcher = Fetcher::new(FetchConfig {
        network: NetworkPolicy { allow_private_networks: true, allowed_networks: vec![] },
        min_host_delay: Duration::ZERO,
        ..super::fetch_config(global)
    })?;
    let engine = Engine::new(store, fetcher, super::engine_config(global));
    let known = engine.store().outlets().await?;
    for (name, url) in outlets.feed_urls() {
        // A demo run on a kept --data folder finds its outlets by name: their port changes.
        match known.iter().find(|h| h.outlet.name == name) {
            Some(h) if h.feed.url != url => engine.store().set_feed_url(h.feed.id, &url).await?,
            Some(_) => {}
            None => {
                engine
                    .subscribe(
                        &Subscription {
                            url,
                            name: Some(name),
                            category: Some("Demo".to_string()),
                            ..Default::default()
                        },
                        now,
                    )
                    .await?;
            }
        }
    }
    let round = round_with_progress(&engine).await?;
    print_summary(&round);
    let banner = format!("Demo outlets are running at http://{}/ (data in {})", outlets.addr, data.display());
    let served = super::serve::serve_with(global, &data, engine, listen, Some(&banner)).await;
    drop(outlets);
    drop(temp);
    served
}
