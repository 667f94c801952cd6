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
use omega_core::i18n::Lang;
use omega_core::tr;
use omega_core::{Inbound, SessionKey};
use omega_memory::inbox::Recorded;
use std::collections::VecDeque;
use tokio::sync::oneshot;

use crate::channel::Accepted;
use crate::outbox::Notify;
pub use crate::pipeline::{Job, SessionDeps, SessionSettings};
use crate::pipeline::{SessionEnded, SessionIdle};

/// One message answered, step by step.
mod answer;
/// Daily spending caps.
mod budget;
/// The request: prompt, history, message.
mod context;
/// A background job's runner.
mod job;
/// Photos and voice notes fetched through their channel.
mod media;
/// Storing the outcome and handing it to the Outbox.
mod outcome;
/// Answers shown while they are generated.
mod previews;
/// The bridge to the tool loop.
mod tools;

use answer::answer;
pub use job::{JobEnded, JobRunner};
pub(crate) use outcome::{drop_waiting_job, fail_in_flight};

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
    /// The language this sender's last answer was in: the busy ack speaks it.
    lang: Option<Lang>,
}

impl Session {
    pub fn new(channel: &str, sender_id: &str, generation: u64, mut deps: SessionDeps) -> Self {
        deps.context = Some(Default::default());
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
            lang: None,
        }
    }

    /// "Got it, I'll get to this next." in the sender's language — unless the owner wrote their own
    /// (`[session] busy_ack`), or turned it off (empty).
    fn busy_ack(&self, text: &str) -> Option<String> {
        match self.deps.settings.busy_ack.as_str() {
            "" => None,
            omega_core::config::DEFAULT_BUSY_ACK => {
                Some(tr!(self.lang.unwrap_or_else(|| Lang::of_person(None, text)), "busy"))
            }
            own => Some(own.to_owned()),
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
        ctx.spawn(answer(deps, self.key.clone(), job).into_actor(self).map(|lang, act, ctx| {
            act.lang = lang.or(act.lang);
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
        // Each message left over counts the interruption it lived through (a read first: a
        // sender with nothing left over, the usual case, costs no write).
        let load = async move {
            match store.unfinished_inbound_for(&channel, &sender).await {
                Ok(rows) if !rows.is_empty() => store.resume_inbound(&channel, &sender).await,
                other => other,
            }
        };
        ctx.wait(load.into_actor(self).map(
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
                    if busy && let Some(text) = act.busy_ack(&inbound.text) {
                        act.deps.outbox.notify.do_send(Notify {
                            channel: inbound.channel.clone(),
                            recipient: inbound.reply_target.clone(),
                            text,
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
                        project: None,
                        files: Vec::new(),
                        note: None,
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
                    act.deps.outbox.notify.do_send(Notify {
                        channel: inbound.channel,
                        recipient: inbound.reply_target,
                        text: tr!(
                            act.lang.unwrap_or_else(|| Lang::of_person(None, &inbound.text)),
                            "not-saved"
                        ),
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
