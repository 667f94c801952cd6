//! Daily spending caps as arithmetic: what a call is estimated to cost and whether it would take
//! a sender (or everyone) over today's cap. The Session reads what was spent and asks this.

use crate::config::BudgetConfig;

/// Spent so far today (or estimated for one call).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Spent {
    pub usd: f64,
    pub tokens: i64,
}

/// A call's prompt of `tokens` (estimated by the caller), priced at `input_usd_per_mtok`. The
/// answer's cost cannot be known in advance, so a cap can be overshot by at most one answer.
pub fn estimate(tokens: i64, input_usd_per_mtok: Option<f64>) -> Spent {
    Spent { tokens, usd: input_usd_per_mtok.map_or(0.0, |p| tokens as f64 * p / 1_000_000.0) }
}

impl std::ops::Add for Spent {
    type Output = Self;
    fn add(self, o: Self) -> Self {
        Self { usd: self.usd + o.usd, tokens: self.tokens + o.tokens }
    }
}

/// The start of the user's day at `now`, in UTC milliseconds.
pub fn start_of_today(now: chrono::DateTime<chrono::Utc>, tz: chrono_tz::Tz) -> i64 {
    use chrono::TimeZone;
    let now = now.with_timezone(&tz);
    let midnight = now.date_naive().and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.timestamp_millis())
        .unwrap_or(now.timestamp_millis())
}

/// Whether any cap is set (only then is anything read or estimated).
pub fn capped(b: &BudgetConfig) -> bool {
    b.daily_usd_per_sender > 0.0
        || b.daily_tokens_per_sender > 0
        || b.daily_usd_total > 0.0
        || b.daily_tokens_total > 0
}

/// Whether the overall caps are set (only then is everyone's spend read).
pub fn capped_total(b: &BudgetConfig) -> bool {
    b.daily_usd_total > 0.0 || b.daily_tokens_total > 0
}

/// Which cap a call would break: what was spent today, the cap, and what the call needs. When
/// less than the cap was spent, the call alone would take it over ("this message needs about…");
/// otherwise the day's budget is used up.
#[derive(Debug, Clone, PartialEq)]
pub enum Over {
    SenderUsd { spent: f64, cap: f64, needs: f64 },
    SenderTokens { spent: i64, cap: u64, needs: i64 },
    Total { usd: f64, tokens: i64, needs: Spent },
}

/// The first cap `call` would break, given what the sender (`mine`) and everyone (`all`, when
/// the overall caps are set) spent today.
pub fn check(b: &BudgetConfig, mine: Spent, all: Option<Spent>, call: Spent) -> Option<Over> {
    if b.daily_usd_per_sender > 0.0 && mine.usd + call.usd > b.daily_usd_per_sender {
        return Some(Over::SenderUsd { spent: mine.usd, cap: b.daily_usd_per_sender, needs: call.usd });
    }
    if b.daily_tokens_per_sender > 0 && mine.tokens + call.tokens > b.daily_tokens_per_sender as i64 {
        return Some(Over::SenderTokens {
            spent: mine.tokens,
            cap: b.daily_tokens_per_sender,
            needs: call.tokens,
        });
    }
    let all = all?;
    let over_usd = b.daily_usd_total > 0.0 && all.usd + call.usd > b.daily_usd_total;
    let over_tokens = b.daily_tokens_total > 0 && all.tokens + call.tokens > b.daily_tokens_total as i64;
    (over_usd || over_tokens).then_some(Over::Total { usd: all.usd, tokens: all.tokens, needs: call })
}

impl Over {
    /// Whether today's cap is used up (rather than the call alone being too big for what is left).
    pub fn reached(&self, b: &BudgetConfig) -> bool {
        match self {
            Self::SenderUsd { spent, cap, .. } => spent >= cap,
            Self::SenderTokens { spent, cap, .. } => *spent >= *cap as i64,
            Self::Total { usd, tokens, .. } => {
                (b.daily_usd_total > 0.0 && *usd >= b.daily_usd_total)
                    || (b.daily_tokens_total > 0 && *tokens >= b.daily_tokens_total as i64)
            }
        }
    }

