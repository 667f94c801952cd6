//! The Heartbeat through the whole runtime: the checklist goes to the model with the owner's own
//! data; HEARTBEAT_OK sends nothing; anything else reaches the owner's channel.

use crate::support::config;
use omega::Runtime;
use omega_core::auth::Allowed;
use omega_testkit::{FakeOpenAi, Script, TempHome, wait_until_async};
use parking_lot::Mutex;
use std::sync::Arc;
use std::time::Duration;

async fn start(home: &TempHome, fake: &FakeOpenAi) -> (Runtime, Arc<Mutex<Vec<(String, String)>>>) {
    let mut c = config(home, fake);
    c.heartbeat.enabled = true;
    c.heartbeat.channel = "app".into();
    c.heartbeat.recipient = "owner".into();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let channel = omega_actors::channel::LocalChannel::new("app").with_sink(
        move |d: &omega_actors::channel::Deliver| {
            sink.lock().push((d.recipient.clone(), d.text.clone()));
        },
    );
    let rt = Runtime::builder(c)
        .http(false)
        .local_channel_with("app", Allowed::Anyone, channel)
        .heartbeat_every(Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    (rt, seen)
}

#[actix_rt::test]
async fn heartbeat_ok_is_silent_and_a_finding_reaches_the_owner() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    std::fs::create_dir_all(home.data_dir()).unwrap();
    std::fs::write(
        home.data_dir().join("HEARTBEAT.md"),
        "# Heartbeat checklist\n- check disk space\n\n## Email\n- unread mail from the bank\n",
    )
    .unwrap();
    fake.push(Script::Text("All fine.\nHEARTBEAT_OK".into()));
    fake.push(Script::Text("The disk is 95% full.".into()));
    fake.set_default(Script::Text("HEARTBEAT_OK".into()), Duration::ZERO);
    let (rt, seen) = start(&home, &fake).await;
    rt.store().set_fact("app:owner", "name", "Ana").await.unwrap();
    rt.store().set_fact("app:stranger", "name", "Eve").await.unwrap();
    rt.store().set_channel_state("heartbeat", "suppressed", "Email").await.unwrap();
    // The owner's active project brings its own checklist.
    std::fs::create_dir_all(home.data_dir().join("projects/garden")).unwrap();
    std::fs::write(home.data_dir().join("projects/garden/HEARTBEAT.md"), "- water the tomatoes\n").unwrap();
    rt.store().set_fact("app:owner", "active_project", "garden").await.unwrap();
    wait_until_async(Duration::from_secs(15), "the finding", || {
        let seen = seen.clone();
        async move { !seen.lock().is_empty() }
    })
    .await;
    assert_eq!(seen.lock()[0], ("owner".to_owned(), "The disk is 95% full.".to_owned()));
    let state = rt.heartbeat_state().await.unwrap();
    assert!(state.beats >= 2 && state.sent >= 1, "{state:?}");
    // Beats may start before the state above is set: look at one made after it.
    let first =
        fake.requests().into_iter().find(|r| r.last_user_message().unwrap().contains("tomatoes")).unwrap();
    let prompt = first.system_prompt().unwrap();
    assert!(prompt.contains("- name: Ana") && !prompt.contains("Eve"), "only the owner's data: {prompt}");
    let asked = first.last_user_message().unwrap();
    assert!(
        asked.contains("check disk space") && !asked.contains("bank"),
        "a muted section is left out: {asked}"
    );
    // Two more beats (answered HEARTBEAT_OK) must send nothing.
    let beats = rt.heartbeat_state().await.unwrap().beats;
    wait_until_async(Duration::from_secs(10), "two more beats", || async {
        rt.heartbeat_state().await.is_some_and(|s| s.beats >= beats + 2)
    })
    .await;
    assert_eq!(seen.lock().len(), 1, "HEARTBEAT_OK beats send nothing");
    rt.shutdown().await;
}

#[actix_rt::test]
async fn an_empty_checklist_costs_nothing() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    let (rt, seen) = start(&home, &fake).await;
    wait_until_async(Duration::from_secs(10), "a few beats", || async {
        rt.heartbeat_state().await.is_some_and(|s| s.beats >= 3)
    })
    .await;
    assert_eq!(fake.request_count(), 0, "no checklist, no call");
    assert!(seen.lock().is_empty());
    rt.shutdown().await;
}

