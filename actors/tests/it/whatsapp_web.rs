//! WhatsApp Web's channel code behind its traits: messages are the library's own types, made
//! with its builders, handed in the way its durability hook hands them (live, and the offline
//! queue drained at a reconnect); a real Gateway and real Sessions over a real store answer them;
//! the connection is a fake that emits the library's pairing events.

use crate::support::{Probes, eventually, gateway};
use actix::prelude::*;
use omega_actors::channel::{Deliver, SendPhoto, StartPairing};
use omega_actors::outbox::Notify;
use omega_actors::pipeline::SessionSettings;
use omega_actors::route::Route;
use omega_actors::whatsapp::WhatsApp;
use omega_actors::whatsapp::web::fake::{FakeClient, FakeLink};
use omega_actors::whatsapp::web::{
    ClientSlot, IntakeDeps, KeyStore, LinkDeps, LinkEvent, Me, WebTransport, WhatsAppLink, link_state,
};
use omega_core::config::WhatsAppConfig;
use omega_core::{InboxId, OutboundKind};
use omega_memory::Store;
use omega_testkit::TempHome;
use omega_testkit::probe::ProbeHandle;
use std::sync::Arc;
use std::time::Duration;
use whatsapp_rust::Jid;
use whatsapp_rust::wacore::store::traits::*;
use whatsapp_rust::wacore::types::events::{BatchOrigin, InboundMessage, MessageBatch};
use whatsapp_rust::wacore::types::message::{MessageInfo, MessageSource};
use whatsapp_rust::waproto::whatsapp as wa;

const ANA: &str = "351911111111";
const ANA_LID: &str = "100000000000001";
const OMEGA_PN: &str = "351900000000";
const OMEGA_LID: &str = "200000000000002";
const GROUP: &str = "120363000000000001";

fn config(groups: bool) -> WhatsAppConfig {
    WhatsAppConfig {
        enabled: true,
        allowed_users: vec![ANA.into(), OMEGA_PN.into()],
        groups,
        pace_per_chat_ms: 0,
        pace_global_ms: 0,
        pace_jitter_ms: 0,
        ..WhatsAppConfig::default()
    }
}

fn client() -> FakeClient {
    let mut c = FakeClient::new(OMEGA_PN, OMEGA_LID);
    c.lids.insert(ANA_LID.into(), ANA.into());
    c
}

/// A message as the library delivers it.
fn message(
    id: &str,
    chat: Jid,
    sender: Jid,
    body: wa::Message,
    tweak: impl FnOnce(&mut MessageSource),
) -> InboundMessage {
    use whatsapp_rust::wacore_binary::jid::JidExt;
    let mut source = MessageSource { is_group: chat.is_group(), ..Default::default() };
    source.chat = chat;
    source.sender = sender;
    tweak(&mut source);
    let info = MessageInfo {
        source,
        id: id.into(),
        push_name: "Ana".into(),
        timestamp: chrono::Utc::now(),
        ..Default::default()
    };
    InboundMessage::builder().message(Arc::new(body)).info(Arc::new(info)).build()
}

fn text(t: &str) -> wa::Message {
    wa::Message { conversation: Some(t.into()), ..Default::default() }
}

/// A group text that mentions `mentioned` (JIDs) and/or answers a message of `participant`.
fn group_text(t: &str, mentioned: &[String], participant: Option<String>) -> wa::Message {
    let ctx = wa::ContextInfo { mentioned_jid: mentioned.to_vec(), participant, ..Default::default() };
    let ext = wa::message::ExtendedTextMessage {
        text: Some(t.into()),
        context_info: whatsapp_rust::buffa::MessageField::some(ctx),
        ..Default::default()
    };
    wa::Message { extended_text_message: whatsapp_rust::buffa::MessageField::some(ext), ..Default::default() }
}

struct Rig {
    home: TempHome,
    store: Store,
    probes: Probes,
    deps: IntakeDeps,
}

