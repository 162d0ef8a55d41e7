//! RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and CDF from the tolerant tree onto the feed model, following
//! Python feedparser's reading of each element so that real feeds read as readers expect.

use base64::Engine as _;
use url::Url;

use crate::model::{Enclosure, FeedFormat, Item, ParsedFeed};
use crate::xml::Doc;
use crate::{Error, Result, json_feed};
use tidings_core::parse_date;

/// Feeds larger than this are refused; the fetcher caps bodies lower already.
const MAX_FEED_BYTES: usize = 32 * 1024 * 1024;

/// Parses `bytes` as RSS, Atom or JSON Feed. `source_url` resolves relative links (with any
/// `xml:base` in scope); without it, relative links are kept as written.
///
/// Only bytes that hold no feed at all are an error; anything less is a warning.
pub fn parse_feed(bytes: &[u8], source_url: Option<&Url>) -> Result<ParsedFeed> {
    parse_feed_http(bytes, source_url, None)
}

/// Like [`parse_feed`], with the HTTP Content-Type header, whose charset is trusted after a
/// byte-order mark and before the XML declaration.
pub fn parse_feed_http(bytes: &[u8], source_url: Option<&Url>, content_type: Option<&str>) -> Result<ParsedFeed> {
    if bytes.len() > MAX_FEED_BYTES {
        return Err(Error::TooLarge { size: bytes.len(), limit: MAX_FEED_BYTES });
    }
    let (text, mut warnings) = decode(bytes, content_type.and_then(http_charset));
    if text.trim_start().starts_with('{') {
        return json_feed::parse(&text, source_url, warnings);
    }
    let doc = Doc::parse(&text);
    let Some((root, format)) = find_root(&doc) else {
        return Err(Error::NotAFeed("no <rss>, <feed> or RDF root element".to_string()));
    };
    let reader = Reader { doc: &doc, source_url };
    let mut feed = match format {
        FeedFormat::Atom => reader.atom(root),
        _ => reader.rss(root),
    };
    if doc.unclosed > 0 {
        warnings.push(format!("the document ends with {} elements still open; it may be cut off", doc.unclosed));
    }
    if doc.entity_budget_spent() {
        warnings.push(format!(
            "the feed's own <!ENTITY> references would expand to more than {} bytes; the rest were left as written",
            crate::xml::entity_budget(text.len())
        ));
    }
    warnings.append(&mut feed.warnings);
    feed.warnings = warnings;
    Ok(feed)
}

fn http_charset(content_type: &str) -> Option<&'static encoding_rs::Encoding> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        let label = v.trim().trim_matches(['"', '\'']);
        k.trim().eq_ignore_ascii_case("charset").then(|| encoding_rs::Encoding::for_label(label.as_bytes())).flatten()
    })
}

