//! OPML subscription lists: tolerant import, export that round-trips.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::{Error, Result};

/// OPML files larger than this are refused.
const MAX_OPML_BYTES: usize = 8 * 1024 * 1024;

/// One subscription from an OPML file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpmlOutline {
    /// The feed's name.
    pub title: String,
    /// The feed URL.
    pub xml_url: String,
    /// The site URL, if given.
    pub html_url: Option<String>,
    /// The enclosing folder's name, if any (nested folders are joined with " / ").
    pub category: Option<String>,
}

/// An OPML document as read, with what was wrong in it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OpmlDocument {
    /// Subscriptions, in document order.
    pub outlines: Vec<OpmlOutline>,
    /// What was wrong but could be read past, in words.
    pub warnings: Vec<String>,
}

/// Reads an OPML subscription list. Attribute names are matched without regard to case, and a
/// document broken part-way keeps what was read before the break, with a warning.
pub fn parse_opml(text: &str) -> Result<OpmlDocument> {
    if text.len() > MAX_OPML_BYTES {
        return Err(Error::TooLarge { size: text.len(), limit: MAX_OPML_BYTES });
    }
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = false;
    let mut doc = OpmlDocument::default();
    let mut folders: Vec<Option<String>> = Vec::new();
    let mut saw_opml = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = e.name().0.to_ascii_lowercase();
                if name == "opml" {
                    saw_opml = true;
                } else if name == "outline" {
                    let folder = read_outline(&e, &folders, &mut doc);
                    folders.push(folder);
                }
            }
            Ok(Event::Empty(e)) => {
                let name = e.name().0.to_ascii_lowercase();
                if name == "outline" {
                    read_outline(&e, &folders, &mut doc);
                } else if name == "opml" {
                    saw_opml = true;
                }
            }
            Ok(Event::End(e)) => {
                if e.name().0.eq_ignore_ascii_case("outline") {
                    folders.pop();
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                if !saw_opml {
                    return Err(Error::NotOpml(e.to_string()));
                }
                doc.warnings.push(format!(
                    "the file is broken at byte {} ({e}); the {} subscriptions before it were kept",
                    reader.buffer_position(),
                    doc.outlines.len()
                ));
                break;
            }
        }
    }
    if !saw_opml {
        return Err(Error::NotOpml("no <opml> element".to_string()));
    }
    Ok(doc)
}

/// Reads one outline: a subscription is recorded; a folder's name is returned.
fn read_outline(e: &BytesStart<'_>, folders: &[Option<String>], doc: &mut OpmlDocument) -> Option<String> {
    let mut title = None;
    let mut text = None;
    let mut xml_url = None;
    let mut html_url = None;
    for attr in e.html_attributes().flatten() {
        let key = attr.key.0.to_ascii_lowercase();
        let value = match attr.normalized_value(quick_xml::XmlVersion::Implicit1_0) {
            Ok(v) => v.trim().to_string(),
            Err(_) => attr.value.trim().to_string(),
        };
        match key.as_str() {
            "title" => title = Some(value),
            "text" => text = Some(value),
            "xmlurl" => xml_url = Some(value),
            "htmlurl" => html_url = Some(value),
            _ => {}
        }
    }
    let name = title.filter(|t| !t.is_empty()).or(text).filter(|t| !t.is_empty());
    match xml_url.filter(|u| !u.is_empty()) {
        Some(xml_url) => {
            let path: Vec<&str> = folders.iter().flatten().map(String::as_str).collect();
            doc.outlines.push(OpmlOutline {
                title: name.unwrap_or_else(|| xml_url.clone()),
                xml_url,
                html_url: html_url.filter(|u| !u.is_empty()),
                category: (!path.is_empty()).then(|| path.join(" / ")),
            });
            None
        }
        None => name,
    }
}

/// Writes subscriptions as OPML 2.0, one folder per category.
pub fn write_opml(title: &str, outlines: &[OpmlOutline]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n");
    out.push_str(&format!("  <head><title>{}</title></head>\n  <body>\n", escape(title)));
    let mut categories: Vec<Option<&str>> = outlines.iter().map(|o| o.category.as_deref()).collect();
    categories.dedup();
    let mut seen: Vec<Option<&str>> = Vec::new();
    for cat in categories {
        if seen.contains(&cat) {
            continue;
        }
        seen.push(cat);
        let indent = if cat.is_some() { "      " } else { "    " };
        if let Some(c) = cat {
            out.push_str(&format!("    <outline text=\"{0}\" title=\"{0}\">\n", escape(c)));
        }
        for o in outlines.iter().filter(|o| o.category.as_deref() == cat) {
            out.push_str(&format!(
                "{indent}<outline type=\"rss\" text=\"{0}\" title=\"{0}\" xmlUrl=\"{1}\"",
                escape(&o.title),
                escape(&o.xml_url)
            ));
            if let Some(h) = &o.html_url {
                out.push_str(&format!(" htmlUrl=\"{}\"", escape(h)));
            }
            out.push_str("/>\n");
        }
        if cat.is_some() {
            out.push_str("    </outline>\n");
        }
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

fn escape(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_folders_become_categories() {
        let doc = parse_opml(include_str!("../testdata/opml-nested-folders.opml")).unwrap();
        assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
        let cats: Vec<Option<&str>> = doc.outlines.iter().map(|o| o.category.as_deref()).collect();
        assert_eq!(cats, [Some("News"), Some("News / Local"), None]);
        assert_eq!(doc.outlines[1].xml_url, "https://valley.example/rss?a=1&b=2");
    }

    #[test]
    fn broken_file_keeps_what_came_before_the_break() {
        let doc = parse_opml(include_str!("../testdata/opml-truncated.opml")).unwrap();
        assert_eq!(doc.outlines.len(), 1);
        assert_eq!(doc.warnings.len(), 1, "{:?}", doc.warnings);
    }

    #[test]
    fn export_round_trips() {
        let doc = parse_opml(include_str!("../testdata/opml-nested-folders.opml")).unwrap();
        let again = parse_opml(&write_opml("Tidings", &doc.outlines)).unwrap();
        assert_eq!(again.outlines, doc.outlines);
    }

    #[test]
    fn a_feed_is_not_opml() {
        assert!(matches!(parse_opml("<rss><channel/></rss>"), Err(Error::NotOpml(_))));
    }
}
