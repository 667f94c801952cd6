//! Faults (scorecard suite 2), with the real binary: a disk that fills up under the daemon (a
//! small tmpfs as its data dir), the database locked by another program, a read-only data dir,
//! a truncated database file, and a provider that takes the request and never answers. Each
//! time Omega keeps running or stops with a message naming what is wrong, tells the person when
//! it cannot answer, and loses nothing it had stored.

use crate::chaos::query;
use crate::support::{Daemon, omega};
use omega_testkit::peers::free_port;
use omega_testkit::score::record;
use omega_testkit::{FakeOpenAi, Script, TempHome};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn config(home: &TempHome, ai: &FakeOpenAi, port: u16, extra: &str) {
    home.write_config(&format!(
        "[api]\nport = {port}\n\n\
         [provider]\ndefault = \"openai\"\n\n\
         [provider.openai]\nbase_url = \"{ai}\"\napi_key = \"sk-faults\"\nmodel = \"m\"\ntimeout_secs = 2\n\n{extra}",
        ai = ai.base_url(),
    ));
}

/// `POST /api/messages` and wait: the HTTP status and body, or `None` when no answer came at all.
fn ask(port: u16, sender: &str, text: &str) -> Option<(u16, Value)> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let r = reqwest::Client::new()
            .post(format!("http://127.0.0.1:{port}/api/messages"))
            .timeout(Duration::from_secs(90))
            .json(&json!({"sender": sender, "text": text}))
            .send()
            .await
            .ok()?;
        let status = r.status().as_u16();
        Some((status, r.json::<Value>().await.unwrap_or(Value::Null)))
    })
}

fn answered(reply: &Option<(u16, Value)>) -> bool {
    matches!(reply, Some((200, body)) if body["status"] == "answered")
}

/// A refusal the person can read: a failed reply with its reason, or an error naming the cause.
fn told(reply: &Option<(u16, Value)>) -> bool {
    match reply {
        Some((200, body)) => {
            body["status"] == "failed" && body["reply"]["text"].as_str().is_some_and(|t| !t.is_empty())
        }
        Some((code, body)) if *code >= 400 => body["message"].as_str().is_some_and(|t| !t.is_empty()),
        _ => false,
    }
}

fn sh(cmd: &str) {
    let out = Command::new("sh").arg("-c").arg(cmd).output().unwrap();
    assert!(out.status.success(), "{cmd}: {}", String::from_utf8_lossy(&out.stderr));
}

fn require_root(what: &str) {
    let uid = Command::new("id").arg("-u").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&uid.stdout).trim(),
        "0",
        "{what} needs root (to mount a file system); run the tests as root, as .ci/run does"
    );
}