/// Bytes to text: BOM, then the HTTP charset, then the XML declaration's encoding, then UTF-8,
/// then windows-1252.
fn decode(bytes: &[u8], http: Option<&'static encoding_rs::Encoding>) -> (String, Vec<String>) {
    let mut warnings = Vec::new();
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _, bad) = enc.decode(&bytes[bom..]);
        if !bad {
            return (text.into_owned(), warnings);
        }
        warnings.push(format!("the feed has bytes that are not valid {}; read as windows-1252", enc.name()));
        return (encoding_rs::WINDOWS_1252.decode(&bytes[bom..]).0.into_owned(), warnings);
    }
    if let Some(enc) = http {
        let (text, _, bad) = enc.decode(bytes);
        if !bad {
            return (text.into_owned(), warnings);
        }
        warnings.push(format!("the server says the feed is {} but it is not", enc.name()));
    }
    // UTF-16 without a byte-order mark still starts with '<' and a zero byte.
    match bytes {
        [0, b'<', 0, b'?', ..] => return (encoding_rs::UTF_16BE.decode(bytes).0.into_owned(), warnings),
        [b'<', 0, b'?', 0, ..] => return (encoding_rs::UTF_16LE.decode(bytes).0.into_owned(), warnings),
        _ => {}
    }
    let head = &bytes[..bytes.len().min(512)];
    let declared = std::str::from_utf8(head)
        .ok()
        .or_else(|| std::str::from_utf8(&head[..head.iter().position(|&b| b >= 0x80).unwrap_or(head.len())]).ok())
        .filter(|h| h.trim_start().starts_with("<?xml"))
        .and_then(|h| {
            let decl = &h[..h.find("?>")?];
            let at = decl.find("encoding")?;
            let rest = decl[at + 8..].trim_start().strip_prefix('=')?.trim_start();
            let q = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
            rest.get(1..)?.split(q).next().map(str::to_string)
        });
    if let Some(label) = declared {
        // Labels Python does not know (feedparser's reference) fall back like unknown ones.
        let known = !matches!(label.trim().to_ascii_lowercase().as_str(), "mac" | "csmacintosh");
        let enc = encoding_rs::Encoding::for_label(label.trim().as_bytes()).filter(|_| known);
        if let Some(enc) = enc.filter(|e| *e != encoding_rs::UTF_16LE && *e != encoding_rs::UTF_16BE) {
            let (text, _, bad) = enc.decode(bytes);
            if !bad {
                return (text.into_owned(), warnings);
            }
            warnings.push(format!("the feed says it is {label} but is not; read as UTF-8 or windows-1252"));
        } else if enc.is_none() {
            warnings.push(format!("unknown encoding {label:?}; read as UTF-8 or windows-1252"));
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), warnings),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            (text.into_owned(), warnings)
        }
    }
}

/// The feed's root element and format.
fn find_root(doc: &Doc<'_>) -> Option<(usize, FeedFormat)> {
    doc.nodes.iter().enumerate().skip(1).find_map(|(id, n)| match (n.ns.as_str(), n.local.as_str()) {
        (_, "rss") | ("rdf", "rdf") | (_, "channel") => Some((id, FeedFormat::Rss)),
        ("atom" | "", "feed") => Some((id, FeedFormat::Atom)),
        _ => None,
    })
}

struct Reader<'d, 'a> {
    doc: &'d Doc<'a>,
    source_url: Option<&'d Url>,
}

fn non_empty(s: String) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn push_unique(list: &mut Vec<String>, value: Option<String>) {
    if let Some(v) = value
        && !list.contains(&v)
    {
        list.push(v);
    }
}

impl Reader<'_, '_> {
    fn node(&self, id: usize) -> &crate::xml::Node {
        &self.doc.nodes[id]
    }

    /// Children of `parent` named `ns:local` for any of the given names, in document order.
    fn first(&self, parent: usize, names: &[(&str, &str)]) -> Option<usize> {
        names.iter().find_map(|(ns, local)| self.doc.child(parent, ns, local))
    }

    /// The base URL in scope at `id`: the source URL with every `xml:base` from the root down.
    fn base(&self, id: usize) -> Option<Url> {
        let mut chain = Vec::new();
        let mut cur = id;
        while cur != 0 {
            if let Some(b) = self.node(cur).attr("xml", "base") {
                chain.push(b.trim().to_string());
            }
            cur = self.node(cur).parent;
        }
        let mut base = self.source_url.cloned();
        for b in chain.iter().rev() {
            base = match &base {
                Some(u) => u.join(b).ok().or(base),
                None => Url::parse(b).ok(),
            };
        }
        base
    }

    fn url(&self, id: usize, href: &str) -> Option<String> {
        let href = href.trim();
        if href.is_empty() {
            return None;
        }
        match self.base(id) {
            Some(b) => b.join(href).ok().map(String::from).or_else(|| Some(href.to_string())),
            None => Some(href.to_string()),
        }
    }

