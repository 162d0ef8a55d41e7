//! The public site: server-rendered pages (front page, stories, articles, outlets), static
//! assets and health checks, with a strict Content-Security-Policy and no third-party requests.
//!
//! Reads through `tidings-store`, relates through `tidings-cluster`; holds no SQL and opens no
//! outbound connections of its own: the operator's pages find and follow feeds through
//! `tidings-engine`, and the image proxy fetches outlets' images, both through `tidings-fetch`.

mod accounts;
mod api;
mod assets;
mod atom;
mod comment_rules;
mod comments;
mod error;
mod feeds;
mod forms;
mod health;
mod images;
mod limiter;
mod metrics;
mod moderation;
mod outlet_admin;
mod page_cache;
mod pages;
mod readers;
mod related_pool;
pub mod search;
mod server;
mod settings;
mod snapshots;
mod views;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::routing::{get, post};
use tidings_store::Store;
use tower_http::set_header::SetResponseHeaderLayer;

pub use api::{ApiLimits, DEFAULT_REQUESTS_PER_MINUTE};
pub use comment_rules::CommentRules;
pub use error::WebError;
pub use health::WorkerWatch;
pub use images::{ImageCacheConfig, ImageProxy, MAX_IMAGE_BYTES};
pub use metrics::{RenderMetrics, metrics_router};
pub use server::{ServerLimits, serve};

/// The Content-Security-Policy of every response: our own styles and script files only (no
/// inline script or style), no frames, forms only to ourselves.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; \
     form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Renders a page of ours with the site's settings in force (its name, in `site_name.html`).
pub(crate) fn render(state: &AppState, page: &impl askama::Template) -> Result<String, askama::Error> {
    let settings = state.settings.current(&state.store);
    let name: &dyn std::any::Any = &settings.name;
    page.render_with_values(&("site", name))
}

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    related: related_pool::RelatedPool,
    front_parts: std::sync::Arc<snapshots::Snapshots<(), pages::FrontPage>>,
    article_parts: std::sync::Arc<snapshots::Snapshots<tidings_core::ArticleId, pages::ArticleShared>>,
    story_parts: std::sync::Arc<snapshots::Snapshots<tidings_core::StoryId, pages::StoryShared>>,
    search_parts: std::sync::Arc<snapshots::Snapshots<search::Asked, search::Answer>>,
    /// How many articles are stored, which every Fever items call tells: counting them on
    /// PostgreSQL costs tens of milliseconds until the table is vacuumed.
    article_total: std::sync::Arc<snapshots::Snapshots<(), i64>>,
    /// Every outlet with its feed, which every reader app call reads (only the operator
    /// changes them).
    listed_outlets: std::sync::Arc<snapshots::Snapshots<(), Vec<tidings_store::OutletHealth>>>,
    worker: Option<WorkerWatch>,
    form_key: tidings_accounts::FormKey,
    settings: settings::Settings,
    logins: accounts::LoginLimiter,
    search: Option<tidings_search::SearchIndex>,
    comment_limits: limiter::WindowLimiter,
    api: api::ApiLimits,
    metrics: Option<metrics::MetricsAccess>,
    engine: Option<tidings_engine::Engine>,
    images: Option<images::ImageProxy>,
}

impl AppState {
    /// State for a site reading `store`.
    ///
    /// Form tokens are signed with a random key until [`AppState::with_form_key`] gives the one
    /// kept in the data folder (so that forms survive a restart, and every web node agrees).
    pub fn new(store: Store) -> Self {
        let key = accounts::random::<32>().unwrap_or([0; 32]);
        Self {
            store,
            related: related_pool::RelatedPool::default(),
            front_parts: std::sync::Arc::default(),
            article_parts: std::sync::Arc::default(),
            story_parts: std::sync::Arc::default(),
            search_parts: std::sync::Arc::default(),
            article_total: std::sync::Arc::default(),
            listed_outlets: std::sync::Arc::default(),
            worker: None,
            form_key: tidings_accounts::FormKey::new(key),
            settings: settings::Settings::new(settings::SiteSettings {
                name: "Tidings".to_string(),
                signup_open: true,
                comments: CommentRules::default(),
            }),
            logins: accounts::LoginLimiter::default(),
            search: None,
            comment_limits: limiter::WindowLimiter::new(CommentRules::default().window),
            api: api::ApiLimits::default(),
            metrics: None,
            engine: None,
            images: None,
        }
    }

