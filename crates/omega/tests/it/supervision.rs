//! Real panics inside actors: the message in flight still gets an error reply, the actor is
//! replaced, and the next message is answered.

use crate::support::config;
use async_trait::async_trait;
use omega::{ChatRequest, ChatResponse, OutboundKind, Provider, ProviderError};
use omega_actors::supervisor::{Child, RestartCounts};
use omega_core::config::OpenAiConfig;
use omega_providers::DeltaSink;
use omega_providers::openai::OpenAiProvider;
use omega_testkit::{FakeOpenAi, TempHome};
use std::sync::Arc;

/// A real provider that panics when asked about "boom".
#[derive(Debug)]
struct Fragile(OpenAiProvider);

#[async_trait]
impl Provider for Fragile {
    fn name(&self) -> &str {
        "fragile"
    }
    fn default_model(&self) -> &str {
        self.0.default_model()
    }
    async fn complete(
        &self,
        req: ChatRequest,
        deltas: Option<DeltaSink>,
    ) -> Result<ChatResponse, ProviderError> {
        if req.messages.last().is_some_and(|m| m.content.contains("boom")) {
            panic!("provider bug triggered by the message");
        }
        self.0.complete(req, deltas).await
    }
    async fn check(&self) -> Result<(), ProviderError> {
        Ok(())
    }
}

#[actix_rt::test]
async fn a_panicking_provider_is_restarted_and_the_message_gets_an_error() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    let c = config(&home, &fake);
    let inner = OpenAiProvider::new(OpenAiConfig { stream: false, ..c.provider.openai.clone() });
    let rt = omega::Runtime::builder(c)
        .http(false)
        .local_channel("app")
        .provider(Arc::new(Fragile(inner)))
        .start()
        .await
        .unwrap();
    let r = rt.ask("app", "gil", "boom").await.unwrap();
    assert_eq!(r.kind, OutboundKind::Error);
    assert!(r.text.contains("internal error"), "{}", r.text);
    assert_eq!(rt.ask("app", "gil", "are you back?").await.unwrap().text, "echo: are you back?");
    let restarts = rt.supervisor().send(RestartCounts).await.unwrap();
    assert_eq!(restarts.get(&Child::Provider(0)), Some(&1));
    let row = rt.store().recent_audit(2).await.unwrap();
    assert_eq!(row[1].status, "error");
    rt.shutdown().await;
}

#[actix_rt::test]
async fn a_panicking_session_answers_with_an_error_and_the_sender_carries_on() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    fake.set_default(omega_testkit::Script::Echo, std::time::Duration::from_millis(200));
    let rt = omega::Runtime::builder(config(&home, &fake))
        .http(false)
        .local_channel("app")
        .inject_session_panic("PANIC-NOW")
        .start()
        .await
        .unwrap();
    // A message is being answered, a crashing one waits behind it, and one more behind that.
    let (a, b, c) = futures::join!(
        rt.ask("app", "hal", "first"),
        rt.ask("app", "hal", "PANIC-NOW please"),
        rt.ask("app", "hal", "third"),
    );
    assert_eq!(a.unwrap().text, "echo: first");
    let b = b.unwrap();
    assert_eq!(b.kind, OutboundKind::Error);
    assert!(b.text.contains("internal error"), "{}", b.text);
    assert_eq!(c.unwrap().text, "echo: third", "the message queued behind the crash is still answered");
    assert_eq!(rt.ask("app", "hal", "fourth").await.unwrap().text, "echo: fourth");
    let requests: Vec<_> = fake.requests().iter().filter_map(|r| r.last_user_message()).collect();
    assert!(
        !requests.iter().any(|m| m.contains("PANIC-NOW")),
        "the crashing message never reached the provider"
    );
    rt.shutdown().await;
}

#[actix_rt::test]
async fn a_runtime_shut_down_leaves_nothing_running_and_the_next_one_starts_in_the_same_process() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    let mut c = config(&home, &fake);
    // Every optional actor on, so shutdown has to stop each of them.
    c.heartbeat.enabled = true;
    (c.heartbeat.channel, c.heartbeat.recipient) = ("app".into(), "ada".into());
    c.memory.idle_minutes = 30;
    let first = omega::Runtime::builder(c.clone()).http(true).local_channel("app").start().await.unwrap();
    let r = first.ask("app", "ada", "hello").await.unwrap();
    assert_eq!(r.kind, OutboundKind::Reply);
    let running = first.liveness();
    assert!(running.running().contains(&"Heartbeat"), "{:?}", running.running());
    first.shutdown().await;
    assert_eq!(running.running(), Vec::<&str>::new(), "every actor of the first runtime stopped");

    // The lock was released (last): a second runtime opens the same data dir and carries on.
    let second = omega::Runtime::builder(c).http(true).local_channel("app").start().await.unwrap();
    let r = second.ask("app", "ada", "again").await.unwrap();
    assert_eq!(r.kind, OutboundKind::Reply);
    let history = second.store().history("app", "ada", 10).await.unwrap();
    assert_eq!(history.len(), 4, "both exchanges, once each");
    second.shutdown().await;
}

