//! End-to-end tests: the real `tidings` binary, a real SQLite database, real HTTP servers on
//! loopback, and a real browser.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic in a test is a failed assertion

mod accounts;
mod atom;
mod browser;
mod cli;
mod comments;
mod crash;
mod hostile;
mod metrics;
mod operations;
mod outlet_admin;
mod readers;
mod search;
mod site;
mod site_settings;
mod support;
