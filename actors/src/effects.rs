//! The typed messages effects become, between the Markers actor (which reads them from provider
//! output) and the actors that own them: tasks go to the Scheduler, the checklist and its
//! settings to the Heartbeat. Each owner answers with what it stored, which Markers turns into a
//! [`Confirmation`]. A leaf module: Markers and the owners both use
//! it, neither imports the other.

use actix::prelude::*;
use chrono_tz::Tz;
use omega_core::SessionKey;
use omega_core::i18n::Lang;
use omega_memory::Store;
use omega_memory::tasks::{Cancelled, NewTask, TaskRow, TaskUpdate, Updated};

pub use omega_markers::Confirmation;

use crate::route::Route;

/// Whose answer is being carried out: effects act for this person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Who {
    pub channel: String,
    pub sender_id: String,
    /// Where a reminder they set is delivered.
    pub reply_target: String,
    /// The scheduled action this answer carries out (its outcome goes to the Scheduler).
    pub task: Option<String>,
    /// The project the turn ran in (`""`: none): what it sets and learns belongs there.
    pub project: String,
    /// The message being answered (a job it starts is keyed by it).
    pub message: Option<omega_core::InboxId>,
    /// The answer is a background job's (which starts no further jobs).
    pub in_job: bool,
}

impl Who {
    pub fn key(&self) -> SessionKey {
        SessionKey::new(&self.channel, &self.sender_id)
    }
}

/// Create a task, unless the same one (description and due time) is pending already. The
/// Scheduler stores it and sets its timer again.
#[derive(Message, Debug, Clone)]
#[rtype(result = "Result<Scheduled, String>")]
pub struct ScheduleTask(pub NewTask);

#[derive(Debug, Clone, PartialEq)]
pub enum Scheduled {
    New(TaskRow),
    AlreadySet(TaskRow),
}

/// Cancel one of a person's pending tasks by id or id prefix.
#[derive(Message, Debug, Clone)]
#[rtype(result = "Result<TaskCancelled, String>")]
pub struct CancelTask {
    pub channel: String,
    pub sender_id: String,
    pub id: String,
}

/// What a cancel did, and the cancelled task's description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskCancelled {
    pub outcome: Cancelled,
    pub description: String,
}

/// Change one of a person's pending tasks.
#[derive(Message, Debug, Clone)]
#[rtype(result = "Result<Updated, String>")]
pub struct UpdateTask {
    pub channel: String,
    pub sender_id: String,
    pub id: String,
    pub change: TaskUpdate,
}

/// Where task changes go: the Scheduler, which owns the tasks and their timer.
#[derive(Debug, Clone, Default)]
pub struct TaskRoutes {
    pub schedule: Route<ScheduleTask>,
    pub cancel: Route<CancelTask>,
    pub update: Route<UpdateTask>,
}

impl TaskRoutes {
    pub fn rebind<A>(&self, addr: &Addr<A>)
    where
        A: Actor<Context = Context<A>> + Handler<ScheduleTask> + Handler<CancelTask> + Handler<UpdateTask>,
    {
        self.schedule.rebind(addr.clone().recipient());
        self.cancel.rebind(addr.clone().recipient());
        self.update.rebind(addr.clone().recipient());
    }

    pub fn unbind(&self) {
        self.schedule.unbind();
        self.cancel.unbind();
        self.update.unbind();
    }
}

/// Start a background job for `who`: stored, then run when a slot is free. The Gateway owns
/// the job queue.
#[derive(Message, Debug, Clone)]
#[rtype(result = "Result<JobStart, String>")]
pub struct StartJob {
    pub who: Who,
    pub sender_name: Option<String>,
    /// What to do, self-contained.
    pub request: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStart {
    /// Stored; `waiting` behind other jobs.
    Started { id: omega_core::InboxId, waiting: bool },
    /// The message that asks for it started it before (it was answered again after a restart).
    Already(omega_core::InboxId),
}

/// A sender's jobs that are running or waiting, oldest first.
#[derive(Message, Debug, Clone)]
#[rtype(result = "Vec<LiveJob>")]
pub struct ListJobs {
    pub channel: String,
    pub sender_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveJob {
    pub id: omega_core::InboxId,
    pub text: String,
    /// `Some(seconds it has run)`; `None` while it waits for a slot.
    pub running_for: Option<u64>,
}

/// Stop one of a sender's jobs.
#[derive(Message, Debug, Clone)]
#[rtype(result = "JobCancel")]
pub struct CancelJob {
    pub channel: String,
    pub sender_id: String,
    pub id: omega_core::InboxId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, MessageResponse)]
pub enum JobCancel {
    /// It was running: its calls and tool processes are being stopped; the person is told.
    Stopping,
    /// It was waiting: it will not run; the person is told.
    Dropped,
    /// No running or waiting job of theirs has that number.
    NotLive,
}

/// Where job requests go: the Gateway, which owns the job queue.
#[derive(Debug, Clone, Default)]
pub struct JobRoutes {
    pub start: Route<StartJob>,
    pub list: Route<ListJobs>,
    pub cancel: Route<CancelJob>,
}

impl JobRoutes {
    pub fn rebind<A>(&self, addr: &Addr<A>)
    where
        A: Actor<Context = Context<A>> + Handler<StartJob> + Handler<ListJobs> + Handler<CancelJob>,
    {
        self.start.rebind(addr.clone().recipient());
        self.list.rebind(addr.clone().recipient());
        self.cancel.rebind(addr.clone().recipient());
    }

    pub fn unbind(&self) {
        self.start.unbind();
        self.list.unbind();
        self.cancel.unbind();
    }
}

/// A change to the heartbeat's checklist (`HEARTBEAT.md`) or its settings; the Heartbeat owns
/// both and answers with what it did.
#[derive(Message, Debug, Clone, PartialEq, Eq)]
#[rtype(result = "Confirmation")]
pub enum EditChecklist {
    Add(String),
    Remove(String),
    Interval(u32),
    /// Mute a `## Section` of the checklist.
    Skip(String),
    /// Unmute it.
    Check(String),
}

/// Facts that are settings, not memories: `/purge` keeps them.
pub const SETTING_FACTS: &[&str] = &["preferred_language", "personality", "timezone", "active_project"];

/// The first 6 characters of a task id: enough to name it in `/cancel`.
pub fn short(id: &str) -> &str {
    id.get(..6).unwrap_or(id)
}

/// One of a person's setting facts (`preferred_language`, `timezone`), read under their linked
/// identity; `None` when unset or unreadable.
async fn setting(store: &Store, key: &SessionKey, name: &str) -> Option<String> {
    let me = store.memory_key(key.as_str()).await.unwrap_or_else(|_| key.as_str().to_owned());
    store.facts(&me).await.unwrap_or_default().into_iter().find(|f| f.key == name).map(|f| f.value)
}

/// The language Omega's own words take for a person: their `preferred_language` fact when it
/// names one of the eight, else the language `text` is written in, else English.
pub async fn person_lang(store: &Store, key: &SessionKey, text: &str) -> Lang {
    Lang::of_person(setting(store, key, "preferred_language").await.as_deref(), text)
}

/// The zone a person's times are read and shown in: their own `timezone` fact when it names a
/// real zone, else `default`.
pub async fn sender_zone(store: &Store, key: &SessionKey, default: Tz) -> Tz {
    setting(store, key, "timezone").await.and_then(|z| z.parse::<Tz>().ok()).unwrap_or(default)
}
