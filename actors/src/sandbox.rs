//! The Sandbox actor: every tool call goes through it.
//!
//! It owns the [`ToolBox`] — the built-in tools confined by the kernel (`omega_sandbox::tools`)
//! and the MCP servers (`omega_providers::mcp`), themselves started as sandboxed children — and
//! runs calls side by side inside its context. When it stops (shutdown), the MCP servers are
//! closed cleanly and their process groups killed.

use actix::prelude::*;
use async_trait::async_trait;
use omega_providers::mcp::McpHub;
use omega_providers::toolloop::{ToolHost, ToolOutcome};
use omega_providers::{ToolCall, ToolSpec};
use std::sync::Arc;

use crate::route::Route;
use crate::supervisor::ChildGuard;

/// The tools on offer: built-ins (when the kernel can confine them) and MCP servers.
#[derive(Debug)]
pub struct ToolBox {
    #[cfg(target_os = "linux")]
    builtins: Option<omega_sandbox::tools::Builtins>,
    mcp: McpHub,
    /// Why the built-in tools are off, when they are (said at start-up and in status).
    refusal: Option<String>,
}

impl ToolBox {
    /// `builtins: None` turns the built-in tools off. On a kernel that cannot enforce the policy
    /// (and the config does not allow running unconfined) they are off too, with the reason kept.
    #[cfg(target_os = "linux")]
    pub fn new(builtins: Option<omega_sandbox::tools::Builtins>, mcp: McpHub) -> Self {
        let refusal = builtins.as_ref().and_then(|b| b.refusal());
        let builtins = if refusal.is_some() { None } else { builtins };
        Self { builtins, mcp, refusal }
    }

    /// Only MCP tools (platforms without the built-in sandbox).
    #[cfg(not(target_os = "linux"))]
    pub fn new(mcp: McpHub) -> Self {
        Self { mcp, refusal: Some("built-in tools need Linux (Landlock) in this build".into()) }
    }

    /// Why the built-in tools are off, if they are.
    pub fn refusal(&self) -> Option<&str> {
        self.refusal.as_deref()
    }

    pub async fn specs(&self) -> Vec<ToolSpec> {
        let mut specs = Vec::new();
        #[cfg(target_os = "linux")]
        if self.builtins.is_some() {
            specs.extend(omega_sandbox::tools::Builtins::specs().into_iter().map(|b| ToolSpec {
                name: b.name.into(),
                description: b.description.into(),
                parameters: b.parameters,
            }));
        }
        if !self.mcp.is_empty() {
            specs.extend(self.mcp.specs().await);
        }
        specs
    }

    pub async fn call(&self, call: &ToolCall) -> ToolOutcome {
        if call.name.starts_with(omega_providers::mcp::PREFIX) {
            return self.mcp.call(&call.name, &call.arguments).await;
        }
        #[cfg(target_os = "linux")]
        if let Some(b) = &self.builtins
            && omega_sandbox::tools::Builtins::handles(&call.name)
        {
            let out = b.call(&call.name, &call.arguments).await;
            return ToolOutcome { content: out.content, is_error: out.is_error };
        }
        let why = self.refusal.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
        ToolOutcome { content: format!("there is no tool named \"{}\"{why}", call.name), is_error: true }
    }

    pub async fn shutdown(&self) {
        self.mcp.shutdown().await;
    }
}

/// The tools on offer now.
#[derive(Message)]
#[rtype(result = "Vec<ToolSpec>")]
pub struct ListTools;

/// Run one tool call.
#[derive(Message)]
#[rtype(result = "ToolOutcome")]
pub struct RunTool(pub ToolCall);

pub struct SandboxActor {
    tools: Arc<ToolBox>,
    _guard: ChildGuard,
}

impl SandboxActor {
    pub fn new(tools: Arc<ToolBox>, guard: ChildGuard) -> Self {
        Self { tools, _guard: guard }
    }
}

impl Actor for SandboxActor {
    type Context = Context<Self>;
}

impl Handler<ListTools> for SandboxActor {
    type Result = ResponseFuture<Vec<ToolSpec>>;

    fn handle(&mut self, _: ListTools, _: &mut Context<Self>) -> Self::Result {
        let tools = self.tools.clone();
        Box::pin(async move { tools.specs().await })
    }
}

impl Handler<RunTool> for SandboxActor {
    type Result = ResponseFuture<ToolOutcome>;

    fn handle(&mut self, msg: RunTool, _: &mut Context<Self>) -> Self::Result {
        let tools = self.tools.clone();
        Box::pin(async move { tools.call(&msg.0).await })
    }
}

/// A session's view of the Sandbox actor, as the tool loop wants it.
#[derive(Clone)]
pub struct RoutedTools {
    pub list: Route<ListTools>,
    pub run: Route<RunTool>,
}

#[async_trait]
impl ToolHost for RoutedTools {
    async fn specs(&self) -> Vec<ToolSpec> {
        self.list.send(ListTools).await.unwrap_or_default()
    }

    async fn call(&self, call: &ToolCall) -> ToolOutcome {
        match self.run.send(RunTool(call.clone())).await {
            Ok(out) => out,
            Err(e) => ToolOutcome {
                content: format!("the tool could not run: the sandbox stopped while running it ({e})"),
                is_error: true,
            },
        }
    }
}
