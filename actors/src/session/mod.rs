//! The Session actor: one per sender, the unit of ordering.
//!
//! A session records each message in the inbox (that is when the channel may consider it
//! received), then answers its messages strictly one at a time, oldest first. A message that
//! arrives while another is being answered waits in the queue and its sender is told so
//! ("Got it, I'll get to this next."). Different senders have different sessions and run in
//! parallel.
//!
//! A session owns no state that is not also in the database: on start it loads the sender's
//! unfinished inbox rows, so a fresh session after a crash (or after a restart of the daemon)
//! picks up exactly where the old one stopped. If it panics, its `Drop` tells the Gateway which
//! message was in flight, so that message still gets an error reply.

use actix::prelude::*;
use omega_core::{Inbound, InboxId, SessionKey};
use omega_memory::inbox::Recorded;
use omega_memory::{InboxRow, Store};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;

use crate::gateway::{Accepted, SessionEnded, SessionIdle};
use crate::markers::ProcessOutput;
use crate::outbox::{Notify, Outbox};
use crate::provider::Complete;
use crate::route::Route;
use crate::slot::Slot;

/// One message answered, step by step.
mod answer;
/// Daily spending caps.
mod budget;
/// The request: prompt, history, message.
mod context;
/// Storing the outcome and handing it to the Outbox.
mod outcome;
/// Answers shown while they are generated.
mod previews;
/// The bridge to the tool loop.
mod tools;

use answer::answer;
pub(crate) use budget::start_of_today;
pub(crate) use outcome::fail_in_flight;

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
    pub routing: Option<crate::routing::RoutingSettings>,
    /// "Now": the prompt's time, due times, the budget's day, when an exchange happened.
    pub clock: omega_core::clock::SharedClock,
    /// Test hook: a session panics when a message contains this text. Never set by config.
    #[doc(hidden)]
    pub panic_on: Option<String>,
}

impl Default for SessionSettings {
    fn default() -> Self {
        Self {
            agent_name: "Omega".into(),
            timezone: chrono_tz::UTC,
            busy_ack: "Got it, I'll get to this next.".into(),
            idle_timeout: Duration::from_secs(600),
            max_context_messages: 50,
            context_chars: 96_000,
            recall_messages: 5,
            max_resumes: 2,
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
            panic_on: None,
        }
    }
}

/// The collaborators a session talks to.
#[derive(Clone)]
pub struct SessionDeps {
    pub store: Store,
    pub provider: Route<Complete>,
    pub markers: Route<ProcessOutput>,
    /// The Scheduler, told when tasks change.
    pub scheduler: Route<crate::scheduler::Rearm>,
    /// The Scheduler, told how a scheduled action it started ended.
    pub action_done: Route<crate::scheduler::ActionDone>,
    /// The Summarizer, told when a conversation had activity.
    pub summarizer: Route<crate::summarizer::Nudge>,
    /// The Heartbeat, told when its interval changes.
    pub heartbeat: Route<crate::heartbeat::RearmHeartbeat>,
    /// The Sandbox actor, when tools are on.
    pub tools: Option<crate::sandbox::RoutedTools>,
    pub outbox: Slot<Outbox>,
    pub gateway_idle: Recipient<SessionIdle>,
    pub gateway_ended: Recipient<SessionEnded>,
    pub settings: Arc<SessionSettings>,
    /// The provider's name, for the audit log when the call itself failed.
    pub provider_name: String,
}

/// A sanitized message for this sender, to be recorded and answered.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Accept {
    pub inbound: Inbound,
    pub ack: Option<oneshot::Sender<Accepted>>,
}

/// Stop now (the Gateway decided the session is idle, or is shutting down).
#[derive(Message)]
#[rtype(result = "()")]
pub struct StopSession;

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
}

impl Job {
    /// The task this message runs, when the Scheduler started it.
    pub fn task_id(&self) -> Option<&str> {
        self.external_id.as_deref()?.strip_prefix("task:")?.split(':').next()
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
        }
    }
}

pub struct Session {
    key: SessionKey,
    channel: String,
    sender_id: String,
    generation: u64,
    deps: SessionDeps,
    queue: VecDeque<Job>,
    in_flight: Option<Job>,
    /// How many `Accept` messages this session has handled; the Gateway compares it with how
    /// many it sent before stopping an idle session, so no message is stranded in a mailbox.
    accepted: u64,
    idle: Option<SpawnHandle>,
}

