//! The built-in tools on this kernel, with real processes and real files: what each level lets
//! through, and the tricks that must not get through.

use omega_sandbox::tools::{Builtins, Settings, ToolOutput};
use omega_sandbox::{Level, Policy};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::Duration;

struct Home {
    dir: tempfile::TempDir,
    data: PathBuf,
    config: PathBuf,
    workspace: PathBuf,
}

impl Home {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("omega/data");
        let workspace = dir.path().join("omega/workspace");
        let config = dir.path().join("omega/omega.toml");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::create_dir_all(&workspace).unwrap();
        std::fs::write(data.join("memory.db"), "the database").unwrap();
        std::fs::write(&config, "bot_token = \"123:SECRET\"").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "my notes").unwrap();
        Self { dir, data, config, workspace }
    }

    fn tools(&self, level: Level) -> Builtins {
        self.tools_with(level, |_| {})
    }

    fn tools_with(&self, level: Level, tweak: impl FnOnce(&mut Policy)) -> Builtins {
        let mut policy = Policy::new(level, &self.workspace, vec![self.data.clone(), self.config.clone()]);
        tweak(&mut policy);
        Builtins::new(policy, Settings { timeout: Duration::from_secs(20), ..Settings::default() })
    }

    fn notes(&self) -> PathBuf {
        self.dir.path().join("notes.txt")
    }

    fn db(&self) -> PathBuf {
        self.data.join("memory.db")
    }
}

fn p(path: &Path) -> String {
    path.display().to_string()
}

async fn read(t: &Builtins, path: &str) -> ToolOutput {
    t.call("read", &json!({ "file_path": path })).await
}

async fn write(t: &Builtins, path: &str, content: &str) -> ToolOutput {
    t.call("write", &json!({ "file_path": path, "content": content })).await
}

async fn bash(t: &Builtins, command: &str) -> ToolOutput {
    t.call("bash", &json!({ "command": command })).await
}

#[tokio::test]
async fn the_kernel_has_landlock() {
    let abi = omega_sandbox::landlock::kernel_abi();
    eprintln!("Landlock ABI of this kernel: {abi}");
    assert!(abi >= 1, "these tests need a kernel with Landlock");
}

#[tokio::test]
async fn at_sandbox_level_the_file_tools_reach_the_workspace_only() {
    let h = Home::new();
    let t = h.tools(Level::Sandbox);
    let w = write(&t, "notes/today.md", "hello").await;
    assert!(!w.is_error, "{w:?}");
    assert_eq!(std::fs::read_to_string(h.workspace.join("notes/today.md")).unwrap(), "hello");
    let r = read(&t, "notes/today.md").await;
    assert_eq!(r, ToolOutput::ok("hello"));
    let e = t
        .call("edit", &json!({"file_path": "notes/today.md", "old_string": "hello", "new_string": "bye"}))
        .await;
    assert!(!e.is_error, "{e:?}");
    assert_eq!(std::fs::read_to_string(h.workspace.join("notes/today.md")).unwrap(), "bye");

    for outside in [p(&h.db()), p(&h.config), p(&h.notes())] {
        let r = read(&t, &outside).await;
        assert!(r.is_error && r.content.contains("permission denied"), "{outside}: {r:?}");
    }
    let w = write(&t, &p(&h.notes()), "overwritten").await;
    assert!(w.is_error && w.content.contains("level = \"sandbox\""), "{w:?}");
    assert_eq!(std::fs::read_to_string(h.notes()).unwrap(), "my notes");
}

