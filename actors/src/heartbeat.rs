//! The Heartbeat actor: a periodic self-check for the owner.
//!
//! At clock-aligned times (every `interval` minutes counted from local midnight: :00, :30, ...)
//! inside the active hours, it reads the checklist (`data_dir/HEARTBEAT.md`, edited by the
//! `HEARTBEAT_*` markers), leaves out the sections the owner muted, and asks the model to go
//! through it with the owner's own facts and tasks — nobody else's. The answer goes through the
//! Markers actor like any other: `HEARTBEAT_OK` means nothing needs attention and nothing is
//! sent; anything else goes to the owner's configured channel. The Heartbeat owns its checklist
//! and settings: the markers that change them arrive as [`EditChecklist`]. The interval the owner
//! set (kept in the database) wins over the config. With no checklist items there is no call.

use actix::prelude::*;
use chrono::{DateTime, Duration as CDuration, NaiveTime, Utc};
use chrono_tz::Tz;
use omega_core::{Outbound, OutboundKind};
use omega_memory::Store;
use omega_memory::idle::BackgroundCall;
use omega_providers::{ChatMessage, ChatRequest, Role};
use std::path::PathBuf;
use std::time::Duration;

use crate::effects::{Confirmation, EditChecklist, Who};
use crate::guard::{ChildGuard, Pause};
use crate::markers::ProcessOutput;
use crate::outbox::Dispatch;
use crate::provider::Complete;
use crate::route::Route;

/// The interval changed (or the checklist did): compute the next beat again.
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct RearmHeartbeat;

/// Beats so far and how many were sent (tests and status).
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "HeartbeatState")]
pub struct GetHeartbeat;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, MessageResponse)]
pub struct HeartbeatState {
    pub beats: u64,
    /// Beats whose answer was sent to the owner (the rest were `HEARTBEAT_OK` or empty).
    pub sent: u64,
    /// When the next beat is due (UTC ms).
    pub next: Option<i64>,
}

/// The channel-state namespace of the heartbeat's settings.
pub const HEARTBEAT: &str = "heartbeat";

/// The heartbeat checklist file.
pub fn heartbeat_file(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join("HEARTBEAT.md")
}

#[derive(Debug, Clone)]
pub struct HeartbeatSettings {
    /// Beats are on (`[heartbeat] enabled`); off, the actor only keeps the checklist.
    pub beats: bool,
    pub agent_name: String,
    pub data_dir: PathBuf,
    pub timezone: Tz,
    /// Minutes between beats (the owner's `HEARTBEAT_INTERVAL` overrides it).
    pub interval_minutes: u32,
    /// Test hook: beat every this long instead, not clock-aligned.
    pub every: Option<Duration>,
    pub active: Option<(NaiveTime, NaiveTime)>,
    /// Where the owner is reached.
    pub channel: String,
    pub recipient: String,
    pub provider_name: String,
    pub prices: std::collections::BTreeMap<String, omega_core::config::Price>,
    /// The daily caps a beat's call is checked against (it counts as the owner's), and the
    /// model a request goes to (for its price).
    pub budget: omega_core::config::BudgetConfig,
    pub model: String,
    /// "Now", for beat times and the prompt (injected: tests move it by hand).
    pub clock: omega_core::clock::SharedClock,
}

/// The Heartbeat's collaborators.
#[derive(Clone)]
pub struct HeartbeatDeps {
    pub store: Store,
    pub provider: Route<Complete>,
    /// Reads the answers (and carries out what they ask for the owner).
    pub markers: Route<ProcessOutput>,
    pub outbox: Route<Dispatch>,
}

pub struct Heartbeat {
    deps: HeartbeatDeps,
    settings: HeartbeatSettings,
    timer: Option<SpawnHandle>,
    state: HeartbeatState,
    /// Shutting down: no beat is started any more.
    paused: bool,
    _guard: ChildGuard,
}

impl Heartbeat {
    pub fn new(deps: HeartbeatDeps, settings: HeartbeatSettings, guard: ChildGuard) -> Self {
        Self { deps, settings, timer: None, state: HeartbeatState::default(), paused: false, _guard: guard }
    }

