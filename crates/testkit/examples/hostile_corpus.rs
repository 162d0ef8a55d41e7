//! Writes the hostile corpus (feeds and a deeply nested page) into a folder, for
//! `bench/hostile.sh`: `cargo run -p tidings-testkit --example hostile_corpus DIR`.

fn main() -> std::io::Result<()> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "hostile-corpus".to_string());
    std::fs::create_dir_all(&dir)?;
    for (name, bytes) in tidings_testkit::hostile_feeds() {
        std::fs::write(format!("{dir}/{name}.xml"), bytes)?;
    }
    std::fs::write(format!("{dir}/nested-page.html"), tidings_testkit::nested_page())?;
    Ok(())
}
