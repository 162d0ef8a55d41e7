//! The engine against real HTTP servers on loopback and a real SQLite database.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic in a test is a failed assertion

mod demo_round;
mod scheduling;
