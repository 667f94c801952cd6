//! Omega's vocabulary: the types every other crate speaks, and the rules that need no I/O.
//!
//! Nothing here owns a mailbox, a socket or a file handle (config loading reads one file and
//! returns). Read in this order:

/// Who may talk to Omega on each channel.
pub mod auth;
/// Daily spending caps as arithmetic.
pub mod budget;
/// Time as an injected dependency.
pub mod clock;
/// Slash commands answered without the AI.
pub mod commands;
/// The configuration model, its defaults, and how layers merge into it.
pub mod config;
/// Facts about a person: allowed keys, validation, the summarizing call.
pub mod facts;
/// Omega's own texts in the person's language.
pub mod i18n;
/// Typed ids for rows and senders, and the one function that names a session.
pub mod ids;
/// Which language a message is written in.
pub mod lang;
/// Messages crossing the system: what a channel hands in, what goes back out.
pub mod message;
/// The system prompt, assembled from config, time and the sender's facts.
pub mod prompt;
/// Neutralizing role tags and flagging override phrases in untrusted text.
pub mod sanitize;
/// Secrets that cannot be printed by accident.
pub mod secret;
/// Restart budgets for supervised actors.
pub mod supervision;
/// Time zones: resolving the configured or system zone.
pub mod tz;
/// Due times and repeats, read in the user's time zone.
pub mod when;

pub use config::Config;
pub use ids::{ConversationId, InboxId, OutboxId, SessionKey};
pub use message::{Attachment, AttachmentKind, Inbound, OutFile, Outbound, OutboundKind};
pub use secret::Secret;
