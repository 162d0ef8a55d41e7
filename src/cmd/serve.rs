//! `tidings serve`: the site and the workers in one process.

use std::net::SocketAddr;
use std::path::Path;

use anyhow::Context;
use jiff::{SignedDuration, Timestamp};
use tidings_web::{ServerLimits, WorkerWatch};
use tokio_util::sync::CancellationToken;

use super::engine;
use crate::cli::Global;
use tidings_engine::Engine;

pub(crate) async fn serve(global: &Global, listen: SocketAddr) -> anyhow::Result<()> {
    let engine = engine(global).await?;
    serve_with(global, &super::data_dir(global), engine, listen, None).await
}

/// The site's signing key for form tokens, kept in the data folder (made on first use, readable
/// by its owner only), so that forms stay valid across restarts.
fn site_key(data: &Path) -> anyhow::Result<[u8; 32]> {
    let path = data.join("site.key");
    if let Ok(bytes) = std::fs::read(&path)
        && let Ok(key) = <[u8; 32]>::try_from(bytes.as_slice())
    {
        return Ok(key);
    }
    let key = super::users::random::<32>()?;
    std::fs::create_dir_all(data).with_context(|| format!("could not create the data folder {}", data.display()))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path).with_context(|| format!("could not write the site key {}", path.display()))?;
    std::io::Write::write_all(&mut file, &key)
        .with_context(|| format!("could not write the site key {}", path.display()))?;
    Ok(key)
}

/// Serves the site from `engine`'s store and runs its workers until Ctrl-C or SIGTERM.
pub(crate) async fn serve_with(
    global: &Global,
    data: &Path,
    engine: Engine,
    listen: SocketAddr,
    banner: Option<&str>,
) -> anyhow::Result<()> {
    let listener =
        tokio::net::TcpListener::bind(listen).await.with_context(|| format!("could not listen on {listen}"))?;
    let cancel = CancellationToken::new();
    let (index, keeper) = super::search::kept_index(engine.store(), data).await?;
    let engine = engine.with_search(keeper.clone());
    let indexing = tokio::spawn(keeper.run(cancel.clone()));
    // The worker beats as each feed finishes and at every tick; a round's feeds run several at
    // a time, each within its budget, so silence past a few budgets means it is stuck.
    let config = engine.config();
    let stall_after = 3 * (config.feed_budget + config.tick);
    let watch = WorkerWatch::new(
        Timestamp::now(),
        SignedDuration::try_from(stall_after).unwrap_or(SignedDuration::from_hours(1)),
    );
    let worker = {
        let engine = engine.clone();
        let cancel = cancel.clone();
        let watch = watch.clone();
        tokio::spawn(async move { engine.run_until(cancel, &|| watch.beat(Timestamp::now())).await })
    };
    let supervisor = {
        let watch = watch.clone();
        let cancel = cancel.clone();
        tokio::spawn(async move {
            let why = match worker.await {
                Ok(()) if cancel.is_cancelled() => return,
                Ok(()) => "it returned without being asked to".to_string(),
                Err(e) => format!("it failed: {e}"),
            };
            tracing::error!(%why, "the fetching worker stopped; the site keeps serving, /healthz reports it");
            watch.stopped(why);
        })
    };
    site(global, data, &engine, listener, banner, Some(watch), index, cancel.clone()).await?;
    cancel.cancel();
    supervisor.await.context("the fetch worker's supervisor stopped unexpectedly")?;
    indexing.await.context("the search indexing task stopped unexpectedly")?;
    engine.store().close().await;
    Ok(())
}

/// `tidings web`: the site alone, for a node beside `tidings worker` processes that share its
/// PostgreSQL database. It keeps its own search index in step with the store.
pub(crate) async fn web(global: &Global, listen: SocketAddr) -> anyhow::Result<()> {
    let data = super::data_dir(global);
    // The site's own engine fetches only when an operator adds an outlet; the workers fetch
    // the rest.
    let engine = engine(global).await?;
    let store = engine.store().clone();
    let listener =
        tokio::net::TcpListener::bind(listen).await.with_context(|| format!("could not listen on {listen}"))?;
    let cancel = CancellationToken::new();
    let (index, keeper) = super::search::kept_index(&store, &data).await?;
    let indexing = tokio::spawn(keeper.run(cancel.clone()));
    site(global, &data, &engine, listener, None, None, index, cancel.clone()).await?;
    cancel.cancel();
    indexing.await.context("the search indexing task stopped unexpectedly")?;
    store.close().await;
    Ok(())
}

