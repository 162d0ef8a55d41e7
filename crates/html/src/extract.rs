//! Article extraction: page chrome removed first, then Readability scoring (dom_smoothie) finds
//! the body, then metadata from JSON-LD, OpenGraph and meta tags.

use dom_query::Document;
use dom_smoothie::{Config, Readability, TextMode};
use jiff::Timestamp;
use serde::Serialize;
use url::Url;

use crate::{Error, Result, charset, sanitize};

/// Pages larger than this are not extracted.
const MAX_PAGE_BYTES: usize = 16 * 1024 * 1024;
/// Pages with more elements than this are not extracted (bounds time on hostile pages).
const MAX_ELEMENTS: usize = 200_000;
/// Below this many characters an extraction "looks wrong".
const MIN_TEXT_CHARS: usize = 250;

/// An article taken out of its page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExtractedArticle {
    /// Headline.
    pub title: Option<String>,
    /// Bylines.
    pub authors: Vec<String>,
    /// Publication time.
    pub published: Option<Timestamp>,
    /// Last update time.
    pub updated: Option<Timestamp>,
    /// Language tag.
    pub lang: Option<String>,
    /// Name of the site.
    pub site_name: Option<String>,
    /// Canonical URL the page declares.
    pub canonical_url: Option<String>,
    /// Lead image URL.
    pub lead_image: Option<String>,
    /// Plain text, paragraphs separated by blank lines.
    pub text: String,
    /// Sanitized HTML of the body.
    pub html: String,
    /// What looked wrong, in words.
    pub warnings: Vec<String>,
}

impl ExtractedArticle {
    /// Why this extraction should not be trusted over the feed's content, if it should not.
    pub fn looks_wrong(&self) -> Option<String> {
        let chars = self.text.chars().count();
        if chars < MIN_TEXT_CHARS {
            return Some(format!("the extracted text is only {chars} characters long"));
        }
        let unreadable = self
            .text
            .chars()
            .filter(|c| *c == char::REPLACEMENT_CHARACTER || (c.is_control() && !c.is_whitespace()))
            .count();
        if unreadable * 20 > chars {
            return Some("the page text is not readable (binary data or a wrong character set)".to_string());
        }
        None
    }
}

/// Class and id words that mark page chrome rather than article text.
const CHROME_WORDS: &[&str] = &[
    "ad",
    "ads",
    "advert",
    "advertisement",
    "banner",
    "breadcrumb",
    "breadcrumbs",
    "comment",
    "comments",
    "consent",
    "cookie",
    "cookies",
    "flash",
    "masthead",
    "menu",
    "most-read",
    "nav",
    "navbar",
    "newsletter",
    "outbrain",
    "popular",
    "promo",
    "recommended",
    "related",
    "reply",
    "respond",
    "share",
    "sharing",
    "sidebar",
    "signup",
    "social",
    "sponsored",
    "subscribe",
    "taboola",
    "teaser",
    "teasers",
    "trending",
    "you-may-also-like",
];

/// Elements that are never part of an article's text.
const CHROME_TAGS: &str = "script, style, noscript, template, iframe, nav, aside, footer, form, button, dialog, [role=navigation], [role=banner], [role=contentinfo], [role=complementary], [aria-hidden=true], [hidden]";

/// Extracts the article from an HTML page fetched from `url`.
pub fn extract_article(bytes: &[u8], url: &Url, http_content_type: Option<&str>) -> Result<ExtractedArticle> {
    if bytes.len() > MAX_PAGE_BYTES {
        return Err(Error::TooLarge { size: bytes.len(), limit: MAX_PAGE_BYTES });
    }
    let tld = url.host_str().and_then(|h| h.rsplit('.').next());
    let (text, _) = charset::decode_html(bytes, http_content_type, tld);
    let doc = Document::from(text.as_str());
    let elements = doc.select("*").length();
    if elements > MAX_ELEMENTS {
        return Err(Error::TooComplex(format!("{elements} elements, limit {MAX_ELEMENTS}")));
    }
    let meta = PageMeta::read(&doc, url);
    remove_chrome(&doc);

    let config = Config { max_elements_to_parse: MAX_ELEMENTS, text_mode: TextMode::Formatted, ..Config::default() };
    let mut readability = Readability::with_document(doc, Some(url.as_str()), Some(config))
        .map_err(|e| Error::NoArticle(e.to_string()))?;
    let article = readability.parse().map_err(|e| Error::NoArticle(e.to_string()))?;

    let html = sanitize::sanitize_html(&article.content, Some(url));
    let text = sanitize::html_to_text(&html);
    let mut warnings = Vec::new();
    let title = meta.title.clone().or_else(|| Some(article.title.trim().to_string())).filter(|t| !t.is_empty());
    let published = meta.published.or_else(|| article.published_time.as_deref().and_then(parse_time));
    if published.is_none() {
        warnings.push("no publication time found on the page".to_string());
    }
    let mut authors = meta.authors.clone();
    if authors.is_empty() {
        authors = article.byline.as_deref().map(split_byline).unwrap_or_default();
    }
    let extracted = ExtractedArticle {
        title,
        authors,
        published,
        updated: meta
            .updated
            .or_else(|| article.modified_time.as_deref().and_then(parse_time))
            .filter(|u| Some(*u) != published),
        lang: meta.lang.or(article.lang).filter(|l| !l.is_empty()),
        site_name: meta.site_name.or(article.site_name),
        canonical_url: meta.canonical_url,
        lead_image: meta.lead_image.or(article.image),
        text,
        html,
        warnings,
    };
    let mut extracted = extracted;
    if let Some(reason) = extracted.looks_wrong() {
        extracted.warnings.push(reason);
    }
    Ok(extracted)
}

