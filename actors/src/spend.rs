//! Daily spending caps, checked before every call Omega makes: a message's (each tool-loop turn,
//! each routed step, the router's classifier), a summary's, a compaction's, a heartbeat's. A
//! call is measured against what the audit log holds for today, plus what the message it is for
//! has spent so far, plus the call's own prompt (`omega_providers::estimate`). The arithmetic is
//! `omega_core::budget`'s. When today's spend cannot be read, nothing is spent: the cap fails
//! closed.

use omega_core::budget::{Over, Spent, capped, capped_total, check, estimate, start_of_today};
use omega_core::config::{BudgetConfig, Price};
use omega_core::i18n::Lang;
use omega_memory::Store;
use omega_providers::ChatRequest;
use std::collections::BTreeMap;

/// The caps and what prices them.
pub struct Caps<'a> {
    pub budget: &'a BudgetConfig,
    pub timezone: chrono_tz::Tz,
    pub now: chrono::DateTime<chrono::Utc>,
    pub prices: &'a BTreeMap<String, Price>,
    /// The model a request that names none goes to (for its input price).
    pub model: &'a str,
}

/// Why a call is not made.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    Over(Over),
    /// Today's spend could not be read.
    Unreadable(String),
}

impl Refusal {
    /// What the person is told.
    pub fn explain(&self, caps: &Caps<'_>, name: &str, lang: Lang) -> String {
        match self {
            Self::Over(over) => over.explain(caps.budget, caps.timezone.name(), name, lang),
            Self::Unreadable(error) => omega_core::tr!(lang, "budget-unreadable", error = error.as_str()),
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Over(over) => write!(f, "daily budget: {over:?}"),
            Self::Unreadable(e) => write!(f, "today's spend cannot be read: {e}"),
        }
    }
}

/// Whether `request`, for `who` (channel, sender), may be sent, `so_far` having been spent on
/// the same message already (not yet in the audit log).
pub async fn check_call(
    store: &Store,
    caps: &Caps<'_>,
    who: (&str, &str),
    so_far: Spent,
    request: &ChatRequest,
) -> Result<(), Refusal> {
    let b = caps.budget;
    if !capped(b) {
        return Ok(());
    }
    let since = start_of_today(caps.now, caps.timezone);
    let model = if request.model.is_empty() { caps.model } else { &request.model };
    let price = omega_providers::pricing::price_for(model, caps.prices).map(|p| p.input_per_mtok);
    let call = estimate(omega_providers::estimate::request_tokens(request) as i64, price);
    let read = |e: omega_memory::MemoryError| Refusal::Unreadable(e.to_string());
    let spent = |s: omega_memory::audit::Spend| Spent { usd: s.usd, tokens: s.tokens } + so_far;
    let mine = spent(store.spend_since(Some(who), since).await.map_err(read)?);
    let all = match capped_total(b) {
        true => Some(spent(store.spend_since(None, since).await.map_err(read)?)),
        false => None,
    };
    match check(b, mine, all, call) {
        Some(over) => Err(Refusal::Over(over)),
        None => Ok(()),
    }
}
