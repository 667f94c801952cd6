//! The whole runtime against llmock, a third-party server speaking OpenAI's wire format.

use omega::OutboundKind;
use omega_testkit::TempHome;
use omega_testkit::peers::Llmock;

#[actix_rt::test]
async fn omega_answers_through_llmock_end_to_end() {
    let mock = tokio::task::spawn_blocking(Llmock::start).await.unwrap();
    let home = TempHome::new();
    let mut c = omega::Config::default();
    c.omega.data_dir = home.data_dir().display().to_string();
    c.provider.default = "openai".into();
    c.provider.openai.base_url = mock.openai_base_url();
    c.provider.openai.api_key = omega_core::Secret::new("sk-test");
    c.provider.openai.model = "gpt-4o-mini".into();
    let rt = omega::Runtime::builder(c).http(false).local_channel("app").start().await.unwrap();
    let r = rt.ask("app", "zoe", "Hello there").await.unwrap();
    assert_eq!(r.kind, OutboundKind::Reply, "{}", r.text);
    // The second turn is judged on its own requests (llmock may ask for tools: more than one).
    let before = mock.model_requests().len();
    let r = rt.ask("app", "zoe", "And a second question").await.unwrap();
    assert_eq!(r.kind, OutboundKind::Reply, "{}", r.text);
    assert!(!r.text.trim().is_empty());
    let audit = rt.store().recent_audit(2).await.unwrap();
    assert!(audit.iter().all(|a| a.status == "ok" && a.input_tokens.is_some()), "{audit:?}");
    // llmock calls the tool whose name shares most words with the prompt: on the first turn that
    // is `start_background_job` (the prompt tells of background jobs), so a job ran and its
    // exchange is in the conversation too.
    let history = rt.store().history("app", "zoe", 10).await.unwrap();
    let (jobs, turns): (Vec<_>, Vec<_>) = history.iter().partition(|m| {
        m.content.starts_with("(background job #") || m.content.starts_with("Background job #")
    });
    assert_eq!(turns.len(), 4, "both turns and their answers: {history:?}");
    assert!(jobs.is_empty() || jobs.iter().any(|m| m.content.contains("is done")), "{jobs:?}");
    // The turn's own requests: not the background job's, which may still be running beside it.
    let turn: Vec<String> = mock
        .model_requests()
        .split_off(before)
        .into_iter()
        .filter(|r| !r.contains("[Background job #"))
        .collect();
    assert!(!turn.is_empty());
    for r in &turn {
        assert!(r.contains("And a second question") && r.contains("Hello there"), "turn 2 carried turn 1");
    }
    mock.assert_verdict_passes();
    rt.shutdown().await;
}

#[actix_rt::test]
async fn switching_the_default_provider_to_anthropic_needs_one_line() {
    let mock = tokio::task::spawn_blocking(Llmock::start).await.unwrap();
    let home = TempHome::new();
    let mut c = omega::Config::default();
    c.omega.data_dir = home.data_dir().display().to_string();
    c.provider.default = "anthropic".into();
    c.provider.anthropic.base_url = format!("http://127.0.0.1:{}/anthropic", mock.port);
    c.provider.anthropic.api_key = omega_core::Secret::new("sk-ant-test");
    let rt = omega::Runtime::builder(c).http(false).local_channel("app").start().await.unwrap();
    let r = rt.ask("app", "yan", "Hello Claude").await.unwrap();
    assert_eq!(r.kind, OutboundKind::Reply, "{}", r.text);
    let audit = rt.store().recent_audit(1).await.unwrap();
    assert_eq!(audit[0].provider.as_deref(), Some("anthropic"));
    assert!(audit[0].output_tokens.is_some_and(|t| t > 0));
    let paths: Vec<String> =
        mock.requests().iter().map(|r| r["path"].as_str().unwrap_or_default().to_owned()).collect();
    assert!(
        !paths.is_empty() && paths.iter().all(|p| p == "/anthropic/v1/messages"),
        "Anthropic's wire: {paths:?}"
    );
    rt.shutdown().await;
}

