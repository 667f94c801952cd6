//! A fake Ollama server, from Ollama's API documentation: `POST /api/chat` answering one JSON
//! object, or with `"stream": true` newline-delimited JSON objects ending in one with
//! `"done": true` and the token counts; `GET /api/tags`; errors as `{"error": "..."}`.
//! It echoes the last user message, knows one model, and can cut a stream short.

use actix_web::{HttpResponse, web};

use crate::server::Running;
use bytes::Bytes;
use parking_lot::Mutex;
use serde_json::{Value, json};
use std::sync::Arc;

#[derive(Debug, Default)]
struct State {
    requests: Vec<Value>,
    truncate_next: bool,
}

/// A running fake Ollama. Stops when dropped.
pub struct FakeOllama {
    port: u16,
    state: Arc<Mutex<State>>,
    _server: Running,
}

impl std::fmt::Debug for FakeOllama {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeOllama").field("port", &self.port).finish()
    }
}

/// The one model this server has.
pub const MODEL: &str = "llama3.1:8b";

impl FakeOllama {
    pub fn start() -> Self {
        let state = Arc::new(Mutex::new(State::default()));
        let data = web::Data::from(state.clone());
        let server = Running::spawn("fake-ollama", 1, move |cfg| {
            cfg.app_data(data.clone())
                .route("/api/chat", web::post().to(chat))
                .route("/api/tags", web::get().to(tags));
        });
        Self { port: server.port, state, _server: server }
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The next streamed answer stops before its `"done": true` line.
    pub fn truncate_next(&self) {
        self.state.lock().truncate_next = true;
    }

    pub fn requests(&self) -> Vec<Value> {
        self.state.lock().requests.clone()
    }
}

async fn tags() -> HttpResponse {
    HttpResponse::Ok().json(json!({"models": [{"name": MODEL, "model": MODEL, "size": 4_920_753_328u64}]}))
}

async fn chat(state: web::Data<Mutex<State>>, body: Bytes) -> HttpResponse {
    let req: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return HttpResponse::BadRequest().json(json!({"error": format!("invalid JSON: {e}")})),
    };
    let truncate = {
        let mut st = state.lock();
        st.requests.push(req.clone());
        std::mem::take(&mut st.truncate_next)
    };
    let model = req["model"].as_str().unwrap_or("");
    if model != MODEL {
        return HttpResponse::NotFound()
            .json(json!({"error": format!("model \"{model}\" not found, try pulling it first")}));
    }
    let last = req["messages"]
        .as_array()
        .and_then(|m| m.iter().rev().find(|m| m["role"] == "user"))
        .and_then(|m| m["content"].as_str())
        .unwrap_or("");
    // Given tools, and no tool result yet, ask for the first tool (arguments: `{}` or a sample
    // string per required property); after a result, answer in text.
    let answered_tool =
        req["messages"].as_array().and_then(|m| m.last()).is_some_and(|m| m["role"] == "tool");
    if let Some(tool) = req["tools"].as_array().and_then(|t| t.first()).filter(|_| !answered_tool) {
        let mut args = serde_json::Map::new();
        for name in tool["function"]["parameters"]["required"].as_array().into_iter().flatten() {
            if let Some(n) = name.as_str() {
                args.insert(n.to_owned(), json!("sample"));
            }
        }
        let call = json!({
            "model": MODEL, "created_at": "2026-11-25T10:00:00.000000000Z",
            "message": {"role": "assistant", "content": "", "tool_calls": [{"function": {"name": tool["function"]["name"], "arguments": args}}]},
            "done": true, "done_reason": "stop", "prompt_eval_count": 10, "eval_count": 5
        });
        return HttpResponse::Ok().content_type("application/x-ndjson").body(call.to_string() + "\n");
    }
    let text = if answered_tool {
        format!(
            "tool said: {}",
            req["messages"]
                .as_array()
                .and_then(|m| m.last())
                .and_then(|m| m["content"].as_str())
                .unwrap_or("")
        )
    } else {
        format!("echo: {last}")
    };
    let prompt_tokens: usize = req["messages"]
        .as_array()
        .map(|ms| ms.iter().map(|m| m["content"].as_str().unwrap_or("").split_whitespace().count()).sum())
        .unwrap_or(0);
    let eval = text.split_whitespace().count();
    let created = "2026-11-25T10:00:00.000000000Z";
    let done = json!({
        "model": MODEL, "created_at": created, "message": {"role": "assistant", "content": ""},
        "done": true, "done_reason": "stop", "total_duration": 1_000_000, "load_duration": 1000,
        "prompt_eval_count": prompt_tokens, "prompt_eval_duration": 1000, "eval_count": eval, "eval_duration": 1000
    });
    if req["stream"] == false {
        let mut whole = done;
        whole["message"]["content"] = json!(text);
        return HttpResponse::Ok().json(whole);
    }
    let mut lines: Vec<String> = text
        .split_inclusive(' ')
        .map(|w| {
            json!({"model": MODEL, "created_at": created, "message": {"role": "assistant", "content": w}, "done": false})
                .to_string()
        })
        .collect();
    if truncate {
        lines.truncate(lines.len() / 2);
    } else {
        lines.push(done.to_string());
    }
    let body: String = lines.into_iter().map(|l| l + "\n").collect();
    HttpResponse::Ok().content_type("application/x-ndjson").body(body)
}
