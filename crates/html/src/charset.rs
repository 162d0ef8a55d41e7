//! Charset detection in Firefox's order of trust: byte-order mark, HTTP charset, `<meta>` in the
//! first 1024 bytes, then chardetng's guess.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8};

/// Decodes an HTML page to text. `http_content_type` is the response's Content-Type header, and
/// `tld` the page's top-level domain (a hint for the guess). Returns the text (borrowed when the
/// page is already valid UTF-8) and the encoding used.
pub fn decode_html<'a>(
    bytes: &'a [u8],
    http_content_type: Option<&str>,
    tld: Option<&str>,
) -> (Cow<'a, str>, &'static Encoding) {
    let encoding = Encoding::for_bom(bytes)
        .map(|(e, _)| e)
        .or_else(|| http_content_type.and_then(charset_param).and_then(|l| Encoding::for_label(l.as_bytes())))
        .or_else(|| meta_charset(bytes))
        .unwrap_or_else(|| guess(bytes, tld));
    // A page cannot declare itself UTF-16 from inside (it would not be readable ASCII); HTML says
    // such a declaration means UTF-8.
    let encoding = if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
        if Encoding::for_bom(bytes).is_some() { encoding } else { UTF_8 }
    } else {
        encoding
    };
    let (text, used, _) = encoding.decode(bytes);
    (text, used)
}

fn charset_param(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim().eq_ignore_ascii_case("charset").then(|| v.trim().trim_matches(['"', '\'']).to_string())
    })
}

/// Looks for `charset=` inside a `<meta` tag in the first 1024 bytes, as the HTML prescan does.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let lower: Vec<u8> = head.to_ascii_lowercase();
    let mut pos = 0;
    while let Some(start) = find(&lower[pos..], b"<meta").map(|i| i + pos) {
        let end = find(&lower[start..], b">").map_or(lower.len(), |i| i + start);
        let tag = &lower[start..end];
        if let Some(at) = find(tag, b"charset") {
            let rest = &tag[at + 7..];
            let rest = rest.iter().position(|&c| c == b'=').map(|i| &rest[i + 1..]).unwrap_or(&[]);
            let label: Vec<u8> = rest
                .iter()
                .copied()
                .skip_while(|c| c.is_ascii_whitespace() || *c == b'"' || *c == b'\'')
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b':' | b'.'))
                .collect();
            if let Some(enc) = Encoding::for_label(&label) {
                return Some(enc);
            }
        }
        pos = end;
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn guess(bytes: &[u8], tld: Option<&str>) -> &'static Encoding {
    // Valid UTF-8 is what the detector would pick anyway, and checking it is far cheaper.
    if std::str::from_utf8(bytes).is_ok() {
        return UTF_8;
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(&bytes[..bytes.len().min(64 * 1024)], bytes.len() <= 64 * 1024);
    detector.guess(tld.map(str::as_bytes), chardetng::Utf8Detection::Allow)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_wins_over_everything() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice("<meta charset=iso-8859-1>café".as_bytes());
        let (text, enc) = decode_html(&bytes, Some("text/html; charset=windows-1251"), None);
        assert_eq!(enc, UTF_8);
        assert!(text.ends_with("café"));
    }

    #[test]
    fn http_charset_wins_over_meta() {
        let (_, enc) = decode_html(b"<meta charset=utf-8>", Some("text/html; charset=\"ISO-8859-2\""), None);
        assert_eq!(enc.name(), "ISO-8859-2");
    }

    #[test]
    fn http_equiv_meta_is_read() {
        let page = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\"></head><body>caf\xe9</body>";
        let (text, enc) = decode_html(page, Some("text/html"), None);
        assert_eq!(enc.name(), "windows-1252");
        assert!(text.contains("café"));
    }

    #[test]
    fn latin1_page_declared_after_1024_bytes_is_guessed() {
        let page = include_bytes!("../testdata/iso-8859-1-meta-after-1024.html");
        let (text, _) = decode_html(page, None, Some("de"));
        assert!(text.contains("Bürgermeister"), "{}", &text[text.len().saturating_sub(200)..]);
    }
}
