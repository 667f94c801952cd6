use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

impl Role {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "system" => Some(Self::System),
            "user" => Some(Self::User),
            "assistant" => Some(Self::Assistant),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub role: Role,
    pub content: String,
}

impl ChatMessage {
    pub fn new(role: Role, content: impl Into<String>) -> Self {
        Self {
            role,
            content: content.into(),
        }
    }
}

/// One call to a model.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChatRequest {
    /// Empty = the provider's default model.
    pub model: String,
    pub system: String,
    /// History then the new message, oldest first.
    pub messages: Vec<ChatMessage>,
    /// `None` = the provider's configured limit.
    pub max_tokens: Option<u32>,
}

/// Token counts of one call, as the provider reported them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChatResponse {
    pub text: String,
    /// The model that answered, as the server named it.
    pub model: String,
    pub usage: Option<Usage>,
    /// Why generation stopped (`stop`, `length`, ...), when the server says.
    pub finish_reason: Option<String>,
}

/// Where streamed text goes while a reply is generated.
pub type DeltaSink = tokio::sync::mpsc::UnboundedSender<String>;
