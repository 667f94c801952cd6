//! A fake Telegram Bot API server, written from the Bot API documentation.
//!
//! `POST|GET /bot<token>/<method>` with JSON or form parameters; method names are matched
//! case-insensitively (teloxide sends `GetUpdates`). Answers are `{"ok":true,"result":...}` or
//! `{"ok":false,"error_code":N,"description":"...","parameters":{"retry_after":S}}`. Dates are Unix
//! seconds. `getUpdates` honours `offset` (updates below it are confirmed and forgotten) and
//! `timeout` (long polling: it waits for an update up to that many seconds). `sendMessage` with
//! `parse_mode: "HTML"` is checked the way Telegram checks it: only its tags, balanced, with
//! `&lt;`-style entities; otherwise 400 "can't parse entities". A message longer than 4096 UTF-16
//! units after entity parsing is refused.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::server::Running;
use parking_lot::Mutex;
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::Notify;

pub const BOT_ID: i64 = 7_000_000_001;

/// A message the bot sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Sent {
    pub chat_id: i64,
    pub text: String,
    pub parse_mode: Option<String>,
    pub message_id: i64,
}

/// A photo the bot sent (`sendPhoto`, uploaded as multipart/form-data the way teloxide does).
#[derive(Debug, Clone, PartialEq)]
pub struct SentPhoto {
    pub chat_id: i64,
    pub caption: String,
    pub bytes: Vec<u8>,
    pub message_id: i64,
}

/// A document the bot sent (`sendDocument`, multipart like photos).
#[derive(Debug, Clone, PartialEq)]
pub struct SentDocument {
    pub chat_id: i64,
    pub caption: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub message_id: i64,
}

#[derive(Debug, Clone)]
struct Fault {
    method: String,
    code: u16,
    description: String,
    retry_after: Option<u64>,
}

#[derive(Debug, Default)]
struct State {
    token: String,
    next_update_id: i64,
    next_message_id: i64,
    updates: VecDeque<Value>,
    sent: Vec<Sent>,
    /// How many messages each chat was sent.
    sent_per_chat: std::collections::HashMap<i64, usize>,
    actions: Vec<(i64, String)>,
    /// `setMyCommands` by `language_code` ("" = the default set).
    commands: std::collections::BTreeMap<String, Vec<Value>>,
    calls: Vec<(String, Value)>,
    /// Methods called with a wrong token (answered 401), lower-case.
    rejected: Vec<String>,
    faults: Vec<Fault>,
    /// Confirmed = below the highest offset a client sent.
    confirmed_offset: i64,
    /// (message_id, new text) for every accepted editMessageText.
    edits: Vec<(i64, String)>,
    deleted: Vec<i64>,
    photos: Vec<SentPhoto>,
    documents: Vec<SentDocument>,
    /// file_id → (file_path, bytes)
    files: Vec<(String, String, Vec<u8>)>,
}

#[derive(Debug, Default)]
struct Shared {
    state: Mutex<State>,
    new_update: Notify,
    /// Signalled at every accepted `sendMessage` (for [`FakeTelegram::wait_sent_to`]).
    sent_signal: parking_lot::Condvar,
}

/// A running fake Bot API. Stops when dropped.
pub struct FakeTelegram {
    port: u16,
    shared: Arc<Shared>,
    _server: Running,
}

impl std::fmt::Debug for FakeTelegram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeTelegram").field("port", &self.port).finish()
    }
}

fn now_secs() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

impl FakeTelegram {
    /// Start on a free loopback port, accepting `token`.
    pub fn start(token: &str) -> Self {
        let shared = Arc::new(Shared::default());
        {
            let mut st = shared.state.lock();
            st.token = token.to_owned();
            st.next_update_id = 100;
            st.next_message_id = 1;
        }
        let data = web::Data::from(shared.clone());
        let server = Running::spawn("fake-telegram", 2, move |cfg| {
            cfg.app_data(data.clone())
                .app_data(web::PayloadConfig::new(64 * 1024 * 1024))
                .route("/bot{token}/{method}", web::to(method))
                .route("/file/bot{token}/{path:.*}", web::get().to(file));
        });
        Self { port: server.port, shared, _server: server }
    }

