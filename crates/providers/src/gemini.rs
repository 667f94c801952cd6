//! Google's Gemini API: `POST {base_url}/v1beta/models/{model}:generateContent`, or
//! `:streamGenerateContent?alt=sse` for server-sent events, with `x-goog-api-key`.
//!
//! A streamed answer is complete only when a chunk carries a `finishReason`.

use async_trait::async_trait;
use futures::StreamExt;
use omega_core::config::GeminiConfig;
use serde::Deserialize;
use serde_json::json;
use std::time::Duration;

use crate::Provider;
use crate::error::ProviderError;
use crate::sse::SseParser;
use crate::types::{ChatRequest, ChatResponse, DeltaSink, Role, ToolCall, Usage};
use crate::wire::{Endpoint, preview};

#[derive(Debug, Clone)]
pub struct GeminiProvider {
    config: GeminiConfig,
    http: reqwest::Client,
}

impl GeminiProvider {
    pub fn new(config: GeminiConfig) -> Self {
        Self { config, http: crate::wire::client() }
    }

    fn url(&self, model: &str, stream: bool) -> String {
        let base = self.config.base_url.trim_end_matches('/');
        if stream {
            format!("{base}/v1beta/models/{model}:streamGenerateContent?alt=sse")
        } else {
            format!("{base}/v1beta/models/{model}:generateContent")
        }
    }

    fn at<'a>(&'a self, url: &'a str) -> Endpoint<'a> {
        Endpoint {
            provider: "gemini",
            url,
            timeout_secs: self.config.timeout_secs,
            key: self.config.api_key.expose(),
        }
    }

    fn body(&self, req: &ChatRequest) -> serde_json::Value {
        let contents: Vec<serde_json::Value> = req
            .messages
            .iter()
            .filter(|m| m.role != Role::System)
            .map(|m| {
                let role = if m.role == Role::Assistant { "model" } else { "user" };
                let mut parts = Vec::new();
                for r in &m.tool_results {
                    parts.push(json!({"functionResponse": {"name": r.name, "response": {"content": r.content, "is_error": r.is_error}}}));
                }
                if !m.content.is_empty() || (m.tool_results.is_empty() && m.tool_calls.is_empty()) {
                    parts.push(json!({"text": m.content}));
                }
                for c in &m.tool_calls {
                    parts.push(json!({"functionCall": {"name": c.name, "args": c.arguments}}));
                }
                parts.extend(m.images.iter().map(
                    |i| json!({"inline_data": {"mime_type": i.mime, "data": crate::types::base64(&i.data)}}),
                ));
                json!({"role": role, "parts": parts})
            })
            .collect();
        let mut body = json!({
            "contents": contents,
            "generationConfig": {"maxOutputTokens": req.max_tokens.unwrap_or(self.config.max_tokens)},
        });
        if !req.tools.is_empty() {
            let decls: Vec<serde_json::Value> = req
                .tools
                .iter()
                .map(|t| json!({"name": t.name, "description": t.description, "parameters": t.parameters}))
                .collect();
            body["tools"] = json!([{"functionDeclarations": decls}]);
        }
        if !req.system.is_empty() {
            body["systemInstruction"] = json!({"parts": [{"text": req.system}]});
        }
        body
    }

    async fn post(&self, url: &str, req: &ChatRequest) -> Result<reqwest::Response, ProviderError> {
        let resp = self
            .http
            .post(url)
            .header("x-goog-api-key", self.config.api_key.expose())
            .timeout(Duration::from_secs(self.config.timeout_secs))
            .json(&self.body(req))
            .send()
            .await
            .map_err(|e| self.at(url).transport(&e))?;
        if resp.status().is_success() { Ok(resp) } else { Err(self.at(url).status(resp).await) }
    }
}

/// Append a chunk's text and tool calls; returns the text added.
fn absorb(
    chunk: &GenerateResponse,
    text: &mut String,
    calls: &mut Vec<ToolCall>,
    usage: &mut Usage,
    finish: &mut Option<String>,
) -> String {
    let mut added = String::new();
    if let Some(c) = chunk.candidates.first() {
        for p in c.content.as_ref().map(|c| c.parts.as_slice()).unwrap_or_default() {
            if let Some(t) = &p.text {
                added.push_str(t);
            }
            if let Some(f) = &p.function_call {
                // Gemini has no call ids; the position and name identify the call.
                calls.push(ToolCall {
                    id: format!("call-{}-{}", calls.len(), f.name),
                    name: f.name.clone(),
                    arguments: f.args.clone().unwrap_or(serde_json::json!({})),
                });
            }
        }
        if c.finish_reason.is_some() {
            finish.clone_from(&c.finish_reason);
        }
    }
    if let Some(u) = &chunk.usage_metadata {
        *usage = Usage {
            input_tokens: u.prompt_token_count,
            output_tokens: u.candidates_token_count,
            cached_tokens: u.cached_content_token_count,
            cache_write_tokens: 0,
            estimated: false,
        };
    }
    text.push_str(&added);
    added
}

