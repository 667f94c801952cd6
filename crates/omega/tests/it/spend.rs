//! Spend caps that hold, through the whole runtime with the default tools on: a server that
//! reports no usage is counted by estimate, a cap too small for one message says what the
//! message needs, and every call made for a message — each tool-loop turn, the router's
//! classifier, a summary — is checked before it is made and recorded after.

use crate::support::config;
use omega::{OutboundKind, Runtime};
use omega_testkit::score::record;
use omega_testkit::{FakeOpenAi, Script, TempHome};
use serde_json::json;

const TEST_NO_USAGE: &str =
    "spend::a_server_that_reports_no_usage_is_counted_by_estimate_and_the_token_cap_holds";

async fn start(c: omega::Config) -> Runtime {
    Runtime::builder(c).http(false).local_channel("app").start().await.expect("runtime starts")
}

/// What a sender spent today, as the audit log holds it.
async fn spent(rt: &Runtime, sender: &str) -> omega_memory::audit::Spend {
    rt.store().spend_since(Some(("app", sender)), 0).await.unwrap()
}

/// Measured against a server that sends no usage in its stream, every call used to be recorded
/// as 0 tokens and a token cap never fired. Now each call is counted by estimate, marked as
/// one, and the cap stops the sender's messages before a call would cross it.
#[actix_rt::test]
async fn a_server_that_reports_no_usage_is_counted_by_estimate_and_the_token_cap_holds() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    fake.omit_usage();
    let mut c = config(&home, &fake);
    let cap = 20_000;
    c.budget.daily_tokens_per_sender = cap;
    let rt = start(c).await;
    let mut answered = 0;
    let refused = loop {
        assert!(answered < 50, "50 messages answered under a cap of {cap} tokens: nothing is counted");
        let before = fake.request_count();
        let r = rt.ask("app", "kay", &format!("message number {answered}")).await.unwrap();
        if r.kind == OutboundKind::Error {
            let past = fake.request_count() - before;
            record(8, "calls made past a cap, server reporting no usage", past as f64, "0", TEST_NO_USAGE);
            assert_eq!(past, 0, "the refused message made no call");
            break r;
        }
        answered += 1;
    };
    assert!(answered >= 2, "the cap left room for {answered} messages of the default setup");
    let s = spent(&rt, "kay").await;
    assert_eq!(s.estimated_calls, answered, "every answered message is counted by estimate, and says so");
    // The check counts the prompt; only an answer, unknown in advance, can go beyond the cap.
    let beyond = (s.tokens - cap as i64).max(0);
    record(
        8,
        "tokens recorded beyond a token cap (only an answer can cross it)",
        beyond as f64,
        "0",
        TEST_NO_USAGE,
    );
    assert!(beyond <= 20, "{beyond} tokens recorded beyond the cap of {cap} ({s:?})");
    assert!(
        refused.text.starts_with("This message needs about "),
        "less than the cap was spent, so the message is told what it needs: {}",
        refused.text
    );
    // What it needs is what a turn really sends (the tools' schemas too), no less than the
    // prompt of the message before it.
    let needs: i64 =
        refused.text["This message needs about ".len()..].split(' ').next().unwrap().parse().unwrap();
    let audit = rt.store().recent_audit(2).await.unwrap();
    let last_prompt = audit.iter().find(|a| a.status == "ok").and_then(|a| a.input_tokens).unwrap();
    assert!(needs >= last_prompt, "needs about {needs}, the message before sent {last_prompt}");
    let left = cap as i64 - s.tokens;
    assert!(refused.text.contains(&format!("; {left} of {cap} are left today")), "{}", refused.text);
    let usage = rt.ask("app", "kay", "/usage").await.unwrap();
    assert!(
        usage.text.contains(&format!("≈ {answered} of today's calls are counted by estimate")),
        "{}",
        usage.text
    );
    // The estimate's mark is part of the tamper-evident audit chain.
    assert!(rt.store().verify_audit().await.unwrap().intact());
    rt.shutdown().await;
}

/// A cap smaller than one message's prompt used to answer "You've reached today's token budget:
/// 0 of 40 tokens used": nothing had been used.
#[actix_rt::test]
async fn a_cap_smaller_than_one_prompt_says_what_the_message_needs_and_calls_nothing() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    let mut c = config(&home, &fake);
    c.budget.daily_tokens_per_sender = 40;
    let rt = start(c).await;
    let r = rt.ask("app", "kay", "hello there").await.unwrap();
    assert_eq!(r.kind, OutboundKind::Error);
    assert!(r.text.starts_with("This message needs about "), "{}", r.text);
    assert!(r.text.contains("tokens; 40 of 40 are left today."), "{}", r.text);
    assert_eq!(fake.request_count(), 0);
    rt.shutdown().await;
}