    /// What `api_url` should be.
    pub fn api_url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// A person sends the bot a private text message; returns the update id.
    pub fn send_text(&self, user_id: i64, text: &str) -> i64 {
        let mut st = self.shared.state.lock();
        let update_id = st.next_update_id;
        st.next_update_id += 1;
        let message_id = st.next_message_id;
        st.next_message_id += 1;
        let user = json!({"id": user_id, "is_bot": false, "first_name": format!("User{user_id}"), "username": format!("user{user_id}"), "language_code": "en"});
        st.updates.push_back(json!({
            "update_id": update_id,
            "message": {
                "message_id": message_id,
                "date": now_secs(),
                "chat": {"id": user_id, "type": "private", "first_name": format!("User{user_id}"), "username": format!("user{user_id}")},
                "from": user,
                "text": text,
            }
        }));
        drop(st);
        self.shared.new_update.notify_waiters();
        update_id
    }

    fn push_message(&self, user_id: i64, fields: Value) -> i64 {
        let mut st = self.shared.state.lock();
        let update_id = st.next_update_id;
        st.next_update_id += 1;
        let message_id = st.next_message_id;
        st.next_message_id += 1;
        let mut message = json!({
            "message_id": message_id,
            "date": now_secs(),
            "chat": {"id": user_id, "type": "private", "first_name": format!("User{user_id}")},
            "from": {"id": user_id, "is_bot": false, "first_name": format!("User{user_id}")},
        });
        for (k, v) in fields.as_object().into_iter().flatten() {
            message[k] = v.clone();
        }
        st.updates.push_back(json!({"update_id": update_id, "message": message}));
        drop(st);
        self.shared.new_update.notify_waiters();
        update_id
    }

    fn add_file(&self, kind: &str, bytes: &[u8]) -> (String, String) {
        let mut st = self.shared.state.lock();
        let n = st.files.len() + 1;
        let (id, path) = (format!("{kind}-file-{n}"), format!("{kind}s/file_{n}"));
        st.files.push((id.clone(), path.clone(), bytes.to_vec()));
        (id, path)
    }

    /// A person writes in a group chat; `reply_to_bot` makes it a reply to one of the bot's
    /// messages.
    pub fn send_group_text(&self, chat_id: i64, user_id: i64, text: &str, reply_to_bot: bool) -> i64 {
        let mut fields = json!({
            "chat": {"id": chat_id, "type": "supergroup", "title": "Family"},
            "text": text,
        });
        if reply_to_bot {
            fields["reply_to_message"] = json!({
                "message_id": 1, "date": now_secs(),
                "chat": {"id": chat_id, "type": "supergroup", "title": "Family"},
                "from": bot_user(), "text": "an earlier answer"
            });
        }
        self.push_message(user_id, fields)
    }

    /// A person sends a photo (JPEG bytes) with an optional caption, in three sizes as Telegram
    /// does; only the largest carries `bytes`, the smaller ones carry a marker.
    pub fn send_photo(&self, user_id: i64, bytes: &[u8], caption: Option<&str>) -> i64 {
        let (small, _) = self.add_file("photo", b"thumbnail");
        let (medium, _) = self.add_file("photo", b"medium");
        let (large, _) = self.add_file("photo", bytes);
        let size = |id: &str, w: u32, h: u32, n: usize| json!({"file_id": id, "file_unique_id": format!("u{id}"), "width": w, "height": h, "file_size": n});
        let mut fields = json!({"photo": [size(&small, 90, 60, 9), size(&large, 1280, 960, bytes.len()), size(&medium, 320, 240, 6)]});
        if let Some(c) = caption {
            fields["caption"] = json!(c);
        }
        self.push_message(user_id, fields)
    }

    /// A person sends a voice note (OGG bytes).
    pub fn send_voice(&self, user_id: i64, bytes: &[u8]) -> i64 {
        let (id, _) = self.add_file("voice", bytes);
        self.push_message(
            user_id,
            json!({"voice": {"file_id": id, "file_unique_id": format!("u{id}"), "duration": 3, "mime_type": "audio/ogg", "file_size": bytes.len()}}),
        )
    }

    /// The next call to `method` fails with this status (and `retry_after`, for 429).
    pub fn fail_next(&self, method: &str, code: u16, description: &str, retry_after: Option<u64>) {
        self.shared.state.lock().faults.push(Fault {
            method: method.to_ascii_lowercase(),
            code,
            description: description.to_owned(),
            retry_after,
        });
    }

    /// Messages the bot sent, in order.
    pub fn sent(&self) -> Vec<Sent> {
        self.shared.state.lock().sent.clone()
    }

