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

use crate::channel::{Deliver, DeliveryError, Preview};
use crate::gateway::{Accepted, Gateway, Receive};
use crate::slot::Slot;
use crate::supervisor::ChildGuard;

/// The channel name.
pub const CHANNEL: &str = "telegram";
/// Key of the saved update offset in `channel_state`.
const OFFSET_KEY: &str = "offset";
const TYPING_EVERY: Duration = Duration::from_secs(4);
/// Sends that hit 429 are retried this many times (waiting `retry_after` each time).
const SEND_RETRIES: usize = 3;

/// Show "typing…" in a chat until its answer is delivered.
#[derive(Message)]
#[rtype(result = "()")]
struct StartTyping {
    chat: i64,
    /// The message being answered: if its answer was already delivered (a fast answer can beat
    /// this message here), no typing starts.
    id: InboxId,
}

/// Typing stops after this long even without an answer (the answer may come through another
/// path, or never).
const TYPING_MAX: Duration = Duration::from_secs(30 * 60);
/// How many recently answered messages are remembered to ignore late `StartTyping`s.
const ANSWERED_MEMORY: usize = 1024;

/// A message being shown while its answer is generated.
#[derive(Debug, Default)]
struct Live {
    chat: i64,
    /// The message that shows the preview, once Telegram has created it.
    message: Option<MessageId>,
    /// A send or edit is under way; `pending` is the newest text to show after it.
    busy: bool,
    pending: Option<String>,
    shown: String,
}

pub struct TelegramChannel {
    bot: Bot,
    config: TelegramConfig,
    live: HashMap<InboxId, Live>,
    /// Messages whose answer was delivered, most recent last (bounded).
    answered: std::collections::VecDeque<InboxId>,
    /// Previews whose answer was delivered while their first send was still under way; the
    /// preview message is deleted when that send completes.
    abandoned: HashMap<InboxId, (i64, Option<MessageId>)>,
    /// Chats with a message being answered: the typing timer and how many ticks it has run.
    typing: HashMap<i64, (SpawnHandle, u64)>,
    /// Reports this actor's end to the Supervisor (`None` when started alone).
    _guard: Option<ChildGuard>,
}

/// The Bot API client for `config`.
pub fn bot_for(config: &TelegramConfig) -> Result<Bot, String> {
    let url = reqwest::Url::parse(&config.api_url)
        .map_err(|e| format!("channel.telegram.api_url `{}` is not a URL: {e}", config.api_url))?;
    Ok(Bot::new(config.bot_token.expose()).set_api_url(url))
}

impl TelegramChannel {
    /// A channel for `config`; `start_polling` begins receiving.
    pub fn new(config: TelegramConfig) -> Result<Self, String> {
        let bot = bot_for(&config)?;
        Ok(Self {
            bot,
            config,
            typing: HashMap::new(),
            live: HashMap::new(),
            answered: Default::default(),
            abandoned: HashMap::new(),
            _guard: None,
        })
    }

    /// Report to the Supervisor when this actor ends (so it is restarted).
    pub fn supervised(mut self, guard: ChildGuard) -> Self {
        self._guard = Some(guard);
        self
    }

    pub fn bot(&self) -> Bot {
        self.bot.clone()
    }

    fn stop_typing(&mut self, chat: i64, ctx: &mut Context<Self>) {
        if let Some((h, _)) = self.typing.remove(&chat) {
            ctx.cancel_future(h);
        }
    }
}

impl Actor for TelegramChannel {
    type Context = Context<Self>;
}

impl Handler<StartTyping> for TelegramChannel {
    type Result = ();

