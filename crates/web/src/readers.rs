//! A reader's own state on the site's pages: read and starred buttons on articles, follow and
//! mute on outlets and stories, and API tokens and the Fever key on the account page. Plain
//! forms that work without JavaScript, each through `forms::check_post`.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;
use tidings_accounts::{fever_key, session_key, verify_password};
use tidings_core::{ArticleId, OutletId, StoryId};
use tidings_store::{ApiToken, FollowState, FollowTarget, SessionUser, TokenKind};

use crate::accounts::viewer;
use crate::forms::{browser, check_post};
use crate::{AppState, WebError};

/// The form name reader buttons are signed for.
const FORM: &str = "reader";

/// What a page's reader box is about.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Controlled {
    Article(ArticleId),
    Outlet(OutletId),
    Story(StoryId),
}

/// The reader buttons of one page, for a logged-in reader.
#[derive(Debug, Clone)]
pub(crate) struct ReaderControls {
    pub(crate) token: String,
    pub(crate) action: String,
    /// Read and starred, on an article.
    pub(crate) read: Option<bool>,
    pub(crate) starred: Option<bool>,
    /// "follow", "mute" or "none", on an outlet or story.
    pub(crate) follow: Option<&'static str>,
}

/// The buttons for `what`, when a reader is logged in (and has the browser cookie the form
/// token is bound to, which logging in set).
pub(crate) async fn controls(
    state: &AppState,
    headers: &HeaderMap,
    what: Controlled,
) -> Result<Option<ReaderControls>, WebError> {
    let Some(me) = viewer(state, headers).await? else { return Ok(None) };
    let (browser_id, fresh) = browser(headers, String::new);
    if fresh.is_some() {
        return Ok(None);
    }
    let token = state.form_key.issue(&browser_id, FORM, Timestamp::now().as_second());
    let follow_of = |target| async move {
        let follows = state.store.follows(me.user.id).await?;
        Ok::<_, WebError>(Some(match follows.get(&target) {
            Some(FollowState::Follow) => "follow",
            Some(FollowState::Mute) => "mute",
            None => "none",
        }))
    };
    Ok(Some(match what {
        Controlled::Article(id) => {
            let found = state.store.reader_articles(me.user.id, &[id]).await?;
            let (read, starred) = found.first().map_or((false, false), |r| (r.read, r.starred));
            ReaderControls {
                token,
                action: format!("/reader/articles/{}", id.0),
                read: Some(read),
                starred: Some(starred),
                follow: None,
            }
        }
        Controlled::Outlet(id) => ReaderControls {
            token,
            action: format!("/reader/outlets/{}", id.0),
            read: None,
            starred: None,
            follow: follow_of(FollowTarget::Outlet(id)).await?,
        },
        Controlled::Story(id) => ReaderControls {
            token,
            action: format!("/reader/stories/{}", id.0),
            read: None,
            starred: None,
            follow: follow_of(FollowTarget::Story(id)).await?,
        },
    }))
}

/// What a reader button sends.
#[derive(Debug, Deserialize)]
pub(crate) struct ReaderForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    action: String,
}

/// The reader behind a checked reader-button post.
async fn poster(state: &AppState, headers: &HeaderMap, token: &str, form: &str) -> Result<SessionUser, WebError> {
    if let Err(refused) = check_post(&state.form_key, headers, token, form, Timestamp::now().as_second(), 0) {
        return Err(WebError::Forbidden(refused.message()));
    }
    viewer(state, headers)
        .await?
        .ok_or_else(|| WebError::Forbidden("You are not logged in any more. Log in, then try again.".to_string()))
}

fn id_of(raw: &str) -> Result<i64, WebError> {
    raw.parse::<i64>().map_err(|_| WebError::NotFound)
}

fn unknown_action() -> WebError {
    WebError::Forbidden("That button does nothing here. Go back to the page and use one of its buttons.".to_string())
}

pub(crate) async fn article(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<ReaderForm>,
) -> Result<Response, WebError> {
    let me = poster(&state, &headers, &form.token, FORM).await?;
    let id = ArticleId(id_of(&id)?);
    state.store.article(id).await?;
    let now = Timestamp::now();
    let user = me.user.id;
    match form.action.as_str() {
        "read" | "unread" => state.store.set_read(user, &[id], form.action == "read", now).await?,
        "star" | "unstar" => state.store.set_starred(user, &[id], form.action == "star", now).await?,
        _ => return Err(unknown_action()),
    }
    Ok(Redirect::to(&format!("/articles/{}", id.0)).into_response())
}

async fn follow(
    state: &AppState,
    headers: &HeaderMap,
    form: &ReaderForm,
    target: FollowTarget,
) -> Result<(), WebError> {
    let me = poster(state, headers, &form.token, FORM).await?;
    let wanted = match form.action.as_str() {
        "follow" => Some(FollowState::Follow),
        "mute" => Some(FollowState::Mute),
        "none" => None,
        _ => return Err(unknown_action()),
    };
    state.store.set_follow(me.user.id, target, wanted, Timestamp::now()).await?;
    Ok(())
}

