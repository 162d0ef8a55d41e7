//! Signed form tokens: every form carries one, bound to the browser (a random cookie value) and
//! to the form it was issued for, dated so that a form sent back too fast (a bot) or too late
//! is refused. HMAC-SHA256 under the site's own key; compared in constant time.

use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The site's key for signing form tokens (32 random bytes, kept in the data folder).
#[derive(Clone)]
pub struct FormKey([u8; 32]);

impl std::fmt::Debug for FormKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FormKey(…)")
    }
}

/// Why a form's token was refused, in words for the person who sent it.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FormRefusal {
    /// No token, or not one of ours, or for another browser or form.
    #[error("the form could not be verified; reload the page and send it again")]
    Invalid,
    /// Sent back faster than a person fills it in.
    #[error("the form was sent too quickly; wait a few seconds and send it again")]
    TooFast,
    /// Issued too long ago.
    #[error("the form has expired; reload the page and send it again")]
    Expired,
}

impl FormKey {
    /// A key from 32 random bytes.
    pub fn new(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    fn mac(&self, binding: &str, form: &str, issued_at: i64) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0).unwrap_or_else(|_| unreachable!());
        mac.update(binding.as_bytes());
        mac.update(b"\n");
        mac.update(form.as_bytes());
        mac.update(b"\n");
        mac.update(&issued_at.to_be_bytes());
        mac
    }

    /// A token for `form` (e.g. "login"), issued at `issued_at` (unix seconds) to the browser
    /// holding `binding`.
    pub fn issue(&self, binding: &str, form: &str, issued_at: i64) -> String {
        let tag = self.mac(binding, form, issued_at).finalize().into_bytes();
        format!("{issued_at}.{}", B64.encode(tag))
    }

    /// Checks `token` for `form` from the browser holding `binding` at `now`: at least
    /// `min_age` and at most `max_age` seconds old.
    pub fn check(
        &self,
        token: &str,
        binding: &str,
        form: &str,
        now: i64,
        min_age: i64,
        max_age: i64,
    ) -> Result<i64, FormRefusal> {
        let (issued, tag) = token.split_once('.').ok_or(FormRefusal::Invalid)?;
        let issued_at: i64 = issued.parse().map_err(|_| FormRefusal::Invalid)?;
        let tag = B64.decode(tag).map_err(|_| FormRefusal::Invalid)?;
        self.mac(binding, form, issued_at).verify_slice(&tag).map_err(|_| FormRefusal::Invalid)?;
        let age = now - issued_at;
        if age < min_age {
            return Err(FormRefusal::TooFast);
        }
        if age > max_age {
            return Err(FormRefusal::Expired);
        }
        Ok(issued_at)
    }

    fn address_mac(&self, address: &str) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0).unwrap_or_else(|_| unreachable!());
        mac.update(b"image address\n");
        mac.update(address.as_bytes());
        mac
    }

    /// The signature pages give the image proxy with `address`, so that it fetches only the
    /// addresses this site put in its own pages and is no open proxy: 128 bits of
    /// HMAC-SHA256, base64url.
    pub fn sign_address(&self, address: &str) -> String {
        let tag = self.address_mac(address).finalize().into_bytes();
        B64.encode(&tag[..ADDRESS_TAG_BYTES])
    }

    /// Whether `signature` is this key's for `address` (compared in constant time).
    pub fn check_address(&self, address: &str, signature: &str) -> bool {
        B64.decode(signature).is_ok_and(|tag| {
            tag.len() == ADDRESS_TAG_BYTES && self.address_mac(address).verify_truncated_left(&tag).is_ok()
        })
    }
}

/// Bytes of an image address's signature.
const ADDRESS_TAG_BYTES: usize = 16;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_good_only_for_its_browser_form_and_time() {
        let key = FormKey::new([9; 32]);
        let token = key.issue("browser-a", "login", 1_000);
        assert_eq!(key.check(&token, "browser-a", "login", 1_010, 0, 3_600), Ok(1_000));
        assert_eq!(key.check(&token, "browser-b", "login", 1_010, 0, 3_600), Err(FormRefusal::Invalid));
        assert_eq!(key.check(&token, "browser-a", "signup", 1_010, 0, 3_600), Err(FormRefusal::Invalid));
        assert_eq!(key.check(&token, "browser-a", "login", 1_002, 3, 3_600), Err(FormRefusal::TooFast));
        assert_eq!(key.check(&token, "browser-a", "login", 9_000, 0, 3_600), Err(FormRefusal::Expired));
        assert_eq!(
            FormKey::new([8; 32]).check(&token, "browser-a", "login", 1_010, 0, 3_600),
            Err(FormRefusal::Invalid)
        );
        let forged = token.replacen("1000", "1005", 1);
        assert_eq!(key.check(&forged, "browser-a", "login", 1_010, 0, 3_600), Err(FormRefusal::Invalid));
        for junk in ["", ".", "x.y", "1000.", "1000.!!!"] {
            assert_eq!(key.check(junk, "browser-a", "login", 1_010, 0, 3_600), Err(FormRefusal::Invalid), "{junk}");
        }
    }

    #[test]
    fn an_image_address_signature_is_good_only_for_its_address_and_key() {
        let key = FormKey::new([9; 32]);
        let signature = key.sign_address("https://cdn.example/a.jpg");
        assert_eq!(signature.len(), 22);
        assert!(key.check_address("https://cdn.example/a.jpg", &signature));
        assert!(!key.check_address("https://cdn.example/b.jpg", &signature));
        assert!(!FormKey::new([8; 32]).check_address("https://cdn.example/a.jpg", &signature));
        let short = &signature[..4];
        assert!(!key.check_address("https://cdn.example/a.jpg", short), "a cut signature is refused");
        assert!(!key.check_address("https://cdn.example/a.jpg", ""));
    }
}
