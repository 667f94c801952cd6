//! What one message spends: every call made for it goes through its [`Spender`], which checks
//! the daily caps before the call (`crate::spend`) and adds what the call cost to the message's
//! meter after it — the router's classifier and each routed step, each tool-loop turn, the plain
//! answer. The meter is what the message's audit row records, also when a later call fails, so
//! no call's cost goes unrecorded.

use futures::future::BoxFuture;
use omega_core::budget::Spent;
use omega_core::i18n::Lang;
use omega_providers::{ChatRequest, ChatResponse, DeltaSink, ProviderError, Usage};
use parking_lot::Mutex;
use std::sync::Arc;

use super::{Job, SessionDeps};
use crate::provider::Complete;
use crate::spend::{Caps, check_call};

/// What a message's calls cost so far.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Meter {
    pub usage: Option<Usage>,
    pub cost_usd: Option<f64>,
    pub calls: u32,
    /// The largest prompt (estimated tokens) checked before the first call.
    checked: Option<u64>,
}

impl Meter {
    fn add(&mut self, usage: Option<Usage>, cost: Option<f64>) {
        self.calls += 1;
        if let Some(u) = usage {
            let t = self.usage.get_or_insert_with(Usage::default);
            t.input_tokens += u.input_tokens;
            t.output_tokens += u.output_tokens;
            t.cached_tokens += u.cached_tokens;
            t.cache_write_tokens += u.cache_write_tokens;
            t.estimated |= u.estimated;
        }
        if let Some(c) = cost {
            *self.cost_usd.get_or_insert(0.0) += c;
        }
    }

    fn spent(&self) -> Spent {
        Spent {
            usd: self.cost_usd.unwrap_or(0.0),
            tokens: self.usage.map_or(0, |u| (u.input_tokens + u.output_tokens) as i64),
        }
    }
}

/// Makes one message's calls. Cheap to clone: the clones share the meter.
#[derive(Clone)]
pub(super) struct Spender {
    deps: SessionDeps,
    channel: String,
    sender_id: String,
    lang: Lang,
    meter: Arc<Mutex<Meter>>,
}

impl Spender {
    pub fn new(deps: &SessionDeps, job: &Job, lang: Lang) -> Self {
        Self {
            deps: deps.clone(),
            channel: job.channel.clone(),
            sender_id: job.sender_id.clone(),
            lang,
            meter: Arc::default(),
        }
    }

    /// The refusal to send instead of making `request`, given what this message spent so far.
    pub async fn refusal(&self, request: &ChatRequest) -> Option<String> {
        let s = &self.deps.settings;
        let caps = Caps {
            budget: &s.budget,
            timezone: s.timezone,
            now: s.clock.now(),
            prices: &s.prices,
            model: &s.model,
        };
        let so_far = self.meter.lock().spent();
        let who = (self.channel.as_str(), self.sender_id.as_str());
        match check_call(&self.deps.store, &caps, who, so_far, request).await {
            Ok(()) => {
                let tokens = omega_providers::estimate::request_tokens(request);
                let mut meter = self.meter.lock();
                meter.checked = meter.checked.max(Some(tokens));
                None
            }
            Err(refusal) => {
                tracing::info!(channel = %self.channel, sender = %self.sender_id, %refusal, "call not made");
                Some(refusal.explain(&caps, &s.agent_name, self.lang))
            }
        }
    }

    /// Make one call: refused when it would break a cap, else sent, and its cost added to the
    /// meter. The message's first call is not checked again when [`Self::refusal`] checked a
    /// prompt at least as big before anything else was done for the message (the tool loop's
    /// first turn is bigger: it carries the tools' schemas).
    pub fn complete(
        &self,
        request: ChatRequest,
        deltas: Option<DeltaSink>,
    ) -> BoxFuture<'static, Result<ChatResponse, ProviderError>> {
        let this = self.clone();
        Box::pin(async move {
            let name = this.deps.provider_name.clone();
            if omega_core::budget::capped(&this.deps.settings.budget) {
                let checked = {
                    let meter = this.meter.lock();
                    meter.calls == 0
                        && meter.checked >= Some(omega_providers::estimate::request_tokens(&request))
                };
                if !checked && let Some(reason) = this.refusal(&request).await {
                    return Err(ProviderError::OverBudget { provider: name, reason });
                }
            }
            let response = match this.deps.provider.send(Complete { request, deltas }).await {
                Ok(r) => r?,
                Err(e) => {
                    return Err(ProviderError::Interrupted {
                        provider: name,
                        detail: format!("the provider actor stopped while answering ({e})"),
                    });
                }
            };
            let cost = response.cost_usd.or_else(|| {
                let usage = response.usage?;
                omega_providers::pricing::cost_usd(&response.model, &usage, &this.deps.settings.prices)
            });
            this.meter.lock().add(response.usage, cost);
            Ok(response)
        })
    }

    /// What the message's calls cost so far.
    pub fn meter(&self) -> Meter {
        *self.meter.lock()
    }
}
