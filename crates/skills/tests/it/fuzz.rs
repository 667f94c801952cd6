//! Fuzzing SKILL.md and ROLE.md (scorecard suite 3): frontmatter in YAML and TOML, broken
//! fences, odd keys and values. A file either gives a skill or an error naming a line of it; a
//! lesson is added once, and the file it is added to keeps everything it had.

use omega_skills::{lessons, parse_role, parse_skill, triggers};
use omega_testkit::fuzz::{self, proptest::prelude::*};

const FILE: &[&str] = &[
    "---\n",
    "+++\n",
    "---",
    "\u{feff}",
    "name: ",
    "description: ",
    "triggers: ",
    "trigger = ",
    "requires:\n  bins: [",
    "]\n",
    "mcp:\n  x: ",
    "mcp-y: ",
    "npx -y @scope/server",
    "rm -rf /; echo",
    "homepage = ",
    "metadata:\n  requires:\n    bins:\n      - ",
    "weather",
    "a | b",
    "\"",
    "'",
    "[",
    "]",
    "{",
    "}",
    ":",
    " = ",
    "- ",
    "  ",
    "\n",
    "\n",
    "#",
    "é",
    "🙂",
    "## Lessons Learned\n",
    "```\n",
    "text\n",
];

#[test]
fn skill_files_give_a_skill_or_an_error_on_one_of_their_lines() {
    fuzz::check(
        "SKILL.md and ROLE.md frontmatter",
        "fuzz::skill_files_give_a_skill_or_an_error_on_one_of_their_lines",
        fuzz::text_of(FILE, 30),
        |file| {
            let lines = file.lines().count().max(1);
            match parse_skill("weather", &file) {
                Ok(skill) => {
                    prop_assert!(!skill.description.trim().is_empty(), "a skill without a description");
                    for server in skill.mcp.values() {
                        prop_assert!(
                            server.command.chars().all(|c| c.is_ascii_alphanumeric() || "-_./@".contains(c)),
                            "an MCP command with shell characters: {:?}",
                            server.command
                        );
                    }
                    for t in &skill.triggers {
                        prop_assert!(!t.trim().is_empty(), "an empty trigger");
                        let _ = triggers::matches(&file, t);
                    }
                }
                Err(e) => {
                    prop_assert!(e.line >= 1 && e.line <= lines + 1, "{e} (the file has {lines} lines)")
                }
            }
            if let Err(e) = parse_role("ops", &file) {
                prop_assert!(e.line >= 1 && e.line <= lines + 1, "{e} (the file has {lines} lines)");
            }
            Ok(())
        },
    );
}

#[test]
fn a_lesson_is_added_once_and_the_file_keeps_what_it_had() {
    let input =
        (fuzz::text_of(FILE, 20), fuzz::text_of(&["check ", "the ", "date", ".", " ", "\n", "É", "-"], 6));
    fuzz::check(
        "lessons added to a skill",
        "fuzz::a_lesson_is_added_once_and_the_file_keeps_what_it_had",
        input,
        |(file, lesson)| {
            let Some(once) = lessons::add_lesson(&file, &lesson) else { return Ok(()) };
            prop_assert!(
                lessons::add_lesson(&once, &lesson).is_none(),
                "the same lesson was added twice: {once:?}"
            );
            for line in file.lines().filter(|l| !l.trim().is_empty()) {
                prop_assert!(once.contains(line.trim_end()), "the line {line:?} was lost: {once:?}");
            }
            Ok(())
        },
    );
}