impl Rig {
    async fn start(groups: bool) -> Self {
        let home = TempHome::new();
        let store = Store::open(&home.db_path()).await.unwrap();
        let probes = Probes::start();
        let gw = gateway(
            &probes,
            &store,
            SessionSettings { data_dir: home.data_dir(), ..SessionSettings::default() },
            "whatsapp",
            &[ANA, OMEGA_PN],
        );
        let deps = IntakeDeps {
            config: config(groups),
            media_dir: home.data_dir().join("media"),
            gateway: Route::to(gw),
        };
        Self { home, store, probes, deps }
    }

    async fn deliver(&self, client: &Arc<FakeClient>, batch: &[InboundMessage]) -> Result<(), String> {
        omega_actors::whatsapp::web::intake(&self.deps, client.clone(), batch).await
    }

    /// (recipient, text) of each reply handed to the Outbox.
    fn replies(&self) -> Vec<(String, String)> {
        self.probes.dispatch.seen().into_iter().map(|d| (d.0.recipient, d.0.text)).collect()
    }
}

#[actix_rt::test]
async fn a_person_is_one_sender_whether_they_write_from_their_number_or_their_lid() {
    let rig = Rig::start(false).await;
    let c = Arc::new(client());
    // From the phone-number JID, from the LID (its number known to the account), and from a
    // LID that carries the number beside it.
    let batch = [
        message("A1", Jid::pn(ANA), Jid::pn(ANA), text("one"), |_| {}),
        message("A2", Jid::lid(ANA_LID), Jid::lid(ANA_LID), text("two"), |_| {}),
        message("A3", Jid::lid("100000000000009"), Jid::lid("100000000000009"), text("three"), |s| {
            s.sender_alt = Some(Jid::pn(ANA))
        }),
    ];
    rig.deliver(&c, &batch).await.unwrap();
    eventually("three replies", || rig.replies().len() == 3).await;
    assert_eq!(
        rig.probes.asked.lock().clone(),
        ["one", "two", "three"],
        "all three reached the provider, in order"
    );
    let rows = rig.store.history("whatsapp", ANA, 50).await.unwrap();
    let said: Vec<&str> = rows.iter().filter(|m| m.role == "user").map(|m| m.content.as_str()).collect();
    assert_eq!(said, ["one", "two", "three"], "one person, one conversation");
    // Each reply goes back to the chat its message came from.
    let to: Vec<String> = rig.replies().into_iter().map(|(to, _)| to).collect();
    assert_eq!(
        to,
        [format!("{ANA}@s.whatsapp.net"), format!("{ANA_LID}@lid"), "100000000000009@lid".to_owned()]
    );
    // Every message was marked read (and "typing…" shown) in its chat once stored.
    eventually("three read receipts", || c.record.lock().read.len() == 3).await;
}

#[actix_rt::test]
async fn a_lid_whose_number_is_unknown_is_a_stranger() {
    let rig = Rig::start(false).await;
    let c = Arc::new(client());
    rig.deliver(&c, &[message("S1", Jid::lid("999"), Jid::lid("999"), text("hello?"), |_| {})])
        .await
        .unwrap();
    eventually("the deny message", || !rig.probes.notify.seen().is_empty()).await;
    let told = rig.probes.notify.seen();
    assert_eq!((told[0].recipient.as_str(), told[0].text.as_str()), ("999@lid", "Not for you."));
    assert!(rig.probes.asked.lock().is_empty(), "a stranger never reaches the provider");
    assert!(rig.store.unfinished_inbound().await.unwrap().is_empty());
}

