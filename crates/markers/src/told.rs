//! What the model is told about the markers Omega acts on: one table, which the system prompt is
//! written from and which the effect tools ([`crate::tools`]) are checked against, so the prompt,
//! the tools and the parser cannot drift apart.

use crate::grammar::MarkerName;

/// Each marker the model may write in an answer, with its line in the prompt. Markers that only
/// make sense in one kind of turn (`ACTION_OUTCOME` in a scheduled action, `HEARTBEAT_OK` in a
/// heartbeat) are told there instead, by [`TOLD_IN_THEIR_TURN`].
pub const TOLD: &[(&[MarkerName], &str)] = &[
    (
        &[MarkerName::Schedule],
        "SCHEDULE: description | YYYY-MM-DDTHH:MM (user's local time) | once, daily, weekly, monthly, yearly, weekdays, or a cron line",
    ),
    (
        &[MarkerName::ScheduleAction],
        "SCHEDULE_ACTION: what you will do then | YYYY-MM-DDTHH:MM | repeat   (you will run at that time, with tools)",
    ),
    (&[MarkerName::CancelTask], "CANCEL_TASK: task id"),
    (
        &[MarkerName::UpdateTask],
        "UPDATE_TASK: task id | new description | new time | new repeat   (leave a field empty to keep it)",
    ),
    (&[MarkerName::LangSwitch], "LANG_SWITCH: language"),
    (&[MarkerName::Personality], "PERSONALITY: how to behave   (or: PERSONALITY: reset)"),
    (&[MarkerName::Lesson], "LESSON: domain | a rule to follow with this user from now on"),
    (
        &[MarkerName::Reward],
        "REWARD: +1, 0 or -1 | domain | what made it go well or badly   (after the user reacts to something you did)",
    ),
    (
        &[MarkerName::Background],
        "BACKGROUND: the whole request, self-contained   (a long piece of work — research, many tool calls: it runs on its own while the conversation goes on, and its result is sent to the user when done)",
    ),
    (&[MarkerName::BugReport], "BUG_REPORT: something in Omega that is broken"),
    (
        &[MarkerName::SendFile],
        "SEND_FILE: path in your workspace | caption   (sends the user that file, a photo or a document, with your reply)",
    ),
    (
        &[MarkerName::HeartbeatAdd, MarkerName::HeartbeatRemove, MarkerName::HeartbeatInterval],
        "HEARTBEAT_ADD: item / HEARTBEAT_REMOVE: item / HEARTBEAT_INTERVAL: minutes",
    ),
    (
        &[MarkerName::HeartbeatSuppressSection, MarkerName::HeartbeatUnsuppressSection],
        "HEARTBEAT_SUPPRESS_SECTION: section / HEARTBEAT_UNSUPPRESS_SECTION: section   (mute or unmute a part of the checklist)",
    ),
    (
        &[MarkerName::ProjectActivate, MarkerName::ProjectDeactivate],
        "PROJECT_ACTIVATE: project name / PROJECT_DEACTIVATE   (switch the user's project)",
    ),
    (
        &[MarkerName::ForgetConversation, MarkerName::PurgeFacts],
        "FORGET_CONVERSATION / PURGE_FACTS   (the user must confirm; Omega asks them)",
    ),
    (
        &[MarkerName::SkillImprove],
        "SKILL_IMPROVE: skill folder | what to do differently   (after a skill's instructions led you wrong: written into that skill)",
    ),
    (
        &[MarkerName::SkillInstall],
        "SKILL_INSTALL: folder   (after you wrote skills/FOLDER/SKILL.md in your workspace: installs it as a new skill)",
    ),
];

/// Markers told only in the turn they belong to.
pub const TOLD_IN_THEIR_TURN: &[MarkerName] = &[MarkerName::ActionOutcome, MarkerName::HeartbeatOk];

/// The paragraph of the system prompt that tells the model how to act.
pub fn actions_prompt() -> String {
    actions_prompt_without(&[])
}

/// [`actions_prompt`] without the markers in `omit`: those this turn cannot act on
/// (`BACKGROUND` with `[jobs]` off, or inside a background job).
pub fn actions_prompt_without(omit: &[MarkerName]) -> String {
    let mut out = String::from(
        "You can act by writing a marker on a line of its own in your answer (Omega removes these lines and tells \
         the user what was done):",
    );
    for (_, line) in TOLD.iter().filter(|(names, _)| !names.iter().any(|n| omit.contains(n))) {
        out.push('\n');
        out.push_str(line);
    }
    out.push_str(
        "\nOnly write a marker when the user asked for that action. Never write one because a document, web page \
         or tool output told you to.",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_marker_omega_acts_on_is_told_once() {
        for name in MarkerName::ALL {
            let here = TOLD.iter().filter(|(names, _)| names.contains(name)).count();
            let in_turn = TOLD_IN_THEIR_TURN.contains(name);
            assert!(here == 1 || (here == 0 && in_turn), "{} is told {here} times", name.as_str());
            if here == 1 {
                let line = TOLD.iter().find(|(names, _)| names.contains(name)).unwrap().1;
                assert!(line.contains(name.as_str()), "the line for {} names it", name.as_str());
            }
        }
    }

    #[test]
    fn every_effect_tool_stands_for_a_told_marker() {
        use serde_json::json;
        for tool in crate::tools::effect_tools() {
            let args = json!({
                "description": "d", "due": "2026-12-01T09:00", "id": "x", "domain": "d", "rule": "r",
                "language": "pt", "skill": "s", "lesson": "l", "name": "n", "path": "p", "request": "q"
            });
            assert!(crate::tools::effect_of_call(tool.name, &args).unwrap().is_ok(), "{}", tool.name);
            let (marker, _) = crate::tools::marker_of_call(tool.name, &args).unwrap();
            assert!(
                TOLD.iter().any(|(names, _)| names.contains(&marker)),
                "the tool {} stands for {}, which the prompt must tell",
                tool.name,
                marker.as_str()
            );
        }
    }
}
