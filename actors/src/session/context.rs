//! The request for one message: the system prompt from the sender's memory and the owner's
//! files, the history trimmed to the context budget, the new message with its images.

use omega_core::SessionKey;
use omega_core::i18n::Lang;
use omega_core::prompt::{PromptInput, history_to_drop, strip_comment, system_prompt_cached};
use omega_core::tr;
use omega_providers::{ChatMessage, ChatRequest, Role};
use std::path::PathBuf;

use super::{Job, SessionDeps};

/// A message's request, and what else reading the sender's memory told.
pub(super) struct Built {
    pub request: ChatRequest,
    /// The active project (`""` for none), which scopes the provider's session.
    pub project: String,
    /// The language Omega's own words take for this person.
    pub lang: Lang,
}

/// System prompt, the conversation so far, and the new message.
pub(super) async fn build_request(deps: &SessionDeps, _key: &SessionKey, job: &Job) -> Result<Built, String> {
    // Reads in parallel (each is a round trip to a worker thread): the history, everything else
    // about the sender in one statement, recall only when the message has words worth searching
    // for, and the owner's files (SYSTEM.md, the skills) on a blocking thread, never the actor's.
    let data_dir = deps.settings.data_dir.clone();
    let files = crate::blocking::off_thread(move || {
        // The owner may rewrite who Omega is in prompts/SYSTEM.md; read per message, so edits
        // apply at once.
        let identity = std::fs::read_to_string(data_dir.join("prompts").join("SYSTEM.md")).ok();
        (identity, crate::skills::SkillCatalog::global().current(&data_dir))
    });
    // A scheduled action runs in the project it was set in, a background job in the one it was
    // started in; a message, in the sender's active project (read inside each statement below,
    // so no round trip of its own).
    let scope = match job.task_id() {
        Some(id) => deps.store.task(id).await.map_err(|e| e.to_string())?.map(|t| t.project),
        None if job.is_job() => job.project.clone(),
        None => None,
    };
    let scope = scope.as_deref();
    // A message in the sender's active project may use what their session kept from the last
    // one, if no write touched any of it since (the store counts those writes).
    let cache = deps.context.as_deref().filter(|_| scope.is_none() && !job.is_job());
    let version = deps.store.context_version(&job.channel, &job.sender_id);
    let kept = cache.and_then(|c| c.get(version));
    let (history, context, recall, files, resume) = match kept {
        Some(kept) => {
            #[cfg(debug_assertions)]
            verify_kept(deps, job, &kept).await;
            let recall = async {
                match kept.context.recallable {
                    true => recall(deps, job, scope).await,
                    false => Ok(Vec::new()),
                }
            };
            let (recall, files) = futures::future::join(recall, files).await;
            (kept.history, kept.context, recall, files, kept.resume)
        }
        None => {
            let ((history, context, recall), files) =
                futures::future::join(read_context(deps, job, scope), files).await;
            let history = history.map_err(|e| e.to_string())?;
            let context = context.map_err(|e| e.to_string())?;
            let resume = provider_session(deps, job, &context.project).await;
            if let Some(cache) = cache {
                cache.put(crate::pipeline::CachedContext {
                    version,
                    history: history.clone(),
                    context: context.clone(),
                    resume: resume.clone(),
                });
            }
            (history, context, recall, files, resume)
        }
    };
    let (identity, catalog) = files.unwrap_or_default();
    let facts = context.facts;
    // Every skill that can run is listed; the ones this message calls for bring their
    // instructions.
    let ready: Vec<&omega_skills::Skill> = catalog.iter().filter_map(|e| e.ready()).collect();
    let skills: Vec<(String, String, String)> = catalog
        .iter()
        .filter_map(|e| {
            e.ready().map(|s| (s.dir.clone(), s.description.clone(), e.path.display().to_string()))
        })
        .collect();
    // The project's role, and the skills it always brings.
    let project = context.project.clone();
    let role = match project.as_str() {
        "" => None,
        name => {
            let (dir, name) = (deps.settings.data_dir.clone(), name.to_owned());
            crate::blocking::off_thread(move || crate::skills::read_project(&dir, &name)).await.flatten()
        }
    };
    let mut called = omega_skills::triggers::triggered(&job.text, ready.iter().copied());
    if let Some(p) = &role {
        for s in ready.iter().filter(|s| p.skills.iter().any(|n| n == &s.dir)) {
            if !called.iter().any(|c| c.dir == s.dir) {
                called.push(s);
            }
        }
    }
    let skill_instructions: Vec<(String, String)> =
        called.iter().map(|s| (s.dir.clone(), s.body.clone())).collect();
    // A skill's MCP servers: with Omega's tool loop, only for the turn that called the skill;
    // a provider that runs its own tools (the Claude Code CLI) gets every available skill's.
    let with_servers = if deps.settings.provider_tools { called } else { ready };
    let mcp = skill_servers(&with_servers);
    let preferred = facts.iter().find(|(k, _)| k == "preferred_language").map(|(_, v)| v.as_str());
    let lang = Lang::of_person(preferred, &job.text);
    let tz = facts
        .iter()
        .find(|(k, _)| k == "timezone")
        .and_then(|(_, v)| v.parse::<chrono_tz::Tz>().ok())
        .unwrap_or(deps.settings.timezone);
    let recall: Vec<String> = recall
        .unwrap_or_default()
        .into_iter()
        .map(|m| format!("{}: {}", m.role, m.content.chars().take(300).collect::<String>()))
        .collect();
    let tasks: Vec<(String, String, String, String)> = context
        .tasks
        .into_iter()
        .map(|t| {
            let due = omega_core::when::format_local(omega_memory::from_millis(t.due_at), tz);
            let every = omega_core::when::Repeat::parse(t.repeat.as_deref())
                .map(|r| r.describe())
                .unwrap_or_default();
            (crate::effects::short(&t.id).to_owned(), t.description, due, every)
        })
        .collect();
    let lessons = context.lessons;
    let summaries = context.summaries;
    let identity = identity.as_deref().map(strip_comment);
    // The rolling summary of this conversation's older part, within a quarter of the budget.
    let compacted: Option<String> = context
        .conversation
        .as_ref()
        .and_then(|(_, s, _)| s.as_deref())
        .map(|s| s.chars().take(deps.settings.context_chars / 4).collect());
    let omega_core::prompt::SystemPrompt { text: system, cache_points } =
        system_prompt_cached(&PromptInput {
            agent_name: &deps.settings.agent_name,
            identity,
            channel: &job.channel,
            now: deps.settings.clock.now(),
            timezone: tz,
            facts: &facts,
            tasks: &tasks,
            lessons: &lessons,
            outcomes: &context.outcomes,
            summaries: &summaries,
            recall: &recall,
            detected_language: omega_core::lang::detect(&job.text),
            skills: &skills,
            skill_instructions: &skill_instructions,
            project_role: role.as_ref().map(|p| p.role.as_str()),
            project: Some(project.as_str()),
            compacted: compacted.as_deref(),
            jobs: super::tools::may_start_jobs(deps, job),
        });
    // Leave out the oldest history until everything fits the context budget; what is left out
    // is folded into the conversation's rolling summary (in the background: this turn does not
    // wait), so the next prompts carry its gist instead of losing it.
    let budget = deps.settings.context_chars.saturating_sub(system.len() + job.text.len());
    let lengths: Vec<usize> = history.iter().map(|m| m.content.len()).collect();
    let drop = history_to_drop(&lengths, budget);
    // Older messages than the window (`max_context_messages`) are past it too. A compaction
    // folds the older half of what is there (at least what was dropped), so the next one is
    // many turns away: one cheap call now and then, not one per turn.
    let window_full = history.len() >= deps.settings.max_context_messages as usize;
    let past = (drop > 0 || window_full)
        .then(|| drop.max(history.len() / 2))
        .filter(|n| *n > 0)
        .map(|n| history[n - 1].id);
    // A message the session added to its kept history has no id yet: read the history again
    // for the next message, which compacts.
    let past = match (past, cache) {
        (Some(0), Some(cache)) => {
            cache.clear();
            None
        }
        (past, _) => past,
    };
    if let (Some(through), Some((id, summary, covered))) = (past, context.conversation.clone())
        && through > covered
    {
        tracing::debug!(dropped = drop, "the history outgrew the context; compacting its older part");
        deps.compact.do_send(crate::summarizer::Compact {
            channel: job.channel.clone(),
            sender_id: job.sender_id.clone(),
            conversation: id,
            summary,
            covered,
            through,
        });
    }
    let mut messages: Vec<ChatMessage> = history
        .into_iter()
        .skip(drop)
        .filter_map(|m| Role::parse(&m.role).map(|r| ChatMessage::new(r, m.content)))
        .collect();
    let mut current = match job.is_job() {
        true => ChatMessage::new(Role::User, format!("{}{}", crate::jobs::preamble(job.id), job.text)),
        false => ChatMessage::new(Role::User, job.text.clone()),
    };
    let mut files = Vec::new();
    if !job.attachments.is_empty() {
        let (attachments, vision) = (job.attachments.clone(), deps.settings.vision);
        let read = crate::blocking::off_thread(move || -> Result<Vec<(String, Vec<u8>, PathBuf)>, String> {
            attachments
                .iter()
                .map(|a| {
                    let fail = |e: std::io::Error| format!("cannot read {}: {e}", a.path.display());
                    // A provider that sees gets the bytes; one that reads files, the real path
                    // (the sandbox grants exactly that file, for this call only).
                    let data = if vision { std::fs::read(&a.path).map_err(fail)? } else { Vec::new() };
                    Ok((a.mime.clone(), data, std::fs::canonicalize(&a.path).map_err(fail)?))
                })
                .collect()
        });
        let read = read.await.ok_or("the attachments could not be read")??;
        let n = read.len();
        for (i, (mime, data, path)) in read.into_iter().enumerate() {
            if vision {
                current.images.push(omega_providers::Image { mime, data });
            } else if deps.settings.reads_image_files {
                current.content.push_str(&format!(
                    "\n\n[The person sent an image ({} of {n}), at {}. Look at it with your Read tool.]",
                    i + 1,
                    path.display()
                ));
                files.push(path);
            }
        }
    }
    messages.push(current);
    // A provider that keeps the conversation itself continues its session (per sender and
    // project); the history still goes along for a fresh session or a fallback provider.
    // A background job starts a session of its own (two calls must not resume one at once).
    let request = ChatRequest {
        // The active project's preferred model, if it names one (the provider's otherwise).
        model: role.as_ref().and_then(|p| p.model.clone()).unwrap_or_default(),
        system,
        messages,
        max_tokens: None,
        resume,
        tools: Vec::new(),
        files,
        mcp,
        cache_points,
        cancel: deps.job.as_ref().map(|c| c.cancel.clone()).unwrap_or_default(),
    };
    Ok(Built { request, project, lang })
}

