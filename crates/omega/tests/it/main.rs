//! Omega end to end: the library runtime in-process, and the real `omega` binary as a user runs it.

mod support;

mod audit;
mod binary;
mod brain;
mod caching;
mod chaos;
mod config_files;
mod faults;
mod heartbeat;
mod http_api;
mod injection;
mod jobs;
mod journeys;
mod kept_context;
mod llmock;
mod local_llm;
mod pipeline;
mod sandbox;
mod scheduler;
mod secrets;
mod skills;
mod soak;
mod spend;
mod summarizer;
mod supervision;
mod telegram;
mod tools;
mod whatsapp;
mod whatsapp_web;