/// A tool loop whose later turn failed recorded none of its turns' tokens: the audit row of a
/// failed message had no usage at all.
#[actix_rt::test]
async fn a_tool_loop_that_fails_midway_still_records_what_its_turns_cost() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    for i in 0..2 {
        fake.push(Script::ToolCalls(vec![("bash".into(), json!({ "command": format!("echo step {i}") }))]));
    }
    fake.push(Script::Status { code: 500, message: "the server fell over".into(), retry_after: None });
    let rt = start(config(&home, &fake)).await;
    let r = rt.ask("app", "kay", "do the research").await.unwrap();
    assert_eq!(r.kind, OutboundKind::Error, "{}", r.text);
    assert_eq!(fake.request_count(), 3);
    let s = spent(&rt, "kay").await;
    assert!(fake.reported_tokens() > 0);
    let unrecorded = fake.reported_tokens().saturating_sub(s.tokens as u64);
    record(
        8,
        "tokens of a failed tool loop's turns left unrecorded",
        unrecorded as f64,
        "0",
        "spend::a_tool_loop_that_fails_midway_still_records_what_its_turns_cost",
    );
    assert_eq!(s.tokens as u64, fake.reported_tokens(), "every turn the server reported is recorded");
    assert_eq!(s.estimated_calls, 0, "the server reported its usage: nothing is estimated");
    rt.shutdown().await;
}

/// Each turn of the tool loop is checked: a model that keeps calling tools is stopped between
/// turns when the next one would cross the cap, and the turns it made are recorded. The cap is
/// set from what one plain turn of the default setup costs, measured first (then a restart).
#[actix_rt::test]
async fn a_tool_loop_is_stopped_between_turns_by_the_cap() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    fake.omit_usage();
    let rt = start(config(&home, &fake)).await;
    rt.ask("app", "measure", "one plain turn").await.unwrap();
    let turn = spent(&rt, "measure").await.tokens;
    rt.shutdown().await;

    // The first turn sets a reminder: what it did stands, and the refusal says so.
    let due = json!({ "description": "water the plants", "due": "2099-01-01T09:00" });
    fake.push(Script::ToolCalls(vec![("schedule_task".into(), due)]));
    for i in 0..10 {
        fake.push(Script::ToolCalls(vec![("bash".into(), json!({ "command": format!("echo step {i}") }))]));
    }
    let mut c = config(&home, &fake);
    // Room for three turns, not four (each later turn is a little bigger than the first).
    let cap = turn * 7 / 2;
    c.budget.daily_tokens_per_sender = cap as u64;
    let rt = start(c).await;
    let before = fake.request_count();
    let r = rt.ask("app", "kay", "research forever").await.unwrap();
    let turns = fake.request_count() - before;
    let s = spent(&rt, "kay").await;
    let test = "spend::a_tool_loop_is_stopped_between_turns_by_the_cap";
    record(8, "tokens recorded beyond a token cap by a tool loop", (s.tokens - cap).max(0) as f64, "0", test);
    assert_eq!(r.kind, OutboundKind::Error, "{}", r.text);
    assert!(r.text.starts_with("This message needs about "), "{}", r.text);
    assert!(r.text.contains("✓ Reminder set: water the plants"), "what the tools did is told: {}", r.text);
    assert_eq!(rt.store().pending_tasks("app", "kay").await.unwrap().len(), 1);
    assert!((2..=3).contains(&turns), "{turns} turns made under a cap of {cap} tokens, {turn} a turn");
    assert!(s.tokens >= turn * turns as i64, "the {turns} turns made are recorded: {s:?}");
    assert!(s.tokens <= cap + 50, "{} tokens recorded beyond the cap of {cap}", s.tokens - cap);
    rt.shutdown().await;
}

/// The router's classifier is a call of its own: its cost used to be dropped when it said
/// DIRECT.
#[actix_rt::test]
async fn the_routers_classifier_is_recorded_with_the_message() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    let mut c = config(&home, &fake);
    c.routing.enabled = true;
    c.routing.min_chars = 10;
    fake.push(Script::Text("DIRECT".into()));
    fake.push(Script::Text("Here you are.".into()));
    let rt = start(c).await;
    let r = rt.ask("app", "kay", "a message long enough to classify").await.unwrap();
    assert_eq!(r.text, "Here you are.");
    assert_eq!(fake.request_count(), 2, "the classifier, then the answer");
    let recorded = spent(&rt, "kay").await.tokens as u64;
    let test = "spend::the_routers_classifier_is_recorded_with_the_message";
    record(
        8,
        "tokens of the router's classifier left unrecorded",
        fake.reported_tokens().saturating_sub(recorded) as f64,
        "0",
        test,
    );
    assert_eq!(recorded, fake.reported_tokens());
    rt.shutdown().await;
}

/// Summaries spend from their sender's day: once the sender is over a cap, the conversation is
/// left open (summarized on a later day) instead of spending past it.
#[actix_rt::test]
async fn no_summary_is_made_past_its_senders_cap() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    let mut c = config(&home, &fake);
    crate::support::a_dollar_an_answer_word(&mut c);
    c.budget.daily_usd_per_sender = 1.5;
    let rt = Runtime::builder(c)
        .http(false)
        .local_channel("app")
        .summarize_on_shutdown(true)
        .start()
        .await
        .unwrap();
    assert_eq!(rt.ask("app", "kay", "hello").await.unwrap().text, "echo: hello");
    rt.shutdown().await;
    let test = "spend::no_summary_is_made_past_its_senders_cap";
    record(8, "summary calls made past a cap", (fake.request_count() - 1) as f64, "0", test);
    assert_eq!(fake.request_count(), 1, "the summary at shutdown was not asked for");
    let store = omega::Store::open(&home.db_path()).await.unwrap();
    assert!(store.recent_summaries("app", "kay", 5).await.unwrap().is_empty());
    let open = store.idle_conversations(i64::MAX).await.unwrap();
    assert_eq!(open.len(), 1, "the conversation stays open, for a later day's summary");
    store.close().await;
}
