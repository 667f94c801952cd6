//! The rules serde cannot express, checked after loading (and for a `Config` built in code).

use super::*;

/// Rules serde cannot express. Returns (key, reason) pairs.
pub(super) fn validate(c: &Config) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut bad = |k: &str, r: String| out.push((k.to_owned(), r));
    if c.omega.data_dir.trim().is_empty() {
        bad("omega.data_dir", "must not be empty".into());
    }
    if !c.omega.timezone.is_empty() && c.omega.timezone.parse::<chrono_tz::Tz>().is_err() {
        bad(
            "omega.timezone",
            format!(
                "`{}` is not an IANA time zone (for example \"Europe/Lisbon\" or \"UTC\")",
                c.omega.timezone
            ),
        );
    }
    if !["error", "warn", "info", "debug", "trace"].contains(&c.omega.log_level.as_str()) {
        bad(
            "omega.log_level",
            format!("`{}` is not one of error, warn, info, debug, trace", c.omega.log_level),
        );
    }
    if !["text", "json"].contains(&c.log.format.as_str()) {
        bad("log.format", format!("`{}` is not \"text\" or \"json\"", c.log.format));
    }
    if !["daily", "hourly", "never"].contains(&c.log.rotation.as_str()) {
        bad("log.rotation", format!("`{}` is not one of daily, hourly, never", c.log.rotation));
    }
    if !PROVIDERS.contains(&c.provider.default.as_str()) {
        let hint = strsim_closest(&c.provider.default, PROVIDERS.iter().copied())
            .map(|s| format!("; did you mean \"{s}\"?"))
            .unwrap_or_default();
        bad(
            "provider.default",
            format!(
                "unknown provider \"{}\" (this build has: {}){hint}",
                c.provider.default,
                PROVIDERS.join(", ")
            ),
        );
    }
    for (i, name) in c.provider.fallback.iter().enumerate() {
        if !PROVIDERS.contains(&name.as_str()) {
            bad(
                "provider.fallback",
                format!("unknown provider \"{name}\" (this build has: {})", PROVIDERS.join(", ")),
            );
        } else if *name == c.provider.default || c.provider.fallback[..i].contains(name) {
            bad(
                "provider.fallback",
                format!("\"{name}\" is listed twice (the default provider is tried first anyway)"),
            );
        }
    }
    for (key, v) in [
        ("budget.daily_usd_per_sender", c.budget.daily_usd_per_sender),
        ("budget.daily_usd_total", c.budget.daily_usd_total),
    ] {
        if !(v.is_finite() && v >= 0.0) {
            bad(key, "must be 0 (no cap) or a positive amount of USD".into());
        }
    }
    for (key, v) in [
        ("jobs.max_running", c.jobs.max_running as u64),
        ("jobs.per_sender", c.jobs.per_sender as u64),
        ("jobs.max_pending_per_sender", c.jobs.max_pending_per_sender as u64),
        ("jobs.timeout_mins", c.jobs.timeout_mins),
    ] {
        if v == 0 {
            bad(key, "must be at least 1 (turn jobs off with jobs.enabled = false)".into());
        }
    }
    for (model, p) in &c.prices {
        if [p.input_per_mtok, p.output_per_mtok, p.cached_input_per_mtok.unwrap_or(0.0)]
            .iter()
            .any(|x| !(x.is_finite() && *x >= 0.0))
        {
            bad(&format!("prices.{model}"), "prices must be zero or positive".into());
        }
    }
    if !["auto", "searxng", "brave", "tavily", ""].contains(&c.web.search.as_str()) {
        bad(
            "web.search",
            format!("`{}` is not one of auto, searxng, brave, tavily, or \"\" (none)", c.web.search),
        );
    }
    let web = &c.web;
    match web.search.as_str() {
        "searxng" if web.searxng_url.trim().is_empty() => {
            bad("web.searxng_url", "is needed for search = \"searxng\" (your instance's address)".into())
        }
        "brave" if web.brave_api_key.is_empty() => {
            bad("web.brave_api_key", "is needed for search = \"brave\" (or set BRAVE_API_KEY)".into())
        }
        "tavily" if web.tavily_api_key.is_empty() => {
            bad("web.tavily_api_key", "is needed for search = \"tavily\" (or set TAVILY_API_KEY)".into())
        }
        _ => {}
    }
    for (key, url) in [
        ("web.searxng_url", &web.searxng_url),
        ("web.brave_url", &web.brave_url),
        ("web.tavily_url", &web.tavily_url),
    ] {
        if !(url.is_empty() || url.starts_with("http://") || url.starts_with("https://")) {
            bad(key, format!("`{url}` is not an http:// or https:// URL"));
        }
    }
    if web.timeout_secs == 0 || web.max_bytes == 0 || web.max_chars == 0 {
        bad("web", "timeout_secs, max_bytes and max_chars must be above 0".into());
    }
    for (name, server) in &c.mcp.servers {
        let key = format!("mcp.servers.{name}");
        if name.is_empty() || !name.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_') {
            bad(&key, "server names may use letters, digits, `-` and `_` only".into());
        }
        match (server.command.trim().is_empty(), server.url.trim().is_empty()) {
            (true, true) => {
                bad(&key, "needs `command` (a stdio server) or `url` (a streamable-HTTP server)".into())
            }
            (false, false) => bad(&key, "has both `command` and `url`; keep one".into()),
            (true, false) if !(server.url.starts_with("http://") || server.url.starts_with("https://")) => {
                bad(&format!("{key}.url"), format!("`{}` is not an http:// or https:// URL", server.url))
            }
            _ => {}
        }
    }
    if !c.scheduler.quiet_hours.trim().is_empty() && c.scheduler.quiet().is_none() {
        bad(
            "scheduler.quiet_hours",
            format!("`{}` is not a range like \"22:00-07:00\"", c.scheduler.quiet_hours),
        );
    }
    let hb = &c.heartbeat;
    if !hb.active_hours.trim().is_empty() && hours_range(&hb.active_hours).is_none() {
        bad("heartbeat.active_hours", format!("`{}` is not a range like \"08:00-22:00\"", hb.active_hours));
    }
    if hb.enabled && (hb.channel.trim().is_empty() || hb.recipient.trim().is_empty()) {
        bad(
            "heartbeat",
            "the heartbeat is enabled but has nowhere to report: set heartbeat.channel and heartbeat.recipient".into(),
        );
    }
    if hb.interval_minutes == 0 || hb.interval_minutes > 1440 {
        bad("heartbeat.interval_minutes", "must be between 1 and 1440".into());
    }
    if c.tools.max_turns == 0 {
        bad("tools.max_turns", "must be at least 1 (set tools.enabled = false to turn tools off)".into());
    }
    if c.tools.timeout_secs == 0 {
        bad("tools.timeout_secs", "must be at least 1".into());
    }
    if c.provider.max_attempts == 0 || c.provider.max_attempts > 10 {
        bad("provider.max_attempts", "must be between 1 and 10".into());
    }
    if c.provider.max_concurrent == 0 {
        bad("provider.max_concurrent", "must be at least 1".into());
    }
    let oa = &c.provider.openai;
    if !(oa.base_url.starts_with("http://") || oa.base_url.starts_with("https://")) {
        bad("provider.openai.base_url", format!("`{}` is not an http:// or https:// URL", oa.base_url));
    }
    if oa.timeout_secs == 0 {
        bad("provider.openai.timeout_secs", "must be at least 1".into());
    }
    let an = &c.provider.anthropic;
    if !(an.base_url.starts_with("http://") || an.base_url.starts_with("https://")) {
        bad("provider.anthropic.base_url", format!("`{}` is not an http:// or https:// URL", an.base_url));
    }
    if an.timeout_secs == 0 {
        bad("provider.anthropic.timeout_secs", "must be at least 1".into());
    }
    if oa.model.trim().is_empty() {
        bad("provider.openai.model", "must not be empty".into());
    }
    if c.api.enabled {
        let loopback = matches!(c.api.host.as_str(), "127.0.0.1" | "::1" | "localhost");
        if !loopback && c.api.api_key.is_empty() {
            bad(
                "api.api_key",
                format!(
                    "api.host is {} (reachable from other machines) but api.api_key is empty; set a key or bind 127.0.0.1",
                    c.api.host
                ),
            );
        }
        if c.api.host.parse::<std::net::IpAddr>().is_err() && c.api.host != "localhost" {
            bad("api.host", format!("`{}` is not an IP address", c.api.host));
        }
    }
    if c.memory.max_context_messages == 0 {
        bad("memory.max_context_messages", "must be at least 1".into());
    }
    if !(c.voice.base_url.starts_with("http://") || c.voice.base_url.starts_with("https://")) {
        bad("voice.base_url", format!("`{}` is not an http:// or https:// URL", c.voice.base_url));
    }
    let tg = &c.channel.telegram;
    if tg.enabled && tg.bot_token.is_empty() {
        bad(
            "channel.telegram.bot_token",
            "the Telegram channel is enabled but has no bot token; set TELEGRAM_BOT_TOKEN or [channel.telegram] bot_token (from @BotFather)".into(),
        );
    }
    if !(tg.api_url.starts_with("http://") || tg.api_url.starts_with("https://")) {
        bad("channel.telegram.api_url", format!("`{}` is not an http:// or https:// URL", tg.api_url));
    }
    if tg.poll_timeout_secs > 50 {
        bad("channel.telegram.poll_timeout_secs", "must be at most 50 (Telegram's limit)".into());
    }
    let wa = &c.channel.whatsapp;
    if wa.enabled && wa.mode == super::WhatsAppMode::Cloud {
        let missing = |v: bool, key: &str, what: &str| (!v).then(|| (key.to_owned(), what.to_owned()));
        let checks = [
            missing(
                !wa.phone_number_id.trim().is_empty(),
                "channel.whatsapp.phone_number_id",
                "the Cloud API needs the sending number's id (the app's WhatsApp settings)",
            ),
            missing(
                !wa.access_token.is_empty(),
                "channel.whatsapp.access_token",
                "the Cloud API needs an access token; set WHATSAPP_ACCESS_TOKEN or [channel.whatsapp] access_token",
            ),
            missing(
                !wa.app_secret.is_empty(),
                "channel.whatsapp.app_secret",
                "the Cloud API needs the app secret, to check that webhook posts come from Meta",
            ),
            missing(
                !wa.verify_token.is_empty(),
                "channel.whatsapp.verify_token",
                "the Cloud API needs a verify token, the one you enter when you set up the webhook",
            ),
        ];
        for (key, why) in checks.into_iter().flatten() {
            bad(&key, why);
        }
    }
    if !(wa.api_url.starts_with("http://") || wa.api_url.starts_with("https://")) {
        bad("channel.whatsapp.api_url", format!("`{}` is not an http:// or https:// URL", wa.api_url));
    }
    if let Some(u) = wa.allowed_users.iter().find(|u| u.is_empty() || !u.chars().all(|c| c.is_ascii_digit()))
    {
        bad(
            "channel.whatsapp.allowed_users",
            format!("`{u}` is not a phone number in digits only (country code first, no + or spaces)"),
        );
    }
    if c.channel.terminal.sender_id.trim().is_empty() {
        bad("channel.terminal.sender_id", "must not be empty".into());
    }
    out
}

pub(super) fn strsim_closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}
