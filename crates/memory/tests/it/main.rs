//! Store tests on real SQLite files in temp dirs.

mod schedule;
mod store;
