//! Slash commands, answered from Omega's own state without an AI call. They are kept out of the
//! conversation history (the model never sees them) and behave the same on every channel.

use omega_core::SessionKey;
use omega_core::commands::Command;
use omega_core::i18n::FluentValue;
use omega_core::i18n::Lang;
use omega_core::tr;
use omega_core::when::{Repeat, format_local};
use omega_memory::tasks::Cancelled;

use crate::effects::{CancelTask, SETTING_FACTS, sender_zone, short};
use crate::heartbeat::{HEARTBEAT, heartbeat_file};
use crate::outbox::Notify;
use crate::pipeline::{Job, SessionDeps};

/// Answer `command` for the sender of `job`, in `lang`.
pub async fn run(deps: &SessionDeps, job: &Job, key: &SessionKey, command: Command, lang: Lang) -> String {
    match answer(deps, job, key, command, lang).await {
        Ok(text) => text,
        Err(e) => tr!(lang, "cmd-failed", error = e.to_string()),
    }
}

type Answer = Result<String, omega_memory::MemoryError>;

async fn answer(deps: &SessionDeps, job: &Job, key: &SessionKey, command: Command, lang: Lang) -> Answer {
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
        Command::Help => omega_core::i18n::help_text(&deps.settings.agent_name, lang),
        Command::Usage => usage(deps, job, lang).await?,
        // Answered by the session before it gets here: it builds the prompts
        // (`session::context::report`).
        Command::Context => String::new(),
        Command::Status => {
            let facts = store.facts(me).await?.len();
            let project = project().await?;
            let tasks = store.pending_tasks(&job.channel, &job.sender_id).await?;
            let tasks = tasks.iter().filter(|t| t.project == project).count();
            let history = store.history(&job.channel, &job.sender_id, 10_000).await?.len();
            let tools = match (deps.settings.tools.is_some(), deps.settings.provider_tools) {
                (true, true) => tr!(lang, "status-tools-on"),
                (true, false) => tr!(lang, "status-tools-provider"),
                (false, _) => tr!(lang, "status-tools-off"),
            };
            tr!(
                lang,
                "status",
                name = deps.settings.agent_name.as_str(),
                provider = deps.provider_name.as_str(),
                model = deps.settings.model.as_str(),
                tools = tools,
                scope = in_project(&project, lang),
                history = history,
                facts = facts,
                tasks = tasks,
                tz = tz.name(),
            )
        }
        Command::Memory => {
            let facts = store.facts(me).await?;
            let summaries = store.recent_summaries(&job.channel, &job.sender_id, 100).await?;
            let history = store.history(&job.channel, &job.sender_id, 10_000).await?.len();
            let project = project().await?;
            let lessons = store.lessons(me, &project, 1000).await?.len();
            let profile = facts.iter().filter(|f| !SETTING_FACTS.contains(&f.key.as_str())).count();
            tr!(
                lang,
                "memory",
                scope = in_project(&project, lang),
                facts = profile,
                summaries = summaries.len(),
                history = history,
                lessons = lessons,
            )
        }
        Command::Facts => {
            let facts = store.facts(me).await?;
            if facts.is_empty() {
                tr!(lang, "facts-none")
            } else {
                let lines: Vec<String> = facts.iter().map(|f| format!("- {}: {}", f.key, f.value)).collect();
                tr!(lang, "facts-list", facts = lines.join("\n"))
            }
        }
        Command::History => {
            let summaries = store.recent_summaries(&job.channel, &job.sender_id, 10).await?;
            let current = store.history(&job.channel, &job.sender_id, 10_000).await?.len();
            let scope = in_project(&project().await?, lang);
            let mut out = tr!(lang, "history-current", scope = scope, count = current);
            out.push('\n');
            if summaries.is_empty() {
                out.push_str(&tr!(lang, "history-none"));
            } else {
                out.push_str(&tr!(lang, "history-earlier"));
                let none = tr!(lang, "history-no-summary");
                for s in &summaries {
                    let when = format_local(omega_memory::from_millis(s.created_at), tz);
                    let text = if s.summary.trim().is_empty() { none.as_str() } else { s.summary.as_str() };
                    out.push_str(&format!("\n- {when}: {text}"));
                }
            }
            out
        }
        Command::Forget => {
            if store.forget_conversation(&job.channel, &job.sender_id).await? {
                tr!(lang, "forget-done")
            } else {
                tr!(lang, "forget-nothing")
            }
        }
        Command::Tasks => {
            let project = project().await?;
            let (tasks, elsewhere): (Vec<_>, Vec<_>) = store
                .pending_tasks(&job.channel, &job.sender_id)
                .await?
                .into_iter()
                .partition(|t| t.project == project);
            let elsewhere = elsewhere_note(&elsewhere, lang);
            let scope = in_project(&project, lang);
            if tasks.is_empty() {
                tr!(lang, "tasks-none", scope = scope, elsewhere = elsewhere)
            } else {
                let lines: Vec<String> = tasks
                    .iter()
                    .map(|t| {
                        let due = format_local(omega_memory::from_millis(t.due_at), tz);
                        let every =
                            Repeat::parse(t.repeat.as_deref()).map(|r| r.describe()).unwrap_or_default();
                        let every = if every.is_empty() { String::new() } else { format!(", {every}") };
                        let kind = if t.kind == "action" { tr!(lang, "task-action") } else { String::new() };
                        format!("[{}] {} — {due}{every}{kind}", short(&t.id), t.description)
                    })
                    .collect();
                tr!(
                    lang,
                    "tasks-list",
                    scope = scope,
                    tz = tz.name(),
                    tasks = lines.join("\n"),
                    elsewhere = elsewhere
                )
            }
        }
        Command::Cancel(id) if id.is_empty() => {
            tr!(lang, "cancel-usage")
        }
        Command::Background(text) => crate::jobs::start_command(deps, job, &text, lang).await,
        Command::Jobs => crate::jobs::list_command(deps, job, lang).await?,
        Command::Cancel(id) => {
            // A job's number first (a task id is hex, rarely all digits).
            if let Some(done) = crate::jobs::cancel_command(deps, job, &id, lang).await {
                return Ok(done);
            }
            let ask =
                CancelTask { channel: job.channel.clone(), sender_id: job.sender_id.clone(), id: id.clone() };
            match deps.cancel_task.send(ask).await {
                Err(_) => tr!(lang, "cancel-no-scheduler"),
                Ok(Err(e)) => tr!(lang, "cmd-failed", error = e.to_string()),
                Ok(Ok(done)) => match done.outcome {
                    Cancelled::Done(done_id) => {
                        tr!(lang, "cancel-done", description = done.description, id = short(&done_id))
                    }
                    Cancelled::NotFound => tr!(lang, "cancel-not-found", id = id),
                    Cancelled::Ambiguous(ids) => tr!(lang, "cancel-ambiguous", id = id, count = ids.len()),
                },
            }
        }
        Command::Language(wanted) => {
            let current = fact(deps, me, "preferred_language").await?;
            match wanted.as_str() {
                "" => match current {
                    Some(l) => tr!(lang, "language-fixed", language = Lang::display(&l)),
                    None => tr!(lang, "language-auto"),
                },
                l if l.eq_ignore_ascii_case("auto") || l.eq_ignore_ascii_case("reset") => {
                    store.delete_fact(me, "preferred_language").await?;
                    // Nothing is fixed now: until they write, English.
                    tr!(Lang::En, "language-cleared")
                }
                l => {
                    store.set_fact(me, "preferred_language", l).await?;
                    // Said in the new language, when it is one of the eight.
                    tr!(Lang::of_person(Some(l), ""), "language-set", language = Lang::display(l))
                }
            }
        }
        Command::Personality(p) => {
            let current = fact(deps, me, "personality").await?;
            match p.as_str() {
                "" => match current {
                    Some(p) => tr!(lang, "personality-current", style = p),
                    None => tr!(lang, "personality-default"),
                },
                p if p.eq_ignore_ascii_case("reset") => {
                    store.delete_fact(me, "personality").await?;
                    tr!(lang, "personality-cleared")
                }
                p => {
                    store.set_fact(me, "personality", p).await?;
                    tr!(lang, "personality-set", style = p)
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
                tr!(lang, "skills-none", dir = dir.display().to_string())
            } else {
                let lines: Vec<String> = skills.iter().map(|s| skill_line(s, lang)).collect();
                tr!(lang, "skills-list", skills = lines.join("\n"))
            }
        }
        Command::Projects => {
            let dir = deps.settings.data_dir.join("projects");
            let projects = crate::blocking::dirs_in(&dir).await;
            let active = fact(deps, me, "active_project").await?;
            if projects.is_empty() {
                tr!(lang, "projects-none", dir = dir.display().to_string())
            } else {
                let (data_dir, names) = (deps.settings.data_dir.clone(), projects.clone());
                let problems = crate::blocking::off_thread(move || {
                    names.iter().map(|n| crate::skills::project_problem(&data_dir, n)).collect::<Vec<_>>()
                })
                .await
                .unwrap_or_default();
                let mark = tr!(lang, "project-active-mark");
                let lines: Vec<String> = projects
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let state = if active.as_deref() == Some(p) { mark.as_str() } else { "" };
                        match problems.get(i).cloned().flatten() {
                            Some(why) => format!("- {p}{state} — {why}"),
                            None => format!("- {p}{state}"),
                        }
                    })
                    .collect();
                tr!(lang, "projects-list", projects = lines.join("\n"))
            }
        }
        Command::Project(name) => match name.as_str() {
            "" => match fact(deps, me, "active_project").await? {
                Some(p) => tr!(lang, "project-active", project = p),
                None => tr!(lang, "project-none-active"),
            },
            n if n.eq_ignore_ascii_case("off") || n.eq_ignore_ascii_case("none") => {
                store.delete_fact(me, "active_project").await?;
                tr!(lang, "project-off")
            }
            n => {
                let projects = crate::blocking::dirs_in(&deps.settings.data_dir.join("projects")).await;
                match projects.iter().find(|p| p.eq_ignore_ascii_case(n)) {
                    Some(p) => {
                        store.set_fact(me, "active_project", p).await?;
                        tr!(lang, "project-on", project = p.as_str())
                    }
                    None => tr!(lang, "project-unknown", project = n),
                }
            }
        },
        Command::Purge(false) => {
            let n =
                store.facts(me).await?.iter().filter(|f| !SETTING_FACTS.contains(&f.key.as_str())).count();
            tr!(lang, "purge-ask", count = n)
        }
        Command::Purge(true) => {
            let n = store.purge_facts(me, SETTING_FACTS).await?;
            tr!(lang, "purge-done", count = n)
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
                tr!(lang, "heartbeat-empty")
            } else {
                let items = items.iter().map(|i| format!("- {i}")).collect::<Vec<_>>().join("\n");
                tr!(lang, "heartbeat-list", items = items)
            };
            if let Some(m) = interval {
                let minutes = m.parse::<u64>().map(FluentValue::from).unwrap_or_else(|_| m.into());
                out.push('\n');
                out.push_str(&tr!(lang, "heartbeat-interval", minutes = minutes));
            }
            let muted: Vec<&str> = muted.lines().filter(|l| !l.is_empty()).collect();
            if !muted.is_empty() {
                out.push('\n');
                out.push_str(&tr!(lang, "heartbeat-skipped", sections = muted.join(", ")));
            }
            out
        }
        Command::Learning => {
            let project = project().await?;
            let lessons = store.lessons(me, &project, 20).await?;
            let rewards = store.rewards(me, &project, 1000).await?;
            let scope = in_project(&project, lang);
            if lessons.is_empty() && rewards.is_empty() {
                tr!(lang, "learning-none", scope = scope)
            } else {
                let mut out = String::new();
                if !lessons.is_empty() {
                    out.push_str(&tr!(lang, "learning-rules", scope = scope.as_str()));
                    out.push('\n');
                    for l in &lessons {
                        let only =
                            if l.project.is_empty() { String::new() } else { format!(" [{}]", l.project) };
                        out.push_str(&format!("- ({}){only} {}\n", l.domain, l.rule));
                    }
                }
                if !rewards.is_empty() {
                    let good = rewards.iter().filter(|r| r.score > 0).count();
                    let bad = rewards.iter().filter(|r| r.score < 0).count();
                    out.push_str(&tr!(
                        lang,
                        "learning-outcomes",
                        good = good,
                        bad = bad,
                        total = rewards.len()
                    ));
                }
                out.trim_end().to_owned()
            }
        }
        Command::Link(code) if code.is_empty() => {
            let code = store.new_link_code(key.as_str(), 600).await?;
            tr!(lang, "link-code", code = code)
        }
        Command::Link(code) => match store.redeem_link_code(key.as_str(), &code).await? {
            omega_memory::links::Linked::Done { canonical } => tr!(lang, "link-done", account = canonical),
            omega_memory::links::Linked::NoCode => tr!(lang, "link-no-code", code = code),
            omega_memory::links::Linked::SameSender => tr!(lang, "link-same"),
        },
        Command::Unlink => {
            if store.unlink(key.as_str()).await? {
                tr!(lang, "unlink-done")
            } else {
                tr!(lang, "unlink-none")
            }
        }
        Command::Approve(code) if code.is_empty() => tr!(lang, "approve-usage"),
        Command::Approve(code) => {
            // Only the owner's verified identities may let others in: not someone who got in by
            // pairing, and not a name an HTTP client merely claims.
            if !deps.settings.auth.is_owner(&job.channel, &job.sender_id) {
                return Ok(tr!(lang, "approve-owner-only"));
            }
            match store.approve_pairing(&code).await? {
                Some(req) => {
                    // In the newcomer's language, if they set one already.
                    let theirs = SessionKey::new(&req.channel, &req.sender_id);
                    let their_lang = crate::effects::person_lang(store, &theirs, "").await;
                    deps.outbox.notify.do_send(Notify {
                        channel: req.channel.clone(),
                        recipient: req.reply_target.clone(),
                        text: tr!(their_lang, "approve-welcome"),
                        in_reply_to: None,
                    });
                    let who = req.sender_name.unwrap_or_else(|| req.sender_id.clone());
                    tr!(lang, "approve-done", who = who, channel = req.channel)
                }
                None => tr!(lang, "approve-unknown", code = code),
            }
        }
        Command::WhatsApp => {
            // Linking an account to Omega is the owner's call, and the QR code is the account.
            if !deps.settings.auth.is_owner(&job.channel, &job.sender_id) {
                return Ok(tr!(lang, "whatsapp-owner-only"));
            }
            if !deps.whatsapp_pairing.is_bound() {
                return Ok(tr!(lang, "whatsapp-not-running"));
            }
            let to = (job.channel.clone(), job.reply_target.clone());
            match deps.whatsapp_pairing.send(crate::channel::StartPairing { to, lang }).await {
                Ok(text) => text,
                Err(_) => tr!(lang, "whatsapp-restarting"),
            }
        }
    })
}

