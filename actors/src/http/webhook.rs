//! `POST /api/webhook`: scripts reach the owner. `"mode": "direct"` sends the text to the owner
//! on their channel; `"mode": "ai"` hands it to Omega as a message from the owner, and the answer
//! goes to them. Both are stored before the request is answered (the outbox, or the inbox) and
//! delivered from there; an `id` makes a retried request a no-op. It acts for the owner, so it
//! needs the API's bearer token — without `[api] api_key` it is refused.

use actix_web::{HttpRequest, HttpResponse, web};
use omega_core::{Inbound, Outbound, OutboundKind};
use serde_json::json;
use tokio::sync::oneshot;

use super::{ApiError, HttpDeps, authorize, error_response};
use crate::channel::{Accepted, Receive};

/// The owner's addresses, per channel, in the order a webhook prefers them: (channel, people).
pub type Owners = Vec<(String, Vec<String>)>;

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WebhookRequest {
    /// What to send or ask (`message` is the original Omega's name for it).
    #[serde(alias = "message")]
    text: String,
    /// Who is sending, shown with the text ("backup-script").
    #[serde(default)]
    source: Option<String>,
    /// `direct` (default) or `ai`.
    #[serde(default)]
    mode: Option<String>,
    /// Which of the owner's channels; default the first (Telegram before WhatsApp).
    #[serde(default)]
    channel: Option<String>,
    /// Which owner on it; default the first of its allowed people.
    #[serde(default)]
    target: Option<String>,
    /// An idempotency key: the same key is handled once.
    #[serde(default)]
    id: Option<String>,
}

pub(super) async fn post_webhook(
    deps: web::Data<HttpDeps>,
    req: HttpRequest,
    body: web::Json<WebhookRequest>,
) -> HttpResponse {
    if deps.api_key.is_empty() {
        return error_response(&ApiError::new(
            403,
            "webhook_needs_key",
            "POST /api/webhook acts for the owner: set [api] api_key, and send it as a Bearer token",
        ));
    }
    if let Some(r) = authorize(&deps, &req) {
        return r;
    }
    let body = body.into_inner();
    let text = body.text.trim();
    if text.is_empty() {
        return error_response(&ApiError::bad_request("`text` is empty"));
    }
    let source: String = body
        .source
        .as_deref()
        .unwrap_or("webhook")
        .chars()
        .filter(|c| c.is_alphanumeric() || "-_. ".contains(*c))
        .take(40)
        .collect();
    let source = if source.trim().is_empty() { "webhook".to_owned() } else { source.trim().to_owned() };
    let (channel, people) = match &body.channel {
        Some(want) => match deps.owners.iter().find(|(c, _)| c == want) {
            Some(found) => found,
            None => {
                return error_response(&ApiError::bad_request(format!(
                    "there is no owner on channel `{want}` (owners are on: {})",
                    deps.owners.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>().join(", ")
                )));
            }
        },
        None => match deps.owners.first() {
            Some(found) => found,
            None => {
                return error_response(&ApiError::new(
                    409,
                    "no_owner",
                    "there is no owner to reach: enable Telegram or WhatsApp with allowed_users",
                ));
            }
        },
    };
    let target = match &body.target {
        Some(t) if people.contains(t) => t.clone(),
        // Only the owner: a webhook cannot message anyone it likes.
        Some(t) => {
            return error_response(&ApiError::new(
                403,
                "not_an_owner",
                format!("`{t}` is not one of the allowed people on {channel}"),
            ));
        }
        None => match people.first() {
            Some(t) => t.clone(),
            None => {
                return error_response(&ApiError::new(
                    409,
                    "no_owner",
                    format!("no one is allowed on {channel}"),
                ));
            }
        },
    };
    match body.mode.as_deref().unwrap_or("direct") {
        "direct" => {
            let out = Outbound {
                channel: channel.clone(),
                recipient: target,
                text: format!("[{source}] {text}"),
                kind: OutboundKind::Notice,
                in_reply_to: None,
            };
            let stored = match &body.id {
                Some(key) => deps.store.enqueue_once(&out, &format!("webhook:{key}")).await,
                None => deps.store.enqueue(&out).await.map(|r| (r, true)),
            };
            match stored {
                Ok((row, new)) => {
                    if new {
                        deps.outbox.do_send(crate::outbox::Dispatch(row.clone()));
                    }
                    HttpResponse::Accepted()
                        .json(json!({"status": "queued", "id": row.id, "duplicate": !new}))
                }
                Err(e) => {
                    error_response(&ApiError::new(503, "storage", format!("cannot store the message: {e}")))
                }
            }
        }
        "ai" => {
            let mut inbound = Inbound::text(channel, &target, format!("[webhook:{source}] {text}"));
            inbound.reply_target = target.clone();
            inbound.sender_name = Some(format!("webhook:{source}"));
            inbound.external_id = body.id.as_ref().map(|k| format!("webhook:{k}"));
            let (tx, rx) = oneshot::channel();
            if deps.gateway.send(Receive { inbound, ack: Some(tx) }).await.is_err() {
                return error_response(&ApiError::new(503, "unavailable", "Omega's gateway is not running"));
            }
            match tokio::time::timeout(std::time::Duration::from_secs(30), rx).await {
                Ok(Ok(Accepted::Queued(id))) => {
                    HttpResponse::Accepted().json(json!({"status": "queued", "id": id, "duplicate": false}))
                }
                Ok(Ok(Accepted::Duplicate(id))) => {
                    HttpResponse::Accepted().json(json!({"status": "queued", "id": id, "duplicate": true}))
                }
                Ok(Ok(Accepted::Denied)) => error_response(&ApiError::new(
                    403,
                    "not_an_owner",
                    format!(
                        "`{}` may not talk to Omega on {channel}",
                        body.target.as_deref().unwrap_or("the owner")
                    ),
                )),
                Ok(Ok(Accepted::Failed(e))) => error_response(&ApiError::new(503, "unavailable", e)),
                _ => error_response(&ApiError::new(
                    503,
                    "unavailable",
                    "the message could not be stored in time",
                )),
            }
        }
        other => {
            error_response(&ApiError::bad_request(format!("`mode` is \"direct\" or \"ai\", not \"{other}\"")))
        }
    }
}
