//! Load test of the whole runtime: real actors, real SQLite (WAL, synchronous=NORMAL), an instant
//! in-process provider, so what is measured is Omega's own overhead.
//!
//! `cargo bench --bench pipeline` prints:
//! - per-message latency (p50/p99) for one sender at a time, end to end: Gateway → Session
//!   (inbox write) → Provider → Markers → store (conversation, audit, outbox) → Outbox → channel
//!   → delivered mark;
//! - throughput with many senders at once;
//! - resident memory of this process idle and with 1,000 live sessions;
//! - resident memory of the real `omega start` daemon, idle.
//!
//! Sizes can be changed with OMEGA_BENCH_SEQ, OMEGA_BENCH_SENDERS, OMEGA_BENCH_PER_SENDER.

use async_trait::async_trait;
use omega::{ChatRequest, ChatResponse, Config, Provider, ProviderError, Runtime};
use omega_providers::{DeltaSink, Usage};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug)]
struct Instant0;

#[async_trait]
impl Provider for Instant0 {
    fn name(&self) -> &str {
        "instant"
    }
    fn default_model(&self) -> &str {
        "instant"
    }
    async fn complete(&self, req: ChatRequest, _: Option<DeltaSink>) -> Result<ChatResponse, ProviderError> {
        let last = req.messages.last().map(|m| m.content.len()).unwrap_or(0);
        Ok(ChatResponse {
            text: format!("ok {last}"),
            model: "instant".into(),
            usage: Some(Usage {
                input_tokens: 1,
                output_tokens: 1,
                cached_tokens: 0,
                cache_write_tokens: 0,
                estimated: false,
            }),
            finish_reason: Some("stop".into()),
            ..Default::default()
        })
    }
    async fn check(&self) -> Result<(), ProviderError> {
        Ok(())
    }
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn config(dir: &std::path::Path) -> Config {
    let mut c = Config::default();
    c.omega.data_dir = dir.display().to_string();
    c.omega.timezone = "UTC".into();
    c.provider.max_concurrent = 64;
    c.session.idle_timeout_secs = 3600;
    c.session.busy_ack = String::new();
    c.memory.max_context_messages = 20;
    if std::env::var("OMEGA_BENCH_NO_SUMMARIZER").is_ok() {
        c.memory.idle_minutes = 0;
    }
    if std::env::var("OMEGA_BENCH_NO_TOOLS").is_ok() {
        c.tools.enabled = false;
    }
    if std::env::var("OMEGA_BENCH_NO_RECALL").is_ok() {
        c.memory.recall_messages = 0;
    }
    c
}

async fn runtime(dir: &std::path::Path) -> Runtime {
    Runtime::builder(config(dir))
        .http(false)
        .local_channel("bench")
        .provider(Arc::new(Instant0))
        .start()
        .await
        .expect("runtime")
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this once, tiny.
    let quick = std::env::args().any(|a| a == "--test") || !std::env::args().any(|a| a == "--bench");
    let seq = if quick { 50 } else { env_usize("OMEGA_BENCH_SEQ", 2000) };
    let senders = if quick { 10 } else { env_usize("OMEGA_BENCH_SENDERS", 200) };
    let per_sender = if quick { 5 } else { env_usize("OMEGA_BENCH_PER_SENDER", 50) };
    let sessions = if quick { 50 } else { 1000 };

    let pid = std::process::id();
    actix_rt::System::new().block_on(async move {
        let dir = tempfile::tempdir().unwrap();
        let rt = runtime(dir.path()).await;
        // Warm up: first session, first statements prepared.
        for i in 0..20 {
            rt.ask("bench", "warm", &format!("warm {i}")).await.unwrap();
        }
        let idle_rss = rss_kib(pid);

        // 1. Latency, one message at a time.
        let mut lat = Vec::with_capacity(seq);
        for i in 0..seq {
            let t = Instant::now();
            let r = rt.ask("bench", "solo", &format!("message {i}")).await.unwrap();
            lat.push(t.elapsed());
            assert_eq!(r.kind, omega::OutboundKind::Reply);
        }
        lat.sort();
        let (p50, p90, p99, p999) =
            (percentile(&lat, 0.50), percentile(&lat, 0.90), percentile(&lat, 0.99), percentile(&lat, 0.999));

        // 2. Throughput, many senders at once.
        let total = senders * per_sender;
        let t = Instant::now();
        let rt_ref = &rt;
        let work = (0..senders).map(|s| async move {
            for m in 0..per_sender {
                rt_ref.ask("bench", &format!("sender{s}"), &format!("m{m}")).await.unwrap();
            }
        });
        futures::future::join_all(work).await;
        let elapsed = t.elapsed();
        let per_sec = total as f64 / elapsed.as_secs_f64();

        // 3. Memory with many live sessions.
        let asks = (0..sessions).map(|s| async move {
            rt_ref.ask("bench", &format!("live{s}"), "hi").await.unwrap();
        });
        futures::future::join_all(asks).await;
        let live = rt.session_count().await;
        let sessions_rss = rss_kib(pid);
        let stats = rt.store().stats().await.unwrap();
        rt.shutdown().await;

        println!("pipeline benchmark (instant provider, real SQLite WAL+NORMAL, 2 arbiters)");
        println!(
            "  sequential, 1 sender, {seq} messages: p50 {} µs  p90 {} µs  p99 {} µs  p99.9 {} µs",
            p50.as_micros(),
            p90.as_micros(),
            p99.as_micros(),
            p999.as_micros()
        );
        println!(
            "  concurrent, {senders} senders x {per_sender} messages = {total}: {:.2?} -> {:.0} messages/s",
            elapsed, per_sec
        );
        println!(
            "  RSS of the bench process: idle {} KiB, with {live} live sessions {} KiB",
            idle_rss, sessions_rss
        );
        println!("  database after the run: {} KiB, {} messages", stats.size_bytes / 1024, stats.messages);
    });

    // 4. The real daemon, idle.
    let home = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_omega"))
        .arg("--data-dir")
        .arg(home.path())
        .arg("start")
        .env("OMEGA_API__PORT", port.to_string())
        .env("OMEGA_PROVIDER__OPENAI__BASE_URL", "http://127.0.0.1:9/v1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start omega");
    let t = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() && t.elapsed() < Duration::from_secs(20)
    {
        std::thread::sleep(Duration::from_millis(5));
    }
    let startup = t.elapsed();
    std::thread::sleep(Duration::from_secs(if quick { 0 } else { 2 }));
    let daemon_rss = rss_kib(child.id());
    let _ = child.kill();
    let _ = child.wait();
    println!("  omega start: API up after {:.0?}; idle RSS {} KiB", startup, daemon_rss);
}