/// " in project NAME", or nothing when no project is active.
pub(crate) fn in_project(project: &str, lang: Lang) -> String {
    if project.is_empty() { String::new() } else { tr!(lang, "in-project", project = project) }
}

/// What `/tasks` says of the sender's pending tasks in other scopes than the active one.
fn elsewhere_note(elsewhere: &[omega_memory::tasks::TaskRow], lang: Lang) -> String {
    if elsewhere.is_empty() {
        return String::new();
    }
    let none = tr!(lang, "no-project-scope");
    let mut scopes: Vec<&str> = Vec::new();
    for t in elsewhere {
        let name = if t.project.is_empty() { none.as_str() } else { t.project.as_str() };
        if !scopes.contains(&name) {
            scopes.push(name);
        }
    }
    tr!(lang, "tasks-elsewhere", count = elsewhere.len(), scopes = scopes.join(", "))
}

async fn fact(deps: &SessionDeps, me: &str, key: &str) -> Result<Option<String>, omega_memory::MemoryError> {
    Ok(deps.store.facts(me).await?.into_iter().find(|f| f.key == key).map(|f| f.value))
}

/// One skill in `/skills`: available (with its triggers), unavailable (why), or broken (where).
pub fn skill_line(e: &crate::skills::SkillEntry, lang: Lang) -> String {
    use crate::skills::SkillStatus;
    let on = |t: &[String]| {
        if t.is_empty() { String::new() } else { tr!(lang, "skill-triggers", triggers = t.join(", ")) }
    };
    match &e.status {
        SkillStatus::Ready(s) => format!("- {}: {}{}", e.dir, s.description, on(&s.triggers)),
        SkillStatus::Unavailable(s, why) => tr!(
            lang,
            "skill-unavailable",
            skill = e.dir.as_str(),
            why = why.join("; "),
            description = s.description.as_str()
        ),
        SkillStatus::Broken(err) => tr!(
            lang,
            "skill-broken",
            skill = e.dir.as_str(),
            path = e.path.display().to_string(),
            line = err.line,
            problem = err.message.as_str()
        ),
    }
}

