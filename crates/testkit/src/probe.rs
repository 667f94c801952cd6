use actix::dev::MessageResponse;
use actix::prelude::*;
use parking_lot::Mutex;
use std::sync::Arc;

type Responder<M> = Box<dyn FnMut(&M) -> <M as Message>::Result>;

/// An actor that records every `M` it receives and answers with a scripted responder, so another
/// actor can be tested alone: hand it `probe.recipient()` where it expects a collaborator.
pub struct Probe<M: Message + Send + Unpin + 'static>
where
    M::Result: Send,
{
    seen: Arc<Mutex<Vec<M>>>,
    respond: Responder<M>,
}

impl<M: Message + Send + Unpin + 'static> Actor for Probe<M>
where
    M::Result: Send,
{
    type Context = Context<Self>;
}

impl<M: Message + Send + Unpin + Clone + 'static> Handler<M> for Probe<M>
where
    M::Result: Send + 'static,
    MessageResult<M>: MessageResponse<Probe<M>, M>,
{
    type Result = MessageResult<M>;
    fn handle(&mut self, msg: M, _: &mut Context<Self>) -> MessageResult<M> {
        let answer = (self.respond)(&msg);
        self.seen.lock().push(msg);
        MessageResult(answer)
    }
}

/// The handle a test keeps: the recipient to hand out and the messages seen so far.
pub struct ProbeHandle<M: Message + Send + Unpin + 'static>
where
    M::Result: Send,
{
    pub addr: Addr<Probe<M>>,
    seen: Arc<Mutex<Vec<M>>>,
}

impl<M: Message + Send + Unpin + Clone + 'static> ProbeHandle<M>
where
    M::Result: Send + 'static,
    MessageResult<M>: MessageResponse<Probe<M>, M>,
{
    /// Start a probe answering every message with `respond(&msg)`.
    pub fn start(respond: impl FnMut(&M) -> M::Result + 'static) -> Self {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let addr = Probe { seen: seen.clone(), respond: Box::new(respond) }.start();
        Self { addr, seen }
    }

    pub fn recipient(&self) -> Recipient<M> {
        self.addr.clone().recipient()
    }

    pub fn seen(&self) -> Vec<M> {
        self.seen.lock().clone()
    }
}
