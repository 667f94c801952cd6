//! The WhatsApp Cloud API's wire, without I/O: the webhook's verification handshake and
//! signature, the notification payload turned into messages, the send body, and Graph API errors
//! read into what a person or the owner should be told.

use serde::Deserialize;
use serde_json::{Value, json};

/// `GET /webhook/whatsapp?hub.mode=subscribe&hub.verify_token=T&hub.challenge=C`: the challenge
/// to echo when the token matches (compared in constant time), else `None` (answer 403).
pub fn verify_subscription<'a>(
    mode: Option<&str>,
    token: Option<&str>,
    challenge: Option<&'a str>,
    expected: &str,
) -> Option<&'a str> {
    let token_ok =
        token.is_some_and(|t| !expected.is_empty() && constant_time_eq(t.as_bytes(), expected.as_bytes()));
    (mode == Some("subscribe") && token_ok).then_some(challenge?)
}

/// Whether `header` (`X-Hub-Signature-256: sha256=<hex>`) is the HMAC-SHA256 of the raw `body`
/// under `app_secret`. Checked in constant time; an empty secret never verifies.
pub fn signature_valid(app_secret: &str, body: &[u8], header: Option<&str>) -> bool {
    let Some(hex) = header.and_then(|h| h.trim().strip_prefix("sha256=")) else { return false };
    let Some(tag) = decode_hex(hex) else { return false };
    if app_secret.is_empty() {
        return false;
    }
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, app_secret.as_bytes());
    ring::hmac::verify(&key, body, &tag).is_ok()
}

/// The `X-Hub-Signature-256` value Meta would send for `body` (for fakes and tests).
pub fn sign(app_secret: &str, body: &[u8]) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, app_secret.as_bytes());
    let tag = ring::hmac::sign(&key, body);
    let hex: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// One message from a webhook notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    /// WhatsApp's message id (`wamid....`): the same id on every re-delivery.
    pub id: String,
    /// The sender's phone number, digits only.
    pub from: String,
    /// Their profile name, when the notification carries it.
    pub name: Option<String>,
    /// Seconds since the epoch.
    pub timestamp: i64,
    pub body: Body,
    /// The group it was written in, when it was (groups are opt-in).
    pub group: Option<String>,
    /// It answers (quotes) a message of ours.
    pub reply_to_us: bool,
    /// Our number as the notification names it (`metadata.display_phone_number`, digits).
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    Text(String),
    Image {
        media_id: String,
        mime: String,
        caption: Option<String>,
    },
    /// A voice note (`voice: true`) or another audio file.
    Audio {
        media_id: String,
        mime: String,
        voice: bool,
    },
    /// A document: only its caption and file name are read.
    Document {
        caption: Option<String>,
        filename: Option<String>,
    },
    /// Anything else (stickers, locations, reactions, ...): named, not read.
    Other(String),
}

#[derive(Deserialize)]
struct Notification {
    #[serde(default)]
    entry: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    changes: Vec<Change>,
}

#[derive(Deserialize)]
struct Change {
    #[serde(default)]
    value: ChangeValue,
}

#[derive(Deserialize, Default)]
struct ChangeValue {
    #[serde(default)]
    metadata: Option<Metadata>,
    #[serde(default)]
    contacts: Vec<Contact>,
    #[serde(default)]
    messages: Vec<Value>,
}

#[derive(Deserialize)]
struct Metadata {
    #[serde(default)]
    display_phone_number: String,
}

#[derive(Deserialize)]
struct Contact {
    wa_id: String,
    #[serde(default)]
    profile: Option<Profile>,
}

#[derive(Deserialize)]
struct Profile {
    name: Option<String>,
}

