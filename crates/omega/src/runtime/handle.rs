//! What a running Omega hands out: the runtime itself (ask, shutdown, state) and the handle
//! channels submit messages with.

use super::*;

/// Submits messages to the Gateway.
#[derive(Clone, Debug)]
pub struct GatewayHandle {
    pub(super) receive: omega_actors::route::Route<Receive>,
}

impl GatewayHandle {
    /// Hand a message in; resolves once it is stored (or refused).
    pub async fn submit(&self, inbound: Inbound) -> Accepted {
        let (tx, rx) = oneshot::channel();
        if self.receive.send(Receive { inbound, ack: Some(tx) }).await.is_err() {
            return Accepted::Failed("the gateway is not running".into());
        }
        rx.await.unwrap_or_else(|_| Accepted::Failed("the gateway dropped the message".into()))
    }

    /// Where a channel hands messages in (it follows the Gateway's restarts).
    pub fn receiver(&self) -> omega_actors::route::Route<Receive> {
        self.receive.clone()
    }
}

/// A running Omega.
pub struct Runtime {
    pub(super) tree: Tree,
    pub(super) supervisor: Addr<Supervisor>,
    pub(super) locals: HashMap<String, Slot<LocalChannel>>,
    pub(super) http: Option<HttpServer>,
    /// Background loops (the fallback health checks), aborted at shutdown.
    pub(super) tasks: Vec<actix_rt::task::JoinHandle<()>>,
    pub(super) provider_status: SharedProviderStatus,
    pub(super) started: Instant,
    /// The data dir's lock: released last, after every actor has stopped and the store is closed.
    pub(super) lock: Option<File>,
    /// `shutdown` ran (then `Drop` has nothing to do).
    pub(super) stopped: bool,
}

impl Runtime {
    pub fn builder(config: Config) -> RuntimeBuilder {
        let http = config.api.enabled;
        let telegram = config.channel.telegram.enabled;
        let summarize_on_shutdown = config.memory.summarize_on_shutdown;
        RuntimeBuilder {
            config,
            provider: None,
            http,
            telegram,
            whatsapp: true,
            locals: Vec::new(),
            custom: Vec::new(),
            protected: Vec::new(),
            summarize_on_shutdown,
            summarizer_idle: None,
            heartbeat_every: None,
            action_retry_base: None,
            session_panic_on: None,
            tool_panic_on: None,
            channel_panic_on: None,
            #[cfg(feature = "whatsapp")]
            whatsapp_connector: None,
            clock: omega_core::clock::system(),
        }
    }

    pub fn gateway(&self) -> GatewayHandle {
        GatewayHandle { receive: self.tree.gateway_receive.clone() }
    }

    /// The Scheduler's timer and firings (`None` when the scheduler is off).
    pub async fn scheduler_state(&self) -> Option<omega_actors::scheduler::SchedulerState> {
        self.tree.scheduler_state.send(omega_actors::scheduler::GetState).await.ok()
    }

    /// Tell the actors that keep time that the clock moved (a manual clock in a test, or the
    /// wall clock adjusted): the Scheduler, the Summarizer and the Heartbeat set their timers
    /// again from the clock.
    pub fn clock_moved(&self) {
        self.tree.scheduler.do_send(omega_actors::scheduler::Rearm);
        self.tree.summarizer_recheck.do_send(omega_actors::summarizer::Recheck);
        self.tree.heartbeat_clock.do_send(omega_actors::heartbeat::ClockMoved);
    }

    /// The Heartbeat's beats (`None` when it is off).
    pub async fn heartbeat_state(&self) -> Option<omega_actors::heartbeat::HeartbeatState> {
        self.tree.heartbeat_state.send(omega_actors::heartbeat::GetHeartbeat).await.ok()
    }

    pub fn store(&self) -> &Store {
        &self.tree.store
    }

    pub fn supervisor(&self) -> &Addr<Supervisor> {
        &self.supervisor
    }

    /// The in-process channel registered as `name`, as it runs now (it follows restarts).
    pub fn local(&self, name: &str) -> Option<Addr<LocalChannel>> {
        self.locals.get(name).and_then(Slot::get)
    }

    /// The in-process channel registered as `name`, as a slot that follows its restarts.
    pub fn local_slot(&self, name: &str) -> Option<Slot<LocalChannel>> {
        self.locals.get(name).cloned()
    }

