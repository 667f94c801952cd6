//! The reliability scorecard's figures. A test that measures one of the promises in
//! `RELIABILITY.md` asserts it as usual and also records the figure here; when
//! `OMEGA_SCORECARD` names a file (`just prove` sets it), each figure is appended to it as one
//! JSON line, and the `scorecard` binary turns the file into `RELIABILITY.md`. Without the
//! variable nothing is written.

use std::io::Write as _;

/// One measured figure.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Figure {
    /// The suite's number in the scorecard (1 chaos … 9 soak).
    pub suite: u8,
    /// What is counted, e.g. "tokens recorded beyond a cap".
    pub what: String,
    pub value: f64,
    /// The aim, e.g. "0".
    pub aim: String,
    /// The test that measured it (`module::name`).
    pub test: String,
}

/// Record `value` for `what` in `suite`, measured by `test`.
pub fn record(suite: u8, what: &str, value: impl Into<f64>, aim: &str, test: &str) {
    let Some(path) = std::env::var_os("OMEGA_SCORECARD") else { return };
    let figure = Figure { suite, what: what.into(), value: value.into(), aim: aim.into(), test: test.into() };
    let mut line = serde_json::to_string(&figure).expect("a figure serializes");
    line.push('\n');
    // One write of one short line to a file opened for appending: lines from tests running at
    // the same time do not interleave.
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| f.write_all(line.as_bytes()));
    if let Err(e) = written {
        panic!("cannot record a scorecard figure in {}: {e}", std::path::Path::new(&path).display());
    }
}
