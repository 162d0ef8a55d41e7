//! The Google Reader API, the subset FreshRSS documents and reader apps use (Reeder,
//! NetNewsWire, ReadYou, FeedMe, Fluent Reader, newsboat), served at `/api/greader.php`,
//! `/api/greader` and the site's root.
//!
//! Subscriptions are the outlets a reader has not muted; subscribing to an outlet follows it
//! and unsubscribing mutes it. Categories and stories (followed ones and the widest of the last
//! two days) are labels. Item times are arrival times (`timestampUsec`, `crawlTimeMsec`),
//! which `ot`/`nt` filter and "mark all as read" compares, as FreshRSS does: publication dates
//! lie and arrive out of order. The `T` edit token is issued but not required: every call
//! carries its `Authorization` header, which a cross-site page cannot send. Streams are also
//! served as Google Reader's Atom output (`/reader/atom/{stream}`), which newsboat's `feedhq`
//! source reads articles from.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, Path, RawQuery, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{any, get};
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use serde_json::{Value, json};
use tidings_core::{ArticleId, OutletId};
use tidings_store::{
    FollowState, FollowTarget, MarkScope, OutletHealth, ReaderArticle, ReaderQuery, Source, TokenKind, User,
};

use super::ids::{Stream, long_id, parse_item_id, parse_stream, story_label};
use super::{ApiError, Style, listed_outlets, sent_token, subscribed, token_user};
use crate::AppState;
use crate::accounts::{Login, check_login};
use crate::atom::{rfc3339, xml_text};

/// Items one stream contents call returns at most.
const MAX_CONTENTS: usize = 1000;
/// Item ids one call lists at most.
const MAX_IDS: usize = 10_000;
/// Items one edit or one item contents call names at most.
const MAX_EDITED: usize = 1000;
/// Stories shown as labels besides those the reader follows: the widest of this window.
const STORY_LABEL_WINDOW_HOURS: i64 = 48;
const STORY_LABELS: usize = 10;
const STORY_LABEL_MIN_OUTLETS: i64 = 3;

const READ: &str = "user/-/state/com.google/read";
const STARRED: &str = "user/-/state/com.google/starred";
const READING_LIST: &str = "user/-/state/com.google/reading-list";

type Result<T, E = ApiError> = std::result::Result<T, E>;

/// Form and query parameters, repeated names kept in order (`i=…&i=…`).
#[derive(Debug, Default)]
struct Params(Vec<(String, String)>);

impl Params {
    fn read(query: Option<&str>, body: &[u8]) -> Self {
        let mut all: Vec<(String, String)> = Vec::new();
        if let Some(q) = query {
            all.extend(url::form_urlencoded::parse(q.as_bytes()).into_owned());
        }
        all.extend(url::form_urlencoded::parse(body).into_owned());
        Params(all)
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn all(&self, name: &str) -> impl Iterator<Item = &str> {
        self.0.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn number(&self, name: &str) -> Option<i64> {
        self.get(name).and_then(|v| v.trim().parse().ok())
    }
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, message, Style::Text)
}

fn store_error(e: tidings_store::Error) -> ApiError {
    ApiError::store(e, Style::Text)
}

/// The routes, relative to wherever they are mounted.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/accounts/ClientLogin", any(client_login))
        .route("/reader/api/0/token", get(edit_token))
        .route("/reader/api/0/user-info", get(user_info))
        .route("/reader/api/0/subscription/list", get(subscription_list))
        .route("/reader/api/0/subscription/edit", any(subscription_edit))
        .route("/reader/api/0/subscription/quickadd", any(quickadd))
        .route("/reader/api/0/tag/list", get(tag_list))
        .route("/reader/api/0/edit-tag", any(edit_tag))
        .route("/reader/api/0/disable-tag", any(disable_tag))
        .route("/reader/api/0/unread-count", get(unread_count))
        .route("/reader/api/0/mark-all-as-read", any(mark_all_as_read))
        .route("/reader/api/0/stream/items/ids", any(item_ids))
        .route("/reader/api/0/stream/items/contents", any(item_contents))
        .route("/reader/api/0/stream/contents", any(stream_contents))
        .route("/reader/api/0/stream/contents/{*stream}", any(stream_contents_at))
        .route("/reader/atom/{*stream}", get(atom_stream))
}

async fn reader(state: &AppState, headers: &HeaderMap) -> Result<User> {
    token_user(state, sent_token(headers), &[TokenKind::Api, TokenKind::AppLogin], Style::Text).await
}

/// An authenticated call: the reader its token names, and its query and form parameters.
struct Call {
    user: User,
    params: Params,
}