/// Today's spend (the user's day) against the caps.
async fn usage(deps: &SessionDeps, job: &Job, lang: Lang) -> Answer {
    let since = crate::pipeline::start_of_today(deps.settings.clock.now(), deps.settings.timezone);
    let mine = deps.store.spend_since(Some((&job.channel, &job.sender_id)), since).await?;
    let all = deps.store.spend_since(None, since).await?;
    let b = &deps.settings.budget;
    let cap = |usd: f64| {
        if usd > 0.0 { tr!(lang, "usage-usd-cap", cap = format!("{usd:.2}")) } else { String::new() }
    };
    let tcap = |t: u64| if t > 0 { tr!(lang, "usage-token-cap", cap = t) } else { String::new() };
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
        tr!(
            lang,
            "usage-cache",
            percent = format!("{:.0}", 100.0 * all.cache_read_tokens as f64 / all.prompt_tokens as f64),
            read = all.cache_read_tokens,
            total = all.prompt_tokens,
            saved = format!("{saved:.4}"),
        )
    } else {
        String::new()
    };
    // Calls counted by estimate (their provider reported no usage) are said to be.
    let estimated = match all.estimated_calls {
        0 => String::new(),
        n => tr!(lang, "usage-estimated", calls = n),
    };
    let text = tr!(
        lang,
        "usage",
        tz = deps.settings.timezone.name(),
        mine_usd = format!("{:.4}", mine.usd),
        usd_cap = cap(b.daily_usd_per_sender),
        mine_tokens = mine.tokens,
        token_cap = tcap(b.daily_tokens_per_sender),
        calls = mine.calls,
        all_usd = format!("{:.4}", all.usd),
        all_usd_cap = cap(b.daily_usd_total),
        all_tokens = all.tokens,
        all_token_cap = tcap(b.daily_tokens_total),
        cache = cache,
    );
    Ok(text + &estimated)
}
