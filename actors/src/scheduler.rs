//! The Scheduler actor: a timer for the next due task, never a fixed poll.
//!
//! It sleeps until the earliest pending task (or at most an hour, to follow wall-clock changes
//! such as a suspended laptop), fires everything due in one transaction
//! ([`omega_memory::schedule`]), hands the reminders to the Outbox, and runs the actions: each is
//! sent to the Gateway as a message from the person who set it (so it is answered by their
//! session, with their memory and tools, and the answer reaches them on their channel). With no
//! pending task there is no timer at all. The Scheduler owns the tasks: creating, cancelling and
//! changing one are its messages ([`ScheduleTask`], [`CancelTask`], [`UpdateTask`], sent by the
//! Markers actor and `/cancel`), and each sets the timer again; anything else that changes tasks
//! behind its back sends [`Rearm`].

use actix::prelude::*;
use omega_core::clock::SharedClock;
use omega_core::{Inbound, SessionKey};
use omega_memory::Store;
use omega_memory::schedule::FirePolicy;
use std::time::Duration;

use crate::channel::Receive;
use crate::effects::{CancelTask, ScheduleTask, Scheduled, TaskCancelled, UpdateTask};
use crate::guard::{ChildGuard, Pause};
use crate::outbox::Dispatch;
use crate::route::Route;

/// The longest single sleep: long enough to cost nothing, short enough to notice a clock jump.
const MAX_SLEEP: Duration = Duration::from_secs(3600);

/// Tasks changed: look for the next due time again.
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct Rearm;

/// How a scheduled action ended (its session reports it: an `ACTION_OUTCOME` marker, or an error
/// reply).
#[derive(Message, Debug, Clone)]
#[rtype(result = "()")]
pub struct ActionDone {
    pub task_id: String,
    pub ok: bool,
    pub reason: Option<String>,
}

/// A one-off action is tried this many times in all before the person is told it failed.
pub const ACTION_TRIES: i64 = 3;

/// How many timers fired and when the next is armed (tests and status).
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "SchedulerState")]
pub struct GetState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, MessageResponse)]
pub struct SchedulerState {
    /// The due time the timer is set for (UTC ms); `None` = no timer.
    pub armed_for: Option<i64>,
    pub firings: u64,
}

pub struct Scheduler {
    store: Store,
    outbox: Route<Dispatch>,
    gateway: Route<Receive>,
    policy: FirePolicy,
    timer: Option<(SpawnHandle, i64)>,
    firings: u64,
    /// A firing is running; a Rearm during it re-checks afterwards.
    busy: bool,
    /// Shutting down: no timer is set any more (tasks are still created and changed).
    paused: bool,
    /// The first retry of a failed action waits this long; each next one twice as long.
    retry_base: Duration,
    /// "Now", for due times (injected: tests move it by hand).
    clock: SharedClock,
    _guard: ChildGuard,
}

impl Scheduler {
    pub fn new(
        store: Store,
        outbox: Route<Dispatch>,
        gateway: Route<Receive>,
        policy: FirePolicy,
        retry_base: Duration,
        clock: SharedClock,
        guard: ChildGuard,
    ) -> Self {
        Self {
            store,
            outbox,
            gateway,
            policy,
            timer: None,
            firings: 0,
            busy: false,
            paused: false,
            retry_base,
            clock,
            _guard: guard,
        }
    }

    /// Find the next due time and set the one timer for it.
    fn arm(&mut self, ctx: &mut Context<Self>) {
        let store = self.store.clone();
        ctx.spawn(
            async move { store.next_due().await }.into_actor(self).map(|next, act: &mut Self, ctx| {
                if let Some((h, _)) = act.timer.take() {
                    ctx.cancel_future(h);
                }
                if act.paused {
                    return;
                }
                let next = match next {
                    Ok(n) => n,
                    Err(e) => {
                        tracing::error!(error = %e, "scheduler cannot read the next due task; retrying in a minute");
                        let h = ctx.run_later(Duration::from_secs(60), |act, ctx| act.arm(ctx));
                        act.timer = Some((h, 0));
                        return;
                    }
                };
                let Some(due) = next else { return };
                let wait_ms = (due - omega_memory::millis(act.clock.now())).max(0) as u64;
                let wait = Duration::from_millis(wait_ms).min(MAX_SLEEP);
                let h = ctx.run_later(wait, |act, ctx| {
                    act.timer = None;
                    act.fire(ctx);
                });
                act.timer = Some((h, due));
            }),
        );
    }

