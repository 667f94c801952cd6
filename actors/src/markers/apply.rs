//! Carrying effects out for one person, each answered with a [`Confirmation`] built from what its
//! owner actually stored. Settings (`LANG_SWITCH`, `PERSONALITY`) show in the next answer itself
//! and confirm nothing; `REWARD` is bookkeeping (see /learning).
//!
//! Destructive effects never act on the model's word alone: `FORGET_CONVERSATION` and
//! `PURGE_FACTS` only tell the person which command does it (`/forget`, `/purge yes`).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use omega_core::when::{Repeat, format_local, parse_due};
use omega_markers::{Effect, TaskKind};
use omega_memory::tasks::{Cancelled, NewTask, TaskUpdate, Updated};

use super::{Confirmation, MarkersDeps, Who};
use crate::effects::{
    CancelTask, EditChecklist, SETTING_FACTS, ScheduleTask, Scheduled, UpdateTask, sender_zone, short,
};

/// Carry out `effects` for `who`, in order.
pub(super) async fn carry_out(deps: &MarkersDeps, who: &Who, effects: &[Effect]) -> Vec<Confirmation> {
    let mut out = Vec::new();
    if effects.is_empty() {
        return out;
    }
    let key = who.key();
    let tz = sender_zone(&deps.store, &key, deps.settings.timezone).await;
    for effect in effects {
        match carry_out_one(deps, who, tz, effect).await {
            Ok(c) => out.extend(c),
            Err(e) => {
                tracing::error!(session = %key, error = %e, ?effect, "cannot carry out a marker effect");
                out.push(Confirmation::NotSaved { error: e });
            }
        }
    }
    out
}

/// Hand `request` to the job queue.
async fn start_job(deps: &MarkersDeps, who: &Who, request: &str) -> Confirmation {
    use crate::effects::JobStart;
    if who.in_job {
        let why = "a background job cannot start another one; do the work in this job".into();
        return Confirmation::JobNotStarted { why };
    }
    let ask = crate::effects::StartJob { who: who.clone(), sender_name: None, request: request.to_owned() };
    match deps.jobs.send(ask).await {
        Ok(Ok(JobStart::Started { id, waiting })) => Confirmation::JobStarted { number: id.0, waiting },
        Ok(Ok(JobStart::Already(id))) => Confirmation::JobAlreadyStarted { number: id.0 },
        Ok(Err(why)) => Confirmation::JobNotStarted { why },
        Err(_) => Confirmation::JobNotStarted { why: down("job queue") },
    }
}

/// An owner that is not running (its restart budget ran out, or the config turns it off).
fn down(owner: &str) -> String {
    format!("the {owner} is not running")
}

fn local(at: DateTime<Utc>, tz: Tz) -> String {
    format!("{} ({})", format_local(at, tz), tz.name())
}

