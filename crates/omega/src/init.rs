//! `omega init`: from nothing to a working `omega.toml`. Every answer is a flag too, so scripts
//! and tests can run it; in a terminal, what no flag gave is asked. The provider's key and the
//! Telegram token are checked live (a 1-token call, `getMe`) before anything is written, unless
//! `--no-verify`.

use omega::Config;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The answers, from flags or prompts (the provider is the global `--provider`).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct InitArgs {
    /// The provider's API key (empty: its environment variable, e.g. OPENAI_API_KEY).
    #[arg(long, value_name = "KEY")]
    pub api_key: Option<String>,
    /// The provider's address (OpenAI-compatible servers, Ollama).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// The model (empty: the provider's default).
    #[arg(long, value_name = "NAME")]
    pub model: Option<String>,
    /// A Telegram bot token from @BotFather.
    #[arg(long, value_name = "TOKEN")]
    pub telegram_token: Option<String>,
    /// Your Telegram user id (found for you in a terminal: message the bot when asked).
    #[arg(long, value_name = "ID")]
    pub telegram_user: Option<i64>,
    /// The Telegram Bot API server (a self-hosted one).
    #[arg(long, value_name = "URL", default_value = "https://api.telegram.org")]
    pub telegram_api_url: String,
    /// Your IANA time zone, e.g. Europe/Lisbon (empty: this machine's).
    #[arg(long, value_name = "ZONE")]
    pub timezone: Option<String>,
    /// What tools may touch: sandbox (the workspace), rx (read anywhere) or rwx.
    #[arg(long, value_name = "LEVEL")]
    pub sandbox: Option<String>,
    /// Skip the live checks of the key and the token.
    #[arg(long)]
    pub no_verify: bool,
    /// Ask nothing: what no flag gives keeps its default.
    #[arg(long)]
    pub non_interactive: bool,
    /// Replace an existing config file.
    #[arg(long)]
    pub force: bool,
    /// Install and start the service afterwards (in a terminal you are asked).
    #[arg(long)]
    pub service: bool,
    /// Keep the secrets (keys, tokens) out of omega.toml, in the data dir's omega.env (0600),
    /// which every omega command and the service read.
    #[arg(long)]
    pub secrets_file: bool,
    /// WhatsApp: `web` (link your own account by scanning a QR code) or `cloud` (Meta's Cloud API).
    #[arg(long, value_name = "MODE")]
    pub whatsapp: Option<String>,
    /// The WhatsApp number allowed to talk to Omega (digits with the country code, e.g. 351912345678).
    #[arg(long, value_name = "NUMBER")]
    pub whatsapp_user: Option<String>,
    /// Cloud API: the phone number id from Meta's dashboard.
    #[arg(long, value_name = "ID")]
    pub whatsapp_phone_id: Option<String>,
    /// Cloud API: the access token.
    #[arg(long, value_name = "TOKEN")]
    pub whatsapp_token: Option<String>,
    /// Cloud API: the app secret (checks that webhook posts come from Meta).
    #[arg(long, value_name = "SECRET")]
    pub whatsapp_app_secret: Option<String>,
    /// Cloud API: the verify token you give Meta when you set up the webhook.
    #[arg(long, value_name = "TOKEN")]
    pub whatsapp_verify_token: Option<String>,
}

const PROVIDERS: &[&str] = &["claude-code", "anthropic", "openai", "openrouter", "ollama", "gemini", "local"];

