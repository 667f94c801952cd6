//! The receiving half: long polling as a supervised actor, the offset committed only after the
//! Gateway has the message.

use super::*;

/// What polling needs besides the bot.
pub struct PollingDeps {
    pub config: TelegramConfig,
    pub voice: VoiceConfig,
    /// Where photos are saved until their message is answered (inside the data dir).
    pub media_dir: PathBuf,
    pub gateway: Route<Receive>,
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

/// Receive updates until the channel is stopped (or the token is rejected).
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
    register_menu(&bot).await;

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
        // The whole batch goes to the Gateway at once, so its senders' inbox writes share commits;
        // then the acknowledgements are read in order, and the offset is committed once, up to the
        // last update that is stored (or refused, or not for us). One that could not be stored
        // stops there: it and the ones after it are fetched again (those already stored are
        // recognised as duplicates).
        let mut handed = Vec::with_capacity(updates.len());
        for update in updates {
            // The Bot API's offset is a signed 32-bit number; an id at its top cannot be passed.
            let next = i32::try_from(u64::from(update.id.0) + 1).unwrap_or(i32::MAX);
            let incoming = incoming(&me_info, update.id.0, &update.kind, &config, &voice, &media_dir);
            if let Incoming::Answer { chat, text } = &incoming {
                let _ = bot.send_message(ChatId(*chat), text.clone()).send().await;
            }
            let mut ack = None;
            if let Incoming::Message(inbound) = incoming {
                if panic_once_on.as_deref().is_some_and(|p| inbound.text.contains(p))
                    && !PANICKED_ONCE.swap(true, std::sync::atomic::Ordering::SeqCst)
                {
                    panic!("injected panic in the Telegram poller");
                }
                let chat: i64 = inbound.reply_target.parse().unwrap_or(0);
                let (tx, rx) = tokio::sync::oneshot::channel();
                gateway.do_send(Receive { inbound, ack: Some(tx) });
                ack = Some((chat, rx));
            }
            handed.push((next, ack));
        }
        let mut confirmed = None;
        for (next, ack) in handed {
            if let Some((chat, rx)) = ack {
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
            confirmed = Some(next);
        }
        if let Some(next) = confirmed {
            offset = next;
            if let Err(e) = store.set_channel_state(CHANNEL, OFFSET_KEY, &offset.to_string()).await {
                tracing::error!(error = %e, "cannot save the Telegram offset");
            }
        }
    }
}

/// The command menu, in English by default and in each of Omega's languages for people whose
/// Telegram app speaks it.
async fn register_menu(bot: &Bot) {
    use omega_core::i18n::{Lang, describe};
    use teloxide::payloads::SetMyCommandsSetters;
    for lang in Lang::ALL {
        let menu: Vec<BotCommand> =
            omega_core::commands::MENU.iter().map(|n| BotCommand::new(*n, describe(n, lang))).collect();
        let call = bot.set_my_commands(menu);
        let call = if lang == Lang::En { call } else { call.language_code(lang.code()) };
        if let Err(e) = call.send().await {
            tracing::warn!(error = %e, lang = lang.code(), "cannot register the command menu");
            return;
        }
    }
}
