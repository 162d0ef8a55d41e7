//! The fetcher against real HTTP servers on loopback.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic in a test is a failed assertion

mod behaviour;
mod server;
