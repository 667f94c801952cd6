//! Fuzzing the marker grammar (scorecard suite 3): answers built from marker names, values,
//! fences, quotes, odd whitespace and arbitrary characters, checked against the parser's and the
//! stream filter's promises. Reproducible; `OMEGA_FUZZ_CASES` sets the inputs per target.

use omega_markers::{StreamFilter, parse, parse_beside, tools};
use omega_testkit::fuzz::{self, proptest, proptest::prelude::*};

const PIECES: &[&str] = &[
    "SCHEDULE:",
    "SCHEDULE_ACTION:",
    "CANCEL_TASK:",
    "UPDATE_TASK:",
    "HEARTBEAT_ADD:",
    "HEARTBEAT_REMOVE:",
    "HEARTBEAT_INTERVAL:",
    "HEARTBEAT_SUPPRESS_SECTION:",
    "HEARTBEAT_UNSUPPRESS_SECTION:",
    "LANG_SWITCH:",
    "PERSONALITY:",
    "PURGE_FACTS",
    "FORGET_CONVERSATION",
    "HEARTBEAT_OK",
    "LESSON:",
    "REWARD:",
    "ACTION_OUTCOME:",
    "PROJECT_ACTIVATE:",
    "PROJECT_DEACTIVATE",
    "SKILL_IMPROVE:",
    "SKILL_INSTALL:",
    "SEND_FILE:",
    "BACKGROUND:",
    "BUG_REPORT:",
    " call mom ",
    "|",
    " 2026-11-26T09:00 ",
    "in 5 minutes",
    "daily",
    "+1",
    "-1",
    "0",
    "\n",
    "\n",
    "\n",
    "```",
    "~~~",
    "> ",
    "  ",
    "\t",
    "\r",
    "é",
    "🙂",
    "LESSON",
    ":",
    "x",
    "1440",
];

fn answer() -> impl Strategy<Value = String> {
    fuzz::text_of(PIECES, 40)
}

#[test]
fn random_answers_keep_the_parsers_promises() {
    fuzz::check("marker parser", "random_answers_keep_the_parsers_promises", answer(), |text| {
        let parsed = parse(&text);
        // What is delivered holds no marker that would act if parsed again.
        let again = parse(&parsed.text);
        prop_assert!(again.effects.is_empty(), "stripped text still acts: {:?}", parsed.text);
        // Nothing the model copied from tool output acts.
        let beside = parse_beside(&text, &[&text]);
        prop_assert!(beside.effects.is_empty(), "a copied marker acted");
        // Effects never outnumber lines.
        prop_assert!(parsed.effects.len() + parsed.diagnostics.len() <= text.split('\n').count());
        Ok(())
    });
}

/// Cuts `text` into chunks at the given fractions of its length (on character boundaries).
fn chunks(text: &str, cuts: &[u16]) -> Vec<String> {
    let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
    let mut at: Vec<usize> = cuts.iter().map(|&c| bounds[usize::from(c) % bounds.len()]).collect();
    at.sort_unstable();
    at.dedup();
    let mut out = Vec::new();
    let mut from = 0;
    for i in at.into_iter().chain([text.len()]) {
        if i > from {
            out.push(text[from..i].to_owned());
            from = i;
        }
    }
    out
}

fn shown(pieces: &[String]) -> String {
    let mut f = StreamFilter::new();
    let mut out: String = pieces.iter().map(|c| f.push(c)).collect();
    out.push_str(&f.finish());
    out
}

#[test]
fn a_streamed_answer_never_shows_a_marker_however_it_is_chunked() {
    let input = (answer(), proptest::collection::vec(any::<u16>(), 0..12));
    fuzz::check(
        "marker stream filter",
        "a_streamed_answer_never_shows_a_marker_however_it_is_chunked",
        input,
        |(text, cuts)| {
            let whole = shown(std::slice::from_ref(&text));
            let pieces = shown(&chunks(&text, &cuts));
            prop_assert_eq!(&whole, &pieces, "what is shown depends on how the stream was cut");
            let parsed = parse(&pieces);
            prop_assert!(parsed.effects.is_empty(), "the preview showed a marker: {:?}", pieces);
            Ok(())
        },
    );
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        answer().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        let keys = proptest::sample::select(
            &[
                "description",
                "due",
                "repeat",
                "run_as_action",
                "id",
                "domain",
                "rule",
                "language",
                "path",
                "caption",
                "request",
                "skill",
                "lesson",
                "name",
                "x",
            ][..],
        );
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map(keys.prop_map(str::to_owned), inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

#[test]
fn effect_tool_calls_with_any_arguments_never_panic_and_agree_with_their_marker() {
    let names: Vec<String> = [
        "schedule_task",
        "cancel_task",
        "update_task",
        "remember_lesson",
        "set_language",
        "set_personality",
        "report_bug",
        "start_background_job",
        "improve_skill",
        "install_skill",
        "send_file",
        "not_a_tool",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    let input = (proptest::sample::select(names), json_value());
    fuzz::check(
        "effect tool arguments",
        "effect_tool_calls_with_any_arguments_never_panic_and_agree_with_their_marker",
        input,
        |(name, args)| {
            let Some((marker, value)) = tools::marker_of_call(&name, &args) else { return Ok(()) };
            // The call and the marker line it stands for give the same effect.
            let line = format!("{}: {value}", marker.as_str());
            let by_call = tools::effect_of_call(&name, &args).expect("an effect tool");
            let by_line = parse(&line);
            // (A value with a line break has no one-line marker to compare with.)
            if let (Ok(effect), false) = (by_call, value.contains(['\n', '\r'])) {
                prop_assert!(
                    by_line.effects.first() == Some(&effect),
                    "the call gave {effect:?}, its marker line {line:?} gave {:?}",
                    by_line.effects
                );
            }
            Ok(())
        },
    );
}