impl FromRequest<AppState> for Call {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self> {
        let user = reader(state, request.headers()).await?;
        let query = request.uri().query().map(str::to_string);
        let body = Bytes::from_request(request, state).await.map_err(|e| {
            ApiError::new(e.status(), format!("the request could not be read: {}", e.body_text()), Style::Text)
        })?;
        Ok(Call { user, params: Params::read(query.as_deref(), &body) })
    }
}

/// `ClientLogin`: a name and the account's password (or an API token as the password) give
/// an `Auth` token for the other calls. Wrong names and wrong passwords get the same answer.
async fn client_login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response> {
    let params = Params::read(query.as_deref(), &body);
    let name = params.get("Email").unwrap_or_default().trim().to_string();
    let password = params.get("Passwd").unwrap_or_default().to_string();
    let refused = || ApiError::new(StatusCode::UNAUTHORIZED, "Error=BadAuthentication", Style::Text);
    if name.is_empty() || password.is_empty() {
        return Err(refused());
    }
    // An API token given as the password is used as it is.
    if let Ok(Some((user, _))) = state
        .store
        .api_token_user(&tidings_accounts::session_key(&password), &[TokenKind::Api])
        .await
        .map_err(store_error)
        && user.name.eq_ignore_ascii_case(&name)
    {
        return Ok(login_answer(&password));
    }
    let user =
        match check_login(&state, &name, &password, peer.ip()).await.map_err(|e| ApiError::internal(e, Style::Text))? {
            Login::Ok(user) => user,
            Login::Wrong => return Err(refused()),
            Login::Blocked { until } => {
                let wait = crate::limiter::try_again(until, jiff::Timestamp::now());
                return Err(ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    format!("Error=BadAuthentication\nInfo=too many failed log-ins. {wait}"),
                    Style::Text,
                ));
            }
        };
    let token = super::new_token().map_err(|e| ApiError::internal(e, Style::Text))?;
    state
        .store
        .add_api_token(
            user.id,
            "Google Reader app login",
            TokenKind::AppLogin,
            &tidings_accounts::session_key(&token),
            Timestamp::now(),
        )
        .await
        .map_err(store_error)?;
    tracing::info!(user = %user.name, "reader app logged in");
    Ok(login_answer(&token))
}

fn login_answer(token: &str) -> Response {
    format!("SID={token}\nLSID=null\nAuth={token}\n").into_response()
}

/// The edit token apps ask for before they change anything.
async fn edit_token(Call { user, .. }: Call) -> Result<Response> {
    Ok(format!("tidings{:0>50}\n", user.id).into_response())
}

async fn user_info(Call { user, .. }: Call) -> Result<Json<Value>> {
    Ok(Json(json!({
        "userId": user.id.to_string(),
        "userName": user.name,
        "userProfileId": user.id.to_string(),
        "userEmail": "",
    })))
}

fn label_id(label: &str) -> String {
    format!("user/-/label/{label}")
}

async fn subscription_list(State(state): State<AppState>, Call { user, .. }: Call) -> Result<Json<Value>> {
    let subscriptions: Vec<Value> = subscribed(&state, &user, Style::Text)
        .await?
        .into_iter()
        .map(|o| {
            let categories: Vec<Value> =
                o.outlet.category.iter().map(|c| json!({ "id": label_id(c), "label": c, "type": "folder" })).collect();
            json!({
                "id": format!("feed/{}", o.outlet.id.0),
                "title": o.outlet.name,
                "categories": categories,
                "url": o.feed.url,
                "htmlUrl": o.outlet.site_url.unwrap_or_default(),
                "iconUrl": "",
                "firstitemmsec": o.outlet.created_at.as_millisecond().to_string(),
            })
        })
        .collect();
    Ok(Json(json!({ "subscriptions": subscriptions })))
}

/// The outlet a `feed/…` stream names, by id or by its feed's address.
async fn outlet_of(state: &AppState, stream: &Stream) -> Result<Option<OutletId>> {
    match stream {
        Stream::Feed(id) => Ok(Some(*id)),
        Stream::FeedUrl(url) => {
            Ok(state.store.outlet_by_feed_url(url).await.map_err(store_error)?.map(|o| o.outlet.id))
        }
        _ => Ok(None),
    }
}

async fn subscription_edit(State(state): State<AppState>, Call { user, params }: Call) -> Result<Response> {
    let follow = match params.get("ac").unwrap_or("edit") {
        "subscribe" => FollowState::Follow,
        "unsubscribe" => FollowState::Mute,
        _ if params.get("t").is_some() || params.get("a").is_some() || params.get("r").is_some() => {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "outlets' names and categories are the same for every reader and only the operator changes them",
                Style::Text,
            ));
        }
        _ => FollowState::Follow,
    };
    for s in params.all("s") {
        let stream = parse_stream(s).ok_or_else(|| bad(format!("unknown subscription {s:?}")))?;
        let outlet = outlet_of(&state, &stream).await?.ok_or_else(|| bad(format!("{s:?} is not a subscription")))?;
        state
            .store
            .set_follow(user.id, FollowTarget::Outlet(outlet), Some(follow), Timestamp::now())
            .await
            .map_err(store_error)?;
    }
    Ok("OK".into_response())
}

