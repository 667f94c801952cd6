//! The Markers actor: the owner of effects. It consumes provider output — a session's final
//! answer, its streamed deltas, its effect-tool calls, the Heartbeat's answers — and turns what
//! the model asked for into typed messages to the actors that own each effect: tasks to the
//! Scheduler ([`ScheduleTask`](crate::effects::ScheduleTask) and its siblings), the checklist and
//! its settings to the Heartbeat ([`EditChecklist`]), a person's profile, lessons and reports to
//! the store. It answers with the clean text plus a typed [`Confirmation`] per effect.
//!
//! Parsing and provenance (markers copied from tool output never act) are the pure crate's
//! (`omega_markers`); this actor only routes and collects the owners' answers.

use actix::prelude::*;
use omega_core::clock::SharedClock;
use omega_markers::{Diagnostic, Effect};
use omega_memory::Store;
use omega_providers::DeltaSink;
use std::path::PathBuf;
use std::sync::Arc;

pub use crate::effects::{Confirmation, Who};
use crate::effects::{EditChecklist, TaskRoutes};
use crate::guard::ChildGuard;
use crate::route::Route;
use crate::scheduler::ActionDone;

/// Carrying each effect out.
mod apply;

/// A final answer, to be parsed and carried out for `who`.
#[derive(Message, Debug, Clone)]
#[rtype(result = "Processed")]
pub struct ProcessOutput {
    pub text: String,
    /// Untrusted text the model saw while answering (tool output): markers copied from it are
    /// not executed.
    pub untrusted: Vec<String>,
    pub who: Who,
}

/// The answer with markers stripped, and what carrying them out did.
#[derive(Debug, Clone, PartialEq, Eq, MessageResponse)]
pub struct Processed {
    pub text: String,
    /// What the markers asked for (already carried out; for logs and tests).
    pub effects: Vec<Effect>,
    /// One per effect that has something to tell the person, in the markers' order.
    pub confirmations: Vec<Confirmation>,
    pub diagnostics: Vec<Diagnostic>,
    /// The answer said `HEARTBEAT_OK` (the heartbeat has nothing to report).
    pub heartbeat_ok: bool,
}

/// One effect-tool call, carried out exactly like the marker it stands for.
#[derive(Message, Debug, Clone)]
#[rtype(result = "Option<Confirmation>")]
pub struct ApplyEffect {
    pub effect: Effect,
    pub who: Who,
}

/// Filter a streamed answer: the deltas sent to the returned sink reach `to` with markers held
/// back (the stream filter), so a marker never flashes in a preview.
#[derive(Message, Debug)]
#[rtype(result = "DeltaSink")]
pub struct FilterStream {
    pub to: DeltaSink,
}

/// What Markers carries effects out with.
#[derive(Clone)]
pub struct MarkersDeps {
    /// Profile, lessons, reports: the store's writer owns them.
    pub store: Store,
    /// The Scheduler.
    pub tasks: TaskRoutes,
    /// The Heartbeat.
    pub checklist: Route<EditChecklist>,
    /// The Scheduler, told how an action it started ended.
    pub action_done: Route<ActionDone>,
    /// The Gateway's job queue.
    pub jobs: Route<crate::effects::StartJob>,
    pub settings: Arc<MarkersSettings>,
}

#[derive(Debug, Clone)]
pub struct MarkersSettings {
    /// The zone times are read in when a person has none of their own.
    pub timezone: chrono_tz::Tz,
    /// Where the projects are (`data_dir/projects/NAME`).
    pub data_dir: PathBuf,
    /// "Now", for due times.
    pub clock: SharedClock,
    /// Who the owner is: skills are everyone's, so only the owner's word changes them.
    pub auth: omega_core::auth::AuthPolicy,
}

/// Where the Markers actor is reached, one route per message; they follow its restarts.
#[derive(Debug, Clone, Default)]
pub struct MarkersRoutes {
    pub output: Route<ProcessOutput>,
    pub effect: Route<ApplyEffect>,
    pub stream: Route<FilterStream>,
}

