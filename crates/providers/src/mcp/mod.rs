//! The MCP client: Model Context Protocol servers whose tools the tool loop offers as
//! `mcp__SERVER__TOOL`. Servers speak on stdio (a child process) or streamable HTTP (a URL).
//!
//! Built on the official SDK (`rmcp`). Each server is started on first use (when its tools are
//! listed), through a command the caller builds — the runtime makes it sandboxed, with a minimal
//! environment and its own process group. The tool list is cached and refreshed when the server
//! says it changed (`notifications/tools/list_changed`); lists are read page by page. A server
//! that dies is started again on next use (within a restart budget), and the call that hit the
//! crash is reported as failed, never silently retried (tools have side effects). The server's
//! stderr is drained into the log.

use std::path::PathBuf;
use std::sync::Arc;

/// The client itself, on the official SDK.
#[cfg(feature = "mcp")]
mod hub;
#[cfg(feature = "mcp")]
pub use hub::{McpHub, calls_under_way, running, server_pid};

/// Built without MCP: a hub that offers no tools and says why.
#[cfg(not(feature = "mcp"))]
mod absent;
#[cfg(not(feature = "mcp"))]
pub use absent::{McpHub, calls_under_way, running, server_pid};

/// Builds the (sandboxed) command that starts a stdio server.
pub type CommandFactory = Arc<dyn Fn() -> std::io::Result<std::process::Command> + Send + Sync>;

/// How to reach a server.
#[derive(Clone)]
pub enum Transport {
    /// A program speaking MCP on stdin/stdout, started by this (sandboxed) command.
    Stdio(CommandFactory),
    /// A streamable-HTTP endpoint (`http://host:port/mcp`).
    Http(String),
}

/// One server the hub may start.
#[derive(Clone)]
pub struct ServerSpec {
    /// The config name; tools appear as `mcp__{name}__{tool}`.
    pub name: String,
    pub transport: Transport,
    /// Directories offered to the server as roots (`roots/list`), e.g. the workspace.
    pub roots: Vec<PathBuf>,
}

impl std::fmt::Debug for ServerSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerSpec").field("name", &self.name).field("roots", &self.roots).finish()
    }
}

/// The prefix of every MCP tool name.
pub const PREFIX: &str = "mcp__";

/// The name the model sees for `tool` of `server`.
pub fn tool_name(server: &str, tool: &str) -> String {
    format!("{PREFIX}{server}__{tool}")
}

/// Split `mcp__server__tool` into its parts.
pub fn split_tool_name(name: &str) -> Option<(&str, &str)> {
    name.strip_prefix(PREFIX)?.split_once("__")
}