#[actix_rt::test]
async fn dropping_a_runtime_without_shutdown_still_stops_it_and_frees_the_data_dir() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    let c = config(&home, &fake);
    let first = omega::Runtime::builder(c.clone()).http(false).local_channel("app").start().await.unwrap();
    let running = first.liveness();
    drop(first);
    omega_testkit::wait_until_async(
        std::time::Duration::from_secs(10),
        "the dropped runtime to stop",
        || {
            let n = running.running().len();
            async move { n == 0 }
        },
    )
    .await;
    // The lock goes last, after the store is closed: poll for it under a deadline.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let second = loop {
        match omega::Runtime::builder(c.clone()).http(false).local_channel("app").start().await {
            Ok(rt) => break rt,
            Err(omega::StartError::Locked { .. }) if std::time::Instant::now() < deadline => {
                tokio::task::yield_now().await
            }
            Err(e) => panic!("the data dir is not freed by a dropped runtime: {e}"),
        }
    };
    second.shutdown().await;
}

#[actix_rt::test]
async fn a_tool_call_that_panics_is_an_error_for_the_model_and_the_sandbox_is_restarted() {
    use omega_testkit::Script;
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    fake.push(Script::ToolCalls(vec![("explode".into(), serde_json::json!({}))]));
    fake.push(Script::Text("That tool broke.".into()));
    let rt = omega::Runtime::builder(config(&home, &fake))
        .http(false)
        .local_channel("app")
        .inject_tool_panic("explode")
        .start()
        .await
        .unwrap();
    let r = rt.ask("app", "ivy", "use the exploding tool").await.unwrap();
    assert_eq!((r.kind, r.text.as_str()), (OutboundKind::Reply, "That tool broke."), "{}", r.text);
    let result = fake.requests()[1].body["messages"].as_array().unwrap().last().unwrap()["content"].clone();
    assert!(result.as_str().unwrap().contains("crashed inside Omega"), "the model was told: {result}");
    // The Supervisor started a fresh Sandbox, and tools work again.
    omega_testkit::wait_until_async(std::time::Duration::from_secs(10), "the sandbox restart", || async {
        rt.supervisor().send(RestartCounts).await.unwrap().get(&Child::Sandbox) == Some(&1)
    })
    .await;
    fake.push(Script::ToolCalls(vec![("bash".into(), serde_json::json!({"command": "echo still here"}))]));
    fake.push(Script::Text("Done.".into()));
    let r = rt.ask("app", "ivy", "and now a normal one").await.unwrap();
    assert_eq!(r.text, "Done.");
    let result = fake.requests()[3].body["messages"].as_array().unwrap().last().unwrap()["content"].clone();
    assert!(result.as_str().unwrap().contains("still here"), "{result}");
    rt.shutdown().await;
}

#[actix_rt::test]
async fn a_backend_that_panics_is_restarted_alone_and_the_fallback_answers() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    let mut c = config(&home, &fake);
    let inner = OpenAiProvider::new(OpenAiConfig { stream: false, ..c.provider.openai.clone() });
    // The fallback is another backend on the same wire (its own actor).
    c.provider.fallback = vec!["openrouter".into()];
    c.provider.openrouter.base_url = fake.base_url();
    c.provider.openrouter.api_key = omega_core::Secret::new("sk-or-test");
    let rt = omega::Runtime::builder(c)
        .http(false)
        .local_channel("app")
        .provider(Arc::new(Fragile(inner)))
        .start()
        .await
        .unwrap();
    let r = rt.ask("app", "gil", "boom").await.unwrap();
    assert_eq!((r.kind, r.text.as_str()), (OutboundKind::Reply, "echo: boom"), "the fallback answered");
    let audit = rt.store().recent_audit(1).await.unwrap();
    assert_eq!(audit[0].provider.as_deref(), Some("openrouter"));
    let restarts = rt.supervisor().send(RestartCounts).await.unwrap();
    assert_eq!(restarts.get(&Child::Provider(0)), Some(&1), "{restarts:?}");
    assert_eq!(restarts.get(&Child::Provider(1)), None, "the fallback was not touched: {restarts:?}");
    // The default backend is back for the next message.
    let r = rt.ask("app", "gil", "hello again").await.unwrap();
    assert_eq!(r.text, "echo: hello again");
    let by = rt.store().recent_audit(1).await.unwrap()[0].provider.clone();
    assert_ne!(by.as_deref(), Some("openrouter"), "the default backend answered again");
    rt.shutdown().await;
}

