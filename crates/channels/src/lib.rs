//! Channel adapters: the parts of each channel that are plain I/O and validation, with no actor
//! and no global state. The actor shells live in `omega-actors`.

/// The HTTP API's wire types, validation and bearer-token check.
pub mod http_api;
/// What both chat formats do alike with Markdown.
mod markdown;
/// Outbound pacing and a liveness watchdog, on times the caller passes in.
pub mod pacing;
/// Cutting text into messages of a channel's size.
pub mod split;
/// Telegram: Markdown to Telegram HTML, split into messages Telegram accepts.
pub mod telegram;
/// How the terminal shows messages.
pub mod terminal;
/// WhatsApp: Markdown to WhatsApp markup, split into messages WhatsApp accepts.
pub mod whatsapp;
/// The WhatsApp Cloud API's wire: webhook handshake and signature, notifications, sends, errors.
pub mod whatsapp_cloud;
