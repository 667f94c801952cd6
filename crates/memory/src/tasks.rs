//! Scheduled tasks: the table the Scheduler will own. Times are stored in UTC with the zone the
//! user meant them in.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::SqliteConnection;

use crate::error::MemoryError;
use crate::open::Store;

/// A task to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTask {
    pub channel: String,
    pub sender_id: String,
    pub reply_target: String,
    /// `reminder` or `action`.
    pub kind: String,
    pub description: String,
    pub due_at: DateTime<Utc>,
    /// IANA zone the due time was meant in.
    pub timezone: String,
    pub repeat: Option<String>,
    pub project: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct TaskRow {
    pub id: String,
    pub channel: String,
    pub sender_id: String,
    pub reply_target: String,
    pub kind: String,
    pub description: String,
    pub due_at: i64,
    pub timezone: String,
    pub repeat: Option<String>,
    pub project: String,
    pub status: String,
    pub retry_count: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What cancelling by id or prefix did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cancelled {
    /// This task was pending and is now cancelled.
    Done(String),
    NotFound,
    /// The prefix matches several pending tasks; nothing was cancelled.
    Ambiguous(Vec<String>),
}

macro_rules! task_columns {
    () => {
        "id, channel, sender_id, reply_target, kind, description, due_at, timezone, repeat, project, status, retry_count, last_error, created_at, updated_at"
    };
}
pub(crate) use task_columns;

async fn insert(c: &mut SqliteConnection, t: &(NewTask, i64)) -> Result<TaskRow, sqlx::Error> {
    let (t, at) = t;
    sqlx::query_as(concat!(
        "INSERT INTO scheduled_tasks (id, channel, sender_id, reply_target, kind, description, due_at,
            timezone, repeat, project, created_at, updated_at)
         VALUES (lower(hex(randomblob(8))), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ",
        task_columns!()
    ))
    .bind(&t.channel)
    .bind(&t.sender_id)
    .bind(&t.reply_target)
    .bind(&t.kind)
    .bind(&t.description)
    .bind(crate::millis(t.due_at))
    .bind(&t.timezone)
    .bind(&t.repeat)
    .bind(&t.project)
    .bind(at)
    .bind(at)
    .fetch_one(&mut *c)
    .await
}

/// The one pending task of the sender that `prefix` names: the exact id, else the only id that
/// starts with it. Compared as text: no LIKE, so `%` and `_` are just characters.
async fn resolve(
    c: &mut SqliteConnection,
    channel: &str,
    sender: &str,
    prefix: &str,
) -> Result<Result<String, Cancelled>, sqlx::Error> {
    let ids: Vec<(String,)> = sqlx::query_as(
        "SELECT id FROM scheduled_tasks
         WHERE channel = ? AND sender_id = ? AND status = 'pending'
           AND (id = ? OR substr(id, 1, length(?)) = ?)
         ORDER BY id",
    )
    .bind(channel)
    .bind(sender)
    .bind(prefix)
    .bind(prefix)
    .bind(prefix)
    .fetch_all(&mut *c)
    .await?;
    let ids: Vec<String> = ids.into_iter().map(|r| r.0).collect();
    Ok(match ids.as_slice() {
        [] => Err(Cancelled::NotFound),
        [one] => Ok(one.clone()),
        many => match many.iter().find(|i| *i == prefix) {
            Some(exact) => Ok(exact.clone()),
            None => Err(Cancelled::Ambiguous(ids)),
        },
    })
}

async fn cancel(
    c: &mut SqliteConnection,
    k: &(String, String, String, i64),
) -> Result<Cancelled, sqlx::Error> {
    let (channel, sender, prefix, at) = k;
    let id = match resolve(c, channel, sender, prefix).await? {
        Ok(id) => id,
        Err(outcome) => return Ok(outcome),
    };
    sqlx::query("UPDATE scheduled_tasks SET status = 'cancelled', updated_at = ? WHERE id = ?")
        .bind(at)
        .bind(&id)
        .execute(&mut *c)
        .await?;
    Ok(Cancelled::Done(id))
}

/// A change to a pending task; `None` keeps the field.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TaskUpdate {
    pub description: Option<String>,
    pub due_at: Option<DateTime<Utc>>,
    /// `Some(None)` makes it a one-off.
    pub repeat: Option<Option<String>>,
}

