//! What every Atom document Tidings writes needs: text escaped for XML and times as Atom
//! writes them.

use jiff::Timestamp;

/// A time as Atom's `updated` and `published` write it, in UTC.
pub(crate) fn rfc3339(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Text for XML content and attribute values: markup escaped, and the control characters
/// XML 1.0 does not allow left out (a feed's text can carry them).
pub(crate) fn xml_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_elements_and_attributes_and_loses_what_xml_forbids() {
        assert_eq!(
            xml_text("<b>\"Fish & chips\"</b>\u{1}\u{0}\t"),
            "&lt;b&gt;&quot;Fish &amp; chips&quot;&lt;/b&gt;\t"
        );
        assert_eq!(rfc3339(Timestamp::from_second(0).unwrap()), "1970-01-01T00:00:00Z");
    }
}