    /// A text construct (Atom `type`/`mode`, or plain RSS text), as markup or text.
    fn construct(&self, id: usize) -> Option<String> {
        let n = self.node(id);
        let ty = n.attr("", "type").unwrap_or("").to_ascii_lowercase();
        let mode = n.attr("", "mode").unwrap_or("").to_ascii_lowercase();
        if n.attr("", "src").is_some() && n.text.trim().is_empty() && n.children.is_empty() {
            return None;
        }
        let binary_type = ty.contains('/') && !ty.starts_with("text/") && !ty.contains("xml") && !ty.contains("html");
        if mode == "base64" || binary_type {
            let raw: String = n.text.chars().filter(|c| !c.is_whitespace()).collect();
            if let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(raw.as_bytes()) {
                return non_empty(String::from_utf8_lossy(&decoded).into_owned());
            }
        }
        let div = self.doc.children(id).find(|(_, c)| c.local == "div" && c.ns == "xhtml").map(|(c, _)| c);
        if ty == "xhtml" {
            // Atom 1.0: the content is the inside of the wrapper div, markup as written.
            let wrapper = div.or_else(|| self.doc.children(id).find(|(_, c)| c.local == "div").map(|(c, _)| c));
            return non_empty(without_xhtml_namespace(&self.doc.raw_inner(wrapper.unwrap_or(id))));
        }
        if ty.ends_with("xhtml+xml") || mode == "xml" {
            // Atom 0.3 inline XHTML keeps its wrapper.
            return non_empty(without_xhtml_namespace(&self.doc.raw_inner(id)));
        }
        if let (Some(d), "html") = (div, ty.as_str())
            && n.children.len() == 1
        {
            return non_empty(repair(self.doc.deep_text(d)));
        }
        non_empty(repair(self.doc.inner_markup(id)))
    }

    fn text(&self, id: Option<usize>) -> Option<String> {
        id.and_then(|i| self.construct(i))
    }

    /// The last child named `ns:local` (feedparser lets a repeated element overwrite).
    fn last(&self, parent: usize, names: &[(&str, &str)]) -> Option<usize> {
        names
            .iter()
            .find_map(|(ns, local)| self.doc.children(parent).filter(|(_, n)| n.is(ns, local)).map(|(c, _)| c).last())
    }

    /// The first descendant named `ns:local`, for values feeds nest in groups.
    fn descendant(&self, id: usize, ns: &str, local: &str) -> Option<usize> {
        for (c, n) in self.doc.children(id) {
            if n.is(ns, local) {
                return Some(c);
            }
            if let Some(d) = self.descendant(c, ns, local) {
                return Some(d);
            }
        }
        None
    }

    fn date(&self, id: Option<usize>) -> Option<jiff::Timestamp> {
        id.and_then(|i| parse_date(&self.doc.deep_text(i)))
    }

    fn plain(&self, id: Option<usize>) -> Option<String> {
        id.and_then(|i| non_empty(repair(self.doc.deep_text(i))))
    }

    fn language(&self, root: usize, channel: usize) -> Option<String> {
        self.plain(self.first(channel, &[("", "language"), ("dc", "language")]))
            .or_else(|| self.node(channel).attr("xml", "lang").map(str::to_string))
            .or_else(|| self.node(root).attr("xml", "lang").map(str::to_string))
            .and_then(non_empty)
    }

    // ---- RSS, RDF and CDF ----

    fn rss(&self, root: usize) -> ParsedFeed {
        let channel = if self.node(root).local == "channel" {
            root
        } else {
            self.first(root, &[("", "channel")]).unwrap_or(root)
        };
        let link = self
            .first(channel, &[("", "link")])
            .and_then(|l| self.url(l, &self.doc.deep_text(l)))
            .or_else(|| self.alternate_link(channel))
            .or_else(|| self.node(channel).attr("", "href").and_then(|h| self.url(channel, h)));
        let mut items = Vec::new();
        self.collect(root, "item", &mut items);
        ParsedFeed {
            format: FeedFormat::Rss,
            title: self.text(self.first(channel, &[("", "title"), ("dc", "title")])),
            link,
            description: self.text(self.first(
                channel,
                &[("", "description"), ("dc", "description"), ("itunes", "subtitle"), ("", "abstract")],
            )),
            language: self.language(root, channel),
            ttl_minutes: self.plain(self.first(channel, &[("", "ttl")])).and_then(|t| t.parse().ok()),
            items: items.into_iter().map(|i| self.rss_item(i)).collect(),
            warnings: Vec::new(),
        }
    }

