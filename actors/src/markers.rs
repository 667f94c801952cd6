//! The Markers actor: turns a provider's final answer into clean text plus typed effects.
//!
//! The parsing itself is `omega_markers::parse`, a pure function that never fails; this actor
//! gives it a mailbox so the message path reads Provider → Markers → Deliver, and so later
//! effect routing (scheduler, skills, heartbeat) has one owner.

use actix::prelude::*;
use omega_markers::{Diagnostic, Effect};

use crate::guard::ChildGuard;

/// The provider's final answer, to be parsed.
#[derive(Message, Debug, Clone)]
#[rtype(result = "Processed")]
pub struct ProcessOutput {
    pub text: String,
    /// Untrusted text the model saw while answering (tool output): markers copied from it are
    /// not executed.
    pub untrusted: Vec<String>,
}

/// The answer with markers stripped, and what they asked for.
#[derive(Debug, Clone, PartialEq, Eq, MessageResponse)]
pub struct Processed {
    pub text: String,
    pub effects: Vec<Effect>,
    pub diagnostics: Vec<Diagnostic>,
}

pub struct Markers {
    _guard: ChildGuard,
}

impl Markers {
    pub fn new(guard: ChildGuard) -> Self {
        Self { _guard: guard }
    }
}

impl Actor for Markers {
    type Context = Context<Self>;
}

impl Handler<ProcessOutput> for Markers {
    type Result = Processed;

    fn handle(&mut self, msg: ProcessOutput, _: &mut Context<Self>) -> Processed {
        let untrusted: Vec<&str> = msg.untrusted.iter().map(String::as_str).collect();
        let parsed = omega_markers::parse_beside(&msg.text, &untrusted);
        Processed { text: parsed.text, effects: parsed.effects, diagnostics: parsed.diagnostics }
    }
}
