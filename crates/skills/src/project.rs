//! One project's `ROLE.md`: optional frontmatter (`skills = [...]`, a preferred `provider` or
//! `model`), then the role itself.

use serde::Deserialize;

use crate::frontmatter;
use crate::skill::SkillError;

/// A parsed project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// Its directory's name.
    pub name: String,
    /// Who Omega is in this project.
    pub role: String,
    /// Skills this project always brings (directory names).
    pub skills: Vec<String>,
    pub provider: Option<String>,
    pub model: Option<String>,
}

#[derive(Deserialize, Default)]
struct Raw {
    #[serde(default)]
    skills: Vec<String>,
    provider: Option<String>,
    model: Option<String>,
}

/// Parse the `ROLE.md` of the project directory `name`.
pub fn parse_role(name: &str, file: &str) -> Result<Project, SkillError> {
    let err = |(line, message)| SkillError { line, message };
    let (raw, body) = match frontmatter::split(file).map_err(err)? {
        Some(split) => (frontmatter::read::<Raw>(&split).map_err(err)?, split.body),
        None => (Raw::default(), file),
    };
    Ok(Project {
        name: name.to_owned(),
        role: body.trim().to_owned(),
        skills: raw.skills.into_iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect(),
        provider: raw.provider.filter(|p| !p.trim().is_empty()),
        model: raw.model.filter(|m| !m.trim().is_empty()),
    })
}
