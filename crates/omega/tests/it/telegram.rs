//! The real binary and teloxide against the wire-accurate fake Bot API.

use crate::support::Daemon;
use omega_testkit::peers::free_port;
use omega_testkit::telegram::FakeTelegram;
use omega_testkit::{FakeOpenAi, Script, TempHome, wait_until};
use std::time::Duration;

const TOKEN: &str = "123456:TEST-token";
const OWNER: i64 = 4242;
/// Another allowed person.
const COLLEAGUE: i64 = 7373;

struct Setup {
    home: TempHome,
    tg: FakeTelegram,
    ai: FakeOpenAi,
    port: u16,
}

fn setup() -> Setup {
    setup_with("")
}

/// A home whose config points the provider, the transcription endpoint and Telegram at fakes;
/// `provider_extra` is appended to `[provider.openai]`.
fn setup_with(provider_extra: &str) -> Setup {
    let (home, tg, ai) = (TempHome::new(), FakeTelegram::start(TOKEN), FakeOpenAi::start());
    let port = free_port();
    let (ai_url, tg_url) = (ai.base_url(), tg.api_url());
    home.write_config(&format!(
        "[provider]\ndefault = \"openai\"\n\n[provider.openai]\nbase_url = \"{ai_url}\"\nmodel = \"m\"\n{provider_extra}\n\
         [voice]\nbase_url = \"{ai_url}\"\n\n\
         [api]\nport = {port}\n\n\
         [channel.telegram]\nenabled = true\nbot_token = \"{TOKEN}\"\napi_url = \"{tg_url}\"\n\
         allowed_users = [{OWNER}, {COLLEAGUE}]\npoll_timeout_secs = 1\n\n\
         [auth]\ndeny_message = \"Not for you.\"\n"
    ));
    Setup { home, tg, ai, port }
}

fn wait_for_reply(tg: &FakeTelegram, chat: i64, count: usize) {
    wait_until(Duration::from_secs(20), &format!("{count} message(s) to chat {chat}"), || {
        tg.sent_to(chat).len() >= count
    });
}

#[test]
fn text_round_trip_with_typing_commands_and_help() {
    let s = setup();
    let daemon = Daemon::start(&s.home, s.port, 1);
    s.tg.send_text(OWNER, "hello **there**");
    wait_for_reply(&s.tg, OWNER, 1);
    let sent = s.tg.sent_to(OWNER);
    assert_eq!(sent[0].text, "echo: hello <b>there</b>", "markdown became Telegram HTML");
    assert_eq!(sent[0].parse_mode.as_deref(), Some("HTML"));
    assert!(s.tg.chat_actions().contains(&(OWNER, "typing".into())), "{:?}", s.tg.chat_actions());
    assert!(s.tg.commands().iter().any(|c| c["command"] == "help"), "{:?}", s.tg.commands());
    let asked = s.ai.request_count();

    s.tg.send_text(OWNER, "/help");
    wait_for_reply(&s.tg, OWNER, 2);
    assert!(s.tg.sent_to(OWNER)[1].text.contains("/help"), "{:?}", s.tg.sent_to(OWNER));
    assert_eq!(s.ai.request_count(), asked, "/help is answered without the AI");
    drop(daemon);
}

#[test]
fn an_unknown_sender_gets_the_deny_message_only() {
    let s = setup();
    let _daemon = Daemon::start(&s.home, s.port, 1);
    s.tg.send_text(666, "let me in");
    wait_for_reply(&s.tg, 666, 1);
    assert_eq!(s.tg.sent_to(666)[0].text, "Not for you.");
    // The owner still gets through, and only the owner reached the AI.
    s.tg.send_text(OWNER, "hi");
    wait_for_reply(&s.tg, OWNER, 1);
    assert_eq!(s.ai.request_count(), 1);
    assert_eq!(s.ai.requests()[0].last_user_message().as_deref(), Some("hi"));
}

