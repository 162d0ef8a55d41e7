//! Logging in and out, signing up, and the account page. Handlers parse the request and call
//! `tidings-accounts` and the store; every form goes through `forms::check_post`.

use std::net::{IpAddr, SocketAddr};

use askama::Template;
use axum::extract::{ConnectInfo, Form, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use tidings_accounts::{Role, check_name, check_password, hash_password, session_key, session_token, verify_password};
use tidings_store::{NewUser, SessionUser};

use crate::forms::{browser, check_post, cookie, sentence, set_cookie};
use crate::limiter::{WindowLimiter, try_again};
use crate::{AppState, WebError};

/// The session cookie.
const SESSION_COOKIE: &str = "tidings_session";
/// How long a login lasts.
const SESSION_DAYS: i64 = 30;
/// Failed logins allowed per account, and per address, in one window.
const MAX_FAILURES_PER_ACCOUNT: u32 = 5;
const MAX_FAILURES_PER_ADDRESS: u32 = 20;
/// The window failed logins are counted in.
const FAILURE_WINDOW: SignedDuration = SignedDuration::from_mins(15);
/// A hash to check against when the account does not exist, so that a wrong name takes as long
/// as a wrong password and timing tells nothing.
const NO_SUCH_ACCOUNT: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/// Random bytes from the operating system; the web layer's one source of them.
pub(crate) fn random<const N: usize>() -> Result<[u8; N], WebError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| WebError::Internal(format!("no random bytes: {e}")))?;
    Ok(bytes)
}

/// A new browser id; empty (binding no form) if the system gave no random bytes.
pub(crate) fn fresh_id() -> String {
    random::<32>().map(|b| session_token(&b)).unwrap_or_default()
}

/// Failed logins per account and per address, counted in the site's one limiter.
#[derive(Debug, Clone)]
pub(crate) struct LoginLimiter(WindowLimiter);

impl Default for LoginLimiter {
    fn default() -> Self {
        Self(WindowLimiter::new(FAILURE_WINDOW))
    }
}

impl LoginLimiter {
    fn keys(name: &str, ip: IpAddr) -> [(String, u32); 2] {
        [
            (format!("account:{}", name.to_lowercase()), MAX_FAILURES_PER_ACCOUNT),
            (format!("ip:{ip}"), MAX_FAILURES_PER_ADDRESS),
        ]
    }

    /// When the next attempt for `name` from `ip` is allowed, if not now.
    fn blocked_until(&self, name: &str, ip: IpAddr, now: Timestamp) -> Option<Timestamp> {
        self.0.blocked_until(&Self::keys(name, ip), now)
    }

    fn failed(&self, name: &str, ip: IpAddr, now: Timestamp) {
        self.0.record(&Self::keys(name, ip), now);
    }

    fn succeeded(&self, name: &str) {
        self.0.forget(&format!("account:{}", name.to_lowercase()));
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    token: String,
    name: String,
    error: Option<String>,
    signup_open: bool,
}

#[derive(Template)]
#[template(path = "signup.html")]
struct SignupPage {
    open: bool,
    token: String,
    name: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    name: String,
    role: String,
    token: String,
}

/// What the account forms send.
#[derive(Debug, Deserialize)]
pub(crate) struct AccountForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
}

