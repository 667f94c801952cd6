//! The real Claude Code CLI (pinned, installed by the testkit), pointed at llmock.

use omega_core::config::ClaudeCodeConfig;
use omega_providers::claude_code::ClaudeCodeProvider;
use omega_providers::{ChatMessage, ChatRequest, Provider, ProviderError, Role};
use omega_testkit::peers::{Llmock, install_claude};
use std::time::Duration;

fn config(mock: &Llmock, home: &std::path::Path) -> ClaudeCodeConfig {
    ClaudeCodeConfig {
        binary: install_claude().display().to_string(),
        base_url: format!("http://127.0.0.1:{}/anthropic", mock.port),
        api_key: omega_core::Secret::new("sk-ant-test"),
        home: home.display().to_string(),
        timeout_secs: 120,
        max_turns: 5,
        ..ClaudeCodeConfig::default()
    }
}

fn request(text: &str) -> ChatRequest {
    ChatRequest {
        system: "You are Omega. Be brief.".into(),
        messages: vec![
            ChatMessage::new(Role::User, "earlier question"),
            ChatMessage::new(Role::Assistant, "earlier answer"),
            ChatMessage::new(Role::User, text),
        ],
        ..ChatRequest::default()
    }
}

#[tokio::test]
async fn the_cli_answers_with_cost_and_usage_and_gets_the_prompt_on_stdin() {
    let mock = tokio::task::spawn_blocking(Llmock::start).await.unwrap();
    mock.script(serde_json::json!([
        {"type": "reply", "text": "Hello! Nice to meet you, how can I help today?", "times": null}
    ]));
    let home = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let p = ClaudeCodeProvider::new(config(&mock, home.path()), work.path().to_owned());
    p.check().await.unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let r = tokio::task::spawn(async move { p.complete(request("Say hello"), Some(tx)).await })
        .await
        .unwrap()
        .unwrap();
    assert!(!r.text.trim().is_empty());
    assert!(r.cost_usd.is_some_and(|c| c > 0.0), "total_cost_usd captured: {:?}", r.cost_usd);
    assert!(r.usage.is_some_and(|u| u.input_tokens > 0));
    let mut streamed = Vec::new();
    while let Ok(d) = rx.try_recv() {
        streamed.push(d);
    }
    assert!(streamed.len() > 1, "text arrives in token deltas, not one block: {streamed:?}");
    assert_eq!(streamed.concat().trim(), r.text.trim(), "the deltas add up to the answer, once");
    assert_eq!(r.text, "Hello! Nice to meet you, how can I help today?");
    let log = mock.model_requests();
    assert!(!log.is_empty());
    assert!(
        log.iter().all(|r| r.contains("earlier answer") && r.contains("Say hello")),
        "history and message reached the model: {log:?}"
    );
    assert!(log.iter().all(|r| r.contains("You are Omega")), "the system prompt was appended");
}

#[tokio::test]
async fn a_turn_limit_is_resumed_then_reported() {
    let mock = tokio::task::spawn_blocking(Llmock::start).await.unwrap();
    // The model asks for a command on every call, so no number of turns is ever enough.
    mock.script(serde_json::json!([
        {"type": "reply", "tool_calls": [{"name": "Bash", "arguments": {"command": "true", "description": "noop"}}], "times": null}
    ]));
    let home = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let cfg = ClaudeCodeConfig { max_turns: 1, max_resume_attempts: 1, ..config(&mock, home.path()) };
    let p = ClaudeCodeProvider::new(cfg, work.path().to_owned());
    let result =
        tokio::task::spawn(async move { p.complete(request("Run a command"), None).await }).await.unwrap();
    match result {
        Err(ProviderError::Rejected { message, .. }) => {
            assert!(message.contains("stopped after 1 turns (1 resumes)"), "{message}")
        }
        other => panic!("the turn limit must be reported after one resume, got {other:?}"),
    }
    let log = mock.model_requests();
    assert!(log.iter().any(|r| r.contains("Continue where you left off")), "the run was resumed: {log:?}");
}

#[tokio::test]
async fn a_timeout_kills_the_whole_process_group() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("claude");
    let pidfile = dir.path().join("child.pid");
    std::fs::write(&script, format!("#!/bin/sh\nsleep 300 &\necho $! > {}\nwait\n", pidfile.display()))
        .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let cfg = ClaudeCodeConfig {
        binary: script.display().to_string(),
        timeout_secs: 1,
        ..ClaudeCodeConfig::default()
    };
    let p = ClaudeCodeProvider::new(cfg, dir.path().join("work"));
    let e = p.complete(request("anything"), None).await.unwrap_err();
    assert!(matches!(e, ProviderError::Timeout { secs: 1, .. }), "{e}");
    let pid = std::fs::read_to_string(&pidfile).unwrap().trim().to_owned();
    let gone = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(20));
        std::fs::read_to_string(format!("/proc/{pid}/stat")).map_or(true, |s| s.contains(") Z "))
    });
    assert!(gone, "the CLI's own child (pid {pid}) was killed with it");
}

#[tokio::test]
async fn a_session_the_cli_does_not_know_is_replaced_by_a_fresh_one_with_the_history() {
    let mock = tokio::task::spawn_blocking(Llmock::start).await.unwrap();
    mock.script(serde_json::json!([{"type": "reply", "text": "Plums.", "times": null}]));
    let (home, work) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let p = ClaudeCodeProvider::new(config(&mock, home.path()), work.path().to_owned());
    let lost = "0b7a3f6e-1111-4222-8333-444455556666";
    let req = ChatRequest { resume: Some(lost.into()), ..request("What fruit do I like?") };
    let r = tokio::task::spawn(async move { p.complete(req, None).await }).await.unwrap().unwrap();
    assert_eq!(r.text, "Plums.");
    assert!(r.session_id.as_deref().is_some_and(|s| s != lost), "a new session: {:?}", r.session_id);
    let log = mock.model_requests();
    assert!(!log.is_empty());
    assert!(
        log.iter().all(|r| r.contains("[Earlier in this conversation]") && r.contains("earlier answer")),
        "the fresh session got the history"
    );
}

/// A stand-in CLI that counts its runs and answers every one with `result` (a JSON line).
fn counting_cli(dir: &std::path::Path, result: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let (script, runs) = (dir.join("claude"), dir.join("runs"));
    std::fs::write(
        &script,
        format!("#!/bin/sh\ncat > /dev/null\necho run >> {}\necho '{result}'\n", runs.display()),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    (script, runs)
}

#[tokio::test]
async fn a_resumed_run_that_failed_after_acting_is_not_run_again() {
    let dir = tempfile::tempdir().unwrap();
    // The CLI got to the model (three turns, maybe tools) and then failed: running it again from
    // scratch would repeat what it did.
    let failed = r#"{"type":"result","subtype":"error_during_execution","is_error":true,"num_turns":3,"errors":["API Error: 500 overloaded"],"session_id":"s-1"}"#;
    let (cli, runs) = counting_cli(dir.path(), failed);
    let cfg = ClaudeCodeConfig { binary: cli.display().to_string(), ..ClaudeCodeConfig::default() };
    let p = ClaudeCodeProvider::new(cfg, dir.path().join("work"));
    let req = ChatRequest { resume: Some("s-1".into()), ..request("go on") };
    let e = p.complete(req, None).await.unwrap_err();
    assert!(e.to_string().contains("API Error: 500"), "{e}");
    assert_eq!(std::fs::read_to_string(&runs).unwrap().lines().count(), 1, "one run, not a second fresh one");
}
