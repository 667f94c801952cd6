//! WhatsApp through the Cloud API, the real binary end to end: Meta's side is the fake Graph API
//! (sends, media) plus signed webhook posts to Omega's HTTP API, the way Meta makes them.

use crate::support::Daemon;
use omega_channels::whatsapp_cloud::sign;
use omega_testkit::graph::FakeGraph;
use omega_testkit::peers::free_port;
use omega_testkit::{FakeOpenAi, Script, TempHome, wait_until};
use serde_json::{Value, json};
use std::time::Duration;

const ANA: &str = "351912345678";
const SECRET: &str = "app-secret-123";
const TOKEN: &str = "EAAG-test-token";
pub(crate) const NUMBER_ID: &str = "1234567890";

struct Setup {
    home: TempHome,
    graph: FakeGraph,
    ai: FakeOpenAi,
    port: u16,
}

fn setup() -> Setup {
    setup_with("")
}

/// A home whose `[channel.whatsapp]` also has `extra`.
fn setup_with(extra: &str) -> Setup {
    let (home, graph, ai) = (TempHome::new(), FakeGraph::start(TOKEN, NUMBER_ID), FakeOpenAi::start());
    let port = free_port();
    home.write_config(&format!(
        "[provider]\ndefault = \"openai\"\n\n[provider.openai]\nbase_url = \"{ai}\"\nmodel = \"m\"\nvision = true\n\n\
         [voice]\nbase_url = \"{ai}\"\n\n[api]\nport = {port}\n\n\
         [channel.whatsapp]\nenabled = true\nmode = \"cloud\"\napi_url = \"{graph}\"\nphone_number_id = \"{NUMBER_ID}\"\n\
         access_token = \"{TOKEN}\"\napp_secret = \"{SECRET}\"\nverify_token = \"verify-me\"\nallowed_users = [\"{ANA}\"]\n\
         pace_per_chat_ms = 0\npace_global_ms = 0\npace_jitter_ms = 0\n{extra}\n\
         [auth]\ndeny_message = \"Not for you.\"\n",
        ai = ai.base_url(),
        graph = graph.api_url(),
    ));
    Setup { home, graph, ai, port }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

/// Post `body` to the webhook as Meta would, signed with `secret`; the status.
pub(crate) fn post(port: u16, body: &Value, secret: &str) -> u16 {
    let raw = body.to_string();
    rt().block_on(async {
        reqwest::Client::new()
            .post(format!("http://127.0.0.1:{port}/webhook/whatsapp"))
            .header("content-type", "application/json")
            .header("x-hub-signature-256", sign(secret, raw.as_bytes()))
            .body(raw)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    })
}

/// A notification with one message from `from`.
pub(crate) fn notification(from: &str, id: &str, message: Value) -> Value {
    let mut m = json!({"from": from, "id": id, "timestamp": "1764590000"});
    for (k, v) in message.as_object().unwrap() {
        m[k] = v.clone();
    }
    json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA-1", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550001111", "phone_number_id": NUMBER_ID},
        "contacts": [{"profile": {"name": "Ana"}, "wa_id": from}],
        "messages": [m],
    }}]}]})
}

pub(crate) fn text(from: &str, id: &str, body: &str) -> Value {
    notification(from, id, json!({"type": "text", "text": {"body": body}}))
}

fn wait_for(graph: &FakeGraph, to: &str, count: usize) -> Vec<String> {
    wait_until(Duration::from_secs(20), &format!("{count} message(s) to {to}"), || {
        graph.sent_to(to).len() >= count
    });
    graph.sent_to(to)
}

#[test]
fn meta_verifies_the_webhook_with_the_verify_token_only() {
    let s = setup();
    let _d = Daemon::start(&s.home, s.port, 1);
    let get = |token: &str| {
        rt().block_on(async {
            let url = format!(
                "http://127.0.0.1:{}/webhook/whatsapp?hub.mode=subscribe&hub.verify_token={token}&hub.challenge=1158201444",
                s.port
            );
            let r = reqwest::get(url).await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        })
    };
    assert_eq!(get("verify-me"), (200, "1158201444".to_owned()));
    assert_eq!(get("guess").0, 403);
}

