//! A session keeps what its sender's prompt is built from between messages, and reads it again
//! whenever something changed it. Each test changes the context one way — the model's own
//! effects, a reminder firing, a command, a write from outside the session, the Summarizer
//! closing the conversation — and checks the very next prompt, through the whole runtime. (Debug
//! builds also compare every kept context with a fresh read and panic on a difference.)

use crate::support::config;
use omega::Runtime;
use omega_core::clock::ManualClock;
use omega_testkit::openai::Recorded;
use omega_testkit::{FakeOpenAi, Script, TempHome, wait_until_async};
use std::sync::Arc;
use std::time::Duration;

async fn start(c: omega::Config, clock: &ManualClock) -> Runtime {
    Runtime::builder(c)
        .http(false)
        .local_channel("app")
        .summarize_on_shutdown(false)
        .clock(Arc::new(clock.clone()))
        .start()
        .await
        .unwrap()
}

/// The last request that answered a person (not a summary or a compaction).
fn last_turn(fake: &FakeOpenAi) -> Recorded {
    fake.requests()
        .into_iter()
        .rev()
        .find(|r| r.system_prompt().is_some_and(|s| s.starts_with("You are Omega")))
        .expect("a turn reached the model")
}

/// The conversation a request carried: (role, content) of every message between the system
/// prompt and the new one.
fn carried(r: &Recorded) -> Vec<(String, String)> {
    let messages = r.body["messages"].as_array().unwrap();
    messages[1..messages.len() - 1]
        .iter()
        .map(|m| (m["role"].as_str().unwrap().to_owned(), m["content"].as_str().unwrap().to_owned()))
        .collect()
}

#[actix_rt::test]
async fn every_turn_carries_exactly_the_stored_conversation() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    let clock = ManualClock::new(chrono::Utc::now());
    let mut c = config(&home, &fake);
    c.memory.max_context_messages = 6;
    let rt = start(c, &clock).await;
    for i in 0..12 {
        // What the store holds before the turn is what the model must be sent.
        let stored: Vec<(String, String)> = rt
            .store()
            .history("app", "ana", 6)
            .await
            .unwrap()
            .into_iter()
            .map(|m| (m.role, m.content))
            .collect();
        let r = rt.ask("app", "ana", &format!("message number {i}")).await.unwrap();
        assert_eq!(r.text, format!("echo: message number {i}"));
        assert_eq!(carried(&last_turn(&fake)), stored, "turn {i}");
    }
    rt.shutdown().await;
}

#[actix_rt::test]
async fn a_fact_written_outside_the_session_is_in_the_next_prompt() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    let clock = ManualClock::new(chrono::Utc::now());
    let rt = start(config(&home, &fake), &clock).await;
    rt.ask("app", "ana", "hello").await.unwrap();
    rt.ask("app", "ana", "hello again").await.unwrap();
    assert!(!last_turn(&fake).system_prompt().unwrap().contains("Porto"));
    // As the HTTP API, the Summarizer or another channel's session would: not this session.
    rt.store().set_fact("app:ana", "city", "Porto").await.unwrap();
    rt.ask("app", "ana", "where do I live?").await.unwrap();
    let prompt = last_turn(&fake).system_prompt().unwrap();
    assert!(prompt.contains("- city: Porto"), "{prompt}");
    rt.shutdown().await;
}

#[actix_rt::test]
async fn a_reminder_that_fired_is_gone_from_the_next_prompt_and_a_cancelled_one_too() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    let now = chrono::Utc::now();
    let clock = ManualClock::new(now);
    let rt = start(config(&home, &fake), &clock).await;
    let at = |h: i64| (now + chrono::Duration::hours(h)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    fake.push(Script::Text(format!(
        "Sure.\nSCHEDULE: water the plants | {} | once\nSCHEDULE: call the dentist | {} | once",
        at(1),
        at(5)
    )));
    rt.ask("app", "kim", "remind me to water the plants in an hour and to call the dentist later")
        .await
        .unwrap();
    rt.ask("app", "kim", "thanks").await.unwrap();
    let prompt = last_turn(&fake).system_prompt().unwrap();
    assert!(prompt.contains("water the plants") && prompt.contains("call the dentist"), "{prompt}");

    // The Scheduler fires the first one.
    clock.advance(chrono::Duration::minutes(61));
    rt.clock_moved();
    wait_until_async(Duration::from_secs(10), "the reminder to fire", || async {
        rt.store().pending_tasks("app", "kim").await.unwrap().len() == 1
    })
    .await;
    rt.ask("app", "kim", "what is left?").await.unwrap();
    let prompt = last_turn(&fake).system_prompt().unwrap();
    assert!(!prompt.contains("water the plants") && prompt.contains("call the dentist"), "{prompt}");

    // The person cancels the other with a command.
    let id = rt.store().pending_tasks("app", "kim").await.unwrap()[0].id.clone();
    let r = rt.ask("app", "kim", &format!("/cancel {}", &id[..6])).await.unwrap();
    assert!(r.text.contains("call the dentist"), "{}", r.text);
    rt.ask("app", "kim", "and now?").await.unwrap();
    let prompt = last_turn(&fake).system_prompt().unwrap();
    assert!(!prompt.contains("call the dentist"), "{prompt}");
    rt.shutdown().await;
}

#[actix_rt::test]
async fn a_conversation_the_summarizer_closed_is_not_carried_again() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    let clock = ManualClock::new(chrono::Utc::now());
    let mut c = config(&home, &fake);
    c.memory.idle_minutes = 30;
    let rt = start(c, &clock).await;
    rt.ask("app", "ana", "let's plan the garden").await.unwrap();
    rt.ask("app", "ana", "roses first").await.unwrap();
    assert_eq!(carried(&last_turn(&fake)).len(), 2, "the first exchange is carried");
    fake.push(Script::Text("SUMMARY: Ana planned the garden, roses first.\nFACTS: none".into()));
    clock.advance(chrono::Duration::minutes(31));
    rt.clock_moved();
    wait_until_async(Duration::from_secs(15), "the summary", || async {
        rt.store().recent_summaries("app", "ana", 5).await.unwrap().len() == 1
    })
    .await;
    rt.ask("app", "ana", "what were we doing?").await.unwrap();
    let turn = last_turn(&fake);
    assert_eq!(carried(&turn), Vec::<(String, String)>::new(), "a new conversation");
    let prompt = turn.system_prompt().unwrap();
    assert!(prompt.contains("Ana planned the garden, roses first."), "{prompt}");
    rt.shutdown().await;
}
