//! The Supervisor: builds the actor tree and keeps it alive.
//!
//! ```text
//! System
//! └── Supervisor                  one-for-one restarts, 5 per minute per child
//!     ├── Outbox                  delivers stored replies to channels, retries, flushes at start
//!     ├── Telegram                delivery half: sends, edits previews, "typing…"
//!     ├── Markers                 provider output → clean text; effects → owners [work arbiter]
//!     ├── Provider × backend      one client each (default, then fallbacks); shared global limit
//!     ├── ProviderRouter          the fallback chain over the backends' actors (with fallbacks)
//!     ├── Sandbox                 tool calls (panics caught, restart = fresh ToolBox) [work arbiter]
//!     ├── Gateway                 auth, sanitize, routes to sessions; keeps the job queue
//!     │   ├── Session × sender    strictly ordered per sender, senders in parallel, stops when idle
//!     │   └── JobRunner × job     a background job, beside its sender's session ([jobs] limits)
//!     ├── TelegramPoller          receiving half: long polling, offset committed after the inbox
//!     ├── Scheduler               one timer for the next due task; fires reminders and actions
//!     ├── Summarizer              closes idle conversations with a summary and facts
//!     ├── Heartbeat               clock-aligned self-check; owns the checklist
//!     └── Local × channel         in-process channels: terminal, the HTTP API's, an embedder's
//! The HTTP server itself runs on actix-web's worker (a panicking request is its own); custom
//! channels an embedder starts register with the Supervisor (for the Outbox, and to be stopped in
//! order). Children the config turns off are not started. `Shutdown` stops them in the order drawn on
//! its handler.
//! ```
//!
//! Actix's own `Supervisor` restarts an actor that *stops*, but a panic inside a handler drops
//! the actor with no restart. So every child here carries a [`ChildGuard`]: its `Drop` runs during
//! the unwind and tells this Supervisor, which starts a fresh actor and re-points the
//! [`Route`]/[`Slot`] everyone else holds. A child that keeps crashing exhausts its
//! [`RestartBudget`] and is left down; callers then get clear errors instead of a crash loop.
//!
//! Provider and Markers live on a second arbiter (thread) so parsing and HTTP work use the second
//! core while the Gateway and sessions keep the first.

use actix::prelude::*;
use omega_core::supervision::RestartBudget;
use omega_memory::Store;
use omega_providers::Provider;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::Semaphore;

use crate::channel::Deliver;
use crate::channel::Preview;
use crate::effects::{EditChecklist, TaskRoutes};
use crate::gateway::{Gateway, GatewaySettings, RecoverInbox, StopGateway};
pub use crate::guard::{Child, ChildDown, ChildGuard, Pause, StopChild};
use crate::heartbeat::{GetHeartbeat, Heartbeat, HeartbeatDeps, HeartbeatSettings, RearmHeartbeat};
use crate::markers::{Markers, MarkersDeps, MarkersRoutes, MarkersSettings};
use crate::outbox::{FlushOutbox, Outbox, RegisterChannel, RegisterPreviews};
use crate::provider::{CheckProvider, Complete, ProviderActor};
use crate::route::Route;
use crate::sandbox::{ListTools, RunTool, SandboxActor};
use crate::scheduler::{ActionDone, Rearm, Scheduler};
use crate::session::{SessionDeps, SessionSettings};
use crate::slot::Slot;
use crate::summarizer::{Nudge, SummarizeAll, Summarizer, SummarizerSettings};

/// The addresses the rest of the system uses. They follow restarts.
#[derive(Clone, Debug)]
pub struct Tree {
    pub store: Store,
    pub outbox: Slot<Outbox>,
    /// What the message path needs of the Outbox.
    pub outbox_routes: crate::outbox::OutboxRoutes,
    pub gateway: Slot<Gateway>,
    /// The Gateway as a receiver of messages (what the Scheduler needs of it).
    pub gateway_receive: Route<crate::channel::Receive>,
    /// The Gateway as the keeper of background jobs (what Markers and the commands need of it).
    pub jobs: crate::effects::JobRoutes,
    /// Where provider calls go: the one backend's actor, or the router over the chain.
    pub provider: Route<Complete>,
    /// The default backend's actor (its health).
    pub provider_check: Route<CheckProvider>,
    /// Each backend's actor, in chain order.
    pub backends: Vec<Route<Complete>>,
    pub markers: MarkersRoutes,
    pub tools_list: Route<ListTools>,
    pub tools_run: Route<RunTool>,
    pub tools_close: Route<crate::sandbox::CloseTools>,
    pub scheduler: Route<Rearm>,
    /// The Scheduler as the owner of tasks (what Markers and `/cancel` need of it).
    pub tasks: TaskRoutes,
    pub action_done: Route<ActionDone>,
    /// The Scheduler's address (state queries); follows restarts like the others.
    pub scheduler_state: Route<crate::scheduler::GetState>,
    pub summarizer: Route<Nudge>,
    pub compact: Route<crate::summarizer::Compact>,
    pub summarize_all: Route<SummarizeAll>,
    pub summarizer_recheck: Route<crate::summarizer::Recheck>,
    pub heartbeat: Route<RearmHeartbeat>,
    /// The Heartbeat as the owner of its checklist (what Markers needs of it).
    pub heartbeat_edit: Route<EditChecklist>,
    /// Stop starting work, at shutdown.
    pub pause: Vec<Route<Pause>>,
    pub heartbeat_state: Route<GetHeartbeat>,
    pub heartbeat_clock: Route<crate::heartbeat::ClockMoved>,
    /// The Telegram channel's delivery half, when Telegram is on.
    #[cfg(feature = "telegram")]
    pub telegram: Slot<crate::telegram::TelegramChannel>,
    /// The Telegram channel as the source of its messages' photos and voice notes.
    pub telegram_media: Route<crate::channel::FetchMedia>,
    /// The WhatsApp channel as the source of its messages' photos and voice notes.
    pub whatsapp_media: Route<crate::channel::FetchMedia>,
    /// The WhatsApp channel, told which received messages to mark read ("typing…").
    #[cfg(feature = "whatsapp")]
    pub whatsapp_read: Route<crate::whatsapp::MarkRead>,
    /// WhatsApp Web's connection, asked to pair by `/whatsapp`.
    pub whatsapp_pairing: Route<crate::channel::StartPairing>,
    /// Telegram's photo sender (the WhatsApp QR code for `/whatsapp`).
    pub telegram_photo: Route<crate::channel::SendPhoto>,
    /// The in-process channels (terminal, HTTP API, an embedder's), by name.
    pub locals: Vec<(String, Slot<crate::channel::LocalChannel>)>,
}

