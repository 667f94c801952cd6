//! What a message received over WhatsApp Web becomes for the Gateway. Pure: the caller resolves
//! a LID sender's phone number first (the library's LID ↔ phone map) and passes it in.
//!
//! - A person is their phone number (digits), whether the message came from their phone-number
//!   JID or their LID: allowed-user checks, memory and replies all see one identity. A LID whose
//!   number is not known yet stays `NNN@lid` (and is a stranger until it is known or paired).
//! - Replies go back to the chat the message came from (the same LID or phone JID, or the
//!   group), so a LID contact is never answered at an address WhatsApp does not deliver to.
//! - The account's own messages are ignored, except in its chat with itself ("Message
//!   yourself"), where the account holder talks to Omega.
//! - Group messages only with `groups = true`, and then only those that mention the account or
//!   reply to one of its messages.

use omega_core::config::WhatsAppConfig;
use omega_core::{Attachment, AttachmentKind, Inbound};
use std::path::Path;
use whatsapp_rust::Jid;
use whatsapp_rust::buffa::Message as _;
use whatsapp_rust::wacore::proto_helpers::MessageExt;
use whatsapp_rust::wacore::types::events::InboundMessage;
use whatsapp_rust::wacore_binary::jid::JidExt;
use whatsapp_rust::waproto::whatsapp as wa;

use super::super::CHANNEL;

/// The linked account's own identities (user parts): its phone number and its LID.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Me {
    pub pn: Option<String>,
    pub lid: Option<String>,
}

impl Me {
    fn is(&self, user: &str) -> bool {
        !user.is_empty() && (self.pn.as_deref() == Some(user) || self.lid.as_deref() == Some(user))
    }

    /// Whether `jid` (any device, any addressing) is this account.
    fn is_jid(&self, jid: &str) -> bool {
        let user = jid.split('@').next().unwrap_or("");
        let user = user.split(':').next().unwrap_or("");
        self.is(user)
    }
}

/// Prefixes of [`Attachment::fetch`] for WhatsApp Web media: the rest is the media message
/// (protobuf, hex), which carries what the download needs (URL, path, key, hashes).
pub const IMAGE_REF: &str = "wa-image:";
pub const AUDIO_REF: &str = "wa-audio:";

/// The phone number to look up for a LID sender, if there is one to look up.
pub fn lid_to_resolve(msg: &InboundMessage) -> Option<Jid> {
    let s = &msg.info.source;
    let alt_pn = s.sender_alt.as_ref().is_some_and(|j| j.server.is_pn_family());
    (s.sender.server.is_lid_family() && !alt_pn).then(|| s.sender.to_non_ad())
}

/// Who sent `msg`, as Omega names them: phone digits when known, else the LID JID.
pub fn sender_id(msg: &InboundMessage, resolved_phone: Option<&str>, me: &Me) -> String {
    let s = &msg.info.source;
    if s.is_from_me
        && let Some(pn) = &me.pn
    {
        return pn.clone();
    }
    // Phone-number JIDs, hosted ones included, carry the number.
    if s.sender.server.is_pn_family() {
        return s.sender.user.to_string();
    }
    if let Some(alt) = s.sender_alt.as_ref().filter(|j| j.server.is_pn_family()) {
        return alt.user.to_string();
    }
    match resolved_phone {
        Some(p) if !p.is_empty() => p.to_owned(),
        _ => s.sender.to_non_ad_string(),
    }
}

fn context_of(m: &wa::Message) -> Option<&wa::ContextInfo> {
    m.extended_text_message
        .as_option()
        .and_then(|t| t.context_info.as_option())
        .or_else(|| m.image_message.as_option().and_then(|i| i.context_info.as_option()))
        .or_else(|| m.audio_message.as_option().and_then(|a| a.context_info.as_option()))
        .or_else(|| m.document_message.as_option().and_then(|d| d.context_info.as_option()))
        .or_else(|| m.video_message.as_option().and_then(|v| v.context_info.as_option()))
}

