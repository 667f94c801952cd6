//! The Gateway actor: the door. Auth, sanitizing, and routing to one Session per sender.
//!
//! ```text
//! Channel ──Receive──▶ Gateway ──auth──▶ denied: audit row + deny message, nothing else
//!                          │
//!                          └─sanitize──Accept──▶ Session (one per "channel:sender")
//! ```
//!
//! The Gateway also owns the sessions' lifecycle: it starts them on demand, stops idle ones
//! (only when every message it sent has been taken), and after a session panics it gives the
//! message that was in flight an error reply and starts a fresh session within a restart budget.
//! It keeps the background jobs' queue too (`jobs`): each job runs in a `JobRunner` of its own
//! beside the sessions, within `[jobs]`' limits.

use actix::prelude::*;
use omega_core::SessionKey;
use omega_core::auth::AuthPolicy;
use omega_core::sanitize::sanitize;
use omega_core::supervision::RestartBudget;
use omega_memory::audit::Denial;
use std::collections::HashMap;
use std::time::Instant;

pub use crate::channel::{Accepted, Receive};
use crate::guard::ChildGuard;
use crate::outbox::Notify;
use crate::pipeline::SessionDeps;
pub use crate::pipeline::{SessionEnded, SessionIdle};
use crate::session::{Accept, Session, StopSession, fail_in_flight};

/// The background jobs' queue.
mod jobs;

/// Start sessions for every sender with unfinished inbox rows (start-up, or a new Gateway).
#[derive(Message)]
#[rtype(result = "()")]
pub struct RecoverInbox;

/// Stop every session and job and then the Gateway itself (graceful shutdown). Messages and
/// jobs being answered are abandoned without an outcome and stay in the inbox, to be resumed by
/// the next start.
#[derive(Message)]
#[rtype(result = "()")]
pub struct StopGateway;

/// How many sessions are alive.
#[derive(Message)]
#[rtype(result = "usize")]
pub struct SessionCount;

/// Gateway configuration.
#[derive(Debug, Clone)]
pub struct GatewaySettings {
    pub policy: AuthPolicy,
    pub deny_message: String,
    /// Panics allowed per sender before its messages are answered with errors instead.
    pub session_budget: RestartBudget,
    /// Channels where an unknown sender gets a pairing code instead of the deny message.
    pub pairing_channels: Vec<String>,
    /// How long a pairing code is valid.
    pub pairing_ttl: std::time::Duration,
    /// Background jobs' limits; `None` = jobs are off.
    pub jobs: Option<crate::jobs::JobLimits>,
    /// How many sessions are live, for `omega status` (kept by the Gateway, read by the API).
    pub live_sessions: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

struct Entry {
    addr: Addr<Session>,
    generation: u64,
    /// `Accept`s sent to this session.
    routed: u64,
    /// Messages that arrived after the session died and before its `SessionEnded` did.
    held: Vec<Receive>,
}

pub struct Gateway {
    settings: GatewaySettings,
    deps: Option<SessionDeps>,
    make_deps: Box<dyn Fn(Addr<Gateway>) -> SessionDeps>,
    sessions: HashMap<SessionKey, Entry>,
    budgets: HashMap<SessionKey, RestartBudget>,
    /// Strangers on a pairing channel whose approval is being looked up, with their messages
    /// in arrival order (and the reason they were refused).
    checking: HashMap<SessionKey, std::collections::VecDeque<(Receive, String)>>,
    next_generation: u64,
    /// Background jobs, waiting and running.
    jobs: crate::jobs::JobQueue<Addr<crate::session::JobRunner>>,
    /// Jobs being stored, per sender (they count against the sender's limit already).
    starting: HashMap<SessionKey, usize>,
    /// Shutting down: no job starts any more.
    stopping: bool,
    _guard: ChildGuard,
}

impl Gateway {
    /// `make_deps` builds the sessions' collaborators once the Gateway's own address exists.
    pub fn new(
        settings: GatewaySettings,
        make_deps: Box<dyn Fn(Addr<Gateway>) -> SessionDeps>,
        guard: ChildGuard,
    ) -> Self {
        Self {
            settings,
            deps: None,
            make_deps,
            sessions: HashMap::new(),
            budgets: HashMap::new(),
            checking: HashMap::new(),
            next_generation: 0,
            jobs: Default::default(),
            starting: HashMap::new(),
            stopping: false,
            _guard: guard,
        }
    }

