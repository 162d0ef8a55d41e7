//! The shared pages (front page, stories, outlets, categories, search, feeds) as an anonymous
//! reader gets them, kept rendered and compressed for a second, with an `ETag` so a browser
//! that has a page asks again for a 304 instead of the page.
//!
//! Pages change when a worker stores an article, so they cannot be kept long; but under load
//! the same few pages are asked for many times a second, and rendering each once a second
//! instead of every time is what keeps the front page's cost flat however many readers come.
//! A page is at most [`FRESH_FOR`] older than the database, plus the time one render of it
//! takes. Only answers that say nothing of
//! who asked are kept: GET without the session or commenter cookie, 200, no `Set-Cookie`, no
//! `private`/`no-store`.

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// How long a rendered page is served again.
pub(crate) const FRESH_FOR: Duration = Duration::from_secs(1);
/// How long a stale page is served while one request renders it again.
const STALE_FOR: Duration = Duration::from_secs(10);
/// Pages kept at most; past it the stale ones go, then all.
const MAX_PAGES: usize = 2_000;
/// Pages larger than this are not kept.
const MAX_BODY: usize = 2 * 1024 * 1024;
/// Cookies that make a page the asker's own.
const PERSONAL_COOKIES: [&str; 2] = ["tidings_session=", "tidings_commenter="];

/// The kept pages, by path and query.
#[derive(Default)]
pub(crate) struct PageCache {
    pages: Mutex<HashMap<String, Arc<Kept>>>,
}

struct Kept {
    at: Instant,
    /// A request is rendering this page again.
    renewing: AtomicBool,
    etag: HeaderValue,
    headers: HeaderMap,
    body: Bytes,
    gzip: Bytes,
}

/// Middleware: answers from the kept pages, or renders, keeps and answers.
pub(crate) async fn serve(State(cache): State<Arc<PageCache>>, req: Request, next: Next) -> Response {
    if !shareable(&req) {
        return next.run(req).await;
    }
    let key = req.uri().path_and_query().map_or_else(|| req.uri().path().to_string(), |p| p.as_str().to_string());
    let gzip_ok = accepts_gzip(req.headers());
    let validator = req.headers().get(header::IF_NONE_MATCH).cloned();
    let head = req.method() == Method::HEAD;
    let kept = match cache.lookup(&key) {
        Lookup::Serve(kept) => kept,
        Lookup::Render(renewing) => {
            let res = next.run(req).await;
            match keepable(res).await {
                Ok(kept) => cache.keep(key, kept),
                Err(res) => {
                    if let Some(old) = renewing {
                        old.renewing.store(false, Ordering::Release);
                    }
                    return res;
                }
            }
        }
    };
    answer(&kept, validator.as_ref(), gzip_ok, head)
}

/// What to do for a request: serve a kept page, or render one (renewing a stale copy).
enum Lookup {
    Serve(Arc<Kept>),
    Render(Option<Arc<Kept>>),
}

impl PageCache {
    /// A fresh page is served. When it has gone stale, one request renders it again while the
    /// others are served the stale copy meanwhile (for at most [`STALE_FOR`]), so a page's
    /// renewal costs one render, not one per reader waiting at that moment.
    fn lookup(&self, key: &str) -> Lookup {
        let Ok(pages) = self.pages.lock() else { return Lookup::Render(None) };
        let Some(kept) = pages.get(key) else { return Lookup::Render(None) };
        let age = kept.at.elapsed();
        if age < FRESH_FOR {
            return Lookup::Serve(kept.clone());
        }
        let first = kept.renewing.compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire).is_ok();
        if !first && age < STALE_FOR {
            return Lookup::Serve(kept.clone());
        }
        Lookup::Render(Some(kept.clone()))
    }

    fn keep(&self, key: String, kept: Kept) -> Arc<Kept> {
        let kept = Arc::new(kept);
        if let Ok(mut pages) = self.pages.lock() {
            if pages.len() >= MAX_PAGES {
                pages.retain(|_, k| k.at.elapsed() < STALE_FOR);
                if pages.len() >= MAX_PAGES {
                    pages.clear();
                }
            }
            pages.insert(key, kept.clone());
        }
        kept
    }
}

