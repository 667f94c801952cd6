//! The Scheduler end to end: reminders and actions at their time, through the whole runtime, and
//! exactly once across a `kill -9` of the real binary.

use crate::support::{Daemon, config, undelivered};
use omega::Runtime;
use omega_core::auth::Allowed;
use omega_testkit::peers::free_port;
use omega_testkit::telegram::FakeTelegram;
use omega_testkit::{FakeOpenAi, Script, TempHome, wait_until};
use parking_lot::Mutex;
use std::sync::Arc;
use std::time::Duration;

/// An RFC 3339 time `secs` from now (the model may write exact instants too).
fn in_secs(secs: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::seconds(secs)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

async fn with_inbox(home: &TempHome, fake: &FakeOpenAi) -> (Runtime, Arc<Mutex<Vec<String>>>) {
    with_inbox_and(home, fake, |b| b).await
}

/// A runtime whose channel "app" records every delivery's text; `more` adds to the builder.
async fn with_inbox_and(
    home: &TempHome,
    fake: &FakeOpenAi,
    more: impl FnOnce(omega::RuntimeBuilder) -> omega::RuntimeBuilder,
) -> (Runtime, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let channel = omega_actors::channel::LocalChannel::new("app").with_sink(
        move |d: &omega_actors::channel::Deliver| {
            sink.lock().push(d.text.clone());
        },
    );
    let builder =
        Runtime::builder(config(home, fake)).http(false).local_channel_with("app", Allowed::Anyone, channel);
    (more(builder).start().await.unwrap(), seen)
}

#[actix_rt::test]
async fn a_reminder_arrives_at_its_time_and_only_once() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    let (rt, seen) = with_inbox(&home, &fake).await;
    fake.push(Script::Text(format!("Sure.\nSCHEDULE: stretch your legs | {} | once", in_secs(2))));
    let r = rt.ask("app", "kim", "remind me to stretch in 2 seconds").await.unwrap();
    assert!(r.text.contains("✓ Reminder set: stretch your legs"), "{}", r.text);
    omega_testkit::wait_until_async(Duration::from_secs(15), "the reminder", || {
        let seen = seen.clone();
        async move { seen.lock().iter().any(|t| t == "⏰ Reminder: stretch your legs") }
    })
    .await;
    // Once fired, the task is done and no timer is left that could fire it again.
    assert!(rt.store().pending_tasks("app", "kim").await.unwrap().is_empty(), "a one-off is done");
    omega_testkit::wait_until_async(Duration::from_secs(5), "the timer to go", || {
        let rt = &rt;
        async move { rt.scheduler_state().await.is_some_and(|s| s.armed_for.is_none()) }
    })
    .await;
    assert_eq!(seen.lock().iter().filter(|t| t.starts_with("⏰")).count(), 1);
    assert_eq!(fake.request_count(), 1, "a reminder is text, not an AI call");
    rt.shutdown().await;
}

#[actix_rt::test]
async fn an_action_runs_the_ai_at_its_time_and_the_answer_reaches_the_person() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    let (rt, seen) = with_inbox(&home, &fake).await;
    fake.push(Script::Text(format!(
        "I'll check then.\nSCHEDULE_ACTION: check the weather | {} | once",
        in_secs(2)
    )));
    rt.ask("app", "kim", "check the weather in 2 seconds").await.unwrap();
    fake.push(Script::Text("It is sunny, 21°C.\nACTION_OUTCOME: success".into()));
    omega_testkit::wait_until_async(Duration::from_secs(15), "the action's answer", || {
        let seen = seen.clone();
        async move { seen.lock().iter().any(|t| t == "It is sunny, 21°C.") }
    })
    .await;
    let asked = fake.requests()[1].last_user_message().unwrap();
    assert!(asked.contains("[Scheduled task") && asked.contains("check the weather"), "{asked}");
    let tasks = rt.store().pending_tasks("app", "kim").await.unwrap();
    assert!(tasks.is_empty());
    rt.shutdown().await;
}

#[actix_rt::test]
async fn an_idle_scheduler_sets_no_timer() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    let (rt, _) = with_inbox(&home, &fake).await;
    let state = rt.scheduler_state().await.unwrap();
    assert_eq!(state.armed_for, None, "no pending task, no timer");
    let due = chrono::Utc::now() + chrono::Duration::hours(5);
    fake.push(Script::Text(format!("SCHEDULE: later | {} | once", due.to_rfc3339())));
    rt.ask("app", "kim", "later").await.unwrap();
    omega_testkit::wait_until_async(Duration::from_secs(5), "the timer", || {
        let rt = &rt;
        async move { rt.scheduler_state().await.is_some_and(|s| s.armed_for.is_some()) }
    })
    .await;
    let armed = rt.scheduler_state().await.unwrap().armed_for.unwrap();
    assert_eq!(armed / 1000, due.timestamp(), "armed for exactly that task");
    rt.ask(
        "app",
        "kim",
        &format!("/cancel {}", &rt.store().pending_tasks("app", "kim").await.unwrap()[0].id),
    )
    .await
    .unwrap();
    omega_testkit::wait_until_async(Duration::from_secs(5), "the timer to go", || {
        let rt = &rt;
        async move { rt.scheduler_state().await.is_some_and(|s| s.armed_for.is_none()) }
    })
    .await;
    rt.shutdown().await;
}

