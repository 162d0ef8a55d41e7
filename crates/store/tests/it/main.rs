//! The store contract: one story of use, run against SQLite and (when
//! `TIDINGS_TEST_POSTGRES_URL` is set) PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic in a test is a failed assertion

mod contract;
mod readers;
