//! Loading: the layers merged (defaults ← file ← `OMEGA_*` ← flags), the documented credential
//! variables, and every problem reported with the key and where it came from.

use figment::Figment;
use figment::providers::{Format, Serialized, Toml};
use std::fmt;
use std::path::{Path, PathBuf};

use super::*;
use crate::secret::Secret;

/// What the caller knows before loading: the explicit path, the environment, the CLI overrides.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// `--config PATH`; must exist when given.
    pub path: Option<PathBuf>,
    /// The process environment (injected so tests do not touch the real one).
    pub env: Vec<(String, String)>,
    /// Command-line overrides as dotted keys, e.g. `("omega.data_dir", "/tmp/x")`.
    pub overrides: Vec<(String, toml::Value)>,
    /// Also read [`SECRETS_FILE`] in the data dir, as more environment (the real environment
    /// wins).
    pub secrets_file: bool,
}

impl LoadOptions {
    /// Options reading this process's environment and the data dir's secrets file.
    pub fn from_env() -> Self {
        Self { env: std::env::vars().collect(), secrets_file: true, ..Self::default() }
    }
}

/// Secrets kept out of the config file (`omega init --secrets-file`): `VAR=value` lines in the
/// data dir, with the variables of [`CREDENTIAL_VARS`] or `OMEGA_SECTION__KEY`. The systemd unit
/// reads the same file, and so does every `omega` command.
pub const SECRETS_FILE: &str = "omega.env";

/// The `VAR=value` pairs of a secrets file; `None` when there is none. A file other users can
/// read is refused: it holds secrets.
pub fn read_secrets_file(path: &Path) -> Result<Option<Vec<(String, String)>>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(path).map_err(|e| e.to_string())?.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(format!(
                "it holds secrets and other users can read it (mode {:o}); run: chmod 600 {}",
                mode & 0o777,
                path.display()
            ));
        }
    }
    let mut pairs = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((var, value)) = line.split_once('=') else {
            return Err(format!("line {} is not VAR=value", n + 1));
        };
        let value = value.trim();
        let unquoted = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
            .unwrap_or(value);
        pairs.push((var.trim().to_owned(), unquoted.to_owned()));
    }
    Ok(Some(pairs))
}

/// A loaded configuration and the file it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: Config,
    /// The file that was read, if any (defaults alone are a valid config).
    pub path: Option<PathBuf>,
}

/// Where a value came from, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    File {
        path: PathBuf,
        line: Option<usize>,
    },
    Env {
        var: String,
    },
    Flag {
        key: String,
    },
    Default,
    /// A value the embedding program set in code.
    Program,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File { path, line: Some(line) } => write!(f, "{} line {line}", path.display()),
            Origin::File { path, line: None } => write!(f, "{}", path.display()),
            Origin::Env { var } => write!(f, "environment variable {var}"),
            Origin::Flag { key } => write!(f, "command-line flag for {key}"),
            Origin::Default => f.write_str("built-in default"),
            Origin::Program => f.write_str("the configuration built by the program"),
        }
    }
}

/// One thing wrong with the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The config file named with `--config` does not exist or cannot be read.
    Unreadable { path: PathBuf, reason: String },
    /// The file is not valid TOML.
    Syntax { path: PathBuf, line: usize, column: usize, reason: String },
    /// A key the model does not have.
    UnknownKey { key: String, origin: Origin, suggestion: Option<String> },
    /// A key whose value has the wrong type or is out of range.
    InvalidValue { key: String, origin: Origin, reason: String },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Unreadable { path, reason } => {
                write!(f, "cannot read config file {}: {reason}", path.display())
            }
            Problem::Syntax { path, line, column, reason } => {
                write!(f, "{} line {line} column {column}: invalid TOML: {reason}", path.display())
            }
            Problem::UnknownKey { key, origin, suggestion } => {
                write!(f, "unknown key `{key}` in {origin}")?;
                match suggestion {
                    Some(s) => write!(f, "; did you mean `{s}`?"),
                    None => Ok(()),
                }
            }
            Problem::InvalidValue { key, origin, reason } => {
                write!(f, "invalid value for `{key}` in {origin}: {reason}")
            }
        }
    }
}