    /// Tasks changed: set the timer again (a firing under way does so when it ends).
    fn rearm(&mut self, ctx: &mut Context<Self>) {
        if !self.busy {
            self.arm(ctx);
        }
    }

    fn fire(&mut self, ctx: &mut Context<Self>) {
        if self.busy || self.paused {
            return;
        }
        self.busy = true;
        let (store, policy) = (self.store.clone(), self.policy.clone());
        let (outbox, gateway) = (self.outbox.clone(), self.gateway.clone());
        let now = self.clock.now();
        ctx.spawn(
            async move {
                let fired = match store.fire_due(now, &policy).await {
                    Ok(f) => f,
                    Err(e) => {
                        tracing::error!(error = %e, "scheduler cannot fire due tasks");
                        return 0;
                    }
                };
                let n = fired.len();
                for f in fired {
                    if let Some(row) = f.message {
                        tracing::info!(task = %f.task.id, late = f.late, "reminder due");
                        outbox.do_send(Dispatch(row));
                    }
                    if f.run {
                        run_action(&store, &gateway, f.task).await;
                    }
                }
                n
            }
            .into_actor(self)
            .map(|n, act, ctx| {
                act.busy = false;
                act.firings += n as u64;
                act.arm(ctx);
            }),
        );
    }
}

/// Hand an action to the Gateway as a message from the person who set it. The inbox makes it
/// durable from there: it is answered even if Omega restarts meanwhile.
async fn run_action(store: &Store, gateway: &Route<Receive>, task: omega_memory::tasks::TaskRow) {
    let mut inbound = Inbound::text(
        &task.channel,
        &task.sender_id,
        format!(
            "[Scheduled task {}] It is time to do this, as you agreed earlier: {}\n\
             Do it now, then tell me the result. End with ACTION_OUTCOME: success, or ACTION_OUTCOME: \
             failed | reason.",
            &task.id[..task.id.len().min(6)],
            task.description
        ),
    );
    inbound.reply_target = task.reply_target.clone();
    inbound.external_id = Some(format!("task:{}:{}", task.id, task.due_at));
    let (tx, rx) = tokio::sync::oneshot::channel();
    let sent = gateway.send(Receive { inbound, ack: Some(tx) }).await;
    let accepted = sent.is_ok() && rx.await.is_ok();
    let error = (!accepted).then_some("the gateway did not take the task");
    if task.repeat.is_none()
        && let Err(e) = store.finish_action(&task.id, error).await
    {
        tracing::error!(task = %task.id, error = %e, "cannot record the action's end");
    }
    if let Some(e) = error {
        tracing::warn!(task = %task.id, "scheduled action not started: {e}");
    }
}

impl Actor for Scheduler {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        // Actions that were running when Omega stopped run again, once; then the timer.
        let store = self.store.clone();
        ctx.wait(
            async move {
                match store.requeue_claimed().await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(actions = n, "scheduled actions interrupted by a stop run again"),
                    Err(e) => tracing::error!(error = %e, "cannot requeue interrupted actions"),
                }
            }
            .into_actor(self),
        );
        self.arm(ctx);
    }
}

impl Handler<Rearm> for Scheduler {
    type Result = ();

    fn handle(&mut self, _: Rearm, ctx: &mut Context<Self>) {
        self.rearm(ctx);
    }
}

impl Handler<Pause> for Scheduler {
    type Result = ();

    fn handle(&mut self, _: Pause, ctx: &mut Context<Self>) {
        self.paused = true;
        if let Some((h, _)) = self.timer.take() {
            ctx.cancel_future(h);
        }
    }
}

impl Handler<ActionDone> for Scheduler {
    type Result = ();

