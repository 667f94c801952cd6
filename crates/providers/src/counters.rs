//! What the retry and fallback layers did, counted for `/metrics`: retries and fallback answers
//! per provider. Process-wide, as Prometheus counters are (a program that embeds two Omegas
//! sees their sum).

use parking_lot::Mutex;
use std::collections::BTreeMap;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Counts {
    /// Calls tried again after a transient failure, per provider.
    pub retries: BTreeMap<String, u64>,
    /// Answers given by a fallback after the providers before it failed, per provider.
    pub fallback_answers: BTreeMap<String, u64>,
}

static COUNTS: Mutex<Counts> =
    Mutex::new(Counts { retries: BTreeMap::new(), fallback_answers: BTreeMap::new() });

pub(crate) fn retried(provider: &str) {
    *COUNTS.lock().retries.entry(provider.to_owned()).or_default() += 1;
}

pub(crate) fn answered_by_fallback(provider: &str) {
    *COUNTS.lock().fallback_answers.entry(provider.to_owned()).or_default() += 1;
}

/// The counts so far.
pub fn snapshot() -> Counts {
    COUNTS.lock().clone()
}
