//! The HTTP API channel, served by actix-web on its own worker thread.
//!
//! Handlers validate with `omega_channels::http_api`, hand messages to the Gateway, and wait on
//! the in-process [`LocalChannel`] for the outcome. Every error is a JSON body with a 4xx/5xx
//! status.

use actix_web::{HttpRequest, HttpResponse, web};
use omega_channels::http_api::{ApiError, CHANNEL, MessageRequest, bearer_matches};
use omega_core::{InboxId, OutboundKind, OutboxId, Secret};
use omega_memory::Store;
use serde_json::json;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

use crate::channel::{Accepted, Receive};
use crate::channel::{LocalChannel, await_reply};
use crate::provider::SharedProviderStatus;
use crate::route::Route;
use crate::slot::Slot;

/// What the handlers need.
#[derive(Clone)]
pub struct HttpDeps {
    pub gateway: Route<Receive>,
    pub local: Slot<LocalChannel>,
    pub store: Store,
    pub api_key: Secret,
    pub deny_message: String,
    pub reply_timeout: Duration,
    pub max_body_bytes: usize,
    pub started: Instant,
    pub provider: SharedProviderStatus,
    /// The sandbox and tools, as `/api/health` reports them.
    pub tools: serde_json::Value,
    /// How many sender sessions are live (the Gateway keeps the count).
    pub live_sessions: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    /// The channels' state, as `/api/health` reports it (read at each request).
    pub channels: std::sync::Arc<dyn Fn() -> serde_json::Value + Send + Sync>,
    /// The WhatsApp Cloud API's webhook, when that channel is on.
    pub whatsapp: Option<WhatsAppWebhook>,
    /// Where `POST /api/webhook` reaches the owner.
    pub owners: webhook::Owners,
    /// Where a webhook's direct message is handed for delivery.
    pub outbox: Route<crate::outbox::Dispatch>,
}

/// `GET /metrics`.
mod metrics;
/// `POST /api/webhook`.
pub mod webhook;

/// What the WhatsApp webhook needs: the channel's config (secrets, allowed numbers, groups) and
/// where photos wait until their message is answered.
#[derive(Clone)]
pub struct WhatsAppWebhook {
    pub config: omega_core::config::WhatsAppConfig,
    pub media_dir: std::path::PathBuf,
    /// The channel, told to mark stored messages read ("typing…").
    #[cfg(feature = "whatsapp")]
    pub read: crate::route::Route<crate::whatsapp::MarkRead>,
}

/// A running HTTP API.
pub struct HttpServer {
    pub addr: SocketAddr,
    pub handle: actix_web::dev::ServerHandle,
}

/// Bind `host:port` and serve. The server runs on the current system until stopped.
pub fn serve(host: &str, port: u16, deps: HttpDeps) -> std::io::Result<HttpServer> {
    let max_body = deps.max_body_bytes;
    let data = web::Data::new(deps);
    let server = actix_web::HttpServer::new(move || {
        actix_web::App::new()
            .app_data(data.clone())
            .app_data(web::JsonConfig::default().limit(max_body).error_handler(|err, _| {
                let status = match &err {
                    actix_web::error::JsonPayloadError::Overflow { .. }
                    | actix_web::error::JsonPayloadError::OverflowKnownLength { .. } => 413,
                    actix_web::error::JsonPayloadError::ContentType => 415,
                    _ => 400,
                };
                let code = match status {
                    413 => "too_large",
                    415 => "unsupported_media_type",
                    _ => "bad_request",
                };
                let body = ApiError::new(status, code, format!("invalid JSON body: {err}"));
                actix_web::error::InternalError::from_response(err, error_response(&body)).into()
            }))
            .app_data(web::PathConfig::default().error_handler(|err, _| {
                let body = ApiError::bad_request(format!("invalid path: {err}"));
                actix_web::error::InternalError::from_response(err, error_response(&body)).into()
            }))
            .route("/api/health", web::get().to(health))
            .route("/api/messages", web::post().to(post_message))
            .route("/api/messages/{id}", web::get().to(get_message))
            .route("/api/notices", web::get().to(get_notices))
            .route("/api/files/{id}", web::get().to(get_file))
            .route("/api/webhook", web::post().to(webhook::post_webhook))
            .route("/metrics", web::get().to(metrics::get_metrics))
            // Authenticated by Meta's signature, not by the API's bearer token.
            .route("/webhook/whatsapp", web::get().to(whatsapp_verify))
            .route("/webhook/whatsapp", web::post().to(whatsapp_notification))
            .default_service(web::to(not_found))
    })
    // Replies and streamed answers leave at once, not after the client's delayed ACK (Nagle).
    .on_connect(|conn, _| {
        if let Some(tcp) = conn.downcast_ref::<actix_web::rt::net::TcpStream>() {
            let _ = tcp.set_nodelay(true);
        }
    })
    .workers(1)
    .disable_signals()
    .shutdown_timeout(2)
    .bind((host, port))?;
    let addr = server.addrs().first().copied().ok_or_else(|| std::io::Error::other("no address bound"))?;
    let server = server.run();
    let handle = server.handle();
    actix_rt::spawn(server);
    Ok(HttpServer { addr, handle })
}

