//! The Summarizer alone: a real store, a manual clock and a provider probe.

use actix::prelude::*;
use chrono::{Duration as CDuration, Utc};
use omega_actors::provider::Complete;
use omega_actors::route::Route;
use omega_actors::summarizer::{Recheck, Summarizer, SummarizerSettings};
use omega_actors::supervisor::{Child, ChildGuard};
use omega_core::clock::{Clock, ManualClock};
use omega_core::{Inbound, OutboundKind};
use omega_memory::Store;
use omega_memory::conversations::Exchange;
use omega_memory::inbox::Recorded;
use omega_providers::ChatResponse;
use omega_testkit::probe::ProbeHandle;
use omega_testkit::{TempHome, wait_until_async};
use std::sync::Arc;
use std::time::Duration;

async fn talk(store: &Store, clock: &ManualClock, said: &str) {
    let Recorded::New(id) = store.record_inbound(&Inbound::text("app", "ana", said)).await.unwrap() else {
        panic!("not new")
    };
    let exchange = Exchange {
        inbox_id: id,
        channel: "app".into(),
        sender_id: "ana".into(),
        sender_name: None,
        reply_target: "ana".into(),
        user_text: said.into(),
        reply_text: "Nice!".into(),
        note: None,
        kind: OutboundKind::Reply,
        off_the_record: false,
        error: None,
        call: Default::default(),
        at: clock.now(),
        project: None,
        files: Vec::new(),
    };
    store.finish_exchange(exchange).await.unwrap();
}

#[actix_rt::test]
async fn a_conversation_idle_by_the_clock_is_summarized_and_its_facts_kept() {
    let home = TempHome::new();
    let store = Store::open(&home.db_path()).await.unwrap();
    let clock = ManualClock::new(Utc::now());
    talk(&store, &clock, "I'm Ana from Porto").await;
    let provider = ProbeHandle::start(|_: &Complete| {
        Ok(ChatResponse {
            text: "SUMMARY: Ana introduced herself.\nFACTS:\nname: Ana\nlocation: Porto".into(),
            model: "m".into(),
            ..Default::default()
        })
    });
    let settings = SummarizerSettings {
        idle: Duration::from_secs(600),
        clock: Arc::new(clock.clone()),
        provider_name: "m".into(),
        prices: Default::default(),
        budget: Default::default(),
        timezone: chrono_tz::UTC,
        model: "m".into(),
    };
    let summarizer = Summarizer::new(
        store.clone(),
        Route::new(provider.recipient()),
        settings,
        ChildGuard::detached(Child::Summarizer),
    )
    .start();
    // Ten minutes of silence pass by the clock only (the test takes milliseconds).
    clock.advance(CDuration::minutes(11));
    summarizer.send(Recheck).await.unwrap();
    wait_until_async(Duration::from_secs(10), "the summary", || async {
        store.recent_summaries("app", "ana", 5).await.unwrap().len() == 1
    })
    .await;
    assert_eq!(provider.seen().len(), 1);
    let asked = &provider.seen()[0].request;
    assert!(asked.messages[0].content.contains("User: I'm Ana from Porto"), "{asked:?}");
    assert_eq!(store.recent_summaries("app", "ana", 5).await.unwrap()[0].summary, "Ana introduced herself.");
    let facts: Vec<(String, String)> =
        store.facts("app:ana").await.unwrap().into_iter().map(|f| (f.key, f.value)).collect();
    assert_eq!(facts, [("location".into(), "Porto".into()), ("name".into(), "Ana".into())]);
    assert!(store.history("app", "ana", 10).await.unwrap().is_empty(), "the conversation is closed");
}