/// `quickadd`: follows an outlet Tidings already has, found by its feed's or its site's
/// address. Adding new outlets is the operator's (`tidings add`).
async fn quickadd(State(state): State<AppState>, Call { user, params }: Call) -> Result<Json<Value>> {
    let asked = params.get("quickadd").unwrap_or_default().trim().to_string();
    let address = asked.strip_prefix("feed/").unwrap_or(&asked);
    let wanted = tidings_core::canonical_url(address).unwrap_or_else(|_| address.to_string());
    let outlets = listed_outlets(&state, Style::Text).await?;
    let found = outlets.iter().find(|o| {
        [Some(o.feed.url.as_str()), o.outlet.site_url.as_deref()]
            .into_iter()
            .flatten()
            .any(|u| u == address || tidings_core::canonical_url(u).is_ok_and(|c| c == wanted))
    });
    let Some(outlet) = found else {
        return Ok(Json(json!({
            "query": asked,
            "numResults": 0,
            "error": "Tidings does not follow this address; ask the site's operator to add it",
        })));
    };
    state
        .store
        .set_follow(user.id, FollowTarget::Outlet(outlet.outlet.id), Some(FollowState::Follow), Timestamp::now())
        .await
        .map_err(store_error)?;
    Ok(Json(json!({
        "query": asked,
        "numResults": 1,
        "streamId": format!("feed/{}", outlet.outlet.id.0),
        "streamName": outlet.outlet.name,
    })))
}

/// The stories shown as labels: those the reader follows, then the widest of the last days.
async fn story_labels(state: &AppState, user: &User) -> Result<Vec<String>> {
    let follows = state.store.follows(user.id).await.map_err(store_error)?;
    let mut labels = Vec::new();
    let mut seen = HashSet::new();
    for (target, follow) in &follows {
        if let (FollowTarget::Story(id), FollowState::Follow) = (target, follow)
            && let Ok(story) = state.store.story(*id).await
            && seen.insert(story.id)
        {
            labels.push(story_label(story.id, &story.title));
        }
    }
    let since = Timestamp::now() - SignedDuration::from_hours(STORY_LABEL_WINDOW_HOURS);
    let mut recent = state.store.recent_stories(since, 200).await.map_err(store_error)?;
    recent.sort_by(|a, b| b.outlet_count.cmp(&a.outlet_count).then(b.updated_at.cmp(&a.updated_at)));
    for story in recent.into_iter().filter(|s| s.outlet_count >= STORY_LABEL_MIN_OUTLETS).take(STORY_LABELS) {
        if seen.insert(story.id) && follows.get(&FollowTarget::Story(story.id)) != Some(&FollowState::Mute) {
            labels.push(story_label(story.id, &story.title));
        }
    }
    Ok(labels)
}

async fn tag_list(State(state): State<AppState>, Call { user, .. }: Call) -> Result<Json<Value>> {
    let mut tags = vec![json!({ "id": STARRED })];
    let categories: std::collections::BTreeSet<String> =
        subscribed(&state, &user, Style::Text).await?.into_iter().filter_map(|o| o.outlet.category).collect();
    tags.extend(categories.iter().map(|c| json!({ "id": label_id(c), "type": "folder" })));
    for (label, _) in state.store.labels(user.id).await.map_err(store_error)? {
        if !categories.contains(&label) {
            tags.push(json!({ "id": label_id(&label), "type": "tag" }));
        }
    }
    tags.extend(story_labels(&state, &user).await?.iter().map(|l| json!({ "id": label_id(l), "type": "tag" })));
    Ok(Json(json!({ "tags": tags })))
}

/// Item ids named by `i` parameters, in any form; an unreadable one is refused.
fn item_ids_of(params: &Params) -> Result<Vec<ArticleId>> {
    let ids: Vec<ArticleId> = params
        .all("i")
        .map(|raw| parse_item_id(raw).ok_or_else(|| bad(format!("{raw:?} is not an item id"))))
        .collect::<Result<_>>()?;
    if ids.len() > MAX_EDITED {
        return Err(bad(format!("at most {MAX_EDITED} items at a time")));
    }
    Ok(ids)
}

/// What a tag does to items.
enum TagEdit {
    Read(bool),
    Starred(bool),
    Label(String),
}

