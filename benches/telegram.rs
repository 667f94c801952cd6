//! The number a person feels: the real `omega start` binary, over teloxide, against the testkit's
//! wire-accurate fake Telegram Bot API, with an instant OpenAI-compatible fake as the provider.
//! N senders each send a message and wait for its answer before the next (a closed loop), so what
//! is measured is Omega's whole path through a channel: long polling, the inbox write, the
//! provider call over HTTP, the outcome's transaction, `sendMessage`, the delivered mark.
//!
//! `cargo bench --bench telegram` prints messages/s and latency percentiles (from the update
//! being offered to the bot to the answer arriving), and the daemon's RSS after the run.
//! Sizes: OMEGA_LOAD_SENDERS (50), OMEGA_LOAD_PER_SENDER (20). OMEGA_BENCH_BIN drives another
//! `omega` binary than this build's (to compare builds: profiles, features) with the same load.

use omega_testkit::telegram::FakeTelegram;
use omega_testkit::{FakeOpenAi, TempHome};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

const TOKEN: &str = "123456:LOAD-token";
/// Telegram user ids of the senders start here.
const FIRST: i64 = 100_000;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Each stage's mean time per message, from the daemon's own `/metrics`.
fn print_stages(port: u16) {
    use std::io::{Read, Write};
    let mut text = String::new();
    if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
        let _ = s.write_all(b"GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
        let _ = s.read_to_string(&mut text);
    }
    let value = |name: &str, stage: &str| -> Option<f64> {
        let key = format!("{name}{{stage=\"{stage}\"}} ");
        text.lines().find_map(|l| l.strip_prefix(&key)).and_then(|v| v.trim().parse().ok())
    };
    let mut line = String::from("  mean per message, by stage:");
    for stage in omega_actors::stages::STAGES {
        if let (Some(sum), Some(n)) =
            (value("omega_stage_seconds_sum", stage), value("omega_stage_seconds_count", stage))
            && n > 0.0
        {
            line.push_str(&format!("  {stage} {:.2} ms", sum / n * 1000.0));
        }
    }
    println!("{line}");
}

/// CPU seconds (user + system) a process has used so far.
fn cpu_secs(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command's closing parenthesis, from the state (field 3) on: utime
    // and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let field = |n: usize| f.get(n - 3).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // In clock ticks: USER_HZ, 100 on Linux.
    (field(14) + field(15)) / 100.0
}

fn main() {
    // `cargo test --benches` runs this too: then only a handful of messages, as a smoke check.
    let quick = !std::env::args().any(|a| a == "--bench");
    let senders = if quick { 2 } else { env("OMEGA_LOAD_SENDERS", 50) };
    let per = if quick { 2 } else { env("OMEGA_LOAD_PER_SENDER", 20) };
    let (home, tg, ai) = (TempHome::new(), FakeTelegram::start(TOKEN), FakeOpenAi::start());
    // Instant: the fake paces its streamed chunks (2 ms each) unless told not to.
    ai.set_chunk_delay(Duration::ZERO);
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let users: Vec<String> = (0..senders as i64).map(|i| (FIRST + i).to_string()).collect();
    home.write_config(&format!(
        "[provider]\ndefault = \"openai\"\n\n[provider.openai]\nbase_url = \"{}\"\nmodel = \"m\"\n\n\
         [api]\nport = {port}\n\n[session]\nbusy_ack = \"\"\n\n\
         [channel.telegram]\nenabled = true\nbot_token = \"{TOKEN}\"\napi_url = \"{}\"\n\
         allowed_users = [{}]\npoll_timeout_secs = 1\n",
        ai.base_url(),
        tg.api_url(),
        users.join(", ")
    ));
    let bin = std::env::var("OMEGA_BENCH_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_omega").to_owned());
    let mut daemon = std::process::Command::new(&bin)
        .arg("--config")
        .arg(home.config_path())
        .arg("start")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start omega");
    let up = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(up.elapsed() < Duration::from_secs(20), "omega start did not come up");
        std::thread::sleep(Duration::from_millis(5));
    }
    let startup = up.elapsed();
    // Idle with Telegram connected: the bot is long polling, no message yet.
    while !tg.calls().iter().any(|(method, _)| method == "getupdates") {
        assert!(up.elapsed() < Duration::from_secs(20), "omega did not start polling Telegram");
        std::thread::sleep(Duration::from_millis(5));
    }
    let idle_rss = rss_kib(daemon.id());
    // One message each first: sessions started, connections warm.
    for i in 0..senders as i64 {
        tg.send_text(FIRST + i, "hello");
    }
    for i in 0..senders as i64 {
        assert!(tg.wait_sent_to(FIRST + i, 1, Duration::from_secs(60)), "no answer to the warm-up");
    }

    let tg = Arc::new(tg);
    let start = Arc::new(Barrier::new(senders + 1));
    let threads: Vec<_> = (0..senders as i64)
        .map(|i| {
            let (tg, start) = (tg.clone(), start.clone());
            std::thread::spawn(move || {
                let user = FIRST + i;
                let mut took = Vec::with_capacity(per);
                start.wait();
                for n in 0..per {
                    let t = Instant::now();
                    tg.send_text(user, &format!("message {n}"));
                    assert!(tg.wait_sent_to(user, n + 2, Duration::from_secs(60)), "no answer from omega");
                    took.push(t.elapsed());
                }
                took
            })
        })
        .collect();
    start.wait();
    let (daemon_cpu, own_cpu) = (cpu_secs(daemon.id()), cpu_secs(std::process::id()));
    let t = Instant::now();
    let mut all: Vec<Duration> = threads.into_iter().flat_map(|h| h.join().unwrap()).collect();
    let elapsed = t.elapsed();
    all.sort();
    let total = all.len();
    println!("telegram load (real omega start, teloxide, fake Bot API, instant fake provider)");
    println!(
        "  {senders} senders x {per} messages = {total}, closed loop: {:.2}s -> {:.0} messages/s",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64()
    );
    println!(
        "  latency: p50 {:.1?}  p90 {:.1?}  p99 {:.1?}  max {:.1?}",
        percentile(&all, 0.5),
        percentile(&all, 0.9),
        percentile(&all, 0.99),
        all[total - 1]
    );
    println!(
        "  {bin}: API up after {startup:.1?}; RSS idle with Telegram connected {idle_rss} KiB, after the run {} KiB",
        rss_kib(daemon.id())
    );
    // On a small machine the fakes and the senders share the cores with the daemon.
    println!(
        "  CPU during the run: omega {:.2}s, the fakes and senders {:.2}s, of {:.2}s x {} cores",
        cpu_secs(daemon.id()) - daemon_cpu,
        cpu_secs(std::process::id()) - own_cpu,
        elapsed.as_secs_f64(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    print_stages(port);
    // Long conversations also get the summarizer's compaction calls: count the person's messages.
    let asked = ai
        .requests()
        .iter()
        .filter(|r| r.last_user_message().is_some_and(|m| m == "hello" || m.starts_with("message ")))
        .count();
    assert_eq!(asked, senders * (per + 1), "every message reached the provider once");
    let _ = daemon.kill();
    let _ = daemon.wait();
}
