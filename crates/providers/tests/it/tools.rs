//! Native tool calling against llmock: given tools it asks for a call with arguments generated
//! from the schema; given the result it answers in text — a whole round of a tool loop.

use omega_core::config::{AnthropicConfig, GeminiConfig, OpenAiConfig};
use omega_providers::anthropic::AnthropicProvider;
use omega_providers::gemini::GeminiProvider;
use omega_providers::openai::OpenAiProvider;
use omega_providers::{ChatMessage, ChatRequest, Provider, Role, ToolResult, ToolSpec};
use omega_testkit::peers::Llmock;
use serde_json::json;

fn weather_tool() -> ToolSpec {
    ToolSpec {
        name: "get_weather".into(),
        description: "Current weather for a city".into(),
        parameters:
            json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}).into(),
    }
}

/// Ask, receive a tool call, hand back its result, receive text.
async fn round_trip(p: &dyn Provider) {
    let mut messages = vec![ChatMessage::new(Role::User, "What's the weather in Lisbon?")];
    let req =
        ChatRequest { messages: messages.clone(), tools: vec![weather_tool()], ..ChatRequest::default() };
    let first = p.complete(req, None).await.unwrap();
    assert_eq!(first.tool_calls.len(), 1, "{}: {first:?}", p.name());
    let call = first.tool_calls[0].clone();
    assert_eq!(call.name, "get_weather");
    assert!(
        call.arguments["city"].is_string(),
        "{}: arguments follow the schema: {}",
        p.name(),
        call.arguments
    );
    assert!(!call.id.is_empty());
    let mut assistant = ChatMessage::new(Role::Assistant, first.text.clone());
    assistant.tool_calls = vec![call.clone()];
    messages.push(assistant);
    let mut results = ChatMessage::new(Role::User, "");
    results.tool_results = vec![ToolResult {
        call_id: call.id,
        name: call.name,
        content: "18°C, sunny".into(),
        is_error: false,
    }];
    messages.push(results);
    let req = ChatRequest { messages, tools: vec![weather_tool()], ..ChatRequest::default() };
    let second = p.complete(req, None).await.unwrap();
    assert!(second.tool_calls.is_empty(), "{}: {second:?}", p.name());
    assert!(!second.text.trim().is_empty(), "{}", p.name());
}

#[tokio::test]
async fn openai_anthropic_and_gemini_tool_calls_plain_and_streamed() {
    let mock = tokio::task::spawn_blocking(Llmock::start).await.unwrap();
    for stream in [false, true] {
        let openai = OpenAiProvider::new(OpenAiConfig {
            base_url: mock.openai_base_url(),
            api_key: omega_core::Secret::new("sk-test"),
            model: "gpt-4o-mini".into(),
            stream,
            ..OpenAiConfig::default()
        });
        round_trip(&openai).await;
        let anthropic = AnthropicProvider::new(AnthropicConfig {
            base_url: format!("http://127.0.0.1:{}/anthropic", mock.port),
            api_key: omega_core::Secret::new("sk-ant-test"),
            stream,
            ..AnthropicConfig::default()
        });
        round_trip(&anthropic).await;
        let gemini = GeminiProvider::new(GeminiConfig {
            base_url: format!("http://127.0.0.1:{}/gemini", mock.port),
            api_key: omega_core::Secret::new("gm-test"),
            stream,
            ..GeminiConfig::default()
        });
        round_trip(&gemini).await;
    }
    let log = mock.get("/_llmock/requests").unwrap_or_default();
    assert!(
        log.contains("tool_call_id") && log.contains("tool_result"),
        "results went back in each wire's form"
    );
}

#[tokio::test]
async fn ollama_tool_calls_against_the_fake() {
    let fake = omega_testkit::ollama::FakeOllama::start();
    let p = omega_providers::ollama::OllamaProvider::new(omega_core::config::OllamaConfig {
        base_url: fake.base_url(),
        ..omega_core::config::OllamaConfig::default()
    });
    round_trip(&p).await;
    let sent = fake.requests();
    assert_eq!(sent[1]["messages"].as_array().unwrap().last().unwrap()["role"], "tool");
}