impl MarkersRoutes {
    pub fn rebind(&self, addr: &Addr<Markers>) {
        self.output.rebind(addr.clone().recipient());
        self.effect.rebind(addr.clone().recipient());
        self.stream.rebind(addr.clone().recipient());
    }

    pub fn unbind(&self) {
        self.output.unbind();
        self.effect.unbind();
        self.stream.unbind();
    }

    pub fn is_bound(&self) -> bool {
        self.output.is_bound()
    }
}

pub struct Markers {
    deps: MarkersDeps,
    _guard: ChildGuard,
}

impl Markers {
    pub fn new(deps: MarkersDeps, guard: ChildGuard) -> Self {
        Self { deps, _guard: guard }
    }
}

impl Actor for Markers {
    type Context = Context<Self>;
}

impl Handler<ProcessOutput> for Markers {
    type Result = Response<Processed>;

    fn handle(&mut self, msg: ProcessOutput, _: &mut Context<Self>) -> Response<Processed> {
        let untrusted: Vec<&str> = msg.untrusted.iter().map(String::as_str).collect();
        let mut parsed = omega_markers::parse_beside(&msg.text, &untrusted);
        // A turn that read content carries out only what acts on nothing of the person's.
        let mut refused = Vec::new();
        if !untrusted.is_empty() {
            use omega_markers::gate::{OnRead, on_read};
            parsed.effects.retain(|e| match on_read(e) {
                OnRead::CarryOut => true,
                OnRead::Drop => false,
                OnRead::Refuse(what) => {
                    refused.push(Confirmation::NotOnYourWord { what });
                    false
                }
            });
            if !refused.is_empty() {
                tracing::warn!(session = %msg.who.key(), refused = refused.len(),
                    "effects asked for after reading a tool's output are not carried out");
            }
        }
        let heartbeat_ok = parsed.effects.iter().any(|e| matches!(e, Effect::HeartbeatOk));
        let processed = Processed {
            text: parsed.text,
            effects: parsed.effects,
            confirmations: refused,
            diagnostics: parsed.diagnostics,
            heartbeat_ok,
        };
        // The common answer asks for nothing: no task, no effect, nothing to wait for.
        if processed.effects.is_empty() && msg.who.task.is_none() {
            return Response::reply(processed);
        }
        let deps = self.deps.clone();
        Response::fut(async move {
            let mut processed = processed;
            let done = apply::carry_out(&deps, &msg.who, &processed.effects).await;
            processed.confirmations.extend(done);
            if let Some(task_id) = msg.who.task.clone() {
                let outcome = processed.effects.iter().find_map(|e| match e {
                    Effect::ActionOutcome { success, reason } => Some((*success, reason.clone())),
                    _ => None,
                });
                let (ok, reason) = outcome.unwrap_or((true, None));
                deps.action_done.do_send(ActionDone { task_id, ok, reason });
            }
            processed
        })
    }
}

impl Handler<ApplyEffect> for Markers {
    type Result = ResponseFuture<Option<Confirmation>>;

    fn handle(&mut self, msg: ApplyEffect, _: &mut Context<Self>) -> Self::Result {
        let deps = self.deps.clone();
        Box::pin(async move {
            apply::carry_out(&deps, &msg.who, std::slice::from_ref(&msg.effect)).await.into_iter().next()
        })
    }
}

impl Handler<FilterStream> for Markers {
    type Result = MessageResult<FilterStream>;

    fn handle(&mut self, msg: FilterStream, ctx: &mut Context<Self>) -> Self::Result {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
        let to = msg.to;
        // Ends when the provider drops the sink (or the previews stop listening); a restart of
        // this actor ends it too, which only ends the previews: the final answer is parsed whole.
        ctx.spawn(
            async move {
                let mut filter = omega_markers::StreamFilter::new();
                while let Some(delta) = rx.recv().await {
                    let visible = filter.push(&delta);
                    if !visible.is_empty() && to.send(visible).is_err() {
                        break;
                    }
                }
            }
            .into_actor(self),
        );
        MessageResult(tx)
    }
}
