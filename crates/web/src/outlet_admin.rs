//! The operator's pages for outlets (admins only): every outlet with its health and settings,
//! pause, resume and "fetch now"; adding one by URL after a preview of what its feed gives;
//! editing its settings; the OPML list in and out; renaming categories. Each does what the `tidings` command of the
//! same job does, through the same engine and store functions.

use askama::Template;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;
use tidings_core::{OutletId, web_link};
use tidings_engine::{
    FoundFeed, OutletChanges, Subscription, change_outlet, export_opml, import_opml, settings_in_words,
};
use tidings_store::OutletHealth;

use crate::accounts::{admin_only, with_form};
use crate::forms::{check_post, sentence};
use crate::pages::CategoryRow;
use crate::views::OutletRow;
use crate::{AppState, WebError};

/// The form name of every form on these pages.
const FORM: &str = "outlets";
/// Said to a reader who opens these pages.
const ADMINS_ONLY: &str = "Only administrators can manage outlets.";
/// Entries a preview lists.
const PREVIEW_ITEMS: usize = 5;
/// The largest upload an OPML import takes (the OPML reader's own limit, and room for the form).
pub(crate) const MAX_UPLOAD_BYTES: usize = 8 * 1024 * 1024 + 64 * 1024;
/// How long adding an outlet waits for its site, within the site's own limit per request.
const ADD_WAIT: std::time::Duration = std::time::Duration::from_secs(20);
/// What a pause says on the outlet.
const PAUSED_BY_OPERATOR: &str = "Paused by an administrator.";

/// An outlet on the admin list: its health row, and what an operator also needs.
#[derive(Debug, Clone)]
struct AdminOutlet {
    row: OutletRow,
    category: Option<String>,
    /// How the last fetch went, in words.
    result: String,
    settings: Vec<String>,
}

impl AdminOutlet {
    fn new(h: &OutletHealth, now: Timestamp) -> Self {
        let result = match (h.feed.last_fetch_at, h.feed.consecutive_failures) {
            (None, _) => "not fetched yet".to_string(),
            (Some(_), 0) => "succeeded".to_string(),
            (Some(_), n) => format!("failed ({n} in a row)"),
        };
        let mut settings = settings_in_words(h);
        if settings.is_empty() {
            settings.push("fetched as Tidings does by default".to_string());
        }
        Self { row: OutletRow::new(h, now), category: h.outlet.category.clone(), result, settings }
    }
}

#[derive(Template)]
#[template(path = "admin_outlets.html")]
struct ListPage {
    outlets: Vec<AdminOutlet>,
    message: Option<String>,
    add: AddForm,
    token: String,
}

/// What the add form holds: sent to the preview, and shown again with it.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct AddForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    category: String,
    /// "on" when ticked; absent when not.
    full_text: Option<String>,
    /// Sent by the preview's button: follow the feed.
    confirm: Option<String>,
}

impl AddForm {
    fn full_text(&self) -> bool {
        self.full_text.is_some()
    }

    fn blank() -> Self {
        Self { full_text: Some("on".to_string()), ..Self::default() }
    }
}

/// What the feed behind an address gives, as the preview shows it.
#[derive(Debug, Clone)]
struct Preview {
    feed_url: String,
    title: String,
    site: Option<String>,
    entries: usize,
    items: Vec<String>,
    /// The outlet already following it: id and name.
    existing: Option<(i64, String)>,
    /// The name the outlet will have.
    name: String,
}

impl Preview {
    fn new(found: &FoundFeed, name: &str) -> Self {
        let text = tidings_html::html_to_text;
        Self {
            feed_url: found.url.to_string(),
            title: found.feed.title.as_deref().map(text).unwrap_or_else(|| "(no title)".to_string()),
            site: found.feed.link.as_deref().and_then(web_link),
            entries: found.feed.items.len(),
            items: found
                .feed
                .items
                .iter()
                .take(PREVIEW_ITEMS)
                .map(|i| i.title.as_deref().map(text).unwrap_or_else(|| "(no title)".to_string()))
                .collect(),
            existing: found.existing.as_ref().map(|h| (h.outlet.id.0, h.outlet.name.clone())),
            name: found.outlet_name(Some(name)),
        }
    }
}

#[derive(Template)]
#[template(path = "admin_outlet_preview.html")]
struct PreviewPage {
    add: AddForm,
    error: Option<String>,
    preview: Option<Preview>,
    token: String,
}

