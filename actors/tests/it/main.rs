//! Actors tested alone, their collaborators replaced by probes.

mod markers;
mod outbox;
mod scheduler;
mod structure;