/// The messages in a webhook notification, in order. `statuses[]` (delivery callbacks) carry no
/// message and are skipped; a message without an id or a sender is skipped too. Fails only when
/// the body is not a notification at all.
pub fn parse_notification(body: &[u8]) -> Result<Vec<Incoming>, String> {
    let n: Notification =
        serde_json::from_slice(body).map_err(|e| format!("not a WhatsApp webhook notification: {e}"))?;
    let mut out = Vec::new();
    for change in n.entry.into_iter().flat_map(|e| e.changes) {
        let v = change.value;
        let to: String = v
            .metadata
            .as_ref()
            .map(|m| m.display_phone_number.chars().filter(char::is_ascii_digit).collect())
            .unwrap_or_default();
        for m in &v.messages {
            let field = |k: &str| m.get(k).and_then(Value::as_str).map(str::to_owned);
            let (Some(id), Some(from)) = (field("id"), field("from")) else { continue };
            let from: String = from.chars().filter(char::is_ascii_digit).collect();
            // An empty id would make every such message one duplicate of the first; no digits,
            // no one to answer.
            if id.trim().is_empty() || from.is_empty() {
                continue;
            }
            let name = v
                .contacts
                .iter()
                .find(|c| c.wa_id == from)
                .and_then(|c| c.profile.as_ref().and_then(|p| p.name.clone()));
            let timestamp = field("timestamp").and_then(|t| t.parse().ok()).unwrap_or(0);
            let kind = field("type").unwrap_or_default();
            let part = |k: &str| {
                m.get(kind.as_str()).and_then(|o| o.get(k)).and_then(Value::as_str).map(str::to_owned)
            };
            let body = match kind.as_str() {
                "text" => Body::Text(part("body").unwrap_or_default()),
                "image" => Body::Image {
                    media_id: part("id").unwrap_or_default(),
                    mime: part("mime_type").unwrap_or_else(|| "image/jpeg".into()),
                    caption: part("caption"),
                },
                "audio" => Body::Audio {
                    media_id: part("id").unwrap_or_default(),
                    mime: part("mime_type").unwrap_or_else(|| "audio/ogg".into()),
                    voice: m
                        .get("audio")
                        .and_then(|a| a.get("voice"))
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                },
                "document" => Body::Document { caption: part("caption"), filename: part("filename") },
                other => Body::Other(other.to_owned()),
            };
            let quoted: String = m
                .get("context")
                .and_then(|c| c.get("from"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            let reply_to_us = !to.is_empty() && quoted == to;
            out.push(Incoming {
                id,
                from,
                name,
                timestamp,
                body,
                group: field("group_id"),
                reply_to_us,
                to: to.clone(),
            });
        }
    }
    Ok(out)
}

/// How a group is named as a recipient (`group:ID`), so a reply goes back to the group.
pub const GROUP_PREFIX: &str = "group:";

/// The body of `POST /{version}/{phone_number_id}/messages` for a text message to a number, or
/// to a group (`group:ID`).
pub fn text_message(to: &str, body: &str) -> Value {
    let (kind, to) = match to.strip_prefix(GROUP_PREFIX) {
        Some(group) => ("group", group),
        None => ("individual", to),
    };
    json!({
        "messaging_product": "whatsapp",
        "recipient_type": kind,
        "to": to,
        "type": "text",
        "text": {"preview_url": false, "body": body},
    })
}

/// How the Cloud API takes a file, as Meta documents it: JPEG or PNG images up to 5 MB as
/// images; PDFs, Office documents and text (a CSV or Markdown goes up as `text/plain`, under its
/// own name) up to 100 MB as documents. `Err` says why a file cannot go.
pub fn media_kind(mime: &str, bytes: u64) -> Result<MediaKind, String> {
    const IMAGE_MAX: u64 = 5 * 1024 * 1024;
    const DOCUMENT_MAX: u64 = 100 * 1024 * 1024;
    let mime = mime.to_ascii_lowercase();
    if mime.starts_with("image/") {
        return match (matches!(mime.as_str(), "image/jpeg" | "image/png"), bytes <= IMAGE_MAX) {
            (true, true) => Ok(MediaKind::Image),
            (true, false) => Err(format!(
                "the image is {:.1} MB; WhatsApp's Cloud API takes images up to 5 MB",
                bytes as f64 / 1_048_576.0
            )),
            (false, _) => Err(format!("WhatsApp's Cloud API takes JPEG and PNG images, not {mime}")),
        };
    }
    if !(DOCUMENT_TYPES.contains(&mime.as_str()) || mime.starts_with("text/")) {
        return Err(format!(
            "WhatsApp's Cloud API does not take {mime} files (it takes JPEG and PNG images, PDFs, Office \
             documents and text)"
        ));
    }
    if bytes > DOCUMENT_MAX {
        return Err(format!(
            "the file is {} MB; WhatsApp's Cloud API takes documents up to 100 MB",
            bytes / 1_048_576
        ));
    }
    Ok(MediaKind::Document)
}

/// The document types Meta documents for the Cloud API.
pub const DOCUMENT_TYPES: &[&str] = &[
    "text/plain",
    "application/pdf",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
];

/// The type a file of [`media_kind`] `kind` is uploaded as.
pub fn upload_type(mime: &str) -> String {
    let mime = mime.to_ascii_lowercase();
    if mime.starts_with("text/") && !DOCUMENT_TYPES.contains(&mime.as_str()) {
        "text/plain".into()
    } else {
        mime
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    Image,
    Document,
}

/// The body of a media message (an uploaded `media_id`) to a number or a group; the caption is
/// cut at 1,024 characters, as Meta requires.
pub fn media_message(to: &str, kind: MediaKind, media_id: &str, caption: &str, filename: &str) -> Value {
    let (recipient_type, to) = match to.strip_prefix(GROUP_PREFIX) {
        Some(group) => ("group", group),
        None => ("individual", to),
    };
    let caption: String = caption.chars().take(1024).collect();
    let (kind, mut media) = match kind {
        MediaKind::Image => ("image", json!({"id": media_id})),
        MediaKind::Document => ("document", json!({"id": media_id, "filename": filename})),
    };
    if !caption.is_empty() {
        media["caption"] = json!(caption);
    }
    json!({
        "messaging_product": "whatsapp",
        "recipient_type": recipient_type,
        "to": to,
        "type": kind,
        kind: media,
    })
}

/// The body that marks message `id` read and shows "typing…" in its chat (until the answer,
/// or 25 seconds).
pub fn read_and_typing(id: &str) -> Value {
    json!({
        "messaging_product": "whatsapp",
        "status": "read",
        "message_id": id,
        "typing_indicator": {"type": "text"},
    })
}

/// A Graph API error, read from its body (`{"error": {"code", "message", ...}}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphError {
    pub status: u16,
    pub code: i64,
    pub message: String,
}

/// What a Graph API error means for the sender of the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Too many messages: wait and try again.
    RateLimited,
    /// More than 24 hours since the person last wrote: only a template may be sent.
    OutsideWindow,
    /// The access token is invalid or expired: the owner must fix the config.
    BadToken,
    /// The request itself is wrong (bad number, unsupported content...): do not retry.
    Rejected,
    /// The server failed: try again later.
    Transient,
}

impl GraphError {
    pub fn parse(status: u16, body: &str) -> Self {
        let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
        let e = &v["error"];
        Self {
            status,
            code: e["code"].as_i64().unwrap_or(0),
            message: e["message"]
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| body.chars().take(200).collect()),
        }
    }

    pub fn kind(&self) -> ErrorKind {
        match (self.status, self.code) {
            (429, _) | (_, 4 | 80007 | 130429 | 131056) => ErrorKind::RateLimited,
            (_, 131047) => ErrorKind::OutsideWindow,
            (401, _) | (_, 190) => ErrorKind::BadToken,
            (500..=599, _) | (_, 1 | 2 | 131000) => ErrorKind::Transient,
            _ => ErrorKind::Rejected,
        }
    }
}

