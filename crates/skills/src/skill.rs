//! One `SKILL.md`.

use serde::Deserialize;
use std::collections::BTreeMap;

use crate::frontmatter;

/// What a skill needs to run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requires {
    /// Binaries that must be on `PATH`.
    pub bins: Vec<String>,
    /// Environment variables that must be set.
    pub env: Vec<String>,
}

/// An MCP server a skill brings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct McpServer {
    pub command: String,
    pub args: Vec<String>,
    pub env: BTreeMap<String, String>,
}

/// A parsed skill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skill {
    /// Its directory's name: what `SKILL_IMPROVE` and `/skills` call it.
    pub dir: String,
    /// The name it gives itself (the directory's name when it gives none).
    pub name: String,
    pub description: String,
    pub requires: Requires,
    pub homepage: Option<String>,
    /// Words or phrases that bring the skill's instructions (and MCP servers) into a turn.
    pub triggers: Vec<String>,
    pub mcp: BTreeMap<String, McpServer>,
    /// The instructions: everything after the frontmatter.
    pub body: String,
}

/// Why a `SKILL.md` cannot be used: the line (1-based) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkillError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for SkillError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawRequires {
    Bins(Vec<String>),
    One(String),
    Both {
        #[serde(default)]
        bins: Vec<String>,
        #[serde(default)]
        env: Vec<String>,
    },
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawTriggers {
    List(Vec<String>),
    Piped(String),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawMcp {
    Full {
        command: String,
        #[serde(default)]
        args: Vec<String>,
        #[serde(default)]
        env: BTreeMap<String, String>,
    },
    /// `command args...` in one string.
    Line(String),
}

#[derive(Deserialize)]
struct Raw {
    name: Option<String>,
    description: Option<String>,
    requires: Option<RawRequires>,
    homepage: Option<String>,
    triggers: Option<RawTriggers>,
    trigger: Option<RawTriggers>,
    #[serde(default)]
    mcp: BTreeMap<String, RawMcp>,
    /// OpenClaw's `metadata: {"requires": {"bins": [...]}}`, and anything else Agent Skills adds.
    metadata: Option<serde_json::Value>,
    /// The original's `mcp-NAME: command args` keys, and keys Omega does not use.
    #[serde(flatten)]
    extra: BTreeMap<String, serde_json::Value>,
}

/// Where `needle` first appears in `text` as a frontmatter key, for error lines.
fn key_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| {
            let t = l.trim_start();
            t.starts_with(key) && t[key.len()..].trim_start().starts_with([':', '=', '.'])
        })
        .map(|i| i + 2)
        .unwrap_or(1)
}

/// A server's command as the original allowed it: a plain program name or path.
fn valid_command(c: &str) -> bool {
    !c.is_empty() && c.chars().all(|c| c.is_ascii_alphanumeric() || "-_./@".contains(c))
}

fn mcp_server(raw: RawMcp) -> Result<McpServer, String> {
    let server = match raw {
        RawMcp::Full { command, args, env } => McpServer { command, args, env },
        RawMcp::Line(line) => {
            let mut words = line.split_whitespace().map(str::to_owned);
            let command = words.next().unwrap_or_default();
            McpServer { command, args: words.collect(), env: BTreeMap::new() }
        }
    };
    if valid_command(&server.command) {
        Ok(server)
    } else {
        Err(format!(
            "the MCP server command `{}` is not a plain program name or path (letters, digits, - _ . / @)",
            server.command
        ))
    }
}

fn triggers(raw: Option<RawTriggers>) -> Vec<String> {
    let list = match raw {
        None => return Vec::new(),
        Some(RawTriggers::List(l)) => l,
        Some(RawTriggers::Piped(s)) => s.split('|').map(str::to_owned).collect(),
    };
    list.into_iter().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect()
}

/// Parse the `SKILL.md` of the directory `dir`.
pub fn parse_skill(dir: &str, file: &str) -> Result<Skill, SkillError> {
    let err = |line, message: String| SkillError { line, message };
    let split = frontmatter::split(file).map_err(|(line, m)| err(line, m))?.ok_or_else(|| {
        err(
            1,
            "no frontmatter: a SKILL.md starts with `---`, then `name:` and `description:`, then `---`"
                .into(),
        )
    })?;
    let raw: Raw = frontmatter::read(&split).map_err(|(line, m)| err(line, m))?;
    let text = split.text;
    let description =
        raw.description.map(|d| d.trim().to_owned()).filter(|d| !d.is_empty()).ok_or_else(|| {
            err(
                split.first_line,
                "`description` is missing: one line saying what the skill does and when to use it".into(),
            )
        })?;
    let mut requires = match raw.requires {
        None => Requires::default(),
        Some(RawRequires::Bins(bins)) => Requires { bins, env: Vec::new() },
        Some(RawRequires::One(bin)) => Requires { bins: vec![bin], env: Vec::new() },
        Some(RawRequires::Both { bins, env }) => Requires { bins, env },
    };
    if let Some(bins) = raw
        .metadata
        .as_ref()
        .and_then(|m| m.pointer("/requires/bins").or_else(|| m.pointer("/openclaw/requires/bins")))
        .and_then(|b| b.as_array())
    {
        requires.bins.extend(bins.iter().filter_map(|b| b.as_str().map(str::to_owned)));
    }
    requires.bins.retain(|b| !b.trim().is_empty());
    requires.bins.dedup();
    let mut mcp = BTreeMap::new();
    for (name, server) in raw.mcp {
        let server = mcp_server(server).map_err(|m| err(key_line(text, "mcp"), m))?;
        mcp.insert(name, server);
    }
    for (key, value) in raw.extra {
        let Some(name) = key.strip_prefix("mcp-") else { continue };
        let line = value.as_str().ok_or_else(|| {
            err(key_line(text, &key), format!("`{key}` must be `command args...` on one line"))
        })?;
        let server = mcp_server(RawMcp::Line(line.to_owned())).map_err(|m| err(key_line(text, &key), m))?;
        mcp.insert(name.to_owned(), server);
    }
    let mut trigger_list = triggers(raw.triggers);
    trigger_list.extend(triggers(raw.trigger));
    let name =
        raw.name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()).unwrap_or_else(|| dir.to_owned());
    Ok(Skill {
        dir: dir.to_owned(),
        name,
        description: description.lines().next().unwrap_or("").to_owned(),
        requires,
        homepage: raw.homepage,
        triggers: trigger_list,
        mcp,
        body: split.body.trim().to_owned(),
    })
}
