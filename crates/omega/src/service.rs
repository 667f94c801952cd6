//! `omega service install|status|uninstall|logs`: Omega as a service of the user's, started at
//! boot and restarted when it fails — a systemd user unit on Linux, a launchd agent on macOS.

use omega::Config;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// The unit's (and the agent's) name.
const NAME: &str = "omega";
const LAUNCHD_LABEL: &str = "dev.omega.agent";

/// What the service runs: this binary, with the config it was installed with.
pub struct Launch {
    pub program: PathBuf,
    pub config: Option<PathBuf>,
    pub data_dir: PathBuf,
}

/// The systemd user unit. Hardening that keeps the kernel sandbox working: tools confine
/// themselves with Landlock (which needs no privileges), so the unit adds only what cannot get
/// in its way — no new privileges, a private umask, no realtime or SUID games, and a stop
/// timeout long enough for the shutdown's summaries.
pub fn systemd_unit(l: &Launch) -> String {
    let mut exec = quote(&l.program);
    if let Some(c) = &l.config {
        exec.push_str(&format!(" --config {}", quote(c)));
    }
    exec.push_str(" start");
    format!(
        "[Unit]\n\
         Description=Omega, a personal AI agent\n\
         Documentation=https://github.com/omega-agent/omega\n\
         After=network-online.target\n\
         Wants=network-online.target\n\
         \n\
         [Service]\n\
         Type=simple\n\
         ExecStart={exec}\n\
         EnvironmentFile=-{env}\n\
         Restart=on-failure\n\
         RestartSec=5\n\
         TimeoutStopSec=90\n\
         KillMode=control-group\n\
         NoNewPrivileges=yes\n\
         UMask=0077\n\
         LockPersonality=yes\n\
         RestrictRealtime=yes\n\
         RestrictSUIDSGID=yes\n\
         \n\
         [Install]\n\
         WantedBy=default.target\n",
        env = l.data_dir.join("omega.env").display(),
    )
}

/// The launchd agent (macOS): started at login, kept alive, logs in the data dir.
pub fn launchd_plist(l: &Launch) -> String {
    let mut args = vec![l.program.display().to_string()];
    if let Some(c) = &l.config {
        args.extend(["--config".to_owned(), c.display().to_string()]);
    }
    args.push("start".into());
    let args: String = args.iter().map(|a| format!("    <string>{}</string>\n", xml(a))).collect();
    let log = xml(&l.data_dir.join("omega.log").display().to_string());
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n\
         <plist version=\"1.0\">\n<dict>\n\
         <key>Label</key><string>{LAUNCHD_LABEL}</string>\n\
         <key>ProgramArguments</key>\n<array>\n{args}</array>\n\
         <key>RunAtLoad</key><true/>\n\
         <key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>\n\
         <key>StandardOutPath</key><string>{log}</string>\n\
         <key>StandardErrorPath</key><string>{log}</string>\n\
         </dict>\n</plist>\n"
    )
}

