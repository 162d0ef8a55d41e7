//! Everything in the database as rows, out of one store and into another: the way from SQLite to
//! PostgreSQL (the binary writes the rows as JSON Lines).
//!
//! Every column of every table is `BIGINT` or `TEXT` (flags are 0/1), so a row is a list of
//! integers, texts and nulls, read and written through the target database's own schema: a
//! column the schema does not have is refused, which also keeps names from a file out of SQL.

use futures::TryStreamExt;
use sqlx::Row;

use super::{Backend, placeholders};
use crate::{Error, Result, Store};

/// The tables, in an order in which each row's references are inserted before it.
const TABLES: &[&str] = &[
    "outlets",
    "feeds",
    "stories",
    "articles",
    "article_bands",
    "article_copies",
    "story_redirects",
    "paragraph_fingerprints",
    "repeated_lines",
    "users",
    "sessions",
    "comments",
    "comment_authors",
    "comment_blocks",
    "used_form_nonces",
    "reader_state",
    "reader_marks",
    "reader_follows",
    "reader_labels",
    "api_tokens",
    "host_turns",
    "robots_files",
    "site_settings",
];

/// Rows written to the target per transaction.
const BATCH: usize = 500;

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum RowValue {
    /// A `BIGINT` (times are unix microseconds, flags 0/1).
    Integer(i64),
    /// A `TEXT`.
    Text(String),
    /// `NULL`.
    Null,
}

/// One row of one table: its columns' names and values.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    /// The table.
    pub table: String,
    /// The row's columns, by name.
    pub values: Vec<(String, RowValue)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Integer,
    Text,
}

impl Store {
    /// Calls `each` with every row of every table, referenced tables first, all read from one
    /// snapshot while the database stays in use. Returns the number of rows of each table.
    pub async fn export_rows(
        &self,
        each: &mut (dyn FnMut(TableRow) -> std::io::Result<()> + Send),
    ) -> Result<Vec<(&'static str, u64)>> {
        let mut counts = Vec::new();
        let mut schema = Vec::new();
        for table in TABLES {
            schema.push((*table, self.columns(table).await?));
        }
        macro_rules! export {
            ($tx:expr) => {
                for (table, columns) in &schema {
                    let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
                    let sql = format!("SELECT {} FROM {table} ORDER BY 1", names.join(", "));
                    let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(&mut *$tx);
                    let mut n = 0u64;
                    while let Some(row) = rows.try_next().await? {
                        let mut values = Vec::with_capacity(columns.len());
                        for (i, (name, kind)) in columns.iter().enumerate() {
                            let value = match kind {
                                Kind::Integer => {
                                    row.try_get::<Option<i64>, _>(i)?.map_or(RowValue::Null, RowValue::Integer)
                                }
                                Kind::Text => {
                                    row.try_get::<Option<String>, _>(i)?.map_or(RowValue::Null, RowValue::Text)
                                }
                            };
                            values.push((name.clone(), value));
                        }
                        each(TableRow { table: (*table).to_string(), values })
                            .map_err(|e| Error::Refused(format!("could not write the export: {e}")))?;
                        n += 1;
                    }
                    counts.push((*table, n));
                }
            };
        }
        match &self.backend {
            Backend::Sqlite { read, .. } => {
                let mut tx = read.begin().await?;
                export!(tx);
                tx.commit().await?;
            }
            Backend::Postgres(pg) => {
                let mut tx = pg.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await?;
                export!(tx);
                tx.commit().await?;
            }
        }
        Ok(counts)
    }

