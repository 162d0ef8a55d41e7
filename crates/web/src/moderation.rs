//! The moderation queue (admins only): comments by status, approved, marked spam, trashed or
//! sent back one at a time or in bulk, edited, replied to, and everything of one author erased
//! (found by the comment, so the email is never shown).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;
use tidings_store::{Comment, CommentStatus};

use crate::accounts::{admin_only, with_form};
use crate::comment_rules::check_body;
use crate::forms::check_post;
use crate::views::human_time;
use crate::{AppState, WebError};

/// The form name of the queue's and the edit page's forms.
const FORM: &str = "moderation";
/// Comments listed per status.
const QUEUE_LENGTH: i64 = 200;

/// A comment in the queue.
#[derive(Debug, Clone)]
pub(crate) struct QueuedComment {
    pub(crate) id: i64,
    pub(crate) article_id: i64,
    pub(crate) article_title: String,
    pub(crate) name: String,
    pub(crate) website: Option<String>,
    pub(crate) ip: String,
    pub(crate) html: String,
    pub(crate) time_iso: String,
    pub(crate) time_human: String,
}

impl QueuedComment {
    fn new(c: &Comment) -> Self {
        Self {
            id: c.id,
            article_id: c.article_id.0,
            article_title: c.article_title.clone(),
            name: c.name.clone(),
            website: c.website.clone(),
            ip: c.ip.clone(),
            html: c.body_html.clone(),
            time_iso: c.created_at.to_string(),
            time_human: human_time(c.created_at),
        }
    }
}

#[derive(Template)]
#[template(path = "admin_comments.html")]
struct QueuePage {
    status: String,
    tabs: Vec<(&'static str, &'static str, i64)>,
    comments: Vec<QueuedComment>,
    message: Option<String>,
    token: String,
}

#[derive(Template)]
#[template(path = "admin_comment_edit.html")]
struct EditPage {
    id: i64,
    name: String,
    article_id: i64,
    article_title: String,
    status: &'static str,
    markdown: String,
    token: String,
}

/// What the queue's address may ask for.
#[derive(Debug, Deserialize)]
pub(crate) struct QueueQuery {
    status: Option<String>,
    done: Option<String>,
}

/// Said to a reader who opens the queue.
const ADMINS_ONLY: &str = "Only administrators can moderate comments.";

/// `GET /admin/comments?status=…`.
pub(crate) async fn queue(
    State(state): State<AppState>,
    Query(query): Query<QueueQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    if let Err(login) = admin_only(&state, &headers, ADMINS_ONLY).await? {
        return Ok(login);
    }
    let status = query.status.as_deref().and_then(CommentStatus::parse).unwrap_or(CommentStatus::Pending);
    let counts = state.store.comment_status_counts().await?;
    let tabs = [
        (CommentStatus::Pending, "Awaiting moderation"),
        (CommentStatus::Approved, "Published"),
        (CommentStatus::Spam, "Spam"),
        (CommentStatus::Trash, "Trash"),
    ]
    .into_iter()
    .map(|(s, label)| (s.as_str(), label, counts.get(&s).copied().unwrap_or(0)))
    .collect();
    let comments =
        state.store.comments_with_status(status, QUEUE_LENGTH).await?.iter().map(QueuedComment::new).collect();
    let message = query.done.filter(|d| d.len() <= 200);
    with_form(&state, &headers, FORM, StatusCode::OK, |token| QueuePage {
        status: status.as_str().to_string(),
        tabs,
        comments,
        message,
        token,
    })
}

/// `POST /admin/comments`: one action on one comment (`one=ACTION:ID`), or `action` on every
/// selected `id`.
pub(crate) async fn act(State(state): State<AppState>, headers: HeaderMap, body: String) -> Result<Response, WebError> {
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes()).into_owned().collect();
    let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or_default();
    let now = Timestamp::now();
    if let Err(refused) = check_post(&state.form_key, &headers, field("token"), FORM, now.as_second(), 0) {
        return Err(WebError::Forbidden(refused.message()));
    }
    if let Err(login) = admin_only(&state, &headers, ADMINS_ONLY).await? {
        return Ok(login);
    }
    let (action, ids): (&str, Vec<i64>) = match field("one").split_once(':') {
        Some((action, id)) => (action, id.parse().ok().into_iter().collect()),
        None => {
            (field("action"), fields.iter().filter(|(k, _)| k == "id").filter_map(|(_, v)| v.parse().ok()).collect())
        }
    };
    let done = if ids.is_empty() {
        "No comment was selected.".to_string()
    } else if action == "erase" {
        let mut erased = 0;
        for id in &ids {
            erased += state.store.erase_author_of(*id).await?;
        }
        tracing::info!(comments = erased, "erased every comment of an author");
        format!("Erased {erased} comment{} and everything kept of their author.", plural(erased))
    } else {
        let Some(status) = CommentStatus::parse(match action {
            "approve" => "approved",
            other => other,
        }) else {
            return Err(WebError::BadRequest(format!("there is no action {action:?}")));
        };
        let changed = state.store.set_comment_status(&ids, status, now).await?;
        format!("Moved {changed} comment{} to {}.", plural(changed), status.as_str())
    };
    let back = CommentStatus::parse(field("status")).unwrap_or(CommentStatus::Pending);
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("status", back.as_str())
        .append_pair("done", &done)
        .finish();
    Ok(Redirect::to(&format!("/admin/comments?{query}")).into_response())
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `GET /admin/comments/{id}/edit`.
pub(crate) async fn edit_page(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    if let Err(login) = admin_only(&state, &headers, ADMINS_ONLY).await? {
        return Ok(login);
    }
    let c = state.store.comment(id).await?;
    with_form(&state, &headers, FORM, StatusCode::OK, |token| EditPage {
        id: c.id,
        name: c.name.clone(),
        article_id: c.article_id.0,
        article_title: c.article_title.clone(),
        status: c.status.as_str(),
        markdown: c.body_markdown.clone(),
        token,
    })
}

/// What the edit page sends.
#[derive(Debug, Deserialize)]
pub(crate) struct EditForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    comment: String,
}

/// `POST /admin/comments/{id}/edit`.
pub(crate) async fn edit(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    axum::extract::Form(form): axum::extract::Form<EditForm>,
) -> Result<Response, WebError> {
    let now = Timestamp::now();
    if let Err(refused) = check_post(&state.form_key, &headers, &form.token, FORM, now.as_second(), 0) {
        return Err(WebError::Forbidden(refused.message()));
    }
    if let Err(login) = admin_only(&state, &headers, ADMINS_ONLY).await? {
        return Ok(login);
    }
    let c = state.store.comment(id).await?;
    let body = check_body(&form.comment).map_err(WebError::BadRequest)?;
    state.store.edit_comment(id, &body, &tidings_html::render_comment(&body), now).await?;
    Ok(Redirect::to(&format!("/admin/comments?status={}#comment-{id}", c.status.as_str())).into_response())
}
