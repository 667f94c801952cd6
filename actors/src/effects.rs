//! Marker effects, carried out for one sender, each answered with a line built from what was
//! actually stored ("✓ Reminder set: … — Thu 26 Nov 09:00 (Europe/Lisbon)") or why nothing was
//! ("✗ … that time is in the past"). Settings (`LANG_SWITCH`, `PERSONALITY`) show in the next
//! answer itself and add no line; `REWARD` is bookkeeping (see /learning).
//!
//! Destructive effects never act on the model's word alone: `FORGET_CONVERSATION` and
//! `PURGE_FACTS` only tell the person which command does it (`/forget`, `/purge yes`).

use chrono_tz::Tz;
use omega_core::SessionKey;
use omega_core::when::{Repeat, format_local, parse_due};
use omega_markers::{Effect, TaskKind};
use omega_memory::tasks::{Cancelled, NewTask, TaskUpdate, Updated};
use std::path::Path;

use crate::pipeline::{Job, SessionDeps};

/// Facts that are settings, not memories: `/purge` keeps them.
pub const SETTING_FACTS: &[&str] = &["preferred_language", "personality", "timezone", "active_project"];

/// The zone this sender's times are read and shown in: their own `timezone` fact when it names
/// a real zone, else the configured one.
pub async fn sender_zone(deps: &SessionDeps, key: &SessionKey) -> Tz {
    let me = deps.store.memory_key(key.as_str()).await.unwrap_or_else(|_| key.as_str().to_owned());
    let facts = deps.store.facts(&me).await.unwrap_or_default();
    facts
        .iter()
        .find(|f| f.key == "timezone")
        .and_then(|f| f.value.parse::<Tz>().ok())
        .unwrap_or(deps.settings.timezone)
}

/// Carry out `effects` for the sender of `job`; returns the lines to add to the reply.
pub async fn apply(deps: &SessionDeps, job: &Job, key: &SessionKey, effects: &[Effect]) -> Vec<String> {
    let mut lines = Vec::new();
    if effects.is_empty() {
        return lines;
    }
    let tz = sender_zone(deps, key).await;
    for effect in effects {
        let line = match apply_one(deps, job, key, tz, effect).await {
            Ok(line) => line,
            Err(e) => {
                tracing::error!(session = %key, error = %e, ?effect, "cannot apply a marker effect");
                Some(format!("✗ I couldn't save that ({e})."))
            }
        };
        lines.extend(line);
    }
    // (A cancel tells the Scheduler itself, in `cancel`.)
    let tasks_changed =
        effects.iter().any(|e| matches!(e, Effect::Schedule { .. } | Effect::UpdateTask { .. }));
    if tasks_changed {
        deps.scheduler.do_send(crate::scheduler::Rearm);
    }
    lines
}

type Outcome = Result<Option<String>, omega_memory::MemoryError>;

