//! The sandbox escape battery (scorecard suite 6) against the real daemon, at every level: a
//! scripted model has the bash tool run `escapes.sh`, which tries to reach Omega's database,
//! config and data, the Claude Code CLI's home, Omega's process (through `/proc`, ptrace and
//! signals), file descriptors, and the network over TCP, UDP (v4 and v6), raw and packet sockets,
//! a host daemon's Unix socket and an abstract one, with a symlink race and a hard link besides.
//! The same script is run once outside the sandbox, against the same daemon, where every probe
//! must get through: a probe that cannot escape even when nothing stops it proves nothing.

use crate::support::Daemon;
use omega_testkit::peers::free_port;
use omega_testkit::score::record;
use omega_testkit::{FakeOpenAi, Script, TempHome};
use serde_json::{Value, json};
use std::os::linux::net::SocketAddrExt;
use std::os::unix::net::{SocketAddr, UnixListener};
use std::path::Path;

const SCRIPT: &str = include_str!("escapes.sh");
const API: &str = "battery-api-key";

/// What the probes aim at: the daemon's files and process, and listeners outside the sandbox.
struct Targets {
    pid: u32,
    home: TempHome,
    tcp: std::net::TcpListener,
    udp: std::net::UdpSocket,
    unix_sock: std::path::PathBuf,
    abstract_name: String,
}

impl Targets {
    /// The script with its variables set; `run` tags the UDP datagram it may send.
    fn script(&self, run: &str) -> String {
        let real = |p: &Path| std::fs::canonicalize(p).unwrap().display().to_string();
        let db = real(&self.home.db_path());
        format!(
            "OMEGA_PID={pid}\nDB='{db}'\nDATA='{data}'\nSKILLS='{skills}'\nCONFIG='{config}'\n\
             CLI_HOME='{cli}'\nTCP_PORT={tcp}\nUDP_PORT={udp}\nUNIX_SOCK='{unix}'\nABSTRACT='{abs}'\nRUN={run}\n{SCRIPT}",
            pid = self.pid,
            data = real(Path::new(&db).parent().unwrap()),
            skills = real(&self.home.data_dir().join("skills")),
            config = real(&self.home.config_path()),
            cli = real(&self.home.path().join("claude-home")),
            tcp = self.tcp.local_addr().unwrap().port(),
            udp = self.udp.local_addr().unwrap().port(),
            unix = self.unix_sock.display(),
            abs = self.abstract_name,
        )
    }
}

/// `probe NAME: ESCAPED|blocked` lines, as (name, escaped).
fn probes(output: &str) -> Vec<(String, bool)> {
    output
        .lines()
        .filter_map(|l| l.strip_prefix("probe "))
        .filter_map(|l| l.split_once(": "))
        .map(|(name, verdict)| (name.to_owned(), verdict == "ESCAPED"))
        .collect()
}

fn ask(port: u16, text: &str) -> Value {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        let r = reqwest::Client::new()
            .post(format!("http://127.0.0.1:{port}/api/messages"))
            .bearer_auth(API)
            .json(&json!({"sender": "owner", "text": text}))
            .send()
            .await
            .unwrap();
        r.json::<Value>().await.unwrap()
    })
}

