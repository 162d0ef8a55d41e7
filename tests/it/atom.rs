//! A strict reader of the Atom the site writes: XML 1.0 well-formedness (quick-xml with end
//! names checked, every text and attribute unescaped, no duplicate attributes, no character XML
//! forbids, one root) and the rules of RFC 4287 a reader relies on. Our own feed parser is
//! lenient on purpose, so it cannot be the judge of what we write.

use std::collections::HashSet;

use jiff::Timestamp;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

const ATOM: &str = "http://www.w3.org/2005/Atom";

/// An entry as read back.
#[derive(Debug, Default)]
pub(crate) struct Entry {
    pub(crate) id: String,
    pub(crate) link: String,
    pub(crate) summary: String,
}

/// A feed as read back.
#[derive(Debug, Default)]
pub(crate) struct Feed {
    pub(crate) title: String,
    pub(crate) entries: Vec<Entry>,
}

/// An element as read: its name, attributes and text, and its children.
#[derive(Debug, Default)]
struct Node {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
    children: Vec<Node>,
}

impl Node {
    fn all(&self, name: &str) -> Vec<&Node> {
        self.children.iter().filter(|c| c.name == name).collect()
    }

    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The text of the one `name` child.
    fn one(&self, name: &str, within: &str) -> Result<String, String> {
        match self.all(name).as_slice() {
            [one] => Ok(one.text.clone()),
            found => Err(format!("{within} has {} <{name}> elements; RFC 4287 wants exactly one", found.len())),
        }
    }

    fn at_most_one(&self, name: &str, within: &str) -> Result<Option<String>, String> {
        match self.all(name).as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one.text.clone())),
            found => Err(format!("{within} has {} <{name}> elements; RFC 4287 allows one", found.len())),
        }
    }
}

fn element(e: &BytesStart<'_>) -> Result<Node, String> {
    let name = e.name().as_ref().to_string();
    let mut attrs = Vec::new();
    for a in e.attributes().with_checks(true) {
        let a = a.map_err(|e| format!("<{name}>: {e}"))?;
        let key = a.key.as_ref().to_string();
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| format!("<{name} {key}>: {e}"))?
            .into_owned();
        attrs.push((key, value));
    }
    Ok(Node { name, attrs, ..Node::default() })
}

/// The document's root element, read strictly.
fn parse_xml(xml: &str) -> Result<Node, String> {
    if let Some(bad) = xml.chars().find(|&c| (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r')) {
        return Err(format!("character U+{:04X} is not allowed in XML 1.0", bad as u32));
    }
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    reader.config_mut().check_comments = true;
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    loop {
        let event =
            reader.read_event().map_err(|e| format!("not well-formed XML at {}: {e}", reader.buffer_position()))?;
        match event {
            Event::Start(e) => stack.push(element(&e)?),
            Event::Empty(e) => {
                let node = element(&e)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None if root.is_none() => root = Some(node),
                    None => return Err("more than one root element".into()),
                }
            }
            Event::End(_) => {
                let node = stack.pop().ok_or("an end tag without a start")?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None if root.is_none() => root = Some(node),
                    None => return Err("more than one root element".into()),
                }
            }
            Event::Text(t) => {
                let text = t.into_inner();
                if text.contains('&') {
                    return Err(format!("a bare & in text: {text:?}"));
                }
                match stack.last_mut() {
                    Some(node) => node.text.push_str(&text),
                    None if text.trim().is_empty() => {}
                    None => return Err(format!("text outside the root element: {text:?}")),
                }
            }
            Event::GeneralRef(r) => {
                let name = r.into_inner();
                let text = quick_xml::escape::unescape(&format!("&{name};"))
                    .map_err(|e| format!("bad reference &{name};: {e}"))?
                    .into_owned();
                stack.last_mut().ok_or("a reference outside the root element")?.text.push_str(&text);
            }
            Event::CData(c) => {
                let text = c.into_inner().into_owned();
                stack.last_mut().ok_or("CDATA outside the root element")?.text.push_str(&text);
            }
            Event::Eof => break,
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::DocType(_) => return Err("a feed has no DOCTYPE".into()),
        }
    }
    if !stack.is_empty() {
        return Err(format!("<{}> is never closed", stack[stack.len() - 1].name));
    }
    root.ok_or_else(|| "no root element".to_string())
}

/// Whether `xml` is well-formed XML 1.0, or where it is not.
pub(crate) fn well_formed(xml: &str) -> Result<(), String> {
    parse_xml(xml).map(|_| ())
}

fn date(value: &str, what: &str) -> Result<(), String> {
    value.parse::<Timestamp>().map(|_| ()).map_err(|e| format!("{what} {value:?} is not an RFC 3339 date: {e}"))
}

