//! `omega config import PATH`: an original Omega `config.toml` becomes the equivalent
//! `omega.toml`. Each key is carried over under its name here, or named as not carried over
//! (with why); what is written must load.

use std::path::Path;
use std::process::ExitCode;
use toml::Value;

/// Keys whose value goes over as it is: (the original's dotted key, ours).
const SAME: &[(&str, &str)] = &[
    ("omega.name", "omega.name"),
    ("omega.data_dir", "omega.data_dir"),
    ("omega.log_level", "omega.log_level"),
    ("auth.enabled", "auth.enabled"),
    ("auth.deny_message", "auth.deny_message"),
    ("provider.default", "provider.default"),
    ("provider.claude-code.enabled", "provider.claude-code.enabled"),
    ("provider.claude-code.max_turns", "provider.claude-code.max_turns"),
    ("provider.claude-code.allowed_tools", "provider.claude-code.allowed_tools"),
    ("provider.claude-code.timeout_secs", "provider.claude-code.timeout_secs"),
    ("provider.claude-code.max_resume_attempts", "provider.claude-code.max_resume_attempts"),
    ("provider.claude-code.model", "provider.claude-code.model"),
    ("provider.claude-code.model_complex", "provider.claude-code.model_complex"),
    ("provider.claude-code.oauth_token", "provider.claude-code.oauth_token"),
    ("provider.anthropic.enabled", "provider.anthropic.enabled"),
    ("provider.anthropic.api_key", "provider.anthropic.api_key"),
    ("provider.anthropic.model", "provider.anthropic.model"),
    ("provider.anthropic.max_tokens", "provider.anthropic.max_tokens"),
    ("provider.openai.enabled", "provider.openai.enabled"),
    ("provider.openai.api_key", "provider.openai.api_key"),
    ("provider.openai.model", "provider.openai.model"),
    ("provider.openai.base_url", "provider.openai.base_url"),
    ("provider.ollama.enabled", "provider.ollama.enabled"),
    ("provider.ollama.base_url", "provider.ollama.base_url"),
    ("provider.ollama.model", "provider.ollama.model"),
    ("provider.openrouter.enabled", "provider.openrouter.enabled"),
    ("provider.openrouter.api_key", "provider.openrouter.api_key"),
    ("provider.openrouter.model", "provider.openrouter.model"),
    ("provider.gemini.enabled", "provider.gemini.enabled"),
    ("provider.gemini.api_key", "provider.gemini.api_key"),
    ("provider.gemini.model", "provider.gemini.model"),
    ("channel.telegram.enabled", "channel.telegram.enabled"),
    ("channel.telegram.bot_token", "channel.telegram.bot_token"),
    ("channel.telegram.allowed_users", "channel.telegram.allowed_users"),
    ("channel.whatsapp.enabled", "channel.whatsapp.enabled"),
    ("channel.whatsapp.allowed_users", "channel.whatsapp.allowed_users"),
    ("memory.db_path", "memory.db_path"),
    ("memory.max_context_messages", "memory.max_context_messages"),
    ("scheduler.enabled", "scheduler.enabled"),
    ("heartbeat.enabled", "heartbeat.enabled"),
    ("heartbeat.interval_minutes", "heartbeat.interval_minutes"),
    ("heartbeat.channel", "heartbeat.channel"),
    ("heartbeat.reply_target", "heartbeat.recipient"),
    ("api.enabled", "api.enabled"),
    ("api.host", "api.host"),
    ("api.port", "api.port"),
    ("api.api_key", "api.api_key"),
];

/// Keys handled below, or dropped on purpose, with why.
const DROPPED: &[(&str, &str)] = &[
    ("memory.backend", "Omega has one backend, SQLite"),
    ("scheduler.poll_interval_secs", "the Scheduler keeps one timer for the next task instead of polling"),
];

fn get<'a>(v: &'a Value, dotted: &str) -> Option<&'a Value> {
    dotted.split('.').try_fold(v, |v, k| v.get(k))
}

fn set(root: &mut toml::map::Map<String, Value>, dotted: &str, value: Value) {
    let mut parts: Vec<&str> = dotted.split('.').collect();
    let last = parts.pop().unwrap_or_default();
    let mut t = root;
    for p in parts {
        t = t
            .entry(p.to_owned())
            .or_insert_with(|| Value::Table(Default::default()))
            .as_table_mut()
            .expect("a table on the way");
    }
    t.insert(last.to_owned(), value);
}

/// Every leaf's dotted key in `v`.
fn leaves(v: &Value, prefix: &str, out: &mut Vec<String>) {
    match v.as_table() {
        Some(t) => {
            for (k, v) in t {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                leaves(v, &key, out);
            }
        }
        None => out.push(prefix.to_owned()),
    }
}

