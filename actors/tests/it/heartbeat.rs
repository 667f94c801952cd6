//! The Heartbeat alone: a real store and checklist file, a manual clock, and probes for the
//! provider, the Markers actor and the Outbox.

use crate::support::eventually;
use actix::prelude::*;
use chrono::{TimeZone, Utc};
use omega_actors::effects::{Confirmation, EditChecklist};
use omega_actors::heartbeat::{ClockMoved, GetHeartbeat, Heartbeat, HeartbeatDeps, HeartbeatSettings};
use omega_actors::markers::{ProcessOutput, Processed};
use omega_actors::outbox::Dispatch;
use omega_actors::provider::Complete;
use omega_actors::route::Route;
use omega_actors::supervisor::{Child, ChildGuard};
use omega_core::clock::{Clock, ManualClock};
use omega_memory::Store;
use omega_providers::ChatResponse;
use omega_testkit::TempHome;
use omega_testkit::probe::ProbeHandle;
use parking_lot::Mutex;
use std::sync::Arc;

struct Setup {
    heartbeat: Addr<Heartbeat>,
    clock: ManualClock,
    provider: ProbeHandle<Complete>,
    markers: ProbeHandle<ProcessOutput>,
    outbox: ProbeHandle<Dispatch>,
    /// What the model answers.
    answer: Arc<Mutex<String>>,
    home: TempHome,
}

async fn start(checklist: Option<&str>) -> Setup {
    start_capped(checklist, Default::default()).await
}

async fn start_capped(checklist: Option<&str>, budget: omega_core::config::BudgetConfig) -> Setup {
    let home = TempHome::new();
    let store = Store::open(&home.db_path()).await.unwrap();
    if let Some(text) = checklist {
        std::fs::write(home.data_dir().join("HEARTBEAT.md"), text).unwrap();
    }
    let answer = Arc::new(Mutex::new(String::new()));
    let said = answer.clone();
    let provider = ProbeHandle::start(move |_: &Complete| {
        Ok(ChatResponse { text: said.lock().clone(), model: "m".into(), ..Default::default() })
    });
    let markers = ProbeHandle::start(|m: &ProcessOutput| Processed {
        text: m.text.replace("HEARTBEAT_OK", "").trim().to_owned(),
        effects: vec![],
        confirmations: vec![],
        diagnostics: vec![],
        heartbeat_ok: m.text.contains("HEARTBEAT_OK"),
    });
    let outbox = ProbeHandle::start(|_| ());
    // 10:07 in Lisbon (UTC+0 in winter): the next half-hour beat is at 10:30.
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 25, 10, 7, 0).unwrap());
    let deps = HeartbeatDeps {
        store,
        provider: Route::new(provider.recipient()),
        markers: Route::new(markers.recipient()),
        outbox: Route::new(outbox.recipient()),
    };
    let settings = HeartbeatSettings {
        beats: true,
        agent_name: "Omega".into(),
        data_dir: home.data_dir(),
        timezone: chrono_tz::Europe::Lisbon,
        interval_minutes: 30,
        every: None,
        active: None,
        channel: "app".into(),
        recipient: "kim".into(),
        provider_name: "m".into(),
        prices: Default::default(),
        budget,
        model: "m".into(),
        clock: Arc::new(clock.clone()),
    };
    let heartbeat = Heartbeat::new(deps, settings, ChildGuard::detached(Child::Heartbeat)).start();
    Setup { heartbeat, clock, provider, markers, outbox, answer, home }
}

/// When the next beat is due, once the timer is set for a time after the clock's now.
async fn armed(s: &Setup) -> i64 {
    loop {
        let next = s.heartbeat.send(GetHeartbeat).await.unwrap().next;
        if let Some(n) = next.filter(|n| *n > s.clock.now().timestamp_millis()) {
            return n;
        }
        actix_rt::task::yield_now().await;
    }
}

/// Move the clock past the next beat and tell the Heartbeat; wait for `beats` beats in all.
async fn beat(s: &Setup, beats: u64) {
    let next = armed(s).await;
    s.clock.set(omega_memory::from_millis(next) + chrono::Duration::seconds(1));
    s.heartbeat.do_send(ClockMoved);
    let hb = s.heartbeat.clone();
    omega_testkit::wait_until_async(std::time::Duration::from_secs(10), "the beat", || {
        let hb = hb.clone();
        async move { hb.send(GetHeartbeat).await.unwrap().beats == beats }
    })
    .await;
}