/// Removes navigation, forms, share bars, related blocks, banners and the like.
fn remove_chrome(doc: &Document) {
    doc.select(CHROME_TAGS).remove();
    let marked: Vec<_> = doc
        .select("[class], [id]")
        .nodes()
        .iter()
        .filter(|n| {
            let name = n.node_name().unwrap_or_default();
            if matches!(name.as_ref(), "html" | "body" | "main" | "article") {
                return false;
            }
            let attrs = format!("{} {}", n.attr("class").unwrap_or_default(), n.attr("id").unwrap_or_default())
                .to_ascii_lowercase();
            attrs.split(|c: char| c.is_whitespace() || c == '_').any(|token| {
                CHROME_WORDS.contains(&token)
                    || token.split('-').any(|part| CHROME_WORDS.contains(&part) && part.len() > 3)
            })
        })
        .cloned()
        .collect();
    for node in marked {
        node.remove_from_parent();
    }
}

/// Metadata declared by the page itself.
#[derive(Debug, Default)]
struct PageMeta {
    title: Option<String>,
    authors: Vec<String>,
    published: Option<Timestamp>,
    updated: Option<Timestamp>,
    lang: Option<String>,
    site_name: Option<String>,
    canonical_url: Option<String>,
    lead_image: Option<String>,
}

impl PageMeta {
    fn read(doc: &Document, url: &Url) -> Self {
        let meta = |names: &[&str]| -> Option<String> {
            names.iter().find_map(|n| {
                let sel = format!("meta[property=\"{n}\"], meta[name=\"{n}\"], meta[itemprop=\"{n}\"]");
                doc.select(&sel).attr("content").map(|c| c.trim().to_string()).filter(|c| !c.is_empty())
            })
        };
        let ld = json_ld(doc);
        let absolute = |s: String| url.join(&s).ok().map(String::from);
        let mut authors: Vec<String> = ld.authors.clone();
        if authors.is_empty() {
            authors = meta(&["author", "article:author", "parsely-author", "dc.creator"])
                .filter(|a| !a.starts_with("http"))
                .map(|a| split_byline(&a))
                .unwrap_or_default();
        }
        Self {
            title: meta(&["og:title", "twitter:title"]).or(ld.headline),
            authors,
            published: ld
                .published
                .or_else(|| {
                    meta(&["article:published_time", "datePublished", "date", "dc.date", "pubdate"])
                        .and_then(|s| parse_time(&s))
                })
                .or_else(|| doc.select("time[datetime]").attr("datetime").and_then(|s| parse_time(&s))),
            updated: ld.modified.or_else(|| {
                meta(&["article:modified_time", "dateModified", "og:updated_time"]).and_then(|s| parse_time(&s))
            }),
            lang: doc
                .select("html[lang]")
                .attr("lang")
                .map(|l| l.trim().to_string())
                .or_else(|| meta(&["og:locale"]).map(|l| l.replace('_', "-"))),
            site_name: meta(&["og:site_name", "application-name"]),
            canonical_url: doc
                .select("link[rel=canonical]")
                .attr("href")
                .map(|h| h.to_string())
                .or_else(|| meta(&["og:url"]))
                .and_then(absolute),
            lead_image: meta(&["og:image", "twitter:image"]).and_then(absolute),
        }
    }
}

/// The fields we read from JSON-LD NewsArticle-like objects.
#[derive(Debug, Default)]
struct JsonLd {
    headline: Option<String>,
    authors: Vec<String>,
    published: Option<Timestamp>,
    modified: Option<Timestamp>,
}