pub async fn init(
    args: InitArgs,
    config_path: Option<PathBuf>,
    global_provider: Option<String>,
) -> anyhow::Result<ExitCode> {
    let path = match config_path {
        Some(p) => p,
        None => omega::config::expand_home("~/.omega/omega.toml"),
    };
    if path.exists() && !args.force {
        anyhow::bail!("{} exists already; pass --force to replace it", path.display());
    }
    let ask = !args.non_interactive && std::io::IsTerminal::is_terminal(&std::io::stdin());
    let mut a = args;
    let provider = match global_provider {
        Some(p) => p,
        None if ask => {
            let i = dialoguer::Select::new()
                .with_prompt("Which AI should answer? (local: a small model Omega runs itself, no account)")
                .items(PROVIDERS)
                .default(0)
                .interact()?;
            PROVIDERS[i].to_owned()
        }
        None => "claude-code".to_owned(),
    };
    if !PROVIDERS.contains(&provider.as_str()) {
        anyhow::bail!("unknown provider `{provider}` (one of: {})", PROVIDERS.join(", "));
    }
    let keyed = ["anthropic", "openai", "openrouter", "gemini"].contains(&provider.as_str());
    if keyed && a.api_key.is_none() && ask {
        let key = dialoguer::Password::new()
            .with_prompt(format!("{provider} API key (empty: from its environment variable)"))
            .allow_empty_password(true)
            .interact()?;
        a.api_key = Some(key);
    }
    if ["openai", "ollama"].contains(&provider.as_str()) && a.base_url.is_none() && ask {
        let default =
            if provider == "ollama" { "http://localhost:11434" } else { omega_core::config::OPENAI_BASE_URL };
        let url: String =
            dialoguer::Input::new().with_prompt("Its address").default(default.to_owned()).interact_text()?;
        a.base_url = Some(url);
    }
    if a.telegram_token.is_none()
        && ask
        && dialoguer::Confirm::new().with_prompt("Talk to Omega on Telegram?").default(true).interact()?
    {
        let token = dialoguer::Password::new().with_prompt("The bot token from @BotFather").interact()?;
        a.telegram_token = Some(token);
    }
    if a.whatsapp.is_none()
        && ask
        && dialoguer::Confirm::new().with_prompt("Talk to Omega on WhatsApp?").default(false).interact()?
    {
        let modes =
            ["web: link your own WhatsApp account (scan a QR code)", "cloud: Meta's WhatsApp Cloud API"];
        let i = dialoguer::Select::new().with_prompt("How?").items(modes).default(0).interact()?;
        a.whatsapp = Some(if i == 0 { "web" } else { "cloud" }.to_owned());
        let number: String = dialoguer::Input::new()
            .with_prompt("Your WhatsApp number, digits with the country code (e.g. 351912345678)")
            .interact_text()?;
        a.whatsapp_user = Some(number);
        if i == 1 {
            let input = |prompt: &str| dialoguer::Input::<String>::new().with_prompt(prompt).interact_text();
            a.whatsapp_phone_id = Some(input("The phone number id (Meta's dashboard)")?);
            a.whatsapp_token = Some(dialoguer::Password::new().with_prompt("The access token").interact()?);
            a.whatsapp_app_secret =
                Some(dialoguer::Password::new().with_prompt("The app secret").interact()?);
            a.whatsapp_verify_token = Some(input("A verify token for the webhook (any phrase you choose)")?);
        }
    }
    if !a.secrets_file
        && ask
        && dialoguer::Confirm::new()
            .with_prompt(
                "Keep the keys and tokens in a separate file (data dir's omega.env) instead of omega.toml?",
            )
            .default(true)
            .interact()?
    {
        a.secrets_file = true;
    }
    if a.timezone.is_none() && ask {
        let tz: String = dialoguer::Input::new()
            .with_prompt("Your time zone (IANA, e.g. Europe/Lisbon; empty: this machine's)")
            .allow_empty(true)
            .interact_text()?;
        a.timezone = Some(tz);
    }
    if a.sandbox.is_none() && ask {
        let levels = ["sandbox", "rx", "rwx"];
        let i = dialoguer::Select::new()
            .with_prompt("What may tools touch? sandbox: the workspace only; rx: read anywhere; rwx: read and write anywhere")
            .items(levels)
            .default(0)
            .interact()?;
        a.sandbox = Some(levels[i].to_owned());
    }
    if let Some(tz) = a.timezone.as_deref().filter(|t| !t.is_empty())
        && tz.parse::<chrono_tz::Tz>().is_err()
    {
        anyhow::bail!("`{tz}` is not an IANA time zone (for example Europe/Lisbon)");
    }
    if let Some(level) = &a.sandbox
        && !["sandbox", "rx", "rwx"].contains(&level.as_str())
    {
        anyhow::bail!("--sandbox is sandbox, rx or rwx, not `{level}`");
    }
    check_whatsapp(&a)?;

    let config = build(&provider, &a, &path);
    if !a.no_verify {
        verify_provider(&config, &provider).await?;
    }
    if let Some(token) = &a.telegram_token {
        let bot = if a.no_verify { None } else { Some(verify_telegram(&a.telegram_api_url, token).await?) };
        if a.telegram_user.is_none() {
            match (&bot, ask) {
                (Some(bot), true) => {
                    println!("Now send any message to @{bot} from your Telegram account…");
                    a.telegram_user = Some(find_user(&a.telegram_api_url, token).await?);
                }
                _ => anyhow::bail!("--telegram-user is needed (your numeric Telegram user id)"),
            }
        }
    }
    let (text, secrets) = render(&provider, &a, &config);
    if !secrets.is_empty() {
        let file = config.data_dir().join(omega::config::SECRETS_FILE);
        write_private(&file, &secrets)?;
        println!("wrote {} (the secrets)", file.display());
    }
    write_private(&path, &text)?;
    println!("wrote {}", path.display());
    // What was written must load.
    let mut opts = omega::config::LoadOptions::from_env();
    opts.path = Some(path.clone());
    omega::config::load(&opts).map_err(|e| anyhow::anyhow!("the config just written does not load: {e}"))?;
    let service = a.service
        || (ask
            && dialoguer::Confirm::new()
                .with_prompt("Install Omega as a service (started at boot)?")
                .default(false)
                .interact()?);
    if service {
        return super::service::install(&config, Some(&path), false, true);
    }
    if a.whatsapp.as_deref() == Some("web") {
        println!(
            "Link WhatsApp: with Omega stopped, run `omega --config {} whatsapp pair`; or, once it runs, send /whatsapp from Telegram.",
            path.display()
        );
    }
    println!("Start Omega with: omega --config {} start", path.display());
    Ok(ExitCode::SUCCESS)
}

