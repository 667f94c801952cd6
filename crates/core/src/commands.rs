//! Slash commands Omega answers itself, without asking the AI. Unknown `/x` commands go to the AI.

/// A recognized command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Help,
    /// Let in the sender who was given this pairing code (empty = no code given).
    Approve(String),
    /// Today's spend against the budget.
    Usage,
}

/// The commands a channel should advertise (e.g. Telegram's command menu): (name, description).
pub const MENU: &[(&str, &str)] = &[
    ("help", "What Omega can do and how to use it"),
    ("usage", "What you (and everyone) spent today"),
    ("approve", "Let in someone who was given a pairing code"),
];

impl Command {
    /// Parse `/name[@bot] args`. Returns `None` for ordinary text and unknown commands.
    pub fn parse(text: &str) -> Option<Self> {
        let first = text.split_whitespace().next()?;
        let name = first.strip_prefix('/')?;
        let name = name.split('@').next().unwrap_or(name).to_ascii_lowercase();
        match name.as_str() {
            "help" | "start" => Some(Command::Help),
            "usage" => Some(Command::Usage),
            "approve" => Some(Command::Approve(text.split_whitespace().nth(1).unwrap_or("").to_owned())),
            _ => None,
        }
    }
}

/// The `/help` text.
pub fn help_text(agent_name: &str) -> String {
    format!(
        "I'm {agent_name}, your personal AI agent. Just write to me in plain language: ask questions, \
         think out loud, tell me about yourself — I remember our conversations.\n\n\
         Commands:\n\
         /help — this message\n\
         /usage — what you and everyone spent today\n\
         /approve CODE — let in someone who was given a pairing code\n\n\
         More commands (tasks, memory, projects) are on their way."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_help_with_and_without_bot_name() {
        assert_eq!(Command::parse("/help"), Some(Command::Help));
        assert_eq!(Command::parse("  /HELP@omega_bot please"), Some(Command::Help));
        assert_eq!(Command::parse("/start"), Some(Command::Help));
        assert_eq!(Command::parse("help"), None);
        assert_eq!(Command::parse("/unknown"), None);
        assert_eq!(Command::parse("/approve 123456"), Some(Command::Approve("123456".into())));
        assert_eq!(Command::parse("/approve"), Some(Command::Approve(String::new())));
        assert_eq!(Command::parse(""), None);
    }
}
