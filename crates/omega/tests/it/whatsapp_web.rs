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
    link.deliver(client.as_ref(), &[from_ana("A1", "hello from my phone")]).await.unwrap();
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
    link.deliver(client.as_ref(), &[from_ana("A1", "hello from my phone"), from_ana("A2", "still there?")])
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