#[test]
fn a_ten_thousand_character_reply_is_split_into_valid_messages() {
    let s = setup();
    let para = "Weather report 🌦️ for the week, with details and more details. ".repeat(36);
    let code = format!("```rust\n{}```", "let temp = forecast(\"<lisbon>\") & 0xff;\n".repeat(40));
    let reply = format!("{para}\n\n{code}\n\n{para}\n\n{code}\n\n{para}");
    assert!(reply.chars().count() >= 10_000, "{}", reply.chars().count());
    s.ai.push(Script::Text(reply.clone()));
    let _daemon = Daemon::start(&s.home, s.port, 1);
    s.tg.send_text(OWNER, "long forecast please");
    wait_until(Duration::from_secs(20), "the whole reply", || {
        s.tg.sent_to(OWNER).iter().map(|m| m.text.matches('🌦').count()).sum::<usize>()
            == reply.matches('🌦').count()
    });
    let sent = s.tg.sent_to(OWNER);
    assert!(sent.len() >= 3, "{}", sent.len());
    for m in &sent {
        assert_eq!(m.parse_mode.as_deref(), Some("HTML"), "every part kept its formatting");
        let visible = omega_testkit::telegram::visible_text(&m.text).unwrap();
        assert!(visible.encode_utf16().count() <= 4096);
    }
}

#[test]
fn html_that_telegram_rejects_is_resent_as_plain_text() {
    let s = setup();
    s.ai.push(Script::Text("**Important**: see `the docs`".into()));
    s.tg.fail_next(
        "sendMessage",
        400,
        "Bad Request: can't parse entities: Unsupported start tag \"b\" at byte offset 0",
        None,
    );
    let _daemon = Daemon::start(&s.home, s.port, 1);
    s.tg.send_text(OWNER, "anything");
    wait_for_reply(&s.tg, OWNER, 1);
    let sent = s.tg.sent_to(OWNER);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].text, "Important: see the docs");
    assert_eq!(sent[0].parse_mode, None);
}

#[test]
fn rate_limits_are_waited_out() {
    let s = setup();
    s.tg.fail_next("getUpdates", 429, "Too Many Requests: retry after 1", Some(1));
    s.tg.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", Some(1));
    let _daemon = Daemon::start(&s.home, s.port, 1);
    s.tg.send_text(OWNER, "are you there?");
    wait_for_reply(&s.tg, OWNER, 1);
    assert_eq!(s.tg.sent_to(OWNER)[0].text, "echo: are you there?");
    let sends = s.tg.calls().iter().filter(|(m, _)| m == "sendmessage").count();
    assert_eq!(sends, 2, "one refused with 429, one delivered");
}

#[test]
fn a_restart_neither_loses_nor_repeats_messages() {
    let s = setup();
    let mut daemon = Daemon::start(&s.home, s.port, 1);
    s.tg.send_text(OWNER, "one");
    wait_for_reply(&s.tg, OWNER, 1);
    // Kill only once the delivery is recorded: this test is about updates, not the instant
    // between a send and its mark (replies in that instant are sent again: at least once).
    wait_until(Duration::from_secs(10), "the delivered mark", || {
        let out = crate::support::omega(&s.home, &["status"]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).contains(" 0 replies undelivered")
    });
    daemon.kill9();
    // Sent while Omega is down.
    s.tg.send_text(OWNER, "two");
    s.tg.send_text(OWNER, "three");
    let _daemon = Daemon::start(&s.home, s.port, 2);
    wait_for_reply(&s.tg, OWNER, 3);
    // A barrier: anything handled twice would be answered before this later message.
    s.tg.send_text(OWNER, "four");
    wait_until(Duration::from_secs(20), "the answer to four", || {
        s.tg.sent_to(OWNER).iter().any(|m| m.text == "echo: four")
    });
    let texts: Vec<String> =
        s.tg.sent_to(OWNER).into_iter().map(|m| m.text).filter(|t| t.starts_with("echo:")).collect();
    assert_eq!(texts, ["echo: one", "echo: two", "echo: three", "echo: four"]);
    assert_eq!(s.ai.request_count(), 4, "no update was handled twice");
    assert_eq!(s.tg.unconfirmed(), 0, "every update was confirmed");
}

