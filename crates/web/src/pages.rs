//! Page handlers.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use jiff::{SignedDuration, Timestamp};
use tidings_cluster::{Candidate, related};
use tidings_core::{Article, ArticleId, OutletId, Story, StoryId};
use tidings_store::Listing;

use serde::Deserialize;

use crate::comments::{self, CommentsSection};
use crate::readers::{Controlled, ReaderControls, controls};
use crate::views::{
    ArticleItem, CopyCredit, OutletRow, StoryItem, TimelineEntry, extraction_note, human_time, timeline,
};
use crate::{AppState, WebError};

/// Stories considered for the front page.
const FRONT_STORY_WINDOW_HOURS: i64 = 7 * 24;
/// Stories shown on the front page.
const FRONT_STORIES: usize = 12;
/// Latest articles shown on the front page.
const FRONT_LATEST: i64 = 30;
/// Reports listed under a story on the front page and an article page: each outlet's first,
/// earliest first; the story page lists them all.
const COVERAGE_SHOWN: usize = 6;
/// "You may also like" entries.
const RELATED: usize = 5;
/// Reports of a story read to find what its page may suggest.
const RELATED_FROM_REPORTS: usize = 5;

/// The front page, the same for every reader (kept for a second: [`crate::snapshots`]).
#[derive(Template)]
#[template(path = "front.html")]
pub(crate) struct FrontPage {
    stories: Vec<StoryItem>,
    latest: Vec<ArticleItem>,
    empty: bool,
    /// Whether older articles are on the "latest" pages.
    more: bool,
}

/// What an article's page shows every reader alike (kept for a second: [`crate::snapshots`]).
#[derive(Debug)]
pub(crate) struct ArticleShared {
    id: ArticleId,
    title: String,
    outlet: String,
    outlet_id: i64,
    url: String,
    authors: String,
    time_iso: String,
    time_human: String,
    note: Option<String>,
    /// The lead image above the text, through our image proxy.
    lead_html: Option<String>,
    content_html: String,
    lang: String,
    story: Option<StoryItem>,
    /// Other outlets that published this text, earliest first.
    copies: Vec<CopyCredit>,
    /// The outlet that published this text first, when it is not this article's.
    first_publisher: Option<CopyCredit>,
    related: Vec<ArticleItem>,
}

#[derive(Template)]
#[template(path = "article.html")]
struct ArticlePage<'a> {
    a: &'a ArticleShared,
    related: &'a [ArticleItem],
    comments: CommentsSection,
    reader: Option<ReaderControls>,
}

/// What a story's page shows every reader alike.
#[derive(Debug)]
pub(crate) struct StoryShared {
    story: StoryItem,
    /// The first report's lead image (of those that have one), through our image proxy.
    picture_html: Option<String>,
    timeline: Vec<TimelineEntry>,
    related: Vec<ArticleItem>,
}

#[derive(Template)]
#[template(path = "story.html")]
struct StoryPage<'a> {
    s: &'a StoryShared,
    related: &'a [ArticleItem],
    reader: Option<ReaderControls>,
}

#[derive(Template)]
#[template(path = "outlets.html")]
struct OutletsPage {
    outlets: Vec<OutletRow>,
}

#[derive(Template)]
#[template(path = "outlet.html")]
struct OutletPage {
    outlet: OutletRow,
    articles: Vec<ArticleItem>,
    repeated_lines: Vec<tidings_store::RepeatedLine>,
    reader: Option<ReaderControls>,
}

fn page(state: &AppState, t: &impl Template) -> Result<Response, WebError> {
    Ok(Html(crate::render(state, t)?).into_response())
}

/// Breadth of coverage, discounted by age: a story five outlets covered this morning beats one
/// two outlets covered yesterday.
fn rank(outlets: i64, articles: i64, updated: Timestamp, now: Timestamp) -> f64 {
    let hours = ((now - updated).as_secs_f64() / 3600.0).max(0.0);
    (outlets as f64 * 2.0 + articles as f64) / (hours + 2.0).powf(0.8)
}

/// The front page's top stories with their reports, best first.
pub(crate) async fn top_stories(state: &AppState, now: Timestamp) -> Result<Vec<(Story, Vec<Article>)>, WebError> {
    let mut stories =
        state.store.recent_stories(now - SignedDuration::from_hours(FRONT_STORY_WINDOW_HOURS), 200).await?;
    stories.sort_by(|a, b| {
        rank(b.outlet_count, b.article_count, b.updated_at, now).total_cmp(&rank(
            a.outlet_count,
            a.article_count,
            a.updated_at,
            now,
        ))
    });
    stories.truncate(FRONT_STORIES);
    let ids: Vec<StoryId> = stories.iter().map(|s| s.id).collect();
    let coverage = state.store.story_coverage(&ids, COVERAGE_SHOWN).await?;
    Ok(stories.into_iter().zip(coverage).map(|(story, (_, articles))| (story, articles)).collect())
}