    fn handle(&mut self, msg: StartTyping, ctx: &mut Context<Self>) {
        let chat = msg.chat;
        if self.typing.contains_key(&chat) || self.answered.contains(&msg.id) {
            return;
        }
        let bot = self.bot.clone();
        actix_rt::spawn(async move {
            let _ = bot.send_chat_action(ChatId(chat), ChatAction::Typing).send().await;
        });
        let note_after = self.config.still_working_secs;
        let handle = ctx.run_interval(TYPING_EVERY, move |act, ctx| {
            let Some(entry) = act.typing.get_mut(&chat) else {
                return;
            };
            entry.1 += 1;
            let elapsed = entry.1 * TYPING_EVERY.as_secs();
            if elapsed > TYPING_MAX.as_secs() {
                if let Some((h, _)) = act.typing.remove(&chat) {
                    ctx.cancel_future(h);
                }
                return;
            }
            let bot = act.bot.clone();
            let note =
                note_after > 0 && elapsed >= note_after && elapsed - TYPING_EVERY.as_secs() < note_after;
            actix_rt::spawn(async move {
                let _ = bot.send_chat_action(ChatId(chat), ChatAction::Typing).send().await;
                if note {
                    let _ = bot.send_message(ChatId(chat), "Still working on it…").send().await;
                }
            });
        });
        self.typing.insert(chat, (handle, 0));
    }
}

/// The longest preview shown, in UTF-16 units (the rest arrives with the final answer).
const PREVIEW_MAX: usize = 3500;

fn preview_text(text: &str) -> String {
    let mut out = String::new();
    let mut n = 0;
    for c in text.chars() {
        n += c.len_utf16();
        if n > PREVIEW_MAX {
            out.push_str(" …");
            break;
        }
        out.push(c);
    }
    out
}

impl TelegramChannel {
    /// Show `text` for `id`: create the preview message, or edit it.
    fn show(&mut self, id: InboxId, text: String, ctx: &mut Context<Self>) {
        let Some(live) = self.live.get_mut(&id) else { return };
        if live.busy {
            live.pending = Some(text);
            return;
        }
        if text == live.shown {
            return;
        }
        live.busy = true;
        live.shown = text.clone();
        let (bot, chat, message) = (self.bot.clone(), live.chat, live.message);
        let fut = async move {
            match message {
                None => bot.send_message(ChatId(chat), preview_text(&text)).send().await.map(|m| Some(m.id)),
                Some(mid) => {
                    bot.edit_message_text(ChatId(chat), mid, preview_text(&text)).send().await.map(|_| None)
                }
            }
        };
        ctx.spawn(fut.into_actor(self).map(move |r, act, ctx| {
            if let Some((chat, existing)) = act.abandoned.remove(&id) {
                // The answer came while this update was under way: the preview goes.
                let created = r.ok().flatten();
                if let Some(mid) = created.or(existing) {
                    let bot = act.bot.clone();
                    actix_rt::spawn(async move {
                        let _ = bot.delete_message(ChatId(chat), mid).send().await;
                    });
                }
                return;
            }
            let Some(live) = act.live.get_mut(&id) else { return };
            live.busy = false;
            match r {
                Ok(Some(mid)) => live.message = Some(mid),
                Ok(None) => {}
                Err(e) => tracing::debug!(error = %e, "preview update skipped"),
            }
            if let Some(next) = live.pending.take() {
                act.show(id, next, ctx);
            }
        }));
    }
}

impl Handler<Preview> for TelegramChannel {
    type Result = ();

    fn handle(&mut self, msg: Preview, ctx: &mut Context<Self>) {
        let Ok(chat) = msg.recipient.parse::<i64>() else { return };
        self.live.entry(msg.in_reply_to).or_insert_with(|| Live { chat, ..Live::default() });
        self.show(msg.in_reply_to, msg.text, ctx);
    }
}

impl Handler<Deliver> for TelegramChannel {
    type Result = ResponseFuture<Result<(), DeliveryError>>;

