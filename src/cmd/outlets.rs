//! Commands that manage outlets: add, import, export, list, resume.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Context, bail};
use indicatif::ProgressBar;
use jiff::Timestamp;
use tidings_core::OutletId;
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
