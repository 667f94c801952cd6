//! The WhatsApp Web connection, a supervised child: connect when paired, pair on request, keep
//! the state `omega status` shows, forget the keys when WhatsApp logs the device out.

use actix::prelude::*;
use omega_core::i18n::Lang;
use omega_core::tr;
use std::sync::Arc;
use std::time::Duration;

use omega_memory::Store;
use tokio::sync::mpsc;
use whatsapp_rust::Jid;
use whatsapp_rust::pair_code::PairCodeOptions;
use whatsapp_rust::prelude::*;
use whatsapp_rust::wacore::types::events::InboundMessage;
use whatsapp_rust::waproto::whatsapp as wa;

use super::{ClientSlot, IntakeDeps, KeyStore, Me, WebClient, intake};
use crate::guard::ChildGuard;
use crate::outbox::Notify;
use crate::route::Route;

/// What the connection reports.
#[derive(Clone)]
pub enum LinkEvent {
    /// Scan this QR within `valid` (it rotates; after about 160 s no more come).
    Qr { code: String, valid: Duration },
    /// Type this code on the phone (with a phone number given).
    PairCode { code: String, valid: Duration },
    /// Connected and logged in, through this client.
    Connected(Arc<dyn WebClient>),
    /// The connection dropped; the library reconnects with back-off by itself.
    Disconnected,
    /// WhatsApp unlinked this device (removed on the phone, or the session expired).
    LoggedOut(String),
    /// The phone accepted the pairing; `Connected` follows once the first login and sync are done.
    Paired,
    /// The QR codes ran out without a scan.
    QrExhausted,
    /// Pairing failed.
    PairFailed(String),
    /// The connection ended and the library will not reconnect by itself: another client took
    /// the session over, the account is banned for a while, this client is outdated, or the
    /// server refused the login for good. `retry_in`: when trying again can help.
    Stopped { why: String, retry_in: Option<Duration> },
}

/// A running connection.
#[async_trait::async_trait]
pub trait Connection: Send {
    async fn shutdown(self: Box<Self>);
}

/// How a connection is made (whatsapp-rust for real; a fake in tests).
#[async_trait::async_trait]
pub trait Connector: Send + Sync + 'static {
    /// Connect with the keys in `keys` (pairing first if there are none). Received messages go
    /// through `deps` ([`intake`]); everything else arrives on `events`.
    async fn connect(
        &self,
        keys: KeyStore,
        deps: IntakeDeps,
        events: mpsc::UnboundedSender<LinkEvent>,
        pair_phone: Option<String>,
    ) -> Result<Box<dyn Connection>, String>;
}

/// Where the link is, as stored for `omega status` (`channel_state` "whatsapp"/"link").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    Unpaired,
    Pairing,
    Connecting,
    Connected,
    Disconnected,
    LoggedOut,
    /// Ended, not reconnecting by itself (see [`LinkEvent::Stopped`]).
    Stopped,
}

impl LinkState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unpaired => "not paired",
            Self::Pairing => "pairing",
            Self::Connecting => "connecting",
            Self::Connected => "connected",
            Self::Disconnected => "disconnected (reconnecting)",
            Self::LoggedOut => "logged out",
            Self::Stopped => "stopped (see the log)",
        }
    }
}

/// How long `/whatsapp` waits for WhatsApp's first QR code.
const QR_WAIT: Duration = Duration::from_secs(60);

const STATE_CHANNEL: &str = "whatsapp";
const STATE_KEY: &str = "link";

/// The last state the daemon recorded, and when (Unix ms), for `omega status`.
pub async fn link_state(store: &Store) -> Option<(String, i64)> {
    let v = store.channel_state(STATE_CHANNEL, STATE_KEY).await.ok()??;
    let (at, state) = v.split_once(' ')?;
    Some((state.to_owned(), at.parse().ok()?))
}

/// What pairing shows the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PairingStep {
    /// Scan this QR (its text) within `valid`.
    Qr { code: String, valid: Duration },
    /// Type this code on the phone.
    Code { code: String, valid: Duration },
    /// The phone accepted; finishing the first login.
    Linking,
    /// Paired and connected.
    Paired,
    /// The codes ran out, or pairing failed: say why.
    Failed(String),
}

pub use crate::channel::{SendPhoto, StartPairing};