    fn handle(&mut self, msg: Deliver, ctx: &mut Context<Self>) -> Self::Result {
        let bot = self.bot.clone();
        let Ok(chat) = msg.recipient.parse::<i64>() else {
            let r = Err(DeliveryError::Permanent(format!("`{}` is not a Telegram chat id", msg.recipient)));
            return Box::pin(async move { r });
        };
        if msg.kind.is_outcome() {
            self.stop_typing(chat, ctx);
            if let Some(id) = msg.in_reply_to {
                if self.answered.len() >= ANSWERED_MEMORY {
                    self.answered.pop_front();
                }
                self.answered.push_back(id);
            }
        }
        // A preview of this answer is on screen: it becomes the answer's first part.
        let mut preview = None;
        if let Some(id) = msg.in_reply_to.filter(|_| msg.kind.is_outcome())
            && let Some(live) = self.live.remove(&id)
        {
            match (live.message, live.busy) {
                (Some(mid), false) => preview = Some(mid),
                (existing, true) => {
                    self.abandoned.insert(id, (live.chat, existing));
                }
                (None, false) => {}
            }
        }
        let chunks = render_chunks(&msg.text, MAX_MESSAGE_UTF16);
        Box::pin(async move {
            let mut rest = chunks.iter();
            if let Some(mid) = preview
                && let Some(first) = rest.next()
            {
                edit_chunk(&bot, chat, mid, first).await?;
            }
            for chunk in rest {
                send_chunk(&bot, chat, chunk).await?;
            }
            Ok(())
        })
    }
}

/// Send one chunk as HTML, falling back to plain text if Telegram cannot parse it.
async fn send_chunk(bot: &Bot, chat: i64, chunk: &Chunk) -> Result<(), DeliveryError> {
    match send_with_retry(bot, chat, &chunk.html, true).await {
        Err(RequestError::Api(ApiError::CantParseEntities(why))) => {
            tracing::warn!(chat, reason = %why, "Telegram rejected the HTML; sending plain text");
            send_with_retry(bot, chat, &chunk.plain, false).await.map_err(classify)
        }
        other => other.map_err(classify),
    }
}

/// Turn the preview message into a chunk of the final answer (HTML, else plain).
async fn edit_chunk(bot: &Bot, chat: i64, mid: MessageId, chunk: &Chunk) -> Result<(), DeliveryError> {
    let html = bot.edit_message_text(ChatId(chat), mid, &chunk.html).parse_mode(ParseMode::Html).send().await;
    let r = match html {
        Err(RequestError::Api(ApiError::CantParseEntities(_))) => {
            bot.edit_message_text(ChatId(chat), mid, &chunk.plain).send().await.map(|_| ())
        }
        other => other.map(|_| ()),
    };
    match r {
        Ok(()) | Err(RequestError::Api(ApiError::MessageNotModified)) => Ok(()),
        Err(e) => Err(classify(e)),
    }
}

async fn send_with_retry(bot: &Bot, chat: i64, text: &str, html: bool) -> Result<(), RequestError> {
    let mut tries = 0;
    loop {
        let mut req = bot.send_message(ChatId(chat), text);
        if html {
            req = req.parse_mode(ParseMode::Html);
        }
        match req.send().await {
            Ok(_) => return Ok(()),
            Err(RequestError::RetryAfter(secs)) if tries < SEND_RETRIES => {
                tries += 1;
                tracing::info!(chat, wait_secs = secs.seconds(), "Telegram asked to slow down");
                tokio::time::sleep(secs.duration()).await;
            }
            Err(e) => return Err(e),
        }
    }
}

fn classify(e: RequestError) -> DeliveryError {
    match e {
        RequestError::Api(
            ApiError::BotBlocked | ApiError::ChatNotFound | ApiError::UserDeactivated | ApiError::BotKicked,
        ) => DeliveryError::Permanent(e.to_string()),
        other => DeliveryError::Transient(other.to_string()),
    }
}

/// Receive updates until the channel is stopped (or the token is rejected).
/// What polling needs besides the bot.
pub struct PollingDeps {
    pub config: TelegramConfig,
    pub voice: VoiceConfig,
    /// Where photos are saved until their message is answered (inside the data dir).
    pub media_dir: PathBuf,
    pub gateway: Slot<Gateway>,
    pub store: Store,
    /// The delivery half (it follows that actor's restarts).
    pub channel: Slot<TelegramChannel>,
    /// Test hook: the poller panics, once per process, on a message containing this text.
    #[doc(hidden)]
    pub panic_once_on: Option<String>,
}