    fn deps(&self) -> &SessionDeps {
        self.deps.as_ref().expect("deps are set in started()")
    }

    fn count_sessions(&self) {
        self.settings.live_sessions.store(self.sessions.len(), std::sync::atomic::Ordering::Relaxed);
    }

    fn start_session(&mut self, channel: &str, sender: &str) -> &mut Entry {
        self.next_generation += 1;
        let generation = self.next_generation;
        let session = Session::new(channel, sender, generation, self.deps().clone());
        let key = SessionKey::new(channel, sender);
        tracing::debug!(session = %key, generation, "session started");
        let entry = Entry { addr: session.start(), generation, routed: 0, held: Vec::new() };
        self.sessions.insert(key.clone(), entry);
        self.count_sessions();
        self.sessions.get_mut(&key).expect("just inserted")
    }

    fn route(&mut self, msg: Receive) {
        let key = msg.inbound.session_key();
        if let Some(entry) = self.sessions.get_mut(&key)
            && !entry.addr.connected()
        {
            // Its SessionEnded is on the way; keep the message until the session is replaced.
            entry.held.push(msg);
            return;
        }
        let (channel, sender) = (msg.inbound.channel.clone(), msg.inbound.sender_id.clone());
        let entry = match self.sessions.get_mut(&key) {
            Some(e) => e,
            None => self.start_session(&channel, &sender),
        };
        entry.routed += 1;
        entry.addr.do_send(Accept { inbound: msg.inbound, ack: msg.ack });
    }

    /// An unknown sender on a pairing channel: audit, and hand out a one-time code.
    fn offer_pairing(&self, msg: Receive, reason: String) {
        let Receive { inbound, ack } = msg;
        tracing::warn!(channel = %inbound.channel, sender = %inbound.sender_id, "unknown sender; pairing code offered");
        let deps = self.deps().clone();
        let ttl = self.settings.pairing_ttl;
        actix_rt::spawn(async move {
            let denial = Denial {
                channel: inbound.channel.clone(),
                sender_id: inbound.sender_id.clone(),
                sender_name: inbound.sender_name.clone(),
                input_text: sanitize(&inbound.text).text,
                reason: format!("{reason}; pairing code offered"),
            };
            if let Err(e) = deps.store.audit_denied(denial).await {
                tracing::error!(error = %e, "cannot audit a denied message");
            }
            let code = deps
                .store
                .pairing_code(
                    &inbound.channel,
                    &inbound.sender_id,
                    inbound.sender_name.as_deref(),
                    &inbound.reply_target,
                    ttl,
                )
                .await;
            // A stranger has no stored language: the one they wrote in.
            let lang = omega_core::i18n::Lang::of_person(None, &inbound.text);
            let text = match code {
                Ok(code) => omega_core::tr!(lang, "pairing-offer", code = code, minutes = ttl.as_secs() / 60),
                Err(e) => {
                    tracing::error!(error = %e, "cannot issue a pairing code");
                    return;
                }
            };
            deps.outbox.notify.do_send(Notify {
                channel: inbound.channel,
                recipient: inbound.reply_target,
                text,
                in_reply_to: None,
            });
        });
        if let Some(ack) = ack {
            let _ = ack.send(Accepted::Denied);
        }
    }

