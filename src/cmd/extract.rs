//! `tidings extract`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Context;
use serde::Serialize;
use tidings_fetch::{FetchOutcome, FetchRequest, Fetcher, Purpose};
use url::Url;

use super::fetch_config;
use crate::cli::{ExtractFormat, Global};

/// Base URL for pages read from files, whose address is unknown.
const FILE_BASE: &str = "https://page.invalid/";

/// One page's JSON record. `author` and `date` give `authors` and the publication date as the
/// page shows it in the shape the shared extraction scorer reads (one string each).
#[derive(Serialize)]
struct Record<'a> {
    id: &'a str,
    title: Option<&'a str>,
    authors: &'a [String],
    published: Option<tidings_html::PageTime>,
    updated: Option<tidings_html::PageTime>,
    lang: Option<&'a str>,
    site_name: Option<&'a str>,
    canonical_url: Option<&'a str>,
    lead_image: Option<&'a str>,
    text: &'a str,
    html: &'a str,
    warnings: &'a [String],
    author: Option<String>,
    date: Option<String>,
}

fn record<'a>(id: &'a str, result: &'a Result<tidings_html::ExtractedArticle, String>) -> Record<'a> {
    match result {
        Ok(a) => Record {
            id,
            title: a.title.as_deref(),
            authors: &a.authors,
            published: a.published,
            updated: a.updated,
            lang: a.lang.as_deref(),
            site_name: a.site_name.as_deref(),
            canonical_url: a.canonical_url.as_deref(),
            lead_image: a.lead_image.as_ref().map(|i| i.url.as_str()),
            text: &a.text,
            html: &a.html,
            warnings: &a.warnings,
            author: (!a.authors.is_empty()).then(|| a.authors.join(", ")),
            date: a.published_date().map(|d| d.to_string()),
        },
        Err(e) => Record {
            id,
            title: None,
            authors: &[],
            published: None,
            updated: None,
            lang: None,
            site_name: None,
            canonical_url: None,
            lead_image: None,
            text: "",
            html: "",
            warnings: std::slice::from_ref(e),
            author: None,
            date: None,
        },
    }
}

pub(crate) async fn one(global: &Global, input: &str, format: ExtractFormat) -> anyhow::Result<()> {
    let (bytes, url, content_type) = if input.starts_with("http://") || input.starts_with("https://") {
        let url = Url::parse(input).with_context(|| format!("{input} is not a valid URL"))?;
        let fetcher = Fetcher::new(fetch_config(global))?;
        match fetcher.fetch(FetchRequest::new(url, Purpose::Article)).await? {
            FetchOutcome::Fetched(page) => (page.body.to_vec(), page.final_url, page.content_type),
            FetchOutcome::NotModified { .. } => anyhow::bail!("{input} answered 'not modified' to a plain request"),
        }
    } else {
        let bytes = std::fs::read(input).with_context(|| format!("could not read {input}"))?;
        (bytes, Url::parse(FILE_BASE)?, None)
    };
    let article = tidings_html::extract_article(&bytes, &url, content_type.as_deref())?;
    match format {
        ExtractFormat::Text => println!("{}", article.text),
        ExtractFormat::Html => println!("{}", article.html),
        ExtractFormat::Json => println!("{}", serde_json::to_string_pretty(&record(input, &Ok(article)))?),
    }
    Ok(())
}

/// Every `*.html` in `dir`, in name order, one JSON line each, `jobs` pages at a time.
pub(crate) fn folder(dir: &Path, jobs: usize) -> anyhow::Result<()> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("could not read the folder {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    files.sort();
    let base = Url::parse(FILE_BASE)?;
    let next = AtomicUsize::new(0);
    let results: Vec<std::sync::Mutex<Option<String>>> = files.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = files.get(i) else { break };
                    let id = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                    let result =
                        std::fs::read(path).map_err(|e| format!("could not read the file: {e}")).and_then(|bytes| {
                            tidings_html::extract_article(&bytes, &base, None).map_err(|e| e.to_string())
                        });
                    let line = serde_json::to_string(&record(&id, &result)).unwrap_or_else(|e| {
                        format!("{{\"id\":{id:?},\"warnings\":[\"could not write the record: {e}\"]}}")
                    });
                    if let Ok(mut slot) = results[i].lock() {
                        *slot = Some(line);
                    }
                }
            });
        }
    });
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for slot in results {
        if let Some(v) = slot.into_inner().ok().flatten() {
            writeln!(out, "{v}")?;
        }
    }
    out.flush()?;
    Ok(())
}
