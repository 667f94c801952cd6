//! `omega doctor`: every part Omega needs, checked for real, one line each — what is wrong and
//! what to do about it. The exit code is 0 only when every check passes.

use omega::Config;
use omega::config::{ConfigError, Loaded};
use std::process::ExitCode;

/// The free space below which the data dir counts as nearly full.
const MIN_FREE_BYTES: u64 = 200 << 20;

struct Report {
    failed: usize,
}

impl Report {
    fn ok(&mut self, what: &str, detail: impl std::fmt::Display) {
        println!("✓ {what}: {detail}");
    }

    /// A failed check; `fix` "" when the problem already says what to do.
    fn fail(&mut self, what: &str, problem: impl std::fmt::Display, fix: impl std::fmt::Display) {
        self.failed += 1;
        let fix = fix.to_string();
        if fix.is_empty() {
            println!("✗ {what}: {problem}")
        } else {
            println!("✗ {what}: {problem} — {fix}")
        }
    }
}

pub async fn doctor(loaded: Result<Loaded, ConfigError>) -> anyhow::Result<ExitCode> {
    let mut r = Report { failed: 0 };
    let loaded = match loaded {
        Ok(l) => l,
        Err(e) => {
            let problem = e.to_string().replace('\n', " ");
            r.fail("config", problem, "fix the key it names (`omega config check` shows the whole config)");
            return Ok(ExitCode::FAILURE);
        }
    };
    let c = &loaded.config;
    match &loaded.path {
        Some(p) => r.ok("config", format!("{} is valid", p.display())),
        None => r.ok("config", "no config file; the built-in defaults are valid"),
    }
    providers(c, &mut r).await;
    channels(c, &mut r).await;
    sandbox(c, &mut r);
    database(c, &mut r).await;
    disk(c, &mut r);
    skills(c, &mut r);
    if r.failed == 0 {
        println!("All checks passed.");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("{} check{} failed.", r.failed, if r.failed == 1 { "" } else { "s" });
        Ok(ExitCode::FAILURE)
    }
}

async fn providers(c: &Config, r: &mut Report) {
    let names = std::iter::once(&c.provider.default).chain(c.provider.fallback.iter());
    for name in names {
        let what = format!("provider {name}");
        if name == "local" && c.provider.local.python.trim().is_empty() {
            let dir = c.data_dir().join("local");
            if !omega_providers::local::installed(&dir) {
                r.fail(
                    &what,
                    "the local model is not installed",
                    "run `omega local install` (or send a first message)",
                );
                continue;
            }
        }
        let provider = omega::runtime::build_provider(c, name);
        match provider.check().await {
            Ok(()) if name == "claude-code" && !claude_logged_in(c) => r.fail(
                &what,
                "the `claude` CLI is installed but not logged in",
                "run `claude` once and log in, or set ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN",
            ),
            Ok(()) => r.ok(&what, format!("answers (model {})", provider.default_model())),
            // These say what to do themselves.
            Err(
                e @ (omega_providers::ProviderError::NotConfigured { .. }
                | omega_providers::ProviderError::AuthRejected { .. }
                | omega_providers::ProviderError::Disabled { .. }),
            ) => r.fail(&what, e, ""),
            Err(e) => {
                let fix = match name.as_str() {
                    "local" => "see the data dir's local/server.log",
                    _ => "check its [provider.NAME] section: the address, and that the server runs",
                };
                r.fail(&what, e, fix);
            }
        }
    }
}

/// Whether the Claude Code CLI has a credential: a key Omega passes it, or its own login.
fn claude_logged_in(c: &Config) -> bool {
    let cc = &c.provider.claude_code;
    if !cc.api_key.is_empty() || !cc.oauth_token.is_empty() {
        return true;
    }
    if ["ANTHROPIC_API_KEY", "CLAUDE_CODE_OAUTH_TOKEN"]
        .iter()
        .any(|v| std::env::var(v).is_ok_and(|x| !x.is_empty()))
    {
        return true;
    }
    let home = match cc.home.trim() {
        "" => std::path::PathBuf::from(std::env::var("HOME").unwrap_or_default()),
        h => omega_core::config::expand_home(h),
    };
    // Linux keeps the login in a file; macOS in the keychain, with the CLI's state file beside.
    if cfg!(target_os = "macos") {
        home.join(".claude.json").is_file()
    } else {
        home.join(".claude").join(".credentials.json").is_file()
    }
}

