//! OpenAI chat completions (`POST {base_url}/chat/completions`), plain and streaming.
//!
//! Only `base_url` distinguishes OpenAI from llama.cpp, vLLM or LM Studio, so the client sticks
//! to what they all accept: `model`, `messages`, `max_tokens`, `stream`, and
//! `stream_options.include_usage` (servers that ignore it simply send no usage).

use async_trait::async_trait;
use futures::StreamExt;
use omega_core::config::{OPENAI_BASE_URL, OpenAiConfig};
use serde::Deserialize;
use serde_json::json;
use std::time::Duration;

use crate::Provider;
use crate::error::ProviderError;
use crate::sse::SseParser;
use crate::types::{ChatRequest, ChatResponse, DeltaSink, Role, ToolCall, Usage};
use crate::wire::{Endpoint, preview};

/// A client for one OpenAI-compatible server.
#[derive(Debug, Clone)]
pub struct OpenAiProvider {
    name: String,
    config: OpenAiConfig,
    http: reqwest::Client,
    /// Extra headers every request carries (OpenRouter's attribution).
    headers: Vec<(&'static str, String)>,
}

impl OpenAiProvider {
    pub fn new(config: OpenAiConfig) -> Self {
        Self::named("openai", config)
    }

    /// The same wire under another name.
    pub fn named(name: &str, config: OpenAiConfig) -> Self {
        Self { name: name.to_owned(), config, http: crate::wire::client(), headers: Vec::new() }
    }

    /// OpenRouter: the OpenAI wire, a key always required, and its attribution headers.
    pub fn openrouter(config: OpenAiConfig) -> Self {
        let mut p = Self::named("openrouter", config);
        p.headers = vec![
            ("HTTP-Referer", "https://github.com/omega-agent/omega".to_owned()),
            ("X-Title", "Omega".to_owned()),
        ];
        p
    }

    fn endpoint(&self, path: &str) -> String {
        format!("{}/{path}", self.config.base_url.trim_end_matches('/'))
    }

    /// A missing key only matters against OpenAI itself; self-hosted servers usually need none.
    fn ready(&self) -> Result<(), ProviderError> {
        if !self.config.enabled {
            return Err(ProviderError::Disabled { provider: self.name.clone() });
        }
        let hosted =
            self.config.base_url.trim_end_matches('/') == OPENAI_BASE_URL || self.name == "openrouter";
        if hosted && self.config.api_key.is_empty() {
            let hint = if self.name == "openrouter" {
                "set OPENROUTER_API_KEY or [provider.openrouter] api_key in omega.toml".to_owned()
            } else {
                format!(
                    "set OPENAI_API_KEY or [provider.{0}] api_key in omega.toml, or point [provider.{0}] base_url \
                     at an OpenAI-compatible server (llama.cpp, vLLM, LM Studio, Ollama's /v1)",
                    self.name
                )
            };
            return Err(ProviderError::NotConfigured {
                provider: self.name.clone(),
                what: "no API key".into(),
                hint,
            });
        }
        Ok(())
    }

    fn authorized(&self, mut rb: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        for (k, v) in &self.headers {
            rb = rb.header(*k, v);
        }
        if self.config.api_key.is_empty() { rb } else { rb.bearer_auth(self.config.api_key.expose()) }
    }

