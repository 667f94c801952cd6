//! Answers shown while they are generated (channels with previews).

use std::time::{Duration, Instant};

use super::{Job, SessionDeps};
use crate::channel::Preview;
use crate::outbox::ShowPreview;

/// The shortest gap between two previews of a growing answer (Telegram allows about one edit a
/// second per chat).
const PREVIEW_EVERY: Duration = Duration::from_millis(1200);

/// Forward the streamed answer to the channel as previews, at most one per [`PREVIEW_EVERY`]. The
/// deltas arrive through the Markers actor's stream filter (markers held back). Ends when the
/// provider drops the sink; the final answer is delivered as usual.
pub(super) fn spawn_previews(deps: &SessionDeps, job: &Job) -> omega_providers::DeltaSink {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let outbox = deps.outbox.preview.clone();
    let (channel, recipient, id) = (job.channel.clone(), job.reply_target.clone(), job.id);
    actix_rt::spawn(async move {
        let mut shown = String::new();
        let mut last: Option<Instant> = None;
        let mut dirty = false;
        loop {
            let next = match last {
                Some(t) => tokio::time::timeout_at((t + PREVIEW_EVERY).into(), rx.recv()).await,
                None => Ok(rx.recv().await),
            };
            match next {
                Ok(Some(visible)) => {
                    shown.push_str(&visible);
                    dirty = true;
                }
                Ok(None) => break,
                Err(_) => {}
            }
            if dirty && !shown.trim().is_empty() && last.is_none_or(|t| t.elapsed() >= PREVIEW_EVERY) {
                let preview = Preview { recipient: recipient.clone(), in_reply_to: id, text: shown.clone() };
                outbox.do_send(ShowPreview { channel: channel.clone(), preview });
                last = Some(Instant::now());
                dirty = false;
            }
        }
    });
    tx
}
