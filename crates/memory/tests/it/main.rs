//! Store tests on real SQLite files in temp dirs.

mod store;
