//! What is taken in from outside (feeds, pages, OPML, forms) before it is stored: links that a
//! page may render, and text a database accepts.

use std::borrow::Cow;

use url::Url;

/// `raw` as a link a page may render (`href`, `src`): an absolute http(s) URL with a host, in
/// its parsed form; `None` for anything else (`javascript:`, `data:`, relative or broken).
pub fn web_link(raw: &str) -> Option<String> {
    let url = Url::parse(raw.trim()).ok()?;
    (matches!(url.scheme(), "http" | "https") && url.host().is_some()).then(|| url.to_string())
}

/// `text` without the characters a database refuses in text: NUL, which PostgreSQL rejects
/// (SQLite would keep it and cut the text short in some readers).
pub fn storable_text(text: &str) -> Cow<'_, str> {
    if text.contains('\0') { Cow::Owned(text.replace('\0', "")) } else { Cow::Borrowed(text) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_links_may_be_rendered() {
        assert_eq!(web_link(" https://e.example/a b ").as_deref(), Some("https://e.example/a%20b"));
        assert_eq!(web_link("HTTP://E.example").as_deref(), Some("http://e.example/"));
        for hostile in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:x",
            "file:///etc/passwd",
            "//e.example/a",
            "/relative",
            "",
        ] {
            assert_eq!(web_link(hostile), None, "{hostile:?}");
        }
    }

    #[test]
    fn nul_is_removed_from_stored_text() {
        assert_eq!(storable_text("a\0b\0"), "ab");
        assert!(matches!(storable_text("plain"), Cow::Borrowed("plain")));
    }
}
