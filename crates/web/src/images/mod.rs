//! Images without third-party requests: pages point every image at our own proxy,
//! `/images/{signature}/{width}?u={address}`, and never at an outlet's host. The signature is
//! an HMAC of the address under the site's key, so the proxy fetches only addresses the site's
//! own pages gave out (it is not an open proxy). On a miss the image is fetched through the one
//! fetcher (SSRF guard, size cap, timeout), decoded and encoded again at each of the widths
//! pages ask for (`transcode.rs`), and kept on disk (`cache.rs`); concurrent misses for one
//! image fetch it once.

mod cache;
mod transcode;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tidings_fetch::{FetchOutcome, FetchRequest, Fetcher, Purpose};
use tokio::sync::{Mutex, Semaphore};

use cache::DiskCache;
pub use cache::ImageCacheConfig;
use transcode::{Refusal, WIDTHS};

use crate::AppState;

/// Most bytes of an image fetched from an outlet.
pub const MAX_IMAGE_BYTES: u64 = 10 * 1024 * 1024;
/// How long an image that could not be made is not tried again.
const REFUSAL_MEMORY: Duration = Duration::from_secs(600);
/// Refusals remembered at most (the oldest are forgotten past it).
const REFUSALS_KEPT: usize = 10_000;
/// `sizes` of a picture in an article's column (42rem, less the page's margins on a phone).
const COLUMN_SIZES: &str = "(max-width: 44rem) 100vw, 42rem";
/// `sizes` of the picture at the top of a story's page (20rem, the page's width on a phone).
const THUMBNAIL_SIZES: &str = "(max-width: 22rem) 100vw, 20rem";
/// `sizes` of a story's picture on the front page, in a corner of the story's card.
const CARD_SIZES: &str = "7rem";

/// The image proxy: its fetcher, its folder, and what it is doing.
#[derive(Debug, Clone)]
pub struct ImageProxy {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    fetcher: Fetcher,
    cache: DiskCache,
    /// One lock per image being made, so that concurrent misses fetch it once.
    making: std::sync::Mutex<HashMap<String, Arc<Mutex<()>>>>,
    /// Images that could not be made, with the answer and when it was given.
    refused: std::sync::Mutex<HashMap<String, (StatusCode, Instant)>>,
    /// Decoding takes memory (up to 40 megapixels each): two at a time.
    decoding: Semaphore,
}

impl ImageProxy {
    /// A proxy fetching through `fetcher` (its body cap should be [`MAX_IMAGE_BYTES`]) and
    /// keeping its files as `cache` says.
    pub fn new(fetcher: Fetcher, cache: ImageCacheConfig) -> Self {
        Self {
            inner: Arc::new(Inner {
                fetcher,
                cache: DiskCache::new(cache),
                making: std::sync::Mutex::default(),
                refused: std::sync::Mutex::default(),
                decoding: Semaphore::new(2),
            }),
        }
    }
}

/// The query of a proxy address.
#[derive(Debug, Deserialize)]
pub(crate) struct Source {
    u: Option<String>,
}

/// `GET /images/{signature}/{width}?u=ADDRESS`: the image at `ADDRESS`, at most `width` pixels
/// wide, as our own JPEG or PNG. 403 for a signature this site did not give, 404 for a width
/// pages do not ask for, 413 for an image too large, 415 for what is not an image we show,
/// 502 when the outlet did not give it.
pub(crate) async fn serve(
    State(state): State<AppState>,
    Path((signature, width)): Path<(String, String)>,
    Query(source): Query<Source>,
) -> Response {
    let Some(proxy) = &state.images else { return refuse(StatusCode::NOT_FOUND, "Images are not shown on this site.") };
    let Some(width) = width.parse::<u32>().ok().filter(|w| WIDTHS.contains(w)) else {
        return refuse(StatusCode::NOT_FOUND, "No such image size.");
    };
    let Some(address) = source.u.filter(|u| state.form_key.check_address(u, &signature)) else {
        return refuse(StatusCode::FORBIDDEN, "This image address was not given out by this site.");
    };
    let key = DiskCache::key(&address);
    if let Some(bytes) = proxy.inner.cache.get(&key, width).await {
        return image(bytes);
    }
    match proxy.make(&address, &key, width).await {
        Ok(bytes) => image(bytes),
        Err(status) => refuse(status, status.canonical_reason().unwrap_or("The image could not be shown.")),
    }
}