impl Tree {
    /// The actors of this tree that still run (their mailbox is open).
    pub fn running(&self) -> Vec<&'static str> {
        let checks: [(&'static str, bool); 10] = [
            ("Outbox", self.outbox.get().is_some_and(|a| a.connected())),
            ("Gateway", self.gateway.get().is_some_and(|a| a.connected())),
            ("Provider", self.provider.is_bound()),
            ("Markers", self.markers.is_bound()),
            ("Sandbox", self.tools_run.is_bound()),
            ("Scheduler", self.scheduler.is_bound()),
            ("Summarizer", self.summarizer.is_bound()),
            ("Heartbeat", self.heartbeat.is_bound()),
            ("Provider (checks)", self.provider_check.is_bound()),
            ("Telegram", self.telegram_media.is_bound()),
        ];
        checks.into_iter().filter(|(_, up)| *up).map(|(name, _)| name).collect()
    }
}

/// What the Supervisor builds its children from.
pub struct Spec {
    pub store: Store,
    /// The backends, default first, then the fallbacks: one actor each.
    pub providers: Vec<Arc<dyn Provider>>,
    /// Builds the tools for each start of the Sandbox actor; `None` = the tool loop is off.
    pub tools: Option<crate::sandbox::ToolsFactory>,
    /// How due tasks fire; `None` = no Scheduler (tasks are kept but never fire).
    pub scheduler: Option<omega_memory::schedule::FirePolicy>,
    /// The first retry of a failed scheduled action waits this long (then twice as long...).
    pub action_retry_base: std::time::Duration,
    /// Closing idle conversations; `None` = conversations stay open.
    pub summarizer: Option<SummarizerSettings>,
    /// Summarize every active conversation on a graceful shutdown.
    pub summarize_on_shutdown: bool,
    /// The periodic self-check; `None` = off.
    pub heartbeat: Option<HeartbeatSettings>,
    pub max_concurrent: usize,
    pub gateway: GatewaySettings,
    pub session: SessionSettings,
    /// The Telegram channel (both halves supervised); `None` = off.
    pub telegram: Option<TelegramSpec>,
    /// The WhatsApp channel's sending half; `None` = off.
    pub whatsapp: Option<WhatsAppSpec>,
    /// In-process channels (the terminal, the HTTP API's, an embedder's): each started (and
    /// restarted) as a fresh copy of its template here.
    pub locals: Vec<crate::channel::LocalChannel>,
}

/// What the Telegram channel is built from, at each (re)start.
#[derive(Clone)]
pub struct TelegramSpec {
    pub config: omega_core::config::TelegramConfig,
    pub voice: omega_core::config::VoiceConfig,
    /// Where photos wait until their message is answered.
    pub media_dir: std::path::PathBuf,
    /// Test hook: the poller panics once on a message containing this text.
    pub panic_once_on: Option<String>,
}

/// What the WhatsApp channel is built from, at each (re)start.
#[derive(Clone)]
pub struct WhatsAppSpec {
    pub config: omega_core::config::WhatsAppConfig,
    /// Where the watchdog tells the owner, on another channel: (channel, recipient).
    pub owner: Option<(String, String)>,
    /// Where photos wait until their message is answered.
    pub media_dir: std::path::PathBuf,
    /// WhatsApp Web: the connection up now, shared by both halves across their restarts.
    #[cfg(feature = "whatsapp")]
    pub slot: crate::whatsapp::web::ClientSlot,
    /// WhatsApp Web: how to connect (whatsapp-rust; a fake in tests).
    #[cfg(feature = "whatsapp")]
    pub connector: Arc<dyn crate::whatsapp::web::Connector>,
}