    /// Elements named `local` (RSS namespace) under `id`, not inside another one.
    fn collect(&self, id: usize, local: &str, out: &mut Vec<usize>) {
        for (c, n) in self.doc.children(id) {
            if n.local == local && (n.ns.is_empty() || n.ns == "atom") {
                out.push(c);
            } else {
                self.collect(c, local, out);
            }
        }
    }

    fn alternate_link(&self, parent: usize) -> Option<String> {
        self.doc
            .children(parent)
            .filter(|(_, n)| n.local == "link" && (n.ns == "atom" || n.ns.is_empty()) && n.attr("", "href").is_some())
            .find(|(_, n)| n.attr("", "rel").is_none_or(|r| r.trim().eq_ignore_ascii_case("alternate")))
            .and_then(|(c, n)| self.url(c, n.attr("", "href").unwrap_or_default()))
    }

    fn rss_item(&self, id: usize) -> Item {
        let guid_node = self.first(id, &[("", "guid")]);
        let guid = self.plain(guid_node);
        let guid_is_link = guid_node.is_some_and(|g| {
            self.node(g).attr("", "ispermalink").is_none_or(|v| v.trim().eq_ignore_ascii_case("true"))
        });
        let link = self
            .first(id, &[("", "link")])
            .and_then(|l| {
                let text = self.doc.deep_text(l);
                if text.trim().is_empty() {
                    self.node(l).attr("", "href").and_then(|h| self.url(l, h))
                } else {
                    self.url(l, &text)
                }
            })
            .or_else(|| self.alternate_link(id))
            .or_else(|| guid.clone().filter(|_| guid_is_link).and_then(|g| self.url(guid_node.unwrap_or(id), &g)))
            .or_else(|| self.node(id).attr("", "href").and_then(|h| self.url(id, h)));
        let mut authors = Vec::new();
        for (_, n) in self.doc.children(id) {
            let value = match (n.ns.as_str(), n.local.as_str()) {
                ("", "author") | ("dc", "creator") | ("itunes", "author") | ("dc", "author") => person(&n.text),
                ("atom", "author") => None,
                _ => continue,
            };
            push_unique(&mut authors, value);
        }
        let mut categories = Vec::new();
        self.categories(id, &mut categories);
        let enclosures = self
            .doc
            .children(id)
            .filter(|(_, n)| n.is("", "enclosure"))
            .filter_map(|(c, _)| self.enclosure(c, "url"))
            .collect();
        // feedparser files the first of <description>/<summary> as the summary and the
        // second as the content.
        let pair: Vec<usize> = self
            .doc
            .children(id)
            .filter(|(_, n)| n.is("", "description") || n.is("", "summary"))
            .map(|(c, _)| c)
            .collect();
        let content = self
            .text(self.first(id, &[("content", "encoded"), ("xhtml", "body"), ("", "fullitem")]))
            .or_else(|| self.text(pair.get(1).copied()));
        let summary = self.text(pair.first().copied()).or_else(|| {
            self.text(self.first(id, &[("dc", "description"), ("itunes", "summary"), ("", "abstract")]))
                .or_else(|| self.text(self.descendant(id, "media", "description")))
        });
        Item {
            guid: guid.or_else(|| self.node(id).attr("rdf", "about").and_then(|a| non_empty(a.to_string()))),
            title: self
                .text(self.first(id, &[("", "title"), ("dc", "title")]))
                .or_else(|| self.text(self.descendant(id, "media", "title")))
                .or_else(|| self.text(self.descendant(id, "", "title"))),
            url: link,
            published: self.date(self.last(id, &[("", "pubdate"), ("dcterms", "issued")])),
            updated: self
                .date(self.last(id, &[("dc", "date"), ("dcterms", "modified")]))
                .or_else(|| self.node(id).attr("", "lastmod").and_then(parse_date)),
            authors,
            summary,
            content,
            categories,
            enclosures,
        }
    }

    // ---- Atom ----

