use serde::{Deserialize, Serialize};

/// Every marker name, longest first where one is a prefix of another (so `SCHEDULE_ACTION` is
/// tried before `SCHEDULE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MarkerName {
    ScheduleAction,
    Schedule,
    CancelTask,
    UpdateTask,
    HeartbeatAdd,
    HeartbeatRemove,
    HeartbeatInterval,
    HeartbeatSuppressSection,
    HeartbeatUnsuppressSection,
    HeartbeatOk,
    LangSwitch,
    Personality,
    ForgetConversation,
    PurgeFacts,
    ProjectActivate,
    ProjectDeactivate,
    SkillImprove,
    SkillInstall,
    SendFile,
    Background,
    BugReport,
    Reward,
    Lesson,
    ActionOutcome,
}

/// Whether a marker carries a value after `:` or stands alone on its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Valued,
    Bare,
}

impl MarkerName {
    pub const ALL: &'static [MarkerName] = &[
        MarkerName::ScheduleAction,
        MarkerName::Schedule,
        MarkerName::CancelTask,
        MarkerName::UpdateTask,
        MarkerName::HeartbeatAdd,
        MarkerName::HeartbeatRemove,
        MarkerName::HeartbeatInterval,
        MarkerName::HeartbeatSuppressSection,
        MarkerName::HeartbeatUnsuppressSection,
        MarkerName::HeartbeatOk,
        MarkerName::LangSwitch,
        MarkerName::Personality,
        MarkerName::ForgetConversation,
        MarkerName::PurgeFacts,
        MarkerName::ProjectActivate,
        MarkerName::ProjectDeactivate,
        MarkerName::SkillImprove,
        MarkerName::SkillInstall,
        MarkerName::SendFile,
        MarkerName::Background,
        MarkerName::BugReport,
        MarkerName::Reward,
        MarkerName::Lesson,
        MarkerName::ActionOutcome,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ScheduleAction => "SCHEDULE_ACTION",
            Self::Schedule => "SCHEDULE",
            Self::CancelTask => "CANCEL_TASK",
            Self::UpdateTask => "UPDATE_TASK",
            Self::HeartbeatAdd => "HEARTBEAT_ADD",
            Self::HeartbeatRemove => "HEARTBEAT_REMOVE",
            Self::HeartbeatInterval => "HEARTBEAT_INTERVAL",
            Self::HeartbeatSuppressSection => "HEARTBEAT_SUPPRESS_SECTION",
            Self::HeartbeatUnsuppressSection => "HEARTBEAT_UNSUPPRESS_SECTION",
            Self::HeartbeatOk => "HEARTBEAT_OK",
            Self::LangSwitch => "LANG_SWITCH",
            Self::Personality => "PERSONALITY",
            Self::ForgetConversation => "FORGET_CONVERSATION",
            Self::PurgeFacts => "PURGE_FACTS",
            Self::ProjectActivate => "PROJECT_ACTIVATE",
            Self::ProjectDeactivate => "PROJECT_DEACTIVATE",
            Self::SkillImprove => "SKILL_IMPROVE",
            Self::SkillInstall => "SKILL_INSTALL",
            Self::SendFile => "SEND_FILE",
            Self::Background => "BACKGROUND",
            Self::BugReport => "BUG_REPORT",
            Self::Reward => "REWARD",
            Self::Lesson => "LESSON",
            Self::ActionOutcome => "ACTION_OUTCOME",
        }
    }

    pub fn shape(self) -> Shape {
        match self {
            Self::ForgetConversation | Self::PurgeFacts | Self::ProjectDeactivate | Self::HeartbeatOk => {
                Shape::Bare
            }
            _ => Shape::Valued,
        }
    }
}

/// What kind of scheduled task a `SCHEDULE*` marker creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    /// Text delivered at the due time.
    Reminder,
    /// The AI runs at the due time with full tool access.
    Action,
}