#[actix_rt::test]
async fn the_offline_queue_is_answered_once_across_a_redelivery_and_a_restart() {
    let rig = Rig::start(false).await;
    let c = Arc::new(client());
    let drained = MessageBatch::builder()
        .messages(Arc::from(vec![
            message("Q1", Jid::pn(ANA), Jid::pn(ANA), text("while you were away 1"), |s| {
                s.is_from_me = false
            }),
            message("Q2", Jid::pn(ANA), Jid::pn(ANA), text("while you were away 2"), |_| {}),
        ]))
        .origin(BatchOrigin::OfflineDrain)
        .hook_committed(true)
        .build();
    assert_eq!(drained.origin, BatchOrigin::OfflineDrain);
    rig.deliver(&c, &drained.messages).await.unwrap();
    // WhatsApp delivers the same batch again (the acknowledgement was lost in a reconnect).
    rig.deliver(&c, &drained.messages).await.unwrap();
    eventually("two replies", || rig.replies().len() == 2).await;

    // Omega restarts: a new Gateway over the same file, and WhatsApp delivers the batch once more.
    rig.store.close().await;
    let store = Store::open(&rig.home.db_path()).await.unwrap();
    let probes = Probes::start();
    let gw = gateway(
        &probes,
        &store,
        SessionSettings { data_dir: rig.home.data_dir(), ..SessionSettings::default() },
        "whatsapp",
        &[ANA],
    );
    let deps = IntakeDeps { gateway: Route::to(gw), ..rig.deps.clone() };
    omega_actors::whatsapp::web::intake(&deps, c.clone(), &drained.messages).await.unwrap();
    // A message after them is answered, and nothing else is.
    let next = [message("Q3", Jid::pn(ANA), Jid::pn(ANA), text("and now"), |_| {})];
    omega_actors::whatsapp::web::intake(&deps, c.clone(), &next).await.unwrap();
    eventually("the new message's reply", || !probes.dispatch.seen().is_empty()).await;
    assert_eq!(probes.asked.lock().clone(), ["and now"], "the drained messages were not answered twice");
    assert_eq!(rig.replies().len(), 2);
}

#[actix_rt::test]
async fn group_messages_need_groups_on_and_a_mention_or_a_reply() {
    let group = || Jid::group(GROUP);
    let batch = |tag: &str| {
        [
            message(
                &format!("{tag}1"),
                group(),
                Jid::pn(ANA),
                group_text("just chatting", &[], None),
                |_| {},
            ),
            message(
                &format!("{tag}2"),
                group(),
                Jid::pn(ANA),
                group_text("@omega what time is it", &[format!("{OMEGA_LID}@lid")], None),
                |_| {},
            ),
            message(
                &format!("{tag}3"),
                group(),
                Jid::lid(ANA_LID),
                group_text("and you said?", &[], Some(format!("{OMEGA_PN}@s.whatsapp.net"))),
                |_| {},
            ),
        ]
    };
    let off = Rig::start(false).await;
    off.deliver(&Arc::new(client()), &batch("off")).await.unwrap();
    let on = Rig::start(true).await;
    on.deliver(&Arc::new(client()), &batch("on")).await.unwrap();
    eventually("two group replies", || on.replies().len() == 2).await;
    assert_eq!(on.probes.asked.lock().clone(), ["@omega what time is it", "and you said?"]);
    assert!(on.replies().iter().all(|(to, _)| to == &format!("{GROUP}@g.us")), "answers go to the group");
    assert!(
        off.probes.asked.lock().is_empty() && off.replies().is_empty(),
        "groups = false: nothing from groups"
    );
}

#[actix_rt::test]
async fn the_accounts_own_messages_are_ignored_except_in_its_chat_with_itself() {
    let rig = Rig::start(false).await;
    let c = Arc::new(client());
    let batch = [
        // The owner writing to someone else from their phone: not for Omega.
        message("M1", Jid::pn(ANA), Jid::pn(OMEGA_PN), text("see you at 8"), |s| s.is_from_me = true),
        // "Message yourself": the account holder talking to Omega.
        message("M2", Jid::pn(OMEGA_PN), Jid::pn(OMEGA_PN), text("note to self"), |s| s.is_from_me = true),
    ];
    rig.deliver(&c, &batch).await.unwrap();
    eventually("the self-chat reply", || rig.replies().len() == 1).await;
    assert_eq!(rig.probes.asked.lock().clone(), ["note to self"]);
    assert_eq!(rig.replies()[0].0, format!("{OMEGA_PN}@s.whatsapp.net"));
}

