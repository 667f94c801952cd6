//! The configured providers: one client per `[provider.NAME]`, the Claude Code CLI confined by
//! the sandbox policy (or refused when that policy cannot be built).

use super::*;

/// The configured client for provider `name` (validated by config loading).
pub fn build_provider(config: &Config, name: &str) -> Arc<dyn Provider> {
    build_provider_protecting(config, name, &[])
}

/// [`build_provider`], with more paths kept from the Claude Code CLI's reach.
pub fn build_provider_protecting(config: &Config, name: &str, protected: &[PathBuf]) -> Arc<dyn Provider> {
    let p = &config.provider;
    let (client, max): (Arc<dyn Provider>, u32) = match name {
        "anthropic" => (Arc::new(AnthropicProvider::new(p.anthropic.clone())), p.anthropic.max_concurrent),
        "openrouter" => {
            (Arc::new(OpenAiProvider::openrouter(p.openrouter.clone())), p.openrouter.max_concurrent)
        }
        "ollama" => (
            Arc::new(omega_providers::ollama::OllamaProvider::new(p.ollama.clone())),
            p.ollama.max_concurrent,
        ),
        "gemini" => (
            Arc::new(omega_providers::gemini::GeminiProvider::new(p.gemini.clone())),
            p.gemini.max_concurrent,
        ),
        "claude-code" => (Arc::new(claude_code(config, protected)), p.claude_code.max_concurrent),
        // One answer at a time: a small model on a CPU has no room for two.
        "local" => (Arc::new(local_model(config, protected)), 1),
        _ => (Arc::new(OpenAiProvider::new(p.openai.clone())), p.openai.max_concurrent),
    };
    omega_providers::limit::Limited::wrap(client, max)
}

/// The local model's server, confined like a tool at the `sandbox` level (Linux): the system's
/// programs, its own directory (`data_dir/local`: the venv, the script, the log), its Python and
/// model wherever they are configured, and loopback TCP; none of Omega's data. Where the
/// confinement cannot be applied it is not started (unless `[sandbox] allow_unenforced`, or the
/// owner chose `level = "rwx"`).
fn local_model(config: &Config, protected: &[PathBuf]) -> omega_providers::local::LocalProvider {
    let dir = config.data_dir().join("local");
    let provider = omega_providers::local::LocalProvider::new(config.provider.local.clone(), dir.clone());
    #[cfg(target_os = "linux")]
    {
        let base = match sandbox_policy(config, protected) {
            Ok(p) => p,
            Err(e) => {
                let why = format!("its [sandbox] policy cannot be built ({e})");
                return provider.with_spawner(Arc::new(move |_| Err(why.clone())));
            }
        };
        let require = base.level != omega_sandbox::Level::Rwx && !config.sandbox.allow_unenforced;
        let model = config.provider.local.model_path.trim().to_owned();
        let spawner: omega_providers::local::Spawner = Arc::new(move |python| {
            std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            let home = std::fs::canonicalize(&dir).unwrap_or_else(|_| dir.clone());
            let mut p =
                omega_sandbox::Policy::new(omega_sandbox::Level::Sandbox, &home, base.protected.clone());
            p.network = true;
            // A Python configured elsewhere: its environment (a venv's root, two up from bin/);
            // a model elsewhere: its directory.
            // (A venv's `python` links to the interpreter it was made with; the venv is found
            // beside the link, the standard library beside the interpreter.)
            // The venv's root, and the interpreter's own installation (its standard library).
            let env_root =
                python.ancestors().nth(2).map(|r| std::fs::canonicalize(r).unwrap_or_else(|_| r.to_owned()));
            let real = std::fs::canonicalize(python).ok();
            let install =
                real.as_deref().and_then(|r| r.ancestors().nth(2)).map(std::path::Path::to_path_buf);
            let mut grants: Vec<PathBuf> = env_root.into_iter().chain(install).collect();
            if !model.is_empty() {
                let m = omega_core::config::expand_home(&model);
                let m = std::fs::canonicalize(&m).unwrap_or(m);
                grants.extend(m.parent().map(std::path::Path::to_path_buf));
            }
            for g in grants.into_iter().filter(|g| !g.starts_with(&home)) {
                p.exact.push(omega_sandbox::Rule { path: g, access: omega_sandbox::Access::ReadExec });
            }
            let rules = omega_sandbox::plan(&p, &omega_sandbox::policy::list_dir);
            // A model server is long-lived and sized by its model: no CPU, memory or process caps.
            let limits = omega_sandbox::spawn::Limits { cpu_secs: 0, memory_bytes: 0, processes: 0 };
            let program = python.to_string_lossy().into_owned();
            omega_sandbox::spawn::command(&program, &home, rules, true, limits, require)
                .map_err(|e| e.to_string())
        });
        provider.with_spawner(spawner)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = protected;
        provider
    }
}