/// What the link needs.
#[derive(Clone)]
pub struct LinkDeps {
    pub store: Store,
    pub intake: IntakeDeps,
    pub slot: ClientSlot,
    pub connector: Arc<dyn Connector>,
    pub notify: Route<Notify>,
    /// Telegram's photo sender, for `/whatsapp` (unbound without Telegram).
    pub photo: Route<SendPhoto>,
    /// Who hears that the device was logged out: (channel, recipient).
    pub owner: Option<(String, String)>,
}

/// The receiving half of WhatsApp Web.
pub struct WhatsAppLink {
    deps: LinkDeps,
    connection: Option<Box<dyn Connection>>,
    state: LinkState,
    /// Who asked to pair, and the QR photo they see now.
    pairing: Option<((String, String), Option<i64>)>,
    /// Whether this pairing has produced a code yet.
    qr_seen: bool,
    /// The keys of a logged-out device are being deleted: no new connection until they are.
    forgetting: bool,
    /// The language of the owner's last `/whatsapp`, which the link's notices speak.
    lang: Lang,
    _guard: Option<ChildGuard>,
}

impl WhatsAppLink {
    pub fn new(deps: LinkDeps) -> Self {
        Self {
            deps,
            connection: None,
            state: LinkState::Unpaired,
            pairing: None,
            qr_seen: false,
            forgetting: false,
            lang: Lang::En,
            _guard: None,
        }
    }

    pub fn supervised(mut self, guard: ChildGuard) -> Self {
        self._guard = Some(guard);
        self
    }

    fn set_state(&mut self, state: LinkState) {
        self.state = state;
        let store = self.deps.store.clone();
        let value = format!("{} {}", chrono::Utc::now().timestamp_millis(), state.as_str());
        actix::spawn(async move {
            if let Err(e) = store.set_channel_state(STATE_CHANNEL, STATE_KEY, &value).await {
                tracing::warn!(error = %e, "cannot record WhatsApp's state");
            }
        });
    }

    fn tell(&self, to: &(String, String), text: String) {
        self.deps.notify.do_send(Notify {
            channel: to.0.clone(),
            recipient: to.1.clone(),
            text,
            in_reply_to: None,
        });
    }

    fn connect(&mut self, ctx: &mut Context<Self>) {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let me = ctx.address();
        ctx.spawn(
            async move {
                while let Some(e) = rx.recv().await {
                    if me.send(FromLink(e)).await.is_err() {
                        break;
                    }
                }
            }
            .into_actor(self),
        );
        let (connector, keys, deps) =
            (self.deps.connector.clone(), KeyStore::new(self.deps.store.clone()), self.deps.intake.clone());
        ctx.wait(async move { connector.connect(keys, deps, tx, None).await }.into_actor(self).map(
            |made, act, _| match made {
                Ok(c) => act.connection = Some(c),
                Err(e) => {
                    tracing::error!("cannot start WhatsApp Web: {e}");
                    act.set_state(LinkState::Disconnected);
                    if let Some((to, _)) = act.pairing.take() {
                        act.tell(&to, tr!(act.lang, "whatsapp-cannot-start", error = e.to_string()));
                    }
                }
            },
        ));
    }

    fn disconnect(&mut self) {
        *self.deps.slot.write() = None;
        if let Some(c) = self.connection.take() {
            actix::spawn(c.shutdown());
        }
    }
}

impl Actor for WhatsAppLink {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        let keys = KeyStore::new(self.deps.store.clone());
        ctx.wait(async move { keys.paired().await }.into_actor(self).map(|paired, act, ctx| match paired {
            Ok(true) => {
                act.set_state(LinkState::Connecting);
                act.connect(ctx);
            }
            Ok(false) => {
                tracing::warn!(
                    "WhatsApp Web is not paired: run `omega whatsapp pair` (with Omega stopped), or send /whatsapp \
                     to Omega on Telegram"
                );
                act.set_state(LinkState::Unpaired);
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot read WhatsApp Web's keys");
                act.set_state(LinkState::Unpaired);
            }
        }));
    }

    fn stopped(&mut self, _: &mut Context<Self>) {
        self.disconnect();
    }
}

/// An event from the connection, into the actor.
#[derive(Message)]
#[rtype(result = "()")]
struct FromLink(LinkEvent);

impl Handler<FromLink> for WhatsAppLink {
    type Result = ();

