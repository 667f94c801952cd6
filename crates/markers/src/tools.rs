//! The same effects as native tools, for models that call tools better than they write markers.
//! A call is turned into the marker value it stands for and read by the same [`interpret`], so
//! both routes end in the same [`Effect`].

use serde_json::{Value, json};

use crate::grammar::{Effect, MarkerName, interpret};

/// A tool the model may call instead of writing a marker.
#[derive(Debug, Clone, PartialEq)]
pub struct EffectTool {
    pub name: &'static str,
    pub description: &'static str,
    pub parameters: Value,
}

/// The effect tools (the everyday ones; the rest stay markers, to keep every request small).
pub fn effect_tools() -> Vec<EffectTool> {
    let s = |d: &str| json!({"type": "string", "description": d});
    vec![
        EffectTool {
            name: "schedule_task",
            description: "Set a reminder for the user (or, with run_as_action, something you will do yourself \
                          at that time, with tools).",
            parameters: json!({"type": "object", "properties": {
                "description": s("What to remind of, or what to do"),
                "due": s("When, in the user's local time: YYYY-MM-DDTHH:MM"),
                "repeat": s("once, daily, weekly, monthly, yearly, weekdays, or a cron line like '30 8 * * 1-5'"),
                "run_as_action": {"type": "boolean", "description": "You run it at that time instead of reminding"}
            }, "required": ["description", "due"]}),
        },
        EffectTool {
            name: "cancel_task",
            description: "Cancel one of the user's pending tasks.",
            parameters: json!({"type": "object", "properties": {"id": s("The task id (or its first characters)")},
                               "required": ["id"]}),
        },
        EffectTool {
            name: "update_task",
            description: "Change one of the user's pending tasks; omit what stays the same.",
            parameters: json!({"type": "object", "properties": {
                "id": s("The task id"), "description": s("New description"),
                "due": s("New time, local: YYYY-MM-DDTHH:MM"), "repeat": s("New repeat")
            }, "required": ["id"]}),
        },
        EffectTool {
            name: "remember_lesson",
            description: "Record a rule to follow with this user from now on.",
            parameters: json!({"type": "object", "properties": {"domain": s("Topic, e.g. food"), "rule": s("The rule")},
                               "required": ["domain", "rule"]}),
        },
        EffectTool {
            name: "set_language",
            description: "Answer this user in this language from now on.",
            parameters: json!({"type": "object", "properties": {"language": s("e.g. Portuguese")}, "required": ["language"]}),
        },
        EffectTool {
            name: "set_personality",
            description: "Change how you behave with this user ('reset' for the default).",
            parameters: json!({"type": "object", "properties": {"description": s("e.g. brief and formal")},
                               "required": ["description"]}),
        },
        EffectTool {
            name: "improve_skill",
            description: "After a skill's instructions led you wrong and you found the fix: write the lesson into \
                          that skill, so it is not repeated.",
            parameters: json!({"type": "object", "properties": {
                "skill": s("The skill's folder name, as listed"), "lesson": s("What to do differently")
            }, "required": ["skill", "lesson"]}),
        },
        EffectTool {
            name: "install_skill",
            description: "Install a new skill you wrote in your workspace at skills/NAME/SKILL.md (frontmatter with \
                          name, description, triggers; then the instructions).",
            parameters: json!({"type": "object", "properties": {"name": s("The folder name NAME")}, "required": ["name"]}),
        },
        EffectTool {
            name: "send_file",
            description: "Send the user a file from your workspace (a chart, a photo, a PDF, a CSV) with your reply. \
                          Images arrive as photos, other files as documents.",
            parameters: json!({"type": "object", "properties": {
                "path": s("The file, relative to your workspace"), "caption": s("A line about it (optional)")
            }, "required": ["path"]}),
        },
        EffectTool {
            name: "report_bug",
            description: "Record something in Omega that is broken.",
            parameters: json!({"type": "object", "properties": {"description": s("What is wrong")},
                               "required": ["description"]}),
        },
        EffectTool {
            name: "start_background_job",
            description: "Hand long work (research, many tool calls) to a background job, which runs on its own \
                          and sends the user its result when done. Say it started; do not do the work now.",
            parameters: json!({"type": "object", "properties": {
                "request": s("The whole request, self-contained: the job does not see this turn")
            }, "required": ["request"]}),
        },
    ]
}

