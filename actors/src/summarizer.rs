//! The Summarizer actor: closes conversations that went idle, with a summary and the facts they
//! revealed, from one model call each.
//!
//! It sleeps until the oldest active conversation would become idle (`[memory] idle_minutes`), so
//! with no active conversation there is no timer at all; a finished exchange sends [`Nudge`]. A
//! failed call leaves the conversation exactly as it was and waits a few minutes before trying
//! again. On a graceful shutdown every active conversation is summarized ([`SummarizeAll`]).

use actix::prelude::*;
use omega_core::facts::{SUMMARIZE_PROMPT, parse_summary};
use omega_memory::Store;
use omega_memory::idle::{ActiveConversation, BackgroundCall};
use omega_providers::{ChatMessage, ChatRequest, Role};
use std::time::Duration;

use crate::guard::ChildGuard;
use crate::provider::Complete;
use crate::route::Route;
use crate::spend::{UnderWay, check_call};

/// After a failed summary, the next attempt waits at least this long.
const RETRY_AFTER: Duration = Duration::from_secs(300);
/// The transcript sent for a summary keeps its last this-many characters.
const TRANSCRIPT_CHARS: usize = 30_000;

/// A conversation had activity: make sure a timer is set.
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct Nudge;

/// A conversation outgrew the context budget: fold its messages after `covered` and up to
/// `through` into its rolling summary, one call; a failure changes nothing (the messages stay,
/// and are only left out of the prompt, as before).
#[derive(Message, Debug, Clone)]
#[rtype(result = "()")]
pub struct Compact {
    pub channel: String,
    pub sender_id: String,
    pub conversation: i64,
    /// The summary so far, and the last message id it covers.
    pub summary: Option<String>,
    pub covered: i64,
    pub through: i64,
}

/// Summarize every active conversation now (graceful shutdown). Answers how many were closed.
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "usize")]
pub struct SummarizeAll;

/// What the Summarizer works with.
#[derive(Debug, Clone)]
pub struct SummarizerSettings {
    pub idle: Duration,
    /// "Now", for what counts as idle (injected: tests move it by hand).
    pub clock: omega_core::clock::SharedClock,
    pub provider_name: String,
    pub prices: std::collections::BTreeMap<String, omega_core::config::Price>,
    /// The daily caps a summary's call is checked against (it counts as its sender's), the zone
    /// whose midnight resets them, and the model a request goes to (for its price).
    pub budget: omega_core::config::BudgetConfig,
    pub timezone: chrono_tz::Tz,
    pub model: String,
}

impl SummarizerSettings {
    fn caps(&self) -> crate::spend::Caps<'_> {
        crate::spend::Caps {
            budget: &self.budget,
            timezone: self.timezone,
            now: self.clock.now(),
            prices: &self.prices,
            model: &self.model,
        }
    }
}

pub struct Summarizer {
    store: Store,
    provider: Route<Complete>,
    settings: SummarizerSettings,
    timer: Option<SpawnHandle>,
    busy: bool,
    /// No attempt before this (after a failure).
    not_before: Option<std::time::Instant>,
    /// Conversations being compacted now.
    compacting: std::collections::HashSet<i64>,
    /// No compaction before this (after a failed one).
    compact_not_before: Option<std::time::Instant>,
    _guard: ChildGuard,
}

impl Summarizer {
    pub fn new(
        store: Store,
        provider: Route<Complete>,
        settings: SummarizerSettings,
        guard: ChildGuard,
    ) -> Self {
        Self {
            store,
            provider,
            settings,
            timer: None,
            busy: false,
            not_before: None,
            compacting: Default::default(),
            compact_not_before: None,
            _guard: guard,
        }
    }

    fn arm(&mut self, ctx: &mut Context<Self>) {
        let store = self.store.clone();
        let idle = self.settings.idle;
        ctx.spawn(async move { store.oldest_activity().await }.into_actor(self).map(
            move |oldest, act, ctx| {
                if let Some(h) = act.timer.take() {
                    ctx.cancel_future(h);
                }
                let Ok(Some(oldest)) = oldest else { return };
                let due = oldest + idle.as_millis() as i64;
                let now = omega_memory::millis(act.settings.clock.now());
                let mut wait = Duration::from_millis((due - now).max(0) as u64);
                if let Some(t) = act.not_before {
                    wait = wait.max(t.saturating_duration_since(std::time::Instant::now()));
                }
                let h = ctx.run_later(wait.min(Duration::from_secs(3600)), |act, ctx| {
                    act.timer = None;
                    act.run(ctx, false);
                });
                act.timer = Some(h);
            },
        ));
    }

    /// Summarize the idle conversations (or all of them), then arm again.
    fn run(&mut self, ctx: &mut Context<Self>, all: bool) {
        if self.busy {
            return;
        }
        self.busy = true;
        let (store, provider, settings) = (self.store.clone(), self.provider.clone(), self.settings.clone());
        ctx.spawn(
            async move { summarize_due(&store, &provider, &settings, all).await }.into_actor(self).map(
                |(_, failed), act, ctx| {
                    act.busy = false;
                    act.not_before = failed.then(|| std::time::Instant::now() + RETRY_AFTER);
                    act.arm(ctx);
                },
            ),
        );
    }
}

