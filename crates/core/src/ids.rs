use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! row_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

row_id!(
    /// A row of the inbox: one inbound message that passed auth.
    InboxId
);
row_id!(
    /// A row of the outbox: one reply waiting for its channel to confirm delivery.
    OutboxId
);
row_id!(
    /// A conversation: the messages exchanged with one sender on one channel until it is closed.
    ConversationId
);

/// The key that decides ordering: messages with the same key are handled strictly one after
/// another, messages with different keys run in parallel.
///
/// It is `"{channel}:{sender_id}"`. Two people on the same channel are two sessions; the same
/// person on two channels is also two sessions (identities are linked only explicitly, never by
/// guessing).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SessionKey(String);

impl SessionKey {
    /// The one place a session key is built.
    pub fn new(channel: &str, sender_id: &str) -> Self {
        Self(format!("{channel}:{sender_id}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SessionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_key_separates_channels_and_senders() {
        assert_eq!(SessionKey::new("telegram", "42").as_str(), "telegram:42");
        assert_ne!(SessionKey::new("telegram", "42"), SessionKey::new("http", "42"));
        assert_ne!(SessionKey::new("http", "a"), SessionKey::new("http", "b"));
    }
}
