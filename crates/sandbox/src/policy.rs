use std::path::{Path, PathBuf};

/// How much a tool may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Read and write only the workspace; read and execute the system directories programs need.
    Sandbox,
    /// Read and execute anywhere except Omega's own data; write only in the workspace.
    Rx,
    /// Read and write anywhere except Omega's own data and config.
    Rwx,
}

impl Level {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "sandbox" => Some(Self::Sandbox),
            "rx" => Some(Self::Rx),
            "rwx" => Some(Self::Rwx),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Sandbox => "sandbox",
            Level::Rx => "rx",
            Level::Rwx => "rwx",
        }
    }
}

/// What a rule allows beneath its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    /// Read files and list directories, and execute.
    ReadExec,
    /// Everything: read, write, create, remove, rename, execute.
    Full,
}

/// One grant: `access` beneath `path`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rule {
    pub path: PathBuf,
    pub access: Access,
}

/// What a sandboxed process may touch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub level: Level,
    /// Read-write for every level.
    pub workspace: PathBuf,
    /// Never reachable at any level: Omega's database, config, tokens, channel sessions.
    pub protected: Vec<PathBuf>,
    /// Read-execute at the `sandbox` level.
    pub system_dirs: Vec<PathBuf>,
    /// More read-execute grants at the `sandbox` level: where a program the tool runs lives
    /// (an MCP server's package, the Claude Code CLI). Protected paths stay excluded.
    pub read_exec: Vec<PathBuf>,
    /// More read-write grants at every level (the Claude Code CLI's own home). Protected paths
    /// stay excluded.
    pub read_write: Vec<PathBuf>,
    /// Sockets allowed. Off, Landlock blocks TCP (ABI 4+) and a seccomp filter refuses every new
    /// socket (UDP, raw, packet, Unix) on Linux.
    pub network: bool,
    /// Grants added as they are, even inside protected paths: one private file a program must
    /// read (the Claude Code CLI's per-call MCP config). Never used for tools.
    pub exact: Vec<Rule>,
    /// Read-only at every level, even inside a protected path: the skills directory in the data
    /// dir, whose SKILL.md files the prompt tells the model to read. Only what is beneath it
    /// opens (Landlock resolves symlinks, so a link out of it leads nowhere); the database,
    /// config and tokens beside it stay unreachable.
    pub read_only: Vec<PathBuf>,
}

/// The directories programs need to run, on a usual Linux.
pub const SYSTEM_DIRS: &[&str] =
    &["/bin", "/sbin", "/usr", "/lib", "/lib64", "/lib32", "/etc", "/opt", "/proc", "/sys", "/dev"];

/// Device files every program may write, at every level (`> /dev/null` must work).
pub const DEVICES: &[&str] =
    &["/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"];

impl Policy {
    pub fn new(level: Level, workspace: &Path, protected: Vec<PathBuf>) -> Self {
        Self {
            level,
            workspace: workspace.to_owned(),
            protected,
            system_dirs: SYSTEM_DIRS.iter().map(PathBuf::from).collect(),
            read_exec: Vec::new(),
            read_write: Vec::new(),
            network: false,
            exact: Vec::new(),
            read_only: Vec::new(),
        }
    }
}

/// Expand a policy into rules. `list` returns a directory's entries (full paths); it is how the
/// sibling expansion sees the file system, and what tests replace.
pub fn plan(policy: &Policy, list: &dyn Fn(&Path) -> Vec<PathBuf>) -> Vec<Rule> {
    let mut rules = vec![Rule { path: policy.workspace.clone(), access: Access::Full }];
    rules.extend(DEVICES.iter().map(|d| Rule { path: PathBuf::from(d), access: Access::Full }));
    for dir in &policy.read_write {
        rules.extend(around(dir, Access::Full, &policy.protected, list));
    }
    match policy.level {
        Level::Sandbox => {
            for dir in policy.system_dirs.iter().chain(&policy.read_exec) {
                rules.extend(around(dir, Access::ReadExec, &policy.protected, list));
            }
        }
        Level::Rx => rules.extend(around(Path::new("/"), Access::ReadExec, &policy.protected, list)),
        Level::Rwx => rules.extend(around(Path::new("/"), Access::Full, &policy.protected, list)),
    }
    rules.extend(policy.exact.iter().cloned());
    rules.extend(policy.read_only.iter().map(|p| Rule { path: p.clone(), access: Access::ReadExec }));
    rules.sort();
    rules.dedup();
    rules
}