fn tag_edit(tag: &str, add: bool) -> Result<Option<TagEdit>> {
    Ok(match parse_stream(tag) {
        Some(Stream::Read) => Some(TagEdit::Read(add)),
        Some(Stream::Unread) => Some(TagEdit::Read(!add)),
        Some(Stream::Starred) => Some(TagEdit::Starred(add)),
        Some(Stream::Label(label)) => Some(TagEdit::Label(label)),
        Some(Stream::Story(_)) => return Err(bad("stories are labels Tidings gives; they cannot be put on items")),
        // Tags apps send that mean nothing here (broadcast, like, tracking-…) change nothing.
        _ => None,
    })
}

async fn edit_tag(State(state): State<AppState>, Call { user, params }: Call) -> Result<Response> {
    let ids = item_ids_of(&params)?;
    let now = Timestamp::now();
    let edits = params.all("a").map(|t| (t, true)).chain(params.all("r").map(|t| (t, false)));
    for (tag, add) in edits.collect::<Vec<_>>() {
        match tag_edit(tag, add)? {
            Some(TagEdit::Read(read)) => state.store.set_read(user.id, &ids, read, now).await,
            Some(TagEdit::Starred(starred)) => state.store.set_starred(user.id, &ids, starred, now).await,
            Some(TagEdit::Label(label)) => state.store.set_label(user.id, &ids, &label, add).await,
            None => Ok(()),
        }
        .map_err(store_error)?;
    }
    Ok("OK".into_response())
}

/// Removes one of the reader's own labels from every item.
async fn disable_tag(State(state): State<AppState>, Call { user, params }: Call) -> Result<Response> {
    let Some(Stream::Label(label)) = params.get("s").and_then(parse_stream) else {
        return Err(bad("only your own labels can be removed (s=user/-/label/NAME)"));
    };
    state.store.delete_label(user.id, &label).await.map_err(store_error)?;
    Ok("OK".into_response())
}

async fn unread_count(State(state): State<AppState>, Call { user, .. }: Call) -> Result<Json<Value>> {
    let counts = state.store.unread_counts(user.id).await.map_err(store_error)?;
    let categories: HashMap<OutletId, String> = subscribed(&state, &user, Style::Text)
        .await?
        .into_iter()
        .filter_map(|o| o.outlet.category.map(|c| (o.outlet.id, c)))
        .collect();
    let usec = |t: Timestamp| t.as_microsecond().to_string();
    let mut total = 0;
    let mut newest = Timestamp::UNIX_EPOCH;
    let mut by_category: BTreeMap<&str, (i64, Timestamp)> = BTreeMap::new();
    let mut list: Vec<Value> = Vec::new();
    for c in &counts {
        total += c.count;
        newest = newest.max(c.newest);
        if let Some(cat) = categories.get(&c.outlet_id) {
            let entry = by_category.entry(cat.as_str()).or_insert((0, Timestamp::UNIX_EPOCH));
            entry.0 += c.count;
            entry.1 = entry.1.max(c.newest);
        }
        list.push(json!({
            "id": format!("feed/{}", c.outlet_id.0),
            "count": c.count,
            "newestItemTimestampUsec": usec(c.newest),
        }));
    }
    for (cat, (count, at)) in by_category {
        list.push(json!({ "id": label_id(cat), "count": count, "newestItemTimestampUsec": usec(at) }));
    }
    list.push(json!({ "id": READING_LIST, "count": total, "newestItemTimestampUsec": usec(newest) }));
    Ok(Json(json!({ "max": total, "unreadcounts": list })))
}

/// The query a stream starts from, before the filters of the call.
async fn stream_query(state: &AppState, user: &User, stream: &Stream, limit: usize) -> Result<ReaderQuery> {
    let mut q = ReaderQuery::new(user.id, Source::Subscriptions, limit as i64);
    match stream {
        Stream::ReadingList => {}
        Stream::Starred => {
            q.source = Source::Everything;
            q.starred = Some(true);
        }
        Stream::Read => {
            q.source = Source::Everything;
            q.read = Some(true);
        }
        Stream::Unread => q.read = Some(false),
        Stream::Feed(_) | Stream::FeedUrl(_) => {
            let outlet = outlet_of(state, stream)
                .await?
                .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "there is no such subscription", Style::Text))?;
            q.source = Source::Outlet(outlet);
        }
        Stream::Story(id) => q.source = Source::Story(*id),
        Stream::Label(label) => {
            let is_category = listed_outlets(state, Style::Text)
                .await?
                .iter()
                .any(|o| o.outlet.category.as_deref() == Some(label.as_str()));
            if is_category {
                q.source = Source::Category(label.clone());
            } else {
                q.source = Source::Everything;
                q.label = Some(label.clone());
            }
        }
    }
    Ok(q)
}

/// A filter two parameters asked for both ways: nothing can match.
struct Contradiction;

/// Adds a state filter, noting a contradiction (`s=…/read` with `xt=…/read`, say).
fn require(slot: &mut Option<bool>, value: bool) -> std::result::Result<(), Contradiction> {
    match *slot {
        Some(v) if v != value => Err(Contradiction),
        _ => {
            *slot = Some(value);
            Ok(())
        }
    }
}