#[tokio::test]
async fn symlinks_dotdot_and_proc_root_do_not_reach_omegas_data() {
    let h = Home::new();
    std::os::unix::fs::symlink(h.db(), h.workspace.join("db-link")).unwrap();
    std::os::unix::fs::symlink(&h.data, h.workspace.join("data-link")).unwrap();
    for level in [Level::Sandbox, Level::Rx, Level::Rwx] {
        let t = h.tools(level);
        for path in [
            "db-link".to_owned(),
            "data-link/memory.db".to_owned(),
            "../data/memory.db".to_owned(),
            format!("/proc/self/root{}", p(&h.db())),
            format!("{}/../data/memory.db", p(&h.workspace)),
        ] {
            let r = read(&t, &path).await;
            assert!(r.is_error, "{level:?} read {path}: {r:?}");
            assert!(!r.content.contains("the database"), "{level:?} {path}");
            let w = write(&t, &path, "clobbered").await;
            assert!(w.is_error, "{level:?} write {path}: {w:?}");
        }
        let r = read(&t, &p(&h.config)).await;
        assert!(r.is_error && !r.content.contains("SECRET"), "{level:?}: {r:?}");
    }
    assert_eq!(std::fs::read_to_string(h.db()).unwrap(), "the database");
}

#[tokio::test]
async fn bash_cannot_link_rename_copy_or_list_its_way_into_the_data() {
    let h = Home::new();
    for level in [Level::Sandbox, Level::Rx, Level::Rwx] {
        let t = h.tools(level);
        let db = p(&h.db());
        let data = p(&h.data);
        let out = bash(
            &t,
            &format!(
                "ln {db} hard 2>&1 && echo HARDLINKED; \
                 mv {db} moved 2>&1 && echo MOVED; \
                 mv {data} moved-dir 2>&1 && echo MOVEDDIR; \
                 cp {db} copy 2>&1 && echo COPIED; \
                 cat {db} /proc/self/root{db} 2>&1; \
                 ls {data} 2>&1 && echo LISTED; \
                 ln -s {db} soft && cat soft 2>&1; \
                 cd {data} 2>&1 && cat memory.db; \
                 echo done"
            ),
        )
        .await;
        for leak in ["HARDLINKED", "MOVED", "COPIED", "LISTED", "the database"] {
            assert!(!out.content.contains(leak), "{level:?}: {leak} in {}", out.content);
        }
        assert!(out.content.contains("done"), "{out:?}");
    }
    assert_eq!(std::fs::read_to_string(h.db()).unwrap(), "the database", "the database is untouched");
}

#[tokio::test]
async fn each_level_allows_what_it_promises() {
    let h = Home::new();
    let notes = p(&h.notes());
    // sandbox: system programs run, the rest of the home is invisible.
    let out =
        bash(&h.tools(Level::Sandbox), &format!("ls /usr/bin >/dev/null && echo SYS; cat {notes}")).await;
    assert!(out.content.contains("SYS") && !out.content.contains("my notes"), "{out:?}");
    // rx: the home is readable but not writable.
    let out = bash(&h.tools(Level::Rx), &format!("cat {notes}; echo x >> {notes} || echo REFUSED")).await;
    assert!(out.content.contains("my notes") && out.content.contains("REFUSED"), "{out:?}");
    // rwx: the home is writable.
    let out = bash(&h.tools(Level::Rwx), &format!("echo more >> {notes} && echo WROTE")).await;
    assert!(out.content.contains("WROTE"), "{out:?}");
    assert_eq!(std::fs::read_to_string(h.notes()).unwrap(), "my notesmore\n");
}

#[tokio::test]
async fn children_see_no_secrets_in_their_environment() {
    let h = Home::new();
    let out = bash(&h.tools(Level::Rwx), "env").await;
    let names: Vec<&str> = out.content.lines().filter_map(|l| l.split('=').next()).collect();
    for name in &names {
        assert!(
            ["PATH", "LANG", "HOME", "TMPDIR", "PWD", "SHLVL", "_", "OLDPWD"].contains(name),
            "unexpected variable {name}"
        );
    }
    assert!(names.contains(&"HOME"));
}

