//! HTML in, clean article out: charset detection, article extraction with metadata,
//! sanitizing of every piece of outside HTML before it is stored, and readers' comments
//! (light markdown) rendered under the same policy.
//!
//! Pure: bytes and a URL in, an article and warnings out. Depends on `tidings-core` only among
//! our crates.

mod boilerplate;
mod charset;
mod class_words;
mod comment;
mod extract;
mod images;
mod lead_image;
mod limits;
mod metadata;
mod mojibake;
mod prescan;
mod repeated;
mod sanitize;
mod siblings;
mod streamed;

pub use charset::decode_html;
pub use comment::render_comment;
pub use extract::{ExtractedArticle, NotAnArticle, check_selector, extract_article, extract_article_with};
pub use images::{ImageTag, image_sources, rewrite_images};
pub use metadata::PageTime;
pub use repeated::{
    Fingerprint, RepeatRule, WithoutRepeats, fingerprint, paragraph_fingerprints, remove_repeated_lines, repeated_lines,
};
pub use sanitize::{html_to_text, sanitize_html, sanitize_reader_html};

/// What went wrong with a page.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The page is larger than the extractor accepts.
    #[error("the page is {size} bytes, more than the {limit} bytes Tidings extracts from")]
    TooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The page has more elements than the extractor accepts.
    #[error("the page has too many elements to extract an article from ({0})")]
    TooComplex(String),
    /// No article body could be found.
    #[error("no article text was found on the page ({0})")]
    NoArticle(String),
}

/// Result with this crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