/// Grant `access` beneath `root`, except beneath any protected path: where a protected path lies
/// inside `root`, grant each sibling along the way instead of the directory that contains it.
fn around(
    root: &Path,
    access: Access,
    protected: &[PathBuf],
    list: &dyn Fn(&Path) -> Vec<PathBuf>,
) -> Vec<Rule> {
    if protected.iter().any(|p| root.starts_with(p)) {
        return Vec::new(); // the root itself is protected
    }
    let inside: Vec<&PathBuf> = protected.iter().filter(|p| p.starts_with(root) && *p != root).collect();
    if inside.is_empty() {
        return vec![Rule { path: root.to_owned(), access }];
    }
    let mut rules = Vec::new();
    for entry in list(root) {
        if protected.contains(&entry) {
            continue;
        }
        if inside.iter().any(|p| p.starts_with(&entry)) {
            rules.extend(around(&entry, access, protected, list));
        } else {
            rules.push(Rule { path: entry, access });
        }
    }
    rules
}

/// List a real directory (entries that cannot be read are skipped).
pub fn list_dir(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir).map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small tree: / → {home, usr, tmp}; /home → {me}; /home/me → {.omega, notes}; /home/me/.omega → {data, workspace, omega.toml}
    fn fake(dir: &Path) -> Vec<PathBuf> {
        let kids: &[&str] = match dir.to_str().unwrap() {
            "/" => &["/home", "/usr", "/tmp"],
            "/home" => &["/home/me"],
            "/home/me" => &["/home/me/.omega", "/home/me/notes"],
            "/home/me/.omega" => {
                &["/home/me/.omega/data", "/home/me/.omega/workspace", "/home/me/.omega/omega.toml"]
            }
            _ => &[],
        };
        kids.iter().map(PathBuf::from).collect()
    }

    fn policy(level: Level) -> Policy {
        Policy {
            level,
            workspace: "/home/me/.omega/workspace".into(),
            protected: vec!["/home/me/.omega/data".into(), "/home/me/.omega/omega.toml".into()],
            system_dirs: vec!["/usr".into()],
            read_exec: Vec::new(),
            read_write: Vec::new(),
            network: false,
            exact: Vec::new(),
            read_only: Vec::new(),
        }
    }

    fn rules(level: Level) -> Vec<(String, Access)> {
        plan(&policy(level), &fake)
            .into_iter()
            .filter(|r| !r.path.starts_with("/dev"))
            .map(|r| (r.path.display().to_string(), r.access))
            .collect()
    }

    #[test]
    fn sandbox_is_the_workspace_and_system_dirs() {
        assert_eq!(
            rules(Level::Sandbox),
            vec![("/home/me/.omega/workspace".into(), Access::Full), ("/usr".into(), Access::ReadExec)]
        );
    }

    #[test]
    fn rx_grants_siblings_around_the_protected_data() {
        let r = rules(Level::Rx);
        assert!(r.contains(&("/usr".into(), Access::ReadExec)));
        assert!(r.contains(&("/home/me/notes".into(), Access::ReadExec)));
        assert!(r.contains(&("/home/me/.omega/workspace".into(), Access::Full)));
        assert!(
            !r.iter().any(|(p, _)| p == "/" || p == "/home" || p == "/home/me" || p == "/home/me/.omega"),
            "no ancestor of protected data is granted whole: {r:?}"
        );
        assert!(
            !r.iter().any(|(p, _)| p.starts_with("/home/me/.omega/data") || p.ends_with("omega.toml")),
            "{r:?}"
        );
    }

    #[test]
    fn rwx_is_full_everywhere_but_the_protected_paths() {
        let r = rules(Level::Rwx);
        assert!(r.contains(&("/tmp".into(), Access::Full)));
        assert!(r.contains(&("/home/me/notes".into(), Access::Full)));
        assert!(!r.iter().any(|(p, _)| p.starts_with("/home/me/.omega/data")));
    }
}
