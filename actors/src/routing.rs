//! Smart routing: a fast model decides whether a message is direct or complex; complex work is
//! split into steps that the complex model carries out one by one, with a progress note after
//! each ("✓ step 2/5: …"), the last step answering with the result.
//!
//! The original's classifier added ~9 s to every message, so here it is cheap by construction:
//! off unless `[routing] enabled`; skipped for messages shorter than `min_chars`, for commands,
//! and for a provider that continues its own session; one short call to the fast model with no
//! tools and a small token cap. Its latency is logged and audited with the message.

use omega_providers::{ChatMessage, ChatRequest, ChatResponse, ProviderError, Role, Usage};
use std::time::Instant;

use crate::outbox::Notify;
pub use crate::pipeline::RoutingSettings;
use crate::pipeline::{Job, SessionDeps};
use omega_providers::toolloop::CompleteFn;

/// The classifier's instruction.
pub const CLASSIFY_PROMPT: &str = "\
You are a task classifier. Do not use tools and do not answer the task. Reply DIRECT if the \
message can be answered in one go (a question, a chat, a simple request). Only if it needs \
several distinct pieces of work (research then synthesis, a multi-part plan, building something) \
reply with a numbered list of at most {max} short steps, one per line, and nothing else. When in \
doubt, reply DIRECT.";

/// The steps in a classifier's answer; empty = direct.
pub fn parse_steps(answer: &str, max: usize) -> Vec<String> {
    let t = answer.trim();
    if t.to_ascii_uppercase().starts_with("DIRECT") {
        return Vec::new();
    }
    let steps: Vec<String> = t
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            let digits = l.chars().take_while(|c| c.is_ascii_digit()).count();
            if digits == 0 {
                return None;
            }
            let rest = l[digits..].trim_start_matches(['.', ')', ':']).trim();
            (!rest.is_empty()).then(|| rest.to_owned())
        })
        .take(max)
        .collect();
    if steps.len() < 2 { Vec::new() } else { steps }
}

/// Whether this message is worth classifying.
pub fn worth_classifying(settings: &RoutingSettings, text: &str, resumed: bool) -> bool {
    !resumed && text.chars().count() >= settings.min_chars
}

/// Classify, and when the work is complex carry it out step by step, each call made by
/// `complete` (the message's, which checks the caps and meters it). `None` = answer directly (the
/// caller goes on as usual); `Some` = the final answer (usage summed over every call).
pub async fn route(
    deps: &SessionDeps,
    job: &Job,
    settings: &RoutingSettings,
    request: &ChatRequest,
    complete: &CompleteFn<'_>,
) -> Option<Result<ChatResponse, ProviderError>> {
    let started = Instant::now();
    let classify = ChatRequest {
        model: settings.fast_model.clone(),
        system: CLASSIFY_PROMPT.replace("{max}", &settings.max_steps.to_string()),
        messages: vec![ChatMessage::new(Role::User, job.text.clone())],
        max_tokens: Some(300),
        ..ChatRequest::default()
    };
    let verdict = match complete(classify).await {
        Ok(r) => r,
        // A classifier that fails costs nothing more: answer directly.
        _ => return None,
    };
    let steps = parse_steps(&verdict.text, settings.max_steps);
    tracing::info!(
        ms = started.elapsed().as_millis() as u64,
        steps = steps.len(),
        "routing: message classified"
    );
    if steps.is_empty() {
        return None;
    }
    let mut usage = verdict.usage.unwrap_or_default();
    let mut cost = verdict.cost_usd;
    let mut done: Vec<String> = Vec::new();
    let n = steps.len();
    let mut last = None;
    // The message as it was built (with any note about attached images), not the bare text.
    let task = request.messages.last().map(|m| m.content.clone()).unwrap_or_else(|| job.text.clone());
    for (i, step) in steps.iter().enumerate() {
        let mut req = request.clone();
        req.model = settings.complex_model.clone();
        let finale = if i + 1 == n {
            "\nThis is the last step: end with the complete result for the user."
        } else {
            "\nDo only this step; be concise."
        };
        let brief = format!(
            "Original task: {}\n\nCompleted so far:\n{}\n\nNow execute step {}/{n}: {step}{finale}",
            task,
            if done.is_empty() { "(nothing yet)".to_owned() } else { done.join("\n") },
            i + 1
        );
        if let Some(m) = req.messages.last_mut() {
            m.content = brief;
        }
        let r = match complete(req).await {
            Ok(r) => r,
            Err(e) => return Some(Err(e)),
        };
        add(&mut usage, r.usage);
        cost = match (cost, r.cost_usd) {
            (Some(a), Some(b)) => Some(a + b),
            (a, b) => a.or(b),
        };
        done.push(format!("Step {}: {step} — {}", i + 1, r.text.chars().take(1500).collect::<String>()));
        if i + 1 < n {
            deps.outbox.notify.do_send(Notify {
                channel: job.channel.clone(),
                recipient: job.reply_target.clone(),
                text: format!("✓ step {}/{n}: {step}", i + 1),
                in_reply_to: None,
            });
        }
        last = Some(r);
    }
    let mut last = last?;
    last.usage = Some(usage);
    last.cost_usd = cost;
    Some(Ok(last))
}

fn add(total: &mut Usage, u: Option<Usage>) {
    if let Some(u) = u {
        *total += u;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_list_is_read_and_anything_else_is_direct() {
        assert_eq!(parse_steps("DIRECT", 5), Vec::<String>::new());
        assert_eq!(parse_steps("direct — it's a greeting", 5), Vec::<String>::new());
        assert_eq!(
            parse_steps("1. Research\n2) Compare\n3: Write it up", 5),
            ["Research", "Compare", "Write it up"]
        );
        assert_eq!(parse_steps("1. Only one step", 5), Vec::<String>::new(), "one step is direct");
        assert_eq!(parse_steps("1. a\n2. b\n3. c", 2).len(), 2, "capped");
        assert_eq!(parse_steps("Sure! Here's my answer.", 5), Vec::<String>::new());
    }
}
