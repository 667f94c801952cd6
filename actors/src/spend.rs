//! Daily spending caps, checked before every call Omega makes: a message's (each tool-loop turn,
//! each routed step, the router's classifier), a summary's, a compaction's, a heartbeat's. A
//! call is measured against what the audit log holds for today, plus what the message it is for
//! and the other messages under way have spent so far ([`InFlight`]), plus the call's own
//! prompt (`omega_providers::estimate`). The arithmetic is
//! `omega_core::budget`'s. When today's spend cannot be read, nothing is spent: the cap fails
//! closed.

use omega_core::budget::{Over, Spent, capped, capped_total, check, estimate, start_of_today};
use omega_core::config::{BudgetConfig, Price};
use omega_core::i18n::Lang;
use omega_memory::Store;
use omega_providers::ChatRequest;
use parking_lot::Mutex;
use std::collections::{BTreeMap, HashMap};

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

/// What the messages under way have spent that the audit log does not hold yet (a message's
/// spend is written with its audit row when it ends): checks count it, so a background job
/// beside its sender's conversation, or many senders at once, cannot each spend the room that
/// is left under a cap. Shared by every session.
#[derive(Debug, Default)]
pub struct InFlight(Mutex<InFlightSums>);

#[derive(Debug, Default)]
struct InFlightSums {
    by_sender: HashMap<(String, String), Spent>,
    total: Spent,
}

impl InFlight {
    /// `s` more spent by a message of `who` under way.
    pub fn add(&self, who: (&str, &str), s: Spent) {
        let mut sums = self.0.lock();
        sums.total = sums.total + s;
        let mine = sums.by_sender.entry((who.0.to_owned(), who.1.to_owned())).or_default();
        *mine = *mine + s;
    }

    /// A message of `who` ended: its `s` is in the audit log now.
    pub fn settle(&self, who: (&str, &str), s: Spent) {
        let mut sums = self.0.lock();
        sums.total = sums.total + Spent { usd: -s.usd, tokens: -s.tokens };
        let key = (who.0.to_owned(), who.1.to_owned());
        if let Some(mine) = sums.by_sender.get_mut(&key) {
            *mine = *mine + Spent { usd: -s.usd, tokens: -s.tokens };
            if mine.tokens <= 0 && mine.usd <= 1e-12 {
                sums.by_sender.remove(&key);
            }
        }
    }

    /// Spent under way: by `who`'s messages, and by everyone's.
    pub fn of(&self, who: (&str, &str)) -> UnderWay {
        let sums = self.0.lock();
        let key = (who.0.to_owned(), who.1.to_owned());
        UnderWay { mine: sums.by_sender.get(&key).copied().unwrap_or_default(), all: sums.total }
    }
}

/// Spend not in the audit log yet that a check counts: the sender's, and everyone's.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct UnderWay {
    pub mine: Spent,
    pub all: Spent,
}

/// Whether `request`, for `who` (channel, sender), may be sent, `under_way` having been spent
/// by messages not in the audit log yet (this one's included); `extra_tokens` are sent beside
/// what `request` holds (the tools' schemas, when they are attached later).
pub async fn check_call(
    store: &Store,
    caps: &Caps<'_>,
    who: (&str, &str),
    under_way: UnderWay,
    request: &ChatRequest,
    extra_tokens: u64,
) -> Result<(), Refusal> {
    let b = caps.budget;
    if !capped(b) {
        return Ok(());
    }
    let since = start_of_today(caps.now, caps.timezone);
    let model = if request.model.is_empty() { caps.model } else { &request.model };
    let price = omega_providers::pricing::price_for(model, caps.prices).map(|p| p.input_per_mtok);
    let tokens = omega_providers::estimate::request_tokens(request) + extra_tokens;
    let call = estimate(tokens as i64, price);
    let read = |e: omega_memory::MemoryError| Refusal::Unreadable(e.to_string());
    let spent = |s: omega_memory::audit::Spend| Spent { usd: s.usd, tokens: s.tokens };
    let mine = spent(store.spend_since(Some(who), since).await.map_err(read)?) + under_way.mine;
    let all = match capped_total(b) {
        true => Some(spent(store.spend_since(None, since).await.map_err(read)?) + under_way.all),
        false => None,
    };
    match check(b, mine, all, call) {
        Some(over) => Err(Refusal::Over(over)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_under_way_counts_for_the_sender_and_everyone_until_settled() {
        let f = InFlight::default();
        let (ann, ben) = (("app", "ann"), ("app", "ben"));
        f.add(ann, Spent { usd: 0.5, tokens: 100 });
        f.add(ann, Spent { usd: 0.25, tokens: 50 });
        f.add(ben, Spent { usd: 0.0, tokens: 10 });
        assert_eq!(
            f.of(ann),
            UnderWay { mine: Spent { usd: 0.75, tokens: 150 }, all: Spent { usd: 0.75, tokens: 160 } }
        );
        f.settle(ann, Spent { usd: 0.75, tokens: 150 });
        assert_eq!(f.of(ann), UnderWay { mine: Spent::default(), all: Spent { usd: 0.0, tokens: 10 } });
        assert!(f.0.lock().by_sender.len() == 1, "a settled sender is forgotten");
    }
}