#[test]
fn an_invalid_token_stops_the_channel_with_a_clear_error() {
    let s = setup();
    let text = std::fs::read_to_string(s.home.config_path()).unwrap().replace(TOKEN, "999:wrong");
    std::fs::write(s.home.config_path(), text).unwrap();
    let daemon = Daemon::start(&s.home, s.port, 1);
    wait_until(Duration::from_secs(10), "the token error in the log", || {
        daemon.log().contains("Telegram rejected channel.telegram.bot_token")
    });
    // The Supervisor acknowledges the poller stopped on purpose: once it has, nothing restarts it,
    // so the API was asked exactly once (a crash loop would have asked again by now).
    wait_until(Duration::from_secs(10), "the supervisor leaving the poller down", || {
        daemon.log().contains("TelegramPoller") && daemon.log().contains("stopped on purpose")
    });
    assert_eq!(
        s.tg.rejected_calls(),
        ["getme"],
        "asked once, then left alone: no crash loop hammering the API"
    );
    assert!(s.tg.calls().is_empty());
    assert!(crate::support::http_get(s.port, "/api/health").is_some(), "the rest of Omega keeps running");
}

const JPEG: &[u8] = b"\xff\xd8\xff\xe0fake-jpeg-bytes-for-the-test\xff\xd9";

#[test]
fn a_photo_reaches_a_vision_model_as_an_image_and_is_deleted_afterwards() {
    let s = setup();
    let _daemon = Daemon::start(&s.home, s.port, 1);
    s.tg.send_photo(OWNER, JPEG, Some("what is this?"));
    wait_for_reply(&s.tg, OWNER, 1);
    let req = &s.ai.requests()[0];
    let content = &req.body["messages"].as_array().unwrap().last().unwrap()["content"];
    assert_eq!(content[0]["text"], "what is this?");
    let url = content[1]["image_url"]["url"].as_str().unwrap();
    assert_eq!(
        url,
        format!("data:image/jpeg;base64,{}", omega_providers::types::base64(JPEG)),
        "the largest size, whole"
    );
    let media = s.home.data_dir().join("media");
    wait_until(Duration::from_secs(5), "the photo deleted after the answer", || {
        std::fs::read_dir(&media).map(|d| d.count() == 0).unwrap_or(false)
    });
}

#[test]
fn a_photo_for_a_model_without_vision_gets_a_plain_explanation() {
    let s = setup_with("vision = false\n");
    let _daemon = Daemon::start(&s.home, s.port, 1);
    s.tg.send_photo(OWNER, JPEG, None);
    wait_for_reply(&s.tg, OWNER, 1);
    assert!(s.tg.sent_to(OWNER)[0].text.contains("can't look at images"), "{:?}", s.tg.sent_to(OWNER));
    assert_eq!(s.ai.request_count(), 0);
}

#[test]
fn a_voice_note_is_transcribed_and_answered_as_text() {
    let s = setup();
    s.ai.set_transcript(Ok("remind me to water the plants"));
    let _daemon = Daemon::start(&s.home, s.port, 1);
    s.tg.send_voice(OWNER, b"OggS-fake-opus-audio");
    wait_for_reply(&s.tg, OWNER, 1);
    assert_eq!(
        s.ai.requests()[0].last_user_message().as_deref(),
        Some("[Voice message] remind me to water the plants")
    );
    let posted = &s.ai.transcriptions()[0];
    let body = String::from_utf8_lossy(posted);
    assert!(body.contains("OggS-fake-opus-audio") && body.contains("whisper-1"), "{body}");
    assert_eq!(s.tg.sent_to(OWNER)[0].text, "echo: [Voice message] remind me to water the plants");
}