/// The three reads of a sender's context, in parallel (each is a round trip to a worker
/// thread): the history, everything else about them in one statement, and recall.
async fn read_context(
    deps: &SessionDeps,
    job: &Job,
    scope: Option<&str>,
) -> (
    Result<Vec<omega_memory::HistoryMessage>, omega_memory::MemoryError>,
    Result<omega_memory::context::SenderContext, omega_memory::MemoryError>,
    Result<Vec<omega_memory::recall::Recalled>, omega_memory::MemoryError>,
) {
    let limits = omega_memory::context::ContextLimits { tasks: 30, lessons: 20, summaries: 3 };
    futures::future::join3(
        deps.store.history_in(&job.channel, &job.sender_id, scope, deps.settings.max_context_messages),
        deps.store.sender_context(&job.channel, &job.sender_id, scope, limits),
        recall(deps, job, scope),
    )
    .await
}

/// The sender's earlier messages that match this one (none when recall is off).
async fn recall(
    deps: &SessionDeps,
    job: &Job,
    scope: Option<&str>,
) -> Result<Vec<omega_memory::recall::Recalled>, omega_memory::MemoryError> {
    if deps.settings.recall_messages == 0 {
        return Ok(Vec::new());
    }
    deps.store.recall(&job.channel, &job.sender_id, scope, &job.text, deps.settings.recall_messages).await
}

