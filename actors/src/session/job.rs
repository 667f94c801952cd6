//! The JobRunner actor: one background job, answered like a message — the sender's memory, the
//! tools, the budget — but off the sender's session, so the conversation goes on meanwhile.
//!
//! It is an actor of its own so that a job that panics takes only itself down: its `Drop` tells
//! the Gateway, which gives the job an error outcome and starts the next one. A runner stopped
//! by a shutdown leaves its job in the inbox, resumed on the next start.

use actix::prelude::*;
use std::sync::Arc;
use std::time::Duration;

use super::answer::answer;
use super::{Job, SessionDeps, StopSession};
use crate::pipeline::JobControl;

/// A job's runner is gone: finished (`unfinished: None`), stopped, or panicked.
#[derive(Message, Debug, Clone)]
#[rtype(result = "()")]
pub struct JobEnded {
    pub id: omega_core::InboxId,
    pub panicked: bool,
    /// The job, when it ended without its outcome.
    pub unfinished: Option<Job>,
}

pub struct JobRunner {
    deps: SessionDeps,
    job: Job,
    timeout: Duration,
    done: Recipient<JobEnded>,
    finished: bool,
}

impl JobRunner {
    /// `deps` are the sessions'; the runner arms them with `control` (its provider calls and
    /// tool calls stop when it fires).
    pub fn new(
        mut deps: SessionDeps,
        job: Job,
        control: Arc<JobControl>,
        timeout: Duration,
        done: Recipient<JobEnded>,
    ) -> Self {
        if let Some(tools) = &mut deps.tools {
            tools.cancel = control.cancel.clone();
        }
        deps.job = Some(control);
        // A job reads its context fresh: it runs beside the session, in its own project.
        deps.context = None;
        Self { deps, job, timeout, done, finished: false }
    }
}

impl Actor for JobRunner {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        tracing::info!(job = self.job.id.0, sender = %self.job.sender_id, "background job started");
        let minutes = self.timeout.as_secs().div_ceil(60);
        ctx.run_later(self.timeout, move |act, _| {
            if let Some(c) = &act.deps.job {
                c.stop(crate::pipeline::JobStop::TooLong { minutes });
            }
        });
        let key = self.job.session_key();
        ctx.spawn(answer(self.deps.clone(), key, self.job.clone()).into_actor(self).map(|_, act, ctx| {
            act.finished = true;
            ctx.stop();
        }));
    }
}

impl Handler<StopSession> for JobRunner {
    type Result = ();

    fn handle(&mut self, _: StopSession, ctx: &mut Context<Self>) {
        ctx.stop();
    }
}

impl Drop for JobRunner {
    fn drop(&mut self) {
        tracing::info!(job = self.job.id.0, finished = self.finished, "background job ended");
        self.done.do_send(JobEnded {
            id: self.job.id,
            panicked: std::thread::panicking(),
            unfinished: (!self.finished).then(|| self.job.clone()),
        });
    }
}