impl WhatsAppSpec {
    #[cfg(feature = "whatsapp")]
    fn web(&self) -> bool {
        self.config.mode == omega_core::config::WhatsAppMode::Web
    }
}

/// Stop the whole tree, in order, and the Supervisor last; nothing is restarted any more.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Shutdown;

/// What every supervised actor answers: `StopChild` (`ctx.stop()`, which ends its timers and
/// futures) and, with the test hooks, `Crash` (a panic inside the handler, the way a bug would).
macro_rules! supervised_child {
    ($($actor:ty),* $(,)?) => {$(
        impl Handler<StopChild> for $actor {
            type Result = ();

            fn handle(&mut self, _: StopChild, ctx: &mut Self::Context) {
                ctx.stop();
            }
        }

        #[cfg(feature = "test-hooks")]
        impl Handler<crate::guard::Crash> for $actor {
            type Result = ();

            fn handle(&mut self, _: crate::guard::Crash, _: &mut Self::Context) {
                panic!("injected crash (test hook)");
            }
        }
    )*};
}

supervised_child!(
    crate::provider::ProviderRouter,
    Outbox,
    Markers,
    ProviderActor,
    SandboxActor,
    Scheduler,
    Summarizer,
    Heartbeat,
    crate::channel::LocalChannel,
);

#[cfg(feature = "telegram")]
supervised_child!(crate::telegram::TelegramPoller, crate::telegram::TelegramChannel);

#[cfg(feature = "whatsapp")]
supervised_child!(crate::whatsapp::WhatsApp, crate::whatsapp::web::WhatsAppLink);

/// Test hook: make a running child panic (see [`crate::guard::Crash`]); `false` if it is not
/// running.
#[cfg(feature = "test-hooks")]
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "bool")]
pub struct CrashChild(pub Child);

#[cfg(feature = "test-hooks")]
impl Handler<CrashChild> for Supervisor {
    type Result = bool;

    fn handle(&mut self, msg: CrashChild, _: &mut Context<Self>) -> bool {
        match self.crashers.get(&msg.0) {
            Some(r) if r.connected() => {
                r.do_send(crate::guard::Crash);
                true
            }
            _ => false,
        }
    }
}

/// How often each child has been restarted.
#[derive(Message)]
#[rtype(result = "HashMap<Child, u32>")]
pub struct RestartCounts;

pub struct Supervisor {
    spec: Spec,
    tree: Tree,
    limit: Arc<Semaphore>,
    work: ArbiterHandle,
    budgets: HashMap<Child, RestartBudget>,
    restarts: HashMap<Child, u32>,
    /// Running channels, re-registered with every new Outbox.
    channels: Vec<(String, Recipient<Deliver>)>,
    previews: Vec<(String, Recipient<Preview>)>,
    /// How to stop each running child at shutdown (the Gateway has its own `StopGateway`).
    stoppers: HashMap<Child, Recipient<StopChild>>,
    /// How to stop the channels, after the Outbox.
    channel_stoppers: Vec<Recipient<StopChild>>,
    /// How to make each running child panic (test hook).
    #[cfg(feature = "test-hooks")]
    crashers: HashMap<Child, Recipient<crate::guard::Crash>>,
    stopping: bool,
}

impl Supervisor {
    /// Start the Supervisor (and through it the whole tree) on the current system.
    pub fn start(spec: Spec) -> (Addr<Supervisor>, Tree) {
        let tree = Tree {
            store: spec.store.clone(),
            outbox: Slot::default(),
            outbox_routes: Default::default(),
            gateway: Slot::default(),
            gateway_receive: Route::default(),
            jobs: Default::default(),
            provider: Route::default(),
            provider_check: Route::default(),
            backends: spec.providers.iter().map(|_| Route::default()).collect(),
            markers: MarkersRoutes::default(),
            tools_list: Route::default(),
            tools_run: Route::default(),
            tools_close: Route::default(),
            scheduler: Route::default(),
            tasks: TaskRoutes::default(),
            action_done: Route::default(),
            scheduler_state: Route::default(),
            summarizer: Route::default(),
            compact: Route::default(),
            summarize_all: Route::default(),
            summarizer_recheck: Route::default(),
            heartbeat: Route::default(),
            heartbeat_edit: Route::default(),
            pause: vec![Route::default(), Route::default()],
            heartbeat_state: Route::default(),
            heartbeat_clock: Route::default(),
            #[cfg(feature = "telegram")]
            telegram: Slot::default(),
            telegram_media: Route::default(),
            whatsapp_media: Route::default(),
            #[cfg(feature = "whatsapp")]
            whatsapp_read: Route::default(),
            whatsapp_pairing: Route::default(),
            telegram_photo: Route::default(),
            locals: spec.locals.iter().map(|l| (l.name().to_owned(), Slot::default())).collect(),
        };
        let limit = Arc::new(Semaphore::new(spec.max_concurrent.max(1)));
        let work = Arbiter::new().handle();
        let sup = Supervisor {
            spec,
            tree: tree.clone(),
            limit,
            work,
            budgets: HashMap::new(),
            restarts: HashMap::new(),
            channels: Vec::new(),
            previews: Vec::new(),
            stoppers: HashMap::new(),
            channel_stoppers: Vec::new(),
            #[cfg(feature = "test-hooks")]
            crashers: HashMap::new(),
            stopping: false,
        };
        (sup.start(), tree)
    }