/// The stream and filters of a stream call: `s`, `n`, `r`, `c`, `ot`, `nt`, `xt`, `it`.
/// `None` when the filters contradict each other (the answer is then empty).
async fn filtered_query(
    state: &AppState,
    user: &User,
    params: &Params,
    stream: &str,
    default_n: usize,
    max_n: usize,
) -> Result<Option<(ReaderQuery, usize)>> {
    let parsed = parse_stream(stream).ok_or_else(|| bad(format!("unknown stream {stream:?}")))?;
    let n = params.number("n").map_or(default_n, |n| n.clamp(1, max_n as i64) as usize);
    let mut q = stream_query(state, user, &parsed, n + 1).await?;
    q.oldest_first = params.get("r") == Some("o");
    if let Some(c) = params.get("c").filter(|c| !c.is_empty() && *c != "null") {
        let after = c.parse::<i64>().map_err(|_| bad(format!("the continuation {c:?} is not one Tidings gave")))?;
        q.after = Some(ArticleId(after));
    }
    // Seconds, as Google Reader defined them; a few apps send microseconds.
    let time = |name: &str| {
        params.number(name).map(|v| {
            let secs = if v > 100_000_000_000 { v / 1_000_000 } else { v };
            Timestamp::from_second(secs.clamp(0, 253_402_300_799)).unwrap_or(Timestamp::UNIX_EPOCH)
        })
    };
    q.fetched_since = time("ot");
    q.fetched_until = time("nt");
    let mut contradiction = Ok(());
    for xt in params.all("xt") {
        contradiction = contradiction.and(match parse_stream(xt) {
            Some(Stream::Read) => require(&mut q.read, false),
            Some(Stream::Unread) => require(&mut q.read, true),
            Some(Stream::Starred) => require(&mut q.starred, false),
            _ => Ok(()),
        });
    }
    for it in params.all("it") {
        contradiction = contradiction.and(match parse_stream(it) {
            Some(Stream::Read) => require(&mut q.read, true),
            Some(Stream::Unread) => require(&mut q.read, false),
            Some(Stream::Starred) => require(&mut q.starred, true),
            _ => Ok(()),
        });
    }
    Ok(contradiction.ok().map(|()| (q, n)))
}

/// The continuation after a page of `n` when the query found more.
fn continuation<T>(found: &mut Vec<T>, n: usize, id: impl Fn(&T) -> ArticleId) -> Option<String> {
    if found.len() > n {
        found.truncate(n);
        found.last().map(|last| id(last).0.to_string())
    } else {
        None
    }
}

async fn item_ids(State(state): State<AppState>, Call { user, params }: Call) -> Result<Json<Value>> {
    let stream = params.get("s").unwrap_or(READING_LIST).to_string();
    let Some((q, n)) = filtered_query(&state, &user, &params, &stream, 20, MAX_IDS).await? else {
        return Ok(Json(json!({ "itemRefs": [] })));
    };
    let mut found = state.store.reader_items(&q).await.map_err(store_error)?;
    let next = continuation(&mut found, n, |r| r.id);
    let refs: Vec<Value> = found
        .iter()
        .map(|r| {
            json!({
                "id": r.id.0.to_string(),
                "directStreamIds": [format!("feed/{}", r.outlet_id.0)],
                "timestampUsec": r.fetched_at.as_microsecond().to_string(),
            })
        })
        .collect();
    let mut answer = json!({ "itemRefs": refs });
    if let Some(c) = next {
        answer["continuation"] = json!(c);
    }
    Ok(Json(answer))
}

/// One item as Google Reader apps read it.
/// One item of stream or item contents, as the apps read it. Serialized straight from the
/// article's own strings: a page of a thousand items built as a `Value` tree first cost more
/// than its queries.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Item<'a> {
    id: String,
    crawl_time_msec: String,
    timestamp_usec: String,
    published: i64,
    updated: i64,
    title: &'a str,
    author: String,
    canonical: [Href<'a>; 1],
    alternate: [Href<'a>; 1],
    categories: Vec<Cow<'a, str>>,
    origin: Origin<'a>,
    summary: Summary<'a>,
}

#[derive(Serialize)]
struct Href<'a> {
    href: &'a str,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Origin<'a> {
    stream_id: String,
    title: &'a str,
    html_url: &'a str,
}

#[derive(Serialize)]
struct Summary<'a> {
    direction: &'static str,
    content: &'a str,
}

/// An item's `{ "id", "updated", "items" }` answer, with the continuation when more follow.
#[derive(Serialize)]
struct Contents<'a> {
    id: &'a str,
    updated: i64,
    items: Vec<Item<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    continuation: Option<&'a str>,
}