/// What the edit form holds.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct EditForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    category: String,
    /// "on" when ticked; absent when not.
    full_text: Option<String>,
    #[serde(default)]
    selector: String,
    #[serde(default)]
    user_agent: String,
}

impl EditForm {
    fn of(h: &OutletHealth) -> Self {
        Self {
            token: String::new(),
            name: h.outlet.name.clone(),
            category: h.outlet.category.clone().unwrap_or_default(),
            full_text: h.outlet.full_text.then(|| "on".to_string()),
            selector: h.outlet.selector.clone().unwrap_or_default(),
            user_agent: h.outlet.user_agent.clone().unwrap_or_default(),
        }
    }

    fn full_text(&self) -> bool {
        self.full_text.is_some()
    }

    fn changes(&self) -> OutletChanges {
        OutletChanges {
            name: Some(self.name.clone()),
            category: Some(self.category.clone()),
            full_text: Some(self.full_text()),
            selector: Some(self.selector.clone()),
            user_agent: Some(self.user_agent.clone()),
        }
    }
}

#[derive(Template)]
#[template(path = "admin_outlet_edit.html")]
struct EditPage {
    id: i64,
    feed_url: String,
    form: EditForm,
    error: Option<String>,
    token: String,
}

/// What the list's address may carry: the notice of what was just done.
#[derive(Debug, Deserialize)]
pub(crate) struct ListQuery {
    done: Option<String>,
}

/// The list page with `message` above it.
async fn list_page(state: &AppState, headers: &HeaderMap, message: Option<String>) -> Result<Response, WebError> {
    let now = Timestamp::now();
    let outlets = state.store.outlets().await?.iter().map(|h| AdminOutlet::new(h, now)).collect();
    with_form(state, headers, FORM, StatusCode::OK, |token| ListPage { outlets, message, add: AddForm::blank(), token })
}

/// `message` cut at a character boundary to fit the list's address.
fn shortened(mut message: String) -> String {
    const MAX: usize = 1_500;
    if message.len() > MAX {
        let mut end = MAX;
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        message.truncate(end);
        message.push('…');
    }
    message
}

/// Back to the list of outlets, saying what was done.
fn done(message: &str) -> Response {
    back_to("/admin/outlets", message)
}

/// Back to `page`, saying what was done.
pub(crate) fn back_to(page: &str, message: &str) -> Response {
    let query = url::form_urlencoded::Serializer::new(String::new()).append_pair("done", message).finish();
    Redirect::to(&format!("{page}?{query}")).into_response()
}

/// Checks a post's origin and token, then that an admin sent it: `Some(response)` ends the
/// request there (the login page).
async fn guard(state: &AppState, headers: &HeaderMap, token: &str) -> Result<Option<Response>, WebError> {
    if let Err(refused) = check_post(&state.form_key, headers, token, FORM, Timestamp::now().as_second(), 0) {
        return Err(WebError::Forbidden(refused.message()));
    }
    Ok(admin_only(state, headers, ADMINS_ONLY).await?.err())
}

/// An engine error as the operator reads it; a missing outlet is a 404.
fn engine_error(e: tidings_engine::Error) -> Result<String, WebError> {
    match e {
        tidings_engine::Error::Store(store) => Err(store.into()),
        other => Ok(sentence(&other)),
    }
}

/// `GET /admin/outlets`.
pub(crate) async fn list(
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    if let Err(login) = admin_only(&state, &headers, ADMINS_ONLY).await? {
        return Ok(login);
    }
    list_page(&state, &headers, query.done.filter(|d| d.len() <= 2_000)).await
}

/// What the list's buttons send: `one=ACTION:ID`.
#[derive(Debug, Deserialize)]
pub(crate) struct ActionForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    one: String,
}

/// `POST /admin/outlets`: pause, resume or fetch one outlet now.
pub(crate) async fn act(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<ActionForm>,
) -> Result<Response, WebError> {
    if let Some(login) = guard(&state, &headers, &form.token).await? {
        return Ok(login);
    }
    let Some((action, id)) = form.one.split_once(':').and_then(|(a, id)| Some((a, id.parse::<i64>().ok()?))) else {
        return Err(WebError::BadRequest("no outlet action was chosen; press one of the list's buttons".into()));
    };
    let h = state.store.outlet(OutletId(id)).await?;
    let now = Timestamp::now();
    let message = match action {
        "pause" => {
            state.store.pause_feed(h.feed.id, PAUSED_BY_OPERATOR).await?;
            format!("Paused {}; it is not fetched until it is resumed.", h.outlet.name)
        }
        "resume" => {
            state.store.resume_feed(h.feed.id, now).await?;
            format!("Resumed {}; it will be fetched in the next round.", h.outlet.name)
        }
        "fetch" if h.feed.paused_reason.is_some() => {
            format!("{} is paused: resume it, and it is fetched in the next round.", h.outlet.name)
        }
        "fetch" => {
            state.store.fetch_feed_now(h.feed.id, now).await?;
            format!("{} is due now: the next round of the workers fetches it.", h.outlet.name)
        }
        other => return Err(WebError::BadRequest(format!("there is no outlet action {other:?}"))),
    };
    tracing::info!(outlet = id, action, "an administrator acted on an outlet");
    Ok(done(&message))
}

