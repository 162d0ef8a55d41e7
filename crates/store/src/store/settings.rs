//! Site settings: named values an operator sets on the web, shared by every node.

use super::{Backend, Store};
use crate::Result;

impl Store {
    /// Every stored site setting as `(name, value)`, by name.
    pub async fn site_settings(&self) -> Result<Vec<(String, String)>> {
        let rows: Vec<(String, String)> = read!(self, |pool| {
            sqlx::query_as("SELECT name, value FROM site_settings ORDER BY name").fetch_all(pool).await?
        });
        Ok(rows)
    }

    /// Stores `settings`, each replacing the value of its name, in one transaction.
    pub async fn set_site_settings(&self, settings: &[(&str, String)]) -> Result<()> {
        write_tx!(self, |tx| {
            for (name, value) in settings {
                sqlx::query(
                    "INSERT INTO site_settings (name, value) VALUES ($1, $2) \
                     ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                )
                .bind(*name)
                .bind(value.as_str())
                .execute(&mut *tx)
                .await?;
            }
        });
        Ok(())
    }
}
