//! Accounts: names and passwords (Argon2id), session tokens kept only as hashes, and the signed
//! form tokens that every form of the site carries against cross-site request forgery.
//!
//! Pure: randomness (salts, tokens) and the time come in as arguments, so everything here is
//! deterministic and testable. Depends on no crate of ours.

mod forms;

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use sha2::{Digest, Sha256};

pub use forms::{FormKey, FormRefusal};

/// What is wrong with an account's details, in words a person can act on.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// The name cannot be used.
    #[error("the name {0}")]
    BadName(&'static str),
    /// The password cannot be used.
    #[error("the password {0}")]
    BadPassword(&'static str),
    /// Hashing failed (a bug or a broken parameter set, never the user's fault).
    #[error("the password could not be hashed: {0}")]
    Hashing(String),
}

/// Result with this crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Manages outlets, moderation and settings.
    Admin,
    /// Reads, comments and keeps reading state.
    Reader,
}

impl Role {
    /// Its name in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Reader => "reader",
        }
    }

    /// The role a stored name stands for; anything unknown is the lesser role.
    pub fn from_stored(s: &str) -> Self {
        if s == "admin" { Role::Admin } else { Role::Reader }
    }
}

/// Shortest password accepted (OWASP's minimum with a length-only policy).
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest password accepted: long enough for any passphrase, short enough to hash cheaply.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Checks a user name: 1 to 40 characters, letters, digits, `.`, `-` and `_`.
pub fn check_name(name: &str) -> Result<()> {
    let chars = name.chars().count();
    if chars == 0 {
        return Err(Error::BadName("is empty"));
    }
    if chars > 40 {
        return Err(Error::BadName("is longer than 40 characters"));
    }
    if !name.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_')) {
        return Err(Error::BadName("may hold only letters, digits, '.', '-' and '_'"));
    }
    Ok(())
}

/// Checks a new password's length (no composition rules, as NIST SP 800-63B advises).
pub fn check_password(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(Error::BadPassword("must have at least 8 characters"));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(Error::BadPassword("must be at most 1024 bytes long"));
    }
    Ok(())
}

/// Hashes `password` with Argon2id (19 MiB, 2 passes, 1 lane: OWASP's parameters) and `salt`,
/// as a PHC string.
pub fn hash_password(password: &str, salt: &[u8; 16]) -> Result<String> {
    Argon2::default()
        .hash_password_with_salt(password.as_bytes(), salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Hashing(e.to_string()))
}

/// Whether `password` matches the PHC string `stored`; a malformed `stored` matches nothing.
pub fn verify_password(password: &str, stored: &str) -> bool {
    password.len() <= MAX_PASSWORD_BYTES && Argon2::default().verify_password(password.as_bytes(), stored).is_ok()
}

/// A session token as the browser keeps it: 32 random bytes, URL-safe base64.
pub fn session_token(random: &[u8; 32]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random)
}

/// What the database keeps of a session token or an API token: its SHA-256, so a stolen
/// database opens no session and no API.
pub fn session_key(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// An account's Fever API key, as the Fever API defines it and apps compute it: the MD5 of
/// `name:password`, in lower-case hex. (MD5 is Fever's choice, not ours: the store keeps only
/// the SHA-256 of this key, like any token.)
pub fn fever_key(name: &str, password: &str) -> String {
    use md5::Digest as _;
    hex(&md5::Md5::digest(format!("{name}:{password}").as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the database keeps of a commenter's email: the SHA-256 of its trimmed, lower-cased
/// form. It recognises an approved author and finds everything to erase, and shows nothing.
pub fn email_key(email: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(b"tidings comment email\n");
    hash.update(email.trim().to_lowercase().as_bytes());
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_in_words() {
        assert!(check_name("ada.byrne_2").is_ok());
        assert!(check_name("Zoë").is_ok());
        assert_eq!(check_name(""), Err(Error::BadName("is empty")));
        assert!(check_name("a b").is_err());
        assert!(check_name("<script>").is_err());
        assert!(check_name(&"x".repeat(41)).is_err());
    }

    #[test]
    fn passwords_need_length_only() {
        assert!(check_password("correct horse").is_ok());
        assert!(check_password("short").unwrap_err().to_string().contains("at least 8"));
        assert!(check_password(&"x".repeat(1025)).is_err());
    }

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let stored = hash_password("correct horse", &[7; 16]).unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{stored}");
        assert!(verify_password("correct horse", &stored));
        assert!(!verify_password("correct horsE", &stored));
        assert!(!verify_password("correct horse", "not a hash"));
        assert_ne!(stored, hash_password("correct horse", &[8; 16]).unwrap(), "the salt must matter");
    }

    #[test]
    fn an_email_key_ignores_case_and_spaces_and_hides_the_address() {
        let key = email_key(" Ann@Example.ORG ");
        assert_eq!(key, email_key("ann@example.org"));
        assert_ne!(key, email_key("ann@example.net"));
        assert_eq!(key.len(), 64);
        assert!(!key.contains("ann"));
    }

    #[test]
    fn the_fever_key_is_the_md5_of_name_and_password() {
        // The value any Fever client computes: `echo -n 'kim:correct horse' | md5sum`.
        assert_eq!(fever_key("kim", "correct horse"), "c9c7e370a22bee3af6c0d33fe88ce338");
    }

    #[test]
    fn sessions_are_stored_as_hashes() {
        let token = session_token(&[1; 32]);
        assert_eq!(token.len(), 43);
        let key = session_key(&token);
        assert_eq!(key.len(), 64);
        assert!(!key.contains(&token));
        assert_ne!(key, session_key(&session_token(&[2; 32])));
    }
}