    /// Whether the config turns `child` on. A child that is off is never started: its guard
    /// would report it "down" at once and the Supervisor would restart it in a loop.
    fn enabled(&self, child: Child) -> bool {
        match child {
            Child::Sandbox => self.spec.tools.is_some(),
            Child::Scheduler => self.spec.scheduler.is_some(),
            Child::Summarizer => self.spec.summarizer.is_some(),
            Child::Heartbeat => self.spec.heartbeat.is_some(),
            Child::Telegram | Child::TelegramPoller => {
                cfg!(feature = "telegram") && self.spec.telegram.is_some()
            }
            Child::Provider(i) => usize::from(i) < self.spec.providers.len(),
            Child::ProviderRouter => self.spec.providers.len() > 1,
            Child::Local(i) => usize::from(i) < self.spec.locals.len(),
            Child::WhatsApp => cfg!(feature = "whatsapp") && self.spec.whatsapp.is_some(),
            #[cfg(feature = "whatsapp")]
            Child::WhatsAppLink => self.spec.whatsapp.as_ref().is_some_and(WhatsAppSpec::web),
            #[cfg(not(feature = "whatsapp"))]
            Child::WhatsAppLink => false,
            Child::Outbox | Child::Markers | Child::Gateway => true,
        }
    }

    /// Tell the Outbox (this one, and every later one) where `name`'s deliveries go now.
    fn register_channel(&mut self, name: String, recipient: Recipient<Deliver>) {
        self.channels.retain(|(n, _)| *n != name);
        self.channels.push((name.clone(), recipient.clone()));
        self.tree.outbox.do_send(RegisterChannel { name, recipient });
    }

    /// A channel left down: its replies stay queued in the outbox instead of failing against a
    /// dead address, and go out when the channel is back (the next start).
    fn unregister_channel(&mut self, name: &str) {
        self.channels.retain(|(n, _)| n != name);
        self.previews.retain(|(n, _)| n != name);
        self.tree.outbox.do_send(crate::outbox::UnregisterChannel { name: name.to_owned() });
    }

