use chrono::Utc;
use omega_core::{Inbound, InboxId, OutboundKind};
use omega_memory::conversations::{CallRecord, Exchange};
use omega_memory::inbox::Recorded;
use omega_memory::{MemoryError, Store};
use std::os::unix::fs::PermissionsExt;

fn db(dir: &tempfile::TempDir) -> std::path::PathBuf {
    dir.path().join("data").join("memory.db")
}

fn exchange(id: InboxId, sender: &str, user: &str, reply: &str) -> Exchange {
    Exchange {
        inbox_id: id,
        channel: "http".into(),
        sender_id: sender.into(),
        sender_name: None,
        reply_target: sender.into(),
        user_text: user.into(),
        reply_text: reply.into(),
        note: None,
        kind: OutboundKind::Reply,
        off_the_record: false,
        error: None,
        call: CallRecord {
            provider: Some("openai".into()),
            model: Some("m".into()),
            input_tokens: Some(10),
            output_tokens: Some(5),
            cost_usd: Some(0.001),
            latency_ms: Some(12),
            cache_read_tokens: None,
            cache_write_tokens: None,
            usage_estimated: false,
        },
        at: Utc::now(),
        project: None,
        files: Vec::new(),
    }
}

const LIMITS: omega_memory::context::ContextLimits =
    omega_memory::context::ContextLimits { tasks: 30, lessons: 20, summaries: 3 };

#[tokio::test]
async fn creates_private_dir_and_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    let store = Store::open(&path).await.unwrap();
    let dmode = std::fs::metadata(path.parent().unwrap()).unwrap().permissions().mode() & 0o777;
    let fmode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(dmode, 0o700);
    assert_eq!(fmode, 0o600);
    store.close().await;
}

#[tokio::test]
async fn inbound_duplicates_are_recognized() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db(&dir)).await.unwrap();
    let mut m = Inbound::text("telegram", "42", "hi");
    m.external_id = Some("update-7".into());
    let first = store.record_inbound(&m).await.unwrap();
    let again = store.record_inbound(&m).await.unwrap();
    assert!(matches!(first, Recorded::New(_)));
    assert_eq!(again, Recorded::Duplicate(first.id()));
    // No external id: never a duplicate.
    let a = store.record_inbound(&Inbound::text("http", "a", "x")).await.unwrap();
    let b = store.record_inbound(&Inbound::text("http", "a", "x")).await.unwrap();
    assert_ne!(a.id(), b.id());
    store.close().await;
}

#[tokio::test]
async fn a_message_answered_twice_gets_one_outcome_the_second_exchange_writes_nothing() {
    // Two sessions answering one inbox row (a Gateway restart while an old session's write was
    // queued): the second exchange must not reply, audit or remember anything.
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db(&dir)).await.unwrap();
    let id = store.record_inbound(&Inbound::text("http", "ann", "hello")).await.unwrap().id();
    let first = store.finish_exchange(exchange(id, "ann", "hello", "first answer")).await.unwrap();
    assert!(first.is_some(), "the first outcome is stored");
    let second = store.finish_exchange(exchange(id, "ann", "hello", "second answer")).await.unwrap();
    assert_eq!(second, None, "the row is no longer pending: the second exchange is a no-op");
    let mut error = exchange(id, "ann", "hello", "an error");
    error.kind = omega_core::OutboundKind::Error;
    assert_eq!(store.finish_exchange(error).await.unwrap(), None, "an error outcome is refused too");
    let history = store.history("http", "ann", 50).await.unwrap();
    let texts: Vec<_> = history.iter().map(|m| m.content.as_str()).collect();
    assert_eq!(texts, vec!["hello", "first answer"], "the conversation holds one exchange");
    assert_eq!(store.replies_to(id).await.unwrap().len(), 1, "one reply in the outbox");
    assert_eq!(store.recent_audit(10).await.unwrap().len(), 1, "one audit row");
    store.close().await;
}

