//! Embed the whole Omega runtime in another program and talk to it in-process.
//!
//! `cargo run --example embed -- "What can you do?"` uses the configuration `omega` itself would
//! (omega.toml, OMEGA_* variables, OPENAI_API_KEY) with a throwaway data directory.

use omega::config::{LoadOptions, load};

#[actix_rt::main]
async fn main() -> anyhow::Result<()> {
    let question = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    let question = if question.is_empty() { "Hello! Who are you?".to_owned() } else { question };

    let mut config = load(&LoadOptions::from_env())?.config;
    let data = tempfile::tempdir()?;
    config.omega.data_dir = data.path().display().to_string();

    let runtime = omega::Runtime::builder(config).http(false).local_channel("embedded").start().await?;
    let reply = runtime.ask("embedded", "example-user", &question).await?;
    println!("[{:?}] {}", reply.kind, reply.text);
    runtime.shutdown().await;
    Ok(())
}
