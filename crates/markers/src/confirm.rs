//! What carrying out an effect did, as a typed value, and the line the person is shown for it.
//!
//! The actor that owns an effect (the Scheduler for tasks, the Heartbeat for its checklist, the
//! store for a person's profile) answers with one of these; the reply shows [`Confirmation`]'s
//! `Display`, built from what was actually stored ("✓ Reminder set: … — Thu 26 Nov 09:00
//! (Europe/Lisbon)") or why nothing was ("✗ … that time is in the past").

use std::fmt;

use crate::TaskKind;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmation {
    /// A task was created. `when` is its local time and zone, `every` its repeat ("" = once).
    TaskSet {
        kind: TaskKind,
        description: String,
        when: String,
        every: String,
        id: String,
    },
    /// The same task (description and due time) was already pending.
    TaskAlreadySet {
        kind: TaskKind,
        id: String,
    },
    /// A task could not be set as asked (a time in the past, an unknown repeat...).
    CannotSchedule {
        kind: TaskKind,
        description: String,
        why: String,
    },
    TaskUpdated {
        description: String,
        when: String,
        every: String,
        id: String,
    },
    CannotUpdate {
        id: String,
        why: String,
    },
    TaskCancelled {
        description: String,
        id: String,
    },
    /// No pending task of this person has (or starts with) that id.
    NoSuchTask {
        id: String,
    },
    /// The id prefix matches several tasks.
    AmbiguousTask {
        id: String,
        matches: Vec<String>,
    },
    ChecklistAdded {
        item: String,
    },
    /// The item was on the checklist already (nothing changed; not a failure).
    ChecklistHas {
        item: String,
    },
    ChecklistRemoved {
        items: Vec<String>,
    },
    NotOnChecklist {
        item: String,
    },
    NoChecklist,
    /// The checklist file could not be written.
    ChecklistNotSaved {
        error: String,
    },
    HeartbeatEvery {
        minutes: u32,
    },
    SectionSkipped {
        section: String,
    },
    SectionChecked {
        section: String,
    },
    ProjectActive {
        name: String,
    },
    /// `known` are the projects there are.
    NoSuchProject {
        name: String,
        known: Vec<String>,
    },
    NoProject,
    /// The lesson was written into the skill's `SKILL.md`.
    SkillImproved {
        skill: String,
        lesson: String,
    },
    /// The skill already had that lesson.
    SkillLessonKnown {
        skill: String,
    },
    NoSuchSkill {
        skill: String,
        known: Vec<String>,
    },
    /// A skill written in the workspace is installed.
    SkillInstalled {
        skill: String,
        triggers: Vec<String>,
        replaced: bool,
    },
    /// The skill's file could not be changed.
    SkillNotChanged {
        skill: String,
        why: String,
    },
    /// A file goes with the reply (`path` is Omega's own copy).
    FileAttached {
        name: String,
        path: String,
        mime: String,
        bytes: u64,
        caption: String,
    },
    FileNotSent {
        path: String,
        why: String,
    },
    /// A background job is stored and will run (`waiting`: behind other jobs).
    JobStarted {
        number: i64,
        waiting: bool,
    },
    /// The job was started by this message already (it was answered again after a restart).
    JobAlreadyStarted {
        number: i64,
    },
    JobNotStarted {
        why: String,
    },
    BugRecorded {
        number: i64,
        description: String,
    },
    Learned {
        domain: String,
        rule: String,
    },
    /// Destructive effects only say which command does them.
    UseForget,
    UsePurge {
        facts: usize,
    },
    /// Storing failed (the database, or the owner of the effect was not running).
    NotSaved {
        error: String,
    },
}

impl Confirmation {
    /// Whether the effect did not happen (an effect tool's result is then an error).
    pub fn failed(&self) -> bool {
        matches!(
            self,
            Self::CannotSchedule { .. }
                | Self::CannotUpdate { .. }
                | Self::NoSuchTask { .. }
                | Self::AmbiguousTask { .. }
                | Self::NotOnChecklist { .. }
                | Self::NoChecklist
                | Self::ChecklistNotSaved { .. }
                | Self::NoSuchProject { .. }
                | Self::NoSuchSkill { .. }
                | Self::SkillNotChanged { .. }
                | Self::FileNotSent { .. }
                | Self::JobNotStarted { .. }
                | Self::NotSaved { .. }
        )
    }
}

fn task_word(kind: TaskKind) -> &'static str {
    if kind == TaskKind::Action { "task" } else { "reminder" }
}

fn with_every(every: &str) -> String {
    if every.is_empty() { String::new() } else { format!(", {every}") }
}