pub(crate) async fn outlet(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<ReaderForm>,
) -> Result<Response, WebError> {
    let id = OutletId(id_of(&id)?);
    follow(&state, &headers, &form, FollowTarget::Outlet(id)).await?;
    Ok(Redirect::to(&format!("/outlets/{}", id.0)).into_response())
}

pub(crate) async fn story(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<ReaderForm>,
) -> Result<Response, WebError> {
    let id = StoryId(id_of(&id)?);
    follow(&state, &headers, &form, FollowTarget::Story(id)).await?;
    Ok(Redirect::to(&format!("/stories/{}", id.0)).into_response())
}

/// A token as the account page lists it.
#[derive(Debug, Clone)]
pub(crate) struct TokenRow {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) kind: &'static str,
    pub(crate) made: String,
}

impl TokenRow {
    fn new(t: &ApiToken) -> Self {
        let kind = match t.kind {
            TokenKind::Api => "API token",
            TokenKind::AppLogin => "app login",
            TokenKind::Fever => "Fever key",
        };
        Self { id: t.id, name: t.name.clone(), kind, made: t.created_at.strftime("%e %B %Y, %H:%M UTC").to_string() }
    }
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    token: String,
    tokens: Vec<TokenRow>,
    fever_on: bool,
    name: String,
    new_token: Option<String>,
    message: Option<String>,
}

/// The account's tokens page, with a token just made or a message.
async fn tokens_page(
    state: &AppState,
    headers: &HeaderMap,
    me: &SessionUser,
    status: StatusCode,
    new_token: Option<String>,
    message: Option<String>,
) -> Result<Response, WebError> {
    let tokens = state.store.api_tokens(me.user.id).await?;
    let (browser_id, set) = browser(headers, || {
        crate::accounts::random::<32>().map(|b| tidings_accounts::session_token(&b)).unwrap_or_default()
    });
    let page = TokensPage {
        token: state.form_key.issue(&browser_id, "tokens", Timestamp::now().as_second()),
        fever_on: tokens.iter().any(|t| t.kind == TokenKind::Fever),
        tokens: tokens.iter().map(TokenRow::new).collect(),
        name: me.user.name.clone(),
        new_token,
        message,
    };
    let mut res = (status, Html(crate::render(state, &page)?)).into_response();
    res.headers_mut().insert(header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    if let Some(set) = set {
        res.headers_mut().append(header::SET_COOKIE, set);
    }
    Ok(res)
}

pub(crate) async fn tokens(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, WebError> {
    let Some(me) = viewer(&state, &headers).await? else {
        return Ok(Redirect::to("/login").into_response());
    };
    tokens_page(&state, &headers, &me, StatusCode::OK, None, None).await
}

/// What the token forms send.
#[derive(Debug, Deserialize)]
pub(crate) struct TokenForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    id: Option<i64>,
}

pub(crate) async fn make_token(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Result<Response, WebError> {
    let me = poster(&state, &headers, &form.token, "tokens").await?;
    let name = form.name.trim();
    let name = if name.is_empty() { "unnamed" } else { name };
    let name: String = name.chars().take(60).collect();
    let token = crate::api::new_token()?;
    state.store.add_api_token(me.user.id, &name, TokenKind::Api, &session_key(&token), Timestamp::now()).await?;
    tokens_page(&state, &headers, &me, StatusCode::OK, Some(token), None).await
}

pub(crate) async fn revoke_token(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Result<Response, WebError> {
    let me = poster(&state, &headers, &form.token, "tokens").await?;
    let Some(id) = form.id else { return Err(unknown_action()) };
    let message = match state.store.revoke_api_token(me.user.id, id).await {
        Ok(()) => "The token is revoked; apps using it are logged out.".to_string(),
        Err(tidings_store::Error::NotFound(_)) => "That token was already gone.".to_string(),
        Err(e) => return Err(e.into()),
    };
    tokens_page(&state, &headers, &me, StatusCode::OK, None, Some(message)).await
}

/// Turns Fever on: the key is md5(name:password), so the password is asked for and checked.
pub(crate) async fn enable_fever(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Result<Response, WebError> {
    let me = poster(&state, &headers, &form.token, "tokens").await?;
    let (typed, stored) = (form.password.clone(), me.user.password_hash.clone());
    let matches = tokio::task::spawn_blocking(move || verify_password(&typed, &stored))
        .await
        .map_err(|e| WebError::Internal(format!("password check stopped: {e}")))?;
    if !matches {
        let message = "That is not your password, so Fever was not turned on.".to_string();
        return tokens_page(&state, &headers, &me, StatusCode::UNAUTHORIZED, None, Some(message)).await;
    }
    let key = fever_key(&me.user.name, &form.password);
    state.store.add_api_token(me.user.id, "Fever", TokenKind::Fever, &session_key(&key), Timestamp::now()).await?;
    let message = format!(
        "Fever is on. In the app, give this site's address followed by /api/fever.php, the name {} and your password.",
        me.user.name
    );
    tokens_page(&state, &headers, &me, StatusCode::OK, None, Some(message)).await
}
