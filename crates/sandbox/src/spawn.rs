//! Child processes under the policy: a minimal environment, their own process group, resource
//! limits, and Landlock (plus, with the network off, a seccomp filter closing every socket)
//! applied between fork and exec, so the restriction binds the child and never the caller's
//! thread.

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;

use crate::landlock::SandboxError;
use crate::policy::Rule;

/// Resource limits for a child. 0 = no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub cpu_secs: u64,
    pub memory_bytes: u64,
    pub processes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self { cpu_secs: 120, memory_bytes: 2 << 30, processes: 256 }
    }
}

/// The system part of the `PATH` sandboxed children get.
pub const CHILD_PATH: &str = "/usr/local/bin:/usr/bin:/bin";

/// The `PATH` a child working in `workdir` gets: the system directories, then `workdir/bin`
/// (last, so a program put there can add a command but never shadow a system one).
pub fn child_path(workdir: &Path) -> String {
    format!("{CHILD_PATH}:{}", workdir.join("bin").display())
}

/// A `Command` for `program` that runs sandboxed in `workdir`. The environment is emptied: the
/// child sees `PATH`, `LANG`, `HOME` (= `workdir`) and `TMPDIR` (`workdir/.tmp`) only — no API
/// keys, no tokens; callers add what a program really needs. Without `network`, the child can
/// open no socket at all (TCP, UDP, raw, Unix; see [`crate::seccomp`]). With `require_enforced`,
/// a kernel that cannot enforce the rules or close the sockets makes the spawn fail instead of
/// running unconfined.
pub fn command(
    program: &str,
    workdir: &Path,
    rules: Vec<Rule>,
    network: bool,
    limits: Limits,
    require_enforced: bool,
) -> Result<Command, SandboxError> {
    let tmp = workdir.join(".tmp");
    let _ = std::fs::create_dir_all(&tmp);
    let mut cmd = Command::new(program);
    cmd.current_dir(workdir)
        .env_clear()
        .env("PATH", child_path(workdir))
        .env("LANG", "C.UTF-8")
        .env("HOME", workdir)
        .env("TMPDIR", &tmp)
        .process_group(0);
    // Build the ruleset (opening every path) before fork; the child only applies it.
    let ruleset = std::sync::Mutex::new(Some(crate::landlock::prepare(&rules, network)?));
    let last_cap = last_capability();
    let no_sockets = match (network, crate::seccomp::no_sockets()) {
        (true, _) => None,
        (false, Ok(filter)) => Some(filter),
        (false, Err(e)) if require_enforced => return Err(e),
        (false, Err(_)) => None,
    };
    #[allow(unsafe_code)]
    // SAFETY: the closure runs in the forked child before exec. It calls setrlimit(2), the
    // Landlock syscalls on a ruleset created before the fork and prctl(2) with a filter compiled
    // before it; the mutex it locks is owned by the closure alone, so no other thread can hold
    // it at fork time.
    unsafe {
        cmd.pre_exec(move || {
            set_limits(limits)?;
            let prepared = ruleset.lock().map_err(|_| std::io::Error::other("sandbox lock"))?.take();
            if let Some(r) = prepared {
                let enforced = crate::landlock::apply(r).map_err(|e| std::io::Error::other(e.to_string()))?;
                if require_enforced && enforced == crate::landlock::Enforcement::None {
                    return Err(std::io::Error::other(SandboxError::Unenforced.to_string()));
                }
            }
            drop_capabilities(last_cap)?;
            if let Some(filter) = &no_sockets {
                match crate::seccomp::install(filter) {
                    Ok(()) => {}
                    Err(e) if require_enforced => {
                        return Err(std::io::Error::other(format!(
                            "cannot close the network with a seccomp filter: {e}"
                        )));
                    }
                    Err(_) => {}
                }
            }
            Ok(())
        });
    }
    Ok(cmd)
}

/// The highest capability number this kernel knows (read before fork).
fn last_capability() -> i32 {
    std::fs::read_to_string("/proc/sys/kernel/cap_last_cap")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(63)
}

/// Empty the capability bounding set and the ambient set, so a program run by a root Omega gets
/// no capabilities at exec: no `CAP_SYS_PTRACE` to read Omega's `/proc` files, no
/// `CAP_DAC_OVERRIDE`, no module loading. A process without `CAP_SETPCAP` has nothing to drop
/// (and `no_new_privs`, set for Landlock, keeps exec from granting any) unless it is root.
#[allow(unsafe_code)]
fn drop_capabilities(last_cap: i32) -> std::io::Result<()> {
    // SAFETY: prctl(2) with integer arguments only; no memory is read or written.
    unsafe {
        libc::prctl(libc::PR_CAP_AMBIENT, libc::PR_CAP_AMBIENT_CLEAR_ALL as libc::c_ulong, 0, 0, 0);
        for cap in 0..=last_cap {
            if libc::prctl(libc::PR_CAPBSET_DROP, cap as libc::c_ulong, 0, 0, 0) != 0 {
                let e = std::io::Error::last_os_error();
                match e.raw_os_error() {
                    Some(libc::EINVAL) => break, // beyond what this kernel has
                    Some(libc::EPERM) if libc::geteuid() != 0 => return Ok(()),
                    _ => return Err(std::io::Error::other(format!("cannot drop root's capabilities: {e}"))),
                }
            }
        }
    }
    Ok(())
}

/// Make the calling process non-dumpable: its `/proc/<pid>/` files (`environ`, `fd`, `maps`,
/// `mem`) become unreadable to other processes of the same user, so a tool cannot read the
/// API keys in Omega's environment, and no core dump holds them. Children get their own
/// (dumpable) state back at exec. Landlock alone does not stop a sandboxed process from
/// reading its parent's `environ`.
#[allow(unsafe_code)]
pub fn protect_self() -> std::io::Result<()> {
    // SAFETY: prctl(2) with integer arguments only.
    if unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

#[allow(unsafe_code)]
fn set_limits(l: Limits) -> std::io::Result<()> {
    for (resource, value) in
        [(libc::RLIMIT_CPU, l.cpu_secs), (libc::RLIMIT_AS, l.memory_bytes), (libc::RLIMIT_NPROC, l.processes)]
    {
        if value == 0 {
            continue;
        }
        let lim = libc::rlimit { rlim_cur: value as libc::rlim_t, rlim_max: value as libc::rlim_t };
        // SAFETY: setrlimit reads the struct we pass; it has no other memory effects.
        if unsafe { libc::setrlimit(resource, &lim) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}
