//! A wire-accurate fake of the WhatsApp Cloud API (Meta's Graph API), on loopback.
//!
//! - `POST /{version}/{phone_number_id}/messages` with `Authorization: Bearer TOKEN` and a JSON
//!   body: validated as Meta validates it (`messaging_product`, `to` in digits, `type: text`, a
//!   body of at most 4,096 characters) and answered with the `wamid` of the new message.
//! - `GET /{version}/{media_id}` → `{"url", "mime_type", "sha256", "file_size", "id"}`; the URL
//!   (`/media/{media_id}`, bearer required) serves the bytes.
//! - `POST /{version}/{phone_number_id}/media`, `multipart/form-data` with `messaging_product`,
//!   `type` and `file`: an upload, checked against Meta's supported types and sizes (JPEG/PNG up
//!   to 5 MB; PDF, Office and `text/plain` up to 100 MB), answered `{"id"}`; a message of `type`
//!   `image` or `document` must name an uploaded id (captions up to 1,024 characters).
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

/// A file message the fake accepted (its upload resolved).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentMedia {
    pub to: String,
    /// `image` or `document`.
    pub kind: String,
    pub mime: String,
    pub bytes: Vec<u8>,
    pub caption: Option<String>,
    pub filename: Option<String>,
}

#[derive(Debug, Default)]
struct State {
    /// Files sent as messages, in order.
    sent_media: Vec<SentMedia>,
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
                .route("/{version}/{phone}/media", web::post().to(upload))
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

    /// The files sent as messages, in order.
    pub fn sent_media(&self) -> Vec<SentMedia> {
        self.state.lock().sent_media.clone()
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

/// What Meta answers to a POST before reading its body: the API down, a wrong token, an
/// unknown sending number (recorded in `calls` either way).
fn post_refused(st: &mut State, req: &HttpRequest, phone: &str) -> Option<HttpResponse> {
    st.calls.push(("POST".into(), req.path().to_owned()));
    if st.down {
        return Some(graph_error(503, 2, "Service temporarily unavailable"));
    }
    if !authorized(st, req) {
        return Some(graph_error(401, 190, "Invalid OAuth access token - Cannot parse access token"));
    }
    if phone != st.phone_number_id {
        let message = format!("Unsupported post request. Object with ID '{phone}' does not exist");
        return Some(graph_error(400, 100, &message));
    }
    None
}

async fn send(
    state: web::Data<Mutex<State>>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> HttpResponse {
    let (_, phone) = path.into_inner();
    let mut st = state.lock();
    if let Some(refused) = post_refused(&mut st, &req, &phone) {
        return refused;
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
    if let Some(kind) = v["type"].as_str().filter(|k| ["image", "document"].contains(k)) {
        let media = &v[kind];
        let Some((mime, bytes)) = media["id"].as_str().and_then(|id| st.media.get(id)).cloned() else {
            return graph_error(
                400,
                131053,
                &format!("(#131053) Media upload error: {kind}['id'] is not a valid media id"),
            );
        };
        let caption = media["caption"].as_str().map(str::to_owned);
        if caption.as_ref().is_some_and(|c| c.chars().count() > 1024) {
            return graph_error(
                400,
                100,
                &format!("(#100) Param {kind}['caption'] must be at most 1024 characters long."),
            );
        }
        if kind == "image" && !["image/jpeg", "image/png"].contains(&mime.as_str()) {
            return graph_error(400, 131053, "(#131053) Media upload error: an image must be JPEG or PNG");
        }
        let filename = media["filename"].as_str().map(str::to_owned);
        st.next_id += 1;
        let id = format!("wamid.FAKE{:06}", st.next_id);
        st.sent_media.push(SentMedia {
            to: to.clone(),
            kind: kind.to_owned(),
            mime,
            bytes,
            caption,
            filename,
        });
        return HttpResponse::Ok().json(json!({
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": to.trim_start_matches("group:")}],
            "messages": [{"id": id}],
        }));
    }
    if v["type"] != "text" {
        return graph_error(400, 100, "(#100) this fake accepts types text, image and document");
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

/// One part of a `multipart/form-data` body: its name, content type and bytes.
type Part = (String, Option<String>, Vec<u8>);

/// The parts of a `multipart/form-data` body.
fn multipart_parts(content_type: &str, body: &[u8]) -> Option<Vec<Part>> {
    let boundary =
        content_type.split(';').find_map(|p| p.trim().strip_prefix("boundary="))?.trim_matches('"');
    let delimiter = format!("--{boundary}");
    let mut out = Vec::new();
    let mut rest = body;
    loop {
        let start = find(rest, delimiter.as_bytes())? + delimiter.len();
        rest = &rest[start..];
        if rest.starts_with(b"--") {
            return Some(out);
        }
        rest = rest.strip_prefix(b"\r\n")?;
        let head_end = find(rest, b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&rest[..head_end]).into_owned();
        rest = &rest[head_end + 4..];
        let end = find(rest, format!("\r\n{delimiter}").as_bytes())?;
        let data = rest[..end].to_vec();
        rest = &rest[end + 2..];
        let name = head
            .split(';')
            .find_map(|p| p.trim().strip_prefix("name="))
            .map(|n| n.trim_matches('"').to_owned())?;
        let ctype = head
            .lines()
            .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-type:").map(|v| v.trim().to_owned()));
        out.push((name, ctype, data));
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

async fn upload(
    state: web::Data<Mutex<State>>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> HttpResponse {
    let (_, phone) = path.into_inner();
    let mut st = state.lock();
    if let Some(refused) = post_refused(&mut st, &req, &phone) {
        return refused;
    }
    let content_type = req.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
    let Some(parts) = multipart_parts(content_type, &body) else {
        return graph_error(400, 100, "(#100) the upload must be multipart/form-data");
    };
    let field = |n: &str| parts.iter().find(|(name, _, _)| name == n);
    if field("messaging_product").map(|p| p.2.as_slice()) != Some(b"whatsapp".as_slice()) {
        return graph_error(400, 100, "(#100) The parameter messaging_product is required.");
    }
    let Some((_, _, file)) = field("file") else {
        return graph_error(400, 100, "(#100) The parameter file is required.");
    };
    let Some(mime) = field("type").map(|p| String::from_utf8_lossy(&p.2).into_owned()) else {
        return graph_error(400, 100, "(#100) The parameter type is required.");
    };
    let (limit, ok) = match mime.as_str() {
        "image/jpeg" | "image/png" => (5 << 20, true),
        "text/plain"
        | "application/pdf"
        | "application/msword"
        | "application/vnd.ms-excel"
        | "application/vnd.ms-powerpoint"
        | "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        | "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => (100 << 20, true),
        _ => (0, false),
    };
    if !ok {
        return graph_error(400, 131053, &format!("(#131053) Media upload error: unsupported type {mime}"));
    }
    if file.len() > limit {
        return graph_error(400, 131053, "(#131053) Media upload error: the file is too large for its type");
    }
    st.next_id += 1;
    let id = format!("{}", 900_000 + st.next_id);
    let bytes = file.clone();
    st.media.insert(id.clone(), (mime, bytes));
    HttpResponse::Ok().json(json!({ "id": id }))
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
