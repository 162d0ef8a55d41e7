//! Each outlet's repeated lines: the engine keeps the paragraph fingerprints of an outlet's
//! recent articles and takes out of a new article the paragraphs that recur across them (the
//! rule is `tidings_html::repeated_lines`). What was taken out is recorded for the outlet page.

use std::collections::VecDeque;

use jiff::Timestamp;
use tidings_core::OutletId;
use tidings_html::{
    RepeatRule, WithoutRepeats, fingerprint, paragraph_fingerprints, remove_repeated_lines, repeated_lines,
};
use tidings_store::{NewArticle, ParagraphHistory, Store};

use crate::Result;

/// Articles of an outlet whose paragraphs are remembered: enough for a line under most
/// articles to show, few enough that a retired line is forgotten within days.
const HISTORY_ARTICLES: i64 = 100;

/// An outlet's paragraph history while one feed's articles are extracted: read from the store
/// once, grown in memory as each article is taken, and written with the feed's batch of
/// articles ([`OutletLines::save`]) rather than one read and one write per article.
#[derive(Debug, Default)]
pub(crate) struct OutletLines {
    /// The fingerprints of the outlet's newest articles, oldest first; `None` until read.
    history: Option<VecDeque<Vec<i64>>>,
    /// Articles taken since the last save: address and fingerprints.
    taken: Vec<(String, Vec<i64>)>,
    /// Lines taken out since the last save: fingerprint and text.
    removed: Vec<(i64, String)>,
}

impl OutletLines {
    /// Takes the outlet's repeated lines out of a newly extracted article, then adds the
    /// article's own paragraphs to the history (as extracted, so a line keeps being counted).
    pub(crate) async fn strip(&mut self, store: &Store, article: &mut NewArticle) -> Result<()> {
        let history = match &mut self.history {
            Some(history) => history,
            None => {
                let read = store.recent_fingerprints(article.outlet_id, HISTORY_ARTICLES).await?;
                self.history.insert(read.into())
            }
        };
        let repeated = repeated_lines(history.make_contiguous(), RepeatRule::default());
        let own = paragraph_fingerprints(&article.content_text);
        history.push_back(own.clone());
        while history.len() > HISTORY_ARTICLES as usize {
            history.pop_front();
        }
        self.taken.push((article.canonical_url.clone(), own));
        let Some(cleaned) = remove_repeated_lines(&article.content_html, &repeated) else {
            return Ok(());
        };
        if cleaned.text.trim().is_empty() {
            // Never a blank article: an article made only of the outlet's usual lines keeps them.
            return Ok(());
        }
        self.removed.extend(cleaned.removed.iter().filter_map(|line| fingerprint(line).map(|f| (f, line.clone()))));
        article.content_html = cleaned.html;
        article.content_text = cleaned.text;
        Ok(())
    }

    /// What was taken since the last call, as the outlet's paragraph history to write with
    /// the batch of its articles (see [`tidings_store::Store::insert_articles_with`]).
    pub(crate) fn take_pending(&mut self) -> PendingLines {
        PendingLines { taken: std::mem::take(&mut self.taken), removed: std::mem::take(&mut self.removed) }
    }
}

/// An outlet's articles' paragraphs and lines taken out, not written yet.
#[derive(Debug, Default)]
pub(crate) struct PendingLines {
    taken: Vec<(String, Vec<i64>)>,
    removed: Vec<(i64, String)>,
}

impl PendingLines {
    /// The paragraph history to write for `outlet`.
    pub(crate) fn history(&self, outlet: OutletId, now: Timestamp) -> ParagraphHistory<'_> {
        ParagraphHistory { outlet, articles: &self.taken, removed: &self.removed, keep: HISTORY_ARTICLES, now }
    }
}

/// Stored article HTML of `outlet` without the outlet's repeated lines, for an article
/// extracted again; `None` when it has none. Records nothing.
pub async fn without_repeated_lines(store: &Store, outlet: OutletId, html: &str) -> Result<Option<WithoutRepeats>> {
    let history = store.recent_fingerprints(outlet, HISTORY_ARTICLES).await?;
    let cleaned = remove_repeated_lines(html, &repeated_lines(&history, RepeatRule::default()));
    Ok(cleaned.filter(|c| !c.text.trim().is_empty()))
}