async fn apply_one(deps: &SessionDeps, job: &Job, key: &SessionKey, tz: Tz, effect: &Effect) -> Outcome {
    let store = &deps.store;
    let me_key = store.memory_key(key.as_str()).await?;
    let me = me_key.as_str();
    Ok(match effect {
        Effect::Schedule { kind, description, due, repeat } => {
            Some(schedule(deps, job, key, tz, *kind, description, due, repeat.as_deref()).await?)
        }
        Effect::CancelTask { id } => Some(match cancel(deps, job, id).await? {
            (Cancelled::Done(id), what) => format!("✓ Cancelled: {what} [{}]", short(&id)),
            (Cancelled::NotFound, _) => format!("✗ No pending task has the id {id}."),
            (Cancelled::Ambiguous(ids), _) => ambiguous(id, &ids),
        }),
        Effect::UpdateTask { id, description, due, repeat } => {
            let due_at = match due.as_deref().map(|d| parse_due(d, tz, deps.settings.clock.now())).transpose()
            {
                Ok(d) => d,
                Err(why) => return Ok(Some(format!("✗ I couldn't change task {id}: {why}."))),
            };
            let repeat = match repeat.as_deref().map(|r| Repeat::parse(Some(r))).transpose() {
                Ok(r) => r.map(|r| r.stored()),
                Err(why) => return Ok(Some(format!("✗ I couldn't change task {id}: {why}."))),
            };
            let change = TaskUpdate { description: description.clone(), due_at, repeat };
            Some(match store.update_task(&job.channel, &job.sender_id, id, change).await? {
                Updated::Done(t) => {
                    let due = omega_memory::from_millis(t.due_at);
                    let every = Repeat::parse(t.repeat.as_deref()).map(|r| r.describe()).unwrap_or_default();
                    format!(
                        "✓ Updated: {} — {} ({}){} [{}]",
                        t.description,
                        format_local(due, tz),
                        tz.name(),
                        if every.is_empty() { String::new() } else { format!(", {every}") },
                        short(&t.id)
                    )
                }
                Updated::NotFound => format!("✗ No pending task has the id {id}."),
                Updated::Ambiguous(ids) => ambiguous(id, &ids),
            })
        }
        Effect::HeartbeatAdd { item } => {
            let (dir, item) = (deps.settings.data_dir.clone(), item.clone());
            crate::blocking::off_thread(move || heartbeat_add(&dir, &item)).await
        }
        Effect::HeartbeatRemove { item } => {
            let (dir, item) = (deps.settings.data_dir.clone(), item.clone());
            crate::blocking::off_thread(move || heartbeat_remove(&dir, &item)).await
        }
        Effect::HeartbeatInterval { minutes } => {
            store.set_channel_state(HEARTBEAT, "interval_minutes", &minutes.to_string()).await?;
            deps.heartbeat.do_send(crate::heartbeat::RearmHeartbeat);
            Some(format!("✓ Heartbeat every {minutes} minutes."))
        }
        Effect::HeartbeatSuppressSection { section } => {
            let mut muted = muted_sections(deps).await?;
            if !muted.iter().any(|s| s.eq_ignore_ascii_case(section)) {
                muted.push(section.clone());
            }
            store.set_channel_state(HEARTBEAT, "suppressed", &muted.join("\n")).await?;
            Some(format!("✓ The heartbeat will skip \"{section}\"."))
        }
        Effect::HeartbeatUnsuppressSection { section } => {
            let mut muted = muted_sections(deps).await?;
            muted.retain(|s| !s.eq_ignore_ascii_case(section));
            store.set_channel_state(HEARTBEAT, "suppressed", &muted.join("\n")).await?;
            Some(format!("✓ The heartbeat will check \"{section}\" again."))
        }
        // Only meaningful in a heartbeat run or an action task (the Scheduler reads them).
        Effect::HeartbeatOk | Effect::ActionOutcome { .. } => None,
        // Settings show in the very next answer; a line about them would only be noise.
        Effect::LangSwitch { language } => {
            store.set_fact(me, "preferred_language", language).await?;
            None
        }
        Effect::Personality { description: Some(d) } => {
            store.set_fact(me, "personality", d).await?;
            None
        }
        Effect::Personality { description: None } => {
            store.delete_fact(me, "personality").await?;
            None
        }
        Effect::ForgetConversation => {
            Some("To start a fresh conversation (I'd stop using what we said so far), send /forget.".into())
        }
        Effect::PurgeFacts => {
            let n =
                store.facts(me).await?.iter().filter(|f| !SETTING_FACTS.contains(&f.key.as_str())).count();
            Some(format!(
                "To delete the {n} things I know about you, send /purge yes. Nothing is deleted until you do."
            ))
        }
        Effect::ProjectActivate { name } => {
            let projects = crate::blocking::dirs_in(&deps.settings.data_dir.join("projects")).await;
            Some(match projects.iter().find(|p| p.eq_ignore_ascii_case(name)) {
                Some(p) => {
                    store.set_fact(me, "active_project", p).await?;
                    format!("✓ Project {p} is active.")
                }
                None if projects.is_empty() => {
                    format!("✗ There is no project named {name} (there are none yet).")
                }
                None => format!("✗ There is no project named {name} (projects: {}).", projects.join(", ")),
            })
        }
        Effect::ProjectDeactivate => {
            store.delete_fact(me, "active_project").await?;
            Some("✓ No project is active.".into())
        }
        Effect::SkillImprove { skill, lesson } => {
            store.add_lesson(me, &format!("skill:{skill}"), lesson).await?;
            Some(format!("✓ Noted for the {skill} skill: {lesson}"))
        }
        Effect::BugReport { description } => {
            let n = store.add_bug_report(me, description).await?;
            Some(format!("✓ Bug report #{n} recorded: {description}"))
        }
        Effect::Reward { score, domain, lesson } => {
            store.add_reward(me, *score, domain, lesson).await?;
            None
        }
        Effect::Lesson { domain, rule } => {
            let new = store.add_lesson(me, domain, rule).await?;
            new.then(|| format!("✓ Learned ({domain}): {rule}"))
        }
    })
}

pub use crate::heartbeat::HEARTBEAT;