impl fmt::Display for Confirmation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TaskSet { kind, description, when, every, id } => {
                let what = if *kind == TaskKind::Action { "Task" } else { "Reminder" };
                write!(f, "✓ {what} set: {description} — {when}{} [{id}]", with_every(every))
            }
            Self::TaskAlreadySet { kind, id } => {
                write!(f, "That {} is already set [{id}].", task_word(*kind))
            }
            Self::CannotSchedule { kind, description, why } => {
                write!(f, "✗ I couldn't set the {} \"{description}\": {why}.", task_word(*kind))
            }
            Self::TaskUpdated { description, when, every, id } => {
                write!(f, "✓ Updated: {description} — {when}{} [{id}]", with_every(every))
            }
            Self::CannotUpdate { id, why } => write!(f, "✗ I couldn't change task {id}: {why}."),
            Self::TaskCancelled { description, id } => write!(f, "✓ Cancelled: {description} [{id}]"),
            Self::NoSuchTask { id } => write!(f, "✗ No pending task has the id {id}."),
            Self::AmbiguousTask { id, matches } => {
                let list: Vec<&str> = matches.iter().map(|i| i.get(..8).unwrap_or(i)).collect();
                write!(f, "✗ {id} matches several tasks ({}); use more of the id.", list.join(", "))
            }
            Self::ChecklistAdded { item } => write!(f, "✓ Added to your heartbeat checklist: {item}"),
            Self::ChecklistHas { item } => write!(f, "\"{item}\" is already on your heartbeat checklist."),
            Self::ChecklistRemoved { items } => {
                write!(f, "✓ Removed from your heartbeat checklist: {}", items.join("; "))
            }
            Self::NotOnChecklist { item } => write!(f, "✗ No heartbeat checklist item matches \"{item}\"."),
            Self::NoChecklist => write!(f, "✗ There is no heartbeat checklist yet."),
            Self::ChecklistNotSaved { error } => {
                write!(f, "✗ I couldn't update the heartbeat checklist ({error}).")
            }
            Self::HeartbeatEvery { minutes } => write!(f, "✓ Heartbeat every {minutes} minutes."),
            Self::SectionSkipped { section } => write!(f, "✓ The heartbeat will skip \"{section}\"."),
            Self::SectionChecked { section } => write!(f, "✓ The heartbeat will check \"{section}\" again."),
            Self::ProjectActive { name } => write!(f, "✓ Project {name} is active."),
            Self::NoSuchProject { name, known } if known.is_empty() => {
                write!(f, "✗ There is no project named {name} (there are none yet).")
            }
            Self::NoSuchProject { name, known } => {
                write!(f, "✗ There is no project named {name} (projects: {}).", known.join(", "))
            }
            Self::NoProject => write!(f, "✓ No project is active."),
            Self::SkillImproved { skill, lesson } => {
                write!(f, "✓ Written into the {skill} skill, under Lessons Learned: {lesson}")
            }
            Self::SkillLessonKnown { skill } => write!(f, "✓ The {skill} skill already has that lesson."),
            Self::NoSuchSkill { skill, known } if known.is_empty() => {
                write!(f, "✗ There is no skill named {skill} (there are none yet).")
            }
            Self::NoSuchSkill { skill, known } => {
                write!(f, "✗ There is no skill named {skill} (skills: {}).", known.join(", "))
            }
            Self::SkillInstalled { skill, triggers, replaced } => {
                let verb = if *replaced {
                    "updated (the previous version is kept as SKILL.md.bak)"
                } else {
                    "installed"
                };
                if triggers.is_empty() {
                    write!(f, "✓ Skill {skill} {verb}.")
                } else {
                    write!(f, "✓ Skill {skill} {verb}; it comes up on: {}.", triggers.join(", "))
                }
            }
            Self::SkillNotChanged { skill, why } => write!(f, "✗ The {skill} skill was not changed: {why}"),
            Self::FileAttached { name, bytes, .. } => write!(f, "📎 {name} ({})", size(*bytes)),
            Self::FileNotSent { path, why } => write!(f, "✗ {path} was not sent: {why}"),
            Self::JobStarted { number, waiting: false } => write!(
                f,
                "✓ Background job #{number} started: I'll send you the result when it's done. \
                 /jobs shows it, /cancel {number} stops it."
            ),
            Self::JobStarted { number, waiting: true } => write!(
                f,
                "✓ Background job #{number} is queued and starts when a slot is free; I'll send you the \
                 result when it's done. /jobs shows it, /cancel {number} stops it."
            ),
            Self::JobAlreadyStarted { number } => {
                write!(f, "✓ Background job #{number} is already under way.")
            }
            Self::JobNotStarted { why } => write!(f, "✗ No background job was started: {why}"),
            Self::BugRecorded { number, description } => {
                write!(f, "✓ Bug report #{number} recorded: {description}")
            }
            Self::Learned { domain, rule } => write!(f, "✓ Learned ({domain}): {rule}"),
            Self::UseForget => {
                write!(f, "To start a fresh conversation (I'd stop using what we said so far), send /forget.")
            }
            Self::UsePurge { facts } => write!(
                f,
                "To delete the {facts} things I know about you, send /purge yes. Nothing is deleted until you do."
            ),
            Self::NotSaved { error } => write!(f, "✗ I couldn't save that ({error})."),
        }
    }
}

/// A byte count as people read it: 980 bytes, 12 KB, 3.4 MB.
fn size(bytes: u64) -> String {
    match bytes {
        b if b < 1000 => format!("{b} bytes"),
        b if b < 1_000_000 => format!("{} KB", b.div_ceil(1000)),
        b => format!("{:.1} MB", b as f64 / 1e6),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_typed_and_read_as_failures() {
        let no = Confirmation::NoSuchTask { id: "abc".into() };
        assert!(no.failed());
        assert_eq!(no.to_string(), "✗ No pending task has the id abc.");
        let set = Confirmation::TaskSet {
            kind: TaskKind::Reminder,
            description: "call mum".into(),
            when: "Thu 26 Nov 09:00 (Europe/Lisbon)".into(),
            every: "every day".into(),
            id: "a1b2c3".into(),
        };
        assert!(!set.failed());
        assert_eq!(
            set.to_string(),
            "✓ Reminder set: call mum — Thu 26 Nov 09:00 (Europe/Lisbon), every day [a1b2c3]"
        );
        assert!(!Confirmation::ChecklistHas { item: "x".into() }.failed());
    }
}