    /// What the person is told, in `lang`; `b` the caps, `tz` the zone whose midnight resets
    /// them, `name` Omega's.
    pub fn explain(&self, b: &BudgetConfig, tz: &str, name: &str, lang: crate::i18n::Lang) -> String {
        use crate::tr;
        let reached = self.reached(b);
        match self {
            Self::SenderUsd { spent, cap, .. } if reached => {
                tr!(
                    lang,
                    "budget-sender-usd",
                    spent = format!("{spent:.4}"),
                    cap = format!("{cap:.2}"),
                    tz = tz
                )
            }
            Self::SenderUsd { spent, cap, needs } => tr!(
                lang,
                "budget-needs-usd",
                needs = format!("{needs:.4}"),
                left = format!("{:.4}", cap - spent),
                cap = format!("{cap:.2}"),
                tz = tz
            ),
            Self::SenderTokens { spent, cap, .. } if reached => {
                tr!(lang, "budget-sender-tokens", spent = *spent, cap = *cap, tz = tz)
            }
            Self::SenderTokens { spent, cap, needs } => {
                tr!(
                    lang,
                    "budget-needs-tokens",
                    needs = *needs,
                    left = *cap as i64 - spent,
                    cap = *cap,
                    tz = tz
                )
            }
            Self::Total { usd, tokens, .. } if reached => {
                tr!(lang, "budget-total", name = name, usd = format!("{usd:.4}"), tokens = *tokens, tz = tz)
            }
            Self::Total { usd, tokens, needs } => tr!(
                lang,
                "budget-total-needs",
                name = name,
                needs = needs.tokens,
                usd = format!("{usd:.4}"),
                tokens = *tokens,
                tz = tz
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_cap_a_call_would_break_is_named() {
        let b =
            BudgetConfig { daily_usd_per_sender: 1.0, daily_tokens_total: 1000, ..BudgetConfig::default() };
        let call = estimate(100, Some(3.0)); // $0.0003
        assert_eq!(call, Spent { tokens: 100, usd: 0.0003 });
        assert_eq!(check(&b, Spent { usd: 0.5, tokens: 0 }, Some(Spent::default()), call), None);
        assert_eq!(
            check(&b, Spent { usd: 0.9999, tokens: 0 }, Some(Spent::default()), call),
            Some(Over::SenderUsd { spent: 0.9999, cap: 1.0, needs: 0.0003 })
        );
        assert_eq!(
            check(&b, Spent::default(), Some(Spent { usd: 0.0, tokens: 950 }), call),
            Some(Over::Total { usd: 0.0, tokens: 950, needs: call })
        );
        assert!(!capped(&BudgetConfig::default()));
    }

    /// A cap smaller than one message's prompt once answered "You've reached today's token
    /// budget: 0 of 40 tokens used": nothing was used, the message was too big for what was left.
    #[test]
    fn a_message_bigger_than_what_is_left_is_told_what_it_needs() {
        let b = BudgetConfig { daily_tokens_per_sender: 40, ..BudgetConfig::default() };
        let lang = crate::i18n::Lang::En;
        let over = check(&b, Spent::default(), None, estimate(120, None)).unwrap();
        assert_eq!(over, Over::SenderTokens { spent: 0, cap: 40, needs: 120 });
        let text = over.explain(&b, "UTC", "Omega", lang);
        assert!(text.starts_with("This message needs about 120 tokens; 40 of 40 are left today."), "{text}");
        let used_up = check(&b, Spent { usd: 0.0, tokens: 41 }, None, estimate(1, None)).unwrap();
        let text = used_up.explain(&b, "UTC", "Omega", lang);
        assert!(text.starts_with("You've reached today's token budget: 41 of 40 tokens used."), "{text}");
    }
}
