//! The Session alone: a real store, probes for the provider, Markers, the Outbox and the Gateway.

use crate::support::{Probes, eventually};
use actix::prelude::*;
use omega_actors::pipeline::SessionSettings;
use omega_actors::session::{Accept, Session, StopSession};
use omega_core::Inbound;
use omega_memory::Store;
use omega_testkit::TempHome;
use std::time::Duration;

fn settings(home: &TempHome) -> SessionSettings {
    SessionSettings { data_dir: home.data_dir(), ..SessionSettings::default() }
}

fn accept(text: &str) -> Accept {
    Accept { inbound: Inbound::text("app", "kim", text), ack: None }
}

#[actix_rt::test]
async fn one_senders_messages_are_answered_in_order_and_a_waiting_one_is_acknowledged() {
    let home = TempHome::new();
    let store = Store::open(&home.db_path()).await.unwrap();
    let probes = Probes::start();
    probes.gate.send_replace(false); // the provider holds its answers
    let session = Session::new("app", "kim", 1, probes.deps(&store, settings(&home))).start();
    for text in ["one", "two", "three"] {
        session.do_send(accept(text));
    }
    eventually("the first message at the provider", || probes.asked.lock().len() == 1).await;
    eventually("two busy acknowledgements", || probes.notify.seen().len() == 2).await;
    assert_eq!(probes.asked.lock().clone(), ["one"], "the second waits for the first to be answered");
    let acks = probes.notify.seen();
    assert!(
        acks.iter().all(|n| n.text == "Got it, I'll get to this next." && n.recipient == "kim"),
        "{acks:?}"
    );
    assert!(probes.replies().is_empty());

    probes.gate.send_replace(true);
    eventually("three replies", || probes.replies().len() == 3).await;
    assert_eq!(probes.replies(), ["echo: one", "echo: two", "echo: three"]);
    assert_eq!(probes.asked.lock().clone(), ["one", "two", "three"]);
    // Each reply answers its own message, and the store agrees.
    let rows = probes.dispatch.seen();
    for (row, text) in rows.iter().zip(["one", "two", "three"]) {
        let inbox = store.inbound(omega_core::InboxId(row.0.inbox_id.unwrap())).await.unwrap().unwrap();
        assert_eq!((inbox.text.as_str(), inbox.status.as_str()), (text, "done"));
    }
}

#[actix_rt::test]
async fn a_fresh_session_resumes_what_the_last_one_left_unanswered() {
    let home = TempHome::new();
    let store = Store::open(&home.db_path()).await.unwrap();
    // Recorded by a session that died before answering.
    for text in ["left over", "and this"] {
        store.record_inbound(&Inbound::text("app", "kim", text)).await.unwrap();
    }
    let probes = Probes::start();
    let _session = Session::new("app", "kim", 2, probes.deps(&store, settings(&home))).start();
    eventually("the resumed replies", || probes.replies().len() == 2).await;
    assert_eq!(probes.replies(), ["echo: left over", "echo: and this"]);
    assert!(probes.notify.seen().is_empty(), "resumed messages are not 'waiting' news to anyone");
}

#[actix_rt::test]
async fn an_idle_session_tells_the_gateway_and_stops_when_told() {
    let home = TempHome::new();
    let store = Store::open(&home.db_path()).await.unwrap();
    let probes = Probes::start();
    let settings = SessionSettings { idle_timeout: Duration::from_millis(100), ..settings(&home) };
    let session = Session::new("app", "kim", 7, probes.deps(&store, settings)).start();
    session.do_send(accept("hi"));
    eventually("the idle report", || !probes.idle.seen().is_empty()).await;
    let idle = &probes.idle.seen()[0];
    assert_eq!((idle.key.as_str(), idle.generation, idle.accepted), ("app:kim", 7, 1));
    assert_eq!(probes.replies(), ["echo: hi"], "idle only after the answer");
    session.do_send(StopSession);
    eventually("the end report", || !probes.ended.seen().is_empty()).await;
    let ended = &probes.ended.seen()[0];
    assert!(!ended.panicked && ended.in_flight.is_none(), "{ended:?}");
}

#[actix_rt::test]
async fn a_session_that_panics_reports_the_message_it_was_answering() {
    let home = TempHome::new();
    let store = Store::open(&home.db_path()).await.unwrap();
    let probes = Probes::start();
    let settings = SessionSettings { panic_on: Some("boom".into()), ..settings(&home) };
    let session = Session::new("app", "kim", 3, probes.deps(&store, settings)).start();
    session.do_send(accept("boom"));
    eventually("the end report", || !probes.ended.seen().is_empty()).await;
    let ended = &probes.ended.seen()[0];
    assert!(ended.panicked);
    assert_eq!(
        ended.in_flight.as_ref().map(|j| j.text.as_str()),
        Some("boom"),
        "the Gateway can still answer it"
    );
}
