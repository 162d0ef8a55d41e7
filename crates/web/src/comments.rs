//! Reader comments: the section under each article (threads and the form), posting, and each
//! article's Atom feed of comments. Handlers parse the request, check it with
//! `comment_rules` and `forms::check_post`, and call the store.
//!
//! The email address typed into the form goes only into its key (`tidings_accounts::email_key`)
//! and, when the reader asks to be remembered, into that reader's own cookie.

use std::collections::HashMap;
use std::net::SocketAddr;

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{ConnectInfo, Form, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use tidings_accounts::{Role, email_key, session_key};
use tidings_core::{Article, ArticleId};
use tidings_store::{Comment, CommentStatus, NewComment, Screening, SessionUser};

use crate::accounts::{fresh_id, random, viewer};
use crate::comment_rules::{CheckedComment, MAX_POST_BYTES, check_fields, screen};
use crate::forms::{FORM_MAX_AGE_SECS, Refused, browser, check_post, cookie_up_to, own_origin, set_cookie};
use crate::limiter::try_again;
use crate::views::human_time;
use crate::{AppState, WebError};

/// The cookie that remembers a commenter's name, email and website in their own browser.
const COMMENTER_COOKIE: &str = "tidings_commenter";
/// Comments in an article's feed.
const FEED_ENTRIES: usize = 50;

/// A comment as shown under an article.
#[derive(Debug, Clone)]
pub(crate) struct CommentItem {
    pub(crate) id: i64,
    pub(crate) depth: i64,
    pub(crate) name: String,
    pub(crate) website: Option<String>,
    pub(crate) html: String,
    pub(crate) time_iso: String,
    pub(crate) time_human: String,
    pub(crate) pending: bool,
}

impl CommentItem {
    fn new(c: &Comment, depth: i64) -> Self {
        Self {
            id: c.id,
            depth,
            name: c.name.clone(),
            website: c.website.clone(),
            html: c.body_html.clone(),
            time_iso: c.created_at.to_string(),
            time_human: human_time(c.created_at),
            pending: c.status == CommentStatus::Pending,
        }
    }
}

/// The comment form as shown: what the reader typed (or what this browser remembers).
#[derive(Debug, Clone, Default)]
pub(crate) struct CommentFormView {
    pub(crate) article_id: i64,
    pub(crate) token: String,
    pub(crate) nonce: String,
    pub(crate) name: String,
    pub(crate) email: String,
    pub(crate) website: String,
    pub(crate) comment: String,
    pub(crate) remember: bool,
    /// The comment replied to: its id and its author's name.
    pub(crate) parent: Option<(i64, String)>,
    pub(crate) error: Option<String>,
}

/// The comments under an article.
#[derive(Debug, Clone)]
pub(crate) struct CommentsSection {
    /// Published comments.
    pub(crate) count: usize,
    /// Published comments, and this browser's awaiting moderation, in thread order.
    pub(crate) items: Vec<CommentItem>,
    pub(crate) form: CommentFormView,
}

#[derive(Template)]
#[template(path = "comment_refused.html")]
struct RefusedPage {
    title: String,
    form: CommentFormView,
}

#[derive(Template)]
#[template(path = "comments.xml")]
struct CommentFeed {
    base: String,
    id: i64,
    title: String,
    updated: String,
    entries: Vec<CommentItem>,
}

/// What the comment form sends.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct CommentForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    nonce: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    website: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    parent: String,
    #[serde(default)]
    remember: String,
    /// The honeypot: hidden from people, filled in by bots that fill in everything.
    #[serde(default)]
    homepage: String,
}

/// Comments in thread order: each followed by its replies, oldest first; a reply whose parent
/// is not shown stands at the top level.
fn threaded(comments: &[Comment]) -> Vec<CommentItem> {
    let shown: std::collections::HashSet<i64> = comments.iter().map(|c| c.id).collect();
    let mut children: HashMap<Option<i64>, Vec<&Comment>> = HashMap::new();
    for c in comments {
        let parent = c.parent_id.filter(|p| shown.contains(p));
        children.entry(parent).or_default().push(c);
    }
    let mut out = Vec::with_capacity(comments.len());
    // Depth-first without recursion: threads can be long, and depth is capped by the store.
    let mut stack: Vec<(&Comment, i64)> =
        children.get(&None).map(|top| top.iter().rev().map(|c| (*c, 0)).collect()).unwrap_or_default();
    while let Some((c, depth)) = stack.pop() {
        out.push(CommentItem::new(c, depth));
        if let Some(replies) = children.get(&Some(c.id)) {
            stack.extend(replies.iter().rev().map(|r| (*r, depth + 1)));
        }
    }
    out
}

