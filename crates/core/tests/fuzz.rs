//! Fuzzing what omega-core reads from people, models and files (scorecard suite 3): due times
//! and repeats the model writes, the sanitizer, commands, summaries, and the config loader.
//! Reproducible; `OMEGA_FUZZ_CASES` sets the inputs per target.

use chrono::{DateTime, Duration, TimeZone as _, Utc};
use omega_core::config::{LoadOptions, Problem, load};
use omega_core::{commands::Command, facts, sanitize, when};
use omega_testkit::fuzz::{self, proptest, proptest::prelude::*};

const TIMES: &[&str] = &[
    "in ",
    "+",
    "5",
    "99999999999999",
    "9223372036854775807",
    "-3",
    "0",
    " ",
    "m",
    "min",
    "minutes",
    "h",
    "hours",
    "d",
    "days",
    "w",
    "weeks",
    "2026-12-",
    "2099-",
    "+262143-",
    "01",
    "31",
    "T",
    "09:00",
    ":00",
    "24:00",
    "Z",
    "+05:30",
    "-23:59",
    "daily",
    "weekly",
    "monthly",
    "yearly",
    "weekdays",
    "cron ",
    "* ",
    "*/5 ",
    "1-5 ",
    "30 8 * * 1-5",
    "59 23 31 2 *",
];

fn zone() -> impl Strategy<Value = chrono_tz::Tz> {
    proptest::sample::select(
        [
            chrono_tz::UTC,
            chrono_tz::Europe::Berlin,
            chrono_tz::America::New_York,
            chrono_tz::Asia::Kathmandu,
            chrono_tz::Pacific::Apia,
            chrono_tz::Australia::Lord_Howe,
        ]
        .to_vec(),
    )
}

fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    // From 1970 to 2400, and the far edges chrono can hold.
    prop_oneof![
        8 => (0i64..13_569_465_600).prop_map(|s| Utc.timestamp_opt(s, 0).unwrap()),
        1 => Just(DateTime::<Utc>::MAX_UTC - Duration::days(1)),
        1 => Just(DateTime::<Utc>::MIN_UTC + Duration::days(1)),
    ]
}

#[test]
fn due_times_and_repeats_the_model_writes_never_panic() {
    let input = (fuzz::text_of(TIMES, 8), fuzz::text_of(TIMES, 6), zone(), instant(), instant());
    fuzz::check(
        "due times and repeats",
        "due_times_and_repeats_the_model_writes_never_panic",
        input,
        |(due, repeat, tz, now, prev)| {
            if let Ok(at) = when::parse_due(&due, tz, now) {
                prop_assert!(at >= now - Duration::seconds(60), "{due:?} read as {at}, before {now}");
                let _ = when::format_local(at, tz);
            }
            if let Ok(r) = when::Repeat::parse(Some(&repeat)) {
                let _ = r.describe();
                if let Some(next) = when::next_after(&r, tz, prev, now) {
                    prop_assert!(next > prev.max(now), "{r:?} after {prev} and {now} gave {next}");
                }
            }
            Ok(())
        },
    );
}

const HOSTILE: &[&str] = &[
    "[system]",
    "[SYSTEM]",
    "<|im_start|>",
    "<|im_end|>",
    "<<SYS>>",
    "<</sys>>",
    "[INST]",
    "### System:",
    "ignore all previous instructions",
    "IGNORE   previous\tinstructions",
    "you are now",
    "new instructions:",
    "\u{200B}",
    "\u{FEFF}",
    "\u{00AD}",
    "[",
    "<|",
    "|>",
    "<<",
    " ",
    "\n",
    "é",
    "İ",
    "ß",
    "🙂",
];

