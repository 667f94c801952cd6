//! The WhatsApp Cloud channel alone, against the fake Graph API, with a manual clock and a probe
//! where the Outbox would be: pacing, and the watchdog telling the owner on another channel.

use actix::prelude::*;
use chrono::Utc;
use omega_actors::channel::Deliver;
use omega_actors::outbox::Notify;
use omega_actors::route::Route;
use omega_actors::whatsapp::{CheckAlive, WatchdogOwner, WhatsApp};
use omega_core::OutboundKind;
use omega_core::clock::ManualClock;
use omega_core::config::WhatsAppConfig;
use omega_testkit::graph::FakeGraph;
use omega_testkit::probe::ProbeHandle;
use std::sync::Arc;

fn config(graph: &FakeGraph) -> WhatsAppConfig {
    WhatsAppConfig {
        enabled: true,
        api_url: graph.api_url(),
        phone_number_id: "42".into(),
        access_token: omega_core::Secret::new("tok"),
        pace_per_chat_ms: 0,
        pace_global_ms: 0,
        pace_jitter_ms: 0,
        ..WhatsAppConfig::default()
    }
}

async fn notices(probe: &ProbeHandle<Notify>, n: usize) -> Vec<Notify> {
    omega_testkit::wait_until_async(std::time::Duration::from_secs(10), "the owner told", || {
        std::future::ready(probe.seen().len() >= n)
    })
    .await;
    probe.seen()
}

#[actix_rt::test]
async fn the_owner_hears_once_when_whatsapp_goes_quiet_and_once_when_it_is_back() {
    let graph = FakeGraph::start("tok", "42");
    let clock = ManualClock::new(Utc::now());
    let owner = ProbeHandle::<Notify>::start(|_| ());
    let reach = Some(("telegram".to_owned(), "4242".to_owned()));
    let home = omega_testkit::TempHome::new();
    let store = omega_memory::Store::open(&home.db_path()).await.unwrap();
    let channel = WhatsApp::cloud(&config(&graph), Arc::new(clock.clone()))
        .unwrap()
        .with_watchdog(10, WatchdogOwner { reach, notify: Route::new(owner.recipient()), store })
        .start();
    graph.set_down(true);
    // Five minutes of failed probes: not yet a stall.
    clock.advance(chrono::Duration::minutes(5));
    channel.send(CheckAlive).await.unwrap();
    // Ten: the owner is told, on Telegram, once.
    clock.advance(chrono::Duration::minutes(6));
    channel.send(CheckAlive).await.unwrap();
    let told = notices(&owner, 1).await;
    assert_eq!((told[0].channel.as_str(), told[0].recipient.as_str()), ("telegram", "4242"));
    assert!(told[0].text.contains("no sign of life for 11 minutes"), "{}", told[0].text);
    clock.advance(chrono::Duration::minutes(6));
    channel.send(CheckAlive).await.unwrap();
    // The API answers again: one more word, that it is back.
    graph.set_down(false);
    channel.send(CheckAlive).await.unwrap();
    let told = notices(&owner, 2).await;
    assert_eq!(told.len(), 2, "{told:?}");
    assert_eq!(told[1].text, "WhatsApp is working again.");
    // A reply still goes out as usual.
    let deliver = Deliver {
        outbox_id: None,
        recipient: "351912345678".into(),
        text: "**done**".into(),
        kind: OutboundKind::Reply,
        in_reply_to: None,
        file: None,
    };
    channel.send(deliver).await.unwrap().unwrap();
    assert_eq!(graph.sent_to("351912345678"), ["*done*"]);
}

#[actix_rt::test]
async fn a_burst_to_one_chat_is_paced() {
    let graph = FakeGraph::start("tok", "42");
    let clock = ManualClock::new(Utc::now());
    let config = WhatsAppConfig { pace_per_chat_ms: 300, ..config(&graph) };
    let channel = WhatsApp::cloud(&config, Arc::new(clock)).unwrap().start();
    let started = std::time::Instant::now();
    let sends: Vec<_> = (0..3)
        .map(|i| {
            channel.send(Deliver {
                outbox_id: None,
                recipient: "351912345678".into(),
                text: format!("reminder {i}"),
                kind: OutboundKind::Notice,
                in_reply_to: None,
                file: None,
            })
        })
        .collect();
    for s in futures::future::join_all(sends).await {
        s.unwrap().unwrap();
    }
    // Three messages to one chat at once leave at least 300 ms apart (a lower bound only: the
    // machine may be slower, never faster).
    assert!(started.elapsed() >= std::time::Duration::from_millis(600), "{:?}", started.elapsed());
    assert_eq!(graph.sent_to("351912345678"), ["reminder 0", "reminder 1", "reminder 2"]);
}