pub(crate) async fn front(State(state): State<AppState>) -> Result<Response, WebError> {
    let front = state.front_parts.get((), || front_page(&state)).await?;
    page(&state, &*front)
}

async fn front_page(state: &AppState) -> Result<FrontPage, WebError> {
    let now = Timestamp::now();
    let mut items: Vec<StoryItem> = top_stories(state, now)
        .await?
        .iter()
        .map(|(story, articles)| StoryItem {
            picture_html: crate::images::card_picture(state, articles),
            ..StoryItem::new(story, articles, now)
        })
        .collect();
    let mut latest: Vec<ArticleItem> = state
        .store
        .list_headlines(&Listing::All, None, FRONT_LATEST)
        .await?
        .iter()
        .map(|a| ArticleItem::new(a, now))
        .collect();
    count_comments(state, items.iter_mut().flat_map(|s| s.articles.iter_mut()).chain(latest.iter_mut())).await?;
    let more = latest.len() as i64 == FRONT_LATEST;
    Ok(FrontPage { empty: items.is_empty() && latest.is_empty(), stories: items, latest, more })
}

/// Fills in the number of published comments of each article listed.
async fn count_comments<'a>(
    state: &AppState,
    items: impl Iterator<Item = &'a mut ArticleItem>,
) -> Result<(), WebError> {
    let mut items: Vec<&mut ArticleItem> = items.collect();
    let ids: Vec<ArticleId> = items.iter().map(|a| ArticleId(a.id)).collect();
    let counts = state.store.comment_counts(&ids).await?;
    for item in &mut items {
        item.comments = counts.get(&ArticleId(item.id)).copied().unwrap_or(0);
    }
    Ok(())
}

/// What an article's address may ask for.
#[derive(Debug, Deserialize)]
pub(crate) struct ArticleQuery {
    /// The comment to reply to.
    reply: Option<String>,
}

pub(crate) async fn article(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<ArticleQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let id = ArticleId(id.parse::<i64>().map_err(|_| WebError::NotFound)?);
    let a = state.article_parts.get(id, || article_shared(&state, id)).await?;
    let reply = query.reply.and_then(|r| r.parse::<i64>().ok());
    let (comments, set_cookie) = comments::section(&state, &headers, a.id, reply).await?;
    let reader = controls(&state, &headers, Controlled::Article(a.id)).await?;
    let mut res = page(&state, &ArticlePage { a: &a, related: &a.related, comments, reader })?;
    // The page holds a form token for this browser, and maybe its own comments awaiting
    // moderation: no shared cache may keep it.
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    if let Some(set) = set_cookie {
        res.headers_mut().append(header::SET_COOKIE, set);
    }
    Ok(res)
}

/// Reads what article `id`'s page shows every reader.
async fn article_shared(state: &AppState, id: ArticleId) -> Result<ArticleShared, WebError> {
    let now = Timestamp::now();
    let a = state.store.article(id).await?;
    let story = match a.story_id {
        Some(s) => {
            let st = state.store.story(s).await?;
            let coverage = state.store.story_coverage(&[s], COVERAGE_SHOWN).await?;
            let members = coverage.into_iter().next().map(|(_, m)| m).unwrap_or_default();
            Some(StoryItem::new(&st, &members, now))
        }
        None => None,
    };
    let target = Candidate::new(a.id, a.outlet_id, a.story_id, a.shown_time(), &a.title, &a.content_text);
    let related = related_items(state, &target, now).await?;
    let copies = state.store.copies_of(&[a.id]).await?;
    let first_publisher = copies.first().filter(|c| c.time < a.shown_time()).map(CopyCredit::new);
    Ok(ArticleShared {
        id: a.id,
        title: a.title.clone(),
        outlet: a.outlet_name.clone(),
        outlet_id: a.outlet_id.0,
        url: a.url.clone(),
        authors: a.authors.join(", "),
        time_iso: a.shown_time().to_string(),
        time_human: human_time(a.shown_time()),
        note: extraction_note(&a),
        lead_html: crate::images::lead_picture(state, a.lead_image.as_ref(), &a.content_html),
        content_html: crate::images::article_html(state, &a.content_html),
        lang: a.lang.clone().unwrap_or_else(|| "en".to_string()),
        story,
        copies: copies.iter().map(CopyCredit::new).collect(),
        first_publisher,
        related,
    })
}

