use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Parsing never panics, whatever the bytes.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = tidings_feed::parse_feed(&bytes, None);
    }

    /// Nor does feed-shaped text with arbitrary pieces of markup in it.
    #[test]
    fn feed_shaped_noise_never_panics(parts in proptest::collection::vec(
        prop_oneof![
            Just("<rss>"), Just("<channel>"), Just("<item>"), Just("</item>"), Just("<title>"), Just("</title>"),
            Just("<![CDATA["), Just("]]>"), Just("&amp;"), Just("&#x1F600;"), Just("&"), Just("<"), Just("<feed xmlns=\"http://www.w3.org/2005/Atom\">"),
            Just("<entry>"), Just("<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">"), Just("<link href=\"a\"/>"),
            Just("<!DOCTYPE x [<!ENTITY e \"v\">]>"), Just("&e;"), Just("xml:base=\"http://b/\""), Just("é"), Just("\u{0}"),
        ], 0..64)) {
        let doc: String = parts.concat();
        let _ = tidings_feed::parse_feed(doc.as_bytes(), None);
    }
}

proptest! {
    /// OPML reading never panics either.
    #[test]
    fn opml_noise_never_panics(text in ".{0,512}") {
        let _ = tidings_feed::parse_opml(&text);
    }
}
