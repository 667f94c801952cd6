//! Background jobs through the real binary, over Telegram: a long request worked on while the
//! person keeps chatting, its result delivered once — across a `kill -9` too — and `/cancel`
//! stopping a job and the processes its tools started.

use crate::support::Daemon;
use omega_testkit::peers::free_port;
use omega_testkit::telegram::FakeTelegram;
use omega_testkit::{FakeOpenAi, Script, TempHome, wait_until};
use std::time::Duration;

const TOKEN: &str = "123456:TEST-token";
const OWNER: i64 = 4242;

fn setup() -> (TempHome, FakeTelegram, FakeOpenAi, u16) {
    let (home, tg, ai) = (TempHome::new(), FakeTelegram::start(TOKEN), FakeOpenAi::start());
    let port = free_port();
    home.write_config(&format!(
        "[provider]\ndefault = \"openai\"\n\n[provider.openai]\nbase_url = \"{}\"\nmodel = \"m\"\n\n\
         [api]\nport = {port}\n\n[channel.telegram]\nenabled = true\nbot_token = \"{TOKEN}\"\napi_url = \"{}\"\n\
         allowed_users = [{OWNER}]\npoll_timeout_secs = 1\n",
        ai.base_url(),
        tg.api_url()
    ));
    (home, tg, ai, port)
}

/// The texts the owner received that contain `needle`.
fn received(tg: &FakeTelegram, needle: &str) -> Vec<String> {
    tg.sent_to(OWNER).into_iter().map(|m| m.text).filter(|t| t.contains(needle)).collect()
}

/// The number of the job a confirmation names ("Background job #12 started…").
fn job_number(text: &str) -> i64 {
    let rest = text.split("Background job #").nth(1).unwrap_or_else(|| panic!("no job in {text:?}"));
    rest.chars().take_while(char::is_ascii_digit).collect::<String>().parse().unwrap()
}

/// The provider requests that were a turn of job `n`.
fn job_turns(ai: &FakeOpenAi, n: i64) -> usize {
    let tag = format!("[Background job #{n}.");
    ai.requests().iter().filter(|r| r.last_user_message().is_some_and(|m| m.contains(&tag))).count()
}

/// "Look into it and tell me": the model hands the work to a background job; the person chats
/// about something else while it runs and sees it in /jobs; the daemon is killed mid-job; after
/// the restart the job runs again and its result arrives, once.
#[test]
fn a_background_job_runs_beside_the_chat_outlives_kill_9_and_reports_once() {
    let (home, tg, ai, port) = setup();
    let mut daemon = Daemon::start(&home, port, 1);
    ai.push(Script::Text(
        "On it: I'll compare them in the background.\nBACKGROUND: compare flights to Lisbon next week, cheapest first"
            .into(),
    ));
    // The job's first turn is taken and never answered: the job is mid-flight from here on.
    ai.push(Script::Hang);
    tg.send_text(OWNER, "look into flights to Lisbon next week and tell me");
    wait_until(Duration::from_secs(20), "the job to be started", || {
        !received(&tg, "Background job #").is_empty()
    });
    let started = received(&tg, "Background job #").remove(0);
    assert!(started.starts_with("On it: I'll compare them in the background."), "{started}");
    assert!(started.contains("started: I'll send you the result when it's done"), "{started}");
    let n = job_number(&started);
    wait_until(Duration::from_secs(20), "the job's first turn at the provider", || job_turns(&ai, n) == 1);
    let job_prompt = ai.requests().last().unwrap().last_user_message().unwrap();
    assert!(job_prompt.ends_with("compare flights to Lisbon next week, cheapest first"), "{job_prompt}");

    // The conversation goes on meanwhile.
    tg.send_text(OWNER, "what's the capital of Portugal?");
    wait_until(Duration::from_secs(20), "an answer while the job runs", || {
        !received(&tg, "echo: what's the capital of Portugal?").is_empty()
    });
    tg.send_text(OWNER, "/jobs");
    wait_until(Duration::from_secs(20), "/jobs", || !received(&tg, "Your background jobs:").is_empty());
    let list = received(&tg, "Your background jobs:").remove(0);
    assert!(list.contains(&format!("#{n} running for")), "{list}");
    assert!(list.contains("compare flights to Lisbon next week"), "{list}");
    assert!(received(&tg, "is done").is_empty(), "no result before the job has one");

    // Killed mid-job: the job is in the inbox, and the next start runs it again.
    daemon.kill9();
    ai.push(Script::Text("Cheapest: TAP on Tuesday at 09:10, 89 EUR.".into()));
    let daemon = Daemon::start(&home, port, 2);
    let done = format!("Background job #{n} is done");
    wait_until(Duration::from_secs(30), "the job's result after the restart", || {
        !received(&tg, &done).is_empty()
    });
    let result = received(&tg, &done).remove(0);
    assert!(result.contains("Cheapest: TAP on Tuesday at 09:10, 89 EUR."), "{result}");
    assert_eq!(job_turns(&ai, n), 2, "one turn before the kill, one after");
    // Stop only once the Outbox recorded the delivery (a kill between Telegram's confirmation and
    // that mark re-sends it: the Outbox delivers at least once across a crash).
    wait_until(Duration::from_secs(20), "the delivery to be recorded", || {
        crate::support::undelivered(&home) == 0
    });
    drop(daemon);
    // A barrier: the owner's next message is answered after anything the start-up would send.
    let _daemon = Daemon::start(&home, port, 3);
    tg.send_text(OWNER, "ping");
    wait_until(Duration::from_secs(20), "the answer to ping", || !received(&tg, "echo: ping").is_empty());
    assert_eq!(received(&tg, &done).len(), 1, "the result is delivered once");
    assert_eq!(job_turns(&ai, n), 2, "a finished job never runs again");
    // Later turns know what the job found.
    let last = ai.requests().last().unwrap().body.to_string();
    assert!(last.contains("Cheapest: TAP on Tuesday"), "the job's result is in the conversation");
}

