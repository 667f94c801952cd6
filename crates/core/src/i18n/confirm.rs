//! The line a person is shown for a [`Confirmation`], built from what was actually stored
//! ("✓ Reminder set: … — Thu 26 Nov 09:00 (Europe/Lisbon)") or why nothing was.

use omega_markers::{Confirmation, TaskKind};

use super::Lang;
use crate::tr;

/// `c` in `lang`. Tool results give the model the English line.
pub fn confirmation(c: &Confirmation, lang: Lang) -> String {
    let every = |every: &str| {
        if every.is_empty() { String::new() } else { tr!(lang, "confirm-every", every = every) }
    };
    let action = |kind: &TaskKind| *kind == TaskKind::Action;
    match c {
        Confirmation::TaskSet { kind, description, when, every: e, id } => {
            let (description, when, every, id) = (description.as_str(), when.as_str(), every(e), id.as_str());
            match action(kind) {
                true => tr!(
                    lang,
                    "confirm-task-set",
                    description = description,
                    when = when,
                    every = every,
                    id = id
                ),
                false => {
                    tr!(
                        lang,
                        "confirm-reminder-set",
                        description = description,
                        when = when,
                        every = every,
                        id = id
                    )
                }
            }
        }
        Confirmation::TaskAlreadySet { kind, id } => match action(kind) {
            true => tr!(lang, "confirm-task-already", id = id.as_str()),
            false => tr!(lang, "confirm-reminder-already", id = id.as_str()),
        },
        Confirmation::CannotSchedule { kind, description, why } => {
            let (description, why) = (description.as_str(), why.as_str());
            match action(kind) {
                true => tr!(lang, "confirm-task-failed", description = description, why = why),
                false => tr!(lang, "confirm-reminder-failed", description = description, why = why),
            }
        }
        Confirmation::TaskUpdated { description, when, every: e, id } => tr!(
            lang,
            "confirm-updated",
            description = description.as_str(),
            when = when.as_str(),
            every = every(e),
            id = id.as_str()
        ),
        Confirmation::CannotUpdate { id, why } => {
            tr!(lang, "confirm-update-failed", id = id.as_str(), why = why.as_str())
        }
        Confirmation::TaskCancelled { description, id } => {
            tr!(lang, "confirm-cancelled", description = description.as_str(), id = id.as_str())
        }
        Confirmation::NoSuchTask { id } => tr!(lang, "confirm-no-task", id = id.as_str()),
        Confirmation::AmbiguousTask { id, matches } => {
            let list: Vec<&str> = matches.iter().map(|i| i.get(..8).unwrap_or(i)).collect();
            tr!(lang, "confirm-ambiguous", id = id.as_str(), ids = list.join(", "))
        }
        Confirmation::ChecklistAdded { item } => tr!(lang, "confirm-checklist-added", item = item.as_str()),
        Confirmation::ChecklistHas { item } => tr!(lang, "confirm-checklist-has", item = item.as_str()),
        Confirmation::ChecklistRemoved { items } => {
            tr!(lang, "confirm-checklist-removed", items = items.join("; "))
        }
        Confirmation::NotOnChecklist { item } => tr!(lang, "confirm-checklist-missing", item = item.as_str()),
        Confirmation::NoChecklist => tr!(lang, "confirm-no-checklist"),
        Confirmation::ChecklistNotSaved { error } => {
            tr!(lang, "confirm-checklist-failed", error = error.as_str())
        }
        Confirmation::HeartbeatEvery { minutes } => tr!(lang, "confirm-heartbeat-every", minutes = *minutes),
        Confirmation::SectionSkipped { section } => {
            tr!(lang, "confirm-section-skipped", section = section.as_str())
        }
        Confirmation::SectionChecked { section } => {
            tr!(lang, "confirm-section-checked", section = section.as_str())
        }
        Confirmation::ProjectActive { name } => tr!(lang, "confirm-project-active", project = name.as_str()),
        Confirmation::NoSuchProject { name, known } if known.is_empty() => {
            tr!(lang, "confirm-no-such-project", project = name.as_str())
        }
        Confirmation::NoSuchProject { name, known } => {
            tr!(lang, "confirm-no-such-project-known", project = name.as_str(), known = known.join(", "))
        }
        Confirmation::NoProject => tr!(lang, "confirm-no-project"),
        Confirmation::SkillImproved { skill, lesson } => {
            tr!(lang, "confirm-skill-improved", skill = skill.as_str(), lesson = lesson.as_str())
        }
        Confirmation::SkillLessonKnown { skill } => tr!(lang, "confirm-skill-known", skill = skill.as_str()),
        Confirmation::NoSuchSkill { skill, known } if known.is_empty() => {
            tr!(lang, "confirm-no-such-skill", skill = skill.as_str())
        }
        Confirmation::NoSuchSkill { skill, known } => {
            tr!(lang, "confirm-no-such-skill-known", skill = skill.as_str(), known = known.join(", "))
        }
        Confirmation::SkillInstalled { skill, triggers, replaced } => {
            let (skill, on) = (skill.as_str(), triggers.join(", "));
            match (*replaced, triggers.is_empty()) {
                (false, true) => tr!(lang, "confirm-skill-installed", skill = skill),
                (false, false) => tr!(lang, "confirm-skill-installed-triggers", skill = skill, triggers = on),
                (true, true) => tr!(lang, "confirm-skill-updated", skill = skill),
                (true, false) => tr!(lang, "confirm-skill-updated-triggers", skill = skill, triggers = on),
            }
        }
        Confirmation::SkillNotChanged { skill, why } => {
            tr!(lang, "confirm-skill-unchanged", skill = skill.as_str(), why = why.as_str())
        }
        Confirmation::FileAttached { name, bytes, .. } => {
            tr!(lang, "confirm-file", name = name.as_str(), size = size(*bytes, lang))
        }
        Confirmation::FileNotSent { path, why } => {
            tr!(lang, "confirm-file-not-sent", path = path.as_str(), why = why.as_str())
        }
        Confirmation::JobStarted { number, waiting: false } => {
            tr!(lang, "confirm-job-started", number = *number)
        }
        Confirmation::JobStarted { number, waiting: true } => {
            tr!(lang, "confirm-job-queued", number = *number)
        }
        Confirmation::JobAlreadyStarted { number } => tr!(lang, "confirm-job-already", number = *number),
        Confirmation::JobNotStarted { why } => tr!(lang, "confirm-job-not-started", why = why.as_str()),
        Confirmation::BugRecorded { number, description } => {
            tr!(lang, "confirm-bug", number = *number, description = description.as_str())
        }
        Confirmation::Learned { domain, rule } => {
            tr!(lang, "confirm-learned", domain = domain.as_str(), rule = rule.as_str())
        }
        Confirmation::UseForget => tr!(lang, "confirm-use-forget"),
        Confirmation::UsePurge { facts } => tr!(lang, "confirm-use-purge", count = *facts),
        Confirmation::NotSaved { error } => tr!(lang, "confirm-not-saved", error = error.as_str()),
        Confirmation::NotOnYourWord { what } => tr!(lang, "confirm-not-on-your-word", what = what.as_str()),
    }
}