    fn arm(&mut self, ctx: &mut Context<Self>) {
        let store = self.deps.store.clone();
        ctx.spawn(
            async move { store.channel_state(HEARTBEAT, "interval_minutes").await }.into_actor(self).map(
                |stored, act, ctx| {
                    if let Some(h) = act.timer.take() {
                        ctx.cancel_future(h);
                    }
                    if act.paused || !act.settings.beats {
                        return;
                    }
                    let minutes = stored
                        .ok()
                        .flatten()
                        .and_then(|v| v.parse::<u32>().ok())
                        .unwrap_or(act.settings.interval_minutes)
                        .clamp(1, 1440);
                    let now = act.settings.clock.now();
                    let next = match act.settings.every {
                        Some(d) => now + CDuration::from_std(d).unwrap_or_default(),
                        None => next_beat(now, act.settings.timezone, minutes, act.settings.active),
                    };
                    act.state.next = Some(omega_memory::millis(next));
                    let wait = (next - now).to_std().unwrap_or_default().min(Duration::from_secs(3600));
                    act.timer = Some(ctx.run_later(wait, |act, ctx| {
                        act.timer = None;
                        if act
                            .state
                            .next
                            .is_some_and(|n| n <= omega_memory::millis(act.settings.clock.now()) + 50)
                        {
                            act.beat(ctx);
                        } else {
                            act.arm(ctx); // woke early to follow the wall clock
                        }
                    }));
                },
            ),
        );
    }

    fn beat(&mut self, ctx: &mut Context<Self>) {
        if self.paused || !self.settings.beats {
            return;
        }
        let (deps, settings) = (self.deps.clone(), self.settings.clone());
        ctx.spawn(async move { beat(&deps, &settings).await }.into_actor(self).map(|sent, act, ctx| {
            act.state.beats += 1;
            if sent {
                act.state.sent += 1;
            }
            act.arm(ctx);
        }));
    }
}

/// The next clock-aligned beat after `now` inside the active hours.
pub fn next_beat(
    now: DateTime<Utc>,
    tz: Tz,
    minutes: u32,
    active: Option<(NaiveTime, NaiveTime)>,
) -> DateTime<Utc> {
    let local = now.with_timezone(&tz).naive_local();
    let midnight = local.date().and_hms_opt(0, 0, 0).unwrap_or(local);
    let step = CDuration::minutes(i64::from(minutes.max(1)));
    let elapsed = local - midnight;
    let first = elapsed.num_minutes() / step.num_minutes() + 1;
    for k in first..first + 3 * 1440 {
        let slot = midnight + step * k as i32;
        let t = omega_core::when::local_to_utc(slot, tz);
        let inside = active.is_none_or(|(a, b)| {
            let time = slot.time();
            if a <= b { time >= a && time < b } else { time >= a || time < b }
        });
        if t > now && inside {
            return t;
        }
    }
    now + step
}

/// The checklist without the muted sections (`## Name` headings); `None` when nothing is left.
pub fn checklist(text: &str, muted: &[String]) -> Option<String> {
    let mut out = String::new();
    let mut skipping = false;
    let mut items = 0;
    for line in text.lines() {
        let t = line.trim();
        if let Some(h) = t.strip_prefix('#') {
            let name = h.trim_start_matches('#').trim();
            skipping = muted.iter().any(|m| m.eq_ignore_ascii_case(name));
            if !skipping && t.starts_with("##") {
                out.push_str(line);
                out.push('\n');
            }
            continue;
        }
        if skipping || t.is_empty() {
            continue;
        }
        if t.starts_with("- ") || t.starts_with("* ") {
            items += 1;
        }
        out.push_str(line);
        out.push('\n');
    }
    (items > 0).then_some(out)
}