/// `/bg` starts a job; its `bash` tool starts a long process; `/cancel N` stops the job, kills
/// that process, and the person is told — and the model is not called again for it.
#[test]
fn cancel_stops_a_job_and_kills_the_processes_its_tools_started() {
    let (home, tg, ai, port) = setup();
    let _daemon = Daemon::start(&home, port, 1);
    let command = "sleep 600 & echo $! > sleeper.pid; wait";
    ai.push(Script::ToolCalls(vec![("bash".into(), serde_json::json!({ "command": command }))]));
    tg.send_text(OWNER, "/bg count the stars slowly");
    wait_until(Duration::from_secs(20), "the job to be started", || {
        !received(&tg, "Background job #").is_empty()
    });
    let n = job_number(&received(&tg, "Background job #").remove(0));
    let pid_file = home.data_dir().join("workspace").join("sleeper.pid");
    wait_until(Duration::from_secs(20), "the tool's process", || {
        std::fs::read_to_string(&pid_file).is_ok_and(|p| p.trim().parse::<u32>().is_ok())
    });
    let pid: u32 = std::fs::read_to_string(&pid_file).unwrap().trim().parse().unwrap();
    let alive = |pid: u32| {
        // A zombie (killed, not yet reaped by whoever adopted it) is not running.
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .is_ok_and(|s| s.rsplit_once(')').is_some_and(|(_, rest)| !rest.trim_start().starts_with('Z')))
    };
    assert!(alive(pid), "the tool's process runs");

    tg.send_text(OWNER, &format!("/cancel {n}"));
    wait_until(Duration::from_secs(20), "the cancel's answer", || {
        !received(&tg, &format!("Stopping background job #{n}")).is_empty()
    });
    wait_until(Duration::from_secs(20), "the tool's process to be killed", || !alive(pid));
    let stopped = format!("Background job #{n} (count the stars slowly) was stopped: cancelled by you.");
    wait_until(Duration::from_secs(20), "the note that it stopped", || !received(&tg, &stopped).is_empty());
    assert_eq!(job_turns(&ai, n), 1, "a cancelled job asks the model nothing more");
    tg.send_text(OWNER, &format!("/cancel {n}"));
    wait_until(Duration::from_secs(20), "the second cancel's answer", || {
        !received(&tg, &format!("Background job #{n} has already finished.")).is_empty()
    });
}

/// `[jobs]`' limits as a person meets them: a second job of theirs waits while the first runs
/// (`per_sender = 1`), a job beyond `max_pending_per_sender` is refused with the reason, and
/// cancelling the running job lets the waiting one run.
#[actix_rt::test]
async fn a_senders_jobs_wait_their_turn_and_past_the_limit_are_refused() {
    use omega::OutboundKind;
    let (home, ai) = (TempHome::new(), FakeOpenAi::start());
    let mut c = crate::support::config(&home, &ai);
    c.jobs.max_pending_per_sender = 2;
    let rt = crate::support::start(c).await;
    ai.push(Script::Hang);
    let first = rt.ask("app", "kim", "/bg sort the photos").await.unwrap().text;
    let a = job_number(&first);
    assert!(first.contains("started"), "{first}");
    omega_testkit::wait_until_async(Duration::from_secs(20), "the first job at the provider", || async {
        job_turns(&ai, a) == 1
    })
    .await;
    let second = rt.ask("app", "kim", "/bg sort the music").await.unwrap().text;
    let b = job_number(&second);
    assert!(second.contains("is queued and starts when a slot is free"), "{second}");
    let third = rt.ask("app", "kim", "/bg sort the books").await.unwrap();
    assert_eq!(third.kind, OutboundKind::Reply);
    assert!(
        third
            .text
            .starts_with("✗ No background job was started: you have 2 background jobs running or waiting"),
        "{}",
        third.text
    );
    // Someone else's jobs are theirs: the limits are per person (lea's runs now, as the echo).
    let lea = job_number(&rt.ask("app", "lea", "/bg tidy up").await.unwrap().text);
    let store = rt.store();
    omega_testkit::wait_until_async(Duration::from_secs(20), "lea's job to finish", || async {
        store.inbound(omega_core::InboxId(lea)).await.unwrap().is_some_and(|r| r.status == "done")
    })
    .await;
    let jobs = rt.ask("app", "kim", "/jobs").await.unwrap().text;
    assert!(jobs.contains(&format!("#{a} running for")), "{jobs}");
    assert!(jobs.contains(&format!("#{b} waiting for a free slot — sort the music")), "{jobs}");
    assert!(!jobs.contains("tidy up"), "{jobs}");
    assert_eq!(job_turns(&ai, b), 0, "the waiting job has not run");

    ai.push(Script::Text("Sorted the music.".into()));
    assert!(rt.ask("app", "kim", &format!("/cancel {a}")).await.unwrap().text.starts_with("Stopping"));
    omega_testkit::wait_until_async(Duration::from_secs(20), "the waiting job to run and finish", || async {
        store.inbound(omega_core::InboxId(b)).await.unwrap().is_some_and(|r| r.status == "done")
    })
    .await;
    let replies = store.replies_to(omega_core::InboxId(b)).await.unwrap();
    assert!(replies.iter().any(|r| r.text.contains("Sorted the music.")), "{replies:?}");
    let stopped = store.replies_to(omega_core::InboxId(a)).await.unwrap();
    assert!(stopped.iter().any(|r| r.text.ends_with("was stopped: cancelled by you.")), "{stopped:?}");
    rt.shutdown().await;
}

