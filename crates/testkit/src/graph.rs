//! A wire-accurate fake of the WhatsApp Cloud API (Meta's Graph API), on loopback.
//!
//! - `POST /{version}/{phone_number_id}/messages` with `Authorization: Bearer TOKEN` and a JSON
//!   body: validated as Meta validates it (`messaging_product`, `to` in digits, `type: text`, a
//!   body of at most 4,096 characters) and answered with the `wamid` of the new message.
//! - `GET /{version}/{media_id}` → `{"url", "mime_type", "sha256", "file_size", "id"}`; the URL
//!   (`/media/{media_id}`, bearer required) serves the bytes.
//! - Errors have Graph's shape: `{"error": {"message", "type", "code", "error_subcode",
//!   "fbtrace_id"}}`, with `401`/`190` for a wrong token; faults can be queued (`fail_next_send`).

use crate::server::Running;
use actix_web::{HttpRequest, HttpResponse, web};
use parking_lot::Mutex;
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

/// A message the fake accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentText {
    pub to: String,
    pub body: String,
    pub id: String,
}

#[derive(Debug, Default)]
struct State {
    token: String,
    phone_number_id: String,
    sent: Vec<SentText>,
    /// Messages marked read (with "typing…" shown), by id.
    read: Vec<String>,
    /// Every request's method and path, in order.
    calls: Vec<(String, String)>,
    media: HashMap<String, (String, Vec<u8>)>,
    faults: VecDeque<(u16, i64, String)>,
    next_id: u64,
    /// Every request is answered 503 (the API or the network is down).
    down: bool,
}

/// A running fake Graph API. Stops when dropped.
pub struct FakeGraph {
    port: u16,
    state: Arc<Mutex<State>>,
    _server: Running,
}

impl std::fmt::Debug for FakeGraph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeGraph").field("port", &self.port).finish()
    }
}

impl FakeGraph {
    /// Start on a free loopback port, accepting `token` for the number `phone_number_id`.
    pub fn start(token: &str, phone_number_id: &str) -> Self {
        let state = Arc::new(Mutex::new(State {
            token: token.to_owned(),
            phone_number_id: phone_number_id.to_owned(),
            ..State::default()
        }));
        let data = web::Data::from(state.clone());
        let server = Running::spawn("fake-graph", 1, move |cfg| {
            cfg.app_data(data.clone())
                .route("/media/{id}", web::get().to(media_bytes))
                .route("/{version}/{phone}/messages", web::post().to(send))
                .route("/{version}/{media_id}", web::get().to(media_info));
        });
        Self { port: server.port, state, _server: server }
    }

    /// `http://127.0.0.1:PORT`, what `[channel.whatsapp] api_url` should be.
    pub fn api_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Serve `bytes` as media `id`.
    pub fn add_media(&self, id: &str, mime: &str, bytes: &[u8]) {
        self.state.lock().media.insert(id.to_owned(), (mime.to_owned(), bytes.to_vec()));
    }

    /// Answer the next send with a Graph error (`status`, `error.code`, `error.message`).
    pub fn fail_next_send(&self, status: u16, code: i64, message: &str) {
        self.state.lock().faults.push_back((status, code, message.to_owned()));
    }

    /// Answer every request with 503 (`true`) or as usual again (`false`).
    pub fn set_down(&self, down: bool) {
        self.state.lock().down = down;
    }

    /// The received messages Omega marked read (showing "typing…"), in order.
    pub fn read(&self) -> Vec<String> {
        self.state.lock().read.clone()
    }

    /// The text messages accepted so far, in order.
    pub fn sent(&self) -> Vec<SentText> {
        self.state.lock().sent.clone()
    }

    /// The texts accepted for `to`, in order.
    pub fn sent_to(&self, to: &str) -> Vec<String> {
        self.state.lock().sent.iter().filter(|s| s.to == to).map(|s| s.body.clone()).collect()
    }

    /// Every request as (method, path), in order.
    pub fn calls(&self) -> Vec<(String, String)> {
        self.state.lock().calls.clone()
    }
}

fn graph_error(status: u16, code: i64, message: &str) -> HttpResponse {
    let status =
        actix_web::http::StatusCode::from_u16(status).unwrap_or(actix_web::http::StatusCode::BAD_REQUEST);
    HttpResponse::build(status).json(json!({"error": {
        "message": message,
        "type": "OAuthException",
        "code": code,
        "error_subcode": 0,
        "fbtrace_id": "AbCdEfGhIjK",
    }}))
}

