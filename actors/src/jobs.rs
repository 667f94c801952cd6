//! Background jobs: "look into X and tell me", worked on while the conversation goes on.
//!
//! A job is an inbox row of its own (`omega_memory::jobs`), so it is durable from the moment it is
//! acknowledged, answered exactly once, and resumed after a restart like any message. The
//! Gateway owns the queue ([`JobQueue`]): it runs each job in a `JobRunner` (the session module's)
//! when the limits allow, with the sender's memory and tools, and the job's outcome goes through
//! the outbox like any reply. `/cancel` fires the job's [`JobControl`], which stops its provider
//! call (a CLI's process group is killed) and its tool calls (a command's process group is
//! killed). This module is the queue and the commands' words; it imports no actor.

use omega_core::i18n::Lang;
use omega_core::tr;
use omega_core::{InboxId, SessionKey};
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::effects::{CancelJob, JobCancel, JobStart, ListJobs, LiveJob, StartJob};
pub use crate::pipeline::JobControl;
use crate::pipeline::{Job, JobStop, SessionDeps};

/// `[jobs]`, as the Gateway applies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobLimits {
    pub max_running: usize,
    pub per_sender: usize,
    pub max_pending_per_sender: usize,
    /// A job still running after this long is stopped.
    pub timeout: Duration,
}

impl Default for JobLimits {
    fn default() -> Self {
        Self {
            max_running: 2,
            per_sender: 1,
            max_pending_per_sender: 5,
            timeout: Duration::from_secs(30 * 60),
        }
    }
}

/// A job being worked on.
pub struct Running<A> {
    pub key: SessionKey,
    pub text: String,
    pub started: Instant,
    pub control: Arc<JobControl>,
    pub runner: A,
}

/// The jobs waiting for a slot and the ones running. `A` is a running job's handle (its
/// runner's address).
pub struct JobQueue<A> {
    waiting: VecDeque<Job>,
    running: HashMap<InboxId, Running<A>>,
}

impl<A> Default for JobQueue<A> {
    fn default() -> Self {
        Self { waiting: VecDeque::new(), running: HashMap::new() }
    }
}

impl<A> JobQueue<A> {
    /// Whether the job is known (waiting or running).
    pub fn has(&self, id: InboxId) -> bool {
        self.running.contains_key(&id) || self.waiting.iter().any(|j| j.id == id)
    }

    pub fn is_running(&self, id: InboxId) -> bool {
        self.running.contains_key(&id)
    }

    pub fn push(&mut self, job: Job) {
        if !self.has(job.id) {
            self.waiting.push_back(job);
        }
    }

    /// A sender's jobs, running and waiting.
    pub fn pending_of(&self, key: &SessionKey) -> usize {
        self.running.values().filter(|r| &r.key == key).count()
            + self.waiting.iter().filter(|j| &j.session_key() == key).count()
    }

    /// The next job the limits let start: the oldest waiting one whose sender is under
    /// `per_sender`, while fewer than `max_running` run.
    pub fn next(&mut self, limits: &JobLimits) -> Option<Job> {
        if self.running.len() >= limits.max_running {
            return None;
        }
        let i = self.waiting.iter().position(|j| {
            let key = j.session_key();
            self.running.values().filter(|r| r.key == key).count() < limits.per_sender
        })?;
        self.waiting.remove(i)
    }

    pub fn started(&mut self, job: &Job, control: Arc<JobControl>, runner: A) {
        let running = Running {
            key: job.session_key(),
            text: job.text.clone(),
            started: Instant::now(),
            control,
            runner,
        };
        self.running.insert(job.id, running);
    }

    pub fn ended(&mut self, id: InboxId) -> Option<Running<A>> {
        self.running.remove(&id)
    }

    /// Take a waiting job out of the queue.
    pub fn take_waiting(&mut self, id: InboxId, key: &SessionKey) -> Option<Job> {
        let i = self.waiting.iter().position(|j| j.id == id && &j.session_key() == key)?;
        self.waiting.remove(i)
    }

    pub fn running_of(&self, id: InboxId, key: &SessionKey) -> Option<&Running<A>> {
        self.running.get(&id).filter(|r| &r.key == key)
    }

