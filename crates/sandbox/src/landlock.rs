//! Enforcing a plan with Landlock. Restriction applies to the calling thread and the processes it
//! starts afterwards (whole-process restriction needs a newer ABI), so it is meant for a child
//! process between fork and exec — never for an actor thread.

use landlock::{
    ABI, Access as _, AccessFs, PathBeneath, PathFd, Ruleset, RulesetAttr, RulesetCreatedAttr, RulesetStatus,
};

use crate::policy::{Access, Rule};

/// The Landlock ABI Omega asks for; older kernels get what they support.
const ABI_WANTED: ABI = ABI::V5;

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("cannot set up the sandbox: {0}")]
    Setup(String),
    /// The kernel has no Landlock; the policy is not enforced.
    #[error("this kernel does not enforce Landlock; the sandbox policy would not be enforced")]
    Unenforced,
}

/// Restrict the calling thread (and its future children) to `rules`. Paths that do not exist are
/// skipped.
pub fn restrict(rules: &[Rule]) -> Result<(), SandboxError> {
    apply(prepare(rules)?)
}

/// A ruleset with every path opened, ready to apply (in a child, after fork).
pub struct Prepared(landlock::RulesetCreated);

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Prepared")
    }
}

/// Apply a prepared ruleset to the calling thread.
pub fn apply(prepared: Prepared) -> Result<(), SandboxError> {
    let status = prepared.0.restrict_self().map_err(|e| SandboxError::Setup(e.to_string()))?;
    if status.ruleset == RulesetStatus::NotEnforced {
        return Err(SandboxError::Unenforced);
    }
    Ok(())
}

/// Open every rule's path and build the ruleset.
pub fn prepare(rules: &[Rule]) -> Result<Prepared, SandboxError> {
    let all = AccessFs::from_all(ABI_WANTED);
    let read_exec = AccessFs::from_read(ABI_WANTED);
    let err = |e: landlock::RulesetError| SandboxError::Setup(e.to_string());
    let mut ruleset = Ruleset::default().handle_access(all).map_err(err)?.create().map_err(err)?;
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