/// Serves the site on `listener` until Ctrl-C or SIGTERM, then cancels `stop`. `worker` is the
/// in-process fetching worker's heartbeat, which `/healthz` reports on, when there is one.
#[allow(clippy::too_many_arguments)] // each is one part of the site, named where it is called
async fn site(
    global: &Global,
    data: &Path,
    engine: &Engine,
    listener: tokio::net::TcpListener,
    banner: Option<&str>,
    worker: Option<WorkerWatch>,
    index: tidings_search::SearchIndex,
    stop: CancellationToken,
) -> anyhow::Result<()> {
    let addr = listener.local_addr()?;
    let mut state = tidings_web::AppState::new(engine.store().clone())
        .with_engine(engine.clone())
        .with_form_key(site_key(data)?)
        .with_site_name(&global.site_name)
        .with_signup(!global.signup_closed)
        .with_search(index)
        .with_comment_rules(comment_rules(global))
        .with_api_limits(tidings_web::ApiLimits::new(global.api_requests_per_minute))
        .with_images(image_proxy(global, data)?);
    if let Some(watch) = worker {
        state = state.with_worker(watch);
    }
    if let Some(token) = &global.metrics_token {
        state = state.with_metrics(token, metrics_render()?);
    }
    state.load_settings().await.context("the site settings could not be read from the database")?;
    let app = tidings_web::router(state);
    if let Some(b) = banner {
        println!("{b}");
    }
    println!("Tidings is serving at http://{addr}/ (Ctrl-C to stop)");
    tidings_web::serve(listener, app, ServerLimits::default(), async move {
        shutdown_signal().await;
        stop.cancel();
    })
    .await
    .context("the web server stopped")
}

/// The image proxy: its own fetcher (images are capped at 10 MiB and wait only a short
/// moment for a host's turn: a reader is waiting) and its folder.
fn image_proxy(global: &Global, data: &Path) -> anyhow::Result<tidings_web::ImageProxy> {
    let fetcher = tidings_fetch::Fetcher::new(tidings_fetch::FetchConfig {
        max_body_bytes: tidings_web::MAX_IMAGE_BYTES,
        total_timeout: std::time::Duration::from_secs(global.fetch_timeout.clamp(1, 15)),
        min_host_delay: std::time::Duration::from_millis(100),
        max_wait: std::time::Duration::from_secs(10),
        ..super::fetch_config(global)
    })?;
    let cache = tidings_web::ImageCacheConfig {
        dir: global.image_cache.clone().unwrap_or_else(|| data.join("images")),
        max_bytes: global.image_cache_mb.saturating_mul(1024 * 1024),
    };
    Ok(tidings_web::ImageProxy::new(fetcher, cache))
}

/// The comment limits the operator chose.
pub(crate) fn comment_rules(global: &Global) -> tidings_web::CommentRules {
    tidings_web::CommentRules {
        per_address: global.comments_per_address,
        per_email: global.comments_per_email,
        min_fill_secs: global.comment_min_fill.max(0),
        ..tidings_web::CommentRules::default()
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

/// `tidings worker`: the fetching worker alone, serving `/metrics` on `metrics_listen` when a
/// metrics token is set.
pub(crate) async fn worker(global: &Global, metrics_listen: Option<SocketAddr>) -> anyhow::Result<()> {
    let Some(listen) = metrics_listen else { return super::fetch(global, false).await };
    let token = global
        .metrics_token
        .as_deref()
        .context("--metrics-listen needs a --metrics-token (or TIDINGS_METRICS_TOKEN) for scrapers to send")?;
    let listener =
        tokio::net::TcpListener::bind(listen).await.with_context(|| format!("could not listen on {listen}"))?;
    let app = tidings_web::metrics_router(token, metrics_render()?);
    tracing::info!(%listen, "serving /metrics");
    let metrics = tokio::spawn(async move { axum::serve(listener, app).await });
    let fetched = super::fetch(global, false).await;
    metrics.abort();
    fetched
}

/// This process's metrics as Prometheus text; the recorder is installed on first use.
fn metrics_render() -> anyhow::Result<tidings_web::RenderMetrics> {
    static HANDLE: std::sync::OnceLock<metrics_exporter_prometheus::PrometheusHandle> = std::sync::OnceLock::new();
    let handle = match HANDLE.get() {
        Some(handle) => handle.clone(),
        None => {
            let handle = metrics_exporter_prometheus::PrometheusBuilder::new()
                .set_buckets(&[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0])
                .context("the metrics' histogram buckets are invalid")?
                .install_recorder()
                .context("could not install the metrics recorder")?;
            let _ = HANDLE.set(handle.clone());
            // Without the exporter's own listener, histograms are drained here.
            let upkeep = handle.clone();
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                    upkeep.run_upkeep();
                }
            });
            handle
        }
    };
    Ok(std::sync::Arc::new(move || handle.render()))
}
