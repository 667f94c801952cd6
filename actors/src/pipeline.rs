//! What the message path hands down, in one leaf module so the actors along it need not import
//! each other: the job (one message waiting to be answered), the session's settings and
//! collaborators, and the lifecycle events a session reports to the Gateway.

use actix::prelude::*;
use omega_core::{InboxId, SessionKey};
use omega_memory::{InboxRow, Store};
use std::sync::Arc;
use std::time::Duration;

use crate::markers::MarkersRoutes;
use crate::provider::Complete;
use crate::route::Route;

/// What every session is configured with.
#[derive(Debug, Clone)]
pub struct SessionSettings {
    pub agent_name: String,
    pub timezone: chrono_tz::Tz,
    /// Sent when a message has to wait; empty = nothing is sent.
    pub busy_ack: String,
    pub idle_timeout: Duration,
    pub max_context_messages: u32,
    /// The context budget in characters (system prompt + history + message).
    pub context_chars: usize,
    /// Earlier messages recalled per message (0 = none).
    pub recall_messages: u32,
    /// How many interruptions (a crash of the daemon or of the session) a message may live
    /// through; after that it is answered with an error instead of tried again, so a message
    /// that crashes Omega cannot crash it forever.
    pub max_resumes: i64,
    /// The first answer of a conversation begins with a note, in the person's language, that
    /// this is the bundled tiny local model and how to get a real one.
    pub local_note: bool,
    /// Background jobs can be started (`[jobs] enabled`): the model is told of them.
    pub jobs: bool,
    /// The provider's default model (for pricing estimates).
    pub model: String,
    /// The provider can look at images.
    pub vision: bool,
    /// The provider keeps conversations itself (its session is resumed per sender and project).
    pub keeps_sessions: bool,
    /// The provider reads images from files (the Claude Code CLI): photos are saved into the
    /// workspace, where its tools may read them, and named in the message.
    pub reads_image_files: bool,
    /// Channels that show answers while they are generated ([`crate::channel::Preview`]).
    pub preview_channels: Vec<String>,
    /// Prices from the config, on top of the built-in table.
    pub prices: std::collections::BTreeMap<String, omega_core::config::Price>,
    /// Daily spending caps.
    pub budget: omega_core::config::BudgetConfig,
    /// The tool loop's limits; `None` = no tools are offered.
    pub tools: Option<omega_providers::toolloop::LoopLimits>,
    /// The provider speaks native tool calling (the tool loop can drive it).
    pub provider_tools: bool,
    /// Every configured secret, redacted from the audit of tool calls.
    pub secrets: Vec<omega_core::Secret>,
    /// Omega's data directory (heartbeat checklist, projects, skills, prompts).
    pub data_dir: std::path::PathBuf,
    /// Who may talk and who is the owner (owner-only commands ask `is_owner`).
    pub auth: omega_core::auth::AuthPolicy,
    /// Smart routing; `None` = every message is answered directly.
    pub routing: Option<RoutingSettings>,
    /// "Now": the prompt's time, due times, the budget's day, when an exchange happened.
    pub clock: omega_core::clock::SharedClock,
    /// Transcribing voice notes.
    pub voice: omega_core::config::VoiceConfig,
    /// Test hook: a session panics when a message contains this text. Never set by config.
    #[doc(hidden)]
    pub panic_on: Option<String>,
}

impl Default for SessionSettings {
    fn default() -> Self {
        Self {
            agent_name: "Omega".into(),
            timezone: chrono_tz::UTC,
            busy_ack: omega_core::config::DEFAULT_BUSY_ACK.into(),
            idle_timeout: Duration::from_secs(600),
            max_context_messages: 50,
            context_chars: 96_000,
            recall_messages: 5,
            max_resumes: 2,
            local_note: false,
            jobs: true,
            model: String::new(),
            vision: false,
            keeps_sessions: false,
            reads_image_files: false,
            preview_channels: Vec::new(),
            prices: Default::default(),
            budget: Default::default(),
            tools: None,
            provider_tools: false,
            secrets: Vec::new(),
            data_dir: std::path::PathBuf::from("."),
            auth: Default::default(),
            routing: None,
            clock: omega_core::clock::system(),
            voice: Default::default(),
            panic_on: None,
        }
    }
}

