//! The delivery half: sending (Markdown → Telegram HTML, split under the limit, plain-text
//! twin when Telegram rejects the markup), previews edited in place, "typing…".

use super::*;

/// Show "typing…" in a chat until its answer is delivered.
#[derive(Message)]
#[rtype(result = "()")]
pub(super) struct StartTyping {
    pub(super) chat: i64,
    /// The message being answered: if its answer was already delivered (a fast answer can beat
    /// this message here), no typing starts.
    pub(super) id: InboxId,
}

/// Typing stops after this long even without an answer (the answer may come through another
/// path, or never).
pub(super) const TYPING_MAX: Duration = Duration::from_secs(30 * 60);
/// How many recently answered messages are remembered to ignore late `StartTyping`s.
pub(super) const ANSWERED_MEMORY: usize = 1024;

/// A message being shown while its answer is generated.
#[derive(Debug, Default)]
pub(super) struct Live {
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
pub(super) const PREVIEW_MAX: usize = 3500;

pub(super) fn preview_text(text: &str) -> String {
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

/// A photo or voice note a message came with, fetched by its file id for the sender's session.
impl Handler<FetchMedia> for TelegramChannel {
    type Result = ResponseFuture<Result<Vec<u8>, String>>;

    fn handle(&mut self, msg: FetchMedia, _: &mut Context<Self>) -> Self::Result {
        let bot = self.bot.clone();
        Box::pin(async move { super::incoming::fetch(&bot, &msg.reference).await })
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
        if let Some(file) = msg.file {
            return Box::pin(async move { send_file(&bot, chat, &file, &msg.text).await });
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
/// Telegram's limits: photos up to 10 MB (larger images go as documents), captions up to
/// 1,024 characters.
const MAX_PHOTO_BYTES: u64 = 10 * 1000 * 1000;
const MAX_CAPTION_CHARS: usize = 1024;

/// A file from `send_file`: an image as a photo, anything else as a document.
async fn send_file(
    bot: &Bot,
    chat: i64,
    file: &omega_core::OutFile,
    caption: &str,
) -> Result<(), DeliveryError> {
    use teloxide::payloads::{SendDocumentSetters, SendPhotoSetters};
    use teloxide::types::InputFile;
    let size = tokio::fs::metadata(&file.path)
        .await
        .map_err(|e| DeliveryError::Permanent(format!("the file to send is gone ({e})")))?
        .len();
    let caption: String = caption.chars().take(MAX_CAPTION_CHARS).collect();
    let input = InputFile::file(&file.path).file_name(file.name.clone());
    let sent = if file.is_image() && file.mime != "image/gif" && size <= MAX_PHOTO_BYTES {
        let mut req = bot.send_photo(ChatId(chat), input);
        if !caption.is_empty() {
            req = req.caption(caption);
        }
        req.await.map(drop)
    } else {
        let mut req = bot.send_document(ChatId(chat), input);
        if !caption.is_empty() {
            req = req.caption(caption);
        }
        req.await.map(drop)
    };
    sent.map_err(classify)
}

pub(super) async fn send_chunk(bot: &Bot, chat: i64, chunk: &Chunk) -> Result<(), DeliveryError> {
    match send_with_retry(bot, chat, &chunk.html, true).await {
        Err(RequestError::Api(ApiError::CantParseEntities(why))) => {
            tracing::warn!(chat, reason = %why, "Telegram rejected the HTML; sending plain text");
            send_with_retry(bot, chat, &chunk.plain, false).await.map_err(classify)
        }
        other => other.map_err(classify),
    }
}

/// Turn the preview message into a chunk of the final answer (HTML, else plain).
pub(super) async fn edit_chunk(
    bot: &Bot,
    chat: i64,
    mid: MessageId,
    chunk: &Chunk,
) -> Result<(), DeliveryError> {
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

pub(super) async fn send_with_retry(
    bot: &Bot,
    chat: i64,
    text: &str,
    html: bool,
) -> Result<(), RequestError> {
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

pub(super) fn classify(e: RequestError) -> DeliveryError {
    match e {
        RequestError::Api(
            ApiError::BotBlocked | ApiError::ChatNotFound | ApiError::UserDeactivated | ApiError::BotKicked,
        ) => DeliveryError::Permanent(e.to_string()),
        other => DeliveryError::Transient(other.to_string()),
    }
}

/// A photo made by Omega (WhatsApp's pairing QR code), replacing an earlier one.
impl Handler<crate::channel::SendPhoto> for TelegramChannel {
    type Result = ResponseFuture<Result<i64, String>>;

    fn handle(&mut self, msg: crate::channel::SendPhoto, _: &mut Context<Self>) -> Self::Result {
        use teloxide::payloads::SendPhotoSetters;
        use teloxide::types::InputFile;
        let bot = self.bot.clone();
        Box::pin(async move {
            let chat = msg
                .recipient
                .parse::<i64>()
                .map_err(|_| format!("`{}` is not a Telegram chat", msg.recipient))?;
            let photo = InputFile::memory(msg.png).file_name("whatsapp-qr.png");
            let sent = bot
                .send_photo(ChatId(chat), photo)
                .caption(msg.caption)
                .await
                .map_err(|e| format!("Telegram refused the photo: {e}"))?;
            if let Some(old) = msg.replace
                && let Err(e) = bot.delete_message(ChatId(chat), MessageId(old as i32)).await
            {
                tracing::debug!(error = %e, "cannot delete the previous QR code");
            }
            Ok(i64::from(sent.id.0))
        })
    }
}
