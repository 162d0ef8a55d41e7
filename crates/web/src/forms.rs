//! The one guard every form of the site goes through: the request must come from our own pages
//! (its Origin, else its Referer, is this site) and carry a signed token issued to this browser
//! for this form. Browsers are told apart by a random cookie set when a form is first shown.

use axum::http::{HeaderMap, HeaderValue, header};
use tidings_accounts::{FormKey, FormRefusal};

/// The cookie that binds form tokens to one browser.
const BROWSER_COOKIE: &str = "tidings_browser";
/// A form may be sent back this long after it was shown.
pub(crate) const FORM_MAX_AGE_SECS: i64 = 24 * 3600;

/// The value of cookie `name` in the request.
pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    cookie_up_to(headers, name, 128)
}

/// The value of cookie `name` in the request, if it is at most `max` bytes long.
pub(crate) fn cookie_up_to<'a>(headers: &'a HeaderMap, name: &str, max: usize) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty() && v.len() <= max)
}

/// The id of this browser, if it has one.
pub(crate) fn browser_id(headers: &HeaderMap) -> Option<&str> {
    cookie(headers, BROWSER_COOKIE)
}

/// Whether the request arrived over HTTPS (directly or, as the reverse proxy says, before it).
pub(crate) fn is_https(headers: &HeaderMap) -> bool {
    headers.get("x-forwarded-proto").is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"))
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, whole site, Secure over HTTPS; `max_age` in
/// seconds (0 removes it).
pub(crate) fn set_cookie(headers: &HeaderMap, name: &str, value: &str, max_age: i64) -> HeaderValue {
    let secure = if is_https(headers) { "; Secure" } else { "" };
    let text = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}");
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("tidings_invalid=; Max-Age=0"))
}

/// The browser's id, and the cookie to set when it had none yet.
pub(crate) fn browser(headers: &HeaderMap, fresh: impl FnOnce() -> String) -> (String, Option<HeaderValue>) {
    match cookie(headers, BROWSER_COOKIE) {
        Some(id) => (id.to_string(), None),
        None => {
            let id = fresh();
            let set = set_cookie(headers, BROWSER_COOKIE, &id, 400 * 24 * 3600);
            (id, Some(set))
        }
    }
}

/// Why a form post was refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refused {
    /// Not from one of our pages.
    CrossSite,
    /// The token is wrong, early or late.
    Token(FormRefusal),
}

impl Refused {
    /// The explanation for the person who sent the form.
    pub(crate) fn message(&self) -> String {
        match self {
            Refused::CrossSite => "The form was not sent from this site, so it was refused. Open the page on this site and send it from there.".to_string(),
            Refused::Token(why) => sentence(why),
        }
    }
}

/// An error's message (lower case, no stop, as error messages are written) as a sentence for a
/// page.
pub(crate) fn sentence(error: &impl std::fmt::Display) -> String {
    let mut text = error.to_string();
    if let Some(first) = text.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    text.push('.');
    text
}

/// The site's own origin as the browser sees it, from the Host header.
pub(crate) fn own_origin(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let scheme = if is_https(headers) { "https" } else { "http" };
    Some(format!("{scheme}://{host}"))
}

/// Checks a form post: same origin, and `token` issued for `form` to this browser, at least
/// `min_age` seconds before `now`.
pub(crate) fn check_post(
    key: &FormKey,
    headers: &HeaderMap,
    token: &str,
    form: &str,
    now: i64,
    min_age: i64,
) -> Result<(), Refused> {
    let own = own_origin(headers).ok_or(Refused::CrossSite)?;
    let same = match (headers.get(header::ORIGIN), headers.get(header::REFERER)) {
        (Some(origin), _) => origin.to_str().is_ok_and(|o| o == own),
        (None, Some(referer)) => {
            referer.to_str().is_ok_and(|r| r == own || r.strip_prefix(&own).is_some_and(|rest| rest.starts_with('/')))
        }
        (None, None) => false,
    };
    if !same {
        return Err(Refused::CrossSite);
    }
    let binding = cookie(headers, BROWSER_COOKIE).ok_or(Refused::Token(FormRefusal::Invalid))?;
    key.check(token, binding, form, now, min_age, FORM_MAX_AGE_SECS).map(|_| ()).map_err(Refused::Token)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap_or_else(|_| unreachable!()));
        }
        h
    }

    #[test]
    fn only_same_origin_posts_with_this_browsers_token_pass() {
        let key = FormKey::new([3; 32]);
        let token = key.issue("b1", "login", 100);
        let ok = headers(&[
            ("host", "news.example"),
            ("origin", "http://news.example"),
            ("cookie", "x=1; tidings_browser=b1"),
        ]);
        assert_eq!(check_post(&key, &ok, &token, "login", 110, 0), Ok(()));
        let evil =
            headers(&[("host", "news.example"), ("origin", "https://evil.example"), ("cookie", "tidings_browser=b1")]);
        assert_eq!(check_post(&key, &evil, &token, "login", 110, 0), Err(Refused::CrossSite));
        let referer = headers(&[
            ("host", "news.example"),
            ("referer", "http://news.example/login"),
            ("cookie", "tidings_browser=b1"),
        ]);
        assert_eq!(check_post(&key, &referer, &token, "login", 110, 0), Ok(()));
        let lookalike = headers(&[
            ("host", "news.example"),
            ("referer", "http://news.example.evil.example/"),
            ("cookie", "tidings_browser=b1"),
        ]);
        assert_eq!(check_post(&key, &lookalike, &token, "login", 110, 0), Err(Refused::CrossSite));
        let neither = headers(&[("host", "news.example"), ("cookie", "tidings_browser=b1")]);
        assert_eq!(check_post(&key, &neither, &token, "login", 110, 0), Err(Refused::CrossSite));
        let other_browser =
            headers(&[("host", "news.example"), ("origin", "http://news.example"), ("cookie", "tidings_browser=b2")]);
        assert_eq!(
            check_post(&key, &other_browser, &token, "login", 110, 0),
            Err(Refused::Token(FormRefusal::Invalid))
        );
        assert_eq!(check_post(&key, &ok, "", "login", 110, 0), Err(Refused::Token(FormRefusal::Invalid)));
        assert!(Refused::Token(FormRefusal::TooFast).message().starts_with("The form was sent too quickly"));
    }

    #[test]
    fn cookies_are_http_only_lax_and_secure_behind_https() {
        let plain = set_cookie(&HeaderMap::new(), "s", "v", 60);
        assert_eq!(plain, "s=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=60");
        let https = set_cookie(&headers(&[("x-forwarded-proto", "https")]), "s", "v", 60);
        assert!(https.to_str().unwrap_or_default().ends_with("; Secure"));
    }
}
