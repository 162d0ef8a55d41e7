//! `tidings reextract`: stored articles extracted again after an upgrade.

use std::io::IsTerminal;
use std::time::Duration;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use jiff::Timestamp;
use tidings_core::{Article, ExtractionStatus, Outlet, OutletId, excerpt};
use tidings_fetch::{FetchOutcome, FetchRequest, Fetcher, Purpose};
use url::Url;

use super::{data_dir, fetch_config, open_store};
use crate::cli::Global;

/// Characters of the excerpt stored beside an article (as the engine stores it).
const EXCERPT_CHARS: usize = 240;

/// Fetches the pages of the stored articles chosen by `outlet` and `since` (a date,
/// `YYYY-MM-DD`, or an RFC 3339 time) and replaces their text with a new extraction, keeping
/// the old text wherever the new one looks wrong.
pub(crate) async fn reextract(global: &Global, outlet: Option<i64>, since: Option<&str>) -> anyhow::Result<()> {
    let since = since.map(parse_since).transpose()?;
    let store = open_store(global, &data_dir(global)).await?;
    let fetcher = Fetcher::new(fetch_config(global))?;
    let articles = store.articles_to_reextract(outlet.map(OutletId), since).await?;
    let outlets: std::collections::HashMap<OutletId, Outlet> =
        store.outlets().await?.into_iter().map(|h| (h.outlet.id, h.outlet)).collect();
    let bar =
        if std::io::stderr().is_terminal() { ProgressBar::new(articles.len() as u64) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("{spinner} extracting again [{bar:30}] {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    let (mut updated, mut notes) = (0, Vec::new());
    for article in &articles {
        bar.set_message(article.title.clone());
        match extract_again(&fetcher, article, outlets.get(&article.outlet_id)).await {
            Ok((html, text)) => {
                let (html, text) =
                    match tidings_engine::without_repeated_lines(&store, article.outlet_id, &html).await? {
                        Some(cleaned) => (cleaned.html, cleaned.text),
                        None => (html, text),
                    };
                let short = excerpt(&text, EXCERPT_CHARS);
                store.update_article_text(article.id, &html, &text, &short, ExtractionStatus::Extracted).await?;
                updated += 1;
            }
            Err(why) => notes.push(format!("{}: kept the stored text ({why})", article.url)),
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    println!(
        "Extracted {} articles again: {updated} updated, {} kept as they were.",
        articles.len(),
        articles.len() - updated
    );
    for note in notes {
        println!("  note: {note}");
    }
    store.close().await;
    Ok(())
}

/// The new HTML and text of an article's page (with its outlet's user agent and selector), or
/// why the stored text stays.
async fn extract_again(
    fetcher: &Fetcher,
    article: &Article,
    outlet: Option<&Outlet>,
) -> Result<(String, String), String> {
    let url = Url::parse(&article.url).map_err(|e| format!("the stored address is not valid: {e}"))?;
    let request = FetchRequest::new(url, Purpose::Article).with_user_agent(outlet.and_then(|o| o.user_agent.clone()));
    let page = match fetcher.fetch(request).await {
        Ok(FetchOutcome::Fetched(page)) => page,
        Ok(FetchOutcome::NotModified { .. }) => return Err("the page answered 'not modified'".to_string()),
        Err(e) => return Err(format!("the page could not be fetched: {e}")),
    };
    let selector = outlet.and_then(|o| o.selector.as_deref());
    let new = tidings_html::extract_article_with(&page.body, &page.final_url, page.content_type.as_deref(), selector)
        .map_err(|e| format!("extraction failed: {e}"))?;
    if let Some(reason) = new.looks_wrong() {
        return Err(format!("the new extraction looks wrong: {reason}"));
    }
    // A new text under half as long as a stored extraction lost part of the article.
    let (old, fresh) = (article.content_text.chars().count(), new.text.chars().count());
    if article.extraction == ExtractionStatus::Extracted && fresh * 2 < old {
        return Err(format!("the new text has {fresh} characters, the stored one {old}"));
    }
    Ok((new.html, new.text))
}

/// `2026-11-01` (midnight UTC) or an RFC 3339 time.
fn parse_since(s: &str) -> anyhow::Result<Timestamp> {
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(t);
    }
    let date: jiff::civil::Date =
        s.parse().with_context(|| format!("--since {s:?} is not a date: give YYYY-MM-DD or an RFC 3339 time"))?;
    Ok(jiff::tz::TimeZone::UTC.to_timestamp(date.at(0, 0, 0, 0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_a_date_or_a_time_and_refuses_words() {
        assert_eq!(parse_since("2026-11-01").map(|t| t.to_string()).ok().as_deref(), Some("2026-11-01T00:00:00Z"));
        assert_eq!(
            parse_since("2026-11-01T08:30:00+01:00").map(|t| t.to_string()).ok().as_deref(),
            Some("2026-11-01T07:30:00Z")
        );
        assert!(parse_since("last week").is_err_and(|e| e.to_string().contains("YYYY-MM-DD")));
    }
}