fn quote(p: &Path) -> String {
    let s = p.display().to_string();
    if s.contains([' ', '"', '\\']) {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        s
    }
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn home() -> anyhow::Result<PathBuf> {
    std::env::var_os("HOME").map(PathBuf::from).ok_or_else(|| anyhow::anyhow!("HOME is not set"))
}

/// Where the unit (or agent) file goes.
pub fn unit_path() -> anyhow::Result<PathBuf> {
    if cfg!(target_os = "macos") {
        return Ok(home()?.join("Library").join("LaunchAgents").join(format!("{LAUNCHD_LABEL}.plist")));
    }
    let config = match std::env::var_os("XDG_CONFIG_HOME") {
        Some(x) if !x.is_empty() => PathBuf::from(x),
        _ => home()?.join(".config"),
    };
    Ok(config.join("systemd").join("user").join(format!("{NAME}.service")))
}

/// Run a service manager command; `false` (with what it said) when it fails or is not there.
fn manage(program: &str, args: &[&str]) -> bool {
    match Command::new(program).args(args).status() {
        Ok(s) if s.success() => true,
        Ok(s) => {
            eprintln!("  ({program} {} exited with {s})", args.join(" "));
            false
        }
        Err(e) => {
            eprintln!("  (cannot run {program}: {e})");
            false
        }
    }
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    #[allow(unsafe_code)]
    unsafe {
        libc::geteuid() == 0
    }
}

pub fn install(
    config: &Config,
    config_path: Option<&Path>,
    allow_root: bool,
    start: bool,
) -> anyhow::Result<ExitCode> {
    if is_root() && !allow_root {
        eprintln!(
            "omega: refusing to install the service as root: Omega runs for one person, as that person (a root \
             service would run every tool as root). Run this as your own user, or pass --allow-root if you mean it."
        );
        return Ok(ExitCode::FAILURE);
    }
    let program = std::env::current_exe()?;
    let program = std::fs::canonicalize(&program).unwrap_or(program);
    let config_file = config_path.map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_owned()));
    let launch = Launch { program, config: config_file, data_dir: config.data_dir() };
    let path = unit_path()?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let text = if cfg!(target_os = "macos") { launchd_plist(&launch) } else { systemd_unit(&launch) };
    std::fs::write(&path, text)?;
    println!("wrote {}", path.display());
    if !start {
        print_next_steps();
        return Ok(ExitCode::SUCCESS);
    }
    let started = if cfg!(target_os = "macos") {
        manage("launchctl", &["load", "-w", &path.display().to_string()])
    } else {
        manage("systemctl", &["--user", "daemon-reload"])
            && manage("systemctl", &["--user", "enable", "--now", "omega.service"])
    };
    if started {
        println!("Omega runs as a service now: `omega service status`, `omega service logs`.");
    } else {
        println!("The service is installed but could not be started from here.");
    }
    print_next_steps();
    Ok(if started { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn print_next_steps() {
    if cfg!(target_os = "macos") {
        println!(
            "Start it with: launchctl load -w {}",
            unit_path().map(|p| p.display().to_string()).unwrap_or_default()
        );
        return;
    }
    println!("Start it with: systemctl --user daemon-reload && systemctl --user enable --now omega.service");
    let user = std::env::var("USER").unwrap_or_else(|_| "$USER".into());
    println!(
        "To keep it running after you log out and start it at boot, once: sudo loginctl enable-linger {user}"
    );
}

pub fn status() -> anyhow::Result<ExitCode> {
    let path = unit_path()?;
    if !path.exists() {
        println!("not installed (omega service install)");
        return Ok(ExitCode::FAILURE);
    }
    println!("installed: {}", path.display());
    let ok = if cfg!(target_os = "macos") {
        manage("launchctl", &["list", LAUNCHD_LABEL])
    } else {
        manage("systemctl", &["--user", "status", "omega.service", "--no-pager"])
    };
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

pub fn uninstall() -> anyhow::Result<ExitCode> {
    let path = unit_path()?;
    if !path.exists() {
        println!("not installed; nothing to do");
        return Ok(ExitCode::SUCCESS);
    }
    if cfg!(target_os = "macos") {
        manage("launchctl", &["unload", "-w", &path.display().to_string()]);
    } else {
        manage("systemctl", &["--user", "disable", "--now", "omega.service"]);
    }
    std::fs::remove_file(&path)?;
    if !cfg!(target_os = "macos") {
        manage("systemctl", &["--user", "daemon-reload"]);
    }
    println!("removed {}; Omega's data is untouched", path.display());
    Ok(ExitCode::SUCCESS)
}

pub fn logs(data_dir: &Path) -> anyhow::Result<ExitCode> {
    let ok = if cfg!(target_os = "macos") {
        manage("tail", &["-n", "200", "-f", &data_dir.join("omega.log").display().to_string()])
    } else {
        manage("journalctl", &["--user", "-u", "omega.service", "-n", "200", "-f"])
    };
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_launchd_agent_starts_at_login_and_is_kept_alive() {
        let l = Launch {
            program: "/opt/omega/bin/omega".into(),
            config: Some("/Users/me/My Omega/omega.toml".into()),
            data_dir: "/Users/me/.omega".into(),
        };
        let plist = launchd_plist(&l);
        assert!(plist.contains("<string>/opt/omega/bin/omega</string>\n    <string>--config</string>\n    <string>/Users/me/My Omega/omega.toml</string>\n    <string>start</string>"), "{plist}");
        assert!(plist.contains("<key>RunAtLoad</key><true/>"));
        assert!(plist.contains("<key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>"));
        let unit = systemd_unit(&l);
        assert!(
            unit.contains("ExecStart=/opt/omega/bin/omega --config \"/Users/me/My Omega/omega.toml\" start"),
            "{unit}"
        );
    }
}