fn error_response(e: &ApiError) -> HttpResponse {
    let status = actix_web::http::StatusCode::from_u16(e.status)
        .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR);
    HttpResponse::build(status).json(e)
}

/// `None` when the request may proceed, else the 401 to send.
fn authorize(deps: &HttpDeps, req: &HttpRequest) -> Option<HttpResponse> {
    if deps.api_key.is_empty() {
        return None;
    }
    let header = req.headers().get("authorization").and_then(|v| v.to_str().ok());
    if bearer_matches(header, deps.api_key.expose()) {
        None
    } else {
        Some(
            error_response(&ApiError::new(401, "unauthorized", "missing or invalid bearer token"))
                .customize()
                .insert_header(("www-authenticate", "Bearer"))
                .respond_to(req)
                .map_into_boxed_body(),
        )
    }
}

use actix_web::Responder as _;

async fn not_found(req: HttpRequest) -> HttpResponse {
    error_response(&ApiError::new(
        404,
        "not_found",
        format!("no such endpoint: {} {}", req.method(), req.path()),
    ))
}

async fn health(deps: web::Data<HttpDeps>, req: HttpRequest) -> HttpResponse {
    if let Some(r) = authorize(&deps, &req) {
        return r;
    }
    let provider = deps.provider.read().clone();
    HttpResponse::Ok().json(json!({
        "status": "ok",
        "uptime_secs": deps.started.elapsed().as_secs(),
        "sessions": deps.live_sessions.load(std::sync::atomic::Ordering::Relaxed),
        "provider": provider,
        "tools": deps.tools,
        "channels": (deps.channels)(),
    }))
}

#[derive(Debug, serde::Deserialize)]
struct HubQuery {
    #[serde(rename = "hub.mode")]
    mode: Option<String>,
    #[serde(rename = "hub.verify_token")]
    verify_token: Option<String>,
    #[serde(rename = "hub.challenge")]
    challenge: Option<String>,
}

/// Meta's webhook set-up: echo the challenge when the verify token matches.
async fn whatsapp_verify(
    deps: web::Data<HttpDeps>,
    req: HttpRequest,
    q: web::Query<HubQuery>,
) -> HttpResponse {
    let Some(wa) = &deps.whatsapp else { return not_found(req).await };
    let answer = omega_channels::whatsapp_cloud::verify_subscription(
        q.mode.as_deref(),
        q.verify_token.as_deref(),
        q.challenge.as_deref(),
        wa.config.verify_token.expose(),
    );
    match answer {
        Some(challenge) => HttpResponse::Ok().content_type("text/plain").body(challenge.to_owned()),
        None => {
            tracing::warn!("WhatsApp webhook verification refused (hub.verify_token does not match)");
            error_response(&ApiError::new(403, "forbidden", "the verify token does not match"))
        }
    }
}

/// A webhook notification: checked by its signature, its messages handed to the Gateway, and
/// answered 200 only once they are stored (so Meta re-delivers anything that was not).
async fn whatsapp_notification(
    deps: web::Data<HttpDeps>,
    req: HttpRequest,
    body: web::Bytes,
) -> HttpResponse {
    let Some(wa) = &deps.whatsapp else { return not_found(req).await };
    let signature = req.headers().get("x-hub-signature-256").and_then(|v| v.to_str().ok());
    if !omega_channels::whatsapp_cloud::signature_valid(wa.config.app_secret.expose(), &body, signature) {
        tracing::warn!("a WhatsApp webhook post with a missing or wrong X-Hub-Signature-256 was refused");
        return error_response(&ApiError::new(401, "unauthorized", "missing or invalid X-Hub-Signature-256"));
    }
    let messages = match omega_channels::whatsapp_cloud::parse_notification(&body) {
        Ok(m) => m,
        Err(e) => return error_response(&ApiError::bad_request(e)),
    };
    #[cfg(feature = "whatsapp")]
    {
        hand_in(&deps, &wa.read, crate::whatsapp::inbound_messages(&wa.config, &wa.media_dir, messages)).await
    }
    #[cfg(not(feature = "whatsapp"))]
    {
        let _ = messages;
        error_response(&ApiError::new(404, "not_found", "this build of Omega has no WhatsApp channel"))
    }
}