    fn atom(&self, root: usize) -> ParsedFeed {
        let mut entries = Vec::new();
        self.collect(root, "entry", &mut entries);
        if entries.is_empty() {
            self.collect(root, "item", &mut entries);
        }
        ParsedFeed {
            format: FeedFormat::Atom,
            title: self.text(self.atom_child(root, "title")),
            link: self.alternate_link(root).or_else(|| self.id_as_link(root)),
            description: self.text(self.atom_child(root, "subtitle").or_else(|| self.atom_child(root, "tagline"))),
            language: self.language(root, root),
            ttl_minutes: None,
            items: entries.into_iter().map(|e| self.atom_entry(e)).collect(),
            warnings: Vec::new(),
        }
    }

    /// An Atom id stands in for a missing link, as in feedparser.
    fn id_as_link(&self, id: usize) -> Option<String> {
        self.plain(self.atom_child(id, "id"))
    }

    fn atom_child(&self, id: usize, local: &str) -> Option<usize> {
        self.first(id, &[("atom", local), ("", local)])
    }

    /// An enclosure from an element whose address is in attribute `url_attr`.
    fn enclosure(&self, id: usize, url_attr: &str) -> Option<Enclosure> {
        let n = self.node(id);
        Some(Enclosure {
            url: self.url(id, n.attr("", url_attr)?)?,
            media_type: n.attr("", "type").and_then(|t| non_empty(t.to_string())),
            length: n.attr("", "length").and_then(|l| l.trim().parse().ok()),
        })
    }

    /// Categories from every element feeds use for them.
    fn categories(&self, id: usize, out: &mut Vec<String>) {
        for (c, n) in self.doc.children(id) {
            match (n.ns.as_str(), n.local.as_str()) {
                ("atom" | "", "category")
                    if n.attr("", "term").is_some() || n.attr("", "label").is_some() && n.text.trim().is_empty() =>
                {
                    push_unique(out, n.attr("", "term").or(n.attr("", "label")).and_then(|t| non_empty(t.to_string())));
                }
                ("", "category") | ("dc", "subject") | ("media", "category") => {
                    push_unique(out, non_empty(n.text.clone()))
                }
                ("itunes", "category") => {
                    push_unique(out, n.attr("", "text").and_then(|t| non_empty(t.to_string())));
                    self.categories(c, out);
                }
                ("", "tags") => {
                    for t in n.text.split(',') {
                        push_unique(out, non_empty(t.to_string()));
                    }
                }
                _ => {}
            }
        }
    }

    fn atom_entry(&self, id: usize) -> Item {
        let mut authors = Vec::new();
        for (c, n) in self.doc.children(id) {
            let value = match (n.ns.as_str(), n.local.as_str()) {
                ("atom" | "", "author") => {
                    let part = |l: &str| self.plain(self.atom_child(c, l));
                    part("name")
                        .or_else(|| part("email"))
                        .or_else(|| part("uri"))
                        .or_else(|| part("url"))
                        .or_else(|| non_empty(n.text.clone()))
                }
                ("dc", "creator") | ("itunes", "author") => person(&n.text),
                _ => continue,
            };
            push_unique(&mut authors, value);
        }
        let mut categories = Vec::new();
        self.categories(id, &mut categories);
        let enclosures = self
            .doc
            .children(id)
            .filter(|(_, n)| n.local == "link" && (n.ns == "atom" || n.ns.is_empty()))
            .filter(|(_, n)| n.attr("", "rel").is_some_and(|r| r.trim().eq_ignore_ascii_case("enclosure")))
            .filter_map(|(c, _)| self.enclosure(c, "href"))
            .collect();
        Item {
            guid: self.plain(self.atom_child(id, "id")),
            title: self
                .text(self.atom_child(id, "title").or_else(|| self.first(id, &[("dc", "title")])))
                .or_else(|| self.text(self.descendant(id, "media", "title"))),
            url: self.alternate_link(id).or_else(|| self.id_as_link(id)),
            published: self.date(
                self.last(id, &[("atom", "published"), ("", "published")])
                    .or_else(|| self.atom_child(id, "issued"))
                    .or_else(|| self.first(id, &[("dcterms", "issued")])),
            ),
            updated: self.date(
                self.last(id, &[("atom", "updated"), ("", "updated")])
                    .or_else(|| self.atom_child(id, "modified"))
                    .or_else(|| self.first(id, &[("dc", "date"), ("dcterms", "modified")])),
            ),
            authors,
            summary: self
                .text(self.atom_child(id, "summary").or_else(|| self.first(id, &[("itunes", "summary")])))
                .or_else(|| self.text(self.descendant(id, "media", "description"))),
            content: self.text(self.atom_child(id, "content").or_else(|| self.first(id, &[("content", "encoded")]))),
            categories,
            enclosures,
        }
    }
}

