//! A tolerant XML reader for feeds: never fails, never expands external entities.
//!
//! Real feeds are often not well-formed (stray `&`, HTML entities, unclosed CDATA, mismatched
//! tags, undeclared prefixes), so instead of a strict parser this reads the document into a
//! small tree the way a browser reads HTML: unknown entities stay as written, an end tag closes
//! the nearest open element of that name and is ignored otherwise, and the end of input closes
//! everything. Namespace prefixes are resolved and mapped onto the canonical prefixes of the
//! feed formats (`atom`, `dc`, `content`, …), so `<foo:creator xmlns:foo="…/dc/elements/1.1/">`
//! is `dc:creator`. Only internal `<!ENTITY>` declarations with literal values are honoured,
//! each at most 1 KiB and never recursively, so "billion laughs" cannot expand; and what they
//! expand to in all is bounded by [`entity_budget`], so many references to one entity cannot
//! either (the same idea as libxml2's amplification limit).

use std::cell::Cell;
use std::collections::HashMap;

/// Elements nested deeper than this are read as text of their parent.
const MAX_DEPTH: usize = 256;
/// Internal entities kept at most.
const MAX_ENTITIES: usize = 256;

/// Bytes the document's own entities may expand to in all: as many as the document has, at
/// least 64 KiB and at most 8 MiB. References past the budget stay as written.
pub(crate) fn entity_budget(source_len: usize) -> usize {
    source_len.clamp(64 * 1024, 8 * 1024 * 1024)
}

/// One element.
#[derive(Debug, Default, Clone)]
pub(crate) struct Node {
    /// Canonical namespace prefix ("" for RSS/none, "atom", "dc", …), lower case.
    pub(crate) ns: String,
    /// Local name, lower case.
    pub(crate) local: String,
    /// Attributes: (canonical prefix, local name lower case, decoded value).
    pub(crate) attrs: Vec<(String, String, String)>,
    /// Child elements, in order.
    pub(crate) children: Vec<usize>,
    /// Decoded text directly inside (CDATA included), in order.
    pub(crate) text: String,
    /// Byte range of the raw content between the start and end tags.
    pub(crate) inner: (usize, usize),
    /// The parent element (0 is the document).
    pub(crate) parent: usize,
}

impl Node {
    /// The value of attribute `local` (any namespace, or the given one).
    pub(crate) fn attr(&self, ns: &str, local: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, l, _)| l == local && (n == ns || ns == "*")).map(|(_, _, v)| v.as_str())
    }

    /// True for `ns:local`.
    pub(crate) fn is(&self, ns: &str, local: &str) -> bool {
        self.local == local && self.ns == ns
    }
}

/// A document read into a tree; node 0 is the document itself.
#[derive(Debug)]
pub(crate) struct Doc<'a> {
    pub(crate) source: &'a str,
    pub(crate) nodes: Vec<Node>,
    /// Elements still open when the input ended (a truncated or broken document).
    pub(crate) unclosed: usize,
    entities: HashMap<String, String>,
    /// Bytes the document's own entities may still expand to.
    entity_budget: Cell<usize>,
    /// Set when a reference was left as written because the budget ran out.
    entity_budget_spent: Cell<bool>,
}