#[test]
fn the_sanitizer_never_drops_content_and_is_stable() {
    fuzz::check(
        "sanitizer",
        "the_sanitizer_never_drops_content_and_is_stable",
        fuzz::text_of(HOSTILE, 24),
        |text| {
            let once = sanitize::sanitize(&text);
            let visible = |s: &str| s.replace(sanitize::ZERO_WIDTH_SPACE, "");
            let body = once.text.strip_prefix(sanitize::UNTRUSTED_PREFIX).unwrap_or(&once.text);
            prop_assert_eq!(visible(body), visible(&text), "the sanitizer changed what a person reads");
            let twice = sanitize::sanitize(&once.text);
            prop_assert_eq!(&twice.text, &once.text, "sanitizing twice changed the text again");
            prop_assert_eq!(twice.neutralized_tags, 0, "a neutralized tag still matched");
            Ok(())
        },
    );
}

const CHAT: &[&str] = &[
    "/",
    "help",
    "cancel",
    "approve",
    "@",
    "omega_bot",
    " ",
    "\n",
    "SUMMARY:",
    "FACTS:",
    "none",
    "- ",
    "name",
    "timezone",
    "Europe/Berlin",
    "Mars/Base",
    ":",
    "unknown",
    "x",
    "é",
];

#[test]
fn commands_and_summaries_never_panic_and_keep_only_valid_facts() {
    fuzz::check(
        "commands and summaries",
        "commands_and_summaries_never_panic_and_keep_only_valid_facts",
        fuzz::text_of(CHAT, 24),
        |text| {
            let _ = Command::parse(&text);
            let (_, kept) = facts::parse_summary(&text);
            for (k, v) in &kept {
                prop_assert!(facts::is_valid(k, v), "an invalid fact was kept: {k}={v}");
            }
            Ok(())
        },
    );
}

const TOML: &[&str] = &[
    "[omega]\n",
    "[api]\n",
    "[provider]\n",
    "[provider.openai]\n",
    "[provider.claude-code]\n",
    "[channel.telegram]\n",
    "[budget]\n",
    "[mcp.servers.x]\n",
    "[[",
    "]]",
    "[",
    "]\n",
    "port",
    "enabled",
    "api_key",
    "default",
    "allowed_users",
    "daily_tokens_per_sender",
    "timezone",
    "env",
    " = ",
    "=",
    "\"",
    "'''",
    "\"x\"",
    "\"openai\"",
    "0",
    "65536",
    "-1",
    "99999999999999999999",
    "1.5",
    "true",
    "[1, \"a\"]",
    "{ a = 1 }",
    "1979-05-27T07:32:00Z",
    "#",
    "\n",
    "\n",
    " ",
    "é",
];

const ENV: &[&str] =
    &["OMEGA_", "API", "PORT", "PROVIDER", "OPENAI", "API_KEY", "__", "_", "X", "CLAUDE_CODE"];

#[test]
fn any_config_file_loads_or_names_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("omega.toml");
    let input =
        (fuzz::text_of(TOML, 30), proptest::option::of((fuzz::text_of(ENV, 6), fuzz::text_of(TOML, 3))));
    fuzz::check("config loader", "any_config_file_loads_or_names_what_is_wrong", input, |(text, var)| {
        std::fs::write(&path, &text).unwrap();
        let opts = LoadOptions {
            path: Some(path.clone()),
            env: var.into_iter().collect(),
            ..LoadOptions::default()
        };
        match load(&opts) {
            Ok(loaded) => prop_assert!(loaded.config.validate().is_ok(), "a loaded config does not validate"),
            Err(e) => {
                prop_assert!(!e.problems.is_empty(), "an error with no problem in it");
                let lines = text.split('\n').count();
                for p in &e.problems {
                    if let Problem::Syntax { line, column, .. } = p {
                        prop_assert!(
                            *line >= 1 && *line <= lines && *column >= 1,
                            "{p} (the file has {lines} lines)"
                        );
                    }
                }
                let said = e.to_string();
                prop_assert!(!said.is_empty());
            }
        }
        Ok(())
    });
}