#[actix_rt::test]
async fn when_the_default_provider_is_down_the_fallback_answers_and_the_audit_says_so() {
    let mock = tokio::task::spawn_blocking(Llmock::start).await.unwrap();
    let home = TempHome::new();
    let mut c = omega::Config::default();
    c.omega.data_dir = home.data_dir().display().to_string();
    c.provider.max_attempts = 1;
    c.provider.default = "openai".into();
    c.provider.openai.base_url = format!("http://127.0.0.1:{}/v1", omega_testkit::peers::free_port());
    c.provider.fallback = vec!["anthropic".into()];
    c.provider.anthropic.base_url = format!("http://127.0.0.1:{}/anthropic", mock.port);
    c.provider.anthropic.api_key = omega_core::Secret::new("sk-ant-test");
    let rt = omega::Runtime::builder(c).http(false).local_channel("app").start().await.unwrap();
    let r = rt.ask("app", "zed", "anyone home?").await.unwrap();
    assert_eq!(r.kind, OutboundKind::Reply, "{}", r.text);
    let audit = rt.store().recent_audit(1).await.unwrap();
    assert_eq!(audit[0].provider.as_deref(), Some("anthropic"), "the audit names who answered");
    // Health shows each provider of the chain: the default down, the fallback up.
    omega_testkit::wait_until_async(std::time::Duration::from_secs(20), "provider checks", || {
        let s = rt.provider_status();
        async move { s.status != "unknown" && !s.fallbacks.is_empty() }
    })
    .await;
    let s = rt.provider_status();
    assert_eq!((s.name.as_str(), s.status.as_str()), ("openai", "unavailable"), "{s:?}");
    assert_eq!((s.fallbacks[0].name.as_str(), s.fallbacks[0].status.as_str()), ("anthropic", "ok"), "{s:?}");
    rt.shutdown().await;
}

/// A runtime on the real Claude Code CLI, pointed at `mock`, with every model request answered
/// "Noted." (llmock's own tool choices would make the CLI run commands).
async fn claude_runtime(mock: &Llmock, home: &TempHome, cli_home: &std::path::Path) -> omega::Runtime {
    let claude = tokio::task::spawn_blocking(omega_testkit::peers::install_claude).await.unwrap();
    let mut c = omega::Config::default();
    c.omega.data_dir = home.data_dir().display().to_string();
    assert_eq!(c.provider.default, "claude-code");
    let cc = &mut c.provider.claude_code;
    cc.binary = claude.display().to_string();
    cc.base_url = format!("http://127.0.0.1:{}/anthropic", mock.port);
    cc.api_key = omega_core::Secret::new("sk-ant-test");
    cc.home = cli_home.display().to_string();
    cc.max_turns = 5;
    omega::Runtime::builder(c).http(false).local_channel("app").start().await.unwrap()
}

