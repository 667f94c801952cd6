//! A fake OpenAI chat-completions server.
//!
//! It follows the published wire format: `POST /v1/chat/completions` answering a
//! `chat.completion` object, or with `"stream": true` a `text/event-stream` of
//! `chat.completion.chunk` objects ending in `data: [DONE]` (with a usage chunk first when
//! `stream_options.include_usage` is set, unless told to omit usage as many compatible servers
//! do); errors as `{"error":{"message","type","param","code"}}`
//! with the matching status and `retry-after`; `GET /v1/models`. `created` is in seconds.
//!
//! Tests script what it says next ([`Script`]), how long it takes, and read back what it received.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::server::Running;
use bytes::Bytes;
use parking_lot::Mutex;
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What the fake answers to one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Script {
    /// `echo: <the last user message>`.
    Echo,
    /// This exact text.
    Text(String),
    /// An error status with an OpenAI error body (and `retry-after` seconds when given).
    Status { code: u16, message: String, retry_after: Option<u64> },
    /// Streaming: send the first half of the text, then end the body cleanly without a finish
    /// reason or `[DONE]`. Plain: a JSON body cut in half.
    Truncate(String),
    /// Streaming: send part of the text, then drop the connection mid-body.
    Disconnect(String),
    /// 200 with a body that is not JSON.
    Garbage(String),
    /// The model asks for tools: `(name, arguments)` each, with ids `call_0`, `call_1`, ...
    /// Streamed as OpenAI does: each call's id and name first, its arguments in pieces.
    ToolCalls(Vec<(String, Value)>),
    /// The request is taken (and recorded) and never answered, until the client goes away.
    Hang,
}

#[derive(Debug, Clone)]
struct Step {
    script: Script,
    delay: Duration,
}

/// A request as the fake received it.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    pub path: String,
    pub authorization: Option<String>,
    /// Every header, names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Value,
}

impl Recorded {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The content of the last `user` message.
    pub fn last_user_message(&self) -> Option<String> {
        last_user(&self.body)
    }

    /// The system prompt, if one was sent.
    pub fn system_prompt(&self) -> Option<String> {
        self.body["messages"]
            .as_array()?
            .iter()
            .find(|m| m["role"] == "system")
            .and_then(|m| m["content"].as_str().map(str::to_owned))
    }
}

/// Answers chosen from the request body itself: consulted after the queue, before the default.
type Responder = Arc<dyn Fn(&Value) -> Option<Script> + Send + Sync>;

#[derive(Default)]
struct ResponderSlot(Option<Responder>);

impl std::fmt::Debug for ResponderSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "responder" } else { "no responder" })
    }
}

#[derive(Debug, Default)]
struct State {
    queue: VecDeque<Step>,
    responder: ResponderSlot,
    default: Option<Step>,
    requests: Vec<Recorded>,
    api_key: Option<String>,
    /// What `/audio/transcriptions` answers: Ok(text) or Err(status).
    transcript: Option<Result<String, u16>>,
    /// Multipart bodies received by `/audio/transcriptions`.
    transcriptions: Vec<Vec<u8>>,
    /// Pause between streamed chunks (default 2 ms).
    chunk_delay: Option<Duration>,
    /// The prompts seen so far, sorted (for the automatic prefix caching OpenAI does): the
    /// longest prefix a prompt shares with any of them is shared with a sorted neighbour.
    prompts: std::collections::BTreeSet<String>,
    /// Send no usage at all, as many OpenAI-compatible servers do in their streams.
    no_usage: bool,
    /// Tokens (prompt + completion) of every usage sent so far.
    reported: u64,
}

#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    /// Transcriptions answer only while this is open (`true`).
    transcribing: tokio::sync::watch::Sender<bool>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

/// A running fake server. Stops when dropped.
pub struct FakeOpenAi {
    port: u16,
    shared: Arc<Shared>,
    _server: Running,
}

