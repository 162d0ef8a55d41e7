//! `tidings search` and `tidings reindex`, and the index a server keeps in step.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use tidings_core::ArticleId;
use tidings_engine::{SearchKeeper, search_doc};
use tidings_search::{Indexer, SearchIndex, SearchRequest};
use tidings_store::Store;

use super::{data_dir, open_store};
use crate::cli::Global;

/// Memory for documents not yet written out, per indexing thread.
const INDEX_HEAP: usize = 64 * 1024 * 1024;
/// Articles read from the store at a time by a rebuild.
const REINDEX_BATCH: i64 = 2_000;

/// The index folder inside the data folder.
fn index_dir(data: &Path) -> PathBuf {
    data.join("search")
}

/// Opens the data folder's index.
pub(crate) fn open_index(data: &Path) -> anyhow::Result<SearchIndex> {
    Ok(SearchIndex::open(&index_dir(data))?)
}

/// The index of `data`, caught up with the store, with its keeper (which `serve` runs, and the
/// engine wakes after each article it stores).
pub(crate) async fn kept_index(store: &Store, data: &Path) -> anyhow::Result<(SearchIndex, Arc<SearchKeeper>)> {
    let index = open_index(data)?;
    let indexer = index.indexer(INDEX_HEAP, 1)?;
    let keeper = Arc::new(SearchKeeper::new(store.clone(), &index, indexer)?);
    let caught_up = keeper.step().await.context("could not bring the search index up to date")?;
    if caught_up > 0 {
        tracing::info!(articles = caught_up, "the search index caught up with the store");
    }
    Ok((index, keeper))
}

/// `tidings search QUERY`: the first page of results, as the site shows them.
pub(crate) async fn search(global: &Global, query: &str, json: bool, limit: usize) -> anyhow::Result<()> {
    let data = data_dir(global);
    let store = open_store(global, &data).await?;
    let index = match kept_index(&store, &data).await {
        Ok((index, _keeper)) => index,
        // A running server keeps it in step.
        Err(e) if matches!(e.downcast_ref(), Some(tidings_search::Error::Busy(_))) => open_index(&data)?,
        Err(e) => return Err(e),
    };
    let request = SearchRequest { query: query.to_string(), ..SearchRequest::default() };
    let found = tidings_web::search::find(&store, &index, &request, 1, limit.max(1))
        .await
        .map_err(|e| anyhow::anyhow!("the search failed: {e}"))?
        .map_err(|message| anyhow::anyhow!(message))?;
    if json {
        let rows: Vec<serde_json::Value> = found
            .results
            .iter()
            .map(|f| {
                serde_json::json!({
                    "id": f.article.0,
                    "title": f.title,
                    "outlet": f.outlet_name,
                    "time": f.time.to_string(),
                    "story": f.story.map(|s| s.0),
                    "reports": f.reports,
                    "score": f.score,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        for f in &found.results {
            let story = f.story.map_or_else(|| "-".to_string(), |s| format!("story {s} ({} matching)", f.reports));
            println!("{:>8}  {:.2}  {}  {}  {}  {}", f.article.0, f.score, f.time, f.outlet_name, story, f.title);
        }
        eprintln!("{}, in {} stories.", found.matches, found.groups);
    }
    store.close().await;
    Ok(())
}

/// `tidings reindex`: rebuilds the index from every stored article, with a progress bar.
pub(crate) async fn reindex(global: &Global) -> anyhow::Result<()> {
    let data = data_dir(global);
    let store = open_store(global, &data).await?;
    let index = match open_index(&data) {
        Ok(index) => index,
        Err(e) if matches!(e.downcast_ref(), Some(tidings_search::Error::Incompatible(_))) => {
            let dir = index_dir(&data);
            std::fs::remove_dir_all(&dir)
                .with_context(|| format!("could not remove the old index {}", dir.display()))?;
            open_index(&data)?
        }
        Err(e) => return Err(e),
    };
    let mut indexer = index.indexer(INDEX_HEAP, 2)?;
    let (_, total, _) = store.counts().await?;
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::new(u64::try_from(total).unwrap_or_default())
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("indexing articles [{bar:30}] {pos}/{len} ({per_sec}, {eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let last = rebuild(&store, &mut indexer, &bar).await?;
    bar.finish_and_clear();
    println!("Indexed {} articles (through article {last}).", index.len());
    store.close().await;
    Ok(())
}

/// Empties the index and puts every stored article in it; one commit at the end, so a crash
/// leaves the old index whole. The last article id.
async fn rebuild(store: &Store, indexer: &mut Indexer, bar: &ProgressBar) -> anyhow::Result<i64> {
    indexer.clear()?;
    let mut last = 0;
    loop {
        let entries = store.index_entries_after(ArticleId(last), REINDEX_BATCH).await?;
        let Some(end) = entries.last().map(|e| e.id.0) else { break };
        let n = entries.len();
        for e in entries {
            indexer.add(&search_doc(e))?;
        }
        bar.inc(n as u64);
        last = end;
    }
    indexer.commit(last)?;
    Ok(last)
}