#[actix_rt::test]
async fn claude_code_is_resumed_per_sender_instead_of_being_sent_the_history() {
    let mock = tokio::task::spawn_blocking(Llmock::start).await.unwrap();
    mock.script(serde_json::json!([{"type": "reply", "text": "Noted.", "times": null}]));
    let (home, cli_home) = (TempHome::new(), tempfile::tempdir().unwrap());
    let rt = claude_runtime(&mock, &home, cli_home.path()).await;
    let first = rt.ask("app", "ivo", "My name is Ivo and I like plums").await.unwrap();
    assert_eq!(first.kind, OutboundKind::Reply, "{}", first.text);
    let store = rt.store();
    let sid = store.provider_session("app", "ivo", "", "claude-code").await.unwrap();
    assert!(sid.is_some(), "the CLI's session id is kept for this sender");

    // Turn 2, judged on its own requests: the CLI resumed its session, so the model sees the
    // first message although Omega sent only the new one.
    mock.clear_requests();
    let second = rt.ask("app", "ivo", "What fruit do I like?").await.unwrap();
    assert_eq!(second.kind, OutboundKind::Reply, "{}", second.text);
    let turn = mock.model_requests();
    assert!(!turn.is_empty(), "turn 2 reached the model");
    assert!(turn.iter().all(|r| r.contains("What fruit do I like?")), "{turn:?}");
    assert!(turn.iter().all(|r| r.contains("I like plums")), "the resumed session carried turn 1: {turn:?}");
    assert!(
        turn.iter().all(|r| !r.contains("[Earlier in this conversation]")),
        "the history was not re-sent: the CLI resumed its session"
    );
    assert_eq!(store.provider_session("app", "ivo", "", "claude-code").await.unwrap(), sid, "same session");
    let audit = store.recent_audit(1).await.unwrap();
    assert!(audit[0].cost_usd.is_some_and(|c| c > 0.0), "the CLI's own cost is recorded");

    // Another sender has a session of their own, and never sees Ivo's.
    mock.clear_requests();
    let r = rt.ask("app", "zoe", "Hi, I am Zoe").await.unwrap();
    assert_eq!(r.kind, OutboundKind::Reply, "{}", r.text);
    let turn = mock.model_requests();
    assert!(!turn.is_empty() && turn.iter().all(|r| r.contains("Hi, I am Zoe")), "{turn:?}");
    assert!(turn.iter().all(|r| !r.contains("plums")), "no sharing between senders");
    let zoe = store.provider_session("app", "zoe", "", "claude-code").await.unwrap();
    assert!(zoe.is_some() && zoe != sid);
    rt.shutdown().await;
}

#[actix_rt::test]
async fn a_claude_session_the_cli_does_not_know_falls_back_to_the_history() {
    let mock = tokio::task::spawn_blocking(Llmock::start).await.unwrap();
    mock.script(serde_json::json!([{"type": "reply", "text": "Noted.", "times": null}]));
    let (home, cli_home) = (TempHome::new(), tempfile::tempdir().unwrap());
    let rt = claude_runtime(&mock, &home, cli_home.path()).await;
    rt.ask("app", "ivo", "I like plums").await.unwrap();
    // The CLI's transcript is gone (a new machine, a wiped ~/.claude): its id is unknown to it.
    let lost = "4a1f2c3d-0000-4000-8000-00000000beef";
    rt.store().set_provider_session("app", "ivo", "", "claude-code", Some(lost)).await.unwrap();
    mock.clear_requests();
    let r = rt.ask("app", "ivo", "What fruit do I like?").await.unwrap();
    assert_eq!(r.kind, OutboundKind::Reply, "the person gets an answer, not the CLI's error: {}", r.text);
    let turn = mock.model_requests();
    assert!(!turn.is_empty());
    assert!(
        turn.iter().all(|r| r.contains("[Earlier in this conversation]") && r.contains("I like plums")),
        "the fresh session got the history from Omega's memory: {turn:?}"
    );
    let now = rt.store().provider_session("app", "ivo", "", "claude-code").await.unwrap();
    assert!(now.is_some() && now.as_deref() != Some(lost), "the fresh session replaced the lost one");
    rt.shutdown().await;
}