/// A page rendered for this browser: the form token issued for `form`, and the browser cookie
/// set if it had none.
pub(crate) fn with_form<T: Template>(
    state: &AppState,
    headers: &HeaderMap,
    form: &str,
    status: StatusCode,
    build: impl FnOnce(String) -> T,
) -> Result<Response, WebError> {
    let (browser_id, set) = browser(headers, fresh_id);
    let token = state.form_key.issue(&browser_id, form, Timestamp::now().as_second());
    let mut res = (status, Html(crate::render(state, &build(token))?)).into_response();
    res.headers_mut().insert(header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    if let Some(set) = set {
        res.headers_mut().append(header::SET_COOKIE, set);
    }
    Ok(res)
}

/// The account of this request's session, if it has a live one.
pub(crate) async fn viewer(state: &AppState, headers: &HeaderMap) -> Result<Option<SessionUser>, WebError> {
    match cookie(headers, SESSION_COOKIE) {
        Some(token) => Ok(state.store.session_user(&session_key(token), Timestamp::now()).await?),
        None => Ok(None),
    }
}

/// `Ok(())` for an admin; else the login page, or `refusal` for a reader.
pub(crate) async fn admin_only(
    state: &AppState,
    headers: &HeaderMap,
    refusal: &str,
) -> Result<Result<(), Response>, WebError> {
    match viewer(state, headers).await? {
        None => Ok(Err(Redirect::to("/login").into_response())),
        v if crate::comments::is_admin(&v) => Ok(Ok(())),
        Some(_) => Err(WebError::Forbidden(refusal.to_string())),
    }
}

/// Starts a session for `user_id` (ending the one this browser had) and redirects to the
/// account page.
async fn log_in(state: &AppState, headers: &HeaderMap, user_id: i64) -> Result<Response, WebError> {
    if let Some(old) = cookie(headers, SESSION_COOKIE) {
        state.store.end_session(&session_key(old)).await?;
    }
    let token = session_token(&random::<32>()?);
    let now = Timestamp::now();
    state
        .store
        .create_session(&session_key(&token), user_id, now, now + SignedDuration::from_hours(24 * SESSION_DAYS))
        .await?;
    let mut res = Redirect::to("/account").into_response();
    res.headers_mut().append(header::SET_COOKIE, set_cookie(headers, SESSION_COOKIE, &token, SESSION_DAYS * 24 * 3600));
    Ok(res)
}

pub(crate) async fn login_page(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, WebError> {
    let signup_open = state.settings.get(&state.store).await?.signup_open;
    with_form(&state, &headers, "login", StatusCode::OK, |token| LoginPage {
        token,
        name: String::new(),
        error: None,
        signup_open,
    })
}

pub(crate) async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<AccountForm>,
) -> Result<Response, WebError> {
    let signup_open = state.settings.get(&state.store).await?.signup_open;
    let again = |state: &AppState, status: StatusCode, error: String, name: String| {
        with_form(state, &headers, "login", status, |token| LoginPage { token, name, error: Some(error), signup_open })
    };
    if let Err(refused) = check_post(&state.form_key, &headers, &form.token, "login", Timestamp::now().as_second(), 0) {
        return again(&state, StatusCode::FORBIDDEN, refused.message(), form.name);
    }
    match check_login(&state, &form.name, &form.password, peer.ip()).await? {
        Login::Blocked { until } => {
            let error = format!(
                "Too many failed log-ins for this account or from your address. {}",
                try_again(until, Timestamp::now())
            );
            again(&state, StatusCode::TOO_MANY_REQUESTS, error, form.name)
        }
        Login::Wrong => {
            again(&state, StatusCode::UNAUTHORIZED, "The name or the password is wrong.".to_string(), form.name)
        }
        Login::Ok(user) => {
            tracing::info!(user = %user.name, "logged in");
            log_in(&state, &headers, user.id).await
        }
    }
}

/// What a name and password are worth.
pub(crate) enum Login {
    /// The account, whose password this is.
    Ok(tidings_store::User),
    /// No such account, or not its password: the two are never told apart.
    Wrong,
    /// Too many failures for this account or from this address; try again after `until`.
    Blocked { until: Timestamp },
}

/// Checks a name and password as every way in does (the login form, the apps' logins): the
/// failure limits per account and address apply, and a wrong name costs as much as a wrong
/// password (a dummy hash is checked).
pub(crate) async fn check_login(state: &AppState, name: &str, password: &str, ip: IpAddr) -> Result<Login, WebError> {
    let now = Timestamp::now();
    if let Some(until) = state.logins.blocked_until(name, ip, now) {
        return Ok(Login::Blocked { until });
    }
    let user = state.store.user_by_name(name).await?;
    let stored = user.as_ref().map_or(NO_SUCH_ACCOUNT.to_string(), |u| u.password_hash.clone());
    let password = password.to_string();
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &stored))
        .await
        .map_err(|e| WebError::Internal(format!("password check stopped: {e}")))?;
    Ok(match user.filter(|_| matches) {
        Some(user) => {
            state.logins.succeeded(name);
            Login::Ok(user)
        }
        None => {
            state.logins.failed(name, ip, now);
            Login::Wrong
        }
    })
}

