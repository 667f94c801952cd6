//! The skills crate on real SKILL.md and ROLE.md texts.

mod lessons;
mod parse;
mod triggers;
