//! The Gateway's job queue: background jobs stored, started within `[jobs]`' limits, listed,
//! cancelled, and resumed after a restart. Each runs in a `JobRunner` beside the sessions.

use actix::prelude::*;
use omega_core::sanitize::sanitize;
use omega_memory::inbox::Recorded;
use omega_memory::jobs::NewJob;
use std::sync::Arc;

use super::Gateway;
use crate::effects::{CancelJob, JobCancel, JobStart, ListJobs, StartJob};
use crate::pipeline::{Job, JobControl};
use crate::session::{JobEnded, JobRunner, StopSession, drop_waiting_job, fail_in_flight};

impl Gateway {
    /// Start every job the limits allow now.
    pub(super) fn run_jobs(&mut self, ctx: &mut Context<Self>) {
        let Some(limits) = self.settings.jobs.clone() else { return };
        if self.stopping {
            return;
        }
        while let Some(job) = self.jobs.next(&limits) {
            let control = Arc::new(JobControl::new());
            let runner = JobRunner::new(
                self.deps().clone(),
                job.clone(),
                control.clone(),
                limits.timeout,
                ctx.address().recipient(),
            )
            .start();
            self.jobs.started(&job, control, runner);
        }
    }

    /// Queue the jobs the last run left unfinished.
    pub(super) fn recover_jobs(&mut self, ctx: &mut Context<Self>) {
        if self.settings.jobs.is_none() {
            return;
        }
        let store = self.deps().store.clone();
        ctx.spawn(async move { store.resume_jobs().await }.into_actor(self).map(|rows, act, ctx| {
            let rows = match rows {
                Ok(r) => r,
                Err(e) => {
                    tracing::error!(error = %e, "cannot read unfinished background jobs");
                    return;
                }
            };
            if !rows.is_empty() {
                tracing::info!(jobs = rows.len(), "resuming background jobs left unfinished by the last run");
            }
            for row in rows {
                let project = row.project;
                let mut job = Job::from(row.inbox);
                job.project = Some(project);
                act.jobs.push(job);
            }
            act.run_jobs(ctx);
        }));
    }

    /// Stop every job's runner (their jobs stay in the inbox, resumed by the next start).
    pub(super) fn stop_jobs(&mut self) -> Vec<Addr<JobRunner>> {
        self.jobs.runners().cloned().collect()
    }
}

impl Handler<StartJob> for Gateway {
    type Result = ResponseActFuture<Self, Result<JobStart, String>>;

    fn handle(&mut self, msg: StartJob, _: &mut Context<Self>) -> Self::Result {
        let Some(limits) = self.settings.jobs.clone() else {
            let why = "background jobs are turned off here ([jobs] enabled = false)".to_owned();
            return Box::pin(fut::ready(Err(why)));
        };
        let key = msg.who.key();
        // Jobs being stored count too: two asked for at once cannot both pass the limit.
        let pending = self.jobs.pending_of(&key) + self.starting.get(&key).copied().unwrap_or(0);
        if pending >= limits.max_pending_per_sender {
            let why = format!(
                "you have {pending} background jobs running or waiting already, the most there can be; /jobs \
                 lists them, /cancel ID stops one"
            );
            return Box::pin(fut::ready(Err(why)));
        }
        let deps = self.deps();
        let clean = sanitize(&msg.request);
        let new = NewJob {
            channel: msg.who.channel.clone(),
            sender_id: msg.who.sender_id.clone(),
            sender_name: msg.sender_name.clone(),
            reply_target: msg.who.reply_target.clone(),
            text: clean.text,
            project: msg.who.project.clone(),
            origin: msg.who.message,
            at: deps.settings.clock.now(),
        };
        let store = deps.store.clone();
        *self.starting.entry(key.clone()).or_default() += 1;
        Box::pin(async move { (store.start_job(new.clone()).await, new) }.into_actor(self).map(
            move |(stored, new), act, ctx| {
                if let Some(n) = act.starting.get_mut(&key) {
                    *n -= 1;
                    if *n == 0 {
                        act.starting.remove(&key);
                    }
                }
                match stored {
                    Ok(Recorded::New(id)) => {
                        let external_id = Some(new.external_id());
                        act.jobs.push(Job {
                            id,
                            channel: new.channel,
                            sender_id: new.sender_id,
                            sender_name: new.sender_name,
                            reply_target: new.reply_target,
                            text: new.text,
                            attempts: 0,
                            attachments: Vec::new(),
                            external_id,
                            project: Some(new.project),
                            files: Vec::new(),
                            note: None,
                        });
                        act.run_jobs(ctx);
                        Ok(JobStart::Started { id, waiting: !act.jobs.is_running(id) })
                    }
                    Ok(Recorded::Duplicate(id)) => Ok(JobStart::Already(id)),
                    Err(e) => Err(format!("it could not be stored ({e})")),
                }
            },
        ))
    }
}

impl Handler<ListJobs> for Gateway {
    type Result = MessageResult<ListJobs>;

    fn handle(&mut self, msg: ListJobs, _: &mut Context<Self>) -> Self::Result {
        MessageResult(self.jobs.live_of(&omega_core::SessionKey::new(&msg.channel, &msg.sender_id)))
    }
}

impl Handler<CancelJob> for Gateway {
    type Result = JobCancel;

    fn handle(&mut self, msg: CancelJob, _: &mut Context<Self>) -> JobCancel {
        let key = omega_core::SessionKey::new(&msg.channel, &msg.sender_id);
        if let Some(running) = self.jobs.running_of(msg.id, &key) {
            tracing::info!(job = msg.id.0, "background job cancelled by its sender");
            running.control.stop(crate::pipeline::JobStop::ByYou);
            return JobCancel::Stopping;
        }
        match self.jobs.take_waiting(msg.id, &key) {
            Some(job) => {
                let deps = self.deps().clone();
                actix_rt::spawn(async move { drop_waiting_job(&deps, job).await });
                JobCancel::Dropped
            }
            None => JobCancel::NotLive,
        }
    }
}

impl Handler<JobEnded> for Gateway {
    type Result = ();

    fn handle(&mut self, msg: JobEnded, ctx: &mut Context<Self>) {
        self.jobs.ended(msg.id);
        if msg.panicked
            && let Some(job) = msg.unfinished
        {
            tracing::error!(job = msg.id.0, "a background job crashed; it is answered with an error");
            let deps = self.deps().clone();
            actix_rt::spawn(async move { fail_in_flight(&deps, job).await });
        }
        self.run_jobs(ctx);
    }
}

/// Runners cannot outlive the queue that limits them: a new Gateway resumes their jobs.
pub(super) fn stop_runners(runners: &[Addr<JobRunner>]) {
    for r in runners {
        r.do_send(StopSession);
    }
}