fn item<'a>(r: &'a ReaderArticle, outlets: &HashMap<OutletId, &'a OutletHealth>) -> Item<'a> {
    let a = &r.article;
    let outlet = outlets.get(&a.outlet_id);
    let mut categories = vec![Cow::Borrowed(READING_LIST)];
    if r.read {
        categories.push(Cow::Borrowed(READ));
    }
    if r.starred {
        categories.push(Cow::Borrowed(STARRED));
    }
    if let Some(cat) = outlet.and_then(|o| o.outlet.category.as_deref()) {
        categories.push(Cow::Owned(label_id(cat)));
    }
    categories.extend(r.labels.iter().map(|l| Cow::Owned(label_id(l))));
    let shown = a.shown_time();
    Item {
        id: long_id(a.id),
        crawl_time_msec: a.fetched_at.as_millisecond().to_string(),
        timestamp_usec: a.fetched_at.as_microsecond().to_string(),
        published: shown.as_second(),
        updated: a.updated_at.unwrap_or(shown).as_second(),
        title: &a.title,
        author: a.authors.join(", "),
        canonical: [Href { href: &a.url, kind: None }],
        alternate: [Href { href: &a.url, kind: Some("text/html") }],
        categories,
        origin: Origin {
            stream_id: format!("feed/{}", a.outlet_id.0),
            title: &a.outlet_name,
            html_url: outlet.and_then(|o| o.outlet.site_url.as_deref()).unwrap_or_default(),
        },
        summary: Summary { direction: "ltr", content: &a.content_html },
    }
}

fn outlets_by_id(outlets: &[OutletHealth]) -> HashMap<OutletId, &OutletHealth> {
    outlets.iter().map(|o| (o.outlet.id, o)).collect()
}

/// One page of a stream: its items with their contents, in order, the outlets they come from,
/// and the continuation when more follow.
#[derive(Default)]
struct Page {
    items: Vec<ReaderArticle>,
    outlets: Arc<Vec<OutletHealth>>,
    continuation: Option<String>,
}

/// The page of `stream` a stream call asks for: the same filters, page size and continuation
/// for the JSON and the Atom output. Empty when the filters contradict each other.
async fn stream_page(state: &AppState, user: &User, stream: &str, params: &Params) -> Result<Page> {
    let outlets = listed_outlets(state, Style::Text).await?;
    let Some((q, n)) = filtered_query(state, user, params, stream, 20, MAX_CONTENTS).await? else {
        return Ok(Page { outlets, ..Page::default() });
    };
    let mut found = state.store.reader_items(&q).await.map_err(store_error)?;
    let continuation = continuation(&mut found, n, |r| r.id);
    let items = state.store.reader_articles_found(user.id, &found).await.map_err(store_error)?;
    Ok(Page { items, outlets, continuation })
}

async fn contents(state: AppState, user: User, stream: String, params: Params) -> Result<Response> {
    let page = stream_page(&state, &user, &stream, &params).await?;
    let by_id = outlets_by_id(&page.outlets);
    let items = page.items.iter().map(|r| item(r, &by_id)).collect();
    let updated = Timestamp::now().as_second();
    Ok(Json(Contents { id: &stream, updated, items, continuation: page.continuation.as_deref() }).into_response())
}

async fn stream_contents(State(state): State<AppState>, Call { user, params }: Call) -> Result<Response> {
    let stream = params.get("s").unwrap_or(READING_LIST).to_string();
    contents(state, user, stream, params).await
}

async fn stream_contents_at(
    State(state): State<AppState>,
    Path(stream): Path<String>,
    Call { user, params }: Call,
) -> Result<Response> {
    contents(state, user, stream, params).await
}

async fn item_contents(State(state): State<AppState>, Call { user, params }: Call) -> Result<Response> {
    let ids = item_ids_of(&params)?;
    let articles = state.store.reader_articles(user.id, &ids).await.map_err(store_error)?;
    let outlets = listed_outlets(&state, Style::Text).await?;
    let by_id = outlets_by_id(&outlets);
    let items = articles.iter().map(|r| item(r, &by_id)).collect();
    let updated = Timestamp::now().as_second();
    Ok(Json(Contents { id: READING_LIST, updated, items, continuation: None }).into_response())
}

/// `/reader/atom/{stream}`: a stream as Google Reader's Atom output, which clients of its
/// first era read articles from (newsboat's `feedhq` source). The parameters are stream
/// contents' (`n`, `c`, `r`, `ot`, `nt`, `xt`, `it`), with the same item ids.
async fn atom_stream(
    State(state): State<AppState>,
    Path(stream): Path<String>,
    Call { user, params }: Call,
) -> Result<Response> {
    let page = stream_page(&state, &user, &stream, &params).await?;
    let xml = atom_feed(&stream, &page, Timestamp::now());
    Ok(([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], xml).into_response())
}

