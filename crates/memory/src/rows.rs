use serde::Serialize;

/// An inbox row: an inbound message that passed auth.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct InboxRow {
    pub id: i64,
    pub channel: String,
    pub sender_id: String,
    pub sender_name: Option<String>,
    pub reply_target: String,
    pub external_id: Option<String>,
    pub text: String,
    pub status: String,
    pub attempts: i64,
    pub received_at: i64,
    pub finished_at: Option<i64>,
    pub attachments_json: Option<String>,
}

impl InboxRow {
    /// The attachments recorded with the message.
    pub fn attachments(&self) -> Vec<omega_core::Attachment> {
        self.attachments_json.as_deref().and_then(|j| serde_json::from_str(j).ok()).unwrap_or_default()
    }
}

/// An outbox row: a reply and its delivery state.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: i64,
    pub inbox_id: Option<i64>,
    pub channel: String,
    pub recipient: String,
    pub kind: String,
    pub text: String,
    pub status: String,
    pub attempts: i64,
    pub created_at: i64,
    pub delivered_at: Option<i64>,
    /// A file sent with this message (its text is the caption).
    pub file_path: Option<String>,
    pub file_name: Option<String>,
    pub file_mime: Option<String>,
}

impl OutboxRow {
    /// The file this row carries, if any.
    pub fn file(&self) -> Option<omega_core::OutFile> {
        Some(omega_core::OutFile {
            path: self.file_path.clone()?.into(),
            name: self.file_name.clone().unwrap_or_default(),
            mime: self.file_mime.clone().unwrap_or_else(|| "application/octet-stream".into()),
        })
    }
}

/// One message of a conversation's history.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct HistoryMessage {
    pub id: i64,
    pub role: String,
    pub content: String,
    pub created_at: i64,
}

/// A fact about a sender.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Fact {
    pub key: String,
    pub value: String,
    pub updated_at: i64,
}

/// An audit log row.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub created_at: i64,
    pub channel: String,
    pub sender_id: String,
    pub sender_name: Option<String>,
    pub inbox_id: Option<i64>,
    pub input_text: String,
    pub output_text: Option<String>,
    pub provider: Option<String>,
    pub model: Option<String>,
    pub input_tokens: Option<i64>,
    pub output_tokens: Option<i64>,
    pub cost_usd: Option<f64>,
    pub latency_ms: Option<i64>,
    pub status: String,
    pub error: Option<String>,
    /// Of `input_tokens`: read from the provider's prompt cache, and written to it.
    pub cache_read_tokens: Option<i64>,
    pub cache_write_tokens: Option<i64>,
}

/// A recorded tool call.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct ToolCallRow {
    pub id: i64,
    pub created_at: i64,
    pub channel: String,
    pub sender_id: String,
    pub inbox_id: Option<i64>,
    pub tool: String,
    pub arguments: String,
    pub ok: bool,
    pub outcome: String,
    pub duration_ms: i64,
}