impl std::fmt::Display for GraphError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the WhatsApp Cloud API answered {} (error {}): {}", self.status, self.code, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by fuzzing (tests/it/fuzz.rs): an empty id made every such message a duplicate of
    /// the first, and a sender without digits was no one to answer.
    #[test]
    fn a_message_without_an_id_or_a_number_is_skipped() {
        let body = |id: &str, from: &str| {
            json!({ "entry": [{ "changes": [{ "value": { "messages": [
                { "id": id, "from": from, "type": "text", "text": { "body": "hi" } }
            ] } }] }] })
            .to_string()
        };
        assert!(parse_notification(body("", "15551234").as_bytes()).unwrap().is_empty());
        assert!(parse_notification(body("wamid.1", "+").as_bytes()).unwrap().is_empty());
        assert_eq!(parse_notification(body("wamid.1", "+1 555").as_bytes()).unwrap()[0].from, "1555");
    }

    #[test]
    fn the_verification_handshake_echoes_the_challenge_only_for_the_right_token() {
        let ok = verify_subscription(Some("subscribe"), Some("s3cret"), Some("1158201444"), "s3cret");
        assert_eq!(ok, Some("1158201444"));
        assert_eq!(verify_subscription(Some("subscribe"), Some("wrong"), Some("1"), "s3cret"), None);
        assert_eq!(verify_subscription(Some("unsubscribe"), Some("s3cret"), Some("1"), "s3cret"), None);
        assert_eq!(
            verify_subscription(Some("subscribe"), Some(""), Some("1"), ""),
            None,
            "no token configured"
        );
    }

    #[test]
    fn a_signature_is_the_hmac_of_the_raw_body() {
        let body = br#"{"object":"whatsapp_business_account"}"#;
        let header = sign("app-secret", body);
        assert!(signature_valid("app-secret", body, Some(&header)));
        assert!(!signature_valid("other-secret", body, Some(&header)));
        assert!(!signature_valid("app-secret", b"{\"tampered\":1}", Some(&header)));
        assert!(!signature_valid("app-secret", body, None));
        assert!(!signature_valid("app-secret", body, Some("sha256=zz")));
        assert!(!signature_valid("", body, Some(&sign("", body))), "an empty secret never verifies");
    }

    #[test]
    fn a_notification_becomes_messages_and_statuses_are_skipped() {
        let body = json!({
            "object": "whatsapp_business_account",
            "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": {
                "messaging_product": "whatsapp",
                "metadata": {"display_phone_number": "15550001111", "phone_number_id": "123"},
                "contacts": [{"profile": {"name": "Ana"}, "wa_id": "351912345678"}],
                "messages": [
                    {"from": "351912345678", "id": "wamid.A", "timestamp": "1764590000", "type": "text", "text": {"body": "hi"}},
                    {"from": "351912345678", "id": "wamid.B", "timestamp": "1764590001", "type": "audio",
                     "audio": {"id": "MEDIA1", "mime_type": "audio/ogg; codecs=opus", "voice": true}},
                    {"from": "351912345678", "id": "wamid.C", "timestamp": "1764590002", "type": "image",
                     "image": {"id": "MEDIA2", "mime_type": "image/jpeg", "caption": "look"}},
                    {"from": "351912345678", "id": "wamid.D", "type": "sticker", "sticker": {"id": "S"}}
                ],
                "statuses": [{"id": "wamid.X", "status": "delivered", "recipient_id": "351912345678"}]
            }}]}]
        });
        let msgs = parse_notification(body.to_string().as_bytes()).unwrap();
        assert_eq!(msgs.len(), 4);
        assert_eq!((msgs[0].id.as_str(), msgs[0].from.as_str()), ("wamid.A", "351912345678"));
        assert_eq!(msgs[0].name.as_deref(), Some("Ana"));
        assert_eq!(msgs[0].body, Body::Text("hi".into()));
        assert_eq!(
            msgs[1].body,
            Body::Audio { media_id: "MEDIA1".into(), mime: "audio/ogg; codecs=opus".into(), voice: true }
        );
        assert!(matches!(&msgs[2].body, Body::Image { caption: Some(c), .. } if c == "look"));
        assert_eq!(msgs[3].body, Body::Other("sticker".into()));
        let only_statuses = json!({"entry": [{"changes": [{"value": {"statuses": [{"id": "x"}]}}]}]});
        assert!(parse_notification(only_statuses.to_string().as_bytes()).unwrap().is_empty());
        assert!(parse_notification(b"<html>").is_err());
    }

    #[test]
    fn files_go_as_meta_takes_them_or_not_at_all() {
        assert_eq!(media_kind("image/png", 1_000), Ok(MediaKind::Image));
        assert!(media_kind("image/png", 6 * 1024 * 1024).unwrap_err().contains("up to 5 MB"));
        assert!(media_kind("image/webp", 1_000).unwrap_err().contains("JPEG and PNG"));
        assert_eq!(media_kind("application/pdf", 1_000), Ok(MediaKind::Document));
        assert_eq!(media_kind("text/csv", 1_000), Ok(MediaKind::Document));
        assert_eq!(upload_type("text/csv"), "text/plain", "a CSV goes up as text, under its own name");
        assert!(media_kind("application/zip", 1_000).unwrap_err().contains("does not take application/zip"));
        let m = media_message("351912345678", MediaKind::Document, "MID", "the report", "r.pdf");
        assert_eq!(m["type"], "document");
        assert_eq!(m["document"], json!({"id": "MID", "filename": "r.pdf", "caption": "the report"}));
        let m = media_message("group:G1", MediaKind::Image, "MID", &"x".repeat(2000), "c.png");
        assert_eq!((m["recipient_type"].as_str(), m["to"].as_str()), (Some("group"), Some("G1")));
        assert_eq!(m["image"]["caption"].as_str().unwrap().chars().count(), 1024);
    }

    #[test]
    fn graph_errors_are_read_into_what_to_do() {
        let e = GraphError::parse(
            400,
            r#"{"error":{"message":"Re-engagement message","type":"OAuthException","code":131047}}"#,
        );
        assert_eq!((e.code, e.kind()), (131047, ErrorKind::OutsideWindow));
        assert_eq!(GraphError::parse(429, "{}").kind(), ErrorKind::RateLimited);
        assert_eq!(
            GraphError::parse(400, r#"{"error":{"code":130429,"message":"rate"}}"#).kind(),
            ErrorKind::RateLimited
        );
        assert_eq!(
            GraphError::parse(401, r#"{"error":{"code":190,"message":"expired"}}"#).kind(),
            ErrorKind::BadToken
        );
        assert_eq!(GraphError::parse(503, "oops").kind(), ErrorKind::Transient);
        assert_eq!(
            GraphError::parse(400, r#"{"error":{"code":100,"message":"bad param"}}"#).kind(),
            ErrorKind::Rejected
        );
    }
}

/// Why a call to the Graph API failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// The API answered with an error.
    Graph(GraphError),
    /// It could not be reached, or its answer could not be read.
    Network(String),
    /// The file is of a type or size the API does not take (nothing was sent).
    Unsupported(String),
}

impl CallError {
    /// What kind of failure, for retrying and telling people.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Graph(g) => g.kind(),
            Self::Network(_) => ErrorKind::Transient,
            Self::Unsupported(_) => ErrorKind::Rejected,
        }
    }
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Graph(g) => g.fmt(f),
            Self::Network(e) => write!(f, "cannot reach the WhatsApp Cloud API: {e}"),
            Self::Unsupported(why) => f.write_str(why),
        }
    }
}

