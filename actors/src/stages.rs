//! How long each stage of answering a message takes, as histograms for `/metrics`: waiting for a
//! turn slot while other senders' turns hold them (`queue`), reading the sender's memory and building the request (`context`), the provider with any tool loop
//! (`provider`), reading markers and carrying out effects (`effects`), storing the outcome and
//! queueing it (`store`), and the channel's delivery (`delivery`). Process-wide, as Prometheus
//! metrics are.

use parking_lot::Mutex;
use std::time::Duration;

/// The stages, in the order a message goes through them.
pub const STAGES: [&str; 6] = ["queue", "context", "provider", "effects", "store", "delivery"];

/// The buckets' upper bounds, seconds (a `+Inf` bucket is the count).
pub const BUCKETS: [f64; 12] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0, 5.0, 30.0];

/// One stage's histogram.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Histogram {
    /// Observations at or below each of [`BUCKETS`] (cumulative).
    pub buckets: [u64; 12],
    pub count: u64,
    pub sum: f64,
}

static HISTOGRAMS: Mutex<[Histogram; 6]> =
    Mutex::new([Histogram { buckets: [0; 12], count: 0, sum: 0.0 }; 6]);

/// Record that `stage` (one of [`STAGES`]) took `took`.
pub fn observe(stage: &str, took: Duration) {
    let Some(i) = STAGES.iter().position(|s| *s == stage) else { return };
    let secs = took.as_secs_f64();
    let mut all = HISTOGRAMS.lock();
    let h = &mut all[i];
    for (bound, n) in BUCKETS.iter().zip(h.buckets.iter_mut()) {
        if secs <= *bound {
            *n += 1;
        }
    }
    h.count += 1;
    h.sum += secs;
}

/// Each stage's histogram so far, in [`STAGES`]' order.
pub fn snapshot() -> [Histogram; 6] {
    *HISTOGRAMS.lock()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_observation_lands_in_its_bucket_and_every_larger_one() {
        let context = STAGES.iter().position(|s| *s == "context").unwrap();
        let before = snapshot()[context];
        observe("context", Duration::from_micros(3000));
        observe("no-such-stage", Duration::from_secs(1));
        let after = snapshot()[context];
        assert_eq!(after.count, before.count + 1);
        assert_eq!(after.buckets[2], before.buckets[2], "3 ms is above 2.5 ms");
        assert_eq!(after.buckets[3], before.buckets[3] + 1, "and at most 5 ms");
        assert_eq!(after.buckets[11], before.buckets[11] + 1);
    }
}
