//! Feed parsing must never panic, whatever the bytes, and what a feed's own entities expand to
//! stays within the amplification budget: the text read out is bounded by the input's size.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // The first byte picks an HTTP Content-Type, so the charset sniffer's every path is reached.
    let content_type = match data.first().map(|b| b % 4) {
        Some(0) => Some("application/rss+xml; charset=utf-8"),
        Some(1) => Some("text/xml; charset=é"),
        Some(2) => Some("application/atom+xml; charset=\"windows-1252\""),
        _ => None,
    };
    if let Ok(feed) = tidings_feed::parse_feed_http(data, None, content_type) {
        let text: usize = feed
            .items
            .iter()
            .map(|i| {
                i.title.as_deref().map_or(0, str::len)
                    + i.summary.as_deref().map_or(0, str::len)
                    + i.content.as_deref().map_or(0, str::len)
            })
            .sum();
        assert!(text <= 16 * (data.len() + 64 * 1024), "{text} bytes of text from {} bytes", data.len());
    }
});
