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
    /// What was added to what is under way, to give back.
    under_way: Spent,
}

impl Meter {
    fn add(&mut self, usage: Option<Usage>, cost: Option<f64>) {
        self.calls += 1;
        if let Some(u) = usage {
            *self.usage.get_or_insert_with(Usage::default) += u;
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
    lang: Lang,
    claim: Arc<Claim>,
}

/// The message's meter, and its share of what is under way ([`crate::spend::InFlight`]), given
/// back when the last clone is dropped: after the message's audit row was written.
struct Claim {
    in_flight: Arc<crate::spend::InFlight>,
    channel: String,
    sender_id: String,
    meter: Mutex<Meter>,
}

impl Drop for Claim {
    fn drop(&mut self) {
        let added = self.meter.get_mut().under_way;
        if added != Spent::default() {
            self.in_flight.settle((&self.channel, &self.sender_id), added);
        }
    }
}

impl Spender {
    pub fn new(deps: &SessionDeps, job: &Job, lang: Lang) -> Self {
        let claim = Claim {
            in_flight: deps.in_flight.clone(),
            channel: job.channel.clone(),
            sender_id: job.sender_id.clone(),
            meter: Mutex::default(),
        };
        Self { deps: deps.clone(), lang, claim: Arc::new(claim) }
    }

    fn who(&self) -> (&str, &str) {
        (&self.claim.channel, &self.claim.sender_id)
    }

    /// The refusal to send instead of making `request` with `extra_tokens` beside it (what the
    /// person is told, and what the audit row says), given what is under way.
    pub async fn refusal(&self, request: &ChatRequest, extra_tokens: u64) -> Option<(String, String)> {
        let s = &self.deps.settings;
        let caps = Caps {
            budget: &s.budget,
            timezone: s.timezone,
            now: s.clock.now(),
            prices: &s.prices,
            model: &s.model,
        };
        let under_way = self.deps.in_flight.of(self.who());
        match check_call(&self.deps.store, &caps, self.who(), under_way, request, extra_tokens).await {
            Ok(()) => {
                let tokens = omega_providers::estimate::request_tokens(request) + extra_tokens;
                let mut meter = self.claim.meter.lock();
                meter.checked = meter.checked.max(Some(tokens));
                None
            }
            Err(refusal) => {
                let (channel, sender) = self.who();
                tracing::info!(channel, sender, %refusal, "call not made");
                Some((refusal.explain(&caps, &s.agent_name, self.lang), refusal.to_string()))
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
            let capped = omega_core::budget::capped(&this.deps.settings.budget);
            if capped {
                let checked = {
                    let meter = this.claim.meter.lock();
                    meter.calls == 0
                        && meter.checked >= Some(omega_providers::estimate::request_tokens(&request))
                };
                if !checked && let Some((reason, _)) = this.refusal(&request, 0).await {
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
            let call = {
                let mut meter = this.claim.meter.lock();
                let before = meter.spent();
                meter.add(response.usage, cost);
                let after = meter.spent();
                let call = Spent { usd: after.usd - before.usd, tokens: after.tokens - before.tokens };
                if capped {
                    meter.under_way = meter.under_way + call;
                }
                call
            };
            // Under way until the message's audit row holds it (only caps read it).
            if capped {
                this.deps.in_flight.add(this.who(), call);
            }
            Ok(response)
        })
    }

    /// What the message's calls cost so far.
    pub fn meter(&self) -> Meter {
        *self.claim.meter.lock()
    }
}
