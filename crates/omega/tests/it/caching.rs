//! Prompt caching through the whole runtime: the prompt's stable prefix stays byte-identical
//! from turn to turn, so the provider's prefix cache (the fake does what OpenAI documents:
//! prompts of 1,024 tokens or more, the longest shared prefix in steps of 128) keeps hitting; the
//! cached tokens are audited and `/usage` shows the hit rate.

use crate::support::config;
use omega::Runtime;
use omega_testkit::{FakeOpenAi, TempHome};
use std::sync::Arc;

#[actix_rt::test]
async fn the_stable_prefix_is_cached_across_turns_and_usage_shows_the_hit_rate() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    // An owner's long SYSTEM.md: what makes caching worth it.
    let prompts = home.data_dir().join("prompts");
    std::fs::create_dir_all(&prompts).unwrap();
    let identity = format!("You are {{name}}. {}", "Be exact and kind to the person you help. ".repeat(200));
    std::fs::write(prompts.join("SYSTEM.md"), identity).unwrap();
    let clock = omega_core::clock::ManualClock::new(chrono::Utc::now());
    let rt = Runtime::builder(config(&home, &fake))
        .http(false)
        .local_channel("app")
        .clock(Arc::new(clock.clone()))
        .start()
        .await
        .unwrap();
    rt.ask("app", "ana", "Hello, I am Ana and I like plums.").await.unwrap();
    clock.advance(chrono::Duration::minutes(7));
    rt.ask("app", "ana", "What fruit do I like?").await.unwrap();
    clock.advance(chrono::Duration::minutes(3));
    rt.ask("app", "ana", "And what is my name?").await.unwrap();

    let systems: Vec<String> = fake.requests().iter().map(|r| r.system_prompt().unwrap()).collect();
    assert_eq!(systems.len(), 3);
    let stable = |s: &str| s[..s.find("\n\nCurrent time:").unwrap()].to_owned();
    assert_eq!(stable(&systems[0]), stable(&systems[1]), "only the time changed between turns");
    assert_ne!(systems[0], systems[1], "the time did change");

    let audit = rt.store().recent_audit(10).await.unwrap();
    let turns: Vec<_> = audit.iter().rev().filter(|a| a.input_text != "/usage").collect();
    assert_eq!(turns[0].cache_read_tokens, Some(0), "the first call has nothing cached yet");
    for t in &turns[1..] {
        let (read, prompt) = (t.cache_read_tokens.unwrap(), t.input_tokens.unwrap());
        assert!(
            read >= 1024 && read * 10 >= prompt * 9,
            "most of the prompt came from the cache: {read} of {prompt}"
        );
    }
    let usage = rt.ask("app", "ana", "/usage").await.unwrap().text;
    let rate: u32 = usage
        .split("Prompt cache: ")
        .nth(1)
        .and_then(|r| r.split('%').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{usage}"));
    assert!((55..=70).contains(&rate), "two of three calls were nearly all cached: {usage}");
    // /context: the next prompt, part by part (commands are not conversation).
    let before = fake.request_count();
    let context = rt.ask("app", "ana", "/context").await.unwrap().text;
    assert_eq!(fake.request_count(), before, "built, not sent");
    assert!(context.starts_with("Your next message's prompt, about "), "{context}");
    assert!(context.contains("- this conversation: 6 messages, ~"), "{context}");
    assert!(context.contains("- tools: ") && context.contains("(cached for everyone)"), "{context}");
    let stable: usize = context
        .split("skills list: ~")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(stable > 2000, "the long SYSTEM.md is in the stable part: {context}");
    rt.shutdown().await;
}
