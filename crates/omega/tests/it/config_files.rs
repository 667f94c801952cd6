//! The committed config files stay true to the code.

use omega::config::{self, Config, KeyTree};
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_committed_json_schema_is_current() {
    let committed = std::fs::read_to_string(root().join("schemas/config.schema.json")).unwrap_or_default();
    assert!(
        committed == config::json_schema(),
        "schemas/config.schema.json is stale; regenerate it with `cargo run -- config schema > schemas/config.schema.json`"
    );
}

#[test]
fn the_reference_omega_toml_loads_documents_every_key_and_matches_the_defaults() {
    let path = root().join("omega.toml");
    let loaded = config::load_file(&path).unwrap_or_else(|e| panic!("omega.toml does not load:\n{e}"));
    assert_eq!(loaded.config, Config::default(), "omega.toml's values are the built-in defaults");
    // Every key is written out, on its own line, with a comment saying what it does.
    let text = std::fs::read_to_string(&path).unwrap();
    let mut section = String::new();
    let mut lines = std::collections::HashMap::new();
    for line in text.lines() {
        let t = line.trim();
        if let Some(h) = t.strip_prefix('[') {
            section = h.split(']').next().unwrap().to_owned();
        } else if let Some((k, _)) = t.split_once('=').filter(|_| !t.starts_with('#')) {
            lines.insert(format!("{section}.{}", k.trim()), line.to_owned());
        }
    }
    for key in KeyTree::of_config().leaves() {
        let line = lines.get(key).unwrap_or_else(|| panic!("omega.toml does not document `{key}`"));
        assert!(line.contains('#'), "`{key}` has no comment in omega.toml: {line}");
    }
}
