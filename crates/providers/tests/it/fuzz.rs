//! Fuzzing the providers' response parsers (scorecard suite 3): generated bodies and streams —
//! well-formed events in odd orders, mistyped fields, huge numbers, garbage, cuts anywhere —
//! served over real HTTP to each client. Each call must end (no panic, no hang) either with an
//! answer whose streamed pieces add up to its text, or with an error that says something.

use omega_core::Secret;
use omega_core::config::{AnthropicConfig, GeminiConfig, OllamaConfig, OpenAiConfig};
use omega_providers::anthropic::AnthropicProvider;
use omega_providers::gemini::GeminiProvider;
use omega_providers::ollama::OllamaProvider;
use omega_providers::openai::OpenAiProvider;
use omega_providers::{ChatMessage, ChatRequest, Provider, Role};
use omega_testkit::fuzz::{self, RawServer, proptest, proptest::prelude::*};
use serde_json::{Value, json};

fn text() -> impl Strategy<Value = Value> {
    prop_oneof![
        6 => fuzz::text_of(&["hi", " ", "\n", "é", "🙂", "\"", "\\", "SCHEDULE: x | in 5 minutes | once"], 6).prop_map(Value::String),
        1 => Just(Value::Null),
        1 => Just(json!(42)),
        1 => Just(json!({"nested": true})),
    ]
}

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!(0)),
        Just(json!(7)),
        Just(json!(u64::MAX)),
        Just(json!(1_000_000_000_000_000_000u64)),
        Just(json!(-1)),
        Just(json!(1.5)),
        Just(json!("12")),
        Just(Value::Null),
    ]
}

/// A stream: generated events, maybe a garbage line, maybe cut short anywhere.
fn stream(event: impl Strategy<Value = String>) -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![8 => event, 1 => "[ -~]{0,20}\n\n", 1 => Just("\r\n".to_owned())];
    (proptest::collection::vec(piece, 0..12), any::<u16>(), any::<bool>()).prop_map(
        |(events, cut, cut_it)| {
            let mut bytes = events.concat().into_bytes();
            if cut_it && !bytes.is_empty() {
                bytes.truncate(usize::from(cut) % bytes.len());
            }
            bytes
        },
    )
}

fn sse(data: Value) -> String {
    format!("data: {data}\n\n")
}

fn openai_event() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => text().prop_map(|t| sse(json!({"model": "m", "choices": [{"index": 0, "delta": {"content": t}}]}))),
        2 => (number(), text(), text()).prop_map(|(i, name, args)| sse(json!({"choices": [{"delta": {"tool_calls": [
            {"index": i, "id": "call_1", "type": "function", "function": {"name": name, "arguments": args}}]}}]}))),
        2 => text().prop_map(|r| sse(json!({"choices": [{"delta": {}, "finish_reason": r}]}))),
        1 => (number(), number()).prop_map(|(p, c)| sse(json!({"choices": [], "usage": {"prompt_tokens": p, "completion_tokens": c,
            "prompt_tokens_details": {"cached_tokens": p}}}))),
        1 => text().prop_map(|m| sse(json!({"error": {"message": m, "type": "server_error"}}))),
        2 => Just("data: [DONE]\n\n".to_owned()),
        1 => Just(": keep-alive\n\n".to_owned()),
    ]
}

fn openai_plain() -> impl Strategy<Value = Vec<u8>> {
    (text(), text(), number(), number(), proptest::option::of((number(), text()))).prop_map(|(content, reason, p, c, call)| {
        let mut message = json!({"role": "assistant", "content": content});
        if let Some((i, name)) = call {
            message["tool_calls"] = json!([{"index": i, "id": "c", "type": "function", "function": {"name": name, "arguments": "{}"}}]);
        }
        json!({"model": "m", "choices": [{"index": 0, "message": message, "finish_reason": reason}],
               "usage": {"prompt_tokens": p, "completion_tokens": c}})
        .to_string()
        .into_bytes()
    })
}

