//! The Outbox actor: the last hop. Hands replies to their channel and records the confirmation.
//!
//! Every reply and error is first written to the `outbox` table (in the same transaction that
//! finishes its message); the Outbox then delivers it. Only when the channel answers `Ok` is the
//! row marked delivered. A failed delivery is retried with back-off; a reply whose channel is not
//! running stays queued until that channel registers (e.g. the next `omega chat`). At start-up every
//! undelivered row is sent again, so a crash between "answered" and "delivered" loses nothing.
//!
//! Notices ("Got it, I'll get to this next.", the deny message) are not the outcome of a message;
//! they go out once, best-effort, without a row.

use actix::prelude::*;
use omega_core::{InboxId, OutboundKind, OutboxId};
use omega_memory::{OutboxRow, Store};
use std::collections::{HashMap, HashSet};
use std::time::Duration;

use crate::channel::{Deliver, DeliveryError, Preview};
use crate::guard::ChildGuard;
use crate::route::Route;

/// What the message path needs of the Outbox, one route per message; they follow its restarts.
#[derive(Debug, Clone, Default)]
pub struct OutboxRoutes {
    /// A stored reply to deliver.
    pub dispatch: Route<Dispatch>,
    /// A notice, best-effort.
    pub notify: Route<Notify>,
    /// An answer shown while it is generated.
    pub preview: Route<ShowPreview>,
}

impl OutboxRoutes {
    pub fn rebind(&self, addr: &Addr<Outbox>) {
        self.dispatch.rebind(addr.clone().recipient());
        self.notify.rebind(addr.clone().recipient());
        self.preview.rebind(addr.clone().recipient());
    }

    pub fn unbind(&self) {
        self.dispatch.unbind();
        self.notify.unbind();
        self.preview.unbind();
    }
}

/// After this many failed attempts a row is marked failed and no longer retried.
pub const MAX_DELIVERY_ATTEMPTS: i64 = 8;

/// A channel is running and can take deliveries.
#[derive(Message)]
#[rtype(result = "()")]
pub struct RegisterChannel {
    pub name: String,
    pub recipient: Recipient<Deliver>,
}

/// A channel shows answers while they are generated.
#[derive(Message)]
#[rtype(result = "()")]
pub struct RegisterPreviews {
    pub name: String,
    pub recipient: Recipient<Preview>,
}

/// Deliver a stored outbox row.
#[derive(Message, Debug, Clone)]
#[rtype(result = "()")]
pub struct Dispatch(pub OutboxRow);

/// Send a best-effort notice (not stored, not retried).
#[derive(Message, Debug, Clone)]
#[rtype(result = "()")]
pub struct Notify {
    pub channel: String,
    pub recipient: String,
    pub text: String,
    pub in_reply_to: Option<InboxId>,
}

/// Deliver everything still pending in the outbox (start-up).
#[derive(Message)]
#[rtype(result = "()")]
pub struct FlushOutbox;

/// Write the pending delivered marks now (shutdown).
#[derive(Message)]
#[rtype(result = "()")]
pub struct FlushDelivered;

/// A delivery attempt finished.
#[derive(Message)]
#[rtype(result = "()")]
struct Attempted {
    row: OutboxRow,
    result: Result<(), DeliveryError>,
}

pub struct Outbox {
    store: Store,
    channels: HashMap<String, Recipient<Deliver>>,
    previews: HashMap<String, Recipient<Preview>>,
    /// Rows with a delivery under way, so a flush and a dispatch never send one twice at once.
    delivering: HashSet<i64>,
    /// Recipients with a send under way, and the rows waiting behind it: one at a time per
    /// recipient, so a reply's parts and files arrive in the order they were stored.
    sending: HashMap<(String, String), std::collections::VecDeque<OutboxRow>>,
    /// Confirmed deliveries not yet marked in the database. A mark is written as soon as the
    /// previous mark write is done, so under load marks batch themselves and when idle each is
    /// written at once. A crash in the moment between a channel's confirmation and its mark means
    /// that reply is delivered again after the restart (at least once, never lost).
    delivered: Vec<OutboxId>,
    marking: bool,
    /// The first retry waits this long; each later one twice as long as the one before.
    retry_base: Duration,
    _guard: ChildGuard,
}

impl Outbox {
    pub fn new(store: Store, guard: ChildGuard) -> Self {
        Self {
            store,
            channels: HashMap::new(),
            previews: HashMap::new(),
            delivering: HashSet::new(),
            sending: HashMap::new(),
            delivered: Vec::new(),
            marking: false,
            retry_base: Duration::from_secs(1),
            _guard: guard,
        }
    }

