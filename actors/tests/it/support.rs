//! Probes for the collaborators of a Session (and of the Gateway that starts sessions): a provider
//! that can be held, an Outbox, a Markers actor and the Gateway's lifecycle inbox, each recording
//! what it was sent.

use actix::prelude::*;
use omega_actors::markers::{MarkersRoutes, ProcessOutput, Processed};
use omega_actors::outbox::{Dispatch, Notify, OutboxRoutes};
use omega_actors::pipeline::{SessionDeps, SessionEnded, SessionIdle, SessionSettings};
use omega_actors::provider::Complete;
use omega_actors::route::Route;
use omega_memory::Store;
use omega_providers::{ChatResponse, ProviderError};
use omega_testkit::probe::ProbeHandle;
use parking_lot::Mutex;
use std::sync::Arc;

/// A provider that answers "echo: <the message>" once its gate is open (open at start).
pub struct EchoProvider {
    gate: tokio::sync::watch::Receiver<bool>,
    asked: Arc<Mutex<Vec<String>>>,
}

impl Actor for EchoProvider {
    type Context = Context<Self>;
}

impl Handler<Complete> for EchoProvider {
    type Result = ResponseFuture<Result<ChatResponse, ProviderError>>;

    fn handle(&mut self, msg: Complete, _: &mut Context<Self>) -> Self::Result {
        let said = msg.request.messages.last().map(|m| m.content.clone()).unwrap_or_default();
        self.asked.lock().push(said.clone());
        let mut gate = self.gate.clone();
        Box::pin(async move {
            let _ = gate.wait_for(|open| *open).await;
            Ok(ChatResponse { text: format!("echo: {said}"), model: "m".into(), ..Default::default() })
        })
    }
}

pub struct Probes {
    pub gate: tokio::sync::watch::Sender<bool>,
    /// The last message of each request the provider was asked, in order.
    pub asked: Arc<Mutex<Vec<String>>>,
    pub provider: Addr<EchoProvider>,
    pub dispatch: ProbeHandle<Dispatch>,
    pub notify: ProbeHandle<Notify>,
    pub markers: ProbeHandle<ProcessOutput>,
    pub idle: ProbeHandle<SessionIdle>,
    pub ended: ProbeHandle<SessionEnded>,
    /// The turn slots every session made from these probes shares.
    pub turns: Arc<tokio::sync::Semaphore>,
}

impl Probes {
    pub fn start() -> Self {
        let gate = tokio::sync::watch::Sender::new(true);
        let asked = Arc::new(Mutex::new(Vec::new()));
        let provider = EchoProvider { gate: gate.subscribe(), asked: asked.clone() }.start();
        Self {
            gate,
            asked,
            provider,
            dispatch: ProbeHandle::start(|_| ()),
            notify: ProbeHandle::start(|_| ()),
            // Markers that find nothing to do: the text comes back as it is.
            markers: ProbeHandle::start(|m: &ProcessOutput| Processed {
                text: m.text.clone(),
                effects: vec![],
                confirmations: vec![],
                diagnostics: vec![],
                heartbeat_ok: false,
            }),
            idle: ProbeHandle::start(|_| ()),
            ended: ProbeHandle::start(|_| ()),
            turns: Arc::new(tokio::sync::Semaphore::new(omega_actors::pipeline::turn_slots(4))),
        }
    }

    /// A session's collaborators: these probes, a real store, and `settings`.
    pub fn deps(&self, store: &Store, settings: SessionSettings) -> SessionDeps {
        let outbox = OutboxRoutes::default();
        outbox.dispatch.rebind(self.dispatch.recipient());
        outbox.notify.rebind(self.notify.recipient());
        let markers = MarkersRoutes::default();
        markers.output.rebind(self.markers.recipient());
        SessionDeps {
            store: store.clone(),
            provider: Route::to(self.provider.clone()),
            markers,
            cancel_task: Route::default(),
            action_done: Route::default(),
            summarizer: Route::default(),
            compact: Route::default(),
            tools: None,
            outbox,
            whatsapp_pairing: Route::default(),
            media: Default::default(),
            gateway_idle: self.idle.recipient(),
            gateway_ended: self.ended.recipient(),
            settings: Arc::new(settings),
            provider_name: "echo".into(),
            in_flight: Default::default(),
            jobs: Default::default(),
            job: None,
            context: None,
            turns: self.turns.clone(),
        }
    }

    /// The texts of the replies handed to the Outbox so far, in order.
    pub fn replies(&self) -> Vec<String> {
        self.dispatch.seen().into_iter().map(|d| d.0.text).collect()
    }
}

/// Wait (polling, at most 10 s) until `cond` holds, letting the actors run meanwhile.
pub async fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    omega_testkit::wait_until_async(std::time::Duration::from_secs(10), what, || std::future::ready(cond()))
        .await;
}

/// A Gateway with real Sessions over `store`, for `channel`, where only `allowed` may talk (and
/// are the owner); strangers are told "Not for you.".
pub fn gateway(
    probes: &Probes,
    store: &Store,
    session: SessionSettings,
    channel: &str,
    allowed: &[&str],
) -> Addr<omega_actors::gateway::Gateway> {
    use omega_actors::gateway::{Gateway, GatewaySettings};
    use omega_actors::supervisor::{Child, ChildGuard};
    use omega_core::auth::{Allowed, AuthPolicy};
    let mut policy = AuthPolicy::new(true);
    let allowed: Vec<String> = allowed.iter().map(|s| s.to_string()).collect();
    policy.set(channel, Allowed::Only(allowed.clone()));
    policy.set_owners(channel, Allowed::Only(allowed));
    let settings = GatewaySettings {
        policy: policy.clone(),
        deny_message: "Not for you.".into(),
        session_budget: Default::default(),
        pairing_channels: Vec::new(),
        pairing_ttl: std::time::Duration::from_secs(600),
        jobs: Some(Default::default()),
        live_sessions: Default::default(),
    };
    let session = SessionSettings { auth: policy, ..session };
    let deps = probes.deps(store, session);
    let make_deps = Box::new(move |gw: Addr<Gateway>| {
        let jobs = omega_actors::effects::JobRoutes::default();
        jobs.rebind(&gw);
        SessionDeps {
            gateway_idle: gw.clone().recipient(),
            gateway_ended: gw.recipient(),
            jobs,
            ..deps.clone()
        }
    });
    Gateway::new(settings, make_deps, ChildGuard::detached(Child::Gateway)).start()
}