/// Namespace URIs of the feed formats and their extensions, with the prefix we use for them.
fn canonical_prefix(uri: &str) -> Option<&'static str> {
    let u = uri.trim().trim_end_matches('/').to_ascii_lowercase();
    Some(match u.as_str() {
        "http://www.w3.org/2005/atom" | "http://purl.org/atom/ns#" | "http://purl.org/atom/ns" => "atom",
        "http://purl.org/rss/1.0"
        | "http://my.netscape.com/rdf/simple/0.9"
        | "http://backend.userland.com/rss2"
        | "http://blogs.law.harvard.edu/tech/rss"
        | "http://purl.org/net/rss1.1#"
        | "http://channel.netscape.com/rdf/simple/0.9" => "",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#" => "rdf",
        "http://purl.org/dc/elements/1.1" | "http://purl.org/dc/elements/1.0" => "dc",
        "http://purl.org/dc/terms" => "dcterms",
        "http://purl.org/rss/1.0/modules/content" => "content",
        "http://www.itunes.com/dtds/podcast-1.0.dtd" | "http://example.com/dtds/podcast-1.0.dtd" => "itunes",
        "http://search.yahoo.com/mrss" | "http://search.yahoo.com/mrss/" => "media",
        "http://www.w3.org/1999/xhtml" => "xhtml",
        "http://www.w3.org/xml/1998/namespace" => "xml",
        "http://purl.org/rss/1.0/modules/syndication" => "sy",
        "http://webns.net/mvcb" => "admin",
        "http://wellformedweb.org/commentapi" => "wfw",
        "http://purl.org/rss/1.0/modules/slash" => "slash",
        "http://www.w3.org/2003/01/geo/wgs84_pos#" => "geo",
        "http://www.georss.org/georss" => "georss",
        "http://podlove.org/simple-chapters" => "psc",
        _ => return None,
    })
}

/// The namespace prefixes in scope, indexed by prefix so that resolving a name costs the same
/// however many prefixes a document declares.
struct Scopes {
    /// Prefix → the URIs it is bound to, innermost last.
    bound: HashMap<String, Vec<String>>,
    /// For each open element, the prefixes it declared.
    frames: Vec<Vec<String>>,
}

impl Scopes {
    fn new() -> Self {
        let mut bound = HashMap::new();
        bound.insert("xml".to_string(), vec!["xml".to_string()]);
        Self { bound, frames: vec![Vec::new()] }
    }

    fn push(&mut self, declared: Vec<(String, String)>) {
        let mut frame = Vec::with_capacity(declared.len());
        for (prefix, uri) in declared {
            self.bound.entry(prefix.clone()).or_default().push(uri);
            frame.push(prefix);
        }
        self.frames.push(frame);
    }

    fn pop(&mut self) {
        for prefix in self.frames.pop().unwrap_or_default() {
            if let Some(uris) = self.bound.get_mut(&prefix) {
                uris.pop();
                if uris.is_empty() {
                    self.bound.remove(&prefix);
                }
            }
        }
    }

    fn uri(&self, prefix: &str) -> Option<&str> {
        self.bound.get(prefix).and_then(|u| u.last()).map(String::as_str)
    }
}

