//! Ollama's native API (`POST {base_url}/api/chat`), streaming as newline-delimited JSON.
//!
//! Each line is a JSON object; the last one has `"done": true` with the token counts
//! (`prompt_eval_count`, `eval_count`). A stream that ends without it was cut off.

use async_trait::async_trait;
use futures::StreamExt;
use omega_core::config::OllamaConfig;
use serde::Deserialize;
use serde_json::json;
use std::time::Duration;

use crate::Provider;
use crate::error::ProviderError;
use crate::types::{ChatRequest, ChatResponse, DeltaSink, Role, Usage};
use crate::wire::{Endpoint, preview};

#[derive(Debug, Clone)]
pub struct OllamaProvider {
    config: OllamaConfig,
    http: reqwest::Client,
}

impl OllamaProvider {
    pub fn new(config: OllamaConfig) -> Self {
        Self { config, http: crate::wire::client() }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.config.base_url.trim_end_matches('/'))
    }

    fn at<'a>(&'a self, url: &'a str) -> Endpoint<'a> {
        Endpoint { provider: "ollama", url, timeout_secs: self.config.timeout_secs, key: "" }
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
            for r in &m.tool_results {
                messages.push(json!({"role": "tool", "content": r.content, "tool_name": r.name}));
            }
            if !m.tool_results.is_empty() && m.content.is_empty() {
                continue;
            }
            let mut msg = json!({"role": role, "content": m.content});
            if !m.tool_calls.is_empty() {
                msg["tool_calls"] = json!(
                    m.tool_calls
                        .iter()
                        .map(|c| json!({"function": {"name": c.name, "arguments": c.arguments}}))
                        .collect::<Vec<_>>()
                );
            }
            if !m.images.is_empty() {
                msg["images"] =
                    json!(m.images.iter().map(|i| crate::types::base64(&i.data)).collect::<Vec<_>>());
            }
            messages.push(msg);
        }
        let model = if req.model.is_empty() { &self.config.model } else { &req.model };
        let mut body = json!({
            "model": model,
            "messages": messages,
            "stream": stream,
            "options": {"num_predict": req.max_tokens.unwrap_or(self.config.max_tokens)},
        });
        if !req.tools.is_empty() {
            body["tools"] = json!(req
                .tools
                .iter()
                .map(|t| json!({"type": "function", "function": {"name": t.name, "description": t.description, "parameters": t.parameters}}))
                .collect::<Vec<_>>());
        }
        body
    }
}

#[async_trait]
impl Provider for OllamaProvider {
    fn name(&self) -> &str {
        "ollama"
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
        if !self.config.enabled {
            return Err(ProviderError::Disabled { provider: "ollama".into() });
        }
        if request.model.is_empty() {
            request.model = self.config.model.clone();
        }
        let url = self.url("api/chat");
        let resp = self
            .http
            .post(&url)
            .timeout(Duration::from_secs(self.config.timeout_secs))
            .json(&self.body(&request, self.config.stream))
            .send()
            .await
            .map_err(|e| self.at(&url).transport(&e))?;
        if !resp.status().is_success() {
            return Err(self.at(&url).status(resp).await);
        }
        let mut text = String::new();
        let mut calls: Vec<crate::types::ToolCall> = Vec::new();
        let mut last: Option<Line> = None;
        let mut buf: Vec<u8> = Vec::new();
        let mut body = resp.bytes_stream();
        let handle = |raw: &[u8],
                      text: &mut String,
                      calls: &mut Vec<crate::types::ToolCall>|
         -> Result<Option<Line>, ProviderError> {
            let raw = String::from_utf8_lossy(raw);
            let raw = raw.trim();
            if raw.is_empty() {
                return Ok(None);
            }
            let line: Line = serde_json::from_str(raw)
                .map_err(|e| self.at(&url).malformed(format!("{e}: {}", preview(raw))))?;
            if let Some(err) = &line.error {
                return Err(self.at(&url).in_stream(err.clone()));
            }
            for c in line.message.as_ref().and_then(|m| m.tool_calls.as_ref()).into_iter().flatten() {
                // Ollama has no call ids; the position and name identify the call.
                calls.push(crate::types::ToolCall {
                    id: format!("call-{}-{}", calls.len(), c.function.name),
                    name: c.function.name.clone(),
                    arguments: c.function.arguments.clone(),
                });
            }
            if let Some(piece) = line.message.as_ref().map(|m| m.content.clone()).filter(|c| !c.is_empty()) {
                text.push_str(&piece);
                if let Some(d) = &deltas {
                    let _ = d.send(piece);
                }
            }
            Ok(Some(line))
        };
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| self.at(&url).cut(&e))?;
            buf.extend_from_slice(&chunk);
            while let Some(pos) = buf.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = buf.drain(..=pos).collect();
                if let Some(l) = handle(&line, &mut text, &mut calls)? {
                    last = Some(l);
                }
            }
        }
        if let Some(l) = handle(&buf, &mut text, &mut calls)? {
            last = Some(l);
        }
        match last {
            Some(l) if l.done => Ok(ChatResponse {
                provider: "ollama".into(),
                text,
                model: l.model.unwrap_or_else(|| request.model.clone()),
                usage: Some(Usage {
                    input_tokens: l.prompt_eval_count,
                    output_tokens: l.eval_count,
                    cached_tokens: 0,
                    cache_write_tokens: 0,
                    estimated: false,
                }),
                finish_reason: l.done_reason,
                cost_usd: None,
                session_id: None,
                tool_calls: calls,
            }),
            _ => Err(self
                .at(&url)
                .truncated(format!("the answer ended after {} characters without \"done\"", text.len()))),
        }
    }

    async fn check(&self) -> Result<(), ProviderError> {
        let url = self.url("api/tags");
        let resp = self
            .http
            .get(&url)
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .map_err(|e| self.at(&url).transport(&e))?;
        if resp.status().is_success() { Ok(()) } else { Err(self.at(&url).status(resp).await) }
    }
}

#[derive(Deserialize)]
struct Line {
    model: Option<String>,
    message: Option<LineMessage>,
    #[serde(default)]
    done: bool,
    done_reason: Option<String>,
    #[serde(default)]
    prompt_eval_count: u64,
    #[serde(default)]
    eval_count: u64,
    error: Option<String>,
}

#[derive(Deserialize)]
struct LineMessage {
    #[serde(default)]
    content: String,
    tool_calls: Option<Vec<LineToolCall>>,
}

#[derive(Deserialize)]
struct LineToolCall {
    function: LineFunction,
}

#[derive(Deserialize)]
struct LineFunction {
    name: String,
    #[serde(default)]
    arguments: serde_json::Value,
}
