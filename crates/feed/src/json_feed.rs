//! JSON Feed 1.0 and 1.1.

use serde_json::Value;
use url::Url;

use crate::model::{Enclosure, FeedFormat, Item, ParsedFeed};
use crate::{Error, Result};
use tidings_core::parse_date;

fn string(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

fn url(v: &Value, key: &str, base: Option<&Url>) -> Option<String> {
    let raw = string(v, key)?;
    match base {
        Some(b) => b.join(&raw).ok().map(String::from),
        None => Some(raw),
    }
}

fn people(v: &Value) -> Vec<String> {
    // 1.1 has "authors"; 1.0 had "author".
    let list: Vec<&Value> = match (v.get("authors"), v.get("author")) {
        (Some(Value::Array(a)), _) => a.iter().collect(),
        (_, Some(a)) => vec![a],
        _ => vec![],
    };
    let mut out: Vec<String> = Vec::new();
    for p in list {
        if let Some(name) = string(p, "name").or_else(|| string(p, "url"))
            && !out.contains(&name)
        {
            out.push(name);
        }
    }
    out
}

/// Parses a JSON Feed document.
pub(crate) fn parse(text: &str, base: Option<&Url>, mut warnings: Vec<String>) -> Result<ParsedFeed> {
    let doc: Value = serde_json::from_str(text).map_err(|e| Error::NotAFeed(format!("invalid JSON: {e}")))?;
    let version = string(&doc, "version").unwrap_or_default();
    if !version.contains("jsonfeed.org/version/") {
        return Err(Error::NotAFeed("JSON without a jsonfeed.org version".to_string()));
    }
    let items = doc.get("items").and_then(Value::as_array).cloned().unwrap_or_default();
    let feed_authors = people(&doc);
    let mut out = Vec::with_capacity(items.len());
    for (n, item) in items.iter().enumerate() {
        if !item.is_object() {
            warnings.push(format!("item {} is not an object and was skipped", n + 1));
            continue;
        }
        let id = item.get("id").and_then(|v| match v {
            Value::String(s) => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        });
        let mut authors = people(item);
        if authors.is_empty() {
            authors.clone_from(&feed_authors);
        }
        let enclosures = item
            .get("attachments")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|a| {
                        Some(Enclosure {
                            url: url(a, "url", base)?,
                            media_type: string(a, "mime_type"),
                            length: a.get("size_in_bytes").and_then(Value::as_u64),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.push(Item {
            guid: id.filter(|s| !s.is_empty()),
            title: string(item, "title"),
            url: url(item, "url", base).or_else(|| url(item, "external_url", base)),
            published: string(item, "date_published").and_then(|d| parse_date(&d)),
            updated: string(item, "date_modified").and_then(|d| parse_date(&d)),
            authors,
            summary: string(item, "summary"),
            content: string(item, "content_html").or_else(|| string(item, "content_text")),
            categories: item
                .get("tags")
                .and_then(Value::as_array)
                .map(|t| t.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
                .unwrap_or_default(),
            enclosures,
        });
    }
    Ok(ParsedFeed {
        format: FeedFormat::JsonFeed,
        title: string(&doc, "title"),
        link: url(&doc, "home_page_url", base),
        description: string(&doc, "description"),
        language: string(&doc, "language"),
        ttl_minutes: None,
        items: out,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_1_0_author_and_attachments() {
        let text = r#"{"version":"https://jsonfeed.org/version/1","title":"P","author":{"name":"Feed Author"},
            "items":[{"id":7,"content_text":"Hello","attachments":[{"url":"https://p.example/a.mp3","mime_type":"audio/mpeg","size_in_bytes":1234}]}]}"#;
        let feed = parse(text, None, vec![]).unwrap();
        let item = &feed.items[0];
        assert_eq!(item.guid.as_deref(), Some("7"));
        assert_eq!(item.authors, ["Feed Author"]);
        assert_eq!(item.content.as_deref(), Some("Hello"));
        assert_eq!(item.enclosures[0].length, Some(1234));
    }

    #[test]
    fn json_that_is_not_a_feed_is_refused() {
        assert!(parse(r#"{"hello":"world"}"#, None, vec![]).is_err());
    }
}
