//! The WhatsApp channel. One channel name (`whatsapp`), two ways to connect, one sending half:
//!
//! - [`WhatsApp`] is the supervised sending half whatever the connection: it renders Markdown as
//!   WhatsApp markup, splits long replies, paces each part (per chat and overall, with jitter),
//!   fetches photos and voice notes for the sender's session ([`FetchMedia`]), and runs the
//!   watchdog. What it sends through is a [`Transport`]: the Cloud API ([`CloudTransport`]) or
//!   WhatsApp Web ([`web`]).
//! - The Cloud API (`mode = "cloud"`) receives through the HTTP API: Meta posts webhook
//!   notifications to `/webhook/whatsapp` (checked by signature, not by the API's bearer token);
//!   [`inbound_messages`] turns one into messages for the Gateway; the webhook answers 200 only
//!   once they are in the inbox, so Meta re-delivers anything not yet stored, and the inbox drops
//!   re-deliveries by message id.
//! - WhatsApp Web (`mode = "web"`) receives through its own connection ([`web::WhatsAppLink`]).
//! - A watchdog: a send that went through, or a probe of the transport (every third of
//!   `watchdog_minutes`), proves the connection alive; when nothing has for `watchdog_minutes`,
//!   the owner is told on another channel, and told again when it recovers.

use actix::prelude::*;
use omega_channels::pacing::{Alert, Pacer, Watchdog};
use omega_channels::whatsapp::{MAX_MESSAGE_CHARS, render_chunks};
use omega_channels::whatsapp_cloud::{Body, CloudClient, ErrorKind, Incoming};
use omega_core::SessionKey;
use omega_core::config::WhatsAppConfig;
use omega_core::tr;
use omega_core::{Attachment, AttachmentKind, Inbound};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::channel::{Deliver, DeliveryError, FetchMedia};
use crate::guard::ChildGuard;
use crate::outbox::Notify;
use crate::route::Route;

pub use omega_channels::whatsapp::CHANNEL;

/// WhatsApp Web: Omega as a linked device of a WhatsApp account.
pub mod web;

/// Why a send failed, as the sending half needs to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendFailure {
    /// Try again later: rate limited, a server error, not connected right now.
    Transient(String),
    /// More than 24 hours since the person wrote (Cloud API): only a template reaches them.
    OutsideWindow(String),
    /// The credentials were refused (the Cloud API's token; WhatsApp Web logged out).
    Credentials(String),
    /// This message to this recipient cannot go (a bad number, a refused body).
    Rejected(String),
}

/// How the sending half reaches WhatsApp.
#[async_trait::async_trait]
pub trait Transport: Send + Sync + 'static {
    /// "the Cloud API" / "WhatsApp Web", for the log and the owner.
    fn name(&self) -> &'static str;
    /// Whether `to` is an address this transport can send to; why not otherwise.
    fn check_recipient(&self, to: &str) -> Result<(), String>;
    /// Send one part of a reply.
    async fn send_text(&self, to: &str, text: &str) -> Result<(), SendFailure>;
    /// Send a file (`send_file`) with its caption: a JPEG or PNG as a photo, anything else as a
    /// document.
    async fn send_file(&self, to: &str, file: FileToSend) -> Result<(), SendFailure>;
    /// The bytes of a received photo or voice note, by the reference its message carried.
    async fn fetch_media(&self, reference: &str) -> Result<Vec<u8>, String>;
    /// Mark a received message read and show "typing…" (best-effort).
    async fn mark_read(&self, message_id: &str);
    /// Prove the connection alive now (not by a socket's own "connected" flag).
    async fn probe(&self) -> Result<(), String>;
    /// What the owner should check when the watchdog finds it silent.
    fn stalled_advice(&self) -> &'static str;
}

/// A file to send, read from Omega's own copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileToSend {
    pub bytes: Vec<u8>,
    pub mime: String,
    pub name: String,
    pub caption: String,
}