/// Whether the answer to `req` may be shared with every anonymous reader.
fn shareable(req: &Request) -> bool {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return false;
    }
    if req.headers().contains_key(header::AUTHORIZATION) {
        return false;
    }
    !req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| c.split(';').any(|part| PERSONAL_COOKIES.iter().any(|p| part.trim_start().starts_with(p))))
}

fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).any(|v| {
        v.split(',').any(|coding| {
            let mut parts = coding.split(';');
            let name = parts.next().unwrap_or_default().trim();
            let refused = parts.any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
            name.eq_ignore_ascii_case("gzip") && !refused
        })
    })
}

/// The page to keep from a rendered answer, or the answer itself when it is not one to keep.
async fn keepable(res: Response) -> Result<Kept, Response> {
    let private = res
        .headers()
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("private") || v.contains("no-store"));
    if res.status() != StatusCode::OK || private || res.headers().contains_key(header::SET_COOKIE) {
        return Err(res);
    }
    let (parts, body) = res.into_parts();
    // Rendered pages know their length; one too large (or streamed) goes out as it is.
    if http_body::Body::size_hint(&body).upper().is_none_or(|n| n > MAX_BODY as u64) {
        return Err(Response::from_parts(parts, body));
    }
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(body) => body,
        Err(_) => return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response()),
    };
    let mut gz = flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 4), flate2::Compression::fast());
    let gzip = match gz.write_all(&body).and_then(|()| gz.finish()) {
        Ok(gzip) => Bytes::from(gzip),
        Err(_) => Bytes::new(),
    };
    let etag = HeaderValue::from_str(&format!("\"{:016x}\"", tidings_text::fnv1a(&body)))
        .unwrap_or(HeaderValue::from_static("\"\""));
    let mut headers = parts.headers;
    headers.remove(header::CONTENT_LENGTH);
    // Browsers keep it, but ask each time whether it changed (and get a 304 when it has not);
    // an answer that says how long it keeps (a fingerprinted file) says so still.
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding, Cookie"));
    headers.insert(header::ETAG, etag.clone());
    Ok(Kept { at: Instant::now(), renewing: AtomicBool::new(false), etag, headers, body, gzip })
}