#[actix_rt::test]
async fn a_claude_session_is_kept_per_project_resumed_on_return_and_dropped_when_forgotten() {
    let mock = tokio::task::spawn_blocking(Llmock::start).await.unwrap();
    mock.script(serde_json::json!([{"type": "reply", "text": "Noted.", "times": null}]));
    let (home, cli_home) = (TempHome::new(), tempfile::tempdir().unwrap());
    std::fs::create_dir_all(home.data_dir().join("projects/house-move")).unwrap();
    let rt = claude_runtime(&mock, &home, cli_home.path()).await;
    let store = rt.store().clone();
    rt.ask("app", "ivo", "I like plums").await.unwrap();
    let plain = store.provider_session("app", "ivo", "", "claude-code").await.unwrap();
    assert!(plain.is_some());
    let ok = rt.ask("app", "ivo", "/project house-move").await.unwrap();
    assert!(ok.text.contains("is active"), "{}", ok.text);
    mock.clear_requests();
    rt.ask("app", "ivo", "The movers come on Friday").await.unwrap();
    let turn = mock.model_requests();
    assert!(turn.iter().all(|r| !r.contains("plums")), "the project starts its own context: {turn:?}");
    let project = store.provider_session("app", "ivo", "house-move", "claude-code").await.unwrap();
    assert!(project.is_some() && project != plain, "the project has a CLI session of its own");
    assert_eq!(store.provider_session("app", "ivo", "", "claude-code").await.unwrap(), plain, "kept");
    // Back to the general context: its session resumes, with what was said there.
    rt.ask("app", "ivo", "/project off").await.unwrap();
    mock.clear_requests();
    rt.ask("app", "ivo", "What fruit do I like?").await.unwrap();
    let turn = mock.model_requests();
    assert!(turn.iter().any(|r| r.contains("I like plums")), "resumed: {turn:?}");
    assert!(turn.iter().all(|r| !r.contains("movers")), "the project's talk stays there: {turn:?}");
    // /forget in the project forgets the project's conversation and session only.
    rt.ask("app", "ivo", "/project house-move").await.unwrap();
    rt.ask("app", "ivo", "/forget").await.unwrap();
    assert_eq!(store.provider_session("app", "ivo", "house-move", "claude-code").await.unwrap(), None);
    assert_eq!(store.provider_session("app", "ivo", "", "claude-code").await.unwrap(), plain, "kept");
    mock.clear_requests();
    let r = rt.ask("app", "ivo", "When do the movers come?").await.unwrap();
    assert_eq!(r.kind, OutboundKind::Reply, "{}", r.text);
    let turn = mock.model_requests();
    assert!(!turn.is_empty() && turn.iter().all(|r| !r.contains("on Friday")), "forgotten means forgotten");
    rt.shutdown().await;
}

#[actix_rt::test]
async fn a_photo_for_claude_code_is_read_by_its_tools_from_omegas_own_copy() {
    use omega_actors::gateway::Accepted;
    let mock = tokio::task::spawn_blocking(Llmock::start).await.unwrap();
    let (home, cli_home) = (TempHome::new(), tempfile::tempdir().unwrap());
    // Where a channel saves a photo: Omega's protected data dir.
    let media = home.data_dir().join("media");
    std::fs::create_dir_all(&media).unwrap();
    let upload = media.join("photo.png");
    std::fs::write(&upload, omega_testkit::PNG_1X1).unwrap();
    let saved = std::fs::canonicalize(&upload).unwrap();
    mock.script(serde_json::json!([
        {"type": "reply", "tool_calls": [{"name": "Read", "arguments": {"file_path": saved.display().to_string()}}]},
        {"type": "reply", "text": "A tiny grey square.", "times": null},
    ]));
    let rt = claude_runtime(&mock, &home, cli_home.path()).await;
    let mut inbound = omega::Inbound::text("app", "ivo", "what is in this picture?");
    inbound.attachments.push(omega_core::Attachment {
        kind: omega_core::AttachmentKind::Image,
        mime: "image/png".into(),
        path: upload.clone(),
        fetch: None,
    });
    let id = match rt.gateway().submit(inbound).await {
        Accepted::Queued(id) => id,
        other => panic!("not queued: {other:?}"),
    };
    let (tx, rx) = tokio::sync::oneshot::channel();
    rt.local("app").unwrap().do_send(omega_actors::channel::AwaitReply { inbox_id: id, tx });
    let reply = rx.await.unwrap();
    assert_eq!(
        (reply.kind, reply.text.as_str()),
        (OutboundKind::Reply, "A tiny grey square."),
        "{}",
        reply.text
    );
    let log = mock.model_requests();
    assert!(log[0].contains(&saved.display().to_string()), "the message names the image: {}", log[0]);
    assert!(
        log.iter().any(|r| r.contains("\"type\":\"image\"")),
        "the CLI's Read tool was let in to exactly that file and handed the image to the model: {log:?}"
    );
    assert!(!saved.exists(), "the image is deleted once answered");
    rt.shutdown().await;
}