    /// The same, with these anti-spam settings for comments.
    #[must_use]
    pub fn with_comment_rules(mut self, rules: CommentRules) -> Self {
        self.comment_limits = limiter::WindowLimiter::new(rules.window);
        self.settings = settings::Settings::new(settings::SiteSettings { comments: rules, ..self.settings.defaults() });
        self
    }

    /// The same, signing form tokens with `key`.
    #[must_use]
    pub fn with_form_key(mut self, key: [u8; 32]) -> Self {
        self.form_key = tidings_accounts::FormKey::new(key);
        self
    }

    /// The same, with reader sign-up open or closed.
    #[must_use]
    pub fn with_signup(mut self, open: bool) -> Self {
        self.settings =
            settings::Settings::new(settings::SiteSettings { signup_open: open, ..self.settings.defaults() });
        self
    }

    /// Reads the settings an admin saved (see [`AppState::with_site_name`]), so that the first
    /// page after a start already follows them.
    pub async fn load_settings(&self) -> Result<(), tidings_store::Error> {
        self.settings.load(&self.store).await
    }

    /// The same, with this name for the site until an operator saves another on
    /// `/admin/settings`.
    #[must_use]
    pub fn with_site_name(mut self, name: &str) -> Self {
        self.settings =
            settings::Settings::new(settings::SiteSettings { name: name.to_string(), ..self.settings.defaults() });
        self
    }

    /// The same, answering searches from `index`.
    #[must_use]
    pub fn with_search(mut self, index: tidings_search::SearchIndex) -> Self {
        self.search = Some(index);
        self
    }

    /// The same, with these limits on the reader APIs.
    #[must_use]
    pub fn with_api_limits(mut self, limits: ApiLimits) -> Self {
        self.api = limits;
        self
    }

    /// The same, serving `/metrics` to whoever sends `token` (without, `/metrics` is off).
    #[must_use]
    pub fn with_metrics(mut self, token: &str, render: RenderMetrics) -> Self {
        self.metrics = Some(metrics::MetricsAccess::new(token, render));
        self
    }

    /// The same, adding outlets through `engine` (which finds feeds through the one fetcher).
    #[must_use]
    pub fn with_engine(mut self, engine: tidings_engine::Engine) -> Self {
        self.engine = Some(engine);
        self
    }

    /// The same, showing articles' images through `proxy` (without, pages show none).
    #[must_use]
    pub fn with_images(mut self, proxy: images::ImageProxy) -> Self {
        self.images = Some(proxy);
        self
    }

    /// The same, with the fetching worker of this process watched by `/healthz`.
    #[must_use]
    pub fn with_worker(mut self, watch: WorkerWatch) -> Self {
        self.worker = Some(watch);
        self
    }
}

