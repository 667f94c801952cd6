//! The Sandbox actor alone: a tool call that panics is an error result, and the actor stops so
//! its supervisor can start a fresh one.

use actix::prelude::*;
use omega_actors::sandbox::{RunTool, SandboxActor, ToolBox};
use omega_actors::supervisor::{Child, ChildDown, ChildGuard};
use omega_providers::ToolCall;
use omega_providers::mcp::McpHub;
use omega_testkit::probe::ProbeHandle;
use omega_testkit::wait_until_async;
use std::time::Duration;

fn call(name: &str) -> ToolCall {
    ToolCall { id: "call_0".into(), name: name.into(), arguments: serde_json::json!({}) }
}

fn toolbox() -> ToolBox {
    #[cfg(target_os = "linux")]
    let tools = ToolBox::new(None, McpHub::new(Vec::new(), Duration::from_secs(5)));
    #[cfg(not(target_os = "linux"))]
    let tools = ToolBox::new(McpHub::new(Vec::new(), Duration::from_secs(5)));
    tools.panicking_on(Some("explode".into()))
}

#[actix_rt::test]
async fn a_panicking_tool_call_is_an_error_result_and_the_sandbox_stops_for_a_restart() {
    let supervisor = ProbeHandle::<ChildDown>::start(|_| ());
    let guard = ChildGuard::new(Child::Sandbox, supervisor.recipient());
    let sandbox = SandboxActor::new(toolbox(), guard).start();
    let out = sandbox.send(RunTool(call("nothing-here"), Default::default())).await.unwrap();
    assert!(out.is_error && out.content.contains("no tool named"), "{out:?}");
    let out = sandbox.send(RunTool(call("explode"), Default::default())).await.unwrap();
    assert!(out.is_error && out.content.contains("crashed inside Omega"), "the model is told: {out:?}");
    wait_until_async(Duration::from_secs(5), "the supervisor told", || async {
        !supervisor.seen().is_empty()
    })
    .await;
    assert_eq!(supervisor.seen()[0].child, Child::Sandbox);
    assert!(!sandbox.connected(), "the crashed sandbox stopped");
}
