//! The MCP client against the real reference servers (`@modelcontextprotocol/server-everything`
//! and `server-filesystem`), started as real child processes.

use omega_providers::mcp::{
    CommandFactory, McpHub, ServerSpec, Transport, calls_under_way, running, server_pid,
};
use omega_testkit::peers::install_mcp_servers;
use serde_json::json;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

fn node(args: Vec<String>) -> CommandFactory {
    Arc::new(move || {
        let mut cmd = std::process::Command::new("node");
        cmd.args(&args);
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        Ok(cmd)
    })
}

fn everything(roots: Vec<PathBuf>, timeout: Duration) -> McpHub {
    let servers = install_mcp_servers();
    let spec = ServerSpec {
        name: "everything".into(),
        transport: Transport::Stdio(node(vec![servers.everything.display().to_string(), "stdio".into()])),
        roots,
    };
    McpHub::new(vec![spec], timeout)
}

#[tokio::test]
async fn lists_and_calls_the_reference_servers_tools() {
    let hub = everything(vec![], Duration::from_secs(30));
    assert!(!running(&hub).await["everything"], "started lazily, not before first use");
    let specs = hub.specs().await;
    let names: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
    assert!(names.contains(&"mcp__everything__echo"), "{names:?}");
    assert!(names.contains(&"mcp__everything__get-sum"), "{names:?}");
    let echo = specs.iter().find(|s| s.name == "mcp__everything__echo").unwrap();
    assert_eq!(echo.parameters["properties"]["message"]["type"], "string", "the input schema is passed on");

    let out = hub.call("mcp__everything__echo", &json!({"message": "hi"})).await;
    assert_eq!((out.content.as_str(), out.is_error), ("Echo: hi", false));
    let out = hub.call("mcp__everything__get-sum", &json!({"a": 2, "b": 3})).await;
    assert!(!out.is_error && out.content.contains('5'), "{out:?}");

    // The server announces list changes between a list request and its answer; listing again
    // still works and sees the same tools.
    let again = hub.specs().await;
    assert_eq!(again.len(), specs.len());

    let out = hub.call("mcp__everything__no-such-tool", &json!({})).await;
    assert!(out.is_error, "{out:?}");
    let out = hub.call("mcp__nobody__echo", &json!({})).await;
    assert!(out.is_error && out.content.contains("no MCP server named \"nobody\""), "{out:?}");
    hub.shutdown().await;
    assert!(!running(&hub).await["everything"]);
}

#[tokio::test]
async fn the_server_asks_for_roots_and_gets_the_workspace() {
    let workspace = tempfile::tempdir().unwrap();
    let hub = everything(vec![workspace.path().to_owned()], Duration::from_secs(30));
    let specs = hub.specs().await;
    assert!(
        specs.iter().any(|s| s.name == "mcp__everything__get-roots-list"),
        "offered because Omega declares roots"
    );
    let out = hub.call("mcp__everything__get-roots-list", &json!({})).await;
    assert!(out.content.contains(&workspace.path().display().to_string()), "{out:?}");
    hub.shutdown().await;
}

#[tokio::test]
async fn the_filesystem_server_refuses_paths_outside_its_roots() {
    let servers = install_mcp_servers();
    let root = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("inside.txt"), "inside").unwrap();
    std::fs::write(outside.path().join("secret.txt"), "outside").unwrap();
    // No directory on the command line: the server takes its allowed directories from our roots.
    let spec = ServerSpec {
        name: "files".into(),
        transport: Transport::Stdio(node(vec![servers.filesystem.display().to_string()])),
        roots: vec![root.path().to_owned()],
    };
    let hub = McpHub::new(vec![spec], Duration::from_secs(30));
    assert!(hub.specs().await.iter().any(|s| s.name == "mcp__files__read_text_file"));
    let path = root.path().join("inside.txt").display().to_string();
    let mut out = hub.call("mcp__files__read_text_file", &json!({ "path": path })).await;
    // The roots arrive asynchronously after the handshake; give the server a moment.
    for _ in 0..50 {
        if !out.is_error {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        out = hub.call("mcp__files__read_text_file", &json!({ "path": path })).await;
    }
    assert_eq!((out.content.as_str(), out.is_error), ("inside", false));
    let path = outside.path().join("secret.txt").display().to_string();
    let out = hub.call("mcp__files__read_text_file", &json!({ "path": path })).await;
    assert!(out.is_error, "{out:?}");
    assert!(!out.content.contains("outside\n") && out.content != "outside", "{out:?}");
    hub.shutdown().await;
}

