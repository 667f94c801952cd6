//! A recipient that can be re-pointed.
//!
//! When a supervised actor crashes, its supervisor starts a fresh one with a new address. Every
//! collaborator holding a [`Route`] to it follows along when the supervisor calls
//! [`Route::rebind`]; messages sent while no actor is bound fail with `MailboxError::Closed`, which
//! callers already handle as "that actor is gone".

use actix::dev::ToEnvelope;
use actix::prelude::*;
use parking_lot::RwLock;
use std::sync::Arc;

pub struct Route<M>
where
    M: Message + Send,
    M::Result: Send,
{
    inner: Arc<RwLock<Option<Recipient<M>>>>,
}

impl<M> Clone for Route<M>
where
    M: Message + Send,
    M::Result: Send,
{
    fn clone(&self) -> Self {
        Self { inner: self.inner.clone() }
    }
}

impl<M> std::fmt::Debug for Route<M>
where
    M: Message + Send,
    M::Result: Send,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Route").field("bound", &self.inner.read().is_some()).finish()
    }
}

impl<M> Default for Route<M>
where
    M: Message + Send,
    M::Result: Send,
{
    fn default() -> Self {
        Self { inner: Arc::new(RwLock::new(None)) }
    }
}

impl<M> Route<M>
where
    M: Message + Send + 'static,
    M::Result: Send,
{
    pub fn new(to: Recipient<M>) -> Self {
        Self { inner: Arc::new(RwLock::new(Some(to))) }
    }

    /// A route bound to `addr`.
    pub fn to<A>(addr: Addr<A>) -> Self
    where
        A: Actor + Handler<M>,
        A::Context: ToEnvelope<A, M>,
    {
        Self::new(addr.recipient())
    }

    pub fn rebind(&self, to: Recipient<M>) {
        *self.inner.write() = Some(to);
    }

    pub fn unbind(&self) {
        *self.inner.write() = None;
    }

    pub fn is_bound(&self) -> bool {
        self.inner.read().as_ref().is_some_and(|r| r.connected())
    }

    /// Send and wait for the answer.
    pub async fn send(&self, msg: M) -> Result<M::Result, MailboxError> {
        let to = self.inner.read().clone();
        match to {
            Some(r) => r.send(msg).await,
            None => Err(MailboxError::Closed),
        }
    }

    /// Send without waiting; dropped when nobody is bound.
    pub fn do_send(&self, msg: M) {
        if let Some(r) = self.inner.read().as_ref() {
            r.do_send(msg);
        }
    }
}