#[actix_rt::test]
async fn a_beat_reads_the_checklist_and_what_needs_attention_reaches_the_owner_through_markers() {
    let s = start(Some("# Heartbeat checklist\n\n- check disk space\n")).await;
    *s.answer.lock() = "Disk is 95% full.".into();
    assert_eq!(
        armed(&s).await,
        Utc.with_ymd_and_hms(2026, 11, 25, 10, 30, 0).unwrap().timestamp_millis(),
        "clock-aligned by the injected clock"
    );
    beat(&s, 1).await;
    let asked = s.provider.seen();
    assert_eq!(asked.len(), 1);
    assert!(asked[0].request.messages[0].content.contains("- check disk space"), "{:?}", asked[0].request);
    let read = s.markers.seen();
    assert_eq!((read[0].who.sender_id.as_str(), read[0].text.as_str()), ("kim", "Disk is 95% full."));
    eventually("the notice", || s.outbox.seen().len() == 1).await;
    let row = &s.outbox.seen()[0].0;
    assert_eq!(
        (row.recipient.as_str(), row.text.as_str(), row.kind.as_str()),
        ("kim", "Disk is 95% full.", "notice")
    );

    // All is well: nothing is sent.
    *s.answer.lock() = "HEARTBEAT_OK".into();
    beat(&s, 2).await;
    let state = s.heartbeat.send(GetHeartbeat).await.unwrap();
    assert_eq!((state.beats, state.sent), (2, 1));
    assert_eq!(s.outbox.seen().len(), 1);
}

/// A beat spends from the owner's day like their messages: over a cap, no call is made.
#[actix_rt::test]
async fn a_beat_that_would_cross_the_owners_cap_makes_no_call() {
    let budget = omega_core::config::BudgetConfig { daily_tokens_per_sender: 10, ..Default::default() };
    let s = start_capped(Some("# Heartbeat checklist\n\n- check disk space\n"), budget).await;
    *s.answer.lock() = "Disk is 95% full.".into();
    beat(&s, 1).await;
    assert!(s.provider.seen().is_empty(), "the beat's prompt is far more than 10 tokens");
    assert!(s.outbox.seen().is_empty());
    // Without a cap the same beat asks the model (the control).
    let s = start(Some("# Heartbeat checklist\n\n- check disk space\n")).await;
    beat(&s, 1).await;
    assert_eq!(s.provider.seen().len(), 1);
}

#[actix_rt::test]
async fn an_empty_checklist_costs_no_call() {
    let s = start(None).await;
    beat(&s, 1).await;
    assert!(s.provider.seen().is_empty() && s.outbox.seen().is_empty());
}

#[actix_rt::test]
async fn the_heartbeat_owns_its_checklist_and_interval() {
    let s = start(None).await;
    let edit = |c: EditChecklist| s.heartbeat.send(c);
    assert_eq!(
        edit(EditChecklist::Add("water the plants".into())).await.unwrap(),
        Confirmation::ChecklistAdded { item: "water the plants".into() }
    );
    assert_eq!(
        edit(EditChecklist::Add("Water the plants".into())).await.unwrap(),
        Confirmation::ChecklistHas { item: "Water the plants".into() }
    );
    let file = std::fs::read_to_string(s.home.data_dir().join("HEARTBEAT.md")).unwrap();
    assert_eq!(file, "# Heartbeat checklist\n\n- water the plants\n");
    assert!(edit(EditChecklist::Remove("nothing like it".into())).await.unwrap().failed());
    assert_eq!(
        edit(EditChecklist::Remove("plants".into())).await.unwrap(),
        Confirmation::ChecklistRemoved { items: vec!["water the plants".into()] }
    );
    // A new interval re-arms the timer at once: from 10:07, hourly beats come at 11:00.
    assert_eq!(
        edit(EditChecklist::Interval(60)).await.unwrap(),
        Confirmation::HeartbeatEvery { minutes: 60 }
    );
    let at_1100 = Utc.with_ymd_and_hms(2026, 11, 25, 11, 0, 0).unwrap().timestamp_millis();
    let hb = s.heartbeat.clone();
    omega_testkit::wait_until_async(std::time::Duration::from_secs(10), "the new beat time", || {
        let hb = hb.clone();
        async move { hb.send(GetHeartbeat).await.unwrap().next == Some(at_1100) }
    })
    .await;
    assert_eq!(s.clock.now(), Utc.with_ymd_and_hms(2026, 11, 25, 10, 7, 0).unwrap());
}