#[actix_rt::test]
async fn a_batch_that_cannot_be_stored_is_not_acknowledged() {
    let rig = Rig::start(false).await;
    let deps = IntakeDeps { gateway: Route::default(), ..rig.deps.clone() };
    let batch = [message("F1", Jid::pn(ANA), Jid::pn(ANA), text("hello"), |_| {})];
    let r = omega_actors::whatsapp::web::intake(&deps, Arc::new(client()), &batch).await;
    assert!(r.is_err(), "not stored, so WhatsApp must keep it: {r:?}");
    // Once Omega is back, the redelivery goes through.
    rig.deliver(&Arc::new(client()), &batch).await.unwrap();
    eventually("the reply", || rig.replies().len() == 1).await;
}

#[actix_rt::test]
async fn the_linked_devices_keys_survive_a_restart_in_omegas_store() {
    let home = TempHome::new();
    let store = Store::open(&home.db_path()).await.unwrap();
    let keys = KeyStore::new(store.clone());
    assert!(!keys.paired().await.unwrap());
    keys.put_identity("ana.0", [7; 32]).await.unwrap();
    keys.put_session("ana.0", b"ratchet").await.unwrap();
    keys.store_prekey(3, b"pk3", false).await.unwrap();
    keys.store_prekey(12, b"pk12", false).await.unwrap();
    keys.mark_prekeys_uploaded(&[3]).await.unwrap();
    keys.set_sender_key_status(GROUP, &[("ana:1", true), ("kim:2", false)]).await.unwrap();
    keys.put_lid_mapping(&LidPnMappingEntry {
        lid: ANA_LID.into(),
        phone_number: ANA.into(),
        created_at: 1,
        updated_at: 2,
        learning_source: "usync".into(),
    })
    .await
    .unwrap();
    keys.put_msg_secrets(vec![MsgSecretEntry::new(&Jid::pn(ANA), &Jid::pn(ANA), "m1", [1; 32], 0, 5)])
        .await
        .unwrap();
    keys.store_sent_message("chat", "s1", b"payload").await.unwrap();
    let mut device = whatsapp_rust::wacore::store::Device::new();
    device.pn = Some(Jid::pn(OMEGA_PN));
    keys.save(&device).await.unwrap();
    store.close().await;

    let store = Store::open(&home.db_path()).await.unwrap();
    let keys = KeyStore::new(store.clone());
    assert!(keys.paired().await.unwrap(), "paired after a restart");
    let loaded = keys.load().await.unwrap().unwrap();
    assert_eq!(loaded.pn, Some(Jid::pn(OMEGA_PN)));
    assert_eq!(loaded.identity_key.public_key, device.identity_key.public_key, "the same identity");
    assert_eq!(keys.load_identity("ana.0").await.unwrap(), Some([7; 32]));
    assert_eq!(keys.get_session("ana.0").await.unwrap().as_deref(), Some(&b"ratchet"[..]));
    assert_eq!(keys.get_max_prekey_id().await.unwrap(), 12);
    assert_eq!(keys.load_prekey(3).await.unwrap().as_deref(), Some(&b"pk3"[..]));
    let mut devices = keys.get_sender_key_devices(GROUP).await.unwrap();
    devices.sort();
    assert_eq!(devices, [("ana:1".to_owned(), true), ("kim:2".to_owned(), false)]);
    keys.delete_sender_key_device_rows(&["ana:1"]).await.unwrap();
    assert_eq!(keys.get_sender_key_devices(GROUP).await.unwrap(), [("kim:2".to_owned(), false)]);
    assert_eq!(keys.get_pn_mapping(ANA).await.unwrap().map(|e| e.lid), Some(ANA_LID.to_owned()));
    // Ana's LID moves to a new number: her old number no longer maps to it; a stale report
    // cannot move it back; when it was first learned stays.
    let moved = |phone: &str, updated_at| LidPnMappingEntry {
        lid: ANA_LID.into(),
        phone_number: phone.into(),
        created_at: 9,
        updated_at,
        learning_source: "usync".into(),
    };
    keys.put_lid_mapping(&moved("351922222222", 10)).await.unwrap();
    keys.put_lid_mapping(&moved(ANA, 5)).await.unwrap();
    assert!(keys.get_pn_mapping(ANA).await.unwrap().is_none(), "the old number maps to nobody now");
    let now = keys.get_lid_mapping(ANA_LID).await.unwrap().unwrap();
    assert_eq!((now.phone_number.as_str(), now.created_at), ("351922222222", 1));
    assert_eq!(keys.get_pn_mapping("351922222222").await.unwrap().map(|e| e.lid), Some(ANA_LID.to_owned()));
    assert_eq!(
        keys.get_msg_secret_with_ts(&format!("{ANA}@s.whatsapp.net"), &format!("{ANA}@s.whatsapp.net"), "m1")
            .await
            .unwrap(),
        Some((vec![1; 32], 5))
    );
    assert_eq!(keys.take_sent_message("chat", "s1").await.unwrap().as_deref(), Some(&b"payload"[..]));
    assert_eq!(keys.take_sent_message("chat", "s1").await.unwrap(), None, "taken once");
    // Logged out: everything goes.
    keys.forget().await.unwrap();
    assert!(!keys.paired().await.unwrap());
    assert_eq!(keys.load_identity("ana.0").await.unwrap(), None);
}