fn answer(kept: &Kept, validator: Option<&HeaderValue>, gzip_ok: bool, head: bool) -> Response {
    let matches = validator.and_then(|v| v.to_str().ok()).is_some_and(|v| {
        v.split(',').any(|tag| tag.trim().trim_start_matches("W/") == kept.etag.to_str().unwrap_or(""))
    });
    if matches {
        let mut res = StatusCode::NOT_MODIFIED.into_response();
        for name in [header::ETAG, header::CACHE_CONTROL, header::VARY] {
            if let Some(v) = kept.headers.get(&name) {
                res.headers_mut().insert(name, v.clone());
            }
        }
        return res;
    }
    let compressed = gzip_ok && !kept.gzip.is_empty();
    let body = if compressed { kept.gzip.clone() } else { kept.body.clone() };
    let mut res = Response::new(if head { Body::empty() } else { Body::from(body.clone()) });
    *res.headers_mut() = kept.headers.clone();
    if compressed {
        res.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    res.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
    res
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use axum::Router;
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    static RENDERS: AtomicUsize = AtomicUsize::new(0);
    static SLOW_RENDERS: AtomicUsize = AtomicUsize::new(0);

    fn app() -> Router {
        let page = || async {
            let n = RENDERS.fetch_add(1, Ordering::SeqCst);
            ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], format!("<p>render {n}</p>{}", "news ".repeat(400)))
        };
        let own = || async { ([(header::CACHE_CONTROL, "private, no-store")], "yours").into_response() };
        let slow = || async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            format!("slow {}", SLOW_RENDERS.fetch_add(1, Ordering::SeqCst))
        };
        Router::new()
            .route("/slow", get(slow))
            .route("/", get(page))
            .route("/other", get(page))
            .route("/own", get(own))
            .layer(axum::middleware::from_fn_with_state(Arc::new(PageCache::default()), serve))
    }

    async fn get_with(app: &Router, path: &str, headers: &[(&str, &str)]) -> Response {
        let mut req = Request::get(path);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        app.clone().oneshot(req.body(Body::empty()).unwrap()).await.unwrap()
    }

    async fn text(res: Response) -> String {
        let gzipped = res.headers().get(header::CONTENT_ENCODING).is_some();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
        if gzipped {
            let mut out = String::new();
            flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut out).unwrap();
            out
        } else {
            String::from_utf8(bytes.to_vec()).unwrap()
        }
    }

    #[tokio::test]
    async fn a_page_is_rendered_once_a_second_and_a_browser_that_has_it_gets_a_304() {
        let app = app();
        let first = get_with(&app, "/", &[]).await;
        let etag = first.headers()[header::ETAG].to_str().unwrap().to_string();
        let body = text(first).await;
        let again = get_with(&app, "/", &[("accept-encoding", "gzip, br")]).await;
        assert_eq!(again.headers()[header::CONTENT_ENCODING], "gzip");
        let zipped_len: usize = again.headers()[header::CONTENT_LENGTH].to_str().unwrap().parse().unwrap();
        assert!(zipped_len < body.len() / 4, "compressed to {zipped_len} of {}", body.len());
        assert_eq!(text(again).await, body, "the same render, compressed");
        let revalidated = get_with(&app, "/", &[("if-none-match", &etag)]).await;
        assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
        assert!(text(revalidated).await.is_empty());
        // Other pages are their own; a second later the page is rendered anew.
        assert_ne!(text(get_with(&app, "/other", &[]).await).await, body);
        tokio::time::sleep(FRESH_FOR + Duration::from_millis(50)).await;
        let later = get_with(&app, "/", &[("if-none-match", &etag)]).await;
        assert_eq!(later.status(), StatusCode::OK, "a new render has a new ETag");
        assert_ne!(text(later).await, body);
    }

    #[tokio::test]
    async fn a_stale_page_is_rendered_again_once_while_the_others_get_the_stale_copy() {
        let app = app();
        let first = text(get_with(&app, "/slow", &[]).await).await;
        tokio::time::sleep(FRESH_FOR + Duration::from_millis(50)).await;
        let before = SLOW_RENDERS.load(Ordering::SeqCst);
        let readers: Vec<_> = (0..10).map(|_| get_with(&app, "/slow", &[])).collect();
        let pages: Vec<String> =
            futures::future::join_all(readers.into_iter().map(|r| async { text(r.await).await })).await;
        assert_eq!(SLOW_RENDERS.load(Ordering::SeqCst) - before, 1, "one render for ten readers");
        assert_eq!(pages.iter().filter(|p| **p == first).count(), 9, "the others got the stale copy: {pages:?}");
        assert_ne!(text(get_with(&app, "/slow", &[]).await).await, first, "then the new one");
    }

    #[tokio::test]
    async fn a_signed_in_readers_pages_and_private_answers_are_never_shared() {
        let app = app();
        let anonymous = text(get_with(&app, "/", &[("cookie", "tidings_browser=b1")]).await).await;
        let signed_in = get_with(&app, "/", &[("cookie", "theme=dark; tidings_session=s1")]).await;
        assert!(signed_in.headers().get(header::ETAG).is_none());
        assert_ne!(text(signed_in).await, anonymous, "rendered for the reader, not the shared copy");
        let api = get_with(&app, "/", &[("authorization", "GoogleLogin auth=x")]).await;
        assert_ne!(text(api).await, anonymous);
        let own = get_with(&app, "/own", &[]).await;
        assert_eq!(own.headers()[header::CACHE_CONTROL], "private, no-store");
        assert!(own.headers().get(header::ETAG).is_none());
    }

    #[test]
    fn gzip_is_used_only_when_accepted() {
        let h = |v: &str| {
            let mut m = HeaderMap::new();
            m.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
            m
        };
        assert!(accepts_gzip(&h("gzip, deflate, br")));
        assert!(accepts_gzip(&h("br;q=1.0, GZIP;q=0.5")));
        assert!(!accepts_gzip(&h("gzip;q=0, br")));
        assert!(!accepts_gzip(&h("identity")));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }
}
