//! Who may talk to Omega, per channel. Pure: the Gateway asks, this answers.

use std::collections::HashMap;

/// The senders one channel accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Allowed {
    /// Everyone who reaches the channel (the channel authenticates them itself, e.g. the terminal
    /// user is the machine's owner, an API client holds the token).
    Anyone,
    /// Only these sender ids. Empty = nobody.
    Only(Vec<String>),
}

/// Why a sender was refused; stored in the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denied {
    UnknownChannel(String),
    NobodyAllowed(String),
    NotListed { channel: String, sender: String },
}

impl std::fmt::Display for Denied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Denied::UnknownChannel(c) => write!(f, "channel {c} has no auth policy"),
            Denied::NobodyAllowed(c) => write!(f, "no senders are allowed on channel {c}"),
            Denied::NotListed { channel, sender } => {
                write!(f, "sender {sender} is not in the allowed list of channel {channel}")
            }
        }
    }
}

/// The policy for every channel.
#[derive(Debug, Clone, Default)]
pub struct AuthPolicy {
    /// `false` = `[auth] enabled = false`: everyone is allowed everywhere.
    pub enabled: bool,
    channels: HashMap<String, Allowed>,
}

impl AuthPolicy {
    pub fn new(enabled: bool) -> Self {
        Self { enabled, channels: HashMap::new() }
    }

    pub fn set(&mut self, channel: &str, allowed: Allowed) {
        self.channels.insert(channel.to_owned(), allowed);
    }

    pub fn check(&self, channel: &str, sender: &str) -> Result<(), Denied> {
        if !self.enabled {
            return Ok(());
        }
        match self.channels.get(channel) {
            None => Err(Denied::UnknownChannel(channel.to_owned())),
            Some(Allowed::Anyone) => Ok(()),
            Some(Allowed::Only(list)) if list.is_empty() => Err(Denied::NobodyAllowed(channel.to_owned())),
            Some(Allowed::Only(list)) if list.iter().any(|s| s == sender) => Ok(()),
            Some(Allowed::Only(_)) => {
                Err(Denied::NotListed { channel: channel.to_owned(), sender: sender.to_owned() })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_per_channel() {
        let mut p = AuthPolicy::new(true);
        p.set("terminal", Allowed::Anyone);
        p.set("http", Allowed::Only(vec!["alice".into()]));
        p.set("telegram", Allowed::Only(vec![]));
        assert!(p.check("terminal", "anyone").is_ok());
        assert!(p.check("http", "alice").is_ok());
        assert!(matches!(p.check("http", "mallory"), Err(Denied::NotListed { .. })));
        assert!(matches!(p.check("telegram", "1"), Err(Denied::NobodyAllowed(_))));
        assert!(matches!(p.check("smoke-signals", "x"), Err(Denied::UnknownChannel(_))));
        let off = AuthPolicy::new(false);
        assert!(off.check("smoke-signals", "x").is_ok());
    }
}