/// Story `id`, or, for a story merged into another, a permanent redirect to the survivor's
/// `/stories/{survivor}{suffix}`: a merged story keeps its links.
pub(crate) async fn story_or_survivor(
    state: &AppState,
    id: StoryId,
    suffix: &str,
) -> Result<Result<Story, Response>, WebError> {
    match state.store.story(id).await {
        Ok(story) => Ok(Ok(story)),
        Err(tidings_store::Error::NotFound(_)) => match state.store.story_redirect(id).await? {
            Some(to) => Ok(Err(Redirect::permanent(&format!("/stories/{to}{suffix}")).into_response())),
            None => Err(WebError::NotFound),
        },
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn story(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let id = StoryId(id.parse::<i64>().map_err(|_| WebError::NotFound)?);
    let shared = match state.story_parts.get(id, || story_shared(&state, id)).await {
        Ok(shared) => shared,
        // A story merged into another: its address leads to the survivor.
        Err(WebError::NotFound) => {
            return match story_or_survivor(&state, id, "").await? {
                Err(redirect) => Ok(redirect),
                // There, but with no report to show.
                Ok(_) => Err(WebError::NotFound),
            };
        }
        Err(e) => return Err(e),
    };
    let reader = controls(&state, &headers, Controlled::Story(id)).await?;
    page(&state, &StoryPage { s: &shared, related: &shared.related, reader })
}

/// Reads what story `id`'s page shows every reader.
async fn story_shared(state: &AppState, id: StoryId) -> Result<StoryShared, WebError> {
    let now = Timestamp::now();
    let story = state.store.story(id).await?;
    let articles = state.store.story_headlines(story.id).await?;
    let Some(first) = articles.first() else { return Err(WebError::NotFound) };
    // The first reports say what the story is about; tokenising every member on each view
    // would cost as much as the story is big.
    let text: String =
        articles.iter().take(RELATED_FROM_REPORTS).map(|a| a.content_text.as_str()).collect::<Vec<_>>().join("\n");
    let target = Candidate::new(first.id, first.outlet_id, Some(story.id), first.shown_time(), &story.title, &text);
    let related = related_items(state, &target, now).await?;
    let ids: Vec<ArticleId> = articles.iter().map(|a| a.id).collect();
    let copies = state.store.copies_of(&ids).await?;
    Ok(StoryShared {
        story: StoryItem::new(&story, &articles, now),
        picture_html: articles.iter().find_map(|a| crate::images::thumbnail(state, a.lead_image.as_ref())),
        timeline: timeline(&articles, &copies, now),
        related,
    })
}

/// "You may also like": the most related other stories and articles of the last weeks.
async fn related_items(state: &AppState, target: &Candidate, now: Timestamp) -> Result<Vec<ArticleItem>, WebError> {
    let pool = state.related.get(&state.store).await?;
    let ids = related(target, &pool, RELATED);
    Ok(state.store.articles_listed(&ids).await?.iter().map(|a| ArticleItem::new(a, now)).collect())
}

pub(crate) async fn outlets(State(state): State<AppState>) -> Result<Response, WebError> {
    let now = Timestamp::now();
    let outlets = state.store.outlets().await?.iter().map(|h| OutletRow::new(h, now)).collect();
    page(&state, &OutletsPage { outlets })
}

pub(crate) async fn outlet(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let id = OutletId(id.parse::<i64>().map_err(|_| WebError::NotFound)?);
    let now = Timestamp::now();
    let health = state.store.outlet(id).await?;
    let articles = state
        .store
        .list_headlines(&Listing::Outlet(id), None, 50)
        .await?
        .iter()
        .map(|a| ArticleItem::new(a, now))
        .collect();
    let repeated_lines = state.store.repeated_lines(id).await?;
    let reader = controls(&state, &headers, Controlled::Outlet(id)).await?;
    page(&state, &OutletPage { outlet: OutletRow::new(&health, now), articles, repeated_lines, reader })
}

/// Articles on a page of "latest" or of a category.
const PER_PAGE: i64 = 30;

/// Where a list of articles goes on from: the last article the previous page showed.
#[derive(Debug, Deserialize)]
pub(crate) struct PageQuery {
    after: Option<String>,
}

impl PageQuery {
    fn after(&self) -> Option<ArticleId> {
        self.after.as_deref().and_then(|a| a.trim().parse::<i64>().ok()).map(ArticleId)
    }
}

/// A page of a list of articles: its items, and the query of the next page when there is one.
async fn list_page(
    state: &AppState,
    listing: &Listing,
    query: &PageQuery,
    now: Timestamp,
) -> Result<(Vec<ArticleItem>, Option<i64>), WebError> {
    let mut articles = state.store.list_headlines(listing, query.after(), PER_PAGE + 1).await?;
    let more = articles.len() as i64 > PER_PAGE;
    articles.truncate(PER_PAGE as usize);
    let mut items: Vec<ArticleItem> = articles.iter().map(|a| ArticleItem::new(a, now)).collect();
    count_comments(state, items.iter_mut()).await?;
    let next = if more { items.last().map(|a| a.id) } else { None };
    Ok((items, next))
}

#[derive(Template)]
#[template(path = "listing.html")]
struct ListingPage {
    title: String,
    /// The page's address without a query.
    here: String,
    feed: Option<String>,
    intro: String,
    articles: Vec<ArticleItem>,
    continued: bool,
    next: Option<i64>,
    empty: String,
}

/// `/latest`: every article, newest first, a page at a time.
pub(crate) async fn latest(
    State(state): State<AppState>,
    Query(query): Query<PageQuery>,
) -> Result<Response, WebError> {
    let (articles, next) = list_page(&state, &Listing::All, &query, Timestamp::now()).await?;
    page(
        &state,
        &ListingPage {
            title: "Latest articles".to_string(),
            here: "/latest".to_string(),
            feed: None,
            intro: "Every article from every outlet, newest first.".to_string(),
            continued: query.after().is_some(),
            articles,
            next,
            empty: "No articles yet. An operator adds outlets with tidings add URL or tidings import feeds.opml; \
                their articles appear here after the next fetch."
                .to_string(),
        },
    )
}

#[derive(Template)]
#[template(path = "categories.html")]
struct CategoriesPage {
    categories: Vec<CategoryRow>,
}

pub(crate) struct CategoryRow {
    pub(crate) name: String,
    pub(crate) path: String,
    pub(crate) outlets: i64,
}

impl CategoryRow {
    /// Every category outlets are in, by name, with its page's address.
    pub(crate) async fn all(state: &AppState) -> Result<Vec<Self>, WebError> {
        Ok(state
            .store
            .categories()
            .await?
            .into_iter()
            .map(|c| CategoryRow { path: category_path(&c.name), name: c.name, outlets: c.outlets })
            .collect())
    }
}

/// The address of a category's page.
pub(crate) fn category_path(name: &str) -> String {
    format!(
        "/categories/{}",
        url::form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>().replace('+', "%20")
    )
}

/// `/categories`: the categories outlets are in.
pub(crate) async fn categories(State(state): State<AppState>) -> Result<Response, WebError> {
    page(&state, &CategoriesPage { categories: CategoryRow::all(&state).await? })
}

/// `/categories/{name}`: the articles of the outlets in a category, newest first.
pub(crate) async fn category(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(query): Query<PageQuery>,
) -> Result<Response, WebError> {
    let Some(known) = state.store.categories().await?.into_iter().find(|c| c.name == name) else {
        return Err(WebError::NotFound);
    };
    let (articles, next) = list_page(&state, &Listing::Category(name.clone()), &query, Timestamp::now()).await?;
    let here = category_path(&name);
    page(
        &state,
        &ListingPage {
            intro: format!(
                "Articles from the {} outlet{} in this category, newest first.",
                known.outlets,
                if known.outlets == 1 { "" } else { "s" }
            ),
            feed: Some(format!("{here}/feed.atom")),
            title: name,
            here,
            continued: query.after().is_some(),
            articles,
            next,
            empty: "No articles from this category's outlets yet: they appear after their next fetch.".to_string(),
        },
    )
}

pub(crate) async fn not_found() -> WebError {
    WebError::NotFound
}

/// `/healthz`: 200 "ok", or 503 saying what is wrong with the fetching worker of this process.
pub(crate) async fn health(State(state): State<AppState>) -> Response {
    match state.worker.as_ref().map(|w| w.check(Timestamp::now())) {
        Some(Err(problem)) => (StatusCode::SERVICE_UNAVAILABLE, format!("unhealthy: {problem}\n")).into_response(),
        _ => "ok".into_response(),
    }
}

/// `/readyz`: 200 "ready" when the database answers, else 503: whether a load balancer may send
/// this node requests (`/healthz` says whether the process is well).
pub(crate) async fn ready(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => "ready".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "not ready: the database does not answer\n").into_response()
        }
    }
}
