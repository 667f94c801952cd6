//! Anthropic's Messages API (`POST {base_url}/v1/messages`), plain and streaming.
//!
//! Prompt caching: the system prompt is sent as text blocks split at its cache points (the part
//! the same for everyone, then the part the same for this person), each marked
//! `cache_control: ephemeral`, and the last message is marked too, so the next turn reads the
//! whole conversation so far from the cache. Anthropic allows four breakpoints; this uses at
//! most three. Cache reads and writes are reported in [`Usage`].

use async_trait::async_trait;
use futures::StreamExt;
use omega_core::config::AnthropicConfig;
use serde::Deserialize;
use serde_json::json;
use std::time::Duration;

use crate::Provider;
use crate::error::ProviderError;
use crate::sse::SseParser;
use crate::types::{ChatRequest, ChatResponse, DeltaSink, Role, ToolCall, Usage};
use crate::wire::{Endpoint, preview};

/// The API version header Omega speaks.
pub const API_VERSION: &str = "2023-06-01";

#[derive(Debug, Clone)]
pub struct AnthropicProvider {
    config: AnthropicConfig,
    http: reqwest::Client,
}

impl AnthropicProvider {
    pub fn new(config: AnthropicConfig) -> Self {
        Self { config, http: crate::wire::client() }
    }

    fn url(&self) -> String {
        format!("{}/v1/messages", self.config.base_url.trim_end_matches('/'))
    }

    fn at<'a>(&'a self, url: &'a str) -> Endpoint<'a> {
        Endpoint {
            provider: "anthropic",
            url,
            timeout_secs: self.config.timeout_secs,
            key: self.config.api_key.expose(),
        }
    }

    fn ready(&self) -> Result<(), ProviderError> {
        if !self.config.enabled {
            return Err(ProviderError::Disabled { provider: "anthropic".into() });
        }
        if self.config.api_key.is_empty() {
            return Err(ProviderError::NotConfigured {
                provider: "anthropic".into(),
                what: "no API key".into(),
                hint: "set ANTHROPIC_API_KEY or [provider.anthropic] api_key in omega.toml".into(),
            });
        }
        Ok(())
    }

    fn body(&self, req: &ChatRequest, stream: bool) -> serde_json::Value {
        let messages: Vec<serde_json::Value> = req
            .messages
            .iter()
            .filter(|m| m.role != Role::System)
            .map(|m| {
                let role = if m.role == Role::Assistant { "assistant" } else { "user" };
                let plain = m.images.is_empty() && m.tool_calls.is_empty() && m.tool_results.is_empty();
                if plain {
                    return json!({"role": role, "content": m.content});
                }
                let mut blocks: Vec<serde_json::Value> = Vec::new();
                for r in &m.tool_results {
                    blocks.push(json!({"type": "tool_result", "tool_use_id": r.call_id, "content": r.content, "is_error": r.is_error}));
                }
                for i in &m.images {
                    blocks.push(json!({"type": "image", "source": {
                        "type": "base64", "media_type": i.mime, "data": crate::types::base64(&i.data)
                    }}));
                }
                if !m.content.is_empty() {
                    blocks.push(json!({"type": "text", "text": m.content}));
                }
                for c in &m.tool_calls {
                    blocks.push(json!({"type": "tool_use", "id": c.id, "name": c.name, "input": c.arguments}));
                }
                json!({"role": role, "content": blocks})
            })
            .collect();
        let model = if req.model.is_empty() { &self.config.model } else { &req.model };
        let mut body = json!({
            "model": model,
            "max_tokens": req.max_tokens.unwrap_or(self.config.max_tokens),
            "messages": messages,
            "stream": stream,
        });
        if !req.tools.is_empty() {
            body["tools"] = json!(req
                .tools
                .iter()
                .map(|t| json!({"name": t.name, "description": t.description, "input_schema": t.parameters}))
                .collect::<Vec<_>>());
        }
        if !req.system.is_empty() {
            body["system"] = json!(system_blocks(&req.system, &req.cache_points));
        }
        // The conversation so far, cached for the next turn (or the next round of tools).
        if let Some(last) = body["messages"].as_array_mut().and_then(|m| m.last_mut()) {
            if let Some(text) = last["content"].as_str().map(str::to_owned) {
                last["content"] = json!([{"type": "text", "text": text}]);
            }
            if let Some(block) = last["content"].as_array_mut().and_then(|b| b.last_mut()) {
                block["cache_control"] = json!({"type": "ephemeral"});
            }
        }
        body
    }

