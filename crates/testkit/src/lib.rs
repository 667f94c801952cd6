//! What Omega's tests stand on: fakes that speak the real wire formats, installers for the real
//! third-party peers, and helpers for time and temp dirs.
//!
//! Fakes exist only where the real counterpart is outside our control (an AI provider's HTTP API);
//! they follow the published wire format closely enough that the real clients accept them.

/// Temporary data dirs and config files.
pub mod dirs;
/// Property-based fuzzing of the parsers of untrusted input (scorecard suite 3).
pub mod fuzz;
/// A fake of the WhatsApp Cloud API (Meta's Graph API).
pub mod graph;
/// A fake Ollama server on 127.0.0.1:0.
pub mod ollama;
/// A fake OpenAI-compatible chat-completions server on 127.0.0.1:0.
pub mod openai;
/// Real third-party peers (llmock), installed on first use into `target/peers`.
pub mod peers;
/// Actor probes: recipients that record what they receive.
pub mod probe;
/// The reliability scorecard's figures, recorded by the tests that measure them.
pub mod score;
/// The HTTP server under every fake.
mod server;
/// A TCP relay that records request heads (headers) in front of a real server.
pub mod tap;
/// A fake Telegram Bot API server on 127.0.0.1:0.
pub mod telegram;
/// Waiting with a deadline instead of sleeping.
pub mod wait;
/// A fake web: pages, redirects, huge and stalled bodies, and the search backends' APIs.
pub mod web;

pub use dirs::TempHome;
pub use openai::{FakeOpenAi, Script};
pub use wait::{wait_until, wait_until_async};

/// The smallest valid PNG (1×1, grey): a real image for tests that send photos.
pub const PNG_1X1: &[u8] = &[
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 4, 0, 0, 0, 181,
    28, 12, 2, 0, 0, 0, 11, 73, 68, 65, 84, 120, 218, 99, 100, 96, 0, 0, 0, 6, 0, 2, 48, 129, 208, 47, 0, 0,
    0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];