    /// Change the retry back-off's starting delay (tests use milliseconds).
    pub fn with_retry_base(mut self, base: Duration) -> Self {
        self.retry_base = base;
        self
    }

    fn deliver(&mut self, row: OutboxRow, ctx: &mut Context<Self>) {
        let Some(channel) = self.channels.get(&row.channel).cloned() else {
            tracing::debug!(channel = %row.channel, id = row.id, "channel not running; reply stays queued");
            return;
        };
        if !self.delivering.insert(row.id) {
            return;
        }
        let to = (row.channel.clone(), row.recipient.clone());
        match self.sending.get_mut(&to) {
            Some(waiting) => waiting.push_back(row),
            None => {
                self.sending.insert(to, Default::default());
                self.send(channel, row, ctx);
            }
        }
    }

    /// The recipient's send is over: the next row waiting for them goes, if any.
    fn next_for(&mut self, channel: &str, recipient: &str, ctx: &mut Context<Self>) {
        let to = (channel.to_owned(), recipient.to_owned());
        let Some(row) = self.sending.get_mut(&to).and_then(|w| w.pop_front()) else {
            self.sending.remove(&to);
            return;
        };
        match self.channels.get(channel).cloned() {
            Some(route) => self.send(route, row, ctx),
            None => {
                // The channel stopped meanwhile: the rows stay queued in the database.
                self.delivering.remove(&row.id);
                self.next_for(channel, recipient, ctx);
            }
        }
    }

    fn send(&mut self, channel: Recipient<Deliver>, row: OutboxRow, ctx: &mut Context<Self>) {
        let msg = Deliver {
            outbox_id: Some(OutboxId(row.id)),
            recipient: row.recipient.clone(),
            text: row.text.clone(),
            kind: OutboundKind::parse(&row.kind).unwrap_or(OutboundKind::Reply),
            in_reply_to: row.inbox_id.map(InboxId),
            file: row.file(),
        };
        let me = ctx.address();
        actix_rt::spawn(async move {
            let sending = std::time::Instant::now();
            let result = match channel.send(msg).await {
                Ok(r) => {
                    if r.is_ok() {
                        crate::stages::observe("delivery", sending.elapsed());
                    }
                    r
                }
                Err(e) => {
                    Err(DeliveryError::Transient(format!("channel {} is not responding: {e}", row.channel)))
                }
            };
            me.do_send(Attempted { row, result });
        });
    }

    fn confirm(&mut self, id: OutboxId, ctx: &mut Context<Self>) {
        self.delivered.push(id);
        if !self.marking {
            self.write_marks(ctx);
        }
    }

    fn write_marks(&mut self, ctx: &mut Context<Self>) {
        let ids = std::mem::take(&mut self.delivered);
        if ids.is_empty() {
            return;
        }
        self.marking = true;
        let store = self.store.clone();
        ctx.spawn(
            async move {
                let r = store.mark_delivered_many(ids.clone()).await;
                (ids, r)
            }
            .into_actor(self)
            .map(|(ids, r), act, ctx| {
                act.marking = false;
                for id in &ids {
                    act.delivering.remove(&id.0);
                }
                if let Err(e) = r {
                    tracing::error!(error = %e, count = ids.len(), "cannot mark replies delivered; they may be sent again after a restart");
                }
                // Marks that arrived meanwhile go in one write.
                act.write_marks(ctx);
            }),
        );
    }

    fn flush(&mut self, only_channel: Option<String>, ctx: &mut Context<Self>) {
        let store = self.store.clone();
        ctx.spawn(async move { store.undelivered().await }.into_actor(self).map(move |rows, act, ctx| {
            match rows {
                Ok(rows) => {
                    for row in rows {
                        if only_channel.as_ref().is_none_or(|c| *c == row.channel) {
                            act.deliver(row, ctx);
                        }
                    }
                }
                Err(e) => tracing::error!(error = %e, "cannot read the outbox"),
            }
        }));
    }
}

impl Actor for Outbox {
    type Context = Context<Self>;
}

impl Handler<RegisterChannel> for Outbox {
    type Result = ();

    fn handle(&mut self, msg: RegisterChannel, ctx: &mut Context<Self>) {
        tracing::debug!(channel = %msg.name, "channel registered with the outbox");
        self.channels.insert(msg.name.clone(), msg.recipient);
        self.flush(Some(msg.name), ctx);
    }
}

impl Handler<RegisterPreviews> for Outbox {
    type Result = ();

    fn handle(&mut self, msg: RegisterPreviews, _: &mut Context<Self>) {
        self.previews.insert(msg.name, msg.recipient);
    }
}

/// A channel is gone for good (its restart budget ran out): replies to it stay queued, to be
/// delivered when it is back (the next start), instead of being retried against a dead address.
#[derive(Message, Debug, Clone)]
#[rtype(result = "()")]
pub struct UnregisterChannel {
    pub name: String,
}