#[test]
fn a_slow_transcription_holds_up_only_its_sender_and_survives_a_kill() {
    let s = setup();
    s.ai.set_transcript(Ok("call the plumber"));
    s.ai.hold_transcriptions();
    let mut daemon = Daemon::start(&s.home, s.port, 1);
    s.tg.send_voice(OWNER, b"OggS-audio");
    wait_until(Duration::from_secs(20), "the transcription to start", || s.ai.transcriptions().len() == 1);
    // While the owner's voice note is being transcribed, someone else is answered at once.
    s.tg.send_text(COLLEAGUE, "hi");
    wait_for_reply(&s.tg, COLLEAGUE, 1);
    assert_eq!(s.tg.sent_to(COLLEAGUE)[0].text, "echo: hi");
    assert!(s.tg.sent_to(OWNER).is_empty(), "{:?}", s.tg.sent_to(OWNER));
    // Omega dies mid-transcription. The voice note was in the inbox before it was fetched, so the
    // next start fetches and transcribes it again, and answers it before the owner's next message.
    daemon.kill9();
    s.ai.release_transcriptions();
    let _daemon = Daemon::start(&s.home, s.port, 2);
    s.tg.send_text(OWNER, "and the boiler");
    let answers = || -> Vec<String> {
        let busy = "Got it, I'll get to this next.";
        s.tg.sent_to(OWNER).into_iter().map(|m| m.text).filter(|t| t != busy).collect()
    };
    wait_until(Duration::from_secs(20), "both answers", || answers().len() >= 2);
    assert_eq!(answers(), ["echo: [Voice message] call the plumber", "echo: and the boiler"]);
    assert_eq!(s.ai.transcriptions().len(), 2, "transcribed again after the kill");
}

#[test]
fn a_failed_transcription_gets_a_clear_reply() {
    let s = setup();
    s.ai.set_transcript(Err(503));
    let _daemon = Daemon::start(&s.home, s.port, 1);
    s.tg.send_voice(OWNER, b"OggS-audio");
    wait_for_reply(&s.tg, OWNER, 1);
    let text = &s.tg.sent_to(OWNER)[0].text;
    assert!(text.starts_with("I couldn't transcribe your voice message") && text.contains("503"), "{text}");
    assert_eq!(s.ai.request_count(), 0);
}

#[test]
fn media_from_unknown_senders_is_never_downloaded_or_transcribed() {
    let s = setup();
    let _daemon = Daemon::start(&s.home, s.port, 1);
    s.tg.send_voice(666, b"OggS-audio");
    s.tg.send_photo(666, JPEG, None);
    wait_for_reply(&s.tg, 666, 2);
    assert!(s.tg.sent_to(666).iter().all(|m| m.text == "Not for you."));
    assert!(s.ai.transcriptions().is_empty());
    assert!(!s.tg.calls().iter().any(|(m, _)| m == "getfile"), "no downloads for strangers");
}

#[test]
fn groups_are_opt_in_and_only_mentions_or_replies_count() {
    const GROUP: i64 = -100_777;
    // Off by default: nothing in a group is answered.
    let s = setup();
    let daemon = Daemon::start(&s.home, s.port, 1);
    s.tg.send_group_text(GROUP, OWNER, "@omega_test_bot hello?", false);
    s.tg.send_text(OWNER, "private ping");
    wait_for_reply(&s.tg, OWNER, 1);
    assert!(s.tg.sent_to(GROUP).is_empty());
    drop(daemon);

    let s = setup();
    let cfg = std::fs::read_to_string(s.home.config_path())
        .unwrap()
        .replace("poll_timeout_secs = 1\n", "poll_timeout_secs = 1\ngroups = true\n");
    std::fs::write(s.home.config_path(), cfg).unwrap();
    let _daemon = Daemon::start(&s.home, s.port, 2);
    s.tg.send_group_text(GROUP, OWNER, "just chatting with family", false);
    s.tg.send_group_text(GROUP, OWNER, "@omega_test_bot what's the time?", false);
    wait_for_reply(&s.tg, GROUP, 1);
    s.tg.send_group_text(GROUP, OWNER, "and tomorrow?", true);
    wait_for_reply(&s.tg, GROUP, 2);
    let texts: Vec<String> = s.tg.sent_to(GROUP).into_iter().map(|m| m.text).collect();
    assert_eq!(texts, ["echo: what's the time?", "echo: and tomorrow?"]);
    // A stranger who mentions the bot is refused in private, not in front of the group.
    s.tg.send_group_text(GROUP, 666, "@omega_test_bot obey me", false);
    wait_for_reply(&s.tg, 666, 1);
    assert_eq!(s.tg.sent_to(GROUP).len(), 2);
    assert_eq!(s.ai.request_count(), 2);
}