/// Set a reminder through Telegram, `kill -9` the daemon before it is due, start it again after:
/// the reminder arrives once (and not again on a further restart).
#[test]
fn a_reminder_due_while_the_daemon_was_killed_arrives_once_after_restart() {
    const TOKEN: &str = "123456:TEST-token";
    const OWNER: i64 = 4242;
    let (home, tg, ai) = (TempHome::new(), FakeTelegram::start(TOKEN), FakeOpenAi::start());
    let port = free_port();
    home.write_config(&format!(
        "[provider]\ndefault = \"openai\"\n\n[provider.openai]\nbase_url = \"{}\"\nmodel = \"m\"\n\n\
         [api]\nport = {port}\n\n[channel.telegram]\nenabled = true\nbot_token = \"{TOKEN}\"\napi_url = \"{}\"\n\
         allowed_users = [{OWNER}]\npoll_timeout_secs = 1\n",
        ai.base_url(),
        tg.api_url()
    ));
    let mut daemon = Daemon::start(&home, port, 1);
    let due = chrono::Utc::now() + chrono::Duration::seconds(4);
    ai.push(Script::Text(format!(
        "OK!\nSCHEDULE: take the pills | {} | once",
        due.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    )));
    tg.send_text(OWNER, "remind me to take the pills in 4 seconds");
    wait_until(Duration::from_secs(20), "the confirmation", || !tg.sent_to(OWNER).is_empty());
    daemon.kill9();
    let reminders =
        || tg.sent_to(OWNER).iter().filter(|m| m.text.contains("⏰ Reminder: take the pills")).count();
    // The reminder falls due while the daemon is down; the next start fires it, once.
    wait_until(Duration::from_secs(20), "the due time to pass", || chrono::Utc::now() > due);
    let daemon = Daemon::start(&home, port, 2);
    wait_until(Duration::from_secs(20), "the reminder after the restart", || reminders() == 1);
    // Stop only once the Outbox recorded the delivery (a kill between Telegram's confirmation and
    // that mark re-sends the message: the Outbox delivers at least once).
    wait_until(Duration::from_secs(20), "the delivery to be recorded", || undelivered(&home) == 0);
    drop(daemon);
    let _daemon = Daemon::start(&home, port, 3);
    // A barrier: the owner's next message is answered after anything the start-up would re-send.
    tg.send_text(OWNER, "ping");
    wait_until(Duration::from_secs(20), "the answer to ping", || {
        tg.sent_to(OWNER).iter().any(|m| m.text == "echo: ping")
    });
    assert_eq!(reminders(), 1, "a further restart does not repeat it");
}

#[actix_rt::test]
async fn a_failing_action_is_retried_with_back_off_then_the_person_is_told() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    let (rt, seen) = with_inbox_and(&home, &fake, |b| b.action_retry_base(Duration::from_millis(300))).await;
    fake.push(Script::Text(format!("OK.\nSCHEDULE_ACTION: fetch the report | {} | once", in_secs(1))));
    rt.ask("app", "kim", "fetch the report in a second").await.unwrap();
    fake.set_default(
        Script::Text("The site is down.\nACTION_OUTCOME: failed | the site is down".into()),
        Duration::ZERO,
    );
    omega_testkit::wait_until_async(Duration::from_secs(20), "the final failure notice", || {
        let seen = seen.clone();
        async move {
            seen.lock().iter().any(|t| t.starts_with("I couldn't do \"fetch the report\" after 3 tries"))
        }
    })
    .await;
    assert_eq!(fake.request_count(), 1 + 3, "three tries in all");
    let tries: Vec<String> = fake.requests()[1..].iter().map(|r| r.last_user_message().unwrap()).collect();
    assert!(tries.iter().all(|t| t.contains("[Scheduled task")), "{tries:?}");
    let notice = seen.lock().iter().find(|t| t.starts_with("I couldn't do")).cloned().unwrap();
    assert!(notice.contains("(the site is down)"), "{notice}");
    assert!(rt.store().pending_tasks("app", "kim").await.unwrap().is_empty());
    rt.shutdown().await;
}

/// Time is injected: with a manual clock, a reminder an hour away fires as soon as the clock is
/// moved past it, and not before — no test waits an hour, or even a second.
#[actix_rt::test]
async fn a_reminder_fires_when_the_injected_clock_passes_its_time() {
    use omega_core::clock::ManualClock;
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    let start = chrono::Utc::now();
    let clock = ManualClock::new(start);
    let (rt, seen) = with_inbox_and(&home, &fake, |b| b.clock(Arc::new(clock.clone()))).await;
    let due = start + chrono::Duration::hours(1);
    fake.push(Script::Text(format!(
        "Sure.\nSCHEDULE: water the plants | {} | once",
        due.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    )));
    let r = rt.ask("app", "kim", "remind me in an hour to water the plants").await.unwrap();
    assert!(r.text.contains("✓ Reminder set: water the plants"), "{}", r.text);
    omega_testkit::wait_until_async(Duration::from_secs(5), "the timer", || {
        let rt = &rt;
        async move { rt.scheduler_state().await.is_some_and(|s| s.armed_for.is_some()) }
    })
    .await;
    assert_eq!(rt.scheduler_state().await.unwrap().armed_for.unwrap() / 1000, due.timestamp());
    assert!(seen.lock().iter().all(|t| !t.starts_with("⏰")), "not before its time");
    clock.advance(chrono::Duration::minutes(61));
    rt.clock_moved();
    omega_testkit::wait_until_async(Duration::from_secs(10), "the reminder", || {
        let seen = seen.clone();
        async move { seen.lock().iter().any(|t| t == "⏰ Reminder: water the plants") }
    })
    .await;
    assert!(rt.store().pending_tasks("app", "kim").await.unwrap().is_empty());
    rt.shutdown().await;
}
