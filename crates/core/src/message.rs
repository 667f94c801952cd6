use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{InboxId, SessionKey};

/// A message a channel received from a person, before auth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inbound {
    /// The channel's name, e.g. `terminal`, `http`, `telegram`.
    pub channel: String,
    /// Who sent it, as the channel identifies them (a Telegram user id, an API sender name).
    pub sender_id: String,
    /// A display name, when the channel knows one.
    pub sender_name: Option<String>,
    /// Where replies go on the channel (a chat id); often the same as `sender_id`.
    pub reply_target: String,
    /// The channel's own id for this message, used to drop duplicates a channel redelivers
    /// (a Telegram update id, an HTTP client's idempotency key).
    pub external_id: Option<String>,
    pub text: String,
    pub received_at: DateTime<Utc>,
    /// Files that came with the message, already saved in the data dir by the channel.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
}

/// A file that came with a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub kind: AttachmentKind,
    /// MIME type, e.g. `image/jpeg`.
    pub mime: String,
    /// Where it is saved (inside the data dir). Deleted once the message is answered.
    pub path: std::path::PathBuf,
    /// Not fetched yet: the channel's reference to fetch it by (a Telegram file id). The session
    /// fetches it through its channel just before answering, so a slow download or
    /// transcription holds up only its sender, never the channel's other messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetch: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    Image,
    /// A voice note: transcribed into the message's text, never kept.
    Voice,
}

impl Inbound {
    /// A plain text message whose replies go back to the sender.
    pub fn text(channel: &str, sender_id: &str, text: impl Into<String>) -> Self {
        Self {
            channel: channel.to_owned(),
            sender_id: sender_id.to_owned(),
            sender_name: None,
            reply_target: sender_id.to_owned(),
            external_id: None,
            text: text.into(),
            received_at: Utc::now(),
            attachments: Vec::new(),
        }
    }

    pub fn session_key(&self) -> SessionKey {
        SessionKey::new(&self.channel, &self.sender_id)
    }
}

/// What a reply is, so a channel can present it (and an HTTP client can tell the answer from an
/// acknowledgement).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboundKind {
    /// The answer to a message.
    Reply,
    /// The message could not be answered; the text says why.
    Error,
    /// A side note that is not the answer: "Got it, I'll get to this next.", "still working".
    Notice,
}

impl OutboundKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reply => "reply",
            Self::Error => "error",
            Self::Notice => "notice",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "reply" => Some(Self::Reply),
            "error" => Some(Self::Error),
            "notice" => Some(Self::Notice),
            _ => None,
        }
    }

    /// Replies and errors are the one visible outcome of an inbound message; notices are not.
    pub fn is_outcome(self) -> bool {
        matches!(self, Self::Reply | Self::Error)
    }
}

/// A file Omega sends to a person (`send_file`): its own copy in the data dir, kept until the
/// channel has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutFile {
    /// The copy Omega sends (never the workspace file itself, which may change meanwhile).
    pub path: std::path::PathBuf,
    /// The name the person sees.
    pub name: String,
    pub mime: String,
}

impl OutFile {
    /// Whether channels show it as a photo.
    pub fn is_image(&self) -> bool {
        matches!(self.mime.as_str(), "image/png" | "image/jpeg" | "image/webp" | "image/gif")
    }
}

/// A message Omega sends to a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outbound {
    pub channel: String,
    /// The channel's address for it (a chat id, an API sender name).
    pub recipient: String,
    pub text: String,
    pub kind: OutboundKind,
    /// The inbound message this answers, if any.
    pub in_reply_to: Option<InboxId>,
}