    fn handle(&mut self, FromLink(event): FromLink, ctx: &mut Context<Self>) {
        match event {
            LinkEvent::Qr { code, valid } => {
                self.qr_seen = true;
                let Some((to, shown)) = self.pairing.clone() else { return };
                let caption = tr!(self.lang, "whatsapp-scan", secs = valid.as_secs());
                let png = match super::qr_png(&code) {
                    Ok(p) => p,
                    Err(e) => return tracing::error!("{e}"),
                };
                if !self.deps.photo.is_bound() {
                    let text = format!("{caption}\n{}", tr!(self.lang, "whatsapp-no-photo"));
                    return self.tell(&to, text);
                }
                let photo = self.deps.photo.clone();
                let msg = SendPhoto { recipient: to.1.clone(), png, caption, replace: shown };
                // One photo at a time: the next code replaces this one, so it waits for its id.
                ctx.wait(async move { photo.send(msg).await }.into_actor(self).map(
                    |sent, act, _| match sent {
                        Ok(Ok(id)) => {
                            if let Some((_, shown)) = &mut act.pairing {
                                *shown = Some(id);
                            }
                        }
                        Ok(Err(e)) => tracing::warn!(error = %e, "cannot send the WhatsApp QR code"),
                        Err(e) => tracing::warn!(error = %e, "cannot send the WhatsApp QR code"),
                    },
                ));
            }
            LinkEvent::PairCode { code, valid } => {
                self.qr_seen = true;
                if let Some((to, _)) = &self.pairing {
                    self.tell(to, tr!(self.lang, "whatsapp-pair-code", code = code, secs = valid.as_secs()));
                }
            }
            LinkEvent::Connected(client) => {
                let me = client.me();
                *self.deps.slot.write() = Some(client);
                tracing::info!(number = me.pn.as_deref().unwrap_or("?"), "WhatsApp Web connected");
                self.set_state(LinkState::Connected);
                if let Some((to, _)) = self.pairing.take() {
                    let number = me.pn.unwrap_or_default();
                    let hint = if self.deps.intake.config.allowed_users.contains(&number) {
                        String::new()
                    } else {
                        tr!(self.lang, "whatsapp-allow-hint", number = number.as_str())
                    };
                    let text =
                        format!("{}{hint}", tr!(self.lang, "whatsapp-linked", number = number.as_str()));
                    self.tell(&to, text);
                }
            }
            LinkEvent::Disconnected => {
                if self.state == LinkState::Connected {
                    tracing::warn!("WhatsApp Web disconnected; reconnecting");
                    self.set_state(LinkState::Disconnected);
                }
            }
            LinkEvent::LoggedOut(why) => {
                tracing::error!(reason = %why, "WhatsApp logged this device out; its keys are deleted");
                *self.deps.slot.write() = None;
                self.set_state(LinkState::LoggedOut);
                // The connection's last flush must land before the keys go, or it would write
                // the revoked device back.
                let connection = self.connection.take();
                let keys = KeyStore::new(self.deps.store.clone());
                self.forgetting = true;
                ctx.spawn(
                    async move {
                        if let Some(c) = connection {
                            c.shutdown().await;
                        }
                        if let Err(e) = keys.forget().await {
                            tracing::error!(error = %e, "cannot delete WhatsApp Web's keys");
                        }
                    }
                    .into_actor(self)
                    .map(|_, act, _| act.forgetting = false),
                );
                let text = tr!(self.lang, "whatsapp-logged-out", why = why.to_string());
                if let Some(owner) = self.deps.owner.clone() {
                    self.tell(&owner, text);
                }
            }
            LinkEvent::Paired => {
                if let Some((to, _)) = &self.pairing {
                    self.tell(to, tr!(self.lang, "whatsapp-paired"));
                }
            }
            LinkEvent::Stopped { why, retry_in } => {
                tracing::error!(reason = %why, "WhatsApp Web stopped");
                self.disconnect();
                self.set_state(LinkState::Stopped);
                let next = match retry_in {
                    Some(d) => tr!(self.lang, "whatsapp-retry", minutes = d.as_secs().div_ceil(60)),
                    None => String::new(),
                };
                if let Some(owner) = self.deps.owner.clone() {
                    self.tell(&owner, tr!(self.lang, "whatsapp-stopped", why = why.to_string(), next = next));
                }
                if let Some(d) = retry_in {
                    ctx.run_later(d, |act, ctx| {
                        if act.state == LinkState::Stopped {
                            act.set_state(LinkState::Connecting);
                            act.connect(ctx);
                        }
                    });
                }
            }
            LinkEvent::QrExhausted | LinkEvent::PairFailed(_) => {
                let why = match event {
                    LinkEvent::PairFailed(e) => {
                        tr!(self.lang, "whatsapp-link-failed", error = e.to_string())
                    }
                    _ => tr!(self.lang, "whatsapp-qr-expired"),
                };
                self.disconnect();
                self.set_state(LinkState::Unpaired);
                if let Some((to, _)) = self.pairing.take() {
                    self.tell(&to, why);
                }
            }
        }
    }
}

