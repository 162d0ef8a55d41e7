//! Each outlet's repeated lines: the engine keeps the paragraph fingerprints of an outlet's
//! recent articles and takes out of a new article the paragraphs that recur across them (the
//! rule is `tidings_html::repeated_lines`). What was taken out is recorded for the outlet page.

use jiff::Timestamp;
use tidings_core::OutletId;
use tidings_html::{
    RepeatRule, WithoutRepeats, fingerprint, paragraph_fingerprints, remove_repeated_lines, repeated_lines,
};
use tidings_store::{NewArticle, Store};

use crate::Result;

/// Articles of an outlet whose paragraphs are remembered: enough for a line under most
/// articles to show, few enough that a retired line is forgotten within days.
const HISTORY_ARTICLES: i64 = 100;

/// Takes the outlet's repeated lines out of a newly extracted article, then adds the article's
/// own paragraphs to the outlet's history (as extracted, so a line keeps being counted).
pub(crate) async fn strip_repeated_lines(store: &Store, article: &mut NewArticle, now: Timestamp) -> Result<()> {
    let outlet = article.outlet_id;
    let history = store.recent_fingerprints(outlet, HISTORY_ARTICLES).await?;
    let own = paragraph_fingerprints(&article.content_text);
    store.record_fingerprints(outlet, &article.canonical_url, &own, now, HISTORY_ARTICLES).await?;
    let repeated = repeated_lines(&history, RepeatRule::default());
    let Some(cleaned) = remove_repeated_lines(&article.content_html, &repeated) else {
        return Ok(());
    };
    if cleaned.text.trim().is_empty() {
        // Never a blank article: an article made only of the outlet's usual lines keeps them.
        return Ok(());
    }
    let lines: Vec<(i64, String)> =
        cleaned.removed.iter().filter_map(|line| fingerprint(line).map(|f| (f, line.clone()))).collect();
    store.record_removed_lines(outlet, &lines, now).await?;
    article.content_html = cleaned.html;
    article.content_text = cleaned.text;
    Ok(())
}

/// Stored article HTML of `outlet` without the outlet's repeated lines, for an article
/// extracted again; `None` when it has none. Records nothing.
pub async fn without_repeated_lines(store: &Store, outlet: OutletId, html: &str) -> Result<Option<WithoutRepeats>> {
    let history = store.recent_fingerprints(outlet, HISTORY_ARTICLES).await?;
    let cleaned = remove_repeated_lines(html, &repeated_lines(&history, RepeatRule::default()));
    Ok(cleaned.filter(|c| !c.text.trim().is_empty()))
}
