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
    /// The project this context is of (`""`: none); the rest below is scoped to it.
    pub project: String,
    pub facts: Vec<(String, String)>,
    /// Soonest first, at most `task_limit`.
    pub tasks: Vec<ContextTask>,
    /// The project's rules first, then the general ones; newest first in each: (domain, rule).
    pub lessons: Vec<(String, String)>,
    /// Newest first, empty ones left out.
    pub summaries: Vec<String>,
    /// The last few outcomes recorded with them (`REWARD`), newest first: (score, domain, lesson).
    pub outcomes: Vec<(i64, String, String)>,
    /// The active conversation in this project, if any: (id, its rolling summary of compacted
    /// messages, the last message id it covers).
    pub conversation: Option<(i64, Option<String>, i64)>,
    /// Whether [`Store::recall`] could find anything: a closed conversation in this project, or
    /// a compacted part of the active one (the rest of the conversation is in the history).
    pub recallable: bool,
}

/// How much of each part [`Store::sender_context`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContextLimits {
    pub tasks: u32,
    pub lessons: u32,
    pub summaries: u32,
}

#[derive(Deserialize)]
struct KeyValue {
    k: String,
    v: String,
}

impl Store {
    /// The prompt context of `channel:sender_id` in `project` (`None`: their active project), in
    /// one query: their facts (never scoped), and the project's tasks, lessons (with the general
    /// ones), summaries and outcomes.
    pub async fn sender_context(
        &self,
        channel: &str,
        sender_id: &str,
        project: Option<&str>,
        limits: ContextLimits,
    ) -> Result<SenderContext, MemoryError> {
        let key = format!("{channel}:{sender_id}");
        // The sender's key and project come from one-row CTEs joined in, and the parts refer to
        // their columns: measured, that is about half the cost of a scalar subquery per part.
        let row: (String, String, String, String, String, String, String, Option<String>, bool) = sqlx::query_as(concat!(
            "WITH me AS (SELECT COALESCE((SELECT canonical FROM user_aliases WHERE alias = ?1), ?1) AS key),
                  scope AS (SELECT ",
            scope_sql!("?1", "?7"),
            " AS p)
             SELECT
               me.key,
               scope.p,
               (SELECT COALESCE(json_group_array(json_object('k', key, 'v', value)), '[]')
                  FROM (SELECT key, value FROM facts WHERE sender = me.key ORDER BY key)),
               (SELECT COALESCE(json_group_array(json_object('id', id, 'description', description,
                                                             'due_at', due_at, 'repeat', repeat)), '[]')
                  FROM (SELECT id, description, due_at, repeat FROM scheduled_tasks
                        WHERE channel = ?2 AND sender_id = ?3 AND status = 'pending' AND project = scope.p
                        ORDER BY due_at, id LIMIT ?4)),
               (SELECT COALESCE(json_group_array(json_object('k', domain, 'v', rule)), '[]')
                  FROM (SELECT domain, rule FROM lessons WHERE sender = me.key AND project IN ('', scope.p)
                        ORDER BY project = '', created_at DESC, id DESC LIMIT ?5)),
               (SELECT COALESCE(json_group_array(summary), '[]')
                  FROM (SELECT summary FROM summaries WHERE channel = ?2 AND sender_id = ?3 AND project = scope.p
                        ORDER BY created_at DESC, id DESC LIMIT ?6)),
               (SELECT COALESCE(json_group_array(json_array(score, domain, lesson)), '[]')
                  FROM (SELECT score, domain, lesson FROM rewards WHERE sender = me.key AND project = scope.p
                        ORDER BY created_at DESC, id DESC LIMIT 5)),
               (SELECT json_array(id, compacted, compacted_through) FROM conversations
                  WHERE channel = ?2 AND sender_id = ?3 AND status = 'active' AND project = scope.p
                  ORDER BY id DESC LIMIT 1),
               EXISTS (SELECT 1 FROM conversations WHERE channel = ?2 AND sender_id = ?3 AND project = scope.p
                         AND forgotten = 0 AND (status = 'closed' OR compacted_through > 0))
             FROM me, scope"
        ))
        .bind(&key)
        .bind(channel)
        .bind(sender_id)
        .bind(i64::from(limits.tasks))
        .bind(i64::from(limits.lessons))
        .bind(i64::from(limits.summaries))
        .bind(project)
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
        let tasks = json("task", &row.3)?
            .into_iter()
            .map(|v| {
                serde_json::from_value(v).map_err(|e| MemoryError::Unreadable(format!("task context: {e}")))
            })
            .collect::<Result<Vec<ContextTask>, _>>()?;
        let summaries = json("summary", &row.5)?
            .into_iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .filter(|s| !s.trim().is_empty())
            .collect();
        let outcomes = json("outcome", &row.6)?
            .into_iter()
            .map(|v| {
                serde_json::from_value::<(i64, String, String)>(v)
                    .map_err(|e| MemoryError::Unreadable(format!("outcome context: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SenderContext {
            memory_key: row.0,
            project: row.1,
            facts: pairs("fact", &row.2)?,
            tasks,
            lessons: pairs("lesson", &row.4)?,
            summaries,
            outcomes,
            conversation: match row.7 {
                Some(text) => Some(
                    serde_json::from_str::<(i64, Option<String>, i64)>(&text)
                        .map_err(|e| MemoryError::Unreadable(format!("conversation context: {e}")))?,
                ),
                None => None,
            },
            recallable: row.8,
        })
    }
}