/// The preview page: what the feed gives and a button to follow it, or why it could not be
/// found with the form to try again.
fn preview_page(
    state: &AppState,
    headers: &HeaderMap,
    add: AddForm,
    found: Result<Preview, String>,
) -> Result<Response, WebError> {
    let (status, error, preview) = match found {
        Ok(p) => (StatusCode::OK, None, Some(p)),
        Err(e) => (StatusCode::UNPROCESSABLE_ENTITY, Some(e), None),
    };
    with_form(state, headers, FORM, status, |token| PreviewPage { add, error, preview, token })
}

/// `POST /admin/outlets/add`: without `confirm`, finds the feed as `tidings add` does (a feed,
/// else one the page advertises, else a common path) and shows what it gives, storing nothing;
/// with it (the preview's button), follows the feed the preview showed.
pub(crate) async fn add(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(add): Form<AddForm>,
) -> Result<Response, WebError> {
    if let Some(login) = guard(&state, &headers, &add.token).await? {
        return Ok(login);
    }
    let engine = state
        .engine
        .as_ref()
        .ok_or_else(|| WebError::Internal("the site was started without a fetcher; outlets cannot be added".into()))?;
    let named = Some(add.name.trim().to_string()).filter(|n| !n.is_empty());
    let category = Some(add.category.trim().to_string()).filter(|c| !c.is_empty());
    if let Err(e) = (OutletChanges { name: named.clone(), category: category.clone(), ..Default::default() }).check() {
        return preview_page(&state, &headers, add, Err(sentence(&e)));
    }
    let slow = || {
        format!(
            "{} did not answer within {} seconds. Try again later, or add it with `tidings add`, which waits longer.",
            add.url.trim(),
            ADD_WAIT.as_secs()
        )
    };
    if add.confirm.is_none() {
        let found = match tokio::time::timeout(ADD_WAIT, engine.find_feed(&add.url)).await {
            Err(_) => Err(slow()),
            Ok(Ok(found)) => Ok(Preview::new(&found, &add.name)),
            Ok(Err(e)) => Err(engine_error(e)?),
        };
        return preview_page(&state, &headers, add, found);
    }
    let sub = Subscription { url: add.url.clone(), name: named, category, feed_text_only: !add.full_text() };
    let followed = tokio::time::timeout(ADD_WAIT, engine.subscribe(&sub, Timestamp::now())).await;
    let Ok(followed) = followed else {
        let why = slow();
        return preview_page(&state, &headers, add, Err(why));
    };
    match followed {
        Ok(h) => {
            tracing::info!(outlet = h.outlet.id.0, "an administrator added an outlet");
            Ok(done(&format!(
                "Following {} (outlet {}), feed {}. Its articles arrive with the next round.",
                h.outlet.name, h.outlet.id, h.feed.url
            )))
        }
        Err(e) => {
            let why = engine_error(e)?;
            preview_page(&state, &headers, add, Err(why))
        }
    }
}

/// `GET /admin/outlets/{id}/edit`.
pub(crate) async fn edit_page(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    if let Err(login) = admin_only(&state, &headers, ADMINS_ONLY).await? {
        return Ok(login);
    }
    let h = state.store.outlet(OutletId(id)).await?;
    let form = EditForm::of(&h);
    with_form(&state, &headers, FORM, StatusCode::OK, |token| EditPage {
        id,
        feed_url: h.feed.url.clone(),
        form,
        error: None,
        token,
    })
}