    fn start_child(&mut self, child: Child, ctx: &mut Context<Self>) {
        if !self.enabled(child) {
            return;
        }
        let guard = ChildGuard::new(child, ctx.address().recipient());
        match child {
            Child::Outbox => {
                let addr = Outbox::new(self.spec.store.clone(), guard).start();
                self.tree.outbox.bind(addr.clone());
                self.tree.outbox_routes.rebind(&addr);
                self.stoppers.insert(child, addr.clone().recipient());
                #[cfg(feature = "test-hooks")]
                self.crashers.insert(child, addr.clone().recipient());
                for (name, recipient) in &self.channels {
                    addr.do_send(RegisterChannel { name: name.clone(), recipient: recipient.clone() });
                }
                for (name, recipient) in &self.previews {
                    addr.do_send(RegisterPreviews { name: name.clone(), recipient: recipient.clone() });
                }
                addr.do_send(FlushOutbox);
            }
            Child::Markers => {
                let s = &self.spec.session;
                let deps = MarkersDeps {
                    store: self.spec.store.clone(),
                    tasks: self.tree.tasks.clone(),
                    checklist: self.tree.heartbeat_edit.clone(),
                    action_done: self.tree.action_done.clone(),
                    jobs: self.tree.jobs.start.clone(),
                    settings: Arc::new(MarkersSettings {
                        timezone: s.timezone,
                        data_dir: s.data_dir.clone(),
                        clock: s.clock.clone(),
                        auth: s.auth.clone(),
                    }),
                };
                let addr = Markers::start_in_arbiter(&self.work, move |_| Markers::new(deps, guard));
                self.stoppers.insert(child, addr.clone().recipient());
                #[cfg(feature = "test-hooks")]
                self.crashers.insert(child, addr.clone().recipient());
                self.tree.markers.rebind(&addr);
            }
            Child::Provider(i) => {
                let i = usize::from(i);
                let (client, limit) = (self.spec.providers[i].clone(), self.limit.clone());
                let addr = ProviderActor::start_in_arbiter(&self.work, move |_| {
                    ProviderActor::new(client, limit, guard)
                });
                self.tree.backends[i].rebind(addr.clone().recipient());
                self.stoppers.insert(child, addr.clone().recipient());
                #[cfg(feature = "test-hooks")]
                self.crashers.insert(child, addr.clone().recipient());
                if self.spec.providers.len() == 1 {
                    self.tree.provider.rebind(addr.clone().recipient());
                }
                if i == 0 {
                    self.tree.provider_check.rebind(addr.recipient());
                }
            }
            Child::ProviderRouter => {
                let chain = self
                    .spec
                    .providers
                    .iter()
                    .zip(&self.tree.backends)
                    .map(|(p, route)| {
                        Arc::new(crate::provider::RoutedProvider::new(p.clone(), route.clone()))
                            as Arc<dyn Provider>
                    })
                    .collect();
                let addr = crate::provider::ProviderRouter::start_in_arbiter(&self.work, move |_| {
                    crate::provider::ProviderRouter::new(chain, guard)
                });
                self.stoppers.insert(child, addr.clone().recipient());
                #[cfg(feature = "test-hooks")]
                self.crashers.insert(child, addr.clone().recipient());
                self.tree.provider.rebind(addr.recipient());
            }
            Child::Sandbox => {
                let Some(factory) = self.spec.tools.clone() else { return };
                let addr =
                    SandboxActor::start_in_arbiter(&self.work, move |_| SandboxActor::new(factory(), guard));
                self.tree.tools_list.rebind(addr.clone().recipient());
                self.stoppers.insert(child, addr.clone().recipient());
                #[cfg(feature = "test-hooks")]
                self.crashers.insert(child, addr.clone().recipient());
                self.tree.tools_close.rebind(addr.clone().recipient());
                self.tree.tools_run.rebind(addr.recipient());
            }
            Child::Scheduler => {
                let Some(policy) = self.spec.scheduler.clone() else { return };
                let (store, outbox, gateway) = (
                    self.spec.store.clone(),
                    self.tree.outbox_routes.dispatch.clone(),
                    self.tree.gateway_receive.clone(),
                );
                let retry = self.spec.action_retry_base;
                let clock = self.spec.session.clock.clone();
                let addr = Scheduler::new(store, outbox, gateway, policy, retry, clock, guard).start();
                self.tree.scheduler.rebind(addr.clone().recipient());
                self.tree.tasks.rebind(&addr);
                self.tree.pause[0].rebind(addr.clone().recipient());
                self.tree.action_done.rebind(addr.clone().recipient());
                self.stoppers.insert(child, addr.clone().recipient());
                #[cfg(feature = "test-hooks")]
                self.crashers.insert(child, addr.clone().recipient());
                self.tree.scheduler_state.rebind(addr.recipient());
            }
            Child::Summarizer => {
                let Some(settings) = self.spec.summarizer.clone() else { return };
                let (store, provider) = (self.spec.store.clone(), self.tree.provider.clone());
                let addr = Summarizer::new(store, provider, settings, guard).start();
                self.tree.summarizer.rebind(addr.clone().recipient());
                self.tree.compact.rebind(addr.clone().recipient());
                self.stoppers.insert(child, addr.clone().recipient());
                #[cfg(feature = "test-hooks")]
                self.crashers.insert(child, addr.clone().recipient());
                self.tree.summarizer_recheck.rebind(addr.clone().recipient());
                self.tree.summarize_all.rebind(addr.recipient());
            }
            Child::Heartbeat => {
                let Some(settings) = self.spec.heartbeat.clone() else { return };
                let deps = HeartbeatDeps {
                    store: self.spec.store.clone(),
                    provider: self.tree.provider.clone(),
                    markers: self.tree.markers.output.clone(),
                    outbox: self.tree.outbox_routes.dispatch.clone(),
                };
                let addr = Heartbeat::new(deps, settings, guard).start();
                self.tree.heartbeat.rebind(addr.clone().recipient());
                self.tree.heartbeat_edit.rebind(addr.clone().recipient());
                self.tree.pause[1].rebind(addr.clone().recipient());
                self.tree.heartbeat_clock.rebind(addr.clone().recipient());
                self.stoppers.insert(child, addr.clone().recipient());
                #[cfg(feature = "test-hooks")]
                self.crashers.insert(child, addr.clone().recipient());
                self.tree.heartbeat_state.rebind(addr.recipient());
            }
            #[cfg(feature = "telegram")]
            Child::Telegram => {
                let Some(tg) = self.spec.telegram.clone() else { return };
                let channel = match crate::telegram::TelegramChannel::new(tg.config.clone()) {
                    Ok(c) => c,
                    Err(e) => {
                        // Checked when the runtime started; say so and leave it down.
                        tracing::error!("cannot start the Telegram channel: {e}");
                        guard.finished();
                        return;
                    }
                };
                let addr = channel.supervised(guard).start();
                self.tree.telegram.bind(addr.clone());
                self.tree.telegram_media.rebind(addr.clone().recipient());
                self.tree.telegram_photo.rebind(addr.clone().recipient());
                self.stoppers.insert(child, addr.clone().recipient());
                #[cfg(feature = "test-hooks")]
                self.crashers.insert(child, addr.clone().recipient());
                let name = omega_channels::telegram::CHANNEL.to_owned();
                let (deliver, preview) = (addr.clone().recipient(), addr.recipient());
                self.register_channel(name.clone(), deliver);
                if tg.config.stream {
                    self.previews.retain(|(n, _)| *n != name);
                    self.previews.push((name.clone(), preview.clone()));
                    self.tree.outbox.do_send(RegisterPreviews { name, recipient: preview });
                }
            }
            Child::Local(i) => {
                let channel = self.spec.locals[usize::from(i)].fresh().supervised(guard);
                let name = channel.name().to_owned();
                let addr = channel.start();
                self.tree.locals[usize::from(i)].1.bind(addr.clone());
                self.stoppers.insert(child, addr.clone().recipient());
                #[cfg(feature = "test-hooks")]
                self.crashers.insert(child, addr.clone().recipient());
                self.register_channel(name, addr.recipient());
            }
            #[cfg(feature = "telegram")]
            Child::TelegramPoller => {
                let Some(tg) = self.spec.telegram.clone() else { return };
                let deps = crate::telegram::PollingDeps {
                    config: tg.config,
                    voice: tg.voice,
                    media_dir: tg.media_dir,
                    gateway: self.tree.gateway_receive.clone(),
                    store: self.spec.store.clone(),
                    channel: self.tree.telegram.clone(),
                    panic_once_on: tg.panic_once_on,
                };
                let addr = crate::telegram::TelegramPoller::new(deps, guard).start();
                #[cfg(feature = "test-hooks")]
                self.crashers.insert(child, addr.clone().recipient());
                self.stoppers.insert(child, addr.recipient());
            }
            #[cfg(feature = "whatsapp")]
            Child::WhatsApp => {
                let Some(wa) = self.spec.whatsapp.clone() else { return };
                let clock = self.spec.session.clock.clone();
                let channel = if wa.web() {
                    let transport = crate::whatsapp::web::WebTransport { slot: wa.slot.clone() };
                    crate::whatsapp::WhatsApp::new(&wa.config, clock, Arc::new(transport))
                } else {
                    match crate::whatsapp::WhatsApp::cloud(&wa.config, clock) {
                        Ok(c) => c,
                        Err(e) => {
                            tracing::error!("cannot start the WhatsApp channel: {e}");
                            guard.finished();
                            return;
                        }
                    }
                };
                let owner = crate::whatsapp::WatchdogOwner {
                    reach: wa.owner.clone(),
                    notify: self.tree.outbox_routes.notify.clone(),
                    store: self.spec.store.clone(),
                };
                let addr = channel.with_watchdog(wa.config.watchdog_minutes, owner).supervised(guard).start();
                self.tree.whatsapp_media.rebind(addr.clone().recipient());
                self.tree.whatsapp_read.rebind(addr.clone().recipient());
                self.stoppers.insert(child, addr.clone().recipient());
                #[cfg(feature = "test-hooks")]
                self.crashers.insert(child, addr.clone().recipient());
                self.register_channel(crate::whatsapp::CHANNEL.to_owned(), addr.recipient());
            }
            #[cfg(feature = "whatsapp")]
            Child::WhatsAppLink => {
                let Some(wa) = self.spec.whatsapp.clone() else { return };
                let deps = crate::whatsapp::web::LinkDeps {
                    store: self.spec.store.clone(),
                    intake: crate::whatsapp::web::IntakeDeps {
                        config: wa.config.clone(),
                        media_dir: wa.media_dir.clone(),
                        gateway: self.tree.gateway_receive.clone(),
                    },
                    slot: wa.slot.clone(),
                    connector: wa.connector.clone(),
                    notify: self.tree.outbox_routes.notify.clone(),
                    photo: self.tree.telegram_photo.clone(),
                    owner: wa.owner.clone(),
                };
                let addr = crate::whatsapp::web::WhatsAppLink::new(deps).supervised(guard).start();
                self.tree.whatsapp_pairing.rebind(addr.clone().recipient());
                #[cfg(feature = "test-hooks")]
                self.crashers.insert(child, addr.clone().recipient());
                self.stoppers.insert(child, addr.recipient());
            }
            #[cfg(not(feature = "whatsapp"))]
            Child::WhatsApp | Child::WhatsAppLink => guard.finished(),
            // Never enabled in a build without Telegram.
            #[cfg(not(feature = "telegram"))]
            Child::Telegram | Child::TelegramPoller => guard.finished(),
            Child::Gateway => {
                let tree = self.tree.clone();
                let settings = Arc::new(self.spec.session.clone());
                let provider_name = self.spec.providers[0].name().to_owned();
                let has_tools = self.spec.tools.is_some();
                let turns = Arc::new(Semaphore::new(crate::pipeline::turn_slots(self.spec.max_concurrent)));
                let in_flight = Arc::new(crate::spend::InFlight::default());
                let media: Arc<std::collections::BTreeMap<_, _>> = Arc::new(
                    [
                        (omega_channels::telegram::CHANNEL.to_owned(), tree.telegram_media.clone()),
                        (omega_channels::whatsapp::CHANNEL.to_owned(), tree.whatsapp_media.clone()),
                    ]
                    .into(),
                );
                let make_deps = Box::new(move |gw: Addr<Gateway>| SessionDeps {
                    store: tree.store.clone(),
                    provider: tree.provider.clone(),
                    markers: tree.markers.clone(),
                    cancel_task: tree.tasks.cancel.clone(),
                    action_done: tree.action_done.clone(),
                    summarizer: tree.summarizer.clone(),
                    compact: tree.compact.clone(),
                    tools: has_tools.then(|| crate::sandbox::RoutedTools {
                        list: tree.tools_list.clone(),
                        run: tree.tools_run.clone(),
                        skills: Vec::new(),
                        cancel: Default::default(),
                    }),
                    outbox: tree.outbox_routes.clone(),
                    whatsapp_pairing: tree.whatsapp_pairing.clone(),
                    media: media.clone(),
                    gateway_idle: gw.clone().recipient(),
                    gateway_ended: gw.recipient(),
                    settings: settings.clone(),
                    provider_name: provider_name.clone(),
                    in_flight: in_flight.clone(),
                    jobs: tree.jobs.clone(),
                    job: None,
                    context: None,
                    turns: turns.clone(),
                });
                let addr = Gateway::new(self.spec.gateway.clone(), make_deps, guard).start();
                self.tree.gateway.bind(addr.clone());
                self.tree.gateway_receive.rebind(addr.clone().recipient());
                self.tree.jobs.rebind(&addr);
                addr.do_send(RecoverInbox);
            }
        }
    }
}