#[tokio::test]
async fn an_answered_message_is_remembered_audited_and_queued_in_one_step() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    let store = Store::open(&path).await.unwrap();
    let id = store.record_inbound(&Inbound::text("http", "alice", "hello")).await.unwrap().id();
    assert_eq!(store.unfinished_inbound().await.unwrap().len(), 1);
    let out = store.finish_exchange(exchange(id, "alice", "hello", "hi alice")).await.unwrap().unwrap();
    assert_eq!(out.kind, "reply");
    assert_eq!(out.status, "pending");
    assert!(store.unfinished_inbound().await.unwrap().is_empty());
    let history = store.history("http", "alice", 50).await.unwrap();
    let pairs: Vec<_> = history.iter().map(|m| (m.role.as_str(), m.content.as_str())).collect();
    assert_eq!(pairs, vec![("user", "hello"), ("assistant", "hi alice")]);
    let audit = store.recent_audit(10).await.unwrap();
    assert_eq!(audit[0].status, "ok");
    assert_eq!(audit[0].input_tokens, Some(10));
    assert_eq!(audit[0].cost_usd, Some(0.001));
    assert_eq!(store.undelivered().await.unwrap().len(), 1);
    store.mark_delivered(omega_core::OutboxId(out.id)).await.unwrap();
    assert!(store.undelivered().await.unwrap().is_empty());
    store.close().await;

    // Everything survives a reopen, and reopening does not re-run migrations.
    let store = Store::open(&path).await.unwrap();
    assert_eq!(store.history("http", "alice", 50).await.unwrap().len(), 2);
    let stats = store.stats().await.unwrap();
    assert_eq!((stats.conversations, stats.messages, stats.audit_rows), (1, 2, 1));
    store.close().await;
}

#[tokio::test]
async fn a_note_before_the_reply_is_sent_and_audited_but_not_remembered_as_said() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db(&dir)).await.unwrap();
    let id = store.record_inbound(&Inbound::text("http", "ana", "hello")).await.unwrap().id();
    let mut x = exchange(id, "ana", "hello", "Hi Ana.");
    x.note = Some("(A tiny local model.)".into());
    let out = store.finish_exchange(x).await.unwrap().unwrap();
    assert_eq!(out.text, "(A tiny local model.)\n\nHi Ana.");
    let history = store.history("http", "ana", 50).await.unwrap();
    let said: Vec<_> = history.iter().map(|m| m.content.as_str()).collect();
    assert_eq!(said, ["hello", "Hi Ana."]);
    assert_eq!(
        store.recent_audit(1).await.unwrap()[0].output_text.as_deref(),
        Some("(A tiny local model.)\n\nHi Ana.")
    );
    store.close().await;
}

#[tokio::test]
async fn history_is_limited_to_the_most_recent_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db(&dir)).await.unwrap();
    for i in 0..5 {
        let id = store.record_inbound(&Inbound::text("http", "bob", format!("q{i}"))).await.unwrap();
        store.finish_exchange(exchange(id.id(), "bob", &format!("q{i}"), &format!("a{i}"))).await.unwrap();
    }
    let h = store.history("http", "bob", 3).await.unwrap();
    let contents: Vec<_> = h.iter().map(|m| m.content.as_str()).collect();
    assert_eq!(contents, vec!["a3", "q4", "a4"]);
    store.close().await;
}

#[tokio::test]
async fn a_failed_message_stores_no_conversation() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db(&dir)).await.unwrap();
    let id = store.record_inbound(&Inbound::text("http", "carol", "hi")).await.unwrap().id();
    let mut x = exchange(id, "carol", "hi", "Sorry, the AI is unreachable.");
    x.kind = OutboundKind::Error;
    x.error = Some("connection refused".into());
    store.finish_exchange(x).await.unwrap();
    assert!(store.history("http", "carol", 10).await.unwrap().is_empty());
    let row = store.inbound(id).await.unwrap().unwrap();
    assert_eq!(row.status, "failed");
    let audit = store.recent_audit(1).await.unwrap();
    assert_eq!((audit[0].status.as_str(), audit[0].error.as_deref()), ("error", Some("connection refused")));
    store.close().await;
}