/// The config the answers make (for the checks; defaults elsewhere).
fn build(provider: &str, a: &InitArgs, path: &Path) -> Config {
    let mut c = Config::default();
    c.provider.default = provider.to_owned();
    if let Some(dir) = path.parent() {
        c.omega.data_dir = dir.display().to_string();
    }
    let key = a.api_key.clone().filter(|k| !k.is_empty()).map(omega_core::Secret::new);
    let model = a.model.clone().filter(|m| !m.is_empty());
    let url = a.base_url.clone().filter(|u| !u.is_empty());
    let p = &mut c.provider;
    match provider {
        "anthropic" => {
            p.anthropic.api_key = key.unwrap_or_else(|| p.anthropic.api_key.clone());
            if let Some(m) = model {
                p.anthropic.model = m;
            }
            if let Some(u) = url {
                p.anthropic.base_url = u;
            }
        }
        "openai" | "openrouter" => {
            let o = if provider == "openai" { &mut p.openai } else { &mut p.openrouter };
            o.api_key = key.unwrap_or_else(|| o.api_key.clone());
            if let Some(m) = model {
                o.model = m;
            }
            if let Some(u) = url {
                o.base_url = u;
            }
        }
        "gemini" => {
            p.gemini.api_key = key.unwrap_or_else(|| p.gemini.api_key.clone());
            if let Some(m) = model {
                p.gemini.model = m;
            }
        }
        "ollama" => {
            if let Some(m) = model {
                p.ollama.model = m;
            }
            if let Some(u) = url {
                p.ollama.base_url = u;
            }
        }
        "claude-code" => {
            if let Some(k) = key {
                p.claude_code.api_key = k;
            }
            if let Some(m) = model {
                p.claude_code.model = m;
            }
        }
        _ => {}
    }
    c
}

/// One token from the provider: the key (or the CLI's login) works.
async fn verify_provider(c: &Config, provider: &str) -> anyhow::Result<()> {
    if provider == "local" {
        println!(
            "✓ local: nothing to check (the model is installed on first use, or with `omega local install`)"
        );
        return Ok(());
    }
    let p = omega::runtime::build_provider(c, provider);
    if provider == "claude-code" {
        p.check().await.map_err(|e| anyhow::anyhow!("{e}"))?;
        println!("✓ claude-code: the CLI is there (it uses its own login, or the key you gave)");
        return Ok(());
    }
    let request = omega::ChatRequest {
        messages: vec![omega::ChatMessage::new(omega::Role::User, "Say OK.")],
        max_tokens: Some(1),
        ..Default::default()
    };
    match p.complete(request, None).await {
        Ok(r) => {
            println!("✓ {provider}: it answers (model {})", r.model);
            Ok(())
        }
        Err(e) => anyhow::bail!("{}: nothing was written", e.user_message().trim_end_matches('.')),
    }
}