/// Hand messages to the Gateway, in order: 200 once every one is stored (or refused), 503 (Meta
/// will send them again) when one could not be.
#[cfg(feature = "whatsapp")]
async fn hand_in(
    deps: &HttpDeps,
    read: &crate::route::Route<crate::whatsapp::MarkRead>,
    inbounds: Vec<omega_core::Inbound>,
) -> HttpResponse {
    for inbound in inbounds {
        let external = inbound.external_id.clone();
        let (tx, rx) = oneshot::channel();
        if deps.gateway.send(Receive { inbound, ack: Some(tx) }).await.is_err() {
            return error_response(&ApiError::new(503, "unavailable", "Omega's gateway is not running"));
        }
        match tokio::time::timeout(Duration::from_secs(20), rx).await {
            Ok(Ok(Accepted::Queued(_))) => {
                if let Some(id) = external {
                    read.do_send(crate::whatsapp::MarkRead { message_id: id });
                }
            }
            Ok(Ok(Accepted::Duplicate(_) | Accepted::Denied)) => {}
            Ok(Ok(Accepted::Failed(e))) => {
                tracing::error!(error = %e, "a WhatsApp message could not be stored; Meta will send it again");
                return error_response(&ApiError::new(503, "unavailable", "the message could not be stored"));
            }
            _ => {
                return error_response(&ApiError::new(
                    503,
                    "unavailable",
                    "the message was not taken in time",
                ));
            }
        }
    }
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

async fn post_message(
    deps: web::Data<HttpDeps>,
    req: HttpRequest,
    body: web::Json<MessageRequest>,
) -> HttpResponse {
    if let Some(r) = authorize(&deps, &req) {
        return r;
    }
    let (inbound, wait) = match body.into_inner().into_inbound() {
        Ok(x) => x,
        Err(e) => return error_response(&e),
    };
    let sender = inbound.sender_id.clone();
    let (ack_tx, ack_rx) = oneshot::channel();
    if deps.gateway.send(Receive { inbound, ack: Some(ack_tx) }).await.is_err() {
        return error_response(&ApiError::new(503, "unavailable", "Omega's gateway is not running"));
    }
    let accepted = match tokio::time::timeout(Duration::from_secs(30), ack_rx).await {
        Ok(Ok(a)) => a,
        _ => {
            return error_response(&ApiError::new(
                503,
                "unavailable",
                "the message could not be stored in time; send it again",
            ));
        }
    };
    let (id, duplicate) = match accepted {
        Accepted::Queued(id) => (id, false),
        Accepted::Duplicate(id) => (id, true),
        Accepted::Denied => {
            return error_response(&ApiError::new(403, "sender_not_allowed", deps.deny_message.clone()));
        }
        Accepted::Failed(e) => return error_response(&ApiError::new(503, "unavailable", e)),
    };
    if duplicate {
        // Answered (or being answered) already: report what the store has, to the sender who
        // sent it (an idempotency key reused by another sender reveals nothing).
        return message_status(&deps, id, &sender).await;
    }
    if !wait {
        return HttpResponse::Accepted().json(json!({"id": id, "status": "queued"}));
    }
    match tokio::time::timeout(deps.reply_timeout, await_reply(&deps.local, id)).await {
        Ok(Some(reply)) => {
            // Files sent with the answer are in the same transaction as the reply.
            let files = match deps.store.replies_to(id).await {
                Ok(rows) => files_of(&rows, &sender),
                Err(_) => Vec::new(),
            };
            HttpResponse::Ok().json(json!({
                "id": id,
                "status": if reply.kind == OutboundKind::Reply { "answered" } else { "failed" },
                "reply": {"id": reply.outbox_id, "kind": reply.kind, "text": reply.text},
                "files": files,
            }))
        }
        _ => HttpResponse::Accepted().json(json!({"id": id, "status": "processing"})),
    }
}

#[derive(Debug, serde::Deserialize)]
struct MessageQuery {
    sender: String,
}

/// A message's status, for the sender who sent it. The sender is a claimed name (see the trust
/// model in `omega_core::auth`): a client sees only exchanges of the sender it names, and a
/// message of another sender is "not found", not "forbidden", so ids reveal nothing.
async fn get_message(
    deps: web::Data<HttpDeps>,
    req: HttpRequest,
    path: web::Path<i64>,
    query: Result<web::Query<MessageQuery>, actix_web::Error>,
) -> HttpResponse {
    if let Some(r) = authorize(&deps, &req) {
        return r;
    }
    let Ok(q) = query else {
        return error_response(&ApiError::new(400, "bad_request", "use /api/messages/ID?sender=NAME"));
    };
    message_status(&deps, InboxId(path.into_inner()), &q.sender).await
}

#[derive(Debug, serde::Deserialize)]
struct NoticesQuery {
    sender: String,
    #[serde(default)]
    after: i64,
}

/// Reminders and other notices for one sender (HTTP has no push: clients poll with `after`).
async fn get_notices(
    deps: web::Data<HttpDeps>,
    req: HttpRequest,
    query: Result<web::Query<NoticesQuery>, actix_web::Error>,
) -> HttpResponse {
    if let Some(r) = authorize(&deps, &req) {
        return r;
    }
    let Ok(q) = query else {
        return error_response(&ApiError::new(400, "bad_request", "use /api/notices?sender=NAME&after=ID"));
    };
    match deps.store.notices_for(CHANNEL, &q.sender, q.after, 100).await {
        Ok(rows) => {
            // A file (a job's result can send one) says where to download it.
            let notices: Vec<_> = rows
                .iter()
                .map(|r| {
                    let mut n = json!({"id": r.id, "text": r.text, "created_at": r.created_at});
                    if let Some(file) = files_of(std::slice::from_ref(r), &q.sender).pop() {
                        n["file"] = file;
                    }
                    n
                })
                .collect();
            HttpResponse::Ok().json(json!({ "notices": notices }))
        }
        Err(e) => error_response(&ApiError::new(500, "storage", e.to_string())),
    }
}

async fn message_status(deps: &HttpDeps, id: InboxId, sender: &str) -> HttpResponse {
    let row = match deps.store.inbound(id).await {
        Ok(Some(r)) if r.channel == CHANNEL && r.sender_id == sender => r,
        Ok(_) => {
            return error_response(&ApiError::new(404, "not_found", format!("no message with id {id}")));
        }
        Err(e) => return error_response(&ApiError::new(500, "storage", e.to_string())),
    };
    let replies = match deps.store.replies_to(id).await {
        Ok(r) => r,
        Err(e) => return error_response(&ApiError::new(500, "storage", e.to_string())),
    };
    let status = match row.status.as_str() {
        "done" => "answered",
        other => other,
    };
    let files = files_of(&replies, sender);
    let replies: Vec<_> = replies
        .into_iter()
        .filter(|r| r.file_path.is_none())
        .map(|r| json!({"id": r.id, "kind": r.kind, "text": r.text, "created_at": r.created_at}))
        .collect();
    HttpResponse::Ok().json(json!({
        "files": files,
        "id": id,
        "sender": row.sender_id,
        "status": status,
        "received_at": row.received_at,
        "reply": replies.iter().rev().find(|r| r["kind"] != "notice").cloned(),
        "replies": replies,
    }))
}

/// The files among `rows`, as the API lists them: where to download each.
fn files_of(rows: &[omega_memory::OutboxRow], sender: &str) -> Vec<serde_json::Value> {
    let sender: String = url_encode(sender);
    rows.iter()
        .filter_map(|r| {
            let f = r.file()?;
            Some(json!({
                "id": r.id,
                "name": f.name,
                "mime": f.mime,
                "caption": r.text,
                "url": format!("/api/files/{}?sender={sender}", r.id),
            }))
        })
        .collect()
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A file Omega sent to `sender` (`send_file`), for the sender it was sent to; anyone else's is
/// "not found".
async fn get_file(
    deps: web::Data<HttpDeps>,
    req: HttpRequest,
    path: web::Path<i64>,
    query: Result<web::Query<MessageQuery>, actix_web::Error>,
) -> HttpResponse {
    if let Some(r) = authorize(&deps, &req) {
        return r;
    }
    let Ok(q) = query else {
        return error_response(&ApiError::new(400, "bad_request", "use /api/files/ID?sender=NAME"));
    };
    let id = path.into_inner();
    let missing = || error_response(&ApiError::new(404, "not_found", format!("no file with id {id}")));
    let row = match deps.store.outbox_row(OutboxId(id)).await {
        Ok(Some(r)) if r.channel == CHANNEL && r.recipient == q.sender => r,
        Ok(_) => return missing(),
        Err(e) => return error_response(&ApiError::new(500, "storage", e.to_string())),
    };
    let Some(file) = row.file() else { return missing() };
    match tokio::fs::read(&file.path).await {
        Ok(bytes) => HttpResponse::Ok()
            .content_type(file.mime.clone())
            .insert_header((
                "Content-Disposition",
                format!("attachment; filename=\"{}\"", file.name.replace(['"', '\\', '\r', '\n'], "_")),
            ))
            .body(bytes),
        Err(_) => error_response(&ApiError::new(410, "gone", "the file is no longer kept")),
    }
}
