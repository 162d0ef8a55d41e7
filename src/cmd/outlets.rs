//! Commands that manage outlets: add, import, export, list, settings, resume.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Context, bail};
use indicatif::ProgressBar;
use jiff::Timestamp;
use tidings_core::{Outlet, OutletId};
use tidings_engine::Subscription;
use tidings_feed::{OpmlOutline, parse_opml, write_opml};
use tidings_store::NewOutlet;

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
    let doc = parse_opml(&text).with_context(|| format!("could not import {}", file.display()))?;
    let store = open_store(global, &data_dir(global)).await?;
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::new(doc.outlines.len() as u64)
    } else {
        ProgressBar::hidden()
    };
    let (mut added, mut existing, mut skipped) = (0, 0, Vec::new());
    for o in &doc.outlines {
        bar.inc(1);
        let url = match url::Url::parse(&o.xml_url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => u,
            _ => {
                skipped.push(format!("{}: {:?} is not an http(s) URL", o.title, o.xml_url));
                continue;
            }
        };
        let new =
            NewOutlet { name: o.title.clone(), site_url: o.html_url.clone(), category: o.category.clone(), full_text };
        match store.add_outlet(&new, url.as_str(), Timestamp::now()).await {
            Ok(_) => added += 1,
            Err(tidings_store::Error::Conflict(_)) => existing += 1,
            Err(e) => return Err(e).context("could not store the imported outlets"),
        }
    }
    bar.finish_and_clear();
    println!("Imported {added} outlets ({existing} were already followed, {} skipped).", skipped.len());
    for w in doc.warnings.iter().chain(&skipped) {
        println!("  note: {w}");
    }
    store.close().await;
    Ok(())
}

pub(crate) async fn export(global: &Global, output: Option<&Path>) -> anyhow::Result<()> {
    let store = open_store(global, &data_dir(global)).await?;
    let outlines: Vec<OpmlOutline> = store
        .outlets()
        .await?
        .into_iter()
        .map(|h| OpmlOutline {
            title: h.outlet.name,
            xml_url: h.feed.url,
            html_url: h.outlet.site_url,
            category: h.outlet.category,
        })
        .collect();
    let opml = write_opml("Tidings subscriptions", &outlines);
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
        let settings = settings(&h.outlet);
        if !settings.is_empty() {
            println!("      settings: {}", settings.join("; "));
        }
    }
    store.close().await;
    Ok(())
}

pub(crate) async fn full_text(global: &Global, id: i64, on: bool) -> anyhow::Result<()> {
    let store = open_store(global, &data_dir(global)).await?;
    match store.set_full_text(OutletId(id), on).await {
        Ok(()) => {}
        Err(tidings_store::Error::NotFound(_)) => bail!("there is no outlet {id}; `tidings outlets` lists them"),
        Err(e) => return Err(e.into()),
    }
    let h = store.outlet(OutletId(id)).await?;
    let what = if on { "fetches each article's page" } else { "keeps its feed's own text" };
    println!("{} now {what}, from its next round on.", h.outlet.name);
    store.close().await;
    Ok(())
}

/// An outlet's settings that differ from the defaults, in words.
fn settings(outlet: &Outlet) -> Vec<String> {
    let mut said = Vec::new();
    if !outlet.full_text {
        said.push("keeps its feed's own text".to_string());
    }
    if let Some(css) = &outlet.selector {
        said.push(format!("article body {css:?}"));
    }
    if let Some(ua) = &outlet.user_agent {
        said.push(format!("user agent {ua:?}"));
    }
    said
}

/// `tidings outlets set`: what is given changes, the rest stays; "" clears a selector or user
/// agent.
pub(crate) async fn set(
    global: &Global,
    id: i64,
    full_text: Option<bool>,
    selector: Option<&str>,
    user_agent: Option<&str>,
) -> anyhow::Result<()> {
    if full_text.is_none() && selector.is_none() && user_agent.is_none() {
        bail!("say what to change: --full-text on|off, --selector CSS or --user-agent UA");
    }
    if let Some(css) = selector.filter(|s| !s.is_empty()) {
        tidings_html::check_selector(css).map_err(|e| anyhow::anyhow!("--selector: {e}"))?;
    }
    if let Some(ua) = user_agent.filter(|s| !s.is_empty()) {
        tidings_fetch::check_user_agent(ua).map_err(|e| anyhow::anyhow!("--user-agent: {e}"))?;
    }
    let store = open_store(global, &data_dir(global)).await?;
    let outlet = OutletId(id);
    let done = match full_text {
        Some(on) => store.set_full_text(outlet, on).await,
        None => Ok(()),
    };
    let done = match done {
        Ok(()) => store.set_outlet_fetching(outlet, selector, user_agent).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(()) => {}
        Err(tidings_store::Error::NotFound(_)) => bail!("there is no outlet {id}; `tidings outlets` lists them"),
        Err(e) => return Err(e.into()),
    }
    let h = store.outlet(outlet).await?;
    let settings = settings(&h.outlet);
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