    /// What `/jobs` shows live: a sender's running jobs, then their waiting ones.
    pub fn live_of(&self, key: &SessionKey) -> Vec<LiveJob> {
        let mut running: Vec<(&InboxId, &Running<A>)> =
            self.running.iter().filter(|(_, r)| &r.key == key).collect();
        running.sort_by_key(|(id, _)| **id);
        let running = running.into_iter().map(|(id, r)| LiveJob {
            id: *id,
            text: r.text.clone(),
            running_for: Some(r.started.elapsed().as_secs()),
        });
        let waiting = self.waiting.iter().filter(|j| &j.session_key() == key).map(|j| LiveJob {
            id: j.id,
            text: j.text.clone(),
            running_for: None,
        });
        running.chain(waiting).collect()
    }

    /// Every running job's handle (to stop them all).
    pub fn runners(&self) -> impl Iterator<Item = &A> {
        self.running.values().map(|r| &r.runner)
    }
}

/// A job's request in a line: how it is named in lists and in its result.
pub fn title(text: &str) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    match line.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line.to_owned(),
    }
}

/// What the model is told at the start of a job's turn.
pub fn preamble(id: InboxId) -> String {
    format!(
        "[Background job #{}. The person started it earlier and is not waiting on this turn; they may be \
         talking about other things meanwhile. Work it through with your tools, then answer with the \
         result: it is sent to them when you finish.]\n\n",
        id.0
    )
}

/// The words of a job's outcome, as the person receives it.
pub fn outcome_text(
    id: InboxId,
    request: &str,
    ok: bool,
    stopped: Option<JobStop>,
    text: &str,
    lang: Lang,
) -> String {
    let (number, title) = (id.0, title(request));
    match (stopped, ok) {
        (Some(why), _) => tr!(lang, "job-stopped", number = number, title = title, why = why.words(lang)),
        (None, true) => tr!(lang, "job-done", number = number, title = title, text = text),
        (None, false) => tr!(lang, "job-failed", number = number, title = title, text = text),
    }
}

/// `/bg TEXT`: start a job for the sender of `job`.
pub async fn start_command(deps: &SessionDeps, job: &Job, text: &str, lang: Lang) -> String {
    if text.trim().is_empty() {
        return tr!(lang, "bg-usage");
    }
    let ask =
        StartJob { who: job.who(), sender_name: job.sender_name.clone(), request: text.trim().to_owned() };
    let confirmation = match deps.jobs.start.send(ask).await {
        Ok(Ok(JobStart::Started { id, waiting })) => {
            omega_markers::Confirmation::JobStarted { number: id.0, waiting }
        }
        Ok(Ok(JobStart::Already(id))) => omega_markers::Confirmation::JobAlreadyStarted { number: id.0 },
        Ok(Err(why)) => omega_markers::Confirmation::JobNotStarted { why },
        Err(_) => omega_markers::Confirmation::JobNotStarted { why: "the job queue is not running".into() },
    };
    omega_core::i18n::confirmation(&confirmation, lang)
}

/// `/jobs`: the sender's running and waiting jobs, and the last day's finished ones.
pub async fn list_command(
    deps: &SessionDeps,
    job: &Job,
    lang: Lang,
) -> Result<String, omega_memory::MemoryError> {
    let ask = ListJobs { channel: job.channel.clone(), sender_id: job.sender_id.clone() };
    let live = deps.jobs.list.send(ask).await.unwrap_or_default();
    let since = deps.settings.clock.now().timestamp_millis() - 24 * 3600 * 1000;
    let stored = deps.store.jobs_of(&job.channel, &job.sender_id, since, 20).await?;
    let mut lines: Vec<String> = live
        .iter()
        .map(|j| match j.running_for {
            Some(secs) => {
                tr!(
                    lang,
                    "job-running",
                    number = j.id.0,
                    duration = duration(secs, lang),
                    title = title(&j.text)
                )
            }
            None => tr!(lang, "job-waiting", number = j.id.0, title = title(&j.text)),
        })
        .collect();
    let finished: Vec<String> = stored
        .iter()
        .filter(|r| r.inbox.status != "pending")
        .take(5)
        .map(|r| {
            let (number, title) = (r.inbox.id, title(&r.inbox.text));
            match r.inbox.status == "done" {
                true => tr!(lang, "job-finished-ok", number = number, title = title),
                false => tr!(lang, "job-finished-not", number = number, title = title),
            }
        })
        .collect();
    // A job stored but in no queue (its runner is starting, or the queue is down) still shows.
    for r in stored.iter().filter(|r| r.inbox.status == "pending") {
        if !live.iter().any(|l| l.id.0 == r.inbox.id) {
            lines.push(tr!(lang, "job-about-to-start", number = r.inbox.id, title = title(&r.inbox.text)));
        }
    }
    Ok(match (lines.is_empty(), finished.is_empty()) {
        (true, true) => tr!(lang, "jobs-none"),
        _ => {
            let mut out = String::new();
            if !lines.is_empty() {
                out.push_str(&tr!(lang, "jobs-live", jobs = lines.join("\n")));
            }
            if !finished.is_empty() {
                if !out.is_empty() {
                    out.push_str("\n\n");
                }
                out.push_str(&tr!(lang, "jobs-finished", jobs = finished.join("\n")));
            }
            out
        }
    })
}