/// A typed request from the model. Values are as written; the actor that owns the effect
/// validates them against its own state (a task id must exist, a time must be in the future).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    Schedule {
        kind: TaskKind,
        description: String,
        due: String,
        repeat: Option<String>,
    },
    CancelTask {
        id: String,
    },
    UpdateTask {
        id: String,
        description: Option<String>,
        due: Option<String>,
        repeat: Option<String>,
    },
    HeartbeatAdd {
        item: String,
    },
    HeartbeatRemove {
        item: String,
    },
    HeartbeatInterval {
        minutes: u32,
    },
    HeartbeatSuppressSection {
        section: String,
    },
    HeartbeatUnsuppressSection {
        section: String,
    },
    HeartbeatOk,
    LangSwitch {
        language: String,
    },
    /// `None` resets to the default personality.
    Personality {
        description: Option<String>,
    },
    ForgetConversation,
    PurgeFacts,
    ProjectActivate {
        name: String,
    },
    ProjectDeactivate,
    SkillImprove {
        skill: String,
        lesson: String,
    },
    /// Install the skill written in the workspace at `skills/NAME/`.
    SkillInstall {
        name: String,
    },
    /// Send a file of the workspace to the person, with the reply.
    SendFile {
        path: String,
        caption: Option<String>,
    },
    /// Work on `request` in a background job; its result is sent when done.
    StartJob {
        request: String,
    },
    BugReport {
        description: String,
    },
    Reward {
        score: i8,
        domain: String,
        lesson: String,
    },
    Lesson {
        domain: String,
        rule: String,
    },
    ActionOutcome {
        success: bool,
        reason: Option<String>,
    },
}

