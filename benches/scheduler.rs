//! 100,000 pending tasks: does the Scheduler's bookkeeping slow start-up or message handling?
//!
//! `cargo bench --bench scheduler` prints how long it takes, with 100,000 pending tasks in the
//! database (1,000 senders × 100), to open the store, find the next due time (what the Scheduler
//! does on start and after every change), fire the one task that is due, and read one sender's
//! pending tasks (what every message's prompt does). Size: OMEGA_BENCH_TASKS.

use chrono::{Duration as CDuration, Utc};
use omega_memory::Store;
use omega_memory::schedule::FirePolicy;
use omega_memory::tasks::NewTask;
use std::time::{Duration, Instant};

fn percentile(mut v: Vec<Duration>, p: f64) -> Duration {
    v.sort();
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let n: usize = std::env::var("OMEGA_BENCH_TASKS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async move {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("memory.db");
        let store = Store::open(&path).await.unwrap();
        let t = Instant::now();
        let now = Utc::now();
        for chunk in (0..n).collect::<Vec<_>>().chunks(1000) {
            let jobs = chunk.iter().map(|i| {
                store.create_task(NewTask {
                    channel: "telegram".into(),
                    sender_id: format!("{}", i % 1000),
                    reply_target: format!("{}", i % 1000),
                    kind: "reminder".into(),
                    description: format!("task {i}"),
                    due_at: now + CDuration::minutes(10 + (*i as i64 % 100_000)),
                    timezone: "Europe/Lisbon".into(),
                    repeat: (i % 3 == 0).then(|| "daily".into()),
                    project: String::new(),
                })
            });
            for r in futures::future::join_all(jobs).await {
                r.unwrap();
            }
        }
        println!("created {n} pending tasks in {:.1} s", t.elapsed().as_secs_f64());
        store.close().await;

        let t = Instant::now();
        let store = Store::open(&path).await.unwrap();
        let next = store.next_due().await.unwrap();
        println!(
            "start-up: open the store and find the next due task: {:.1} ms",
            t.elapsed().as_secs_f64() * 1e3
        );
        assert!(next.is_some());

        let mut times = Vec::new();
        for _ in 0..1000 {
            let t = Instant::now();
            store.next_due().await.unwrap();
            times.push(t.elapsed());
        }
        println!(
            "next_due (after every task change): p50 {:?}, p99 {:?}",
            percentile(times.clone(), 0.5),
            percentile(times, 0.99)
        );

        let mut times = Vec::new();
        for s in 0..1000 {
            let t = Instant::now();
            let tasks = store.pending_tasks("telegram", &format!("{s}")).await.unwrap();
            times.push(t.elapsed());
            assert_eq!(tasks.len(), n / 1000);
        }
        println!(
            "pending_tasks of one sender (every message's prompt): p50 {:?}, p99 {:?}",
            percentile(times.clone(), 0.5),
            percentile(times, 0.99)
        );

        store
            .create_task(NewTask {
                channel: "telegram".into(),
                sender_id: "due".into(),
                reply_target: "due".into(),
                kind: "reminder".into(),
                description: "due now".into(),
                due_at: now - CDuration::seconds(1),
                timezone: "UTC".into(),
                repeat: None,
                project: String::new(),
            })
            .await
            .unwrap();
        let t = Instant::now();
        let fired = store.fire_due(Utc::now(), &FirePolicy::default()).await.unwrap();
        println!("fire the one due task among {n}: {:.2} ms", t.elapsed().as_secs_f64() * 1e3);
        assert_eq!(fired.len(), 1);
        store.close().await;
    });
}