#[actix_rt::test]
async fn a_local_channel_that_panics_is_restarted_and_the_reply_reaches_the_fresh_one() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    let shown = Arc::new(parking_lot::Mutex::new(Vec::<String>::new()));
    let panicked = Arc::new(AtomicBool::new(false));
    let (seen, once) = (shown.clone(), panicked.clone());
    // An embedder's channel whose display code has a bug: it panics on the first "boom" reply.
    let channel = omega_actors::channel::LocalChannel::new("app").with_sink(move |d: &omega::Deliver| {
        if d.text.contains("boom") && !once.swap(true, Ordering::SeqCst) {
            panic!("display bug");
        }
        seen.lock().push(d.text.clone());
    });
    let rt = omega::Runtime::builder(config(&home, &fake))
        .http(false)
        .local_channel_with("app", omega::Allowed::Anyone, channel)
        .start()
        .await
        .unwrap();
    // The caller waits across the restart: the Outbox delivers again, to the fresh channel.
    let r = rt.ask("app", "gil", "boom").await.unwrap();
    assert_eq!(r.text, "echo: boom");
    assert!(panicked.load(Ordering::SeqCst), "the sink never panicked");
    assert_eq!(shown.lock().clone(), ["echo: boom"], "shown once, by the fresh channel");
    let restarts = rt.supervisor().send(RestartCounts).await.unwrap();
    assert_eq!(restarts.get(&Child::Local(0)), Some(&1));
    assert_eq!(rt.ask("app", "gil", "still there?").await.unwrap().text, "echo: still there?");
    rt.shutdown().await;
}

#[actix_rt::test]
async fn every_background_actor_that_panics_is_restarted_and_does_its_job_again() {
    use omega_actors::supervisor::CrashChild;
    use omega_testkit::{Script, wait_until_async};
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    let rt =
        omega::Runtime::builder(config(&home, &fake)).http(false).local_channel("app").start().await.unwrap();
    let restarted = |child: Child| {
        let s = rt.supervisor().clone();
        async move { s.send(RestartCounts).await.unwrap().get(&child).copied() == Some(1) }
    };
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).format("%Y-%m-%dT09:00").to_string();
    for child in [
        Child::Markers,
        Child::Outbox,
        Child::Scheduler,
        Child::Heartbeat,
        Child::Summarizer,
        Child::Local(0),
    ] {
        assert!(rt.supervisor().send(CrashChild(child)).await.unwrap(), "{child:?} was not running");
        wait_until_async(std::time::Duration::from_secs(10), &format!("{child:?} restarted"), || {
            restarted(child)
        })
        .await;
        // What each one does still happens, through the fresh actor.
        let (said, expected) = match child {
            Child::Scheduler => (format!("SCHEDULE: stretch | {tomorrow} | once"), "✓ Reminder set: stretch"),
            Child::Heartbeat => {
                ("HEARTBEAT_ADD: water the plants".to_owned(), "✓ Added to your heartbeat checklist")
            }
            _ => (format!("still there after {child:?}?"), "still there after"),
        };
        fake.push(Script::Text(said));
        let reply = rt.ask("app", "gil", "go on").await.unwrap();
        assert!(reply.text.contains(expected), "after {child:?}: {}", reply.text);
    }
    assert!(rt.ask("app", "gil", "/tasks").await.unwrap().text.contains("stretch"));
    rt.shutdown().await;
}

#[actix_rt::test]
async fn both_halves_of_telegram_are_restarted_after_a_panic_and_the_next_message_is_answered() {
    use omega_actors::supervisor::CrashChild;
    use omega_testkit::telegram::FakeTelegram;
    use omega_testkit::wait_until_async;
    let (home, fake, tg) = (TempHome::new(), FakeOpenAi::start(), FakeTelegram::start("1:T"));
    let mut c = config(&home, &fake);
    c.channel.telegram.enabled = true;
    c.channel.telegram.bot_token = omega_core::Secret::new("1:T");
    c.channel.telegram.api_url = tg.api_url();
    c.channel.telegram.allowed_users = vec![4242];
    c.channel.telegram.poll_timeout_secs = 1;
    c.channel.telegram.stream = false;
    let rt = omega::Runtime::builder(c).http(false).start().await.unwrap();
    for (n, child) in [Child::Telegram, Child::TelegramPoller].into_iter().enumerate() {
        assert!(rt.supervisor().send(CrashChild(child)).await.unwrap(), "{child:?} was not running");
        let s = rt.supervisor().clone();
        wait_until_async(std::time::Duration::from_secs(10), &format!("{child:?} restarted"), || {
            let s = s.clone();
            async move { s.send(RestartCounts).await.unwrap().get(&child).copied() == Some(1) }
        })
        .await;
        tg.send_text(4242, &format!("message {n}"));
        wait_until_async(std::time::Duration::from_secs(20), "the reply", || {
            std::future::ready(tg.sent_to(4242).len() > n)
        })
        .await;
        assert_eq!(tg.sent_to(4242)[n].text, format!("echo: message {n}"), "after {child:?}");
    }
    rt.shutdown().await;
}
