//! Integration tests of `tidings-cluster`: whole streams of reports written for the project.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic in a test is a failed assertion

mod lookalike;
