//! Daily spending caps as arithmetic: what a call is estimated to cost and whether it would take
//! a sender (or everyone) over today's cap. The Session reads what was spent and asks this.

use crate::config::BudgetConfig;

/// Spent so far today (or estimated for one call).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Spent {
    pub usd: f64,
    pub tokens: i64,
}

/// A call's prompt, estimated at four characters a token and priced at `input_usd_per_mtok`. The
/// answer's cost cannot be known in advance, so a cap can be overshot by at most one answer.
pub fn estimate(prompt_chars: usize, input_usd_per_mtok: Option<f64>) -> Spent {
    let tokens = (prompt_chars / 4) as i64;
    Spent { tokens, usd: input_usd_per_mtok.map_or(0.0, |p| tokens as f64 * p / 1_000_000.0) }
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

/// Which cap a call would break.
#[derive(Debug, Clone, PartialEq)]
pub enum Over {
    SenderUsd { spent: f64, cap: f64 },
    SenderTokens { spent: i64, cap: u64 },
    Total { usd: f64, tokens: i64 },
}

/// The first cap `call` would break, given what the sender (`mine`) and everyone (`all`, when
/// the overall caps are set) spent today.
pub fn check(b: &BudgetConfig, mine: Spent, all: Option<Spent>, call: Spent) -> Option<Over> {
    if b.daily_usd_per_sender > 0.0 && mine.usd + call.usd > b.daily_usd_per_sender {
        return Some(Over::SenderUsd { spent: mine.usd, cap: b.daily_usd_per_sender });
    }
    if b.daily_tokens_per_sender > 0 && mine.tokens + call.tokens > b.daily_tokens_per_sender as i64 {
        return Some(Over::SenderTokens { spent: mine.tokens, cap: b.daily_tokens_per_sender });
    }
    let all = all?;
    let over_usd = b.daily_usd_total > 0.0 && all.usd + call.usd > b.daily_usd_total;
    let over_tokens = b.daily_tokens_total > 0 && all.tokens + call.tokens > b.daily_tokens_total as i64;
    (over_usd || over_tokens).then_some(Over::Total { usd: all.usd, tokens: all.tokens })
}

impl Over {
    /// What the person is told, in `lang`; `tz` is the zone whose midnight resets the caps, `name`
    /// Omega's.
    pub fn explain(&self, tz: &str, name: &str, lang: crate::i18n::Lang) -> String {
        use crate::tr;
        match self {
            Self::SenderUsd { spent, cap } => {
                tr!(
                    lang,
                    "budget-sender-usd",
                    spent = format!("{spent:.4}"),
                    cap = format!("{cap:.2}"),
                    tz = tz
                )
            }
            Self::SenderTokens { spent, cap } => {
                tr!(lang, "budget-sender-tokens", spent = *spent, cap = *cap, tz = tz)
            }
            Self::Total { usd, tokens } => {
                tr!(lang, "budget-total", name = name, usd = format!("{usd:.4}"), tokens = *tokens, tz = tz)
            }
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
        let call = estimate(400, Some(3.0)); // 100 tokens, $0.0003
        assert_eq!(call, Spent { tokens: 100, usd: 0.0003 });
        assert_eq!(check(&b, Spent { usd: 0.5, tokens: 0 }, Some(Spent::default()), call), None);
        assert_eq!(
            check(&b, Spent { usd: 0.9999, tokens: 0 }, Some(Spent::default()), call),
            Some(Over::SenderUsd { spent: 0.9999, cap: 1.0 })
        );
        assert_eq!(
            check(&b, Spent::default(), Some(Spent { usd: 0.0, tokens: 950 }), call),
            Some(Over::Total { usd: 0.0, tokens: 950 })
        );
        assert!(!capped(&BudgetConfig::default()));
    }
}