#[tokio::test]
async fn facts_are_scoped_per_sender() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db(&dir)).await.unwrap();
    store.set_fact("telegram:1", "name", "Ana").await.unwrap();
    store.set_fact("telegram:1", "name", "Ana Maria").await.unwrap();
    store.set_fact("telegram:2", "name", "Rui").await.unwrap();
    let ana = store.facts("telegram:1").await.unwrap();
    assert_eq!(ana.len(), 1);
    assert_eq!(ana[0].value, "Ana Maria");
    assert_eq!(store.facts("telegram:2").await.unwrap()[0].value, "Rui");
    assert!(store.facts("telegram:3").await.unwrap().is_empty());
    assert!(store.delete_fact("telegram:1", "name").await.unwrap());
    assert!(store.facts("telegram:1").await.unwrap().is_empty());
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writes_all_land_and_a_failing_one_fails_alone() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db(&dir)).await.unwrap();
    let mut handles = Vec::new();
    for i in 0..400 {
        let s = store.clone();
        handles.push(tokio::spawn(async move {
            s.record_inbound(&Inbound::text("http", &format!("u{}", i % 7), "x")).await
        }));
    }
    // A job that fails half-way: its first insert must be rolled back with it.
    let failing = store
        .writer_for_tests()
        .write((), |c, _| {
            Box::pin(async move {
                sqlx::query(
                    "INSERT INTO facts (sender, key, value, created_at, updated_at) VALUES ('x','k','v',0,0)",
                )
                .execute(&mut *c)
                .await?;
                sqlx::query("INSERT INTO no_such_table VALUES (1)").execute(&mut *c).await?;
                Ok(())
            })
        })
        .await;
    assert!(matches!(failing, Err(MemoryError::Sql(_))));
    for h in handles {
        h.await.unwrap().unwrap();
    }
    assert_eq!(store.unfinished_inbound().await.unwrap().len(), 400);
    assert!(store.facts("x").await.unwrap().is_empty(), "the failed job's first write was rolled back");
    store.close().await;
}

#[tokio::test]
async fn a_corrupt_file_is_reported_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let garbage = b"this is not a database, it is a shopping list: eggs, milk\n".repeat(100);
    std::fs::write(&path, &garbage).unwrap();
    let err = Store::open(&path).await.unwrap_err();
    assert!(matches!(err, MemoryError::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains(&path.display().to_string()));
    assert_eq!(std::fs::read(&path).unwrap(), garbage);
}

#[tokio::test]
async fn a_truncated_file_is_reported_before_it_is_used_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    let store = Store::open(&path).await.unwrap();
    for i in 0..400 {
        store.set_channel_state("t", &format!("k{i}"), &"v".repeat(300)).await.unwrap();
    }
    store.close().await;
    // Everything into the main file, as after a checkpoint.
    {
        use sqlx::Connection as _;
        let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display())).await.unwrap();
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut c).await.unwrap();
        c.close().await.unwrap();
    }
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 64 * 1024, "many pages: {}", bytes.len());
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let err = Store::open(&path).await.unwrap_err();
    assert!(matches!(err, MemoryError::Corrupt { .. }), "{err}");
    let text = err.to_string();
    assert!(text.contains(&path.display().to_string()) && text.contains("truncated"), "{text}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes[..bytes.len() / 2], "left as it was");
}

#[tokio::test]
async fn channel_state_persists() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    let store = Store::open(&path).await.unwrap();
    assert_eq!(store.channel_state("telegram", "offset").await.unwrap(), None);
    store.set_channel_state("telegram", "offset", "41").await.unwrap();
    store.set_channel_state("telegram", "offset", "42").await.unwrap();
    store.close().await;
    let store = Store::open(&path).await.unwrap();
    assert_eq!(store.channel_state("telegram", "offset").await.unwrap().as_deref(), Some("42"));
    store.close().await;
}

#[tokio::test]
async fn resuming_counts_an_interruption_only_for_the_message_under_way() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db(&dir)).await.unwrap();
    let a = store.record_inbound(&Inbound::text("http", "ida", "one")).await.unwrap().id();
    let b = store.record_inbound(&Inbound::text("http", "ida", "two")).await.unwrap().id();
    store.record_inbound(&Inbound::text("http", "other", "x")).await.unwrap();
    let first = store.resume_inbound("http", "ida").await.unwrap();
    // Only the oldest can have been under way: "two" was waiting its turn.
    assert_eq!(first.iter().map(|r| (r.id, r.attempts)).collect::<Vec<_>>(), vec![(a.0, 1), (b.0, 0)]);
    let again = store.resume_inbound("http", "ida").await.unwrap();
    assert_eq!(again.iter().map(|r| (r.id, r.attempts)).collect::<Vec<_>>(), vec![(a.0, 2), (b.0, 0)]);
    store.finish_exchange(exchange(a, "ida", "one", "1")).await.unwrap();
    let second = store.resume_inbound("http", "ida").await.unwrap();
    assert_eq!(second.iter().map(|r| (r.id, r.attempts)).collect::<Vec<_>>(), vec![(b.0, 1)]);
    store.close().await;
}

