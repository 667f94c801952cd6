//! The built-in tools — `bash`, `read`, `write`, `edit` — each confined by the policy.
//!
//! `bash` runs in a sandboxed child process ([`crate::spawn`]). The file tools run in a fresh
//! thread that restricts itself with Landlock before touching any path and exits afterwards, so
//! the kernel, not string checks, decides what they may reach: a symlink in the workspace that
//! points at Omega's database is refused by the kernel just like a direct path.

use std::io::{Read as _, Write as _};
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::AsyncReadExt as _;

use crate::landlock::{Enforcement, SandboxError};
use crate::policy::{Level, Policy, Rule, list_dir, plan};
use crate::spawn::Limits;

/// What a tool call produced. The content is untrusted data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolOutput {
    pub content: String,
    pub is_error: bool,
}

impl ToolOutput {
    pub fn ok(content: impl Into<String>) -> Self {
        Self { content: content.into(), is_error: false }
    }
    pub fn error(content: impl Into<String>) -> Self {
        Self { content: content.into(), is_error: true }
    }
}

/// A built-in tool's name, description and JSON Schema.
#[derive(Debug, Clone, PartialEq)]
pub struct BuiltinSpec {
    pub name: &'static str,
    pub description: &'static str,
    pub parameters: Value,
}

/// How the built-in tools run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// A `bash` call is killed (with its whole process group) after this long.
    pub timeout: Duration,
    /// `bash` output beyond this many bytes is cut, with a note saying so.
    pub bash_output_cap: usize,
    /// `read` output beyond this many bytes is cut, with a note saying so.
    pub read_cap: usize,
    /// Resource limits of `bash` children.
    pub limits: Limits,
    /// Run even where the kernel cannot enforce the policy (at `sandbox` and `rx`).
    pub allow_unenforced: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(120),
            bash_output_cap: 30_000,
            read_cap: 50_000,
            limits: Limits::default(),
            allow_unenforced: false,
        }
    }
}

/// Files larger than this are not loaded by `read` or `edit`.
const MAX_FILE_BYTES: u64 = 16 << 20;

/// The built-in tools under one policy.
#[derive(Debug, Clone)]
pub struct Builtins {
    policy: Policy,
    settings: Settings,
}