struct LinkRig {
    _home: TempHome,
    store: Store,
    fake: FakeLink,
    slot: ClientSlot,
    photos: ProbeHandle<SendPhoto>,
    notify: ProbeHandle<Notify>,
    link: Addr<WhatsAppLink>,
}

async fn link_rig(paired: bool) -> LinkRig {
    let home = TempHome::new();
    let store = Store::open(&home.db_path()).await.unwrap();
    let fake = FakeLink::new();
    if paired {
        fake.pair(&store, &client().me).await;
    }
    let slot = ClientSlot::default();
    let mut next_id = 100;
    let photos = ProbeHandle::start(move |_: &SendPhoto| {
        next_id += 1;
        Ok(next_id)
    });
    let notify = ProbeHandle::start(|_: &Notify| ());
    let deps = LinkDeps {
        store: store.clone(),
        intake: IntakeDeps { config: config(false), media_dir: home.data_dir(), gateway: Route::default() },
        slot: slot.clone(),
        connector: Arc::new(fake.clone()),
        notify: Route::new(notify.recipient()),
        photo: Route::new(photos.recipient()),
        owner: Some(("telegram".into(), "42".into())),
    };
    let link = WhatsAppLink::new(deps).start();
    LinkRig { _home: home, store, fake, slot, photos, notify, link }
}

async fn state(store: &Store) -> String {
    link_state(store).await.map(|(s, _)| s).unwrap_or_default()
}

