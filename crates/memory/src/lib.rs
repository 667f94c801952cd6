//! Omega's memory: one SQLite file, reached through a typed API.
//!
//! Reads go through a small connection pool; every write goes through one writer connection that
//! commits in groups ([`writer`]), which is what makes durable writes cheap enough to do for every
//! message. The file runs in WAL mode with `synchronous=NORMAL`: a committed write survives a
//! process crash (`kill -9`); only a power loss can take the last few commits.

/// SQL for the project a sender's memory is read or written in ('' = none): the one bound at
/// `$project` when it is not NULL, else their active project (the `active_project` fact, under
/// their linked identity if they have one). `$key` is their session key, `channel:sender_id`.
/// Resolved inside the statement, so scoping costs no extra round trip.
macro_rules! scope_sql {
    ($key:literal, $project:literal) => {
        concat!(
            "COALESCE(",
            $project,
            ", (SELECT value FROM facts WHERE key = 'active_project' AND sender = \
             COALESCE((SELECT canonical FROM user_aliases WHERE alias = ",
            $key,
            "), ",
            $key,
            ")), '')"
        )
    };
}

/// The audit log.
pub mod audit;
/// Consistent copies of the database, and the automatic one before migrations.
pub mod backup;
pub mod chain;
/// A message's prompt context, in one round trip.
pub mod context;
/// Conversations, their messages, and the exchange written when a message is answered.
pub mod conversations;
/// Errors a caller can act on.
pub mod error;
/// Facts about each sender.
pub mod facts;
/// What the Summarizer reads and writes.
pub mod idle;
/// Inbound messages, before and after they are answered.
pub mod inbox;
/// Background jobs: inbox rows the sender's session leaves to the job queue.
pub mod jobs;
/// A linked device's key material (WhatsApp Web), by space and key.
pub mod keys;
/// Lessons, outcomes and bug reports.
pub mod learning;
/// One person's identities linked across channels, on their command.
pub mod links;
/// What `/metrics` reports, read from the store.
pub mod metrics;
/// Opening the file: permissions, pragmas, migrations.
pub mod open;
/// Replies waiting for their channel to confirm delivery.
pub mod outbox;
/// Pairing codes and the senders they let in.
pub mod pairing;
/// Ranked keyword recall of earlier conversations (FTS5).
pub mod recall;
/// Row types returned by queries.
pub mod rows;
/// Firing due tasks exactly once.
pub mod schedule;
/// Provider-side sessions to resume.
pub mod sessions;
/// Per-channel state such as cursors.
pub mod state;
/// Counts and sizes for `omega status`.
pub mod stats;
/// Summaries of closed conversations.
pub mod summaries;
/// Scheduled tasks.
pub mod tasks;
/// The audit of tool calls.
pub mod toolcalls;
/// The group-commit writer.
pub mod writer;

pub use error::MemoryError;
pub use open::Store;
pub use rows::*;

/// Milliseconds since the Unix epoch, the unit of every time column.
pub fn millis(t: chrono::DateTime<chrono::Utc>) -> i64 {
    t.timestamp_millis()
}

pub fn from_millis(ms: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default()
}