/// The site's routes with their security headers.
pub fn router(state: AppState) -> Router {
    let app = Router::new()
        .route("/", get(pages::front))
        .route("/feed.atom", get(feeds::front))
        .route("/latest", get(pages::latest))
        .route("/categories", get(pages::categories))
        .route("/categories/{name}", get(pages::category))
        .route("/categories/{name}/feed.atom", get(feeds::category))
        .route("/sitemap.xml", get(feeds::sitemap_xml))
        .route("/articles/{id}", get(pages::article))
        .route(
            "/articles/{id}/comments",
            post(comments::post)
                .layer(DefaultBodyLimit::max(comment_rules::MAX_POST_BYTES))
                .layer(axum::middleware::from_fn(comments::refuse_oversized)),
        )
        .route("/articles/{id}/comments.atom", get(comments::feed))
        .route("/admin/comments", get(moderation::queue).post(moderation::act))
        .route("/admin/comments/{id}/edit", get(moderation::edit_page).post(moderation::edit))
        .route("/admin/outlets", get(outlet_admin::list).post(outlet_admin::act))
        .route("/admin/outlets.opml", get(outlet_admin::export))
        .route("/admin/categories", get(outlet_admin::categories).post(outlet_admin::rename_category))
        .route("/admin/settings", get(settings::page).post(settings::save))
        .route("/admin/outlets/add", post(outlet_admin::add))
        .route(
            "/admin/outlets/import",
            post(outlet_admin::import).layer(DefaultBodyLimit::max(outlet_admin::MAX_UPLOAD_BYTES)),
        )
        .route("/admin/outlets/{id}/edit", get(outlet_admin::edit_page).post(outlet_admin::edit))
        .route("/stories/{id}", get(pages::story))
        .route("/stories/{id}/feed.atom", get(feeds::story))
        .route("/search", get(search::page))
        .route("/search.atom", get(search::feed))
        .route("/outlets", get(pages::outlets))
        .route("/outlets/{id}", get(pages::outlet))
        .route("/outlets/{id}/feed.atom", get(feeds::outlet))
        .route("/static/{file}", get(assets::serve))
        .route("/healthz", get(pages::health))
        .route("/readyz", get(pages::ready))
        .route("/metrics", get(metrics::page))
        .route("/login", get(accounts::login_page).post(accounts::login))
        .route("/signup", get(accounts::signup_page).post(accounts::signup))
        .route("/account", get(accounts::account))
        .route("/logout", post(accounts::logout))
        .route("/logout/everywhere", post(accounts::logout_everywhere))
        .route("/account/tokens", get(readers::tokens).post(readers::make_token))
        .route("/account/tokens/revoke", post(readers::revoke_token))
        .route("/account/fever", post(readers::enable_fever))
        .route("/reader/articles/{id}", post(readers::article))
        .route("/reader/outlets/{id}", post(readers::outlet))
        .route("/reader/stories/{id}", post(readers::story))
        .layer(axum::middleware::from_fn_with_state(std::sync::Arc::default(), page_cache::serve))
        // Images are cached by browsers and on disk, not with the shared pages in memory.
        .route("/images/{signature}/{width}", get(images::serve))
        .merge(api::routes(state.clone()))
        .fallback(pages::not_found)
        .with_state(state)
        .layer(axum::middleware::from_fn(metrics::count));
    guarded(app, std::time::Duration::from_secs(30))
}

/// `app` with a time limit per request, panics turned into 500s, and the security headers on
/// every answer, those of the panic and timeout layers included.
fn guarded(app: Router, limit: std::time::Duration) -> Router {
    let headers = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ];
    let mut app = app
        .layer(tower_http::catch_panic::CatchPanicLayer::new())
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, limit));
    // Outermost, so that the answers of the panic and timeout layers carry them too.
    for (name, value) in headers {
        app = app.layer(SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value)));
    }
    app
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt;

    use super::*;

    async fn boom() -> &'static str {
        panic!("handler bug")
    }

    async fn answer(app: Router, path: &str) -> axum::response::Response {
        let request = Request::get(path).body(Body::empty()).unwrap_or_else(|_| unreachable!());
        app.oneshot(request).await.unwrap_or_else(|e| match e {})
    }

    #[tokio::test]
    async fn panics_and_timeouts_answer_with_the_security_headers() {
        let app = guarded(
            Router::new()
                .route("/boom", get(boom))
                .route("/slow", get(|| async { tokio::time::sleep(Duration::from_secs(5)).await })),
            Duration::from_millis(50),
        );
        for (path, status) in [("/boom", StatusCode::INTERNAL_SERVER_ERROR), ("/slow", StatusCode::REQUEST_TIMEOUT)] {
            let res = answer(app.clone(), path).await;
            assert_eq!(res.status(), status, "{path}");
            let csp = res.headers().get(header::CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok());
            assert_eq!(csp, Some(CONTENT_SECURITY_POLICY), "{path}");
            assert_eq!(res.headers().get(header::X_CONTENT_TYPE_OPTIONS).map(|v| v.as_bytes()), Some(&b"nosniff"[..]));
            assert_eq!(res.headers().get(header::X_FRAME_OPTIONS).map(|v| v.as_bytes()), Some(&b"DENY"[..]));
        }
    }
}