fn iri(value: &str, what: &str) -> Result<(), String> {
    url::Url::parse(value).map(|_| ()).map_err(|e| format!("{what} {value:?} is not an absolute IRI: {e}"))
}

/// The alternate link's address; at most one per media type (RFC 4287 4.1.1).
fn alternate(node: &Node, within: &str) -> Result<Option<String>, String> {
    let mut types = HashSet::new();
    let mut found = None;
    for link in node.all("link") {
        let href = link.attr("href").ok_or_else(|| format!("a <link> of {within} has no href"))?;
        iri(href, "a link")?;
        if link.attr("rel").unwrap_or("alternate") == "alternate" {
            if !types.insert(link.attr("type").unwrap_or_default().to_string()) {
                return Err(format!("{within} has two alternate links of one type"));
            }
            found = Some(href.to_string());
        }
    }
    Ok(found)
}

/// Reads `xml` as RFC 4287 Atom, or says which rule it breaks.
pub(crate) fn strict_atom(xml: &str) -> Result<Feed, String> {
    let root = parse_xml(xml)?;
    if root.name != "feed" || root.attr("xmlns") != Some(ATOM) {
        return Err(format!("the root is <{}> in {:?}, not an Atom <feed>", root.name, root.attr("xmlns")));
    }
    iri(&root.one("id", "the feed")?, "the feed's id")?;
    let title = root.one("title", "the feed")?;
    date(&root.one("updated", "the feed")?, "the feed's updated")?;
    alternate(&root, "the feed")?;
    let feed_author = !root.all("author").is_empty();
    for author in root.all("author") {
        author.one("name", "an author")?;
    }
    let mut ids = HashSet::new();
    let mut entries = Vec::new();
    for (n, e) in root.all("entry").into_iter().enumerate() {
        let within = format!("entry {n}");
        let id = e.one("id", &within)?;
        iri(&id, "an entry's id")?;
        if !ids.insert(id.clone()) {
            return Err(format!("two entries have the id {id}"));
        }
        let title = e.one("title", &within)?;
        date(&e.one("updated", &within)?, "an entry's updated")?;
        if let Some(p) = e.at_most_one("published", &within)? {
            date(&p, "an entry's published")?;
        }
        if !feed_author && e.all("author").is_empty() {
            return Err(format!("{within} has no author and neither has the feed"));
        }
        for author in e.all("author") {
            author.one("name", "an author")?;
        }
        let summary = e.at_most_one("summary", &within)?.unwrap_or_default();
        for text in e.all("summary").into_iter().chain(e.all("title")) {
            if !matches!(text.attr("type").unwrap_or("text"), "text" | "html" | "xhtml") {
                return Err(format!("{within}: <{}> has type {:?}", text.name, text.attr("type")));
            }
        }
        let link = alternate(e, &within)?;
        if link.is_none() && e.all("content").is_empty() {
            return Err(format!("{within} has neither an alternate link nor content"));
        }
        if title.trim().is_empty() {
            return Err(format!("{within} has an empty title"));
        }
        entries.push(Entry { id, link: link.unwrap_or_default(), summary });
    }
    Ok(Feed { title, entries })
}

#[test]
fn the_strict_reader_refuses_what_rfc_4287_and_xml_refuse() {
    let good = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>T &amp; U</title>\
                <id>http://x.example/</id><updated>2026-01-01T00:00:00Z</updated><author><name>A</name></author>\
                <entry><id>http://x.example/1</id><title>One</title><updated>2026-01-01T00:00:00Z</updated>\
                <link rel=\"alternate\" type=\"text/html\" href=\"http://x.example/1\"/><summary type=\"html\">&lt;p&gt;x&lt;/p&gt;</summary></entry></feed>";
    let feed = strict_atom(good).unwrap();
    assert_eq!(feed.title, "T & U");
    assert_eq!(feed.entries[0].summary, "<p>x</p>");
    for (bad, why) in [
        (good.replace("</title><id>", "</titl><id>"), "mismatched end tag"),
        (good.replace("T &amp; U", "T & U"), "bare ampersand"),
        (good.replace("T &amp; U", "T &nbsp; U"), "undefined entity"),
        (good.replace("<updated>2026-01-01T00:00:00Z</updated><author>", "<author>"), "no updated"),
        (good.replace("<title>One</title>", ""), "entry without title"),
        (good.replace("<id>http://x.example/1</id>", "<id>1</id>"), "relative id"),
        (good.replace("T &amp; U", "T \u{1} U"), "control character"),
        (good.replace("</feed>", "</feed><feed/>"), "two roots"),
        (good.replace("<author><name>A</name></author>", ""), "no author"),
        (
            good.replace("href=\"http://x.example/1\"/>", "href=\"http://x.example/1\" href=\"http://x.example/2\"/>"),
            "duplicate attribute",
        ),
    ] {
        assert!(strict_atom(&bad).is_err(), "{why} was accepted");
    }
}
