//! Facts about a person, as a model extracts them: which keys are allowed, which values are
//! believable, and the one call that both summarizes a conversation and extracts its facts.

/// The keys a model may set. Anything else is dropped (facts are a profile, not a diary).
pub const ALLOWED_KEYS: &[&str] = &[
    "name",
    "preferred_name",
    "pronouns",
    "timezone",
    "location",
    "occupation",
    "interests",
    "communication_style",
    "technical_level",
    "autonomy_preference",
];

/// The instruction for the summarizing call; the transcript follows it.
/// Folding the older part of a long conversation into its running summary (compaction).
pub const COMPACT_PROMPT: &str = "\
You keep the running summary of a long conversation between the user and you, for your own \
memory. Below are the summary so far (if any) and the messages that come after it. Write the new \
summary: everything that still matters later (what the user said about themselves, decisions, \
open questions, promises you made, names, numbers, dates), in plain sentences, at most 300 words. \
Answer with the summary only.";

pub const SUMMARIZE_PROMPT: &str = "\
Summarize the conversation below for your own memory, then list durable facts about the user.
Answer in exactly this format:
SUMMARY: one or two factual sentences, no commentary
FACTS:
key: value
(one per line; keys only from: name, preferred_name, pronouns, timezone, location, occupation, \
interests, communication_style, technical_level, autonomy_preference; timezone as an IANA name \
like Europe/Lisbon; write FACTS: none when there are none)";

/// Whether `key: value` is a fact worth keeping (the original's rules, kept): an allowed key, a
/// short value that is not a price, a variable or a table row.
pub fn is_valid(key: &str, value: &str) -> bool {
    let value = value.trim();
    if !ALLOWED_KEYS.contains(&key) || value.is_empty() || value.len() > 200 {
        return false;
    }
    if value.starts_with('$') || value.matches('|').count() >= 2 {
        return false;
    }
    let price_like = value.chars().all(|c| c.is_ascii_digit() || ".,- ".contains(c));
    if price_like {
        return false;
    }
    if key == "timezone" && value.parse::<chrono_tz::Tz>().is_err() {
        return false;
    }
    !["none", "unknown", "n/a", "not specified", "not mentioned"].contains(&value.to_lowercase().as_str())
}

/// The summary and the valid facts in a summarizing answer. A missing `SUMMARY:` line makes the
/// whole answer the summary (trimmed); facts that fail [`is_valid`] are dropped.
pub fn parse_summary(answer: &str) -> (String, Vec<(String, String)>) {
    let mut summary = String::new();
    let mut facts = Vec::new();
    let mut in_facts = false;
    for line in answer.lines() {
        let t = line.trim();
        if let Some(s) = t.strip_prefix("SUMMARY:") {
            summary = s.trim().to_owned();
            in_facts = false;
        } else if let Some(rest) = t.strip_prefix("FACTS:") {
            in_facts = true;
            if rest.trim().eq_ignore_ascii_case("none") {
                in_facts = false;
            }
        } else if in_facts && let Some((k, v)) = t.trim_start_matches("- ").split_once(':') {
            let key = k.trim().to_lowercase().replace(' ', "_");
            let value = v.trim().to_owned();
            if is_valid(&key, &value) && !facts.iter().any(|(fk, _)| *fk == key) {
                facts.push((key, value));
            }
        }
    }
    if summary.is_empty() {
        summary = answer.lines().next().unwrap_or("").trim().chars().take(400).collect();
    }
    (summary, facts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summarizing_answer_yields_the_summary_and_only_believable_facts() {
        let answer = "SUMMARY: Ana planned a trip to Porto.\nFACTS:\nname: Ana\n- location: Lisbon\n\
                      timezone: Mars/Olympus\noccupation: $JOB\ninterests: a | b | c\nsalary: 5000\n\
                      technical_level: 1,000.50\nfavourite_color: blue\ninterests: hiking, chess\n";
        let (summary, facts) = parse_summary(answer);
        assert_eq!(summary, "Ana planned a trip to Porto.");
        assert_eq!(
            facts,
            vec![
                ("name".into(), "Ana".into()),
                ("location".into(), "Lisbon".into()),
                ("interests".into(), "hiking, chess".into())
            ]
        );
        assert_eq!(parse_summary("SUMMARY: Small talk.\nFACTS: none").1, vec![]);
        assert_eq!(parse_summary("Just chatted.").0, "Just chatted.");
        assert!(is_valid("timezone", "Europe/Lisbon"));
    }
}