    fn body(&self, req: &ChatRequest, stream: bool) -> serde_json::Value {
        let mut messages = Vec::with_capacity(req.messages.len() + 1);
        if !req.system.is_empty() {
            messages.push(json!({"role": "system", "content": req.system}));
        }
        for m in &req.messages {
            let role = match m.role {
                Role::System => "system",
                Role::User => "user",
                Role::Assistant => "assistant",
            };
            if !m.tool_calls.is_empty() {
                let calls: Vec<serde_json::Value> = m
                    .tool_calls
                    .iter()
                    .map(|c| json!({"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments.to_string()}}))
                    .collect();
                let content = if m.content.is_empty() { serde_json::Value::Null } else { json!(m.content) };
                messages.push(json!({"role": "assistant", "content": content, "tool_calls": calls}));
            } else if !m.tool_results.is_empty() {
                // Each result is a message of its own, tied to its call.
                for r in &m.tool_results {
                    messages.push(json!({"role": "tool", "tool_call_id": r.call_id, "content": r.content}));
                }
                if !m.content.is_empty() {
                    messages.push(json!({"role": "user", "content": m.content}));
                }
            } else if m.images.is_empty() {
                messages.push(json!({"role": role, "content": m.content}));
            } else {
                let mut parts = vec![json!({"type": "text", "text": m.content})];
                parts.extend(
                    m.images.iter().map(|i| json!({"type": "image_url", "image_url": {"url": i.data_url()}})),
                );
                messages.push(json!({"role": role, "content": parts}));
            }
        }
        let model = if req.model.is_empty() { &self.config.model } else { &req.model };
        let mut body = json!({
            "model": model,
            "messages": messages,
            "max_tokens": req.max_tokens.unwrap_or(self.config.max_tokens),
            "stream": stream,
        });
        if stream {
            body["stream_options"] = json!({"include_usage": true});
        }
        if !req.tools.is_empty() {
            body["tools"] = json!(req
                .tools
                .iter()
                .map(|t| json!({"type": "function", "function": {"name": t.name, "description": t.description, "parameters": t.parameters}}))
                .collect::<Vec<_>>());
        }
        body
    }

    fn at<'a>(&'a self, url: &'a str) -> Endpoint<'a> {
        Endpoint {
            provider: &self.name,
            url,
            timeout_secs: self.config.timeout_secs,
            key: self.config.api_key.expose(),
        }
    }

    /// POST the request; a non-2xx answer becomes the matching error.
    async fn post(
        &self,
        endpoint: &str,
        req: &ChatRequest,
        stream: bool,
    ) -> Result<reqwest::Response, ProviderError> {
        let resp = self
            .authorized(self.http.post(endpoint))
            .timeout(Duration::from_secs(self.config.timeout_secs))
            .json(&self.body(req, stream))
            .send()
            .await
            .map_err(|e| self.at(endpoint).transport(&e))?;
        if resp.status().is_success() { Ok(resp) } else { Err(self.at(endpoint).status(resp).await) }
    }

    async fn complete_plain(&self, req: &ChatRequest) -> Result<ChatResponse, ProviderError> {
        let endpoint = self.endpoint("chat/completions");
        let resp = self.post(&endpoint, req, false).await?;
        let bytes = resp.bytes().await.map_err(|e| self.at(&endpoint).transport(&e))?;
        let parsed: Completion = serde_json::from_slice(&bytes).map_err(|e| {
            self.at(&endpoint).malformed(format!("{e}: {}", preview(&String::from_utf8_lossy(&bytes))))
        })?;
        let choice = parsed
            .choices
            .into_iter()
            .next()
            .ok_or_else(|| self.at(&endpoint).malformed("no choices in the response"))?;
        let (text, tool_calls) = match choice.message {
            Some(m) => {
                let mut parts = CallParts::default();
                for c in m.tool_calls.unwrap_or_default() {
                    parts.add(c);
                }
                (m.content.unwrap_or_default(), parts.finish())
            }
            None => (String::new(), Vec::new()),
        };
        Ok(ChatResponse {
            provider: self.name.clone(),
            text,
            model: parsed.model.unwrap_or_else(|| req.model.clone()),
            usage: parsed.usage.map(Into::into),
            finish_reason: choice.finish_reason,
            cost_usd: None,
            session_id: None,
            tool_calls,
        })
    }

    async fn complete_stream(
        &self,
        req: &ChatRequest,
        deltas: &DeltaSink,
    ) -> Result<ChatResponse, ProviderError> {
        let endpoint = self.endpoint("chat/completions");
        let resp = self.post(&endpoint, req, true).await?;
        let mut text = String::new();
        let mut model = None;
        let mut usage = None;
        let mut finish_reason = None;
        let mut done = false;
        let mut calls = CallParts::default();
        let mut parser = SseParser::new();
        let mut body = resp.bytes_stream();
        'read: while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| self.at(&endpoint).cut(&e))?;
            for ev in parser.push(&chunk) {
                let data = ev.data.trim();
                if data == "[DONE]" {
                    done = true;
                    break 'read;
                }
                let parsed: StreamChunk = serde_json::from_str(data)
                    .map_err(|e| self.at(&endpoint).malformed(format!("{e}: {}", preview(data))))?;
                if let Some(err) = parsed.error {
                    return Err(self
                        .at(&endpoint)
                        .in_stream(err.message.unwrap_or_else(|| "error event in stream".into())));
                }
                if model.is_none() {
                    model = parsed.model;
                }
                if let Some(u) = parsed.usage {
                    usage = Some(u.into());
                }
                for choice in parsed.choices {
                    if let Some(delta) = choice.delta {
                        for c in delta.tool_calls.unwrap_or_default() {
                            calls.add(c);
                        }
                        if let Some(piece) = delta.content.filter(|p| !p.is_empty()) {
                            text.push_str(&piece);
                            let _ = deltas.send(piece);
                        }
                    }
                    if choice.finish_reason.is_some() {
                        finish_reason = choice.finish_reason;
                    }
                }
            }
        }
        // A stream that ends without `[DONE]` and without a finish reason was cut off; a short
        // answer must never pass for a whole one.
        if !done && finish_reason.is_none() {
            return Err(self
                .at(&endpoint)
                .truncated(format!("the stream ended after {} characters without finishing", text.len())));
        }
        Ok(ChatResponse {
            provider: self.name.clone(),
            text,
            model: model.unwrap_or_else(|| req.model.clone()),
            usage,
            finish_reason,
            cost_usd: None,
            session_id: None,
            tool_calls: calls.finish(),
        })
    }
}

#[async_trait]
impl Provider for OpenAiProvider {
    fn name(&self) -> &str {
        &self.name
    }

    fn default_model(&self) -> &str {
        &self.config.model
    }

    fn supports_tools(&self) -> bool {
        true
    }

    fn supports_vision(&self) -> bool {
        self.config.vision
    }

    async fn complete(
        &self,
        mut request: ChatRequest,
        deltas: Option<DeltaSink>,
    ) -> Result<ChatResponse, ProviderError> {
        self.ready()?;
        if request.model.is_empty() {
            request.model = self.config.model.clone();
        }
        // With `stream = true` the wire is always SSE (a cut-off answer is detected, and long
        // answers keep the connection busy); deltas are forwarded when someone listens.
        if self.config.stream {
            let sink = deltas.unwrap_or_else(|| tokio::sync::mpsc::unbounded_channel().0);
            self.complete_stream(&request, &sink).await
        } else {
            self.complete_plain(&request).await
        }
    }

    async fn check(&self) -> Result<(), ProviderError> {
        self.ready()?;
        let endpoint = self.endpoint("models");
        let resp = self
            .authorized(self.http.get(&endpoint))
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .map_err(|e| self.at(&endpoint).transport(&e))?;
        if resp.status().is_success() { Ok(()) } else { Err(self.at(&endpoint).status(resp).await) }
    }
}

#[derive(Deserialize)]
struct Completion {
    model: Option<String>,
    #[serde(default)]
    choices: Vec<Choice>,
    usage: Option<WireUsage>,
}

#[derive(Deserialize)]
struct Choice {
    message: Option<WireMessage>,
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct WireMessage {
    content: Option<String>,
    /// Servers send `null` as often as they leave it out.
    tool_calls: Option<Vec<WireToolCall>>,
}

/// A tool call, whole (plain responses) or in pieces (stream deltas, joined by `index`).
#[derive(Deserialize)]
struct WireToolCall {
    #[serde(default)]
    index: usize,
    id: Option<String>,
    function: Option<WireFunction>,
}

#[derive(Deserialize)]
struct WireFunction {
    name: Option<String>,
    #[serde(default)]
    arguments: String,
}

/// Tool calls put together from stream deltas, keyed by the index the server gives each call
/// (looked up, not used as a position: an index of 10^18 is one call, not an allocation).
#[derive(Default)]
struct CallParts {
    parts: Vec<(usize, String, String, String)>,
}

impl CallParts {
    fn add(&mut self, c: WireToolCall) {
        let at = match self.parts.iter().position(|p| p.0 == c.index) {
            Some(at) => at,
            None => {
                self.parts.push((c.index, String::new(), String::new(), String::new()));
                self.parts.len() - 1
            }
        };
        let p = &mut self.parts[at];
        if let Some(id) = c.id {
            p.1 = id;
        }
        if let Some(f) = c.function {
            if let Some(n) = f.name {
                p.2.push_str(&n);
            }
            p.3.push_str(&f.arguments);
        }
    }

    fn finish(mut self) -> Vec<ToolCall> {
        self.parts.sort_by_key(|p| p.0);
        self.parts
            .into_iter()
            .filter(|(_, _, name, _)| !name.is_empty())
            .map(|(_, id, name, args)| ToolCall {
                id,
                name,
                arguments: serde_json::from_str(&args).unwrap_or(serde_json::Value::String(args)),
            })
            .collect()
    }
}

#[derive(Deserialize)]
struct StreamChunk {
    model: Option<String>,
    #[serde(default)]
    choices: Vec<StreamChoice>,
    usage: Option<WireUsage>,
    error: Option<ErrorBody>,
}

#[derive(Deserialize)]
struct StreamChoice {
    delta: Option<WireMessage>,
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct ErrorBody {
    message: Option<String>,
}

#[derive(Deserialize)]
struct WireUsage {
    #[serde(default)]
    prompt_tokens: u64,
    #[serde(default)]
    completion_tokens: u64,
    /// OpenAI's automatic prompt caching reports cached prompt tokens here.
    prompt_tokens_details: Option<PromptDetails>,
}

#[derive(Deserialize)]
struct PromptDetails {
    #[serde(default)]
    cached_tokens: u64,
}

impl From<WireUsage> for Usage {
    fn from(u: WireUsage) -> Self {
        Usage {
            input_tokens: u.prompt_tokens,
            output_tokens: u.completion_tokens,
            cached_tokens: u.prompt_tokens_details.map_or(0, |d| d.cached_tokens),
            cache_write_tokens: 0,
            estimated: false,
        }
    }
}
