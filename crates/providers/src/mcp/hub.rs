//! The MCP client on `rmcp`: servers started lazily, their tool lists cached, calls made.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use omega_core::supervision::RestartBudget;
use rmcp::ServiceExt as _;
// Roots are deprecated by a 2026 protocol revision, but the 2025-11-25 servers Omega talks to
// (the filesystem server among them) still ask for them.
#[allow(deprecated)]
use rmcp::model::{
    CallToolRequestParams, ClientConfig, Implementation, ListRootsResult, ProtocolVersion, Root,
};
use rmcp::service::{NotificationContext, RequestContext, RoleClient, RunningService};
use rmcp::transport::TokioChildProcess;
use tokio::io::AsyncBufReadExt as _;
use tokio::sync::Mutex;

use super::{ServerSpec, Transport, split_tool_name, tool_name};
use crate::ToolSpec;
use crate::toolloop::ToolOutcome;

/// Every configured server, started lazily.
#[derive(Debug)]
pub struct McpHub {
    servers: Vec<Arc<Server>>,
    call_timeout: Duration,
}

impl McpHub {
    pub fn new(specs: Vec<ServerSpec>, call_timeout: Duration) -> Self {
        let servers = specs
            .into_iter()
            .map(|spec| {
                Arc::new(Server {
                    spec,
                    conn: Mutex::new(None),
                    stale: Arc::new(AtomicBool::new(true)),
                    restarts: parking_lot::Mutex::new(RestartBudget::default()),
                    under_way: AtomicUsize::new(0),
                })
            })
            .collect();
        Self { servers, call_timeout }
    }

    pub fn is_empty(&self) -> bool {
        self.servers.is_empty()
    }

    /// The tools of every server that can be reached. A server that cannot start is logged and
    /// left out (its tools are simply not offered this time).
    pub async fn specs(&self) -> Vec<ToolSpec> {
        let lists = futures::future::join_all(self.servers.iter().map(|s| s.tools(self.call_timeout))).await;
        let mut out = Vec::new();
        for (server, list) in self.servers.iter().zip(lists) {
            match list {
                Ok(tools) => out.extend(tools),
                Err(e) => tracing::warn!(server = %server.spec.name, error = %e, "MCP server unavailable"),
            }
        }
        out
    }

    /// Call `mcp__server__tool`.
    pub async fn call(&self, name: &str, arguments: &serde_json::Value) -> ToolOutcome {
        let Some((server_name, tool)) = split_tool_name(name) else {
            return error(format!("\"{name}\" is not an MCP tool name (mcp__SERVER__TOOL)"));
        };
        let Some(server) = self.servers.iter().find(|s| s.spec.name == server_name) else {
            return error(format!("there is no MCP server named \"{server_name}\""));
        };
        server.call(tool, arguments, self.call_timeout).await
    }

    /// Stop every running server cleanly.
    pub async fn shutdown(&self) {
        for server in &self.servers {
            server.stop().await;
        }
    }
}

fn error(text: impl Into<String>) -> ToolOutcome {
    ToolOutcome { content: text.into(), is_error: true }
}

#[derive(Debug)]
struct Server {
    spec: ServerSpec,
    conn: Mutex<Option<Connection>>,
    /// Set by `notifications/tools/list_changed` (and at start): the cached list is out of date.
    stale: Arc<AtomicBool>,
    restarts: parking_lot::Mutex<RestartBudget>,
    /// Calls sent to the server and not answered yet.
    under_way: AtomicUsize,
}

struct Connection {
    service: RunningService<RoleClient, Handler>,
    tools: Vec<ToolSpec>,
    /// The server's process group, killed when the connection ends.
    pgid: Option<i32>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection").field("tools", &self.tools.len()).field("pgid", &self.pgid).finish()
    }
}

