//! A fake WhatsApp Web connection for tests (the `test-hooks` feature): no public mock of the
//! WhatsApp servers exists, so tests drive the channel behind its own traits. Messages are the
//! library's own types, made with its builders; they go in through the same [`intake`] the
//! library's durability hook calls.

use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::mpsc;
use whatsapp_rust::Jid;
use whatsapp_rust::wacore::types::events::InboundMessage;

use super::{Connection, Connector, IntakeDeps, KeyStore, LinkEvent, Me, WebClient, intake};
use crate::whatsapp::SendFailure;

/// What the fake client was asked to do.
#[derive(Debug, Default)]
pub struct FakeRecord {
    /// (to, text) of every send that went through.
    pub sent: Vec<(String, String)>,
    /// (to, the message) of every file sent, built as the real client builds it.
    pub files: Vec<(String, whatsapp_rust::waproto::whatsapp::Message)>,
    /// (chat, message id) marked read.
    pub read: Vec<(String, String)>,
    /// Sends refused: the next this many fail as "not connected".
    pub fail_sends: usize,
}

/// A connected account.
pub struct FakeClient {
    pub me: Me,
    /// LID user → phone digits, as WhatsApp would have told the account.
    pub lids: HashMap<String, String>,
    /// Media references → bytes.
    pub media: HashMap<String, Vec<u8>>,
    pub record: Arc<Mutex<FakeRecord>>,
    /// When the server was last heard (Unix ms); `None` = never.
    pub heard_ms: Arc<Mutex<Option<i64>>>,
}

impl FakeClient {
    pub fn new(pn: &str, lid: &str) -> Self {
        Self {
            me: Me { pn: Some(pn.to_owned()), lid: Some(lid.to_owned()) },
            lids: HashMap::new(),
            media: HashMap::new(),
            record: Arc::default(),
            heard_ms: Arc::new(Mutex::new(Some(chrono::Utc::now().timestamp_millis()))),
        }
    }
}

#[async_trait::async_trait]
impl WebClient for FakeClient {
    fn me(&self) -> Me {
        self.me.clone()
    }

    fn last_heard_ms(&self) -> Option<i64> {
        *self.heard_ms.lock()
    }

    async fn send_text(&self, to: Jid, text: String) -> Result<(), SendFailure> {
        let mut r = self.record.lock();
        if r.fail_sends > 0 {
            r.fail_sends -= 1;
            return Err(SendFailure::Transient("WhatsApp Web is not connected right now".into()));
        }
        r.sent.push((to.to_string(), text));
        Ok(())
    }

    async fn send_file(&self, to: Jid, file: crate::whatsapp::FileToSend) -> Result<(), SendFailure> {
        // What the media servers would answer: where the encrypted file is, and its hashes.
        let upload = super::Uploaded {
            url: "https://mmg.whatsapp.net/fake".into(),
            direct_path: "/v/fake".into(),
            media_key: vec![1; 32],
            file_sha256: vec![2; 32],
            file_enc_sha256: vec![3; 32],
            file_length: file.bytes.len() as u64,
            media_key_timestamp: 0,
        };
        let message = super::file_message(upload, &file);
        self.record.lock().files.push((to.to_string(), message));
        Ok(())
    }

    async fn download(&self, reference: &str) -> Result<Vec<u8>, String> {
        self.media.get(reference).cloned().ok_or_else(|| "no such media".to_owned())
    }

    async fn phone_of(&self, lid: &Jid) -> Option<String> {
        self.lids.get(lid.user.as_str()).cloned()
    }

    async fn read_and_typing(&self, chat: &Jid, _sender: Option<&Jid>, id: &str) {
        self.record.lock().read.push((chat.to_string(), id.to_owned()));
    }
}

/// An open connection: where its events go, how its messages go in, its keys.
type Open = (mpsc::UnboundedSender<LinkEvent>, IntakeDeps, KeyStore);

/// The test's side of a fake connection: emit events, deliver messages.
#[derive(Clone)]
pub struct FakeLink {
    inner: Arc<Mutex<Option<Open>>>,
    /// How many times Omega connected.
    pub connects: Arc<Mutex<usize>>,
    /// How many connections Omega shut down.
    pub shutdowns: Arc<Mutex<usize>>,
    /// On shutdown, write this account's device back to the store first, as the library's
    /// final flush does.
    pub flush_on_shutdown: Arc<Mutex<Option<Me>>>,
}

impl FakeLink {
    pub fn new() -> Self {
        Self {
            inner: Arc::default(),
            connects: Arc::default(),
            shutdowns: Arc::default(),
            flush_on_shutdown: Arc::default(),
        }
    }

    /// Whether Omega has a connection open now.
    pub fn connected(&self) -> bool {
        self.inner.lock().is_some()
    }

    /// Emit `event` on the open connection; `false` if none is open.
    pub fn emit(&self, event: LinkEvent) -> bool {
        self.inner.lock().as_ref().is_some_and(|(tx, _, _)| tx.send(event).is_ok())
    }

    /// Mark the account paired in the store (what a real pairing leaves behind).
    pub async fn pair(&self, store: &omega_memory::Store, me: &Me) {
        save_device(&KeyStore::new(store.clone()), me).await;
    }

    /// Deliver a batch the way the durability hook does; `Err` = not acknowledged.
    pub async fn deliver(&self, client: Arc<dyn WebClient>, batch: &[InboundMessage]) -> Result<(), String> {
        let deps = self.inner.lock().as_ref().map(|(_, d, _)| d.clone()).ok_or("not connected")?;
        intake(&deps, client, batch).await
    }
}

impl Default for FakeLink {
    fn default() -> Self {
        Self::new()
    }
}

async fn save_device(keys: &KeyStore, me: &Me) {
    use whatsapp_rust::wacore::store::traits::DeviceStore;
    let mut device = whatsapp_rust::wacore::store::Device::new();
    device.pn = me.pn.as_deref().map(Jid::pn);
    device.lid = me.lid.as_deref().map(Jid::lid);
    keys.save(&device).await.expect("save the device");
}

struct FakeConnection(FakeLink);

#[async_trait::async_trait]
impl Connection for FakeConnection {
    async fn shutdown(self: Box<Self>) {
        let open = self.0.inner.lock().take();
        let flush = self.0.flush_on_shutdown.lock().clone();
        if let (Some((_, _, keys)), Some(me)) = (open, flush) {
            // A moment later than the caller might expect, as a real flush is.
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            save_device(&keys, &me).await;
        }
        *self.0.shutdowns.lock() += 1;
    }
}

#[async_trait::async_trait]
impl Connector for FakeLink {
    async fn connect(
        &self,
        keys: KeyStore,
        deps: IntakeDeps,
        events: mpsc::UnboundedSender<LinkEvent>,
        _pair_phone: Option<String>,
    ) -> Result<Box<dyn Connection>, String> {
        *self.inner.lock() = Some((events, deps, keys));
        *self.connects.lock() += 1;
        Ok(Box::new(FakeConnection(self.clone())))
    }
}
