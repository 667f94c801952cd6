//! The skills crate on real SKILL.md and ROLE.md texts.

mod fuzz;
mod lessons;
mod parse;
mod triggers;