    fn deny(&self, msg: Receive, reason: String) {
        let Receive { inbound, ack } = msg;
        tracing::warn!(channel = %inbound.channel, sender = %inbound.sender_id, %reason, "message denied");
        let store = self.deps().store.clone();
        let denial = Denial {
            channel: inbound.channel.clone(),
            sender_id: inbound.sender_id.clone(),
            sender_name: inbound.sender_name.clone(),
            input_text: sanitize(&inbound.text).text,
            reason,
        };
        actix_rt::spawn(async move {
            if let Err(e) = store.audit_denied(denial).await {
                tracing::error!(error = %e, "cannot audit a denied message");
            }
        });
        if !self.settings.deny_message.is_empty() {
            self.deps().outbox.notify.do_send(Notify {
                channel: inbound.channel,
                recipient: inbound.reply_target,
                text: self.settings.deny_message.clone(),
                in_reply_to: None,
            });
        }
        if let Some(ack) = ack {
            let _ = ack.send(Accepted::Denied);
        }
    }
}

impl Actor for Gateway {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        self.deps = Some((self.make_deps)(ctx.address()));
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        // Sessions cannot outlive the map that orders them: a new Gateway recovers their
        // messages from the inbox.
        for entry in self.sessions.values() {
            entry.addr.do_send(StopSession);
        }
        jobs::stop_runners(&self.stop_jobs());
    }
}

impl Handler<Receive> for Gateway {
    type Result = ();

    fn handle(&mut self, msg: Receive, ctx: &mut Context<Self>) {
        let inbound = &msg.inbound;
        if let Err(denied) = self.settings.policy.check(&inbound.channel, &inbound.sender_id) {
            if !self.settings.pairing_channels.contains(&inbound.channel) {
                self.deny(msg, denied.to_string());
                return;
            }
            // Pairing may have let this sender in: look it up without holding up anyone else
            // (`spawn`, not `wait`). While a lookup runs, this sender's later messages queue
            // behind it, so their order is kept.
            let key = inbound.session_key();
            if let Some(queued) = self.checking.get_mut(&key) {
                queued.push_back((msg, denied.to_string()));
                return;
            }
            self.checking.insert(key.clone(), std::collections::VecDeque::from([(msg, denied.to_string())]));
            self.look_up_pairing(key, ctx);
            return;
        }
        self.admit(msg);
    }
}

impl Gateway {
    /// Look up whether the first queued stranger's message comes from someone approved by now,
    /// then handle it; each later message gets a lookup of its own (an approval may land between
    /// two messages), in order.
    fn look_up_pairing(&mut self, key: SessionKey, ctx: &mut Context<Self>) {
        let Some((first, _)) = self.checking.get(&key).and_then(|q| q.front()) else {
            self.checking.remove(&key);
            return;
        };
        let store = self.deps().store.clone();
        let (channel, sender) = (first.inbound.channel.clone(), first.inbound.sender_id.clone());
        ctx.spawn(
            async move { store.is_approved(&channel, &sender).await.unwrap_or(false) }.into_actor(self).map(
                move |approved, act, ctx| {
                    let Some((msg, reason)) = act.checking.get_mut(&key).and_then(|q| q.pop_front()) else {
                        return;
                    };
                    if approved {
                        act.admit(msg);
                    } else {
                        act.offer_pairing(msg, reason);
                    }
                    act.look_up_pairing(key, ctx);
                },
            ),
        );
    }

    /// Sanitize and route a message whose sender is allowed.
    fn admit(&mut self, mut msg: Receive) {
        let inbound = &msg.inbound;
        let clean = sanitize(&inbound.text);
        if clean.is_suspicious() {
            tracing::warn!(
                channel = %inbound.channel,
                sender = %inbound.sender_id,
                tags = clean.neutralized_tags,
                phrases = ?clean.override_phrases,
                "message neutralized by the sanitizer"
            );
        }
        msg.inbound.text = clean.text;
        self.route(msg);
    }
}

impl Handler<SessionIdle> for Gateway {
    type Result = ();

    fn handle(&mut self, msg: SessionIdle, _: &mut Context<Self>) {
        let Some(entry) = self.sessions.get(&msg.key) else {
            return;
        };
        // Stop only if the session has taken every message sent to it; otherwise one is still in
        // its mailbox and the session is not idle after all.
        if entry.generation == msg.generation && entry.routed == msg.accepted && entry.held.is_empty() {
            tracing::debug!(session = %msg.key, "idle session stopped");
            if let Some(entry) = self.sessions.remove(&msg.key) {
                entry.addr.do_send(StopSession);
            }
            self.count_sessions();
        }
    }
}