#[tokio::test]
async fn the_network_is_closed_unless_the_config_opens_it() {
    if omega_sandbox::landlock::kernel_abi() < 4 {
        eprintln!("Landlock ABI < 4: TCP is not confined on this kernel");
        return;
    }
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let probe = format!("(exec 3<>/dev/tcp/127.0.0.1/{port}) 2>/dev/null && echo CONNECTED || echo BLOCKED");
    let h = Home::new();
    let out = bash(&h.tools(Level::Sandbox), &probe).await;
    assert!(out.content.contains("BLOCKED"), "{out:?}");
    let out = bash(&h.tools_with(Level::Sandbox, |p| p.network = true), &probe).await;
    assert!(out.content.contains("CONNECTED"), "{out:?}");
}

/// Landlock does not see UDP, raw or Unix sockets; with the network off the seccomp filter
/// refuses them. Each probe is run with the network open too, and must get through there: a
/// probe that cannot escape when allowed would pass for the wrong reason.
#[tokio::test]
async fn udp_raw_and_unix_sockets_are_closed_with_the_network() {
    let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let udp_port = udp.local_addr().unwrap().port();
    let h = Home::new();
    let unix_path = h.dir.path().join("host-daemon.sock");
    let unix = std::os::unix::net::UnixListener::bind(&unix_path).unwrap();
    let probe = |tag: &str| {
        format!(
            "(echo {tag} > /dev/udp/127.0.0.1/{udp_port}) 2>/dev/null && echo UDP-SENT || echo UDP-REFUSED\n\
             python3 -c 'import socket; socket.socket(socket.AF_UNIX).connect(\"{}\")' 2>/dev/null && echo UNIX-CONNECTED || echo UNIX-REFUSED\n\
             python3 -c 'import socket; socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)' 2>/dev/null && echo UDP6-OPENED || echo UDP6-REFUSED\n\
             python3 -c 'import socket; a, b = socket.socketpair(); a.send(b\"x\"); print(\"PAIR\", b.recv(1))'",
            unix_path.display()
        )
    };
    let closed = bash(&h.tools_with(Level::Rwx, |p| p.network = false), &probe("closed")).await;
    for line in ["UDP-REFUSED", "UNIX-REFUSED", "UDP6-REFUSED", "PAIR b'x'"] {
        assert!(closed.content.contains(line), "network off: {line} expected in {closed:?}");
    }
    let open = bash(&h.tools_with(Level::Rwx, |p| p.network = true), &probe("open")).await;
    for line in ["UDP-SENT", "UNIX-CONNECTED", "UDP6-OPENED"] {
        assert!(open.content.contains(line), "network on: {line} expected in {open:?}");
    }
    // Datagrams on loopback arrive in order: the first one is the open run's, so the closed run
    // sent nothing.
    let mut buf = [0u8; 64];
    let n = udp.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"open\n", "the closed run's datagram must never arrive");
    unix.set_nonblocking(true).unwrap();
    assert!(unix.accept().is_ok(), "the open run connected");
    assert!(unix.accept().is_err(), "the closed run did not");
}

/// A root Omega's tools run as root without any capability: none to read Omega's `/proc`
/// files with, to override file permissions or to load a kernel module.
#[tokio::test]
async fn tools_have_no_capabilities_even_under_root() {
    let h = Home::new();
    let out = bash(&h.tools(Level::Rwx), "grep -E '^Cap(Eff|Prm|Bnd|Amb):' /proc/self/status").await;
    let caps: Vec<&str> = out.content.lines().collect();
    assert_eq!(caps.len(), 4, "{out:?}");
    for line in caps {
        assert!(line.ends_with("0000000000000000"), "no capability left: {line}");
    }
}

#[tokio::test]
async fn a_tool_cannot_signal_omega() {
    if omega_sandbox::landlock::kernel_abi() < 6 {
        eprintln!("Landlock ABI < 6: signals are not scoped on this kernel");
        return;
    }
    let h = Home::new();
    let me = std::process::id();
    let out =
        bash(&h.tools(Level::Rwx), &format!("kill -0 {me} 2>/dev/null && echo REACHED || echo REFUSED"))
            .await;
    assert!(out.content.contains("REFUSED"), "{out:?}");
}

