//! The WhatsApp channel. One channel name (`whatsapp`), two ways to connect; this module has the
//! Cloud API's (`mode = "cloud"`):
//!
//! - Receiving: Meta posts webhook notifications to the HTTP API (`/webhook/whatsapp`, checked by
//!   signature, not by the API's bearer token). [`inbound_messages`] turns a notification into
//!   messages for the Gateway; the webhook answers 200 only once they are in the inbox, so Meta
//!   re-delivers anything not yet stored, and the inbox drops re-deliveries by message id.
//! - Sending: [`WhatsAppCloud`] renders Markdown as WhatsApp markup, splits long replies, paces
//!   each part (per chat and overall, with jitter) and sends it through the Graph API; a rate
//!   limit or a server error is retried by the Outbox, a refusal is not.
//! - Media: the sender's session fetches photos and voice notes through [`FetchMedia`].

use actix::prelude::*;
use omega_channels::pacing::Pacer;
use omega_channels::whatsapp::{MAX_MESSAGE_CHARS, render_chunks};
use omega_channels::whatsapp_cloud::{Body, CloudClient, ErrorKind, Incoming};
use omega_core::config::WhatsAppConfig;
use omega_core::{Attachment, AttachmentKind, Inbound};
use std::path::Path;
use std::time::Duration;

use crate::channel::{Deliver, DeliveryError, FetchMedia};
use crate::guard::ChildGuard;

pub use omega_channels::whatsapp::CHANNEL;

/// The Cloud API's sending half, a supervised child.
pub struct WhatsAppCloud {
    client: CloudClient,
    pacer: Pacer,
    clock: omega_core::clock::SharedClock,
    _guard: Option<ChildGuard>,
}

impl WhatsAppCloud {
    pub fn new(config: &WhatsAppConfig, clock: omega_core::clock::SharedClock) -> Result<Self, String> {
        let client = CloudClient::new(
            &config.api_url,
            &config.api_version,
            &config.phone_number_id,
            config.access_token.clone(),
            Duration::from_secs(30),
        )?;
        let pacer = Pacer::new(
            Duration::from_millis(config.pace_per_chat_ms),
            Duration::from_millis(config.pace_global_ms),
            Duration::from_millis(config.pace_jitter_ms),
            clock.now().timestamp_millis() as u64,
        );
        Ok(Self { client, pacer, clock, _guard: None })
    }

    pub fn supervised(mut self, guard: ChildGuard) -> Self {
        self._guard = Some(guard);
        self
    }
}

impl Actor for WhatsAppCloud {
    type Context = Context<Self>;
}

impl Handler<Deliver> for WhatsAppCloud {
    type Result = ResponseFuture<Result<(), DeliveryError>>;

    fn handle(&mut self, msg: Deliver, _: &mut Context<Self>) -> Self::Result {
        let to = msg.recipient.clone();
        if to.is_empty() || !to.chars().all(|c| c.is_ascii_digit()) {
            let r = Err(DeliveryError::Permanent(format!("`{to}` is not a WhatsApp number (digits only)")));
            return Box::pin(async move { r });
        }
        // Each part gets its slot now, in order; the future waits for them.
        let now = self.clock.now().timestamp_millis();
        let parts: Vec<(u64, String)> = render_chunks(&msg.text, MAX_MESSAGE_CHARS)
            .into_iter()
            .map(|part| ((self.pacer.reserve(&to, now) - now).max(0) as u64, part))
            .collect();
        let client = self.client.clone();
        Box::pin(async move {
            let started = tokio::time::Instant::now();
            for (wait_ms, part) in parts {
                tokio::time::sleep_until(started + Duration::from_millis(wait_ms)).await;
                if let Err(e) = client.send_text(&to, &part).await {
                    return Err(match e.kind() {
                        ErrorKind::RateLimited | ErrorKind::Transient => {
                            DeliveryError::Transient(e.to_string())
                        }
                        ErrorKind::OutsideWindow => {
                            tracing::warn!(to = %to, "WhatsApp: more than 24 hours since this person wrote; only a template message can reach them now");
                            DeliveryError::Permanent(e.to_string())
                        }
                        ErrorKind::BadToken => {
                            tracing::error!(
                                "WhatsApp Cloud API refused the access token ([channel.whatsapp] access_token / WHATSAPP_ACCESS_TOKEN): {e}"
                            );
                            DeliveryError::Permanent(e.to_string())
                        }
                        ErrorKind::Rejected => DeliveryError::Permanent(e.to_string()),
                    });
                }
            }
            Ok(())
        })
    }
}

impl Handler<FetchMedia> for WhatsAppCloud {
    type Result = ResponseFuture<Result<Vec<u8>, String>>;

    fn handle(&mut self, msg: FetchMedia, _: &mut Context<Self>) -> Self::Result {
        let client = self.client.clone();
        Box::pin(async move {
            client.fetch_media(&msg.reference).await.map(|(bytes, _)| bytes).map_err(|e| e.to_string())
        })
    }
}

/// What a webhook notification's messages become: messages for the Gateway, in order. Media is
/// attached (to be fetched by the session) only for allowed senders; group messages only with
/// `groups`, and then only those that mention our number or answer one of our messages.
pub fn inbound_messages(config: &WhatsAppConfig, media_dir: &Path, messages: Vec<Incoming>) -> Vec<Inbound> {
    messages
        .into_iter()
        .filter_map(|m| {
            if m.group.is_some() {
                let said = match &m.body {
                    Body::Text(t) => t.as_str(),
                    Body::Image { caption: Some(c), .. } => c.as_str(),
                    _ => "",
                };
                let mentioned = !m.to.is_empty() && said.contains(&format!("@{}", m.to));
                if !config.groups || !(mentioned || m.reply_to_us) {
                    return None;
                }
            }
            let allowed = config.allowed_users.contains(&m.from);
            let mut inbound = Inbound::text(CHANNEL, &m.from, "");
            inbound.sender_name = m.name.clone();
            inbound.reply_target = m.from.clone();
            inbound.external_id = Some(m.id.clone());
            if let Some(at) = chrono::DateTime::from_timestamp(m.timestamp, 0).filter(|_| m.timestamp > 0) {
                inbound.received_at = at;
            }
            let safe_id: String = m.id.chars().filter(|c| c.is_ascii_alphanumeric()).take(64).collect();
            inbound.text = match m.body {
                Body::Text(t) => t,
                Body::Image { media_id, mime, caption } => {
                    if allowed {
                        inbound.attachments.push(Attachment {
                            kind: AttachmentKind::Image,
                            mime,
                            path: media_dir.join(format!("whatsapp-{safe_id}.img")),
                            fetch: Some(media_id),
                        });
                    }
                    caption.unwrap_or_else(|| "[Photo]".into())
                }
                Body::Audio { media_id, mime, voice } => {
                    if allowed {
                        inbound.attachments.push(Attachment {
                            kind: AttachmentKind::Voice,
                            mime,
                            path: std::path::PathBuf::new(),
                            fetch: Some(media_id),
                        });
                    }
                    if voice { "[Voice message]".into() } else { "[Audio]".into() }
                }
                Body::Document { caption, filename } => match (caption, filename) {
                    (Some(c), _) => c,
                    (None, Some(f)) => format!("[Document: {f}]"),
                    (None, None) => "[Document]".into(),
                },
                Body::Other(kind) => format!("[{kind}]"),
            };
            Some(inbound)
        })
        .collect()
}
