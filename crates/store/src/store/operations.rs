//! What an operator does to the database as a whole: its schema version, whether it answers,
//! and an online backup.

use std::path::Path;

use super::Backend;
use crate::{Error, Result, Store};

impl Store {
    /// The newest migration applied (the schema version), 0 on an empty database.
    pub async fn schema_version(&self) -> Result<i64> {
        let (version,): (Option<i64>,) = read!(self, |pool| {
            sqlx::query_as("SELECT MAX(version) FROM _sqlx_migrations WHERE success").fetch_one(pool).await?
        });
        Ok(version.unwrap_or(0))
    }

    /// Whether the database answers a trivial query (for readiness checks).
    pub async fn ping(&self) -> Result<()> {
        let _: (i64,) = read!(self, |pool| sqlx::query_as("SELECT CAST(1 AS BIGINT)").fetch_one(pool).await?);
        Ok(())
    }

    /// Writes a consistent copy of the SQLite database to `target` while it stays in use
    /// (`VACUUM INTO`: readers and the writer go on; the copy is compacted). Refuses to
    /// overwrite a file, and on PostgreSQL, whose own tools (pg_dump) are the way.
    pub async fn backup_to(&self, target: &Path) -> Result<()> {
        if target.exists() {
            return Err(Error::Refused(format!(
                "{} exists; give a new file name for the backup so that no file is overwritten",
                target.display()
            )));
        }
        let Backend::Sqlite { write, .. } = &self.backend else {
            return Err(Error::Refused(
                "an online backup of PostgreSQL is made with pg_dump; this command backs up SQLite".to_string(),
            ));
        };
        let path = target
            .to_str()
            .ok_or_else(|| Error::Refused(format!("the backup path {} is not valid UTF-8", target.display())))?;
        sqlx::query("VACUUM INTO $1").bind(path).execute(write).await?;
        Ok(())
    }
}
