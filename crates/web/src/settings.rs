//! Site settings an operator changes on `/admin/settings`: the site's name, whether readers may
//! sign up, and the comment rules. The command line gives their defaults; what an operator saves
//! is kept in the database, so every web node follows it within [`RELOAD_AFTER`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use tidings_store::Store;

use crate::accounts::{admin_only, with_form};
use crate::forms::check_post;
use crate::{AppState, CommentRules, WebError};

/// How long a node uses the settings it read before reading them again.
const RELOAD_AFTER: Duration = Duration::from_secs(5);
/// The longest site name.
const MAX_NAME: usize = 80;
/// The form's name in its token.
const FORM: &str = "settings";

/// The settings in force.
#[derive(Debug, Clone)]
pub(crate) struct SiteSettings {
    /// Shown in the header and page titles.
    pub(crate) name: String,
    /// Whether readers may make accounts on `/signup`.
    pub(crate) signup_open: bool,
    /// Anti-spam rules of the comment form.
    pub(crate) comments: CommentRules,
}

impl SiteSettings {
    /// `self` with the stored `rows` over it; a value that does not read is left at its default.
    fn with_stored(&self, rows: &[(String, String)]) -> Self {
        let mut s = self.clone();
        for (name, value) in rows {
            match name.as_str() {
                "site_name" if !value.trim().is_empty() => s.name = value.trim().to_string(),
                "signup_open" => s.signup_open = value == "true",
                "comments_per_address" => s.comments.per_address = value.parse().unwrap_or(s.comments.per_address),
                "comments_per_email" => s.comments.per_email = value.parse().unwrap_or(s.comments.per_email),
                "comment_min_fill" => s.comments.min_fill_secs = value.parse().unwrap_or(s.comments.min_fill_secs),
                "comment_hold_links" => s.comments.hold_links = value.parse().unwrap_or(s.comments.hold_links),
                "comment_spam_links" => s.comments.spam_links = value.parse().unwrap_or(s.comments.spam_links),
                _ => {}
            }
        }
        s
    }

    fn rows(&self) -> [(&'static str, String); 7] {
        let c = &self.comments;
        [
            ("site_name", self.name.clone()),
            ("signup_open", self.signup_open.to_string()),
            ("comments_per_address", c.per_address.to_string()),
            ("comments_per_email", c.per_email.to_string()),
            ("comment_min_fill", c.min_fill_secs.to_string()),
            ("comment_hold_links", c.hold_links.to_string()),
            ("comment_spam_links", c.spam_links.to_string()),
        ]
    }
}

/// The settings of this node: the defaults, and what was last read from the store.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    defaults: Arc<SiteSettings>,
    read: Arc<RwLock<(Option<Instant>, Arc<SiteSettings>)>>,
    reloading: Arc<AtomicBool>,
}

impl Settings {
    pub(crate) fn new(defaults: SiteSettings) -> Self {
        let defaults = Arc::new(defaults);
        Self {
            read: Arc::new(RwLock::new((None, defaults.clone()))),
            defaults,
            reloading: Arc::new(AtomicBool::new(false)),
        }
    }

    /// The command line's settings.
    pub(crate) fn defaults(&self) -> SiteSettings {
        (*self.defaults).clone()
    }

    /// The settings to use now, read again from `store` first when they are stale.
    pub(crate) async fn get(&self, store: &Store) -> Result<Arc<SiteSettings>, WebError> {
        let (at, current) = self.snapshot();
        if at.is_some_and(|at| at.elapsed() < RELOAD_AFTER) {
            return Ok(current);
        }
        Ok(self.read_from(store).await?)
    }

    /// The settings last read, without waiting: a page's name. When they are stale, one task
    /// reads them again for the requests that follow.
    pub(crate) fn current(&self, store: &Store) -> Arc<SiteSettings> {
        let (at, current) = self.snapshot();
        let stale = at.is_none_or(|at| at.elapsed() >= RELOAD_AFTER);
        if stale && !self.reloading.swap(true, Ordering::AcqRel) {
            let (me, store) = (self.clone(), store.clone());
            tokio::spawn(async move {
                if let Err(e) = me.read_from(&store).await {
                    tracing::warn!(error = %e, "the site settings could not be read; the last ones stay in force");
                }
                me.reloading.store(false, Ordering::Release);
            });
        }
        current
    }

    fn snapshot(&self) -> (Option<Instant>, Arc<SiteSettings>) {
        match self.read.read() {
            Ok(read) => (read.0, read.1.clone()),
            Err(_) => (None, self.defaults.clone()),
        }
    }

