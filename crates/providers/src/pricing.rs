//! What a call cost: usage × the model's price. Built-in prices for common models (USD per
//! million tokens, as published by the vendors; check them against your bill), overridden or
//! extended by `[prices]` in the config. A model name matches its longest listed prefix, so
//! `gpt-4o-2024-08-06` is priced as `gpt-4o` and `gpt-4o-mini` as itself. Unknown models (a local
//! llama.cpp, say) have no price: their cost is unknown, not zero, unless the config says 0.

use omega_core::config::Price;
use std::collections::BTreeMap;

use crate::types::Usage;

const fn p(input: f64, output: f64, cached: f64) -> Price {
    Price { input_per_mtok: input, output_per_mtok: output, cached_input_per_mtok: Some(cached) }
}

/// (model prefix, price).
pub const BUILT_IN: &[(&str, Price)] = &[
    ("gpt-4o", p(2.5, 10.0, 1.25)),
    ("gpt-4o-mini", p(0.15, 0.6, 0.075)),
    ("gpt-4.1", p(2.0, 8.0, 0.5)),
    ("gpt-4.1-mini", p(0.4, 1.6, 0.1)),
    ("gpt-4.1-nano", p(0.1, 0.4, 0.025)),
    ("o4-mini", p(1.1, 4.4, 0.275)),
    ("claude-sonnet-4", p(3.0, 15.0, 0.3)),
    ("claude-opus-4", p(15.0, 75.0, 1.5)),
    ("claude-opus-4-5", p(5.0, 25.0, 0.5)),
    ("claude-opus-4-6", p(5.0, 25.0, 0.5)),
    ("claude-haiku-4", p(1.0, 5.0, 0.1)),
    ("claude-3-5-haiku", p(0.8, 4.0, 0.08)),
    ("gemini-2.0-flash", p(0.1, 0.4, 0.025)),
    ("gemini-2.5-flash", p(0.3, 2.5, 0.075)),
    ("gemini-2.5-pro", p(1.25, 10.0, 0.31)),
];

/// The price for `model`: the longest matching prefix, configured prices first.
pub fn price_for(model: &str, configured: &BTreeMap<String, Price>) -> Option<Price> {
    let model = model.rsplit('/').next().unwrap_or(model); // "openai/gpt-4o" (OpenRouter) → "gpt-4o"
    let from_config = configured
        .iter()
        .filter(|(prefix, _)| model.starts_with(prefix.as_str()))
        .max_by_key(|(prefix, _)| prefix.len())
        .map(|(prefix, price)| (prefix.len(), *price));
    let built_in = BUILT_IN
        .iter()
        .filter(|(prefix, _)| model.starts_with(prefix))
        .max_by_key(|(prefix, _)| prefix.len())
        .map(|(prefix, price)| (prefix.len(), *price));
    match (from_config, built_in) {
        (Some(c), Some(b)) if b.0 > c.0 => Some(b.1),
        (Some(c), _) => Some(c.1),
        (None, b) => b.map(|b| b.1),
    }
}

/// The cost of one call in USD, if the model has a price.
pub fn cost_usd(model: &str, usage: &Usage, configured: &BTreeMap<String, Price>) -> Option<f64> {
    let price = price_for(model, configured)?;
    let cached = usage.cached_tokens.min(usage.input_tokens);
    let written = usage.cache_write_tokens.min(usage.input_tokens - cached) as f64;
    let fresh = (usage.input_tokens - cached) as f64 - written;
    let cached_price = price.cached_input_per_mtok.unwrap_or(price.input_per_mtok);
    Some(
        (fresh * price.input_per_mtok
            // Writing to the cache (Anthropic's 5-minute cache) costs 25% more than input.
            + written * price.input_per_mtok * 1.25
            + cached as f64 * cached_price
            + usage.output_tokens as f64 * price.output_per_mtok)
            / 1_000_000.0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(i: u64, o: u64, c: u64) -> Usage {
        Usage { input_tokens: i, output_tokens: o, cached_tokens: c, cache_write_tokens: 0, estimated: false }
    }

    #[test]
    fn longest_prefix_wins() {
        let none = BTreeMap::new();
        assert_eq!(price_for("gpt-4o-2024-08-06", &none).unwrap().input_per_mtok, 2.5);
        assert_eq!(price_for("gpt-4o-mini", &none).unwrap().input_per_mtok, 0.15);
        assert_eq!(price_for("claude-opus-4-6", &none).unwrap().input_per_mtok, 5.0);
        assert_eq!(price_for("claude-opus-4-1", &none).unwrap().input_per_mtok, 15.0);
        assert_eq!(price_for("openai/gpt-4o-mini", &none).unwrap().output_per_mtok, 0.6);
        assert!(price_for("qwen2.5-7b-instruct", &none).is_none());
    }

    #[test]
    fn config_prices_override_and_extend() {
        let mut cfg = BTreeMap::new();
        cfg.insert(
            "qwen".to_string(),
            Price { input_per_mtok: 0.0, output_per_mtok: 0.0, cached_input_per_mtok: None },
        );
        cfg.insert(
            "gpt-4o".to_string(),
            Price { input_per_mtok: 1.0, output_per_mtok: 1.0, cached_input_per_mtok: None },
        );
        assert_eq!(cost_usd("qwen2.5-7b", &usage(1000, 1000, 0), &cfg), Some(0.0));
        assert_eq!(price_for("gpt-4o", &cfg).unwrap().input_per_mtok, 1.0);
        assert_eq!(
            price_for("gpt-4o-mini", &cfg).unwrap().input_per_mtok,
            0.15,
            "a longer built-in prefix still wins"
        );
    }

    #[test]
    fn cached_tokens_are_billed_at_the_cached_rate() {
        let none = BTreeMap::new();
        // 1M input of which 0.5M cached, 0.1M output, on claude-sonnet-4: 0.5×3 + 0.5×0.3 + 0.1×15
        let c = cost_usd("claude-sonnet-4-6", &usage(1_000_000, 100_000, 500_000), &none).unwrap();
        assert!((c - 3.15).abs() < 1e-9, "{c}");
    }
}
