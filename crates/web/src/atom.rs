//! Writing Atom (RFC 4287) and sitemaps: the one place the site's XML is put together, so every
//! value that came from a feed is escaped the same way.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;

/// An Atom feed of the site.
#[derive(Debug, Clone)]
pub(crate) struct AtomFeed {
    /// The feed's title.
    pub(crate) title: String,
    /// The page it follows (absolute): also its id.
    pub(crate) page: String,
    /// Its own address (absolute).
    pub(crate) own: String,
    /// Its entries, newest first.
    pub(crate) entries: Vec<AtomEntry>,
}

/// An entry of an [`AtomFeed`].
#[derive(Debug, Clone)]
pub(crate) struct AtomEntry {
    /// Its page (absolute): also its id.
    pub(crate) page: String,
    /// Plain text.
    pub(crate) title: String,
    /// When it last changed.
    pub(crate) updated: Timestamp,
    /// When it was first published, when that is known.
    pub(crate) published: Option<Timestamp>,
    /// Names; the feed's author ("Tidings") stands in when there is none.
    pub(crate) authors: Vec<String>,
    /// Sanitized HTML.
    pub(crate) summary_html: String,
}

impl AtomFeed {
    /// The feed as an XML document.
    pub(crate) fn to_xml(&self) -> String {
        let updated = self.entries.iter().map(|e| e.updated).max().unwrap_or(Timestamp::UNIX_EPOCH);
        let mut xml =
            String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
        xml.push_str(&format!("<title>{}</title>\n", xml_text(&self.title)));
        xml.push_str(&format!("<id>{}</id>\n", xml_text(&self.page)));
        xml.push_str(&format!("<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n", xml_text(&self.page)));
        xml.push_str(&format!("<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n", xml_text(&self.own)));
        xml.push_str(&format!("<updated>{}</updated>\n<author><name>Tidings</name></author>\n", rfc3339(updated)));
        for e in &self.entries {
            xml.push_str("<entry>\n");
            xml.push_str(&format!("<id>{}</id>\n<title>{}</title>\n", xml_text(&e.page), xml_text(&e.title)));
            xml.push_str(&format!("<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n", xml_text(&e.page)));
            xml.push_str(&format!("<updated>{}</updated>\n", rfc3339(e.updated)));
            if let Some(p) = e.published {
                xml.push_str(&format!("<published>{}</published>\n", rfc3339(p)));
            }
            for author in e.authors.iter().filter(|a| !a.trim().is_empty()) {
                xml.push_str(&format!("<author><name>{}</name></author>\n", xml_text(author)));
            }
            xml.push_str(&format!("<summary type=\"html\">{}</summary>\n</entry>\n", xml_text(&e.summary_html)));
        }
        xml.push_str("</feed>\n");
        xml
    }
}

impl IntoResponse for AtomFeed {
    fn into_response(self) -> Response {
        ([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], self.to_xml()).into_response()
    }
}

/// A sitemap (sitemaps.org 0.9) of absolute page addresses, each with its last change if known.
pub(crate) fn sitemap(pages: &[(String, Option<Timestamp>)]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (page, changed) in pages {
        xml.push_str(&format!("<url><loc>{}</loc>", xml_text(page)));
        if let Some(t) = changed {
            xml.push_str(&format!("<lastmod>{}</lastmod>", rfc3339(*t)));
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// A time as Atom writes it, in UTC.
pub(crate) fn rfc3339(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Text for XML content and attribute values.
pub(crate) fn xml_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Characters XML 1.0 does not allow.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_from_feeds_cannot_break_out_of_its_element() {
        let hostile = "</title><script>alert(1)</script>&amp;\"\u{0}\u{1b}\u{FFFF}";
        assert_eq!(xml_text(hostile), "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;&quot;");
    }
}
