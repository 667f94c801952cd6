//! Markers: how the model asks Omega to act.
//!
//! A marker is a line of the model's final answer that starts with a marker name
//! (`SCHEDULE: call mum | 2026-12-01T09:00 | once`). The grammar is written down in
//! `schemas/markers.md`; this crate is its only implementation.
//!
//! The rules that fix the original's weak spots:
//! - a marker counts only at the start of a line (leading spaces allowed), outside fenced code
//!   blocks; "remember the LESSON: be brief" in prose is text, not a marker;
//! - quoted lines (`> SCHEDULE: ...`) are text: the model quoting a person is not the model acting;
//! - the parser never fails: malformed markers become [`Diagnostic`]s and are still stripped;
//! - a marker split across stream chunks is still recognized ([`StreamFilter`] holds back a
//!   partial line that could become a marker).
//!
//! Only text the model wrote as its final answer is ever parsed; tool output and user text never
//! reach [`parse`].

/// What carrying out an effect did, and the line the person is shown.
pub mod confirm;
/// Which effects a turn that read untrusted content may still carry out.
pub mod gate;
/// The marker names and what each one's value looks like.
pub mod grammar;
/// The parser: text in, clean text + effects + diagnostics out.
pub mod parse;
/// Streaming: what can be shown of a partial answer without leaking a marker.
pub mod stream;
/// What the model is told about the markers: the prompt's table.
pub mod told;
/// The same effects as native tools.
pub mod tools;

pub use confirm::Confirmation;
pub use grammar::{Effect, MarkerName, TaskKind};
pub use parse::{Diagnostic, Parsed, parse, parse_beside};
pub use stream::StreamFilter;