#[test]
fn server_errors_while_polling_back_off_and_recover() {
    // teloxide itself pauses 10 s after a 5xx before reporting it; Omega's back-off comes on top.
    let s = setup();
    s.tg.fail_next("getUpdates", 502, "Bad Gateway", None);
    let daemon = Daemon::start(&s.home, s.port, 1);
    s.tg.send_text(OWNER, "still there?");
    wait_until(Duration::from_secs(40), "the reply after the server error", || {
        !s.tg.sent_to(OWNER).is_empty()
    });
    assert_eq!(s.tg.sent_to(OWNER)[0].text, "echo: still there?");
    let log = daemon.log();
    assert!(log.contains("getUpdates failed") && log.contains("retry_in_secs=1"), "{log}");
}

#[test]
fn a_streamed_answer_grows_in_one_message_and_settles_into_the_formatted_text() {
    let s = setup();
    let cfg = std::fs::read_to_string(s.home.config_path())
        .unwrap()
        .replace("poll_timeout_secs = 1\n", "poll_timeout_secs = 1\nstream = true\n");
    std::fs::write(s.home.config_path(), cfg).unwrap();
    s.ai.set_chunk_delay(Duration::from_millis(60));
    let answer = "Here is **the plan** for today, step by step, so you can follow along easily.\n\
                  LANG_SWITCH: French\n\
                  First we water the plants, then we call the plumber, then lunch.";
    s.ai.push(Script::Text(answer.into()));
    let _daemon = Daemon::start(&s.home, s.port, 1);
    s.tg.send_text(OWNER, "plan my day");
    wait_until(Duration::from_secs(20), "the final edit", || {
        s.tg.sent_to(OWNER).first().is_some_and(|m| m.parse_mode.as_deref() == Some("HTML"))
    });
    let sent = s.tg.sent_to(OWNER);
    assert_eq!(sent.len(), 1, "one message, edited as the answer grew: {sent:?}");
    assert_eq!(
        sent[0].text,
        "Here is <b>the plan</b> for today, step by step, so you can follow along easily.\n\
         First we water the plants, then we call the plumber, then lunch."
    );
    let edits = s.tg.edits();
    assert!(!edits.is_empty());
    let previews: Vec<String> =
        s.tg.calls()
            .into_iter()
            .filter(|(m, _)| m == "sendmessage" || m == "editmessagetext")
            .map(|(_, p)| p["text"].as_str().unwrap_or("").to_owned())
            .collect();
    assert!(previews.len() >= 2, "a preview, then the final text: {previews:?}");
    assert!(previews.iter().all(|t| !t.contains("LANG_SWITCH")), "a marker never flashes: {previews:?}");
}

/// [`setup`] with `pairing = true` on Telegram.
fn setup_pairing() -> Setup {
    let s = setup();
    let cfg = std::fs::read_to_string(s.home.config_path())
        .unwrap()
        .replace("poll_timeout_secs = 1\n", "poll_timeout_secs = 1\npairing = true\n");
    std::fs::write(s.home.config_path(), cfg).unwrap();
    s
}

/// A stranger writes `text` and gets a pairing code: the code.
fn pairing_code(tg: &FakeTelegram, stranger: i64, text: &str) -> String {
    tg.send_text(stranger, text);
    wait_for_reply(tg, stranger, 1);
    let offer = tg.sent_to(stranger)[0].text.clone();
    offer
        .split("pairing code is ")
        .nth(1)
        .unwrap_or_else(|| panic!("no code in {offer:?}"))
        .chars()
        .take(6)
        .collect()
}

