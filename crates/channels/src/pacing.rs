//! Outbound pacing and a liveness watchdog, as arithmetic on times the caller passes in (the
//! channel reads its injected clock), so both are tested without waiting.
//!
//! Pacing keeps a burst (a reminder storm, a heartbeat, a long reply split in parts) from looking
//! like spam to WhatsApp: at most one message per `per_chat` to one chat and one per `global`
//! overall, each gap lengthened by a random share of `jitter`.

use std::collections::HashMap;
use std::time::Duration;

/// When each outgoing message may leave.
#[derive(Debug, Clone)]
pub struct Pacer {
    per_chat: i64,
    global: i64,
    jitter: i64,
    /// When the last message to each chat was allowed to leave (ms).
    chats: HashMap<String, i64>,
    /// The earliest the next message to anyone may leave (ms).
    next_any: i64,
    rng: u64,
}

impl Pacer {
    /// `seed` makes the jitter reproducible (tests); any value works.
    pub fn new(per_chat: Duration, global: Duration, jitter: Duration, seed: u64) -> Self {
        Self {
            per_chat: per_chat.as_millis() as i64,
            global: global.as_millis() as i64,
            jitter: jitter.as_millis() as i64,
            chats: HashMap::new(),
            next_any: i64::MIN,
            rng: seed | 1,
        }
    }

    /// Reserve the next slot for a message to `chat` at `now_ms`: when it may be sent (ms;
    /// `now_ms` itself when nothing is in the way). Slots are handed out in call order.
    pub fn reserve(&mut self, chat: &str, now_ms: i64) -> i64 {
        let mut at = now_ms.max(self.next_any);
        if let Some(last) = self.chats.get(chat) {
            at = at.max(last + self.per_chat + self.jitter_ms());
        }
        self.chats.insert(chat.to_owned(), at);
        self.next_any = at + self.global;
        if self.chats.len() > 10_000 {
            // Forget chats whose gap has long passed.
            let horizon = now_ms - self.per_chat - self.jitter;
            self.chats.retain(|_, t| *t > horizon);
        }
        at
    }

    fn jitter_ms(&mut self) -> i64 {
        if self.jitter <= 0 {
            return 0;
        }
        // xorshift64: plenty for spreading sends out.
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        (self.rng % (self.jitter as u64 + 1)) as i64
    }
}

/// What the watchdog has to say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alert {
    /// Nothing proved the connection alive for this long.
    Stalled { silent_for: Duration },
    /// It is alive again after a stall.
    Recovered,
}

/// Raises one alert when nothing proved a connection alive for `threshold` (a delivered message,
/// an answered ping — not the socket's own "connected" flag), and one when it recovers.
#[derive(Debug, Clone)]
pub struct Watchdog {
    threshold: i64,
    last_alive: i64,
    stalled: bool,
}

impl Watchdog {
    pub fn new(threshold: Duration, now_ms: i64) -> Self {
        Self { threshold: threshold.as_millis() as i64, last_alive: now_ms, stalled: false }
    }

    /// Something proved the connection alive at `now_ms`.
    pub fn alive(&mut self, now_ms: i64) -> Option<Alert> {
        self.last_alive = self.last_alive.max(now_ms);
        std::mem::take(&mut self.stalled).then_some(Alert::Recovered)
    }

    /// Look at the time: a stall is reported once, until the connection is alive again.
    pub fn check(&mut self, now_ms: i64) -> Option<Alert> {
        let silent = now_ms - self.last_alive;
        if self.stalled || silent < self.threshold {
            return None;
        }
        self.stalled = true;
        Some(Alert::Stalled { silent_for: Duration::from_millis(silent as u64) })
    }

    /// When the next check could find a stall (ms).
    pub fn next_check(&self) -> i64 {
        self.last_alive + self.threshold
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_spread_per_chat_and_overall() {
        let mut p = Pacer::new(Duration::from_secs(2), Duration::from_millis(300), Duration::ZERO, 7);
        // Five messages to one chat at once: two seconds apart.
        let slots: Vec<i64> = (0..5).map(|_| p.reserve("ana", 0)).collect();
        assert_eq!(slots, [0, 2000, 4000, 6000, 8000]);
        // Another chat goes in between, but never closer than the global gap to anything.
        assert_eq!(p.reserve("ben", 0), 8300);
        assert_eq!(p.reserve("cid", 100_000), 100_000, "a quiet moment: at once");
    }

    #[test]
    fn jitter_lengthens_gaps_within_its_bound_and_is_reproducible() {
        let gaps = |seed| {
            let mut p = Pacer::new(Duration::from_secs(1), Duration::ZERO, Duration::from_millis(500), seed);
            let slots: Vec<i64> = (0..20).map(|_| p.reserve("ana", 0)).collect();
            slots.windows(2).map(|w| w[1] - w[0]).collect::<Vec<_>>()
        };
        let g = gaps(42);
        assert!(g.iter().all(|d| (1000..=1500).contains(d)), "{g:?}");
        assert!(g.iter().any(|d| *d != g[0]), "the gaps vary");
        assert_eq!(g, gaps(42));
    }

    #[test]
    fn the_watchdog_alerts_once_per_stall_and_once_on_recovery() {
        let mut w = Watchdog::new(Duration::from_secs(600), 0);
        assert_eq!(w.check(599_000), None);
        assert_eq!(w.check(600_000), Some(Alert::Stalled { silent_for: Duration::from_secs(600) }));
        assert_eq!(w.check(900_000), None, "said once");
        assert_eq!(w.alive(901_000), Some(Alert::Recovered));
        assert_eq!(w.alive(902_000), None);
        assert_eq!(w.next_check(), 1_502_000);
        assert_eq!(w.check(1_000_000), None);
    }
}
