//! `tidings feed parse`.

use std::io::Write;
use std::path::PathBuf;

use serde_json::json;

pub(crate) fn parse(as_json: bool, files: &[PathBuf]) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed = 0;
    for file in files {
        let name = file.display().to_string();
        let parsed = std::fs::read(file)
            .map_err(|e| format!("could not read the file: {e}"))
            .and_then(|bytes| tidings_feed::parse_feed(&bytes, None).map_err(|e| e.to_string()));
        if as_json {
            let line = match &parsed {
                Ok(feed) => json!({ "file": name, "actual": feed }),
                Err(e) => json!({ "file": name, "error": e }),
            };
            writeln!(out, "{line}")?;
            continue;
        }
        match parsed {
            Ok(feed) => {
                writeln!(
                    out,
                    "{name}: {:?} feed {:?}, {} entries",
                    feed.format,
                    feed.title.unwrap_or_default(),
                    feed.items.len()
                )?;
                for item in &feed.items {
                    let title = item.title.as_deref().map(tidings_html::html_to_text).unwrap_or_default();
                    writeln!(out, "  - {title} <{}>", item.url.as_deref().unwrap_or("no link"))?;
                }
                for w in &feed.warnings {
                    writeln!(out, "  warning: {w}")?;
                }
            }
            Err(e) => {
                failed += 1;
                writeln!(out, "{name}: error: {e}")?;
            }
        }
    }
    out.flush()?;
    if failed > 0 && !as_json {
        anyhow::bail!("{failed} of {} files could not be read as feeds", files.len());
    }
    Ok(())
}