    fn handle(&mut self, msg: ActionDone, ctx: &mut Context<Self>) {
        if msg.ok {
            return;
        }
        let (store, outbox, base) = (self.store.clone(), self.outbox.clone(), self.retry_base);
        let now = self.clock.now();
        let reason = msg.reason.unwrap_or_else(|| "it did not work".into());
        ctx.spawn(
            async move {
                let tried = store.task(&msg.task_id).await.ok().flatten().map(|t| t.retry_count).unwrap_or(0);
                let wait = base * 2u32.pow(tried.clamp(0, 10) as u32);
                let due = now + chrono::Duration::from_std(wait).unwrap_or_default();
                match store.retry_action(&msg.task_id, due, &reason, ACTION_TRIES).await {
                    Ok(Some(t)) if t.status == "failed" => {
                        tracing::warn!(task = %t.id, "scheduled action failed for good");
                        let out = omega_core::Outbound {
                            channel: t.channel.clone(),
                            recipient: t.reply_target.clone(),
                            kind: omega_core::OutboundKind::Notice,
                            text: omega_core::tr!(
                                crate::effects::person_lang(&store, &SessionKey::new(&t.channel, &t.sender_id), "")
                                    .await,
                                "action-gave-up",
                                description = t.description.as_str(),
                                tries = t.retry_count,
                                why = reason.as_str(),
                            ),
                            in_reply_to: None,
                        };
                        if let Ok(row) = store.enqueue(&out).await {
                            outbox.do_send(Dispatch(row));
                        }
                    }
                    Ok(Some(t)) => tracing::info!(task = %t.id, tries = t.retry_count, "scheduled action will be retried"),
                    Ok(None) => {} // repeating actions just wait for their next time
                    Err(e) => tracing::error!(error = %e, "cannot reschedule a failed action"),
                }
            }
            .into_actor(self)
            .map(|_, act, ctx| act.arm(ctx)),
        );
    }
}

impl Handler<GetState> for Scheduler {
    type Result = SchedulerState;

    fn handle(&mut self, _: GetState, _: &mut Context<Self>) -> SchedulerState {
        SchedulerState { armed_for: self.timer.map(|(_, t)| t), firings: self.firings }
    }
}

impl Handler<ScheduleTask> for Scheduler {
    type Result = ResponseActFuture<Self, Result<Scheduled, String>>;

    fn handle(&mut self, msg: ScheduleTask, _: &mut Context<Self>) -> Self::Result {
        let store = self.store.clone();
        let task = msg.0;
        Box::pin(
            async move {
                let pending =
                    store.pending_tasks(&task.channel, &task.sender_id).await.map_err(|e| e.to_string())?;
                let due = omega_memory::millis(task.due_at);
                if let Some(same) = pending
                    .into_iter()
                    .find(|t| t.description.eq_ignore_ascii_case(&task.description) && t.due_at == due)
                {
                    return Ok(Scheduled::AlreadySet(same));
                }
                store.create_task(task).await.map(Scheduled::New).map_err(|e| e.to_string())
            }
            .into_actor(self)
            .map(|done, act, ctx| {
                if matches!(done, Ok(Scheduled::New(_))) {
                    act.rearm(ctx);
                }
                done
            }),
        )
    }
}

impl Handler<CancelTask> for Scheduler {
    type Result = ResponseActFuture<Self, Result<TaskCancelled, String>>;

    fn handle(&mut self, msg: CancelTask, _: &mut Context<Self>) -> Self::Result {
        let store = self.store.clone();
        Box::pin(
            async move {
                let db = |e: omega_memory::MemoryError| e.to_string();
                let pending = store.pending_tasks(&msg.channel, &msg.sender_id).await.map_err(db)?;
                let outcome = store.cancel_task(&msg.channel, &msg.sender_id, &msg.id).await.map_err(db)?;
                let description = match &outcome {
                    omega_memory::tasks::Cancelled::Done(id) => {
                        pending.into_iter().find(|t| t.id == *id).map(|t| t.description).unwrap_or_default()
                    }
                    _ => String::new(),
                };
                Ok(TaskCancelled { outcome, description })
            }
            .into_actor(self)
            .map(|done, act, ctx| {
                if done.is_ok() {
                    act.rearm(ctx);
                }
                done
            }),
        )
    }
}

impl Handler<UpdateTask> for Scheduler {
    type Result = ResponseActFuture<Self, Result<omega_memory::tasks::Updated, String>>;

    fn handle(&mut self, msg: UpdateTask, _: &mut Context<Self>) -> Self::Result {
        let store = self.store.clone();
        Box::pin(
            async move {
                store
                    .update_task(&msg.channel, &msg.sender_id, &msg.id, msg.change)
                    .await
                    .map_err(|e| e.to_string())
            }
            .into_actor(self)
            .map(|done, act, ctx| {
                if done.is_ok() {
                    act.rearm(ctx);
                }
                done
            }),
        )
    }
}
