//! Firing due tasks, exactly once.
//!
//! [`Store::fire_due`] claims every due task in one transaction: a reminder's message is written
//! to the outbox in the same transaction that marks the task done (or moves a repeating task to
//! its next time). After a crash either both happened — the outbox delivers the message on start
//! — or neither did, and the task is still due: a reminder is never lost and never repeated.

use chrono::{DateTime, NaiveTime, Utc};
use chrono_tz::Tz;
use omega_core::when::{Repeat, format_local, next_after};
use sqlx::SqliteConnection;

use crate::error::MemoryError;
use crate::open::Store;
use crate::rows::OutboxRow;
use crate::tasks::TaskRow;

/// How due tasks are fired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirePolicy {
    /// A task more than this late (Omega was not running) counts as missed.
    pub late_after_ms: i64,
    /// Missed reminders are dropped (repeating ones move to their next time) instead of being
    /// delivered once, marked late.
    pub skip_missed: bool,
    /// Local quiet hours (start, end; may wrap midnight): reminders that fall inside wait for
    /// the end.
    pub quiet: Option<(NaiveTime, NaiveTime)>,
}

impl Default for FirePolicy {
    fn default() -> Self {
        Self { late_after_ms: 5 * 60_000, skip_missed: false, quiet: None }
    }
}

/// One task that fell due.
#[derive(Debug, Clone, PartialEq)]
pub struct Fired {
    pub task: TaskRow,
    /// The reminder written to the outbox (reminders that were not skipped or deferred).
    pub message: Option<OutboxRow>,
    /// An action task to run now (it was claimed, or its repeat moved on).
    pub run: bool,
    /// It was due while Omega was not running.
    pub late: bool,
}

/// The text of a reminder.
pub fn reminder_text(task: &TaskRow, tz: Tz, late: bool) -> String {
    let mut text = format!("⏰ Reminder: {}", task.description);
    if late {
        let due = crate::from_millis(task.due_at);
        text.push_str(&format!("\n(late: this was due {} while I was not running)", format_local(due, tz)));
    }
    text
}

fn in_quiet(t: NaiveTime, (start, end): (NaiveTime, NaiveTime)) -> bool {
    if start <= end { t >= start && t < end } else { t >= start || t < end }
}

/// The end of the quiet period that `now` (local) is in, as an instant.
fn quiet_end(now: DateTime<Utc>, tz: Tz, end: NaiveTime) -> DateTime<Utc> {
    let local = now.with_timezone(&tz).naive_local();
    let mut day = local.date();
    if local.time() >= end {
        day = day.succ_opt().unwrap_or(day);
    }
    omega_core::when::local_to_utc(day.and_time(end), tz)
}

async fn fire(
    c: &mut SqliteConnection,
    (now_ms, policy): &(i64, FirePolicy),
) -> Result<Vec<Fired>, sqlx::Error> {
    let now = crate::from_millis(*now_ms);
    let due: Vec<TaskRow> = sqlx::query_as(concat!(
        "SELECT ",
        crate::tasks::task_columns!(),
        " FROM scheduled_tasks WHERE status = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT 500"
    ))
    .bind(now_ms)
    .fetch_all(&mut *c)
    .await?;
    let mut out = Vec::with_capacity(due.len());
    for task in due {
        let tz: Tz = task.timezone.parse().unwrap_or(Tz::UTC);
        let late = now_ms - task.due_at > policy.late_after_ms;
        let repeat = Repeat::parse(task.repeat.as_deref()).unwrap_or(Repeat::Once);
        // Quiet hours defer a reminder (not an action) to their end, without firing it.
        if task.kind == "reminder"
            && let Some(q) = policy.quiet
            && in_quiet(now.with_timezone(&tz).time(), q)
        {
            let end = quiet_end(now, tz, q.1);
            sqlx::query("UPDATE scheduled_tasks SET due_at = ?, updated_at = ? WHERE id = ?")
                .bind(crate::millis(end))
                .bind(now_ms)
                .bind(&task.id)
                .execute(&mut *c)
                .await?;
            continue;
        }
        let next = next_after(&repeat, tz, crate::from_millis(task.due_at), now);
        match next {
            Some(next) => {
                sqlx::query("UPDATE scheduled_tasks SET due_at = ?, updated_at = ? WHERE id = ?")
                    .bind(crate::millis(next))
                    .bind(now_ms)
                    .bind(&task.id)
                    .execute(&mut *c)
                    .await?;
            }
            None => {
                let status = if task.kind == "action" { "claimed" } else { "done" };
                sqlx::query("UPDATE scheduled_tasks SET status = ?, updated_at = ? WHERE id = ?")
                    .bind(status)
                    .bind(now_ms)
                    .bind(&task.id)
                    .execute(&mut *c)
                    .await?;
            }
        }
        let skip = late && policy.skip_missed;
        let message = if task.kind == "reminder" && !skip {
            let row: OutboxRow = sqlx::query_as(
                "INSERT INTO outbox (inbox_id, channel, recipient, kind, text, created_at)
                 VALUES (NULL, ?, ?, 'notice', ?, ?)
                 RETURNING id, inbox_id, channel, recipient, kind, text, status, attempts, created_at, delivered_at, file_path, file_name, file_mime",
            )
            .bind(&task.channel)
            .bind(&task.reply_target)
            .bind(reminder_text(&task, tz, late))
            .bind(now_ms)
            .fetch_one(&mut *c)
            .await?;
            Some(row)
        } else {
            None
        };
        let run = task.kind == "action" && !skip;
        out.push(Fired { task, message, run, late });
    }
    Ok(out)
}

