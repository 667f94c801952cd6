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
        inbound.text = if private { text.to_owned() } else { strip_mention(text, &mention) };
    } else if let Some(photos) = m.photo() {
        inbound.text = m.caption().map(str::to_owned).unwrap_or_else(|| "[Photo]".into());
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

    #[test]
    fn a_mention_is_cut_out_where_it_is_even_after_characters_that_grow_when_lower_cased() {
        // "İ" is 2 bytes and its lower case 3: an index found in a lower-cased copy is off by 2.
        assert_eq!(strip_mention("İİ @Omega_Bot what time is it", "@omega_bot"), "İİ  what time is it");
        assert_eq!(strip_mention("@OMEGA_BOT, hi", "@omega_bot"), "hi");
        assert_eq!(strip_mention("no mention here", "@omega_bot"), "no mention here");
        assert_eq!(strip_mention("@omega_bot", "@omega_bot"), "@omega_bot", "nothing left: the text stays");
    }
}