    /// Inserts `rows` (as [`Store::export_rows`] gave them) into this database, which must be
    /// empty and at the same schema version as the export's (`version`). Ids are kept, so links
    /// between rows and to stories stay right. Returns the rows inserted.
    pub async fn import_rows(
        &self,
        version: i64,
        rows: &mut (dyn Iterator<Item = Result<TableRow>> + Send),
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<u64> {
        let ours = self.schema_version().await?;
        if version != ours {
            return Err(Error::Refused(format!(
                "the export is of schema version {version} and this database is at {ours}; \
                 export and import with the same version of tidings"
            )));
        }
        let (outlets, users): (i64, i64) = read!(self, |pool| {
            sqlx::query_as("SELECT (SELECT COUNT(*) FROM outlets), (SELECT COUNT(*) FROM users)")
                .fetch_one(pool)
                .await?
        });
        if outlets + users > 0 {
            return Err(Error::Refused(format!(
                "this database already holds {outlets} outlets and {users} accounts; import into a new, empty database"
            )));
        }
        let mut schema = Vec::new();
        for table in TABLES {
            schema.push((*table, self.columns(table).await?));
        }
        let mut done = 0u64;
        let mut batch = Vec::with_capacity(BATCH);
        loop {
            let row = rows.next().transpose()?;
            let end = row.is_none();
            if let Some(row) = row {
                batch.push(insert_for(&schema, row)?);
            }
            if batch.len() >= BATCH || (end && !batch.is_empty()) {
                write_tx!(self, |tx| {
                    for (sql, values) in &batch {
                        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
                        for (value, kind) in values {
                            query = match (value, kind) {
                                (RowValue::Integer(v), _) => query.bind(*v),
                                (RowValue::Text(v), _) => query.bind(v.as_str()),
                                (RowValue::Null, Kind::Integer) => query.bind(None::<i64>),
                                (RowValue::Null, Kind::Text) => query.bind(None::<String>),
                            };
                        }
                        query.execute(&mut *tx).await?;
                    }
                });
                done += batch.len() as u64;
                batch.clear();
                progress(done);
            }
            if end {
                break;
            }
        }
        if let Backend::Postgres(pg) = &self.backend {
            // Rows came with their ids; new rows must be numbered after them.
            for (table, columns) in &schema {
                if columns.iter().any(|(n, _)| n == "id") {
                    let sql = format!(
                        "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                         (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
                    );
                    sqlx::query(sqlx::AssertSqlSafe(sql)).execute(pg).await?;
                }
            }
        }
        Ok(done)
    }

    /// A table's columns with their kinds, from the database's own schema.
    async fn columns(&self, table: &str) -> Result<Vec<(String, Kind)>> {
        let columns: Vec<(String, String)> = match &self.backend {
            Backend::Sqlite { read, .. } => {
                sqlx::query_as("SELECT name, type FROM pragma_table_info($1) ORDER BY cid")
                    .bind(table)
                    .fetch_all(read)
                    .await?
            }
            Backend::Postgres(pg) => {
                sqlx::query_as(
                    "SELECT CAST(column_name AS TEXT), CAST(data_type AS TEXT) FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
                )
                .bind(table)
                .fetch_all(pg)
                .await?
            }
        };
        if columns.is_empty() {
            return Err(Error::Refused(format!("the database has no table {table}; run `tidings migrate`")));
        }
        Ok(columns
            .into_iter()
            .map(|(name, kind)| {
                let kind = if kind.to_ascii_uppercase().contains("INT") { Kind::Integer } else { Kind::Text };
                (name, kind)
            })
            .collect())
    }
}

/// The `INSERT` for `row` with its values in order, or why the row does not fit the schema.
fn insert_for(schema: &[(&str, Vec<(String, Kind)>)], row: TableRow) -> Result<(String, Vec<(RowValue, Kind)>)> {
    let Some((table, columns)) = schema.iter().find(|(t, _)| *t == row.table) else {
        return Err(Error::Refused(format!("the export names a table {:?} that Tidings does not have", row.table)));
    };
    let mut names = Vec::with_capacity(row.values.len());
    let mut values = Vec::with_capacity(row.values.len());
    for (name, value) in row.values {
        let Some((column, kind)) = columns.iter().find(|(c, _)| *c == name) else {
            return Err(Error::Refused(format!("table {table} has no column {name:?}")));
        };
        let fits = matches!(
            (&value, kind),
            (RowValue::Null, _) | (RowValue::Integer(_), Kind::Integer) | (RowValue::Text(_), Kind::Text)
        );
        if !fits {
            return Err(Error::Refused(format!("column {table}.{column} holds a value of the wrong kind: {value:?}")));
        }
        names.push(column.as_str());
        values.push((value, *kind));
    }
    let sql = format!("INSERT INTO {table} ({}) VALUES ({})", names.join(", "), placeholders(1, names.len()));
    Ok((sql, values))
}