impl Actor for Supervisor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        // The background actors last: they use the others.
        let backends =
            (0..self.spec.providers.len().min(usize::from(u8::MAX))).map(|i| Child::Provider(i as u8));
        let locals = (0..self.spec.locals.len().min(usize::from(u8::MAX))).map(|i| Child::Local(i as u8));
        let children: Vec<Child> = [Child::Outbox, Child::Telegram]
            .into_iter()
            .chain(locals)
            .chain([Child::WhatsApp, Child::Markers])
            .chain(backends)
            .chain([
                Child::ProviderRouter,
                Child::Sandbox,
                Child::Gateway,
                Child::TelegramPoller,
                Child::WhatsAppLink,
                Child::Scheduler,
                Child::Summarizer,
                Child::Heartbeat,
            ])
            .collect();
        for child in children {
            self.start_child(child, ctx);
        }
    }
}

impl Handler<ChildDown> for Supervisor {
    type Result = ();

    fn handle(&mut self, msg: ChildDown, ctx: &mut Context<Self>) {
        if self.stopping {
            return;
        }
        let over_budget = !msg.finished && !self.budgets.entry(msg.child).or_default().allow(Instant::now());
        if msg.finished || over_budget {
            if msg.finished {
                tracing::warn!(child = ?msg.child, "stopped on purpose (the reason is logged above); not restarted");
            } else {
                tracing::error!(child = ?msg.child, "restart budget exhausted; leaving it down");
            }
            match msg.child {
                Child::Provider(i) => {
                    if let Some(r) = self.tree.backends.get(usize::from(i)) {
                        r.unbind();
                    }
                    if self.spec.providers.len() == 1 {
                        self.tree.provider.unbind();
                    }
                    if i == 0 {
                        self.tree.provider_check.unbind();
                    }
                }
                Child::ProviderRouter => self.tree.provider.unbind(),
                Child::Markers => self.tree.markers.unbind(),
                Child::Sandbox => {
                    self.tree.tools_list.unbind();
                    self.tree.tools_run.unbind();
                    self.tree.tools_close.unbind();
                }
                Child::Scheduler => {
                    self.tree.scheduler.unbind();
                    self.tree.tasks.unbind();
                    self.tree.pause[0].unbind();
                    self.tree.action_done.unbind();
                    self.tree.scheduler_state.unbind();
                }
                Child::Summarizer => {
                    self.tree.summarizer.unbind();
                    self.tree.compact.unbind();
                    self.tree.summarize_all.unbind();
                    self.tree.summarizer_recheck.unbind();
                }
                Child::Heartbeat => {
                    self.tree.heartbeat.unbind();
                    self.tree.heartbeat_edit.unbind();
                    self.tree.pause[1].unbind();
                    self.tree.heartbeat_state.unbind();
                    self.tree.heartbeat_clock.unbind();
                }
                Child::Outbox => {
                    self.tree.outbox.unbind();
                    self.tree.outbox_routes.unbind();
                }
                Child::Gateway => {
                    self.tree.gateway.unbind();
                    self.tree.gateway_receive.unbind();
                    self.tree.jobs.unbind();
                }
                Child::Telegram => {
                    #[cfg(feature = "telegram")]
                    self.tree.telegram.unbind();
                    self.tree.telegram_media.unbind();
                    self.tree.telegram_photo.unbind();
                    self.unregister_channel(omega_channels::telegram::CHANNEL);
                }
                Child::Local(i) => {
                    let Some((name, slot)) = self.tree.locals.get(usize::from(i)) else { return };
                    slot.unbind();
                    let name = name.clone();
                    self.unregister_channel(&name);
                }
                Child::WhatsApp => {
                    self.tree.whatsapp_media.unbind();
                    #[cfg(feature = "whatsapp")]
                    self.tree.whatsapp_read.unbind();
                    self.unregister_channel(omega_channels::whatsapp::CHANNEL);
                }
                Child::TelegramPoller => {}
                Child::WhatsAppLink => self.tree.whatsapp_pairing.unbind(),
            }
            return;
        }
        *self.restarts.entry(msg.child).or_default() += 1;
        if msg.panicked {
            tracing::error!(child = ?msg.child, "actor panicked; restarting it");
        } else {
            tracing::warn!(child = ?msg.child, "actor stopped unexpectedly; restarting it");
        }
        self.start_child(msg.child, ctx);
    }
}

