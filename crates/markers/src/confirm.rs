//! What carrying out an effect did, as a typed value, and the line the person is shown for it.
//!
//! The actor that owns an effect (the Scheduler for tasks, the Heartbeat for its checklist, the
//! store for a person's profile) answers with one of these; the reply shows its line in the
//! person's language (`omega_core::i18n::confirmation`), built from what was actually stored
//! ("✓ Reminder set: … — Thu 26 Nov 09:00 (Europe/Lisbon)") or why nothing was ("✗ … that time
//! is in the past").

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
    /// Not carried out: the turn had read content from a tool or the web, and an effect is made
    /// only on the person's own word. `what` names it ([`crate::gate::what`]).
    NotOnYourWord {
        what: String,
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
                | Self::NotOnYourWord { .. }
        )
    }
}
