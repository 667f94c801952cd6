use omega_sandbox::{Level, Policy, plan, policy::list_dir};
use std::path::Path;

/// Run `f` in a fresh thread restricted by the policy (Landlock applies per thread), and return
/// what it returned.
fn in_sandbox<T: Send + 'static>(policy: Policy, f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::spawn(move || {
        let rules = plan(&policy, &list_dir);
        omega_sandbox::landlock::restrict(&rules, false).expect("landlock");
        f()
    })
    .join()
    .unwrap()
}

fn setup() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let workspace = home.path().join("workspace");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::create_dir_all(&workspace).unwrap();
    std::fs::write(data.join("memory.db"), "secret").unwrap();
    std::fs::write(home.path().join("notes.txt"), "notes").unwrap();
    (home, data, workspace)
}

#[test]
fn the_sandbox_level_reaches_only_the_workspace() {
    let (home, data, workspace) = setup();
    let policy = Policy::new(Level::Sandbox, &workspace, vec![data.clone()]);
    let (h, d, w) = (home.path().to_owned(), data.clone(), workspace.clone());
    let (wrote, read_data, read_notes) = in_sandbox(policy, move || {
        (
            std::fs::write(w.join("out.txt"), "ok").is_ok(),
            std::fs::read(d.join("memory.db")).is_ok(),
            std::fs::read(h.join("notes.txt")).is_ok(),
        )
    });
    assert!(wrote, "the workspace is writable");
    assert!(!read_data, "Omega's data is unreachable");
    assert!(!read_notes, "the rest of the home is unreachable at this level");
    assert!(Path::new(&workspace.join("out.txt")).exists());
}

#[test]
fn the_rx_level_reads_around_the_protected_data_but_never_into_it() {
    let (home, data, workspace) = setup();
    let policy = Policy::new(Level::Rx, &workspace, vec![data.clone()]);
    let (h, d) = (home.path().to_owned(), data.clone());
    let (read_notes, write_notes, read_data, list_data, via_proc) = in_sandbox(policy, move || {
        (
            std::fs::read(h.join("notes.txt")).is_ok(),
            std::fs::write(h.join("notes.txt"), "changed").is_ok(),
            std::fs::read(d.join("memory.db")).is_ok(),
            std::fs::read_dir(&d).is_ok(),
            std::fs::read(format!("/proc/self/root{}", d.join("memory.db").display())).is_ok(),
        )
    });
    assert!(read_notes, "siblings of the data dir are readable");
    assert!(!write_notes, "but not writable at rx");
    assert!(!read_data && !list_data, "the data dir is unreachable");
    assert!(!via_proc, "not even through /proc/self/root");
}

#[test]
fn a_sandboxed_child_gets_a_minimal_environment_and_cannot_reach_the_data() {
    let (_home, data, workspace) = setup();
    let policy = Policy::new(Level::Sandbox, &workspace, vec![data.clone()]);
    let rules = plan(&policy, &list_dir);
    let script = format!("env; cat {}/memory.db && echo LEAKED; echo ok > out.txt", data.display());
    let out = omega_sandbox::spawn::command("/bin/sh", &workspace, rules, false, Default::default(), true)
        .unwrap()
        .args(["-c", &script])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("LEAKED") && !stdout.contains("secret"), "{stdout}");
    let vars: Vec<&str> = stdout.lines().filter_map(|l| l.split('=').next()).collect();
    for v in &vars {
        assert!(
            ["PATH", "LANG", "HOME", "TMPDIR", "PWD", "SHLVL", "_", "OLDPWD"].contains(v),
            "unexpected variable {v} in {stdout}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(workspace.join("out.txt")).unwrap(),
        "ok\n",
        "the workspace is writable"
    );
    // The caller is not restricted: only the child was.
    assert_eq!(std::fs::read_to_string(data.join("memory.db")).unwrap(), "secret");
}