/// The receiving half as a supervised actor: it runs the polling loop in its own context, so a
/// panic in it takes the actor down and the Supervisor starts a fresh one, which resumes from the
/// stored offset (an update not yet in the inbox is fetched again; nothing is lost or repeated).
/// A loop that ends on purpose (an invalid token) stops the actor as finished, not crashed.
pub struct TelegramPoller {
    deps: Option<PollingDeps>,
    guard: Option<ChildGuard>,
}

impl TelegramPoller {
    pub fn new(deps: PollingDeps, guard: ChildGuard) -> Self {
        Self { deps: Some(deps), guard: Some(guard) }
    }
}

impl Actor for TelegramPoller {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        let Some(deps) = self.deps.take() else { return };
        let bot = match bot_for(&deps.config) {
            Ok(b) => b,
            Err(e) => {
                tracing::error!("{e}; the Telegram channel is stopped");
                if let Some(g) = self.guard.take() {
                    g.finished();
                }
                ctx.stop();
                return;
            }
        };
        ctx.spawn(run_polling(bot, deps).into_actor(self).map(|_, act, ctx| {
            // The loop ended on purpose: this is not a crash to restart.
            if let Some(g) = act.guard.take() {
                g.finished();
            }
            ctx.stop();
        }));
    }
}

/// A panic hook fired at most once per process (so a restarted poller gets past it).
static PANICKED_ONCE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub async fn run_polling(bot: Bot, deps: PollingDeps) {
    let PollingDeps { config, voice, media_dir, gateway, store, channel, panic_once_on } = deps;
    let me = loop {
        match bot.get_me().send().await {
            Ok(me) => break me,
            Err(RequestError::Api(ApiError::InvalidToken)) => {
                tracing::error!(
                    "Telegram rejected channel.telegram.bot_token (getMe: Unauthorized); the Telegram channel is stopped. \
                     Check the token from @BotFather"
                );
                return;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot reach the Telegram Bot API at start-up; retrying in 5 s");
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        }
    };
    tracing::info!(bot = %me.username(), "Telegram channel connected");
    let me_info = BotInfo { id: me.id.0, username: me.username().to_owned() };
    if config.allowed_users.is_empty() {
        tracing::warn!("channel.telegram.allowed_users is empty: nobody can talk to Omega on Telegram");
    }
    let menu: Vec<BotCommand> =
        omega_core::commands::MENU.iter().map(|(n, d)| BotCommand::new(*n, *d)).collect();
    if let Err(e) = bot.set_my_commands(menu).send().await {
        tracing::warn!(error = %e, "cannot register the command menu");
    }

    let mut offset: i32 = match store.channel_state(CHANNEL, OFFSET_KEY).await {
        Ok(Some(v)) => v.parse().unwrap_or(0),
        _ => 0,
    };
    let mut backoff = Duration::from_secs(1);
    loop {
        let request = bot
            .get_updates()
            .offset(offset)
            .timeout(config.poll_timeout_secs as u32)
            .allowed_updates(vec![AllowedUpdate::Message]);
        let updates = match request.send().await {
            Ok(u) => {
                backoff = Duration::from_secs(1);
                u
            }
            Err(RequestError::RetryAfter(secs)) => {
                tracing::info!(wait_secs = secs.seconds(), "Telegram asked to slow down polling");
                tokio::time::sleep(secs.duration()).await;
                continue;
            }
            Err(RequestError::Api(ApiError::InvalidToken)) => {
                tracing::error!("Telegram rejected the bot token; the Telegram channel is stopped");
                return;
            }
            Err(e) => {
                tracing::warn!(error = %e, retry_in_secs = backoff.as_secs(), "getUpdates failed");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(60));
                continue;
            }
        };
        for update in updates {
            let next = update.id.0 as i32 + 1;
            let incoming =
                incoming(&bot, &me_info, update.id.0, &update.kind, &config, &voice, &media_dir).await;
            if let Incoming::Answer { chat, text } = &incoming {
                let _ = bot.send_message(ChatId(*chat), text.clone()).send().await;
            }
            if let Incoming::Message(inbound) = incoming {
                if panic_once_on.as_deref().is_some_and(|p| inbound.text.contains(p))
                    && !PANICKED_ONCE.swap(true, std::sync::atomic::Ordering::SeqCst)
                {
                    panic!("injected panic in the Telegram poller");
                }
                let chat: i64 = inbound.reply_target.parse().unwrap_or(0);
                let (tx, rx) = tokio::sync::oneshot::channel();
                gateway.do_send(Receive { inbound, ack: Some(tx) });
                match rx.await {
                    Ok(Accepted::Queued(id)) => channel.do_send(StartTyping { chat, id }),
                    Ok(Accepted::Duplicate(_) | Accepted::Denied) => {}
                    Ok(Accepted::Failed(e)) => {
                        tracing::error!(error = %e, "an update could not be stored; it will be fetched again");
                        tokio::time::sleep(backoff).await;
                        break;
                    }
                    Err(_) => {
                        // The Gateway was restarted with the update in its hands: it was not
                        // stored, so fetch it again (the offset is not committed).
                        tracing::warn!("the gateway dropped an update; fetching it again");
                        tokio::time::sleep(backoff).await;
                        break;
                    }
                }
            }
            // The update is stored (or refused, or not for us): confirm it.
            offset = next;
            if let Err(e) = store.set_channel_state(CHANNEL, OFFSET_KEY, &offset.to_string()).await {
                tracing::error!(error = %e, "cannot save the Telegram offset");
            }
        }
    }
}