/// Everything wrong with a configuration, reported together so one edit can fix them all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    pub problems: Vec<Problem>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl From<Problem> for ConfigError {
    fn from(p: Problem) -> Self {
        Self { problems: vec![p] }
    }
}

/// Environment variables that carry a credential, and the key each fills when no layer set it.
/// This one table drives loading, the docs' promises (a test checks README.md and omega.toml name
/// every variable) and the tests that run the binary with each variable.
pub const CREDENTIAL_VARS: &[(&str, &str)] = &[
    ("OPENAI_API_KEY", "provider.openai.api_key"),
    ("OPENAI_API_KEY", "voice.api_key"),
    ("ANTHROPIC_API_KEY", "provider.anthropic.api_key"),
    // The CLI honours ANTHROPIC_API_KEY itself when run from a shell; Omega runs it with a clean
    // environment, so it passes the variable on explicitly.
    ("ANTHROPIC_API_KEY", "provider.claude-code.api_key"),
    ("CLAUDE_CODE_OAUTH_TOKEN", "provider.claude-code.oauth_token"),
    ("OPENROUTER_API_KEY", "provider.openrouter.api_key"),
    ("GEMINI_API_KEY", "provider.gemini.api_key"),
    ("TELEGRAM_BOT_TOKEN", "channel.telegram.bot_token"),
    ("WHATSAPP_ACCESS_TOKEN", "channel.whatsapp.access_token"),
    ("BRAVE_API_KEY", "web.brave_api_key"),
    ("TAVILY_API_KEY", "web.tavily_api_key"),
];

/// The secret a [`CREDENTIAL_VARS`] key names.
pub(super) fn credential_slot<'c>(config: &'c mut Config, key: &str) -> Option<&'c mut Secret> {
    Some(match key {
        "provider.openai.api_key" => &mut config.provider.openai.api_key,
        "voice.api_key" => &mut config.voice.api_key,
        "provider.anthropic.api_key" => &mut config.provider.anthropic.api_key,
        "provider.claude-code.api_key" => &mut config.provider.claude_code.api_key,
        "provider.claude-code.oauth_token" => &mut config.provider.claude_code.oauth_token,
        "provider.openrouter.api_key" => &mut config.provider.openrouter.api_key,
        "provider.gemini.api_key" => &mut config.provider.gemini.api_key,
        "channel.telegram.bot_token" => &mut config.channel.telegram.bot_token,
        "channel.whatsapp.access_token" => &mut config.channel.whatsapp.access_token,
        "web.brave_api_key" => &mut config.web.brave_api_key,
        "web.tavily_api_key" => &mut config.web.tavily_api_key,
        _ => return None,
    })
}

/// `OMEGA_CONFIG` names the config file; it is not a key.
pub const CONFIG_PATH_VAR: &str = "OMEGA_CONFIG";

