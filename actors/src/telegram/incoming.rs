//! What an update becomes: text as is, a photo or a voice note as an attachment still to fetch
//! (the sender's session fetches it, off the polling loop), a group message only when it
//! mentions or answers the bot; media only for allowed senders. No I/O here.

use super::*;

/// What an update turns into.
pub(super) enum Incoming {
    /// A message for the Gateway.
    Message(Inbound),
    /// Something the channel answers itself (a voice message while voice is off).
    Answer { chat: i64, text: String },
    /// Not for Omega (groups, edits, stickers...).
    Ignore,
}

/// Who the bot is, to recognize mentions and replies in groups.
pub(super) struct BotInfo {
    pub(super) id: u64,
    pub(super) username: String,
}

/// Turn an update into a message: text as is, a photo to be saved for the model to see, a voice
/// note to be transcribed. Media is taken only from allowed senders: nothing from an unknown
/// sender costs a download or a transcription, and the Gateway refuses them as usual.
pub(super) fn incoming(
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
        // Telegram sends no blank texts; one that comes anyway asks nothing.
        if text.trim().is_empty() {
            return Incoming::Ignore;
        }
        inbound.text = if private { text.to_owned() } else { strip_mention(text, &mention) };
    } else if let Some(photos) = m.photo() {
        // A blank caption says nothing (and an empty message is refused by some providers).
        inbound.text = m
            .caption()
            .filter(|c| !c.trim().is_empty())
            .map(str::to_owned)
            .unwrap_or_else(|| "[Photo]".into());
        if allowed {
            let Some(best) = photos.iter().max_by_key(|p| u64::from(p.width) * u64::from(p.height)) else {
                return Incoming::Ignore;
            };
            inbound.attachments.push(Attachment {
                kind: AttachmentKind::Image,
                mime: "image/jpeg".into(),
                path: media_dir.join(format!("telegram-{update_id}.jpg")),
                fetch: Some(best.file.id.0.clone()),
            });
        }
    } else if let Some(v) = m.voice() {
        inbound.text = "[Voice message]".into();
        if allowed && !voice.enabled {
            return Incoming::Answer {
                chat,
                // In the language their Telegram app speaks.
                text: omega_core::tr!(
                    m.from
                        .as_ref()
                        .and_then(|u| u.language_code.as_deref())
                        .and_then(omega_core::i18n::Lang::parse)
                        .unwrap_or(omega_core::i18n::Lang::En),
                    "voice-off"
                ),
            };
        }
        if allowed {
            inbound.attachments.push(Attachment {
                kind: AttachmentKind::Voice,
                mime: v.mime_type.as_ref().map(|m| m.to_string()).unwrap_or_else(|| "audio/ogg".into()),
                path: PathBuf::new(),
                fetch: Some(v.file.id.0.clone()),
            });
        }
    } else {
        return Incoming::Ignore;
    }
    Incoming::Message(inbound)
}

