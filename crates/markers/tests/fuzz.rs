//! A fuzz run on stable Rust: many random answers built from marker fragments, fences, quotes and
//! odd whitespace, checked against the parser's promises. Deterministic (seeded), about a second.

use omega_markers::{parse, parse_beside};

const PIECES: &[&str] = &[
    "SCHEDULE:",
    "SCHEDULE_ACTION:",
    "CANCEL_TASK:",
    "UPDATE_TASK:",
    "HEARTBEAT_ADD:",
    "HEARTBEAT_INTERVAL:",
    "LANG_SWITCH:",
    "PERSONALITY:",
    "PURGE_FACTS",
    "FORGET_CONVERSATION",
    "HEARTBEAT_OK",
    "LESSON:",
    "REWARD:",
    "ACTION_OUTCOME:",
    "PROJECT_DEACTIVATE",
    "BUG_REPORT:",
    " call mom ",
    "|",
    " 2026-11-26T09:00 ",
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

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn random_answers_keep_the_parsers_promises() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..20_000 {
        let len = (rng.next() % 40) as usize;
        let text: String = (0..len).map(|_| PIECES[(rng.next() % PIECES.len() as u64) as usize]).collect();
        let parsed = parse(&text);
        // What is delivered holds no marker that would act if parsed again.
        let again = parse(&parsed.text);
        assert!(again.effects.is_empty(), "stripped text still acts: {text:?} -> {:?}", parsed.text);
        // Nothing the model copied from tool output acts.
        let beside = parse_beside(&text, &[&text]);
        assert!(beside.effects.is_empty(), "a copied marker acted: {text:?}");
        // Effects never outnumber lines.
        assert!(parsed.effects.len() + parsed.diagnostics.len() <= text.split('\n').count());
    }
}