impl Builtins {
    pub fn new(policy: Policy, settings: Settings) -> Self {
        Self { policy, settings }
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Why tools cannot run here, if they cannot: the kernel has no Landlock and the level
    /// needs it (`sandbox`, `rx`) while `allow_unenforced` is off.
    pub fn refusal(&self) -> Option<String> {
        self.refusal_at(crate::landlock::kernel_abi())
    }

    /// [`Self::refusal`] for a kernel with Landlock ABI `abi` (0 = none).
    pub fn refusal_at(&self, abi: i32) -> Option<String> {
        if abi == 0 && self.enforcement_required() {
            Some(format!(
                "tools are disabled: this kernel has no Landlock, so [sandbox] level = \"{}\" cannot be \
                 enforced (set sandbox.allow_unenforced = true to run tools unconfined)",
                self.policy.level.as_str()
            ))
        } else {
            None
        }
    }

    fn enforcement_required(&self) -> bool {
        self.policy.level != Level::Rwx && !self.settings.allow_unenforced
    }

    /// The schemas of the four tools.
    pub fn specs() -> Vec<BuiltinSpec> {
        vec![
            BuiltinSpec {
                name: "bash",
                description: "Run a shell command in the workspace (the current directory) and return its \
                              combined stdout and stderr. The command runs sandboxed, with a time limit.",
                parameters: json!({
                    "type": "object",
                    "properties": {"command": {"type": "string", "description": "The shell command to run"}},
                    "required": ["command"]
                }),
            },
            BuiltinSpec {
                name: "read",
                description: "Read a UTF-8 text file. Relative paths are in the workspace.",
                parameters: json!({
                    "type": "object",
                    "properties": {
                        "file_path": {"type": "string", "description": "The file to read"},
                        "offset": {"type": "integer", "description": "First line to return (1-based)"},
                        "limit": {"type": "integer", "description": "How many lines to return"}
                    },
                    "required": ["file_path"]
                }),
            },
            BuiltinSpec {
                name: "write",
                description: "Write a file, replacing it if it exists and creating parent directories. \
                              Relative paths are in the workspace.",
                parameters: json!({
                    "type": "object",
                    "properties": {
                        "file_path": {"type": "string", "description": "The file to write"},
                        "content": {"type": "string", "description": "The whole new content"}
                    },
                    "required": ["file_path", "content"]
                }),
            },
            BuiltinSpec {
                name: "edit",
                description: "Replace old_string with new_string in a file. old_string must occur exactly \
                              once unless replace_all is true. Relative paths are in the workspace.",
                parameters: json!({
                    "type": "object",
                    "properties": {
                        "file_path": {"type": "string", "description": "The file to edit"},
                        "old_string": {"type": "string", "description": "The exact text to replace"},
                        "new_string": {"type": "string", "description": "The replacement"},
                        "replace_all": {"type": "boolean", "description": "Replace every occurrence"}
                    },
                    "required": ["file_path", "old_string", "new_string"]
                }),
            },
        ]
    }

    /// Whether `name` is a built-in tool (case-insensitive).
    pub fn handles(name: &str) -> bool {
        ["bash", "read", "write", "edit"].iter().any(|t| t.eq_ignore_ascii_case(name))
    }

    /// Run one built-in tool. Every failure is a tool error the model can read.
    pub async fn call(&self, name: &str, args: &Value) -> ToolOutput {
        if let Some(refusal) = self.refusal() {
            return ToolOutput::error(refusal);
        }
        let text = |key: &str| args.get(key).and_then(Value::as_str).map(str::to_owned);
        let missing = |key: &str| ToolOutput::error(format!("{name}: missing string argument \"{key}\""));
        match name.to_ascii_lowercase().as_str() {
            "bash" => match text("command") {
                Some(c) => self.bash(&c).await,
                None => missing("command"),
            },
            "read" => {
                let Some(path) = text("file_path") else { return missing("file_path") };
                let offset = args.get("offset").and_then(Value::as_u64).unwrap_or(1).max(1) as usize;
                let limit = args.get("limit").and_then(Value::as_u64).map(|l| l as usize);
                let cap = self.settings.read_cap;
                self.file_op(&path, move |p| read_file(p, offset, limit, cap)).await
            }
            "write" => {
                let Some(path) = text("file_path") else { return missing("file_path") };
                let Some(content) = text("content") else { return missing("content") };
                self.file_op(&path, move |p| write_file(p, &content)).await
            }
            "edit" => {
                let Some(path) = text("file_path") else { return missing("file_path") };
                let Some(old) = text("old_string") else { return missing("old_string") };
                let Some(new) = text("new_string") else { return missing("new_string") };
                let all = args.get("replace_all").and_then(Value::as_bool).unwrap_or(false);
                self.file_op(&path, move |p| edit_file(p, &old, &new, all)).await
            }
            other => ToolOutput::error(format!("there is no built-in tool named \"{other}\"")),
        }
    }

    fn rules(&self) -> Vec<Rule> {
        plan(&self.policy, &list_dir)
    }

    /// `~/x` and relative paths are in the workspace (the tools' home).
    fn resolve(&self, path: &str) -> PathBuf {
        let path = path.strip_prefix("~/").unwrap_or(path);
        let p = Path::new(path);
        if p.is_absolute() { p.to_owned() } else { self.policy.workspace.join(p) }
    }

    /// Run a file operation in a fresh thread confined by the policy.
    async fn file_op<F>(&self, path: &str, op: F) -> ToolOutput
    where
        F: FnOnce(&Path) -> Result<String, String> + Send + 'static,
    {
        let path = self.resolve(path);
        let rules = self.rules();
        let (network, required, level) =
            (self.policy.network, self.enforcement_required(), self.policy.level.as_str());
        let (tx, rx) = tokio::sync::oneshot::channel();
        let spawned = std::thread::Builder::new().name("omega-tool".into()).spawn(move || {
            let result = match crate::landlock::restrict(&rules, network) {
                Ok(Enforcement::None) if required => Err(SandboxError::Unenforced.to_string()),
                Ok(_) => op(&path).map_err(|e| explain(&e, &path, level)),
                Err(e) => Err(e.to_string()),
            };
            let _ = tx.send(result);
        });
        if let Err(e) = spawned {
            return ToolOutput::error(format!("cannot start the tool: {e}"));
        }
        match rx.await {
            Ok(Ok(text)) => ToolOutput::ok(text),
            Ok(Err(e)) => ToolOutput::error(e),
            Err(_) => ToolOutput::error("the tool stopped unexpectedly"),
        }
    }

    /// Run a shell command in a sandboxed child; its whole process group is killed on timeout.
    async fn bash(&self, command: &str) -> ToolOutput {
        let shell = if Path::new("/bin/bash").exists() { "/bin/bash" } else { "/bin/sh" };
        let std_cmd = crate::spawn::command(
            shell,
            &self.policy.workspace,
            self.rules(),
            self.policy.network,
            self.settings.limits,
            self.enforcement_required(),
        );
        let mut std_cmd = match std_cmd {
            Ok(c) => c,
            Err(e) => return ToolOutput::error(e.to_string()),
        };
        // `exec 2>&1` first: stdout and stderr interleave in one pipe, in order.
        std_cmd.arg("-c").arg(format!("exec 2>&1\n{command}"));
        let mut cmd = tokio::process::Command::from(std_cmd);
        cmd.stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true);
        let mut child = match cmd.spawn() {
            Ok(c) => c,
            Err(e) => return ToolOutput::error(format!("cannot run the command: {e}")),
        };
        // Whatever the outcome — done, timed out, or the call dropped because its job was
        // cancelled — nothing the command started outlives it.
        let _group = child.id().map(|id| KillGroup(id as i32));
        let Some(mut stdout) = child.stdout.take() else {
            return ToolOutput::error("cannot read the command's output");
        };
        let cap = self.settings.bash_output_cap;
        let mut kept = Vec::new();
        let mut total = 0usize;
        let run = async {
            let mut chunk = [0u8; 8192];
            while let Ok(n) = stdout.read(&mut chunk).await {
                if n == 0 {
                    break;
                }
                total += n;
                let room = cap.saturating_sub(kept.len());
                kept.extend_from_slice(&chunk[..n.min(room)]);
            }
            child.wait().await
        };
        let status = tokio::time::timeout(self.settings.timeout, run).await;
        drop(_group);
        let mut text = String::from_utf8_lossy(&kept).into_owned();
        if total > kept.len() {
            text.push_str(&format!("\n[output truncated: {} of {total} bytes shown]", kept.len()));
        }
        match status {
            Err(_) => {
                text.push_str(&format!(
                    "\n[timed out after {} s; the command and everything it started were killed]",
                    self.settings.timeout.as_secs()
                ));
                ToolOutput::error(text)
            }
            Ok(Err(e)) => ToolOutput::error(format!("{text}\n[cannot wait for the command: {e}]")),
            Ok(Ok(status)) if status.success() => ToolOutput::ok(text),
            Ok(Ok(status)) => {
                use std::os::unix::process::ExitStatusExt as _;
                match (status.code(), status.signal()) {
                    (Some(code), _) => text.push_str(&format!("\n[exit code {code}]")),
                    (None, Some(sig)) => text.push_str(&format!("\n[killed by signal {sig}]")),
                    _ => text.push_str("\n[failed]"),
                }
                ToolOutput::error(text)
            }
        }
    }
}

