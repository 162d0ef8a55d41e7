//! Article extraction: Readability scoring (dom_smoothie) finds the body, a second pass
//! (`boilerplate.rs`) removes what it keeps but readers do not want, and metadata comes from
//! JSON-LD, OpenGraph, meta tags and the page itself.
//!
//! Removing page chrome *before* scoring was measured and dropped: on the shared dev set it cost
//! recall (F1 .950 → .906), because class names like "nav" or "promo" also wrap article bodies.

use dom_query::Document;
use dom_smoothie::{Config, Readability, TextMode};
use serde::Serialize;
use url::Url;

use crate::limits::{MAX_HTML_BYTES, MAX_NESTING};
use crate::metadata::{PageMeta, PageTime, parse_page_date, split_byline};
use crate::prescan::prescan;
use crate::{Error, Result, charset, sanitize};

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
    /// Publication time, in the page's own UTC offset.
    pub published: Option<PageTime>,
    /// Last update time, in the page's own UTC offset.
    pub updated: Option<PageTime>,
    /// The date the page shows readers in its URL or text, if any.
    pub shown_date: Option<jiff::civil::Date>,
    /// Language tag.
    pub lang: Option<String>,
    /// Name of the site.
    pub site_name: Option<String>,
    /// Canonical URL the page declares.
    pub canonical_url: Option<String>,
    /// The lead image the page declares (OpenGraph, Twitter card, JSON-LD), with its declared
    /// size.
    pub lead_image: Option<tidings_core::LeadImage>,
    /// Plain text, paragraphs separated by blank lines.
    pub text: String,
    /// Sanitized HTML of the body.
    pub html: String,
    /// What looked wrong, in words.
    pub warnings: Vec<String>,
    /// Share of the text that sits inside links (1.0: a page of links, not an article).
    #[serde(skip)]
    pub link_share: f64,
    /// Images in the body Readability found.
    #[serde(skip)]
    pub images: usize,
    /// Videos and embedded players in that body.
    #[serde(skip)]
    pub videos: usize,
    /// Whether the body asks readers to subscribe or sign in to go on reading (the second pass
    /// removes such lines from the text).
    #[serde(skip)]
    pub asks_to_subscribe: bool,
}

/// Kinds of pages that are not an article, though they come from an article link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotAnArticle {
    /// A list of links to articles: a section front, a tag or search page.
    IndexPage,
    /// Pictures with captions and little else.
    Gallery,
    /// A video player with little text.
    VideoOnly,
    /// The first lines of an article and a request to subscribe or sign in.
    PaywallStub,
    /// "Page not found" and other error pages served with a success status.
    ErrorPage,
}

impl NotAnArticle {
    /// The kind in words, for a note beside the feed's text.
    pub fn describe(self) -> &'static str {
        match self {
            Self::IndexPage => "the page is a list of links, not an article",
            Self::Gallery => "the page is a photo gallery",
            Self::VideoOnly => "the page is a video with little text",
            Self::PaywallStub => "the article is behind a paywall",
            Self::ErrorPage => "the page is an error page",
        }
    }
}

/// Phrases of a paywall or sign-in wall, lower-case.
const PAYWALL_PHRASES: &[&str] = &[
    "subscribe to continue",
    "subscribe to read",
    "to continue reading",
    "already a subscriber",
    "subscribers only",
    "for subscribers",
    "sign in to read",
    "log in to read",
    "sign in to continue",
    "log in to continue",
    "create a free account to",
    "register to continue",
];

/// Phrases that title an error page, lower-case.
const ERROR_PHRASES: &[&str] = &[
    "page not found",
    "404",
    "not found",
    "page doesn't exist",
    "page does not exist",
    "page you requested",
    "access denied",
    "forbidden",
    "something went wrong",
];

/// Below this many characters of text, a page that asks readers to subscribe is a stub and one
/// with a player or an error title is not an article.
const STUB_CHARS: usize = 1_500;

impl ExtractedArticle {
    /// The publication date as readers of the page see it: the date of `published` in the
    /// page's offset, except that a time declared in UTC that falls the day after the date the
    /// page shows (an evening story west of Greenwich) gives the shown date.
    pub fn published_date(&self) -> Option<jiff::civil::Date> {
        let published = self.published?;
        let local = published.local_date();
        match self.shown_date {
            Some(shown) if published.offset_minutes == 0 && shown.tomorrow().ok() == Some(local) => Some(shown),
            _ => Some(local),
        }
    }