#[tokio::test]
async fn delivered_marks_can_be_batched() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db(&dir)).await.unwrap();
    let mut ids = Vec::new();
    for i in 0..5 {
        let id = store.record_inbound(&Inbound::text("http", "jo", format!("{i}"))).await.unwrap().id();
        ids.push(omega_core::OutboxId(
            store.finish_exchange(exchange(id, "jo", "q", "a")).await.unwrap().unwrap().id,
        ));
    }
    store.mark_delivered_many(ids[..3].to_vec()).await.unwrap();
    let left: Vec<i64> = store.undelivered().await.unwrap().iter().map(|r| r.id).collect();
    assert_eq!(left, vec![ids[3].0, ids[4].0]);
    store.close().await;
}

fn task(sender: &str, desc: &str) -> omega_memory::tasks::NewTask {
    omega_memory::tasks::NewTask {
        channel: "http".into(),
        sender_id: sender.into(),
        reply_target: sender.into(),
        kind: "reminder".into(),
        description: desc.into(),
        due_at: Utc::now() + chrono::Duration::hours(1),
        timezone: "Europe/Lisbon".into(),
        repeat: None,
        project: String::new(),
    }
}

#[tokio::test]
async fn tasks_cancel_by_exact_id_or_unambiguous_prefix_only() {
    use omega_memory::tasks::Cancelled;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db(&dir)).await.unwrap();
    let a = store.create_task(task("kim", "water plants")).await.unwrap();
    let b = store.create_task(task("kim", "call mum")).await.unwrap();
    store.create_task(task("lee", "not yours")).await.unwrap();
    assert_eq!(a.id.len(), 16);
    assert_eq!(store.pending_tasks("http", "kim").await.unwrap().len(), 2);
    // SQL wildcards are plain characters: they match nothing.
    assert_eq!(store.cancel_task("http", "kim", "%").await.unwrap(), Cancelled::NotFound);
    assert_eq!(store.cancel_task("http", "kim", "_").await.unwrap(), Cancelled::NotFound);
    assert_eq!(store.cancel_task("http", "kim", "").await.unwrap(), Cancelled::NotFound);
    // Another sender's task is out of reach.
    let lee = store.pending_tasks("http", "lee").await.unwrap();
    assert_eq!(store.cancel_task("http", "kim", &lee[0].id).await.unwrap(), Cancelled::NotFound);
    // A prefix shared by both is ambiguous (find the longest common prefix of the two ids).
    let common: String = a.id.chars().zip(b.id.chars()).take_while(|(x, y)| x == y).map(|(x, _)| x).collect();
    if !common.is_empty() {
        assert!(matches!(store.cancel_task("http", "kim", &common).await.unwrap(), Cancelled::Ambiguous(_)));
    }
    assert_eq!(store.cancel_task("http", "kim", &a.id[..8]).await.unwrap(), Cancelled::Done(a.id.clone()));
    assert_eq!(
        store.cancel_task("http", "kim", &a.id).await.unwrap(),
        Cancelled::NotFound,
        "already cancelled"
    );
    let left = store.pending_tasks("http", "kim").await.unwrap();
    assert_eq!(left.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(), vec![b.id.as_str()]);
    store.close().await;
}

#[tokio::test]
async fn closing_with_a_summary_keeps_it_for_the_sender() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db(&dir)).await.unwrap();
    let id = store.record_inbound(&Inbound::text("http", "max", "hi")).await.unwrap().id();
    store.finish_exchange(exchange(id, "max", "hi", "hello")).await.unwrap();
    let closed = store.summarize_and_close("http", "max", "Max said hi.").await.unwrap();
    assert!(closed.is_some());
    assert!(
        store.history("http", "max", 10).await.unwrap().is_empty(),
        "a closed conversation is no longer history"
    );
    let s = store.recent_summaries("http", "max", 3).await.unwrap();
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].summary, "Max said hi.");
    assert_eq!(store.summarize_and_close("http", "max", "again").await.unwrap(), None);
    assert!(store.recent_summaries("http", "other", 3).await.unwrap().is_empty());
    store.close().await;
}

