//! `GET /metrics`: Prometheus' text format, behind the API's bearer token. Counters come from
//! the store (the inbox, outbox, audit log and tool log are the record of what happened), so
//! the message path counts nothing; gauges from the running actors.

use actix_web::{HttpRequest, HttpResponse, web};
use std::fmt::Write as _;

use super::{ApiError, HttpDeps, authorize, error_response};

/// A metric family being written: `# HELP`, `# TYPE`, then its samples.
struct Out(String);

impl Out {
    fn family(&mut self, name: &str, kind: &str, help: &str) {
        let _ = writeln!(self.0, "# HELP {name} {help}\n# TYPE {name} {kind}");
    }

    fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: f64) {
        let labels: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{}\"", escape(v))).collect();
        let labels = if labels.is_empty() { String::new() } else { format!("{{{}}}", labels.join(",")) };
        let _ = writeln!(self.0, "{name}{labels} {value}");
    }
}

/// A label value as the text format wants it.
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

pub(super) async fn get_metrics(deps: web::Data<HttpDeps>, req: HttpRequest) -> HttpResponse {
    if let Some(r) = authorize(&deps, &req) {
        return r;
    }
    let now = chrono::Utc::now().timestamp_millis();
    let m = match deps.store.metrics(now).await {
        Ok(m) => m,
        Err(e) => return error_response(&ApiError::new(500, "storage", e.to_string())),
    };
    let mut o = Out(String::new());
    o.family("omega_uptime_seconds", "gauge", "Seconds since this Omega started.");
    o.sample("omega_uptime_seconds", &[], deps.started.elapsed().as_secs_f64());

    let per_channel = |status: Option<&str>, rows: &[(String, String, i64)]| {
        let mut by: std::collections::BTreeMap<&str, i64> = Default::default();
        for (c, s, n) in rows {
            if status.is_none_or(|want| want == s) {
                *by.entry(c.as_str()).or_default() += n;
            }
        }
        by.into_iter().map(|(c, n)| (c.to_owned(), n)).collect::<Vec<_>>()
    };
    type Counts = [(String, String, i64)];
    let families: [(&str, &str, &str, Option<&str>, &Counts); 6] = [
        (
            "omega_messages_received_total",
            "counter",
            "Messages received and stored, per channel.",
            None,
            &m.inbox,
        ),
        (
            "omega_messages_failed_total",
            "counter",
            "Messages answered with an error, per channel.",
            Some("failed"),
            &m.inbox,
        ),
        (
            "omega_inbox_pending",
            "gauge",
            "Messages stored and not answered yet, per channel.",
            Some("pending"),
            &m.inbox,
        ),
        (
            "omega_outbox_delivered_total",
            "counter",
            "Replies and notices the channel confirmed.",
            Some("delivered"),
            &m.outbox,
        ),
        (
            "omega_outbox_failed_total",
            "counter",
            "Replies and notices given up on after their retries.",
            Some("failed"),
            &m.outbox,
        ),
        (
            "omega_outbox_pending",
            "gauge",
            "Replies and notices waiting for their channel.",
            Some("pending"),
            &m.outbox,
        ),
    ];
    for (name, kind, help, status, rows) in families {
        o.family(name, kind, help);
        for (channel, n) in per_channel(status, rows) {
            o.sample(name, &[("channel", &channel)], n as f64);
        }
    }

    o.family("omega_provider_calls_total", "counter", "Provider calls, per provider and outcome.");
    for p in &m.providers {
        o.sample("omega_provider_calls_total", &[("provider", &p.provider), ("status", "ok")], p.ok as f64);
        o.sample(
            "omega_provider_calls_total",
            &[("provider", &p.provider), ("status", "error")],
            p.error as f64,
        );
    }
    o.family(
        "omega_provider_tokens_total",
        "counter",
        "Tokens, per provider and kind (cache reads are part of input).",
    );
    for p in &m.providers {
        for (kind, n) in [
            ("input", p.input_tokens),
            ("output", p.output_tokens),
            ("cache_read", p.cache_read_tokens),
            ("cache_write", p.cache_write_tokens),
        ] {
            o.sample("omega_provider_tokens_total", &[("provider", &p.provider), ("kind", kind)], n as f64);
        }
    }
    o.family("omega_provider_cost_usd_total", "counter", "What the calls cost, USD, per provider.");
    for p in &m.providers {
        o.sample("omega_provider_cost_usd_total", &[("provider", &p.provider)], p.cost_usd);
    }
    o.family(
        "omega_provider_cache_hit_ratio",
        "gauge",
        "Input tokens served from the provider's cache, of all input tokens.",
    );
    for p in &m.providers {
        let ratio = if p.input_tokens > 0 { p.cache_read_tokens as f64 / p.input_tokens as f64 } else { 0.0 };
        o.sample("omega_provider_cache_hit_ratio", &[("provider", &p.provider)], ratio);
    }
    o.family("omega_provider_up", "gauge", "1 when the provider's last health check passed.");
    let status = deps.provider.read().clone();
    for s in std::iter::once(&status).chain(status.fallbacks.iter()) {
        o.sample("omega_provider_up", &[("provider", &s.name)], if s.status == "ok" { 1.0 } else { 0.0 });
    }

    o.family(
        "omega_answer_latency_seconds",
        "histogram",
        "Time from taking a message up to its answer, for answers that called a provider.",
    );
    for (bound, n) in omega_memory::metrics::LATENCY_BUCKETS.iter().zip(&m.latency_buckets) {
        o.sample("omega_answer_latency_seconds_bucket", &[("le", &bound.to_string())], *n as f64);
    }
    o.sample("omega_answer_latency_seconds_bucket", &[("le", "+Inf")], m.latency_count as f64);
    o.sample("omega_answer_latency_seconds_sum", &[], m.latency_sum);
    o.sample("omega_answer_latency_seconds_count", &[], m.latency_count as f64);

    o.family(
        "omega_stage_seconds",
        "histogram",
        "Time each stage of answering takes: context (memory and request), provider (with any tool \
         loop), effects (markers), store (the outcome's transaction), delivery (the channel).",
    );
    for (stage, h) in crate::stages::STAGES.iter().zip(crate::stages::snapshot()) {
        for (bound, n) in crate::stages::BUCKETS.iter().zip(h.buckets) {
            let le = bound.to_string();
            o.sample("omega_stage_seconds_bucket", &[("stage", stage), ("le", &le)], n as f64);
        }
        o.sample("omega_stage_seconds_bucket", &[("stage", stage), ("le", "+Inf")], h.count as f64);
        o.sample("omega_stage_seconds_sum", &[("stage", stage)], h.sum);
        o.sample("omega_stage_seconds_count", &[("stage", stage)], h.count as f64);
    }
    let counts = omega_providers::counters::snapshot();
    o.family("omega_provider_retries_total", "counter", "Calls tried again after a transient failure.");
    for (provider, n) in &counts.retries {
        o.sample("omega_provider_retries_total", &[("provider", provider)], *n as f64);
    }
    o.family(
        "omega_provider_fallback_answers_total",
        "counter",
        "Answers given by a fallback provider after the ones before it failed.",
    );
    for (provider, n) in &counts.fallback_answers {
        o.sample("omega_provider_fallback_answers_total", &[("provider", provider)], *n as f64);
    }

    o.family("omega_tool_calls_total", "counter", "Tool calls, per tool and outcome.");
    for (tool, ok, n) in &m.tools {
        o.sample(
            "omega_tool_calls_total",
            &[("tool", tool), ("ok", if *ok { "true" } else { "false" })],
            *n as f64,
        );
    }
    o.family("omega_tasks_pending", "gauge", "Reminders and scheduled actions waiting for their time.");
    o.sample("omega_tasks_pending", &[], m.tasks_pending as f64);
    o.family("omega_scheduler_lag_seconds", "gauge", "How late the most overdue task is (0: none overdue).");
    o.sample("omega_scheduler_lag_seconds", &[], m.scheduler_lag_secs);

    o.family("omega_channel_up", "gauge", "1 while the channel runs.");
    if let Some(channels) = (deps.channels)().as_object() {
        for (name, state) in channels {
            let up = state["running"].as_bool().unwrap_or(false);
            o.sample("omega_channel_up", &[("channel", name)], if up { 1.0 } else { 0.0 });
        }
    }
    HttpResponse::Ok().content_type("text/plain; version=0.0.4; charset=utf-8").body(o.0)
}
