//! Feed parsing over the committed fixtures (one per case, snapshot per fixture) and over
//! arbitrary bytes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic in a test is a failed assertion

mod hostile;
mod properties;
mod snapshots;