#[tokio::test]
async fn purging_keeps_settings_and_touches_no_one_else() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db(&dir)).await.unwrap();
    for (k, v) in [("name", "Ana"), ("city", "Porto"), ("preferred_language", "Portuguese")] {
        store.set_fact("telegram:1", k, v).await.unwrap();
    }
    store.set_fact("telegram:2", "name", "Rui").await.unwrap();
    assert_eq!(store.purge_facts("telegram:1", &["preferred_language"]).await.unwrap(), 2);
    let left: Vec<String> = store.facts("telegram:1").await.unwrap().into_iter().map(|f| f.key).collect();
    assert_eq!(left, ["preferred_language"]);
    assert_eq!(store.facts("telegram:2").await.unwrap().len(), 1, "another sender's facts stay");
    store.close().await;
}

#[tokio::test]
async fn tasks_update_by_prefix_keeps_what_is_not_changed() {
    use omega_memory::tasks::{TaskUpdate, Updated};
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db(&dir)).await.unwrap();
    let a = store.create_task(task("kim", "water plants")).await.unwrap();
    let change = TaskUpdate { description: Some("water the roses".into()), ..Default::default() };
    let Updated::Done(row) = store.update_task("http", "kim", &a.id[..6], change).await.unwrap() else {
        panic!("not updated")
    };
    assert_eq!(
        (row.description.as_str(), row.due_at, row.repeat.clone()),
        ("water the roses", a.due_at, a.repeat.clone())
    );
    let change = TaskUpdate { repeat: Some(Some("daily".into())), ..Default::default() };
    let Updated::Done(row) = store.update_task("http", "kim", &a.id, change).await.unwrap() else { panic!() };
    assert_eq!(row.repeat.as_deref(), Some("daily"));
    assert_eq!(
        store.update_task("http", "lee", &a.id, TaskUpdate::default()).await.unwrap(),
        Updated::NotFound,
        "another sender's task is out of reach"
    );
    store.close().await;
}

#[tokio::test]
async fn lessons_are_kept_once_and_per_sender() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db(&dir)).await.unwrap();
    assert!(store.add_lesson("http:ana", "", "food", "vegetarian").await.unwrap());
    assert!(
        !store.add_lesson("http:ana", "", "food", "vegetarian").await.unwrap(),
        "the same rule twice is one"
    );
    assert_eq!(store.lessons("http:ana", "", 10).await.unwrap().len(), 1);
    assert!(store.lessons("http:bob", "", 10).await.unwrap().is_empty());
    store.close().await;
}

#[tokio::test]
async fn recall_finds_earlier_conversations_of_this_sender_ranked_and_safely() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db(&dir)).await.unwrap();
    let say = |sender: &'static str, user: &'static str, reply: &'static str| {
        let store = store.clone();
        async move {
            let id = store.record_inbound(&Inbound::text("http", sender, user)).await.unwrap().id();
            store.finish_exchange(exchange(id, sender, user, reply)).await.unwrap();
        }
    };
    say("ana", "My cat is called Tom and he loves tuna", "Tom sounds lovely.").await;
    say("ana", "I planted tomatoes today", "Nice garden!").await;
    store.summarize_and_close("http", "ana", "Cat and garden.").await.unwrap();
    say("bob", "my cat is Felix", "Hi Felix.").await;
    store.summarize_and_close("http", "bob", "Felix.").await.unwrap();
    say("ana", "the cat again", "current conversation").await;

    let found = store.recall("http", "ana", None, "What was my cat called?", 5).await.unwrap();
    assert_eq!(found[0].content, "My cat is called Tom and he loves tuna", "{found:?}");
    assert!(found.iter().all(|m| !m.content.contains("Felix")), "never another sender's memory");
    assert!(
        found.iter().all(|m| m.content != "the cat again"),
        "the current conversation is history, not recall"
    );
    for hostile in ["\"unbalanced", "cat*", "NEAR(cat tom)", "content:cat", "'; DROP TABLE messages; --"] {
        store.recall("http", "ana", None, hostile, 5).await.unwrap();
    }
    assert!(store.recall("http", "ana", None, "a an the", 5).await.unwrap().is_empty());
    // A forgotten conversation is never recalled.
    store.forget_conversation("http", "ana").await.unwrap();
    say("ana", "new chat", "ok").await;
    store.summarize_and_close("http", "ana", "x").await.unwrap();
    let found = store.recall("http", "ana", None, "cat again", 5).await.unwrap();
    assert!(found.iter().all(|m| m.content != "the cat again"), "{found:?}");
    store.close().await;
}

