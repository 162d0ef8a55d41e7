//! What a comment must be to be stored, and what its content makes of it: the length limits,
//! the link counts and the operator's word and address lists. Pure: no clock, no store.

use jiff::SignedDuration;
use tidings_store::{CommentBlock, Screening};

/// Longest name, in characters.
pub(crate) const MAX_NAME_CHARS: usize = 80;
/// Longest email address (RFC 5321's path limit).
pub(crate) const MAX_EMAIL_BYTES: usize = 254;
/// Longest website address, in characters.
pub(crate) const MAX_WEBSITE_CHARS: usize = 200;
/// Longest comment, in characters.
pub(crate) const MAX_COMMENT_CHARS: usize = 5_000;
/// Largest comment post body accepted: every field at its longest fits many times over.
pub(crate) const MAX_POST_BYTES: usize = 64 * 1024;

/// The site's anti-spam settings for comments.
#[derive(Debug, Clone)]
pub struct CommentRules {
    /// Comments one address may post per window (0: no limit).
    pub per_address: u32,
    /// Comments one email may post per window (0: no limit).
    pub per_email: u32,
    /// The window of the two limits above.
    pub window: SignedDuration,
    /// Seconds a person needs at least between seeing the form and sending it.
    pub min_fill_secs: i64,
    /// Comments with this many links or more wait for moderation whoever wrote them.
    pub hold_links: usize,
    /// Comments with this many links or more are spam.
    pub spam_links: usize,
}

impl Default for CommentRules {
    fn default() -> Self {
        Self {
            per_address: 10,
            per_email: 5,
            window: SignedDuration::from_mins(10),
            min_fill_secs: 3,
            hold_links: 3,
            spam_links: 10,
        }
    }
}

/// A comment's fields as they will be stored, trimmed and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CheckedComment {
    pub(crate) name: String,
    pub(crate) email: String,
    pub(crate) website: Option<String>,
    pub(crate) body: String,
}

/// Checks the fields a reader typed; the error says which field is wrong and how, in a
/// sentence for the page.
pub(crate) fn check_fields(name: &str, email: &str, website: &str, body: &str) -> Result<CheckedComment, String> {
    let (name, email, website, body) = (name.trim(), email.trim(), website.trim(), body.trim());
    if name.is_empty() {
        return Err("Please give a name: it is shown with your comment.".into());
    }
    if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(format!("The name must be one line of at most {MAX_NAME_CHARS} characters."));
    }
    if !looks_like_email(email) {
        return Err("Please give an email address such as name@example.org; it is never shown.".into());
    }
    let website = if website.is_empty() {
        None
    } else if website.chars().count() <= MAX_WEBSITE_CHARS && tidings_core::web_link(website).is_some() {
        Some(website.to_string())
    } else {
        return Err(format!(
            "The website must be an address starting with http:// or https://, at most {MAX_WEBSITE_CHARS} characters, or left empty."
        ));
    };
    Ok(CheckedComment { name: name.into(), email: email.into(), website, body: check_body(body)? })
}

/// Checks a comment's text (a reader's, or an admin's edit): trimmed, 1 to
/// [`MAX_COMMENT_CHARS`] characters.
pub(crate) fn check_body(body: &str) -> Result<String, String> {
    let body = body.trim();
    if body.is_empty() {
        return Err("The comment is empty.".into());
    }
    let chars = body.chars().count();
    if chars > MAX_COMMENT_CHARS {
        return Err(format!(
            "The comment has {chars} characters; at most {MAX_COMMENT_CHARS} are accepted. Please shorten it."
        ));
    }
    Ok(body.to_string())
}

/// One `@` between a local part and a domain with a dot, no spaces: enough to catch a typo
/// without refusing unusual real addresses.
fn looks_like_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    email.len() <= MAX_EMAIL_BYTES
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Links in a comment: web addresses, written as markdown links or bare.
pub(crate) fn count_links(text: &str) -> usize {
    let lower = text.to_lowercase();
    ["http://", "https://", "www."]
        .iter()
        .map(|p| lower.matches(p).count())
        .sum::<usize>()
        .saturating_sub(lower.matches("http://www.").count() + lower.matches("https://www.").count())
}

