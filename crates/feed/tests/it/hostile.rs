//! Regression tests for feeds written to hurt the reader: each names what it guards.

use std::time::{Duration, Instant};

use proptest::prelude::*;

fn rss_with_items(items: &str) -> String {
    format!("<rss version=\"2.0\"><channel><title>T</title><link>https://e.example/</link>{items}</channel></rss>")
}

/// Text of every title and description the parse produced, in bytes.
fn parsed_text_bytes(feed: &tidings_feed::ParsedFeed) -> usize {
    feed.items
        .iter()
        .map(|i| {
            i.title.as_deref().map_or(0, str::len)
                + i.summary.as_deref().map_or(0, str::len)
                + i.content.as_deref().map_or(0, str::len)
        })
        .sum()
}

#[test]
fn entity_amplification_is_capped_with_a_warning() {
    // One 1 KiB entity referenced 300,000 times: 0.9 MB that would expand to 300 MB.
    let value = "x".repeat(1024);
    let refs = "&big;".repeat(300_000);
    let doc = format!(
        "<!DOCTYPE rss [<!ENTITY big \"{value}\">]>{}",
        rss_with_items(&format!(
            "<item><title>t</title><link>https://e.example/a</link><description>{refs}</description></item>"
        ))
    );
    let feed = tidings_feed::parse_feed(doc.as_bytes(), None).unwrap();
    assert!(parsed_text_bytes(&feed) < 4 * doc.len(), "expanded to {} bytes", parsed_text_bytes(&feed));
    assert!(feed.warnings.iter().any(|w| w.contains("ENTITY")), "{:?}", feed.warnings);
    assert_eq!(feed.items.len(), 1, "the entry is still read");
}

#[test]
fn entities_within_the_budget_still_expand() {
    let doc = format!(
        "<!DOCTYPE rss [<!ENTITY org \"Example Org\">]>{}",
        rss_with_items("<item><title>&org; news</title><link>https://e.example/a</link></item>")
    );
    let feed = tidings_feed::parse_feed(doc.as_bytes(), None).unwrap();
    assert_eq!(feed.items[0].title.as_deref(), Some("Example Org news"));
    assert!(feed.warnings.iter().all(|w| !w.contains("ENTITY")), "{:?}", feed.warnings);
}

#[test]
fn non_ascii_encoding_name_is_a_warning_not_a_panic() {
    for decl in [
        "<?xml version=\"1.0\" encoding=é?>",
        "<?xml version=\"1.0\" encoding=\"é\"?>",
        "<?xml version=\"1.0\" encoding=日本?>",
        "<?xml version=\"1.0\" encoding=?>",
        "<?xml version=\"1.0\" encoding?>",
        "<?xml version=\"1.0\" encoding='utf-8?>",
    ] {
        let doc = format!("{decl}{}", rss_with_items("<item><title>a</title><link>https://e.example/a</link></item>"));
        let feed = tidings_feed::parse_feed(doc.as_bytes(), None).unwrap();
        assert_eq!(feed.items.len(), 1, "{decl}");
    }
}

#[test]
fn xhtml_namespace_as_another_attribute_value_does_not_panic() {
    let doc = r#"<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>a</title><id>https://e.example/a</id>
        <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><a href="http://www.w3.org/1999/xhtml">spec</a>
        <x:p xmlns:x="http://www.w3.org/1999/xhtml">kept</x:p></div></content></entry></feed>"#;
    let feed = tidings_feed::parse_feed(doc.as_bytes(), None).unwrap();
    let content = feed.items[0].content.as_deref().unwrap_or_default();
    assert!(content.contains(r#"href="http://www.w3.org/1999/xhtml""#), "{content}");
    assert!(content.contains("<p>kept</p>"), "{content}");
}

#[test]
fn namespace_flood_costs_linear_time() {
    // 40,000 prefixes on the root and as many elements: resolving each name used to scan them all.
    let decls: String = (0..40_000).map(|i| format!(" xmlns:p{i}=\"urn:x:{i}\"")).collect();
    let items: String = (0..2_000).map(|i| format!("<item><p{i}:x>v</p{i}:x><title>t{i}</title></item>")).collect();
    let doc = format!("<rss{decls}><channel><title>T</title>{items}</channel></rss>");
    let start = Instant::now();
    let feed = tidings_feed::parse_feed(doc.as_bytes(), None).unwrap();
    assert_eq!(feed.items.len(), 2_000);
    assert!(start.elapsed() < Duration::from_secs(5), "took {:?}", start.elapsed());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    /// The encoding sniffer, whatever the declaration and the bytes after it: never a panic.
    #[test]
    fn encoding_sniffer_never_panics(
        parts in proptest::collection::vec(prop_oneof![
            Just("<?xml"), Just(" version=\"1.0\""), Just(" encoding"), Just("="), Just("\""), Just("'"),
            Just("é"), Just("日本"), Just("utf-8"), Just("windows-1252"), Just("utf-16"), Just("?>"), Just("\u{feff}"),
            Just("<rss>"), Just("<item><title>"), Just("\u{80}"), Just(" "),
        ], 0..24),
        tail in proptest::collection::vec(any::<u8>(), 0..64),
        content_type in prop_oneof![Just(None), Just(Some("text/xml; charset=é")), Just(Some("text/xml; charset=\"utf-16\"")), Just(Some("application/rss+xml; charset"))],
    ) {
        let mut bytes = parts.concat().into_bytes();
        bytes.extend_from_slice(&tail);
        let _ = tidings_feed::parse_feed_http(&bytes, None, content_type);
    }

    /// Every reader that slices text by positions it found: authors, XHTML, entities, dates.
    #[test]
    fn text_slicing_never_panics(parts in proptest::collection::vec(prop_oneof![
        Just("<rss><channel><item>"), Just("<author>"), Just("</author>"), Just("("), Just(")"), Just("@"), Just("<"), Just(">"),
        Just("é"), Just("日"), Just("<pubDate>"), Just("</pubDate>"), Just("+"), Just("-"), Just(":"), Just("T"), Just("2020"),
        Just("<content type=\"xhtml\">"), Just(" xmlns:"), Just("=\"http://www.w3.org/1999/xhtml\""), Just("&"), Just(";"),
        Just("&#x"), Just("<!DOCTYPE r [<!ENTITY "), Just("\">]>"), Just("<![CDATA["), Just("]]>"), Just(" "),
    ], 0..48)) {
        let doc: String = parts.concat();
        let _ = tidings_feed::parse_feed(doc.as_bytes(), None);
        let _ = tidings_core::parse_date(&doc);
    }
}