/// Summarize and close the conversations that are idle (or every active one). Returns how many
/// were closed and whether any call failed.
async fn summarize_due(
    store: &Store,
    provider: &Route<Complete>,
    settings: &SummarizerSettings,
    all: bool,
) -> (usize, bool) {
    let before = if all {
        i64::MAX
    } else {
        omega_memory::millis(settings.clock.now()) - settings.idle.as_millis() as i64
    };
    let (mut closed, mut failed) = (0, false);
    // A pass lists a batch (the oldest first); at shutdown, batches follow until none is left
    // (or a whole batch could not be summarized: those stay open for the next start).
    loop {
        let due = match store.idle_conversations(before).await {
            Ok(d) => d,
            Err(e) => {
                tracing::error!(error = %e, "summarizer cannot list idle conversations");
                return (closed, true);
            }
        };
        let mut closed_now = 0;
        for c in due {
            match summarize(store, provider, settings, &c).await {
                Ok(true) => closed_now += 1,
                Ok(false) => {}
                Err(e) => {
                    failed = true;
                    tracing::warn!(conversation = c.id, error = %e, "summary failed; the conversation stays open");
                }
            }
        }
        closed += closed_now;
        if !all || closed_now == 0 {
            break;
        }
    }
    (closed, failed)
}

async fn summarize(
    store: &Store,
    provider: &Route<Complete>,
    settings: &SummarizerSettings,
    c: &ActiveConversation,
) -> Result<bool, String> {
    let transcript = store.transcript(c.id).await.map_err(|e| e.to_string())?;
    let mut text: String = transcript
        .iter()
        .map(|(role, content)| {
            format!("{}: {content}\n", if role == "assistant" { "Assistant" } else { "User" })
        })
        .collect();
    if text.len() > TRANSCRIPT_CHARS {
        let mut cut = text.len() - TRANSCRIPT_CHARS;
        while !text.is_char_boundary(cut) {
            cut += 1;
        }
        text = text[cut..].to_owned();
    }
    let request = ChatRequest {
        system: SUMMARIZE_PROMPT.into(),
        messages: vec![ChatMessage::new(Role::User, format!("Conversation:\n{text}"))],
        max_tokens: Some(500),
        ..ChatRequest::default()
    };
    let mut audit = BackgroundCall {
        channel: c.channel.clone(),
        sender_id: c.sender_id.clone(),
        purpose: format!("(summary of conversation {})", c.id),
        provider: Some(settings.provider_name.clone()),
        at: Some(settings.clock.now()),
        ..BackgroundCall::default()
    };
    // A summary spends from its sender's day: over a cap, the conversation stays open until
    // the next day's budget.
    let who = (c.channel.as_str(), c.sender_id.as_str());
    if let Err(refusal) = check_call(store, &settings.caps(), who, UnderWay::default(), &request, 0).await {
        return Err(format!("not summarized: {refusal}"));
    }
    let result = provider.send(Complete { request, deltas: None }).await;
    let response = match result {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => {
            audit.error = Some(e.to_string());
            let _ = store.audit_background(audit).await;
            return Err(e.to_string());
        }
        Err(e) => return Err(format!("the provider actor is not running ({e})")),
    };
    record_response(&mut audit, &response, &settings.prices);
    if let Err(e) = store.audit_background(audit).await {
        tracing::error!(error = %e, "cannot audit a summary call");
    }
    let (summary, facts) = parse_summary(&response.text);
    let n = facts.len();
    let closed = store.close_idle(c, &summary, facts).await.map_err(|e| e.to_string())?;
    if closed {
        tracing::info!(conversation = c.id, facts = n, "conversation summarized and closed");
    }
    Ok(closed)
}

/// Fill an audit row of Omega's own call from the response: model, tokens, and the cost (the
/// provider's own figure, else usage × price). Shared with the Heartbeat.
pub(crate) fn record_response(
    audit: &mut BackgroundCall,
    response: &omega_providers::ChatResponse,
    prices: &std::collections::BTreeMap<String, omega_core::config::Price>,
) {
    audit.model = Some(response.model.clone());
    audit.input_tokens = response.usage.map(|u| u.input_tokens as i64);
    audit.output_tokens = response.usage.map(|u| u.output_tokens as i64);
    audit.cache_read_tokens = response.usage.map(|u| u.cached_tokens as i64);
    audit.cache_write_tokens = response.usage.map(|u| u.cache_write_tokens as i64);
    audit.usage_estimated = response.usage.is_some_and(|u| u.estimated);
    audit.cost_usd = response.cost_usd.or_else(|| {
        response.usage.and_then(|u| omega_providers::pricing::cost_usd(&response.model, &u, prices))
    });
}