impl ImageProxy {
    /// The image at `width`, fetched and made once however many ask at the same time.
    async fn make(&self, address: &str, key: &str, width: u32) -> Result<Vec<u8>, StatusCode> {
        let lock = {
            let mut making = self.inner.making.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            making.entry(key.to_string()).or_default().clone()
        };
        let made = {
            let _turn = lock.lock().await;
            // Whoever held the lock before may have made it, or been refused.
            match self.inner.cache.get(key, width).await {
                Some(bytes) => Ok(bytes),
                None => match self.refused(key) {
                    Some(status) => Err(status),
                    None => self.fetch_and_keep(address, key, width).await,
                },
            }
        };
        self.inner.making.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(key);
        made
    }

    fn refused(&self, key: &str) -> Option<StatusCode> {
        let refused = self.inner.refused.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        refused.get(key).filter(|(_, at)| at.elapsed() < REFUSAL_MEMORY).map(|(status, _)| *status)
    }

    fn remember_refusal(&self, key: &str, status: StatusCode) {
        let mut refused = self.inner.refused.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if refused.len() >= REFUSALS_KEPT {
            refused.retain(|_, (_, at)| at.elapsed() < REFUSAL_MEMORY);
            if refused.len() >= REFUSALS_KEPT {
                refused.clear();
            }
        }
        refused.insert(key.to_string(), (status, Instant::now()));
    }

    /// Fetches the image, makes every width and keeps them; gives the one asked for.
    async fn fetch_and_keep(&self, address: &str, key: &str, width: u32) -> Result<Vec<u8>, StatusCode> {
        let made = self.fetch_and_make(address).await;
        let encoded = match made {
            Ok(encoded) => encoded,
            Err(status) => {
                self.remember_refusal(key, status);
                return Err(status);
            }
        };
        let mut asked = None;
        for (w, bytes) in encoded {
            if let Err(e) = self.inner.cache.put(key, w, &bytes).await {
                tracing::warn!(error = %e, "could not keep a resized image; it is made again next time");
            }
            if w == width {
                asked = Some(bytes);
            }
        }
        asked.ok_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    async fn fetch_and_make(&self, address: &str) -> Result<Vec<(u32, Vec<u8>)>, StatusCode> {
        let url = url::Url::parse(address).map_err(|_| StatusCode::NOT_FOUND)?;
        let fetched = match self.inner.fetcher.fetch(FetchRequest::new(url, Purpose::Image)).await {
            Ok(FetchOutcome::Fetched(f)) => f,
            Ok(FetchOutcome::NotModified { .. }) => return Err(StatusCode::BAD_GATEWAY),
            Err(tidings_fetch::Error::TooLarge { .. }) => return Err(StatusCode::PAYLOAD_TOO_LARGE),
            Err(e) => {
                tracing::info!(error = %e, "an image could not be fetched");
                return Err(StatusCode::BAD_GATEWAY);
            }
        };
        let _permit = self.inner.decoding.acquire().await.map_err(|_| StatusCode::SERVICE_UNAVAILABLE)?;
        let made = tokio::task::spawn_blocking(move || {
            let image = transcode::decode(&fetched.body)?;
            WIDTHS.iter().map(|w| Ok((*w, transcode::encode(&image, *w)?.bytes))).collect::<Result<Vec<_>, Refusal>>()
        })
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
        made.map_err(|refusal| {
            tracing::info!(?refusal, "an image was refused");
            match refusal {
                Refusal::NotAnImage(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                Refusal::TooManyPixels(_) => StatusCode::PAYLOAD_TOO_LARGE,
            }
        })
    }
}

/// An image answer: kept by browsers for a year, since an address always gives the same image.
fn image(bytes: Vec<u8>) -> Response {
    let kind = transcode::content_type(&bytes);
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable")),
        ],
        bytes,
    )
        .into_response()
}