impl Handler<StartPairing> for WhatsAppLink {
    type Result = String;

    fn handle(&mut self, msg: StartPairing, ctx: &mut Context<Self>) -> String {
        self.lang = msg.lang;
        if self.forgetting {
            return tr!(self.lang, "whatsapp-forgetting");
        }
        match self.state {
            LinkState::Connected | LinkState::Connecting | LinkState::Disconnected | LinkState::Stopped => {
                tr!(self.lang, "whatsapp-already")
            }
            LinkState::Pairing => {
                self.pairing = Some((msg.to, None));
                tr!(self.lang, "whatsapp-under-way")
            }
            LinkState::Unpaired | LinkState::LoggedOut => {
                self.pairing = Some((msg.to, None));
                self.qr_seen = false;
                self.set_state(LinkState::Pairing);
                self.connect(ctx);
                // No QR code at all means WhatsApp is out of reach: say so instead of silence.
                ctx.run_later(QR_WAIT, |act, _| {
                    if act.state == LinkState::Pairing && !act.qr_seen {
                        act.disconnect();
                        act.set_state(LinkState::Unpaired);
                        if let Some((to, _)) = act.pairing.take() {
                            let text = tr!(act.lang, "whatsapp-no-answer", secs = QR_WAIT.as_secs());
                            act.tell(&to, text);
                        }
                    }
                });
                tr!(self.lang, "whatsapp-connecting")
            }
        }
    }
}

// --- The real connection, on whatsapp-rust -------------------------------------------------

/// Connections through whatsapp-rust.
pub struct RealConnector;

/// The events the link acts on (the library skips building the others).
const WANTED: &[EventKind] = &[
    EventKind::PairingQrCode,
    EventKind::PairingCode,
    EventKind::PairSuccess,
    EventKind::Connected,
    EventKind::Disconnected,
    EventKind::LoggedOut,
    EventKind::PairingQrCodesExhausted,
    EventKind::PairError,
    EventKind::PairingCodeError,
    EventKind::StreamReplaced,
    EventKind::TemporaryBan,
    EventKind::ClientOutdated,
    EventKind::ConnectFailure,
    EventKind::Messages,
];

struct Live(Arc<Client>);

#[async_trait::async_trait]
impl WebClient for Live {
    fn me(&self) -> Me {
        Me { pn: self.0.pn().map(|j| j.user.to_string()), lid: self.0.lid().map(|j| j.user.to_string()) }
    }

    fn last_heard_ms(&self) -> Option<i64> {
        if !self.0.is_connected() {
            return None;
        }
        Some(self.0.stats().last_data_received_ms as i64).filter(|ms| *ms > 0)
    }

    async fn send_text(&self, to: Jid, text: String) -> Result<(), super::super::SendFailure> {
        use super::super::SendFailure;
        if !self.0.is_logged_in() {
            return Err(SendFailure::Transient("WhatsApp Web is not logged in right now".into()));
        }
        self.0.send_text(to, text).await.map(|_| ()).map_err(|e| SendFailure::Transient(e.to_string()))
    }

    async fn send_file(
        &self,
        to: Jid,
        file: super::super::FileToSend,
    ) -> Result<(), super::super::SendFailure> {
        use super::super::SendFailure;
        use whatsapp_rust::wacore::download::MediaType;
        if !self.0.is_logged_in() {
            return Err(SendFailure::Transient("WhatsApp Web is not logged in right now".into()));
        }
        let kind = if super::as_photo(&file) { MediaType::Image } else { MediaType::Document };
        let upload = self
            .0
            .upload(file.bytes.clone(), kind, Default::default())
            .await
            .map_err(|e| SendFailure::Transient(format!("the upload to WhatsApp failed: {e}")))?;
        let message = super::file_message(upload.into(), &file);
        self.0.send_message(to, message).await.map(|_| ()).map_err(|e| SendFailure::Transient(e.to_string()))
    }