#[tokio::test]
async fn a_senders_context_comes_back_whole_in_one_query() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db(&dir)).await.unwrap();
    store.set_fact("http:kim", "name", "Kim \"the\" Quote\nNewline ☃").await.unwrap();
    store.set_fact("http:lee", "name", "Lee").await.unwrap();
    store.add_lesson("http:kim", "", "food", "no meat").await.unwrap();
    let a = store.create_task(task("kim", "water plants")).await.unwrap();
    store.create_task(task("lee", "not yours")).await.unwrap();
    let c = store.sender_context("http", "kim", None, LIMITS).await.unwrap();
    assert_eq!(c.memory_key, "http:kim");
    assert_eq!(c.facts, [("name".to_owned(), "Kim \"the\" Quote\nNewline ☃".to_owned())]);
    assert_eq!(c.lessons, [("food".to_owned(), "no meat".to_owned())]);
    assert_eq!(c.tasks.len(), 1);
    assert_eq!((c.tasks[0].id.as_str(), c.tasks[0].due_at), (a.id.as_str(), a.due_at));
    assert!(c.summaries.is_empty());
    // A linked identity reads the canonical memory.
    let code = store.new_link_code("http:kim", 60).await.unwrap();
    store.redeem_link_code("telegram:9", &code).await.unwrap();
    let t = store.sender_context("telegram", "9", None, LIMITS).await.unwrap();
    assert_eq!(
        (t.memory_key.as_str(), t.facts.len(), t.tasks.len()),
        ("http:kim", 1, 0),
        "tasks stay per channel"
    );
    let empty = store.sender_context("http", "nobody", None, LIMITS).await.unwrap();
    assert!(empty.facts.is_empty() && empty.tasks.is_empty() && empty.lessons.is_empty());
    store.close().await;
}

#[tokio::test]
async fn the_store_keeps_time_by_its_clock_so_a_pairing_code_expires_when_the_clock_says() {
    let dir = tempfile::tempdir().unwrap();
    let clock = omega_core::clock::ManualClock::new(chrono::Utc::now());
    let store =
        Store::open(&dir.path().join("m.db")).await.unwrap().with_clock(std::sync::Arc::new(clock.clone()));
    let ttl = std::time::Duration::from_secs(600);
    let code = store.pairing_code("telegram", "77", Some("Ana"), "77", ttl).await.unwrap();
    // Eleven minutes pass by the clock (not by the wall): the code is no longer valid.
    clock.advance(chrono::Duration::minutes(11));
    assert_eq!(store.approve_pairing(&code).await.unwrap(), None);
    let fresh = store.pairing_code("telegram", "77", Some("Ana"), "77", ttl).await.unwrap();
    assert!(store.approve_pairing(&fresh).await.unwrap().is_some(), "a fresh code works");
    assert!(store.is_approved("telegram", "77").await.unwrap());
}

