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

/// The policy for every channel: who may talk, and who counts as the owner.
///
/// The owner's people are *verified* identities the owner configured: Telegram's
/// `allowed_users`, the local terminal user, an embedding program's own channel. An HTTP
/// `sender` is only what a client claims, so it is never the owner unless named in
/// `[api] owner_senders` on purpose. Owner-only actions (approving pairing codes) ask
/// [`AuthPolicy::is_owner`], and nothing else.
#[derive(Debug, Clone, Default)]
pub struct AuthPolicy {
    /// `false` = `[auth] enabled = false`: everyone is allowed everywhere (owner rights still
    /// need [`AuthPolicy::set_owners`]).
    pub enabled: bool,
    channels: HashMap<String, Allowed>,
    owners: HashMap<String, Allowed>,
}

impl AuthPolicy {
    pub fn new(enabled: bool) -> Self {
        Self { enabled, channels: HashMap::new(), owners: HashMap::new() }
    }

    /// Who on `channel` counts as the owner. A channel without an entry has no owner.
    pub fn set_owners(&mut self, channel: &str, owners: Allowed) {
        self.owners.insert(channel.to_owned(), owners);
    }

    /// Whether `sender` on `channel` is one of the owner's verified identities.
    pub fn is_owner(&self, channel: &str, sender: &str) -> bool {
        match self.owners.get(channel) {
            Some(Allowed::Anyone) => true,
            Some(Allowed::Only(list)) => list.iter().any(|s| s == sender),
            None => false,
        }
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

    #[test]
    fn only_configured_identities_are_the_owner() {
        let mut p = AuthPolicy::new(true);
        p.set("http", Allowed::Anyone);
        p.set_owners("terminal", Allowed::Anyone);
        p.set_owners("telegram", Allowed::Only(vec!["42".into()]));
        p.set_owners("http", Allowed::Only(vec![]));
        assert!(p.check("http", "mallory").is_ok(), "anyone may talk over HTTP");
        assert!(!p.is_owner("http", "mallory"), "but a claimed name is not the owner");
        assert!(p.is_owner("telegram", "42") && !p.is_owner("telegram", "43"));
        assert!(p.is_owner("terminal", "owner"));
        assert!(!p.is_owner("smoke-signals", "x"), "a channel without owners has none");
        assert!(!AuthPolicy::new(false).is_owner("http", "x"), "auth off does not make anyone the owner");
    }
}
