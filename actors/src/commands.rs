//! Slash commands, answered from Omega's own state without an AI call. They are kept out of the
//! conversation history (the model never sees them) and behave the same on every channel.

use omega_core::SessionKey;
use omega_core::commands::{Command, help_text};
use omega_core::when::{Repeat, format_local};
use omega_memory::tasks::Cancelled;

use crate::effects::{CancelTask, SETTING_FACTS, sender_zone, short};
use crate::heartbeat::{HEARTBEAT, heartbeat_file};
use crate::outbox::Notify;
use crate::pipeline::{Job, SessionDeps};

/// Answer `command` for the sender of `job`.
pub async fn run(deps: &SessionDeps, job: &Job, key: &SessionKey, command: Command) -> String {
    match answer(deps, job, key, command).await {
        Ok(text) => text,
        Err(e) => format!("I couldn't do that (database error: {e})."),
    }
}

type Answer = Result<String, omega_memory::MemoryError>;

async fn answer(deps: &SessionDeps, job: &Job, key: &SessionKey, command: Command) -> Answer {
    let store = &deps.store;
    // Facts, lessons and outcomes live under the person's linked identity, if any.
    let me_key = store.memory_key(key.as_str()).await?;
    let me = me_key.as_str();
    let tz = sender_zone(store, key, deps.settings.timezone).await;
    // Conversations, tasks, lessons and outcomes are the active project's ("" = none).
    let project = || async {
        Ok::<_, omega_memory::MemoryError>(fact(deps, me, "active_project").await?.unwrap_or_default())
    };
    Ok(match command {
        Command::Help => {
            // In the person's language, when they chose one of the eight.
            let lang = fact(deps, me, "preferred_language")
                .await?
                .as_deref()
                .and_then(omega_core::i18n::Lang::parse);
            match lang {
                Some(lang) => omega_core::i18n::help_text(&deps.settings.agent_name, lang),
                None => help_text(&deps.settings.agent_name),
            }
        }
        Command::Usage => usage(deps, job).await?,
        // Built by the session, which builds the prompts (see `session::context::report`).
        Command::Context => "The prompt's parts are not available here.".into(),
        Command::Status => {
            let facts = store.facts(me).await?.len();
            let project = project().await?;
            let tasks = store.pending_tasks(&job.channel, &job.sender_id).await?;
            let tasks = tasks.iter().filter(|t| t.project == project).count();
            let history = store.history(&job.channel, &job.sender_id, 10_000).await?.len();
            let scope = in_project(&project);
            let tools = match (deps.settings.tools.is_some(), deps.settings.provider_tools) {
                (true, true) => "on",
                (true, false) => "the provider runs its own",
                (false, _) => "off",
            };
            format!(
                "{} is running.\nAI: {} ({}); tools: {tools}.\nYou{scope}: {history} messages in this conversation, \
                 {facts} facts, {tasks} pending tasks. Time zone: {}.",
                deps.settings.agent_name,
                deps.provider_name,
                deps.settings.model,
                tz.name()
            )
        }
        Command::Memory => {
            let facts = store.facts(me).await?;
            let summaries = store.recent_summaries(&job.channel, &job.sender_id, 100).await?;
            let history = store.history(&job.channel, &job.sender_id, 10_000).await?.len();
            let project = project().await?;
            let lessons = store.lessons(me, &project, 1000).await?.len();
            let profile = facts.iter().filter(|f| !SETTING_FACTS.contains(&f.key.as_str())).count();
            format!(
                "What I remember about you{}:\n- {profile} facts (/facts)\n- {} earlier conversations (/history)\n\
                 - {history} messages in this conversation\n- {lessons} lessons (/learning)\n\
                 Only you can see this; other people talking to me never see your memory.",
                in_project(&project),
                summaries.len()
            )
        }
        Command::Facts => {
            let facts = store.facts(me).await?;
            if facts.is_empty() {
                "I don't keep any facts about you yet.".into()
            } else {
                let lines: Vec<String> = facts.iter().map(|f| format!("- {}: {}", f.key, f.value)).collect();
                format!("What I know about you:\n{}\n\n/purge deletes them.", lines.join("\n"))
            }
        }
        Command::History => {
            let summaries = store.recent_summaries(&job.channel, &job.sender_id, 10).await?;
            let current = store.history(&job.channel, &job.sender_id, 10_000).await?.len();
            let scope = in_project(&project().await?);
            let mut out = format!("This conversation{scope}: {current} messages so far.");
            if summaries.is_empty() {
                out.push_str("\nNo earlier conversations.");
            } else {
                out.push_str("\nEarlier conversations, newest first:");
                for s in &summaries {
                    let when = format_local(omega_memory::from_millis(s.created_at), tz);
                    let text = if s.summary.trim().is_empty() { "(no summary)" } else { s.summary.as_str() };
                    out.push_str(&format!("\n- {when}: {text}"));
                }
            }
            out
        }
        Command::Forget => {
            if store.forget_conversation(&job.channel, &job.sender_id).await? {
                "Done: we start fresh. I won't bring up what we said in that conversation (your facts \
                 and tasks stay; /purge deletes the facts)."
                    .into()
            } else {
                "There's no conversation to forget: we're already starting fresh.".into()
            }
        }
        Command::Tasks => {
            let project = project().await?;
            let (tasks, elsewhere): (Vec<_>, Vec<_>) = store
                .pending_tasks(&job.channel, &job.sender_id)
                .await?
                .into_iter()
                .partition(|t| t.project == project);
            let elsewhere = elsewhere_note(&elsewhere);
            let scope = in_project(&project);
            if tasks.is_empty() {
                format!("You have no pending tasks{scope}. Ask me to remind you of something.{elsewhere}")
            } else {
                let lines: Vec<String> = tasks
                    .iter()
                    .map(|t| {
                        let due = format_local(omega_memory::from_millis(t.due_at), tz);
                        let every =
                            Repeat::parse(t.repeat.as_deref()).map(|r| r.describe()).unwrap_or_default();
                        let every = if every.is_empty() { String::new() } else { format!(", {every}") };
                        let kind = if t.kind == "action" { " (I'll do it)" } else { "" };
                        format!("[{}] {} — {due}{every}{kind}", short(&t.id), t.description)
                    })
                    .collect();
                format!(
                    "Your tasks{scope} ({}):\n{}\n\n/cancel ID cancels one.{elsewhere}",
                    tz.name(),
                    lines.join("\n")
                )
            }
        }
        Command::Cancel(id) if id.is_empty() => {
            "Usage: /cancel ID (the id /tasks shows, or a background job's number from /jobs).".into()
        }
        Command::Background(text) => crate::jobs::start_command(deps, job, &text).await,
        Command::Jobs => crate::jobs::list_command(deps, job).await?,
        Command::Cancel(id) => {
            // A job's number first (a task id is hex, rarely all digits).
            if let Some(done) = crate::jobs::cancel_command(deps, job, &id).await {
                return Ok(done);
            }
            let ask =
                CancelTask { channel: job.channel.clone(), sender_id: job.sender_id.clone(), id: id.clone() };
            match deps.cancel_task.send(ask).await {
                Err(_) => "I can't cancel tasks right now: the scheduler is not running.".into(),
                Ok(Err(e)) => format!("I couldn't do that (database error: {e})."),
                Ok(Ok(done)) => match done.outcome {
                    Cancelled::Done(done_id) => {
                        format!("Cancelled: {} [{}]", done.description, short(&done_id))
                    }
                    Cancelled::NotFound => format!("No pending task has the id {id} (/tasks lists them)."),
                    Cancelled::Ambiguous(ids) => {
                        format!("{id} matches {} tasks; use more of the id (/tasks lists them).", ids.len())
                    }
                },
            }
        }
        Command::Language(lang) => {
            let current = fact(deps, me, "preferred_language").await?;
            match lang.as_str() {
                "" => match current {
                    Some(l) => format!("I answer you in {l}. /language auto lets me follow your messages."),
                    None => "I answer in the language you write in. /language NAME fixes one.".into(),
                },
                l if l.eq_ignore_ascii_case("auto") || l.eq_ignore_ascii_case("reset") => {
                    store.delete_fact(me, "preferred_language").await?;
                    "OK: I'll answer in the language you write in.".into()
                }
                l => {
                    store.set_fact(me, "preferred_language", l).await?;
                    format!("OK: I'll answer you in {l}.")
                }
            }
        }
        Command::Personality(p) => {
            let current = fact(deps, me, "personality").await?;
            match p.as_str() {
                "" => match current {
                    Some(p) => {
                        format!("My style with you: {p}. /personality reset goes back to the default.")
                    }
                    None => "Default style. /personality DESCRIPTION changes it (e.g. \"brief and formal\")."
                        .into(),
                },
                p if p.eq_ignore_ascii_case("reset") => {
                    store.delete_fact(me, "personality").await?;
                    "OK: back to my default style.".into()
                }
                p => {
                    store.set_fact(me, "personality", p).await?;
                    format!("OK: from now on — {p}.")
                }
            }
        }
        Command::Skills => {
            let data_dir = deps.settings.data_dir.clone();
            let dir = data_dir.join("skills");
            let skills =
                crate::blocking::off_thread(move || crate::skills::SkillCatalog::global().current(&data_dir))
                    .await
                    .unwrap_or_default();
            if skills.is_empty() {
                format!("No skills installed. A skill is a folder with a SKILL.md in {}.", dir.display())
            } else {
                let lines: Vec<String> = skills.iter().map(skill_line).collect();
                format!("Skills:\n{}", lines.join("\n"))
            }
        }
        Command::Projects => {
            let dir = deps.settings.data_dir.join("projects");
            let projects = crate::blocking::dirs_in(&dir).await;
            let active = fact(deps, me, "active_project").await?;
            if projects.is_empty() {
                format!("No projects yet. A project is a folder in {}.", dir.display())
            } else {
                let (data_dir, names) = (deps.settings.data_dir.clone(), projects.clone());
                let problems = crate::blocking::off_thread(move || {
                    names.iter().map(|n| crate::skills::project_problem(&data_dir, n)).collect::<Vec<_>>()
                })
                .await
                .unwrap_or_default();
                let lines: Vec<String> = projects
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let state = if active.as_deref() == Some(p) { " (active)" } else { "" };
                        match problems.get(i).cloned().flatten() {
                            Some(why) => format!("- {p}{state} — {why}"),
                            None => format!("- {p}{state}"),
                        }
                    })
                    .collect();
                format!("Projects:\n{}\n\n/project NAME activates one, /project off none.", lines.join("\n"))
            }
        }
        Command::Project(name) => match name.as_str() {
            "" => match fact(deps, me, "active_project").await? {
                Some(p) => format!("Active project: {p}. /project off deactivates it."),
                None => "No project is active. /projects lists them.".into(),
            },
            n if n.eq_ignore_ascii_case("off") || n.eq_ignore_ascii_case("none") => {
                store.delete_fact(me, "active_project").await?;
                "OK: no project is active.".into()
            }
            n => {
                let projects = crate::blocking::dirs_in(&deps.settings.data_dir.join("projects")).await;
                match projects.iter().find(|p| p.eq_ignore_ascii_case(n)) {
                    Some(p) => {
                        store.set_fact(me, "active_project", p).await?;
                        format!("OK: project {p} is active.")
                    }
                    None => format!("There is no project named {n} (/projects lists them)."),
                }
            }
        },
        Command::Purge(false) => {
            let n =
                store.facts(me).await?.iter().filter(|f| !SETTING_FACTS.contains(&f.key.as_str())).count();
            format!(
                "This deletes the {n} facts I keep about you (your language and style settings stay). \
                 Send /purge yes to confirm."
            )
        }
        Command::Purge(true) => {
            let n = store.purge_facts(me, SETTING_FACTS).await?;
            format!("Deleted {n} facts. I no longer know those things about you.")
        }
        Command::Heartbeat => {
            let checklist =
                crate::blocking::read_text(heartbeat_file(&deps.settings.data_dir)).await.unwrap_or_default();
            let items: Vec<&str> = checklist
                .lines()
                .map(str::trim_start)
                .filter(|l| l.starts_with("- ") || l.starts_with("* "))
                .map(|l| l[2..].trim())
                .collect();
            let interval = store.channel_state(HEARTBEAT, "interval_minutes").await?;
            let muted = store.channel_state(HEARTBEAT, "suppressed").await?.unwrap_or_default();
            let mut out = if items.is_empty() {
                "The heartbeat checklist is empty. Ask me to add something to it.".to_owned()
            } else {
                format!(
                    "Heartbeat checklist:\n{}",
                    items.iter().map(|i| format!("- {i}")).collect::<Vec<_>>().join("\n")
                )
            };
            if let Some(m) = interval {
                out.push_str(&format!("\nInterval: every {m} minutes."));
            }
            let muted: Vec<&str> = muted.lines().filter(|l| !l.is_empty()).collect();
            if !muted.is_empty() {
                out.push_str(&format!("\nSkipped sections: {}.", muted.join(", ")));
            }
            out
        }
        Command::Learning => {
            let project = project().await?;
            let lessons = store.lessons(me, &project, 20).await?;
            let rewards = store.rewards(me, &project, 1000).await?;
            let scope = in_project(&project);
            if lessons.is_empty() && rewards.is_empty() {
                format!("I haven't learned anything specific with you{scope} yet.")
            } else {
                let mut out = String::new();
                if !lessons.is_empty() {
                    out.push_str(&format!("Rules I follow with you{scope}:\n"));
                    for l in &lessons {
                        let only =
                            if l.project.is_empty() { String::new() } else { format!(" [{}]", l.project) };
                        out.push_str(&format!("- ({}){only} {}\n", l.domain, l.rule));
                    }
                }
                if !rewards.is_empty() {
                    let good = rewards.iter().filter(|r| r.score > 0).count();
                    let bad = rewards.iter().filter(|r| r.score < 0).count();
                    out.push_str(&format!(
                        "Outcomes: {good} went well, {bad} went badly, of {}.",
                        rewards.len()
                    ));
                }
                out.trim_end().to_owned()
            }
        }
        Command::Link(code) if code.is_empty() => {
            let code = store.new_link_code(key.as_str(), 600).await?;
            format!(
                "To share your memory with your account on another channel, send /link {code} from there \
                 within 10 minutes. Only do this for accounts that are yours."
            )
        }
        Command::Link(code) => match store.redeem_link_code(key.as_str(), &code).await? {
            omega_memory::links::Linked::Done { canonical } => format!(
                "Linked: this account now shares memory (facts, lessons, style) with {canonical}. /unlink undoes it."
            ),
            omega_memory::links::Linked::NoCode => {
                format!(
                    "No link code {code} is waiting (codes expire after 10 minutes; /link makes a new one)."
                )
            }
            omega_memory::links::Linked::SameSender => "That code was made on this same account.".into(),
        },
        Command::Unlink => {
            if store.unlink(key.as_str()).await? {
                "Unlinked: this account has its own memory again.".into()
            } else {
                "This account is not linked to another one.".into()
            }
        }
        Command::Approve(code) if code.is_empty() => {
            "Usage: /approve CODE (the code the person was given).".into()
        }
        Command::Approve(code) => {
            // Only the owner's verified identities may let others in: not someone who got in by
            // pairing, and not a name an HTTP client merely claims.
            if !deps.settings.auth.is_owner(&job.channel, &job.sender_id) {
                return Ok("Only the owner can approve pairing codes.".into());
            }
            match store.approve_pairing(&code).await? {
                Some(req) => {
                    deps.outbox.notify.do_send(Notify {
                        channel: req.channel.clone(),
                        recipient: req.reply_target.clone(),
                        text: "You're approved — say hi!".into(),
                        in_reply_to: None,
                    });
                    let who = req.sender_name.unwrap_or_else(|| req.sender_id.clone());
                    format!("Approved {who} on {}: they can talk to me now.", req.channel)
                }
                None => format!("No pending request has code {code} (codes expire after 10 minutes)."),
            }
        }
        Command::WhatsApp => {
            // Linking an account to Omega is the owner's call, and the QR code is the account.
            if !deps.settings.auth.is_owner(&job.channel, &job.sender_id) {
                return Ok("Only the owner can link WhatsApp.".into());
            }
            if !deps.whatsapp_pairing.is_bound() {
                return Ok("WhatsApp Web is not running here. It runs in the daemon (`omega start`) with \
                           [channel.whatsapp] enabled = true and mode = \"web\"; or, with Omega stopped, pair from a \
                           terminal with `omega whatsapp pair`."
                    .into());
            }
            let to = (job.channel.clone(), job.reply_target.clone());
            match deps.whatsapp_pairing.send(crate::channel::StartPairing { to }).await {
                Ok(text) => text,
                Err(_) => "WhatsApp's connection is restarting; try again in a moment.".into(),
            }
        }
    })
}