/// Channels register here (not with the Outbox directly) so a restarted Outbox knows them too.
impl Handler<RegisterChannel> for Supervisor {
    type Result = ();

    fn handle(&mut self, msg: RegisterChannel, _: &mut Context<Self>) {
        self.register_channel(msg.name, msg.recipient);
    }
}

impl Handler<RegisterPreviews> for Supervisor {
    type Result = ();

    fn handle(&mut self, msg: RegisterPreviews, _: &mut Context<Self>) {
        self.previews.retain(|(n, _)| *n != msg.name);
        self.previews.push((msg.name.clone(), msg.recipient.clone()));
        self.tree.outbox.do_send(msg);
    }
}

/// Graceful shutdown, in an order where nothing runs against a part already gone:
///
/// 1. no more restarts; Telegram stops polling; the Scheduler and the Heartbeat pause (no timer
///    fires, but an answer being carried out can still set a reminder);
/// 2. the Gateway stops its sessions (messages in flight stay in the inbox, resumed next start);
/// 3. open conversations are summarized (the Provider still runs), then the Summarizer stops;
/// 4. the MCP servers are closed and their process groups killed;
/// 5. the Outbox writes its last delivered marks and stops; the channels stop;
/// 6. the Scheduler, the Heartbeat, Markers, Provider and Sandbox stop, the work arbiter with
///    them; the Supervisor stops last.
///
/// When this answers, no actor of the tree is running: the caller may close the store.
impl Handler<Shutdown> for Supervisor {
    type Result = ResponseActFuture<Self, ()>;