    /// Reads the stored settings now.
    pub(crate) async fn load(&self, store: &Store) -> Result<(), tidings_store::Error> {
        self.read_from(store).await.map(|_| ())
    }

    async fn read_from(&self, store: &Store) -> Result<Arc<SiteSettings>, tidings_store::Error> {
        let fresh = Arc::new(self.defaults.with_stored(&store.site_settings().await?));
        if let Ok(mut read) = self.read.write() {
            *read = (Some(Instant::now()), fresh.clone());
        }
        Ok(fresh)
    }

    /// Stores `settings` for every node and uses them here at once.
    async fn save(&self, store: &Store, settings: &SiteSettings) -> Result<(), WebError> {
        store.set_site_settings(&settings.rows()).await?;
        self.read_from(store).await?;
        Ok(())
    }
}

#[derive(Template)]
#[template(path = "admin_settings.html")]
struct SettingsPage {
    s: SiteSettings,
    message: Option<String>,
    error: Option<String>,
    token: String,
}

/// What the page's address may carry: the notice of what was just done.
#[derive(Debug, Deserialize)]
pub(crate) struct PageQuery {
    done: Option<String>,
}

const ADMINS_ONLY: &str = "Only the site's administrators can change its settings.";

pub(crate) async fn page(
    State(state): State<AppState>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    if let Err(login) = admin_only(&state, &headers, ADMINS_ONLY).await? {
        return Ok(login);
    }
    let s = (*state.settings.get(&state.store).await?).clone();
    let message = query.done.filter(|d| d.len() <= 200);
    with_form(&state, &headers, FORM, StatusCode::OK, |token| SettingsPage { s, message, error: None, token })
}

/// What the settings form sends.
#[derive(Debug, Deserialize)]
pub(crate) struct SettingsForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    signup_open: Option<String>,
    #[serde(default)]
    per_address: String,
    #[serde(default)]
    per_email: String,
    #[serde(default)]
    min_fill: String,
    #[serde(default)]
    hold_links: String,
    #[serde(default)]
    spam_links: String,
}

impl SettingsForm {
    /// The settings the form asks for over `current`, or what is wrong with it in words.
    fn read(&self, current: &SiteSettings) -> Result<SiteSettings, String> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
            return Err(format!("The site's name must be 1 to {MAX_NAME} characters, on one line."));
        }
        fn number<T: std::str::FromStr>(field: &str, value: &str, max: u64) -> Result<T, String> {
            let bad = || format!("{field} must be a whole number from 0 to {max}.");
            let n: u64 = value.trim().parse().map_err(|_| bad())?;
            if n > max {
                return Err(bad());
            }
            n.to_string().parse().map_err(|_| bad())
        }
        let comments = CommentRules {
            per_address: number("Comments per address", &self.per_address, 10_000)?,
            per_email: number("Comments per email", &self.per_email, 10_000)?,
            min_fill_secs: number("The minimum time to fill in the form", &self.min_fill, 3_600)?,
            hold_links: number("Links that hold a comment", &self.hold_links, 1_000)?,
            spam_links: number("Links that make a comment spam", &self.spam_links, 1_000)?,
            ..current.comments
        };
        if comments.hold_links == 0 || comments.spam_links < comments.hold_links {
            return Err(
                "A comment is held from 1 link or more, and marked spam from at least as many links as hold it."
                    .to_string(),
            );
        }
        Ok(SiteSettings { name: name.to_string(), signup_open: self.signup_open.is_some(), comments })
    }
}

pub(crate) async fn save(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<SettingsForm>,
) -> Result<Response, WebError> {
    if let Err(refused) =
        check_post(&state.form_key, &headers, &form.token, FORM, jiff::Timestamp::now().as_second(), 0)
    {
        return Err(WebError::Forbidden(refused.message()));
    }
    if let Err(login) = admin_only(&state, &headers, ADMINS_ONLY).await? {
        return Ok(login);
    }
    let current = state.settings.get(&state.store).await?;
    match form.read(&current) {
        Ok(s) => {
            state.settings.save(&state.store, &s).await?;
            Ok(crate::outlet_admin::back_to("/admin/settings", "The settings are saved."))
        }
        Err(error) => {
            let s = (*current).clone();
            with_form(&state, &headers, FORM, StatusCode::UNPROCESSABLE_ENTITY, |token| SettingsPage {
                s,
                message: None,
                error: Some(error),
                token,
            })
        }
    }
}
