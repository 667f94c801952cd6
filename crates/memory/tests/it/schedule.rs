//! Firing due tasks with an injected "now": no waiting, every edge case.

use chrono::{DateTime, NaiveTime, TimeZone, Utc};
use omega_memory::Store;
use omega_memory::schedule::FirePolicy;
use omega_memory::tasks::NewTask;

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn new(kind: &str, desc: &str, due: DateTime<Utc>, repeat: Option<&str>) -> NewTask {
    NewTask {
        channel: "telegram".into(),
        sender_id: "7".into(),
        reply_target: "7".into(),
        kind: kind.into(),
        description: desc.into(),
        due_at: due,
        timezone: "Europe/Lisbon".into(),
        repeat: repeat.map(str::to_owned),
        project: String::new(),
    }
}

async fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("memory.db")).await.unwrap();
    (dir, s)
}

#[tokio::test]
async fn a_reminder_fires_once_into_the_outbox() {
    let (_d, s) = store().await;
    let due = at(2026, 11, 26, 9, 0);
    s.create_task(new("reminder", "call mom", due, None)).await.unwrap();
    assert_eq!(s.next_due().await.unwrap(), Some(omega_memory::millis(due)));
    assert!(s.fire_due(due - chrono::Duration::seconds(1), &FirePolicy::default()).await.unwrap().is_empty());
    let fired = s.fire_due(due, &FirePolicy::default()).await.unwrap();
    assert_eq!(fired.len(), 1);
    let msg = fired[0].message.as_ref().unwrap();
    assert_eq!(
        (msg.channel.as_str(), msg.recipient.as_str(), msg.kind.as_str()),
        ("telegram", "7", "notice")
    );
    assert_eq!(msg.text, "⏰ Reminder: call mom");
    assert!(s.fire_due(due, &FirePolicy::default()).await.unwrap().is_empty(), "never twice");
    assert_eq!(s.next_due().await.unwrap(), None, "an idle schedule has nothing to wait for");
    assert_eq!(s.undelivered().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_daily_reminder_moves_to_the_same_local_time_across_the_clock_change() {
    let (_d, s) = store().await;
    let due = at(2026, 10, 24, 8, 0); // 09:00 in Lisbon (summer time)
    s.create_task(new("reminder", "vitamins", due, Some("daily"))).await.unwrap();
    let fired = s.fire_due(due, &FirePolicy::default()).await.unwrap();
    assert!(fired[0].message.is_some());
    assert_eq!(
        s.next_due().await.unwrap(),
        Some(omega_memory::millis(at(2026, 10, 25, 9, 0))),
        "09:00 winter time"
    );
}

#[tokio::test]
async fn missed_reminders_fire_once_marked_late_or_are_skipped() {
    let (_d, s) = store().await;
    let due = at(2026, 11, 20, 9, 0);
    s.create_task(new("reminder", "once, missed", due, None)).await.unwrap();
    s.create_task(new("reminder", "daily, missed", due, Some("daily"))).await.unwrap();
    let now = at(2026, 11, 25, 12, 0);
    let fired = s.fire_due(now, &FirePolicy::default()).await.unwrap();
    assert_eq!(fired.len(), 2, "one message each, not one per missed day");
    for f in &fired {
        assert!(f.late);
        let text = &f.message.as_ref().unwrap().text;
        assert!(text.contains("(late: this was due Fri 20 Nov 09:00 while I was not running)"), "{text}");
    }
    assert_eq!(s.next_due().await.unwrap(), Some(omega_memory::millis(at(2026, 11, 26, 9, 0))));

    let (_d, s) = store().await;
    s.create_task(new("reminder", "daily, missed", due, Some("daily"))).await.unwrap();
    let skip = FirePolicy { skip_missed: true, ..FirePolicy::default() };
    let fired = s.fire_due(now, &skip).await.unwrap();
    assert!(fired[0].message.is_none(), "skipped");
    assert_eq!(
        s.next_due().await.unwrap(),
        Some(omega_memory::millis(at(2026, 11, 26, 9, 0))),
        "but not lost"
    );
}

#[tokio::test]
async fn quiet_hours_hold_a_reminder_until_they_end() {
    let (_d, s) = store().await;
    let due = at(2026, 11, 25, 23, 0); // 23:00 Lisbon
    s.create_task(new("reminder", "late thought", due, None)).await.unwrap();
    let quiet = FirePolicy {
        quiet: Some((NaiveTime::from_hms_opt(22, 0, 0).unwrap(), NaiveTime::from_hms_opt(7, 0, 0).unwrap())),
        ..FirePolicy::default()
    };
    let fired = s.fire_due(due, &quiet).await.unwrap();
    assert!(fired.is_empty(), "nothing is sent in quiet hours");
    assert_eq!(s.next_due().await.unwrap(), Some(omega_memory::millis(at(2026, 11, 26, 7, 0))));
    let fired = s.fire_due(at(2026, 11, 26, 7, 0), &quiet).await.unwrap();
    assert_eq!(fired[0].message.as_ref().unwrap().text, "⏰ Reminder: late thought");
}

#[tokio::test]
async fn actions_are_claimed_run_and_finished_and_resumed_after_a_crash() {
    let (_d, s) = store().await;
    let due = at(2026, 11, 26, 9, 0);
    let t = s.create_task(new("action", "summarize my inbox", due, None)).await.unwrap();
    let fired = s.fire_due(due, &FirePolicy::default()).await.unwrap();
    assert!(fired[0].run && fired[0].message.is_none());
    assert!(s.fire_due(due, &FirePolicy::default()).await.unwrap().is_empty(), "claimed: not fired twice");
    // Omega stopped while it ran: on start it is due again, once.
    assert_eq!(s.requeue_claimed().await.unwrap(), 1);
    let fired = s.fire_due(due, &FirePolicy::default()).await.unwrap();
    assert_eq!(fired[0].task.retry_count, 1);
    s.finish_action(&t.id, None).await.unwrap();
    assert_eq!(s.requeue_claimed().await.unwrap(), 0);
    assert_eq!(s.next_due().await.unwrap(), None);
}