    async fn post(
        &self,
        url: &str,
        req: &ChatRequest,
        stream: bool,
    ) -> Result<reqwest::Response, ProviderError> {
        let resp = self
            .http
            .post(url)
            .header("x-api-key", self.config.api_key.expose())
            .header("anthropic-version", API_VERSION)
            .timeout(Duration::from_secs(self.config.timeout_secs))
            .json(&self.body(req, stream))
            .send()
            .await
            .map_err(|e| self.at(url).transport(&e))?;
        if resp.status().is_success() { Ok(resp) } else { Err(self.at(url).status(resp).await) }
    }

    async fn complete_plain(&self, req: &ChatRequest) -> Result<ChatResponse, ProviderError> {
        let url = self.url();
        let resp = self.post(&url, req, false).await?;
        let bytes = resp.bytes().await.map_err(|e| self.at(&url).transport(&e))?;
        let m: Message = serde_json::from_slice(&bytes).map_err(|e| {
            self.at(&url).malformed(format!("{e}: {}", preview(&String::from_utf8_lossy(&bytes))))
        })?;
        let text = m.content.iter().filter_map(|b| b.text.as_deref()).collect::<Vec<_>>().join("");
        let tool_calls = m
            .content
            .iter()
            .filter(|b| b.kind == "tool_use")
            .map(|b| ToolCall {
                id: b.id.clone().unwrap_or_default(),
                name: b.name.clone().unwrap_or_default(),
                arguments: b.input.clone().unwrap_or(serde_json::Value::Null),
            })
            .collect();
        Ok(ChatResponse {
            provider: "anthropic".into(),
            text,
            model: m.model.unwrap_or_else(|| req.model.clone()),
            usage: m.usage.map(Into::into),
            finish_reason: m.stop_reason,
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
        let url = self.url();
        let resp = self.post(&url, req, true).await?;
        let (mut text, mut model, mut stop) = (String::new(), None, None);
        let mut usage = Usage::default();
        let mut finished = false;
        // (block index, id, name, input JSON as it arrives)
        let mut calls: Vec<(usize, String, String, String)> = Vec::new();
        let mut parser = SseParser::new();
        let mut body = resp.bytes_stream();
        'read: while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| self.at(&url).cut(&e))?;
            for ev in parser.push(&chunk) {
                let parsed: StreamEvent = serde_json::from_str(&ev.data)
                    .map_err(|e| self.at(&url).malformed(format!("{e}: {}", preview(&ev.data))))?;
                match parsed.kind.as_str() {
                    "message_start" => {
                        if let Some(m) = parsed.message {
                            model = m.model;
                            if let Some(u) = m.usage {
                                usage = u.into();
                            }
                        }
                    }
                    "content_block_start" => {
                        if let Some(b) = parsed.content_block.filter(|b| b.kind == "tool_use") {
                            let i = parsed.index.unwrap_or(calls.len());
                            calls.push((
                                i,
                                b.id.unwrap_or_default(),
                                b.name.unwrap_or_default(),
                                String::new(),
                            ));
                        }
                    }
                    "content_block_delta" => {
                        let Some(d) = parsed.delta else { continue };
                        if let Some(json) = d.partial_json {
                            let i = parsed.index.unwrap_or(0);
                            if let Some(c) = calls.iter_mut().find(|c| c.0 == i) {
                                c.3.push_str(&json);
                            }
                        }
                        if let Some(piece) = d.text.filter(|t| !t.is_empty()) {
                            text.push_str(&piece);
                            let _ = deltas.send(piece);
                        }
                    }
                    "message_delta" => {
                        if let Some(d) = parsed.delta {
                            stop = d.stop_reason.or(stop);
                        }
                        if let Some(u) = parsed.usage {
                            usage.output_tokens = u.output_tokens;
                        }
                    }
                    "message_stop" => {
                        finished = true;
                        break 'read;
                    }
                    "error" => {
                        let message =
                            parsed.error.and_then(|e| e.message).unwrap_or_else(|| "error event".into());
                        return Err(self.at(&url).in_stream(message));
                    }
                    _ => {} // ping, content_block_start/stop
                }
            }
        }
        if !finished {
            return Err(self.at(&url).truncated(format!(
                "the stream ended after {} characters without message_stop",
                text.len()
            )));
        }
        Ok(ChatResponse {
            provider: "anthropic".into(),
            text,
            model: model.unwrap_or_else(|| req.model.clone()),
            // No usage in the answer is no report (estimated later), not a call of 0 tokens.
            usage: (usage != Usage::default()).then_some(usage),
            finish_reason: stop,
            cost_usd: None,
            session_id: None,
            tool_calls: calls
                .into_iter()
                .map(|(_, id, name, json)| ToolCall {
                    id,
                    name,
                    arguments: if json.trim().is_empty() {
                        serde_json::json!({})
                    } else {
                        serde_json::from_str(&json).unwrap_or(serde_json::Value::String(json))
                    },
                })
                .collect(),
        })
    }
}

#[async_trait]
impl Provider for AnthropicProvider {
    fn name(&self) -> &str {
        "anthropic"
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
        if self.config.stream {
            let sink = deltas.unwrap_or_else(|| tokio::sync::mpsc::unbounded_channel().0);
            self.complete_stream(&request, &sink).await
        } else {
            self.complete_plain(&request).await
        }
    }

