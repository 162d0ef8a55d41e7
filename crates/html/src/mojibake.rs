//! Text garbled by double encoding: UTF-8 bytes read once as windows-1252 and stored that way
//! ("weâ€™ll" for "we’ll", "cafÃ©" for "café"). The page is then valid UTF-8, so charset
//! detection cannot help; the garbled runs are decoded again where they occur.

use std::borrow::Cow;

/// The byte windows-1252 (or Latin-1) writes as `c`, when it is a UTF-8 continuation byte.
fn continuation_byte(c: char) -> Option<u8> {
    let code = u32::from(c);
    if (0x80..=0xBF).contains(&code) {
        return u8::try_from(code).ok();
    }
    let mut utf8 = [0u8; 4];
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(c.encode_utf8(&mut utf8));
    match bytes.as_ref() {
        [b] if !unmappable && (0x80..=0xBF).contains(b) => Some(*b),
        _ => None,
    }
}

/// Lead characters of the garbled runs that occur in practice: `Â`/`Ã`/`Å` (Latin-1 letters
/// and signs), `â` (punctuation such as ’ “ — …) and `ð` (emoji), with their run length.
fn lead(c: char) -> Option<(u8, usize)> {
    match c {
        'Â' => Some((0xC2, 1)),
        'Ã' => Some((0xC3, 1)),
        'Å' => Some((0xC5, 1)),
        'â' => Some((0xE2, 2)),
        'ð' => Some((0xF0, 3)),
        _ => None,
    }
}

/// `text` with its double-encoded runs decoded again; borrowed when there are none.
pub(crate) fn repair(text: &str) -> Cow<'_, str> {
    // Every lead character is two bytes starting 0xC3 in UTF-8, a byte that only ever starts a
    // character: the text between them is copied whole.
    let mut out = String::new();
    let mut copied = 0;
    for at in memchr::memchr_iter(0xC3, text.as_bytes()) {
        let Some(c) = text.get(at..).and_then(|t| t.chars().next()).filter(|_| at >= copied) else { continue };
        let Some((first, n)) = lead(c) else { continue };
        let mut bytes = [first, 0, 0, 0];
        let (mut len, mut end) = (1, at + c.len_utf8());
        for r in text[end..].chars().take(n) {
            if let Some(b) = continuation_byte(r) {
                bytes[len] = b;
                len += 1;
            }
            end += r.len_utf8();
        }
        if len == n + 1
            && let Ok(decoded) = std::str::from_utf8(&bytes[..len])
        {
            out.push_str(&text[copied..at]);
            out.push_str(decoded);
            copied = end;
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn double_encoded_punctuation_letters_and_emoji_are_repaired() {
        assert_eq!(repair("weâ€™ll meet at the cafÃ© â€” 10Â°C ðŸ˜€"), "we’ll meet at the café — 10°C 😀");
    }

    #[test]
    fn real_accents_and_clean_text_are_left_alone() {
        assert_eq!(repair("SÃO PAULO, Ãgua, â, Å, plain"), "SÃO PAULO, Ãgua, â, Å, plain");
        assert!(matches!(repair("café — fine"), Cow::Borrowed(_)));
    }
}