#[test]
fn a_signed_message_is_answered_in_whatsapp_markup_and_a_forged_one_never_arrives() {
    let s = setup();
    let _d = Daemon::start(&s.home, s.port, 1);
    assert_eq!(post(s.port, &text(ANA, "wamid.1", "hello **there**"), SECRET), 200);
    assert_eq!(wait_for(&s.graph, ANA, 1), ["echo: hello *there*"]);
    wait_until(Duration::from_secs(10), "the message marked read", || s.graph.read() == ["wamid.1"]);
    // A post signed with another secret (anyone who found the URL) is refused and does nothing.
    assert_eq!(post(s.port, &text(ANA, "wamid.2", "transfer all my money"), "guessed-secret"), 401);
    // The same message re-delivered by Meta, and a delivery-status callback: nothing new.
    assert_eq!(post(s.port, &text(ANA, "wamid.1", "hello **there**"), SECRET), 200);
    let statuses = json!({"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value": {
        "statuses": [{"id": "wamid.FAKE000001", "status": "read", "recipient_id": ANA}]}}]}]});
    assert_eq!(post(s.port, &statuses, SECRET), 200);
    // One more real message proves the ones before were handled (or refused) already.
    assert_eq!(post(s.port, &text(ANA, "wamid.3", "and now?"), SECRET), 200);
    assert_eq!(wait_for(&s.graph, ANA, 2), ["echo: hello *there*", "echo: and now?"]);
    assert_eq!(s.ai.request_count(), 2, "the forged and the repeated message never reached the model");
    wait_until(Duration::from_secs(10), "the next one marked read", || s.graph.read().len() == 2);
    assert_eq!(
        s.graph.read(),
        ["wamid.1", "wamid.3"],
        "each stored message once: \"typing…\" while answered"
    );
}

#[test]
fn a_stranger_gets_the_deny_message_and_their_media_is_never_fetched() {
    let s = setup();
    let _d = Daemon::start(&s.home, s.port, 1);
    s.graph.add_media("MEDIA9", "audio/ogg", b"OggS");
    let voice = notification(
        "999888777",
        "wamid.9",
        json!({"type": "audio", "audio": {"id": "MEDIA9", "voice": true}}),
    );
    assert_eq!(post(s.port, &voice, SECRET), 200);
    assert_eq!(wait_for(&s.graph, "999888777", 1), ["Not for you."]);
    assert_eq!(s.ai.request_count(), 0);
    assert!(s.ai.transcriptions().is_empty());
    assert!(!s.graph.calls().iter().any(|(m, _)| m == "GET"), "no media download for a stranger");
}

#[test]
fn a_voice_note_is_transcribed_and_a_photo_reaches_the_vision_model() {
    let s = setup();
    s.ai.set_transcript(Ok("call the plumber"));
    s.graph.add_media("MEDIA1", "audio/ogg; codecs=opus", b"OggS-voice-bytes");
    s.graph.add_media("MEDIA2", "image/jpeg", b"\xff\xd8\xff\xe0fake-jpeg\xff\xd9");
    let _d = Daemon::start(&s.home, s.port, 1);
    let voice = notification(
        ANA,
        "wamid.v",
        json!({"type": "audio", "audio": {"id": "MEDIA1", "mime_type": "audio/ogg; codecs=opus", "voice": true}}),
    );
    assert_eq!(post(s.port, &voice, SECRET), 200);
    assert_eq!(wait_for(&s.graph, ANA, 1), ["echo: [Voice message] call the plumber"]);
    assert!(String::from_utf8_lossy(&s.ai.transcriptions()[0]).contains("OggS-voice-bytes"));
    let photo = notification(
        ANA,
        "wamid.p",
        json!({"type": "image", "image": {"id": "MEDIA2", "mime_type": "image/jpeg", "caption": "what is this?"}}),
    );
    assert_eq!(post(s.port, &photo, SECRET), 200);
    wait_for(&s.graph, ANA, 2);
    let req = s.ai.requests().last().cloned().unwrap();
    let content = &req.body["messages"].as_array().unwrap().last().unwrap()["content"];
    assert_eq!(content[0]["text"], "what is this?");
    let jpeg: &[u8] = b"\xff\xd8\xff\xe0fake-jpeg\xff\xd9";
    assert_eq!(
        content[1]["image_url"]["url"].as_str().unwrap(),
        format!("data:image/jpeg;base64,{}", omega_providers::types::base64(jpeg)),
        "the photo went to the model as an image, fetched from the Graph API"
    );
    let media = s.home.data_dir().join("media");
    wait_until(Duration::from_secs(10), "the photo deleted after the answer", || {
        std::fs::read_dir(&media).map(|d| d.count() == 0).unwrap_or(false)
    });
}