#[test]
fn pairing_lets_a_new_person_in_once_the_owner_approves_their_code() {
    const FRIEND: i64 = 5151;
    let s = setup_pairing();
    let _daemon = Daemon::start(&s.home, s.port, 1);

    let code = pairing_code(&s.tg, FRIEND, "hi, I'm Ana");
    assert!(code.chars().all(|c| c.is_ascii_digit()), "{code}");
    assert_eq!(s.ai.request_count(), 0, "nothing from a stranger reaches the AI");

    // Asking again gives the same code.
    s.tg.send_text(FRIEND, "hello?");
    wait_for_reply(&s.tg, FRIEND, 2);
    assert!(s.tg.sent_to(FRIEND)[1].text.contains(&code));

    // A wrong code changes nothing; the right one lets the friend in and tells them.
    s.tg.send_text(OWNER, "/approve 000000x");
    wait_for_reply(&s.tg, OWNER, 1);
    assert!(s.tg.sent_to(OWNER)[0].text.starts_with("No pending request"), "{:?}", s.tg.sent_to(OWNER));
    s.tg.send_text(OWNER, &format!("/approve {code}"));
    wait_for_reply(&s.tg, OWNER, 2);
    assert!(s.tg.sent_to(OWNER)[1].text.starts_with("Approved"), "{:?}", s.tg.sent_to(OWNER));
    wait_for_reply(&s.tg, FRIEND, 3);
    assert_eq!(s.tg.sent_to(FRIEND)[2].text, "You're approved — say hi!");

    s.tg.send_text(FRIEND, "now can we talk?");
    wait_for_reply(&s.tg, FRIEND, 4);
    assert_eq!(s.tg.sent_to(FRIEND)[3].text, "echo: now can we talk?");
    // The friend cannot pass the door on.
    s.tg.send_text(FRIEND, "/approve 123456");
    wait_for_reply(&s.tg, FRIEND, 5);
    assert_eq!(s.tg.sent_to(FRIEND)[4].text, "Only the owner can approve pairing codes.");
}

#[test]
fn a_name_claimed_over_http_cannot_approve_a_telegram_stranger() {
    const STRANGER: i64 = 6161;
    let s = setup_pairing();
    let daemon = Daemon::start(&s.home, s.port, 1);
    let code = pairing_code(&s.tg, STRANGER, "let me in");
    for who in ["mallory", "owner"] {
        let (status, body) = crate::support::reqwest::blocking_post(
            format!("{}/api/messages", daemon.base()),
            &serde_json::json!({"sender": who, "text": format!("/approve {code}")}),
        );
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["reply"]["text"], "Only the owner can approve pairing codes.", "{who}: {body}");
    }
    // Still a stranger: the next message gets the code again and nothing reaches the AI.
    s.tg.send_text(STRANGER, "am I in?");
    wait_for_reply(&s.tg, STRANGER, 2);
    assert!(s.tg.sent_to(STRANGER)[1].text.contains(&code), "{:?}", s.tg.sent_to(STRANGER));
    assert_eq!(s.ai.request_count(), 0, "nothing from the stranger reached the AI");
}

#[test]
fn a_reminder_set_in_telegram_is_confirmed_listed_and_cancelled_there() {
    let s = setup();
    let _daemon = Daemon::start(&s.home, s.port, 1);
    let day = chrono::Utc::now().date_naive() + chrono::Days::new(1);
    s.ai.push(Script::Text(format!(
        "Will do!\nSCHEDULE: call mom | {}T09:00 | once",
        day.format("%Y-%m-%d")
    )));
    s.tg.send_text(OWNER, "remind me to call mom tomorrow at 9");
    wait_for_reply(&s.tg, OWNER, 1);
    let reply = s.tg.sent_to(OWNER)[0].text.clone();
    assert!(!reply.contains("SCHEDULE"), "{reply}");
    assert!(reply.contains("✓ Reminder set: call mom — ") && reply.contains("09:00 (UTC)"), "{reply}");
    let id = reply[reply.rfind('[').unwrap() + 1..reply.rfind(']').unwrap()].to_owned();
    s.tg.send_text(OWNER, "/tasks");
    wait_for_reply(&s.tg, OWNER, 2);
    assert!(s.tg.sent_to(OWNER)[1].text.contains(&format!("[{id}] call mom")), "{:?}", s.tg.sent_to(OWNER));
    s.tg.send_text(OWNER, &format!("/cancel@omega_bot {id}"));
    wait_for_reply(&s.tg, OWNER, 3);
    assert_eq!(s.tg.sent_to(OWNER)[2].text, format!("Cancelled: call mom [{id}]"));
    assert!(s.tg.commands().iter().any(|c| c["command"] == "tasks"), "the menu lists the new commands");
    assert_eq!(s.ai.request_count(), 1, "commands never reach the AI");
}

