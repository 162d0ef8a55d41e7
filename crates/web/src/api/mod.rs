//! The APIs that reader apps and scripts speak: the Google Reader API (as FreshRSS implements
//! it), the Fever API and a JSON REST API under `/api/v1`. Handlers parse the request, check
//! the token and call the store; the reader state itself lives in `tidings-store`.
//!
//! Every API answers within the same limits: requests per minute from one address, failed
//! authentications per address (any more answer 429 until the window ends), and a cap on the
//! size of a request body. Authentication failures never say whether an account exists.

pub(crate) mod fever;
pub(crate) mod greader;
pub(crate) mod ids;
pub(crate) mod rest;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tidings_accounts::session_key;
use tidings_store::{FollowState, FollowTarget, OutletHealth, TokenKind, User};

use crate::AppState;

/// Largest request body an API accepts: room for a thousand item ids in one form.
pub(crate) const MAX_BODY_BYTES: usize = 256 * 1024;
/// Requests one address may make per minute, unless the operator says otherwise.
pub const DEFAULT_REQUESTS_PER_MINUTE: u32 = 600;
/// Failed authentications one address may make in a window before it is refused.
const MAX_AUTH_FAILURES: u32 = 20;
/// The window failed authentications are counted in.
const AUTH_FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Counts per address in fixed windows.
#[derive(Debug, Clone, Default)]
struct Windows {
    counts: Arc<Mutex<HashMap<IpAddr, (u32, Instant)>>>,
}

impl Windows {
    /// Counts one more for `ip`; whether it is still within `max` in the current `window`, and
    /// when that window ends.
    fn count(&self, ip: IpAddr, max: u32, window: Duration, now: Instant) -> (bool, Duration) {
        let mut map = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, (_, start)| now.duration_since(*start) < window);
        }
        let entry = map.entry(ip).or_insert((0, now));
        if now.duration_since(entry.1) >= window {
            *entry = (0, now);
        }
        entry.0 = entry.0.saturating_add(1);
        (entry.0 <= max, window.saturating_sub(now.duration_since(entry.1)))
    }

    /// Whether `ip` has used up `max` in the current window, and when it ends.
    fn exhausted(&self, ip: IpAddr, max: u32, window: Duration, now: Instant) -> Option<Duration> {
        let map = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        map.get(&ip)
            .filter(|(n, start)| *n >= max && now.duration_since(*start) < window)
            .map(|(_, start)| window.saturating_sub(now.duration_since(*start)))
    }
}

/// The APIs' limits per client address.
#[derive(Debug, Clone)]
pub struct ApiLimits {
    requests: Windows,
    failures: Windows,
    per_minute: u32,
}

impl ApiLimits {
    /// At most `per_minute` requests a minute from one address (0: no limit).
    pub fn new(per_minute: u32) -> Self {
        Self { requests: Windows::default(), failures: Windows::default(), per_minute }
    }
}

impl Default for ApiLimits {
    fn default() -> Self {
        Self::new(DEFAULT_REQUESTS_PER_MINUTE)
    }
}

/// How an API writes its errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// `{"error": "…"}`, as the REST API answers.
    Json,
    /// Plain text, as Google Reader clients expect.
    Text,
}

/// A refused API request: its status and, for the person behind the app, what to do.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
    style: Style,
    retry_after: Option<Duration>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>, style: Style) -> Self {
        Self { status, message: message.into(), style, retry_after: None }
    }

    /// The one answer to every failed authentication, whatever failed.
    pub(crate) fn unauthorized(style: Style) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "the token is missing, wrong or revoked; log in again or make a new token on your account page",
            style,
        )
    }

    fn too_many(wait: Duration, what: &str, style: Style) -> Self {
        let seconds = wait.as_secs().max(1);
        Self {
            status: StatusCode::TOO_MANY_REQUESTS,
            message: format!("too many {what} from your address; try again in {seconds} seconds"),
            style,
            retry_after: Some(wait),
        }
    }

    /// Something broke on our side; the cause goes to the log only.
    pub(crate) fn internal(cause: impl std::fmt::Display, style: Style) -> Self {
        tracing::error!(%cause, "API request failed");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the server failed; the error has been logged, try again later",
            style,
        )
    }

    /// A store error: not found as 404, anything else as a logged 500.
    pub(crate) fn store(e: tidings_store::Error, style: Style) -> Self {
        match e {
            tidings_store::Error::NotFound(what) => {
                Self::new(StatusCode::NOT_FOUND, format!("{what} was not found"), style)
            }
            other => Self::internal(other, style),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut res = match self.style {
            Style::Json => (self.status, axum::Json(serde_json::json!({ "error": self.message }))).into_response(),
            Style::Text => (self.status, format!("{}\n", self.message)).into_response(),
        };
        if let Some(wait) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&wait.as_secs().max(1).to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res
    }
}

/// The client's address (the TCP peer; see the decision on proxies in ARCHITECTURE.md).
fn peer(request: &Request) -> IpAddr {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([127, 0, 0, 1]), |ConnectInfo(addr)| addr.ip())
}

