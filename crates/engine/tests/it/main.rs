//! The engine against real HTTP servers on loopback and a real SQLite database.

mod demo_round;
