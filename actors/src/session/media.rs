//! Fetching what a message came with, just before it is answered: a photo is saved for the model
//! to see, a voice note is transcribed into the message's text. This runs in the sender's
//! session, not in the channel's receiving loop, so one slow download or transcription holds up
//! only its own sender; and the message is already in the inbox, so a crash meanwhile loses
//! nothing (the fetch runs again on resume).

use omega_core::AttachmentKind;
use omega_core::i18n::Lang;
use omega_core::tr;

use super::{Job, SessionDeps};
use crate::channel::FetchMedia;

/// Fetch `job`'s attachments that are not fetched yet. On failure, the reply that says why, in
/// `lang`.
pub(super) async fn fetch_media(deps: &SessionDeps, job: &mut Job, lang: Lang) -> Result<(), String> {
    let mut heard = Vec::new();
    for a in job.attachments.iter_mut() {
        let Some(reference) = a.fetch.clone() else { continue };
        let (what, log) = match a.kind {
            AttachmentKind::Image => (tr!(lang, "media-photo"), "photo"),
            AttachmentKind::Voice => (tr!(lang, "media-voice"), "voice message"),
        };
        let from = deps.media.get(&job.channel);
        let data = match from {
            None => Err(format!("the {} channel cannot provide files", job.channel)),
            Some(route) => match route.send(FetchMedia { reference }).await {
                Ok(fetched) => fetched,
                Err(_) => Err(format!("the {} channel is not running", job.channel)),
            },
        };
        let data = match data {
            Ok(d) if d.is_empty() => Err("the file is empty".to_owned()),
            other => other,
        }
        .map_err(|e| {
            tracing::warn!(channel = %job.channel, error = %e, "cannot download a {log}");
            tr!(lang, "media-download-failed", what = what, error = e)
        })?;
        match a.kind {
            AttachmentKind::Image => {
                let path = a.path.clone();
                let saved = crate::blocking::off_thread(move || crate::blocking::write_private(&path, &data))
                    .await
                    .unwrap_or_else(|| Err(std::io::Error::other("the blocking pool is gone")));
                if let Err(e) = saved {
                    tracing::error!(error = %e, "cannot save a photo");
                    return Err(tr!(lang, "media-save-failed", error = e.to_string()));
                }
                a.fetch = None;
            }
            AttachmentKind::Voice => {
                let voice = &deps.settings.voice;
                match omega_providers::transcribe::transcribe(voice, data, "voice.ogg", &a.mime).await {
                    Ok(t) if !t.trim().is_empty() => heard.push(t),
                    Ok(_) => return Err(tr!(lang, "voice-no-words")),
                    Err(e) => {
                        tracing::warn!(error = %e, "transcription failed");
                        return Err(tr!(lang, "voice-failed", error = e.to_string()));
                    }
                }
            }
        }
    }
    // A voice note is its words; the audio itself is not kept.
    job.attachments.retain(|a| a.kind != AttachmentKind::Voice);
    for t in heard {
        job.text = if job.text == "[Voice message]" || job.text.is_empty() {
            format!("[Voice message] {t}")
        } else {
            format!("{}\n[Voice message] {t}", job.text)
        };
    }
    Ok(())
}