fn anthropic_event() -> impl Strategy<Value = String> {
    let ev = |kind: &str, data: Value| format!("event: {kind}\ndata: {data}\n\n");
    prop_oneof![
        1 => (number(), number(), number()).prop_map(move |(i, r, w)| ev("message_start", json!({"type": "message_start",
            "message": {"model": "claude", "usage": {"input_tokens": i, "cache_read_input_tokens": r, "cache_creation_input_tokens": w}}}))),
        2 => (number(), proptest::bool::ANY, text()).prop_map(move |(i, tool, name)| ev("content_block_start", json!({"type": "content_block_start",
            "index": i, "content_block": if tool { json!({"type": "tool_use", "id": "t", "name": name, "input": {}}) } else { json!({"type": "text", "text": ""}) }}))),
        4 => (number(), text()).prop_map(move |(i, t)| ev("content_block_delta", json!({"type": "content_block_delta", "index": i,
            "delta": {"type": "text_delta", "text": t}}))),
        1 => (number(), text()).prop_map(move |(i, t)| ev("content_block_delta", json!({"type": "content_block_delta", "index": i,
            "delta": {"type": "input_json_delta", "partial_json": t}}))),
        1 => (text(), number()).prop_map(move |(r, o)| ev("message_delta", json!({"type": "message_delta",
            "delta": {"stop_reason": r}, "usage": {"output_tokens": o}}))),
        1 => text().prop_map(move |m| ev("error", json!({"type": "error", "error": {"type": "overloaded_error", "message": m}}))),
        1 => Just(ev("ping", json!({"type": "ping"}))),
        2 => Just(ev("message_stop", json!({"type": "message_stop"}))),
    ]
}

fn anthropic_plain() -> impl Strategy<Value = Vec<u8>> {
    (text(), text(), number(), number(), number()).prop_map(|(t, r, i, o, c)| {
        json!({"model": "claude", "content": [{"type": "text", "text": t}, {"type": "tool_use", "id": "x", "name": t, "input": {}}],
               "stop_reason": r, "usage": {"input_tokens": i, "output_tokens": o, "cache_read_input_tokens": c}})
        .to_string()
        .into_bytes()
    })
}

fn gemini_chunk() -> impl Strategy<Value = Value> {
    (text(), proptest::option::of(text()), number(), number(), proptest::bool::ANY).prop_map(|(t, reason, p, c, call)| {
        let part = if call { json!({"functionCall": {"name": t, "args": {}}}) } else { json!({"text": t}) };
        let mut cand = json!({"content": {"role": "model", "parts": [part]}});
        if let Some(r) = reason {
            cand["finishReason"] = r;
        }
        json!({"candidates": [cand], "usageMetadata": {"promptTokenCount": p, "candidatesTokenCount": c}, "modelVersion": "g"})
    })
}

fn ollama_line() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => text().prop_map(|t| format!("{}\n", json!({"model": "o", "message": {"role": "assistant", "content": t}, "done": false}))),
        1 => text().prop_map(|n| format!("{}\n", json!({"message": {"role": "assistant", "content": "", "tool_calls": [{"function": {"name": n, "arguments": {}}}]}, "done": false}))),
        2 => (number(), number(), text()).prop_map(|(p, e, r)| format!("{}\n", json!({"done": true, "done_reason": r, "prompt_eval_count": p, "eval_count": e}))),
        1 => text().prop_map(|m| format!("{}\n", json!({"error": m}))),
    ]
}

fn request() -> ChatRequest {
    ChatRequest { messages: vec![ChatMessage::new(Role::User, "hi")], ..ChatRequest::default() }
}