impl Handler<UnregisterChannel> for Outbox {
    type Result = ();

    fn handle(&mut self, msg: UnregisterChannel, _: &mut Context<Self>) {
        self.channels.remove(&msg.name);
        self.previews.remove(&msg.name);
    }
}

/// A preview for a channel, by name.
#[derive(Message, Debug, Clone)]
#[rtype(result = "()")]
pub struct ShowPreview {
    pub channel: String,
    pub preview: Preview,
}

impl Handler<ShowPreview> for Outbox {
    type Result = ();

    fn handle(&mut self, msg: ShowPreview, _: &mut Context<Self>) {
        if let Some(r) = self.previews.get(&msg.channel) {
            r.do_send(msg.preview);
        }
    }
}

impl Handler<Dispatch> for Outbox {
    type Result = ();

    fn handle(&mut self, msg: Dispatch, ctx: &mut Context<Self>) {
        self.deliver(msg.0, ctx);
    }
}

impl Handler<FlushOutbox> for Outbox {
    type Result = ();

    fn handle(&mut self, _: FlushOutbox, ctx: &mut Context<Self>) {
        self.flush(None, ctx);
    }
}

impl Handler<Notify> for Outbox {
    type Result = ();

    fn handle(&mut self, msg: Notify, _: &mut Context<Self>) {
        let Some(channel) = self.channels.get(&msg.channel) else {
            return;
        };
        channel.do_send(Deliver {
            outbox_id: None,
            recipient: msg.recipient,
            text: msg.text,
            kind: OutboundKind::Notice,
            in_reply_to: msg.in_reply_to,
            file: None,
        });
    }
}

impl Handler<FlushDelivered> for Outbox {
    type Result = ResponseActFuture<Self, ()>;

    fn handle(&mut self, _: FlushDelivered, _: &mut Context<Self>) -> Self::Result {
        let ids = std::mem::take(&mut self.delivered);
        let store = self.store.clone();
        Box::pin(
            async move {
                if let Err(e) = store.mark_delivered_many(ids).await {
                    tracing::error!(error = %e, "cannot mark replies delivered at shutdown");
                }
            }
            .into_actor(self),
        )
    }
}

impl Handler<Attempted> for Outbox {
    type Result = ();

    fn handle(&mut self, msg: Attempted, ctx: &mut Context<Self>) {
        let store = self.store.clone();
        let Attempted { row, result } = msg;
        self.next_for(&row.channel, &row.recipient, ctx);
        let id = OutboxId(row.id);
        // A sent file's copy has done its work (the HTTP API keeps it for the client to fetch);
        // so has one that will never be sent.
        let done = match &result {
            Ok(()) => row.channel != omega_channels::http_api::CHANNEL,
            Err(e) => matches!(e, DeliveryError::Permanent(_)) || row.attempts + 1 >= MAX_DELIVERY_ATTEMPTS,
        };
        if done && let Some(path) = row.file_path.clone() {
            actix_rt::spawn(async move {
                let _ = tokio::fs::remove_file(path).await;
            });
        }
        match result {
            Ok(()) => self.confirm(id, ctx),
            Err(err) => {
                let attempts = row.attempts + 1;
                let give_up = matches!(err, DeliveryError::Permanent(_)) || attempts >= MAX_DELIVERY_ATTEMPTS;
                tracing::warn!(id = row.id, channel = %row.channel, attempts, give_up, error = %err, "delivery failed");
                let text = err.to_string();
                // A file the channel will not take: the person hears why instead of nothing.
                if give_up && let Some(name) = row.file_name.clone() {
                    let (store, notify, why) = (store.clone(), ctx.address(), text.clone());
                    let (channel, recipient) = (row.channel.clone(), row.recipient.clone());
                    actix_rt::spawn(async move {
                        let key = omega_core::SessionKey::new(&channel, &recipient);
                        let lang = crate::effects::person_lang(&store, &key, "").await;
                        let text = omega_core::tr!(lang, "file-not-delivered", name = name, why = why);
                        notify.do_send(Notify { channel, recipient, text, in_reply_to: None });
                    });
                }
                ctx.spawn(
                    async move { store.mark_delivery_failed(id, &text, give_up).await }.into_actor(self).map(
                        move |_, act, ctx| {
                            act.delivering.remove(&id.0);
                            if !give_up {
                                let delay = act.retry_base * (1u32 << attempts.clamp(0, 6));
                                let mut row = row;
                                row.attempts = attempts;
                                ctx.run_later(delay, move |act, ctx| act.deliver(row, ctx));
                            }
                        },
                    ),
                );
            }
        }
    }
}
