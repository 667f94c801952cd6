//! The supervision guard, the one piece every supervised actor holds: which child it is, how its
//! end is reported (a `Drop` that runs during a panic's unwind too), and the message that stops
//! it at shutdown. A leaf module, so no actor depends on the Supervisor itself.

use actix::prelude::*;

/// The children of the Supervisor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Child {
    Outbox,
    Markers,
    /// The backend at this place in the chain (0 = `[provider] default`, then the fallbacks).
    Provider(u8),
    /// The fallback chain over the backends' actors (only with fallbacks).
    ProviderRouter,
    Sandbox,
    Scheduler,
    Summarizer,
    Heartbeat,
    Gateway,
    /// The Telegram channel's delivery half.
    Telegram,
    /// The Telegram channel's receiving half (long polling).
    TelegramPoller,
    /// The WhatsApp channel (its sending half; the webhook is served by the HTTP API).
    WhatsApp,
    /// WhatsApp Web's connection (its receiving half; only with `mode = "web"`).
    WhatsAppLink,
    /// An in-process channel at this place in the runtime's list (the terminal, the HTTP API's,
    /// an embedder's).
    Local(u8),
}

/// A child's actor is gone.
#[derive(Message, Debug, Clone)]
#[rtype(result = "()")]
pub struct ChildDown {
    pub child: Child,
    pub panicked: bool,
    /// It stopped on purpose ([`ChildGuard::finished`]): left down, not restarted.
    pub finished: bool,
}

/// Held by every supervised actor; reports the actor's end to its supervisor.
pub struct ChildGuard {
    child: Child,
    supervisor: Option<Recipient<ChildDown>>,
}

impl ChildGuard {
    pub fn new(child: Child, supervisor: Recipient<ChildDown>) -> Self {
        Self { child, supervisor: Some(supervisor) }
    }

    /// The actor ended on purpose (its work is done, or it cannot work at all and said why): the
    /// Supervisor is told so, and leaves it down instead of restarting it.
    pub fn finished(mut self) {
        if let Some(s) = self.supervisor.take() {
            s.do_send(ChildDown { child: self.child, panicked: false, finished: true });
        }
    }

    /// A guard that reports to nobody, for an actor tested alone.
    pub fn detached(child: Child) -> Self {
        Self { child, supervisor: None }
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Some(s) = &self.supervisor {
            s.do_send(ChildDown { child: self.child, panicked: std::thread::panicking(), finished: false });
        }
    }
}

/// Stop now: sent by the Supervisor to each child at shutdown (not a crash, so not restarted).
#[derive(Message)]
#[rtype(result = "()")]
pub struct StopChild;

/// Start nothing new (timers are cancelled) but keep answering: sent at shutdown to the actors
/// that start work by themselves (the Scheduler, the Heartbeat) before the Gateway stops, so an
/// answer still being carried out can set its reminder; they are stopped with the others later.
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct Pause;

/// Test hook: panic inside the actor's handler, the way a bug would.
#[cfg(feature = "test-hooks")]
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct Crash;