impl Server {
    async fn tools(&self, timeout: Duration) -> Result<Vec<ToolSpec>, String> {
        let mut conn = self.conn.lock().await;
        if conn.as_ref().is_some_and(|c| c.service.is_closed())
            && let Some(old) = conn.take()
        {
            end(old).await;
        }
        if conn.is_none() {
            *conn = Some(self.connect(timeout).await?);
        }
        let Some(c) = conn.as_mut() else { return Err("not connected".into()) };
        if self.stale.swap(false, Ordering::SeqCst) {
            match tokio::time::timeout(timeout, c.service.list_all_tools()).await {
                Ok(Ok(tools)) => c.tools = tools.into_iter().map(|t| spec_of(&self.spec.name, t)).collect(),
                Ok(Err(e)) => {
                    self.stale.store(true, Ordering::SeqCst);
                    return Err(format!("tools/list failed: {e}"));
                }
                Err(_) => {
                    self.stale.store(true, Ordering::SeqCst);
                    return Err(format!("tools/list took longer than {} s", timeout.as_secs()));
                }
            }
        }
        Ok(c.tools.clone())
    }

    async fn connect(&self, timeout: Duration) -> Result<Connection, String> {
        if !self.restarts.lock().allow(Instant::now()) {
            return Err("it crashed too often in the last minute; not starting it again yet".into());
        }
        self.stale.store(true, Ordering::SeqCst);
        let handler = Handler { stale: self.stale.clone(), roots: self.spec.roots.clone() };
        let command = match &self.spec.transport {
            Transport::Stdio(command) => command.clone(),
            Transport::Http(url) => {
                // rustls needs a process-wide crypto provider chosen once; a second call is a no-op.
                let _ = rustls::crypto::ring::default_provider().install_default();
                let transport = rmcp::transport::StreamableHttpClientTransport::from_uri(url.as_str());
                let service = match tokio::time::timeout(timeout, handler.serve(transport)).await {
                    Ok(Ok(s)) => s,
                    Ok(Err(e)) => return Err(format!("the MCP handshake with {url} failed: {e}")),
                    Err(_) => {
                        return Err(format!(
                            "{url} did not complete the MCP handshake within {} s",
                            timeout.as_secs()
                        ));
                    }
                };
                tracing::info!(server = %self.spec.name, %url, "MCP server connected");
                return Ok(Connection { service, tools: Vec::new(), pgid: None });
            }
        };
        let std_cmd = command().map_err(|e| format!("cannot prepare the command: {e}"))?;
        let program = std_cmd.get_program().to_string_lossy().into_owned();
        let (transport, stderr) = TokioChildProcess::builder(tokio::process::Command::from(std_cmd))
            .stderr(std::process::Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start `{program}`: {e}"))?;
        let pgid = transport.id().map(|id| id as i32);
        if let Some(stderr) = stderr {
            let name = self.spec.name.clone();
            tokio::spawn(async move {
                let mut lines = tokio::io::BufReader::new(stderr).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    tracing::debug!(server = %name, "{line}");
                }
            });
        }
        let service = match tokio::time::timeout(timeout, handler.serve(transport)).await {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => {
                kill_group(pgid);
                return Err(format!("the MCP handshake failed: {e}"));
            }
            Err(_) => {
                kill_group(pgid);
                return Err(format!("the MCP handshake took longer than {} s", timeout.as_secs()));
            }
        };
        tracing::info!(server = %self.spec.name, "MCP server started");
        Ok(Connection { service, tools: Vec::new(), pgid })
    }

    async fn call(&self, tool: &str, arguments: &serde_json::Value, timeout: Duration) -> ToolOutcome {
        // Make sure the server runs (and its list is known), then call without holding the lock,
        // so calls to one server can run side by side.
        if let Err(e) = self.tools(timeout).await {
            return error(format!("the MCP server \"{}\" is unavailable: {e}", self.spec.name));
        }
        let peer = {
            let conn = self.conn.lock().await;
            match conn.as_ref() {
                Some(c) => c.service.peer().clone(),
                None => return error(format!("the MCP server \"{}\" is not running", self.spec.name)),
            }
        };
        let mut params = CallToolRequestParams::new(tool.to_owned());
        params.arguments = match arguments {
            serde_json::Value::Object(map) => Some(map.clone()),
            serde_json::Value::Null => None,
            other => return error(format!("arguments must be a JSON object, got {other}")),
        };
        self.under_way.fetch_add(1, Ordering::SeqCst);
        let answer = tokio::time::timeout(timeout, peer.call_tool(params)).await;
        self.under_way.fetch_sub(1, Ordering::SeqCst);
        match answer {
            Err(_) => error(format!(
                "the MCP tool {tool} on \"{}\" did not answer within {} s",
                self.spec.name,
                timeout.as_secs()
            )),
            Ok(Ok(result)) => {
                let text: Vec<String> = result
                    .content
                    .iter()
                    .map(|block| match block.as_text() {
                        Some(t) => t.text.clone(),
                        None => serde_json::to_string(block).unwrap_or_default(),
                    })
                    .collect();
                let mut content = text.join("\n");
                if content.is_empty()
                    && let Some(structured) = &result.structured_content
                {
                    content = structured.to_string();
                }
                ToolOutcome { content, is_error: result.is_error.unwrap_or(false) }
            }
            Ok(Err(rmcp::service::ServiceError::McpError(e))) => {
                error(format!("the MCP server \"{}\" refused the call: {}", self.spec.name, e.message))
            }
            Ok(Err(e)) => {
                // The transport is gone: the server died. Drop the connection so the next use
                // starts it again; this call is reported, not retried.
                if let Some(old) = self.conn.lock().await.take() {
                    end(old).await;
                }
                tracing::warn!(server = %self.spec.name, error = %e, "MCP server lost during a call");
                error(format!(
                    "the MCP server \"{}\" stopped during the call ({e}); it will be restarted on next use",
                    self.spec.name
                ))
            }
        }
    }

