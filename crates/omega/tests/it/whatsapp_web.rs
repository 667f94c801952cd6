//! WhatsApp Web as a person uses it: linked from Telegram (the QR code arrives as a photo), then
//! chatted with from the phone, across a restart. Telegram is teloxide against the fake Bot
//! API; WhatsApp's servers are the fake connection behind the channel's own trait (no public
//! mock of them exists), fed the library's own message types. And the real binary: status,
//! health and `omega whatsapp pair` with nothing paired.

use crate::support::{Daemon, config, http_get, omega};
use omega_actors::whatsapp::web::LinkEvent;
use omega_actors::whatsapp::web::fake::{FakeClient, FakeLink};
use omega_testkit::peers::free_port;
use omega_testkit::telegram::FakeTelegram;
use omega_testkit::{FakeOpenAi, TempHome, wait_until, wait_until_async};
use std::sync::Arc;
use std::time::Duration;
use whatsapp_rust::Jid;
use whatsapp_rust::wacore::types::events::InboundMessage;
use whatsapp_rust::wacore::types::message::{MessageInfo, MessageSource};
use whatsapp_rust::waproto::whatsapp as wa;

const OWNER: i64 = 4242;
const ANA: &str = "351911111111";
const ANA_LID: &str = "100000000000001";
const OMEGA_PN: &str = "351900000000";

fn from_ana(id: &str, text: &str) -> InboundMessage {
    let source = MessageSource { chat: Jid::lid(ANA_LID), sender: Jid::lid(ANA_LID), ..Default::default() };
    let info = MessageInfo {
        source,
        id: id.into(),
        push_name: "Ana".into(),
        timestamp: chrono::Utc::now(),
        ..Default::default()
    };
    let body = wa::Message { conversation: Some(text.into()), ..Default::default() };
    InboundMessage::builder().message(Arc::new(body)).info(Arc::new(info)).build()
}

fn phone() -> Arc<FakeClient> {
    let mut c = FakeClient::new(OMEGA_PN, "200000000000002");
    c.lids.insert(ANA_LID.into(), ANA.into());
    Arc::new(c)
}

fn web_config(home: &TempHome, ai: &FakeOpenAi, tg: &FakeTelegram) -> omega::Config {
    let mut c = config(home, ai);
    c.channel.telegram.enabled = true;
    c.channel.telegram.bot_token = omega_core::Secret::new("1:T");
    c.channel.telegram.api_url = tg.api_url();
    c.channel.telegram.allowed_users = vec![OWNER];
    c.channel.telegram.poll_timeout_secs = 1;
    c.channel.telegram.stream = false;
    let wa = &mut c.channel.whatsapp;
    wa.enabled = true;
    wa.mode = omega_core::config::WhatsAppMode::Web;
    wa.allowed_users = vec![ANA.into()];
    (wa.pace_per_chat_ms, wa.pace_global_ms, wa.pace_jitter_ms) = (0, 0, 0);
    c
}

async fn until(what: &str, mut cond: impl FnMut() -> bool) {
    wait_until_async(Duration::from_secs(20), what, || std::future::ready(cond())).await;
}