/// A byte count as people read it: 980 bytes, 12 KB, 3.4 MB.
fn size(bytes: u64, lang: Lang) -> String {
    match bytes {
        b if b < 1000 => tr!(lang, "size-bytes", n = b),
        b if b < 1_000_000 => tr!(lang, "size-kb", n = b.div_ceil(1000)),
        b => tr!(lang, "size-mb", n = format!("{:.1}", b as f64 / 1e6)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_confirmation_reads_as_what_was_stored() {
        let no = Confirmation::NoSuchTask { id: "abc".into() };
        assert!(no.failed());
        assert_eq!(confirmation(&no, Lang::En), "✗ No pending task has the id abc.");
        let set = Confirmation::TaskSet {
            kind: TaskKind::Reminder,
            description: "call mum".into(),
            when: "Thu 26 Nov 09:00 (Europe/Lisbon)".into(),
            every: "every day".into(),
            id: "a1b2c3".into(),
        };
        assert!(!set.failed());
        assert_eq!(
            confirmation(&set, Lang::En),
            "✓ Reminder set: call mum — Thu 26 Nov 09:00 (Europe/Lisbon), every day [a1b2c3]"
        );
        assert!(confirmation(&set, Lang::Pt).contains("call mum"));
        assert_ne!(confirmation(&set, Lang::Pt), confirmation(&set, Lang::En));
        let file = Confirmation::FileAttached {
            name: "a.pdf".into(),
            path: "/x".into(),
            mime: "application/pdf".into(),
            bytes: 3_400_000,
            caption: String::new(),
        };
        assert_eq!(confirmation(&file, Lang::En), "📎 a.pdf (3.4 MB)");
    }
}