    /// Where the HTTP API listens, when it runs.
    pub fn http_addr(&self) -> Option<SocketAddr> {
        self.http.as_ref().map(|h| h.addr)
    }

    pub fn provider_status(&self) -> ProviderStatus {
        self.provider_status.read().clone()
    }

    pub fn uptime(&self) -> Duration {
        self.started.elapsed()
    }

    pub async fn session_count(&self) -> usize {
        self.tree.gateway.send(SessionCount).await.unwrap_or(0)
    }

    /// Send `text` as `sender` on local channel `channel` and wait for its outcome (a reply or an
    /// error explanation).
    pub async fn ask(&self, channel: &str, sender: &str, text: &str) -> Result<Reply, AskError> {
        let local = self.locals.get(channel).ok_or_else(|| AskError::UnknownChannel(channel.into()))?;
        let id = match self.gateway().submit(Inbound::text(channel, sender, text)).await {
            Accepted::Queued(id) | Accepted::Duplicate(id) => id,
            Accepted::Denied => return Err(AskError::Denied),
            Accepted::Failed(e) => return Err(AskError::NotStored(e)),
        };
        omega_actors::channel::await_reply(local, id).await.ok_or(AskError::Stopped)
    }

    /// Which actors of this runtime still run (test hook: after [`Runtime::shutdown`], none).
    #[cfg(feature = "test-hooks")]
    pub fn liveness(&self) -> Liveness {
        Liveness { tree: self.tree.clone(), locals: self.locals.values().cloned().collect() }
    }

    /// Stop everything, in order: the channel loops and the HTTP API (nothing new comes in), then
    /// the actor tree (see [`Shutdown`]: sessions first, so messages in flight stay in the inbox
    /// and are resumed by the next start), then the database, and the data-dir lock last.
    pub async fn shutdown(mut self) {
        self.stopping().await;
    }

    /// The stop sequence, shared by [`Runtime::shutdown`] and `Drop`: the channel loops and the
    /// HTTP API, the actor tree (in order), the store, and the lock last. Takes what it needs, so
    /// the returned future owns it and `Drop` can run it in the background.
    fn stopping(&mut self) -> impl std::future::Future<Output = ()> + 'static {
        self.stopped = true;
        for task in &self.tasks {
            task.abort();
        }
        let http = self.http.take().map(|h| h.handle);
        let (supervisor, store, lock) = (self.supervisor.clone(), self.tree.store.clone(), self.lock.take());
        async move {
            if let Some(h) = http {
                h.stop(true).await;
            }
            let _ = supervisor.send(Shutdown).await;
            store.close().await;
            drop(lock);
        }
    }
}

impl Drop for Runtime {
    /// A runtime dropped without [`Runtime::shutdown`] still stops in order, in the background on
    /// the current arbiter, and keeps the data-dir lock until its actors are gone; it says so
    /// loudly, because the embedding program should have called `shutdown().await`.
    fn drop(&mut self) {
        if self.stopped {
            return;
        }
        tracing::error!(
            "omega::Runtime dropped without shutdown(): stopping its actors in the background; \
             call `runtime.shutdown().await` to stop it cleanly"
        );
        let Some(arbiter) = actix_rt::Arbiter::try_current() else {
            for task in &self.tasks {
                task.abort();
            }
            // Nothing can run the stop here; the lock must not be released while actors may
            // still write, so it stays held until the process exits.
            tracing::error!(
                "no arbiter to stop the dropped runtime on; its data dir stays locked until exit"
            );
            std::mem::forget(self.lock.take());
            return;
        };
        arbiter.spawn(self.stopping());
    }
}

/// What of a runtime still runs; see [`Runtime::liveness`].
#[cfg(feature = "test-hooks")]
pub struct Liveness {
    tree: Tree,
    locals: Vec<Slot<LocalChannel>>,
}

#[cfg(feature = "test-hooks")]
impl Liveness {
    /// The addresses of the tree (to poke an actor in a test).
    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    /// The names of the actors still running.
    pub fn running(&self) -> Vec<&'static str> {
        let mut out = self.tree.running();
        if self.locals.iter().filter_map(Slot::get).any(|l| l.connected()) {
            out.push("LocalChannel");
        }
        out
    }
}