#[actix_rt::test]
async fn linked_from_telegram_then_chatted_with_from_the_phone_across_a_restart() {
    let (home, ai, tg) = (TempHome::new(), FakeOpenAi::start(), FakeTelegram::start("1:T"));
    let link = FakeLink::new();
    let rt = omega::Runtime::builder(web_config(&home, &ai, &tg))
        .http(false)
        .whatsapp_connector(Arc::new(link.clone()))
        .start()
        .await
        .unwrap();
    assert!(!link.connected(), "nothing is paired: no connection until asked");

    // The owner asks on Telegram; the QR code comes as a photo, and a new one replaces it.
    tg.send_text(OWNER, "/whatsapp");
    until("the answer to /whatsapp", || !tg.sent_to(OWNER).is_empty()).await;
    assert!(tg.sent_to(OWNER)[0].text.contains("QR code"), "{:?}", tg.sent_to(OWNER));
    until("a connection", || link.connected()).await;
    link.emit(LinkEvent::Qr { code: "2@first".into(), valid: Duration::from_secs(60) });
    until("the QR photo", || tg.photos().len() == 1).await;
    let first = tg.photos()[0].clone();
    assert_eq!((first.chat_id, &first.bytes[..4]), (OWNER, &b"\x89PNG"[..]));
    assert!(first.caption.contains("Linked devices"), "{}", first.caption);
    link.emit(LinkEvent::Qr { code: "2@second".into(), valid: Duration::from_secs(20) });
    until("the old code deleted", || tg.deleted().contains(&first.message_id)).await;
    assert_eq!(tg.photos().len(), 1, "one QR code on screen at a time");

    // The phone scans it (the library stores the account's keys; the fake leaves the same).
    link.pair(rt.store(), &phone().me).await;
    let client = phone();
    link.emit(LinkEvent::Connected(client.clone()));
    until("told it is linked", || tg.sent_to(OWNER).iter().any(|m| m.text.contains("WhatsApp is linked")))
        .await;

    // Ana writes from her phone, known to WhatsApp by her LID.
    link.deliver(client.clone(), &[from_ana("A1", "hello from my phone")]).await.unwrap();
    until("the reply on WhatsApp", || !client.record.lock().sent.is_empty()).await;
    assert_eq!(
        client.record.lock().sent.clone(),
        [(format!("{ANA_LID}@lid"), "echo: hello from my phone".to_owned())],
        "answered in the chat she wrote from"
    );
    rt.shutdown().await;
    assert_eq!(*link.shutdowns.lock(), 1, "the connection is closed with Omega");

    // A restart: the paired account connects by itself; WhatsApp re-delivers A1 (its ack was
    // lost) with a new message.
    let link = FakeLink::new();
    let rt = omega::Runtime::builder(web_config(&home, &ai, &tg))
        .http(false)
        .whatsapp_connector(Arc::new(link.clone()))
        .start()
        .await
        .unwrap();
    until("connected at start", || link.connected()).await;
    let client = phone();
    link.emit(LinkEvent::Connected(client.clone()));
    let asked_before = ai.request_count();
    link.deliver(client.clone(), &[from_ana("A1", "hello from my phone"), from_ana("A2", "still there?")])
        .await
        .unwrap();
    until("the new reply", || !client.record.lock().sent.is_empty()).await;
    assert_eq!(
        client.record.lock().sent.clone(),
        [(format!("{ANA_LID}@lid"), "echo: still there?".to_owned())]
    );
    assert_eq!(ai.request_count() - asked_before, 1, "A1 was not answered twice");
    let history = rt.store().history("whatsapp", ANA, 10).await.unwrap();
    assert_eq!(history.len(), 4, "one conversation across the restart: {history:?}");
    rt.shutdown().await;
}

#[test]
fn the_real_binary_with_whatsapp_web_unpaired_says_so_and_keeps_running() {
    let home = TempHome::new();
    let port = free_port();
    home.write_config(&format!(
        "[provider]\ndefault = \"openai\"\n\n[provider.openai]\nbase_url = \"http://127.0.0.1:9\"\nmodel = \"m\"\n\n\
         [api]\nport = {port}\n\n[channel.whatsapp]\nenabled = true\nmode = \"web\"\nallowed_users = [\"{ANA}\"]\n"
    ));
    let status = omega(&home, &["status"]).output().unwrap();
    let out = String::from_utf8_lossy(&status.stdout);
    assert!(out.contains("whatsapp:  WhatsApp Web, not paired"), "{out}");

    let bad = omega(&home, &["whatsapp", "pair", "--phone", "+351 91"]).output().unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("digits only"), "{:?}", bad);

    let daemon = Daemon::start(&home, port, 1);
    let health = http_get(port, "/api/health").unwrap();
    assert_eq!(
        health["channels"]["whatsapp"],
        serde_json::json!({"mode": "web", "running": true, "connected": false}),
        "{health}"
    );
    let status = omega(&home, &["status"]).output().unwrap();
    let out = String::from_utf8_lossy(&status.stdout);
    assert!(out.contains("WhatsApp Web, not paired"), "{out}");
    // Pairing from the terminal while the daemon holds the data dir is refused, with the way out.
    let busy = omega(&home, &["whatsapp", "pair"]).output().unwrap();
    assert!(!busy.status.success());
    assert!(String::from_utf8_lossy(&busy.stderr).contains("/whatsapp"), "{:?}", busy);
    wait_until(Duration::from_secs(10), "the daemon still serves", || {
        http_get(port, "/api/health").is_some()
    });
    assert!(daemon.log().contains("WhatsApp Web is not paired"), "the log says what to do: {}", daemon.log());
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn media_from_ana(id: &str, body: wa::Message) -> InboundMessage {
    let source = MessageSource { chat: Jid::pn(ANA), sender: Jid::pn(ANA), ..Default::default() };
    let info = MessageInfo { source, id: id.into(), timestamp: chrono::Utc::now(), ..Default::default() };
    InboundMessage::builder().message(Arc::new(body)).info(Arc::new(info)).build()
}