impl Handler<Compact> for Summarizer {
    type Result = ();

    fn handle(&mut self, msg: Compact, ctx: &mut Context<Self>) {
        let waiting = self.compact_not_before.is_some_and(|t| std::time::Instant::now() < t);
        if waiting || !self.compacting.insert(msg.conversation) {
            return;
        }
        let (store, provider, settings) = (self.store.clone(), self.provider.clone(), self.settings.clone());
        let id = msg.conversation;
        ctx.spawn(async move { compact(&store, &provider, &settings, msg).await }.into_actor(self).map(
            move |ok, act, _| {
                act.compacting.remove(&id);
                act.compact_not_before = (!ok).then(|| std::time::Instant::now() + RETRY_AFTER);
            },
        ));
    }
}

/// One compaction: the summary so far and the messages after it, into a new summary. Returns
/// false when the call failed.
async fn compact(
    store: &Store,
    provider: &Route<Complete>,
    settings: &SummarizerSettings,
    msg: Compact,
) -> bool {
    let Ok(messages) = store.messages_between(msg.conversation, msg.covered, msg.through).await else {
        return false;
    };
    if messages.is_empty() {
        return true;
    }
    let mut text = match &msg.summary {
        Some(s) if !s.trim().is_empty() => format!("Summary so far:\n{}\n\nMessages after it:\n", s.trim()),
        _ => "Messages:\n".to_owned(),
    };
    for (role, content) in &messages {
        let who = if role == "user" { "User" } else { "Assistant" };
        text.push_str(&format!("{who}: {content}\n"));
    }
    let text: String =
        text.chars().rev().take(TRANSCRIPT_CHARS).collect::<Vec<_>>().into_iter().rev().collect();
    let request = ChatRequest {
        system: omega_core::facts::COMPACT_PROMPT.into(),
        messages: vec![ChatMessage::new(Role::User, text)],
        max_tokens: Some(600),
        ..ChatRequest::default()
    };
    let mut audit = BackgroundCall {
        channel: msg.channel.clone(),
        sender_id: msg.sender_id.clone(),
        purpose: format!("(compaction of conversation {})", msg.conversation),
        provider: Some(settings.provider_name.clone()),
        at: Some(settings.clock.now()),
        ..BackgroundCall::default()
    };
    let who = (msg.channel.as_str(), msg.sender_id.as_str());
    if let Err(refusal) = check_call(store, &settings.caps(), who, UnderWay::default(), &request, 0).await {
        tracing::info!(conversation = msg.conversation, %refusal, "not compacted; the conversation is unchanged");
        return false;
    }
    let response = match provider.send(Complete { request, deltas: None }).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => {
            tracing::warn!(conversation = msg.conversation, error = %e, "compaction failed; the conversation is unchanged");
            audit.error = Some(e.to_string());
            let _ = store.audit_background(audit).await;
            return false;
        }
        Err(_) => return false,
    };
    record_response(&mut audit, &response, &settings.prices);
    let _ = store.audit_background(audit).await;
    let summary = response.text.trim();
    if summary.is_empty() {
        return false;
    }
    let summary: String = summary.chars().take(4000).collect();
    match store
        .store_compaction(
            &format!("{}:{}", msg.channel, msg.sender_id),
            msg.conversation,
            msg.covered,
            msg.through,
            &summary,
        )
        .await
    {
        Ok(true) => {
            tracing::info!(conversation = msg.conversation, through = msg.through, "conversation compacted")
        }
        Ok(false) => tracing::debug!(conversation = msg.conversation, "compaction superseded"),
        Err(e) => tracing::error!(error = %e, "cannot store a compaction"),
    }
    true
}

impl Actor for Summarizer {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        self.arm(ctx);
    }
}

impl Handler<Nudge> for Summarizer {
    type Result = ();

    fn handle(&mut self, _: Nudge, ctx: &mut Context<Self>) {
        if self.timer.is_none() && !self.busy {
            self.arm(ctx);
        }
    }
}

/// The clock moved (a manual clock in a test, a wall-clock jump): what is idle may have changed,
/// so the timer is set again from the clock.
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct Recheck;

impl Handler<Recheck> for Summarizer {
    type Result = ();

    fn handle(&mut self, _: Recheck, ctx: &mut Context<Self>) {
        if !self.busy {
            self.arm(ctx);
        }
    }
}

impl Handler<SummarizeAll> for Summarizer {
    type Result = ResponseActFuture<Self, usize>;

    fn handle(&mut self, _: SummarizeAll, ctx: &mut Context<Self>) -> Self::Result {
        if let Some(h) = self.timer.take() {
            ctx.cancel_future(h);
        }
        self.busy = true;
        let (store, provider, settings) = (self.store.clone(), self.provider.clone(), self.settings.clone());
        Box::pin(
            async move { summarize_due(&store, &provider, &settings, true).await.0 }.into_actor(self).map(
                |n, act, _| {
                    act.busy = false;
                    n
                },
            ),
        )
    }
}