async fn telegram(api: &str, token: &str, method: &str) -> anyhow::Result<serde_json::Value> {
    let url = format!("{}/bot{token}/{method}", api.trim_end_matches('/'));
    let r = reqwest::Client::new()
        .get(url)
        .timeout(std::time::Duration::from_secs(40))
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("cannot reach Telegram: {}", e.without_url()))?;
    let status = r.status().as_u16();
    let body: serde_json::Value = r.json().await.unwrap_or_default();
    if status == 401 || status == 404 {
        anyhow::bail!("Telegram refused the bot token (get it again from @BotFather): nothing was written");
    }
    if body["ok"] != true {
        anyhow::bail!("Telegram answered {status}: {}", body["description"].as_str().unwrap_or("?"));
    }
    Ok(body["result"].clone())
}

/// `getMe`: the token works; the bot's username.
async fn verify_telegram(api: &str, token: &str) -> anyhow::Result<String> {
    let me = telegram(api, token, "getMe").await?;
    let name = me["username"].as_str().unwrap_or("?").to_owned();
    println!("✓ telegram: the bot is @{name}");
    Ok(name)
}

/// Wait (two minutes at most) for the first message to the bot: its sender is the owner.
async fn find_user(api: &str, token: &str) -> anyhow::Result<i64> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let mut offset = 0i64;
    while std::time::Instant::now() < deadline {
        let updates = telegram(api, token, &format!("getUpdates?timeout=20&offset={offset}")).await?;
        for u in updates.as_array().into_iter().flatten() {
            offset = offset.max(u["update_id"].as_i64().unwrap_or(0) + 1);
            if let Some(id) = u["message"]["from"]["id"].as_i64() {
                let name = u["message"]["from"]["first_name"].as_str().unwrap_or("you");
                println!("✓ found {name} (user id {id})");
                // Leave the update acknowledged, so Omega does not answer it later.
                let _ = telegram(api, token, &format!("getUpdates?offset={offset}&timeout=0")).await;
                return Ok(id);
            }
        }
    }
    anyhow::bail!("no message reached the bot in two minutes; run again with --telegram-user ID")
}

/// What a WhatsApp answer needs, named when it is missing.
fn check_whatsapp(a: &InitArgs) -> anyhow::Result<()> {
    let Some(mode) = a.whatsapp.as_deref() else { return Ok(()) };
    if !["web", "cloud"].contains(&mode) {
        anyhow::bail!("--whatsapp is web or cloud, not `{mode}`");
    }
    match a.whatsapp_user.as_deref() {
        Some(n) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => {}
        Some(n) => {
            anyhow::bail!("--whatsapp-user is digits with the country code (e.g. 351912345678), not `{n}`")
        }
        None => anyhow::bail!("--whatsapp-user is needed: the WhatsApp number allowed to talk to Omega"),
    }
    if mode == "cloud" {
        for (flag, value) in [
            ("--whatsapp-phone-id", &a.whatsapp_phone_id),
            ("--whatsapp-token", &a.whatsapp_token),
            ("--whatsapp-app-secret", &a.whatsapp_app_secret),
            ("--whatsapp-verify-token", &a.whatsapp_verify_token),
        ] {
            if value.as_deref().is_none_or(str::is_empty) {
                anyhow::bail!("the Cloud API needs {flag}");
            }
        }
    }
    Ok(())
}

/// The variable a provider's key goes in, in a secrets file.
fn key_var(provider: &str) -> &'static str {
    match provider {
        "anthropic" | "claude-code" => "ANTHROPIC_API_KEY",
        "openrouter" => "OPENROUTER_API_KEY",
        "gemini" => "GEMINI_API_KEY",
        _ => "OPENAI_API_KEY",
    }
}