fn authorized(state: &State, req: &HttpRequest) -> bool {
    let header = req.headers().get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
    header.strip_prefix("Bearer ").is_some_and(|t| t == state.token)
}

async fn send(
    state: web::Data<Mutex<State>>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> HttpResponse {
    let (_, phone) = path.into_inner();
    let mut st = state.lock();
    st.calls.push(("POST".into(), req.path().to_owned()));
    if st.down {
        return graph_error(503, 2, "Service temporarily unavailable");
    }
    if !authorized(&st, &req) {
        return graph_error(401, 190, "Invalid OAuth access token - Cannot parse access token");
    }
    if phone != st.phone_number_id {
        return graph_error(
            400,
            100,
            &format!("Unsupported post request. Object with ID '{phone}' does not exist"),
        );
    }
    let v: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(_) => return graph_error(400, 100, "Invalid parameter: the body is not JSON"),
    };
    // Queued faults hit message sends, not read receipts.
    if v["status"] != "read"
        && let Some((status, code, message)) = st.faults.pop_front()
    {
        return graph_error(status, code, &message);
    }
    if v["messaging_product"] != "whatsapp" {
        return graph_error(400, 100, "(#100) The parameter messaging_product is required.");
    }
    if v["status"] == "read" {
        let Some(id) = v["message_id"].as_str() else {
            return graph_error(400, 100, "(#100) The parameter message_id is required.");
        };
        st.read.push(id.to_owned());
        return HttpResponse::Ok().json(json!({"success": true}));
    }
    let raw_to = v["to"].as_str().unwrap_or_default().to_owned();
    let group = v["recipient_type"] == "group";
    if raw_to.is_empty() || (!group && !raw_to.chars().all(|c| c.is_ascii_digit())) {
        return graph_error(400, 100, "(#100) Invalid parameter: to");
    }
    // A group is recorded as `group:ID`, the way Omega names it.
    let to = if group { format!("group:{raw_to}") } else { raw_to };
    if v["type"] != "text" {
        return graph_error(400, 100, "(#100) this fake accepts type text only");
    }
    let text = v["text"]["body"].as_str().unwrap_or_default().to_owned();
    if text.is_empty() || text.chars().count() > 4096 {
        return graph_error(400, 100, "(#100) Param text['body'] must be at most 4096 characters long.");
    }
    st.next_id += 1;
    let id = format!("wamid.FAKE{:06}", st.next_id);
    st.sent.push(SentText { to: to.clone(), body: text, id: id.clone() });
    HttpResponse::Ok().json(json!({
        "messaging_product": "whatsapp",
        "contacts": [{"input": to, "wa_id": to.trim_start_matches("group:")}],
        "messages": [{"id": id}],
    }))
}

async fn media_info(
    state: web::Data<Mutex<State>>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (_, id) = path.into_inner();
    let mut st = state.lock();
    st.calls.push(("GET".into(), req.path().to_owned()));
    if st.down {
        return graph_error(503, 2, "Service temporarily unavailable");
    }
    if !authorized(&st, &req) {
        return graph_error(401, 190, "Invalid OAuth access token - Cannot parse access token");
    }
    if id == st.phone_number_id {
        // The sending number itself (what a health probe reads).
        return HttpResponse::Ok().json(json!({
            "id": id, "display_phone_number": "+1 555-000-1111", "verified_name": "Omega Test",
            "quality_rating": "GREEN",
        }));
    }
    let Some((mime, bytes)) = st.media.get(&id) else {
        return graph_error(
            400,
            100,
            &format!("Unsupported get request. Object with ID '{id}' does not exist"),
        );
    };
    let host = req.connection_info().host().to_owned();
    HttpResponse::Ok().json(json!({
        "messaging_product": "whatsapp",
        "url": format!("http://{host}/media/{id}"),
        "mime_type": mime,
        "sha256": "0".repeat(64),
        "file_size": bytes.len(),
        "id": id,
    }))
}

async fn media_bytes(
    state: web::Data<Mutex<State>>,
    req: HttpRequest,
    path: web::Path<String>,
) -> HttpResponse {
    let id = path.into_inner();
    let mut st = state.lock();
    st.calls.push(("GET".into(), req.path().to_owned()));
    if !authorized(&st, &req) {
        return HttpResponse::Unauthorized().finish();
    }
    match st.media.get(&id) {
        Some((mime, bytes)) => HttpResponse::Ok().content_type(mime.clone()).body(bytes.clone()),
        None => HttpResponse::NotFound().finish(),
    }
}
