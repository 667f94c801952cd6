//! Storing an outcome (one transaction) and handing it to the Outbox; failing a message a
//! crashed session was answering.

use omega_core::OutboundKind;
use omega_core::i18n::Lang;
use omega_core::tr;
use omega_memory::conversations::{CallRecord, Exchange};
use std::path::PathBuf;

use super::{Job, SessionDeps};
use crate::outbox::{Dispatch, Notify};

/// [`store_outcome`] for an outcome that belongs to the conversation.
pub(super) async fn finish(
    deps: &SessionDeps,
    job: &Job,
    kind: OutboundKind,
    text: String,
    error: Option<String>,
    call: CallRecord,
) {
    if kind == OutboundKind::Error
        && let Some(task_id) = job.task_id()
    {
        let reason = Some(error.clone().unwrap_or_else(|| text.clone()));
        deps.action_done.do_send(crate::scheduler::ActionDone {
            task_id: task_id.to_owned(),
            ok: false,
            reason,
        });
    }
    store_outcome(deps, job, kind, text, error, call, false).await;
}

/// Store the outcome (one transaction) and hand it to the Outbox; `off_the_record` keeps it out
/// of the conversation history.
pub(super) async fn store_outcome(
    deps: &SessionDeps,
    job: &Job,
    kind: OutboundKind,
    text: String,
    error: Option<String>,
    call: CallRecord,
    off_the_record: bool,
) {
    // A job's outcome names the job, and says so when it was stopped (whatever the call
    // answered after that).
    let (kind, text, error, user_text) = match job.is_job() {
        false => (kind, text, error, job.text.clone()),
        true => {
            let stopped = deps.job.as_ref().and_then(|c| c.stopped());
            let ok = kind == OutboundKind::Reply;
            let lang = crate::effects::person_lang(&deps.store, &job.session_key(), &job.text).await;
            let words = crate::jobs::outcome_text(job.id, &job.text, ok, stopped, &text, lang);
            let (kind, error) = match stopped {
                Some(why) => (OutboundKind::Error, Some(format!("stopped: {}", why.words(Lang::En)))),
                None => (kind, error),
            };
            (kind, words, error, format!("(background job #{}) {}", job.id.0, job.text))
        }
    };
    let at = deps.settings.clock.now();
    // What the kept context gains if this exchange is stored: the conversation's two messages.
    let remembered = (kind == OutboundKind::Reply && !off_the_record)
        .then(|| (user_text.clone(), text.clone(), omega_memory::millis(at)));
    let exchange = Exchange {
        inbox_id: job.id,
        channel: job.channel.clone(),
        sender_id: job.sender_id.clone(),
        sender_name: job.sender_name.clone(),
        reply_target: job.reply_target.clone(),
        user_text,
        reply_text: text.clone(),
        note: job.note.clone(),
        kind,
        off_the_record,
        error,
        call,
        at,
        project: job.project.clone(),
        files: job.files.clone(),
    };
    let stored = deps.store.finish_exchange_with_files(exchange).await;
    if let Some(cache) = deps.context.as_deref().filter(|_| !job.is_job() && job.task_id().is_none()) {
        match &stored {
            Ok(Some(_)) => cache.after_exchange(
                deps.store.context_version(&job.channel, &job.sender_id),
                remembered.as_ref().map(|(u, r, at)| (u.as_str(), r.as_str(), *at)),
                deps.settings.max_context_messages as usize,
            ),
            _ => cache.clear(),
        }
    }
    match stored {
        Ok(None) => {
            // Another session stored this message's outcome first: it is answered once, there.
            tracing::debug!(id = job.id.0, "message already answered; this outcome is dropped");
        }
        Ok(Some((row, files))) => {
            if !off_the_record {
                deps.summarizer.do_send(crate::summarizer::Nudge);
            }
            // The message is answered: its files are no longer needed (and are private).
            if !job.attachments.is_empty() {
                let paths: Vec<PathBuf> = job
                    .attachments
                    .iter()
                    .filter(|a| !a.path.as_os_str().is_empty())
                    .map(|a| a.path.clone())
                    .collect();
                let _ = crate::blocking::off_thread(move || {
                    paths.iter().for_each(|p| drop(std::fs::remove_file(p)))
                })
                .await;
            }
            deps.outbox.dispatch.do_send(Dispatch(row));
            for f in files {
                deps.outbox.dispatch.do_send(Dispatch(f));
            }
        }
        Err(e) => {
            // The outcome could not be stored: still tell the person, best-effort.
            tracing::error!(id = job.id.0, error = %e, "cannot store a reply; sending it unstored");
            deps.outbox.notify.do_send(Notify {
                channel: job.channel.clone(),
                recipient: job.reply_target.clone(),
                text: omega_memory::conversations::with_note(job.note.as_deref(), &text).into_owned(),
                in_reply_to: Some(job.id),
            });
        }
    }
}

/// Give a job cancelled before it started its outcome. Used by the Gateway.
pub(crate) async fn drop_waiting_job(deps: &SessionDeps, job: Job) {
    let text = crate::pipeline::JobStop::BeforeStart.words(Lang::En);
    let mut deps = deps.clone();
    let control = crate::pipeline::JobControl::new();
    control.stop(crate::pipeline::JobStop::BeforeStart);
    deps.job = Some(std::sync::Arc::new(control));
    let call = CallRecord::default();
    store_outcome(&deps, &job, OutboundKind::Error, text.clone(), Some(text), call, false).await;
}

/// Fail a message that a crashed session was answering. Used by the Gateway, which has no
/// session but the same collaborators.
pub(crate) async fn fail_in_flight(deps: &SessionDeps, job: Job) {
    let lang = crate::effects::person_lang(&deps.store, &job.session_key(), &job.text).await;
    let text = tr!(lang, "internal-session");
    let call = CallRecord { provider: Some(deps.provider_name.clone()), ..Default::default() };
    let error = Some("the session handling this message crashed".to_owned());
    finish(deps, &job, OutboundKind::Error, text, error, call).await;
}
