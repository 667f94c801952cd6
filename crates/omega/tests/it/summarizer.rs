//! The Summarizer through the whole runtime: idle conversations closed with a summary and the
//! facts they revealed; failures change nothing; open conversations summarized at shutdown.

use crate::support::config;
use omega::Runtime;
use omega_testkit::{FakeOpenAi, Script, TempHome, wait_until_async};
use std::time::Duration;

async fn start(c: omega::Config, idle: Duration, on_shutdown: bool) -> Runtime {
    Runtime::builder(c)
        .http(false)
        .local_channel("app")
        .summarizer_idle(idle)
        .summarize_on_shutdown(on_shutdown)
        .start()
        .await
        .unwrap()
}

#[actix_rt::test]
async fn an_idle_conversation_is_summarized_closed_and_its_facts_kept() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    let rt = start(config(&home, &fake), Duration::from_secs(1), false).await;
    fake.push(Script::Echo);
    fake.push(Script::Text(
        "SUMMARY: Ana said her cat Tom loves tuna.\nFACTS:\nname: Ana\nlocation: Porto\nsalary: 5000\nfavourite_food: tuna"
            .into(),
    ));
    // A provider session (the Claude Code CLI's) in two projects: closing the general
    // conversation ends the general one only.
    for project in ["", "garden"] {
        rt.store().set_provider_session("app", "ana", project, "claude-code", Some("s-1")).await.unwrap();
    }
    rt.ask("app", "ana", "I'm Ana from Porto; my cat Tom loves tuna").await.unwrap();
    wait_until_async(Duration::from_secs(15), "the summary", || async {
        rt.store().recent_summaries("app", "ana", 5).await.unwrap().len() == 1
    })
    .await;
    let s = rt.store().recent_summaries("app", "ana", 5).await.unwrap();
    assert_eq!(s[0].summary, "Ana said her cat Tom loves tuna.");
    let facts: Vec<(String, String)> =
        rt.store().facts("app:ana").await.unwrap().into_iter().map(|f| (f.key, f.value)).collect();
    assert_eq!(
        facts,
        [("location".into(), "Porto".into()), ("name".into(), "Ana".into())],
        "only valid facts"
    );
    assert!(rt.store().history("app", "ana", 10).await.unwrap().is_empty(), "closed");
    let sid = rt.store().provider_session("app", "ana", "", "claude-code").await.unwrap();
    assert_eq!(sid, None, "the next conversation starts a fresh CLI session");
    let garden = rt.store().provider_session("app", "ana", "garden", "claude-code").await.unwrap();
    assert_eq!(garden.as_deref(), Some("s-1"), "the garden project's conversation goes on");
    let summary_call = fake.requests()[1].clone();
    assert!(summary_call.system_prompt().unwrap().starts_with("Summarize the conversation below"));
    assert!(summary_call.last_user_message().unwrap().contains("User: I'm Ana from Porto"));
    let audit = rt.store().recent_audit(5).await.unwrap();
    assert!(
        audit.iter().any(|a| a.input_text.starts_with("(summary of conversation")),
        "the call is audited"
    );
    // Next time the model knows her from the facts and the summary.
    rt.ask("app", "ana", "hi again").await.unwrap();
    let prompt = fake.requests()[2].system_prompt().unwrap();
    assert!(
        prompt.contains("- name: Ana") && prompt.contains("- Ana said her cat Tom loves tuna."),
        "{prompt}"
    );
    rt.shutdown().await;
}

