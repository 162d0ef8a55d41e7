//! One function per command.

mod cluster;
mod comments;
mod demo;
mod extract;
mod feed;
mod operations;
mod outlets;
mod reextract;
mod search;
mod serve;
mod tokens;
mod transfer;
pub(crate) mod users;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use jiff::Timestamp;
use tidings_engine::{Engine, EngineConfig, OutletChanges, RoundReport, Subscription};
use tidings_fetch::{FetchConfig, Fetcher, NetworkPolicy};
use tidings_store::Store;

use crate::cli::{
    CategoriesCommand, Cli, Command, CommentsCommand, FeedCommand, Global, OutletsCommand, Switch, TokenCommand,
    UserCommand,
};

pub(crate) async fn run(cli: Cli) -> anyhow::Result<()> {
    let global = cli.global;
    match cli.command {
        Command::Serve { listen } => serve::serve(&global, listen).await,
        Command::Web { listen } => serve::web(&global, listen).await,
        Command::Worker { metrics_listen } => serve::worker(&global, metrics_listen).await,
        Command::Fetch { once } => fetch(&global, once).await,
        Command::Add { url, name, category, no_full_text } => {
            outlets::add(&global, Subscription { url, name, category, feed_text_only: no_full_text }).await
        }
        Command::Import { file, no_full_text } => {
            if transfer::is_export(&file)? {
                transfer::import(&global, &file).await
            } else {
                outlets::import(&global, &file, !no_full_text).await
            }
        }
        Command::Export { output } => transfer::export(&global, output.as_deref()).await,
        Command::FullText { id, setting } => outlets::full_text(&global, id, setting == Switch::On).await,
        Command::ExportOpml { output } => outlets::export(&global, output.as_deref()).await,
        Command::Outlets { action: None } => outlets::list(&global).await,
        Command::Outlets {
            action: Some(OutletsCommand::Set { id, name, category, full_text, selector, user_agent }),
        } => {
            let full_text = full_text.map(|s| s == Switch::On);
            outlets::set(&global, id, OutletChanges { name, category, full_text, selector, user_agent }).await
        }
        Command::Resume { id } => outlets::resume(&global, id).await,
        Command::Categories { action: None } => outlets::categories(&global).await,
        Command::Categories { action: Some(CategoriesCommand::Rename { from, to }) } => {
            outlets::rename_category(&global, &from, &to).await
        }
        Command::Demo { listen } => demo::demo(&global, listen).await,
        Command::User(UserCommand::Add { name, admin, password_stdin }) => {
            users::add(&global, &name, admin, password_stdin).await
        }
        Command::User(UserCommand::List) => users::list(&global).await,
        Command::Comments(CommentsCommand::Erase { email }) => comments::erase(&global, &email).await,
        Command::Comments(CommentsCommand::Block { kind, value, spam }) => {
            comments::block(&global, &kind, &value, spam).await
        }
        Command::Comments(CommentsCommand::Unblock { kind, value }) => comments::unblock(&global, &kind, &value).await,
        Command::Comments(CommentsCommand::Blocks) => comments::blocks(&global).await,
        Command::Token(TokenCommand::Add { user, name }) => tokens::add(&global, &user, &name).await,
        Command::Token(TokenCommand::List { user }) => tokens::list(&global, &user).await,
        Command::Token(TokenCommand::Revoke { user, id }) => tokens::revoke(&global, &user, id).await,
        Command::Token(TokenCommand::Fever { user, password_stdin }) => {
            tokens::fever(&global, &user, password_stdin).await
        }
        Command::Migrate => operations::migrate(&global).await,
        Command::Backup { file } => operations::backup(&global, &file).await,
        Command::User(UserCommand::Passwd { name, password_stdin }) => {
            users::passwd(&global, &name, password_stdin).await
        }
        Command::Feed(FeedCommand::Parse { json, files }) => feed::parse(json, &files),
        Command::Reextract { outlet, since } => reextract::reextract(&global, outlet, since.as_deref()).await,
        Command::Search { query, json, limit } => search::search(&global, &query, json, limit).await,
        Command::Reindex => search::reindex(&global).await,
        Command::Cluster { jsonl, threshold } => cluster::jsonl(&jsonl, threshold),
        Command::Extract { input, format, jsonl, jobs } => match (input, jsonl) {
            (_, Some(dir)) => extract::folder(&dir, jobs),
            (Some(input), None) => extract::one(&global, &input, format).await,
            (None, None) => anyhow::bail!("give a file or URL, or --jsonl DIR"),
        },
    }
}