async fn carry_out_one(
    deps: &MarkersDeps,
    who: &Who,
    tz: Tz,
    effect: &Effect,
) -> Result<Option<Confirmation>, String> {
    let store = &deps.store;
    let me = store.memory_key(who.key().as_str()).await.map_err(|e| e.to_string())?;
    let me = me.as_str();
    let db = |e: omega_memory::MemoryError| e.to_string();
    let now = deps.settings.clock.now();
    Ok(match effect {
        Effect::Schedule { kind, description, due, repeat } => {
            Some(schedule(deps, who, tz, now, *kind, description, due, repeat.as_deref()).await?)
        }
        Effect::CancelTask { id } => {
            let ask =
                CancelTask { channel: who.channel.clone(), sender_id: who.sender_id.clone(), id: id.clone() };
            let done = deps.tasks.cancel.send(ask).await.map_err(|_| down("scheduler"))??;
            Some(match done.outcome {
                Cancelled::Done(done_id) => {
                    Confirmation::TaskCancelled { description: done.description, id: short(&done_id).into() }
                }
                Cancelled::NotFound => Confirmation::NoSuchTask { id: id.clone() },
                Cancelled::Ambiguous(matches) => Confirmation::AmbiguousTask { id: id.clone(), matches },
            })
        }
        Effect::UpdateTask { id, description, due, repeat } => {
            let due_at = match due.as_deref().map(|d| parse_due(d, tz, now)).transpose() {
                Ok(d) => d,
                Err(why) => return Ok(Some(Confirmation::CannotUpdate { id: id.clone(), why })),
            };
            let repeat = match repeat.as_deref().map(|r| Repeat::parse(Some(r))).transpose() {
                Ok(r) => r.map(|r| r.stored()),
                Err(why) => return Ok(Some(Confirmation::CannotUpdate { id: id.clone(), why })),
            };
            let change = TaskUpdate { description: description.clone(), due_at, repeat };
            let ask = UpdateTask {
                channel: who.channel.clone(),
                sender_id: who.sender_id.clone(),
                id: id.clone(),
                change,
            };
            Some(match deps.tasks.update.send(ask).await.map_err(|_| down("scheduler"))?? {
                Updated::Done(t) => Confirmation::TaskUpdated {
                    description: t.description.clone(),
                    when: local(omega_memory::from_millis(t.due_at), tz),
                    every: Repeat::parse(t.repeat.as_deref()).map(|r| r.describe()).unwrap_or_default(),
                    id: short(&t.id).into(),
                },
                Updated::NotFound => Confirmation::NoSuchTask { id: id.clone() },
                Updated::Ambiguous(matches) => Confirmation::AmbiguousTask { id: id.clone(), matches },
            })
        }
        Effect::HeartbeatAdd { item } => Some(edit(deps, EditChecklist::Add(item.clone())).await?),
        Effect::HeartbeatRemove { item } => Some(edit(deps, EditChecklist::Remove(item.clone())).await?),
        Effect::HeartbeatInterval { minutes } => Some(edit(deps, EditChecklist::Interval(*minutes)).await?),
        Effect::HeartbeatSuppressSection { section } => {
            Some(edit(deps, EditChecklist::Skip(section.clone())).await?)
        }
        Effect::HeartbeatUnsuppressSection { section } => {
            Some(edit(deps, EditChecklist::Check(section.clone())).await?)
        }
        // Read by whoever asked: the Heartbeat (`Processed::heartbeat_ok`), the Scheduler (the
        // outcome of an action, sent by the handler).
        Effect::HeartbeatOk | Effect::ActionOutcome { .. } => None,
        Effect::LangSwitch { language } => {
            store.set_fact(me, "preferred_language", language).await.map_err(db)?;
            None
        }
        Effect::Personality { description: Some(d) } => {
            store.set_fact(me, "personality", d).await.map_err(db)?;
            None
        }
        Effect::Personality { description: None } => {
            store.delete_fact(me, "personality").await.map_err(db)?;
            None
        }
        Effect::ForgetConversation => Some(Confirmation::UseForget),
        Effect::PurgeFacts => {
            let facts = store.facts(me).await.map_err(db)?;
            let facts = facts.iter().filter(|f| !SETTING_FACTS.contains(&f.key.as_str())).count();
            Some(Confirmation::UsePurge { facts })
        }
        Effect::ProjectActivate { name } => {
            let known = crate::blocking::dirs_in(&deps.settings.data_dir.join("projects")).await;
            Some(match known.iter().find(|p| p.eq_ignore_ascii_case(name)) {
                Some(p) => {
                    store.set_fact(me, "active_project", p).await.map_err(db)?;
                    Confirmation::ProjectActive { name: p.clone() }
                }
                None => Confirmation::NoSuchProject { name: name.clone(), known },
            })
        }
        Effect::ProjectDeactivate => {
            store.delete_fact(me, "active_project").await.map_err(db)?;
            Some(Confirmation::NoProject)
        }
        Effect::SkillImprove { skill, .. } | Effect::SkillInstall { name: skill }
            if !deps.settings.auth.is_owner(&who.channel, &who.sender_id) =>
        {
            Some(Confirmation::SkillNotChanged {
                skill: skill.clone(),
                why: "skills are shared by everyone Omega talks to, so only its owner changes them".into(),
            })
        }
        Effect::SkillImprove { skill, lesson } => {
            let (data_dir, name, text) = (deps.settings.data_dir.clone(), skill.clone(), lesson.clone());
            let done = crate::blocking::off_thread(move || {
                let catalog = crate::skills::SkillCatalog::global();
                let outcome = catalog.improve(&data_dir, &name, &text);
                let known: Vec<String> = catalog.current(&data_dir).iter().map(|e| e.dir.clone()).collect();
                (outcome, known)
            })
            .await;
            let (skill, lesson) = (skill.clone(), lesson.clone());
            Some(match done {
                Some((Ok(crate::skills::Improved::Added), _)) => {
                    tracing::info!(skill = %skill, "a lesson was written into a skill");
                    Confirmation::SkillImproved { skill, lesson }
                }
                Some((Ok(crate::skills::Improved::Known), _)) => Confirmation::SkillLessonKnown { skill },
                Some((Ok(crate::skills::Improved::NoSuchSkill), known)) => {
                    Confirmation::NoSuchSkill { skill, known }
                }
                Some((Err(why), _)) => Confirmation::SkillNotChanged { skill, why },
                None => Confirmation::SkillNotChanged { skill, why: "the edit did not finish".into() },
            })
        }
        Effect::SkillInstall { name } => {
            let (data_dir, folder) = (deps.settings.data_dir.clone(), name.clone());
            let done = crate::blocking::off_thread(move || {
                crate::skills::SkillCatalog::global().install(&data_dir, &folder)
            })
            .await;
            let skill = name.clone();
            Some(match done {
                Some(Ok((s, replaced))) => {
                    tracing::info!(skill = %skill, replaced, "a skill was installed from the workspace");
                    Confirmation::SkillInstalled { skill, triggers: s.triggers, replaced }
                }
                Some(Err(why)) => Confirmation::SkillNotChanged { skill, why },
                None => Confirmation::SkillNotChanged { skill, why: "the install did not finish".into() },
            })
        }
        Effect::StartJob { request } => Some(start_job(deps, who, request).await),
        Effect::SendFile { path, caption } => {
            let (data_dir, channel, file) =
                (deps.settings.data_dir.clone(), who.channel.clone(), path.clone());
            let done = crate::blocking::off_thread(move || attach(&data_dir, &channel, &file)).await;
            Some(match done {
                Some(Ok((name, copy, mime, bytes))) => Confirmation::FileAttached {
                    name,
                    path: copy.display().to_string(),
                    mime,
                    bytes,
                    caption: caption.clone().unwrap_or_default(),
                },
                Some(Err(why)) => Confirmation::FileNotSent { path: path.clone(), why },
                None => {
                    Confirmation::FileNotSent { path: path.clone(), why: "the copy did not finish".into() }
                }
            })
        }
        Effect::BugReport { description } => {
            let number = store.add_bug_report(me, description).await.map_err(db)?;
            Some(Confirmation::BugRecorded { number, description: description.clone() })
        }
        Effect::Reward { score, domain, lesson } => {
            store.add_reward(me, &who.project, *score, domain, lesson).await.map_err(db)?;
            None
        }
        Effect::Lesson { domain, rule } => {
            let new = store.add_lesson(me, &who.project, domain, rule).await.map_err(db)?;
            new.then(|| Confirmation::Learned { domain: domain.clone(), rule: rule.clone() })
        }
    })
}