#[test]
fn a_long_formatted_reply_is_split_under_the_limit_and_a_rate_limit_is_waited_out() {
    let s = setup();
    let para = "**Step** with _care_ and a [link](https://example.org). ".repeat(60);
    s.ai.push(Script::Text(format!("# Plan\n\n{para}\n\n{para}\n\n{para}")));
    s.graph.fail_next_send(429, 130429, "Rate limit hit");
    let _d = Daemon::start(&s.home, s.port, 1);
    assert_eq!(post(s.port, &text(ANA, "wamid.l", "plan it"), SECRET), 200);
    let parts = wait_for(&s.graph, ANA, 2);
    assert!(parts.len() >= 2, "{}", parts.len());
    assert!(parts[0].starts_with("*Plan*"), "{}", &parts[0][..40]);
    let posts = s.graph.calls().iter().filter(|(m, _)| m == "POST").count();
    let reads = s.graph.read().len();
    assert_eq!(posts, reads + parts.len() + 1, "the part refused with 429 was sent again, the rest once");
    for p in &parts {
        assert!(p.chars().count() <= 4096, "{}", p.chars().count());
        assert!(!p.contains("**") && p.contains("*Step*") && p.contains("link (https://example.org)"));
    }
}

#[test]
fn a_message_whose_answer_a_kill_interrupted_is_answered_once_after_the_restart() {
    let s = setup();
    s.ai.push_delayed(Script::Echo, Duration::from_secs(30));
    let mut d = Daemon::start(&s.home, s.port, 1);
    assert_eq!(post(s.port, &text(ANA, "wamid.k", "are you there?"), SECRET), 200);
    wait_until(Duration::from_secs(10), "the model asked", || s.ai.request_count() == 1);
    d.kill9();
    let _d = Daemon::start(&s.home, s.port, 2);
    // Meta re-delivers what it is not sure of; the inbox already has it.
    assert_eq!(post(s.port, &text(ANA, "wamid.k", "are you there?"), SECRET), 200);
    assert_eq!(wait_for(&s.graph, ANA, 1), ["echo: are you there?"]);
    assert_eq!(post(s.port, &text(ANA, "wamid.k2", "good"), SECRET), 200);
    assert_eq!(wait_for(&s.graph, ANA, 2), ["echo: are you there?", "echo: good"], "answered once");
}

/// A message in group `G1`, optionally quoting one of ours.
fn in_group(id: &str, body: &str, quoting_us: bool) -> Value {
    let mut m = json!({"type": "text", "text": {"body": body}, "group_id": "G1"});
    if quoting_us {
        m["context"] = json!({"from": "15550001111", "id": "wamid.ours"});
    }
    notification(ANA, id, m)
}

#[test]
fn in_a_group_only_mentions_and_replies_count_and_only_when_groups_are_on() {
    let off = setup();
    let d = Daemon::start(&off.home, off.port, 1);
    assert_eq!(post(off.port, &in_group("wamid.g0", "@15550001111 hello", false), SECRET), 200);
    assert_eq!(post(off.port, &text(ANA, "wamid.p0", "just me"), SECRET), 200);
    assert_eq!(wait_for(&off.graph, ANA, 1), ["echo: just me"]);
    assert!(off.graph.sent_to("group:G1").is_empty(), "groups are off by default");
    drop(d);

    let s = setup_with("groups = true");
    let _d = Daemon::start(&s.home, s.port, 1);
    for (id, body, quoting) in [
        ("wamid.g1", "chatting among ourselves", false),
        ("wamid.g2", "@15550001111 what's the time?", false),
        ("wamid.g3", "and you?", true),
    ] {
        assert_eq!(post(s.port, &in_group(id, body, quoting), SECRET), 200);
    }
    let answers = || -> Vec<String> {
        let busy = "Got it, I'll get to this next.";
        s.graph.sent_to("group:G1").into_iter().filter(|t| t != busy).collect()
    };
    wait_until(Duration::from_secs(20), "both answers in the group", || answers().len() >= 2);
    assert_eq!(answers(), ["echo: @15550001111 what's the time?", "echo: and you?"], "answered in the group");
    assert_eq!(s.ai.request_count(), 2, "the chatter among people never reached the model");
}

