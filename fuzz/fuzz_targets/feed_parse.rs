//! Feed parsing must never panic, whatever the bytes.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = tidings_feed::parse_feed(data, None);
});