impl std::fmt::Debug for FakeOpenAi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeOpenAi").field("port", &self.port).finish()
    }
}

impl FakeOpenAi {
    /// Start on a free loopback port, answering [`Script::Echo`] unless told otherwise.
    pub fn start() -> Self {
        let shared = Arc::new(Shared {
            state: Mutex::default(),
            transcribing: tokio::sync::watch::Sender::new(true),
            in_flight: AtomicUsize::default(),
            max_in_flight: AtomicUsize::default(),
        });
        let data = web::Data::from(shared.clone());
        let server = Running::spawn("fake-openai", 1, move |cfg| {
            cfg.app_data(data.clone())
                .app_data(web::PayloadConfig::new(64 * 1024 * 1024))
                .route("/v1/chat/completions", web::post().to(chat))
                .route("/v1/models", web::get().to(models))
                .route("/v1/audio/transcriptions", web::post().to(transcription));
        });
        Self { port: server.port, shared, _server: server }
    }

    /// `http://127.0.0.1:PORT/v1`, what `base_url` should be.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/v1", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Answer the next request with `script`, immediately.
    /// Answer from the request itself: `f` sees each request's body (when the queue is empty)
    /// and picks the script, or `None` for the default. A model that reacts to what it reads.
    pub fn set_responder(&self, f: impl Fn(&Value) -> Option<Script> + Send + Sync + 'static) {
        self.shared.state.lock().responder = ResponderSlot(Some(Arc::new(f)));
    }

    pub fn push(&self, script: Script) {
        self.push_delayed(script, Duration::ZERO);
    }

    /// Answer the next request with `script` after `delay`.
    pub fn push_delayed(&self, script: Script, delay: Duration) {
        self.shared.state.lock().queue.push_back(Step { script, delay });
    }

    /// What to answer once the queue is empty (initially [`Script::Echo`] with no delay).
    pub fn set_default(&self, script: Script, delay: Duration) {
        self.shared.state.lock().default = Some(Step { script, delay });
    }

    /// Require `Authorization: Bearer <key>`; other requests get 401.
    pub fn require_api_key(&self, key: &str) {
        self.shared.state.lock().api_key = Some(key.to_owned());
    }

    /// Pause between streamed chunks, to make a stream take a while.
    pub fn set_chunk_delay(&self, delay: Duration) {
        self.shared.state.lock().chunk_delay = Some(delay);
    }

    /// What `/v1/audio/transcriptions` answers: the transcript, or an error status.
    pub fn set_transcript(&self, answer: Result<&str, u16>) {
        self.shared.state.lock().transcript = Some(answer.map(str::to_owned));
    }

    /// Hold every transcription (each waits, unanswered) until [`Self::release_transcriptions`]:
    /// a slow speech-to-text service.
    pub fn hold_transcriptions(&self) {
        self.shared.transcribing.send_replace(false);
    }

    pub fn release_transcriptions(&self) {
        self.shared.transcribing.send_replace(true);
    }

    /// The multipart bodies posted for transcription.
    pub fn transcriptions(&self) -> Vec<Vec<u8>> {
        self.shared.state.lock().transcriptions.clone()
    }

    /// Send no usage in any answer (plain or streamed), whatever the request asks for: the
    /// servers that ignore `stream_options.include_usage`.
    pub fn omit_usage(&self) {
        self.shared.state.lock().no_usage = true;
    }

    /// The tokens (prompt + completion) of every usage this server has reported.
    pub fn reported_tokens(&self) -> u64 {
        self.shared.state.lock().reported
    }

    /// Every chat request received so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.state.lock().requests.clone()
    }

    pub fn request_count(&self) -> usize {
        self.shared.state.lock().requests.len()
    }

    /// The most chat requests that were being answered at the same moment.
    pub fn max_in_flight(&self) -> usize {
        self.shared.max_in_flight.load(Ordering::SeqCst)
    }
}

struct InFlight<'a>(&'a Shared);