    async fn stop(&self) {
        if let Some(conn) = self.conn.lock().await.take() {
            end(conn).await;
        }
    }
}

/// Close a connection: a clean MCP close first, then the process group is killed so nothing the
/// server started outlives it.
async fn end(mut conn: Connection) {
    let _ = tokio::time::timeout(Duration::from_secs(3), conn.service.close()).await;
    kill_group(conn.pgid);
}

#[allow(unsafe_code)]
fn kill_group(pgid: Option<i32>) {
    if let Some(pgid) = pgid.filter(|p| *p > 1) {
        // SAFETY: killpg only sends a signal; a group already gone gives ESRCH, ignored.
        unsafe {
            libc::killpg(pgid, libc::SIGKILL);
        }
    }
}

fn spec_of(server: &str, tool: rmcp::model::Tool) -> ToolSpec {
    ToolSpec {
        name: tool_name(server, &tool.name),
        description: tool.description.map(|d| d.into_owned()).unwrap_or_default(),
        parameters: serde_json::Value::Object((*tool.input_schema).clone()).into(),
    }
}

/// Omega's side of the protocol: who we are, our roots, and list-change notifications.
#[derive(Debug, Clone)]
struct Handler {
    stale: Arc<AtomicBool>,
    roots: Vec<PathBuf>,
}

impl rmcp::ClientHandler for Handler {
    fn get_info(&self) -> ClientConfig {
        let capabilities = serde_json::from_value(serde_json::json!({ "roots": { "listChanged": false } }))
            .unwrap_or_default();
        ClientConfig::new(capabilities, Implementation::new("omega", env!("CARGO_PKG_VERSION")))
            .with_protocol_version(ProtocolVersion::LATEST_WITH_INITIALIZE)
    }

    #[allow(deprecated)]
    async fn list_roots(&self, _: RequestContext<RoleClient>) -> Result<ListRootsResult, rmcp::ErrorData> {
        Ok(ListRootsResult::new(
            self.roots
                .iter()
                .map(|r| Root::new(format!("file://{}", r.display())).with_name("workspace"))
                .collect(),
        ))
    }

    async fn on_tool_list_changed(&self, _: NotificationContext<RoleClient>) {
        self.stale.store(true, Ordering::SeqCst);
    }
}

/// The process id of a running stdio server (it leads its own process group).
pub async fn server_pid(hub: &McpHub, name: &str) -> Option<i32> {
    let server = hub.servers.iter().find(|s| s.spec.name == name)?;
    server.conn.lock().await.as_ref().and_then(|c| c.pgid)
}

/// How many calls are with server `name` now (sent, not answered yet).
pub fn calls_under_way(hub: &McpHub, name: &str) -> usize {
    hub.servers.iter().find(|s| s.spec.name == name).map_or(0, |s| s.under_way.load(Ordering::SeqCst))
}

/// Used by tests and status: which servers are running now.
pub async fn running(hub: &McpHub) -> HashMap<String, bool> {
    let mut out = HashMap::new();
    for s in &hub.servers {
        out.insert(s.spec.name.clone(), s.conn.lock().await.is_some());
    }
    out
}