/// The equivalent config, and what could not be carried over (key, why).
pub fn convert(original: &Value) -> (Value, Vec<(String, String)>) {
    let mut root = toml::map::Map::new();
    let mut left = Vec::new();
    let mut handled: Vec<String> = Vec::new();
    for (from, to) in SAME {
        if let Some(v) = get(original, from) {
            set(&mut root, to, v.clone());
            handled.push((*from).to_owned());
        }
    }
    // Transcription had a key per channel; Omega has one [voice].
    for ch in ["telegram", "whatsapp"] {
        let key = format!("channel.{ch}.whisper_api_key");
        if let Some(v) = get(original, &key) {
            handled.push(key.clone());
            if v.as_str().is_some_and(|s| !s.is_empty()) {
                set(&mut root, "voice.api_key", v.clone());
            }
        }
    }
    // The original's WhatsApp was a linked device (WhatsApp Web).
    if get(original, "channel.whatsapp.enabled").and_then(Value::as_bool) == Some(true) {
        set(&mut root, "channel.whatsapp.mode", Value::String("web".into()));
        left.push((
            "channel.whatsapp".to_owned(),
            "the pairing itself does not carry over: pair again with `omega whatsapp pair`".to_owned(),
        ));
    }
    // Active hours were two keys; here they are one range.
    let start = get(original, "heartbeat.active_start").and_then(Value::as_str);
    let end = get(original, "heartbeat.active_end").and_then(Value::as_str);
    handled.extend(["heartbeat.active_start".to_owned(), "heartbeat.active_end".to_owned()]);
    match (start, end) {
        (Some(s), Some(e)) if !s.is_empty() && !e.is_empty() => {
            set(&mut root, "heartbeat.active_hours", Value::String(format!("{s}-{e}")));
        }
        _ => {}
    }
    for (key, why) in DROPPED {
        if get(original, key).is_some() {
            handled.push((*key).to_owned());
            left.push(((*key).to_owned(), (*why).to_owned()));
        }
    }
    let mut all = Vec::new();
    leaves(original, "", &mut all);
    for key in all {
        if !handled.contains(&key) {
            let why = if key.starts_with("google.") {
                "Google accounts are not part of Omega (use a skill with an MCP server)"
            } else {
                "no such setting in this Omega"
            };
            left.push((key, why.to_owned()));
        }
    }
    (Value::Table(root), left)
}

pub fn import(from: &Path, to: &Path, force: bool) -> anyhow::Result<ExitCode> {
    let text =
        std::fs::read_to_string(from).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", from.display()))?;
    let original: Value =
        toml::from_str(&text).map_err(|e| anyhow::anyhow!("{} is not valid TOML: {e}", from.display()))?;
    if to.exists() && !force {
        anyhow::bail!("{} exists already; pass --force to replace it", to.display());
    }
    let (converted, left) = convert(&original);
    let body = toml::to_string_pretty(&converted)?;
    let text = format!("# Imported from {} by `omega config import`.\n\n{body}", from.display());
    if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
        omega_memory::open::create_private_dir(dir)?;
    }
    {
        use std::io::Write as _;
        use std::os::unix::fs::OpenOptionsExt as _;
        let tmp = to.with_extension("toml.new");
        let mut f =
            std::fs::OpenOptions::new().create(true).truncate(true).write(true).mode(0o600).open(&tmp)?;
        f.write_all(text.as_bytes())?;
        std::fs::rename(&tmp, to)?;
    }
    let mut opts = omega::config::LoadOptions::from_env();
    opts.path = Some(to.to_owned());
    if let Err(e) = omega::config::load(&opts) {
        anyhow::bail!("the imported config does not load ({e}); fix {} by hand", to.display());
    }
    println!("wrote {}", to.display());
    if left.is_empty() {
        println!("everything was carried over");
    } else {
        println!("not carried over:");
        for (key, why) in &left {
            println!("  {key}: {why}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_original_config_becomes_ours_and_says_what_it_left() {
        let original: Value = toml::from_str(
            r#"
            [omega]
            name = "OMEGA Ω"
            [provider]
            default = "anthropic"
            [provider.anthropic]
            enabled = true
            api_key = "sk-ant-x"
            [channel.telegram]
            enabled = true
            bot_token = "1:t"
            allowed_users = [42]
            whisper_api_key = "sk-whisper"
            [channel.whatsapp]
            enabled = true
            allowed_users = ["351912345678"]
            [memory]
            backend = "sqlite"
            [scheduler]
            poll_interval_secs = 60
            [heartbeat]
            active_start = "08:00"
            active_end = "22:00"
            reply_target = "42"
            [google]
            account = "me@example.com"
            [surprise]
            key = 1
            "#,
        )
        .unwrap();
        let (v, left) = convert(&original);
        assert_eq!(get(&v, "omega.name").unwrap().as_str(), Some("OMEGA Ω"));
        assert_eq!(get(&v, "provider.anthropic.api_key").unwrap().as_str(), Some("sk-ant-x"));
        assert_eq!(get(&v, "voice.api_key").unwrap().as_str(), Some("sk-whisper"));
        assert_eq!(get(&v, "channel.whatsapp.mode").unwrap().as_str(), Some("web"));
        assert_eq!(get(&v, "heartbeat.active_hours").unwrap().as_str(), Some("08:00-22:00"));
        assert_eq!(get(&v, "heartbeat.recipient").unwrap().as_str(), Some("42"));
        let keys: Vec<&str> = left.iter().map(|(k, _)| k.as_str()).collect();
        for k in [
            "memory.backend",
            "scheduler.poll_interval_secs",
            "google.account",
            "surprise.key",
            "channel.whatsapp",
        ] {
            assert!(keys.contains(&k), "{k} in {keys:?}");
        }
        assert!(!keys.contains(&"channel.telegram.whisper_api_key"));
        // What it makes is a valid config of ours.
        let text = toml::to_string(&v).unwrap();
        let c: omega::Config = toml::from_str(&text).unwrap();
        assert_eq!(c.channel.telegram.allowed_users, vec![42]);
    }
}