/// What a checked comment's content and address make of it: spam when a list says so or it is
/// all links, held when it has many links or a list says hold, else clean.
pub(crate) fn screen(rules: &CommentRules, c: &CheckedComment, ip: &str, blocks: &[CommentBlock]) -> Screening {
    let text = format!("{}\n{}\n{}", c.name, c.website.as_deref().unwrap_or_default(), c.body).to_lowercase();
    let listed = blocks
        .iter()
        .filter(|b| match b.kind.as_str() {
            "ip" => b.value == ip,
            _ => text.contains(&b.value),
        })
        .map(|b| b.verdict);
    let links = count_links(&c.body);
    let by_links = if links >= rules.spam_links {
        Screening::Spam
    } else if links >= rules.hold_links {
        Screening::Hold
    } else {
        Screening::Clean
    };
    let verdicts: Vec<Screening> = listed.chain([by_links]).collect();
    if verdicts.contains(&Screening::Spam) {
        Screening::Spam
    } else if verdicts.contains(&Screening::Hold) {
        Screening::Hold
    } else {
        Screening::Clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(body: &str) -> CheckedComment {
        check_fields("Ann", "ann@example.org", "", body).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn fields_are_checked_with_a_message_naming_the_field() {
        let c = check_fields("  Ann ", " ann@example.org ", "https://ann.example/", " Hi ")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((c.name.as_str(), c.email.as_str(), c.body.as_str()), ("Ann", "ann@example.org", "Hi"));
        let err = |n: &str, e: &str, w: &str, b: &str| check_fields(n, e, w, b).err().unwrap_or_default();
        assert!(err("", "a@b.c", "", "x").contains("name"));
        assert!(err(&"n".repeat(81), "a@b.c", "", "x").contains("name"));
        assert!(err("Ann", "ann", "", "x").contains("email"));
        assert!(err("Ann", "ann@localhost", "", "x").contains("email"));
        assert!(err("Ann", "a nn@example.org", "", "x").contains("email"));
        assert!(err("Ann", "a@b.c", "javascript:alert(1)", "x").contains("website"));
        assert!(err("Ann", "a@b.c", "", "  ").contains("empty"));
        assert!(err("Ann", "a@b.c", "", &"x".repeat(5_001)).contains("5001 characters"));
        assert!(check_fields("Ann", "a@b.c", "", &"é".repeat(5_000)).is_ok(), "characters, not bytes");
        // The email is never part of a message.
        assert!(!err("Ann", "secret@example.org", "ftp://x", "x").contains("secret"));
    }

    #[test]
    fn links_are_counted_once_however_written() {
        assert_eq!(count_links("see https://a.example and [b](http://b.example) or www.c.example"), 3);
        assert_eq!(count_links("https://www.a.example"), 1);
        assert_eq!(count_links("no links here"), 0);
    }

    #[test]
    fn many_links_or_a_list_match_hold_or_spam_a_comment() {
        let rules = CommentRules::default();
        assert_eq!(screen(&rules, &ok("Plain words"), "192.0.2.1", &[]), Screening::Clean);
        assert_eq!(screen(&rules, &ok(&"https://x.example ".repeat(3)), "192.0.2.1", &[]), Screening::Hold);
        assert_eq!(screen(&rules, &ok(&"https://x.example ".repeat(10)), "192.0.2.1", &[]), Screening::Spam);
        let block = |kind: &str, value: &str, verdict| CommentBlock { kind: kind.into(), value: value.into(), verdict };
        let lists = [block("word", "casino", Screening::Spam), block("ip", "203.0.113.9", Screening::Hold)];
        assert_eq!(screen(&rules, &ok("Best CASINO bonus"), "192.0.2.1", &lists), Screening::Spam);
        assert_eq!(screen(&rules, &ok("Plain words"), "203.0.113.9", &lists), Screening::Hold);
        assert_eq!(screen(&rules, &ok("Plain words"), "203.0.113.90", &lists), Screening::Clean);
    }
}