#[tokio::test]
async fn a_server_killed_mid_call_is_reported_and_restarted_on_next_use() {
    let hub = everything(vec![], Duration::from_secs(30));
    hub.specs().await;
    let pid = server_pid(&hub, "everything").await.expect("the server runs");
    let args = json!({"duration": 20, "steps": 2});
    let call = hub.call("mcp__everything__trigger-long-running-operation", &args);
    // Killed once the call has been sent to it.
    let kill = async {
        omega_testkit::wait_until_async(Duration::from_secs(20), "the call at the server", || {
            std::future::ready(calls_under_way(&hub, "everything") > 0)
        })
        .await;
        std::process::Command::new("kill").args(["-9", &pid.to_string()]).status().unwrap();
    };
    let (out, ()) = tokio::join!(call, kill);
    assert!(out.is_error && out.content.contains("stopped during the call"), "{out:?}");
    let out = hub.call("mcp__everything__echo", &json!({"message": "back"})).await;
    assert_eq!(out.content, "Echo: back", "started again on next use");
    hub.shutdown().await;
}

#[tokio::test]
async fn a_call_that_takes_too_long_is_abandoned_with_a_clear_error() {
    let hub = everything(vec![], Duration::from_secs(2));
    let out = hub
        .call("mcp__everything__trigger-long-running-operation", &json!({"duration": 10, "steps": 1}))
        .await;
    assert!(out.is_error && out.content.contains("did not answer within 2 s"), "{out:?}");
    hub.shutdown().await;
}

#[tokio::test]
async fn a_server_that_cannot_start_is_left_out_with_a_reason() {
    let spec = ServerSpec {
        name: "broken".into(),
        transport: Transport::Stdio(Arc::new(|| Ok(std::process::Command::new("/nonexistent/mcp-server")))),
        roots: vec![],
    };
    let hub = McpHub::new(vec![spec], Duration::from_secs(5));
    assert!(hub.specs().await.is_empty());
    let out = hub.call("mcp__broken__anything", &json!({})).await;
    assert!(out.is_error && out.content.contains("cannot start `/nonexistent/mcp-server`"), "{out:?}");
}

#[tokio::test]
async fn a_streamable_http_server_is_reached_by_url() {
    let servers = install_mcp_servers();
    let port = omega_testkit::peers::free_port();
    let mut child = tokio::process::Command::new("node")
        .arg(&servers.everything)
        .arg("streamableHttp")
        .env("PORT", port.to_string())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}/mcp");
    let addr = format!("127.0.0.1:{port}");
    omega_testkit::wait_until(Duration::from_secs(20), "the HTTP MCP server", || {
        std::net::TcpStream::connect(&addr).is_ok()
    });
    let spec = ServerSpec { name: "web".into(), transport: Transport::Http(url), roots: vec![] };
    let hub = McpHub::new(vec![spec], Duration::from_secs(30));
    let specs = hub.specs().await;
    assert!(specs.iter().any(|s| s.name == "mcp__web__echo"), "{specs:?}");
    let out = hub.call("mcp__web__echo", &json!({"message": "over http"})).await;
    assert_eq!((out.content.as_str(), out.is_error), ("Echo: over http", false));
    hub.shutdown().await;
    let _ = child.kill().await;
}
