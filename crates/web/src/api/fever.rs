//! The Fever API (version 3), served at `/api/fever.php` (FreshRSS's address, which apps
//! suggest) and `/fever/` (Fever's own).
//!
//! Apps send `api_key` = md5(`name:password`) in a form-encoded POST and the calls in the
//! query string. Tidings cannot compute that key from its Argon2id password hash, so a reader
//! turns Fever on once, with the password, on the account page or with `tidings token fever`;
//! only the SHA-256 of the key is kept. Groups are categories, feeds are outlets (none muted),
//! and `links`, which other self-hosted servers leave empty, are stories: the most widely
//! covered of the period asked for, each with the articles of its outlets.

use std::collections::{BTreeMap, HashMap};

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Json, Response};
use jiff::{SignedDuration, Timestamp};
use serde_json::{Map, Value, json};
use tidings_core::{ArticleId, OutletId, StoryId};
use tidings_store::{FollowState, FollowTarget, MarkScope, OutletHealth, ReaderQuery, Source, TokenKind, User};

use super::{AUTH_FAILED, ApiError, Style, subscribed};
use crate::AppState;

/// Items one call returns at most, as Fever defines.
const PAGE: usize = 50;
/// Ids an unread or saved list gives at most.
const MAX_LISTED: i64 = 500_000;
/// Links one page of `links` gives.
const LINKS_PAGE: usize = 50;
/// The one favicon: a transparent GIF (Tidings fetches nothing from outlets for show).
const BLANK_FAVICON: &str = "image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";

type Result<T, E = ApiError> = std::result::Result<T, E>;

fn store_error(e: tidings_store::Error) -> ApiError {
    ApiError::store(e, Style::Json)
}

