//! Images in sanitized HTML: the `<img>` elements the one policy keeps, read back without a
//! parse so that the site can point each at its own image proxy on every page view.
//!
//! The input is the sanitizer's output (html5ever's serializer): every attribute is written
//! `name="value"` with `&` and `"` escaped, comments are gone and text has `<` escaped, so a
//! `<` outside attribute values always opens a tag.

use memchr::memchr;

/// One `<img>` as the sanitizer wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageTag<'a> {
    /// `src`, entities decoded (an absolute http(s) URL once sanitized).
    pub src: String,
    /// `alt` as written in the HTML, entities still escaped: safe inside a double-quoted
    /// attribute as it is.
    pub alt_html: &'a str,
    /// Declared width in pixels.
    pub width: Option<u32>,
    /// Declared height in pixels.
    pub height: Option<u32>,
}

impl ImageTag<'_> {
    /// A tracking pixel: declared one pixel (or none) wide or high.
    pub fn is_pixel(&self) -> bool {
        self.width.is_some_and(|w| w <= 1) || self.height.is_some_and(|h| h <= 1)
    }

    /// Whether `src` is an address a page may load through the proxy: absolute http(s).
    fn has_web_source(&self) -> bool {
        tidings_core::web_link(&self.src).is_some()
    }
}

/// `html` with each `<img>` replaced by what `each` returns for it (`None` removes it); the rest
/// is copied as it is. `html` must be sanitized HTML (see the module's note).
pub fn rewrite_images(html: &str, mut each: impl FnMut(&ImageTag<'_>) -> Option<String>) -> String {
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    let mut at = 0;
    while let Some(offset) = memchr(b'<', &bytes[at..]) {
        let start = at + offset;
        let Some((end, tag)) = read_tag(html, start) else {
            // Not a tag we can read (only in unsanitized input): the rest is copied as it is.
            break;
        };
        if let Some(tag) = tag {
            out.push_str(&html[copied..start]);
            if let Some(replacement) = each(&tag) {
                out.push_str(&replacement);
            }
            copied = end;
        }
        at = end;
    }
    out.push_str(&html[copied..]);
    out
}

/// The `src` of every image in sanitized `html`, in order.
pub fn image_sources(html: &str) -> Vec<String> {
    let mut sources = Vec::new();
    rewrite_images(html, |tag| {
        sources.push(tag.src.clone());
        None
    });
    sources
}

/// Sanitized HTML without the images no page should load: tracking pixels, and images without
/// an absolute http(s) source (a `data:` or relative one the sanitizer emptied).
pub(crate) fn drop_unusable(html: &str) -> String {
    if !html.contains("<img") {
        return html.to_string();
    }
    rewrite_images(html, |tag| (tag.has_web_source() && !tag.is_pixel()).then(|| write_tag(tag)))
}

/// The `<img>` as the sanitizer writes it.
fn write_tag(tag: &ImageTag<'_>) -> String {
    let mut out = format!("<img src=\"{}\"", escape_attribute(&tag.src));
    if !tag.alt_html.is_empty() {
        out.push_str(&format!(" alt=\"{}\"", tag.alt_html));
    }
    if let Some(w) = tag.width {
        out.push_str(&format!(" width=\"{w}\""));
    }
    if let Some(h) = tag.height {
        out.push_str(&format!(" height=\"{h}\""));
    }
    out.push('>');
    out
}

/// `value` escaped for a double-quoted attribute.
fn escape_attribute(value: &str) -> String {
    value.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Reads the tag opening at `start` (a `<`): where it ends, and the image when it is an `<img>`.
/// `None` when it cannot be read as serializer output.
fn read_tag(html: &str, start: usize) -> Option<(usize, Option<ImageTag<'_>>)> {
    let bytes = html.as_bytes();
    if bytes.get(start + 1) == Some(&b'/') {
        return Some((start + 2 + memchr(b'>', bytes.get(start + 2..)?)? + 1, None));
    }
    let name_end = start + 1 + bytes[start + 1..].iter().position(|b| matches!(b, b' ' | b'>' | b'/'))?;
    let is_img = html[start + 1..name_end].eq_ignore_ascii_case("img");
    let mut tag = ImageTag { src: String::new(), alt_html: "", width: None, height: None };
    let mut at = name_end;
    loop {
        match bytes.get(at)? {
            b'>' => return Some((at + 1, is_img.then_some(tag))),
            b' ' | b'/' => at += 1,
            _ => {
                let eq = at + memchr(b'=', &bytes[at..])?;
                let name = &html[at..eq];
                if name.contains(['>', ' ']) || bytes.get(eq + 1) != Some(&b'"') {
                    return None;
                }
                let value_start = eq + 2;
                let value_end = value_start + memchr(b'"', &bytes[value_start..])?;
                let value = &html[value_start..value_end];
                if is_img {
                    match name {
                        "src" => tag.src = unescape(value),
                        "alt" => tag.alt_html = value,
                        "width" => tag.width = pixels(value),
                        "height" => tag.height = pixels(value),
                        _ => {}
                    }
                }
                at = value_end + 1;
            }
        }
    }
}

/// A declared size in pixels ("640", "640px"); percentages and other units are no size.
pub(crate) fn pixels(value: &str) -> Option<u32> {
    let value = value.trim();
    let value = value.strip_suffix("px").unwrap_or(value).trim();
    value
        .parse::<u32>()
        .ok()
        .or_else(|| value.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0).map(|v| v as u32))
}

/// The entities the serializer writes in attribute values, decoded.
fn unescape(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    value
        .replace("&quot;", "\"")
        .replace("&nbsp;", "\u{a0}")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_rewritten_and_the_rest_is_copied() {
        let html = r#"<p title="a <img b">Text &lt;img&gt;</p><img src="https://e.example/a.jpg?x=1&amp;y=2" alt="A &quot;cat&quot;" width="640" height="480"><br>"#;
        let out = rewrite_images(html, |tag| {
            assert_eq!(tag.src, "https://e.example/a.jpg?x=1&y=2");
            assert_eq!(tag.alt_html, "A &quot;cat&quot;");
            assert_eq!((tag.width, tag.height), (Some(640), Some(480)));
            Some("[image]".to_string())
        });
        assert_eq!(out, r#"<p title="a <img b">Text &lt;img&gt;</p>[image]<br>"#);
    }

    #[test]
    fn tracking_pixels_and_images_without_a_web_source_are_dropped() {
        let html = r#"<p>a</p><img src="https://e.example/p.gif" width="1" height="1"><img alt="x"><img src="mailto:a@b.example"><img src="https://e.example/k.png" alt="kept">"#;
        assert_eq!(drop_unusable(html), r#"<p>a</p><img src="https://e.example/k.png" alt="kept">"#);
    }

    #[test]
    fn sizes_in_pixels_are_read() {
        assert_eq!(pixels("640"), Some(640));
        assert_eq!(pixels(" 320px "), Some(320));
        assert_eq!(pixels("50%"), None);
        assert_eq!(pixels("12.5"), Some(12));
    }
}