/// A refusal in a few words, as plain text.
fn refuse(status: StatusCode, why: &'static str) -> Response {
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"))], why).into_response()
}

/// The proxy address of `address` at `width`.
fn proxied(signature: &str, address: &str, width: u32) -> String {
    let encoded: String = url::form_urlencoded::byte_serialize(address.as_bytes()).collect();
    format!("/images/{signature}/{width}?u={encoded}")
}

/// An `<img>` showing `address` through the proxy: `srcset` of every width, `sizes`, the size
/// when both sides are known (so the page does not jump as it loads), lazy loading. `alt_html`
/// must be escaped for a double-quoted attribute. `None` when the site shows no images or the
/// address is not http(s).
fn picture(
    state: &AppState,
    address: &str,
    alt_html: &str,
    size: (Option<u32>, Option<u32>),
    sizes: &str,
) -> Option<String> {
    state.images.as_ref()?;
    let address = tidings_core::web_link(address)?;
    let signature = state.form_key.sign_address(&address);
    let srcset: Vec<String> = WIDTHS.iter().map(|w| format!("{} {w}w", proxied(&signature, &address, *w))).collect();
    let dimensions = match size {
        (Some(w), Some(h)) if w > 0 && h > 0 => format!(" width=\"{w}\" height=\"{h}\""),
        _ => String::new(),
    };
    Some(format!(
        "<img src=\"{}\" srcset=\"{}\" sizes=\"{sizes}\" alt=\"{alt_html}\"{dimensions} loading=\"lazy\" decoding=\"async\">",
        proxied(&signature, &address, WIDTHS[1]),
        srcset.join(", "),
    ))
}

/// Sanitized article HTML with every image shown through the proxy (or left out when the site
/// shows no images).
pub(crate) fn article_html(state: &AppState, html: &str) -> String {
    tidings_html::rewrite_images(html, |tag| {
        picture(state, &tag.src, tag.alt_html, (tag.width, tag.height), COLUMN_SIZES)
    })
}

/// The lead image of an article above its text, unless the text shows that image already.
pub(crate) fn lead_picture(state: &AppState, lead: Option<&tidings_core::LeadImage>, html: &str) -> Option<String> {
    let lead = lead?;
    if tidings_html::image_sources(html).iter().any(|src| same_image(src, &lead.url)) {
        return None;
    }
    picture(state, &lead.url, "", (lead.width, lead.height), COLUMN_SIZES)
}

/// A small picture of an article's lead image, for the top of its story's page.
pub(crate) fn thumbnail(state: &AppState, lead: Option<&tidings_core::LeadImage>) -> Option<String> {
    let lead = lead?;
    picture(state, &lead.url, "", (lead.width, lead.height), THUMBNAIL_SIZES)
}

/// A story's picture on the front page: the lead image of its first listed report that has
/// one, small, in a corner of the story's card.
pub(crate) fn card_picture(state: &AppState, reports: &[tidings_core::Article]) -> Option<String> {
    let lead = reports.iter().find_map(|a| a.lead_image.as_ref())?;
    picture(state, &lead.url, "", (lead.width, lead.height), CARD_SIZES)
}

/// Whether two addresses name one image (the same address, or the same path without the query
/// that CDNs vary).
fn same_image(a: &str, b: &str) -> bool {
    let path = |s: &str| s.split(['?', '#']).next().unwrap_or(s).to_ascii_lowercase();
    a == b || path(a) == path(b)
}
