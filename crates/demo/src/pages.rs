//! The demo outlets' feeds and pages, with the chrome real news sites wrap around an article.

use jiff::Timestamp;
use serde_json::json;

use crate::catalog::{Catalog, DemoArticle, DemoOutlet, FeedKind};

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

fn article_url(base: &str, o: &DemoOutlet, a: &DemoArticle) -> String {
    format!("{base}/{}/articles/{}", o.slug, a.slug)
}

fn summary(a: &DemoArticle) -> String {
    a.paragraphs.first().cloned().unwrap_or_default()
}

fn rfc2822(t: Timestamp) -> String {
    jiff::fmt::rfc2822::to_string(&t.to_zoned_datetime(jiff::tz::TimeZone::UTC)).unwrap_or_default()
}

/// The outlet's feed in its own format.
pub(crate) fn feed_document(c: &Catalog, o: &DemoOutlet, base: &str, now: Timestamp) -> String {
    let items = c.articles_of(o.slug);
    let home = format!("{base}/{}/", o.slug);
    match o.feed {
        FeedKind::Rss | FeedKind::RssContent => {
            let mut out = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n<title>{}</title>\n<link>{home}</link>\n<description>News from {}</description>\n<ttl>30</ttl>\n",
                esc(o.name),
                esc(o.name)
            );
            for a in items {
                let url = article_url(base, o, a);
                out.push_str(&format!(
                    "<item>\n<title>{}</title>\n<link>{url}</link>\n<guid isPermaLink=\"false\">{}-{}</guid>\n<pubDate>{}</pubDate>\n<description>{}</description>\n",
                    esc(&a.title),
                    o.slug,
                    a.slug,
                    rfc2822(a.published(now)),
                    esc(&summary(a))
                ));
                if o.feed == FeedKind::RssContent {
                    let body: String = a.paragraphs.iter().map(|p| format!("<p>{}</p>", esc(p))).collect();
                    out.push_str(&format!(
                        "<dc:creator>{}</dc:creator>\n<content:encoded><![CDATA[{body}]]></content:encoded>\n",
                        esc(&a.author)
                    ));
                } else {
                    out.push_str(&format!("<author>desk@{} ({})</author>\n", o.canonical_host(), esc(&a.author)));
                }
                out.push_str("</item>\n");
            }
            out.push_str("</channel>\n</rss>\n");
            out
        }
        FeedKind::Atom => {
            let updated = c.articles_of(o.slug).first().map(|a| a.published(now)).unwrap_or(now);
            let mut out = format!(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>{}</title>\n<id>urn:tidings-demo:{}</id>\n<updated>{updated}</updated>\n<link rel=\"alternate\" href=\"{home}\"/>\n<link rel=\"self\" href=\"{base}{}\"/>\n",
                esc(o.name),
                o.slug,
                o.feed_path()
            );
            for a in items {
                out.push_str(&format!(
                    "<entry>\n<title>{}</title>\n<id>urn:tidings-demo:{}:{}</id>\n<link rel=\"alternate\" href=\"{}\"/>\n<published>{}</published>\n<updated>{}</updated>\n<author><name>{}</name></author>\n<summary>{}</summary>\n</entry>\n",
                    esc(&a.title),
                    o.slug,
                    a.slug,
                    article_url(base, o, a),
                    a.published(now),
                    a.published(now),
                    esc(&a.author),
                    esc(&summary(a))
                ));
            }
            out.push_str("</feed>\n");
            out
        }
        FeedKind::JsonFeed11 | FeedKind::JsonFeed10 => {
            let v11 = o.feed == FeedKind::JsonFeed11;
            let items: Vec<_> = items
                .iter()
                .map(|a| {
                    let mut item = json!({
                        "id": format!("{}/{}", o.slug, a.slug),
                        "url": article_url(base, o, a),
                        "title": a.title,
                        "summary": summary(a),
                        "date_published": a.published(now).to_string(),
                    });
                    if v11 {
                        item["authors"] = json!([{ "name": a.author }]);
                    } else {
                        item["author"] = json!({ "name": a.author });
                    }
                    item
                })
                .collect();
            let version = if v11 { "https://jsonfeed.org/version/1.1" } else { "https://jsonfeed.org/version/1" };
            json!({ "version": version, "title": o.name, "home_page_url": home, "feed_url": format!("{base}{}", o.feed_path()), "items": items }).to_string()
        }
    }
}

fn head(o: &DemoOutlet, title: &str, extra: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{} | {}</title>\n<meta name=\"viewport\" content=\"width=device-width\">\n<style>body{{font-family:Georgia,serif;margin:0}} .masthead{{background:{};color:#fff;padding:1em}}</style>\n{extra}</head>\n",
        esc(title),
        esc(o.name),
        o.colour
    )
}

fn masthead(c: &Catalog, o: &DemoOutlet, base: &str) -> String {
    let others: String =
        c.outlets.iter().map(|x| format!("<li><a href=\"{base}/{}/\">{}</a></li>", x.slug, esc(x.name))).collect();
    format!(
        "<div class=\"consent-banner\" id=\"cookie-consent\"><p>We use cookies to personalise content and ads and to analyse our traffic. <button>Accept all cookies</button> <button>Manage preferences</button></p></div>\n\
         <header class=\"masthead\"><a class=\"logo\" href=\"{base}/{}/\">{}</a>\n<nav class=\"main-menu\"><ul><li><a href=\"#\">World</a></li><li><a href=\"#\">Business</a></li><li><a href=\"#\">Sport</a></li><li><a href=\"#\">Opinion</a></li></ul></nav>\n<ul class=\"network-links\">{others}</ul></header>\n",
        o.slug,
        esc(o.name)
    )
}

