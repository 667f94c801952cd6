//! The HTTP API's contract.
//!
//! - `POST /api/messages` `{"sender": "...", "text": "...", "name"?: "...", "id"?: "...",
//!   "wait"?: true}` → `200 {"id", "status": "answered"|"failed", "reply": {"kind", "text"}}`, or
//!   `202 {"id", "status": "queued"|"processing"}` when not waiting or the reply takes longer than
//!   `api.reply_timeout_secs`; `id` makes a retry of the same request idempotent.
//! - `GET /api/messages/{id}?sender=NAME` → the message's status and every reply to it, only
//!   for the sender who sent it.
//! - `GET /api/health` → `{"status": "ok", "uptime_secs", "provider": {...}}`.
//!
//! Errors are JSON `{"error": code, "message": text}` with a 4xx/5xx status; never a panic.

use chrono::Utc;
use omega_core::Inbound;
use serde::{Deserialize, Serialize};

/// The channel name API messages carry.
pub const CHANNEL: &str = "http";

/// Longest accepted message text, in characters.
pub const MAX_TEXT_CHARS: usize = 100_000;
/// Longest sender id, name or idempotency key, in characters.
pub const MAX_FIELD_CHARS: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageRequest {
    pub sender: String,
    pub text: String,
    #[serde(default)]
    pub name: Option<String>,
    /// Client idempotency key: the same key from the same sender is handled once.
    #[serde(default)]
    pub id: Option<String>,
    /// Wait for the reply (default) or return as soon as the message is stored.
    #[serde(default)]
    pub wait: Option<bool>,
}

/// An API error: status, machine-readable code, human message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    pub status: u16,
    pub error: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: u16, error: &'static str, message: impl Into<String>) -> Self {
        Self { status, error, message: message.into() }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "bad_request", message)
    }
}

impl MessageRequest {
    /// Check the request and turn it into an inbound message.
    pub fn into_inbound(self) -> Result<(Inbound, bool), ApiError> {
        let sender = self.sender.trim();
        if sender.is_empty() {
            return Err(ApiError::bad_request("`sender` must not be empty"));
        }
        if sender.chars().count() > MAX_FIELD_CHARS {
            return Err(ApiError::bad_request(format!(
                "`sender` is longer than {MAX_FIELD_CHARS} characters"
            )));
        }
        if sender.contains(|c: char| c.is_control()) {
            return Err(ApiError::bad_request("`sender` must not contain control characters"));
        }
        if self.text.trim().is_empty() {
            return Err(ApiError::bad_request("`text` must not be empty"));
        }
        if self.text.chars().count() > MAX_TEXT_CHARS {
            return Err(ApiError::new(
                413,
                "too_large",
                format!("`text` is longer than {MAX_TEXT_CHARS} characters"),
            ));
        }
        for (field, value) in [("name", &self.name), ("id", &self.id)] {
            if value.as_ref().is_some_and(|v| v.chars().count() > MAX_FIELD_CHARS) {
                return Err(ApiError::bad_request(format!(
                    "`{field}` is longer than {MAX_FIELD_CHARS} characters"
                )));
            }
        }
        let inbound = Inbound {
            channel: CHANNEL.to_owned(),
            sender_id: sender.to_owned(),
            sender_name: self.name.filter(|n| !n.trim().is_empty()),
            reply_target: sender.to_owned(),
            // Scoped by sender so two clients choosing the same key do not collide.
            external_id: self.id.filter(|i| !i.is_empty()).map(|i| format!("{sender}\u{1f}{i}")),
            text: self.text,
            received_at: Utc::now(),
            attachments: Vec::new(),
        };
        Ok((inbound, self.wait.unwrap_or(true)))
    }
}

/// Whether an `Authorization` header carries `Bearer <key>`. Compares in constant time, so the
/// key cannot be guessed byte by byte from response timings.
pub fn bearer_matches(header: Option<&str>, key: &str) -> bool {
    let Some(given) = header.and_then(|h| h.strip_prefix("Bearer ")) else {
        return false;
    };
    let (a, b) = (given.trim().as_bytes(), key.as_bytes());
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= usize::from(x ^ y);
    }
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(sender: &str, text: &str) -> MessageRequest {
        MessageRequest { sender: sender.into(), text: text.into(), name: None, id: None, wait: None }
    }

    #[test]
    fn valid_request_becomes_an_http_inbound() {
        let (m, wait) = req(" alice ", "hi").into_inbound().unwrap();
        assert_eq!((m.channel.as_str(), m.sender_id.as_str(), m.text.as_str()), ("http", "alice", "hi"));
        assert!(wait);
    }

    #[test]
    fn bad_requests_are_named() {
        assert_eq!(req("", "hi").into_inbound().unwrap_err().message, "`sender` must not be empty");
        assert_eq!(req("a", "  ").into_inbound().unwrap_err().message, "`text` must not be empty");
        assert_eq!(req("a\nb", "x").into_inbound().unwrap_err().status, 400);
        let long = "x".repeat(MAX_TEXT_CHARS + 1);
        assert_eq!(req("a", &long).into_inbound().unwrap_err().status, 413);
    }

    #[test]
    fn idempotency_keys_are_scoped_per_sender() {
        let mut a = req("alice", "x");
        a.id = Some("1".into());
        let mut b = req("bob", "x");
        b.id = Some("1".into());
        assert_ne!(a.into_inbound().unwrap().0.external_id, b.into_inbound().unwrap().0.external_id);
    }

    #[test]
    fn bearer_check() {
        assert!(bearer_matches(Some("Bearer s3cret"), "s3cret"));
        assert!(!bearer_matches(Some("Bearer s3cre"), "s3cret"));
        assert!(!bearer_matches(Some("Bearer s3crett"), "s3cret"));
        assert!(!bearer_matches(Some("s3cret"), "s3cret"));
        assert!(!bearer_matches(None, "s3cret"));
    }
}
