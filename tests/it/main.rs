//! End-to-end tests: the real `tidings` binary, a real SQLite database, real HTTP servers on
//! loopback, and a real browser.

mod browser;
mod cli;
mod support;
