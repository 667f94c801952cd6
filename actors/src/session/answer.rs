//! Answering one message, top to bottom: context → budget → provider (or the tool loop, or
//! routed steps) → Markers (which carries the effects out) → the stored outcome.

use omega_core::i18n::Lang;
use omega_core::tr;
use omega_core::{OutboundKind, SessionKey};
use omega_memory::conversations::CallRecord;
use omega_providers::ProviderError;
use std::time::Instant;

use super::budget::Spender;
use super::context::build_request;
use super::media::fetch_media;
use super::outcome::{finish, store_outcome};
use super::previews::spawn_previews;
use super::tools::run_tool_loop;
use super::{Job, SessionDeps};
use crate::markers::{FilterStream, ProcessOutput};

/// Answer one message: context → provider → markers → store → outbox. Every path ends in exactly
/// one stored outcome (a reply or an error) that the Outbox delivers. Returns the language the
/// person was answered in.
pub(super) async fn answer(deps: SessionDeps, key: SessionKey, job: Job) -> Option<Lang> {
    if deps.settings.panic_on.as_deref().is_some_and(|p| job.text.contains(p)) {
        panic!("injected session panic for {key}");
    }
    let started = Instant::now();
    // The person's language, read here only on the paths that answer before the request is
    // built (which reads it with the rest of their memory).
    if job.attempts > deps.settings.max_resumes {
        let lang = crate::effects::person_lang(&deps.store, &key, &job.text).await;
        let detail = format!("abandoned after {} interruptions", job.attempts);
        finish(&deps, &job, OutboundKind::Error, tr!(lang, "abandoned"), Some(detail), CallRecord::default())
            .await;
        return Some(lang);
    }

    if let Some(command) = omega_core::commands::Command::parse(&job.text) {
        let lang = crate::effects::person_lang(&deps.store, &key, "").await;
        let text = match command {
            omega_core::commands::Command::Context => super::context::report(&deps, &job, &key, lang).await,
            other => crate::commands::run(&deps, &job, &key, other, lang).await,
        };
        store_outcome(&deps, &job, OutboundKind::Reply, text, None, CallRecord::default(), true).await;
        // A command may change anything of the sender's (their project, memory, tasks): the
        // next message reads their context afresh.
        if let Some(cache) = &deps.context {
            cache.clear();
        }
        // A command's text says nothing of the language the person writes in.
        return None;
    }

    let images = job.attachments.iter().any(|a| a.kind == omega_core::AttachmentKind::Image);
    if images && !deps.settings.vision && !deps.settings.reads_image_files {
        let lang = crate::effects::person_lang(&deps.store, &key, &job.text).await;
        let text = tr!(lang, "no-vision", provider = deps.provider_name.as_str());
        finish(&deps, &job, OutboundKind::Reply, text, None, CallRecord::default()).await;
        return Some(lang);
    }

    let mut job = job;
    if job.attachments.iter().any(|a| a.fetch.is_some()) {
        let lang = crate::effects::person_lang(&deps.store, &key, &job.text).await;
        if let Err(text) = fetch_media(&deps, &mut job, lang).await {
            // Kept out of the conversation: the model never saw the message.
            let detail = Some(text.clone());
            store_outcome(&deps, &job, OutboundKind::Error, text, detail, CallRecord::default(), true).await;
            return Some(lang);
        }
    }
    // Waiting for a turn slot holds only the message; the request is built once there is one.
    let queued = Instant::now();
    let turn = deps.turns.clone().acquire_owned().await.ok();
    crate::stages::observe("queue", queued.elapsed());
    let building = Instant::now();
    let (request, project, lang) = match build_request(&deps, &key, &job).await {
        Ok(built) => {
            crate::stages::observe("context", building.elapsed());
            job.project = Some(built.project.clone());
            (built.request, built.project, built.lang)
        }
        Err(e) => {
            let lang = crate::effects::person_lang(&deps.store, &key, &job.text).await;
            let text = tr!(lang, "history-failed");
            finish(&deps, &job, OutboundKind::Error, text, Some(e), CallRecord::default()).await;
            return Some(lang);
        }
    };
    // Every call for this message goes through its Spender: checked against the caps before,
    // metered after. The first is checked here, before anything else is done for it.
    let spender = Spender::new(&deps, &job, lang);
    // The tool loop's first turn carries the tools' schemas too: counted here, so the refusal
    // says what the message really needs.
    let tool_loop = deps.settings.tools.is_some() && deps.settings.provider_tools;
    let extra = match &deps.tools {
        Some(tools) if tool_loop && omega_core::budget::capped(&deps.settings.budget) => {
            super::tools::offered_tokens(&deps, &job, tools, &request).await
        }
        _ => 0,
    };
    if let Some((refusal, detail)) = spender.refusal(&request, extra).await {
        let call = CallRecord { provider: Some(deps.provider_name.clone()), ..Default::default() };
        finish(&deps, &job, OutboundKind::Error, refusal, Some(detail), call).await;
        return Some(lang);
    }
    // A job's answer is not shown while it is written: the person is talking about something else.
    let deltas = match deps.settings.preview_channels.contains(&job.channel) && !job.is_job() {
        // The previews see the stream through the Markers actor's filter; without it, none.
        true => deps.markers.stream.send(FilterStream { to: spawn_previews(&deps, &job) }).await.ok(),
        false => None,
    };
    // The conversation's first answer (nothing before it in the request).
    let first = request.messages.len() == 1 && !job.is_job();
    let resumed_id = request.resume.clone();
    let resumed = resumed_id.is_some();
    let mut untrusted = Vec::new();
    let mut tool_confirmations = Vec::new();
    let asking = Instant::now();
    let routed = match &deps.settings.routing {
        Some(r) if crate::routing::worth_classifying(r, &job.text, resumed) => {
            let complete = |req| spender.complete(req, None);
            crate::routing::route(&deps, &job, r, &request, &complete).await
        }
        _ => None,
    };
    let result = match (routed, &deps.tools, deps.settings.tools) {
        (Some(r), _, _) => r,
        (None, Some(tools), Some(limits)) if deps.settings.provider_tools => {
            let (answer, outputs, done) =
                run_tool_loop(&deps, &job, &spender, tools, limits, request, deltas.clone()).await;
            untrusted = outputs;
            tool_confirmations = done;
            answer
        }
        _ => spender.complete(request, deltas).await,
    };
    // A failed call keeps the stored session: a timeout or a rate limit says nothing about it,
    // and the CLI's transcript (its tool results too) holds more than Omega's history. A session
    // the CLI no longer knows is replaced by the provider itself (a new id, stored below).
    // A job runs in a provider session of its own, never stored: the conversation's goes on
    // beside it.
    if let Ok(r) = &result
        && !job.is_job()
        && let Some(sid) = &r.session_id
        && session_changed(resumed_id.as_deref(), sid)
    {
        let _ = deps
            .store
            .set_provider_session(&job.channel, &job.sender_id, &project, &deps.provider_name, Some(sid))
            .await;
    }
    drop(turn);
    let latency = Some(started.elapsed().as_millis() as i64);
    crate::stages::observe("provider", asking.elapsed());
    // What every call for the message cost, whether or not the last one answered.
    let meter = spender.meter();
    let mut call = CallRecord {
        provider: Some(deps.provider_name.clone()),
        input_tokens: meter.usage.map(|u| u.input_tokens as i64),
        output_tokens: meter.usage.map(|u| u.output_tokens as i64),
        cost_usd: meter.cost_usd,
        latency_ms: latency,
        cache_read_tokens: meter.usage.map(|u| u.cached_tokens as i64),
        cache_write_tokens: meter.usage.map(|u| u.cache_write_tokens as i64),
        usage_estimated: meter.usage.is_some_and(|u| u.estimated),
        ..CallRecord::default()
    };
    let response = match result {
        Ok(r) => r,
        Err(err) => {
            match err {
                // A job called off: what was asked, not a failure.
                ProviderError::Cancelled { .. } => tracing::info!(session = %key, "provider call cancelled"),
                ProviderError::OverBudget { .. } => {}
                ProviderError::Interrupted { .. } => {
                    tracing::error!(session = %key, error = %err, "provider call interrupted")
                }
                _ => tracing::warn!(session = %key, error = %err, "provider call failed"),
            }
            let mut text = provider_failure(&err, lang);
            // What the effect tools already did stands (a reminder set, a fact kept): say so.
            for done in &tool_confirmations {
                text.push('\n');
                text.push_str(&omega_core::i18n::confirmation(done, lang));
            }
            finish(&deps, &job, OutboundKind::Error, text, Some(err.to_string()), call).await;
            return Some(lang);
        }
    };
    if !response.provider.is_empty() {
        call.provider = Some(response.provider.clone());
    }
    call.model = Some(response.model.clone());
    let output = ProcessOutput { text: response.text, untrusted, who: job.who() };
    let effects = Instant::now();
    let processed = match deps.markers.output.send(output).await {
        Ok(p) => {
            crate::stages::observe("effects", effects.elapsed());
            p
        }
        Err(e) => {
            let text = tr!(lang, "internal-markers");
            finish(&deps, &job, OutboundKind::Error, text, Some(format!("markers actor: {e}")), call).await;
            return Some(lang);
        }
    };
    for d in &processed.diagnostics {
        tracing::warn!(session = %key, marker = d.marker.as_str(), problem = %d.problem, "malformed marker");
    }
    // Files the answer sends go with the reply, in its transaction.
    job.files = tool_confirmations
        .iter()
        .chain(&processed.confirmations)
        .filter_map(|c| match c {
            omega_markers::Confirmation::FileAttached { name, path, mime, caption, .. } => Some((
                omega_core::OutFile { path: path.into(), name: name.clone(), mime: mime.clone() },
                caption.clone(),
            )),
            _ => None,
        })
        .collect();
    let confirmations: Vec<String> = tool_confirmations
        .iter()
        .chain(&processed.confirmations)
        .map(|c| omega_core::i18n::confirmation(c, lang))
        .collect();
    let text = match (processed.text.trim().is_empty(), confirmations.is_empty()) {
        (true, true) => tr!(lang, "done"),
        (true, false) => confirmations.join("\n"),
        (false, true) => processed.text,
        (false, false) => format!("{}\n\n{}", processed.text.trim_end(), confirmations.join("\n")),
    };
    // Sent before the first answer; the model never sees it as something it said.
    if deps.settings.local_note && first {
        job.note = Some(tr!(lang, "local-note"));
    }
    let storing = Instant::now();
    finish(&deps, &job, OutboundKind::Reply, text, None, call).await;
    crate::stages::observe("store", storing.elapsed());
    Some(lang)
}

/// What the person is told when the provider failed: plain words, the cause, and what to do
/// when it is a setup problem; never a credential.
fn provider_failure(err: &ProviderError, lang: Lang) -> String {
    let why = err.to_string();
    match err {
        ProviderError::NotConfigured { .. }
        | ProviderError::Disabled { .. }
        | ProviderError::AuthRejected { .. } => {
            tr!(lang, "provider-unavailable", why = why)
        }
        ProviderError::Timeout { .. } => tr!(lang, "provider-timeout", why = why),
        ProviderError::RateLimited { .. } => tr!(lang, "provider-busy", why = why),
        ProviderError::OverBudget { reason, .. } => reason.clone(),
        ProviderError::Interrupted { .. } => tr!(lang, "internal-provider"),
        _ => tr!(lang, "provider-failed", why = why),
    }
}

/// Whether a provider's answer came from another session than the one stored (a new one, or a
/// fresh one that replaced a session the CLI no longer knew): only then is it written.
fn session_changed(stored: Option<&str>, answered: &str) -> bool {
    stored != Some(answered)
}