/// Whether `name` is one of the effect tools.
pub fn is_effect_tool(name: &str) -> bool {
    effect_of_call(name, &Value::Null).is_some()
}

/// The effect a call of effect tool `name` stands for; `None` when `name` is not an effect tool.
pub fn effect_of_call(name: &str, args: &Value) -> Option<Result<Effect, String>> {
    let (marker, value) = marker_of_call(name, args)?;
    Some(interpret(marker, &value))
}

/// The marker (and its value) a call of effect tool `name` stands for.
pub fn marker_of_call(name: &str, args: &Value) -> Option<(MarkerName, String)> {
    // Field separators inside a value would shift the fields: they become slashes.
    let get = |k: &str| args.get(k).and_then(Value::as_str).unwrap_or("").replace('|', "/").trim().to_owned();
    let (marker, value) = match name {
        "schedule_task" => {
            let action = args.get("run_as_action").and_then(Value::as_bool).unwrap_or(false);
            let m = if action { MarkerName::ScheduleAction } else { MarkerName::Schedule };
            (m, format!("{} | {} | {}", get("description"), get("due"), get("repeat")))
        }
        "cancel_task" => (MarkerName::CancelTask, get("id")),
        "update_task" => (
            MarkerName::UpdateTask,
            format!("{} | {} | {} | {}", get("id"), get("description"), get("due"), get("repeat")),
        ),
        "remember_lesson" => (MarkerName::Lesson, format!("{} | {}", get("domain"), get("rule"))),
        "set_language" => (MarkerName::LangSwitch, get("language")),
        "set_personality" => (MarkerName::Personality, get("description")),
        "report_bug" => (MarkerName::BugReport, get("description")),
        "start_background_job" => (MarkerName::Background, get("request")),
        "improve_skill" => (MarkerName::SkillImprove, format!("{} | {}", get("skill"), get("lesson"))),
        "install_skill" => (MarkerName::SkillInstall, get("name")),
        "send_file" => (MarkerName::SendFile, format!("{} | {}", get("path"), get("caption"))),
        _ => return None,
    };
    Some((marker, value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::TaskKind;
    use crate::parse;

    #[test]
    fn a_tool_call_and_the_marker_end_in_the_same_effect() {
        let via_tool = effect_of_call(
            "schedule_task",
            &json!({"description": "call mom", "due": "2026-11-26T09:00", "repeat": "daily"}),
        )
        .unwrap()
        .unwrap();
        let via_marker = parse("SCHEDULE: call mom | 2026-11-26T09:00 | daily").effects.remove(0);
        assert_eq!(via_tool, via_marker);
        let action = effect_of_call(
            "schedule_task",
            &json!({"description": "x", "due": "2026-11-26T09:00", "run_as_action": true}),
        );
        assert!(matches!(action, Some(Ok(Effect::Schedule { kind: TaskKind::Action, .. }))));
        assert!(effect_of_call("bash", &json!({})).is_none());
        assert!(
            matches!(effect_of_call("cancel_task", &json!({})), Some(Err(_))),
            "a missing id is an error"
        );
    }

    #[test]
    fn separators_in_values_cannot_shift_fields() {
        let e = effect_of_call(
            "schedule_task",
            &json!({"description": "a | 2020-01-01T00:00", "due": "2026-11-26T09:00"}),
        )
        .unwrap()
        .unwrap();
        assert!(
            matches!(e, Effect::Schedule { ref description, ref due, .. } if description == "a / 2020-01-01T00:00" && due == "2026-11-26T09:00")
        );
    }

    #[test]
    fn every_effect_tool_is_recognized() {
        for t in effect_tools() {
            assert!(effect_of_call(t.name, &json!({})).is_some(), "{}", t.name);
        }
    }
}
