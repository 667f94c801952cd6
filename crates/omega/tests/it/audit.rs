//! The audit log's hash chain, as its owner checks it: `omega audit verify` on the data dir of a
//! daemon that answered, crashed and answered again, then with the database edited behind
//! Omega's back.

use omega_testkit::peers::free_port;
use omega_testkit::score::record;
use omega_testkit::{FakeOpenAi, Script, TempHome};
use serde_json::json;
use std::time::Duration;

use crate::support::{Daemon, omega, reqwest};

fn say(daemon: &Daemon, sender: &str, text: &str) {
    let (status, body) = reqwest::blocking_post(
        format!("{}/api/messages", daemon.base()),
        &json!({"sender": sender, "text": text}),
    );
    assert_eq!((status, body["status"].as_str()), (200, Some("answered")), "{body}");
}

/// `omega audit verify`: whether it passed, and what it printed.
fn verify(home: &TempHome) -> (bool, String) {
    let out = omega(home, &["audit", "verify"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

/// Run SQL on the database with Python's sqlite3, as someone with the file would.
fn tamper(home: &TempHome, sql: &str) {
    let script =
        "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nc.executescript(sys.argv[2])\nc.commit()\n";
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(home.db_path())
        .arg(sql)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn the_audit_chain_holds_across_a_crash_and_names_each_row_edited_or_deleted_behind_omegas_back() {
    let (home, fake) = (TempHome::new(), FakeOpenAi::start());
    fake.set_default(Script::Echo, Duration::ZERO);
    let port = free_port();
    home.write_config(&format!(
        "[provider]\ndefault = \"openai\"\n\n[provider.openai]\nbase_url = \"{}\"\napi_key = \"k\"\nmodel = \"m\"\n\n[api]\nport = {port}\n",
        fake.base_url()
    ));
    let mut daemon = Daemon::start(&home, port, 1);
    for (sender, text) in [("ann", "one"), ("ben", "two"), ("ann", "three")] {
        say(&daemon, sender, text);
    }
    daemon.kill9();
    let mut daemon = Daemon::start(&home, port, 2);
    say(&daemon, "ben", "four");
    daemon.stop(&home);

    let (ok, text) = verify(&home);
    assert!(ok, "{text}");
    // Four answers, and the summaries of the two conversations the graceful stop closed.
    assert!(text.contains("audit log intact: 6 rows verified"), "{text}");

    // An answer rewritten in the database.
    let mut missed = 0;
    let test =
        "audit::the_audit_chain_holds_across_a_crash_and_names_each_row_edited_or_deleted_behind_omegas_back";
    tamper(&home, "UPDATE audit_log SET output_text = 'echo: something else' WHERE id = 2");
    let (ok, text) = verify(&home);
    missed += usize::from(ok);
    assert!(!ok, "{text}");
    assert!(text.contains("audit row 2 (number 2 of the chain) was altered after it was written"), "{text}");
    assert!(text.contains("1 problems in 6 rows"), "only the edited row: {text}");
    tamper(&home, "UPDATE audit_log SET output_text = 'echo: two' WHERE id = 2");
    let (ok, text) = verify(&home);
    assert!(ok, "put back as it was, it verifies again: {text}");

    // A row deleted from the middle.
    tamper(&home, "DELETE FROM audit_log WHERE id = 3");
    let (ok, text) = verify(&home);
    missed += usize::from(ok);
    assert!(!ok, "{text}");
    assert!(text.contains("audit rows 3 of the chain were deleted (before row 4)"), "{text}");
    assert!(text.contains("1 problems in 5 rows"), "{text}");

    // A row added without Omega.
    tamper(
        &home,
        "INSERT INTO audit_log (created_at, channel, sender_id, input_text, status) VALUES (0, 'http', 'eve', 'x', 'ok')",
    );
    let (ok, text) = verify(&home);
    missed += usize::from(ok);
    record(
        7,
        "edits behind Omega's back not reported, of 3 (alter, delete, insert)",
        missed as f64,
        "0",
        test,
    );
    assert!(!ok, "{text}");
    assert!(text.contains("audit row 7 is not chained: it was added outside Omega"), "{text}");
}