/// A mount that is undone when the test ends, however it ends.
struct Mounted(PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Every (sender, text) of the person's messages Omega stored, in order.
fn stored(home: &TempHome) -> Vec<(String, String)> {
    query(home, "SELECT sender_id, text FROM inbox WHERE sender_id NOT LIKE 'job%' ORDER BY id")
        .into_iter()
        .map(|r| (r[0].as_str().unwrap().to_owned(), r[1].as_str().unwrap().to_owned()))
        .collect()
}

fn integrity(db: &Path) -> String {
    let out = Command::new("python3")
        .args(["-c", "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])"])
        .arg(db)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[test]
fn a_disk_that_fills_up_gets_each_person_an_answer_or_a_refusal_and_loses_nothing() {
    let test = "faults::a_disk_that_fills_up_gets_each_person_an_answer_or_a_refusal_and_loses_nothing";
    require_root("the full-disk test");
    let (home, ai) = (TempHome::new(), FakeOpenAi::start());
    ai.set_chunk_delay(Duration::ZERO);
    let data = home.data_dir();
    std::fs::create_dir_all(&data).unwrap();
    sh(&format!("mount -t tmpfs -o size=24m tmpfs '{}'", data.display()));
    let _mount = Mounted(data.clone());
    let port = free_port();
    config(&home, &ai, port, "");
    let mut daemon = Daemon::start(&home, port, 1);
    for i in 0..3 {
        assert!(answered(&ask(port, "ana", &format!("before the disk filled {i}"))));
    }

    // Fill every byte that is left.
    sh(&format!(
        "dd if=/dev/zero of='{d}/filler' bs=1M 2>/dev/null; dd if=/dev/zero of='{d}/filler2' bs=4k 2>/dev/null; \
         dd if=/dev/zero of='{d}/filler3' bs=512 2>/dev/null; true",
        d = data.display()
    ));
    let big = "a long note to keep ".repeat(2000);
    let mut replies = Vec::new();
    for i in 0..10 {
        replies.push(ask(port, &format!("full-{i}"), &format!("{i}: {big}")));
    }
    let neither = replies.iter().filter(|r| !answered(r) && !told(r)).count();
    let refused = replies.iter().filter(|r| told(r)).count();
    assert!(
        crate::support::http_get(port, "/api/health").is_some(),
        "the daemon still runs with the disk full"
    );

    // Room again: the next message is answered, and a restart finds everything stored.
    for f in ["filler", "filler2", "filler3"] {
        let _ = std::fs::remove_file(data.join(f));
    }
    let after = ask(port, "ana", "the disk has room again");
    assert!(answered(&after), "{after:?}");
    daemon.stop(&home);
    let kept = stored(&home);
    let mut daemon = Daemon::start(&home, port, 2);
    assert!(answered(&ask(port, "ana", "after the restart")));
    daemon.stop(&home);
    let before: Vec<String> = (0..3).map(|i| format!("before the disk filled {i}")).collect();
    let lost = before.iter().filter(|t| !kept.iter().any(|(_, k)| k == *t)).count();
    let answered_then_lost = replies
        .iter()
        .enumerate()
        .filter(|(i, r)| answered(r) && !kept.iter().any(|(s, _)| s == &format!("full-{i}")))
        .count();
    record(
        2,
        "messages sent with the disk full that got neither an answer nor a refusal, of 10",
        neither as f64,
        "0",
        test,
    );
    record(2, "messages refused while the disk was full (the person told), of 10", refused as f64, "—", test);
    record(
        2,
        "stored messages lost after the disk filled (3 before, and the ones answered while full)",
        (lost + answered_then_lost) as f64,
        "0",
        test,
    );
    assert_eq!(neither, 0, "{replies:?}");
    assert_eq!(lost + answered_then_lost, 0, "{kept:?}");
    assert_eq!(integrity(&home.db_path()), "ok");
}

#[test]
fn the_database_locked_by_another_program_gets_a_refusal_then_answers_when_it_is_free() {
    let test = "faults::the_database_locked_by_another_program_gets_a_refusal_then_answers_when_it_is_free";
    let (home, ai) = (TempHome::new(), FakeOpenAi::start());
    let port = free_port();
    config(&home, &ai, port, "");
    let mut daemon = Daemon::start(&home, port, 1);
    assert!(answered(&ask(port, "ana", "before the lock")));
    // Another program takes the database for itself and holds it until it is killed.
    let mut holder = Command::new("python3")
        .args([
            "-c",
            "import sqlite3,sys,time\nc=sqlite3.connect(sys.argv[1],isolation_level=None,timeout=30)\n\
             c.execute('BEGIN EXCLUSIVE')\nprint('locked',flush=True)\ntime.sleep(600)",
        ])
        .arg(home.db_path())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(holder.stdout.as_mut().unwrap()), &mut line)
        .unwrap();
    assert_eq!(line.trim(), "locked");
    let during = ask(port, "ben", "while it is locked");
    let _ = holder.kill();
    let _ = holder.wait();
    let after = ask(port, "ana", "after the lock");
    daemon.stop(&home);
    let ok = answered(&during) || told(&during);
    record(
        2,
        "messages sent while another program held the database that got neither an answer nor a refusal, of 1",
        f64::from(u8::from(!ok)),
        "0",
        test,
    );
    assert!(ok, "{during:?}");
    assert!(answered(&after), "{after:?}");
    assert!(stored(&home).iter().any(|(_, t)| t == "before the lock"));
}

#[test]
fn a_read_only_data_dir_or_a_truncated_database_stops_the_start_with_a_message_naming_it() {
    let test =
        "faults::a_read_only_data_dir_or_a_truncated_database_stops_the_start_with_a_message_naming_it";
    require_root("the read-only data dir test");
    let (home, ai) = (TempHome::new(), FakeOpenAi::start());
    let port = free_port();
    config(&home, &ai, port, "");
    let mut daemon = Daemon::start(&home, port, 1);
    assert!(answered(&ask(port, "ana", "remember this")));
    daemon.stop(&home);
    let mut unclear = 0;

    // Read-only.
    let data = home.data_dir();
    sh(&format!("mount --bind '{d}' '{d}' && mount -o remount,bind,ro '{d}'", d = data.display()));
    let mount = Mounted(data.clone());
    let out = omega(&home, &["start"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_lowercase();
    let names = err.contains(&data.display().to_string().to_lowercase()) && err.contains("read-only");
    unclear += usize::from(out.status.success() || !names);
    assert!(!out.status.success() && names, "a clear refusal naming the read-only dir: {err}");
    drop(mount);

    // Truncated: the file is left as it was, and the message names it.
    let db = home.db_path();
    let bytes = std::fs::read(&db).unwrap();
    std::fs::write(&db, &bytes[..bytes.len() / 2]).unwrap();
    let cut = std::fs::read(&db).unwrap();
    let out = omega(&home, &["start"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_lowercase();
    let names = err.contains(&db.display().to_string().to_lowercase());
    unclear += usize::from(out.status.success() || !names);
    assert!(!out.status.success() && names, "a clear refusal naming the database: {err}");
    assert_eq!(std::fs::read(&db).unwrap(), cut, "the damaged file is left for recovery, untouched");
    record(
        2,
        "starts on a read-only data dir or a truncated database not refused with a message naming it, of 2",
        unclear as f64,
        "0",
        test,
    );
}

#[test]
fn a_provider_that_takes_the_request_and_never_answers_is_given_up_on_and_the_person_told() {
    let test =
        "faults::a_provider_that_takes_the_request_and_never_answers_is_given_up_on_and_the_person_told";
    let (home, ai) = (TempHome::new(), FakeOpenAi::start());
    let port = free_port();
    config(&home, &ai, port, "");
    let mut daemon = Daemon::start(&home, port, 1);
    ai.set_default(Script::Hang, Duration::ZERO);
    let hung = ask(port, "ana", "are you there?");
    ai.set_default(Script::Echo, Duration::ZERO);
    let after = ask(port, "ana", "and now?");
    daemon.stop(&home);
    record(
        2,
        "messages to a provider that never answers left without a reply, of 1",
        f64::from(u8::from(!told(&hung))),
        "0",
        test,
    );
    assert!(told(&hung), "{hung:?}");
    let text = hung.as_ref().unwrap().1["reply"]["text"].as_str().unwrap_or_default().to_lowercase();
    assert!(text.contains("time") || text.contains("answer"), "the reason is named: {text}");
    assert!(answered(&after), "{after:?}");
}
