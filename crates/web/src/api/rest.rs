//! The JSON REST API under `/api/v1`: outlets, articles, stories and the reader's own state,
//! described by `/api/v1/openapi.json`. Every call but the document takes a reader's API token
//! as `Authorization: Bearer …`; every error is `{"error": "…"}` saying what to do.

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Json;
use axum::routing::{get, post, put};
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::{Value, json};
use tidings_core::{Article, ArticleId, OutletId, Story, StoryId};
use tidings_store::{FollowState, FollowTarget, MarkScope, OutletHealth, ReaderQuery, Source, TokenKind, User};

use super::{ApiError, Style, sent_token, token_user};
use crate::AppState;

/// Articles one list gives at most.
const MAX_LIMIT: i64 = 500;

type Result<T, E = ApiError> = std::result::Result<T, E>;

fn error(status: StatusCode, message: impl Into<String>) -> ApiError {
    ApiError::new(status, message, Style::Json)
}

fn store_error(e: tidings_store::Error) -> ApiError {
    ApiError::store(e, Style::Json)
}

fn path_id(p: Result<Path<i64>, PathRejection>) -> Result<i64> {
    p.map(|Path(id)| id).map_err(|_| error(StatusCode::BAD_REQUEST, "the id in the address must be a whole number"))
}

fn body<T: serde::de::DeserializeOwned>(bytes: &Bytes) -> Result<T> {
    serde_json::from_slice(bytes)
        .map_err(|e| error(StatusCode::BAD_REQUEST, format!("the request body is not the JSON this call takes: {e}")))
}

/// The routes, relative to `/api/v1`.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/me", get(me))
        .route("/outlets", get(outlets))
        .route("/outlets/{id}", get(outlet))
        .route("/outlets/{id}/follow", put(follow_outlet))
        .route("/articles", get(articles))
        .route("/articles/{id}", get(article))
        .route("/articles/{id}/state", put(article_state))
        .route("/stories", get(stories))
        .route("/stories/{id}", get(story))
        .route("/stories/{id}/follow", put(follow_story))
        .route("/mark-all-read", post(mark_all_read))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "there is no such API call; see /api/v1/openapi.json") })
}

async fn reader(state: &AppState, headers: &HeaderMap) -> Result<User> {
    token_user(state, sent_token(headers), &[TokenKind::Api, TokenKind::AppLogin], Style::Json).await
}

async fn me(State(state): State<AppState>, headers: HeaderMap) -> Result<Json<Value>> {
    let user = reader(&state, &headers).await?;
    Ok(Json(json!({ "id": user.id, "name": user.name, "role": user.role })))
}

fn follow_name(state: Option<&FollowState>) -> &'static str {
    match state {
        Some(FollowState::Follow) => "follow",
        Some(FollowState::Mute) => "mute",
        None => "none",
    }
}

fn outlet_json(o: &OutletHealth, follow: Option<&FollowState>) -> Value {
    json!({
        "id": o.outlet.id.0,
        "name": o.outlet.name,
        "site_url": o.outlet.site_url,
        "feed_url": o.feed.url,
        "category": o.outlet.category,
        "article_count": o.article_count,
        "status": o.feed.status().as_str(),
        "follow": follow_name(follow),
    })
}

async fn outlets(State(state): State<AppState>, headers: HeaderMap) -> Result<Json<Value>> {
    let user = reader(&state, &headers).await?;
    let follows = state.store.follows(user.id).await.map_err(store_error)?;
    let all = state.store.outlets().await.map_err(store_error)?;
    let list: Vec<Value> =
        all.iter().map(|o| outlet_json(o, follows.get(&FollowTarget::Outlet(o.outlet.id)))).collect();
    Ok(Json(json!({ "outlets": list })))
}

