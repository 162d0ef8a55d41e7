//! OPML reading must never panic, whatever the text.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = tidings_feed::parse_opml(text);
    }
});