impl Handler<SessionEnded> for Gateway {
    type Result = ();

    fn handle(&mut self, msg: SessionEnded, ctx: &mut Context<Self>) {
        let held = match self.sessions.get(&msg.key) {
            Some(e) if e.generation == msg.generation => {
                let held = self.sessions.remove(&msg.key).map(|e| e.held).unwrap_or_default();
                self.count_sessions();
                held
            }
            _ => Vec::new(),
        };
        if !msg.panicked {
            for m in held {
                self.route(m);
            }
            return;
        }
        tracing::error!(session = %msg.key, "session panicked");
        let allowed = self.budgets.entry(msg.key.clone()).or_default().allow(Instant::now());
        let deps = self.deps().clone();
        let key = msg.key.clone();
        // `wait`: the failed message must be marked failed before a new session loads the
        // sender's unfinished messages, or it would be tried again.
        ctx.wait(
            async move {
                if let Some(job) = msg.in_flight {
                    fail_in_flight(&deps, job).await;
                }
                if !allowed {
                    // Over budget: answer what this sender has waiting with an error instead of
                    // crashing on it again.
                    let (channel, sender) = key.as_str().split_once(':').unwrap_or(("", ""));
                    if let Ok(rows) = deps.store.unfinished_inbound_for(channel, sender).await {
                        for row in rows {
                            fail_in_flight(&deps, row.into())
                                .await;
                        }
                    }
                }
            }
            .into_actor(self)
            .map(move |_, act, _| {
                if !allowed {
                    tracing::error!(session = %msg.key, "session restart budget exhausted; its waiting messages were answered with errors");
                }
                let (channel, sender) = match msg.key.as_str().split_once(':') {
                    Some((c, s)) => (c.to_owned(), s.to_owned()),
                    None => return,
                };
                if held.is_empty() {
                    // A fresh session picks up whatever is still unfinished for this sender.
                    act.start_session(&channel, &sender);
                }
                for m in held {
                    act.route(m);
                }
            }),
        );
    }
}

impl Handler<RecoverInbox> for Gateway {
    type Result = ();

    fn handle(&mut self, _: RecoverInbox, ctx: &mut Context<Self>) {
        self.recover_jobs(ctx);
        let store = self.deps().store.clone();
        ctx.spawn(async move { store.unfinished_inbound().await }.into_actor(self).map(|rows, act, _| {
            let rows = match rows {
                Ok(r) => r,
                Err(e) => {
                    tracing::error!(error = %e, "cannot read unfinished messages");
                    return;
                }
            };
            // A sender with a session already is one whose message just came in (this run's):
            // that session answers it, and it is not counted as left over.
            let mut recovered = 0;
            for row in rows {
                let key = SessionKey::new(&row.channel, &row.sender_id);
                if !act.sessions.contains_key(&key) {
                    act.start_session(&row.channel, &row.sender_id);
                    recovered += 1;
                }
            }
            if recovered > 0 {
                tracing::info!(senders = recovered, "recovering messages left unfinished by the last run");
            }
        }));
    }
}

impl Handler<StopGateway> for Gateway {
    type Result = ResponseActFuture<Self, ()>;

    fn handle(&mut self, _: StopGateway, _: &mut Context<Self>) -> Self::Result {
        let sessions: Vec<Addr<Session>> = self.sessions.drain().map(|(_, e)| e.addr).collect();
        self.stopping = true;
        let runners = self.stop_jobs();
        Box::pin(
            async move {
                futures::future::join_all(sessions.iter().map(|s| s.send(StopSession))).await;
                futures::future::join_all(runners.iter().map(|r| r.send(StopSession))).await;
            }
            .into_actor(self)
            .map(|_, _, ctx| ctx.stop()),
        )
    }
}

impl Handler<SessionCount> for Gateway {
    type Result = usize;

    fn handle(&mut self, _: SessionCount, _: &mut Context<Self>) -> usize {
        self.sessions.len()
    }
}
