//! `scorecard FIGURES`: `RELIABILITY.md` (on stdout) from the figures the tests recorded
//! (`omega_testkit::score`, one JSON line each). `just prove` runs the tests with
//! `OMEGA_SCORECARD` set, then this. A suite no test measures yet is listed as not measured:
//! the scorecard shows what is proven and what is not.

use omega_testkit::score::Figure;
use std::collections::BTreeMap;

/// The suites, in order: (number, name, what it promises).
const SUITES: [(u8, &str, &str); 9] = [
    (1, "Chaos under load", "every message gets exactly one outcome across SIGKILLs; a task fires once"),
    (
        2,
        "Faults",
        "disk, database, network, provider and clock faults: Omega keeps running or stops clearly, loses nothing stored",
    ),
    (3, "Fuzzing", "no parser panics on any input"),
    (4, "Prompt injection", "injected text never acts; benign text is left alone"),
    (5, "Secrets", "no secret reaches a log, the database, a request, a tool or a backup"),
    (6, "Sandbox", "tools cannot reach Omega's data, the network when it is off, or Omega itself"),
    (7, "Tamper-evident audit", "an audit row altered, deleted, moved or added behind Omega's back is named"),
    (8, "Spend caps", "no call is made past a cap; no call's cost goes unrecorded"),
    (9, "Soak", "memory, file descriptors and the database do not grow over a day"),
];

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        eprintln!("usage: scorecard FIGURES.jsonl > RELIABILITY.md");
        std::process::exit(2)
    });
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("scorecard: cannot read {path}: {e} (run the tests with OMEGA_SCORECARD={path} first)");
            std::process::exit(1)
        }
    };
    // A figure recorded more than once (a test run per level, per seed) keeps its worst value:
    // every figure counts something whose aim is the least.
    let mut figures: BTreeMap<(u8, String, String), Figure> = BTreeMap::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let f: Figure = match serde_json::from_str(line) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("scorecard: {path} line {}: {e}", n + 1);
                std::process::exit(1)
            }
        };
        let key = (f.suite, f.what.clone(), f.test.clone());
        match figures.get(&key) {
            Some(old) if old.value >= f.value => {}
            _ => {
                figures.insert(key, f);
            }
        }
    }
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown".into());
    print!("{}", render(&figures, &commit));
}

fn render(figures: &BTreeMap<(u8, String, String), Figure>, commit: &str) -> String {
    let mut out = String::from("# Reliability scorecard\n\n");
    out.push_str(&format!(
        "Written by `just prove` at commit `{commit}`: the whole test suite runs with `OMEGA_SCORECARD` set, \
         and each figure below is what the test named beside it measured (and asserted). A suite without \
         figures is not measured yet. Each figure's test runs alone with \
         `cargo test --workspace --locked -- TEST --exact`.\n\n"
    ));
    out.push_str("| # | Suite | Figure | Measured | Aim | Test |\n|---|---|---|---|---|---|\n");
    let (mut measured, mut met) = (0, 0);
    for (n, name, _) in SUITES {
        let rows: Vec<&Figure> = figures.values().filter(|f| f.suite == n).collect();
        if rows.is_empty() {
            out.push_str(&format!("| {n} | {name} | — | **not measured yet** | — | — |\n"));
            continue;
        }
        for f in rows {
            // An aim of "—" marks a figure given for information (what a promise costs).
            let informative = f.aim.parse::<f64>().is_err();
            measured += usize::from(!informative);
            let ok = informative || f.aim.parse::<f64>().is_ok_and(|aim| f.value <= aim);
            met += usize::from(ok && !informative);
            let value = if f.value.fract() == 0.0 {
                format!("{}", f.value as i64)
            } else {
                format!("{:.3}", f.value)
            };
            out.push_str(&format!(
                "| {n} | {name} | {} | {value}{} | {} | `{}` |\n",
                f.what,
                if ok { "" } else { " (**aim not met**)" },
                f.aim,
                f.test
            ));
        }
    }
    out.push_str(&format!(
        "\n{measured} figures measured, {met} at their aim (figures with no aim are given for information).\n\n## What each suite promises\n\n"
    ));
    for (n, name, promise) in SUITES {
        out.push_str(&format!("{n}. **{name}**: {promise}.\n"));
    }
    out
}
