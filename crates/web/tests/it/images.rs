//! The image proxy against a real outlet server on loopback serving real image bytes: pages
//! show images only through `/images/…`, the proxy makes our own files and refuses in a word
//! what it should not show.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};
use jiff::Timestamp;
use tidings_core::{ArticleId, LeadImage};
use tidings_fetch::{FetchConfig, Fetcher, NetworkPolicy};
use tidings_store::{NewOutlet, Store};
use tidings_web::{AppState, ImageCacheConfig, ImageProxy, MAX_IMAGE_BYTES};
use tower::ServiceExt;

const KEY: [u8; 32] = [7; 32];

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, y| Rgb([(x % 251) as u8, (y % 241) as u8, 120]));
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(img).write_with_encoder(JpegEncoder::new_with_quality(&mut out, 90)).unwrap();
    out
}

fn png_with_alpha(width: u32, height: u32) -> Vec<u8> {
    let img = RgbaImage::from_fn(width, height, |x, _| Rgba([200, 40, 40, (x % 256) as u8]));
    let mut out = std::io::Cursor::new(Vec::new());
    DynamicImage::ImageRgba8(img).write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

/// An outlet's image host; `hits` counts the requests for `/once.jpg`.
async fn outlet(hits: Arc<AtomicUsize>) -> SocketAddr {
    let typed = |kind: &'static str, bytes: Vec<u8>| move || async move { ([(header::CONTENT_TYPE, kind)], bytes) };
    let app = Router::new()
        .route("/lead.jpg", get(typed("image/jpeg", tidings_testkit::images::with_exif(&jpeg(1600, 900)))))
        .route("/figure.png", get(typed("image/png", png_with_alpha(500, 300))))
        .route("/small.jpg", get(typed("image/jpeg", jpeg(200, 100))))
        .route(
            "/drawing.svg",
            get(typed(
                "image/svg+xml",
                br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#.to_vec(),
            )),
        )
        .route("/bomb.png", get(typed("image/png", tidings_testkit::images::png_declaring(100_000, 100_000))))
        .route("/page.jpg", get(typed("image/jpeg", b"<!DOCTYPE html><title>Not found</title>".to_vec())))
        .route("/huge.jpg", get(typed("image/jpeg", vec![0xff; MAX_IMAGE_BYTES as usize + 1])))
        .route("/many/{n}", get(|| async { ([(header::CONTENT_TYPE, "image/jpeg")], jpeg(900, 600)) }))
        .route(
            "/once.jpg",
            get(move || {
                let hits = hits.clone();
                async move {
                    hits.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                    ([(header::CONTENT_TYPE, "image/jpeg")], jpeg(700, 400))
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

fn proxy(dir: &Path, max_bytes: u64, loopback: bool) -> ImageProxy {
    let fetcher = Fetcher::new(FetchConfig {
        network: NetworkPolicy { allow_private_networks: loopback, allowed_networks: vec![] },
        max_body_bytes: MAX_IMAGE_BYTES,
        min_host_delay: std::time::Duration::ZERO,
        ..FetchConfig::default()
    })
    .unwrap();
    ImageProxy::new(fetcher, ImageCacheConfig { dir: dir.to_path_buf(), max_bytes })
}

struct Site {
    app: Router,
    store: Store,
    outlet: tidings_store::OutletHealth,
    _dir: tempfile::TempDir,
}

impl Site {
    /// A site whose proxy keeps `max_bytes` in `cache` and may fetch from loopback when
    /// `loopback` (the outlet of these tests is there).
    async fn new(cache: &Path, max_bytes: u64, loopback: bool) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(&format!("sqlite://{}", dir.path().join("t.db").display())).await.unwrap();
        let new = NewOutlet { name: "Harbour Herald".into(), site_url: None, category: None, full_text: true };
        let outlet = store.add_outlet(&new, "https://harbour.example/feed", Timestamp::now()).await.unwrap();
        let state = AppState::new(store.clone()).with_form_key(KEY).with_images(proxy(cache, max_bytes, loopback));
        Self { app: tidings_web::router(state), store, outlet, _dir: dir }
    }

    async fn get(&self, path: &str) -> Response {
        self.app.clone().oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap()
    }

    async fn page(&self, path: &str) -> String {
        let res = self.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        String::from_utf8(body(res).await).unwrap()
    }

    /// Stores an article with `html` (sanitized as the engine does) and `lead`.
    async fn article(&self, n: u32, html: &str, lead: Option<&str>) -> i64 {
        let base = url::Url::parse("https://harbour.example/news/").unwrap();
        let mut a = crate::article(self.outlet.outlet.id, self.outlet.feed.id, n, Timestamp::now());
        a.content_html = tidings_html::sanitize_html(html, Some(&base));
        a.lead_image = lead.map(|url| LeadImage { url: url.into(), width: Some(1600), height: Some(900) });
        self.store.insert_article(&a).await.unwrap().unwrap().0
    }
}

async fn body(res: Response) -> Vec<u8> {
    axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap().to_vec()
}

/// The proxy address of `address` at `width`, signed as the site signs it.
fn signed(address: &str, width: u32) -> String {
    let signature = tidings_accounts::FormKey::new(KEY).sign_address(address);
    let encoded: String = url::form_urlencoded::byte_serialize(address.as_bytes()).collect();
    format!("/images/{signature}/{width}?u={encoded}")
}

/// Every value of `attribute` of the `<img>` elements of `html`.
fn values(html: &str, attribute: &str) -> Vec<String> {
    html.split("<img ")
        .skip(1)
        .filter_map(|rest| {
            let tag = format!(" {}", rest.split('>').next()?);
            Some(tag.split(&format!(" {attribute}=\"")).nth(1)?.split('"').next()?.to_string())
        })
        .collect()
}

#[tokio::test]
async fn an_articles_lead_image_and_figure_are_shown_only_through_the_proxy() {
    let addr = outlet(Arc::default()).await;
    let cache = tempfile::tempdir().unwrap();
    let site = Site::new(cache.path(), 50 * 1024 * 1024, true).await;
    let html = format!(
        "<p>The ferry is back.</p><figure><img src=\"http://{addr}/figure.png\" alt=\"The quay &amp; the ferry\" \
         width=\"500\" height=\"300\" srcset=\"http://{addr}/figure-2x.png 2x\"><figcaption>The quay</figcaption></figure>\
         <img src=\"http://{addr}/pixel.gif\" width=\"1\" height=\"1\">"
    );
    let id = site.article(1, &html, Some(&format!("http://{addr}/lead.jpg"))).await;
    let page = site.page(&format!("/articles/{id}")).await;
    let sources = values(&page, "src");
    assert_eq!(sources.len(), 2, "the lead image and the figure, not the pixel: {page}");
    for src in sources.iter().chain(&values(&page, "srcset")) {
        for candidate in src.split(", ") {
            assert!(candidate.starts_with("/images/"), "{candidate} in {page}");
        }
    }
    assert!(!page.contains(&addr.to_string()), "the outlet's host appears in the page: {page}");
    assert!(page.contains("alt=\"The quay &amp; the ferry\" width=\"500\" height=\"300\""), "{page}");
    assert!(page.contains("width=\"1600\" height=\"900\" loading=\"lazy\" decoding=\"async\""), "{page}");
    assert_eq!(page.matches(" sizes=\"").count(), 2);

    let lead = site.get(&sources[0]).await;
    assert_eq!(lead.status(), StatusCode::OK);
    assert_eq!(lead.headers()[header::CONTENT_TYPE], "image/jpeg");
    assert_eq!(lead.headers()[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
    assert_eq!(lead.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let bytes = body(lead).await;
    assert!(!bytes.windows(4).any(|w| w == b"Exif" || w == b"Leak"), "EXIF was carried over");
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (640, 360));
    let figure = site.get(&sources[1]).await;
    assert_eq!(figure.headers()[header::CONTENT_TYPE], "image/png", "alpha is kept as PNG");
    let wide = site.get(&signed(&format!("http://{addr}/figure.png"), 1024)).await;
    let decoded = image::load_from_memory(&body(wide).await).unwrap();
    assert_eq!(decoded.width(), 500, "never upscaled");
}

#[tokio::test]
async fn a_storys_card_on_the_front_page_shows_its_picture_only_through_the_proxy() {
    let addr = outlet(Arc::default()).await;
    let cache = tempfile::tempdir().unwrap();
    let site = Site::new(cache.path(), 50 * 1024 * 1024, true).await;
    let lead = format!("http://{addr}/lead.jpg");
    let first = site.article(1, "<p>The ferry is back.</p>", Some(&lead)).await;
    let second = site.article(2, "<p>The ferry sails again.</p>", None).await;
    site.store.attach_story(ArticleId(first), ArticleId(second), Timestamp::now()).await.unwrap();
    let page = site.page("/").await;
    let card = page.split("<li class=\"story\">").nth(1).expect("a story card on the front page");
    let card = card.split("</li>").next().unwrap();
    assert_eq!(values(card, "src"), [signed(&lead, 640)], "the first report's lead image, proxied: {card}");
    assert!(card.contains(" sizes=\"7rem\""), "{card}");
    assert!(!page.contains(&addr.to_string()), "the outlet's host appears in the page: {page}");
    let picture = site.get(&signed(&lead, 320)).await;
    assert_eq!(picture.status(), StatusCode::OK);
    assert_eq!(image::load_from_memory(&body(picture).await).unwrap().width(), 320);
}

#[tokio::test]
async fn the_proxy_refuses_what_it_should_not_show_in_a_word() {
    let addr = outlet(Arc::default()).await;
    let cache = tempfile::tempdir().unwrap();
    let site = Site::new(cache.path(), 50 * 1024 * 1024, true).await;
    let good = signed(&format!("http://{addr}/small.jpg"), 320);
    assert_eq!(site.get(&good).await.status(), StatusCode::OK);
    let forged = good.replace("small.jpg", "lead.jpg");
    assert_eq!(site.get(&forged).await.status(), StatusCode::FORBIDDEN, "another address under the signature");
    let signature = good.split('/').nth(2).unwrap();
    let other_key = good.replace(signature, &tidings_accounts::FormKey::new([1; 32]).sign_address("x"));
    assert_eq!(site.get(&other_key).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(site.get(&good.replace("/320?", "/500?")).await.status(), StatusCode::NOT_FOUND, "unknown width");
    for (path, status) in [
        ("drawing.svg", StatusCode::UNSUPPORTED_MEDIA_TYPE),
        ("page.jpg", StatusCode::UNSUPPORTED_MEDIA_TYPE),
        ("bomb.png", StatusCode::PAYLOAD_TOO_LARGE),
        ("huge.jpg", StatusCode::PAYLOAD_TOO_LARGE),
        ("missing.jpg", StatusCode::BAD_GATEWAY),
    ] {
        let res = site.get(&signed(&format!("http://{addr}/{path}"), 640)).await;
        assert_eq!(res.status(), status, "{path}");
        assert_eq!(res.headers()[header::CONTENT_TYPE], "text/plain; charset=utf-8", "{path}");
    }
    // Without the operator's leave, the fetcher's guard refuses the loopback outlet.
    let strict = Site::new(tempfile::tempdir().unwrap().path(), 1024 * 1024, false).await;
    let loopback = signed(&format!("http://{addr}/lead.jpg"), 640);
    assert_eq!(strict.get(&loopback).await.status(), StatusCode::BAD_GATEWAY, "the SSRF guard holds");
}

#[tokio::test]
async fn concurrent_misses_fetch_an_image_once_and_the_folder_stays_under_its_limit() {
    let hits = Arc::new(AtomicUsize::new(0));
    let addr = outlet(hits.clone()).await;
    let cache = tempfile::tempdir().unwrap();
    let limit = 120_000;
    let site = Site::new(cache.path(), limit, true).await;
    let once = signed(&format!("http://{addr}/once.jpg"), 640);
    let answers = futures::future::join_all((0..6).map(|_| site.get(&once))).await;
    assert!(answers.iter().all(|r| r.status() == StatusCode::OK));
    let other_width = site.get(&signed(&format!("http://{addr}/once.jpg"), 320)).await;
    assert_eq!(other_width.status(), StatusCode::OK);
    assert_eq!(hits.load(Ordering::SeqCst), 1, "fetched once for every request and width");
    for n in 0..12 {
        let res = site.get(&signed(&format!("http://{addr}/many/{n}"), 1024)).await;
        assert_eq!(res.status(), StatusCode::OK);
        let kept = folder_bytes(cache.path());
        assert!(kept <= limit, "{kept} bytes kept, limit {limit}");
    }
}

fn folder_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| {
            let meta = e.metadata().unwrap();
            if meta.is_dir() { folder_bytes(&e.path()) } else { meta.len() }
        })
        .sum()
}

#[tokio::test]
async fn a_hostile_feeds_javascript_image_never_reaches_the_page() {
    let cache = tempfile::tempdir().unwrap();
    let site = Site::new(cache.path(), 1024 * 1024, false).await;
    let html = "<p>Hello</p><img src=\"javascript:alert(1)\"><img src=\" JaVaScRiPt:alert(2)\" alt=\"x\">\
                <img src=\"data:image/svg+xml,<svg onload=alert(3)>\"><img src=\"vbscript:x\">";
    let id = site.article(2, html, Some("javascript:alert(4)")).await;
    let page = site.page(&format!("/articles/{id}")).await.to_lowercase();
    for hostile in ["javascript:", "data:image", "vbscript", "alert("] {
        assert!(!page.contains(hostile), "{hostile} reached the page");
    }
    assert!(values(&page, "src").iter().all(|s| s.starts_with('/')), "{page}");
}