/// The Cloud API for one sending number: text and files out, media in.
#[derive(Clone)]
pub struct CloudClient {
    http: reqwest::Client,
    /// `{api_url}/{api_version}`.
    base: String,
    phone_number_id: String,
    token: omega_core::Secret,
}

impl std::fmt::Debug for CloudClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CloudClient")
            .field("base", &self.base)
            .field("phone_number_id", &self.phone_number_id)
            .finish()
    }
}

impl CloudClient {
    pub fn new(
        api_url: &str,
        api_version: &str,
        phone_number_id: &str,
        token: omega_core::Secret,
        timeout: std::time::Duration,
    ) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|e| format!("cannot build the HTTP client for the WhatsApp Cloud API: {e}"))?;
        Ok(Self {
            http,
            base: format!("{}/{}", api_url.trim_end_matches('/'), api_version.trim_matches('/')),
            phone_number_id: phone_number_id.to_owned(),
            token,
        })
    }

    async fn read(resp: reqwest::Response) -> Result<Value, CallError> {
        let status = resp.status().as_u16();
        let text = resp.text().await.map_err(|e| CallError::Network(e.to_string()))?;
        if !(200..300).contains(&status) {
            return Err(CallError::Graph(GraphError::parse(status, &text)));
        }
        serde_json::from_str(&text)
            .map_err(|e| CallError::Network(format!("an answer that is not JSON ({e})")))
    }

    /// Send `body` to `to` (digits); the new message's id.
    pub async fn send_text(&self, to: &str, body: &str) -> Result<String, CallError> {
        let url = format!("{}/{}/messages", self.base, self.phone_number_id);
        let resp = self
            .http
            .post(url)
            .bearer_auth(self.token.expose())
            .json(&text_message(to, body))
            .send()
            .await
            .map_err(|e| CallError::Network(e.without_url().to_string()))?;
        let v = Self::read(resp).await?;
        Ok(v["messages"][0]["id"].as_str().unwrap_or_default().to_owned())
    }

    /// Send a file to `to`: uploaded first (`POST /{phone}/media`, multipart), then sent as an
    /// image or a document with its caption; the new message's id.
    pub async fn send_media(
        &self,
        to: &str,
        bytes: Vec<u8>,
        mime: &str,
        filename: &str,
        caption: &str,
    ) -> Result<String, CallError> {
        let net = |e: reqwest::Error| CallError::Network(e.without_url().to_string());
        let kind = media_kind(mime, bytes.len() as u64).map_err(CallError::Unsupported)?;
        let upload_type = upload_type(mime);
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(filename.to_owned())
            .mime_str(&upload_type)
            .map_err(net)?;
        let form = reqwest::multipart::Form::new()
            .text("messaging_product", "whatsapp")
            .text("type", upload_type.clone())
            .part("file", part);
        let url = format!("{}/{}/media", self.base, self.phone_number_id);
        let resp =
            self.http.post(url).bearer_auth(self.token.expose()).multipart(form).send().await.map_err(net)?;
        let uploaded = Self::read(resp).await?;
        let Some(media_id) = uploaded["id"].as_str() else {
            return Err(CallError::Network("the upload's answer has no media id".into()));
        };
        let url = format!("{}/{}/messages", self.base, self.phone_number_id);
        let body = media_message(to, kind, media_id, caption, filename);
        let resp =
            self.http.post(url).bearer_auth(self.token.expose()).json(&body).send().await.map_err(net)?;
        let v = Self::read(resp).await?;
        Ok(v["messages"][0]["id"].as_str().unwrap_or_default().to_owned())
    }

    /// Mark a received message read and show "typing…" to its sender.
    pub async fn read_and_typing(&self, message_id: &str) -> Result<(), CallError> {
        let url = format!("{}/{}/messages", self.base, self.phone_number_id);
        let resp = self
            .http
            .post(url)
            .bearer_auth(self.token.expose())
            .json(&read_and_typing(message_id))
            .send()
            .await
            .map_err(|e| CallError::Network(e.without_url().to_string()))?;
        Self::read(resp).await.map(drop)
    }

    /// Whether the API answers for the sending number with this token (a cheap read, no message).
    pub async fn probe(&self) -> Result<(), CallError> {
        let url = format!("{}/{}?fields=id", self.base, self.phone_number_id);
        let resp = self
            .http
            .get(url)
            .bearer_auth(self.token.expose())
            .send()
            .await
            .map_err(|e| CallError::Network(e.without_url().to_string()))?;
        Self::read(resp).await.map(drop)
    }

    /// A received photo or voice note: its bytes and MIME type (two calls: the media's URL, then
    /// the bytes from it, both with the token).
    pub async fn fetch_media(&self, media_id: &str) -> Result<(Vec<u8>, String), CallError> {
        let net = |e: reqwest::Error| CallError::Network(e.without_url().to_string());
        let url = format!("{}/{media_id}", self.base);
        let info = Self::read(self.http.get(url).bearer_auth(self.token.expose()).send().await.map_err(net)?)
            .await?;
        let (Some(url), mime) =
            (info["url"].as_str(), info["mime_type"].as_str().unwrap_or("application/octet-stream"))
        else {
            return Err(CallError::Network("the media answer has no url".into()));
        };
        let resp = self.http.get(url).bearer_auth(self.token.expose()).send().await.map_err(net)?;
        let status = resp.status().as_u16();
        if !(200..300).contains(&status) {
            let text = resp.text().await.unwrap_or_default();
            return Err(CallError::Graph(GraphError::parse(status, &text)));
        }
        let bytes = resp.bytes().await.map_err(net)?;
        Ok((bytes.to_vec(), mime.to_owned()))
    }
}