fn cloud_failure(e: omega_channels::whatsapp_cloud::CallError) -> SendFailure {
    match e.kind() {
        ErrorKind::RateLimited | ErrorKind::Transient => SendFailure::Transient(e.to_string()),
        ErrorKind::OutsideWindow => SendFailure::OutsideWindow(e.to_string()),
        ErrorKind::BadToken => SendFailure::Credentials(format!(
            "the Cloud API refused the access token ([channel.whatsapp] access_token / WHATSAPP_ACCESS_TOKEN): {e}"
        )),
        ErrorKind::Rejected => SendFailure::Rejected(e.to_string()),
    }
}

/// The Cloud API as a [`Transport`].
pub struct CloudTransport(pub CloudClient);

impl CloudTransport {
    pub fn new(config: &WhatsAppConfig) -> Result<Self, String> {
        CloudClient::new(
            &config.api_url,
            &config.api_version,
            &config.phone_number_id,
            config.access_token.clone(),
            Duration::from_secs(30),
        )
        .map(Self)
    }
}

#[async_trait::async_trait]
impl Transport for CloudTransport {
    fn name(&self) -> &'static str {
        "the Cloud API"
    }

    fn check_recipient(&self, to: &str) -> Result<(), String> {
        let valid = match to.strip_prefix(omega_channels::whatsapp_cloud::GROUP_PREFIX) {
            Some(g) => !g.is_empty() && g.chars().all(|c| c.is_ascii_alphanumeric() || "-_.@".contains(c)),
            None => !to.is_empty() && to.chars().all(|c| c.is_ascii_digit()),
        };
        if valid { Ok(()) } else { Err(format!("`{to}` is not a WhatsApp number (digits only) or group")) }
    }

    async fn send_text(&self, to: &str, text: &str) -> Result<(), SendFailure> {
        self.0.send_text(to, text).await.map(|_| ()).map_err(cloud_failure)
    }

    async fn send_file(&self, to: &str, file: FileToSend) -> Result<(), SendFailure> {
        self.0
            .send_media(to, file.bytes, &file.mime, &file.name, &file.caption)
            .await
            .map(|_| ())
            .map_err(cloud_failure)
    }

    async fn fetch_media(&self, reference: &str) -> Result<Vec<u8>, String> {
        self.0.fetch_media(reference).await.map(|(bytes, _)| bytes).map_err(|e| e.to_string())
    }

    async fn mark_read(&self, message_id: &str) {
        if let Err(e) = self.0.read_and_typing(message_id).await {
            tracing::debug!(error = %e, "WhatsApp: cannot mark a message read");
        }
    }

    async fn probe(&self) -> Result<(), String> {
        self.0.probe().await.map_err(|e| e.to_string())
    }

    fn stalled_advice(&self) -> &'static str {
        "sends fail and the Cloud API does not answer for the number. Check the access token and the app in \
         Meta's dashboard"
    }
}

/// Who hears from the watchdog, and how.
#[derive(Clone)]
pub struct WatchdogOwner {
    /// The owner on another channel: (channel, recipient). `None` = the log only.
    pub reach: Option<(String, String)>,
    pub notify: Route<Notify>,
    /// Where the owner's language is.
    pub store: omega_memory::Store,
}

/// The WhatsApp channel's sending half, a supervised child.
pub struct WhatsApp {
    transport: Arc<dyn Transport>,
    pacer: Pacer,
    clock: omega_core::clock::SharedClock,
    watchdog: Option<(Watchdog, WatchdogOwner)>,
    /// How often the transport is probed (a third of the watchdog's threshold).
    probe_every: Duration,
    _guard: Option<ChildGuard>,
}

/// Probe the connection now and look at the watchdog (the timer does this; tests and a clock
/// jump may too).
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct CheckAlive;

/// A message was stored: mark it read and show "typing…" while it is answered (best-effort).
#[derive(Message, Debug, Clone, PartialEq, Eq)]
#[rtype(result = "()")]
pub struct MarkRead {
    pub message_id: String,
}

/// A send went through: the connection is alive.
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
struct Alive;

