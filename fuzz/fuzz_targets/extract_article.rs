//! Article extraction must never panic, whatever the page.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(url) = url::Url::parse("https://fuzz.example/article") {
        let _ = tidings_html::extract_article(data, &url, None);
    }
});