/// The collaborators a session talks to.
#[derive(Clone)]
pub struct SessionDeps {
    pub store: Store,
    pub provider: Route<Complete>,
    /// Reads the provider's output and carries out what it asks.
    pub markers: MarkersRoutes,
    /// The Scheduler, for `/cancel`.
    pub cancel_task: Route<crate::effects::CancelTask>,
    /// The Scheduler, told how a scheduled action it started ended.
    pub action_done: Route<crate::scheduler::ActionDone>,
    /// The Summarizer, told when a conversation had activity.
    pub summarizer: Route<crate::summarizer::Nudge>,
    /// Folding the older part of a long conversation into its rolling summary.
    pub compact: Route<crate::summarizer::Compact>,
    /// The Sandbox actor, when tools are on.
    pub tools: Option<crate::sandbox::RoutedTools>,
    pub outbox: crate::outbox::OutboxRoutes,
    /// WhatsApp Web's connection, for `/whatsapp` (unbound unless `mode = "web"`).
    pub whatsapp_pairing: Route<crate::channel::StartPairing>,
    /// Per channel name, where the files its messages came with are fetched.
    pub media: Arc<std::collections::BTreeMap<String, Route<crate::channel::FetchMedia>>>,
    pub gateway_idle: Recipient<SessionIdle>,
    pub gateway_ended: Recipient<SessionEnded>,
    pub settings: Arc<SessionSettings>,
    /// The provider's name, for the audit log when the call itself failed.
    pub provider_name: String,
    /// What messages under way have spent, not in the audit log yet (shared by every session).
    pub in_flight: Arc<crate::spend::InFlight>,
    /// The Gateway's job queue (`/bg`, `/jobs`, `/cancel`).
    pub jobs: crate::effects::JobRoutes,
    /// Set when these deps answer a background job: its off switch.
    pub job: Option<Arc<JobControl>>,
    /// A session's own: what its sender's last prompt was built from (`None` elsewhere).
    pub context: Option<Arc<ContextCache>>,
    /// Turns that may hold a built request at once (every session's): a burst of senders waits
    /// here with only their message, not with a request each while the provider's slots are
    /// taken. Held from the context read until the provider has answered.
    pub turns: Arc<tokio::sync::Semaphore>,
}

/// How many turns may hold a built request at once, for `max_concurrent` provider calls: enough
/// that a free provider slot never waits for a request to be built, few enough that a burst of
/// senders does not hold a request each.
pub fn turn_slots(max_concurrent: usize) -> usize {
    max_concurrent.max(1) * 4
}

/// What a sender's prompt was last built from, kept by their Session between messages so a
/// message costs no reads while nothing changed: the history and everything else the prompt
/// says about them, with the store's [`context_version`](Store::context_version) when read.
/// Every write that may change any of it moves that version (the store counts them), except
/// the session's own exchange, which the session adds here itself.
#[derive(Debug, Default)]
pub struct ContextCache(parking_lot::Mutex<Option<CachedContext>>);

#[derive(Debug, Clone)]
pub struct CachedContext {
    pub version: omega_memory::writer::ContextVersion,
    pub history: Vec<omega_memory::HistoryMessage>,
    pub context: omega_memory::context::SenderContext,
    /// The provider session the conversation continues, for a provider that keeps them.
    pub resume: Option<String>,
}

impl ContextCache {
    /// The kept context, if nothing it was read from changed since.
    pub fn get(&self, now: omega_memory::writer::ContextVersion) -> Option<CachedContext> {
        self.0.lock().as_ref().filter(|c| c.version == now).cloned()
    }

    pub fn put(&self, cached: CachedContext) {
        *self.0.lock() = Some(cached);
    }

    pub fn clear(&self) {
        *self.0.lock() = None;
    }

    /// After the session's own exchange was stored: `now` is the version read right after it.
    /// If that exchange is the only write since the context was read (each write counts two),
    /// the context becomes what a fresh read would give: `remembered` (the user's message and
    /// the reply) appended to the history, kept to `limit` messages. Otherwise it is dropped,
    /// to be read again.
    pub fn after_exchange(
        &self,
        now: omega_memory::writer::ContextVersion,
        remembered: Option<(&str, &str, i64)>,
        limit: usize,
    ) {
        let mut kept = self.0.lock();
        let Some(c) = kept.as_mut() else { return };
        let only_ours = now.all == c.version.all && now.mine == c.version.mine + 2;
        // A reply in a conversation that did not exist yet starts one, whose id is not known here.
        if !only_ours || (remembered.is_some() && c.context.conversation.is_none()) {
            *kept = None;
            return;
        }
        c.version = now;
        if let Some((user, reply, at)) = remembered {
            for (role, content) in [("user", user), ("assistant", reply)] {
                // Its id is not known here; 0 marks it (a compaction through it reads again).
                c.history.push(omega_memory::HistoryMessage {
                    id: 0,
                    role: role.to_owned(),
                    content: content.to_owned(),
                    created_at: at,
                });
            }
            let extra = c.history.len().saturating_sub(limit);
            c.history.drain(..extra);
        }
    }
}