async fn outlet(
    State(state): State<AppState>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<Value>> {
    let user = reader(&state, &headers).await?;
    let id = OutletId(path_id(id)?);
    let o = state.store.outlet(id).await.map_err(store_error)?;
    let follows = state.store.follows(user.id).await.map_err(store_error)?;
    Ok(Json(outlet_json(&o, follows.get(&FollowTarget::Outlet(id)))))
}

#[derive(Debug, Deserialize)]
struct FollowBody {
    state: String,
}

async fn set_follow(state: &AppState, headers: &HeaderMap, target: FollowTarget, bytes: &Bytes) -> Result<Json<Value>> {
    let user = reader(state, headers).await?;
    let wanted: FollowBody = body(bytes)?;
    let follow = match wanted.state.as_str() {
        "follow" => Some(FollowState::Follow),
        "mute" => Some(FollowState::Mute),
        "none" => None,
        other => {
            return Err(error(
                StatusCode::BAD_REQUEST,
                format!("state is \"follow\", \"mute\" or \"none\", not {other:?}"),
            ));
        }
    };
    state.store.set_follow(user.id, target, follow, Timestamp::now()).await.map_err(store_error)?;
    Ok(Json(json!({ "state": follow_name(follow.as_ref()) })))
}

async fn follow_outlet(
    State(state): State<AppState>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
    bytes: Bytes,
) -> Result<Json<Value>> {
    let id = path_id(id)?;
    set_follow(&state, &headers, FollowTarget::Outlet(OutletId(id)), &bytes).await
}

async fn follow_story(
    State(state): State<AppState>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
    bytes: Bytes,
) -> Result<Json<Value>> {
    let id = path_id(id)?;
    set_follow(&state, &headers, FollowTarget::Story(StoryId(id)), &bytes).await
}

fn article_json(a: &Article, read: bool, starred: bool, full: bool) -> Value {
    let mut v = json!({
        "id": a.id.0,
        "outlet_id": a.outlet_id.0,
        "outlet": a.outlet_name,
        "title": a.title,
        "url": a.url,
        "authors": a.authors,
        "published_at": a.shown_time().to_string(),
        "fetched_at": a.fetched_at.to_string(),
        "story_id": a.story_id.map(|s| s.0),
        "excerpt": a.excerpt,
        "read": read,
        "starred": starred,
    });
    if full {
        v["content_html"] = json!(a.content_html);
        v["content_text"] = json!(a.content_text);
    }
    v
}

#[derive(Debug, Deserialize)]
struct ArticlesParams {
    outlet: Option<i64>,
    story: Option<i64>,
    unread: Option<bool>,
    starred: Option<bool>,
    after: Option<i64>,
    limit: Option<i64>,
}

/// Articles newest arrival first; `next` is the `after` of the following page.
async fn articles(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Result<Query<ArticlesParams>, QueryRejection>,
) -> Result<Json<Value>> {
    let user = reader(&state, &headers).await?;
    let Query(p) = params.map_err(|e| error(StatusCode::BAD_REQUEST, e.body_text()))?;
    let limit = p.limit.unwrap_or(50).clamp(1, MAX_LIMIT);
    let source = match (p.outlet, p.story) {
        (Some(o), _) => Source::Outlet(OutletId(o)),
        (None, Some(s)) => Source::Story(StoryId(s)),
        (None, None) => Source::Subscriptions,
    };
    let mut q = ReaderQuery::new(user.id, source, limit + 1);
    q.read = p.unread.map(|u| !u);
    q.starred = p.starred;
    q.after = p.after.map(ArticleId);
    let mut found = state.store.reader_items(&q).await.map_err(store_error)?;
    let more = found.len() as i64 > limit;
    found.truncate(limit as usize);
    let list: Vec<Value> = state
        .store
        .reader_articles_found(user.id, &found)
        .await
        .map_err(store_error)?
        .iter()
        .map(|r| article_json(&r.article, r.read, r.starred, false))
        .collect();
    let next = if more { found.last().map(|r| r.id.0) } else { None };
    Ok(Json(json!({ "articles": list, "next": next })))
}

async fn article(
    State(state): State<AppState>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<Value>> {
    let user = reader(&state, &headers).await?;
    let id = ArticleId(path_id(id)?);
    let found = state.store.reader_articles(user.id, &[id]).await.map_err(store_error)?;
    let r = found.first().ok_or_else(|| error(StatusCode::NOT_FOUND, format!("article {} was not found", id.0)))?;
    Ok(Json(article_json(&r.article, r.read, r.starred, true)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StateBody {
    read: Option<bool>,
    starred: Option<bool>,
}

async fn article_state(
    State(state): State<AppState>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
    bytes: Bytes,
) -> Result<Json<Value>> {
    let user = reader(&state, &headers).await?;
    let id = ArticleId(path_id(id)?);
    let wanted: StateBody = body(&bytes)?;
    state.store.article(id).await.map_err(store_error)?;
    let now = Timestamp::now();
    if let Some(read) = wanted.read {
        state.store.set_read(user.id, &[id], read, now).await.map_err(store_error)?;
    }
    if let Some(starred) = wanted.starred {
        state.store.set_starred(user.id, &[id], starred, now).await.map_err(store_error)?;
    }
    let found = state.store.reader_articles(user.id, &[id]).await.map_err(store_error)?;
    let (read, starred) = found.first().map_or((false, false), |r| (r.read, r.starred));
    Ok(Json(json!({ "id": id.0, "read": read, "starred": starred })))
}

fn story_json(s: &Story) -> Value {
    json!({
        "id": s.id.0,
        "title": s.title,
        "first_article_id": s.first_article_id.0,
        "article_count": s.article_count,
        "outlet_count": s.outlet_count,
        "updated_at": s.updated_at.to_string(),
    })
}

#[derive(Debug, Deserialize)]
struct StoriesParams {
    limit: Option<i64>,
}

/// Stories by latest report, newest first.
async fn stories(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Result<Query<StoriesParams>, QueryRejection>,
) -> Result<Json<Value>> {
    reader(&state, &headers).await?;
    let Query(p) = params.map_err(|e| error(StatusCode::BAD_REQUEST, e.body_text()))?;
    let limit = p.limit.unwrap_or(50).clamp(1, MAX_LIMIT);
    let list = state.store.recent_stories(Timestamp::UNIX_EPOCH, limit).await.map_err(store_error)?;
    Ok(Json(json!({ "stories": list.iter().map(story_json).collect::<Vec<_>>() })))
}

async fn story(
    State(state): State<AppState>,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<Value>> {
    let user = reader(&state, &headers).await?;
    let id = StoryId(path_id(id)?);
    let s = state.store.story(id).await.map_err(store_error)?;
    let ids: Vec<ArticleId> = state.store.story_articles(id).await.map_err(store_error)?.iter().map(|a| a.id).collect();
    let list: Vec<Value> = state
        .store
        .reader_articles(user.id, &ids)
        .await
        .map_err(store_error)?
        .iter()
        .map(|r| article_json(&r.article, r.read, r.starred, false))
        .collect();
    let follows = state.store.follows(user.id).await.map_err(store_error)?;
    let mut v = story_json(&s);
    v["articles"] = json!(list);
    v["follow"] = json!(follow_name(follows.get(&FollowTarget::Story(id))));
    Ok(Json(v))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MarkBody {
    scope: String,
    id: Option<i64>,
    up_to: Option<String>,
}

/// Marks everything in a scope that arrived up to a time (now by default) as read.
async fn mark_all_read(State(state): State<AppState>, headers: HeaderMap, bytes: Bytes) -> Result<Json<Value>> {
    let user = reader(&state, &headers).await?;
    let wanted: MarkBody = body(&bytes)?;
    let needs_id = || error(StatusCode::BAD_REQUEST, "this scope needs the id of the outlet or story");
    let scope = match wanted.scope.as_str() {
        "all" => MarkScope::All,
        "outlet" => MarkScope::Outlet(OutletId(wanted.id.ok_or_else(needs_id)?)),
        "story" => MarkScope::Story(StoryId(wanted.id.ok_or_else(needs_id)?)),
        other => {
            return Err(error(
                StatusCode::BAD_REQUEST,
                format!("scope is \"all\", \"outlet\" or \"story\", not {other:?}"),
            ));
        }
    };
    let up_to = match wanted.up_to.as_deref() {
        Some(t) => t.parse::<Timestamp>().map_err(|_| {
            error(
                StatusCode::BAD_REQUEST,
                format!("up_to must be an RFC 3339 time like 2026-11-30T08:00:00Z, not {t:?}"),
            )
        })?,
        None => Timestamp::now(),
    };
    state.store.mark_all_read(user.id, &scope, up_to).await.map_err(store_error)?;
    Ok(Json(json!({ "scope": wanted.scope, "up_to": up_to.to_string() })))
}

/// The OpenAPI document of this API.
async fn openapi() -> Json<Value> {
    Json(document())
}

fn document() -> Value {
    let error = json!({ "$ref": "#/components/responses/Error" });
    let id_param = |what: &str| {
        json!({ "name": "id", "in": "path", "required": true, "description": format!("The {what}'s id."),
                "schema": { "type": "integer", "format": "int64" } })
    };
    let ok = |schema: &str, description: &str| {
        json!({ "description": description,
                "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } })
    };
    let json_body = |schema: &str| {
        json!({ "required": true,
                "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } })
    };
    let errors = json!({ "400": error, "401": error, "404": error, "429": error });
    let with_errors = |mut responses: Value| {
        if let (Some(r), Some(e)) = (responses.as_object_mut(), errors.as_object()) {
            r.extend(e.clone());
        }
        responses
    };
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Tidings REST API",
            "version": "1",
            "description": "Outlets, articles and stories of a Tidings site, and the reader's own state. \
                            Make a token on your account page or with `tidings token add`, and send it as \
                            `Authorization: Bearer TOKEN`. Errors are {\"error\": \"...\"}.",
        },
        "servers": [{ "url": "/api/v1" }],
        "security": [{ "bearer": [] }],
        "paths": {
            "/me": { "get": { "summary": "The token's account.", "operationId": "me",
                "responses": with_errors(json!({ "200": ok("Me", "The account.") })) } },
            "/outlets": { "get": { "summary": "Every outlet, with whether you follow or mute it.", "operationId": "outlets",
                "responses": with_errors(json!({ "200": ok("OutletList", "The outlets.") })) } },
            "/outlets/{id}": { "get": { "summary": "One outlet.", "operationId": "outlet",
                "parameters": [id_param("outlet")],
                "responses": with_errors(json!({ "200": ok("Outlet", "The outlet.") })) } },
            "/outlets/{id}/follow": { "put": { "summary": "Follow, mute or forget an outlet.", "operationId": "followOutlet",
                "parameters": [id_param("outlet")], "requestBody": json_body("FollowBody"),
                "responses": with_errors(json!({ "200": ok("FollowBody", "The outlet's new state.") })) } },
            "/articles": { "get": { "summary": "Articles, newest arrival first.", "operationId": "articles",
                "parameters": [
                    { "name": "outlet", "in": "query", "schema": { "type": "integer", "format": "int64" }, "description": "Only this outlet's." },
                    { "name": "story", "in": "query", "schema": { "type": "integer", "format": "int64" }, "description": "Only this story's." },
                    { "name": "unread", "in": "query", "schema": { "type": "boolean" }, "description": "Only unread (true) or read (false) ones." },
                    { "name": "starred", "in": "query", "schema": { "type": "boolean" }, "description": "Only starred (true) or unstarred (false) ones." },
                    { "name": "after", "in": "query", "schema": { "type": "integer", "format": "int64" }, "description": "The `next` of the previous page." },
                    { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": MAX_LIMIT }, "description": "At most this many (50 by default)." },
                ],
                "responses": with_errors(json!({ "200": ok("ArticlePage", "A page of articles.") })) } },
            "/articles/{id}": { "get": { "summary": "One article with its text.", "operationId": "article",
                "parameters": [id_param("article")],
                "responses": with_errors(json!({ "200": ok("Article", "The article.") })) } },
            "/articles/{id}/state": { "put": { "summary": "Mark an article read or unread, starred or not.", "operationId": "articleState",
                "parameters": [id_param("article")], "requestBody": json_body("StateBody"),
                "responses": with_errors(json!({ "200": ok("State", "The article's new state.") })) } },
            "/stories": { "get": { "summary": "Stories, most recently updated first.", "operationId": "stories",
                "parameters": [{ "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": MAX_LIMIT } }],
                "responses": with_errors(json!({ "200": ok("StoryList", "The stories.") })) } },
            "/stories/{id}": { "get": { "summary": "One story with its articles, first report first.", "operationId": "story",
                "parameters": [id_param("story")],
                "responses": with_errors(json!({ "200": ok("StoryWithArticles", "The story.") })) } },
            "/stories/{id}/follow": { "put": { "summary": "Follow, mute or forget a story.", "operationId": "followStory",
                "parameters": [id_param("story")], "requestBody": json_body("FollowBody"),
                "responses": with_errors(json!({ "200": ok("FollowBody", "The story's new state.") })) } },
            "/mark-all-read": { "post": { "summary": "Mark everything in a scope that arrived up to a time as read.", "operationId": "markAllRead",
                "requestBody": json_body("MarkBody"),
                "responses": with_errors(json!({ "200": ok("Marked", "What was marked.") })) } },
        },
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "responses": { "Error": { "description": "What went wrong and what to do.",
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } } },
            "schemas": schemas(),
        },
    })
}

fn schemas() -> Value {
    let int = json!({ "type": "integer", "format": "int64" });
    let text = json!({ "type": "string" });
    let time = json!({ "type": "string", "format": "date-time" });
    let nullable = |t: &Value| {
        let mut t = t.clone();
        t["nullable"] = json!(true);
        t
    };
    let follow = json!({ "type": "string", "enum": ["follow", "mute", "none"] });
    let article_props = json!({
        "id": int, "outlet_id": int, "outlet": text, "title": text, "url": text,
        "authors": { "type": "array", "items": text }, "published_at": time, "fetched_at": time,
        "story_id": nullable(&int), "excerpt": text, "read": { "type": "boolean" }, "starred": { "type": "boolean" },
    });
    let mut full_props = article_props.clone();
    full_props["content_html"] = text.clone();
    full_props["content_text"] = text.clone();
    let required_article = json!([
        "id",
        "outlet_id",
        "outlet",
        "title",
        "url",
        "authors",
        "published_at",
        "fetched_at",
        "story_id",
        "excerpt",
        "read",
        "starred"
    ]);
    let story_props = json!({ "id": int, "title": text, "first_article_id": int, "article_count": int,
        "outlet_count": int, "updated_at": time });
    let mut story_full = story_props.clone();
    story_full["articles"] = json!({ "type": "array", "items": { "$ref": "#/components/schemas/ArticleBrief" } });
    story_full["follow"] = follow.clone();
    json!({
        "Error": { "type": "object", "required": ["error"], "properties": { "error": text } },
        "Me": { "type": "object", "required": ["id", "name", "role"], "properties": { "id": int, "name": text, "role": text } },
        "Outlet": { "type": "object", "required": ["id", "name", "feed_url", "article_count", "status", "follow"],
            "properties": { "id": int, "name": text, "site_url": nullable(&text), "feed_url": text,
                "category": nullable(&text), "article_count": int, "status": text, "follow": follow } },
        "OutletList": { "type": "object", "required": ["outlets"],
            "properties": { "outlets": { "type": "array", "items": { "$ref": "#/components/schemas/Outlet" } } } },
        "ArticleBrief": { "type": "object", "required": required_article, "properties": article_props },
        "Article": { "type": "object", "required": required_article, "properties": full_props },
        "ArticlePage": { "type": "object", "required": ["articles", "next"], "properties": {
            "articles": { "type": "array", "items": { "$ref": "#/components/schemas/ArticleBrief" } },
            "next": nullable(&int) } },
        "Story": { "type": "object", "required": ["id", "title", "first_article_id", "article_count", "outlet_count", "updated_at"],
            "properties": story_props },
        "StoryList": { "type": "object", "required": ["stories"],
            "properties": { "stories": { "type": "array", "items": { "$ref": "#/components/schemas/Story" } } } },
        "StoryWithArticles": { "type": "object", "required": ["id", "title", "articles", "follow"], "properties": story_full },
        "FollowBody": { "type": "object", "required": ["state"], "properties": { "state": follow } },
        "StateBody": { "type": "object", "additionalProperties": false,
            "properties": { "read": { "type": "boolean" }, "starred": { "type": "boolean" } } },
        "State": { "type": "object", "required": ["id", "read", "starred"],
            "properties": { "id": int, "read": { "type": "boolean" }, "starred": { "type": "boolean" } } },
        "MarkBody": { "type": "object", "required": ["scope"], "additionalProperties": false, "properties": {
            "scope": { "type": "string", "enum": ["all", "outlet", "story"] }, "id": int, "up_to": time } },
        "Marked": { "type": "object", "required": ["scope", "up_to"], "properties": { "scope": text, "up_to": time } },
    })
}
