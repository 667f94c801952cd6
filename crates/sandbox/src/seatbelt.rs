//! The same policy for macOS: a Seatbelt profile for `sandbox-exec -p PROFILE -- PROGRAM`.
//!
//! Seatbelt, unlike Landlock, can deny inside an allowed tree (a later rule wins), so protected
//! paths are plain `deny` rules after the grants. The generator is platform-independent and
//! tested by its text; only macOS runs it.

use crate::policy::{DEVICES, Level, Policy};
use std::path::Path;

/// A Seatbelt (SBPL) profile enforcing `policy`.
pub fn profile(policy: &Policy) -> String {
    let mut p = String::from("(version 1)\n(deny default)\n");
    // What any program needs to start and run.
    p.push_str(
        "(allow process-fork)\n(allow process-exec)\n(allow signal (target same-sandbox))\n\
         (allow sysctl-read)\n(allow mach-lookup)\n(allow ipc-posix-shm)\n(allow file-read-metadata)\n",
    );
    match policy.level {
        Level::Sandbox => {
            let dirs: Vec<&Path> = policy
                .system_dirs
                .iter()
                .chain(&policy.read_exec)
                .map(|d| d.as_path())
                .chain(MACOS_SYSTEM_DIRS.iter().map(Path::new))
                .collect();
            p.push_str(&format!("(allow file-read* file-map-executable{})\n", subpaths(&dirs)));
        }
        Level::Rx => p.push_str("(allow file-read* file-map-executable (subpath \"/\"))\n"),
        Level::Rwx => p.push_str("(allow file-read* file-write* file-map-executable (subpath \"/\"))\n"),
    }
    let mut writable: Vec<&Path> = vec![policy.workspace.as_path()];
    writable.extend(policy.read_write.iter().map(|d| d.as_path()));
    p.push_str(&format!("(allow file-read* file-write*{})\n", subpaths(&writable)));
    let devices: String = DEVICES.iter().map(|d| format!(" (literal {})", quote(d))).collect();
    p.push_str(&format!("(allow file-read* file-write*{devices})\n"));
    if policy.network {
        p.push_str("(allow network*)\n");
    }
    if !policy.protected.is_empty() {
        let protected: Vec<&Path> = policy.protected.iter().map(|d| d.as_path()).collect();
        p.push_str(&format!("(deny file-read* file-write*{})\n", subpaths(&protected)));
    }
    if !policy.read_only.is_empty() {
        // After the denial: a later rule wins, so the skills inside the data dir read again.
        let read_only: Vec<&Path> = policy.read_only.iter().map(|d| d.as_path()).collect();
        p.push_str(&format!("(allow file-read*{})\n", subpaths(&read_only)));
    }
    p
}

/// Where macOS keeps what programs need, beyond the usual Unix directories.
const MACOS_SYSTEM_DIRS: &[&str] = &["/System", "/Library", "/private/etc", "/private/var/db", "/var"];

fn subpaths(paths: &[&Path]) -> String {
    paths.iter().map(|p| format!(" (subpath {})", quote(&p.display().to_string()))).collect()
}

/// An SBPL string literal.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// `sandbox-exec` arguments that run `program args...` under `policy`.
pub fn sandbox_exec_args(policy: &Policy, program: &str, args: &[String]) -> Vec<String> {
    let mut v = vec!["-p".to_owned(), profile(policy), "--".to_owned(), program.to_owned()];
    v.extend(args.iter().cloned());
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn policy(level: Level) -> Policy {
        let mut p = Policy::new(
            level,
            Path::new("/Users/me/.omega/workspace"),
            vec![PathBuf::from("/Users/me/.omega/data"), PathBuf::from("/Users/me/.omega/omega.toml")],
        );
        p.system_dirs = vec!["/usr".into(), "/bin".into()];
        p
    }

    #[test]
    fn the_sandbox_level_denies_by_default_and_grants_the_workspace() {
        let text = profile(&policy(Level::Sandbox));
        assert!(text.starts_with("(version 1)\n(deny default)\n"), "{text}");
        assert!(text.contains("(allow file-read* file-map-executable (subpath \"/usr\") (subpath \"/bin\")"));
        assert!(text.contains("(allow file-read* file-write* (subpath \"/Users/me/.omega/workspace\"))"));
        assert!(!text.contains("(subpath \"/\")"), "nothing host-wide at this level: {text}");
        assert!(!text.contains("network"), "no network unless asked: {text}");
        // The protected paths are denied last, so nothing granted earlier reaches them.
        let last = text.lines().last().unwrap();
        assert_eq!(
            last,
            "(deny file-read* file-write* (subpath \"/Users/me/.omega/data\") (subpath \
             \"/Users/me/.omega/omega.toml\"))"
        );
    }

    #[test]
    fn rx_reads_everywhere_but_writes_only_the_workspace() {
        let text = profile(&policy(Level::Rx));
        assert!(text.contains("(allow file-read* file-map-executable (subpath \"/\"))"));
        let writes: Vec<&str> =
            text.lines().filter(|l| l.contains("file-write*") && l.starts_with("(allow")).collect();
        assert!(writes.iter().all(|l| !l.contains("(subpath \"/\")")), "{writes:?}");
        assert!(text.lines().last().unwrap().starts_with("(deny file-read* file-write*"));
    }

    #[test]
    fn rwx_writes_everywhere_except_the_protected_paths_and_network_is_opt_in() {
        let mut p = policy(Level::Rwx);
        p.network = true;
        let text = profile(&p);
        assert!(text.contains("(allow file-read* file-write* file-map-executable (subpath \"/\"))"));
        assert!(text.contains("(allow network*)"));
        assert!(text.lines().last().unwrap().contains("/Users/me/.omega/data"));
    }

    #[test]
    fn quotes_and_backslashes_in_paths_cannot_break_out_of_the_profile() {
        let p = Policy::new(Level::Sandbox, Path::new("/tmp/a\"b\\c) (allow default"), vec![]);
        let text = profile(&p);
        assert!(text.contains("(subpath \"/tmp/a\\\"b\\\\c) (allow default\")"), "{text}");
        assert!(!text.contains("(allow default)"));
    }

    #[test]
    fn sandbox_exec_runs_the_program_after_the_profile() {
        let args = sandbox_exec_args(&policy(Level::Sandbox), "/bin/bash", &["-c".into(), "ls".into()]);
        assert_eq!(args[0], "-p");
        assert!(args[1].starts_with("(version 1)"));
        assert_eq!(&args[2..], ["--", "/bin/bash", "-c", "ls"]);
    }
}