/// The form name a token is issued for: one article, one showing of the form.
fn form_name(article: ArticleId, nonce: &str) -> String {
    format!("comment:{article}:{nonce}")
}

/// A new one-use nonce for a showing of the form.
fn fresh_nonce() -> Result<String, WebError> {
    Ok(tidings_accounts::session_token(&random::<32>()?))
}

/// What this browser remembers of its commenter: name, email, website.
fn remembered(headers: &HeaderMap) -> Option<(String, String, String)> {
    let raw = cookie_up_to(headers, COMMENTER_COOKIE, 1024)?;
    let mut fields: HashMap<String, String> = url::form_urlencoded::parse(raw.as_bytes()).into_owned().collect();
    Some((
        fields.remove("name").unwrap_or_default(),
        fields.remove("email").unwrap_or_default(),
        fields.remove("website").unwrap_or_default(),
    ))
}

/// A fresh form for this browser: its token and nonce, and the cookie to set if the browser
/// had none.
fn issue(
    state: &AppState,
    headers: &HeaderMap,
    mut form: CommentFormView,
) -> Result<(CommentFormView, Option<HeaderValue>), WebError> {
    let (browser_id, set) = browser(headers, fresh_id);
    form.nonce = fresh_nonce()?;
    form.token = state.form_key.issue(&browser_id, &form_name(ArticleId(form.article_id), &form.nonce), now_secs());
    Ok((form, set))
}

fn now_secs() -> i64 {
    Timestamp::now().as_second()
}

/// The comments section of `article` for this request: threads, this browser's comments
/// awaiting moderation, and the form (replying to `reply` when that is a shown comment).
pub(crate) async fn section(
    state: &AppState,
    headers: &HeaderMap,
    article: ArticleId,
    reply: Option<i64>,
) -> Result<(CommentsSection, Option<HeaderValue>), WebError> {
    let poster = crate::forms::browser_id(headers).map(session_key);
    let comments = state.store.article_comments(article, poster.as_deref()).await?;
    let count = comments.iter().filter(|c| c.status == CommentStatus::Approved).count();
    let viewer = viewer(state, headers).await?;
    let parent = match reply {
        Some(id) => parent_of(state, &comments, &viewer, article, id).await?,
        None => None,
    };
    let (name, email, website) = remembered(headers).unwrap_or_default();
    let remember = !name.is_empty() || !email.is_empty();
    let name = if name.is_empty() { viewer.map(|v| v.user.name).unwrap_or_default() } else { name };
    let form = CommentFormView { article_id: article.0, name, email, website, remember, parent, ..Default::default() };
    let (form, set) = issue(state, headers, form)?;
    Ok((CommentsSection { count, items: threaded(&comments), form }, set))
}

