//! `tidings migrate` and `tidings backup`: the database as a whole.

use std::path::Path;

use anyhow::Context;

use super::{data_dir, open_store};
use crate::cli::Global;

pub(crate) async fn migrate(global: &Global) -> anyhow::Result<()> {
    let store = open_store(global, &data_dir(global)).await?;
    let version = store.schema_version().await?;
    println!("The {} database is up to date: schema version {version}.", store.backend_name());
    store.close().await;
    Ok(())
}

pub(crate) async fn backup(global: &Global, file: &Path) -> anyhow::Result<()> {
    let store = open_store(global, &data_dir(global)).await?;
    store.backup_to(file).await.with_context(|| format!("could not back up to {}", file.display()))?;
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    println!(
        "Backed up to {} ({} KiB). Restore by copying it over tidings.db while Tidings is stopped.",
        file.display(),
        size / 1024
    );
    store.close().await;
    Ok(())
}