impl<'a> Doc<'a> {
    /// Reads `source` into a tree. Never fails.
    pub(crate) fn parse(source: &'a str) -> Self {
        let mut doc = Doc {
            source,
            nodes: vec![Node::default()],
            unclosed: 0,
            entities: HashMap::new(),
            entity_budget: Cell::new(entity_budget(source.len())),
            entity_budget_spent: Cell::new(false),
        };
        let bytes = source.as_bytes();
        let mut stack: Vec<usize> = vec![0];
        let mut scopes = Scopes::new();
        let mut raw_names: Vec<String> = vec![String::new()];
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] != b'<' {
                let end = memchr(b'<', &bytes[i..]).map_or(bytes.len(), |p| i + p);
                let text = doc.decode(&source[i..end]);
                if let Some(&top) = stack.last() {
                    doc.nodes[top].text.push_str(&text);
                }
                i = end;
                continue;
            }
            let rest = &source[i..];
            if rest.starts_with("<!--") {
                i = find(rest, "-->").map_or(bytes.len(), |p| i + p + 3);
            } else if rest.starts_with("<![CDATA[") {
                let body_start = i + 9;
                let (body_end, next) = find(&source[body_start..], "]]>")
                    .map_or((bytes.len(), bytes.len()), |p| (body_start + p, body_start + p + 3));
                if let Some(&top) = stack.last() {
                    doc.nodes[top].text.push_str(&source[body_start..body_end]);
                }
                i = next;
            } else if rest.starts_with("<!") {
                i = doc.declaration(i);
            } else if rest.starts_with("<?") {
                i = find(rest, "?>").map_or(bytes.len(), |p| i + p + 2);
            } else if let Some(tag) = rest.strip_prefix("</") {
                let name_end = tag.find(|c: char| c == '>' || c.is_whitespace()).unwrap_or(tag.len());
                let name = tag[..name_end].to_ascii_lowercase();
                let close = find(rest, ">").map_or(bytes.len(), |p| i + p + 1);
                if let Some(pos) = raw_names.iter().rposition(|n| *n == name).filter(|p| *p > 0) {
                    while stack.len() > pos {
                        if let Some(n) = stack.pop() {
                            doc.nodes[n].inner.1 = i;
                        }
                        raw_names.pop();
                        scopes.pop();
                    }
                }
                i = close;
            } else if rest.len() > 1
                && (rest.as_bytes()[1].is_ascii_alphabetic()
                    || rest.as_bytes()[1] == b'_'
                    || rest.as_bytes()[1] >= 0x80)
            {
                i = doc.start_tag(i, &mut stack, &mut scopes, &mut raw_names);
            } else {
                // A lone '<' is text.
                if let Some(&top) = stack.last() {
                    doc.nodes[top].text.push('<');
                }
                i += 1;
            }
        }
        while let Some(n) = stack.pop() {
            if n != 0 {
                doc.nodes[n].inner.1 = source.len();
                doc.unclosed += 1;
            }
        }
        doc
    }

    /// `<!DOCTYPE …>` with an optional internal subset; collects literal `<!ENTITY>`s.
    fn declaration(&mut self, start: usize) -> usize {
        let bytes = self.source.as_bytes();
        let mut i = start + 2;
        let mut depth = 0usize;
        let mut quote: Option<u8> = None;
        while i < bytes.len() {
            let c = bytes[i];
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None => match c {
                    b'"' | b'\'' => quote = Some(c),
                    b'[' => depth += 1,
                    b']' => depth = depth.saturating_sub(1),
                    b'<' if self.source[i..].starts_with("<!ENTITY") => {
                        let end = find(&self.source[i..], ">").map_or(bytes.len(), |p| i + p);
                        self.entity_decl(&self.source[i + 8..end]);
                        i = end;
                        continue;
                    }
                    b'>' if depth == 0 => return i + 1,
                    _ => {}
                },
            }
            i += 1;
        }
        bytes.len()
    }

    fn entity_decl(&mut self, decl: &str) {
        let decl = decl.trim();
        if decl.starts_with('%') || self.entities.len() >= MAX_ENTITIES {
            return;
        }
        let Some((name, rest)) = decl.split_once(char::is_whitespace) else { return };
        let rest = rest.trim();
        let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else { return };
        let Some(value) = rest[1..].split(q).next() else { return };
        if value.len() <= 1024 && !value.contains('&') {
            self.entities.insert(name.to_string(), value.to_string());
        }
    }

    fn start_tag(
        &mut self,
        start: usize,
        stack: &mut Vec<usize>,
        scopes: &mut Scopes,
        raw_names: &mut Vec<String>,
    ) -> usize {
        let source = self.source;
        let bytes = source.as_bytes();
        let mut i = start + 1;
        let name_start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' && bytes[i] != b'/' {
            i += 1;
        }
        let raw_name = source[name_start..i].to_ascii_lowercase();
        let mut attrs: Vec<(String, String)> = Vec::new();
        let mut self_closing = false;
        loop {
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if i >= bytes.len() {
                break;
            }
            match bytes[i] {
                b'>' => {
                    i += 1;
                    break;
                }
                b'/' => {
                    self_closing = source[i..].starts_with("/>");
                    i += if self_closing { 2 } else { 1 };
                    if self_closing {
                        break;
                    }
                }
                _ => {
                    let a_start = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !matches!(bytes[i], b'=' | b'>' | b'/')
                    {
                        i += 1;
                    }
                    let a_name = source[a_start..i].to_string();
                    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                        i += 1;
                    }
                    let mut value = String::new();
                    if i < bytes.len() && bytes[i] == b'=' {
                        i += 1;
                        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                            i += 1;
                        }
                        if i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
                            let q = bytes[i];
                            let v_start = i + 1;
                            let v_end = memchr(q, &bytes[v_start..]).map_or(bytes.len(), |p| v_start + p);
                            value = self.decode(&source[v_start..v_end]);
                            i = (v_end + 1).min(bytes.len());
                        } else {
                            let v_start = i;
                            while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                                i += 1;
                            }
                            value = self.decode(&source[v_start..i]);
                        }
                    }
                    if a_start == i {
                        i += 1;
                    } else {
                        attrs.push((a_name, value));
                    }
                }
            }
        }
        if stack.len() > MAX_DEPTH {
            return i;
        }
        // Namespace declarations first, then names.
        let mut declared = Vec::new();
        for (name, value) in &attrs {
            if name == "xmlns" {
                declared.push((String::new(), value.clone()));
            } else if let Some(p) = name.strip_prefix("xmlns:") {
                declared.push((p.to_ascii_lowercase(), value.clone()));
            }
        }
        scopes.push(declared);
        let resolve = |prefix: &str, is_attr: bool| -> String {
            if is_attr && prefix.is_empty() {
                return String::new();
            }
            if prefix == "xml" {
                return "xml".to_string();
            }
            match scopes.uri(prefix) {
                Some(u) => canonical_prefix(u).map_or_else(|| prefix.to_string(), str::to_string),
                None => prefix.to_string(),
            }
        };
        let (prefix, local) = raw_name.split_once(':').unwrap_or(("", &raw_name));
        let node = Node {
            ns: resolve(prefix, false),
            local: local.to_string(),
            attrs: attrs
                .iter()
                .filter(|(n, _)| n != "xmlns" && !n.starts_with("xmlns:"))
                .map(|(n, v)| {
                    let lower = n.to_ascii_lowercase();
                    let (p, l) = lower.split_once(':').unwrap_or(("", &lower));
                    (resolve(p, true), l.to_string(), v.clone())
                })
                .collect(),
            children: Vec::new(),
            text: String::new(),
            inner: (i, i),
            parent: stack.last().copied().unwrap_or(0),
        };
        let id = self.nodes.len();
        let parent = node.parent;
        self.nodes.push(node);
        self.nodes[parent].children.push(id);
        if self_closing {
            scopes.pop();
        } else {
            stack.push(id);
            raw_names.push(raw_name);
        }
        i
    }

    /// Decodes character and entity references: XML's five, numeric ones, HTML's named ones and
    /// the document's own literal entities. Unknown references stay as written.
    pub(crate) fn decode(&self, s: &str) -> String {
        decode_with(s, &self.entities, &self.entity_budget, &self.entity_budget_spent)
    }

    /// True when some of the document's own entity references were left as written because
    /// what they expand to passed [`entity_budget`].
    pub(crate) fn entity_budget_spent(&self) -> bool {
        self.entity_budget_spent.get()
    }

    /// Text of a node and all its descendants, in document order.
    pub(crate) fn deep_text(&self, id: usize) -> String {
        let n = &self.nodes[id];
        if n.children.is_empty() {
            return n.text.clone();
        }
        let (start, end) = n.inner;
        let raw = &self.source[start.min(end)..end];
        let mut out = String::new();
        let mut rest = raw;
        while let Some(p) = rest.find('<') {
            out.push_str(&self.decode(&rest[..p]));
            rest = &rest[p..];
            if rest.starts_with("<![CDATA[") {
                let body = &rest[9..];
                let e = body.find("]]>").unwrap_or(body.len());
                out.push_str(&body[..e]);
                rest = body.get(e + 3..).unwrap_or("");
            } else {
                let e = rest.find('>').map_or(rest.len(), |e| e + 1);
                rest = &rest[e..];
            }
        }
        out.push_str(&self.decode(rest));
        out
    }

    /// The markup inside a node: its text when it has no child elements, else its raw content
    /// with CDATA sections unwrapped.
    pub(crate) fn inner_markup(&self, id: usize) -> String {
        let n = &self.nodes[id];
        if n.children.is_empty() {
            return n.text.clone();
        }
        self.raw_inner(id)
    }

    /// The raw markup inside a node (entities as written), CDATA sections unwrapped.
    pub(crate) fn raw_inner(&self, id: usize) -> String {
        let (start, end) = self.nodes[id].inner;
        let raw = &self.source[start.min(end)..end];
        let mut out = String::with_capacity(raw.len());
        let mut rest = raw;
        while let Some(p) = rest.find("<![CDATA[") {
            out.push_str(&rest[..p]);
            let body = &rest[p + 9..];
            let e = body.find("]]>").unwrap_or(body.len());
            out.push_str(&quick_xml::escape::escape(&body[..e]));
            rest = body.get(e + 3..).unwrap_or("");
        }
        out.push_str(rest);
        out
    }

    /// Child elements of `id`.
    pub(crate) fn children(&self, id: usize) -> impl Iterator<Item = (usize, &Node)> {
        self.nodes[id].children.iter().map(move |&c| (c, &self.nodes[c]))
    }

    /// The first child `ns:local` of `id`.
    pub(crate) fn child(&self, id: usize, ns: &str, local: &str) -> Option<usize> {
        self.children(id).find(|(_, n)| n.is(ns, local)).map(|(c, _)| c)
    }
}

