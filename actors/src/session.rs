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
use chrono::Utc;
use omega_core::prompt::{PromptInput, system_prompt};
use omega_core::{Inbound, InboxId, OutboundKind, SessionKey};
use omega_memory::conversations::{CallRecord, Exchange};
use omega_memory::inbox::Recorded;
use omega_memory::{InboxRow, Store};
use omega_providers::{ChatMessage, ChatRequest, ProviderError, Role};
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

use crate::channel::Preview;
use crate::gateway::{Accepted, SessionEnded, SessionIdle};
use crate::markers::ProcessOutput;
use crate::outbox::{Dispatch, Notify, Outbox, ShowPreview};
use crate::provider::Complete;
use crate::route::Route;
use crate::slot::Slot;

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

/// Answer one message: context → provider → markers → store → outbox. Every path ends in exactly
/// one stored outcome (a reply or an error) that the Outbox delivers.
async fn answer(deps: SessionDeps, key: SessionKey, job: Job) {
    if deps.settings.panic_on.as_deref().is_some_and(|p| job.text.contains(p)) {
        panic!("injected session panic for {key}");
    }
    let started = Instant::now();
    if job.attempts > deps.settings.max_resumes {
        let text = "Omega restarted while answering this message, more than once, so I stopped \
                    retrying it. Please send it again."
            .to_owned();
        let detail = format!("abandoned after {} interruptions", job.attempts);
        finish(&deps, &job, OutboundKind::Error, text, Some(detail), CallRecord::default()).await;
        return;
    }

    if let Some(command) = omega_core::commands::Command::parse(&job.text) {
        let text = crate::commands::run(&deps, &job, &key, command).await;
        store_outcome(&deps, &job, OutboundKind::Reply, text, None, CallRecord::default(), true).await;
        return;
    }

    if !job.attachments.is_empty() && !deps.settings.vision && !deps.settings.reads_image_files {
        let text = format!(
            "I can't look at images with the current model ({} has vision turned off). Describe it in \
             words, or switch to a model that can see ([provider.{}] vision = true).",
            deps.provider_name, deps.provider_name
        );
        finish(&deps, &job, OutboundKind::Reply, text, None, CallRecord::default()).await;
        return;
    }

    let (request, project) = match build_request(&deps, &key, &job).await {
        Ok(r) => r,
        Err(e) => {
            let text = "I couldn't load our conversation (database error). Please try again.".into();
            finish(&deps, &job, OutboundKind::Error, text, Some(e), CallRecord::default()).await;
            return;
        }
    };
    if let Some(refusal) = over_budget(&deps, &job, &request).await {
        let call = CallRecord { provider: Some(deps.provider_name.clone()), ..Default::default() };
        finish(&deps, &job, OutboundKind::Error, refusal, Some("daily budget reached".into()), call).await;
        return;
    }
    let deltas = deps.settings.preview_channels.contains(&job.channel).then(|| spawn_previews(&deps, &job));
    let resumed_id = request.resume.clone();
    let resumed = resumed_id.is_some();
    let mut untrusted = Vec::new();
    let mut tool_confirmations = Vec::new();
    let routed = match &deps.settings.routing {
        Some(r) if crate::routing::worth_classifying(r, &job.text, resumed) => {
            crate::routing::route(&deps, &job, r, &request).await
        }
        _ => None,
    };
    let result = match (routed, &deps.tools, deps.settings.tools) {
        (Some(r), _, _) => Ok(r),
        (None, Some(tools), Some(limits)) if deps.settings.provider_tools => {
            let (answer, outputs) =
                run_tool_loop(&deps, &job, tools, limits, request, deltas.clone(), &mut tool_confirmations)
                    .await;
            untrusted = outputs;
            Ok(answer)
        }
        _ => deps.provider.send(Complete { request, deltas }).await,
    };
    // A failed call keeps the stored session: a timeout or a rate limit says nothing about it,
    // and the CLI's transcript (its tool results too) holds more than Omega's history. A session
    // the CLI no longer knows is replaced by the provider itself (a new id, stored below).
    if let Ok(Ok(r)) = &result
        && let Some(sid) = &r.session_id
        && session_changed(resumed_id.as_deref(), sid)
    {
        let _ = deps
            .store
            .set_provider_session(&job.channel, &job.sender_id, &project, &deps.provider_name, Some(sid))
            .await;
    }
    let latency = Some(started.elapsed().as_millis() as i64);
    let response = match result {
        Ok(Ok(r)) => r,
        Ok(Err(err)) => {
            tracing::warn!(session = %key, error = %err, "provider call failed");
            let call = CallRecord {
                provider: Some(deps.provider_name.clone()),
                latency_ms: latency,
                ..Default::default()
            };
            finish(&deps, &job, OutboundKind::Error, err.user_message(), Some(err.to_string()), call).await;
            return;
        }
        Err(mailbox) => {
            let err = ProviderError::Interrupted {
                provider: deps.provider_name.clone(),
                detail: format!("the provider actor stopped while answering ({mailbox})"),
            };
            tracing::error!(session = %key, error = %err, "provider actor lost");
            let call = CallRecord {
                provider: Some(deps.provider_name.clone()),
                latency_ms: latency,
                ..Default::default()
            };
            let text = "Something went wrong inside Omega while answering this (internal error in the \
                        provider). Please send it again."
                .to_owned();
            finish(&deps, &job, OutboundKind::Error, text, Some(err.to_string()), call).await;
            return;
        }
    };
    let answered_by =
        if response.provider.is_empty() { deps.provider_name.clone() } else { response.provider.clone() };
    let call = CallRecord {
        provider: Some(answered_by),
        model: Some(response.model.clone()),
        input_tokens: response.usage.map(|u| u.input_tokens as i64),
        output_tokens: response.usage.map(|u| u.output_tokens as i64),
        cost_usd: response.cost_usd.or_else(|| {
            response
                .usage
                .and_then(|u| omega_providers::pricing::cost_usd(&response.model, &u, &deps.settings.prices))
        }),
        latency_ms: latency,
    };
    let processed = match deps.markers.send(ProcessOutput { text: response.text, untrusted }).await {
        Ok(p) => p,
        Err(e) => {
            let text = "Something went wrong inside Omega while reading the answer (internal error). \
                        Please send it again."
                .to_owned();
            finish(&deps, &job, OutboundKind::Error, text, Some(format!("markers actor: {e}")), call).await;
            return;
        }
    };
    for d in &processed.diagnostics {
        tracing::warn!(session = %key, marker = d.marker.as_str(), problem = %d.problem, "malformed marker");
    }
    if let Some(task_id) = job.task_id() {
        let outcome = processed.effects.iter().find_map(|e| match e {
            omega_markers::Effect::ActionOutcome { success, reason } => Some((*success, reason.clone())),
            _ => None,
        });
        let (ok, reason) = outcome.unwrap_or((true, None));
        deps.action_done.do_send(crate::scheduler::ActionDone { task_id: task_id.to_owned(), ok, reason });
    }
    let mut confirmations = tool_confirmations;
    confirmations.extend(crate::effects::apply(&deps, &job, &key, &processed.effects).await);
    let text = match (processed.text.trim().is_empty(), confirmations.is_empty()) {
        (true, true) => "Done.".to_owned(),
        (true, false) => confirmations.join("\n"),
        (false, true) => processed.text,
        (false, false) => format!("{}\n\n{}", processed.text.trim_end(), confirmations.join("\n")),
    };
    finish(&deps, &job, OutboundKind::Reply, text, None, call).await;
}

