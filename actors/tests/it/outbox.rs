use actix::prelude::*;
use omega_actors::channel::{Deliver, DeliveryError};
use omega_actors::outbox::{Dispatch, Outbox, RegisterChannel};
use omega_actors::supervisor::{Child, ChildGuard};
use omega_core::{Outbound, OutboundKind};
use omega_memory::Store;
use omega_testkit::probe::ProbeHandle;
use omega_testkit::{TempHome, wait_until_async};
use std::time::Duration;

async fn store(home: &TempHome) -> Store {
    Store::open(&home.db_path()).await.unwrap()
}

fn reply(channel: &str, text: &str) -> Outbound {
    Outbound {
        channel: channel.into(),
        recipient: "r".into(),
        text: text.into(),
        kind: OutboundKind::Reply,
        in_reply_to: None,
    }
}

fn outbox(store: &Store) -> Addr<Outbox> {
    Outbox::new(store.clone(), ChildGuard::detached(Child::Outbox))
        .with_retry_base(Duration::from_millis(10))
        .start()
}

#[actix_rt::test]
async fn queued_replies_are_delivered_when_their_channel_registers() {
    let home = TempHome::new();
    let store = store(&home).await;
    store.enqueue(&reply("late", "waiting for you")).await.unwrap();
    let outbox = outbox(&store);
    let channel = ProbeHandle::<Deliver>::start(|_| Ok(()));
    outbox.do_send(RegisterChannel { name: "late".into(), recipient: channel.recipient() });
    let s = &store;
    wait_until_async(Duration::from_secs(5), "the queued reply delivered", || async move {
        s.undelivered().await.unwrap().is_empty()
    })
    .await;
    let seen = channel.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].text, "waiting for you");
    assert!(seen[0].outbox_id.is_some());
    store.close().await;
}

#[actix_rt::test]
async fn a_transient_failure_is_retried_until_delivered() {
    let home = TempHome::new();
    let store = store(&home).await;
    let outbox = outbox(&store);
    let mut calls = 0;
    let channel = ProbeHandle::<Deliver>::start(move |_| {
        calls += 1;
        if calls < 3 { Err(DeliveryError::Transient("network down".into())) } else { Ok(()) }
    });
    outbox.do_send(RegisterChannel { name: "flaky".into(), recipient: channel.recipient() });
    let row = store.enqueue(&reply("flaky", "persist")).await.unwrap();
    outbox.do_send(Dispatch(row));
    let s = &store;
    wait_until_async(Duration::from_secs(5), "delivery after retries", || async move {
        s.undelivered().await.unwrap().is_empty()
    })
    .await;
    assert_eq!(channel.seen().len(), 3, "two failures, then success; never more");
    store.close().await;
}

#[actix_rt::test]
async fn a_permanent_failure_is_not_retried() {
    let home = TempHome::new();
    let store = store(&home).await;
    let outbox = outbox(&store);
    let channel = ProbeHandle::<Deliver>::start(|_| Err(DeliveryError::Permanent("chat deleted".into())));
    outbox.do_send(RegisterChannel { name: "gone".into(), recipient: channel.recipient() });
    let row = store.enqueue(&reply("gone", "nobody home")).await.unwrap();
    outbox.do_send(Dispatch(row));
    let s = &store;
    wait_until_async(Duration::from_secs(5), "the row marked failed", || async move {
        s.undelivered().await.unwrap().is_empty()
    })
    .await;
    assert_eq!(channel.seen().len(), 1);
    store.close().await;
}

#[actix_rt::test]
async fn replies_to_a_channel_gone_for_good_stay_queued_until_it_is_back() {
    use omega_actors::outbox::UnregisterChannel;
    let home = TempHome::new();
    let store = store(&home).await;
    let outbox = outbox(&store);
    let first = ProbeHandle::<Deliver>::start(|_| Ok(()));
    outbox.do_send(RegisterChannel { name: "tg".into(), recipient: first.recipient() });
    outbox.do_send(UnregisterChannel { name: "tg".into() });
    let row = store.enqueue(&reply("tg", "hold this")).await.unwrap();
    // A barrier: the Outbox has handled everything sent before this answer.
    outbox.send(Dispatch(row)).await.unwrap();
    assert!(first.seen().is_empty(), "nothing is sent to the unregistered channel");
    assert_eq!(store.undelivered().await.unwrap().len(), 1, "the reply stays queued");
    // The channel is back: the queued reply goes out.
    let second = ProbeHandle::<Deliver>::start(|_| Ok(()));
    outbox.do_send(RegisterChannel { name: "tg".into(), recipient: second.recipient() });
    let s = &store;
    wait_until_async(Duration::from_secs(5), "the queued reply delivered", || async move {
        s.undelivered().await.unwrap().is_empty()
    })
    .await;
    assert_eq!(second.seen()[0].text, "hold this");
    store.close().await;
}
