//! The site's own static files (style sheet, script), built into the binary and served under
//! names that carry a fingerprint of their content, so browsers may keep them for a year: a new
//! release changes the name, never what a name means.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_embed::Embed;

#[derive(Embed)]
#[folder = "assets/"]
struct Files;

/// Fingerprinted name (`site.0123abcd4567ef89.js`) → file name (`site.js`), and back.
struct Names {
    by_fingerprint: HashMap<String, String>,
    by_file: HashMap<String, String>,
}

static NAMES: LazyLock<Names> = LazyLock::new(|| {
    let mut names = Names { by_fingerprint: HashMap::new(), by_file: HashMap::new() };
    for file in Files::iter() {
        let Some(content) = Files::get(&file) else { continue };
        let hash: String = content.metadata.sha256_hash()[..8].iter().map(|b| format!("{b:02x}")).collect();
        let fingerprinted = match file.rsplit_once('.') {
            Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
            None => format!("{file}.{hash}"),
        };
        names.by_fingerprint.insert(fingerprinted.clone(), file.to_string());
        names.by_file.insert(file.to_string(), fingerprinted);
    }
    names
});

/// The address pages link `file` by (`/static/style.<fingerprint>.css`).
pub(crate) fn path(file: &str) -> String {
    format!("/static/{}", NAMES.by_file.get(file).map_or(file, String::as_str))
}

/// `/static/{name}`: a fingerprinted name is immutable; a plain one (from a page cached before
/// a release) is kept an hour.
pub(crate) async fn serve(Path(name): Path<String>) -> Response {
    let (file, cache) = match NAMES.by_fingerprint.get(&name) {
        Some(file) => (file.as_str(), "public, max-age=31536000, immutable"),
        None => (name.as_str(), "public, max-age=3600"),
    };
    let Some(content) = Files::get(file) else { return StatusCode::NOT_FOUND.into_response() };
    let mime = match file.rsplit_once('.').map(|(_, ext)| ext) {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        _ => "application/octet-stream",
    };
    ([(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, cache)], content.data.into_owned()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprinted_names_follow_the_content() {
        let css = path("style.css");
        assert!(
            css.starts_with("/static/style.") && css.ends_with(".css") && css.len() == "/static/style..css".len() + 16
        );
        let name = css.trim_start_matches("/static/");
        assert_eq!(NAMES.by_fingerprint.get(name).map(String::as_str), Some("style.css"));
        assert_eq!(path("missing.css"), "/static/missing.css");
    }
}
