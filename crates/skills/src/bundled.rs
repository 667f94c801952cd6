//! The skills that ship with Omega, written into the skills directory on first start and never
//! overwritten (a person's edits, and lessons learned, stay).

/// (directory name, `SKILL.md`).
pub const BUNDLED: &[(&str, &str)] = &[
    ("skill-creator", include_str!("../bundled/skill-creator/SKILL.md")),
    ("browser", include_str!("../bundled/browser/SKILL.md")),
    ("trader", include_str!("../bundled/trader/SKILL.md")),
];
