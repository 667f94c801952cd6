//! WhatsApp Web (`mode = "web"`): Omega as a linked device of a WhatsApp account, on
//! `whatsapp-rust`.
//!
//! - [`WhatsAppLink`] (the receiving half, a supervised child) owns the connection: it connects
//!   when the account is paired, pairs on request (`/whatsapp` on Telegram shows the QR as a
//!   photo), records the state `omega status` shows, and forgets the keys when WhatsApp logs the
//!   device out.
//! - Received messages reach the Gateway through the library's *durability hook* ([`intake`]):
//!   WhatsApp is acknowledged only once a message is in Omega's inbox, so a crash loses nothing
//!   (the server delivers it again) and the inbox drops what it already has by message id. Live
//!   messages and the offline queue drained at each reconnect go the same way.
//! - Sending goes through the channel's common sending half ([`super::WhatsApp`]) over
//!   [`WebTransport`], which uses whatever connection is up now.
//! - Everything the channel needs from the connection is the [`WebClient`] trait, so tests drive
//!   it with the library's own message types and a fake connection.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use omega_core::Inbound;
use omega_core::config::WhatsAppConfig;
use parking_lot::RwLock;
use tokio::sync::oneshot;
use whatsapp_rust::Jid;
use whatsapp_rust::wacore::types::events::InboundMessage;

use crate::channel::{Accepted, Receive};
use crate::route::Route;

#[cfg(feature = "test-hooks")]
pub mod fake;
mod inbound;
mod keys;
mod link;
mod qr;

pub use inbound::{AUDIO_REF, IMAGE_REF, Me, addressed_to_me, lid_to_resolve, sender_id, to_inbound};
pub use keys::KeyStore;
pub use link::{
    Connection, Connector, LinkDeps, LinkEvent, LinkState, PairingStep, RealConnector, StartPairing,
    WhatsAppLink, link_state, pair_from_terminal,
};
pub use qr::{qr_png, qr_text};

/// What the channel needs from a live WhatsApp Web connection.
#[async_trait::async_trait]
pub trait WebClient: Send + Sync + 'static {
    /// The account's own identities.
    fn me(&self) -> Me;
    /// When the server last sent anything (keep-alive answers included), in Unix ms.
    fn last_heard_ms(&self) -> Option<i64>;
    async fn send_text(&self, to: Jid, text: String) -> Result<(), super::SendFailure>;
    /// Upload a file (encrypted, to WhatsApp's media servers) and send it: see [`file_message`].
    async fn send_file(&self, to: Jid, file: super::FileToSend) -> Result<(), super::SendFailure>;
    /// A received photo or voice note, by its `IMAGE_REF`/`AUDIO_REF` reference.
    async fn download(&self, reference: &str) -> Result<Vec<u8>, String>;
    /// The phone number (digits) behind a LID, if WhatsApp has told the account.
    async fn phone_of(&self, lid: &Jid) -> Option<String>;
    /// Mark a message read and show "typing…" in its chat (best-effort).
    async fn read_and_typing(&self, chat: &Jid, sender: Option<&Jid>, id: &str);
}

/// Whether WhatsApp Web shows a file as a photo (JPEG or PNG, up to 16 MB) rather than as a
/// document.
pub fn as_photo(file: &super::FileToSend) -> bool {
    matches!(file.mime.to_ascii_lowercase().as_str(), "image/jpeg" | "image/png")
        && file.bytes.len() <= 16 << 20
}

/// Where WhatsApp's media servers put an uploaded file, and its keys and hashes (what
/// `whatsapp_rust`'s `UploadResponse` carries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uploaded {
    pub url: String,
    pub direct_path: String,
    pub media_key: Vec<u8>,
    pub file_sha256: Vec<u8>,
    pub file_enc_sha256: Vec<u8>,
    pub file_length: u64,
    pub media_key_timestamp: i64,
}

impl From<whatsapp_rust::upload::UploadResponse> for Uploaded {
    fn from(u: whatsapp_rust::upload::UploadResponse) -> Self {
        Self {
            url: u.url,
            direct_path: u.direct_path,
            media_key: u.media_key.to_vec(),
            file_sha256: u.file_sha256.to_vec(),
            file_enc_sha256: u.file_enc_sha256.to_vec(),
            file_length: u.file_length,
            media_key_timestamp: u.media_key_timestamp,
        }
    }
}

/// The message that carries an uploaded file: a photo with its caption, or a document with its
/// name, type and caption.
pub fn file_message(up: Uploaded, file: &super::FileToSend) -> whatsapp_rust::waproto::whatsapp::Message {
    use whatsapp_rust::buffa::MessageField;
    use whatsapp_rust::waproto::whatsapp as wa;
    let caption = Some(file.caption.clone()).filter(|c| !c.is_empty());
    if as_photo(file) {
        let image = wa::message::ImageMessage {
            url: Some(up.url),
            direct_path: Some(up.direct_path),
            media_key: Some(up.media_key),
            file_sha256: Some(up.file_sha256),
            file_enc_sha256: Some(up.file_enc_sha256),
            file_length: Some(up.file_length),
            media_key_timestamp: Some(up.media_key_timestamp),
            mimetype: Some(file.mime.clone()),
            caption,
            ..Default::default()
        };
        wa::Message { image_message: MessageField::some(image), ..Default::default() }
    } else {
        let document = wa::message::DocumentMessage {
            url: Some(up.url),
            direct_path: Some(up.direct_path),
            media_key: Some(up.media_key),
            file_sha256: Some(up.file_sha256),
            file_enc_sha256: Some(up.file_enc_sha256),
            file_length: Some(up.file_length),
            media_key_timestamp: Some(up.media_key_timestamp),
            mimetype: Some(file.mime.clone()),
            file_name: Some(file.name.clone()),
            title: Some(file.name.clone()),
            caption,
            ..Default::default()
        };
        wa::Message { document_message: MessageField::some(document), ..Default::default() }
    }
}

