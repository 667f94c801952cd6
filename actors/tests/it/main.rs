//! Actors tested alone, their collaborators replaced by probes.

mod markers;
mod outbox;
mod sandbox;
mod scheduler;
mod structure;