/// `POST /admin/outlets/{id}/edit`: what `tidings outlets set` changes, checked the same way; a
/// setting that makes no sense is shown with the form as it was sent.
pub(crate) async fn edit(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(form): Form<EditForm>,
) -> Result<Response, WebError> {
    if let Some(login) = guard(&state, &headers, &form.token).await? {
        return Ok(login);
    }
    match change_outlet(&state.store, OutletId(id), &form.changes()).await {
        Ok(h) => Ok(done(&format!("Saved the settings of {}; they apply from its next round on.", h.outlet.name))),
        Err(e) => {
            let error = Some(engine_error(e)?);
            let feed_url = state.store.outlet(OutletId(id)).await?.feed.url;
            with_form(&state, &headers, FORM, StatusCode::UNPROCESSABLE_ENTITY, |token| EditPage {
                id,
                feed_url,
                form,
                error,
                token,
            })
        }
    }
}

/// `GET /admin/outlets.opml`: every outlet as an OPML file, as `tidings export-opml` writes it.
pub(crate) async fn export(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, WebError> {
    if let Err(login) = admin_only(&state, &headers, ADMINS_ONLY).await? {
        return Ok(login);
    }
    let opml = export_opml(&state.store).await.map_err(|e| WebError::Internal(e.to_string()))?;
    let mut res = opml.into_response();
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/x-opml; charset=utf-8"));
    headers
        .insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"tidings-outlets.opml\""));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// `POST /admin/outlets/import` (multipart): follows every feed of an uploaded OPML list, as
/// `tidings import` does; folders become categories.
pub(crate) async fn import(
    State(state): State<AppState>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        WebError::BadRequest(format!(
            "the upload could not be read ({}); choose the file and send it again",
            e.body_text()
        ))
    };
    let (mut token, mut file, mut full_text) = (String::new(), None, false);
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().map(str::to_string);
        match name.as_deref() {
            Some("token") => token = field.text().await.map_err(unreadable)?,
            Some("full_text") => full_text = true,
            Some("file") => file = Some(field.bytes().await.map_err(unreadable)?),
            _ => {}
        }
    }
    if let Some(login) = guard(&state, &headers, &token).await? {
        return Ok(login);
    }
    let Some(file) = file.filter(|f| !f.is_empty()) else {
        return Ok(done("No file was chosen: choose an OPML file, then press Import."));
    };
    let Ok(text) = String::from_utf8(file.to_vec()) else {
        return Ok(done("The file is not UTF-8 text, so it is not an OPML list; nothing was imported."));
    };
    let message = match import_opml(&state.store, &text, full_text, Timestamp::now(), &mut || {}).await {
        Ok(done) => {
            tracing::info!(added = done.added, "an administrator imported an OPML list");
            let mut message = format!(
                "Imported {} outlet{} ({} already followed, {} skipped).",
                done.added,
                if done.added == 1 { "" } else { "s" },
                done.existing,
                done.skipped
            );
            for note in done.notes.iter().take(5) {
                message.push_str(&format!(" Note: {note}."));
            }
            message
        }
        Err(e) => format!("Nothing was imported. {}", engine_error(e)?),
    };
    Ok(done(&shortened(message)))
}

#[derive(Template)]
#[template(path = "admin_categories.html")]
struct CategoriesPage {
    categories: Vec<CategoryRow>,
    message: Option<String>,
    token: String,
}

/// `GET /admin/categories`.
pub(crate) async fn categories(
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    if let Err(login) = admin_only(&state, &headers, ADMINS_ONLY).await? {
        return Ok(login);
    }
    let categories = CategoryRow::all(&state).await?;
    let message = query.done.filter(|d| d.len() <= 2_000);
    with_form(&state, &headers, FORM, StatusCode::OK, |token| CategoriesPage { categories, message, token })
}

/// What a category's rename form sends.
#[derive(Debug, Deserialize)]
pub(crate) struct RenameForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// `POST /admin/categories`: moves every outlet of a category to another name, as `tidings
/// categories rename` does.
pub(crate) async fn rename_category(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<RenameForm>,
) -> Result<Response, WebError> {
    if let Some(login) = guard(&state, &headers, &form.token).await? {
        return Ok(login);
    }
    let to = form.to.trim();
    let message = match tidings_engine::rename_category(&state.store, &form.from, to).await {
        Ok(0) => format!("There is no category {:?} any more; nothing was moved.", form.from),
        Ok(moved) if to.is_empty() => format!("Took {moved} outlet(s) out of {}.", form.from),
        Ok(moved) => format!("Moved {moved} outlet(s) from {} to {to}.", form.from),
        Err(e) => format!("Nothing was moved. {}", engine_error(e)?),
    };
    Ok(back_to("/admin/categories", &message))
}