/// A category's group id: stable whatever other categories come and go (FNV-1a, positive).
pub(crate) fn group_id(category: &str) -> i64 {
    let mut hash: u32 = 0x811c_9dc5;
    for b in category.as_bytes() {
        hash ^= u32::from(*b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    i64::from(hash & 0x7fff_ffff).max(1)
}

/// Parameters from the query string and the form body.
struct Params(HashMap<String, String>);

impl Params {
    fn has(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    fn number(&self, name: &str) -> Option<i64> {
        self.get(name).and_then(|v| v.trim().parse().ok())
    }
}

/// Every Fever call: authenticate, then answer each member asked for.
pub(crate) async fn endpoint(State(state): State<AppState>, RawQuery(query): RawQuery, body: Bytes) -> Response {
    let mut map = HashMap::new();
    map.extend(url::form_urlencoded::parse(query.as_deref().unwrap_or_default().as_bytes()).into_owned());
    map.extend(url::form_urlencoded::parse(&body).into_owned());
    let params = Params(map);
    let key = params.get("api_key").unwrap_or_default().trim().to_ascii_lowercase();
    let user = match state.store.api_token_user(&tidings_accounts::session_key(&key), &[TokenKind::Fever]).await {
        Ok(Some((user, _))) if !key.is_empty() => user,
        Ok(_) => {
            let mut res = Json(json!({ "api_version": 3, "auth": 0 })).into_response();
            res.headers_mut().insert(AUTH_FAILED, HeaderValue::from_static("1"));
            return res;
        }
        Err(e) => return store_error(e).into_response(),
    };
    match answer(&state, &user, &params).await {
        Ok(members) => Json(Value::Object(members)).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn answer(state: &AppState, user: &User, params: &Params) -> Result<Map<String, Value>> {
    let mut out = Map::new();
    out.insert("api_version".into(), json!(3));
    out.insert("auth".into(), json!(1));
    let outlets = subscribed(state, user, Style::Json).await?;
    let refreshed = outlets.iter().filter_map(|o| o.feed.last_fetch_at).max().unwrap_or(Timestamp::UNIX_EPOCH);
    out.insert("last_refreshed_on_time".into(), json!(refreshed.as_second()));
    if params.has("mark") {
        mark(state, user, params).await?;
    }
    if params.has("groups") {
        out.insert("groups".into(), groups(&outlets));
    }
    if params.has("groups") || params.has("feeds") {
        out.insert("feeds_groups".into(), feeds_groups(&outlets));
    }
    if params.has("feeds") {
        out.insert("feeds".into(), feeds(&outlets));
    }
    if params.has("favicons") {
        out.insert("favicons".into(), json!([{ "id": 1, "data": BLANK_FAVICON }]));
    }
    if params.has("items") {
        let (items, total) = items(state, user, params).await?;
        out.insert("items".into(), items);
        out.insert("total_items".into(), json!(total));
    }
    if params.has("links") {
        out.insert("links".into(), links(state, user, params).await?);
    }
    let marked = params.get("as");
    if params.has("unread_item_ids") || matches!(marked, Some("read" | "unread")) {
        let q = ReaderQuery { read: Some(false), ..ReaderQuery::new(user.id, Source::Subscriptions, MAX_LISTED) };
        out.insert("unread_item_ids".into(), json!(id_list(state, &q).await?));
    }
    if params.has("saved_item_ids") || matches!(marked, Some("saved" | "unsaved")) {
        let q = ReaderQuery { starred: Some(true), ..ReaderQuery::new(user.id, Source::Everything, MAX_LISTED) };
        out.insert("saved_item_ids".into(), json!(id_list(state, &q).await?));
    }
    Ok(out)
}

fn by_category(outlets: &[OutletHealth]) -> BTreeMap<&str, Vec<i64>> {
    let mut map: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for o in outlets {
        if let Some(c) = o.outlet.category.as_deref() {
            map.entry(c).or_default().push(o.outlet.id.0);
        }
    }
    map
}

fn groups(outlets: &[OutletHealth]) -> Value {
    by_category(outlets).keys().map(|c| json!({ "id": group_id(c), "title": c })).collect()
}

fn feeds_groups(outlets: &[OutletHealth]) -> Value {
    by_category(outlets)
        .iter()
        .map(|(c, ids)| {
            let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
            json!({ "group_id": group_id(c), "feed_ids": ids.join(",") })
        })
        .collect()
}

fn feeds(outlets: &[OutletHealth]) -> Value {
    outlets
        .iter()
        .map(|o| {
            json!({
                "id": o.outlet.id.0,
                "favicon_id": 1,
                "title": o.outlet.name,
                "url": o.feed.url,
                "site_url": o.outlet.site_url.clone().unwrap_or_default(),
                "is_spark": 0,
                "last_updated_on_time": o.feed.last_fetch_at.map_or(0, |t| t.as_second()),
            })
        })
        .collect()
}

/// `items`: `with_ids` (at most 50), else `since_id` (the next 50 after it, oldest first),
/// else `max_id` (the 50 before it, newest first), else the newest 50.
async fn items(state: &AppState, user: &User, params: &Params) -> Result<(Value, i64)> {
    let mut q = ReaderQuery::new(user.id, Source::Subscriptions, PAGE as i64);
    if let Some(with) = params.get("with_ids") {
        let ids: Vec<ArticleId> =
            with.split(',').filter_map(|s| s.trim().parse::<i64>().ok()).take(PAGE).map(ArticleId).collect();
        q.source = Source::Everything;
        q.ids = Some(ids);
    } else if let Some(since) = params.number("since_id") {
        q.oldest_first = true;
        q.after = Some(ArticleId(since));
    } else if let Some(max) = params.number("max_id") {
        q.after = Some(ArticleId(max));
    }
    let found = state.store.reader_items(&q).await.map_err(store_error)?;
    let articles = state.store.reader_articles_found(user.id, &found).await.map_err(store_error)?;
    let items: Vec<Value> = articles
        .iter()
        .map(|r| {
            let a = &r.article;
            json!({
                "id": a.id.0,
                "feed_id": a.outlet_id.0,
                "title": a.title,
                "author": a.authors.join(", "),
                "html": a.content_html,
                "url": a.url,
                "is_saved": i64::from(r.starred),
                "is_read": i64::from(r.read),
                "created_on_time": a.shown_time().as_second(),
            })
        })
        .collect();
    let total = *state
        .article_total
        .get((), || async { state.store.counts().await.map(|(_, articles, _)| articles) })
        .await
        .map_err(store_error)?;
    Ok((Value::Array(items), total))
}

/// `links`: stories updated in the window `offset` days ago and `range` days long (Fever's
/// defaults: 0 and 7), widest coverage first, 50 a `page`. Each link is the story's first
/// report, its temperature the share of the page's widest coverage, its items one article of
/// each outlet that covered it.
async fn links(state: &AppState, user: &User, params: &Params) -> Result<Value> {
    let offset = params.number("offset").unwrap_or(0).clamp(0, 3650);
    let range = params.number("range").unwrap_or(7).clamp(1, 3650);
    let page = params.number("page").unwrap_or(1).clamp(1, 1000) as usize;
    let until = Timestamp::now() - SignedDuration::from_hours(24 * offset);
    let since = until - SignedDuration::from_hours(24 * range);
    let follows = state.store.follows(user.id).await.map_err(store_error)?;
    let mut stories = state.store.recent_stories(since, 2000).await.map_err(store_error)?;
    stories.retain(|s| {
        s.updated_at <= until
            && s.outlet_count >= 2
            && follows.get(&FollowTarget::Story(s.id)) != Some(&FollowState::Mute)
    });
    stories.sort_by(|a, b| b.outlet_count.cmp(&a.outlet_count).then(b.updated_at.cmp(&a.updated_at)));
    let widest = stories.first().map_or(1, |s| s.outlet_count.max(1));
    let mut links = Vec::new();
    for story in stories.iter().skip((page - 1) * LINKS_PAGE).take(LINKS_PAGE) {
        let articles = state.store.story_articles(story.id).await.map_err(store_error)?;
        let Some(first) = articles.iter().find(|a| a.id == story.first_article_id).or(articles.first()) else {
            continue;
        };
        let mut seen = std::collections::HashSet::new();
        let items: Vec<String> =
            articles.iter().filter(|a| seen.insert(a.outlet_id)).map(|a| a.id.0.to_string()).collect();
        let saved = state.store.reader_articles(user.id, &[first.id]).await.map_err(store_error)?;
        links.push(json!({
            "id": story.id.0,
            "feed_id": first.outlet_id.0,
            "item_id": first.id.0,
            "temperature": (100.0 * story.outlet_count as f64 / widest as f64).round(),
            "is_item": 1,
            "is_local": 1,
            "is_saved": i64::from(saved.first().is_some_and(|r| r.starred)),
            "title": story.title,
            "url": first.url,
            "item_ids": items.join(","),
        }));
    }
    Ok(Value::Array(links))
}

async fn id_list(state: &AppState, q: &ReaderQuery) -> Result<String> {
    let found = state.store.reader_items(q).await.map_err(store_error)?;
    let mut ids: Vec<i64> = found.into_iter().map(|r| r.id.0).collect();
    ids.sort_unstable();
    Ok(ids.iter().map(i64::to_string).collect::<Vec<_>>().join(","))
}

/// `mark=item|feed|group`, `as=read|unread|saved|unsaved`, `id`, and for feeds and groups
/// `before` (the client's last refresh, compared with arrival times).
async fn mark(state: &AppState, user: &User, params: &Params) -> Result<()> {
    let bad = |m: &str| ApiError::new(axum::http::StatusCode::BAD_REQUEST, m, Style::Json);
    let id = params.number("id").ok_or_else(|| bad("mark needs an id"))?;
    let now = Timestamp::now();
    let before = params.number("before").and_then(|s| Timestamp::from_second(s).ok()).unwrap_or(now);
    let done = match (params.get("mark"), params.get("as")) {
        (Some("item"), Some(how @ ("read" | "unread"))) => {
            state.store.set_read(user.id, &[ArticleId(id)], how == "read", now).await
        }
        (Some("item"), Some(how @ ("saved" | "unsaved"))) => {
            state.store.set_starred(user.id, &[ArticleId(id)], how == "saved", now).await
        }
        (Some("feed"), Some("read")) => {
            state.store.mark_all_read(user.id, &MarkScope::Outlet(OutletId(id)), before).await
        }
        // Group 0 is Fever's "Kindling", everything; -1 its "Sparks", which Tidings has none of.
        (Some("group"), Some("read")) if id == 0 => state.store.mark_all_read(user.id, &MarkScope::All, before).await,
        (Some("group"), Some("read")) if id < 0 => Ok(()),
        (Some("group"), Some("read")) => {
            let outlets = subscribed(state, user, Style::Json).await?;
            match outlets.iter().filter_map(|o| o.outlet.category.as_deref()).find(|c| group_id(c) == id) {
                Some(c) => state.store.mark_all_read(user.id, &MarkScope::Category(c.to_string()), before).await,
                None => Ok(()),
            }
        }
        (Some("story"), Some("read")) => {
            state.store.mark_all_read(user.id, &MarkScope::Story(StoryId(id)), before).await
        }
        _ => return Err(bad("mark is item, feed or group; as is read, unread, saved or unsaved")),
    };
    done.map_err(store_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_ids_are_positive_and_stable() {
        assert_eq!(group_id("World"), group_id("World"));
        assert_ne!(group_id("World"), group_id("Sport"));
        assert!(group_id("") > 0 && group_id("World") > 0);
    }
}
