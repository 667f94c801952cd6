//! Omega's actor layer: everything that owns a mailbox.
//!
//! The message path reads from the type names:
//!
//! ```text
//! Channel ─Receive─▶ Gateway ─Accept─▶ Session ─Complete─▶ Provider
//!                                         │
//!                                         ├─FetchMedia─▶ Channel (photos, voice notes)
//!                                         ├─ListTools / RunTool─▶ Sandbox (tool loop, HTTP providers)
//!                                         ├─ProcessOutput─▶ Markers ─▶ Processed (text + Confirmations)
//!                                         │                  ├─ScheduleTask / CancelTask / UpdateTask─▶ Scheduler
//!                                         │                  ├─StartJob─▶ Gateway ─▶ JobRunner (a background job)
//!                                         │                  └─EditChecklist─▶ Heartbeat
//!                                         └─ store (inbox → conversation, audit, outbox)
//!                                                 └─Dispatch─▶ Outbox ─Deliver─▶ Channel
//! ```
//!
//! The tree and its restart rules are drawn in [`supervisor`]. Pure logic (config, sanitizing,
//! prompts, marker parsing, storage) lives in the `crates/`; actors are thin shells around it.

/// Blocking file I/O on the blocking pool, never on an actor thread.
pub mod blocking;
/// The channel contract and the in-process channel.
pub mod channel;
/// Slash commands, answered without the AI.
pub mod commands;
/// Marker effects, carried out and confirmed.
pub mod effects;
/// Auth, sanitizing and routing to sessions.
pub mod gateway;
/// The supervision guard every supervised actor holds.
pub mod guard;
/// The Heartbeat actor: the owner's periodic self-check.
pub mod heartbeat;
/// The HTTP API channel.
#[cfg(feature = "http")]
pub mod http;
/// Background jobs: the queue the Gateway keeps, and the words of `/bg`, `/jobs`, `/cancel`.
pub mod jobs;
/// The Markers actor.
pub mod markers;
/// Durable delivery of replies.
pub mod outbox;
/// What the message path hands down: the job, the session's settings and collaborators.
pub mod pipeline;
/// The Provider actor.
pub mod provider;
/// Re-pointable recipients, so collaborators follow an actor across restarts.
pub mod route;
/// Smart routing: direct answers, or complex work in steps.
pub mod routing;
/// The Sandbox actor: every tool call goes through it.
pub mod sandbox;
/// The Scheduler actor: reminders and actions at their time.
pub mod scheduler;
/// Per-sender ordering, recording, and answering.
pub mod session;
/// The skills folder, kept current, and lessons written into skills.
pub mod skills;
/// Re-pointable addresses for actors with several message types.
pub mod slot;
/// Daily spending caps, checked before every call.
pub mod spend;
/// How long each stage of an answer takes, for `/metrics`.
pub mod stages;
/// The Summarizer actor: idle conversations closed with a summary and facts.
pub mod summarizer;
/// The supervision tree.
pub mod supervisor;
/// The Telegram channel.
#[cfg(feature = "telegram")]
pub mod telegram;
/// The terminal channel (`omega chat`).
pub mod terminal;
/// The WhatsApp channel: the Cloud API and WhatsApp Web.
#[cfg(feature = "whatsapp")]
pub mod whatsapp;
