//! Daily spending caps, checked before a call is made.

use omega_providers::ChatRequest;

use super::{Job, SessionDeps};
use crate::pipeline::start_of_today;

/// Refuse a call that would take the sender (or everyone) over today's cap. The call's prompt is
/// estimated at four characters a token and priced at the model's input rate; the answer's cost
/// cannot be known in advance, so a cap can be overshot by at most one answer.
pub(super) async fn over_budget(deps: &SessionDeps, job: &Job, request: &ChatRequest) -> Option<String> {
    let b = &deps.settings.budget;
    let capped = b.daily_usd_per_sender > 0.0
        || b.daily_tokens_per_sender > 0
        || b.daily_usd_total > 0.0
        || b.daily_tokens_total > 0;
    if !capped {
        return None;
    }
    let since = start_of_today(deps.settings.clock.now(), deps.settings.timezone);
    // A resumed session is sent only the new message (the history rides along for a fallback).
    let sent = if request.resume.is_some() { request.messages.len().saturating_sub(1) } else { 0 };
    let chars: usize =
        request.system.len() + request.messages[sent..].iter().map(|m| m.content.len()).sum::<usize>();
    let est_tokens = (chars / 4) as i64;
    let model = if request.model.is_empty() { &deps.settings.model } else { &request.model };
    let est_usd = omega_providers::pricing::price_for(model, &deps.settings.prices)
        .map_or(0.0, |p| est_tokens as f64 * p.input_per_mtok / 1_000_000.0);
    let tz = deps.settings.timezone.name();
    let mine = deps.store.spend_since(Some((&job.channel, &job.sender_id)), since).await.ok()?;
    if b.daily_usd_per_sender > 0.0 && mine.usd + est_usd > b.daily_usd_per_sender {
        return Some(format!(
            "You've reached today's budget: ${:.4} of ${:.2} spent. It resets at midnight ({tz}); the owner can raise [budget] daily_usd_per_sender.",
            mine.usd, b.daily_usd_per_sender
        ));
    }
    if b.daily_tokens_per_sender > 0 && mine.tokens + est_tokens > b.daily_tokens_per_sender as i64 {
        return Some(format!(
            "You've reached today's token budget: {} of {} tokens used. It resets at midnight ({tz}); the owner can raise [budget] daily_tokens_per_sender.",
            mine.tokens, b.daily_tokens_per_sender
        ));
    }
    if b.daily_usd_total > 0.0 || b.daily_tokens_total > 0 {
        let all = deps.store.spend_since(None, since).await.ok()?;
        if (b.daily_usd_total > 0.0 && all.usd + est_usd > b.daily_usd_total)
            || (b.daily_tokens_total > 0 && all.tokens + est_tokens > b.daily_tokens_total as i64)
        {
            return Some(format!(
                "Omega has reached today's overall budget (${:.4}, {} tokens used). It resets at midnight ({tz}).",
                all.usd, all.tokens
            ));
        }
    }
    None
}