/// The scheme of Google Reader's own categories, which clients read states from.
const READER_SCHEME: &str = "http://www.google.com/reader/";

/// What a stream is called in its Atom feed's title.
fn stream_title(stream: &str, outlets: &[OutletHealth]) -> String {
    let outlet = match parse_stream(stream) {
        Some(Stream::Feed(id)) => outlets.iter().find(|o| o.outlet.id == id),
        Some(Stream::FeedUrl(url)) => outlets.iter().find(|o| o.feed.url == url),
        Some(Stream::ReadingList) => return "Reading list".to_string(),
        Some(Stream::Starred) => return "Starred items".to_string(),
        Some(Stream::Read) => return "Read items".to_string(),
        Some(Stream::Unread) => return "Unread items".to_string(),
        Some(Stream::Label(_) | Stream::Story(_)) | None => None,
    };
    match outlet {
        Some(o) => o.outlet.name.clone(),
        None => stream.split_once("/label/").map_or(stream, |(_, label)| label).to_string(),
    }
}

/// A page of a stream as Google Reader wrote it in Atom. Each entry's state is a category in
/// Google Reader's scheme (`read`, or `fresh` for unread; `starred`), which is what clients
/// read; folders and the reader's labels are categories outside that scheme, so a label
/// named "read" cannot pass for the state.
fn atom_feed(stream: &str, page: &Page, now: Timestamp) -> String {
    let by_id = outlets_by_id(&page.outlets);
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" \
         xmlns:gr=\"http://www.google.com/schemas/reader/atom/\">\n",
    );
    xml.push_str(&format!("<id>tag:google.com,2005:reader/{}</id>\n", xml_text(stream)));
    xml.push_str(&format!("<title>{}</title>\n", xml_text(&stream_title(stream, &page.outlets))));
    xml.push_str(&format!("<updated>{}</updated>\n", rfc3339(now)));
    if let Some(c) = &page.continuation {
        xml.push_str(&format!("<gr:continuation>{}</gr:continuation>\n", xml_text(c)));
    }
    let state = |name: &str| {
        format!("<category term=\"user/-/state/com.google/{name}\" scheme=\"{READER_SCHEME}\" label=\"{name}\"/>\n")
    };
    let label =
        |name: &str| format!("<category term=\"{}\" label=\"{}\"/>\n", xml_text(&label_id(name)), xml_text(name));
    for r in &page.items {
        let a = &r.article;
        let outlet = by_id.get(&a.outlet_id);
        xml.push_str(&format!("<entry gr:crawl-timestamp-msec=\"{}\">\n", a.fetched_at.as_millisecond()));
        xml.push_str(&format!("<id>{}</id>\n", long_id(a.id)));
        xml.push_str(&state("reading-list"));
        xml.push_str(&state(if r.read { "read" } else { "fresh" }));
        if r.starred {
            xml.push_str(&state("starred"));
        }
        if let Some(cat) = outlet.and_then(|o| o.outlet.category.as_deref()) {
            xml.push_str(&label(cat));
        }
        for l in &r.labels {
            xml.push_str(&label(l));
        }
        let shown = a.shown_time();
        xml.push_str(&format!("<title type=\"text\">{}</title>\n", xml_text(&a.title)));
        xml.push_str(&format!("<published>{}</published>\n", rfc3339(shown)));
        xml.push_str(&format!("<updated>{}</updated>\n", rfc3339(a.updated_at.unwrap_or(shown))));
        xml.push_str(&format!("<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n", xml_text(&a.url)));
        xml.push_str(&format!("<content type=\"html\">{}</content>\n", xml_text(&a.content_html)));
        for author in &a.authors {
            xml.push_str(&format!("<author><name>{}</name></author>\n", xml_text(author)));
        }
        let site = outlet.and_then(|o| o.outlet.site_url.as_deref()).unwrap_or_default();
        xml.push_str(&format!(
            "<source gr:stream-id=\"feed/{0}\"><id>tag:google.com,2005:reader/feed/{0}</id><title>{1}</title>\
             <link rel=\"alternate\" type=\"text/html\" href=\"{2}\"/></source>\n</entry>\n",
            a.outlet_id.0,
            xml_text(&a.outlet_name),
            xml_text(site)
        ));
    }
    xml.push_str("</feed>\n");
    xml
}