/// The comment `id` replied to, with its author's name: a shown comment of this article, or for
/// an admin (replying from the queue) any comment of it awaiting moderation.
async fn parent_of(
    state: &AppState,
    shown: &[Comment],
    viewer: &Option<SessionUser>,
    article: ArticleId,
    id: i64,
) -> Result<Option<(i64, String)>, WebError> {
    if let Some(c) = shown.iter().find(|c| c.id == id && c.status == CommentStatus::Approved) {
        return Ok(Some((c.id, c.name.clone())));
    }
    if is_admin(viewer) {
        match state.store.comment(id).await {
            Ok(c) if c.article_id == article && c.status == CommentStatus::Pending => return Ok(Some((c.id, c.name))),
            Ok(_) | Err(tidings_store::Error::NotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(None)
}

pub(crate) fn is_admin(viewer: &Option<SessionUser>) -> bool {
    viewer.as_ref().is_some_and(|v| Role::from_stored(&v.user.role) == Role::Admin)
}

/// The page for a comment that was not posted: why, and the form with what was typed.
fn refused(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    message: String,
    form: CommentFormView,
) -> Result<Response, WebError> {
    let (form, set) = issue(state, headers, CommentFormView { error: Some(message), ..form })?;
    let page = RefusedPage { title: "Your comment was not posted".to_string(), form };
    let mut res = (status, Html(crate::render(state, &page)?)).into_response();
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(set) = set {
        res.headers_mut().append(header::SET_COOKIE, set);
    }
    Ok(res)
}

/// `POST /articles/{id}/comments`.
/// The refusal of a comment post larger than [`MAX_POST_BYTES`].
fn too_large() -> WebError {
    WebError::TooLarge(format!(
        "The comment was not posted: what was sent is larger than the {} KB a comment may take. \
         Go back, shorten the comment (at most 5,000 characters) and send it again.",
        MAX_POST_BYTES / 1024
    ))
}

/// Posts this much larger than a comment may be are still read to their end before they are
/// refused; larger ones are refused at once, unread.
const READ_BEFORE_REFUSING: usize = 4 * 1024 * 1024;

/// Middleware of the comment route: a post whose declared length is over the limit (but not
/// absurd) is read to its end, then refused. Refused unread, the rest of it reached a closed
/// connection, the reader's TCP stack reset it, and the browser showed a broken connection
/// instead of the page saying what to do.
pub(crate) async fn refuse_oversized(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    match declared {
        Some(n) if n > MAX_POST_BYTES && n <= READ_BEFORE_REFUSING => {
            let _ = axum::body::to_bytes(req.into_body(), READ_BEFORE_REFUSING).await;
            too_large().into_response()
        }
        _ => next.run(req).await,
    }
}

pub(crate) async fn post(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    form: Result<Form<CommentForm>, FormRejection>,
) -> Result<Response, WebError> {
    let article = ArticleId(id.parse::<i64>().map_err(|_| WebError::NotFound)?);
    let form = match form {
        Ok(Form(form)) => form,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
        Err(rejection) => return Err(WebError::BadRequest(rejection.body_text())),
    };
    let article = state.store.article(article).await?;
    let now = Timestamp::now();
    let ip = peer.ip().to_string();
    let typed = CommentFormView {
        article_id: article.id.0,
        name: form.name.clone(),
        email: form.email.clone(),
        website: form.website.clone(),
        comment: form.comment.clone(),
        remember: !form.remember.is_empty(),
        parent: form.parent.parse::<i64>().ok().map(|p| (p, "the comment".to_string())),
        ..Default::default()
    };
    let settings = state.settings.get(&state.store).await?;
    let rules = &settings.comments;
    let name = form_name(article.id, &form.nonce);
    if let Err(why) = check_post(&state.form_key, &headers, &form.token, &name, now.as_second(), rules.min_fill_secs) {
        let status = match why {
            Refused::Token(tidings_accounts::FormRefusal::TooFast) => StatusCode::UNPROCESSABLE_ENTITY,
            _ => StatusCode::FORBIDDEN,
        };
        tracing::info!(article = %article.id, %ip, reason = ?why, "comment form refused");
        return refused(&state, &headers, status, why.message(), typed);
    }
    if !form.homepage.is_empty() {
        tracing::info!(article = %article.id, %ip, "comment refused: the honeypot field was filled in");
        let message = "The comment was not posted because the field \"Leave this field empty\" was filled in. \
                       Empty it and send the comment again.";
        return refused(&state, &headers, StatusCode::UNPROCESSABLE_ENTITY, message.to_string(), typed);
    }
    let checked = match check_fields(&form.name, &form.email, &form.website, &form.comment) {
        Ok(checked) => checked,
        Err(message) => return refused(&state, &headers, StatusCode::UNPROCESSABLE_ENTITY, message, typed),
    };
    let key = email_key(&checked.email);
    let viewer = viewer(&state, &headers).await?;
    let admin = is_admin(&viewer);
    if !admin {
        let limits = [(format!("ip:{ip}"), rules.per_address), (format!("email:{key}"), rules.per_email)];
        let limits: Vec<(String, u32)> = limits.into_iter().filter(|(_, max)| *max > 0).collect();
        if let Err(until) = state.comment_limits.admit(&limits, now) {
            tracing::info!(article = %article.id, %ip, "comment refused: rate limit");
            let message = format!(
                "You have posted many comments in a short time, from this address or with this email. {}",
                try_again(until, now)
            );
            return refused(&state, &headers, StatusCode::TOO_MANY_REQUESTS, message, typed);
        }
    }
    let screening =
        if admin { Screening::Trusted } else { screen(rules, &checked, &ip, &state.store.comment_blocks().await?) };
    let poster = crate::forms::browser_id(&headers).map(session_key).unwrap_or_default();
    let new =
        new_comment(&article, &checked, key, &form, ip.clone(), poster, screening, viewer.map(|v| v.user.id), now);
    let parent = new.parent_id;
    let stored = match state.store.add_comment(&new).await {
        Ok(c) => c,
        Err(tidings_store::Error::Conflict(_)) => {
            let message = "This form was sent already, so it was refused. If your comment is not on the page, \
                           write it in this new form and send it again.";
            return refused(&state, &headers, StatusCode::FORBIDDEN, message.to_string(), typed);
        }
        Err(tidings_store::Error::NotFound(_)) => {
            let message = "The comment you replied to is no longer shown. Your comment was not posted; \
                           send it again as a comment of its own.";
            return refused(&state, &headers, StatusCode::UNPROCESSABLE_ENTITY, message.to_string(), typed);
        }
        Err(e) => return Err(e.into()),
    };
    if admin && let Some(parent) = parent {
        // An admin replying from the queue approves what they reply to.
        state.store.set_comment_status(&[parent], CommentStatus::Approved, now).await?;
    }
    tracing::info!(comment = stored.id, article = %article.id, status = stored.status.as_str(), "comment posted");
    let mut res = Redirect::to(&format!("/articles/{}#comment-{}", article.id, stored.id)).into_response();
    let remember = if form.remember.is_empty() {
        set_cookie(&headers, COMMENTER_COOKIE, "", 0)
    } else {
        let value = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("name", &checked.name)
            .append_pair("email", &checked.email)
            .append_pair("website", checked.website.as_deref().unwrap_or_default())
            .finish();
        set_cookie(&headers, COMMENTER_COOKIE, &value, 365 * 24 * 3600)
    };
    res.headers_mut().append(header::SET_COOKIE, remember);
    Ok(res)
}

#[allow(clippy::too_many_arguments)]
fn new_comment(
    article: &Article,
    checked: &CheckedComment,
    email_key: String,
    form: &CommentForm,
    ip: String,
    poster_key: String,
    screening: Screening,
    user_id: Option<i64>,
    now: Timestamp,
) -> NewComment {
    NewComment {
        article_id: article.id,
        parent_id: form.parent.parse::<i64>().ok(),
        name: checked.name.clone(),
        email_key,
        website: checked.website.clone(),
        body_markdown: checked.body.clone(),
        body_html: tidings_html::render_comment(&checked.body),
        ip,
        poster_key,
        user_id,
        screening,
        nonce: form.nonce.clone(),
        nonce_expires_at: now + SignedDuration::from_secs(FORM_MAX_AGE_SECS + 3600),
        now,
    }
}

/// `GET /articles/{id}/comments.atom`: the newest published comments.
pub(crate) async fn feed(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let id = ArticleId(id.parse::<i64>().map_err(|_| WebError::NotFound)?);
    let article = state.store.article(id).await?;
    let comments = state.store.article_comments(id, None).await?;
    let entries: Vec<CommentItem> = comments.iter().rev().take(FEED_ENTRIES).map(|c| CommentItem::new(c, 0)).collect();
    let updated = comments.last().map_or(article.shown_time(), |c| c.created_at);
    let xml = CommentFeed {
        base: own_origin(&headers).unwrap_or_default(),
        id: id.0,
        title: article.title.clone(),
        updated: updated.to_string(),
        entries,
    }
    .render()?;
    Ok(([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], xml).into_response())
}