    /// Messages the bot sent to one chat.
    /// Block until `chat_id` has been sent `count` messages in all, or `timeout` passes: whether
    /// it has. Cheap enough for a load tool's many senders (no copy of what was sent).
    pub fn wait_sent_to(&self, chat_id: i64, count: usize, timeout: Duration) -> bool {
        let deadline = std::time::Instant::now() + timeout;
        let mut st = self.shared.state.lock();
        loop {
            if st.sent_per_chat.get(&chat_id).copied().unwrap_or(0) >= count {
                return true;
            }
            if self.shared.sent_signal.wait_until(&mut st, deadline).timed_out() {
                return st.sent_per_chat.get(&chat_id).copied().unwrap_or(0) >= count;
            }
        }
    }

    pub fn sent_to(&self, chat_id: i64) -> Vec<Sent> {
        self.sent().into_iter().filter(|s| s.chat_id == chat_id).collect()
    }

    /// (message id, text) of every accepted edit, in order.
    pub fn edits(&self) -> Vec<(i64, String)> {
        self.shared.state.lock().edits.clone()
    }

    /// Ids of messages the bot deleted.
    /// Photos the bot sent and has not deleted, in order.
    pub fn photos(&self) -> Vec<SentPhoto> {
        self.shared.state.lock().photos.clone()
    }

    /// Documents the bot sent, in order.
    pub fn documents(&self) -> Vec<SentDocument> {
        self.shared.state.lock().documents.clone()
    }

    pub fn deleted(&self) -> Vec<i64> {
        self.shared.state.lock().deleted.clone()
    }

    /// (chat, action) pairs from `sendChatAction`.
    pub fn chat_actions(&self) -> Vec<(i64, String)> {
        self.shared.state.lock().actions.clone()
    }

    /// The default command menu registered with `setMyCommands` (no `language_code`).
    pub fn commands(&self) -> Vec<Value> {
        self.commands_for("")
    }

    /// The command menu registered for users whose app speaks `language_code` ("" = default).
    pub fn commands_for(&self, language_code: &str) -> Vec<Value> {
        self.shared.state.lock().commands.get(language_code).cloned().unwrap_or_default()
    }

    /// Every call: (lower-case method, parameters).
    pub fn calls(&self) -> Vec<(String, Value)> {
        self.shared.state.lock().calls.clone()
    }

    /// The methods called with a wrong token (each answered `401 Unauthorized`).
    pub fn rejected_calls(&self) -> Vec<String> {
        self.shared.state.lock().rejected.clone()
    }

    /// Updates not yet confirmed by a later `offset`.
    pub fn unconfirmed(&self) -> usize {
        self.shared.state.lock().updates.len()
    }

    pub fn confirmed_offset(&self) -> i64 {
        self.shared.state.lock().confirmed_offset
    }
}

impl Drop for FakeTelegram {
    fn drop(&mut self) {
        // Release long polls so the server can stop at once.
        self.shared.new_update.notify_waiters();
    }
}

fn ok(result: Value) -> HttpResponse {
    HttpResponse::Ok().json(json!({"ok": true, "result": result}))
}

fn err(code: u16, description: &str, retry_after: Option<u64>) -> HttpResponse {
    let status =
        actix_web::http::StatusCode::from_u16(code).unwrap_or(actix_web::http::StatusCode::BAD_REQUEST);
    let mut body = json!({"ok": false, "error_code": code, "description": description});
    if let Some(s) = retry_after {
        body["parameters"] = json!({"retry_after": s});
    }
    HttpResponse::build(status).json(body)
}

