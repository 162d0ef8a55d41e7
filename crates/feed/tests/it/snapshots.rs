use url::Url;

/// Every fixture parses, and what Tidings reads in it is pinned by a reviewed snapshot.
#[test]
fn fixtures_parse_as_snapshotted() {
    insta::glob!("../../testdata", "*.{xml,json}", |path| {
        let bytes = std::fs::read(path).unwrap();
        let feed = tidings_feed::parse_feed(&bytes, None).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        insta::assert_json_snapshot!(serde_json::json!({ "feed": feed, "warnings": feed.warnings }));
    });
}

#[test]
fn source_url_resolves_relative_links_inside_xml_base() {
    let bytes = include_bytes!("../../testdata/atom-xhtml-content-with-xml-base.xml");
    let base = Url::parse("https://elsewhere.example/feed").unwrap();
    let feed = tidings_feed::parse_feed(bytes, Some(&base)).unwrap();
    assert_eq!(feed.link.as_deref(), Some("http://base.example/blog/index.html"));
    assert_eq!(feed.items[0].url.as_deref(), Some("http://base.example/blog/posts/1"));
    assert_eq!(feed.items[0].enclosures[0].url, "http://base.example/audio/1.mp3");
}

#[test]
fn http_charset_is_trusted_over_a_missing_declaration() {
    let feed = tidings_feed::parse_feed_http(
        b"<rss><channel><title>Gr\xfc\xdfe</title></channel></rss>",
        None,
        Some("application/rss+xml; charset=ISO-8859-1"),
    )
    .unwrap();
    assert_eq!(feed.title.as_deref(), Some("Grüße"));
}

#[test]
fn billion_laughs_does_not_expand() {
    let mut doc = String::from("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
    for i in 1..10 {
        let prev = if i == 1 { "lol".to_string() } else { format!("lol{}", i - 1) };
        doc.push_str(&format!("<!ENTITY lol{i} \"{}\">", format!("&{prev};").repeat(10)));
    }
    doc.push_str("]><rss><channel><title>&lol9;</title></channel></rss>");
    let feed = tidings_feed::parse_feed(doc.as_bytes(), None).unwrap();
    assert!(feed.title.unwrap_or_default().len() < 100);
}

#[test]
fn deeply_nested_document_is_read_without_overflow() {
    let doc = format!("<rss><channel><title>Deep</title>{}</channel></rss>", "<x>".repeat(100_000));
    let feed = tidings_feed::parse_feed(doc.as_bytes(), None).unwrap();
    assert_eq!(feed.title.as_deref(), Some("Deep"));
}