fn footer(o: &DemoOutlet) -> String {
    format!(
        "<div class=\"newsletter-signup\"><h3>Get the morning briefing</h3><p>Sign up to our newsletter and never miss a story.</p><form><label>Email <input type=\"email\"></label><button>Subscribe</button></form></div>\n\
         <footer class=\"site-footer\"><p>© {} — all rights reserved. Terms · Privacy · Contact · Advertise with us</p></footer>\n</body>\n</html>\n",
        esc(o.name)
    )
}

/// The outlet's home page: teasers and a feed link for discovery.
pub(crate) fn home_page(c: &Catalog, o: &DemoOutlet, base: &str, now: Timestamp) -> String {
    let ty = match o.feed {
        FeedKind::Rss | FeedKind::RssContent => "application/rss+xml",
        FeedKind::Atom => "application/atom+xml",
        FeedKind::JsonFeed11 | FeedKind::JsonFeed10 => "application/feed+json",
    };
    let link = format!("<link rel=\"alternate\" type=\"{ty}\" title=\"{}\" href=\"{}\">\n", esc(o.name), o.feed_path());
    let mut page = head(o, "Home", &link);
    page.push_str("<body>\n");
    page.push_str(&masthead(c, o, base));
    page.push_str("<main><h1>Latest news</h1>\n");
    for a in c.articles_of(o.slug) {
        page.push_str(&format!(
            "<article class=\"teaser\"><h2><a href=\"{}\">{}</a></h2><time datetime=\"{}\">{}</time><p>{}</p></article>\n",
            article_url(base, o, a),
            esc(&a.title),
            a.published(now),
            a.published(now).strftime("%e %B %Y"),
            esc(&summary(a))
        ));
    }
    page.push_str("</main>\n");
    page.push_str(&footer(o));
    page
}

/// An article page: the article, wrapped in share bars, a boilerplate line, a comment form, a
/// "You May Also Like" block, a cookie banner, a newsletter box and a footer.
pub(crate) fn article_page(c: &Catalog, o: &DemoOutlet, a: &DemoArticle, base: &str, now: Timestamp) -> String {
    let published = a.published(now);
    let canonical = format!("https://{}/{}/{}", o.canonical_host(), published.strftime("%Y/%m"), a.slug);
    let ld = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.title,
        "datePublished": published.to_string(),
        "author": [{ "@type": "Person", "name": a.author }],
        "publisher": { "@type": "Organization", "name": o.name },
    });
    let extra = format!(
        "<link rel=\"canonical\" href=\"{canonical}\">\n<meta property=\"og:site_name\" content=\"{}\">\n<meta property=\"og:title\" content=\"{}\">\n<meta property=\"og:type\" content=\"article\">\n<meta property=\"article:published_time\" content=\"{published}\">\n<script type=\"application/ld+json\">{ld}</script>\n",
        esc(o.name),
        esc(&a.title)
    );
    let mut page = head(o, &a.title, &extra);
    page.push_str("<body>\n");
    page.push_str(&masthead(c, o, base));
    page.push_str("<main class=\"content\">\n<article class=\"story\">\n");
    page.push_str(&format!(
        "<h1 class=\"headline\">{}</h1>\n<p class=\"byline\">By <span class=\"author\">{}</span> · <time datetime=\"{published}\">{}</time></p>\n",
        esc(&a.title),
        esc(&a.author),
        published.strftime("%e %B %Y, %H:%M")
    ));
    page.push_str("<div class=\"share-tools\"><a href=\"#\">Share on Facebook</a> <a href=\"#\">Share on X</a> <a href=\"#\">Email this story</a></div>\n");
    page.push_str(&format!("<p class=\"promo-line\">{}</p>\n", esc(o.boilerplate)));
    page.push_str("<div class=\"article-body\">\n");
    for p in &a.paragraphs {
        page.push_str(&format!("<p>{}</p>\n", esc(p)));
    }
    page.push_str("</div>\n</article>\n");
    page.push_str(
        "<section id=\"respond\" class=\"comment-respond\"><h3 class=\"comment-reply-title\">Leave a Reply</h3>\n\
         <form class=\"comment-form\"><p class=\"comment-notes\">Your email address will not be published. Required fields are marked *</p>\n\
         <p><label>Comment *</label><textarea name=\"comment\"></textarea></p><p><label>Name *</label><input name=\"author\"></p>\n\
         <p><label>Email *</label><input name=\"email\"></p><p><label>Website</label><input name=\"url\"></p><p><button>Post Comment</button></p></form></section>\n",
    );
    page.push_str("<section class=\"related-posts\"><h3>You May Also Like</h3>\n");
    for other in c.articles_of(o.slug).into_iter().filter(|x| x.slug != a.slug).take(3) {
        page.push_str(&format!(
            "<div class=\"related-item\"><h4><a href=\"{}\">{}</a></h4><p>{} {}…</p></div>\n",
            article_url(base, o, other),
            esc(&other.title),
            esc(o.boilerplate),
            esc(&summary(other).chars().take(120).collect::<String>())
        ));
    }
    page.push_str("</section>\n</main>\n");
    page.push_str(&footer(o));
    page
}