#[async_trait]
impl Provider for GeminiProvider {
    fn name(&self) -> &str {
        "gemini"
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
            return Err(ProviderError::Disabled { provider: "gemini".into() });
        }
        if self.config.api_key.is_empty() {
            return Err(ProviderError::NotConfigured {
                provider: "gemini".into(),
                what: "no API key".into(),
                hint: "set GEMINI_API_KEY or [provider.gemini] api_key in omega.toml".into(),
            });
        }
        if request.model.is_empty() {
            request.model = self.config.model.clone();
        }
        let url = self.url(&request.model, self.config.stream);
        let resp = self.post(&url, &request).await?;
        let (mut text, mut usage, mut finish) = (String::new(), Usage::default(), None);
        let mut calls = Vec::new();
        let mut model = None;
        if !self.config.stream {
            let bytes = resp.bytes().await.map_err(|e| self.at(&url).transport(&e))?;
            let r: GenerateResponse = serde_json::from_slice(&bytes).map_err(|e| {
                self.at(&url).malformed(format!("{e}: {}", preview(&String::from_utf8_lossy(&bytes))))
            })?;
            absorb(&r, &mut text, &mut calls, &mut usage, &mut finish);
            model = r.model_version;
        } else {
            let mut parser = SseParser::new();
            let mut body = resp.bytes_stream();
            while let Some(chunk) = body.next().await {
                let chunk = chunk.map_err(|e| self.at(&url).cut(&e))?;
                for ev in parser.push(&chunk) {
                    let r: GenerateResponse = serde_json::from_str(&ev.data)
                        .map_err(|e| self.at(&url).malformed(format!("{e}: {}", preview(&ev.data))))?;
                    if let Some(err) = r.error.as_ref().and_then(|e| e.message.clone()) {
                        return Err(self.at(&url).in_stream(err));
                    }
                    let added = absorb(&r, &mut text, &mut calls, &mut usage, &mut finish);
                    if !added.is_empty()
                        && let Some(d) = &deltas
                    {
                        let _ = d.send(added);
                    }
                    if r.model_version.is_some() {
                        model = r.model_version;
                    }
                }
            }
            if finish.is_none() {
                return Err(self.at(&url).truncated(format!(
                    "the stream ended after {} characters without a finishReason",
                    text.len()
                )));
            }
        }
        Ok(ChatResponse {
            provider: "gemini".into(),
            text,
            model: model.unwrap_or_else(|| request.model.clone()),
            // No usage in the answer is no report (estimated later), not a call of 0 tokens.
            usage: (usage != Usage::default()).then_some(usage),
            finish_reason: finish,
            cost_usd: None,
            session_id: None,
            tool_calls: calls,
        })
    }

    async fn check(&self) -> Result<(), ProviderError> {
        if self.config.api_key.is_empty() {
            return Err(ProviderError::NotConfigured {
                provider: "gemini".into(),
                what: "no API key".into(),
                hint: "set GEMINI_API_KEY or [provider.gemini] api_key in omega.toml".into(),
            });
        }
        Ok(())
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GenerateResponse {
    #[serde(default)]
    candidates: Vec<Candidate>,
    usage_metadata: Option<UsageMetadata>,
    model_version: Option<String>,
    error: Option<ErrorBody>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Candidate {
    content: Option<Content>,
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct Content {
    #[serde(default)]
    parts: Vec<Part>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Part {
    text: Option<String>,
    function_call: Option<FunctionCall>,
}

#[derive(Deserialize)]
struct FunctionCall {
    name: String,
    args: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UsageMetadata {
    #[serde(default)]
    prompt_token_count: u64,
    #[serde(default)]
    candidates_token_count: u64,
    #[serde(default)]
    cached_content_token_count: u64,
}

#[derive(Deserialize)]
struct ErrorBody {
    message: Option<String>,
}
