//! Search: the results page, the Atom feed of each search, and [`find`], which `tidings
//! search` runs too. The handlers read the request; the search crate ranks, groups and
//! highlights; the store says which story each match is in now.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;
use tidings_core::OutletId;
use tidings_search::{Filters, ResultsPage, SearchIndex, SearchRequest, Sort};
use tidings_store::Store;

use crate::atom::{AtomEntry, AtomFeed};
use crate::views::ago;
use crate::{AppState, WebError};

/// Results per page.
pub const PER_PAGE: usize = 20;
/// Entries in a search's feed.
const FEED_ENTRIES: usize = 50;

/// Page `page` of the results of `request`: `Ok(Err(message))` when the request cannot be read
/// (the message is for the reader).
pub async fn find(
    store: &Store,
    index: &SearchIndex,
    request: &SearchRequest,
    page: usize,
    per_page: usize,
) -> Result<Result<ResultsPage, String>, WebError> {
    // Ranking and snippets are milliseconds of CPU for a common word: run on the threads for
    // blocking work, they leave the request threads free to answer the pages kept in memory.
    let (index, asked) = (index.clone(), request.clone());
    let candidates = match blocking(move || index.search(&asked)).await? {
        Ok(c) => c,
        Err(tidings_search::Error::Query(message)) => return Ok(Err(message)),
        Err(e) => return Err(WebError::Internal(e.to_string())),
    };
    let ids: Vec<_> = candidates.hits().iter().map(|h| h.article).collect();
    let now = store.stories_of(&ids).await?;
    let page = blocking(move || candidates.page(&|c| now.get(&c.article).copied(), page, per_page)).await?;
    page.map(Ok).map_err(|e| WebError::Internal(e.to_string()))
}

async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, WebError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| WebError::Internal(format!("search task: {e}")))
}

/// A search as the site keeps its results: the request, the page and the results per page.
pub(crate) type Asked = (SearchRequest, usize, usize);
/// What [`find`] answered.
pub(crate) type Answer = Result<ResultsPage, String>;

/// [`find`], answered from the results kept for a second: the same search asked again by
/// readers whose pages are rendered for each of them costs a render, not a search.
async fn kept(
    state: &AppState,
    index: &SearchIndex,
    request: &SearchRequest,
    page: usize,
    per_page: usize,
) -> Result<std::sync::Arc<Answer>, WebError> {
    let asked = (request.clone(), page, per_page);
    state.search_parts.get(asked, || find(&state.store, index, request, page, per_page)).await
}

/// The search form's fields, all optional and read leniently.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct SearchParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    outlet: String,
    #[serde(default)]
    author: String,
    #[serde(default)]
    lang: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    page: String,
}

fn some(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// A `YYYY-MM-DD` day's start (UTC), `days` later.
fn day(value: &str, field: &str, days: i64) -> Result<Option<Timestamp>, String> {
    let Some(value) = some(value) else { return Ok(None) };
    let date: Date =
        value.parse().map_err(|_| format!("The {field} date \"{value}\" is not a date: write it like 2026-11-30."))?;
    let start = date.checked_add(jiff::Span::new().days(days)).unwrap_or(date);
    start.to_zoned_datetime(jiff::tz::TimeZone::UTC).map(|z| Some(z.timestamp())).map_err(|e| e.to_string())
}

impl SearchParams {
    /// The request these fields ask for, or what to change.
    fn request(&self) -> Result<SearchRequest, String> {
        let outlet = match some(&self.outlet) {
            None => None,
            Some(o) => Some(OutletId(o.parse().map_err(|_| format!("\"{o}\" is not an outlet number."))?)),
        };
        let filters = Filters {
            outlet,
            author: some(&self.author),
            language: some(&self.lang),
            category: some(&self.category),
            from: day(&self.from, "from", 0)?,
            until: day(&self.until, "until", 1)?,
        };
        let sort = if self.sort == "newest" { Sort::Newest } else { Sort::Relevance };
        Ok(SearchRequest { query: self.q.clone(), filters, sort })
    }

    fn page(&self) -> usize {
        self.page.trim().parse::<usize>().unwrap_or(1).clamp(1, 1_000)
    }

    /// The query string of the same search, on page `page` (0: none).
    fn query_string(&self, page: usize) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("q", &self.q),
            ("outlet", &self.outlet),
            ("author", &self.author),
            ("lang", &self.lang),
            ("category", &self.category),
            ("from", &self.from),
            ("until", &self.until),
            ("sort", &self.sort),
        ] {
            if !value.trim().is_empty() {
                out.append_pair(name, value);
            }
        }
        if page > 1 {
            out.append_pair("page", &page.to_string());
        }
        out.finish()
    }
}

/// A result as the page shows it.
pub(crate) struct ResultItem {
    id: i64,
    title_html: String,
    snippet_html: String,
    outlet: String,
    outlet_id: i64,
    time_iso: String,
    time_ago: String,
    story: Option<i64>,
    reports: usize,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    q: String,
    params: SearchParams,
    newest: bool,
    message: Option<String>,
    results: Vec<ResultItem>,
    summary: String,
    previous: Option<String>,
    next: Option<String>,
    feed: String,
}