/// One beat. Returns whether something was sent to the owner.
async fn beat(deps: &HeartbeatDeps, s: &HeartbeatSettings) -> bool {
    let store = &deps.store;
    let mut text = crate::blocking::read_text(heartbeat_file(&s.data_dir)).await.unwrap_or_default();
    // The owner's active project may have a checklist of its own.
    let owner_key = store
        .memory_key(omega_core::SessionKey::new(&s.channel, &s.recipient).as_str())
        .await
        .unwrap_or_default();
    let owner_facts = store.facts(&owner_key).await.unwrap_or_default();
    let fact = |key: &str| owner_facts.iter().find(|f| f.key == key).map(|f| f.value.clone());
    let project = fact("active_project");
    let lang = omega_core::i18n::Lang::of_person(fact("preferred_language").as_deref(), "");
    let extra = match &project {
        Some(p) => crate::blocking::read_text(s.data_dir.join("projects").join(p).join("HEARTBEAT.md")).await,
        None => None,
    };
    // What the beat sets or learns belongs to the project whose checklist it went through.
    let scope = match (project, extra) {
        (Some(p), Some(extra)) => {
            text.push_str(&format!("\n## Project {p}\n{extra}\n"));
            p
        }
        _ => String::new(),
    };
    let muted: Vec<String> = store
        .channel_state(HEARTBEAT, "suppressed")
        .await
        .ok()
        .flatten()
        .map(|m| m.lines().filter(|l| !l.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default();
    let Some(list) = checklist(&text, &muted) else { return false };
    // Only the owner's own data.
    let owner = omega_core::SessionKey::new(&s.channel, &s.recipient);
    let owner = store.memory_key(owner.as_str()).await.unwrap_or_else(|_| owner.as_str().to_owned());
    let facts = store.facts(&owner).await.unwrap_or_default();
    let tasks = store.pending_tasks(&s.channel, &s.recipient).await.unwrap_or_default();
    let mut system = format!(
        "You are {}, running a periodic check for your owner. Go through the checklist. If something \
         needs the owner's attention, say so briefly. If nothing does, answer with the single line \
         HEARTBEAT_OK.\nCurrent time: {} ({}).",
        s.agent_name,
        s.clock.now().with_timezone(&s.timezone).format("%A %Y-%m-%d %H:%M"),
        s.timezone.name()
    );
    if !facts.is_empty() {
        system.push_str("\nAbout the owner:");
        for f in &facts {
            system.push_str(&format!("\n- {}: {}", f.key, f.value));
        }
    }
    if !tasks.is_empty() {
        system.push_str("\nThe owner's pending tasks:");
        for t in tasks.iter().take(20) {
            let due = omega_core::when::format_local(omega_memory::from_millis(t.due_at), s.timezone);
            system.push_str(&format!("\n- {} — {due}", t.description));
        }
    }
    let request = ChatRequest {
        system,
        messages: vec![ChatMessage::new(Role::User, format!("Heartbeat checklist:\n{list}"))],
        max_tokens: Some(800),
        ..ChatRequest::default()
    };
    let mut audit = BackgroundCall {
        channel: s.channel.clone(),
        sender_id: s.recipient.clone(),
        purpose: "(heartbeat)".into(),
        provider: Some(s.provider_name.clone()),
        at: Some(s.clock.now()),
        ..BackgroundCall::default()
    };
    let caps = crate::spend::Caps {
        budget: &s.budget,
        timezone: s.timezone,
        now: s.clock.now(),
        prices: &s.prices,
        model: &s.model,
    };
    let who = (s.channel.as_str(), s.recipient.as_str());
    let under_way = crate::spend::UnderWay::default();
    if let Err(refusal) = crate::spend::check_call(store, &caps, who, under_way, &request, 0).await {
        tracing::warn!(%refusal, "heartbeat skipped: a daily budget would be exceeded");
        return false;
    }
    let response = match deps.provider.send(Complete { request, deltas: None }).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "heartbeat call failed");
            audit.error = Some(e.to_string());
            let _ = store.audit_background(audit).await;
            return false;
        }
        Err(e) => {
            tracing::warn!(error = %e, "heartbeat: provider actor not running");
            return false;
        }
    };
    crate::summarizer::record_response(&mut audit, &response, &s.prices);
    let _ = store.audit_background(audit).await;
    // What it asks for is done for the owner; what it did is told even when all is well.
    let who = Who {
        channel: s.channel.clone(),
        sender_id: s.recipient.clone(),
        reply_target: s.recipient.clone(),
        task: None,
        project: scope,
        message: None,
        in_job: false,
    };
    let processed = match deps
        .markers
        .send(ProcessOutput { text: response.text, untrusted: Vec::new(), who })
        .await
    {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(error = %e, "heartbeat: the markers actor is not running; the answer is dropped");
            return false;
        }
    };
    let lines: Vec<String> =
        processed.confirmations.iter().map(|c| omega_core::i18n::confirmation(c, lang)).collect();
    let report = !processed.heartbeat_ok && !processed.text.trim().is_empty();
    let text = match (report, lines.is_empty()) {
        (false, true) => {
            tracing::info!("heartbeat: nothing to report");
            return false;
        }
        (false, false) => lines.join("\n"),
        (true, true) => processed.text,
        (true, false) => format!("{}\n\n{}", processed.text.trim_end(), lines.join("\n")),
    };
    let out = Outbound {
        channel: s.channel.clone(),
        recipient: s.recipient.clone(),
        kind: OutboundKind::Notice,
        text,
        in_reply_to: None,
    };
    match store.enqueue(&out).await {
        Ok(row) => {
            deps.outbox.do_send(Dispatch(row));
            true
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot queue the heartbeat message");
            false
        }
    }
}