impl WhatsApp {
    /// The sending half over `transport`, paced by `[channel.whatsapp] pace_*`.
    pub fn new(
        config: &WhatsAppConfig,
        clock: omega_core::clock::SharedClock,
        transport: Arc<dyn Transport>,
    ) -> Self {
        let pacer = Pacer::new(
            Duration::from_millis(config.pace_per_chat_ms),
            Duration::from_millis(config.pace_global_ms),
            Duration::from_millis(config.pace_jitter_ms),
            clock.now().timestamp_millis() as u64,
        );
        Self { transport, pacer, clock, watchdog: None, probe_every: Duration::from_secs(600), _guard: None }
    }

    /// The Cloud API's sending half.
    pub fn cloud(config: &WhatsAppConfig, clock: omega_core::clock::SharedClock) -> Result<Self, String> {
        Ok(Self::new(config, clock, Arc::new(CloudTransport::new(config)?)))
    }

    /// With `owner` and `[channel.whatsapp] watchdog_minutes` > 0, a watchdog runs.
    pub fn with_watchdog(mut self, minutes: u64, owner: WatchdogOwner) -> Self {
        if minutes > 0 {
            let threshold = Duration::from_secs(minutes * 60);
            self.watchdog = Some((Watchdog::new(threshold, self.clock.now().timestamp_millis()), owner));
            self.probe_every = (threshold / 3).max(Duration::from_secs(20));
        }
        self
    }

    pub fn supervised(mut self, guard: ChildGuard) -> Self {
        self._guard = Some(guard);
        self
    }

    fn alert(&self, alert: Alert, ctx: &mut Context<Self>) {
        let Some((_, owner)) = &self.watchdog else { return };
        let via = self.transport.name();
        let advice = self.transport.stalled_advice();
        match alert {
            Alert::Stalled { silent_for } => {
                tracing::error!(
                    minutes = silent_for.as_secs() / 60,
                    via,
                    "WhatsApp has shown no sign of life"
                )
            }
            Alert::Recovered => tracing::info!(via, "WhatsApp is answering again"),
        }
        let Some((channel, recipient)) = owner.reach.clone() else { return };
        let (store, notify) = (owner.store.clone(), owner.notify.clone());
        // In the owner's language, which is in the store; waited for, so alerts keep their order.
        ctx.wait(fut::wrap_future(async move {
            let lang = crate::effects::person_lang(&store, &SessionKey::new(&channel, &recipient), "").await;
            let text = match alert {
                Alert::Stalled { silent_for } => {
                    tr!(lang, "whatsapp-stalled", minutes = silent_for.as_secs() / 60, advice = advice)
                }
                Alert::Recovered => tr!(lang, "whatsapp-recovered"),
            };
            notify.do_send(Notify { channel, recipient, text, in_reply_to: None });
        }));
    }

    fn check_alive(&mut self, ctx: &mut Context<Self>) {
        if self.watchdog.is_none() {
            return;
        }
        let transport = self.transport.clone();
        ctx.spawn(async move { transport.probe().await }.into_actor(self).map(|probed, act, ctx| {
            let now = act.clock.now().timestamp_millis();
            let Some((watchdog, _)) = &mut act.watchdog else { return };
            let alert = match probed {
                Ok(()) => watchdog.alive(now),
                Err(e) => {
                    tracing::warn!(error = %e, via = act.transport.name(), "WhatsApp probe failed");
                    watchdog.check(now)
                }
            };
            if let Some(a) = alert {
                act.alert(a, ctx);
            }
        }));
    }
}

impl Actor for WhatsApp {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        if self.watchdog.is_some() {
            ctx.run_interval(self.probe_every, |act, ctx| act.check_alive(ctx));
        }
    }
}

impl Handler<CheckAlive> for WhatsApp {
    type Result = ();

    fn handle(&mut self, _: CheckAlive, ctx: &mut Context<Self>) {
        self.check_alive(ctx);
    }
}

impl Handler<Alive> for WhatsApp {
    type Result = ();

