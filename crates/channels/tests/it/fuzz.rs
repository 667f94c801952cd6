//! Fuzzing what the channels read and write (scorecard suite 3): the Markdown converters (the
//! Telegram HTML must parse, every chunk must fit, no word may be lost), the splitter, the
//! WhatsApp webhook body and its signature, and the HTTP API's message body.

use omega_channels::{http_api::MessageRequest, split::split_text, telegram, whatsapp, whatsapp_cloud};
use omega_testkit::fuzz::{self, proptest, proptest::prelude::*};

const MARKDOWN: &[&str] = &[
    "apple",
    "kiwi",
    "plum",
    "fig",
    "lime",
    "pear",
    " ",
    " ",
    " ",
    "\n",
    "\n",
    "\n\n",
    "# ",
    "## ",
    "**",
    "*",
    "_",
    "__",
    "~~",
    "`",
    "```",
    "```rust\n",
    "~~~",
    "> ",
    "- ",
    "* ",
    "1. ",
    "  ",
    "    ",
    "\t",
    "[",
    "](http://example.org/a_b*c)",
    "]",
    "(",
    ")",
    "<",
    ">",
    "&",
    "&amp;",
    "&#0;",
    "<b>",
    "</i>",
    "| a | b |\n|---|---|\n| ",
    " | ",
    "---\n",
    "\\",
    "- [ ] ",
    "![",
    "é",
    "🙂",
    "日本",
    "\r\n",
];

/// The letters and digits a person should read, as the Markdown parser itself sees the content
/// (text, code and raw HTML, not link targets or a code block's language).
/// `tables`: WhatsApp reads tables and task lists, Telegram does not.
fn content(markdown: &str, tables: bool) -> Vec<char> {
    use pulldown_cmark::{Event, Options, Parser};
    let mut opts = Options::ENABLE_STRIKETHROUGH;
    if tables {
        opts |= Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS;
    }
    let mut out = Vec::new();
    for event in Parser::new_ext(markdown, opts) {
        if let Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) = event {
            out.extend(t.chars().filter(|c| c.is_alphanumeric()));
        }
    }
    out
}

/// Whether `wanted` appears in `shown` in order (what is shown may add list numbers, URLs).
fn kept_in_order(wanted: &[char], shown: &str) -> Result<(), String> {
    let mut shown = shown.chars().filter(|c| c.is_alphanumeric());
    for (i, w) in wanted.iter().enumerate() {
        if !shown.any(|c| c == *w) {
            let lost: String = wanted[i..].iter().take(20).collect();
            return Err(format!("lost from {lost:?}"));
        }
    }
    Ok(())
}

fn limit() -> impl Strategy<Value = usize> {
    prop_oneof![0usize..200, Just(telegram::MAX_MESSAGE_UTF16)]
}

#[test]
fn markdown_to_telegram_html_is_valid_fits_and_loses_nothing() {
    let input = (fuzz::text_of(MARKDOWN, 60), limit());
    fuzz::check(
        "Markdown to Telegram HTML",
        "fuzz::markdown_to_telegram_html_is_valid_fits_and_loses_nothing",
        input,
        |(markdown, limit)| {
            let chunks = telegram::render_chunks(&markdown, limit);
            let mut seen = String::new();
            for c in &chunks {
                let visible = omega_testkit::telegram::visible_text(&c.html)
                    .map_err(|e| TestCaseError::fail(format!("Telegram would refuse {:?}: {e}", c.html)))?;
                prop_assert!(
                    telegram::utf16_len(&c.html) <= limit.max(64),
                    "a chunk of {} units over the limit {limit}: {:?}",
                    telegram::utf16_len(&c.html),
                    c.html
                );
                prop_assert!(!visible.trim().is_empty(), "a message with nothing to read: {:?}", c.html);
                prop_assert!(!c.plain.trim().is_empty(), "a chunk without its plain twin: {:?}", c.html);
                seen.push_str(&visible);
                seen.push('\n');
            }
            kept_in_order(&content(&markdown, false), &seen)
                .map_err(|e| TestCaseError::fail(format!("{e}: {chunks:?}")))?;
            Ok(())
        },
    );
}

#[test]
fn markdown_to_whatsapp_fits_and_loses_nothing() {
    let input = (fuzz::text_of(MARKDOWN, 60), limit());
    fuzz::check(
        "Markdown to WhatsApp",
        "fuzz::markdown_to_whatsapp_fits_and_loses_nothing",
        input,
        |(markdown, limit)| {
            let chunks = whatsapp::render_chunks(&markdown, limit);
            for c in &chunks {
                let n = c.chars().count();
                prop_assert!(n <= limit.max(64), "a chunk of {n} characters over the limit {limit}: {c:?}");
                prop_assert!(
                    c.chars().any(char::is_alphanumeric) || !c.trim().trim_matches('`').is_empty(),
                    "a message with nothing to read: {c:?}"
                );
            }
            // A table becomes rows of "Header: cell", so the order changes; count instead.
            let shown = chunks.join("\n");
            let mut wanted = content(&markdown, true);
            wanted.sort_unstable();
            let mut have: Vec<char> = shown.chars().filter(|c| c.is_alphanumeric()).collect();
            have.sort_unstable();
            let mut have = have.into_iter();
            for w in &wanted {
                prop_assert!(have.any(|c| c == *w), "{w:?} lost: {chunks:?}");
            }
            Ok(())
        },
    );
}