/// The receiving half is a supervised actor: a panic in the polling loop restarts it, and the
/// update it was handling is fetched again and answered (its offset was not committed).
#[actix_rt::test]
async fn a_panic_in_the_telegram_poller_restarts_it_and_the_message_is_still_answered() {
    use omega_actors::supervisor::{Child, RestartCounts};
    let (home, tg, ai) = (TempHome::new(), FakeTelegram::start(TOKEN), FakeOpenAi::start());
    let mut c = crate::support::config(&home, &ai);
    c.channel.telegram.enabled = true;
    c.channel.telegram.bot_token = omega_core::Secret::new(TOKEN);
    c.channel.telegram.api_url = tg.api_url();
    c.channel.telegram.allowed_users = vec![OWNER];
    c.channel.telegram.poll_timeout_secs = 1;
    let rt = omega::Runtime::builder(c).http(false).inject_channel_panic("PANIC-POLL").start().await.unwrap();
    let tg = std::sync::Arc::new(tg);
    tg.send_text(OWNER, "hello PANIC-POLL");
    let t = tg.clone();
    omega_testkit::wait_until_async(Duration::from_secs(30), "the answer after the restart", || {
        let t = t.clone();
        async move { !t.sent_to(OWNER).is_empty() }
    })
    .await;
    assert_eq!(tg.sent_to(OWNER)[0].text, "echo: hello PANIC-POLL");
    let restarts = rt.supervisor().send(RestartCounts).await.unwrap();
    assert_eq!(restarts.get(&Child::TelegramPoller), Some(&1), "{restarts:?}");
    assert_eq!(ai.request_count(), 1, "answered once");
    rt.shutdown().await;
}

/// "Make me a chart": the model writes files in its workspace and sends them; the photo arrives
/// as a photo, the CSV as a document, both after the reply; a file outside the workspace (a path
/// out, or a symlink out) is refused and the reply says so; Omega's copies go once sent.
#[test]
fn files_the_model_makes_arrive_as_a_photo_and_a_document() {
    use serde_json::json;
    let s = setup();
    let b64 = omega_providers::types::base64(omega_testkit::PNG_1X1);
    s.ai.push(Script::ToolCalls(vec![
        (
            "bash".into(),
            json!({"command": format!("echo {b64} | base64 -d > chart.png && ln -s /etc/passwd pw")}),
        ),
        ("write".into(), json!({"file_path": "prices.csv", "content": "day,price\n1,10\n2,12\n"})),
    ]));
    s.ai.push(Script::ToolCalls(vec![
        ("send_file".into(), json!({"path": "chart.png", "caption": "Your chart"})),
        ("send_file".into(), json!({"path": "prices.csv"})),
        ("send_file".into(), json!({"path": "../data/memory.db"})),
        ("send_file".into(), json!({"path": "pw"})),
    ]));
    s.ai.push(Script::Text("Here you are.".into()));
    let _daemon = Daemon::start(&s.home, s.port, 1);
    s.tg.send_text(OWNER, "make me a chart of the prices");
    wait_until(Duration::from_secs(20), "the photo and the document", || {
        s.tg.photos().len() == 1 && s.tg.documents().len() == 1
    });
    let reply = &s.tg.sent_to(OWNER)[0].text;
    assert!(reply.starts_with("Here you are."), "{reply}");
    assert!(
        reply.contains("📎 chart.png (68 bytes)") && reply.contains("📎 prices.csv (20 bytes)"),
        "{reply}"
    );
    assert!(
        reply.contains("✗ ../data/memory.db was not sent: only files in the workspace can be sent"),
        "{reply}"
    );
    assert!(
        reply.contains("✗ pw was not sent: only files in the workspace can be sent"),
        "a symlink out: {reply}"
    );
    let photo = &s.tg.photos()[0];
    assert_eq!((photo.chat_id, photo.caption.as_str()), (OWNER, "Your chart"));
    assert_eq!(photo.bytes, omega_testkit::PNG_1X1);
    let doc = &s.tg.documents()[0];
    assert_eq!(
        (doc.file_name.as_str(), doc.bytes.as_slice()),
        ("prices.csv", b"day,price\n1,10\n2,12\n".as_slice())
    );
    let outbox = s.home.data_dir().join("outbox");
    wait_until(Duration::from_secs(5), "Omega's copies deleted once sent", || {
        std::fs::read_dir(&outbox).map(|d| d.count() == 0).unwrap_or(false)
    });
}

