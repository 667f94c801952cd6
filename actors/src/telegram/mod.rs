//! The Telegram channel: teloxide against the Bot API, long polling. I/O only — ordering, the busy
//! acknowledgement and everything else come from the Gateway and the Session.
//!
//! Receiving: `getUpdates` with the stored offset. Each update goes to the Gateway, and only once
//! it is in the inbox (or refused) is the offset advanced and saved in `channel_state`; a crash in
//! between makes Telegram send the update again, and the inbox drops it as a duplicate (its
//! `external_id` is the update id). So a restart neither loses nor repeats a message.
//!
//! Errors: network failures and 5xx back off exponentially (1 s … 60 s); `429 retry_after` is
//! waited out; an invalid token stops the channel with one clear log line instead of a crash
//! loop.
//!
//! Sending: Markdown is rendered to Telegram HTML and split under 4,096 UTF-16 units
//! (`omega_channels::telegram`); a chunk Telegram rejects as unparseable is re-sent as plain text.
//! While a message is being answered the chat shows "typing…", refreshed every 4 s, and after
//! `still_working_secs` a short note says Omega is still on it.

use actix::prelude::*;
use omega_channels::telegram::{Chunk, MAX_MESSAGE_UTF16, render_chunks};
use omega_core::InboxId;
use omega_core::config::{TelegramConfig, VoiceConfig};
use omega_core::{Attachment, AttachmentKind, Inbound};
use omega_memory::Store;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use teloxide::net::Download;
use teloxide::payloads::EditMessageTextSetters;
use teloxide::payloads::{GetUpdatesSetters, SendMessageSetters};
use teloxide::requests::{Request, Requester};
use teloxide::types::{AllowedUpdate, BotCommand, ChatAction, ChatId, MessageId, ParseMode, UpdateKind};
use teloxide::{ApiError, Bot, RequestError};

use crate::channel::{Accepted, Receive};
use crate::channel::{Deliver, DeliveryError, FetchMedia, Preview};
use crate::guard::ChildGuard;
use crate::route::Route;
use crate::slot::Slot;

pub use omega_channels::telegram::CHANNEL;
/// Key of the saved update offset in `channel_state`.
pub(super) const OFFSET_KEY: &str = "offset";
pub(super) const TYPING_EVERY: Duration = Duration::from_secs(4);
/// Sends that hit 429 are retried this many times (waiting `retry_after` each time).
pub(super) const SEND_RETRIES: usize = 3;

/// Sending, previews, typing.
mod delivery;
/// What an update becomes.
mod incoming;
/// Long polling.
mod poller;

use delivery::StartTyping;
pub use delivery::{TelegramChannel, bot_for};
use incoming::{BotInfo, Incoming, incoming};
pub use poller::{PollingDeps, TelegramPoller, run_polling};
