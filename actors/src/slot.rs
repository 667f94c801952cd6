//! The current address of a supervised actor.
//!
//! Like [`crate::route::Route`], but for an actor that receives several message types: holders
//! keep a `Slot<A>` and the supervisor points it at the fresh actor after a restart.

use actix::dev::ToEnvelope;
use actix::prelude::*;
use parking_lot::RwLock;
use std::sync::Arc;

pub struct Slot<A: Actor> {
    inner: Arc<RwLock<Option<Addr<A>>>>,
}

impl<A: Actor> Clone for Slot<A> {
    fn clone(&self) -> Self {
        Self { inner: self.inner.clone() }
    }
}

impl<A: Actor> Default for Slot<A> {
    fn default() -> Self {
        Self { inner: Arc::new(RwLock::new(None)) }
    }
}

impl<A: Actor> std::fmt::Debug for Slot<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Slot").field("bound", &self.inner.read().is_some()).finish()
    }
}

impl<A: Actor> Slot<A> {
    pub fn bind(&self, addr: Addr<A>) {
        *self.inner.write() = Some(addr);
    }

    pub fn unbind(&self) {
        *self.inner.write() = None;
    }

    pub fn get(&self) -> Option<Addr<A>> {
        self.inner.read().clone()
    }

    pub async fn send<M>(&self, msg: M) -> Result<M::Result, MailboxError>
    where
        M: Message + Send + 'static,
        M::Result: Send,
        A: Handler<M>,
        A::Context: ToEnvelope<A, M>,
    {
        match self.get() {
            Some(a) => a.send(msg).await,
            None => Err(MailboxError::Closed),
        }
    }

    pub fn do_send<M>(&self, msg: M)
    where
        M: Message + Send + 'static,
        M::Result: Send,
        A: Handler<M>,
        A::Context: ToEnvelope<A, M>,
    {
        if let Some(a) = self.get() {
            a.do_send(msg);
        }
    }
}