/// The config file — what the answers set, the rest left to the defaults — and, with
/// `--secrets-file`, the secrets file's text (empty: the secrets are in the config).
fn render(provider: &str, a: &InitArgs, c: &Config) -> (String, String) {
    use toml::Value;
    let mut secrets = String::new();
    // A secret goes in the config, or as `VAR=value` in the secrets file.
    let mut secret = |pairs: &mut Vec<(&str, Value)>, key: &'static str, var: &str, value: &str| {
        if a.secrets_file {
            secrets.push_str(&format!("{var}={value}\n"));
        } else {
            pairs.push((key, Value::String(value.to_owned())));
        }
    };
    let mut root = toml::map::Map::new();
    let table =
        |pairs: Vec<(&str, Value)>| Value::Table(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect());
    let mut omega = vec![("data_dir", Value::String(c.omega.data_dir.clone()))];
    if let Some(tz) = a.timezone.clone().filter(|t| !t.is_empty()) {
        omega.push(("timezone", Value::String(tz)));
    }
    root.insert("omega".into(), table(omega));
    let mut section = Vec::new();
    if let Some(k) = a.api_key.clone().filter(|k| !k.is_empty()) {
        secret(&mut section, "api_key", key_var(provider), &k);
    }
    if let Some(u) = a.base_url.clone().filter(|u| !u.is_empty()) {
        section.push(("base_url", Value::String(u)));
    }
    if let Some(m) = a.model.clone().filter(|m| !m.is_empty()) {
        section.push(("model", Value::String(m)));
    }
    let mut prov = toml::map::Map::new();
    prov.insert("default".into(), Value::String(provider.to_owned()));
    if !section.is_empty() {
        prov.insert(provider.to_owned(), table(section));
    }
    root.insert("provider".into(), Value::Table(prov));
    let mut channel = toml::map::Map::new();
    if let Some(token) = &a.telegram_token {
        let mut tg = vec![("enabled", Value::Boolean(true))];
        secret(&mut tg, "bot_token", "TELEGRAM_BOT_TOKEN", token);
        if a.telegram_api_url != "https://api.telegram.org" {
            tg.push(("api_url", Value::String(a.telegram_api_url.clone())));
        }
        tg.push(("allowed_users", Value::Array(a.telegram_user.into_iter().map(Value::Integer).collect())));
        channel.insert("telegram".into(), table(tg));
    }
    if let Some(mode) = &a.whatsapp {
        let mut wa = vec![("enabled", Value::Boolean(true)), ("mode", Value::String(mode.clone()))];
        let number = a.whatsapp_user.clone().unwrap_or_default();
        wa.push(("allowed_users", Value::Array(vec![Value::String(number)])));
        if mode == "cloud" {
            let v = |o: &Option<String>| o.clone().unwrap_or_default();
            wa.push(("phone_number_id", Value::String(v(&a.whatsapp_phone_id))));
            secret(&mut wa, "access_token", "WHATSAPP_ACCESS_TOKEN", &v(&a.whatsapp_token));
            secret(&mut wa, "app_secret", "OMEGA_CHANNEL__WHATSAPP__APP_SECRET", &v(&a.whatsapp_app_secret));
            secret(
                &mut wa,
                "verify_token",
                "OMEGA_CHANNEL__WHATSAPP__VERIFY_TOKEN",
                &v(&a.whatsapp_verify_token),
            );
        }
        channel.insert("whatsapp".into(), table(wa));
    }
    if !channel.is_empty() {
        root.insert("channel".into(), Value::Table(channel));
    }
    if let Some(level) = &a.sandbox {
        root.insert("sandbox".into(), table(vec![("level", Value::String(level.clone()))]));
    }
    let body = toml::to_string_pretty(&Value::Table(root)).unwrap_or_default();
    let held = if a.secrets_file {
        "The secrets are in the data dir's omega.env (0600)."
    } else {
        "This file holds secrets: keep it 0600."
    };
    let config = format!(
        "# Written by `omega init`. Every other key keeps its default: see omega.toml in Omega's\n\
         # repository, or `omega config schema`. {held}\n\n{body}"
    );
    let secrets = match secrets.is_empty() {
        true => secrets,
        false => format!("# Written by `omega init`: Omega's secrets. Keep this file 0600.\n{secrets}"),
    };
    (config, secrets)
}

fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        omega_memory::open::create_private_dir(dir)?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".new");
    let tmp = PathBuf::from(tmp);
    {
        use std::io::Write as _;
        use std::os::unix::fs::OpenOptionsExt as _;
        let mut f =
            std::fs::OpenOptions::new().create(true).truncate(true).write(true).mode(0o600).open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    Ok(())
}