/// " in project NAME", or nothing when no project is active.
pub(crate) fn in_project(project: &str) -> String {
    if project.is_empty() { String::new() } else { format!(" in project {project}") }
}

/// What `/tasks` says of the sender's pending tasks in other scopes than the active one.
fn elsewhere_note(elsewhere: &[omega_memory::tasks::TaskRow]) -> String {
    if elsewhere.is_empty() {
        return String::new();
    }
    let mut scopes: Vec<&str> = Vec::new();
    for t in elsewhere {
        let name = if t.project.is_empty() { "no project" } else { t.project.as_str() };
        if !scopes.contains(&name) {
            scopes.push(name);
        }
    }
    let n = elsewhere.len();
    let tasks = if n == 1 { "task" } else { "tasks" };
    format!("\n({n} more {tasks} outside this scope: {}; /project switches.)", scopes.join(", "))
}

async fn fact(deps: &SessionDeps, me: &str, key: &str) -> Result<Option<String>, omega_memory::MemoryError> {
    Ok(deps.store.facts(me).await?.into_iter().find(|f| f.key == key).map(|f| f.value))
}

/// One skill in `/skills`: available (with its triggers), unavailable (why), or broken (where).
pub fn skill_line(e: &crate::skills::SkillEntry) -> String {
    use crate::skills::SkillStatus;
    let on = |t: &[String]| {
        if t.is_empty() { String::new() } else { format!(" (brought up by: {})", t.join(", ")) }
    };
    match &e.status {
        SkillStatus::Ready(s) => format!("- {}: {}{}", e.dir, s.description, on(&s.triggers)),
        SkillStatus::Unavailable(s, why) => {
            format!("- {} — unavailable: {} ({})", e.dir, why.join("; "), s.description)
        }
        SkillStatus::Broken(err) => {
            format!("- {} — broken: {}, line {}: {}", e.dir, e.path.display(), err.line, err.message)
        }
    }
}