/// A person as RSS writes one: "jdoe@example.com (John Doe)" and "John Doe (jdoe@example.com)"
/// are John Doe; a bare address stands for itself.
fn person(raw: &str) -> Option<String> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    if let (Some(open), Some(close)) = (s.find('('), s.rfind(')'))
        && open < close
    {
        let inside = s[open + 1..close].trim();
        let outside = format!("{} {}", &s[..open], &s[close + 1..]).trim().to_string();
        if inside.contains('@') && !outside.is_empty() {
            return Some(outside);
        }
        if outside.contains('@') && !inside.is_empty() {
            return Some(inside.to_string());
        }
    }
    if let (Some(open), true) = (s.find('<'), s.ends_with('>')) {
        let name = s[..open].trim();
        if !name.is_empty() {
            return Some(name.to_string());
        }
    }
    Some(s.to_string())
}

/// Inline XHTML as readers show it: the XHTML namespace declaration and its prefix removed.
fn without_xhtml_namespace(markup: &str) -> String {
    const XHTML: &str = "http://www.w3.org/1999/xhtml";
    let mut out = markup.to_string();
    let mut prefixes = Vec::new();
    for quote in ['"', '\''] {
        let default = format!(" xmlns={quote}{XHTML}{quote}");
        out = out.replace(&default, "");
        let value = format!("={quote}{XHTML}{quote}");
        let mut from = 0;
        while let Some(at) = out.get(from..).and_then(|rest| rest.find(&value)).map(|p| from + p) {
            // Only an `xmlns:prefix="…"` declaration goes; another attribute with this value stays.
            let Some(decl_start) = out[..at].rfind(" xmlns:").filter(|d| !out[d + 7..at].contains(char::is_whitespace))
            else {
                from = at + value.len();
                continue;
            };
            prefixes.push(out[decl_start + 7..at].to_string());
            out.replace_range(decl_start..at + value.len(), "");
            from = decl_start;
        }
    }
    for p in prefixes.iter().filter(|p| !p.is_empty() && p.len() < 32) {
        out = out.replace(&format!("<{p}:"), "<").replace(&format!("</{p}:"), "</");
    }
    out
}

