//! The contract every channel actor fulfils, and [`LocalChannel`], the in-process channel behind
//! the HTTP API, the terminal, `omega ask` and embedding programs.
//!
//! A channel does I/O only: it hands what people send to the Gateway ([`crate::gateway::Receive`])
//! and sends what it is given ([`Deliver`]), answering whether that worked.

use actix::prelude::*;
use omega_core::{Inbound, InboxId, OutboundKind, OutboxId};
use std::collections::{HashMap, VecDeque};
use tokio::sync::oneshot;

/// A message from a channel, before auth.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Receive {
    pub inbound: Inbound,
    /// Answered once the message is stored (or refused); a channel acknowledges upstream only
    /// then (e.g. commits its Telegram offset).
    pub ack: Option<oneshot::Sender<Accepted>>,
}

/// What became of a received message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accepted {
    /// Stored in the inbox; it will be answered.
    Queued(InboxId),
    /// The channel delivered it before; it is not handled twice.
    Duplicate(InboxId),
    /// The sender is not allowed. The deny message (if any) was sent.
    Denied,
    /// It could not be stored; the channel should not acknowledge it.
    Failed(String),
}

/// Send a message to a person. The answer tells the Outbox whether to mark it delivered.
#[derive(Message, Debug, Clone, PartialEq)]
#[rtype(result = "Result<(), DeliveryError>")]
pub struct Deliver {
    /// The outbox row, when the message is durable (replies and errors are; notices are not).
    pub outbox_id: Option<OutboxId>,
    pub recipient: String,
    pub text: String,
    pub kind: OutboundKind,
    pub in_reply_to: Option<InboxId>,
    /// A file to send, `text` being its caption.
    pub file: Option<omega_core::OutFile>,
}

/// Link WhatsApp Web (from `/whatsapp`): its QR codes go to `to` as photos (or text, without a
/// photo route), and the outcome after them. Answers what to tell the person now.
#[derive(Message)]
#[rtype(result = "String")]
pub struct StartPairing {
    /// (channel, recipient) to send the codes to.
    pub to: (String, String),
    /// The language to speak to them in.
    pub lang: omega_core::i18n::Lang,
}

/// A QR code for a person, as a photo: sent as a new photo that replaces the previous one
/// (`replace`, deleted once the new one is up). Answers the new photo's message id.
#[derive(Message, Debug, Clone)]
#[rtype(result = "Result<i64, String>")]
pub struct SendPhoto {
    pub recipient: String,
    pub png: Vec<u8>,
    pub caption: String,
    pub replace: Option<i64>,
}

/// The answer so far, while it is being generated (markers already held back). Best-effort: a
/// channel may show it (Telegram edits one message as it grows) or ignore it; the final answer
/// still arrives as a [`Deliver`].
#[derive(Message, Debug, Clone, PartialEq)]
#[rtype(result = "()")]
pub struct Preview {
    pub recipient: String,
    pub in_reply_to: InboxId,
    pub text: String,
}

/// Why a delivery failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryError {
    /// Try again later (network down, rate limited).
    Transient(String),
    /// Trying again cannot help (the chat no longer exists).
    Permanent(String),
}

impl std::fmt::Display for DeliveryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Transient(e) => write!(f, "temporary delivery failure: {e}"),
            Self::Permanent(e) => write!(f, "delivery failed: {e}"),
        }
    }
}

/// The outcome of a message, as a local caller receives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub inbox_id: InboxId,
    pub outbox_id: Option<OutboxId>,
    pub kind: OutboundKind,
    pub text: String,
}

/// Register interest in the outcome (reply or error) of one message.
#[derive(Message)]
#[rtype(result = "()")]
pub struct AwaitReply {
    pub inbox_id: InboxId,
    pub tx: oneshot::Sender<Reply>,
}

/// What a local channel does with each delivery besides resolving waiters (the terminal prints).
pub type Sink = std::sync::Arc<dyn Fn(&Deliver) + Send + Sync>;

/// How many unclaimed outcomes a local channel remembers for callers that ask late.
const EARLY_CAPACITY: usize = 4096;

