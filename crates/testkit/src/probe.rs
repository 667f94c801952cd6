use actix::prelude::*;
use parking_lot::Mutex;
use std::sync::Arc;

/// An actor that records every `M` it receives, so another actor can be tested alone: hand it
/// `probe.recipient()` where it expects a collaborator.
pub struct Probe<M: Message<Result = ()> + Send + Unpin + 'static> {
    seen: Arc<Mutex<Vec<M>>>,
}

impl<M: Message<Result = ()> + Send + Unpin + 'static> Actor for Probe<M> {
    type Context = Context<Self>;
}

impl<M: Message<Result = ()> + Send + Unpin + 'static> Handler<M> for Probe<M> {
    type Result = ();
    fn handle(&mut self, msg: M, _: &mut Context<Self>) {
        self.seen.lock().push(msg);
    }
}

/// The handle a test keeps: the recipient to hand out and the messages seen so far.
pub struct ProbeHandle<M: Message<Result = ()> + Send + Unpin + 'static> {
    pub addr: Addr<Probe<M>>,
    seen: Arc<Mutex<Vec<M>>>,
}

impl<M: Message<Result = ()> + Send + Unpin + Clone + 'static> ProbeHandle<M> {
    /// Start a probe on the current actix system.
    pub fn start() -> Self {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let addr = Probe { seen: seen.clone() }.start();
        Self { addr, seen }
    }

    pub fn recipient(&self) -> Recipient<M> {
        self.addr.clone().recipient()
    }

    pub fn seen(&self) -> Vec<M> {
        self.seen.lock().clone()
    }
}