    fn handle(&mut self, _: Shutdown, _: &mut Context<Self>) -> Self::Result {
        self.stopping = true;
        let mut stoppers = std::mem::take(&mut self.stoppers);
        let mut take = |c: Child| stoppers.remove(&c);
        let (scheduler, heartbeat, summarizer) =
            (take(Child::Scheduler), take(Child::Heartbeat), take(Child::Summarizer));
        let (poller, telegram) = (take(Child::TelegramPoller), take(Child::Telegram));
        let link = take(Child::WhatsAppLink);
        let whatsapp = take(Child::WhatsApp);
        let (outbox, late) = (
            take(Child::Outbox),
            [scheduler, heartbeat, take(Child::Markers), take(Child::ProviderRouter), take(Child::Sandbox)],
        );
        let pause = self.tree.pause.clone();
        let backends: Vec<_> = (0..=u8::MAX).map(Child::Provider).filter_map(&mut take).collect();
        let locals: Vec<_> = (0..=u8::MAX).map(Child::Local).filter_map(&mut take).collect();
        let gateway = self.tree.gateway.clone();
        let outbox_slot = self.tree.outbox.clone();
        let tools = self.tree.tools_close.clone();
        let summarize = self.spec.summarize_on_shutdown.then(|| self.tree.summarize_all.clone());
        let channels: Vec<Recipient<StopChild>> = std::mem::take(&mut self.channel_stoppers);
        Box::pin(
            async move {
                // Nothing new comes in, and nothing new starts.
                for p in poller.into_iter().chain(link) {
                    let _ = p.send(StopChild).await;
                }
                for p in &pause {
                    let _ = p.send(Pause).await;
                }
                let _ = gateway.send(StopGateway).await;
                // Sessions are stopped: nothing new is said. Summarize what is open (the provider
                // still runs), within a minute.
                if let Some(s) = summarize {
                    match tokio::time::timeout(std::time::Duration::from_secs(60), s.send(SummarizeAll)).await
                    {
                        Ok(Ok(n)) if n > 0 => tracing::info!(conversations = n, "summarized before stopping"),
                        Ok(_) => {}
                        Err(_) => {
                            tracing::warn!("summaries at shutdown took over a minute; the rest stay open")
                        }
                    }
                }
                if let Some(s) = summarizer {
                    let _ = s.send(StopChild).await;
                }
                let _ = tools.send(crate::sandbox::CloseTools).await;
                let _ = outbox_slot.send(crate::outbox::FlushDelivered).await;
                if let Some(s) = outbox {
                    let _ = s.send(StopChild).await;
                }
                for c in channels.into_iter().chain(telegram).chain(whatsapp).chain(locals) {
                    let _ = c.send(StopChild).await;
                }
                for s in late.into_iter().flatten().chain(backends) {
                    let _ = s.send(StopChild).await;
                }
            }
            .into_actor(self)
            .map(|_, act, ctx| {
                act.work.stop();
                ctx.stop();
            }),
        )
    }
}

/// Channels the runtime started register how to stop them, so shutdown stops them in order.
#[derive(Message)]
#[rtype(result = "()")]
pub struct RegisterStopper(pub Recipient<StopChild>);

impl Handler<RegisterStopper> for Supervisor {
    type Result = ();

    fn handle(&mut self, msg: RegisterStopper, _: &mut Context<Self>) {
        self.channel_stoppers.push(msg.0);
    }
}

impl Handler<RestartCounts> for Supervisor {
    type Result = MessageResult<RestartCounts>;

    fn handle(&mut self, _: RestartCounts, _: &mut Context<Self>) -> Self::Result {
        MessageResult(self.restarts.clone())
    }
}
