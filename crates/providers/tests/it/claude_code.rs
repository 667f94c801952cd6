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