/// Whether a group message is for Omega: it mentions the account, or answers one of its messages.
pub fn addressed_to_me(m: &wa::Message, me: &Me) -> bool {
    let Some(ctx) = context_of(m) else { return false };
    ctx.mentioned_jid.iter().any(|j| me.is_jid(j)) || ctx.participant.as_deref().is_some_and(|p| me.is_jid(p))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The Gateway's message for `msg`, or `None` when Omega ignores it (see the module doc).
/// Media is attached (to be fetched by the session) only for allowed senders.
pub fn to_inbound(
    config: &WhatsAppConfig,
    media_dir: &Path,
    me: &Me,
    msg: &InboundMessage,
    resolved_phone: Option<&str>,
) -> Option<Inbound> {
    let info = &msg.info;
    let source = &info.source;
    let chat = &source.chat;
    if chat.is_status_broadcast() || chat.is_newsletter() || chat.is_broadcast_list() {
        return None;
    }
    let group = chat.is_group();
    if source.is_from_me && (group || !me.is(&chat.user)) {
        return None;
    }
    let m = msg.message.get_base_message();
    if group && !(config.groups && addressed_to_me(m, me)) {
        return None;
    }
    let from = sender_id(msg, resolved_phone, me);
    let allowed = config.allowed_users.contains(&from);
    let mut inbound = Inbound::text(CHANNEL, &from, "");
    inbound.sender_name = Some(info.push_name.clone()).filter(|n| !n.is_empty());
    inbound.reply_target = chat.to_non_ad_string();
    inbound.external_id = Some(format!("{}/{}", chat.to_non_ad_string(), info.id));
    if info.timestamp.timestamp() > 0 {
        inbound.received_at = info.timestamp;
    }
    let safe_id: String = info.id.chars().filter(|c| c.is_ascii_alphanumeric()).take(64).collect();
    inbound.text = if let Some(t) = m.text_content().filter(|t| !t.is_empty()) {
        t.to_owned()
    } else if let Some(image) = m.image_message.as_option() {
        if allowed {
            inbound.attachments.push(Attachment {
                kind: AttachmentKind::Image,
                mime: image.mimetype.clone().unwrap_or_else(|| "image/jpeg".into()),
                path: media_dir.join(format!("whatsapp-{safe_id}.img")),
                fetch: Some(format!("{IMAGE_REF}{}", hex(&image.encode_to_vec()))),
            });
        }
        image.caption.clone().filter(|c| !c.is_empty()).unwrap_or_else(|| "[Photo]".into())
    } else if let Some(audio) = m.audio_message.as_option() {
        let voice = audio.ptt.unwrap_or(false);
        if allowed {
            inbound.attachments.push(Attachment {
                // Voice notes and audio files alike are transcribed.
                kind: AttachmentKind::Voice,
                mime: audio.mimetype.clone().unwrap_or_else(|| "audio/ogg".into()),
                path: std::path::PathBuf::new(),
                fetch: Some(format!("{AUDIO_REF}{}", hex(&audio.encode_to_vec()))),
            });
        }
        if voice { "[Voice message]".into() } else { "[Audio]".into() }
    } else if let Some(doc) = m.document_message.as_option() {
        match (doc.caption.clone().filter(|c| !c.is_empty()), doc.file_name.clone()) {
            (Some(c), _) => c,
            (None, Some(f)) => format!("[Document: {f}]"),
            (None, None) => "[Document]".into(),
        }
    } else if let Some(video) = m.video_message.as_option() {
        // Videos are not looked at; their caption is the message.
        match video.caption.clone().filter(|c| !c.is_empty()) {
            Some(c) => format!("[Video] {c}"),
            None => "[Video]".into(),
        }
    } else {
        // Reactions, protocol messages (receipts of edits, key distribution alone), polls...
        return None;
    };
    Some(inbound)
}