fn json_ld(doc: &Document) -> JsonLd {
    let mut out = JsonLd::default();
    for script in doc.select("script[type=\"application/ld+json\"]").nodes() {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(script.text().trim()) else { continue };
        let mut stack = vec![value];
        while let Some(v) = stack.pop() {
            match v {
                serde_json::Value::Array(items) => stack.extend(items),
                serde_json::Value::Object(map) => {
                    let is_article = map.get("@type").is_some_and(|t| {
                        let types = match t {
                            serde_json::Value::String(s) => vec![s.as_str()],
                            serde_json::Value::Array(a) => a.iter().filter_map(|x| x.as_str()).collect(),
                            _ => vec![],
                        };
                        types.iter().any(|t| t.ends_with("Article") || *t == "BlogPosting" || *t == "Report")
                    });
                    if is_article && out.headline.is_none() {
                        let text = |k: &str| map.get(k).and_then(|v| v.as_str()).map(|s| s.trim().to_string());
                        out.headline = text("headline");
                        out.published = text("datePublished").and_then(|s| parse_time(&s));
                        out.modified = text("dateModified").and_then(|s| parse_time(&s));
                        out.authors = match map.get("author") {
                            Some(serde_json::Value::Array(a)) => a.iter().filter_map(person_name).collect(),
                            Some(v) => person_name(v).into_iter().collect(),
                            None => vec![],
                        };
                    }
                    if let Some(graph) = map.get("@graph") {
                        stack.push(graph.clone());
                    }
                }
                _ => {}
            }
        }
    }
    out
}

fn person_name(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.trim().to_string()),
        serde_json::Value::Object(m) => m.get("name").and_then(|n| n.as_str()).map(|s| s.trim().to_string()),
        _ => None,
    }
    .filter(|s| !s.is_empty())
}

/// Splits "By Ada Byrne and Sam Reyes" or "Ada Byrne, Sam Reyes" into names.
fn split_byline(byline: &str) -> Vec<String> {
    let trimmed = byline.trim();
    let trimmed = trimmed.strip_prefix("By ").or_else(|| trimmed.strip_prefix("by ")).unwrap_or(trimmed);
    trimmed
        .split([',', '|', ';'])
        .flat_map(|p| p.split(" and "))
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty() && p.len() < 80)
        .collect()
}

/// Parses the date forms pages use: RFC 3339, ISO 8601 without seconds or zone, or a bare date.
pub(crate) fn parse_time(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if let Ok(t) = s.parse::<Timestamp>() {
        return Some(t);
    }
    if let Ok(dt) = s.parse::<jiff::civil::DateTime>() {
        return jiff::tz::TimeZone::UTC.to_timestamp(dt).ok();
    }
    if let Ok(d) = s.get(..10).unwrap_or(s).parse::<jiff::civil::Date>() {
        return jiff::tz::TimeZone::UTC.to_timestamp(d.at(0, 0, 0, 0)).ok();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> Url {
        Url::parse("https://harbour.example/2026/11/bridge-reopens").unwrap_or_else(|_| unreachable!())
    }

    fn extract(name: &str) -> ExtractedArticle {
        let path = format!("{}/testdata/{name}", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        extract_article(&bytes, &url(), Some("text/html")).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    #[test]
    fn seed_shaped_page_keeps_only_the_article_paragraphs() {
        let a = extract("seed-shaped-aggregator-page.html");
        assert!(a.text.starts_with("Officials of the port authority"), "{}", a.text);
        assert!(a.text.contains("dredging will start"), "{}", a.text);
        for chrome in [
            "Leave a Reply",
            "required fields",
            "You May Also Like",
            "Flash top headlines",
            "cookies",
            "Share on",
            "Subscribe to",
        ] {
            assert!(!a.text.to_lowercase().contains(&chrome.to_lowercase()), "{chrome:?} leaked into: {}", a.text);
        }
    }

    #[test]
    fn json_ld_gives_authors_and_dates() {
        let a = extract("seed-shaped-aggregator-page.html");
        assert_eq!(a.authors, ["Mara Quinn", "Tom Ellery"]);
        assert_eq!(a.published.map(|t| t.to_string()).as_deref(), Some("2026-11-20T07:45:00Z"));
        assert_eq!(
            a.canonical_url.as_deref(),
            Some("https://harbour.example/2026/11/dredging-approved?utm_source=rss")
        );
        assert_eq!(a.lang.as_deref(), Some("en"));
        assert_eq!(a.site_name.as_deref(), Some("Harbour Herald"));
    }

    #[test]
    fn short_page_is_flagged_as_looking_wrong() {
        let a = extract_article(b"<html><body><p>Just a teaser.</p></body></html>", &url(), None);
        let flagged = match a {
            Ok(a) => a.looks_wrong().is_some(),
            Err(_) => true,
        };
        assert!(flagged);
    }

    #[test]
    fn binary_garbage_is_an_error_or_empty_never_a_panic() {
        let garbage: Vec<u8> = (0..20_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        if let Ok(a) = extract_article(&garbage, &url(), None) {
            assert!(a.looks_wrong().is_some());
        }
    }

    #[test]
    fn dates_in_common_forms_parse() {
        for s in ["2026-11-20T07:45:00Z", "2026-11-20T08:45:00+01:00", "2026-11-20T07:45:00", "2026-11-20"] {
            assert!(parse_time(s).is_some(), "{s}");
        }
        assert!(parse_time("yesterday").is_none());
    }

    #[test]
    fn bylines_split_into_names() {
        assert_eq!(split_byline("By Ada Byrne and Sam Reyes"), ["Ada Byrne", "Sam Reyes"]);
        assert_eq!(split_byline("Ada Byrne, Sam Reyes"), ["Ada Byrne", "Sam Reyes"]);
    }
}
