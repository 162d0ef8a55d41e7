//! Canonical URLs: the same article reached through different links must compare equal.

use url::Url;

/// Why a URL could not be canonicalised.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CanonError {
    /// The text is not an absolute URL.
    #[error("{url:?} is not an absolute http(s) URL: {reason}")]
    Invalid {
        /// The text given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// Query parameters that only track the reader and never select content.
fn is_tracking_param(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("utm_")
        || matches!(
            lower.as_str(),
            "fbclid"
                | "gclid"
                | "dclid"
                | "msclkid"
                | "mc_cid"
                | "mc_eid"
                | "igshid"
                | "ref_src"
                | "cmpid"
                | "ncid"
                | "ocid"
                | "_ga"
                | "yclid"
                | "twclid"
        )
}

/// Returns the canonical form of an article URL: scheme and host lower-cased (by the URL
/// parser), default port, fragment and tracking parameters removed, remaining parameters sorted.
///
/// Canonicalising a canonical URL returns it unchanged.
pub fn canonical_url(raw: &str) -> Result<String, CanonError> {
    let mut url =
        Url::parse(raw.trim()).map_err(|e| CanonError::Invalid { url: raw.to_string(), reason: e.to_string() })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(CanonError::Invalid {
            url: raw.to_string(),
            reason: format!("scheme {:?} is not http or https", url.scheme()),
        });
    }
    url.set_fragment(None);
    let mut pairs: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !is_tracking_param(k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    pairs.sort();
    if pairs.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    Ok(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_parameters_and_fragment_are_stripped() {
        let c = canonical_url("HTTPS://News.Example.com:443/a/b?utm_source=x&id=7&fbclid=1#top");
        assert_eq!(c.as_deref(), Ok("https://news.example.com/a/b?id=7"));
    }

    #[test]
    fn parameter_order_does_not_matter() {
        assert_eq!(canonical_url("http://e.com/p?b=2&a=1"), canonical_url("http://e.com/p?a=1&b=2"));
    }

    #[test]
    fn canonicalisation_is_idempotent() {
        for raw in ["http://e.com/x?utm_medium=a&q=%20b", "https://e.com/", "http://E.com:80/a#f"] {
            let once = canonical_url(raw).unwrap_or_default();
            assert_eq!(canonical_url(&once).as_deref(), Ok(once.as_str()), "{raw}");
        }
    }

    #[test]
    fn non_web_schemes_are_refused_in_words() {
        let err = canonical_url("javascript:alert(1)").err().map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("not http or https")));
    }
}
