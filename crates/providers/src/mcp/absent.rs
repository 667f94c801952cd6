//! Omega built without the `mcp` feature: the hub has the same face, offers no tools and answers
//! every call with why. (The runtime refuses to start with MCP servers enabled in such a build,
//! so this is only reached by an embedder who built its own hub.)

use std::collections::HashMap;
use std::time::Duration;

use super::ServerSpec;
use crate::ToolSpec;
use crate::toolloop::ToolOutcome;

/// What a call gets in a build without MCP.
const ABSENT: &str = "this build of Omega has no MCP support (it was built without the `mcp` feature)";

#[derive(Debug)]
pub struct McpHub {
    names: Vec<String>,
}

impl McpHub {
    pub fn new(specs: Vec<ServerSpec>, _call_timeout: Duration) -> Self {
        Self { names: specs.into_iter().map(|s| s.name).collect() }
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub async fn specs(&self) -> Vec<ToolSpec> {
        if !self.names.is_empty() {
            tracing::warn!(servers = ?self.names, "{ABSENT}");
        }
        Vec::new()
    }

    pub async fn call(&self, _name: &str, _arguments: &serde_json::Value) -> ToolOutcome {
        ToolOutcome { content: ABSENT.into(), is_error: true }
    }

    pub async fn shutdown(&self) {}
}

pub async fn server_pid(_hub: &McpHub, _name: &str) -> Option<i32> {
    None
}

pub fn calls_under_way(_hub: &McpHub, _name: &str) -> usize {
    0
}

pub async fn running(hub: &McpHub) -> HashMap<String, bool> {
    hub.names.iter().map(|n| (n.clone(), false)).collect()
}