/// Turn a marker's value into its effect, or say what is wrong with it.
pub fn interpret(name: MarkerName, value: &str) -> Result<Effect, String> {
    let v = value.trim();
    let nonempty = |what: &str| {
        if v.is_empty() { Err(format!("{} needs {what}", name.as_str())) } else { Ok(v.to_owned()) }
    };
    match name {
        MarkerName::Schedule | MarkerName::ScheduleAction => {
            let parts: Vec<&str> = v.splitn(3, '|').map(str::trim).collect();
            let (description, due) = match parts.as_slice() {
                [d, due, ..] if !d.is_empty() && !due.is_empty() => (*d, *due),
                _ => {
                    return Err(format!("{} needs `description | datetime | repeat`", name.as_str()));
                }
            };
            let repeat =
                parts.get(2).map(|r| r.to_ascii_lowercase()).filter(|r| !r.is_empty() && r != "once");
            let kind = if name == MarkerName::Schedule { TaskKind::Reminder } else { TaskKind::Action };
            Ok(Effect::Schedule { kind, description: description.to_owned(), due: due.to_owned(), repeat })
        }
        MarkerName::CancelTask => Ok(Effect::CancelTask { id: nonempty("a task id")? }),
        MarkerName::UpdateTask => {
            let parts: Vec<&str> = v.splitn(4, '|').map(str::trim).collect();
            let id = parts.first().copied().unwrap_or_default();
            if id.is_empty() {
                return Err("UPDATE_TASK needs `id | description | datetime | repeat`".into());
            }
            let field = |i: usize| parts.get(i).filter(|s| !s.is_empty()).map(|s| s.to_string());
            Ok(Effect::UpdateTask {
                id: id.to_owned(),
                description: field(1),
                due: field(2),
                repeat: field(3).map(|r| r.to_ascii_lowercase()),
            })
        }
        MarkerName::HeartbeatAdd => Ok(Effect::HeartbeatAdd { item: nonempty("an item")? }),
        MarkerName::HeartbeatRemove => Ok(Effect::HeartbeatRemove { item: nonempty("an item")? }),
        MarkerName::HeartbeatInterval => match v.parse::<u32>() {
            Ok(m) if (1..=1440).contains(&m) => Ok(Effect::HeartbeatInterval { minutes: m }),
            _ => Err(format!("HEARTBEAT_INTERVAL needs minutes between 1 and 1440, got `{v}`")),
        },
        MarkerName::HeartbeatSuppressSection => {
            Ok(Effect::HeartbeatSuppressSection { section: nonempty("a section name")? })
        }
        MarkerName::HeartbeatUnsuppressSection => {
            Ok(Effect::HeartbeatUnsuppressSection { section: nonempty("a section name")? })
        }
        MarkerName::LangSwitch => Ok(Effect::LangSwitch { language: nonempty("a language")? }),
        MarkerName::Personality => {
            let d = nonempty("a description or `reset`")?;
            let description = (!d.eq_ignore_ascii_case("reset")).then_some(d);
            Ok(Effect::Personality { description })
        }
        MarkerName::ProjectActivate => Ok(Effect::ProjectActivate { name: nonempty("a project name")? }),
        MarkerName::SkillImprove => match v.split_once('|') {
            Some((s, l)) if !s.trim().is_empty() && !l.trim().is_empty() => {
                Ok(Effect::SkillImprove { skill: s.trim().to_owned(), lesson: l.trim().to_owned() })
            }
            _ => Err("SKILL_IMPROVE needs `skill | lesson`".into()),
        },
        MarkerName::SkillInstall => Ok(Effect::SkillInstall { name: nonempty("a skill folder name")? }),
        MarkerName::BugReport => Ok(Effect::BugReport { description: nonempty("a description")? }),
        MarkerName::Background => Ok(Effect::StartJob { request: nonempty("what to work on")? }),
        MarkerName::SendFile => {
            let (path, caption) = match v.split_once('|') {
                Some((p, c)) => (p.trim(), Some(c.trim().to_owned()).filter(|c| !c.is_empty())),
                None => (v, None),
            };
            if path.is_empty() {
                return Err("SEND_FILE needs `path | caption` (a file in your workspace)".into());
            }
            Ok(Effect::SendFile { path: path.to_owned(), caption })
        }
        MarkerName::Reward => {
            let parts: Vec<&str> = v.splitn(3, '|').map(str::trim).collect();
            match parts.as_slice() {
                [score, domain, lesson] if !domain.is_empty() => {
                    let score = match *score {
                        "+1" | "1" => 1,
                        "0" => 0,
                        "-1" => -1,
                        other => {
                            return Err(format!("REWARD score must be +1, 0 or -1, got `{other}`"));
                        }
                    };
                    Ok(Effect::Reward { score, domain: (*domain).to_owned(), lesson: (*lesson).to_owned() })
                }
                _ => Err("REWARD needs `score | domain | lesson`".into()),
            }
        }
        MarkerName::Lesson => match v.split_once('|') {
            Some((d, r)) if !d.trim().is_empty() && !r.trim().is_empty() => {
                Ok(Effect::Lesson { domain: d.trim().to_owned(), rule: r.trim().to_owned() })
            }
            _ => Err("LESSON needs `domain | rule`".into()),
        },
        MarkerName::ActionOutcome => {
            let (status, reason) = match v.split_once('|') {
                Some((s, r)) => (s.trim(), Some(r.trim().to_owned()).filter(|r| !r.is_empty())),
                None => (v, None),
            };
            match status.to_ascii_lowercase().as_str() {
                "success" => Ok(Effect::ActionOutcome { success: true, reason }),
                "failed" | "failure" => Ok(Effect::ActionOutcome { success: false, reason }),
                other => Err(format!("ACTION_OUTCOME must be `success` or `failed | reason`, got `{other}`")),
            }
        }
        MarkerName::ForgetConversation => Ok(Effect::ForgetConversation),
        MarkerName::PurgeFacts => Ok(Effect::PurgeFacts),
        MarkerName::ProjectDeactivate => Ok(Effect::ProjectDeactivate),
        MarkerName::HeartbeatOk => Ok(Effect::HeartbeatOk),
    }
}
