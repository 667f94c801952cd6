//! Restart budgets: how often a child may crash before its supervisor stops restarting it.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// At most `max_restarts` restarts within any `window`.
#[derive(Debug, Clone)]
pub struct RestartBudget {
    max_restarts: usize,
    window: Duration,
    recent: VecDeque<Instant>,
}

impl RestartBudget {
    pub fn new(max_restarts: usize, window: Duration) -> Self {
        Self { max_restarts, window, recent: VecDeque::new() }
    }

    /// Record a crash at `now`; returns whether a restart is still allowed.
    pub fn allow(&mut self, now: Instant) -> bool {
        while self.recent.front().is_some_and(|t| now.duration_since(*t) > self.window) {
            self.recent.pop_front();
        }
        if self.recent.len() >= self.max_restarts {
            return false;
        }
        self.recent.push_back(now);
        true
    }
}

impl Default for RestartBudget {
    /// Five restarts a minute.
    fn default() -> Self {
        Self::new(5, Duration::from_secs(60))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_refuses_a_crash_loop_and_recovers_after_the_window() {
        let mut b = RestartBudget::new(3, Duration::from_secs(10));
        let t0 = Instant::now();
        assert!(b.allow(t0));
        assert!(b.allow(t0 + Duration::from_secs(1)));
        assert!(b.allow(t0 + Duration::from_secs(2)));
        assert!(!b.allow(t0 + Duration::from_secs(3)));
        assert!(b.allow(t0 + Duration::from_secs(12)));
    }
}