/// A running job's off switch, and why it was pulled.
#[derive(Debug, Default)]
pub struct JobControl {
    pub cancel: omega_providers::Cancel,
    reason: parking_lot::Mutex<Option<JobStop>>,
}

/// Why a job was stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStop {
    /// `/cancel N` while it ran.
    ByYou,
    /// `/cancel N` while it waited.
    BeforeStart,
    /// Still running after `[jobs] timeout_mins`.
    TooLong { minutes: u64 },
}

impl JobStop {
    /// The reason in `lang`, as the person is told ("… was stopped: cancelled by you.").
    pub fn words(self, lang: omega_core::i18n::Lang) -> String {
        match self {
            JobStop::ByYou => omega_core::tr!(lang, "job-cancelled-by-you"),
            JobStop::BeforeStart => omega_core::tr!(lang, "job-cancelled-before-start"),
            JobStop::TooLong { minutes } => omega_core::tr!(lang, "job-timed-out", minutes = minutes),
        }
    }
}

impl JobControl {
    pub fn new() -> Self {
        Self { cancel: omega_providers::Cancel::new(), reason: Default::default() }
    }

    /// Stop the job; the first reason given is the one the person is told.
    pub fn stop(&self, reason: JobStop) {
        self.reason.lock().get_or_insert(reason);
        self.cancel.cancel();
    }

    /// Why it was stopped, once it was.
    pub fn stopped(&self) -> Option<JobStop> {
        *self.reason.lock()
    }
}

/// One message waiting to be answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: InboxId,
    pub channel: String,
    pub sender_id: String,
    pub sender_name: Option<String>,
    pub reply_target: String,
    pub text: String,
    /// Interruptions this message has lived through.
    pub attempts: i64,
    pub attachments: Vec<omega_core::Attachment>,
    /// The channel's id for the message; `task:ID:DUE` for an action the Scheduler started.
    pub external_id: Option<String>,
    /// The project the turn runs in, once its context is read (`None` before: the sender's
    /// active project). Its conversation, tasks, lessons and outcomes are stored there.
    pub project: Option<String>,
    /// Files the answer sends (`send_file`), with their captions.
    pub files: Vec<(omega_core::OutFile, String)>,
    /// Omega's own words sent before the answer, kept out of the conversation's history.
    pub note: Option<String>,
}

impl Job {
    /// The task this message runs, when the Scheduler started it.
    pub fn task_id(&self) -> Option<&str> {
        self.external_id.as_deref()?.strip_prefix("task:")?.split(':').next()
    }

    /// Whom the answer's effects act for.
    pub fn who(&self) -> crate::effects::Who {
        crate::effects::Who {
            channel: self.channel.clone(),
            sender_id: self.sender_id.clone(),
            reply_target: self.reply_target.clone(),
            task: self.task_id().map(str::to_owned),
            project: self.project.clone().unwrap_or_default(),
            message: Some(self.id),
            in_job: self.is_job(),
        }
    }

    pub fn session_key(&self) -> omega_core::SessionKey {
        omega_core::SessionKey::new(&self.channel, &self.sender_id)
    }

    /// Whether this is a background job (run by the job queue, not the sender's session).
    pub fn is_job(&self) -> bool {
        self.external_id.as_deref().is_some_and(|e| e.starts_with(omega_memory::jobs::PREFIX))
    }
}

impl From<InboxRow> for Job {
    fn from(r: InboxRow) -> Self {
        let attachments = r.attachments();
        Self {
            id: InboxId(r.id),
            channel: r.channel,
            sender_id: r.sender_id,
            sender_name: r.sender_name,
            reply_target: r.reply_target,
            text: r.text,
            attachments,
            attempts: r.attempts,
            external_id: r.external_id,
            project: None,
            files: Vec::new(),
            note: None,
        }
    }
}

/// A session has had nothing to do for its idle timeout.
#[derive(Message, Debug, Clone)]
#[rtype(result = "()")]
pub struct SessionIdle {
    pub key: SessionKey,
    pub generation: u64,
    /// How many `Accept`s it has handled.
    pub accepted: u64,
}

/// A session's actor is gone (stopped, or panicked).
#[derive(Message, Debug, Clone)]
#[rtype(result = "()")]
pub struct SessionEnded {
    pub key: SessionKey,
    pub generation: u64,
    pub panicked: bool,
    pub in_flight: Option<Job>,
}

/// How routing is configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutingSettings {
    /// The classifier's model ("" = the provider's default).
    pub fast_model: String,
    /// The model that carries out the steps ("" = the provider's default).
    pub complex_model: String,
    /// Messages shorter than this are answered directly, without classifying.
    pub min_chars: usize,
    pub max_steps: usize,
}

pub use omega_core::budget::start_of_today;