/// Marks a stream read up to `ts` (microseconds; now when absent). Streams of outlets,
/// categories, stories and the reading list keep a mark, so articles arriving later stay
/// unread; starred and labelled streams mark their items one by one.
async fn mark_all_as_read(
    State(state): State<AppState>,
    method: Method,
    Call { user, params }: Call,
) -> Result<Response> {
    if method != Method::POST {
        return Err(ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "mark-all-as-read takes a POST", Style::Text));
    }
    let raw = params.get("s").ok_or_else(|| bad("say which stream to mark (s=…)"))?;
    let stream = parse_stream(raw).ok_or_else(|| bad(format!("unknown stream {raw:?}")))?;
    let up_to = match params.number("ts") {
        // Microseconds as Google Reader defined it; seconds from apps that send those.
        Some(ts) if ts > 100_000_000_000 => Timestamp::from_microsecond(ts).ok(),
        Some(ts) => Timestamp::from_second(ts).ok(),
        None => None,
    }
    .unwrap_or_else(Timestamp::now);
    let scope = match &stream {
        Stream::ReadingList | Stream::Unread => Some(MarkScope::All),
        Stream::Feed(_) | Stream::FeedUrl(_) => outlet_of(&state, &stream).await?.map(MarkScope::Outlet),
        Stream::Story(id) => Some(MarkScope::Story(*id)),
        _ => None,
    };
    let scope = match (scope, &stream) {
        (Some(scope), _) => Some(scope),
        (None, Stream::Label(label)) => match stream_query(&state, &user, &stream, 0).await?.source {
            Source::Category(_) => Some(MarkScope::Category(label.clone())),
            _ => None,
        },
        _ => None,
    };
    match scope {
        Some(scope) => state.store.mark_all_read(user.id, &scope, up_to).await.map_err(store_error)?,
        None => {
            let mut q = stream_query(&state, &user, &stream, MAX_IDS).await?;
            q.read = Some(false);
            q.fetched_until = Some(up_to);
            let ids: Vec<ArticleId> =
                state.store.reader_items(&q).await.map_err(store_error)?.into_iter().map(|r| r.id).collect();
            state.store.set_read(user.id, &ids, true, Timestamp::now()).await.map_err(store_error)?;
        }
    }
    Ok("OK".into_response())
}

#[cfg(test)]
mod tests {
    use tidings_core::{Article, ExtractionStatus};

    use super::*;

    fn unread_starred(title: &str, labels: &[&str]) -> ReaderArticle {
        let at = Timestamp::from_second(1_800_000_000).unwrap();
        ReaderArticle {
            article: Article {
                id: ArticleId(31),
                outlet_id: OutletId(4),
                outlet_name: "Herald & Post".to_string(),
                url: "https://herald.example/a?x=1&y=2".to_string(),
                canonical_url: "https://herald.example/a".to_string(),
                title: title.to_string(),
                authors: vec!["Ada Byrne".to_string()],
                published_at: Some(at),
                updated_at: None,
                fetched_at: at,
                content_html: "<p>Fish &amp; chips</p>".to_string(),
                content_text: "Fish & chips".to_string(),
                excerpt: "Fish & chips".to_string(),
                lang: Some("en".to_string()),
                extraction: ExtractionStatus::FeedOnly,
                extraction_note: None,
                story_id: None,
                lead_image: None,
            },
            read: false,
            starred: true,
            labels: labels.iter().map(|l| l.to_string()).collect(),
        }
    }

    #[test]
    fn atom_output_carries_state_in_google_readers_scheme_and_escapes_everything() {
        let page = Page {
            items: vec![unread_starred("<script>\"Bridge\" & more\u{1}", &["read"])],
            outlets: Arc::default(),
            continuation: Some("30".to_string()),
        };
        let xml = atom_feed("user/-/state/com.google/reading-list", &page, Timestamp::UNIX_EPOCH);
        assert!(xml.contains("<title>Reading list</title>"), "{xml}");
        assert!(xml.contains("<gr:continuation>30</gr:continuation>"));
        assert!(xml.contains("<id>tag:google.com,2005:reader/item/000000000000001f</id>"), "the long item id");
        let scheme = format!("scheme=\"{READER_SCHEME}\"");
        assert!(xml.contains(&format!("term=\"user/-/state/com.google/fresh\" {scheme} label=\"fresh\"")), "{xml}");
        assert!(xml.contains(&format!("term=\"user/-/state/com.google/starred\" {scheme} label=\"starred\"")));
        assert!(!xml.contains(&format!("{scheme} label=\"read\"")), "a label named read is not the read state");
        assert!(xml.contains("<category term=\"user/-/label/read\" label=\"read\"/>"));
        assert!(xml.contains("<title type=\"text\">&lt;script&gt;&quot;Bridge&quot; &amp; more</title>"), "{xml}");
        assert!(xml.contains("<content type=\"html\">&lt;p&gt;Fish &amp;amp; chips&lt;/p&gt;</content>"));
        assert!(xml.contains("href=\"https://herald.example/a?x=1&amp;y=2\""));
        assert!(xml.contains("<title>Herald &amp; Post</title>"), "the source outlet's name");
        assert!(!xml.contains('\u{1}'));
    }
}