#[tokio::test]
async fn each_project_keeps_its_own_conversation_summaries_lessons_outcomes_and_tasks() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db(&dir)).await.unwrap();
    let say = |user: &'static str, reply: &'static str| {
        let store = store.clone();
        async move {
            let id = store.record_inbound(&Inbound::text("http", "ana", user)).await.unwrap().id();
            store.finish_exchange(exchange(id, "ana", user, reply)).await.unwrap();
        }
    };
    let texts = |h: Vec<omega_memory::HistoryMessage>| h.into_iter().map(|m| m.content).collect::<Vec<_>>();
    say("general hello", "hi").await;
    store.set_fact("http:ana", "active_project", "trading").await.unwrap();
    say("buy AAPL?", "paper only").await;
    assert_eq!(texts(store.history("http", "ana", 10).await.unwrap()), ["buy AAPL?", "paper only"]);
    store.add_lesson("http:ana", "trading", "risk", "never more than 2%").await.unwrap();
    store.add_lesson("http:ana", "", "style", "be brief").await.unwrap();
    store.add_reward("http:ana", "trading", 1, "risk", "kept the stop").await.unwrap();
    let mut t = task("ana", "check positions");
    t.project = "trading".into();
    store.create_task(t).await.unwrap();
    store.create_task(task("ana", "call mum")).await.unwrap();

    let c = store.sender_context("http", "ana", None, LIMITS).await.unwrap();
    assert_eq!(c.project, "trading");
    assert_eq!(c.tasks.iter().map(|t| t.description.as_str()).collect::<Vec<_>>(), ["check positions"]);
    assert_eq!(
        c.lessons,
        [("risk".to_owned(), "never more than 2%".to_owned()), ("style".to_owned(), "be brief".to_owned())],
        "the project's rules first, then the general ones"
    );
    assert_eq!(c.outcomes.len(), 1);
    store.summarize_and_close("http", "ana", "Talked trading.").await.unwrap();
    assert_eq!(store.recent_summaries("http", "ana", 5).await.unwrap()[0].project, "trading");

    // Off: the general conversation is where it was; the project's memory is not in it.
    store.delete_fact("http:ana", "active_project").await.unwrap();
    assert_eq!(texts(store.history("http", "ana", 10).await.unwrap()), ["general hello", "hi"]);
    let g = store.sender_context("http", "ana", None, LIMITS).await.unwrap();
    assert_eq!(g.project, "");
    assert_eq!(g.tasks.iter().map(|t| t.description.as_str()).collect::<Vec<_>>(), ["call mum"]);
    assert_eq!(g.lessons, [("style".to_owned(), "be brief".to_owned())]);
    assert!(g.outcomes.is_empty() && g.summaries.is_empty(), "{g:?}");
    assert!(store.recall("http", "ana", None, "AAPL", 5).await.unwrap().is_empty(), "other project's recall");
    assert_eq!(store.recall("http", "ana", Some("trading"), "AAPL", 5).await.unwrap().len(), 1);
    // An explicit project reads that one whatever is active (a scheduled action's).
    let explicit = store.sender_context("http", "ana", Some("trading"), LIMITS).await.unwrap();
    assert_eq!((explicit.project.as_str(), explicit.summaries.len()), ("trading", 1));
    // /forget forgets the active scope's conversation only.
    store.set_fact("http:ana", "active_project", "trading").await.unwrap();
    say("new trading chat", "ok").await;
    assert!(store.forget_conversation("http", "ana").await.unwrap());
    store.delete_fact("http:ana", "active_project").await.unwrap();
    assert_eq!(store.history("http", "ana", 10).await.unwrap().len(), 2, "the general one stays");
    store.close().await;
}

#[tokio::test]
async fn memory_from_before_projects_were_scoped_is_the_general_scope() {
    // A database made by the schema before 0012: its lessons table had no project column.
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    let store = Store::open(&path).await.unwrap();
    store.add_lesson("http:old", "", "food", "no fish").await.unwrap();
    store.close().await;
    let store = Store::open(&path).await.unwrap();
    let l = store.lessons("http:old", "garden", 10).await.unwrap();
    assert_eq!((l.len(), l[0].project.as_str()), (1, ""), "general rules apply in every project");
    store.close().await;
}

#[tokio::test]
async fn recall_looks_at_the_senders_own_messages_however_many_others_match() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db(&dir)).await.unwrap();
    let say = |sender: &'static str, user: String| {
        let store = store.clone();
        async move {
            let id = store.record_inbound(&Inbound::text("http", sender, &user)).await.unwrap().id();
            store.finish_exchange(exchange(id, sender, &user, "ok")).await.unwrap();
        }
    };
    say("ana", "my cat Tom sleeps on the piano".into()).await;
    store.summarize_and_close("http", "ana", "Cat.").await.unwrap();
    // Someone else talks about cats far more, and more recently.
    for i in 0..400 {
        say("bob", format!("cat fact number {i}")).await;
    }
    store.summarize_and_close("http", "bob", "Cats.").await.unwrap();
    let found = store.recall("http", "ana", None, "where does my cat sleep?", 3).await.unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].content, "my cat Tom sleeps on the piano");
    store.close().await;
}

