//! The lead image a page declares for sharing: OpenGraph's `og:image` (with `og:image:width`
//! and `og:image:height`), the Twitter card's `twitter:image`, then JSON-LD's `image` (a
//! string, an `ImageObject` with its size, or a list of either). Only absolute http(s)
//! addresses are kept, and a declared 1×1 picture is a tracking pixel, not a lead image.

use serde_json::Value;
use tidings_core::LeadImage;
use url::Url;

use crate::images::pixels;

/// The page's lead image, from its metas (`meta(attribute, lower-cased key)` gives a meta's
/// content) and its JSON-LD blocks, addresses resolved against `base`.
pub(crate) fn declared<'a>(
    meta: impl Fn(&str, &str) -> Option<&'a str>,
    json_ld: &[String],
    base: &Url,
) -> Option<LeadImage> {
    let any = |key: &str| meta("property", key).or_else(|| meta("name", key));
    let image = |address: &str, width: Option<u32>, height: Option<u32>| {
        let url = tidings_core::web_link(base.join(address.trim()).ok()?.as_str())?;
        let pixel = width.is_some_and(|w| w <= 1) || height.is_some_and(|h| h <= 1);
        (!pixel).then_some(LeadImage { url, width, height })
    };
    let open_graph = ["og:image:secure_url", "og:image:url", "og:image"].iter().find_map(|key| {
        image(any(key)?, any("og:image:width").and_then(pixels), any("og:image:height").and_then(pixels))
    });
    open_graph
        .or_else(|| ["twitter:image", "twitter:image:src"].iter().find_map(|key| image(any(key)?, None, None)))
        .or_else(|| {
            json_ld.iter().filter(|j| j.contains("\"image\"")).find_map(|j| {
                let (address, width, height) = json_ld_image(&serde_json::from_str(j).ok()?)?;
                image(&address, width, height)
            })
        })
}

/// The first `image` in a JSON-LD value, with its declared size.
fn json_ld_image(value: &Value) -> Option<(String, Option<u32>, Option<u32>)> {
    fn picture(value: &Value) -> Option<(String, Option<u32>, Option<u32>)> {
        let size = |o: &serde_json::Map<String, Value>, key: &str| match o.get(key)? {
            Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
            Value::String(s) => pixels(s),
            _ => None,
        };
        match value {
            Value::String(s) => Some((s.clone(), None, None)),
            Value::Object(o) => {
                let address = o.get("url").or_else(|| o.get("contentUrl")).and_then(Value::as_str)?;
                Some((address.to_string(), size(o, "width"), size(o, "height")))
            }
            Value::Array(a) => a.iter().find_map(picture),
            _ => None,
        }
    }
    match value {
        Value::Object(o) => o.get("image").and_then(picture).or_else(|| o.values().find_map(json_ld_image)),
        Value::Array(a) => a.iter().find_map(json_ld_image),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://harbour.example/news/a").unwrap_or_else(|_| unreachable!())
    }

    fn metas<'a>(pairs: &'a [(&'a str, &'a str, &'a str)]) -> impl Fn(&str, &str) -> Option<&'a str> {
        move |attr, key| pairs.iter().find(|(a, k, _)| *a == attr && *k == key).map(|(_, _, c)| *c)
    }

    #[test]
    fn open_graph_image_comes_with_its_declared_size() {
        let pairs = [
            ("property", "og:image", "/img/quay.jpg"),
            ("property", "og:image:width", "1200"),
            ("property", "og:image:height", "630"),
            ("name", "twitter:image", "https://harbour.example/img/other.jpg"),
        ];
        let lead = declared(metas(&pairs), &[], &base());
        assert_eq!(
            lead,
            Some(LeadImage {
                url: "https://harbour.example/img/quay.jpg".into(),
                width: Some(1200),
                height: Some(630)
            })
        );
    }

    #[test]
    fn json_ld_image_object_is_read_when_no_meta_declares_one() {
        let json = r#"{"@graph":[{"@type":"NewsArticle","image":[{"@type":"ImageObject","url":"https://cdn.example/a.jpg","width":"800","height":450}]}]}"#;
        let lead = declared(metas(&[]), &[json.to_string()], &base());
        assert_eq!(
            lead,
            Some(LeadImage { url: "https://cdn.example/a.jpg".into(), width: Some(800), height: Some(450) })
        );
    }

    #[test]
    fn hostile_and_pixel_lead_images_are_not_kept() {
        let script = [("property", "og:image", "javascript:alert(1)")];
        assert_eq!(declared(metas(&script), &[], &base()), None);
        let pixel = [("property", "og:image", "/p.gif"), ("property", "og:image:width", "1")];
        assert_eq!(declared(metas(&pixel), &[r#"{"image":"data:image/gif;base64,AA"}"#.into()], &base()), None);
    }
}