/// Repairs text mangled on its way into the feed: UTF-8 read as Latin-1 ("â€¦" for "…") is
/// decoded again, and C1 control characters are read as the windows-1252 characters they
/// almost always were.
fn repair(s: String) -> String {
    if !s.chars().any(|c| ('\u{80}'..='\u{ff}').contains(&c)) {
        return s;
    }
    if s.chars().all(|c| (c as u32) <= 0xff) {
        let bytes: Vec<u8> = s.chars().map(|c| c as u32 as u8).collect();
        if let Ok(fixed) = std::str::from_utf8(&bytes)
            && fixed.chars().any(|c| (c as u32) > 0xff)
        {
            return fixed.to_string();
        }
    }
    if !s.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c)) {
        return s;
    }
    s.chars()
        .map(|c| {
            if ('\u{80}'..='\u{9f}').contains(&c) {
                let byte = [c as u32 as u8];
                let (d, _, _) = encoding_rs::WINDOWS_1252.decode(&byte);
                d.chars().next().unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://news.example/feed.xml").unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn rss_items_keep_guid_link_dates_and_authors() {
        let xml = include_bytes!("../testdata/rss2-basic.xml");
        let feed = parse_feed(xml, Some(&base())).unwrap();
        assert_eq!(feed.format, FeedFormat::Rss);
        assert_eq!(feed.title.as_deref(), Some("Harbour Herald"));
        assert_eq!(feed.items.len(), 2);
        let first = &feed.items[0];
        assert_eq!(first.guid.as_deref(), Some("hh-1001"));
        assert_eq!(first.url.as_deref(), Some("https://news.example/2026/bridge"));
        assert_eq!(first.authors, ["Ada Byrne"]);
        assert_eq!(first.published.map(|t| t.to_string()).as_deref(), Some("2026-11-20T08:30:00Z"));
        assert_eq!(first.updated, None, "a single date must not be copied into updated");
        assert_eq!(feed.ttl_minutes, Some(45));
    }

    #[test]
    fn relative_links_are_resolved_against_the_feed_url() {
        let feed = parse_feed(include_bytes!("../testdata/rss2-basic.xml"), Some(&base())).unwrap();
        assert_eq!(feed.items[1].url.as_deref(), Some("https://news.example/2026/ferry"));
    }

    #[test]
    fn atom_entry_has_content_and_both_dates() {
        let feed = parse_feed(include_bytes!("../testdata/atom-basic.xml"), Some(&base())).unwrap();
        assert_eq!(feed.format, FeedFormat::Atom);
        let e = &feed.items[0];
        assert_eq!(e.title.as_deref(), Some("Council approves budget"));
        assert!(e.content.as_deref().is_some_and(|c| c.contains("<p>")));
        assert!(e.updated.is_some() && e.published.is_some() && e.updated != e.published);
    }

    #[test]
    fn json_feed_items_are_read() {
        let feed = parse_feed(include_bytes!("../testdata/jsonfeed-1.1.json"), Some(&base())).unwrap();
        assert_eq!(feed.format, FeedFormat::JsonFeed);
        assert_eq!(feed.items[0].authors, ["Lena Ortiz"]);
        assert_eq!(feed.items[0].url.as_deref(), Some("https://news.example/storm"));
    }

    #[test]
    fn stray_ampersand_is_read_as_text() {
        let feed = parse_feed(include_bytes!("../testdata/rss2-stray-ampersand.xml"), None).unwrap();
        assert_eq!(feed.items[0].title.as_deref(), Some("Fish & chips shop wins award"));
    }

    #[test]
    fn html_in_titles_is_kept_as_markup() {
        let feed = parse_feed(include_bytes!("../testdata/atom-basic.xml"), None).unwrap();
        assert_eq!(feed.items[1].title.as_deref(), Some("Rates rise &amp; <em>markets</em> fall"));
    }

    #[test]
    fn inline_xhtml_loses_its_namespace() {
        let m =
            r#"<div xmlns="http://www.w3.org/1999/xhtml">A <x:b xmlns:x="http://www.w3.org/1999/xhtml">b</x:b></div>"#;
        assert_eq!(without_xhtml_namespace(m), "<div>A <b>b</b></div>");
    }

    #[test]
    fn mojibake_is_repaired() {
        assert_eq!(repair("\u{e2}\u{80}\u{a6}".to_string()), "\u{2026}");
        assert_eq!(repair("don\u{92}t".to_string()), "don\u{2019}t");
        assert_eq!(repair("Espa\u{f1}a".to_string()), "Espa\u{f1}a");
    }

    #[test]
    fn html_page_is_not_a_feed_and_says_so() {
        let err = parse_feed(b"<html><body>Hello</body></html>", None).unwrap_err();
        assert!(err.to_string().contains("not a feed"), "{err}");
    }

    #[test]
    fn rss_author_with_email_gives_the_name() {
        assert_eq!(person("jdoe@example.com (John Doe)").as_deref(), Some("John Doe"));
        assert_eq!(person("John Doe (jdoe@example.com)").as_deref(), Some("John Doe"));
        assert_eq!(person("jdoe@example.com").as_deref(), Some("jdoe@example.com"));
    }
}
