//! The store contract: one story of use, run against SQLite and (when
//! `TIDINGS_TEST_POSTGRES_URL` is set) PostgreSQL.

mod contract;