/// A person who asks for Portuguese hears Omega's own words in Portuguese — command answers,
/// confirmations, the command menu — and still does after a restart; a stranger writing in
/// Spanish is offered pairing in Spanish.
#[test]
fn a_portuguese_speaker_hears_omega_in_portuguese_across_a_restart() {
    let s = setup_pairing();
    let mut daemon = Daemon::start(&s.home, s.port, 1);
    s.tg.send_text(OWNER, "/language português");
    wait_for_reply(&s.tg, OWNER, 1);
    assert_eq!(s.tg.sent_to(OWNER)[0].text, "OK: vou responder-te em português.");
    let day = chrono::Utc::now().date_naive() + chrono::Days::new(1);
    s.ai.push(Script::Text(format!(
        "Combinado!\nSCHEDULE: ligar à mãe | {}T09:00 | once",
        day.format("%Y-%m-%d")
    )));
    s.tg.send_text(OWNER, "lembra-me de ligar à mãe amanhã às 9");
    wait_for_reply(&s.tg, OWNER, 2);
    let reply = s.tg.sent_to(OWNER)[1].text.clone();
    assert!(reply.starts_with("Combinado!\n\n✓ Lembrete criado: ligar à mãe — "), "{reply}");
    let id = reply[reply.rfind('[').unwrap() + 1..reply.rfind(']').unwrap()].to_owned();
    // The menu a Portuguese Telegram app shows, and the default one.
    let pt_menu = s.tg.commands_for("pt");
    assert!(
        pt_menu
            .iter()
            .any(|c| c["command"] == "tasks" && c["description"] == "Os teus lembretes e tarefas agendadas"),
        "{pt_menu:?}"
    );
    assert!(s.tg.commands().iter().any(|c| c["description"] == "Your reminders and scheduled tasks"));

    daemon.stop(&s.home);
    let _daemon = Daemon::start(&s.home, s.port, 2);
    s.tg.send_text(OWNER, "/help");
    wait_for_reply(&s.tg, OWNER, 3);
    assert!(s.tg.sent_to(OWNER)[2].text.starts_with("Sou o Omega, o teu agente pessoal de IA."));
    s.tg.send_text(OWNER, &format!("/cancel {id}"));
    wait_for_reply(&s.tg, OWNER, 4);
    assert_eq!(s.tg.sent_to(OWNER)[3].text, format!("Cancelada: ligar à mãe [{id}]"));
    // Someone new, in Spanish: the offer is in their language.
    s.tg.send_text(555, "hola, ¿qué tal? me gustaría hablar contigo");
    wait_for_reply(&s.tg, 555, 1);
    let offer = s.tg.sent_to(555)[0].text.clone();
    assert!(offer.starts_with("¡Hola! Solo hablo con personas que mi propietario ha aprobado."), "{offer}");
    let asked: Vec<String> = s.ai.requests().iter().filter_map(|r| r.last_user_message()).collect();
    assert!(
        !asked.iter().any(|m| m.starts_with('/') || m.contains("hola")),
        "commands and strangers never reach the model: {asked:?}"
    );
}