/// Remove the bot's @mention from a group message ("@omega_bot what's up" → "what's up").
pub(super) fn strip_mention(text: &str, mention: &str) -> String {
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
pub(super) async fn fetch(bot: &Bot, file_id: &str) -> Result<Vec<u8>, String> {
    let file =
        bot.get_file(teloxide::types::FileId(file_id.to_owned())).send().await.map_err(|e| e.to_string())?;
    let mut data = Vec::new();
    bot.download_file(&file.path, &mut data).await.map_err(|e| e.to_string())?;
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::strip_mention;
    use super::{BotInfo, Incoming, TelegramConfig, VoiceConfig, incoming};
    use omega_testkit::fuzz::{self, proptest, proptest::prelude::*};
    use serde_json::{Value, json};

    /// Updates shaped like the Bot API's (private chats, groups, photos, voice, replies, edits),
    /// every field possibly odd, read by teloxide as the poller reads them, then mapped.
    fn update() -> impl Strategy<Value = String> {
        let text =
            || fuzz::text_of(&["@omega_bot", "@OMEGA_BOT", "hi", " ", "İ", ",", ":", "\n", "/start"], 6);
        let user = || prop_oneof![Just(7u64), Just(8u64), Just(42u64), Just(u64::from(u32::MAX))];
        let chat = prop_oneof![
            user().prop_map(|id| json!({"id": id, "type": "private", "first_name": "Ann"})),
            Just(json!({"id": -100_123, "type": "supergroup", "title": "G"})),
            Just(json!({"id": -5, "type": "group", "title": "G"})),
        ];
        let body = prop_oneof![
            text().prop_map(|t| json!({"text": t})),
            (proptest::option::of(text()), 0usize..3).prop_map(|(caption, n)| {
                let sizes: Vec<Value> = (0..n).map(|i| json!({"file_id": format!("f{i}"), "file_unique_id": "u", "width": i * 10, "height": 5})).collect();
                json!({"photo": sizes, "caption": caption})
            }),
            Just(json!({"voice": {"file_id": "v", "file_unique_id": "u", "duration": 2, "mime_type": "audio/ogg"}})),
            Just(json!({"sticker": {"file_id": "s"}})),
        ];
        let reply = proptest::option::of(user());
        let kind = prop_oneof![Just("message"), Just("edited_message"), Just("channel_post")];
        (any::<u32>(), kind, user(), chat, body, reply, proptest::bool::ANY).prop_map(
            |(id, kind, from, chat, body, reply, lang)| {
                let mut m = json!({"message_id": 1, "date": 1, "chat": chat,
                    "from": {"id": from, "is_bot": false, "first_name": "Ann", "language_code": if lang { "de" } else { "xx" }}});
                for (k, v) in body.as_object().unwrap() {
                    m[k] = v.clone();
                }
                if let Some(r) = reply {
                    m["reply_to_message"] = json!({"message_id": 0, "date": 1, "chat": m["chat"].clone(),
                        "from": {"id": r, "is_bot": true, "first_name": "Omega"}, "text": "earlier"});
                }
                json!({"update_id": id, kind: m}).to_string()
            },
        )
    }

    /// Found by fuzzing (below): a photo with a blank caption, or a blank text, became an empty
    /// message for the model.
    #[test]
    fn a_blank_caption_or_text_is_not_an_empty_message() {
        let me = BotInfo { id: 42, username: "omega_bot".into() };
        let config = TelegramConfig { allowed_users: vec![7], ..TelegramConfig::default() };
        let read = |body: Value| {
            let mut m = json!({"message_id": 1, "date": 1, "chat": {"id": 7, "type": "private", "first_name": "A"},
                "from": {"id": 7, "is_bot": false, "first_name": "A"}});
            for (k, v) in body.as_object().unwrap() {
                m[k] = v.clone();
            }
            // From text, as the poller reads it (teloxide reads an update through raw JSON).
            let update: teloxide::types::Update =
                serde_json::from_str(&json!({"update_id": 1, "message": m}).to_string()).unwrap();
            incoming(&me, 1, &update.kind, &config, &VoiceConfig::default(), std::path::Path::new("/m"))
        };
        let photo = json!({"photo": [{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}], "caption": " "});
        let Incoming::Message(m) = read(photo) else { panic!("a photo is a message") };
        assert_eq!(m.text, "[Photo]");
        assert!(matches!(read(json!({"text": " "})), Incoming::Ignore));
    }

    #[test]
    fn any_update_is_read_as_a_message_from_someone_or_left_alone() {
        let me = BotInfo { id: 42, username: "omega_bot".into() };
        let config = TelegramConfig { allowed_users: vec![7], groups: true, ..TelegramConfig::default() };
        let voice = VoiceConfig { enabled: false, ..VoiceConfig::default() };
        let media = std::path::Path::new("/data/media");
        fuzz::check(
            "Telegram update",
            "telegram::incoming::tests::any_update_is_read_as_a_message_from_someone_or_left_alone",
            update(),
            |json| {
                let Ok(update) = serde_json::from_str::<teloxide::types::Update>(&json) else {
                    return Ok(());
                };
                match incoming(&me, update.id.0, &update.kind, &config, &voice, media) {
                    Incoming::Message(m) => {
                        prop_assert!(
                            !m.sender_id.is_empty() && m.sender_id.chars().all(|c| c.is_ascii_digit())
                        );
                        prop_assert_eq!(m.external_id, Some(update.id.0.to_string()));
                        prop_assert!(!m.text.trim().is_empty(), "a message with no text: {json}");
                        if m.sender_id != "7" {
                            prop_assert!(m.attachments.is_empty(), "a stranger's media was taken: {json}");
                        }
                        for a in &m.attachments {
                            prop_assert!(a.path.as_os_str().is_empty() || a.path.starts_with(media));
                        }
                    }
                    Incoming::Answer { text, .. } => prop_assert!(!text.is_empty()),
                    Incoming::Ignore => {}
                }
                Ok(())
            },
        );
    }

    #[test]
    fn a_mention_is_cut_out_where_it_is_even_after_characters_that_grow_when_lower_cased() {
        // "İ" is 2 bytes and its lower case 3: an index found in a lower-cased copy is off by 2.
        assert_eq!(strip_mention("İİ @Omega_Bot what time is it", "@omega_bot"), "İİ  what time is it");
        assert_eq!(strip_mention("@OMEGA_BOT, hi", "@omega_bot"), "hi");
        assert_eq!(strip_mention("no mention here", "@omega_bot"), "no mention here");
        assert_eq!(strip_mention("@omega_bot", "@omega_bot"), "@omega_bot", "nothing left: the text stays");
    }
}