#[tokio::test]
async fn a_command_that_runs_too_long_is_killed_with_everything_it_started() {
    let h = Home::new();
    let mut policy = Policy::new(Level::Sandbox, &h.workspace, vec![h.data.clone()]);
    policy.network = false;
    let t = Builtins::new(policy, Settings { timeout: Duration::from_millis(1500), ..Settings::default() });
    let out = bash(&t, "sleep 60 & echo $! > bg.pid; echo started; sleep 60").await;
    assert!(out.is_error && out.content.contains("timed out"), "{out:?}");
    let pid: i32 = std::fs::read_to_string(h.workspace.join("bg.pid")).unwrap().trim().parse().unwrap();
    let gone = omega_testkit_free_wait(|| !Path::new(&format!("/proc/{pid}")).exists());
    assert!(gone, "the background child {pid} was killed too");
}

/// Poll for up to 5 s (no timing assertion: only an upper bound for a kill to land).
fn omega_testkit_free_wait(mut f: impl FnMut() -> bool) -> bool {
    for _ in 0..100 {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

#[tokio::test]
async fn long_output_is_cut_with_a_visible_note_and_failures_report_the_exit_code() {
    let h = Home::new();
    let t = h.tools(Level::Sandbox);
    let out = bash(&t, "head -c 100000 /dev/zero | tr '\\0' x").await;
    assert!(!out.is_error);
    assert!(
        out.content.contains("[output truncated: 30000 of 100000 bytes shown]"),
        "{}",
        &out.content[29_990..]
    );
    let out = bash(&t, "echo to-stderr >&2; exit 3").await;
    assert!(
        out.is_error && out.content.contains("to-stderr") && out.content.contains("[exit code 3]"),
        "{out:?}"
    );
}

#[tokio::test]
async fn bad_arguments_and_odd_files_get_clear_tool_errors() {
    let h = Home::new();
    let t = h.tools(Level::Sandbox);
    let out = t.call("write", &json!({ "file_path": "x" })).await;
    assert_eq!(out, ToolOutput::error("write: missing string argument \"content\""));
    let out = t.call("READ", &json!({ "file_path": "/dev/zero" })).await;
    assert!(out.is_error && out.content.contains("not a regular file"), "{out:?}");
    std::fs::write(h.workspace.join("bin"), [0xff, 0xfe, 0x00]).unwrap();
    let out = read(&t, "bin").await;
    assert!(out.is_error && out.content.contains("not UTF-8"), "{out:?}");
    std::fs::write(h.workspace.join("twice"), "a a").unwrap();
    let out = t.call("edit", &json!({"file_path": "twice", "old_string": "a", "new_string": "b"})).await;
    assert!(out.is_error && out.content.contains("occurs 2 times"), "{out:?}");
    let out = t
        .call(
            "edit",
            &json!({"file_path": "twice", "old_string": "a", "new_string": "b", "replace_all": true}),
        )
        .await;
    assert!(!out.is_error, "{out:?}");
    assert_eq!(std::fs::read_to_string(h.workspace.join("twice")).unwrap(), "b b");
    let out = t.call("fly", &json!({})).await;
    assert!(out.is_error);
}

#[tokio::test]
async fn without_landlock_tools_are_refused_at_sandbox_and_rx_unless_allowed() {
    let h = Home::new();
    let refusal = h.tools(Level::Sandbox).refusal_at(0).unwrap();
    assert!(
        refusal.contains("this kernel has no Landlock") && refusal.contains("allow_unenforced"),
        "{refusal}"
    );
    assert!(h.tools(Level::Rx).refusal_at(0).is_some());
    assert!(h.tools(Level::Rwx).refusal_at(0).is_none(), "rwx needs no confinement to be what it says");
    let policy = Policy::new(Level::Sandbox, &h.workspace, vec![h.data.clone()]);
    let allowed = Builtins::new(policy, Settings { allow_unenforced: true, ..Settings::default() });
    assert!(allowed.refusal_at(0).is_none());
    assert!(h.tools(Level::Sandbox).refusal_at(7).is_none());
}