async fn edit(deps: &MarkersDeps, change: EditChecklist) -> Result<Confirmation, String> {
    deps.checklist.send(change).await.map_err(|_| down("heartbeat"))
}

#[allow(clippy::too_many_arguments)]
async fn schedule(
    deps: &MarkersDeps,
    who: &Who,
    tz: Tz,
    now: DateTime<Utc>,
    kind: TaskKind,
    description: &str,
    due: &str,
    repeat: Option<&str>,
) -> Result<Confirmation, String> {
    let refused = |why: String| Confirmation::CannotSchedule { kind, description: description.into(), why };
    let due_at = match parse_due(due, tz, now) {
        Ok(d) => d,
        Err(why) => return Ok(refused(why)),
    };
    let repeat = match Repeat::parse(repeat) {
        Ok(r) => r,
        Err(why) => return Ok(refused(why)),
    };
    // A task belongs to the project of the turn that set it.
    let project = who.project.clone();
    let task = NewTask {
        channel: who.channel.clone(),
        sender_id: who.sender_id.clone(),
        reply_target: who.reply_target.clone(),
        kind: if kind == TaskKind::Action { "action" } else { "reminder" }.into(),
        description: description.to_owned(),
        due_at,
        timezone: tz.name().to_owned(),
        repeat: repeat.stored(),
        project,
    };
    Ok(match deps.tasks.schedule.send(ScheduleTask(task)).await.map_err(|_| down("scheduler"))?? {
        Scheduled::New(t) => Confirmation::TaskSet {
            kind,
            description: t.description,
            when: local(due_at, tz),
            every: repeat.describe(),
            id: short(&t.id).into(),
        },
        Scheduled::AlreadySet(t) => Confirmation::TaskAlreadySet { kind, id: short(&t.id).into() },
    })
}

