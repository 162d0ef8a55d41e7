//! Commands that manage outlets: add, import, export, list, settings, resume.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Context, bail};
use indicatif::ProgressBar;
use jiff::Timestamp;
use tidings_core::OutletId;
use tidings_engine::{OutletChanges, Subscription, change_outlet, export_opml, import_opml, settings_in_words};
use tidings_store::{OutletHealth, Store};

use super::{data_dir, engine, open_store};
use crate::cli::Global;

pub(crate) async fn add(global: &Global, sub: Subscription) -> anyhow::Result<()> {
    let engine = engine(global).await?;
    let added = engine.subscribe(&sub, Timestamp::now()).await?;
    println!("Following {} (outlet {}), feed {}", added.outlet.name, added.outlet.id, added.feed.url);
    println!("Its articles arrive with the next round of `tidings serve`, or now with `tidings fetch --once`.");
    engine.store().close().await;
    Ok(())
}

pub(crate) async fn import(global: &Global, file: &Path, full_text: bool) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file).with_context(|| format!("could not read {}", file.display()))?;
    let store = open_store(global, &data_dir(global)).await?;
    let bar = if std::io::stderr().is_terminal() { ProgressBar::new_spinner() } else { ProgressBar::hidden() };
    let done = import_opml(&store, &text, full_text, Timestamp::now(), &mut || bar.inc(1))
        .await
        .with_context(|| format!("could not import {}", file.display()))?;
    bar.finish_and_clear();
    println!("Imported {} outlets ({} were already followed, {} skipped).", done.added, done.existing, done.skipped);
    for note in &done.notes {
        println!("  note: {note}");
    }
    store.close().await;
    Ok(())
}

pub(crate) async fn export(global: &Global, output: Option<&Path>) -> anyhow::Result<()> {
    let store = open_store(global, &data_dir(global)).await?;
    let opml = export_opml(&store).await?;
    match output {
        Some(path) => std::fs::write(path, opml).with_context(|| format!("could not write {}", path.display()))?,
        None => print!("{opml}"),
    }
    store.close().await;
    Ok(())
}

pub(crate) async fn list(global: &Global) -> anyhow::Result<()> {
    let store = open_store(global, &data_dir(global)).await?;
    let outlets = store.outlets().await?;
    if outlets.is_empty() {
        println!("No outlets yet. Follow one with `tidings add URL`.");
        return Ok(());
    }
    let when =
        |t: Option<Timestamp>| t.map_or_else(|| "never".to_string(), |t| t.strftime("%Y-%m-%d %H:%M UTC").to_string());
    println!(
        "{:>4}  {:<28} {:<8} {:>8}  {:<20} {:<20} LAST ERROR",
        "ID", "OUTLET", "STATUS", "ARTICLES", "LAST FETCH", "NEXT FETCH"
    );
    for h in outlets {
        let status = h.feed.status().as_str();
        let next = if h.feed.paused_reason.is_some() { "paused".to_string() } else { when(Some(h.feed.next_fetch_at)) };
        let error = h.feed.paused_reason.as_deref().or(h.feed.last_error.as_deref()).unwrap_or("-");
        let name: String = h.outlet.name.chars().take(28).collect();
        println!(
            "{:>4}  {:<28} {:<8} {:>8}  {:<20} {:<20} {}",
            h.outlet.id,
            name,
            status,
            h.article_count,
            when(h.feed.last_fetch_at),
            next,
            error
        );
        let settings = settings_in_words(&h);
        if !settings.is_empty() {
            println!("      settings: {}", settings.join("; "));
        }
    }
    store.close().await;
    Ok(())
}

pub(crate) async fn full_text(global: &Global, id: i64, on: bool) -> anyhow::Result<()> {
    let store = open_store(global, &data_dir(global)).await?;
    let h = changed(&store, id, &OutletChanges { full_text: Some(on), ..OutletChanges::default() }).await?;
    let what = if on { "fetches each article's page" } else { "keeps its feed's own text" };
    println!("{} now {what}, from its next round on.", h.outlet.name);
    store.close().await;
    Ok(())
}

/// Applies `changes` to outlet `id`, saying which outlet is missing if it is.
async fn changed(store: &Store, id: i64, changes: &OutletChanges) -> anyhow::Result<OutletHealth> {
    match change_outlet(store, OutletId(id), changes).await {
        Ok(h) => Ok(h),
        Err(tidings_engine::Error::Store(tidings_store::Error::NotFound(_))) => {
            bail!("there is no outlet {id}; `tidings outlets` lists them")
        }
        Err(e) => Err(e.into()),
    }
}

/// `tidings outlets set`: what is given changes, the rest stays; "" clears a category, selector
/// or user agent.
pub(crate) async fn set(global: &Global, id: i64, changes: OutletChanges) -> anyhow::Result<()> {
    if changes.is_empty() {
        bail!(
            "say what to change: --name NAME, --category NAME, --full-text on|off, --selector CSS or --user-agent UA"
        );
    }
    changes.check()?;
    let store = open_store(global, &data_dir(global)).await?;
    let h = changed(&store, id, &changes).await?;
    let settings = settings_in_words(&h);
    let now = if settings.is_empty() { "fetched as Tidings does by default".to_string() } else { settings.join("; ") };
    println!("{} (outlet {id}): {now}, from its next round on.", h.outlet.name);
    store.close().await;
    Ok(())
}

pub(crate) async fn resume(global: &Global, id: i64) -> anyhow::Result<()> {
    let store = open_store(global, &data_dir(global)).await?;
    let h = match store.outlet(OutletId(id)).await {
        Ok(h) => h,
        Err(tidings_store::Error::NotFound(_)) => bail!("there is no outlet {id}; `tidings outlets` lists them"),
        Err(e) => return Err(e.into()),
    };
    store.resume_feed(h.feed.id, Timestamp::now()).await?;
    println!("Resumed {}; it will be fetched in the next round.", h.outlet.name);
    store.close().await;
    Ok(())
}

pub(crate) async fn categories(global: &Global) -> anyhow::Result<()> {
    let store = open_store(global, &data_dir(global)).await?;
    let categories = store.categories().await?;
    if categories.is_empty() {
        println!("No categories yet. `tidings outlets set ID --category NAME` files an outlet in one.");
    }
    for c in categories {
        println!("{:>4} outlet{}  {}", c.outlets, if c.outlets == 1 { " " } else { "s" }, c.name);
    }
    store.close().await;
    Ok(())
}

pub(crate) async fn rename_category(global: &Global, from: &str, to: &str) -> anyhow::Result<()> {
    let store = open_store(global, &data_dir(global)).await?;
    let moved = tidings_engine::rename_category(&store, from, to).await?;
    if moved == 0 {
        bail!("there is no category {from:?}; `tidings categories` lists them");
    }
    let to = to.trim();
    if to.is_empty() {
        println!("Took {moved} outlet(s) out of {from:?}.");
    } else {
        println!("Moved {moved} outlet(s) from {from:?} to {to:?}.");
    }
    store.close().await;
    Ok(())
}