#[actix_rt::test]
async fn a_voice_note_is_transcribed_and_a_photo_reaches_the_vision_model() {
    use omega_actors::whatsapp::web::{AUDIO_REF, IMAGE_REF};
    use whatsapp_rust::buffa::Message as _;
    use whatsapp_rust::buffa::MessageField;
    let (home, ai, tg) = (TempHome::new(), FakeOpenAi::start(), FakeTelegram::start("1:T"));
    ai.set_transcript(Ok("call the plumber"));
    let mut c = web_config(&home, &ai, &tg);
    c.provider.openai.vision = true;
    c.voice.base_url = ai.base_url();
    let link = FakeLink::new();
    let store = omega::Store::open(&home.db_path()).await.unwrap();
    link.pair(&store, &phone().me).await;
    store.close().await;
    let rt = omega::Runtime::builder(c)
        .http(false)
        .whatsapp_connector(Arc::new(link.clone()))
        .start()
        .await
        .unwrap();
    until("connected at start", || link.connected()).await;
    // What the phone uploaded, as WhatsApp describes it (CDN path, keys): Omega downloads by it.
    let audio = wa::message::AudioMessage {
        ptt: Some(true),
        mimetype: Some("audio/ogg; codecs=opus".into()),
        direct_path: Some("/v/voice-1".into()),
        ..Default::default()
    };
    let image = wa::message::ImageMessage {
        mimetype: Some("image/jpeg".into()),
        caption: Some("what is this?".into()),
        direct_path: Some("/v/photo-1".into()),
        ..Default::default()
    };
    let jpeg: &[u8] = b"\xff\xd8\xff\xe0fake-jpeg\xff\xd9";
    let mut client = FakeClient::new(OMEGA_PN, "200000000000002");
    client.media.insert(format!("{AUDIO_REF}{}", hex(&audio.encode_to_vec())), b"OggS-voice-bytes".to_vec());
    client.media.insert(format!("{IMAGE_REF}{}", hex(&image.encode_to_vec())), jpeg.to_vec());
    let client = Arc::new(client);
    link.emit(LinkEvent::Connected(client.clone()));
    wait_until_async(Duration::from_secs(20), "the connection in use", || async {
        omega_actors::whatsapp::web::link_state(rt.store()).await.is_some_and(|(s, _)| s == "connected")
    })
    .await;

    let voice = wa::Message { audio_message: MessageField::some(audio), ..Default::default() };
    link.deliver(client.clone(), &[media_from_ana("V1", voice)]).await.unwrap();
    until("the voice note's answer", || client.record.lock().sent.len() == 1).await;
    assert_eq!(client.record.lock().sent[0].1, "echo: [Voice message] call the plumber");
    assert!(String::from_utf8_lossy(&ai.transcriptions()[0]).contains("OggS-voice-bytes"));

    let photo = wa::Message { image_message: MessageField::some(image), ..Default::default() };
    link.deliver(client.clone(), &[media_from_ana("P1", photo)]).await.unwrap();
    until("the photo's answer", || client.record.lock().sent.len() == 2).await;
    let req = ai.requests().last().cloned().unwrap();
    let content = &req.body["messages"].as_array().unwrap().last().unwrap()["content"];
    assert_eq!(content[0]["text"], "what is this?");
    assert_eq!(
        content[1]["image_url"]["url"].as_str().unwrap(),
        format!("data:image/jpeg;base64,{}", omega_providers::types::base64(jpeg)),
        "the photo went to the model as an image, downloaded through the connection"
    );
    rt.shutdown().await;
}
