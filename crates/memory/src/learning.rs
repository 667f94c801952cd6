//! What the AI learns (lessons, outcomes) and reports (bugs), per sender.

use serde::Serialize;

use crate::error::MemoryError;
use crate::open::Store;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Lesson {
    /// The project it was learned in (`""`: general, followed everywhere).
    pub project: String,
    pub domain: String,
    pub rule: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Reward {
    pub score: i64,
    pub domain: String,
    pub lesson: String,
    pub created_at: i64,
}

impl Store {
    /// Record a rule learned in `project` (`""`: general); the same rule twice in one scope is
    /// kept once. Returns whether it was new.
    pub async fn add_lesson(
        &self,
        sender: &str,
        project: &str,
        domain: &str,
        rule: &str,
    ) -> Result<bool, MemoryError> {
        let data = (sender.to_owned(), project.to_owned(), domain.to_owned(), rule.to_owned(), self.now_ms());
        self.writer
            .write(data, |c, (s, p, d, r, at)| {
                Box::pin(async move {
                    let res = sqlx::query(
                        "INSERT INTO lessons (sender, project, domain, rule, created_at) VALUES (?, ?, ?, ?, ?)
                         ON CONFLICT (sender, project, domain, rule) DO NOTHING",
                    )
                    .bind(s)
                    .bind(p)
                    .bind(d)
                    .bind(r)
                    .bind(at)
                    .execute(&mut *c)
                    .await?;
                    Ok(res.rows_affected() > 0)
                })
            })
            .await
    }

    /// The lessons the sender's turns follow in `project`: that project's first, then the
    /// general ones, newest first in each. With `""`, the general ones only.
    pub async fn lessons(&self, sender: &str, project: &str, limit: u32) -> Result<Vec<Lesson>, MemoryError> {
        Ok(sqlx::query_as(
            "SELECT project, domain, rule, created_at FROM lessons WHERE sender = ? AND project IN ('', ?)
             ORDER BY project = '', created_at DESC, id DESC LIMIT ?",
        )
        .bind(sender)
        .bind(project)
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await?)
    }

    /// Record an outcome of a turn in `project` (`""`: none).
    pub async fn add_reward(
        &self,
        sender: &str,
        project: &str,
        score: i8,
        domain: &str,
        lesson: &str,
    ) -> Result<(), MemoryError> {
        let data = (
            (sender.to_owned(), project.to_owned()),
            i64::from(score),
            domain.to_owned(),
            lesson.to_owned(),
            self.now_ms(),
        );
        self.writer
            .write(data, |c, ((s, p), score, d, l, at)| {
                Box::pin(async move {
                    sqlx::query(
                        "INSERT INTO rewards (sender, project, score, domain, lesson, created_at)
                         VALUES (?, ?, ?, ?, ?, ?)",
                    )
                    .bind(s)
                    .bind(p)
                    .bind(*score)
                    .bind(d)
                    .bind(l)
                    .bind(at)
                    .execute(&mut *c)
                    .await?;
                    Ok(())
                })
            })
            .await
    }

    /// The sender's recorded outcomes in `project` (`""`: none), newest first.
    pub async fn rewards(&self, sender: &str, project: &str, limit: u32) -> Result<Vec<Reward>, MemoryError> {
        Ok(sqlx::query_as(
            "SELECT score, domain, lesson, created_at FROM rewards WHERE sender = ? AND project = ?
             ORDER BY created_at DESC, id DESC LIMIT ?",
        )
        .bind(sender)
        .bind(project)
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await?)
    }

    /// The bug reports the model recorded, newest first: (number, who, what, when in ms).
    pub async fn bug_reports(&self, limit: u32) -> Result<Vec<(i64, String, String, i64)>, MemoryError> {
        Ok(sqlx::query_as(
            "SELECT id, sender, description, created_at FROM bug_reports ORDER BY id DESC LIMIT ?",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await?)
    }

    /// Record a bug report; returns its number.
    pub async fn add_bug_report(&self, sender: &str, description: &str) -> Result<i64, MemoryError> {
        let data = (sender.to_owned(), description.to_owned(), self.now_ms());
        self.writer
            .write(data, |c, (s, d, at)| {
                Box::pin(async move {
                    let (id,): (i64,) = sqlx::query_as(
                        "INSERT INTO bug_reports (sender, description, created_at) VALUES (?, ?, ?) RETURNING id",
                    )
                    .bind(s)
                    .bind(d)
                    .bind(at)
                    .fetch_one(&mut *c)
                    .await?;
                    Ok(id)
                })
            })
            .await
    }

    /// Delete every fact about `sender` except the settings in `keep`. Returns how many went.
    pub async fn purge_facts(&self, sender: &str, keep: &[&str]) -> Result<u64, MemoryError> {
        let keep: Vec<String> = keep.iter().map(|k| (*k).to_owned()).collect();
        self.writer
            .write((sender.to_owned(), keep), |c, (s, keep)| {
                Box::pin(async move {
                    let facts: Vec<(String,)> = sqlx::query_as("SELECT key FROM facts WHERE sender = ?")
                        .bind(s)
                        .fetch_all(&mut *c)
                        .await?;
                    let mut n = 0;
                    for (key,) in facts.into_iter().filter(|(k,)| !keep.contains(k)) {
                        n += sqlx::query("DELETE FROM facts WHERE sender = ? AND key = ?")
                            .bind(s)
                            .bind(&key)
                            .execute(&mut *c)
                            .await?
                            .rows_affected();
                    }
                    Ok(n)
                })
            })
            .await
    }

    /// Close the sender's active conversation in their active project without a summary (the
    /// person asked to forget it): its messages leave the context and are never recalled, and
    /// that project's provider session goes with it. Returns whether there was one.
    pub async fn forget_conversation(&self, channel: &str, sender_id: &str) -> Result<bool, MemoryError> {
        self.writer
            .write((channel.to_owned(), sender_id.to_owned()), |c, (ch, s)| {
                Box::pin(async move {
                    let key = format!("{ch}:{s}");
                    let (project,): (String,) = sqlx::query_as(concat!("SELECT ", scope_sql!("?1", "NULL")))
                        .bind(&key)
                        .fetch_one(&mut *c)
                        .await?;
                    let r = sqlx::query(
                        "UPDATE conversations SET status = 'closed', forgotten = 1
                         WHERE channel = ? AND sender_id = ? AND status = 'active' AND project = ?",
                    )
                    .bind(ch)
                    .bind(s)
                    .bind(&project)
                    .execute(&mut *c)
                    .await?;
                    crate::sessions::end_sessions(c, ch, s, &project).await?;
                    Ok(r.rows_affected() > 0)
                })
            })
            .await
    }
}