async fn channels(c: &Config, r: &mut Report) {
    let tg = &c.channel.telegram;
    if tg.enabled {
        let url = format!("{}/bot{}/getMe", tg.api_url.trim_end_matches('/'), tg.bot_token.expose());
        let got = async {
            let resp = reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(15))
                .build()?
                .get(url)
                .send()
                .await?;
            let status = resp.status().as_u16();
            let body: serde_json::Value = resp.json().await.unwrap_or_default();
            Ok::<_, reqwest::Error>((status, body))
        };
        // Never the URL in a message: it carries the token.
        match got.await {
            Ok((200, body)) if body["ok"] == true => {
                let name = body["result"]["username"].as_str().unwrap_or("?");
                let allowed = tg.allowed_users.len();
                if allowed == 0 {
                    r.fail(
                        "telegram",
                        format!("the bot @{name} is valid, but nobody is allowed"),
                        "add your user id to [channel.telegram] allowed_users",
                    );
                } else {
                    r.ok("telegram", format!("the bot @{name} answers; {allowed} allowed"));
                }
            }
            Ok((401 | 404, _)) => r.fail(
                "telegram",
                "Telegram refused the bot token",
                "get the token again from @BotFather ([channel.telegram] bot_token or TELEGRAM_BOT_TOKEN)",
            ),
            Ok((status, body)) => r.fail(
                "telegram",
                format!("Telegram answered {status}: {}", body["description"].as_str().unwrap_or("")),
                "try again later",
            ),
            Err(e) => r.fail(
                "telegram",
                format!("cannot reach Telegram: {}", e.without_url()),
                "check this machine's network ([channel.telegram] api_url)",
            ),
        }
    }
    let wa = &c.channel.whatsapp;
    if wa.enabled && wa.mode == omega_core::config::WhatsAppMode::Web {
        let state = super::whatsapp_web_status(&c.db_path(), super::is_locked(&c.data_dir())).await;
        if state.starts_with("not paired") || state.starts_with("state unknown") {
            r.fail("whatsapp", format!("WhatsApp Web is {state}"), "run `omega whatsapp pair`");
        } else {
            r.ok("whatsapp", format!("WhatsApp Web is {state}"));
        }
    } else if wa.enabled {
        let client = omega_channels::whatsapp_cloud::CloudClient::new(
            &wa.api_url,
            &wa.api_version,
            &wa.phone_number_id,
            wa.access_token.clone(),
            std::time::Duration::from_secs(15),
        );
        match client {
            Err(e) => r.fail("whatsapp", e, "check [channel.whatsapp]"),
            Ok(client) => match client.probe().await {
                Ok(()) => {
                    r.ok("whatsapp", format!("the Cloud API answers for number id {}", wa.phone_number_id))
                }
                Err(e) => {
                    r.fail("whatsapp", e, "check the access token and phone_number_id in Meta's dashboard")
                }
            },
        }
    }
}

fn sandbox(c: &Config, r: &mut Report) {
    let t = omega::runtime::tools_report(c);
    let level = &t.level;
    if t.landlock_abi > 0 {
        let means = match level.as_str() {
            "sandbox" => "tools reach only the workspace",
            "rx" => "tools read anywhere and write only the workspace",
            _ => "tools read and write anywhere but Omega's own data",
        };
        let net = if t.network { "sockets open" } else { "no sockets (TCP, UDP, raw, Unix)" };
        r.ok(
            "sandbox",
            format!("Landlock ABI {} enforces level \"{level}\": {means}; {net}", t.landlock_abi),
        );
    } else if level == "rwx" || c.sandbox.allow_unenforced {
        r.fail(
            "sandbox",
            format!("no Landlock in this kernel: level \"{level}\" runs tools unconfined"),
            "use a kernel with Landlock (5.13+) enabled",
        );
    } else {
        r.fail("sandbox", format!("no Landlock in this kernel: tools are off at level \"{level}\""), "use a kernel with Landlock (5.13+), or accept unconfined tools with [sandbox] allow_unenforced = true");
    }
}

async fn database(c: &Config, r: &mut Report) {
    let db = c.db_path();
    if !db.exists() {
        r.ok("database", format!("none yet at {} (made on the first start)", db.display()));
        return;
    }
    match omega_memory::backup::integrity(&db).await {
        Ok(s) if s == "ok" => {
            let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
            r.ok(
                "database",
                format!("{} passes SQLite's integrity check ({:.1} MB)", db.display(), size as f64 / 1e6),
            );
        }
        Ok(problems) => r.fail(
            "database",
            format!("{} is damaged: {problems}", db.display()),
            "restore a backup: omega restore PATH (the automatic ones are in data/backups)",
        ),
        Err(e) => r.fail(
            "database",
            format!("{} cannot be read: {e}", db.display()),
            "restore a backup: omega restore PATH",
        ),
    }
}

#[allow(unsafe_code)]
fn free_bytes(path: &std::path::Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt as _;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut s: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: statvfs writes into the struct we own; the path is a valid C string.
    (unsafe { libc::statvfs(c.as_ptr(), &mut s) } == 0).then(|| s.f_bavail as u64 * s.f_frsize as u64)
}

fn disk(c: &Config, r: &mut Report) {
    let dir = c.data_dir();
    let at =
        if dir.exists() { dir.clone() } else { dir.parent().map(|p| p.to_owned()).unwrap_or(dir.clone()) };
    match free_bytes(&at) {
        Some(free) if free >= MIN_FREE_BYTES => {
            r.ok("disk", format!("{:.1} GB free for {}", free as f64 / 1e9, dir.display()))
        }
        Some(free) => r.fail(
            "disk",
            format!("only {} MB free for {}", free >> 20, dir.display()),
            "free some space: Omega stops storing messages when the disk is full",
        ),
        None => r.fail(
            "disk",
            format!("cannot tell the free space of {}", at.display()),
            "check that the data dir exists",
        ),
    }
}

fn skills(c: &Config, r: &mut Report) {
    use omega_actors::skills::SkillStatus as S;
    let skills = omega_actors::skills::SkillCatalog::global().current(&c.data_dir());
    let broken: Vec<String> = skills
        .iter()
        .filter(|e| matches!(e.status, S::Broken(_)))
        .map(|e| {
            omega_actors::commands::skill_line(e, omega_core::i18n::Lang::En)
                .trim_start_matches("- ")
                .to_owned()
        })
        .collect();
    let ready = skills.iter().filter(|e| matches!(e.status, S::Ready(_))).count();
    if broken.is_empty() {
        r.ok("skills", format!("{ready} ready, none broken"));
    } else {
        r.fail(
            "skills",
            format!("{} broken: {}", broken.len(), broken.join("; ")),
            "fix the file and line named (the others still work)",
        );
    }
}