/// What an update turns into.
enum Incoming {
    /// A message for the Gateway.
    Message(Inbound),
    /// Something the channel answers itself (a voice message it could not transcribe).
    Answer { chat: i64, text: String },
    /// Not for Omega (groups, edits, stickers...).
    Ignore,
}

/// Who the bot is, to recognize mentions and replies in groups.
struct BotInfo {
    id: u64,
    username: String,
}

/// Turn an update into a message: text as is, a photo saved for the model to see, a voice note
/// transcribed. Media is fetched only for allowed senders: nothing from an unknown sender costs
/// a download or a transcription, and the Gateway refuses them as usual.
async fn incoming(
    bot: &Bot,
    me: &BotInfo,
    update_id: u32,
    kind: &UpdateKind,
    config: &TelegramConfig,
    voice: &VoiceConfig,
    media_dir: &Path,
) -> Incoming {
    let UpdateKind::Message(m) = kind else { return Incoming::Ignore };
    let Some(from) = m.from.as_ref() else { return Incoming::Ignore };
    let private = m.chat.is_private();
    let mention = format!("@{}", me.username);
    if !private {
        // Groups are opt-in, and even then only what is addressed to the bot counts.
        let said = m.text().or(m.caption()).unwrap_or("");
        let mentioned = said.to_lowercase().contains(&mention.to_lowercase());
        let replied = m.reply_to_message().and_then(|r| r.from.as_ref()).is_some_and(|u| u.id.0 == me.id);
        if !config.groups || !(mentioned || replied) {
            return Incoming::Ignore;
        }
    }
    let chat = m.chat.id.0;
    let allowed = config.allowed_users.contains(&(from.id.0 as i64));
    let mut inbound = Inbound::text(CHANNEL, &from.id.0.to_string(), "");
    inbound.sender_name =
        Some(from.username.clone().map(|u| format!("@{u}")).unwrap_or_else(|| from.full_name()));
    // A stranger in a group is refused in private, not in front of the group.
    inbound.reply_target = if private || allowed { chat.to_string() } else { from.id.0.to_string() };
    inbound.external_id = Some(update_id.to_string());
    inbound.received_at = m.date;

    if let Some(text) = m.text() {
        inbound.text = if private { text.to_owned() } else { strip_mention(text, &mention) };
    } else if let Some(photos) = m.photo() {
        inbound.text = m.caption().map(str::to_owned).unwrap_or_else(|| "[Photo]".into());
        if allowed {
            let Some(best) = photos.iter().max_by_key(|p| u64::from(p.width) * u64::from(p.height)) else {
                return Incoming::Ignore;
            };
            let path = media_dir.join(format!("telegram-{update_id}.jpg"));
            match download(bot, &best.file.id.0, &path).await {
                Ok(()) => inbound.attachments.push(Attachment {
                    kind: AttachmentKind::Image,
                    mime: "image/jpeg".into(),
                    path,
                }),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot download a photo");
                    return Incoming::Answer {
                        chat,
                        text: format!("I couldn't download your photo ({e}). Please send it again."),
                    };
                }
            }
        }
    } else if let Some(v) = m.voice() {
        if !allowed {
            inbound.text = "[Voice message]".into();
        } else if !voice.enabled {
            return Incoming::Answer {
                chat,
                text: "I can't listen to voice messages here ([voice] enabled = false). Please type it."
                    .into(),
            };
        } else {
            let audio = match fetch(bot, &v.file.id.0).await {
                Ok(a) => a,
                Err(e) => {
                    return Incoming::Answer {
                        chat,
                        text: format!("I couldn't download your voice message ({e}). Please send it again."),
                    };
                }
            };
            let mime = v.mime_type.as_ref().map(|m| m.to_string()).unwrap_or_else(|| "audio/ogg".into());
            match omega_providers::transcribe::transcribe(voice, audio, "voice.ogg", &mime).await {
                Ok(t) if !t.is_empty() => inbound.text = format!("[Voice message] {t}"),
                Ok(_) => {
                    return Incoming::Answer {
                        chat,
                        text: "I couldn't make out any words in your voice message.".into(),
                    };
                }
                Err(e) => {
                    tracing::warn!(error = %e, "transcription failed");
                    return Incoming::Answer {
                        chat,
                        text: format!("I couldn't transcribe your voice message: {e}."),
                    };
                }
            }
        }
    } else {
        return Incoming::Ignore;
    }
    Incoming::Message(inbound)
}