#[test]
fn split_text_fits_and_loses_nothing() {
    let input = (fuzz::text_of(MARKDOWN, 60), 1usize..80);
    fuzz::check("text splitter", "fuzz::split_text_fits_and_loses_nothing", input, |(text, budget)| {
        let parts = split_text(&text, budget, telegram::utf16_len);
        for p in &parts {
            prop_assert!(!p.is_empty(), "an empty part");
            // A single character wider than the budget is the one thing that cannot fit.
            prop_assert!(
                telegram::utf16_len(p) <= budget || p.chars().count() == 1,
                "a part over the budget {budget}: {p:?}"
            );
        }
        // Line breaks where a part ends, and parts of nothing but spaces, are all that may go.
        let unbroken = |s: &str| s.replace(char::is_whitespace, "");
        prop_assert_eq!(unbroken(&parts.concat()), unbroken(&text), "the parts do not add up to the text");
        Ok(())
    });
}

fn json_text() -> impl Strategy<Value = String> {
    fuzz::text_of(&["", "1555", "+", "wamid.X", "text", "image", "audio", "hi", " ", "é", "\"", "\\"], 5)
}

/// Webhook bodies shaped like Meta's, with every field possibly missing, mistyped or odd.
fn notification() -> impl Strategy<Value = String> {
    use serde_json::{Value, json};
    let text = || json_text().prop_map(Value::String);
    let field = || prop_oneof![4 => text(), 1 => Just(Value::Null), 1 => any::<i64>().prop_map(Value::from), 1 => Just(json!({}))];
    let message = (field(), field(), field(), field(), field(), proptest::option::of(field())).prop_map(
        |(id, from, kind, body, ts, ctx)| {
            let mut m = json!({ "id": id, "from": from, "type": kind, "timestamp": ts });
            if let Some(k) = kind.as_str() {
                m[k] = json!({ "body": body, "id": body, "caption": body, "voice": true });
            }
            if let Some(c) = ctx {
                m["context"] = json!({ "from": c });
            }
            m
        },
    );
    let value = (proptest::collection::vec(message, 0..4), field(), field()).prop_map(|(messages, phone, wa_id)| {
        json!({ "metadata": { "display_phone_number": phone }, "contacts": [{ "wa_id": wa_id, "profile": { "name": "Ann" } }], "messages": messages })
    });
    let body = proptest::collection::vec(value, 0..3)
        .prop_map(|values| json!({ "object": "whatsapp_business_account", "entry": [{ "changes": values.into_iter().map(|v| json!({ "value": v })).collect::<Vec<_>>() }] }).to_string());
    prop_oneof![8 => body, 1 => fuzz::text_of(&["{", "}", "[", "]", "\"entry\"", ":", ",", "null", "1"], 20)]
}

#[test]
fn whatsapp_webhook_bodies_give_only_messages_with_an_id_and_a_sender() {
    let input = (notification(), "[ -~]{0,12}");
    fuzz::check(
        "WhatsApp webhook body",
        "fuzz::whatsapp_webhook_bodies_give_only_messages_with_an_id_and_a_sender",
        input,
        |(body, secret)| {
            if let Ok(messages) = whatsapp_cloud::parse_notification(body.as_bytes()) {
                for m in &messages {
                    prop_assert!(!m.id.is_empty(), "a message without an id: {m:?}");
                    prop_assert!(
                        !m.from.is_empty() && m.from.chars().all(|c| c.is_ascii_digit()),
                        "a message without a sender's number: {m:?}"
                    );
                }
            }
            // The signature: right for this body and secret, wrong for any other body.
            let signed = whatsapp_cloud::sign(&secret, body.as_bytes());
            prop_assert_eq!(
                whatsapp_cloud::signature_valid(&secret, body.as_bytes(), Some(&signed)),
                !secret.is_empty()
            );
            let other = format!("{body} ");
            prop_assert!(!whatsapp_cloud::signature_valid(&secret, other.as_bytes(), Some(&signed)));
            Ok(())
        },
    );
}

#[test]
fn http_message_bodies_are_accepted_or_refused_with_a_client_error() {
    let piece = || {
        fuzz::text_of(&["ann", " ", "\u{0}", "\n", "é", "x", "\u{1f}"], 6).prop_map(serde_json::Value::String)
    };
    let fields =
        (piece(), piece(), proptest::option::of(piece()), proptest::option::of(piece()), any::<bool>());
    fuzz::check(
        "HTTP message body",
        "fuzz::http_message_bodies_are_accepted_or_refused_with_a_client_error",
        fields,
        |(sender, text, name, id, wait)| {
            let mut body = serde_json::json!({ "sender": sender, "text": text, "wait": wait });
            if let Some(n) = name {
                body["name"] = n;
            }
            if let Some(i) = id {
                body["id"] = i;
            }
            let Ok(request) = serde_json::from_value::<MessageRequest>(body) else { return Ok(()) };
            match request.into_inbound() {
                Ok((inbound, _)) => {
                    prop_assert!(
                        !inbound.sender_id.trim().is_empty() && !inbound.sender_id.contains(char::is_control)
                    );
                    prop_assert!(!inbound.text.trim().is_empty());
                }
                Err(e) => prop_assert!((400..500).contains(&e.status), "{e:?}"),
            }
            Ok(())
        },
    );
}
