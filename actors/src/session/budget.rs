//! Daily spending caps, checked before a call is made (the arithmetic is
//! `omega_core::budget`'s).

use omega_core::budget::{Spent, capped, capped_total, check, estimate};
use omega_providers::ChatRequest;

use super::{Job, SessionDeps};
use crate::pipeline::start_of_today;

/// Refuse a call that would take the sender (or everyone) over today's cap: the refusal to send.
pub(super) async fn over_budget(
    deps: &SessionDeps,
    job: &Job,
    request: &ChatRequest,
    lang: omega_core::i18n::Lang,
) -> Option<String> {
    let b = &deps.settings.budget;
    if !capped(b) {
        return None;
    }
    let since = start_of_today(deps.settings.clock.now(), deps.settings.timezone);
    // A resumed session is sent only the new message (the history rides along for a fallback).
    let sent = if request.resume.is_some() { request.messages.len().saturating_sub(1) } else { 0 };
    let chars =
        request.system.len() + request.messages[sent..].iter().map(|m| m.content.len()).sum::<usize>();
    let model = if request.model.is_empty() { &deps.settings.model } else { &request.model };
    let price = omega_providers::pricing::price_for(model, &deps.settings.prices).map(|p| p.input_per_mtok);
    let spent = |s: omega_memory::audit::Spend| Spent { usd: s.usd, tokens: s.tokens };
    let mine = deps.store.spend_since(Some((&job.channel, &job.sender_id)), since).await.ok()?;
    let all = match capped_total(b) {
        true => Some(spent(deps.store.spend_since(None, since).await.ok()?)),
        false => None,
    };
    check(b, spent(mine), all, estimate(chars, price))
        .map(|over| over.explain(deps.settings.timezone.name(), &deps.settings.agent_name, lang))
}