fn decode_with(s: &str, entities: &HashMap<String, String>, budget: &Cell<usize>, spent: &Cell<bool>) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let end = rest[1..]
            .char_indices()
            .take(40)
            .find(|(_, c)| !(c.is_alphanumeric() || *c == '#' || *c == '_' || *c == '-' || *c == '.'))
            .map(|(i, c)| (i + 1, c));
        match end {
            Some((e, ';')) if e > 1 => {
                let name = &rest[1..e];
                if let Some(c) = reference(name, entities, budget, spent) {
                    out.push_str(&c);
                    rest = &rest[e + 1..];
                    continue;
                }
                out.push('&');
                rest = &rest[1..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn reference(
    name: &str,
    entities: &HashMap<String, String>,
    budget: &Cell<usize>,
    spent: &Cell<bool>,
) -> Option<String> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse::<u32>().ok()?,
        };
        return char::from_u32(code).map(String::from);
    }
    if let Some(v) = entities.get(name) {
        let Some(left) = budget.get().checked_sub(v.len()) else {
            spent.set(true);
            return None;
        };
        budget.set(left);
        return Some(v.clone());
    }
    crate::entities::lookup(name).map(String::from)
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
}

fn find(hay: &str, needle: &str) -> Option<usize> {
    hay.find(needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_resolve_to_canonical_names() {
        let doc = Doc::parse(
            r#"<rss xmlns:foo="http://purl.org/dc/elements/1.1/"><channel><foo:creator>Ann</foo:creator></channel></rss>"#,
        );
        assert!(doc.nodes.iter().any(|n| n.is("dc", "creator") && n.text == "Ann"));
    }

    #[test]
    fn entities_html_numeric_and_unknown() {
        let doc = Doc::parse("<t>a&nbsp;b &#150; &bogus; & c &amp;</t>");
        assert_eq!(doc.nodes[1].text, "a\u{a0}b \u{96} &bogus; & c &");
    }

    #[test]
    fn mismatched_and_unclosed_tags_are_tolerated() {
        let doc = Doc::parse("<rss><channel><title>T</b></title><item><title>x<![CDATA[ <y>");
        let titles: Vec<&str> = doc.nodes.iter().filter(|n| n.local == "title").map(|n| n.text.as_str()).collect();
        assert_eq!(titles, ["T", "x <y>"]);
    }

    #[test]
    fn entity_expansion_is_literal_and_bounded() {
        let doc = Doc::parse(r#"<!DOCTYPE r [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;">]><r>&a;&b;</r>"#);
        assert_eq!(doc.nodes[1].text, "ha&b;");
    }
}