/// What updating by id or prefix did.
#[derive(Debug, Clone, PartialEq)]
pub enum Updated {
    Done(Box<TaskRow>),
    NotFound,
    Ambiguous(Vec<String>),
}

async fn update(
    c: &mut SqliteConnection,
    k: &(String, String, String, TaskUpdate, i64),
) -> Result<Updated, sqlx::Error> {
    let (channel, sender, prefix, change, at) = k;
    let id = match resolve(c, channel, sender, prefix).await? {
        Ok(id) => id,
        Err(Cancelled::Ambiguous(ids)) => return Ok(Updated::Ambiguous(ids)),
        Err(_) => return Ok(Updated::NotFound),
    };
    let row: TaskRow = sqlx::query_as(concat!(
        "UPDATE scheduled_tasks SET
            description = COALESCE(?, description),
            due_at = COALESCE(?, due_at),
            repeat = CASE WHEN ? THEN ? ELSE repeat END,
            updated_at = ?
         WHERE id = ? RETURNING ",
        task_columns!()
    ))
    .bind(&change.description)
    .bind(change.due_at.map(crate::millis))
    .bind(change.repeat.is_some())
    .bind(change.repeat.clone().flatten())
    .bind(at)
    .bind(&id)
    .fetch_one(&mut *c)
    .await?;
    Ok(Updated::Done(Box::new(row)))
}

impl Store {
    pub async fn create_task(&self, task: NewTask) -> Result<TaskRow, MemoryError> {
        self.writer.write((task, self.now_ms()), |c, t| Box::pin(insert(c, t))).await
    }

    /// One task by its full id.
    pub async fn task(&self, id: &str) -> Result<Option<TaskRow>, MemoryError> {
        let sql = concat!("SELECT ", task_columns!(), " FROM scheduled_tasks WHERE id = ?");
        Ok(sqlx::query_as(sql).bind(id).fetch_optional(&self.read).await?)
    }

    /// The pending task that falls due first, whoever's it is (`omega status`).
    pub async fn next_task(&self) -> Result<Option<TaskRow>, MemoryError> {
        let sql = concat!(
            "SELECT ",
            task_columns!(),
            " FROM scheduled_tasks WHERE status = 'pending' ORDER BY due_at, id LIMIT 1"
        );
        Ok(sqlx::query_as(sql).fetch_optional(&self.read).await?)
    }

    /// The sender's pending tasks, soonest first.
    pub async fn pending_tasks(&self, channel: &str, sender_id: &str) -> Result<Vec<TaskRow>, MemoryError> {
        let sql = concat!(
            "SELECT ",
            task_columns!(),
            " FROM scheduled_tasks WHERE channel = ? AND sender_id = ? AND status = 'pending' ORDER BY due_at, id"
        );
        Ok(sqlx::query_as(sql).bind(channel).bind(sender_id).fetch_all(&self.read).await?)
    }

    /// Cancel one of the sender's pending tasks by exact id or unambiguous prefix.
    pub async fn cancel_task(
        &self,
        channel: &str,
        sender_id: &str,
        id_or_prefix: &str,
    ) -> Result<Cancelled, MemoryError> {
        if id_or_prefix.trim().is_empty() {
            return Ok(Cancelled::NotFound);
        }
        let key = (channel.to_owned(), sender_id.to_owned(), id_or_prefix.trim().to_owned(), self.now_ms());
        self.writer.write(key, |c, k| Box::pin(cancel(c, k))).await
    }

    /// Change one of the sender's pending tasks, named by exact id or unambiguous prefix.
    pub async fn update_task(
        &self,
        channel: &str,
        sender_id: &str,
        id_or_prefix: &str,
        change: TaskUpdate,
    ) -> Result<Updated, MemoryError> {
        if id_or_prefix.trim().is_empty() {
            return Ok(Updated::NotFound);
        }
        let key =
            (channel.to_owned(), sender_id.to_owned(), id_or_prefix.trim().to_owned(), change, self.now_ms());
        self.writer.write(key, |c, k| Box::pin(update(c, k))).await
    }
}
