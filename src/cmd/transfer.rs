//! `tidings export` and `tidings import` of an export: everything as JSON Lines, the way to move
//! from SQLite to PostgreSQL.
//!
//! The first line is `{"tidings_export":1,"schema_version":N}`; each further line is one row,
//! `{"table":"articles","row":{"id":1,…}}`, tables in the order they can be inserted.

use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Map, Value, json};
use tidings_store::{RowValue, TableRow};

use super::{data_dir, open_store};
use crate::cli::Global;

/// The export format's version.
const FORMAT: i64 = 1;
/// The longest line read (an article with its HTML fits many times over).
const MAX_LINE: u64 = 64 * 1024 * 1024;

/// Whether `file` is a Tidings export (else it is taken for an OPML list).
pub(crate) fn is_export(file: &Path) -> anyhow::Result<bool> {
    let mut head = Vec::with_capacity(512);
    std::fs::File::open(file)
        .with_context(|| format!("could not read {}", file.display()))?
        .take(512)
        .read_to_end(&mut head)
        .with_context(|| format!("could not read {}", file.display()))?;
    Ok(head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{'))
}

fn spinner(what: &str) -> ProgressBar {
    let bar = if std::io::stderr().is_terminal() { ProgressBar::new_spinner() } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template(&format!("{{spinner}} {what} {{pos}} rows {{msg}}"))
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

pub(crate) async fn export(global: &Global, output: Option<&Path>) -> anyhow::Result<()> {
    let store = open_store(global, &data_dir(global)).await?;
    let mut out: Box<dyn Write + Send> = match output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create_new(path)
                .with_context(|| format!("could not create {} (an export never overwrites a file)", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout())),
    };
    let version = store.schema_version().await?;
    writeln!(out, "{}", json!({ "tidings_export": FORMAT, "schema_version": version }))?;
    let bar = spinner("exporting");
    let counts = store
        .export_rows(&mut |row| {
            let values: Map<String, Value> = row
                .values
                .into_iter()
                .map(|(name, value)| {
                    let value = match value {
                        RowValue::Integer(i) => Value::from(i),
                        RowValue::Text(t) => Value::from(t),
                        RowValue::Null => Value::Null,
                    };
                    (name, value)
                })
                .collect();
            bar.inc(1);
            writeln!(out, "{}", json!({ "table": row.table, "row": values }))
        })
        .await
        .context("could not export")?;
    out.flush().context("could not write the export")?;
    bar.finish_and_clear();
    let total: u64 = counts.iter().map(|(_, n)| n).sum();
    let detail: Vec<String> = counts.iter().filter(|(_, n)| *n > 0).map(|(t, n)| format!("{t} {n}")).collect();
    eprintln!("Exported {total} rows ({}) at schema version {version}.", detail.join(", "));
    store.close().await;
    Ok(())
}

pub(crate) async fn import(global: &Global, file: &Path) -> anyhow::Result<()> {
    let mut input =
        BufReader::new(std::fs::File::open(file).with_context(|| format!("could not read {}", file.display()))?);
    let header = next_line(&mut input, 1)?.context("the export is empty")?;
    let header: Value = serde_json::from_slice(&header).context("line 1 is not a Tidings export header")?;
    if header.get("tidings_export").and_then(Value::as_i64) != Some(FORMAT) {
        anyhow::bail!("{} is not a Tidings export of format {FORMAT}", file.display());
    }
    let version = header.get("schema_version").and_then(Value::as_i64).context("the header has no schema_version")?;
    let store = open_store(global, &data_dir(global)).await?;
    let mut number = 1u64;
    let mut rows = std::iter::from_fn(|| {
        number += 1;
        match next_line(&mut input, number) {
            Ok(Some(line)) => Some(row(&line).map_err(|e| refused(number, &e))),
            Ok(None) => None,
            Err(e) => Some(Err(refused(number, &format!("{e:#}")))),
        }
    });
    let bar = spinner("importing");
    let done = store
        .import_rows(version, &mut rows, &|n| bar.set_position(n))
        .await
        .with_context(|| format!("could not import {}", file.display()))?;
    bar.finish_and_clear();
    println!("Imported {done} rows from {}.", file.display());
    store.close().await;
    Ok(())
}

fn refused(line: u64, why: &str) -> tidings_store::Error {
    tidings_store::Error::Refused(format!("line {line}: {why}"))
}

/// The next line without its end, at most [`MAX_LINE`] bytes; `None` at the end.
fn next_line(input: &mut impl BufRead, number: u64) -> anyhow::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    input.take(MAX_LINE + 1).read_until(b'\n', &mut line)?;
    if line.is_empty() {
        return Ok(None);
    }
    if line.len() as u64 > MAX_LINE {
        anyhow::bail!("line {number} is longer than {} MiB", MAX_LINE / (1024 * 1024));
    }
    while line.last().is_some_and(|b| matches!(b, b'\n' | b'\r')) {
        line.pop();
    }
    Ok(Some(line))
}

/// One row line, or what is wrong with it.
fn row(line: &[u8]) -> Result<TableRow, String> {
    let value: Value = serde_json::from_slice(line).map_err(|e| format!("not JSON: {e}"))?;
    let table = value.get("table").and_then(Value::as_str).ok_or("no \"table\"")?.to_string();
    let fields = value.get("row").and_then(Value::as_object).ok_or("no \"row\" object")?;
    let mut values = Vec::with_capacity(fields.len());
    for (name, v) in fields {
        let v = match v {
            Value::Null => RowValue::Null,
            Value::String(s) => RowValue::Text(s.clone()),
            Value::Number(n) => RowValue::Integer(n.as_i64().ok_or_else(|| format!("{name} is not a whole number"))?),
            _ => return Err(format!("{name} is neither a number, a text nor null")),
        };
        values.push((name.clone(), v));
    }
    Ok(TableRow { table, values })
}
