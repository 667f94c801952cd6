//! Actors tested alone, their collaborators replaced by probes.

mod gateway;
mod heartbeat;
mod markers;
mod outbox;
mod sandbox;
mod scheduler;
mod session;
mod structure;
mod summarizer;
mod supervisor;
mod support;
mod whatsapp;
mod whatsapp_web;
