//! Skills and projects, pure: what a `SKILL.md` or a `ROLE.md` says, whether a skill can run
//! here, which skills a message calls for, and a lesson written into a skill. No I/O except
//! through what the caller passes in (file text, a `PATH` lookup, the environment).
//!
//! A skill is `data_dir/skills/NAME/SKILL.md`: frontmatter, then the instructions. The
//! frontmatter is YAML between `---` lines (the Agent Skills layout), or TOML between `+++` or
//! `---` lines (the original Omega accepted both):
//!
//! ```text
//! ---
//! name: weather
//! description: Forecasts and current conditions for any place.
//! requires: [curl]                # or {bins: [curl], env: [WEATHER_KEY]}
//! triggers: [weather, forecast]   # or the original's `trigger: "weather|forecast"`
//! mcp:
//!   playwright: {command: npx, args: ["@playwright/mcp", "--headless"]}
//! ---
//! ```

mod frontmatter;
pub mod lessons;
pub mod project;
mod skill;
pub mod triggers;

pub mod bundled;

pub use project::{Project, parse_role};
pub use skill::{McpServer, Requires, Skill, SkillError, parse_skill};

/// Whether a skill can run here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Availability {
    Available,
    /// What is missing: binaries not on `PATH`, environment variables not set.
    Missing(Vec<String>),
}

impl Availability {
    pub fn is_available(&self) -> bool {
        matches!(self, Self::Available)
    }
}

/// Check `skill`'s requirements: `on_path` says whether a binary is on `PATH`, `env_set` whether
/// an environment variable is set.
pub fn availability(
    skill: &Skill,
    on_path: impl Fn(&str) -> bool,
    env_set: impl Fn(&str) -> bool,
) -> Availability {
    let mut missing: Vec<String> = skill
        .requires
        .bins
        .iter()
        .filter(|b| !on_path(b))
        .map(|b| format!("`{b}` is not on the tools' PATH"))
        .collect();
    missing.extend(skill.requires.env.iter().filter(|v| !env_set(v)).map(|v| format!("${v} is not set")));
    if missing.is_empty() { Availability::Available } else { Availability::Missing(missing) }
}

/// Whether `name` may name a skill or project directory: one plain path component.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name != "."
        && name != ".."
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_alphanumeric() || "-_.".contains(c))
}