#[actix_rt::test]
async fn pairing_from_telegram_sends_each_qr_code_as_a_photo_then_says_it_is_linked() {
    let rig = link_rig(false).await;
    omega_testkit::wait_until_async(Duration::from_secs(10), "state recorded", || async {
        state(&rig.store).await == "not paired"
    })
    .await;
    assert_eq!(*rig.fake.connects.lock(), 0, "not paired: no connection is made");

    let told = rig
        .link
        .send(StartPairing { to: ("telegram".into(), "42".into()), lang: omega_core::i18n::Lang::En })
        .await
        .unwrap();
    assert!(told.contains("QR code"), "{told}");
    eventually("a connection", || rig.fake.connected()).await;
    assert!(rig.fake.emit(LinkEvent::Qr { code: "2@first,code".into(), valid: Duration::from_secs(60) }));
    eventually("the first photo", || rig.photos.seen().len() == 1).await;
    assert!(rig.fake.emit(LinkEvent::Qr { code: "2@second,code".into(), valid: Duration::from_secs(20) }));
    eventually("the second photo", || rig.photos.seen().len() == 2).await;
    let photos = rig.photos.seen();
    assert_eq!(&photos[0].png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(photos[0].recipient, "42");
    assert!(photos[0].caption.contains("Linked devices") && photos[1].caption.contains("20 s"));
    assert_ne!(photos[0].png, photos[1].png, "a new code is a new picture");
    assert_eq!(
        (photos[0].replace, photos[1].replace),
        (None, Some(101)),
        "the new code replaces the old one"
    );
    // Asking again while pairing does not start a second connection.
    let again = rig
        .link
        .send(StartPairing { to: ("telegram".into(), "42".into()), lang: omega_core::i18n::Lang::En })
        .await
        .unwrap();
    assert!(again.contains("already under way"), "{again}");
    assert_eq!(*rig.fake.connects.lock(), 1);

    // The phone scans it: first the pairing, then the login.
    assert!(rig.fake.emit(LinkEvent::Paired));
    eventually("told it is finishing", || rig.notify.seen().iter().any(|n| n.text.contains("finishing")))
        .await;
    assert!(rig.fake.emit(LinkEvent::Connected(Arc::new(client()))));
    eventually("told it is linked", || {
        rig.notify.seen().iter().any(|n| n.text.contains("WhatsApp is linked"))
    })
    .await;
    assert!(rig.slot.read().is_some(), "sends can go out now");
    omega_testkit::wait_until_async(Duration::from_secs(10), "state connected", || async {
        state(&rig.store).await == "connected"
    })
    .await;
    let again = rig
        .link
        .send(StartPairing { to: ("telegram".into(), "42".into()), lang: omega_core::i18n::Lang::En })
        .await
        .unwrap();
    assert!(again.contains("already linked"), "{again}");
}

#[actix_rt::test]
async fn qr_codes_that_run_out_are_reported_and_pairing_can_start_again() {
    let rig = link_rig(false).await;
    rig.link
        .send(StartPairing { to: ("telegram".into(), "42".into()), lang: omega_core::i18n::Lang::En })
        .await
        .unwrap();
    eventually("a connection", || rig.fake.connected()).await;
    rig.fake.emit(LinkEvent::Qr { code: "2@only".into(), valid: Duration::from_secs(60) });
    rig.fake.emit(LinkEvent::QrExhausted);
    eventually("told they expired", || rig.notify.seen().iter().any(|n| n.text.contains("expired"))).await;
    eventually("the connection closed", || !rig.fake.connected()).await;
    let told = rig
        .link
        .send(StartPairing { to: ("telegram".into(), "42".into()), lang: omega_core::i18n::Lang::En })
        .await
        .unwrap();
    assert!(told.contains("QR code"), "{told}");
    eventually("a second connection", || *rig.fake.connects.lock() == 2).await;
}

#[actix_rt::test]
async fn a_paired_account_connects_at_start_and_a_logout_forgets_its_keys() {
    let rig = link_rig(true).await;
    // The connection writes its device back as it closes, as the library's final flush does:
    // the keys must still be gone afterwards.
    *rig.fake.flush_on_shutdown.lock() = Some(client().me);
    eventually("a connection at start", || rig.fake.connected()).await;
    rig.fake.emit(LinkEvent::Connected(Arc::new(client())));
    eventually("connected", || rig.slot.read().is_some()).await;
    rig.fake.emit(LinkEvent::Disconnected);
    omega_testkit::wait_until_async(Duration::from_secs(10), "state disconnected", || async {
        state(&rig.store).await.starts_with("disconnected")
    })
    .await;
    rig.fake.emit(LinkEvent::Connected(Arc::new(client())));
    rig.fake.emit(LinkEvent::LoggedOut("removed on the phone".into()));
    eventually("the owner is told", || rig.notify.seen().iter().any(|n| n.text.contains("logged me out")))
        .await;
    let told = rig.notify.seen();
    let n = told.iter().find(|n| n.text.contains("logged me out")).unwrap();
    assert_eq!((n.channel.as_str(), n.recipient.as_str()), ("telegram", "42"));
    assert!(rig.slot.read().is_none());
    let keys = KeyStore::new(rig.store.clone());
    omega_testkit::wait_until_async(Duration::from_secs(10), "the keys are gone", || {
        let keys = keys.clone();
        async move { !keys.paired().await.unwrap() }
    })
    .await;
    eventually("the connection closed", || *rig.fake.shutdowns.lock() == 1).await;
    assert!(!keys.paired().await.unwrap(), "the closing flush did not bring the revoked device back");
    let told = rig
        .link
        .send(StartPairing { to: ("telegram".into(), "42".into()), lang: omega_core::i18n::Lang::En })
        .await
        .unwrap();
    assert!(told.contains("QR code"), "after a logout, /whatsapp pairs anew: {told}");
}

#[actix_rt::test]
async fn a_connection_that_ends_for_good_is_reported_and_retried_when_that_can_help() {
    let rig = link_rig(true).await;
    eventually("a connection at start", || rig.fake.connected()).await;
    rig.fake.emit(LinkEvent::Connected(Arc::new(client())));
    rig.fake.emit(LinkEvent::Stopped {
        why: "banned for a while".into(),
        retry_in: Some(Duration::from_millis(300)),
    });
    eventually("the owner is told", || {
        rig.notify.seen().iter().any(|n| n.text.contains("banned for a while"))
    })
    .await;
    assert!(rig.slot.read().is_none(), "nothing is sent through a stopped connection");
    eventually("a new connection after the wait", || *rig.fake.connects.lock() == 2).await;
    rig.fake.emit(LinkEvent::Stopped { why: "another client took over".into(), retry_in: None });
    eventually("told again", || rig.notify.seen().iter().any(|n| n.text.contains("another client"))).await;
    omega_testkit::wait_until_async(Duration::from_secs(10), "state stopped", || async {
        state(&rig.store).await.starts_with("stopped")
    })
    .await;
    assert_eq!(*rig.fake.connects.lock(), 2, "no retry when it cannot help");
}

#[actix_rt::test]
async fn replies_go_out_through_the_connection_that_is_up_in_whatsapp_markup() {
    let slot = ClientSlot::default();
    let transport = Arc::new(WebTransport { slot: slot.clone() });
    let channel = WhatsApp::new(&config(false), omega_core::clock::system(), transport).start();
    let deliver = |to: &str, text: &str| Deliver {
        outbox_id: None,
        recipient: to.into(),
        text: text.into(),
        kind: OutboundKind::Reply,
        in_reply_to: Some(InboxId(1)),
        file: None,
    };
    // Not connected: a temporary failure, so the Outbox keeps the reply and tries again.
    let r = channel.send(deliver(&format!("{ANA_LID}@lid"), "**hi**")).await.unwrap();
    assert!(matches!(r, Err(omega_actors::channel::DeliveryError::Transient(_))), "{r:?}");
    let c = Arc::new(client());
    let record = c.record.clone();
    *slot.write() = Some(c);
    channel.send(deliver(&format!("{ANA_LID}@lid"), "**hi** there")).await.unwrap().unwrap();
    channel.send(deliver(ANA, "by number")).await.unwrap().unwrap();
    let bad = channel.send(deliver("not a chat", "x")).await.unwrap();
    assert!(matches!(bad, Err(omega_actors::channel::DeliveryError::Permanent(_))), "{bad:?}");
    let sent = record.lock().sent.clone();
    assert_eq!(
        sent,
        [
            (format!("{ANA_LID}@lid"), "*hi* there".to_owned()),
            (format!("{ANA}@s.whatsapp.net"), "by number".to_owned())
        ]
    );
}

#[actix_rt::test]
async fn me_matches_the_account_by_number_or_lid_in_any_device_form() {
    let me = Me { pn: Some(OMEGA_PN.into()), lid: Some(OMEGA_LID.into()) };
    let mention = |jid: String| group_text("hey", &[jid], None);
    assert!(omega_actors::whatsapp::web::addressed_to_me(
        &mention(format!("{OMEGA_PN}:3@s.whatsapp.net")),
        &me
    ));
    assert!(omega_actors::whatsapp::web::addressed_to_me(&mention(format!("{OMEGA_LID}@lid")), &me));
    assert!(!omega_actors::whatsapp::web::addressed_to_me(&mention(format!("{ANA}@s.whatsapp.net")), &me));
    assert!(!omega_actors::whatsapp::web::addressed_to_me(&text("plain"), &me));
}

#[actix_rt::test]
async fn the_watchdog_trusts_what_the_server_sent_not_the_socket() {
    use omega_actors::whatsapp::Transport;
    let slot = ClientSlot::default();
    let transport = WebTransport { slot: slot.clone() };
    assert!(transport.probe().await.is_err(), "no connection: not alive");
    let c = Arc::new(client());
    let heard = c.heard_ms.clone();
    *slot.write() = Some(c);
    assert!(transport.probe().await.is_ok(), "heard from just now");
    *heard.lock() = Some(chrono::Utc::now().timestamp_millis() - 5 * 60 * 1000);
    let e = transport.probe().await.unwrap_err();
    assert!(e.contains("nothing heard from WhatsApp for 300 s"), "{e}");
    *heard.lock() = None;
    assert!(transport.probe().await.is_err(), "connected but never heard from: not proven alive");
}

#[actix_rt::test]
async fn a_captioned_video_and_a_hosted_number_are_not_dropped() {
    use whatsapp_rust::buffa::MessageField;
    let rig = Rig::start(false).await;
    let c = Arc::new(client());
    let video = wa::message::VideoMessage { caption: Some("look at this".into()), ..Default::default() };
    let body = wa::Message { video_message: MessageField::some(video), ..Default::default() };
    let hosted: Jid = format!("{ANA}@hosted").parse().unwrap();
    let batch = [
        message("V1", Jid::pn(ANA), Jid::pn(ANA), body, |_| {}),
        message("H1", hosted.clone(), hosted, text("from a hosted number"), |_| {}),
    ];
    rig.deliver(&c, &batch).await.unwrap();
    eventually("two replies", || rig.replies().len() == 2).await;
    assert_eq!(rig.probes.asked.lock().clone(), ["[Video] look at this", "from a hosted number"]);
}

/// A file goes out as the library's own media message: a PNG as a photo with its caption and
/// type, a PDF as a document under its name; the file's size is what the upload reported.
#[actix_rt::test]
async fn files_go_out_as_a_photo_or_a_document_through_the_connection_that_is_up() {
    let home = TempHome::new();
    let slot = ClientSlot::default();
    let channel = WhatsApp::new(
        &config(false),
        omega_core::clock::system(),
        Arc::new(WebTransport { slot: slot.clone() }),
    )
    .start();
    let c = Arc::new(client());
    let record = c.record.clone();
    *slot.write() = Some(c);
    let file = |name: &str, mime: &str, bytes: &[u8]| {
        let path = home.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        Deliver {
            outbox_id: None,
            recipient: format!("{ANA_LID}@lid"),
            text: format!("about {name}"),
            kind: OutboundKind::Reply,
            in_reply_to: Some(InboxId(1)),
            file: Some(omega_core::OutFile { path, name: name.into(), mime: mime.into() }),
        }
    };
    channel.send(file("chart.png", "image/png", &[1; 500])).await.unwrap().unwrap();
    channel.send(file("report.pdf", "application/pdf", b"%PDF-1.4")).await.unwrap().unwrap();
    let files = record.lock().files.clone();
    assert_eq!(files.len(), 2);
    let (to, photo) = &files[0];
    assert_eq!(to, &format!("{ANA_LID}@lid"));
    let image = photo.image_message.as_option().expect("a photo");
    assert_eq!(
        (image.mimetype.as_deref(), image.caption.as_deref(), image.file_length),
        (Some("image/png"), Some("about chart.png"), Some(500))
    );
    let doc = files[1].1.document_message.as_option().expect("a document");
    assert_eq!(
        (doc.file_name.as_deref(), doc.mimetype.as_deref(), doc.caption.as_deref()),
        (Some("report.pdf"), Some("application/pdf"), Some("about report.pdf"))
    );
    assert!(record.lock().sent.is_empty(), "no text went out for a file");
}