impl<'a> InFlight<'a> {
    fn enter(s: &'a Shared) -> Self {
        let now = s.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        s.max_in_flight.fetch_max(now, Ordering::SeqCst);
        Self(s)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn last_user(body: &Value) -> Option<String> {
    body["messages"]
        .as_array()?
        .iter()
        .rev()
        .find(|m| m["role"] == "user")
        .and_then(|m| m["content"].as_str().map(str::to_owned))
}

fn error_body(message: &str, kind: &str, code: Option<&str>) -> Value {
    json!({"error": {"message": message, "type": kind, "param": null, "code": code}})
}

/// OpenAI's automatic prompt caching, as documented: prompts of 1,024 tokens or more are cached,
/// and a request reuses the longest prefix it shares with an earlier one, in steps of 128 tokens.
/// (Tokens here are words, as everywhere in this fake.)
fn cached_prefix_tokens(shared: &Shared, parsed: &Value, prompt_tokens: u64) -> u64 {
    let prompt: String = parsed["messages"]
        .as_array()
        .map(|ms| ms.iter().map(|m| m["content"].as_str().unwrap_or("")).collect::<Vec<_>>().join("\n"))
        .unwrap_or_default();
    let mut st = shared.state.lock();
    let common = |p: &String| p.bytes().zip(prompt.bytes()).take_while(|(a, b)| a == b).count();
    let below = st.prompts.range::<String, _>(..prompt.clone()).next_back().map(common);
    let above = st.prompts.range::<String, _>(prompt.clone()..).next().map(common);
    let shared_chars = below.into_iter().chain(above).max().unwrap_or(0);
    st.prompts.insert(prompt.clone());
    if prompt_tokens < 1024 {
        return 0;
    }
    let mut end = shared_chars;
    while !prompt.is_char_boundary(end) {
        end -= 1;
    }
    // Only whole words of the shared prefix count.
    let common = &prompt[..end];
    let whole = if prompt[end..].starts_with(char::is_whitespace) || end == prompt.len() {
        common
    } else {
        common.rsplit_once(char::is_whitespace).map_or("", |(head, _)| head)
    };
    count_tokens(whole) / 128 * 128
}

fn count_tokens(s: &str) -> u64 {
    s.split_whitespace().count() as u64
}

async fn models(shared: web::Data<Shared>, req: HttpRequest) -> HttpResponse {
    if let Some(resp) = check_key(&shared, &req) {
        return resp;
    }
    HttpResponse::Ok().json(json!({
        "object": "list",
        "data": [{"id": "fake-model", "object": "model", "created": now_secs(), "owned_by": "omega-testkit"}]
    }))
}

async fn transcription(shared: web::Data<Shared>, req: HttpRequest, body: Bytes) -> HttpResponse {
    if let Some(resp) = check_key(&shared, &req) {
        return resp;
    }
    let is_multipart = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let text = String::from_utf8_lossy(&body);
    if !is_multipart || !text.contains("name=\"file\"") || !text.contains("name=\"model\"") {
        return HttpResponse::BadRequest().json(error_body(
            "expected multipart/form-data with `file` and `model`",
            "invalid_request_error",
            None,
        ));
    }
    shared.state.lock().transcriptions.push(body.to_vec());
    let mut open = shared.transcribing.subscribe();
    let _ = open.wait_for(|open| *open).await;
    let answer = {
        let st = shared.state.lock();
        st.transcript.clone().unwrap_or(Ok("hello from a voice note".into()))
    };
    match answer {
        Ok(t) => HttpResponse::Ok().json(json!({"text": t})),
        Err(code) => HttpResponse::build(
            actix_web::http::StatusCode::from_u16(code)
                .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR),
        )
        .json(error_body("transcription failed", "server_error", None)),
    }
}

fn check_key(shared: &Shared, req: &HttpRequest) -> Option<HttpResponse> {
    let want = shared.state.lock().api_key.clone()?;
    let got = req.headers().get("authorization").and_then(|v| v.to_str().ok());
    if got == Some(format!("Bearer {want}").as_str()) {
        return None;
    }
    Some(HttpResponse::Unauthorized().json(error_body(
        "Incorrect API key provided.",
        "invalid_request_error",
        Some("invalid_api_key"),
    )))
}

async fn chat(shared: web::Data<Shared>, req: HttpRequest, body: Bytes) -> HttpResponse {
    let _guard = InFlight::enter(&shared);
    let parsed: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return HttpResponse::BadRequest().json(error_body(
                &format!("We could not parse the JSON body of your request: {e}"),
                "invalid_request_error",
                None,
            ));
        }
    };
    let authorization = req.headers().get("authorization").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let step = {
        let mut st = shared.state.lock();
        let headers = req
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
            .collect();
        st.requests.push(Recorded {
            path: req.path().to_owned(),
            authorization,
            headers,
            body: parsed.clone(),
        });
        let responder = st.responder.0.clone();
        st.queue
            .pop_front()
            .or_else(|| {
                responder.and_then(|f| f(&parsed)).map(|script| Step { script, delay: Duration::ZERO })
            })
            .or_else(|| st.default.clone())
            .unwrap_or(Step { script: Script::Echo, delay: Duration::ZERO })
    };
    if let Some(resp) = check_key(&shared, &req) {
        return resp;
    }
    if parsed["model"].as_str().is_none_or(str::is_empty) || !parsed["messages"].is_array() {
        return HttpResponse::BadRequest().json(error_body(
            "you must provide a model parameter and a messages array",
            "invalid_request_error",
            None,
        ));
    }
    if step.script == Script::Hang {
        return std::future::pending().await;
    }
    if !step.delay.is_zero() {
        tokio::time::sleep(step.delay).await;
    }
    let model = parsed["model"].as_str().unwrap_or("fake-model").to_owned();
    let stream = parsed["stream"].as_bool().unwrap_or(false);
    let no_usage = shared.state.lock().no_usage;
    let usage_in_stream = parsed["stream_options"]["include_usage"].as_bool().unwrap_or(false) && !no_usage;
    let prompt_tokens: u64 = parsed["messages"]
        .as_array()
        .map(|ms| ms.iter().map(|m| count_tokens(m["content"].as_str().unwrap_or(""))).sum())
        .unwrap_or(0);
    let text = match &step.script {
        Script::Echo => format!("echo: {}", last_user(&parsed).unwrap_or_default()),
        Script::Text(t) | Script::Truncate(t) | Script::Disconnect(t) => t.clone(),
        Script::Status { code, message, retry_after } => {
            let status = actix_web::http::StatusCode::from_u16(*code)
                .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR);
            let kind = match code {
                429 => "rate_limit_exceeded",
                401 | 403 => "invalid_request_error",
                400..=499 => "invalid_request_error",
                _ => "server_error",
            };
            let mut b = HttpResponse::build(status);
            if let Some(s) = retry_after {
                b.insert_header(("retry-after", s.to_string()));
            }
            return b.json(error_body(message, kind, None));
        }
        Script::Garbage(g) => {
            return HttpResponse::Ok().content_type("application/json").body(g.clone());
        }
        Script::ToolCalls(_) | Script::Hang => String::new(),
    };
    let calls: Vec<(String, String, String)> = match &step.script {
        Script::ToolCalls(calls) => calls
            .iter()
            .enumerate()
            .map(|(i, (n, a))| (format!("call_{i}"), n.clone(), a.to_string()))
            .collect(),
        _ => Vec::new(),
    };
    let finish_reason = if calls.is_empty() { "stop" } else { "tool_calls" };
    let id = format!("chatcmpl-fake{}", now_secs());
    let cached = cached_prefix_tokens(&shared, &parsed, prompt_tokens);
    let usage = json!({
        "prompt_tokens": prompt_tokens,
        "completion_tokens": count_tokens(&text),
        "total_tokens": prompt_tokens + count_tokens(&text),
        "prompt_tokens_details": {"cached_tokens": cached},
    });
    let reported = prompt_tokens + count_tokens(&text);
    if !stream {
        let mut body = json!({
            "id": id,
            "object": "chat.completion",
            "created": now_secs(),
            "model": model,
            "choices": [{
                "index": 0,
                "message": if calls.is_empty() {
                    json!({"role": "assistant", "content": text})
                } else {
                    json!({"role": "assistant", "content": null, "tool_calls": calls.iter().map(|(id, n, a)| {
                        json!({"id": id, "type": "function", "function": {"name": n, "arguments": a}})
                    }).collect::<Vec<_>>()})
                },
                "logprobs": null,
                "finish_reason": finish_reason,
            }],
            "usage": usage,
        });
        if no_usage {
            body.as_object_mut().map(|b| b.remove("usage"));
        } else {
            shared.state.lock().reported += reported;
        }
        if matches!(step.script, Script::Truncate(_)) {
            let s = body.to_string();
            return HttpResponse::Ok().content_type("application/json").body(s[..s.len() / 2].to_owned());
        }
        return HttpResponse::Ok().json(body);
    }

    // Streaming: a role chunk, content in pieces of a few characters, a finish chunk, the usage
    // chunk when asked for, then [DONE].
    let chunk = |delta: Value, finish: Option<&str>| {
        json!({
            "id": id, "object": "chat.completion.chunk", "created": now_secs(), "model": model,
            "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}],
        })
    };
    let mut events: Vec<String> = vec![chunk(json!({"role": "assistant", "content": ""}), None).to_string()];
    let chars: Vec<char> = text.chars().collect();
    for piece in chars.chunks(7) {
        let s: String = piece.iter().collect();
        events.push(chunk(json!({"content": s}), None).to_string());
    }
    for (i, (id, name, args)) in calls.iter().enumerate() {
        let head = json!({"tool_calls": [{"index": i, "id": id, "type": "function",
                                          "function": {"name": name, "arguments": ""}}]});
        events.push(chunk(head, None).to_string());
        let chars: Vec<char> = args.chars().collect();
        for piece in chars.chunks(9) {
            let s: String = piece.iter().collect();
            events.push(
                chunk(json!({"tool_calls": [{"index": i, "function": {"arguments": s}}]}), None).to_string(),
            );
        }
    }
    let cut = match &step.script {
        Script::Truncate(_) | Script::Disconnect(_) => Some(events.len().div_ceil(2)),
        _ => None,
    };
    events.push(chunk(json!({}), Some(finish_reason)).to_string());
    if usage_in_stream {
        shared.state.lock().reported += reported;
        events.push(
            json!({"id": id, "object": "chat.completion.chunk", "created": now_secs(), "model": model,
                   "choices": [], "usage": usage})
            .to_string(),
        );
    }
    events.push("[DONE]".to_owned());
    let disconnect = matches!(step.script, Script::Disconnect(_));
    let events: Vec<String> = match cut {
        Some(n) => events.into_iter().take(n).collect(),
        None => events,
    };
    let mut items: Vec<Result<Bytes, actix_web::Error>> =
        events.into_iter().map(|e| Ok(Bytes::from(format!("data: {e}\n\n")))).collect();
    if disconnect {
        items.push(Err(actix_web::error::ErrorInternalServerError("connection dropped")));
    }
    let pause = shared.state.lock().chunk_delay.unwrap_or(Duration::from_millis(2));
    let mut resp = HttpResponse::Ok();
    resp.content_type("text/event-stream").insert_header(("cache-control", "no-cache"));
    if pause.is_zero() {
        // No pacing: the whole stream at once, as a server with the answer ready would send it.
        return resp.streaming(futures::stream::iter(items));
    }
    resp.streaming(futures::stream::iter(items).then(move |item| async move {
        tokio::time::sleep(pause).await;
        item
    }))
}

use futures::StreamExt as _;