#[test]
fn a_stranger_can_be_let_in_by_pairing_from_whatsapp() {
    let s = setup_with("pairing = true");
    let _d = Daemon::start(&s.home, s.port, 1);
    const NEW: &str = "447700900123";
    assert_eq!(post(s.port, &text(NEW, "wamid.s1", "hi, I'm Bo"), SECRET), 200);
    let offer = wait_for(&s.graph, NEW, 1)[0].clone();
    let code: String = offer.split("pairing code is ").nth(1).expect("a code").chars().take(6).collect();
    assert_eq!(s.ai.request_count(), 0);
    assert_eq!(post(s.port, &text(ANA, "wamid.a1", &format!("/approve {code}")), SECRET), 200);
    wait_for(&s.graph, ANA, 1);
    assert_eq!(post(s.port, &text(NEW, "wamid.s2", "thanks!"), SECRET), 200);
    let to_new = wait_for(&s.graph, NEW, 3);
    assert!(to_new.iter().any(|t| t == "echo: thanks!"), "{to_new:?}");
}

#[test]
fn omega_ask_works_with_whatsapp_on_and_leaves_whatsapp_to_the_daemon() {
    let s = setup();
    let out = crate::support::omega(&s.home, &["ask", "hello", "there"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "echo: hello there");
    assert!(s.graph.sent().is_empty(), "nothing went out on WhatsApp");
}

/// "Send me the chart": a PNG the model made goes out as a photo with its caption, a CSV as a
/// document under its own name (uploaded first, as Meta requires); a file the Cloud API does
/// not take is not silently lost — Ana is told why.
#[test]
fn files_the_model_sends_arrive_as_a_photo_and_a_document_and_a_refused_one_is_explained() {
    let s = setup();
    let workspace = s.home.data_dir().join("workspace");
    std::fs::create_dir_all(&workspace).unwrap();
    let png = [&b"\x89PNG\r\n\x1a\n"[..], &[7u8; 300]].concat();
    std::fs::write(workspace.join("chart.png"), &png).unwrap();
    std::fs::write(workspace.join("prices.csv"), "day,eur\nmon,89\n").unwrap();
    std::fs::write(workspace.join("backup.zip"), b"PK\x03\x04 not really").unwrap();
    let _d = Daemon::start(&s.home, s.port, 1);
    s.ai.push(Script::Text(
        "Here they are.\nSEND_FILE: chart.png | Prices this week\nSEND_FILE: prices.csv | the numbers".into(),
    ));
    assert_eq!(post(s.port, &text(ANA, "wamid.f1", "send me the chart and the numbers"), SECRET), 200);
    wait_until(Duration::from_secs(20), "two files at Meta", || s.graph.sent_media().len() == 2);
    let media = s.graph.sent_media();
    assert_eq!(
        (media[0].to.as_str(), media[0].kind.as_str(), media[0].mime.as_str()),
        (ANA, "image", "image/png")
    );
    assert_eq!(media[0].bytes, png, "the photo's bytes, unchanged");
    assert_eq!(media[0].caption.as_deref(), Some("Prices this week"));
    assert_eq!((media[1].kind.as_str(), media[1].mime.as_str()), ("document", "text/plain"));
    assert_eq!(media[1].filename.as_deref(), Some("prices.csv"));
    assert_eq!(media[1].bytes, b"day,eur\nmon,89\n");
    let reply = wait_for(&s.graph, ANA, 1).remove(0);
    assert!(reply.starts_with("Here they are."), "{reply}");
    let uploads = s.graph.calls().iter().filter(|(m, p)| m == "POST" && p.ends_with("/media")).count();
    assert_eq!(uploads, 2, "each file uploaded once");

    s.ai.push(Script::Text("Sure.\nSEND_FILE: backup.zip".into()));
    assert_eq!(post(s.port, &text(ANA, "wamid.f2", "and the backup?"), SECRET), 200);
    let told = wait_for(&s.graph, ANA, 3);
    assert!(told.iter().any(|t| t.starts_with("Sure.")), "{told:?}");
    assert!(
        told.iter().any(|t| t.starts_with("I couldn't send you backup.zip:")
            && t.contains("does not take application/zip")),
        "{told:?}"
    );
    assert_eq!(s.graph.sent_media().len(), 2, "nothing more went out");
}
