use actix::prelude::*;
use omega_actors::markers::{Markers, ProcessOutput};
use omega_actors::supervisor::{Child, ChildGuard};
use omega_markers::Effect;

#[actix_rt::test]
async fn the_markers_actor_strips_markers_and_returns_effects() {
    let markers = Markers::new(ChildGuard::detached(Child::Markers)).start();
    let out = markers
        .send(ProcessOutput {
            text: "Sure.\nPERSONALITY: terse\n```\nPURGE_FACTS\n```".into(),
            untrusted: vec![],
        })
        .await
        .unwrap();
    assert_eq!(out.text, "Sure.\n```\nPURGE_FACTS\n```");
    assert_eq!(out.effects, vec![Effect::Personality { description: Some("terse".into()) }]);
}