/// Refuses an address past its requests per minute, or past its failed authentications.
async fn limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let style = if request.uri().path().starts_with("/api/v1") { Style::Json } else { Style::Text };
    let ip = peer(&request);
    let now = Instant::now();
    let limits = &state.api;
    if let Some(wait) = limits.failures.exhausted(ip, MAX_AUTH_FAILURES, AUTH_FAILURE_WINDOW, now) {
        return ApiError::too_many(wait, "failed authentications", style).into_response();
    }
    if limits.per_minute > 0 {
        let (within, wait) = limits.requests.count(ip, limits.per_minute, Duration::from_secs(60), now);
        if !within {
            return ApiError::too_many(wait, "requests", style).into_response();
        }
    }
    let res = next.run(request).await;
    if res.status() == StatusCode::UNAUTHORIZED || res.headers().contains_key(AUTH_FAILED) {
        limits.failures.count(ip, u32::MAX, AUTH_FAILURE_WINDOW, now);
    }
    res
}

/// Set on a response (and taken off before it leaves) when authentication failed but the API
/// answers 200 anyway, as Fever does.
pub(crate) const AUTH_FAILED: &str = "x-tidings-auth-failed";

/// Takes the internal marker off responses.
async fn strip_marker(request: Request, next: Next) -> Response {
    let mut res = next.run(request).await;
    res.headers_mut().remove(AUTH_FAILED);
    res
}

/// The token an app sent: `Authorization: GoogleLogin auth=…` or `Authorization: Bearer …`.
pub(crate) fn sent_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let token = if let Some(rest) = value.strip_prefix("GoogleLogin") {
        rest.trim().strip_prefix("auth=")?
    } else {
        value.strip_prefix("Bearer ")?
    };
    let token = token.trim();
    (!token.is_empty() && token.len() <= 256).then_some(token)
}

/// The account whose token of one of `kinds` this is.
pub(crate) async fn token_user(
    state: &AppState,
    token: Option<&str>,
    kinds: &[TokenKind],
    style: Style,
) -> Result<User, ApiError> {
    let Some(token) = token else { return Err(ApiError::unauthorized(style)) };
    match state.store.api_token_user(&session_key(token), kinds).await {
        Ok(Some((user, _))) => Ok(user),
        Ok(None) => Err(ApiError::unauthorized(style)),
        Err(e) => Err(ApiError::store(e, style)),
    }
}

/// Every outlet with its feed, by name, as reader apps list them: read at most once a second
/// (a page's parts are as old, see `snapshots`), since every call of every app asks.
pub(crate) async fn listed_outlets(state: &AppState, style: Style) -> Result<Arc<Vec<OutletHealth>>, ApiError> {
    state.listed_outlets.get((), || state.store.outlets_uncounted()).await.map_err(|e| ApiError::store(e, style))
}

/// The outlets `user` has not muted, by name, as reader apps list them.
pub(crate) async fn subscribed(state: &AppState, user: &User, style: Style) -> Result<Vec<OutletHealth>, ApiError> {
    let follows = state.store.follows(user.id).await.map_err(|e| ApiError::store(e, style))?;
    let outlets = listed_outlets(state, style).await?;
    Ok(outlets
        .iter()
        .filter(|o| follows.get(&FollowTarget::Outlet(o.outlet.id)) != Some(&FollowState::Mute))
        .cloned()
        .collect())
}

/// A new random token for an app, as the reader will type or paste it.
pub(crate) fn new_token() -> Result<String, crate::WebError> {
    Ok(tidings_accounts::session_token(&crate::accounts::random::<32>()?))
}

/// Every API's routes, with their limits.
pub(crate) fn routes(state: AppState) -> Router<AppState> {
    let greader = greader::routes();
    Router::new()
        .nest("/api/greader.php", greader.clone())
        .nest("/api/greader", greader.clone())
        .merge(greader)
        .route("/api/fever.php", axum::routing::any(fever::endpoint))
        .route("/fever", axum::routing::any(fever::endpoint))
        .route("/fever/", axum::routing::any(fever::endpoint))
        .nest("/api/v1", rest::routes())
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(state, limit))
        .layer(axum::middleware::from_fn(strip_marker))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_refused_past_its_window_and_served_again_after() {
        let w = Windows::default();
        let ip = IpAddr::from([10, 0, 0, 1]);
        let start = Instant::now();
        let minute = Duration::from_secs(60);
        assert!(w.count(ip, 2, minute, start).0);
        assert!(w.count(ip, 2, minute, start).0);
        let (within, wait) = w.count(ip, 2, minute, start + Duration::from_secs(10));
        assert!(!within);
        assert_eq!(wait, Duration::from_secs(50));
        assert!(w.count(IpAddr::from([10, 0, 0, 2]), 2, minute, start).0, "other addresses are not affected");
        assert!(w.count(ip, 2, minute, start + minute).0, "a new window starts afresh");
    }

    #[test]
    fn tokens_come_from_either_authorization_scheme() {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("GoogleLogin auth=abc"));
        assert_eq!(sent_token(&h), Some("abc"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer xyz"));
        assert_eq!(sent_token(&h), Some("xyz"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic eHl6"));
        assert_eq!(sent_token(&h), None);
    }
}