/// Today's spend (the user's day) against the caps.
async fn usage(deps: &SessionDeps, job: &Job) -> Answer {
    let since = crate::pipeline::start_of_today(deps.settings.clock.now(), deps.settings.timezone);
    let mine = deps.store.spend_since(Some((&job.channel, &job.sender_id)), since).await?;
    let all = deps.store.spend_since(None, since).await?;
    let b = &deps.settings.budget;
    let cap = |usd: f64| if usd > 0.0 { format!(" of ${usd:.2}") } else { String::new() };
    let tcap = |t: u64| if t > 0 { format!(" of {t}") } else { String::new() };
    // The prompt cache: how much of today's prompts the providers served from it, and what that
    // saved at the cached rate.
    let saved: f64 = deps
        .store
        .cache_reads_by_model(since)
        .await?
        .into_iter()
        .filter_map(|(model, tokens)| {
            let p = omega_providers::pricing::price_for(&model, &deps.settings.prices)?;
            let cached = p.cached_input_per_mtok.unwrap_or(p.input_per_mtok);
            Some(tokens as f64 * (p.input_per_mtok - cached) / 1_000_000.0)
        })
        // (A float sum of nothing is -0.0, which would print as "$-0.0000".)
        .fold(0.0, |a, b| a + b);
    let cache = if all.prompt_tokens > 0 {
        format!(
            "\nPrompt cache: {:.0}% of today's prompt tokens were read from the cache ({} of {}), saving about ${saved:.4}.",
            100.0 * all.cache_read_tokens as f64 / all.prompt_tokens as f64,
            all.cache_read_tokens,
            all.prompt_tokens
        )
    } else {
        String::new()
    };
    Ok(format!(
        "Today ({}):\nYou: ${:.4}{} and {} tokens{} in {} messages.\nEveryone: ${:.4}{} and {} tokens{}.{cache}",
        deps.settings.timezone.name(),
        mine.usd,
        cap(b.daily_usd_per_sender),
        mine.tokens,
        tcap(b.daily_tokens_per_sender),
        mine.calls,
        all.usd,
        cap(b.daily_usd_total),
        all.tokens,
        tcap(b.daily_tokens_total),
    ))
}