/// Whether a provider's answer came from another session than the one stored (a new one, or a
/// fresh one that replaced a session the CLI no longer knew): only then is it written.
fn session_changed(stored: Option<&str>, answered: &str) -> bool {
    stored != Some(answered)
}

/// The text of a prompt file without its leading HTML comment (the explanation Omega writes).
fn strip_comment(text: &str) -> &str {
    let t = text.trim_start();
    match t.strip_prefix("<!--").and_then(|r| r.split_once("-->")) {
        Some((_, rest)) => rest,
        None => t,
    }
}

/// Answer through the tool loop: the model may run tools (through the Sandbox actor) before it
/// answers. Every call is audited, with secrets redacted. Returns the answer and the raw tool
/// outputs (untrusted: markers copied from them are not executed).
async fn run_tool_loop(
    deps: &SessionDeps,
    job: &Job,
    tools: &crate::sandbox::RoutedTools,
    limits: omega_providers::toolloop::LoopLimits,
    request: ChatRequest,
    deltas: Option<omega_providers::DeltaSink>,
    confirmations: &mut Vec<String>,
) -> (Result<omega_providers::ChatResponse, ProviderError>, Vec<String>) {
    use futures::FutureExt as _;
    let provider = deps.provider.clone();
    let name = deps.provider_name.clone();
    let complete = move |req: ChatRequest| {
        let (provider, deltas, name) = (provider.clone(), deltas.clone(), name.clone());
        async move {
            match provider.send(Complete { request: req, deltas }).await {
                Ok(r) => r,
                Err(e) => Err(ProviderError::Interrupted {
                    provider: name,
                    detail: format!("the provider actor stopped while answering ({e})"),
                }),
            }
        }
        .boxed()
    };
    let host = SessionTools {
        sandbox: tools.clone(),
        deps: deps.clone(),
        job: job.clone(),
        key: SessionKey::new(&job.channel, &job.sender_id),
        confirmations: Default::default(),
    };
    let out = omega_providers::toolloop::run(&complete, &host, request, limits).await;
    confirmations.extend(host.confirmations.lock().drain(..));
    if let Some(stop) = &out.stopped {
        tracing::warn!(channel = %job.channel, sender = %job.sender_id, ?stop, "tool loop stopped by a limit");
    }
    let known: Vec<&str> = deps.settings.secrets.iter().map(|s| s.expose()).collect();
    let records = out
        .runs
        .iter()
        .map(|r| omega_memory::toolcalls::ToolCallRecord {
            channel: job.channel.clone(),
            sender_id: job.sender_id.clone(),
            inbox_id: Some(job.id.0),
            tool: r.name.clone(),
            arguments: omega_core::secret::redact_json(&r.arguments, &known).to_string(),
            ok: !r.is_error,
            outcome: omega_core::secret::redact_text(&r.content, &known),
            duration_ms: r.duration.as_millis() as i64,
        })
        .collect();
    if let Err(e) = deps.store.record_tool_calls(records).await {
        tracing::error!(error = %e, "cannot record tool calls in the audit log");
    }
    // Effect tools' results are Omega's own confirmations, not untrusted output.
    let untrusted = out
        .runs
        .into_iter()
        .filter(|r| !omega_markers::tools::is_effect_tool(&r.name))
        .map(|r| r.content)
        .collect();
    (out.result, untrusted)
}