/// A job spends from its sender's day like any message: once the budget is spent, a job is
/// answered with the refusal, and the model is not called for it.
#[actix_rt::test]
async fn a_job_counts_against_its_senders_daily_budget() {
    let (home, ai) = (TempHome::new(), FakeOpenAi::start());
    let mut c = crate::support::config(&home, &ai);
    // Prompts free, each answer word a dollar.
    let price =
        omega_core::config::Price { input_per_mtok: 0.0, output_per_mtok: 1e6, cached_input_per_mtok: None };
    c.prices.insert("test-model".into(), price);
    c.budget.daily_usd_per_sender = 1.5;
    let rt = crate::support::start(c).await;
    ai.push(Script::Text("three words here".into()));
    let a = job_number(&rt.ask("app", "kim", "/bg first job").await.unwrap().text);
    let store = rt.store();
    let finished = |id: i64| {
        let store = store.clone();
        async move { store.inbound(omega_core::InboxId(id)).await.unwrap().is_some_and(|r| r.status != "pending") }
    };
    omega_testkit::wait_until_async(Duration::from_secs(20), "the first job", || finished(a)).await;
    assert_eq!(store.recent_audit(1).await.unwrap()[0].cost_usd, Some(3.0), "the job's call is priced");
    let b = job_number(&rt.ask("app", "kim", "/bg second job").await.unwrap().text);
    omega_testkit::wait_until_async(Duration::from_secs(20), "the second job", || finished(b)).await;
    let replies = store.replies_to(omega_core::InboxId(b)).await.unwrap();
    assert!(
        replies.iter().any(|r| r.text.contains("failed: You've reached today's budget: $3.0000 of $1.50")),
        "{replies:?}"
    );
    assert_eq!(job_turns(&ai, b), 0, "no call was made for it");
    rt.shutdown().await;
}

/// The model is told of background jobs only where one can start: not with `[jobs] enabled =
/// false` (and `/bg` says they are off), and not inside a job.
#[actix_rt::test]
async fn background_jobs_are_offered_only_where_they_can_start() {
    let offers_jobs = |r: &omega_testkit::openai::Recorded| {
        let tools = r.body["tools"].as_array().cloned().unwrap_or_default();
        let tool = tools.iter().any(|t| t["function"]["name"] == "start_background_job");
        let told = r.system_prompt().unwrap_or_default().contains("\nBACKGROUND: ");
        assert_eq!(tool, told, "the tool and the marker go together");
        tool
    };
    let (home, ai) = (TempHome::new(), FakeOpenAi::start());
    let rt = crate::support::start(crate::support::config(&home, &ai)).await;
    rt.ask("app", "kim", "hello").await.unwrap();
    assert!(offers_jobs(&ai.requests()[0]), "a message may start a job");
    let n = job_number(&rt.ask("app", "kim", "/bg look around").await.unwrap().text);
    omega_testkit::wait_until_async(Duration::from_secs(20), "the job's turn", || async {
        job_turns(&ai, n) == 1
    })
    .await;
    assert!(!offers_jobs(ai.requests().last().unwrap()), "a job starts no job");
    rt.shutdown().await;

    let (home, ai) = (TempHome::new(), FakeOpenAi::start());
    let mut c = crate::support::config(&home, &ai);
    c.jobs.enabled = false;
    let rt = crate::support::start(c).await;
    rt.ask("app", "kim", "hello").await.unwrap();
    assert!(!offers_jobs(&ai.requests()[0]), "jobs are off");
    let refused = rt.ask("app", "kim", "/bg look around").await.unwrap().text;
    assert_eq!(
        refused,
        "✗ No background job was started: background jobs are turned off here ([jobs] enabled = false)"
    );
    rt.shutdown().await;
}
