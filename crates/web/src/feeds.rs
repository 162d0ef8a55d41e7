//! Feeds out: Atom for the front page (its top stories), each outlet, each category and each
//! story, and `sitemap.xml`. Each handler reads the store and hands entries to `atom`, which
//! escapes everything that came from outlets.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use tidings_core::{Article, OutletId, StoryId};
use tidings_store::Listing;

use crate::atom::{AtomEntry, AtomFeed, sitemap, xml_text};
use crate::pages::{category_path, story_or_survivor, top_stories};
use crate::{AppState, WebError};

/// Entries in an outlet's, a category's or a story's feed.
const FEED_ENTRIES: i64 = 50;
/// Stories and articles a sitemap names (each; the format allows 50,000 addresses in all).
const SITEMAP_EACH: i64 = 20_000;

/// The site's address as the browser asked for it.
pub(crate) fn base(headers: &HeaderMap) -> String {
    crate::forms::own_origin(headers).unwrap_or_else(|| "http://localhost".to_string())
}

/// An article as an entry: its page here, its excerpt as the summary.
fn article_entry(base: &str, a: &Article) -> AtomEntry {
    AtomEntry {
        page: format!("{base}/articles/{}", a.id.0),
        title: a.title.clone(),
        updated: a.updated_at.unwrap_or_else(|| a.shown_time()).max(a.shown_time()),
        published: Some(a.shown_time()),
        authors: a.authors.clone(),
        summary_html: format!("<p>{}</p><p>From {}.</p>", xml_text(&a.excerpt), xml_text(&a.outlet_name)),
    }
}

fn articles_feed(title: String, page: String, own: String, base: &str, articles: &[Article]) -> AtomFeed {
    AtomFeed { title, page, own, entries: articles.iter().map(|a| article_entry(base, a)).collect() }
}

/// `/feed.atom`: the front page's top stories, one entry each, updated as reports join.
pub(crate) async fn front(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, WebError> {
    let base = base(&headers);
    let entries = top_stories(&state, Timestamp::now())
        .await?
        .into_iter()
        .map(|(story, articles)| {
            let first = articles.iter().find(|a| a.id == story.first_article_id).or(articles.first());
            let mut summary = format!(
                "<p>Covered by {} outlet{}{}.</p><ul>",
                story.outlet_count,
                if story.outlet_count == 1 { "" } else { "s" },
                first.map(|a| format!("; first reported by {}", xml_text(&a.outlet_name))).unwrap_or_default()
            );
            for a in articles.iter().take(10) {
                summary.push_str(&format!(
                    "<li><a href=\"{base}/articles/{}\">{}</a> ({})</li>",
                    a.id.0,
                    xml_text(&a.title),
                    xml_text(&a.outlet_name)
                ));
            }
            summary.push_str("</ul>");
            AtomEntry {
                page: format!("{base}/stories/{}", story.id.0),
                title: story.title,
                updated: story.updated_at,
                published: first.map(Article::shown_time),
                authors: Vec::new(),
                summary_html: summary,
            }
        })
        .collect();
    Ok(AtomFeed {
        title: "Tidings: top stories".to_string(),
        page: format!("{base}/"),
        own: format!("{base}/feed.atom"),
        entries,
    }
    .into_response())
}

/// `/outlets/{id}/feed.atom`: an outlet's newest articles.
pub(crate) async fn outlet(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let id = OutletId(id.parse::<i64>().map_err(|_| WebError::NotFound)?);
    let outlet = state.store.outlet(id).await?;
    let articles = state.store.list_articles(&Listing::Outlet(id), None, FEED_ENTRIES).await?;
    let base = base(&headers);
    let feed = articles_feed(
        format!("Tidings: {}", outlet.outlet.name),
        format!("{base}/outlets/{}", id.0),
        format!("{base}/outlets/{}/feed.atom", id.0),
        &base,
        &articles,
    );
    Ok(feed.into_response())
}

/// `/categories/{name}/feed.atom`: the newest articles of a category's outlets.
pub(crate) async fn category(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    if !state.store.categories().await?.iter().any(|c| c.name == name) {
        return Err(WebError::NotFound);
    }
    let articles = state.store.list_articles(&Listing::Category(name.clone()), None, FEED_ENTRIES).await?;
    let base = base(&headers);
    let page = format!("{base}{}", category_path(&name));
    let own = format!("{page}/feed.atom");
    Ok(articles_feed(format!("Tidings: {name}"), page, own, &base, &articles).into_response())
}

/// `/stories/{id}/feed.atom`: a story's newest reports.
pub(crate) async fn story(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let id = StoryId(id.parse::<i64>().map_err(|_| WebError::NotFound)?);
    let story = match story_or_survivor(&state, id, "/feed.atom").await? {
        Ok(story) => story,
        Err(redirect) => return Ok(redirect),
    };
    let articles = state.store.list_articles(&Listing::Story(id), None, FEED_ENTRIES).await?;
    let base = base(&headers);
    let feed = articles_feed(
        format!("Tidings: {}", story.title),
        format!("{base}/stories/{}", id.0),
        format!("{base}/stories/{}/feed.atom", id.0),
        &base,
        &articles,
    );
    Ok(feed.into_response())
}

/// `/sitemap.xml`: the site's lists, every outlet and category, and the newest stories and
/// articles.
pub(crate) async fn sitemap_xml(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, WebError> {
    let base = base(&headers);
    let entries = state.store.sitemap_entries(SITEMAP_EACH).await?;
    let newest = entries.articles.first().map(|(_, t)| *t);
    let mut pages: Vec<(String, Option<Timestamp>)> = vec![
        (format!("{base}/"), newest),
        (format!("{base}/latest"), newest),
        (format!("{base}/outlets"), None),
        (format!("{base}/categories"), None),
    ];
    pages.extend(entries.outlets.iter().map(|id| (format!("{base}/outlets/{}", id.0), None)));
    pages.extend(entries.categories.iter().map(|name| (format!("{base}{}", category_path(name)), None)));
    pages.extend(entries.stories.iter().map(|(id, t)| (format!("{base}/stories/{}", id.0), Some(*t))));
    pages.extend(entries.articles.iter().map(|(id, t)| (format!("{base}/articles/{}", id.0), Some(*t))));
    Ok(([(header::CONTENT_TYPE, "application/xml; charset=utf-8")], sitemap(&pages)).into_response())
}