/// The tools a session offers: the Sandbox's (built-ins, MCP) plus the effect tools, which act
/// exactly like the markers they stand for.
struct SessionTools {
    sandbox: crate::sandbox::RoutedTools,
    deps: SessionDeps,
    job: Job,
    key: SessionKey,
    /// What the effect tools did, for the reply.
    confirmations: parking_lot::Mutex<Vec<String>>,
}

#[async_trait::async_trait]
impl omega_providers::toolloop::ToolHost for SessionTools {
    async fn specs(&self) -> Vec<omega_providers::ToolSpec> {
        let mut specs = self.sandbox.specs().await;
        specs.extend(omega_markers::tools::effect_tools().into_iter().map(|t| omega_providers::ToolSpec {
            name: t.name.into(),
            description: t.description.into(),
            parameters: t.parameters,
        }));
        specs
    }

    async fn call(&self, call: &omega_providers::ToolCall) -> omega_providers::toolloop::ToolOutcome {
        use omega_providers::toolloop::ToolOutcome;
        match omega_markers::tools::effect_of_call(&call.name, &call.arguments) {
            None => self.sandbox.call(call).await,
            Some(Err(problem)) => ToolOutcome { content: problem, is_error: true },
            Some(Ok(effect)) => {
                let lines = crate::effects::apply(&self.deps, &self.job, &self.key, &[effect]).await;
                let failed = lines.iter().any(|l| l.starts_with('✗'));
                self.confirmations.lock().extend(lines.iter().cloned());
                let content = if lines.is_empty() { "done".to_owned() } else { lines.join("\n") };
                ToolOutcome { content, is_error: failed }
            }
        }
    }
}

/// The start of the user's day at `now`, in UTC milliseconds.
pub(crate) fn start_of_today(now: chrono::DateTime<Utc>, tz: chrono_tz::Tz) -> i64 {
    use chrono::TimeZone;
    let now = now.with_timezone(&tz);
    let midnight = now.date_naive().and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.timestamp_millis())
        .unwrap_or(now.timestamp_millis())
}