/// Load and validate the configuration.
pub fn load(opts: &LoadOptions) -> Result<Loaded, ConfigError> {
    let env = |name: &str| opts.env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let path = match &opts.path {
        Some(p) => Some(p.clone()),
        None => env(CONFIG_PATH_VAR).map(PathBuf::from).or_else(default_config_path),
    };
    let file = match &path {
        Some(p) => Some(read_file(p)?),
        None => None,
    };

    let keys = KeyTree::of_config();
    let mut problems = Vec::new();
    let mut figment = Figment::from(Serialized::defaults(Config::default()));

    if let Some((path, text, doc)) = &file {
        check_table(&keys, "", doc.as_table(), path, text, &mut problems);
        figment = figment.merge(Toml::string(text));
    }

    // OMEGA_SECTION__KEY=value. Variables without `__` are not keys (every key has a section), so
    // an unrelated OMEGA_SOMETHING in the environment is left alone.
    let mut env_sources: Vec<(String, String)> = Vec::new();
    for (var, value) in &opts.env {
        let Some(rest) = var.strip_prefix("OMEGA_") else {
            continue;
        };
        if !rest.contains("__") {
            continue;
        }
        let key = keys.from_env(&rest.to_ascii_lowercase().split("__").collect::<Vec<_>>().join("."));
        if !keys.contains(&key) {
            problems.push(Problem::UnknownKey {
                suggestion: keys.suggest(&key),
                key,
                origin: Origin::Env { var: var.clone() },
            });
            continue;
        }
        let parsed = parse_env_value(value);
        figment = figment.merge(Serialized::global(&key, parsed));
        env_sources.push((key, var.clone()));
    }

    for (key, value) in &opts.overrides {
        if !keys.contains(key) {
            problems.push(Problem::UnknownKey {
                suggestion: keys.suggest(key),
                key: key.clone(),
                origin: Origin::Flag { key: key.clone() },
            });
            continue;
        }
        figment = figment.merge(Serialized::global(key, value.clone()));
    }

    if !problems.is_empty() {
        return Err(ConfigError { problems });
    }

    let mut config: Config = match figment.extract() {
        Ok(c) => c,
        Err(err) => {
            let problems = err
                .into_iter()
                .map(|e| {
                    let key = e.path.join(".");
                    let origin = origin_of(&key, &env_sources, file.as_ref(), opts);
                    Problem::InvalidValue { key, origin, reason: e.kind.to_string() }
                })
                .collect();
            return Err(ConfigError { problems });
        }
    };

    // Secrets from the data dir's file: loaded again with them as more environment, so they
    // take the same paths (and the same checks) as the variables themselves.
    if opts.secrets_file {
        let file = config.data_dir().join(SECRETS_FILE);
        match read_secrets_file(&file) {
            Ok(None) => {}
            Ok(Some(pairs)) => {
                // A misspelt variable would be a secret silently missing.
                let unknown: Vec<&str> = pairs
                    .iter()
                    .map(|(var, _)| var.as_str())
                    .filter(|var| {
                        !var.starts_with("OMEGA_") && !CREDENTIAL_VARS.iter().any(|(v, _)| v == var)
                    })
                    .collect();
                if !unknown.is_empty() {
                    let known: Vec<&str> = CREDENTIAL_VARS.iter().map(|(v, _)| *v).collect();
                    let reason = format!(
                        "unknown variable {} (known: {}, or OMEGA_SECTION__KEY)",
                        unknown.join(", "),
                        known.join(", ")
                    );
                    return Err(ConfigError { problems: vec![Problem::Unreadable { path: file, reason }] });
                }
                let mut again = opts.clone();
                again.secrets_file = false;
                again.path = path.clone();
                for (var, value) in pairs {
                    if !again.env.iter().any(|(k, _)| *k == var) {
                        again.env.push((var, value));
                    }
                }
                return load(&again);
            }
            Err(reason) => {
                return Err(ConfigError { problems: vec![Problem::Unreadable { path: file, reason }] });
            }
        }
    }

    for (var, key) in CREDENTIAL_VARS {
        let Some(value) = env(var).filter(|v| !v.trim().is_empty()) else {
            continue;
        };
        match credential_slot(&mut config, key) {
            Some(slot) if slot.is_empty() => *slot = Secret::new(value),
            // Set by a layer already, or (never: a test checks the table) a key without a slot.
            Some(_) | None => {}
        }
    }

    let problems: Vec<Problem> = validate(&config)
        .into_iter()
        .map(|(key, reason)| {
            let origin = origin_of(&key, &env_sources, file.as_ref(), opts);
            Problem::InvalidValue { key, origin, reason }
        })
        .collect();
    if !problems.is_empty() {
        return Err(ConfigError { problems });
    }

    Ok(Loaded { config, path })
}

impl Config {
    /// Check the rules the types cannot express (a known provider name, a time zone that exists,
    /// a key before binding beyond loopback, ...). [`load`] runs this; a program that builds a
    /// `Config` in code gets the same checks from the runtime builder.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let problems: Vec<Problem> = validate(self)
            .into_iter()
            .map(|(key, reason)| Problem::InvalidValue { key, origin: Origin::Program, reason })
            .collect();
        if problems.is_empty() { Ok(()) } else { Err(ConfigError { problems }) }
    }
}