/// An upgrade can be undone: before migrations change an existing database, a copy of it is
/// taken beside it (the last three kept); an up-to-date database is not copied again.
#[tokio::test]
async fn migrations_back_the_database_up_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    let store = Store::open(&path).await.unwrap();
    store.set_fact("http:ana", "city", "Lisbon").await.unwrap();
    // Turn it into a database of the version before 0018 (and 0019, 0020), as an older Omega left it.
    store
        .writer_for_tests()
        .write((), |c, _| {
            Box::pin(async move {
                let undo = "ALTER TABLE audit_log DROP COLUMN usage_estimated; \
                            DROP INDEX outbox_dedup; ALTER TABLE outbox DROP COLUMN dedup_key; \
                            DROP INDEX audit_chain; DROP INDEX audit_unchained; \
                            ALTER TABLE audit_log DROP COLUMN row_hash; ALTER TABLE audit_log DROP COLUMN chain_seq; \
                            DELETE FROM _sqlx_migrations WHERE version >= 18;";
                sqlx::raw_sql(undo).execute(&mut *c).await?;
                Ok(())
            })
        })
        .await
        .unwrap();
    store.close().await;
    let backups = omega_memory::backup::automatic_dir(&path);
    for i in 0..4 {
        std::fs::create_dir_all(&backups).unwrap();
        std::fs::write(backups.join(format!("pre-migration-0001-2020010{i}-000000.db")), "old").unwrap();
    }
    let store = Store::open(&path).await.unwrap();
    store.close().await;
    let mut names: Vec<String> = std::fs::read_dir(&backups)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 3, "the oldest are pruned: {names:?}");
    let taken =
        backups.join(names.iter().find(|n| n.starts_with("pre-migration-0017-")).expect("the new backup"));
    assert_eq!(omega_memory::backup::integrity(&taken).await.unwrap(), "ok");
    // Read as it is (opening it as a store would migrate the copy too).
    use sqlx::ConnectOptions as _;
    let mut c =
        sqlx::sqlite::SqliteConnectOptions::new().filename(&taken).read_only(true).connect().await.unwrap();
    let (city,): (String,) =
        sqlx::query_as("SELECT value FROM facts WHERE key = 'city'").fetch_one(&mut c).await.unwrap();
    assert_eq!(city, "Lisbon", "it holds the data");
    let (version,): (i64,) =
        sqlx::query_as("SELECT MAX(version) FROM _sqlx_migrations").fetch_one(&mut c).await.unwrap();
    assert_eq!(version, 17, "as it was before the migration");
    // Up to date now: opening again copies nothing.
    let store = Store::open(&path).await.unwrap();
    store.close().await;
    assert_eq!(std::fs::read_dir(&backups).unwrap().count(), 3);
}

/// A row put in the audit log behind Omega's back with values of the wrong type (text where a
/// number belongs, bytes that are not UTF-8) used to make chaining fail, and with it every later
/// write that adds an audit row: no answer could be stored until the row was removed.
#[tokio::test]
async fn a_foreign_audit_row_of_the_wrong_types_does_not_stop_audited_writes() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db(&dir)).await.unwrap();
    let first = store.record_inbound(&Inbound::text("http", "ann", "one")).await.unwrap().id();
    store.finish_exchange(exchange(first, "ann", "one", "first")).await.unwrap().unwrap();
    store
        .writer_for_tests()
        .write((), |c, _| {
            Box::pin(async move {
                let foreign = "INSERT INTO audit_log (created_at, channel, sender_id, input_text, \
                               output_text, input_tokens, cost_usd, status) \
                               VALUES ('yesterday', 7, 'mallory', X'FF00FE', 'x', 'lots', 'free', 'ok')";
                sqlx::raw_sql(foreign).execute(&mut *c).await?;
                Ok(())
            })
        })
        .await
        .unwrap();
    let verdict = store.verify_audit().await.unwrap();
    assert_eq!(verdict.rows, 2);
    assert_eq!(verdict.problems, vec!["audit row 2 is not chained: it was added outside Omega".to_string()]);

    let second = store.record_inbound(&Inbound::text("http", "ann", "two")).await.unwrap().id();
    let stored = store.finish_exchange(exchange(second, "ann", "two", "second")).await;
    assert!(matches!(stored, Ok(Some(_))), "the next answer is stored and audited: {stored:?}");
    // The foreign row is chained with it (as verify's doc says), and the chain verifies.
    let verdict = store.verify_audit().await.unwrap();
    assert_eq!((verdict.rows, verdict.problems.len()), (3, 0), "{:?}", verdict.problems);
    assert_eq!(verdict.head.map(|(seq, _)| seq), Some(3));
    // Editing the foreign row afterwards is caught like any other edit.
    store
        .writer_for_tests()
        .write((), |c, _| {
            Box::pin(async move {
                sqlx::raw_sql("UPDATE audit_log SET input_tokens = 'more' WHERE id = 2")
                    .execute(&mut *c)
                    .await?;
                Ok(())
            })
        })
        .await
        .unwrap();
    let verdict = store.verify_audit().await.unwrap();
    assert_eq!(
        verdict.problems,
        vec!["audit row 2 (number 2 of the chain) was altered after it was written".to_string()]
    );
    store.close().await;
}