/// Refuse a call that would take the sender (or everyone) over today's cap. The call's prompt is
/// estimated at four characters a token and priced at the model's input rate; the answer's cost
/// cannot be known in advance, so a cap can be overshot by at most one answer.
async fn over_budget(deps: &SessionDeps, job: &Job, request: &ChatRequest) -> Option<String> {
    let b = &deps.settings.budget;
    let capped = b.daily_usd_per_sender > 0.0
        || b.daily_tokens_per_sender > 0
        || b.daily_usd_total > 0.0
        || b.daily_tokens_total > 0;
    if !capped {
        return None;
    }
    let since = start_of_today(deps.settings.clock.now(), deps.settings.timezone);
    // A resumed session is sent only the new message (the history rides along for a fallback).
    let sent = if request.resume.is_some() { request.messages.len().saturating_sub(1) } else { 0 };
    let chars: usize =
        request.system.len() + request.messages[sent..].iter().map(|m| m.content.len()).sum::<usize>();
    let est_tokens = (chars / 4) as i64;
    let model = if request.model.is_empty() { &deps.settings.model } else { &request.model };
    let est_usd = omega_providers::pricing::price_for(model, &deps.settings.prices)
        .map_or(0.0, |p| est_tokens as f64 * p.input_per_mtok / 1_000_000.0);
    let tz = deps.settings.timezone.name();
    let mine = deps.store.spend_since(Some((&job.channel, &job.sender_id)), since).await.ok()?;
    if b.daily_usd_per_sender > 0.0 && mine.usd + est_usd > b.daily_usd_per_sender {
        return Some(format!(
            "You've reached today's budget: ${:.4} of ${:.2} spent. It resets at midnight ({tz}); the owner can raise [budget] daily_usd_per_sender.",
            mine.usd, b.daily_usd_per_sender
        ));
    }
    if b.daily_tokens_per_sender > 0 && mine.tokens + est_tokens > b.daily_tokens_per_sender as i64 {
        return Some(format!(
            "You've reached today's token budget: {} of {} tokens used. It resets at midnight ({tz}); the owner can raise [budget] daily_tokens_per_sender.",
            mine.tokens, b.daily_tokens_per_sender
        ));
    }
    if b.daily_usd_total > 0.0 || b.daily_tokens_total > 0 {
        let all = deps.store.spend_since(None, since).await.ok()?;
        if (b.daily_usd_total > 0.0 && all.usd + est_usd > b.daily_usd_total)
            || (b.daily_tokens_total > 0 && all.tokens + est_tokens > b.daily_tokens_total as i64)
        {
            return Some(format!(
                "Omega has reached today's overall budget (${:.4}, {} tokens used). It resets at midnight ({tz}).",
                all.usd, all.tokens
            ));
        }
    }
    None
}

/// The shortest gap between two previews of a growing answer (Telegram allows about one edit a
/// second per chat).
const PREVIEW_EVERY: Duration = Duration::from_millis(1200);

/// Forward the streamed answer to the channel as previews: markers held back by the stream
/// filter, at most one preview per [`PREVIEW_EVERY`]. Ends when the provider drops the sink; the
/// final answer is delivered as usual.
fn spawn_previews(deps: &SessionDeps, job: &Job) -> omega_providers::DeltaSink {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let outbox = deps.outbox.clone();
    let (channel, recipient, id) = (job.channel.clone(), job.reply_target.clone(), job.id);
    actix_rt::spawn(async move {
        let mut filter = omega_markers::StreamFilter::new();
        let mut shown = String::new();
        let mut last: Option<Instant> = None;
        let mut dirty = false;
        loop {
            let next = match last {
                Some(t) => tokio::time::timeout_at((t + PREVIEW_EVERY).into(), rx.recv()).await,
                None => Ok(rx.recv().await),
            };
            match next {
                Ok(Some(delta)) => {
                    let visible = filter.push(&delta);
                    if !visible.is_empty() {
                        shown.push_str(&visible);
                        dirty = true;
                    }
                }
                Ok(None) => break,
                Err(_) => {}
            }
            if dirty && !shown.trim().is_empty() && last.is_none_or(|t| t.elapsed() >= PREVIEW_EVERY) {
                let preview = Preview { recipient: recipient.clone(), in_reply_to: id, text: shown.clone() };
                outbox.do_send(ShowPreview { channel: channel.clone(), preview });
                last = Some(Instant::now());
                dirty = false;
            }
        }
    });
    tx
}

