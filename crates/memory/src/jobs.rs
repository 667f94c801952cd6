//! Background jobs. A job is an inbox row — durable, answered exactly once, resumed after a
//! restart like any message — whose external id is `job:ORIGIN:KEY`, with its project in `jobs`
//! (migration 0017). The sender's session never takes a job row; the Gateway's job queue does.

use chrono::{DateTime, Utc};
use omega_core::InboxId;
use sqlx::SqliteConnection;

use crate::error::MemoryError;
use crate::inbox::Recorded;
use crate::open::Store;
use crate::rows::InboxRow;

/// The external ids of job rows start with this.
pub const PREFIX: &str = "job:";

/// A job to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    pub channel: String,
    pub sender_id: String,
    pub sender_name: Option<String>,
    pub reply_target: String,
    /// What to do, as the person or the model put it (sanitized).
    pub text: String,
    /// The project it runs in ("" = none).
    pub project: String,
    /// The message whose answer (or command) started it.
    pub origin: Option<InboxId>,
    pub at: DateTime<Utc>,
}

impl NewJob {
    /// Its external id: the same origin and request give the same id, so a message answered
    /// again after a crash does not start its job twice.
    pub fn external_id(&self) -> String {
        // FNV-1a: stable across builds and platforms (std's hasher is not).
        let hash = self
            .text
            .trim()
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
        match self.origin {
            Some(o) => format!("{PREFIX}{}:{hash:016x}", o.0),
            None => format!("{PREFIX}-:{hash:016x}:{}", self.at.timestamp_millis()),
        }
    }
}

/// A stored job: its inbox row and its project.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct JobRow {
    #[sqlx(flatten)]
    pub inbox: InboxRow,
    pub project: String,
}

macro_rules! job_columns {
    () => {
        "i.id, i.channel, i.sender_id, i.sender_name, i.reply_target, i.external_id, i.text, i.status, \
         i.attempts, i.received_at, i.finished_at, i.attachments_json, j.project"
    };
}

async fn insert(c: &mut SqliteConnection, job: &NewJob) -> Result<Recorded, sqlx::Error> {
    let external = job.external_id();
    let inserted: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO inbox (channel, sender_id, sender_name, reply_target, external_id, text, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (channel, external_id) WHERE external_id IS NOT NULL DO NOTHING
         RETURNING id",
    )
    .bind(&job.channel)
    .bind(&job.sender_id)
    .bind(&job.sender_name)
    .bind(&job.reply_target)
    .bind(&external)
    .bind(&job.text)
    .bind(crate::millis(job.at))
    .fetch_optional(&mut *c)
    .await?;
    let Some((id,)) = inserted else {
        let (id,): (i64,) = sqlx::query_as("SELECT id FROM inbox WHERE channel = ? AND external_id = ?")
            .bind(&job.channel)
            .bind(&external)
            .fetch_one(&mut *c)
            .await?;
        return Ok(Recorded::Duplicate(InboxId(id)));
    };
    sqlx::query("INSERT INTO jobs (inbox_id, project, origin) VALUES (?, ?, ?)")
        .bind(id)
        .bind(&job.project)
        .bind(job.origin.map(|o| o.0))
        .execute(&mut *c)
        .await?;
    Ok(Recorded::New(InboxId(id)))
}

async fn resume(c: &mut SqliteConnection) -> Result<Vec<JobRow>, sqlx::Error> {
    sqlx::query(
        "UPDATE inbox SET attempts = attempts + 1 WHERE status = 'pending' AND external_id LIKE 'job:%'",
    )
    .execute(&mut *c)
    .await?;
    sqlx::query_as(concat!(
        "SELECT ",
        job_columns!(),
        " FROM inbox i JOIN jobs j ON j.inbox_id = i.id
         WHERE i.status = 'pending' AND i.external_id LIKE 'job:%' ORDER BY i.id"
    ))
    .fetch_all(&mut *c)
    .await
}

impl Store {
    /// Store a job; once this returns it survives anything. `Duplicate` when its origin already
    /// started the same job.
    pub async fn start_job(&self, job: NewJob) -> Result<Recorded, MemoryError> {
        self.writer.write(job, |c, j| Box::pin(insert(c, j))).await
    }

    /// Take over the jobs left unfinished by the last run (each one's `attempts` counts the
    /// interruptions it lived through), oldest first.
    pub async fn resume_jobs(&self) -> Result<Vec<JobRow>, MemoryError> {
        self.writer.write((), |c, _| Box::pin(resume(c))).await
    }

    /// One job.
    pub async fn job(&self, id: InboxId) -> Result<Option<JobRow>, MemoryError> {
        let sql = concat!(
            "SELECT ",
            job_columns!(),
            " FROM inbox i JOIN jobs j ON j.inbox_id = i.id WHERE i.id = ?"
        );
        Ok(sqlx::query_as(sql).bind(id.0).fetch_optional(&self.read).await?)
    }

    /// A sender's jobs received since `since_ms`, and any still unfinished, newest first.
    pub async fn jobs_of(
        &self,
        channel: &str,
        sender_id: &str,
        since_ms: i64,
        limit: u32,
    ) -> Result<Vec<JobRow>, MemoryError> {
        let sql = concat!(
            "SELECT ",
            job_columns!(),
            " FROM inbox i JOIN jobs j ON j.inbox_id = i.id
             WHERE i.channel = ? AND i.sender_id = ? AND i.external_id LIKE 'job:%'
               AND (i.received_at >= ? OR i.status = 'pending')
             ORDER BY i.id DESC LIMIT ?"
        );
        Ok(sqlx::query_as(sql)
            .bind(channel)
            .bind(sender_id)
            .bind(since_ms)
            .bind(i64::from(limit))
            .fetch_all(&self.read)
            .await?)
    }
}