/// Remove the bot's @mention from a group message ("@omega_bot what's up" → "what's up").
fn strip_mention(text: &str, mention: &str) -> String {
    // Bot usernames are ASCII, so compare ASCII-case-insensitively on the text itself: cutting at
    // an index found in a lower-cased copy goes wrong when lower-casing changes byte lengths
    // ("İ" is two bytes, its lower case three).
    let found = text
        .char_indices()
        .map(|(i, _)| i)
        .find(|&i| text.get(i..i + mention.len()).is_some_and(|s| s.eq_ignore_ascii_case(mention)));
    match found {
        Some(i) => {
            let out = format!("{}{}", &text[..i], &text[i + mention.len()..]);
            let out = out.trim().trim_start_matches([',', ':']).trim().to_owned();
            if out.is_empty() { text.to_owned() } else { out }
        }
        None => text.to_owned(),
    }
}

/// Download a file into memory.
async fn fetch(bot: &Bot, file_id: &str) -> Result<Vec<u8>, String> {
    let file =
        bot.get_file(teloxide::types::FileId(file_id.to_owned())).send().await.map_err(|e| e.to_string())?;
    let mut data = Vec::new();
    bot.download_file(&file.path, &mut data).await.map_err(|e| e.to_string())?;
    Ok(data)
}

/// Download a file to `path`, private (0600).
async fn download(bot: &Bot, file_id: &str, path: &Path) -> Result<(), String> {
    let data = fetch(bot, file_id).await?;
    if data.is_empty() {
        return Err("the file is empty".into());
    }
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || write_private(&path, &data))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())
}

fn write_private(path: &Path, data: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(data)?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::strip_mention;

    #[test]
    fn a_mention_is_cut_out_where_it_is_even_after_characters_that_grow_when_lower_cased() {
        // "İ" is 2 bytes and its lower case 3: an index found in a lower-cased copy is off by 2.
        assert_eq!(strip_mention("İİ @Omega_Bot what time is it", "@omega_bot"), "İİ  what time is it");
        assert_eq!(strip_mention("@OMEGA_BOT, hi", "@omega_bot"), "hi");
        assert_eq!(strip_mention("no mention here", "@omega_bot"), "no mention here");
        assert_eq!(strip_mention("@omega_bot", "@omega_bot"), "@omega_bot", "nothing left: the text stays");
    }
}