impl Session {
    pub fn new(channel: &str, sender_id: &str, generation: u64, deps: SessionDeps) -> Self {
        Self {
            key: SessionKey::new(channel, sender_id),
            channel: channel.to_owned(),
            sender_id: sender_id.to_owned(),
            generation,
            deps,
            queue: VecDeque::new(),
            in_flight: None,
            accepted: 0,
            idle: None,
        }
    }

    /// Start the next message if none is in flight; otherwise arm the idle timer.
    fn kick(&mut self, ctx: &mut Context<Self>) {
        if self.in_flight.is_some() {
            return;
        }
        if let Some(h) = self.idle.take() {
            ctx.cancel_future(h);
        }
        let Some(job) = self.queue.pop_front() else {
            let (key, generation) = (self.key.clone(), self.generation);
            self.idle = Some(ctx.run_later(self.deps.settings.idle_timeout, move |act, _| {
                act.deps.gateway_idle.do_send(SessionIdle { key, generation, accepted: act.accepted });
            }));
            return;
        };
        self.in_flight = Some(job.clone());
        let deps = self.deps.clone();
        ctx.spawn(answer(deps, self.key.clone(), job).into_actor(self).map(|_, act, ctx| {
            act.in_flight = None;
            act.kick(ctx);
        }));
    }
}

impl Actor for Session {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        // Load what this sender left unfinished before taking new messages, so recovered
        // messages keep their place in line.
        let store = self.deps.store.clone();
        let (channel, sender) = (self.channel.clone(), self.sender_id.clone());
        ctx.wait(async move { store.unfinished_inbound_for(&channel, &sender).await }.into_actor(self).map(
            |rows, act, ctx| {
                match rows {
                    Ok(rows) => {
                        if !rows.is_empty() {
                            tracing::info!(session = %act.key, count = rows.len(), "resuming unfinished messages");
                        }
                        act.queue.extend(rows.into_iter().map(Job::from));
                    }
                    Err(e) => tracing::error!(session = %act.key, error = %e, "cannot load unfinished messages"),
                }
                act.kick(ctx);
            },
        ));
    }
}

impl Handler<Accept> for Session {
    type Result = ();

    fn handle(&mut self, msg: Accept, ctx: &mut Context<Self>) {
        self.accepted += 1;
        let store = self.deps.store.clone();
        let inbound = msg.inbound;
        let ack = msg.ack;
        // `wait`: record messages of one sender strictly in arrival order.
        ctx.wait(
            async move {
                let r = store.record_inbound(&inbound).await;
                (inbound, r)
            }
            .into_actor(self)
            .map(move |(inbound, recorded), act, ctx| match recorded {
                Ok(Recorded::New(id)) => {
                    if let Some(ack) = ack {
                        let _ = ack.send(Accepted::Queued(id));
                    }
                    let busy = act.in_flight.is_some() || !act.queue.is_empty();
                    if busy && !act.deps.settings.busy_ack.is_empty() {
                        act.deps.outbox.do_send(Notify {
                            channel: inbound.channel.clone(),
                            recipient: inbound.reply_target.clone(),
                            text: act.deps.settings.busy_ack.clone(),
                            in_reply_to: Some(id),
                        });
                    }
                    act.queue.push_back(Job {
                        id,
                        channel: inbound.channel,
                        sender_id: inbound.sender_id,
                        sender_name: inbound.sender_name,
                        reply_target: inbound.reply_target,
                        text: inbound.text,
                        attempts: 0,
                        attachments: inbound.attachments,
                        external_id: inbound.external_id,
                    });
                    act.kick(ctx);
                }
                Ok(Recorded::Duplicate(id)) => {
                    tracing::debug!(session = %act.key, id = id.0, "duplicate delivery ignored");
                    if let Some(ack) = ack {
                        let _ = ack.send(Accepted::Duplicate(id));
                    }
                }
                Err(e) => {
                    tracing::error!(session = %act.key, error = %e, "cannot record an inbound message");
                    if let Some(ack) = ack {
                        let _ = ack.send(Accepted::Failed(format!("cannot store the message: {e}")));
                    }
                    act.deps.outbox.do_send(Notify {
                        channel: inbound.channel,
                        recipient: inbound.reply_target,
                        text: "I couldn't save your message (database error), so I can't answer it. Please send it again."
                            .into(),
                        in_reply_to: None,
                    });
                }
            }),
        );
    }
}

impl Handler<StopSession> for Session {
    type Result = ();

    fn handle(&mut self, _: StopSession, ctx: &mut Context<Self>) {
        ctx.stop();
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.deps.gateway_ended.do_send(SessionEnded {
            key: self.key.clone(),
            generation: self.generation,
            panicked: std::thread::panicking(),
            in_flight: self.in_flight.take(),
        });
    }
}
