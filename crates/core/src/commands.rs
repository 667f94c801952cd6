//! Slash commands Omega answers itself, without asking the AI, the same on every channel.
//! Unknown `/x` commands go to the AI as ordinary text.

/// A recognized command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Help,
    /// Omega's state and yours.
    Status,
    /// What Omega remembers about you.
    Memory,
    /// Earlier conversations (their summaries) and this one.
    History,
    /// The facts Omega keeps about you.
    Facts,
    /// Start a fresh conversation.
    Forget,
    /// Your pending tasks.
    Tasks,
    /// Cancel a task by id or unambiguous prefix, or a background job by its number (empty =
    /// none given).
    Cancel(String),
    /// Start a background job (empty = none given).
    Background(String),
    /// Your background jobs: running, waiting, and the last day's.
    Jobs,
    /// Show (empty) or set the reply language; `auto` clears it.
    Language(String),
    /// Show (empty) or set the behaviour style; `reset` clears it.
    Personality(String),
    Skills,
    Projects,
    /// Activate a project (empty = show the active one; `off` = none).
    Project(String),
    /// Delete the facts about you: `true` once confirmed with `/purge yes`.
    Purge(bool),
    /// Today's spend against the budget.
    Usage,
    /// What the next prompt will hold, part by part, with rough token counts.
    Context,
    /// The heartbeat checklist and its settings.
    Heartbeat,
    /// Lessons and outcomes recorded with you.
    Learning,
    /// Let in the sender who was given this pairing code (empty = no code given).
    Approve(String),
    /// Make a link code (empty) or redeem one: the same memory on two channels.
    Link(String),
    /// Undo this identity's link.
    Unlink,
    /// Link WhatsApp Web: the QR code to scan comes as a photo (the owner only).
    WhatsApp,
}

/// The commands a channel should advertise (e.g. Telegram's command menu), in `/help`'s order;
/// [`crate::i18n::describe`] says what each does in each language.
pub const MENU: &[&str] = &[
    "help",
    "tasks",
    "cancel",
    "bg",
    "jobs",
    "memory",
    "facts",
    "history",
    "forget",
    "language",
    "personality",
    "projects",
    "project",
    "skills",
    "heartbeat",
    "learning",
    "usage",
    "context",
    "status",
    "purge",
    "link",
    "unlink",
    "approve",
    "whatsapp",
];

impl Command {
    /// Parse `/name[@bot] args`. Returns `None` for ordinary text and unknown commands.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let first = text.split_whitespace().next()?;
        let name = first.strip_prefix('/')?;
        let name = name.split('@').next().unwrap_or(name).to_ascii_lowercase();
        let rest = text[first.len()..].trim().to_owned();
        Some(match name.as_str() {
            "help" | "start" => Command::Help,
            "status" => Command::Status,
            "memory" => Command::Memory,
            "history" => Command::History,
            "facts" => Command::Facts,
            "forget" => Command::Forget,
            "tasks" => Command::Tasks,
            "cancel" => Command::Cancel(rest),
            "bg" | "background" => Command::Background(rest),
            "jobs" => Command::Jobs,
            "language" | "lang" => Command::Language(rest),
            "personality" => Command::Personality(rest),
            "skills" => Command::Skills,
            "projects" => Command::Projects,
            "project" => Command::Project(rest),
            "purge" => Command::Purge(rest.eq_ignore_ascii_case("yes")),
            "usage" => Command::Usage,
            "context" => Command::Context,
            "heartbeat" => Command::Heartbeat,
            "learning" => Command::Learning,
            "approve" => Command::Approve(rest.split_whitespace().next().unwrap_or("").to_owned()),
            "link" => Command::Link(rest.split_whitespace().next().unwrap_or("").to_owned()),
            "unlink" => Command::Unlink,
            "whatsapp" => Command::WhatsApp,
            _ => return None,
        })
    }
}

/// The `/help` text, in English.
pub fn help_text(agent_name: &str) -> String {
    crate::i18n::help_text(agent_name, crate::i18n::Lang::En)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commands_with_arguments_and_bot_names() {
        assert_eq!(Command::parse("/help"), Some(Command::Help));
        assert_eq!(Command::parse("  /HELP@omega_bot please"), Some(Command::Help));
        assert_eq!(Command::parse("/start"), Some(Command::Help));
        assert_eq!(Command::parse("help"), None);
        assert_eq!(Command::parse("/unknown"), None);
        assert_eq!(Command::parse("/approve 123456"), Some(Command::Approve("123456".into())));
        assert_eq!(Command::parse("/approve"), Some(Command::Approve(String::new())));
        assert_eq!(Command::parse("/cancel 3f9a"), Some(Command::Cancel("3f9a".into())));
        assert_eq!(
            Command::parse("/bg  look into flights to Lisbon"),
            Some(Command::Background("look into flights to Lisbon".into()))
        );
        assert_eq!(Command::parse("/jobs"), Some(Command::Jobs));
        assert_eq!(
            Command::parse("/language Brazilian Portuguese"),
            Some(Command::Language("Brazilian Portuguese".into()))
        );
        assert_eq!(Command::parse("/purge"), Some(Command::Purge(false)));
        assert_eq!(Command::parse("/purge YES"), Some(Command::Purge(true)));
        assert_eq!(Command::parse("/project off"), Some(Command::Project("off".into())));
        assert_eq!(Command::parse(""), None);
    }

    #[test]
    fn help_lists_every_menu_command() {
        let help = help_text("Omega");
        for name in MENU {
            assert!(help.contains(&format!("/{name} — ")), "{name} missing from /help");
        }
    }
}
