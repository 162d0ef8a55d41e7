//! The one error type of the web layer: a page for the visitor, the cause for the log.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// A failed request.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// Nothing at this address.
    #[error("not found")]
    NotFound,
    /// Refused, with the reason for the visitor (a form not from this site, say).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The request could not be read (a malformed form).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The request body is larger than this address accepts, with what to do about it.
    #[error("too large: {0}")]
    TooLarge(String),
    /// Something broke; the cause goes to the log, never to the visitor.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<tidings_store::Error> for WebError {
    fn from(e: tidings_store::Error) -> Self {
        match e {
            tidings_store::Error::NotFound(_) => WebError::NotFound,
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        WebError::Internal(format!("template: {e}"))
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, title, text) = match &self {
            WebError::NotFound => (
                StatusCode::NOT_FOUND,
                "Not found",
                "There is nothing at this address. It may have been removed, or the link may be mistyped.",
            ),
            WebError::Forbidden(why) => (StatusCode::FORBIDDEN, "Refused", why.as_str()),
            WebError::BadRequest(why) => (StatusCode::BAD_REQUEST, "The request could not be read", why.as_str()),
            WebError::TooLarge(why) => (StatusCode::PAYLOAD_TOO_LARGE, "Too large", why.as_str()),
            WebError::Internal(cause) => {
                tracing::error!(%cause, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "The page could not be shown. The error has been logged; please try again in a moment.",
                )
            }
        };
        // Messages are ours, but a rejection's may quote the request: escape them all.
        let text = text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
        let css = crate::assets::path("style.css");
        let body = format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title} · Tidings</title><link rel=\"stylesheet\" href=\"{css}\"></head>\
             <body><header class=\"site\"><a class=\"brand\" href=\"/\">Tidings</a></header><main id=\"main\"><h1>{title}</h1><p>{text}</p><p><a href=\"/\">Go to the front page</a></p></main></body></html>"
        );
        (status, Html(body)).into_response()
    }
}