/// An in-process channel: outcomes go to whoever awaits them.
///
/// A reply can arrive before its caller registers ([`AwaitReply`]) — a fast provider beats the
/// HTTP handler — so unclaimed outcomes are kept (bounded) and handed over on registration.
pub struct LocalChannel {
    name: String,
    waiters: HashMap<InboxId, oneshot::Sender<Reply>>,
    early: HashMap<InboxId, Reply>,
    early_order: VecDeque<InboxId>,
    sink: Option<Sink>,
    /// Reports this actor's end to the Supervisor (`None` when started alone).
    _guard: Option<crate::guard::ChildGuard>,
}

impl LocalChannel {
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            waiters: HashMap::new(),
            early: HashMap::new(),
            early_order: VecDeque::new(),
            sink: None,
            _guard: None,
        }
    }

    /// Do `sink` with every delivery (the terminal prints it). A sink that panics takes the
    /// channel down; the Supervisor starts a fresh one and the Outbox delivers to it again.
    pub fn with_sink(mut self, sink: impl Fn(&Deliver) + Send + Sync + 'static) -> Self {
        self.sink = Some(std::sync::Arc::new(sink));
        self
    }

    /// A fresh channel like this one (same name and sink, nobody waiting): what a restart starts.
    pub fn fresh(&self) -> Self {
        Self { sink: self.sink.clone(), ..Self::new(&self.name) }
    }

    /// This channel as a child of the Supervisor.
    pub fn supervised(mut self, guard: crate::guard::ChildGuard) -> Self {
        self._guard = Some(guard);
        self
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Actor for LocalChannel {
    type Context = Context<Self>;
}

impl Handler<Deliver> for LocalChannel {
    type Result = Result<(), DeliveryError>;

    fn handle(&mut self, msg: Deliver, _: &mut Context<Self>) -> Self::Result {
        if let Some(sink) = &self.sink {
            sink(&msg);
        }
        // A file is not the answer itself (that is the reply row, delivered first).
        let Some(id) = msg.in_reply_to.filter(|_| msg.kind.is_outcome() && msg.file.is_none()) else {
            return Ok(());
        };
        let reply = Reply { inbox_id: id, outbox_id: msg.outbox_id, kind: msg.kind, text: msg.text };
        match self.waiters.remove(&id) {
            Some(tx) => {
                let _ = tx.send(reply);
            }
            None => {
                if self.early.len() >= EARLY_CAPACITY
                    && let Some(old) = self.early_order.pop_front()
                {
                    self.early.remove(&old);
                }
                self.early.insert(id, reply);
                self.early_order.push_back(id);
            }
        }
        Ok(())
    }
}

impl Handler<AwaitReply> for LocalChannel {
    type Result = ();

    fn handle(&mut self, msg: AwaitReply, _: &mut Context<Self>) {
        match self.early.remove(&msg.inbox_id) {
            Some(reply) => {
                self.early_order.retain(|i| *i != msg.inbox_id);
                let _ = msg.tx.send(reply);
            }
            None => {
                self.waiters.retain(|_, tx| !tx.is_closed());
                self.waiters.insert(msg.inbox_id, msg.tx);
            }
        }
    }
}

/// Fetch a file a message came with by the channel's reference to it (an attachment's
/// `fetch`); answered with its bytes or why not.
#[derive(Message, Debug, Clone, PartialEq, Eq)]
#[rtype(result = "Result<Vec<u8>, String>")]
pub struct FetchMedia {
    pub reference: String,
}

/// How many times [`await_reply`] looks for a restarted channel (every 50 ms while none is up).
const FOLLOW_RESTARTS: usize = 100;

/// Wait for the outcome of message `id` on the local channel in `slot`, following the channel's
/// restarts (a waiter dies with the actor that held it; the Outbox delivers to the new one, or
/// it kept the outcome for a late caller). `None` once the channel is gone for good.
pub async fn await_reply(slot: &crate::slot::Slot<LocalChannel>, id: InboxId) -> Option<Reply> {
    for _ in 0..FOLLOW_RESTARTS {
        let addr = slot.get()?;
        if !addr.connected() {
            // Down, and the Supervisor has not bound the fresh one yet.
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            continue;
        }
        let (tx, rx) = oneshot::channel();
        addr.do_send(AwaitReply { inbox_id: id, tx });
        if let Ok(reply) = rx.await {
            return Some(reply);
        }
    }
    None
}