/// The largest file each channel takes (Telegram's Bot API: 50 MB uploads), in bytes.
fn file_limit(channel: &str) -> Option<u64> {
    match channel {
        crate::terminal::CHANNEL => None,
        _ => Some(50 * 1000 * 1000),
    }
}

/// Where files wait for their channel: Omega's own copies, in the private data dir.
pub fn outgoing_dir(data_dir: &std::path::Path) -> std::path::PathBuf {
    data_dir.join("outbox")
}

/// Check `path` in the sandbox's terms (a regular file inside the workspace, also after
/// following symlinks) and copy it where it waits for delivery. Returns (name, copy, type, size).
fn attach(
    data_dir: &std::path::Path,
    channel: &str,
    path: &str,
) -> Result<(String, std::path::PathBuf, String, u64), String> {
    let workspace = data_dir.join("workspace");
    let root =
        std::fs::canonicalize(&workspace).map_err(|e| format!("the workspace is not readable ({e})"))?;
    let asked = std::path::Path::new(path.trim());
    let full = if asked.is_absolute() { asked.to_path_buf() } else { workspace.join(asked) };
    let real =
        std::fs::canonicalize(&full).map_err(|_| "there is no such file in the workspace".to_owned())?;
    if !real.starts_with(&root) {
        return Err("only files in the workspace can be sent".into());
    }
    let meta = std::fs::metadata(&real).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("it is not a file".into());
    }
    if let Some(limit) = file_limit(channel)
        && meta.len() > limit
    {
        return Err(format!(
            "it is {:.1} MB, and {channel} takes files up to {} MB",
            meta.len() as f64 / 1e6,
            limit / 1_000_000
        ));
    }
    let name = real.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "file".into());
    let dir = outgoing_dir(data_dir);
    omega_memory::open::create_private_dir(&dir).map_err(|e| format!("cannot prepare it ({e})"))?;
    let stamp =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos();
    let copy = dir.join(format!("{stamp}-{name}"));
    std::fs::copy(&real, &copy).map_err(|e| format!("cannot copy it ({e})"))?;
    Ok((name.clone(), copy, mime_of(&name).to_owned(), meta.len()))
}

/// A file's type from its extension.
fn mime_of(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "pdf" => "application/pdf",
        "csv" => "text/csv",
        "txt" | "md" | "log" => "text/plain",
        "json" => "application/json",
        "html" | "htm" => "text/html",
        "zip" => "application/zip",
        "mp3" => "audio/mpeg",
        "ogg" | "oga" => "audio/ogg",
        "mp4" => "video/mp4",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "application/octet-stream",
    }
}