/// Kills a command's process group when dropped.
struct KillGroup(i32);

impl Drop for KillGroup {
    fn drop(&mut self) {
        kill_group(self.0);
    }
}

#[allow(unsafe_code)]
fn kill_group(pgid: i32) {
    // SAFETY: killpg only sends a signal; a group that is already gone gives ESRCH, ignored.
    unsafe {
        libc::killpg(pgid, libc::SIGKILL);
    }
}

/// Turn an I/O error into words that say what the sandbox did.
fn explain(e: &str, path: &Path, level: &str) -> String {
    if e.contains("Permission denied") || e.contains("Operation not permitted") {
        format!(
            "permission denied: {} is outside what the sandbox allows at [sandbox] level = \"{level}\"",
            path.display()
        )
    } else {
        e.to_owned()
    }
}

/// Open a file for reading without blocking on FIFOs or devices, and insist on a regular file.
fn open_regular(path: &Path) -> Result<std::fs::File, String> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let meta = file.metadata().map_err(|e| format!("cannot stat {}: {e}", path.display()))?;
    if !meta.is_file() {
        return Err(format!("{} is not a regular file", path.display()));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "{} is too large ({} bytes; the limit is {MAX_FILE_BYTES})",
            path.display(),
            meta.len()
        ));
    }
    Ok(file)
}

fn load_text(path: &Path) -> Result<String, String> {
    let mut bytes = Vec::new();
    open_regular(path)?
        .take(MAX_FILE_BYTES)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{} is not UTF-8 text ({} bytes); use bash to inspect binary files",
            path.display(),
            e.as_bytes().len()
        )
    })
}

fn read_file(path: &Path, offset: usize, limit: Option<usize>, cap: usize) -> Result<String, String> {
    let text = load_text(path)?;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let total_lines = lines.len();
    let end = limit.map_or(total_lines, |l| offset.saturating_sub(1).saturating_add(l).min(total_lines));
    let mut out: String = lines.get(offset.saturating_sub(1)..end).unwrap_or_default().concat();
    if out.len() > cap {
        let mut cut = cap;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        let shown = cut;
        out.truncate(cut);
        out.push_str(&format!(
            "\n[file truncated: {shown} of {} bytes shown; use offset and limit]",
            text.len()
        ));
    } else if end < total_lines || offset > 1 {
        out.push_str(&format!("\n[lines {offset}-{end} of {total_lines}]"));
    }
    Ok(out)
}

fn write_file(path: &Path, content: &str) -> Result<String, String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    file.write_all(content.as_bytes()).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(format!("wrote {} bytes to {}", content.len(), path.display()))
}

fn edit_file(path: &Path, old: &str, new: &str, all: bool) -> Result<String, String> {
    if old.is_empty() {
        return Err("old_string is empty; use write to create a file".into());
    }
    let text = load_text(path)?;
    let count = text.matches(old).count();
    let updated = match count {
        0 => return Err(format!("old_string was not found in {}", path.display())),
        1 => text.replacen(old, new, 1),
        _ if all => text.replace(old, new),
        n => {
            return Err(format!(
                "old_string occurs {n} times in {}; add surrounding text to make it unique, or set \
                 replace_all",
                path.display()
            ));
        }
    };
    write_file(path, &updated)?;
    Ok(format!("replaced {count} occurrence{} in {}", if count == 1 { "" } else { "s" }, path.display()))
}
