//! The sandbox policy from `[sandbox]`, the tools it confines, and how that looks to `omega
//! status` and `/api/health`.

use super::*;

/// How tools are confined here, for `omega status` and `/api/health`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ToolsReport {
    /// `[sandbox] level`.
    pub level: String,
    /// The running kernel's Landlock ABI; 0 = none.
    pub landlock_abi: i32,
    /// The kernel enforces the policy (or the level needs no enforcement to be safe).
    pub enforced: bool,
    /// TCP allowed to tools.
    pub network: bool,
    /// `"on"`, or why tools are off.
    pub tools: String,
    /// Configured MCP servers (enabled ones).
    pub mcp_servers: Vec<String>,
}

/// What the sandbox and tools look like with this config on this machine.
pub fn tools_report(config: &Config) -> ToolsReport {
    #[cfg(target_os = "linux")]
    let abi = omega_sandbox::landlock::kernel_abi();
    #[cfg(not(target_os = "linux"))]
    let abi = 0;
    let level = serde_json::to_value(config.sandbox.level)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let needs = config.sandbox.level != omega_core::config::SandboxLevel::Rwx;
    let tools = if !config.tools.enabled {
        "off ([tools] enabled = false)".to_owned()
    } else if abi == 0 && needs && !config.sandbox.allow_unenforced {
        format!(
            "off: this kernel has no Landlock, so level \"{level}\" cannot be enforced (sandbox.allow_unenforced = true runs them unconfined)"
        )
    } else if abi == 0 {
        "on, UNCONFINED (no Landlock in this kernel)".to_owned()
    } else {
        "on".to_owned()
    };
    ToolsReport {
        level,
        landlock_abi: abi,
        enforced: abi > 0,
        network: config.sandbox.network,
        tools,
        mcp_servers: config.mcp.servers.iter().filter(|(_, s)| s.enabled).map(|(n, _)| n.clone()).collect(),
    }
}

/// Paths no tool may reach, at any level: the data dir (the workspace inside it is granted on
/// its own), the database, and whatever the caller adds (the config file).
pub fn protected_paths(config: &Config, extra: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = vec![config.data_dir(), config.db_path()];
    if !config.provider.claude_code.home.trim().is_empty() {
        out.push(omega_core::config::expand_home(&config.provider.claude_code.home));
    }
    out.extend(extra.iter().cloned());
    // Compare real paths: the sandbox sees the file system, not the spelling in the config.
    let mut out: Vec<PathBuf> = out.into_iter().map(|p| std::fs::canonicalize(&p).unwrap_or(p)).collect();
    out.sort();
    out.dedup();
    out
}

/// The sandbox policy from `[sandbox]`, with the workspace created (private).
#[cfg(target_os = "linux")]
pub fn sandbox_policy(
    config: &Config,
    extra_protected: &[PathBuf],
) -> Result<omega_sandbox::Policy, StartError> {
    let workspace = config.data_dir().join("workspace");
    omega_memory::open::create_private_dir(&workspace)
        .map_err(|source| StartError::DataDir { path: workspace.clone(), source })?;
    let workspace = std::fs::canonicalize(&workspace).unwrap_or(workspace);
    let level = match config.sandbox.level {
        omega_core::config::SandboxLevel::Sandbox => omega_sandbox::Level::Sandbox,
        omega_core::config::SandboxLevel::Rx => omega_sandbox::Level::Rx,
        omega_core::config::SandboxLevel::Rwx => omega_sandbox::Level::Rwx,
    };
    let mut policy = omega_sandbox::Policy::new(level, &workspace, protected_paths(config, extra_protected));
    policy.network = config.sandbox.network;
    // The skills the prompt points at: readable at every level, never writable by tools.
    let skills = config.data_dir().join("skills");
    omega_memory::open::create_private_dir(&skills)
        .map_err(|source| StartError::DataDir { path: skills.clone(), source })?;
    policy.read_only.push(std::fs::canonicalize(&skills).unwrap_or(skills));
    Ok(policy)
}

/// How an MCP server's process starts: `program args` with `env`, confined by `policy`. A server
/// lives long, so it has no CPU-time cap (it would end a healthy server after a while).
#[cfg(target_os = "linux")]
fn server_command(
    policy: omega_sandbox::Policy,
    program: String,
    args: Vec<String>,
    env: Vec<(String, String)>,
    limits: omega_sandbox::spawn::Limits,
    require: bool,
) -> omega_providers::mcp::CommandFactory {
    let limits = omega_sandbox::spawn::Limits { cpu_secs: 0, ..limits };
    Arc::new(move || {
        let rules = omega_sandbox::plan(&policy, &omega_sandbox::policy::list_dir);
        let mut cmd = omega_sandbox::spawn::command(
            &program,
            &policy.workspace,
            rules,
            policy.network,
            limits,
            require,
        )
        .map_err(std::io::Error::other)?;
        cmd.args(&args).envs(env.iter().map(|(k, v)| (k, v)));
        Ok(cmd)
    })
}

