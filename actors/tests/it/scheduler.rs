//! The Scheduler alone: a real SQLite store, an injected clock, and probes where the Outbox and
//! the Gateway would be.

use actix::prelude::*;
use chrono::{Duration as CDuration, Utc};
use omega_actors::channel::{Accepted, Receive};
use omega_actors::outbox::Dispatch;
use omega_actors::route::Route;
use omega_actors::scheduler::{GetState, Rearm, Scheduler};
use omega_actors::supervisor::{Child, ChildGuard};
use omega_core::clock::{Clock, ManualClock};
use omega_memory::Store;
use omega_memory::schedule::FirePolicy;
use omega_memory::tasks::NewTask;
use omega_testkit::probe::ProbeHandle;
use omega_testkit::{TempHome, wait_until_async};
use parking_lot::Mutex;
use std::sync::Arc;
use std::time::Duration;

/// Where the Gateway would be: records each message's text and stores nothing.
struct GatewayProbe(Arc<Mutex<Vec<String>>>);

impl Actor for GatewayProbe {
    type Context = Context<Self>;
}

impl Handler<Receive> for GatewayProbe {
    type Result = ();

    fn handle(&mut self, msg: Receive, _: &mut Context<Self>) {
        self.0.lock().push(msg.inbound.text.clone());
        if let Some(ack) = msg.ack {
            let _ = ack.send(Accepted::Queued(omega_core::InboxId(1)));
        }
    }
}

fn task(kind: &str, description: &str, due: chrono::DateTime<Utc>) -> NewTask {
    NewTask {
        channel: "app".into(),
        sender_id: "kim".into(),
        reply_target: "kim".into(),
        kind: kind.into(),
        description: description.into(),
        due_at: due,
        timezone: "UTC".into(),
        repeat: None,
        project: String::new(),
    }
}

#[actix_rt::test]
async fn a_due_reminder_goes_to_the_outbox_and_a_due_action_to_the_gateway_by_the_clock() {
    let home = TempHome::new();
    let store = Store::open(&home.db_path()).await.unwrap();
    let now = Utc::now();
    let clock = ManualClock::new(now);
    store.create_task(task("reminder", "stretch", now + CDuration::hours(1))).await.unwrap();
    store.create_task(task("action", "check the weather", now + CDuration::hours(2))).await.unwrap();
    let outbox = ProbeHandle::<Dispatch>::start(|_| ());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let gateway = GatewayProbe(seen.clone()).start();
    let scheduler = Scheduler::new(
        store.clone(),
        Route::new(outbox.recipient()),
        Route::new(gateway.recipient()),
        FirePolicy::default(),
        Duration::from_secs(60),
        Arc::new(clock.clone()),
        ChildGuard::detached(Child::Scheduler),
    )
    .start();
    // Nothing is due yet: the timer waits for the reminder, and nothing was sent.
    wait_until_async(Duration::from_secs(5), "the timer", || async {
        scheduler.send(GetState).await.unwrap().armed_for.is_some()
    })
    .await;
    let armed = scheduler.send(GetState).await.unwrap().armed_for.unwrap();
    assert_eq!(armed / 1000, (now + CDuration::hours(1)).timestamp());
    assert!(outbox.seen().is_empty() && seen.lock().is_empty());

    // An hour and a minute later, by the clock: the reminder (on time: within five minutes), and
    // only it.
    clock.advance(CDuration::minutes(61));
    scheduler.do_send(Rearm);
    wait_until_async(Duration::from_secs(5), "the reminder", || async { !outbox.seen().is_empty() }).await;
    let sent = outbox.seen();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].0.text, "⏰ Reminder: stretch");
    assert!(seen.lock().is_empty(), "the action is not due yet");

    // Another hour: the action goes to the Gateway as the person's own message.
    clock.advance(CDuration::minutes(60));
    scheduler.do_send(Rearm);
    wait_until_async(Duration::from_secs(5), "the action", || async { !seen.lock().is_empty() }).await;
    let asked = seen.lock()[0].clone();
    assert!(asked.contains("[Scheduled task") && asked.contains("check the weather"), "{asked}");
    assert_eq!(outbox.seen().len(), 1, "the reminder was sent once");
    // Two hours late, by the clock, a reminder is marked late (Omega was not running).
    store.create_task(task("reminder", "water the plants", clock.now() - CDuration::hours(2))).await.unwrap();
    scheduler.do_send(Rearm);
    wait_until_async(Duration::from_secs(5), "the late reminder", || async { outbox.seen().len() == 2 })
        .await;
    assert!(outbox.seen()[1].0.text.starts_with("⏰ Reminder: water the plants\n(late: this was due "));
    store.close().await;
}