pub(crate) async fn signup_page(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, WebError> {
    let open = state.settings.get(&state.store).await?.signup_open;
    with_form(&state, &headers, "signup", StatusCode::OK, |token| SignupPage {
        open,
        token,
        name: String::new(),
        error: None,
    })
}

pub(crate) async fn signup(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<AccountForm>,
) -> Result<Response, WebError> {
    let open = state.settings.get(&state.store).await?.signup_open;
    let again = |state: &AppState, status: StatusCode, error: String, name: String| {
        with_form(state, &headers, "signup", status, |token| SignupPage { open, token, name, error: Some(error) })
    };
    if !open {
        return again(&state, StatusCode::FORBIDDEN, "Sign-up is closed on this site.".to_string(), form.name);
    }
    if let Err(refused) = check_post(&state.form_key, &headers, &form.token, "signup", Timestamp::now().as_second(), 0)
    {
        return again(&state, StatusCode::FORBIDDEN, refused.message(), form.name);
    }
    if let Err(e) = check_name(&form.name).and_then(|()| check_password(&form.password)) {
        return again(&state, StatusCode::UNPROCESSABLE_ENTITY, sentence(&e), form.name);
    }
    let salt = random::<16>()?;
    let password = form.password.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password, &salt))
        .await
        .map_err(|e| WebError::Internal(format!("password hashing stopped: {e}")))?
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let new = NewUser { name: form.name.clone(), password_hash: hash, role: Role::Reader.as_str().to_string() };
    match state.store.add_user(&new, Timestamp::now()).await {
        Ok(user) => log_in(&state, &headers, user.id).await,
        Err(tidings_store::Error::Conflict(_)) => {
            again(&state, StatusCode::CONFLICT, "That name is taken; choose another.".to_string(), form.name)
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn account(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, WebError> {
    let Some(viewer) = viewer(&state, &headers).await? else {
        return Ok(Redirect::to("/login").into_response());
    };
    with_form(&state, &headers, "account", StatusCode::OK, |token| AccountPage {
        name: viewer.user.name.clone(),
        role: viewer.user.role.clone(),
        token,
    })
}

async fn logout_with(
    state: &AppState,
    headers: &HeaderMap,
    token: &str,
    everywhere: bool,
) -> Result<Response, WebError> {
    if let Err(refused) = check_post(&state.form_key, headers, token, "account", Timestamp::now().as_second(), 0) {
        return Err(WebError::Forbidden(refused.message()));
    }
    if let Some(viewer) = viewer(state, headers).await? {
        if everywhere {
            state.store.end_sessions_of(viewer.user.id).await?;
        } else if let Some(t) = cookie(headers, SESSION_COOKIE) {
            state.store.end_session(&session_key(t)).await?;
        }
    }
    let mut res = Redirect::to("/").into_response();
    res.headers_mut().append(header::SET_COOKIE, set_cookie(headers, SESSION_COOKIE, "", 0));
    Ok(res)
}

pub(crate) async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<AccountForm>,
) -> Result<Response, WebError> {
    logout_with(&state, &headers, &form.token, false).await
}

pub(crate) async fn logout_everywhere(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<AccountForm>,
) -> Result<Response, WebError> {
    logout_with(&state, &headers, &form.token, true).await
}