/// System prompt, the conversation so far, and the new message; with the active project (`""`
/// for none), which scopes the provider's session.
async fn build_request(
    deps: &SessionDeps,
    _key: &SessionKey,
    job: &Job,
) -> Result<(ChatRequest, String), String> {
    // Reads in parallel (each is a round trip to a worker thread): the history, everything else
    // about the sender in one statement, recall only when the message has words worth searching
    // for, and the owner's files (SYSTEM.md, the skills) on a blocking thread, never the actor's.
    let data_dir = deps.settings.data_dir.clone();
    let files = crate::blocking::off_thread(move || {
        // The owner may rewrite who Omega is in prompts/SYSTEM.md; read per message, so edits
        // apply at once.
        let identity = std::fs::read_to_string(data_dir.join("prompts").join("SYSTEM.md")).ok();
        (identity, crate::commands::installed_skills(&data_dir))
    });
    let ((history, context, recall), files) = futures::future::join(
        futures::future::join3(
            deps.store.history(&job.channel, &job.sender_id, deps.settings.max_context_messages),
            deps.store.sender_context(&job.channel, &job.sender_id, 30, 20, 3),
            async {
                if deps.settings.recall_messages == 0 {
                    return Ok(Vec::new());
                }
                deps.store
                    .recall(&job.channel, &job.sender_id, &job.text, deps.settings.recall_messages)
                    .await
            },
        ),
        files,
    )
    .await;
    let (identity, skills) = files.unwrap_or_default();
    let history = history.map_err(|e| e.to_string())?;
    let context = context.map_err(|e| e.to_string())?;
    let facts = context.facts;
    let tz = facts
        .iter()
        .find(|(k, _)| k == "timezone")
        .and_then(|(_, v)| v.parse::<chrono_tz::Tz>().ok())
        .unwrap_or(deps.settings.timezone);
    let recall: Vec<String> = recall
        .unwrap_or_default()
        .into_iter()
        .map(|m| format!("{}: {}", m.role, m.content.chars().take(300).collect::<String>()))
        .collect();
    let tasks: Vec<(String, String, String, String)> = context
        .tasks
        .into_iter()
        .map(|t| {
            let due = omega_core::when::format_local(omega_memory::from_millis(t.due_at), tz);
            let every = omega_core::when::Repeat::parse(t.repeat.as_deref())
                .map(|r| r.describe())
                .unwrap_or_default();
            (crate::effects::short(&t.id).to_owned(), t.description, due, every)
        })
        .collect();
    let lessons = context.lessons;
    let summaries = context.summaries;
    let identity = identity.as_deref().map(strip_comment);
    let system = system_prompt(&PromptInput {
        agent_name: &deps.settings.agent_name,
        identity,
        channel: &job.channel,
        now: deps.settings.clock.now(),
        timezone: tz,
        facts: &facts,
        tasks: &tasks,
        lessons: &lessons,
        summaries: &summaries,
        recall: &recall,
        detected_language: omega_core::lang::detect(&job.text),
        skills: &skills,
    });
    let mut messages: Vec<ChatMessage> = history
        .into_iter()
        .filter_map(|m| Role::parse(&m.role).map(|r| ChatMessage::new(r, m.content)))
        .collect();
    // Leave out the oldest history until everything fits the context budget.
    let budget = deps.settings.context_chars.saturating_sub(system.len() + job.text.len());
    let mut used: usize = messages.iter().map(|m| m.content.len()).sum();
    let mut drop = 0;
    while used > budget && drop < messages.len() {
        used -= messages[drop].content.len();
        drop += 1;
    }
    if drop > 0 {
        tracing::debug!(dropped = drop, "history trimmed to the context budget");
        messages.drain(..drop);
    }
    let mut current = ChatMessage::new(Role::User, job.text.clone());
    let mut files = Vec::new();
    if !job.attachments.is_empty() {
        let (attachments, vision) = (job.attachments.clone(), deps.settings.vision);
        let read = crate::blocking::off_thread(move || -> Result<Vec<(String, Vec<u8>, PathBuf)>, String> {
            attachments
                .iter()
                .map(|a| {
                    let fail = |e: std::io::Error| format!("cannot read {}: {e}", a.path.display());
                    // A provider that sees gets the bytes; one that reads files, the real path
                    // (the sandbox grants exactly that file, for this call only).
                    let data = if vision { std::fs::read(&a.path).map_err(fail)? } else { Vec::new() };
                    Ok((a.mime.clone(), data, std::fs::canonicalize(&a.path).map_err(fail)?))
                })
                .collect()
        });
        let read = read.await.ok_or("the attachments could not be read")??;
        let n = read.len();
        for (i, (mime, data, path)) in read.into_iter().enumerate() {
            if vision {
                current.images.push(omega_providers::Image { mime, data });
            } else if deps.settings.reads_image_files {
                current.content.push_str(&format!(
                    "\n\n[The person sent an image ({} of {n}), at {}. Look at it with your Read tool.]",
                    i + 1,
                    path.display()
                ));
                files.push(path);
            }
        }
    }
    messages.push(current);
    let project =
        facts.iter().find(|(k, _)| k == "active_project").map(|(_, v)| v.clone()).unwrap_or_default();
    // A provider that keeps the conversation itself continues its session (per sender and
    // project); the history still goes along for a fresh session or a fallback provider.
    let resume = if deps.settings.keeps_sessions {
        deps.store
            .provider_session(&job.channel, &job.sender_id, &project, &deps.provider_name)
            .await
            .ok()
            .flatten()
    } else {
        None
    };
    let request = ChatRequest {
        model: String::new(),
        system,
        messages,
        max_tokens: None,
        resume,
        tools: Vec::new(),
        files,
    };
    Ok((request, project))
}