impl Actor for Heartbeat {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        self.arm(ctx);
    }
}

impl Handler<RearmHeartbeat> for Heartbeat {
    type Result = ();

    fn handle(&mut self, _: RearmHeartbeat, ctx: &mut Context<Self>) {
        self.arm(ctx);
    }
}

/// The clock moved (a manual clock in a test, a wall-clock jump): a beat that fell due in the
/// jump is made now; otherwise the timer is set again from the clock.
#[derive(Message, Debug, Clone, Copy)]
#[rtype(result = "()")]
pub struct ClockMoved;

impl Handler<ClockMoved> for Heartbeat {
    type Result = ();

    fn handle(&mut self, _: ClockMoved, ctx: &mut Context<Self>) {
        let due = self.state.next.is_some_and(|n| n <= omega_memory::millis(self.settings.clock.now()));
        // Only while waiting for that beat (a timer is set); a beat under way re-arms itself.
        if let Some(h) = self.timer.take() {
            ctx.cancel_future(h);
            if due { self.beat(ctx) } else { self.arm(ctx) }
        }
    }
}

impl Handler<Pause> for Heartbeat {
    type Result = ();

    fn handle(&mut self, _: Pause, ctx: &mut Context<Self>) {
        self.paused = true;
        if let Some(h) = self.timer.take() {
            ctx.cancel_future(h);
        }
    }
}

impl Handler<EditChecklist> for Heartbeat {
    type Result = ResponseActFuture<Self, Confirmation>;

    fn handle(&mut self, msg: EditChecklist, _: &mut Context<Self>) -> Self::Result {
        let (store, file) = (self.deps.store.clone(), heartbeat_file(&self.settings.data_dir));
        let interval = matches!(msg, EditChecklist::Interval(_));
        Box::pin(
            async move {
                let not_saved =
                    |e: omega_memory::MemoryError| Confirmation::NotSaved { error: e.to_string() };
                match msg {
                    EditChecklist::Add(item) => edit_file(file, move |text| with_item(text, &item)).await,
                    EditChecklist::Remove(item) => {
                        edit_file(file, move |text| without_item(text, &item)).await
                    }
                    EditChecklist::Interval(minutes) => {
                        match store
                            .set_channel_state(HEARTBEAT, "interval_minutes", &minutes.to_string())
                            .await
                        {
                            Ok(()) => Confirmation::HeartbeatEvery { minutes },
                            Err(e) => not_saved(e),
                        }
                    }
                    EditChecklist::Skip(section) => {
                        let mut muted = match muted_sections(&store).await {
                            Ok(m) => m,
                            Err(e) => return not_saved(e),
                        };
                        if !muted.iter().any(|s| s.eq_ignore_ascii_case(&section)) {
                            muted.push(section.clone());
                        }
                        match store.set_channel_state(HEARTBEAT, "suppressed", &muted.join("\n")).await {
                            Ok(()) => Confirmation::SectionSkipped { section },
                            Err(e) => not_saved(e),
                        }
                    }
                    EditChecklist::Check(section) => {
                        let mut muted = match muted_sections(&store).await {
                            Ok(m) => m,
                            Err(e) => return not_saved(e),
                        };
                        muted.retain(|s| !s.eq_ignore_ascii_case(&section));
                        match store.set_channel_state(HEARTBEAT, "suppressed", &muted.join("\n")).await {
                            Ok(()) => Confirmation::SectionChecked { section },
                            Err(e) => not_saved(e),
                        }
                    }
                }
            }
            .into_actor(self)
            .map(move |done, act, ctx| {
                if interval && !done.failed() {
                    act.arm(ctx);
                }
                done
            }),
        )
    }
}

async fn muted_sections(store: &Store) -> Result<Vec<String>, omega_memory::MemoryError> {
    Ok(store
        .channel_state(HEARTBEAT, "suppressed")
        .await?
        .map(|s| s.lines().map(str::to_owned).filter(|l| !l.is_empty()).collect())
        .unwrap_or_default())
}