/// The data folder: as given, else `./tidings-data`.
fn data_dir(global: &Global) -> PathBuf {
    global.data.clone().unwrap_or_else(|| PathBuf::from("tidings-data"))
}

/// Opens the database (creating the data folder for SQLite).
async fn open_store(global: &Global, data: &Path) -> anyhow::Result<Store> {
    if global.database.is_none() {
        std::fs::create_dir_all(data)
            .with_context(|| format!("could not create the data folder {}", data.display()))?;
    }
    let url = global.database_url(data);
    Store::connect(&url).await.with_context(|| format!("could not open the database at {url}"))
}

pub(crate) fn fetch_config(global: &Global) -> FetchConfig {
    FetchConfig {
        network: NetworkPolicy { allow_private_networks: global.allow_private_networks, allowed_networks: vec![] },
        total_timeout: Duration::from_secs(global.fetch_timeout.max(1)),
        min_host_delay: Duration::try_from_secs_f64(global.host_delay).unwrap_or(Duration::from_secs(1)),
        ..FetchConfig::default()
    }
}

async fn engine(global: &Global) -> anyhow::Result<Engine> {
    let store = open_store(global, &data_dir(global)).await?;
    let fetcher = Fetcher::new(fetch_config(global))?;
    Ok(Engine::new(store, fetcher, engine_config(global)))
}

pub(crate) fn engine_config(global: &Global) -> EngineConfig {
    EngineConfig {
        feed_budget: Duration::from_secs(global.feed_budget.max(1)),
        concurrency: global.feeds_at_once.clamp(1, 256),
        ..EngineConfig::default()
    }
}

/// Runs one round over every outlet, with a progress bar on a terminal, and prints a summary.
pub(crate) async fn round_with_progress(engine: &Engine) -> anyhow::Result<RoundReport> {
    let now = Timestamp::now();
    let total = engine.due_count(now, true).await?;
    let bar = if std::io::stderr().is_terminal() { ProgressBar::new(total as u64) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("{spinner} fetching outlets [{bar:30}] {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    let round = engine
        .run_round(now, true, &|report| {
            bar.set_message(report.outlet.clone());
            bar.inc(1);
        })
        .await?;
    bar.finish_and_clear();
    Ok(round)
}

pub(crate) fn print_summary(round: &RoundReport) {
    let failed = round.outlets_failed();
    println!(
        "Fetched {} outlets: {} ok, {} failed; {} new articles.",
        round.feeds.len(),
        round.outlets_ok(),
        failed.len(),
        round.articles_new()
    );
    for (outlet, reason) in failed {
        println!("  failed: {outlet}: {reason}");
    }
    for f in &round.feeds {
        for w in &f.warnings {
            println!("  note: {}: {w}", f.outlet);
        }
    }
}

pub(crate) async fn fetch(global: &Global, once: bool) -> anyhow::Result<()> {
    let engine = engine(global).await?;
    if once {
        let round = round_with_progress(&engine).await?;
        print_summary(&round);
        engine.store().close().await;
        return Ok(());
    }
    let cancel = tokio_util::sync::CancellationToken::new();
    let worker = {
        let engine = engine.clone();
        let cancel = cancel.clone();
        tokio::spawn(async move { engine.run_until(cancel, &|| {}).await })
    };
    tracing::info!("fetching due outlets until interrupted (Ctrl-C)");
    serve::shutdown_signal().await;
    cancel.cancel();
    worker.await.context("the fetch worker stopped unexpectedly")?;
    engine.store().close().await;
    Ok(())
}