/// `/cancel ID` for a job number; `None` when `arg` names no job of the sender's (it may be a
/// task's id).
pub async fn cancel_command(deps: &SessionDeps, job: &Job, arg: &str, lang: Lang) -> Option<String> {
    let number: i64 = arg.trim().trim_start_matches('#').parse().ok()?;
    let id = InboxId(number);
    let ask = CancelJob { channel: job.channel.clone(), sender_id: job.sender_id.clone(), id };
    match deps.jobs.cancel.send(ask).await {
        Ok(JobCancel::Stopping) => Some(tr!(lang, "job-stopping", number = number)),
        Ok(JobCancel::Dropped) => Some(tr!(lang, "job-dropped", number = number)),
        Ok(JobCancel::NotLive) | Err(_) => match deps.store.job(id).await {
            Ok(Some(r)) if r.inbox.channel == job.channel && r.inbox.sender_id == job.sender_id => {
                Some(match r.inbox.status.as_str() {
                    "pending" => tr!(lang, "job-starting", number = number),
                    _ => tr!(lang, "job-already-finished", number = number),
                })
            }
            _ => None,
        },
    }
}

fn duration(secs: u64, lang: Lang) -> String {
    match secs {
        0..60 => tr!(lang, "duration-secs", secs = secs),
        60..3600 => tr!(lang, "duration-mins", mins = secs / 60),
        _ => tr!(lang, "duration-hours", hours = secs / 3600, mins = secs % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(id: i64, sender: &str) -> Job {
        Job {
            id: InboxId(id),
            channel: "app".into(),
            sender_id: sender.into(),
            sender_name: None,
            reply_target: sender.into(),
            text: format!("job {id}"),
            attempts: 0,
            attachments: Vec::new(),
            external_id: Some(format!("job:{id}:0")),
            project: None,
            files: Vec::new(),
            note: None,
        }
    }

    #[test]
    fn the_queue_keeps_both_limits_and_the_order() {
        let limits = JobLimits { max_running: 2, per_sender: 1, ..Default::default() };
        let mut q: JobQueue<()> = JobQueue::default();
        for (id, who) in [(1, "ann"), (2, "ann"), (3, "bob"), (4, "cid")] {
            q.push(job(id, who));
        }
        q.push(job(1, "ann"));
        assert_eq!(q.pending_of(&SessionKey::new("app", "ann")), 2, "a job is queued once");
        let first = q.next(&limits).unwrap();
        assert_eq!(first.id, InboxId(1));
        q.started(&first, Arc::new(JobControl::new()), ());
        let second = q.next(&limits).unwrap();
        assert_eq!(second.id, InboxId(3), "ann's second job waits for her first; bob's goes ahead");
        q.started(&second, Arc::new(JobControl::new()), ());
        assert!(q.next(&limits).is_none(), "two run at once");
        q.ended(InboxId(1));
        assert_eq!(q.next(&limits).unwrap().id, InboxId(2), "the oldest waiting job goes next");
    }

    #[test]
    fn a_stopped_job_keeps_the_first_reason() {
        let c = JobControl::new();
        assert!(!c.cancel.is_cancelled());
        c.stop(JobStop::ByYou);
        c.stop(JobStop::TooLong { minutes: 30 });
        assert!(c.cancel.is_cancelled());
        assert_eq!(c.stopped(), Some(JobStop::ByYou));
        assert_eq!(JobStop::ByYou.words(Lang::En), "cancelled by you");
    }

    #[test]
    fn titles_are_one_short_line() {
        assert_eq!(title("look into flights\nand hotels"), "look into flights");
        assert_eq!(title(&"é".repeat(80)).chars().count(), 61);
    }
}
