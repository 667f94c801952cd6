//! The config loader, tested with real files and an injected environment.

use std::path::Path;

use super::*;
use std::io::Write;

fn write(text: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    f
}

fn opts(path: &Path, env: &[(&str, &str)]) -> LoadOptions {
    LoadOptions {
        path: Some(path.to_owned()),
        env: env.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect(),
        overrides: vec![],
        secrets_file: false,
    }
}

fn err(text: &str, env: &[(&str, &str)]) -> String {
    let f = write(text);
    load(&opts(f.path(), env)).unwrap_err().to_string()
}

#[test]
fn defaults_alone_are_valid() {
    // An empty file, not whatever omega.toml the working directory or ~/.omega holds.
    let f = write("");
    let c = load(&opts(f.path(), &[])).unwrap().config;
    assert_eq!(c, Config::default());
}

#[test]
fn unknown_key_names_key_line_and_suggestion() {
    let e = err("[api]\nenabled = true\nprot = 8080\n", &[]);
    assert!(e.contains("unknown key `api.prot`"), "{e}");
    assert!(e.contains("line 3"), "{e}");
    assert!(e.contains("did you mean `api.port`?"), "{e}");
}

#[test]
fn map_sections_take_any_name_and_check_what_is_inside() {
    let f = write(
        "[prices.\"gpt-x\"]\ninput_per_mtok = 1.0\noutput_per_mtok = 2.0\n\n\
         [mcp.servers.files]\ncommand = \"node\"\nargs = [\"server.js\"]\nenv = { TOKEN = \"s3cret\" }\n\n\
         [sandbox]\nlevel = \"rx\"\n",
    );
    let c = load(&opts(f.path(), &[])).unwrap().config;
    assert_eq!(c.prices["gpt-x"].output_per_mtok, 2.0);
    assert_eq!(c.mcp.servers["files"].env["TOKEN"].expose(), "s3cret");
    assert!(c.mcp.servers["files"].enabled);
    assert_eq!(c.sandbox.level, SandboxLevel::Rx);
    assert!(!c.to_redacted_toml().contains("s3cret"), "server environments are secrets");

    let e = err("[mcp.servers.files]\ncommandd = \"node\"\n", &[]);
    assert!(e.contains("did you mean `mcp.servers.files.command`?"), "{e}");
    let e = err("[mcp.servers.files]\nargs = []\n", &[]);
    assert!(e.contains("needs `command`"), "{e}");
    let e = err("[sandbox]\nlevel = \"open\"\n", &[]);
    assert!(e.contains("sandbox.level"), "{e}");
}

#[test]
fn misplaced_section_suggests_its_real_home() {
    let e = err("[openai]\nmodel = \"x\"\n", &[]);
    assert!(e.contains("unknown key `openai`"), "{e}");
    assert!(e.contains("did you mean `provider.openai`?"), "{e}");
}

#[test]
fn wrong_type_names_key_file_and_line() {
    let f = write("[omega]\nname = \"x\"\n\n[api]\nport = \"eighty\"\n");
    let e = load(&opts(f.path(), &[])).unwrap_err().to_string();
    assert!(e.contains("invalid value for `api.port`"), "{e}");
    assert!(e.contains(&format!("{} line 5", f.path().display())), "{e}");
}

#[test]
fn syntax_error_names_line() {
    let e = err("[api\nport = 1\n", &[]);
    assert!(e.contains("line 1"), "{e}");
    assert!(e.contains("invalid TOML"), "{e}");
}

#[test]
fn env_vars_reach_dashed_keys() {
    let f = write("");
    let c = load(&opts(f.path(), &[("OMEGA_PROVIDER__CLAUDE_CODE__MAX_TURNS", "7")])).unwrap().config;
    assert_eq!(c.provider.claude_code.max_turns, 7);
}

#[test]
fn env_overrides_file_and_unknown_env_key_is_named() {
    let f = write("[api]\nport = 4000\n");
    let c = load(&opts(f.path(), &[("OMEGA_API__PORT", "5000")])).unwrap().config;
    assert_eq!(c.api.port, 5000);
    let e = load(&opts(f.path(), &[("OMEGA_API__PROT", "5000")])).unwrap_err().to_string();
    assert!(e.contains("OMEGA_API__PROT"), "{e}");
    assert!(e.contains("did you mean `api.port`?"), "{e}");
    let e = load(&opts(f.path(), &[("OMEGA_API__PORT", "many")])).unwrap_err().to_string();
    assert!(e.contains("environment variable OMEGA_API__PORT"), "{e}");
}

#[test]
fn unrelated_omega_variables_are_ignored() {
    let f = write("");
    assert!(load(&opts(f.path(), &[("OMEGA_HOME_HINT", "x")])).is_ok());
}