/// Read the checklist, change it with `change` (the new text, or why nothing changes), write it.
async fn edit_file(
    file: PathBuf,
    change: impl FnOnce(Option<String>) -> Result<(String, Confirmation), Confirmation> + Send + 'static,
) -> Confirmation {
    crate::blocking::off_thread(move || {
        let (text, done) = match change(std::fs::read_to_string(&file).ok()) {
            Ok(changed) => changed,
            Err(unchanged) => return unchanged,
        };
        match std::fs::write(&file, text) {
            Ok(()) => done,
            Err(e) => Confirmation::ChecklistNotSaved { error: e.to_string() },
        }
    })
    .await
    .unwrap_or_else(|| Confirmation::ChecklistNotSaved { error: "the file could not be reached".into() })
}

/// The checklist with `item` added as a `- ` line (a new checklist when there is none yet).
pub fn with_item(text: Option<String>, item: &str) -> Result<(String, Confirmation), Confirmation> {
    let item = item.trim();
    let mut text = text.unwrap_or_else(|| "# Heartbeat checklist\n\n".into());
    if text.lines().any(|l| l.trim_start_matches(['-', '*', ' ']).trim().eq_ignore_ascii_case(item)) {
        return Err(Confirmation::ChecklistHas { item: item.into() });
    }
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&format!("- {item}\n"));
    Ok((text, Confirmation::ChecklistAdded { item: item.into() }))
}

/// The checklist without the items that contain `item` (case-insensitive).
pub fn without_item(text: Option<String>, item: &str) -> Result<(String, Confirmation), Confirmation> {
    let text = text.ok_or(Confirmation::NoChecklist)?;
    let needle = item.trim().to_lowercase();
    let is_item = |l: &str| {
        let t = l.trim_start();
        (t.starts_with("- ") || t.starts_with("* ")) && t[2..].to_lowercase().contains(&needle)
    };
    let removed: Vec<String> =
        text.lines().filter(|l| is_item(l)).map(|l| l.trim_start()[2..].trim().to_owned()).collect();
    if removed.is_empty() {
        return Err(Confirmation::NotOnChecklist { item: item.into() });
    }
    let kept: String = text.lines().filter(|l| !is_item(l)).map(|l| format!("{l}\n")).collect();
    Ok((kept, Confirmation::ChecklistRemoved { items: removed }))
}

impl Handler<GetHeartbeat> for Heartbeat {
    type Result = HeartbeatState;

    fn handle(&mut self, _: GetHeartbeat, _: &mut Context<Self>) -> HeartbeatState {
        self.state
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn beats_are_clock_aligned_and_stay_inside_the_active_hours() {
        let lisbon = chrono_tz::Europe::Lisbon;
        let now = Utc.with_ymd_and_hms(2026, 11, 25, 10, 7, 0).unwrap();
        assert_eq!(next_beat(now, lisbon, 30, None), Utc.with_ymd_and_hms(2026, 11, 25, 10, 30, 0).unwrap());
        assert_eq!(next_beat(now, lisbon, 60, None), Utc.with_ymd_and_hms(2026, 11, 25, 11, 0, 0).unwrap());
        let day =
            Some((NaiveTime::from_hms_opt(8, 0, 0).unwrap(), NaiveTime::from_hms_opt(22, 0, 0).unwrap()));
        let late = Utc.with_ymd_and_hms(2026, 11, 25, 21, 45, 0).unwrap();
        assert_eq!(next_beat(late, lisbon, 60, day), Utc.with_ymd_and_hms(2026, 11, 26, 8, 0, 0).unwrap());
    }

    #[test]
    fn muted_sections_are_left_out_and_an_empty_list_means_no_call() {
        let text = "# Heartbeat checklist\n\n- check disk space\n\n## Email\n- unread from the bank\n\n## Garden\n- water the tomatoes\n";
        let list = checklist(text, &["email".into()]).unwrap();
        assert!(list.contains("check disk space") && list.contains("water the tomatoes"), "{list}");
        assert!(!list.contains("bank"), "{list}");
        assert_eq!(checklist("# Heartbeat checklist\n", &[]), None);
        assert_eq!(checklist("## Email\n- x\n", &["Email".into()]), None);
    }
}