/// [`store_outcome`] for an outcome that belongs to the conversation.
async fn finish(
    deps: &SessionDeps,
    job: &Job,
    kind: OutboundKind,
    text: String,
    error: Option<String>,
    call: CallRecord,
) {
    if kind == OutboundKind::Error
        && let Some(task_id) = job.task_id()
    {
        let reason = Some(error.clone().unwrap_or_else(|| text.clone()));
        deps.action_done.do_send(crate::scheduler::ActionDone {
            task_id: task_id.to_owned(),
            ok: false,
            reason,
        });
    }
    store_outcome(deps, job, kind, text, error, call, false).await;
}

/// Store the outcome (one transaction) and hand it to the Outbox; `off_the_record` keeps it out
/// of the conversation history.
async fn store_outcome(
    deps: &SessionDeps,
    job: &Job,
    kind: OutboundKind,
    text: String,
    error: Option<String>,
    call: CallRecord,
    off_the_record: bool,
) {
    let exchange = Exchange {
        inbox_id: job.id,
        channel: job.channel.clone(),
        sender_id: job.sender_id.clone(),
        sender_name: job.sender_name.clone(),
        reply_target: job.reply_target.clone(),
        user_text: job.text.clone(),
        reply_text: text.clone(),
        kind,
        off_the_record,
        error,
        call,
        at: deps.settings.clock.now(),
    };
    match deps.store.finish_exchange(exchange).await {
        Ok(None) => {
            // Another session stored this message's outcome first: it is answered once, there.
            tracing::debug!(id = job.id.0, "message already answered; this outcome is dropped");
        }
        Ok(Some(row)) => {
            if !off_the_record {
                deps.summarizer.do_send(crate::summarizer::Nudge);
            }
            // The message is answered: its files are no longer needed (and are private).
            if !job.attachments.is_empty() {
                let paths: Vec<PathBuf> = job.attachments.iter().map(|a| a.path.clone()).collect();
                let _ = crate::blocking::off_thread(move || {
                    paths.iter().for_each(|p| drop(std::fs::remove_file(p)))
                })
                .await;
            }
            deps.outbox.do_send(Dispatch(row));
        }
        Err(e) => {
            // The outcome could not be stored: still tell the person, best-effort.
            tracing::error!(id = job.id.0, error = %e, "cannot store a reply; sending it unstored");
            deps.outbox.do_send(Notify {
                channel: job.channel.clone(),
                recipient: job.reply_target.clone(),
                text,
                in_reply_to: Some(job.id),
            });
        }
    }
}

/// Fail a message that a crashed session was answering. Used by the Gateway, which has no
/// session but the same collaborators.
pub(crate) async fn fail_in_flight(deps: &SessionDeps, job: Job) {
    let text = "Something went wrong inside Omega while answering this (internal error). \
                Please send it again."
        .to_owned();
    let call = CallRecord { provider: Some(deps.provider_name.clone()), ..Default::default() };
    let error = Some("the session handling this message crashed".to_owned());
    finish(deps, &job, OutboundKind::Error, text, error, call).await;
}