    /// What kind of page this is when it is not an article.
    pub fn not_an_article(&self) -> Option<NotAnArticle> {
        let chars = self.text.chars().count();
        let lower = |s: &str| s.to_lowercase();
        let title = self.title.as_deref().map(lower).unwrap_or_default();
        let opening: String = lower(&self.text.chars().take(300).collect::<String>());
        if chars < STUB_CHARS && ERROR_PHRASES.iter().any(|p| title.contains(p) || opening.starts_with(p)) {
            return Some(NotAnArticle::ErrorPage);
        }
        if chars < STUB_CHARS && self.asks_to_subscribe {
            return Some(NotAnArticle::PaywallStub);
        }
        if self.videos > 0 && chars < MIN_TEXT_CHARS * 2 {
            return Some(NotAnArticle::VideoOnly);
        }
        if self.images >= 6 && chars < STUB_CHARS && chars < self.images * 150 {
            return Some(NotAnArticle::Gallery);
        }
        if self.link_share > 0.5 {
            return Some(NotAnArticle::IndexPage);
        }
        None
    }

    /// Why this extraction should not be trusted over the feed's content, if it should not.
    pub fn looks_wrong(&self) -> Option<String> {
        if let Some(kind) = self.not_an_article() {
            return Some(match kind {
                NotAnArticle::IndexPage => {
                    format!("{} ({:.0}% of its text is links)", kind.describe(), self.link_share * 100.0)
                }
                _ => kind.describe().to_string(),
            });
        }
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

/// Extracts the article from an HTML page fetched from `url`.
pub fn extract_article(bytes: &[u8], url: &Url, http_content_type: Option<&str>) -> Result<ExtractedArticle> {
    extract_article_with(bytes, url, http_content_type, None)
}

/// Whether `selector` is CSS that [`extract_article_with`] can match; the refusal says why.
pub fn check_selector(selector: &str) -> std::result::Result<(), String> {
    match dom_query::Matcher::new(selector) {
        Ok(_) if !selector.trim().is_empty() => Ok(()),
        _ => Err(format!("{selector:?} is not a CSS selector (try one like \"article .story-body\")")),
    }
}

/// [`extract_article`], the body being what `selector` (CSS, the outlet's setting) matches on
/// the page, every element it matches in page order, when it matches anything; metadata and the
/// second pass are the same. A selector that matches nothing (the site was redesigned) leaves
/// the choice to Readability, with a warning.
pub fn extract_article_with(
    bytes: &[u8],
    url: &Url,
    http_content_type: Option<&str>,
    selector: Option<&str>,
) -> Result<ExtractedArticle> {
    // The limits every parse keeps to (`limits.rs`); pages nested deeper are refused, since
    // Readability scoring is quadratic in nesting too. The estimate errs high.
    if bytes.len() > MAX_HTML_BYTES {
        return Err(Error::TooLarge { size: bytes.len(), limit: MAX_HTML_BYTES });
    }
    let tld = url.host_str().and_then(|h| h.rsplit('.').next());
    let (text, _) = charset::decode_html(bytes, http_content_type, tld);
    let text = crate::mojibake::repair(&text);
    let scanned = prescan(&text);
    if scanned.depth > MAX_NESTING {
        return Err(Error::TooComplex(format!("elements nested about {} levels deep", scanned.depth)));
    }
    let doc = Document::from(scanned.page.as_ref());
    if scanned.streamed {
        crate::streamed::splice(&doc);
    }
    let meta = PageMeta::read(&doc, url);

    // Classes are kept so the second pass can read their hints; sanitizing drops them after.
    let config = Config {
        max_elements_to_parse: MAX_ELEMENTS,
        text_mode: TextMode::Raw,
        keep_classes: true,
        min_score_to_adjust: 10.0,
        ..Config::default()
    };
    crate::class_words::disarm(&doc);
    let page = doc.clone();
    let mut readability = Readability::with_document(doc, Some(url.as_str()), Some(config))
        .map_err(|e| Error::NoArticle(e.to_string()))?;
    let article = readability.parse().map_err(|e| match e {
        dom_smoothie::ReadabilityError::TooManyElements(n, limit) => {
            Error::TooComplex(format!("{n} elements, limit {limit}"))
        }
        other => Error::NoArticle(other.to_string()),
    })?;

    let site_name = article.site_name.filter(|s| !s.trim().is_empty()).or(meta.site_name.clone());
    let title = meta.headline(&article.title, site_name.as_deref(), url);
    // The kept HTML is parsed once: the sibling pass reads it, and when it adds nothing the
    // second pass cleans that same tree.
    let chosen: Option<String> = selector
        .and_then(|css| page.try_select(css))
        .map(|found| found.nodes().iter().map(|node| node.html().to_string()).collect());
    let body = match &chosen {
        Some(html) => Document::fragment(html.as_str()),
        None => {
            let kept = Document::fragment(article.content.as_ref());
            match crate::siblings::extend(&page, &kept, &article.content) {
                Some(extended) => Document::fragment(extended),
                None => kept,
            }
        }
    };
    let named: Vec<String> = meta.authors.iter().chain(&meta.shown_authors).cloned().collect();
    let cleaned = crate::boilerplate::clean(body, title.as_deref(), &named);
    let html = sanitize::sanitize_html(&cleaned.html, Some(url));
    let text = cleaned.text;
    let mut warnings = Vec::new();
    if let Some(css) = selector.filter(|_| chosen.is_none()) {
        warnings
            .push(format!("the outlet's selector {css:?} matched nothing on this page; the body was found by scoring"));
    }
    let updated = article.modified_time.as_deref().and_then(parse_page_date).or(meta.updated);
    let published = meta.publication(
        &page,
        title.as_deref(),
        article.published_time.as_deref().and_then(parse_page_date).or(meta.published),
        updated,
    );
    if published.is_none() {
        warnings.push("no publication time found on the page".to_string());
    }
    let authors = choose_authors(
        [
            meta.authors,
            article.byline.as_deref().map(split_byline).unwrap_or_default(),
            cleaned.byline.as_deref().map(split_byline).unwrap_or_default(),
            meta.shown_authors,
        ],
        site_name.as_deref(),
    );
    let extracted = ExtractedArticle {
        title,
        authors,
        published,
        updated: updated.filter(|u| Some(u.at) != published.map(|p| p.at)),
        shown_date: meta.shown_date,
        lang: article.lang.filter(|l| !l.is_empty()),
        site_name,
        canonical_url: meta.canonical_url,
        lead_image: meta.lead_image.or_else(|| {
            let url = tidings_core::web_link(url.join(article.image.as_deref()?).ok()?.as_str())?;
            Some(tidings_core::LeadImage { url, width: None, height: None })
        }),
        text,
        html,
        warnings,
        link_share: cleaned.link_share,
        images: cleaned.images,
        videos: cleaned.videos,
        asks_to_subscribe: {
            // The phrases are ASCII: ASCII case folding finds them, at a fraction of the cost.
            let body = article.text_content.to_ascii_lowercase();
            PAYWALL_PHRASES.iter().any(|p| body.contains(p))
        },
    };
    let mut extracted = extracted;
    if let Some(reason) = extracted.looks_wrong() {
        extracted.warnings.push(reason);
    }
    Ok(extracted)
}

/// The first list of names, in order of trust, that names people rather than the site itself
/// ("Harbour Herald" as the author of a Harbour Herald page is a brand, not a byline); the
/// site's name only when nothing else names anyone.
fn choose_authors<const N: usize>(sources: [Vec<String>; N], site_name: Option<&str>) -> Vec<String> {
    let squash = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>();
    let site = site_name.map(squash).filter(|s| !s.is_empty());
    let is_brand = |names: &Vec<String>| site.as_ref().is_some_and(|site| names.iter().all(|n| squash(n) == *site));
    let mut brand = None;
    for names in sources {
        if names.is_empty() {
            continue;
        }
        if !is_brand(&names) {
            return names;
        }
        brand.get_or_insert(names);
    }
    brand.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> Url {
        Url::parse("https://harbour.example/2026/11/bridge-reopens").unwrap_or_else(|_| unreachable!())
    }

    /// A page whose scoring would keep the long "about us" essay over the short report.
    const TWO_BODIES: &str = "<html><head><title>Ferry returns | Harbour Herald</title></head><body>\
        <div class=\"report\"><h1>Ferry returns to the island route</h1>\
        <p>The island ferry sailed its old route again on Monday after three weeks of repairs to the pier.</p>\
        <p>Passengers queued from dawn, and the first crossing left on time.</p></div>\
        <div class=\"essay\"><p>The Harbour Herald has told the stories of this coast for ninety years, through storms, strikes and \
        celebrations, and it will go on telling them with care, with patience and with the help of its readers.</p>\
        <p>Our reporters live in the towns they write about. They know the harbour masters, the teachers, the \
        shopkeepers and the fishermen, and they hear what happens before anyone else does, which is why we exist.</p>\
        <p>Subscribers keep this work going, and every subscription pays for an hour of reporting in a town that would \
        otherwise have nobody to tell its story, which is a thing worth paying for in our opinion.</p></div></body></html>";

    #[test]
    fn an_outlets_selector_chooses_the_body_and_one_that_matches_nothing_is_a_warning() {
        let page = TWO_BODIES.as_bytes();
        let chosen = extract_article_with(page, &url(), None, Some("div.report p")).unwrap_or_else(|e| panic!("{e}"));
        assert!(chosen.text.starts_with("The island ferry sailed"), "{}", chosen.text);
        assert!(chosen.text.contains("left on time") && !chosen.text.contains("ninety years"), "{}", chosen.text);
        let missed = extract_article_with(page, &url(), None, Some("main.story")).unwrap_or_else(|e| panic!("{e}"));
        assert!(missed.warnings.iter().any(|w| w.contains("matched nothing")), "{:?}", missed.warnings);
        assert!(check_selector("div.report > p:first-child").is_ok());
        assert!(check_selector("div[").is_err() && check_selector(" ").is_err());
    }

    fn extract(name: &str) -> ExtractedArticle {
        let path = format!("{}/testdata/{name}", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        extract_article(&bytes, &url(), Some("text/html")).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    /// What a fixture's `.json` may expect besides its text.
    #[derive(Debug, Default, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Expected {
        title: Option<String>,
        authors: Option<Vec<String>>,
        published: Option<String>,
        updated: Option<String>,
        date: Option<String>,
        lang: Option<String>,
        site_name: Option<String>,
        canonical_url: Option<String>,
        lead_image: Option<String>,
        /// "WIDTHxHEIGHT" as declared.
        lead_image_size: Option<String>,
        #[serde(default)]
        html_contains: Vec<String>,
        #[serde(default)]
        html_lacks: Vec<String>,
    }

    /// Every `testdata/<case>.html` with a `<case>.txt` must extract to exactly that text, and to
    /// the metadata its `<case>.json` names, if it has one.
    #[test]
    fn every_fixture_page_extracts_to_its_expected_text_and_metadata() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
        let mut checked = 0;
        let mut failures = Vec::new();
        let mut paths: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        paths.sort();
        for txt in paths.iter().filter(|p| p.extension().is_some_and(|e| e == "txt")) {
            let name = txt.file_stem().unwrap().to_string_lossy().to_string();
            let a = extract(&format!("{name}.html"));
            let want = std::fs::read_to_string(txt).unwrap();
            if a.text.trim() != want.trim() {
                failures.push(format!("{name}: text\n--- got\n{}\n--- want\n{}", a.text, want.trim()));
            }
            let json = dir.join(format!("{name}.json"));
            let e: Expected = match std::fs::read_to_string(&json) {
                Ok(s) => serde_json::from_str(&s).unwrap_or_else(|err| panic!("{name}.json: {err}")),
                Err(_) => Expected::default(),
            };
            let mut check = |field: &str, got: Option<String>, want: &Option<String>| {
                if want.is_some() && got != *want {
                    failures.push(format!("{name}: {field} is {got:?}, want {want:?}"));
                }
            };
            check("title", a.title.clone(), &e.title);
            check("authors", Some(a.authors.join("; ")), &e.authors.map(|v| v.join("; ")));
            check("published", a.published.map(|t| t.to_string()), &e.published);
            check("updated", a.updated.map(|t| t.to_string()), &e.updated);
            check("date", a.published_date().map(|d| d.to_string()), &e.date);
            check("lang", a.lang.clone(), &e.lang);
            check("site_name", a.site_name.clone(), &e.site_name);
            check("canonical_url", a.canonical_url.clone(), &e.canonical_url);
            check("lead_image", a.lead_image.as_ref().map(|i| i.url.clone()), &e.lead_image);
            let size = |i: &tidings_core::LeadImage| format!("{}x{}", i.width.unwrap_or(0), i.height.unwrap_or(0));
            check("lead_image_size", a.lead_image.as_ref().map(size), &e.lead_image_size);
            for s in &e.html_contains {
                if !a.html.contains(s.as_str()) {
                    failures.push(format!("{name}: html lacks {s:?}:\n{}", a.html));
                }
            }
            for s in &e.html_lacks {
                if a.html.contains(s.as_str()) {
                    failures.push(format!("{name}: html has {s:?}:\n{}", a.html));
                }
            }
            checked += 1;
        }
        assert!(checked >= 20, "only {checked} fixture pages found in {}", dir.display());
        assert!(failures.is_empty(), "{} of {checked} fixtures failed:\n\n{}", failures.len(), failures.join("\n\n"));
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

    fn kind(page: &str) -> Option<NotAnArticle> {
        extract_article(page.as_bytes(), &url(), None).ok().and_then(|a| a.not_an_article())
    }

    const LEDE: &str = "<p>The harbour board met on Tuesday to decide the future of the old fish market, which has stood empty since the autumn storms damaged its roof and its north wall.</p>";

    #[test]
    fn error_page_served_as_a_success_is_not_an_article() {
        let page = "<html><head><title>Page not found | Harbour Herald</title></head><body><main><h1>Sorry, we could not find that page</h1><p>The page you asked for has moved or never existed. Try the search box or the front page instead, where the latest news is.</p></main></body></html>";
        assert_eq!(kind(page), Some(NotAnArticle::ErrorPage));
    }

    #[test]
    fn paywall_stub_is_not_an_article() {
        let page = format!(
            "<html><body><article><h1>Fish market to reopen</h1>{LEDE}<p>Subscribe to continue reading this story, or sign in if you are already a subscriber.</p></article></body></html>"
        );
        assert_eq!(kind(&page), Some(NotAnArticle::PaywallStub));
    }

    #[test]
    fn gallery_of_captioned_pictures_is_not_an_article() {
        let pictures: String = (1..=8)
            .map(|i| format!("<figure><img src=\"/p{i}.jpg\"><figcaption>Boats in the harbour at dawn, picture {i} of eight.</figcaption></figure>"))
            .collect();
        let page = format!(
            "<html><body><article><h1>In pictures: the regatta</h1><p>The annual regatta drew crowds to the harbour wall on Sunday.</p>{pictures}</article></body></html>"
        );
        assert_eq!(kind(&page), Some(NotAnArticle::Gallery));
    }

    #[test]
    fn video_with_a_line_of_text_is_not_an_article() {
        let page = "<html><body><article><h1>Watch: the storm hits the pier</h1><video src=\"/storm.mp4\" controls></video><p>Waves broke over the pier on Monday night as the storm reached the coast.</p></article></body></html>";
        assert_eq!(kind(page), Some(NotAnArticle::VideoOnly));
    }

    #[test]
    fn real_article_is_an_article() {
        let page =
            format!("<html><body><article><h1>Fish market to reopen</h1>{LEDE}{LEDE}{LEDE}</article></body></html>");
        assert_eq!(kind(&page), None);
    }

    #[test]
    fn binary_garbage_is_an_error_or_empty_never_a_panic() {
        let garbage: Vec<u8> = (0..20_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        if let Ok(a) = extract_article(&garbage, &url(), None) {
            assert!(a.looks_wrong().is_some());
        }
    }

    #[test]
    fn hostile_nesting_is_refused_quickly() {
        let page = format!("<html><body>{}<p>deep</p></body></html>", "<div>".repeat(100_000));
        let started = std::time::Instant::now();
        let err = extract_article(page.as_bytes(), &url(), None).unwrap_err();
        assert!(err.to_string().contains("nested"), "{err}");
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "{:?}", started.elapsed());
    }

    #[test]
    fn fifty_megabyte_page_is_refused_in_words() {
        let page = vec![b'a'; 50 * 1024 * 1024];
        let err = extract_article(&page, &url(), None).unwrap_err();
        assert!(err.to_string().contains("more than"), "{err}");
    }

    #[test]
    fn page_of_only_links_gives_no_trusted_article() {
        let links: String = (0..5_000).map(|i| format!("<a href=\"/{i}\">Story number {i}</a> ")).collect();
        let page = format!("<html><body><div>{links}</div></body></html>");
        if let Ok(a) = extract_article(page.as_bytes(), &url(), None) {
            let why = a.looks_wrong().unwrap_or_default();
            assert!(
                why.contains("links") || why.contains("characters"),
                "{why:?}: {}",
                &a.text[..200.min(a.text.len())]
            );
        }
    }
}