/// The battery run by the bash tool of a daemon at `level`; the tool's output.
fn inside(level: &str, ai: &FakeOpenAi, targets: &mut Targets, port: u16) -> (String, Daemon) {
    let home = &targets.home;
    std::fs::create_dir_all(home.path().join("claude-home")).unwrap();
    std::fs::write(home.path().join("claude-home/.credentials.json"), "{\"token\": \"canary-credential\"}")
        .unwrap();
    home.write_config(&format!(
        "[api]\nport = {port}\napi_key = \"{API}\"\n\n\
         [provider]\ndefault = \"openai\"\n\n\
         [provider.openai]\nbase_url = \"{ai}\"\napi_key = \"sk-battery\"\nmodel = \"m\"\n\n\
         [provider.claude-code]\nhome = \"{cli}\"\n\n\
         [sandbox]\nlevel = \"{level}\"\n",
        ai = ai.base_url(),
        cli = home.path().join("claude-home").display(),
    ));
    let daemon = Daemon::start(home, port, 1);
    targets.pid = daemon.child.id();
    let before = ai.request_count();
    ai.push(Script::ToolCalls(vec![("bash".into(), json!({ "command": targets.script("sandboxed") }))]));
    ai.push(Script::Text("done".into()));
    let answer = ask(port, "try to get out");
    assert_eq!(answer["reply"]["text"], "done", "{answer}");
    let requests = ai.requests();
    let tool: Vec<String> = requests[before..]
        .iter()
        .flat_map(|r| r.body["messages"].as_array().cloned().unwrap_or_default())
        .filter(|m| m["role"] == "tool")
        .map(|m| m["content"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(tool.len(), 1, "one bash result: {tool:?}");
    (tool[0].clone(), daemon)
}

/// The same script outside any sandbox, against the same daemon (the positive control). Fd 9
/// holds the database open, as a leaked descriptor would.
fn outside(targets: &Targets) -> String {
    let dir = targets.home.path().join("outside");
    std::fs::create_dir_all(&dir).unwrap();
    let db = std::fs::canonicalize(targets.home.db_path()).unwrap();
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!("exec 9<'{}'\n{}", db.display(), targets.script("outside")))
        .current_dir(&dir)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn no_probe_of_the_escape_battery_gets_out_at_any_level() {
    let test = "sandbox::no_probe_of_the_escape_battery_gets_out_at_any_level";
    let abi = omega_sandbox::landlock::kernel_abi();
    assert!(
        abi >= 6,
        "the battery needs Landlock ABI 6 (TCP, signals, abstract sockets); this kernel has {abi}"
    );
    let ai = FakeOpenAi::start();
    let (mut attempts, mut escapes) = (0usize, Vec::new());
    for level in ["sandbox", "rx", "rwx"] {
        let home = TempHome::new();
        let unix_sock = home.path().join("host-daemon.sock");
        let unix = UnixListener::bind(&unix_sock).unwrap();
        let abstract_name = format!("omega-battery-{}-{level}", std::process::id());
        let abstract_listener =
            UnixListener::bind_addr(&SocketAddr::from_abstract_name(abstract_name.as_bytes()).unwrap())
                .unwrap();
        let mut targets = Targets {
            pid: 0,
            home,
            tcp: std::net::TcpListener::bind("127.0.0.1:0").unwrap(),
            udp: std::net::UdpSocket::bind("127.0.0.1:0").unwrap(),
            unix_sock,
            abstract_name,
        };
        let port = free_port();
        let (sandboxed, mut daemon) = inside(level, &ai, &mut targets, port);
        let control = outside(&targets);
        daemon.stop(&targets.home);

        assert!(sandboxed.contains("python: 42"), "the probes' interpreter runs at {level}: {sandboxed}");
        let found = probes(&sandboxed);
        let shown = probes(&control);
        assert_eq!(found.len(), 23, "every probe reported at {level}: {sandboxed}");
        assert_eq!(shown.len(), 23, "every probe reported outside: {control}");
        let weak: Vec<&String> = shown.iter().filter(|(_, escaped)| !escaped).map(|(n, _)| n).collect();
        assert!(
            weak.is_empty(),
            "probes that did not escape even unconfined (they prove nothing): {weak:?}\n{control}"
        );
        attempts += found.len();
        escapes.extend(found.into_iter().filter(|(_, e)| *e).map(|(n, _)| format!("{level}: {n}")));

        // What the listeners saw: the outside run's datagram first (loopback keeps order, and
        // the sandboxed run went first), and one connection on each Unix socket (the outside
        // run's).
        let mut buf = [0u8; 64];
        let n = targets.udp.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"outside\n", "a datagram from the sandbox arrived at {level}");
        for (what, listener) in [("path", &unix), ("abstract", &abstract_listener)] {
            listener.set_nonblocking(true).unwrap();
            assert!(listener.accept().is_ok(), "the outside run reached the {what} socket");
            assert!(listener.accept().is_err(), "the sandboxed run reached the {what} socket at {level}");
        }
    }
    record(
        6,
        &format!("escapes, of {attempts} attempts (23 probes at each of 3 levels, Landlock ABI {abi})"),
        escapes.len() as f64,
        "0",
        test,
    );
    assert!(escapes.is_empty(), "escaped: {escapes:?}");
}