/// The provider session this sender's conversation continues, for a provider that keeps them.
/// A background job starts a session of its own (two calls must not resume one at once).
async fn provider_session(deps: &SessionDeps, job: &Job, project: &str) -> Option<String> {
    if !deps.settings.keeps_sessions || job.is_job() {
        return None;
    }
    deps.store
        .provider_session(&job.channel, &job.sender_id, project, &deps.provider_name)
        .await
        .ok()
        .flatten()
}

/// Debug builds (every test) check that a kept context is what reading it now gives, whenever
/// no write happened during the check: a stale context would be a bug a person notices.
#[cfg(debug_assertions)]
async fn verify_kept(deps: &SessionDeps, job: &Job, kept: &crate::pipeline::CachedContext) {
    let (history, context, _) = read_context(deps, job, None).await;
    let resume = match &context {
        Ok(c) => provider_session(deps, job, &c.project).await,
        Err(_) => None,
    };
    if deps.store.context_version(&job.channel, &job.sender_id) != kept.version {
        return;
    }
    let (Ok(history), Ok(context)) = (history, context) else { return };
    let same_message = |a: &omega_memory::HistoryMessage, b: &omega_memory::HistoryMessage| {
        a.role == b.role && a.content == b.content && (a.id == 0 || a.id == b.id)
    };
    assert!(
        kept.history.len() == history.len()
            && kept.history.iter().zip(&history).all(|(a, b)| same_message(a, b)),
        "a session's kept history is stale:\nkept {:?}\nread {:?}",
        kept.history,
        history
    );
    assert_eq!(kept.context, context, "a session's kept context is stale");
    assert_eq!(kept.resume, resume, "a session's kept provider session is stale");
}