#[actix_rt::test]
async fn a_failed_summary_leaves_the_conversation_as_it_was() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    let rt = start(config(&home, &fake), Duration::from_secs(1), false).await;
    fake.push(Script::Echo);
    fake.push(Script::Status { code: 500, message: "boom".into(), retry_after: None });
    rt.ask("app", "ana", "keep this").await.unwrap();
    // The failure is audited once the Summarizer has handled it: after that, nothing may change.
    wait_until_async(Duration::from_secs(15), "the failed summary in the audit", || async {
        let audit = rt.store().recent_audit(5).await.unwrap();
        audit.iter().any(|a| a.status == "error" && a.input_text.starts_with("(summary of"))
    })
    .await;
    assert_eq!(rt.store().history("app", "ana", 10).await.unwrap().len(), 2, "still open, nothing lost");
    assert!(rt.store().recent_summaries("app", "ana", 5).await.unwrap().is_empty());
    let audit = rt.store().recent_audit(5).await.unwrap();
    assert!(
        audit.iter().any(|a| a.status == "error" && a.input_text.starts_with("(summary of")),
        "{audit:?}"
    );
    rt.shutdown().await;
}

#[actix_rt::test]
async fn open_conversations_are_summarized_at_a_graceful_shutdown() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    let rt = start(config(&home, &fake), Duration::from_secs(3600), true).await;
    fake.push(Script::Echo);
    fake.push(Script::Text("SUMMARY: Planned dinner.\nFACTS: none".into()));
    rt.ask("app", "ana", "let's plan dinner").await.unwrap();
    rt.shutdown().await;
    let rt = start(config(&home, &fake), Duration::from_secs(3600), false).await;
    let s = rt.store().recent_summaries("app", "ana", 5).await.unwrap();
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].summary, "Planned dinner.");
    rt.shutdown().await;
}

/// A shutdown summarizes every open conversation, not the first batch of a hundred.
#[actix_rt::test]
async fn every_open_conversation_is_summarized_at_shutdown_not_only_the_first_hundred() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    fake.set_chunk_delay(Duration::ZERO);
    let rt = start(config(&home, &fake), Duration::from_secs(3600), true).await;
    let people: Vec<String> = (0..130).map(|i| format!("p{i}")).collect();
    futures::future::join_all(people.iter().map(|p| rt.ask("app", p, "let's plan dinner"))).await;
    fake.set_default(Script::Text("SUMMARY: Planned dinner.\nFACTS: none".into()), Duration::ZERO);
    rt.shutdown().await;
    let rt = start(config(&home, &fake), Duration::from_secs(3600), false).await;
    let mut summarized = 0;
    for p in &people {
        summarized += rt.store().recent_summaries("app", p, 5).await.unwrap().len();
    }
    assert_eq!(summarized, people.len());
    rt.shutdown().await;
}

/// Time is injected: a conversation counts as idle when the clock says so.
#[actix_rt::test]
async fn a_conversation_is_closed_when_the_injected_clock_says_it_is_idle() {
    use omega_core::clock::ManualClock;
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    let clock = ManualClock::new(chrono::Utc::now());
    let mut c = config(&home, &fake);
    c.memory.idle_minutes = 30;
    let rt = Runtime::builder(c)
        .http(false)
        .local_channel("app")
        .summarize_on_shutdown(false)
        .clock(std::sync::Arc::new(clock.clone()))
        .start()
        .await
        .unwrap();
    fake.push(Script::Echo);
    fake.push(Script::Text("SUMMARY: Ana planned the garden.\nFACTS: none".into()));
    rt.ask("app", "ana", "let's plan the garden").await.unwrap();
    // Thirty-one minutes later, by the clock: the next look closes it.
    clock.advance(chrono::Duration::minutes(31));
    rt.clock_moved();
    wait_until_async(Duration::from_secs(15), "the summary", || async {
        rt.store().recent_summaries("app", "ana", 5).await.unwrap().len() == 1
    })
    .await;
    assert!(rt.store().history("app", "ana", 10).await.unwrap().is_empty(), "closed");
    // The summary's cost is booked at the clock's time, so it counts on the clock's day.
    let audit = rt.store().recent_audit(5).await.unwrap();
    let summary =
        audit.iter().find(|a| a.input_text.starts_with("(summary of")).expect("the summary call is audited");
    let at = omega_memory::millis(omega_core::clock::Clock::now(&clock));
    assert!(
        (summary.created_at - at).abs() < 5_000,
        "booked at the clock's time: {} vs {at}",
        summary.created_at
    );
    rt.shutdown().await;
}