fn summary(page: &ResultsPage) -> String {
    let mut s = format!("{}, in {} {}.", page.matches, page.groups, if page.groups == 1 { "story" } else { "stories" });
    if page.truncated {
        s.push_str(&format!(
            " Only the best {} are grouped and shown: add words or filters to narrow the search.",
            tidings_search::CANDIDATES
        ));
    }
    s
}

/// `/search`: the form, the results, and the reason when the search cannot be made.
pub(crate) async fn page(
    State(state): State<AppState>,
    Query(params): Query<SearchParams>,
) -> Result<Response, WebError> {
    let mut view = SearchPage {
        q: params.q.clone(),
        newest: params.sort == "newest",
        message: None,
        results: Vec::new(),
        summary: String::new(),
        previous: None,
        next: None,
        feed: format!("/search.atom?{}", params.query_string(0)),
        params,
    };
    let status = match (view.q.trim().is_empty(), &state.search) {
        (true, _) => StatusCode::OK,
        (false, None) => {
            view.message = Some("Search is not available on this site right now.".to_string());
            StatusCode::SERVICE_UNAVAILABLE
        }
        (false, Some(index)) => match view.params.request() {
            Err(message) => {
                view.message = Some(message);
                StatusCode::BAD_REQUEST
            }
            Ok(request) => match &*kept(&state, index, &request, view.params.page(), PER_PAGE).await? {
                Err(message) => {
                    view.message = Some(message.clone());
                    StatusCode::BAD_REQUEST
                }
                Ok(found) => {
                    let now = Timestamp::now();
                    view.summary = summary(found);
                    view.previous =
                        (found.page > 1).then(|| format!("/search?{}", view.params.query_string(found.page - 1)));
                    view.next = (found.page < found.pages)
                        .then(|| format!("/search?{}", view.params.query_string(found.page + 1)));
                    view.results = found
                        .results
                        .iter()
                        .map(|f| ResultItem {
                            id: f.article.0,
                            title_html: f.title_html.clone(),
                            snippet_html: f.snippet_html.clone(),
                            outlet: f.outlet_name.clone(),
                            outlet_id: f.outlet.0,
                            time_iso: f.time.to_string(),
                            time_ago: ago(f.time, now),
                            story: f.story.map(|s| s.0),
                            reports: f.reports,
                        })
                        .collect();
                    StatusCode::OK
                }
            },
        },
    };
    Ok((status, axum::response::Html(crate::render(&state, &view)?)).into_response())
}

/// `/search.atom`: the newest matches of a search as an Atom feed, one entry per story.
pub(crate) async fn feed(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<SearchParams>,
) -> Result<Response, WebError> {
    let refuse = |status: StatusCode, message: String| Ok((status, message).into_response());
    let Some(index) = &state.search else {
        return refuse(StatusCode::SERVICE_UNAVAILABLE, "Search is not available on this site right now.".into());
    };
    let mut request = match params.request() {
        Ok(r) => r,
        Err(message) => return refuse(StatusCode::BAD_REQUEST, message),
    };
    request.sort = Sort::Newest;
    let answer = kept(&state, index, &request, 1, FEED_ENTRIES).await?;
    let found = match &*answer {
        Ok(found) => found,
        Err(message) => return refuse(StatusCode::BAD_REQUEST, message.clone()),
    };
    let base = crate::feeds::base(&headers);
    Ok(AtomFeed {
        title: format!("Tidings: {}", params.q.trim()),
        page: format!("{base}/search?{}", params.query_string(0)),
        own: format!("{base}/search.atom?{}", params.query_string(0)),
        entries: found
            .results
            .iter()
            .map(|f| AtomEntry {
                page: format!("{base}/articles/{}", f.article.0),
                title: f.title.clone(),
                updated: f.time,
                published: Some(f.time),
                authors: f.authors.clone(),
                summary_html: f.snippet_html.clone(),
            })
            .collect(),
    }
    .into_response())
}

#[cfg(test)]
mod tests {
    use tidings_search::{COUNTED, Matches, ResultsPage};

    use super::summary;

    fn page(matches: Matches, groups: usize) -> ResultsPage {
        ResultsPage { results: Vec::new(), matches, groups, page: 1, pages: 1, truncated: matches.exceed(COUNTED) }
    }

    #[test]
    fn the_summary_counts_the_matches_or_says_more_than() {
        assert_eq!(summary(&page(Matches::Exactly(1), 1)), "1 article matches, in 1 story.");
        assert_eq!(summary(&page(Matches::Exactly(3), 2)), "3 articles match, in 2 stories.");
        let many = summary(&page(Matches::MoreThan(COUNTED), 700));
        assert!(
            many.starts_with(&format!("More than {COUNTED} articles match, in 700 stories. Only the best")),
            "{many}"
        );
    }
}