/// The MCP servers of `skills`, named `SKILL-SERVER` (in MCP's name alphabet).
fn skill_servers(skills: &[&omega_skills::Skill]) -> Vec<omega_providers::TurnMcpServer> {
    let clean = |s: &str| -> String {
        s.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '-' }).collect()
    };
    skills
        .iter()
        .flat_map(|skill| {
            skill.mcp.iter().map(|(name, server)| omega_providers::TurnMcpServer {
                name: clean(&format!("{}-{name}", skill.dir)),
                command: server.command.clone(),
                args: server.args.clone(),
                env: server.env.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            })
        })
        .collect()
}

/// `/context`: what the next message's prompt holds, part by part, built exactly as it will be.
pub(super) async fn report(deps: &SessionDeps, job: &Job, key: &SessionKey, lang: Lang) -> String {
    let mut next = job.clone();
    next.text = String::new();
    next.attachments.clear();
    let Built { request, project, .. } = match build_request(deps, key, &next).await {
        Ok(r) => r,
        Err(e) => return tr!(lang, "context-failed", error = e),
    };
    let tokens = |chars: usize| chars.div_ceil(4);
    let system = &request.system;
    let mut bounds: Vec<usize> =
        request.cache_points.iter().copied().filter(|p| *p <= system.len()).collect();
    bounds.push(system.len());
    let part = |i: usize| {
        let start = if i == 0 { 0 } else { bounds.get(i - 1).copied().unwrap_or(system.len()) };
        bounds.get(i).copied().unwrap_or(system.len()).saturating_sub(start)
    };
    let history: Vec<&omega_providers::ChatMessage> =
        request.messages.iter().filter(|m| !m.content.is_empty()).collect();
    let history_chars: usize = history.iter().map(|m| m.content.len()).sum();
    let compacted = system.contains("\n\nEarlier in this conversation (a summary");
    let tools = match (&deps.tools, deps.settings.tools.is_some() && deps.settings.provider_tools) {
        (Some(t), true) => {
            let mut specs = omega_providers::toolloop::ToolHost::specs(t).await;
            specs.extend(super::tools::effect_specs(deps, job));
            let chars: usize = specs
                .iter()
                .map(|s| s.name.len() + s.description.len() + s.parameters.to_string().len())
                .sum();
            tr!(lang, "context-tools", count = specs.len(), tokens = tokens(chars))
        }
        _ => String::new(),
    };
    let (compacted, older) = match compacted {
        true => (tr!(lang, "context-compacted"), tr!(lang, "context-older")),
        false => (String::new(), String::new()),
    };
    tr!(
        lang,
        "context",
        scope = crate::commands::in_project(&project, lang),
        total = tokens(system.len() + history_chars),
        allowed = deps.settings.context_chars / 4,
        stable = tokens(part(0)),
        person = tokens(part(1)),
        compacted = compacted,
        turn = tokens(part(2)),
        messages = history.len(),
        history = tokens(history_chars),
        older = older,
        tools = tools,
    )
}