#[test]
fn flags_override_env() {
    let f = write("");
    let mut o = opts(f.path(), &[("OMEGA_OMEGA__NAME", "env")]);
    o.overrides.push(("omega.name".into(), toml::Value::String("flag".into())));
    assert_eq!(load(&o).unwrap().config.omega.name, "flag");
}

#[test]
fn every_credential_variable_fills_its_key_and_is_documented() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let reference =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../omega.toml")).unwrap();
    for (var, key) in CREDENTIAL_VARS {
        let f = write("");
        let value = format!("secret-from-{var}");
        let mut c = load(&opts(f.path(), &[(var, &value)])).unwrap().config;
        let slot = credential_slot(&mut c, key).unwrap_or_else(|| panic!("{key} has no slot"));
        assert_eq!(slot.expose(), value, "{var} fills {key}");
        assert!(readme.contains(var), "README.md does not mention {var}");
        assert!(reference.contains(var), "omega.toml does not mention {var}");
    }
}

#[test]
fn openai_key_from_env_only_fills_an_empty_key() {
    let f = write("");
    let c = load(&opts(f.path(), &[("OPENAI_API_KEY", "sk-env")])).unwrap().config;
    assert_eq!(c.provider.openai.api_key.expose(), "sk-env");
    let f = write("[provider.openai]\napi_key = \"sk-file\"\n");
    let c = load(&opts(f.path(), &[("OPENAI_API_KEY", "sk-env")])).unwrap().config;
    assert_eq!(c.provider.openai.api_key.expose(), "sk-file");
}

#[test]
fn semantic_errors_name_the_key() {
    let e = err("[omega]\ntimezone = \"Mars/Olympus\"\n", &[]);
    assert!(e.contains("`omega.timezone`") && e.contains("line 2"), "{e}");
    let e = err("[provider]\ndefault = \"opnai\"\n", &[]);
    assert!(e.contains("did you mean \"openai\"?"), "{e}");
    let e = err("[api]\nhost = \"0.0.0.0\"\n", &[]);
    assert!(e.contains("api.api_key"), "{e}");
}

#[test]
fn missing_explicit_file_is_an_error() {
    let e = load(&LoadOptions { path: Some("/nonexistent/omega.toml".into()), ..LoadOptions::default() })
        .unwrap_err()
        .to_string();
    assert!(e.contains("cannot read config file /nonexistent/omega.toml"), "{e}");
}

#[test]
fn redacted_dump_hides_secrets() {
    let mut c = Config::default();
    c.provider.openai.api_key = Secret::new("sk-very-secret");
    let dump = c.to_redacted_toml();
    assert!(!dump.contains("sk-very-secret"));
    assert!(dump.contains("<redacted>"));
}

#[test]
fn several_problems_are_reported_together() {
    let e = err("[api]\nprot = 1\n[memory]\ndb_pth = \"x\"\n", &[]);
    assert!(e.contains("api.prot") && e.contains("memory.db_pth"), "{e}");
}

/// Secrets kept in the data dir's `omega.env` fill what the file leaves empty; the environment
/// wins over them; a file others can read, or a misspelt variable, is refused by name.
#[test]
fn the_secrets_file_beside_the_data_holds_keys_the_config_leaves_out() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let secrets = data.join(SECRETS_FILE);
    std::fs::write(
        &secrets,
        "# from omega init\nOPENAI_API_KEY=\"sk-file\"\nexport TELEGRAM_BOT_TOKEN=1:abc\n",
    )
    .unwrap();
    std::fs::set_permissions(&secrets, std::fs::Permissions::from_mode(0o600)).unwrap();
    let f = write(&format!("[omega]\ndata_dir = \"{}\"\n", data.display()));
    let with_file = |env: &[(&str, &str)]| LoadOptions { secrets_file: true, ..opts(f.path(), env) };
    let c = load(&with_file(&[])).unwrap().config;
    assert_eq!(c.provider.openai.api_key.expose(), "sk-file");
    assert_eq!(c.channel.telegram.bot_token.expose(), "1:abc");
    let c = load(&with_file(&[("OPENAI_API_KEY", "sk-env")])).unwrap().config;
    assert_eq!(c.provider.openai.api_key.expose(), "sk-env", "the environment wins");
    std::fs::set_permissions(&secrets, std::fs::Permissions::from_mode(0o644)).unwrap();
    let e = load(&with_file(&[])).unwrap_err().to_string();
    assert!(e.contains("omega.env") && e.contains("chmod 600"), "{e}");
    std::fs::write(&secrets, "OPENAI_APIKEY=sk\n").unwrap();
    std::fs::set_permissions(&secrets, std::fs::Permissions::from_mode(0o600)).unwrap();
    let e = load(&with_file(&[])).unwrap_err().to_string();
    assert!(e.contains("unknown variable OPENAI_APIKEY"), "{e}");
}