/// The fields of a multipart/form-data body: text fields as values, files as
/// `{"file_bytes": [..]}`.
fn multipart(content_type: &str, body: &[u8]) -> Option<Value> {
    let boundary = content_type.split("boundary=").nth(1)?.trim_matches('"');
    let delimiter = format!("--{boundary}");
    let mut map = serde_json::Map::new();
    let text = body;
    let mut rest = text;
    while let Some(start) = find(rest, delimiter.as_bytes()) {
        rest = &rest[start + delimiter.len()..];
        if rest.starts_with(b"--") {
            break;
        }
        let end = find(rest, delimiter.as_bytes()).unwrap_or(rest.len());
        let part = &rest[..end];
        let split = find(part, b"\r\n\r\n")?;
        let headers = String::from_utf8_lossy(&part[..split]).to_string();
        let mut content = &part[split + 4..];
        if content.ends_with(b"\r\n") {
            content = &content[..content.len() - 2];
        }
        let name = headers.split("name=\"").nth(1)?.split('"').next()?.to_owned();
        if headers.contains("filename=") {
            let file_name =
                headers.split("filename=\"").nth(1).and_then(|f| f.split('"').next()).unwrap_or("");
            map.insert(name, json!({"file_bytes": content, "file_name": file_name}));
        } else {
            let v = String::from_utf8_lossy(content).to_string();
            map.insert(name, serde_json::from_str::<Value>(&v).unwrap_or(Value::String(v)));
        }
    }
    Some(Value::Object(map))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Parameters from a JSON body, a form body, a multipart body, or the query string.
fn params(req: &HttpRequest, body: &[u8]) -> Value {
    let content_type =
        req.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    if content_type.starts_with("multipart/form-data")
        && let Some(v) = multipart(&content_type, body)
    {
        return v;
    }
    if let Ok(v) = serde_json::from_slice::<Value>(body)
        && v.is_object()
    {
        return v;
    }
    let raw = if body.is_empty() { req.query_string().as_bytes() } else { body };
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(raw).unwrap_or_default();
    let mut map = serde_json::Map::new();
    for (k, v) in pairs {
        let val = serde_json::from_str::<Value>(&v).unwrap_or(Value::String(v));
        map.insert(k, val);
    }
    Value::Object(map)
}

fn int(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

fn bot_user() -> Value {
    json!({"id": BOT_ID, "is_bot": true, "first_name": "Omega", "username": "omega_test_bot"})
}

async fn file(shared: web::Data<Shared>, path: web::Path<(String, String)>) -> HttpResponse {
    let (token, file_path) = path.into_inner();
    let st = shared.state.lock();
    if token != st.token {
        return HttpResponse::Unauthorized().finish();
    }
    match st.files.iter().find(|(_, p, _)| *p == file_path) {
        Some((_, _, bytes)) => {
            HttpResponse::Ok().content_type("application/octet-stream").body(bytes.clone())
        }
        None => HttpResponse::NotFound().finish(),
    }
}

async fn method(
    shared: web::Data<Shared>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> HttpResponse {
    let (token, method) = path.into_inner();
    let method = method.to_ascii_lowercase();
    let p = params(&req, &body);
    {
        let mut st = shared.state.lock();
        if token != st.token {
            st.rejected.push(method.clone());
            return err(401, "Unauthorized", None);
        }
        st.calls.push((method.clone(), p.clone()));
        if let Some(i) = st.faults.iter().position(|f| f.method == method) {
            let f = st.faults.remove(i);
            return err(f.code, &f.description, f.retry_after);
        }
    }
    match method.as_str() {
        "getme" => ok(json!({
            "id": BOT_ID, "is_bot": true, "first_name": "Omega", "username": "omega_test_bot",
            "can_join_groups": true, "can_read_all_group_messages": false, "supports_inline_queries": false,
            "can_connect_to_business": false, "has_main_web_app": false
        })),
        "getwebhookinfo" => {
            ok(json!({"url": "", "has_custom_certificate": false, "pending_update_count": 0}))
        }
        "deletewebhook" | "setmycommands" | "sendchataction" => {
            let mut st = shared.state.lock();
            if method == "setmycommands" {
                let lang = p["language_code"].as_str().unwrap_or("").to_owned();
                st.commands.insert(lang, p["commands"].as_array().cloned().unwrap_or_default());
            }
            if method == "sendchataction" {
                let chat = int(&p["chat_id"]).unwrap_or(0);
                st.actions.push((chat, p["action"].as_str().unwrap_or("").to_owned()));
            }
            ok(json!(true))
        }
        "getupdates" => get_updates(&shared, &p).await,
        "getfile" => {
            let st = shared.state.lock();
            let id = p["file_id"].as_str().unwrap_or("");
            match st.files.iter().find(|(fid, _, _)| fid == id) {
                Some((fid, path, bytes)) => ok(
                    json!({"file_id": fid, "file_unique_id": format!("u{fid}"), "file_size": bytes.len(), "file_path": path}),
                ),
                None => err(400, "Bad Request: invalid file_id", None),
            }
        }
        "sendmessage" => send_message(&shared, &p),
        "sendphoto" => {
            let Some(chat_id) = int(&p["chat_id"]) else {
                return err(400, "Bad Request: chat_id is empty", None);
            };
            // teloxide uploads the file as its own part and names it: `photo: attach://<part>`.
            let file = match p["photo"].as_str().and_then(|v| v.strip_prefix("attach://")) {
                Some(part) => &p[part],
                None => &p["photo"],
            };
            let Some(bytes) = file["file_bytes"].as_array() else {
                return err(400, "Bad Request: there is no photo in the request", None);
            };
            let bytes: Vec<u8> = bytes.iter().filter_map(|b| b.as_u64()).map(|b| b as u8).collect();
            let mut st = shared.state.lock();
            let message_id = st.next_message_id;
            st.next_message_id += 1;
            let caption = p["caption"].as_str().unwrap_or("").to_owned();
            st.photos.push(SentPhoto { chat_id, caption: caption.clone(), bytes, message_id });
            ok(json!({
                "message_id": message_id, "date": now_secs(),
                "chat": {"id": chat_id, "type": "private", "first_name": "User"},
                "from": bot_user(),
                "photo": [{"file_id": format!("photo-{message_id}"), "file_unique_id": format!("u{message_id}"), "width": 320, "height": 320}],
                "caption": caption,
            }))
        }
        "senddocument" => {
            let Some(chat_id) = int(&p["chat_id"]) else {
                return err(400, "Bad Request: chat_id is empty", None);
            };
            let file = match p["document"].as_str().and_then(|v| v.strip_prefix("attach://")) {
                Some(part) => &p[part],
                None => &p["document"],
            };
            let Some(bytes) = file["file_bytes"].as_array() else {
                return err(400, "Bad Request: there is no document in the request", None);
            };
            let bytes: Vec<u8> = bytes.iter().filter_map(|b| b.as_u64()).map(|b| b as u8).collect();
            let file_name = file["file_name"].as_str().unwrap_or("").to_owned();
            let mut st = shared.state.lock();
            let message_id = st.next_message_id;
            st.next_message_id += 1;
            let caption = p["caption"].as_str().unwrap_or("").to_owned();
            let size = bytes.len();
            st.documents.push(SentDocument {
                chat_id,
                caption: caption.clone(),
                file_name: file_name.clone(),
                bytes,
                message_id,
            });
            ok(json!({
                "message_id": message_id, "date": now_secs(),
                "chat": {"id": chat_id, "type": "private", "first_name": "User"},
                "from": bot_user(),
                "document": {"file_id": format!("doc-{message_id}"), "file_unique_id": format!("u{message_id}"),
                             "file_name": file_name, "file_size": size},
                "caption": caption,
            }))
        }
        "editmessagetext" => edit_message(&shared, &p),
        "deletemessage" => {
            let mut st = shared.state.lock();
            let mid = int(&p["message_id"]).unwrap_or(0);
            let before = st.sent.len() + st.photos.len();
            st.sent.retain(|m| m.message_id != mid);
            st.photos.retain(|m| m.message_id != mid);
            if st.sent.len() + st.photos.len() == before {
                return err(400, "Bad Request: message to delete not found", None);
            }
            st.deleted.push(mid);
            ok(json!(true))
        }
        _ => err(404, "Not Found: method not found", None),
    }
}

async fn get_updates(shared: &Shared, p: &Value) -> HttpResponse {
    let offset = int(&p["offset"]).unwrap_or(0);
    let timeout = int(&p["timeout"]).unwrap_or(0).clamp(0, 50) as u64;
    let limit = int(&p["limit"]).unwrap_or(100).clamp(1, 100) as usize;
    let deadline = Instant::now() + Duration::from_secs(timeout);
    loop {
        let notified = shared.new_update.notified();
        {
            let mut st = shared.state.lock();
            if offset > 0 {
                // An offset confirms every update below it: they are never sent again.
                st.updates.retain(|u| u["update_id"].as_i64().unwrap_or(0) >= offset);
                st.confirmed_offset = st.confirmed_offset.max(offset);
            }
            let batch: Vec<Value> = st.updates.iter().take(limit).cloned().collect();
            if !batch.is_empty() || Instant::now() >= deadline {
                return ok(Value::Array(batch));
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        let _ = tokio::time::timeout(left, notified).await;
    }
}

fn send_message(shared: &Shared, p: &Value) -> HttpResponse {
    let Some(chat_id) = int(&p["chat_id"]) else {
        return err(400, "Bad Request: chat_id is empty", None);
    };
    let text = p["text"].as_str().unwrap_or("").to_owned();
    if text.trim().is_empty() {
        return err(400, "Bad Request: message text is empty", None);
    }
    let parse_mode = p["parse_mode"].as_str().map(str::to_owned);
    let visible = match parse_mode.as_deref() {
        Some("HTML") => match visible_text(&text) {
            Ok(v) => v,
            Err(e) => {
                return err(400, &format!("Bad Request: can't parse entities: {e}"), None);
            }
        },
        _ => text.clone(),
    };
    if visible.chars().map(char::len_utf16).sum::<usize>() > 4096 {
        return err(400, "Bad Request: message is too long", None);
    }
    let mut st = shared.state.lock();
    let message_id = st.next_message_id;
    st.next_message_id += 1;
    st.sent.push(Sent { chat_id, text: text.clone(), parse_mode, message_id });
    *st.sent_per_chat.entry(chat_id).or_default() += 1;
    drop(st);
    shared.sent_signal.notify_all();
    ok(json!({
        "message_id": message_id,
        "date": now_secs(),
        "chat": {"id": chat_id, "type": "private", "first_name": "User"},
        "from": bot_user(),
        "text": visible,
    }))
}

fn edit_message(shared: &Shared, p: &Value) -> HttpResponse {
    let (Some(chat_id), Some(mid)) = (int(&p["chat_id"]), int(&p["message_id"])) else {
        return err(400, "Bad Request: message identifier is not specified", None);
    };
    let text = p["text"].as_str().unwrap_or("").to_owned();
    let parse_mode = p["parse_mode"].as_str().map(str::to_owned);
    let visible = match parse_mode.as_deref() {
        Some("HTML") => match visible_text(&text) {
            Ok(v) => v,
            Err(e) => return err(400, &format!("Bad Request: can't parse entities: {e}"), None),
        },
        _ => text.clone(),
    };
    if visible.chars().map(char::len_utf16).sum::<usize>() > 4096 {
        return err(400, "Bad Request: MESSAGE_TOO_LONG", None);
    }
    let mut st = shared.state.lock();
    let Some(m) = st.sent.iter_mut().find(|m| m.message_id == mid && m.chat_id == chat_id) else {
        return err(400, "Bad Request: message to edit not found", None);
    };
    if m.text == text && m.parse_mode == parse_mode {
        return err(
            400,
            "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
            None,
        );
    }
    m.text = text.clone();
    m.parse_mode = parse_mode;
    st.edits.push((mid, text));
    ok(json!({
        "message_id": mid, "date": now_secs(), "edit_date": now_secs(),
        "chat": {"id": chat_id, "type": "private", "first_name": "User"},
        "from": bot_user(), "text": visible,
    }))
}

/// Telegram's HTML subset: returns the visible text, or why it cannot be parsed.
pub fn visible_text(html: &str) -> Result<String, String> {
    const TAGS: &[&str] = &[
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    ];
    let mut out = String::new();
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    let mut offset = 0;
    while let Some(c) = rest.chars().next() {
        match c {
            '<' => {
                let end =
                    rest.find('>').ok_or_else(|| format!("unclosed start tag at byte offset {offset}"))?;
                let inner = &rest[1..end];
                if let Some(name) = inner.strip_prefix('/') {
                    let name = name.trim().to_ascii_lowercase();
                    match stack.pop() {
                        Some(open) if open == name => {}
                        _ => {
                            return Err(format!(
                                "can't find end tag corresponding to start tag \"{name}\" at byte offset {offset}"
                            ));
                        }
                    }
                } else {
                    let name = inner.split_whitespace().next().unwrap_or("").to_ascii_lowercase();
                    if !TAGS.contains(&name.as_str()) {
                        return Err(format!("Unsupported start tag \"{name}\" at byte offset {offset}"));
                    }
                    stack.push(name);
                }
                offset += end + 1;
                rest = &rest[end + 1..];
            }
            '&' => {
                let end = rest
                    .find(';')
                    .filter(|e| *e <= 10)
                    .ok_or_else(|| format!("unsupported entity at byte offset {offset}"))?;
                let entity = &rest[1..end];
                let decoded = match entity {
                    "lt" => '<',
                    "gt" => '>',
                    "amp" => '&',
                    "quot" => '"',
                    e if e.starts_with('#') => e[1..]
                        .parse::<u32>()
                        .ok()
                        .and_then(char::from_u32)
                        .ok_or_else(|| format!("bad entity at byte offset {offset}"))?,
                    _ => return Err(format!("unsupported HTML entity at byte offset {offset}")),
                };
                out.push(decoded);
                offset += end + 1;
                rest = &rest[end + 1..];
            }
            c => {
                out.push(c);
                offset += c.len_utf8();
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    if let Some(open) = stack.pop() {
        return Err(format!("can't find end tag corresponding to start tag \"{open}\""));
    }
    Ok(out)
}