impl Store {
    /// When the next pending task falls due (UTC milliseconds), if any.
    pub async fn next_due(&self) -> Result<Option<i64>, MemoryError> {
        let (t,): (Option<i64>,) =
            sqlx::query_as("SELECT MIN(due_at) FROM scheduled_tasks WHERE status = 'pending'")
                .fetch_one(&self.read)
                .await?;
        Ok(t)
    }

    /// Claim and fire every task due at `now`, in one transaction (see the module docs).
    pub async fn fire_due(&self, now: DateTime<Utc>, policy: &FirePolicy) -> Result<Vec<Fired>, MemoryError> {
        self.writer.write((crate::millis(now), policy.clone()), |c, d| Box::pin(fire(c, d))).await
    }

    /// Record how a claimed one-off action ended.
    pub async fn finish_action(&self, id: &str, error: Option<&str>) -> Result<(), MemoryError> {
        let data = (id.to_owned(), error.map(str::to_owned), self.now_ms());
        self.writer
            .write(data, |c, (id, err, at)| {
                Box::pin(async move {
                    sqlx::query(
                        "UPDATE scheduled_tasks SET status = CASE WHEN ? IS NULL THEN 'done' ELSE 'failed' END,
                         last_error = ?, updated_at = ? WHERE id = ? AND status = 'claimed'",
                    )
                    .bind(err)
                    .bind(err)
                    .bind(at)
                    .bind(id)
                    .execute(&mut *c)
                    .await?;
                    Ok(())
                })
            })
            .await
    }

    /// A one-off action that failed: back to pending at `due` for another try, unless it has
    /// been tried `max_tries` times already; then it is marked failed. Returns the task (with
    /// its new state), or `None` when there is no such task.
    pub async fn retry_action(
        &self,
        id: &str,
        due: DateTime<Utc>,
        reason: &str,
        max_tries: i64,
    ) -> Result<Option<TaskRow>, MemoryError> {
        let data = (id.to_owned(), crate::millis(due), reason.to_owned(), max_tries, self.now_ms());
        self.writer
            .write(data, |c, (id, due, reason, max, at)| {
                Box::pin(async move {
                    let row: Option<TaskRow> = sqlx::query_as(concat!(
                        "UPDATE scheduled_tasks SET
                            status = CASE WHEN retry_count + 1 < ? THEN 'pending' ELSE 'failed' END,
                            due_at = CASE WHEN retry_count + 1 < ? THEN ? ELSE due_at END,
                            retry_count = retry_count + 1, last_error = ?, updated_at = ?
                         WHERE id = ? AND kind = 'action' AND repeat IS NULL AND status IN ('claimed', 'done')
                         RETURNING ",
                        crate::tasks::task_columns!()
                    ))
                    .bind(*max)
                    .bind(*max)
                    .bind(*due)
                    .bind(reason)
                    .bind(*at)
                    .bind(id)
                    .fetch_optional(&mut *c)
                    .await?;
                    Ok(row)
                })
            })
            .await
    }

    /// Actions claimed but not finished (Omega stopped while one ran): back to pending, due now,
    /// so each runs once more on start.
    pub async fn requeue_claimed(&self) -> Result<u64, MemoryError> {
        self.writer
            .write(self.now_ms(), |c, at| {
                Box::pin(async move {
                    let r = sqlx::query(
                        "UPDATE scheduled_tasks SET status = 'pending', retry_count = retry_count + 1, updated_at = ?
                         WHERE status = 'claimed'",
                    )
                    .bind(*at)
                    .execute(&mut *c)
                    .await?;
                    Ok(r.rows_affected())
                })
            })
            .await
    }
}