/// The Claude Code CLI: confined by the `[sandbox]` policy (Linux), with the `[mcp.servers]`
/// it may start.
fn claude_code(config: &Config, protected: &[PathBuf]) -> omega_providers::claude_code::ClaudeCodeProvider {
    use omega_providers::claude_code::{ClaudeCodeProvider, CliMcpServer};
    let workspace = config.data_dir().join("workspace");
    let servers = config
        .mcp
        .servers
        .iter()
        .filter(|(_, s)| s.enabled)
        .map(|(name, s)| CliMcpServer {
            name: name.clone(),
            url: if s.command.trim().is_empty() { s.url.clone() } else { String::new() },
            command: s.command.clone(),
            args: s.args.clone(),
            env: s.env.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        })
        .collect();
    let provider = ClaudeCodeProvider::new(config.provider.claude_code.clone(), workspace)
        .with_mcp(servers, config.data_dir().join("run"));
    #[cfg(target_os = "linux")]
    let policy = match sandbox_policy(config, protected) {
        Ok(p) => p,
        // Fail closed: without its policy the CLI (and its Bash) would run unconfined.
        Err(e) => {
            let why = format!(
                "the [sandbox] policy for the Claude Code CLI cannot be built ({e}), so it is not run"
            );
            tracing::error!("{why}");
            return provider.refusing(why);
        }
    };
    #[cfg(target_os = "linux")]
    {
        let require = policy.level != omega_sandbox::Level::Rwx && !config.sandbox.allow_unenforced;
        let sb = config.sandbox.clone();
        let enabled = || config.mcp.servers.values().filter(|s| s.enabled);
        let paths = |f: fn(&omega_core::config::McpServerConfig) -> &Vec<String>| -> Vec<PathBuf> {
            enabled().flat_map(|s| f(s).iter().map(|r| omega_core::config::expand_home(r))).collect()
        };
        let mcp_reads = paths(|s| &s.read_paths);
        let mcp_writes = paths(|s| &s.write_paths);
        let spawner: omega_providers::claude_code::Spawner =
            Arc::new(move |c| {
                let mut p = policy.clone();
                // The CLI is the provider: it must reach its API, and its own home.
                p.network = true;
                // A dedicated home ([provider.claude-code] home) is the CLI's alone: tools never
                // reach it, the CLI gets all of it. In the user's own home it gets only its files.
                if !c.home.exists() {
                    omega_memory::open::create_private_dir(&c.home)?;
                }
                let home = std::fs::canonicalize(&c.home).unwrap_or_else(|_| c.home.clone());
                if p.protected.contains(&home) {
                    p.protected.retain(|x| *x != home);
                    p.read_write.push(home);
                } else {
                    // The CLI keeps its sessions in ~/.claude: it must exist before the policy is
                    // built (a rule needs the directory), or a fresh user's sessions are never
                    // saved and every `--resume` fails.
                    let dir = home.join(".claude");
                    if !dir.exists() {
                        omega_memory::open::create_private_dir(&dir)?;
                    }
                    p.read_write.push(dir);
                    p.exact.push(omega_sandbox::Rule {
                        path: home.join(".claude.json"),
                        access: omega_sandbox::Access::Full,
                    });
                }
                // Its package (an npm install keeps the real binary beside its dependencies), and
                // the MCP servers it starts (their children inherit this policy).
                p.read_exec.push(package_dir(&c.program));
                p.read_exec.extend(mcp_reads.iter().cloned());
                p.read_write.extend(mcp_writes.iter().cloned());
                p.exact.extend(c.read_files.iter().map(|f| omega_sandbox::Rule {
                    path: f.clone(),
                    access: omega_sandbox::Access::ReadExec,
                }));
                let rules = omega_sandbox::plan(&p, &omega_sandbox::policy::list_dir);
                let limits = omega_sandbox::spawn::Limits {
                    // A long agentic run may use minutes of CPU; the timeout bounds it instead.
                    cpu_secs: 0,
                    memory_bytes: sb.memory_mb << 20,
                    processes: sb.max_processes,
                };
                let program = c.program.to_string_lossy().into_owned();
                omega_sandbox::spawn::command(&program, &c.workdir, rules, true, limits, require)
                    .map_err(std::io::Error::other)
            });
        provider.confined(spawner)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = protected;
        // No kernel sandbox is wired here yet (Seatbelt is rendered, not run): refuse unless the
        // owner chose to run unconfined.
        if config.sandbox.level != omega_core::config::SandboxLevel::Rwx && !config.sandbox.allow_unenforced {
            return provider.refusing(
                "this OS has no kernel sandbox Omega can enforce yet, so the Claude Code CLI is not run \
                 (sandbox.allow_unenforced = true runs it unconfined)",
            );
        }
        provider
    }
}

/// The directory a program's package lives in: the nearest `node_modules` above it, else its
/// own directory.
#[cfg(target_os = "linux")]
fn package_dir(program: &std::path::Path) -> PathBuf {
    let real = std::fs::canonicalize(program).unwrap_or_else(|_| program.to_owned());
    real.ancestors()
        .find(|a| a.file_name().is_some_and(|n| n == "node_modules"))
        .or_else(|| real.parent())
        .map(|p| p.to_owned())
        .unwrap_or(real)
}
