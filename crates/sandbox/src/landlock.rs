//! Enforcing a plan with Landlock. Restriction applies to the calling thread and the processes it
//! starts afterwards (whole-process restriction needs a newer ABI), so it is meant for a child
//! process between fork and exec, or for a fresh thread that exists only to run one tool — never
//! for an actor thread.

use landlock::{
    ABI, Access as _, AccessFs, AccessNet, PathBeneath, PathFd, Ruleset, RulesetAttr, RulesetCreatedAttr,
    RulesetStatus, Scope,
};

use crate::policy::{Access, Rule};

/// The Landlock ABI Omega asks for; older kernels get what they support (best effort), and
/// [`kernel_abi`] says what that was.
const ABI_WANTED: ABI = ABI::V6;

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("cannot set up the sandbox: {0}")]
    Setup(String),
    /// The kernel has no Landlock; the policy is not enforced.
    #[error("this kernel does not enforce Landlock; the sandbox policy would not be enforced")]
    Unenforced,
}

/// How far the kernel enforced a ruleset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enforcement {
    /// Everything asked for.
    Full,
    /// An older ABI: files are confined, some newer rights (network, signals) are not.
    Partial,
    /// Nothing (no Landlock in this kernel).
    None,
}

/// The Landlock ABI version of the running kernel; 0 = no Landlock.
#[allow(unsafe_code)]
pub fn kernel_abi() -> i32 {
    const LANDLOCK_CREATE_RULESET_VERSION: libc::c_uint = 1;
    // SAFETY: with a null attribute pointer, size 0 and the VERSION flag the syscall only returns
    // the ABI version (or an error); it reads and writes no memory.
    let v = unsafe {
        libc::syscall(
            libc::SYS_landlock_create_ruleset,
            std::ptr::null::<libc::c_void>(),
            0usize,
            LANDLOCK_CREATE_RULESET_VERSION,
        )
    };
    if v < 0 { 0 } else { v as i32 }
}

/// Restrict the calling thread (and its future children) to `rules`. Paths that do not exist are
/// skipped.
pub fn restrict(rules: &[Rule], network: bool) -> Result<Enforcement, SandboxError> {
    apply(prepare(rules, network)?)
}

/// A ruleset with every path opened, ready to apply (in a child, after fork).
pub struct Prepared(landlock::RulesetCreated);

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Prepared")
    }
}

/// Apply a prepared ruleset to the calling thread.
pub fn apply(prepared: Prepared) -> Result<Enforcement, SandboxError> {
    let status = prepared.0.restrict_self().map_err(|e| SandboxError::Setup(e.to_string()))?;
    Ok(match status.ruleset {
        RulesetStatus::FullyEnforced => Enforcement::Full,
        RulesetStatus::PartiallyEnforced => Enforcement::Partial,
        RulesetStatus::NotEnforced => Enforcement::None,
    })
}

/// Open every rule's path and build the ruleset. Without `network`, TCP connect and bind are
/// handled with no port allowed (ABI 4+). Signals and abstract Unix sockets are always scoped to
/// the sandbox (ABI 6+): a tool cannot signal Omega or talk to sockets outside it.
pub fn prepare(rules: &[Rule], network: bool) -> Result<Prepared, SandboxError> {
    let all = AccessFs::from_all(ABI_WANTED);
    let read_exec = AccessFs::from_read(ABI_WANTED);
    let err = |e: landlock::RulesetError| SandboxError::Setup(e.to_string());
    let mut ruleset = Ruleset::default().handle_access(all).map_err(err)?;
    if !network {
        ruleset = ruleset.handle_access(AccessNet::from_all(ABI_WANTED)).map_err(err)?;
    }
    let mut ruleset = ruleset.scope(Scope::from_all(ABI_WANTED)).map_err(err)?.create().map_err(err)?;
    for rule in rules {
        let Ok(fd) = PathFd::new(&rule.path) else { continue };
        let access = match rule.access {
            Access::Full => all,
            Access::ReadExec => read_exec,
        };
        // A rule on a file may only carry file rights.
        let access = if rule.path.is_dir() { access } else { access & AccessFs::from_file(ABI_WANTED) };
        ruleset = ruleset.add_rule(PathBeneath::new(fd, access)).map_err(err)?;
    }
    Ok(Prepared(ruleset))
}