/// The connection that is up now, shared by the receiving and the sending half.
pub type ClientSlot = Arc<RwLock<Option<Arc<dyn WebClient>>>>;

/// Where a reply goes: a full JID as received (`…@lid`, `…@s.whatsapp.net`, `…@g.us`), or a
/// phone number in digits.
pub fn parse_recipient(to: &str) -> Result<Jid, String> {
    if !to.is_empty() && to.chars().all(|c| c.is_ascii_digit()) {
        return Ok(Jid::pn(to));
    }
    match to.parse::<Jid>() {
        Ok(j) if to.contains('@') && !j.user.is_empty() => Ok(j),
        _ => Err(format!("`{to}` is not a WhatsApp number (digits only) or chat address")),
    }
}

/// How long the server may stay silent before the connection counts as not proven alive (the
/// library pings an idle connection about every 20–30 s).
const SILENT_LIMIT_MS: i64 = 2 * 60 * 1000;

/// WhatsApp Web as the sending half's [`super::Transport`].
pub struct WebTransport {
    pub slot: ClientSlot,
}

impl WebTransport {
    fn client(&self) -> Result<Arc<dyn WebClient>, String> {
        self.slot.read().clone().ok_or_else(|| "WhatsApp Web is not connected right now".to_owned())
    }
}

#[async_trait::async_trait]
impl super::Transport for WebTransport {
    fn name(&self) -> &'static str {
        "WhatsApp Web"
    }

    fn check_recipient(&self, to: &str) -> Result<(), String> {
        parse_recipient(to).map(|_| ())
    }

    async fn send_text(&self, to: &str, text: &str) -> Result<(), super::SendFailure> {
        let jid = parse_recipient(to).map_err(super::SendFailure::Rejected)?;
        let client = self.client().map_err(super::SendFailure::Transient)?;
        client.send_text(jid, text.to_owned()).await
    }

    async fn send_file(&self, to: &str, file: super::FileToSend) -> Result<(), super::SendFailure> {
        let jid = parse_recipient(to).map_err(super::SendFailure::Rejected)?;
        let client = self.client().map_err(super::SendFailure::Transient)?;
        client.send_file(jid, file).await
    }

    async fn fetch_media(&self, reference: &str) -> Result<Vec<u8>, String> {
        self.client()?.download(reference).await
    }

    async fn mark_read(&self, _message_id: &str) {
        // Done by the receiving half, which knows the chat and the sender.
    }

    async fn probe(&self) -> Result<(), String> {
        let client = self.client()?;
        let now = chrono::Utc::now().timestamp_millis();
        match client.last_heard_ms() {
            Some(at) if now - at <= SILENT_LIMIT_MS => Ok(()),
            Some(at) => Err(format!("nothing heard from WhatsApp for {} s", (now - at) / 1000)),
            None => Err("nothing heard from WhatsApp yet".into()),
        }
    }

    fn stalled_advice(&self) -> &'static str {
        "the linked device is not connected or WhatsApp sends nothing. Check this machine's network, and that \
         Omega is still under Linked devices on the phone (if not, send /whatsapp to link it again)"
    }
}

/// What [`intake`] needs.
#[derive(Clone)]
pub struct IntakeDeps {
    pub config: WhatsAppConfig,
    pub media_dir: PathBuf,
    pub gateway: Route<Receive>,
}

/// Hand a batch of received messages to the Gateway, in order, and answer only once each is
/// stored (or refused, or known already). An error means "do not acknowledge": WhatsApp keeps
/// the batch and delivers it again.
pub async fn intake(
    deps: &IntakeDeps,
    client: Arc<dyn WebClient>,
    batch: &[InboundMessage],
) -> Result<(), String> {
    let me = client.me();
    for msg in batch {
        let phone = match lid_to_resolve(msg) {
            Some(lid) => client.phone_of(&lid).await,
            None => None,
        };
        let Some(inbound) = to_inbound(&deps.config, &deps.media_dir, &me, msg, phone.as_deref()) else {
            continue;
        };
        match hand_in(&deps.gateway, inbound).await {
            Accepted::Queued(_) => {
                // Off the receive path: the hook only stores, then WhatsApp gets its ack.
                let s = &msg.info.source;
                let (chat, sender, id) =
                    (s.chat.clone(), s.is_group.then(|| s.sender.clone()), msg.info.id.clone());
                let client = client.clone();
                tokio::spawn(async move { client.read_and_typing(&chat, sender.as_ref(), &id).await });
            }
            Accepted::Duplicate(_) | Accepted::Denied => {}
            Accepted::Failed(e) => return Err(e),
        }
    }
    Ok(())
}

async fn hand_in(gateway: &Route<Receive>, inbound: Inbound) -> Accepted {
    let (tx, rx) = oneshot::channel();
    if gateway.send(Receive { inbound, ack: Some(tx) }).await.is_err() {
        return Accepted::Failed("the Gateway is not running".into());
    }
    rx.await.unwrap_or_else(|_| Accepted::Failed("the Gateway dropped the message".into()))
}

/// Whether `data_dir`'s store holds a paired WhatsApp Web account (for `omega status`).
pub async fn paired(store: &omega_memory::Store) -> bool {
    KeyStore::new(store.clone()).paired().await.unwrap_or(false)
}

/// Where photos and voice notes wait.
pub fn media_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("media")
}
