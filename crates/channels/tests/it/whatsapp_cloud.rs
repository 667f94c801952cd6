//! The Cloud API client against the fake Graph API: sends, media in two steps, Graph errors read
//! into what to do.

use omega_channels::whatsapp_cloud::{CallError, CloudClient, ErrorKind};
use omega_core::Secret;
use omega_testkit::graph::FakeGraph;
use std::time::Duration;

fn client(graph: &FakeGraph, token: &str) -> CloudClient {
    CloudClient::new(&graph.api_url(), "v21.0", "1234567890", Secret::new(token), Duration::from_secs(5))
        .unwrap()
}

#[tokio::test]
async fn a_text_is_sent_to_the_number_and_gets_its_message_id() {
    let graph = FakeGraph::start("EAAG-token", "1234567890");
    let id = client(&graph, "EAAG-token").send_text("351912345678", "*hi* there").await.unwrap();
    assert!(id.starts_with("wamid."), "{id}");
    assert_eq!(graph.sent_to("351912345678"), ["*hi* there"]);
    assert_eq!(graph.calls(), [("POST".to_owned(), "/v21.0/1234567890/messages".to_owned())]);
}

#[tokio::test]
async fn graph_errors_say_what_to_do() {
    let graph = FakeGraph::start("EAAG-token", "1234567890");
    let e = client(&graph, "wrong").send_text("351912345678", "hi").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadToken, "{e}");
    graph.fail_next_send(429, 130429, "Rate limit hit");
    let e = client(&graph, "EAAG-token").send_text("351912345678", "hi").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert!(e.to_string().contains("130429") && e.to_string().contains("Rate limit hit"), "{e}");
    graph.fail_next_send(400, 131047, "Re-engagement message");
    let e = client(&graph, "EAAG-token").send_text("351912345678", "hi").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::OutsideWindow);
    let e = client(&graph, "EAAG-token").send_text("+351 912", "hi").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Rejected, "{e}");
    assert!(graph.sent().is_empty(), "nothing was accepted");
}

#[tokio::test]
async fn media_is_fetched_by_id_then_by_url_with_the_token() {
    let graph = FakeGraph::start("EAAG-token", "1234567890");
    graph.add_media("MEDIA1", "audio/ogg; codecs=opus", b"OggS-voice");
    let (bytes, mime) = client(&graph, "EAAG-token").fetch_media("MEDIA1").await.unwrap();
    assert_eq!((bytes.as_slice(), mime.as_str()), (&b"OggS-voice"[..], "audio/ogg; codecs=opus"));
    let paths: Vec<String> = graph.calls().into_iter().map(|(_, p)| p).collect();
    assert_eq!(paths, ["/v21.0/MEDIA1", "/media/MEDIA1"]);
    let e = client(&graph, "EAAG-token").fetch_media("NOPE").await.unwrap_err();
    assert!(matches!(&e, CallError::Graph(g) if g.code == 100), "{e}");
}

#[tokio::test]
async fn an_unreachable_api_is_a_network_error() {
    let port = omega_testkit::peers::free_port();
    let c = CloudClient::new(
        &format!("http://127.0.0.1:{port}"),
        "v21.0",
        "1",
        Secret::new("t"),
        Duration::from_secs(2),
    )
    .unwrap();
    let e = c.send_text("1", "hi").await.unwrap_err();
    assert!(matches!(e, CallError::Network(_)) && e.kind() == ErrorKind::Transient, "{e}");
}