    async fn download(&self, reference: &str) -> Result<Vec<u8>, String> {
        use whatsapp_rust::buffa::Message as _;
        let decode = |hex: &str| -> Result<Vec<u8>, String> {
            (0..hex.len())
                .step_by(2)
                .map(|i| hex.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
                .collect::<Option<Vec<u8>>>()
                .ok_or_else(|| "a WhatsApp media reference is damaged".to_owned())
        };
        let result = if let Some(h) = reference.strip_prefix(super::IMAGE_REF) {
            let m = wa::message::ImageMessage::decode_from_slice(&decode(h)?).map_err(|e| e.to_string())?;
            self.0.download(&m).await
        } else if let Some(h) = reference.strip_prefix(super::AUDIO_REF) {
            let m = wa::message::AudioMessage::decode_from_slice(&decode(h)?).map_err(|e| e.to_string())?;
            self.0.download(&m).await
        } else {
            return Err("not a WhatsApp Web media reference".into());
        };
        result.map_err(|e| format!("cannot download the media from WhatsApp: {e}"))
    }

    async fn phone_of(&self, lid: &Jid) -> Option<String> {
        match self.0.get_lid_pn_entry(lid).await {
            Ok(e) => e.map(|e| e.phone_number.to_string()),
            Err(e) => {
                tracing::debug!(error = %e, "cannot look up a LID's phone number");
                None
            }
        }
    }

    async fn read_and_typing(&self, chat: &Jid, sender: Option<&Jid>, id: &str) {
        if let Err(e) = self.0.mark_as_read(chat, sender, &[id]).await {
            tracing::debug!(error = %e, "WhatsApp: cannot mark a message read");
        }
        if let Err(e) = self.0.chatstate().send_composing(chat).await {
            tracing::debug!(error = %e, "WhatsApp: cannot show typing");
        }
    }
}

/// The library's durability hook: a batch is acknowledged only once [`intake`] stored it.
struct Hook(IntakeDeps);

#[async_trait::async_trait]
impl whatsapp_rust::InboundDurabilityHook for Hook {
    async fn on_messages(&self, client: Arc<Client>, batch: &[InboundMessage]) -> anyhow::Result<()> {
        intake(&self.0, Arc::new(Live(client)), batch).await.map_err(anyhow::Error::msg)
    }
}

struct Running(whatsapp_rust::bot::BotHandle);

#[async_trait::async_trait]
impl Connection for Running {
    async fn shutdown(self: Box<Self>) {
        self.0.shutdown().await;
    }
}

#[async_trait::async_trait]
impl Connector for RealConnector {
    async fn connect(
        &self,
        keys: KeyStore,
        deps: IntakeDeps,
        events: mpsc::UnboundedSender<LinkEvent>,
        pair_phone: Option<String>,
    ) -> Result<Box<dyn Connection>, String> {
        let intake_deps = deps.clone();
        let mut builder = Bot::builder()
            .with_backend(keys)
            .with_inbound_durability_hook(Hook(deps))
            .skip_history_sync()
            .with_push_name("Omega")
            .on_event_for(WANTED, move |event, client| {
                let events = events.clone();
                let deps = intake_deps.clone();
                async move {
                    let out = match &*event {
                        Event::PairingQrCode(q) => LinkEvent::Qr { code: q.code.clone(), valid: q.timeout },
                        Event::PairingCode(p) => LinkEvent::PairCode { code: p.code.clone(), valid: p.timeout },
                        Event::PairSuccess(_) => LinkEvent::Paired,
                        Event::Connected(_) => LinkEvent::Connected(Arc::new(Live(client))),
                        Event::Disconnected(_) => LinkEvent::Disconnected,
                        Event::LoggedOut(l) => {
                            let said = l.logout_message.as_ref().and_then(|m| m.header.clone());
                            LinkEvent::LoggedOut(match said {
                                Some(h) => format!("{:?}: {h}", l.reason),
                                None => format!("{:?}", l.reason),
                            })
                        }
                        // With a pairing code still outstanding the socket stays up: not over yet.
                        Event::PairingQrCodesExhausted(e) if !e.disconnected => return,
                        Event::PairingQrCodesExhausted(_) => LinkEvent::QrExhausted,
                        Event::PairError(e) => LinkEvent::PairFailed(e.error.clone()),
                        Event::PairingCodeError(e) => LinkEvent::PairFailed(e.error.clone()),
                        Event::StreamReplaced(_) => LinkEvent::Stopped {
                            why: "another client took over this linked device's session (is a second Omega running with \
                                  the same keys?)"
                                .into(),
                            retry_in: None,
                        },
                        Event::TemporaryBan(b) => LinkEvent::Stopped {
                            why: format!("WhatsApp banned the account for a while ({})", b.code),
                            retry_in: Some(b.expire.to_std().unwrap_or_default() + Duration::from_secs(60)),
                        },
                        Event::ClientOutdated(_) => LinkEvent::Stopped {
                            why: "WhatsApp says this client is outdated; update Omega".into(),
                            retry_in: None,
                        },
                        Event::ConnectFailure(f) if !f.reason.should_reconnect() => LinkEvent::Stopped {
                            why: format!(
                                "WhatsApp refused the connection ({:?}{})",
                                f.reason,
                                f.message.as_deref().map(|m| format!(": {m}")).unwrap_or_default()
                            ),
                            retry_in: Some(Duration::from_secs(15 * 60)),
                        },
                        // Messages the hook never saw (recovered from the phone): the same way in.
                        Event::Messages(batch) if !batch.hook_committed => {
                            let live: Arc<dyn WebClient> = Arc::new(Live(client));
                            if let Err(e) = intake(&deps, live, &batch.messages).await {
                                tracing::error!(error = %e, "a recovered WhatsApp message could not be stored");
                            }
                            return;
                        }
                        _ => return,
                    };
                    let _ = events.send(out);
                }
            });
        if let Some(phone) = pair_phone {
            builder = builder.with_pair_code(PairCodeOptions { phone_number: phone, ..Default::default() });
        }
        let bot = builder.build().await.map_err(|e| format!("cannot start WhatsApp: {e}"))?;
        Ok(Box::new(Running(bot.spawn())))
    }
}

/// `omega whatsapp pair`: pair from the terminal, with the daemon stopped. `show` is called with
/// each step; answers whether the phone linked Omega.
pub async fn pair_from_terminal(
    store: Store,
    config: omega_core::config::WhatsAppConfig,
    phone: Option<String>,
    connector: Arc<dyn Connector>,
    show: impl Fn(PairingStep),
) -> Result<bool, String> {
    let keys = KeyStore::new(store.clone());
    if keys.paired().await.map_err(|e| e.to_string())? {
        show(PairingStep::Paired);
        return Ok(true);
    }
    let (tx, mut rx) = mpsc::unbounded_channel();
    // Nothing is received while pairing: the hook stores nothing (no Gateway runs).
    let deps = IntakeDeps { config, media_dir: std::path::PathBuf::new(), gateway: Route::default() };
    let connection = connector.connect(keys, deps, tx, phone).await?;
    let mut outcome = Err("the connection closed before the phone linked Omega".to_owned());
    // No code at all within a minute means WhatsApp is out of reach.
    let first = match tokio::time::timeout(QR_WAIT, rx.recv()).await {
        Ok(e) => e,
        Err(_) => {
            connection.shutdown().await;
            let why = format!(
                "WhatsApp did not answer within {} s; check that this machine reaches web.whatsapp.com",
                QR_WAIT.as_secs()
            );
            show(PairingStep::Failed(why.clone()));
            return Err(why);
        }
    };
    let mut next = first;
    while let Some(e) = next.take() {
        match e {
            LinkEvent::Qr { code, valid } => show(PairingStep::Qr { code, valid }),
            LinkEvent::PairCode { code, valid } => show(PairingStep::Code { code, valid }),
            LinkEvent::Connected(_) => {
                outcome = Ok(true);
                break;
            }
            LinkEvent::QrExhausted => {
                outcome = Ok(false);
                break;
            }
            LinkEvent::PairFailed(e) | LinkEvent::LoggedOut(e) | LinkEvent::Stopped { why: e, .. } => {
                outcome = Err(e);
                break;
            }
            LinkEvent::Paired => {
                // The keys are stored; the first login and sync follow. Wait for them a while,
                // but the device is linked either way.
                outcome = Ok(true);
                show(PairingStep::Linking);
                let _ = tokio::time::timeout(Duration::from_secs(60), async {
                    while let Some(e) = rx.recv().await {
                        if matches!(e, LinkEvent::Connected(_)) {
                            break;
                        }
                    }
                })
                .await;
                break;
            }
            LinkEvent::Disconnected => {}
        }
        next = rx.recv().await;
    }
    connection.shutdown().await;
    match &outcome {
        Ok(true) => show(PairingStep::Paired),
        Ok(false) => show(PairingStep::Failed("the QR codes expired before the phone linked Omega".into())),
        Err(e) => show(PairingStep::Failed(e.clone())),
    }
    outcome
}