    fn handle(&mut self, _: Alive, ctx: &mut Context<Self>) {
        let now = self.clock.now().timestamp_millis();
        if let Some(alert) = self.watchdog.as_mut().and_then(|(w, _)| w.alive(now)) {
            self.alert(alert, ctx);
        }
    }
}

impl Handler<Deliver> for WhatsApp {
    type Result = ResponseFuture<Result<(), DeliveryError>>;

    fn handle(&mut self, msg: Deliver, ctx: &mut Context<Self>) -> Self::Result {
        let me = ctx.address();
        let to = msg.recipient.clone();
        if let Err(e) = self.transport.check_recipient(&to) {
            return Box::pin(async move { Err(DeliveryError::Permanent(e)) });
        }
        if let Some(file) = msg.file.clone() {
            let transport = self.transport.clone();
            let now = self.clock.now().timestamp_millis();
            let wait_ms = (self.pacer.reserve(&to, now) - now).max(0) as u64;
            return Box::pin(async move {
                let path = file.path.clone();
                let bytes = crate::blocking::off_thread(move || std::fs::read(&path)).await;
                let bytes = match bytes {
                    Some(Ok(b)) => b,
                    Some(Err(e)) => {
                        return Err(DeliveryError::Permanent(format!(
                            "cannot read {}: {e}",
                            file.path.display()
                        )));
                    }
                    None => {
                        return Err(DeliveryError::Transient("the file could not be read in time".into()));
                    }
                };
                tokio::time::sleep(Duration::from_millis(wait_ms)).await;
                let send = FileToSend { bytes, mime: file.mime, name: file.name, caption: msg.text };
                transport.send_file(&to, send).await.map_err(|e| delivery_error(e, transport.name(), &to))?;
                me.do_send(Alive);
                Ok(())
            });
        }
        // Each part gets its slot now, in order; the future waits for them.
        let now = self.clock.now().timestamp_millis();
        let parts: Vec<(u64, String)> = render_chunks(&msg.text, MAX_MESSAGE_CHARS)
            .into_iter()
            .map(|part| ((self.pacer.reserve(&to, now) - now).max(0) as u64, part))
            .collect();
        let transport = self.transport.clone();
        Box::pin(async move {
            let started = tokio::time::Instant::now();
            for (wait_ms, part) in parts {
                tokio::time::sleep_until(started + Duration::from_millis(wait_ms)).await;
                if let Err(e) = transport.send_text(&to, &part).await {
                    return Err(delivery_error(e, transport.name(), &to));
                }
                me.do_send(Alive);
            }
            Ok(())
        })
    }
}

/// What a failed send means for the Outbox (and the log).
fn delivery_error(e: SendFailure, via: &str, to: &str) -> DeliveryError {
    match e {
        SendFailure::Transient(e) => DeliveryError::Transient(e),
        SendFailure::OutsideWindow(e) => {
            tracing::warn!(to = %to, "WhatsApp: more than 24 hours since this person wrote; only a template message can reach them now");
            DeliveryError::Permanent(e)
        }
        SendFailure::Credentials(e) => {
            tracing::error!("WhatsApp ({via}): {e}");
            DeliveryError::Permanent(e)
        }
        SendFailure::Rejected(e) => DeliveryError::Permanent(e),
    }
}

impl Handler<MarkRead> for WhatsApp {
    type Result = ();

    fn handle(&mut self, msg: MarkRead, ctx: &mut Context<Self>) {
        let transport = self.transport.clone();
        ctx.spawn(async move { transport.mark_read(&msg.message_id).await }.into_actor(self));
    }
}

impl Handler<FetchMedia> for WhatsApp {
    type Result = ResponseFuture<Result<Vec<u8>, String>>;

    fn handle(&mut self, msg: FetchMedia, _: &mut Context<Self>) -> Self::Result {
        let transport = self.transport.clone();
        Box::pin(async move { transport.fetch_media(&msg.reference).await })
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
            // In a group, the answer goes to the group.
            inbound.reply_target = match &m.group {
                Some(g) => format!("{}{g}", omega_channels::whatsapp_cloud::GROUP_PREFIX),
                None => m.from.clone(),
            };
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