/// Parse a config file's text alone (no environment), e.g. to check a reference file.
pub fn load_file(path: &Path) -> Result<Loaded, ConfigError> {
    load(&LoadOptions { path: Some(path.to_owned()), ..LoadOptions::default() })
}

pub(super) fn default_config_path() -> Option<PathBuf> {
    let local = PathBuf::from("omega.toml");
    if local.is_file() {
        return Some(local);
    }
    let home = expand_home("~/.omega/omega.toml");
    home.is_file().then_some(home)
}

pub(super) type ParsedFile = (PathBuf, String, toml_edit::ImDocument<String>);

pub(super) fn read_file(path: &Path) -> Result<ParsedFile, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Problem::Unreadable { path: path.to_owned(), reason: e.to_string() })?;
    match toml_edit::ImDocument::parse(text.clone()) {
        Ok(doc) => Ok((path.to_owned(), text, doc)),
        Err(e) => {
            let (line, column) = e.span().map(|s| line_col(&text, s.start)).unwrap_or((1, 1));
            let reason = e.message().trim().to_owned();
            Err(Problem::Syntax { path: path.to_owned(), line, column, reason }.into())
        }
    }
}

pub(super) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

pub(super) fn check_table(
    keys: &KeyTree,
    prefix: &str,
    table: &dyn toml_edit::TableLike,
    path: &Path,
    text: &str,
    problems: &mut Vec<Problem>,
) {
    for (key, item) in table.iter() {
        let dotted = if prefix.is_empty() { key.to_owned() } else { format!("{prefix}.{key}") };
        if !keys.contains(&dotted) {
            let line = table
                .get_key_value(key)
                .and_then(|(k, v)| k.span().or_else(|| v.span()))
                .map(|s| line_col(text, s.start).0);
            problems.push(Problem::UnknownKey {
                suggestion: keys.suggest(&dotted),
                key: dotted,
                origin: Origin::File { path: path.to_owned(), line },
            });
            continue;
        }
        if keys.is_section(&dotted)
            && let Some(sub) = item.as_table_like()
        {
            check_table(keys, &dotted, sub, path, text, problems);
        }
    }
}

pub(super) fn origin_of(
    key: &str,
    env_sources: &[(String, String)],
    file: Option<&ParsedFile>,
    opts: &LoadOptions,
) -> Origin {
    if opts.overrides.iter().any(|(k, _)| k == key) {
        return Origin::Flag { key: key.to_owned() };
    }
    if let Some((_, var)) = env_sources.iter().rev().find(|(k, _)| k == key) {
        return Origin::Env { var: var.clone() };
    }
    if let Some((path, text, doc)) = file
        && let Some(line) = line_of_key(doc, text, key)
    {
        return Origin::File { path: path.clone(), line: Some(line) };
    }
    Origin::Default
}

/// The line where `a.b.c` is written in the file, if it is.
pub(super) fn line_of_key(doc: &toml_edit::ImDocument<String>, text: &str, key: &str) -> Option<usize> {
    let mut table: &dyn toml_edit::TableLike = doc.as_table();
    let parts: Vec<&str> = key.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        let (k, item) = table.get_key_value(part)?;
        if i + 1 == parts.len() {
            let span = k.span().or_else(|| item.span())?;
            return Some(line_col(text, span.start).0);
        }
        table = item.as_table_like()?;
    }
    None
}

/// Environment values are strings; read them as TOML scalars/arrays when they parse as such
/// (`8080`, `true`, `["a","b"]`), otherwise as plain strings.
pub(super) fn parse_env_value(value: &str) -> toml::Value {
    let probe = format!("v = {value}");
    match probe.parse::<toml::Table>() {
        Ok(mut t) => t.remove("v").unwrap_or_else(|| toml::Value::String(value.to_owned())),
        Err(_) => toml::Value::String(value.to_owned()),
    }
}