/// The tools: built-ins under the `[sandbox]` policy, and the `[mcp.servers]` started as
/// sandboxed children.
#[cfg(target_os = "linux")]
pub(super) fn build_tools(
    config: &Config,
    extra_protected: &[PathBuf],
) -> Result<Option<omega_actors::sandbox::ToolsFactory>, StartError> {
    use omega_sandbox::spawn::Limits;
    let policy = sandbox_policy(config, extra_protected)?;
    let sb = &config.sandbox;
    let limits =
        Limits { cpu_secs: sb.cpu_secs, memory_bytes: sb.memory_mb << 20, processes: sb.max_processes };
    let require = policy.level != omega_sandbox::Level::Rwx && !sb.allow_unenforced;
    let settings = omega_sandbox::tools::Settings {
        timeout: Duration::from_secs(config.tools.timeout_secs),
        bash_output_cap: config.tools.max_output_bytes.max(1_000),
        read_cap: config.tools.max_output_bytes.max(50_000),
        limits,
        allow_unenforced: sb.allow_unenforced,
    };
    let mut servers = Vec::new();
    for (name, server) in config.mcp.servers.iter().filter(|(_, s)| s.enabled) {
        if server.command.trim().is_empty() {
            servers.push(omega_providers::mcp::ServerSpec {
                name: name.clone(),
                transport: omega_providers::mcp::Transport::Http(server.url.clone()),
                roots: vec![policy.workspace.clone()],
            });
            continue;
        }
        let mut p = policy.clone();
        p.read_exec.extend(server.read_paths.iter().map(|r| omega_core::config::expand_home(r)));
        p.read_write.extend(server.write_paths.iter().map(|r| omega_core::config::expand_home(r)));
        p.network = policy.network || server.network;
        let roots = vec![policy.workspace.clone()];
        let env = server.env.iter().map(|(k, v)| (k.clone(), v.expose().to_owned())).collect();
        let command = server_command(p, server.command.clone(), server.args.clone(), env, limits, require);
        servers.push(omega_providers::mcp::ServerSpec {
            name: name.clone(),
            transport: omega_providers::mcp::Transport::Stdio(command),
            roots,
        });
    }
    let timeout = Duration::from_secs(config.mcp.call_timeout_secs.max(1));
    // A skill's MCP servers run under the `[sandbox]` rules, with nothing more: a skill file
    // cannot grant its server paths or network that the owner did not.
    let skill_policy = policy.clone();
    let spawner: omega_actors::sandbox::SkillSpawner =
        Arc::new(move |server: &omega_providers::TurnMcpServer| {
            let command = server_command(
                skill_policy.clone(),
                server.command.clone(),
                server.args.clone(),
                server.env.clone(),
                limits,
                require,
            );
            let spec = omega_providers::mcp::ServerSpec {
                name: server.name.clone(),
                transport: omega_providers::mcp::Transport::Stdio(command),
                roots: vec![skill_policy.workspace.clone()],
            };
            omega_providers::mcp::McpHub::new(vec![spec], timeout)
        });
    let builtins = omega_sandbox::tools::Builtins::new(policy, settings);
    let web = web_tools(config, Arc::new(omega_providers::web::fetch::SystemDns));
    // Every (re)start of the Sandbox actor gets its own hub: no MCP connection outlives a crash.
    Ok(Some(Arc::new(move || {
        let tools = omega_actors::sandbox::ToolBox::new(
            Some(builtins.clone()),
            omega_providers::mcp::McpHub::new(servers.clone(), timeout),
        )
        .with_skill_servers(spawner.clone());
        match &web {
            Some(w) => tools.with_web(w.clone()),
            None => tools,
        }
    })))
}

/// `web_fetch` and `web_search` from `[web]`; `None` when it is off.
pub(super) fn web_tools(
    config: &Config,
    lookup: Arc<dyn omega_providers::web::fetch::Lookup>,
) -> Option<Arc<omega_actors::sandbox::WebTools>> {
    use omega_providers::web::{egress::Egress, fetch, search};
    let w = &config.web;
    if !w.enabled {
        return None;
    }
    let timeout = Duration::from_secs(w.timeout_secs.max(1));
    let limits = fetch::FetchLimits {
        timeout,
        max_bytes: w.max_bytes,
        max_chars: w.max_chars,
        max_redirects: w.max_redirects,
    };
    let backend = match w.search_backend() {
        Some("searxng") => Some(search::Backend::SearXng { url: w.searxng_url.clone() }),
        Some("brave") => {
            Some(search::Backend::Brave { url: w.brave_url.clone(), key: w.brave_api_key.clone() })
        }
        Some("tavily") => {
            Some(search::Backend::Tavily { url: w.tavily_url.clone(), key: w.tavily_api_key.clone() })
        }
        _ => None,
    };
    Some(Arc::new(omega_actors::sandbox::WebTools {
        fetch: fetch::Fetcher::new(Egress::new(&w.allow, &w.deny), limits, lookup),
        search: backend.map(|b| search::Searcher::new(b, w.search_results as usize, timeout)),
    }))
}

#[cfg(not(target_os = "linux"))]
pub(super) fn build_tools(
    config: &Config,
    _: &[PathBuf],
) -> Result<Option<omega_actors::sandbox::ToolsFactory>, StartError> {
    let web = web_tools(config, Arc::new(omega_providers::web::fetch::SystemDns));
    Ok(Some(Arc::new(move || {
        let tools = omega_actors::sandbox::ToolBox::new(omega_providers::mcp::McpHub::new(
            Vec::new(),
            Duration::from_secs(60),
        ));
        match &web {
            Some(w) => tools.with_web(w.clone()),
            None => tools,
        }
    })))
}
