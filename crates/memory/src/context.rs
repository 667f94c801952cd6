//! Everything a message's prompt needs about its sender, in one round trip.
//!
//! Each query through sqlx is a hop to a connection's worker thread and back; measured, those
//! hops (not SQLite) were most of the CPU per message. So the sender's memory key, facts, pending
//! tasks, lessons and recent summaries come from a single statement, each part as a JSON array.

use serde::Deserialize;

use crate::error::MemoryError;
use crate::open::Store;

/// A pending task, as the prompt shows it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ContextTask {
    pub id: String,
    pub description: String,
    pub due_at: i64,
    pub repeat: Option<String>,
}

/// What the prompt knows about a sender.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SenderContext {
    /// The key their facts and lessons live under (their linked identity, if any).
    pub memory_key: String,
    pub facts: Vec<(String, String)>,
    /// Soonest first, at most `task_limit`.
    pub tasks: Vec<ContextTask>,
    /// Newest first: (domain, rule).
    pub lessons: Vec<(String, String)>,
    /// Newest first, empty ones left out.
    pub summaries: Vec<String>,
    /// The last few outcomes recorded with them (`REWARD`), newest first: (score, domain, lesson).
    pub outcomes: Vec<(i64, String, String)>,
}

#[derive(Deserialize)]
struct KeyValue {
    k: String,
    v: String,
}

impl Store {
    /// The prompt context of `channel:sender_id` in one query.
    pub async fn sender_context(
        &self,
        channel: &str,
        sender_id: &str,
        task_limit: u32,
        lesson_limit: u32,
        summary_limit: u32,
    ) -> Result<SenderContext, MemoryError> {
        let key = format!("{channel}:{sender_id}");
        let row: (String, String, String, String, String, String) = sqlx::query_as(
            "WITH me AS (SELECT COALESCE((SELECT canonical FROM user_aliases WHERE alias = ?1), ?1) AS key)
             SELECT
               (SELECT key FROM me),
               (SELECT COALESCE(json_group_array(json_object('k', key, 'v', value)), '[]')
                  FROM (SELECT key, value FROM facts WHERE sender = (SELECT key FROM me) ORDER BY key)),
               (SELECT COALESCE(json_group_array(json_object('id', id, 'description', description,
                                                             'due_at', due_at, 'repeat', repeat)), '[]')
                  FROM (SELECT id, description, due_at, repeat FROM scheduled_tasks
                        WHERE channel = ?2 AND sender_id = ?3 AND status = 'pending'
                        ORDER BY due_at, id LIMIT ?4)),
               (SELECT COALESCE(json_group_array(json_object('k', domain, 'v', rule)), '[]')
                  FROM (SELECT domain, rule FROM lessons WHERE sender = (SELECT key FROM me)
                        ORDER BY created_at DESC, id DESC LIMIT ?5)),
               (SELECT COALESCE(json_group_array(summary), '[]')
                  FROM (SELECT summary FROM summaries WHERE channel = ?2 AND sender_id = ?3
                        ORDER BY created_at DESC, id DESC LIMIT ?6)),
               (SELECT COALESCE(json_group_array(json_array(score, domain, lesson)), '[]')
                  FROM (SELECT score, domain, lesson FROM rewards WHERE sender = (SELECT key FROM me)
                        ORDER BY created_at DESC, id DESC LIMIT 5))",
        )
        .bind(&key)
        .bind(channel)
        .bind(sender_id)
        .bind(i64::from(task_limit))
        .bind(i64::from(lesson_limit))
        .bind(i64::from(summary_limit))
        .fetch_one(&self.read)
        .await?;
        let json = |what: &str, text: &str| -> Result<Vec<serde_json::Value>, MemoryError> {
            serde_json::from_str(text).map_err(|e| MemoryError::Unreadable(format!("{what} context: {e}")))
        };
        let pairs = |what: &str, text: &str| -> Result<Vec<(String, String)>, MemoryError> {
            json(what, text)?
                .into_iter()
                .map(|v| {
                    serde_json::from_value::<KeyValue>(v)
                        .map(|kv| (kv.k, kv.v))
                        .map_err(|e| MemoryError::Unreadable(format!("{what} context: {e}")))
                })
                .collect()
        };
        let tasks = json("task", &row.2)?
            .into_iter()
            .map(|v| {
                serde_json::from_value(v).map_err(|e| MemoryError::Unreadable(format!("task context: {e}")))
            })
            .collect::<Result<Vec<ContextTask>, _>>()?;
        let summaries = json("summary", &row.4)?
            .into_iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .filter(|s| !s.trim().is_empty())
            .collect();
        let outcomes = json("outcome", &row.5)?
            .into_iter()
            .map(|v| {
                serde_json::from_value::<(i64, String, String)>(v)
                    .map_err(|e| MemoryError::Unreadable(format!("outcome context: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SenderContext {
            memory_key: row.0,
            facts: pairs("fact", &row.1)?,
            tasks,
            lessons: pairs("lesson", &row.3)?,
            summaries,
            outcomes,
        })
    }
}