#[allow(clippy::too_many_arguments)]
async fn schedule(
    deps: &SessionDeps,
    job: &Job,
    key: &SessionKey,
    tz: Tz,
    kind: TaskKind,
    description: &str,
    due: &str,
    repeat: Option<&str>,
) -> Result<String, omega_memory::MemoryError> {
    let what = if kind == TaskKind::Action { "task" } else { "reminder" };
    let due_at = match parse_due(due, tz, deps.settings.clock.now()) {
        Ok(d) => d,
        Err(why) => return Ok(format!("✗ I couldn't set the {what} \"{description}\": {why}.")),
    };
    let repeat = match Repeat::parse(repeat) {
        Ok(r) => r,
        Err(why) => return Ok(format!("✗ I couldn't set the {what} \"{description}\": {why}.")),
    };
    let pending = deps.store.pending_tasks(&job.channel, &job.sender_id).await?;
    if let Some(same) = pending
        .iter()
        .find(|t| t.description.eq_ignore_ascii_case(description) && t.due_at == omega_memory::millis(due_at))
    {
        return Ok(format!("That {what} is already set [{}].", short(&same.id)));
    }
    let project = deps
        .store
        .facts(&deps.store.memory_key(key.as_str()).await?)
        .await?
        .into_iter()
        .find(|f| f.key == "active_project")
        .map(|f| f.value)
        .unwrap_or_default();
    let task = deps
        .store
        .create_task(NewTask {
            channel: job.channel.clone(),
            sender_id: job.sender_id.clone(),
            reply_target: job.reply_target.clone(),
            kind: if kind == TaskKind::Action { "action" } else { "reminder" }.into(),
            description: description.to_owned(),
            due_at,
            timezone: tz.name().to_owned(),
            repeat: repeat.stored(),
            project,
        })
        .await?;
    let every = repeat.describe();
    Ok(format!(
        "✓ {} set: {} — {} ({}){} [{}]",
        if kind == TaskKind::Action { "Task" } else { "Reminder" },
        task.description,
        format_local(due_at, tz),
        tz.name(),
        if every.is_empty() { String::new() } else { format!(", {every}") },
        short(&task.id)
    ))
}

/// Cancel one of the sender's pending tasks by id or prefix (the marker and `/cancel`), tell
/// the Scheduler, and return what was cancelled with its description.
pub async fn cancel(
    deps: &SessionDeps,
    job: &Job,
    id: &str,
) -> Result<(Cancelled, String), omega_memory::MemoryError> {
    let pending = deps.store.pending_tasks(&job.channel, &job.sender_id).await?;
    let outcome = deps.store.cancel_task(&job.channel, &job.sender_id, id).await?;
    let what = match &outcome {
        Cancelled::Done(done) => {
            deps.scheduler.do_send(crate::scheduler::Rearm);
            pending.into_iter().find(|t| t.id == *done).map(|t| t.description).unwrap_or_default()
        }
        _ => String::new(),
    };
    Ok((outcome, what))
}

/// The first 6 characters of a task id: enough to name it in `/cancel`.
pub fn short(id: &str) -> &str {
    id.get(..6).unwrap_or(id)
}

fn ambiguous(id: &str, ids: &[String]) -> String {
    let list: Vec<&str> = ids.iter().map(|i| i.get(..8).unwrap_or(i)).collect();
    format!("✗ {id} matches several tasks ({}); use more of the id.", list.join(", "))
}

async fn muted_sections(deps: &SessionDeps) -> Result<Vec<String>, omega_memory::MemoryError> {
    Ok(deps
        .store
        .channel_state(HEARTBEAT, "suppressed")
        .await?
        .map(|s| s.lines().map(str::to_owned).filter(|l| !l.is_empty()).collect())
        .unwrap_or_default())
}

pub use crate::heartbeat::heartbeat_file;

fn heartbeat_add(data_dir: &Path, item: &str) -> String {
    let path = heartbeat_file(data_dir);
    let mut text = std::fs::read_to_string(&path).unwrap_or_else(|_| "# Heartbeat checklist\n\n".into());
    if text.lines().any(|l| l.trim_start_matches(['-', '*', ' ']).trim().eq_ignore_ascii_case(item.trim())) {
        return format!("\"{item}\" is already on your heartbeat checklist.");
    }
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&format!("- {}\n", item.trim()));
    match std::fs::write(&path, text) {
        Ok(()) => format!("✓ Added to your heartbeat checklist: {item}"),
        Err(e) => format!("✗ I couldn't update the heartbeat checklist ({e})."),
    }
}

fn heartbeat_remove(data_dir: &Path, item: &str) -> String {
    let path = heartbeat_file(data_dir);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return "✗ There is no heartbeat checklist yet.".into();
    };
    let needle = item.trim().to_lowercase();
    let is_item = |l: &str| {
        let t = l.trim_start();
        (t.starts_with("- ") || t.starts_with("* ")) && t[2..].to_lowercase().contains(&needle)
    };
    let removed: Vec<&str> = text.lines().filter(|l| is_item(l)).collect();
    if removed.is_empty() {
        return format!("✗ No heartbeat checklist item matches \"{item}\".");
    }
    let kept: String = text.lines().filter(|l| !is_item(l)).map(|l| format!("{l}\n")).collect();
    match std::fs::write(&path, kept) {
        Ok(()) => format!(
            "✓ Removed from your heartbeat checklist: {}",
            removed.iter().map(|l| l.trim_start()[2..].trim()).collect::<Vec<_>>().join("; ")
        ),
        Err(e) => format!("✗ I couldn't update the heartbeat checklist ({e})."),
    }
}