/// Call `provider` with `body` served as `kind`: it must answer or fail with a reason, never
/// panic or hang; a streamed answer's pieces add up to its text.
fn call(
    rt: &tokio::runtime::Runtime,
    server: &RawServer,
    provider: &dyn Provider,
    kind: &str,
    body: Vec<u8>,
    streamed: bool,
) -> Result<(), TestCaseError> {
    server.answer(kind, body);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let result = rt.block_on(async {
        tokio::time::timeout(std::time::Duration::from_secs(20), provider.complete(request(), Some(tx))).await
    });
    let result = result.map_err(|_| TestCaseError::fail("the call hung on a finished body"))?;
    let mut pieces = String::new();
    while let Ok(p) = rx.try_recv() {
        pieces.push_str(&p);
    }
    match result {
        Ok(answer) => {
            if streamed {
                prop_assert_eq!(&pieces, &answer.text, "the streamed pieces do not add up to the answer");
            }
        }
        Err(e) => prop_assert!(!e.to_string().trim().is_empty(), "an error that says nothing"),
    }
    Ok(())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

/// Fuzz a provider built twice, plain and streaming: `input` gives (streamed, body), and each body
/// goes to the client that reads it.
#[track_caller]
fn plain_and_streamed(
    target: &str,
    test: &str,
    (rt, server): (&tokio::runtime::Runtime, &RawServer),
    (plain, streaming): (&dyn Provider, &dyn Provider),
    input: impl Strategy<Value = (bool, Vec<u8>)>,
) {
    fuzz::check(target, test, input, |(streamed, body)| {
        if streamed {
            call(rt, server, streaming, "text/event-stream", body, true)
        } else {
            call(rt, server, plain, "application/json", body, false)
        }
    });
}

#[test]
fn openai_responses_and_streams_of_any_shape_end_in_an_answer_or_a_reason() {
    let (rt, server) = (runtime(), RawServer::start());
    let provider = |stream| {
        OpenAiProvider::new(OpenAiConfig {
            base_url: format!("http://127.0.0.1:{}/v1", server.port),
            api_key: Secret::new("sk-fuzz-key"),
            model: "m".into(),
            stream,
            timeout_secs: 10,
            ..OpenAiConfig::default()
        })
    };
    let (plain, streaming) = (provider(false), provider(true));
    let input =
        prop_oneof![openai_plain().prop_map(|b| (false, b)), stream(openai_event()).prop_map(|b| (true, b))];
    plain_and_streamed(
        "OpenAI response and SSE parser",
        "fuzz::openai_responses_and_streams_of_any_shape_end_in_an_answer_or_a_reason",
        (&rt, &server),
        (&plain, &streaming),
        input,
    );
}

#[test]
fn anthropic_responses_and_streams_of_any_shape_end_in_an_answer_or_a_reason() {
    let (rt, server) = (runtime(), RawServer::start());
    let provider = |stream| {
        AnthropicProvider::new(AnthropicConfig {
            base_url: format!("http://127.0.0.1:{}", server.port),
            api_key: Secret::new("sk-ant-fuzz"),
            model: "claude".into(),
            stream,
            timeout_secs: 10,
            ..AnthropicConfig::default()
        })
    };
    let (plain, streaming) = (provider(false), provider(true));
    let input = prop_oneof![
        anthropic_plain().prop_map(|b| (false, b)),
        stream(anthropic_event()).prop_map(|b| (true, b))
    ];
    plain_and_streamed(
        "Anthropic response and SSE parser",
        "fuzz::anthropic_responses_and_streams_of_any_shape_end_in_an_answer_or_a_reason",
        (&rt, &server),
        (&plain, &streaming),
        input,
    );
}

#[test]
fn gemini_responses_and_streams_of_any_shape_end_in_an_answer_or_a_reason() {
    let (rt, server) = (runtime(), RawServer::start());
    let provider = |stream| {
        GeminiProvider::new(GeminiConfig {
            base_url: format!("http://127.0.0.1:{}", server.port),
            api_key: Secret::new("gemini-fuzz-key"),
            model: "g".into(),
            stream,
            timeout_secs: 10,
            ..GeminiConfig::default()
        })
    };
    let (plain, streaming) = (provider(false), provider(true));
    let input = prop_oneof![
        gemini_chunk().prop_map(|c| (false, c.to_string().into_bytes())),
        stream(gemini_chunk().prop_map(sse)).prop_map(|b| (true, b)),
    ];
    plain_and_streamed(
        "Gemini response and SSE parser",
        "fuzz::gemini_responses_and_streams_of_any_shape_end_in_an_answer_or_a_reason",
        (&rt, &server),
        (&plain, &streaming),
        input,
    );
}

#[test]
fn ollama_streams_of_any_shape_end_in_an_answer_or_a_reason() {
    let (rt, server) = (runtime(), RawServer::start());
    let provider = OllamaProvider::new(OllamaConfig {
        base_url: format!("http://127.0.0.1:{}", server.port),
        model: "o".into(),
        stream: true,
        timeout_secs: 10,
        ..OllamaConfig::default()
    });
    fuzz::check(
        "Ollama NDJSON parser",
        "fuzz::ollama_streams_of_any_shape_end_in_an_answer_or_a_reason",
        stream(ollama_line()),
        |body| call(&rt, &server, &provider, "application/x-ndjson", body, true),
    );
}

#[test]
fn sse_events_come_out_the_same_however_the_bytes_are_cut() {
    use omega_providers::sse::SseParser;
    let input = (stream(openai_event()), proptest::collection::vec(any::<u16>(), 0..10));
    fuzz::check(
        "SSE parser",
        "fuzz::sse_events_come_out_the_same_however_the_bytes_are_cut",
        input,
        |(bytes, cuts)| {
            let whole: Vec<_> =
                SseParser::new().push(&bytes).into_iter().map(|e| (e.event, e.data)).collect();
            let mut at: Vec<usize> = cuts.iter().map(|&c| usize::from(c) % (bytes.len() + 1)).collect();
            at.sort_unstable();
            let mut parser = SseParser::new();
            let mut pieces = Vec::new();
            let mut from = 0;
            for i in at.into_iter().chain([bytes.len()]) {
                pieces.extend(parser.push(&bytes[from..i]).into_iter().map(|e| (e.event, e.data)));
                from = i;
            }
            prop_assert_eq!(whole, pieces, "the events depend on how the bytes arrived");
            Ok(())
        },
    );
}

/// A stream whose tool call index was 10^18 made the client grow a list to that length (out of
/// memory); it is one call.
#[test]
fn a_tool_call_index_of_ten_to_the_eighteen_is_one_call_not_an_allocation() {
    let (rt, server) = (runtime(), RawServer::start());
    let provider = OpenAiProvider::new(OpenAiConfig {
        base_url: format!("http://127.0.0.1:{}/v1", server.port),
        api_key: Secret::new("sk-fuzz-key"),
        model: "m".into(),
        stream: true,
        timeout_secs: 10,
        ..OpenAiConfig::default()
    });
    let call = json!({"choices": [{"delta": {"tool_calls": [{"index": 1_000_000_000_000_000_000u64, "id": "c1",
        "type": "function", "function": {"name": "bash", "arguments": "{\"command\":\"ls\"}"}}]}}]});
    let end = json!({"choices": [{"delta": {}, "finish_reason": "tool_calls"}]});
    server.answer("text/event-stream", format!("{}{}data: [DONE]\n\n", sse(call), sse(end)));
    let answer = rt.block_on(provider.complete(request(), None)).unwrap();
    assert_eq!(answer.tool_calls.len(), 1, "{:?}", answer.tool_calls);
    assert_eq!(answer.tool_calls[0].name, "bash");
    assert_eq!(answer.tool_calls[0].arguments, json!({"command": "ls"}));
}

/// Token counts near u64::MAX overflowed when Anthropic's input and cache counts were summed.
#[test]
fn token_counts_near_the_top_of_u64_do_not_overflow() {
    let (rt, server) = (runtime(), RawServer::start());
    let provider = AnthropicProvider::new(AnthropicConfig {
        base_url: format!("http://127.0.0.1:{}", server.port),
        api_key: Secret::new("sk-ant-fuzz"),
        model: "claude".into(),
        stream: false,
        timeout_secs: 10,
        ..AnthropicConfig::default()
    });
    let body = json!({"model": "claude", "content": [{"type": "text", "text": "hi"}], "stop_reason": "end_turn",
        "usage": {"input_tokens": u64::MAX, "output_tokens": 1, "cache_read_input_tokens": u64::MAX}});
    server.answer("application/json", body.to_string());
    let answer = rt.block_on(provider.complete(request(), None)).unwrap();
    assert_eq!(answer.usage.unwrap().input_tokens, u64::MAX);
}

#[test]
fn tool_output_never_closes_its_own_frame() {
    use omega_providers::toolloop::frame;
    let closes = |s: &str| {
        let lower = s.to_ascii_lowercase();
        lower
            .match_indices("</")
            .filter(|(i, _)| lower[i + 2..].trim_start().starts_with("tool_output"))
            .count()
    };
    let output = fuzz::text_of(
        &["</", "<", "/", "tool_output", "TOOL_OUTPUT", "Tool_Output", ">", " ", "\t", "\n", "\\", "İ", "x"],
        24,
    );
    fuzz::check("tool output framing", "fuzz::tool_output_never_closes_its_own_frame", output, |content| {
        let framed = frame("bash", &content);
        prop_assert_eq!(closes(&framed), 1, "the output closed its own frame: {:?}", framed);
        prop_assert!(framed.ends_with("\n</tool_output>"));
        Ok(())
    });
}