/// Time is injected: a beat that falls due because the clock jumped is made at once, not skipped.
#[actix_rt::test]
async fn a_beat_due_after_a_clock_jump_is_made_not_skipped() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    std::fs::create_dir_all(home.data_dir()).unwrap();
    std::fs::write(home.data_dir().join("HEARTBEAT.md"), "- check the backups\n").unwrap();
    fake.set_default(Script::Text("HEARTBEAT_OK".into()), Duration::ZERO);
    let clock = omega_core::clock::ManualClock::new(chrono::Utc::now());
    let mut c = config(&home, &fake);
    c.heartbeat.enabled = true;
    (c.heartbeat.channel, c.heartbeat.recipient) = ("app".into(), "owner".into());
    c.heartbeat.interval_minutes = 30;
    c.heartbeat.active_hours = String::new();
    let rt = Runtime::builder(c)
        .http(false)
        .local_channel("app")
        .clock(Arc::new(clock.clone()))
        .start()
        .await
        .unwrap();
    wait_until_async(Duration::from_secs(5), "the first timer", || async {
        rt.heartbeat_state().await.is_some_and(|s| s.next.is_some())
    })
    .await;
    assert_eq!(rt.heartbeat_state().await.unwrap().beats, 0);
    clock.advance(chrono::Duration::minutes(31));
    rt.clock_moved();
    wait_until_async(Duration::from_secs(10), "the beat", || async {
        rt.heartbeat_state().await.is_some_and(|s| s.beats == 1)
    })
    .await;
    let asked = fake.requests()[0].last_user_message().unwrap();
    assert!(asked.contains("check the backups"), "{asked}");
    rt.shutdown().await;
}

/// A project's checklist is gone through while the owner has it active, and not after
/// `/project off`; what a beat sets while it is active belongs to that project.
#[actix_rt::test]
async fn a_projects_checklist_runs_only_while_the_project_is_active() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    std::fs::create_dir_all(home.data_dir().join("projects/garden")).unwrap();
    std::fs::write(home.data_dir().join("HEARTBEAT.md"), "- check disk space\n").unwrap();
    std::fs::write(home.data_dir().join("projects/garden/HEARTBEAT.md"), "- water the tomatoes\n").unwrap();
    fake.set_default(Script::Text("HEARTBEAT_OK".into()), Duration::ZERO);
    let (rt, _seen) = start(&home, &fake).await;
    let asked = |r: &omega_testkit::openai::Recorded| r.last_user_message().unwrap_or_default();
    rt.ask("app", "owner", "/project garden").await.unwrap();
    wait_until_async(Duration::from_secs(15), "a beat through the garden's checklist", || async {
        fake.requests()
            .iter()
            .any(|r| asked(r).contains("Heartbeat checklist") && asked(r).contains("tomatoes"))
    })
    .await;
    // Beats run one at a time: the next one starts after the project was seen active.
    fake.push(Script::Text("SCHEDULE: buy tomato feed | 2030-05-01T09:00 | once".into()));
    wait_until_async(Duration::from_secs(15), "the beat's task", || async {
        !rt.store().pending_tasks("app", "owner").await.unwrap().is_empty()
    })
    .await;
    let tasks = rt.store().pending_tasks("app", "owner").await.unwrap();
    assert_eq!((tasks[0].description.as_str(), tasks[0].project.as_str()), ("buy tomato feed", "garden"));

    rt.ask("app", "owner", "/project off").await.unwrap();
    // A beat may be under way as the project goes off: judge the beats that start after it.
    let beats = rt.heartbeat_state().await.unwrap().beats;
    wait_until_async(Duration::from_secs(15), "two more beats", || async {
        rt.heartbeat_state().await.is_some_and(|s| s.beats >= beats + 2)
    })
    .await;
    let last = fake.requests().into_iter().rev().find(|r| asked(r).contains("Heartbeat checklist")).unwrap();
    assert!(
        asked(&last).contains("check disk space") && !asked(&last).contains("tomatoes"),
        "off means the project's checklist is not gone through: {}",
        asked(&last)
    );
    rt.shutdown().await;
}
