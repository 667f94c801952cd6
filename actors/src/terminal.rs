//! The terminal channel behind `omega chat`: lines from stdin in, deliveries to stdout.
//!
//! Each line is sent and answered before the next is read, the way a person at a prompt works;
//! piped input (`printf 'a\nb\n' | omega chat`) therefore gets its answers in order and the
//! command exits after the last one.

use omega_core::Inbound;
use std::io::IsTerminal;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::oneshot;

use crate::channel::{Accepted, Receive};
use crate::channel::{LocalChannel, await_reply};
use crate::route::Route;
use crate::slot::Slot;

/// The channel name.
pub const CHANNEL: &str = "terminal";

/// A local channel that prints every delivery.
pub fn printing_channel(interactive: bool) -> LocalChannel {
    LocalChannel::new(CHANNEL).with_sink(move |d: &crate::channel::Deliver| {
        println!("{}", omega_channels::terminal::render(d.kind, &d.text, interactive));
    })
}

/// Read stdin until EOF (or `/quit`), sending each line as `sender_id` and waiting for its answer.
pub async fn run_chat(
    gateway: Route<Receive>,
    local: Slot<LocalChannel>,
    sender_id: &str,
    interactive: bool,
) -> std::io::Result<()> {
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    let mut stdout = tokio::io::stdout();
    loop {
        if interactive {
            stdout.write_all(b"you> ").await?;
            stdout.flush().await?;
        }
        let Some(line) = lines.next_line().await? else {
            break;
        };
        let text = line.trim();
        if text.is_empty() {
            continue;
        }
        if interactive && matches!(text, "/quit" | "/exit") {
            break;
        }
        let (ack_tx, ack_rx) = oneshot::channel();
        gateway.do_send(Receive { inbound: Inbound::text(CHANNEL, sender_id, text), ack: Some(ack_tx) });
        let id = match ack_rx.await {
            Ok(Accepted::Queued(id)) | Ok(Accepted::Duplicate(id)) => id,
            Ok(Accepted::Denied) => continue,
            Ok(Accepted::Failed(e)) => {
                eprintln!("error: {e}");
                continue;
            }
            Err(_) => {
                eprintln!("error: Omega is not accepting messages (the gateway stopped)");
                break;
            }
        };
        // The sink prints the reply; here we only wait for it before reading on.
        if await_reply(&local, id).await.is_none() {
            eprintln!("error: the terminal channel stopped");
            break;
        }
    }
    Ok(())
}

/// Whether stdin is a person at a terminal (prompts and labels) or a pipe (plain lines).
pub fn stdin_is_interactive() -> bool {
    std::io::stdin().is_terminal()
}
