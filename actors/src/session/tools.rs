//! The bridge to the tool loop: the Sandbox's tools plus the effect tools, every call audited.

use omega_providers::{ChatRequest, ProviderError};

use super::{Job, SessionDeps};

/// Answer through the tool loop: the model may run tools (through the Sandbox actor) before it
/// answers. Every call is audited, with secrets redacted. Returns the answer and the raw tool
/// outputs (untrusted: markers copied from them are not executed) and what the effect tools did.
pub(super) async fn run_tool_loop(
    deps: &SessionDeps,
    job: &Job,
    spender: &super::budget::Spender,
    tools: &crate::sandbox::RoutedTools,
    limits: omega_providers::toolloop::LoopLimits,
    request: ChatRequest,
    deltas: Option<omega_providers::DeltaSink>,
) -> (Result<omega_providers::ChatResponse, ProviderError>, Vec<String>, Vec<crate::effects::Confirmation>) {
    // Each turn is checked against the caps and metered, like any call for the message.
    let complete = |req: ChatRequest| spender.complete(req, deltas.clone());
    let mut sandbox = tools.clone();
    sandbox.skills = request.mcp.clone();
    let host = SessionTools {
        sandbox,
        deps: deps.clone(),
        job: job.clone(),
        confirmations: Default::default(),
        read: Default::default(),
    };
    let out = omega_providers::toolloop::run(&complete, &host, request, limits).await;
    let confirmations = std::mem::take(&mut *host.confirmations.lock());
    if let Some(stop) = &out.stopped {
        tracing::warn!(channel = %job.channel, sender = %job.sender_id, ?stop, "tool loop stopped by a limit");
    }
    let known: Vec<&str> = deps.settings.secrets.iter().map(|s| s.expose()).collect();
    let records = out
        .runs
        .iter()
        .map(|r| omega_memory::toolcalls::ToolCallRecord {
            channel: job.channel.clone(),
            sender_id: job.sender_id.clone(),
            inbox_id: Some(job.id.0),
            tool: r.name.clone(),
            arguments: omega_core::secret::redact_json(&r.arguments, &known).to_string(),
            ok: !r.is_error,
            outcome: omega_core::secret::redact_text(&r.content, &known),
            duration_ms: r.duration.as_millis() as i64,
        })
        .collect();
    if let Err(e) = deps.store.record_tool_calls(records).await {
        tracing::error!(error = %e, "cannot record tool calls in the audit log");
    }
    // Effect tools' results are Omega's own confirmations, `write`/`edit` answer with receipts
    // and a silent command shows nothing: not content read. Anything else makes the answer's effects wait for the
    // person's own word (`omega_markers::gate`).
    let untrusted = out
        .runs
        .into_iter()
        .filter(|r| {
            !omega_markers::tools::is_effect_tool(&r.name)
                && omega_markers::gate::read_content(&r.name, &r.content)
        })
        .map(|r| r.content)
        .collect();
    (out.result, untrusted, confirmations)
}

/// The tokens the tools on offer add to a turn's request (their schemas), estimated: what the
/// check before the first turn counts beside the prompt.
pub(super) async fn offered_tokens(
    deps: &SessionDeps,
    job: &Job,
    tools: &crate::sandbox::RoutedTools,
    request: &ChatRequest,
) -> u64 {
    use omega_providers::toolloop::ToolHost as _;
    let mut sandbox = tools.clone();
    sandbox.skills = request.mcp.clone();
    let mut offered = sandbox.specs().await;
    offered.extend(effect_specs(deps, job));
    omega_providers::estimate::request_tokens(&ChatRequest { tools: offered, ..ChatRequest::default() })
}

/// Whether the turn for `job` may start background jobs: `[jobs]` is on and it is not a job.
pub(super) fn may_start_jobs(deps: &SessionDeps, job: &Job) -> bool {
    deps.settings.jobs && !job.is_job()
}

/// The effect tools this turn is offered (`start_background_job` only where it can act).
pub(super) fn effect_specs(deps: &SessionDeps, job: &Job) -> Vec<omega_providers::ToolSpec> {
    // Built once: each turn gets the same specs, their schemas shared.
    static EFFECTS: std::sync::OnceLock<Vec<omega_providers::ToolSpec>> = std::sync::OnceLock::new();
    let all = EFFECTS.get_or_init(|| {
        omega_markers::tools::effect_tools()
            .into_iter()
            .map(|t| omega_providers::ToolSpec {
                name: t.name.into(),
                description: t.description.into(),
                parameters: t.parameters.into(),
            })
            .collect()
    });
    let jobs = may_start_jobs(deps, job);
    all.iter().filter(|t| jobs || t.name != "start_background_job").cloned().collect()
}

/// The tools a session offers: the Sandbox's (built-ins, MCP) plus the effect tools, which act
/// exactly like the markers they stand for.
struct SessionTools {
    sandbox: crate::sandbox::RoutedTools,
    deps: SessionDeps,
    job: Job,
    /// What the effect tools did, for the reply.
    confirmations: parking_lot::Mutex<Vec<crate::effects::Confirmation>>,
    /// The turn has read a tool's output: effects now wait for the person's own word.
    read: std::sync::atomic::AtomicBool,
}

#[async_trait::async_trait]
impl omega_providers::toolloop::ToolHost for SessionTools {
    async fn specs(&self) -> Vec<omega_providers::ToolSpec> {
        let mut specs = self.sandbox.specs().await;
        specs.extend(effect_specs(&self.deps, &self.job));
        specs
    }

    async fn call(&self, call: &omega_providers::ToolCall) -> omega_providers::toolloop::ToolOutcome {
        use omega_markers::gate::{OnRead, on_read, read_content};
        use omega_providers::toolloop::ToolOutcome;
        use std::sync::atomic::Ordering;
        match omega_markers::tools::effect_of_call(&call.name, &call.arguments) {
            None => {
                let out = self.sandbox.call(call).await;
                if read_content(&call.name, &out.content) {
                    self.read.store(true, Ordering::Relaxed);
                }
                out
            }
            Some(Err(problem)) => ToolOutcome { content: problem, is_error: true },
            Some(Ok(effect)) if self.read.load(Ordering::Relaxed) && on_read(&effect) != OnRead::CarryOut => {
                let OnRead::Refuse(what) = on_read(&effect) else {
                    return ToolOutcome { content: "done".into(), is_error: false };
                };
                tracing::warn!(channel = %self.job.channel, sender = %self.job.sender_id, tool = %call.name,
                    "an effect asked for after reading a tool's output is not carried out");
                let done = crate::effects::Confirmation::NotOnYourWord { what };
                let content = omega_core::i18n::confirmation(&done, omega_core::i18n::Lang::En);
                self.confirmations.lock().push(done);
                ToolOutcome { content, is_error: true }
            }
            Some(Ok(effect)) => {
                let ask = crate::markers::ApplyEffect { effect, who: self.job.who() };
                match self.deps.markers.effect.send(ask).await {
                    Ok(None) => ToolOutcome { content: "done".into(), is_error: false },
                    Ok(Some(done)) => {
                        let outcome = ToolOutcome {
                            // The model reads confirmations in English, whatever the person speaks.
                            content: omega_core::i18n::confirmation(&done, omega_core::i18n::Lang::En),
                            is_error: done.failed(),
                        };
                        self.confirmations.lock().push(done);
                        outcome
                    }
                    Err(e) => ToolOutcome {
                        content: format!("not done: Omega's effect handling is not running ({e})"),
                        is_error: true,
                    },
                }
            }
        }
    }
}