    async fn check(&self) -> Result<(), ProviderError> {
        // The Messages API has no free ping; a configured key is the check that costs nothing.
        self.ready()
    }
}

#[derive(Deserialize)]
struct Message {
    model: Option<String>,
    #[serde(default)]
    content: Vec<Block>,
    stop_reason: Option<String>,
    usage: Option<WireUsage>,
}

#[derive(Deserialize)]
struct Block {
    #[serde(rename = "type", default)]
    kind: String,
    text: Option<String>,
    id: Option<String>,
    name: Option<String>,
    input: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct StreamEvent {
    #[serde(rename = "type")]
    kind: String,
    index: Option<usize>,
    content_block: Option<Block>,
    message: Option<Message>,
    delta: Option<Delta>,
    usage: Option<WireUsage>,
    error: Option<ErrorBody>,
}

#[derive(Deserialize)]
struct Delta {
    text: Option<String>,
    partial_json: Option<String>,
    stop_reason: Option<String>,
}

#[derive(Deserialize)]
struct ErrorBody {
    message: Option<String>,
}

/// The system prompt as text blocks split at `points`; every block but a last one after the
/// final point is a cache breakpoint. Points that are out of range, out of order or not on a
/// character boundary are skipped.
fn system_blocks(system: &str, points: &[usize]) -> Vec<serde_json::Value> {
    let mut blocks = Vec::new();
    let mut start = 0;
    for &p in points.iter().take(2) {
        if p <= start || p >= system.len() || !system.is_char_boundary(p) {
            continue;
        }
        blocks
            .push(json!({"type": "text", "text": &system[start..p], "cache_control": {"type": "ephemeral"}}));
        start = p;
    }
    if blocks.is_empty() {
        return vec![json!({"type": "text", "text": system, "cache_control": {"type": "ephemeral"}})];
    }
    blocks.push(json!({"type": "text", "text": &system[start..]}));
    blocks
}

#[derive(Deserialize, Default)]
struct WireUsage {
    #[serde(default)]
    input_tokens: u64,
    #[serde(default)]
    output_tokens: u64,
    #[serde(default)]
    cache_read_input_tokens: u64,
    #[serde(default)]
    cache_creation_input_tokens: u64,
}

impl From<WireUsage> for Usage {
    fn from(u: WireUsage) -> Self {
        Usage {
            // Counts come from the server: summed without overflowing.
            input_tokens: u
                .input_tokens
                .saturating_add(u.cache_read_input_tokens)
                .saturating_add(u.cache_creation_input_tokens),
            output_tokens: u.output_tokens,
            cached_tokens: u.cache_read_input_tokens,
            cache_write_tokens: u.cache_creation_input_tokens,
            estimated: false,
        }
    }
}
