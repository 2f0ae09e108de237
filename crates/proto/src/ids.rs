//! Newtype identifiers: users, groups, messages and TIM conversation IDs.
//!
//! A conversation ID is always seen from one user's side: alice's one-to-one
//! conversation with bob is `C2Cbob`, bob's is `C2Calice`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A user's ID (TIM `userID`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub String);

impl UserId {
    /// Wraps a string as a user ID without validation.
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// The ID as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for UserId {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

/// A group's ID (TIM `groupID`): chosen by its creator or made by the
/// server (`@TGS#…`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct GroupId(pub String);

impl GroupId {
    /// Wraps a string as a group ID without validation.
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// The ID as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for GroupId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for GroupId {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

/// A message ID (TIM `message.ID`), unique on the server.
///
/// As in TIM, the sender's client makes it when it creates the message,
/// and it is the message's ID from then on, before and after sending:
/// `<from>-<clientTime>-<random>` ([`MessageId::client_made`]). The server
/// builds the same ID from what the client sends (its user, `clientTime`
/// in seconds, `random`), so a resend of one message is known by its ID.
/// Messages stored before this scheme keep their older IDs
/// (`<row>-<time>-<random>`); an ID is opaque to everyone else.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MessageId(pub String);

impl MessageId {
    /// The ID as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The ID of the message `from` creates at `client_time` (seconds of
    /// the client's clock) with `random`. Unambiguous: neither number can
    /// hold a `-`, so the last two parts are always the numbers.
    pub fn client_made(from: &UserId, client_time: u64, random: u64) -> Self {
        Self(format!("{}-{client_time}-{random}", from.as_str()))
    }
}

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The kind of a conversation, by its ID prefix.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ConversationKind {
    /// `C2C<userID>`: one-to-one with that user.
    C2c(UserId),
    /// `GROUP<groupID>`: a group (or a topic ID).
    Group(String),
    /// `@TIM#SYSTEM`: the system notice conversation.
    System,
}

/// A TIM conversation ID (`C2C…`, `GROUP…`, `@TIM#SYSTEM`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(type = "string"))]
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ConversationId(pub String);

impl ConversationId {
    /// The one-to-one conversation with `peer`, as seen by the other side.
    pub fn c2c(peer: &UserId) -> Self {
        Self(format!("{}{}", crate::constants::types::CONV_C2C, peer.0))
    }

    /// The conversation ID as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Parses the ID into its kind; `None` for a malformed ID (TIM code
    /// 2503 `INVALID_CONVERSATION_ID`).
    pub fn kind(&self) -> Option<ConversationKind> {
        use crate::constants::types::{CONV_C2C, CONV_GROUP, CONV_SYSTEM};
        if self.0 == CONV_SYSTEM {
            Some(ConversationKind::System)
        } else if let Some(peer) = self.0.strip_prefix(CONV_C2C).filter(|p| !p.is_empty()) {
            Some(ConversationKind::C2c(UserId::new(peer)))
        } else {
            self.0
                .strip_prefix(CONV_GROUP)
                .filter(|g| !g.is_empty())
                .map(|g| ConversationKind::Group(g.to_owned()))
        }
    }

    /// The conversation of a group (`GROUP<groupID>`).
    pub fn group(group: &GroupId) -> Self {
        Self(format!("{}{}", crate::constants::types::CONV_GROUP, group.0))
    }

    /// The peer of a one-to-one conversation, if this is one.
    pub fn c2c_peer(&self) -> Option<UserId> {
        match self.kind() {
            Some(ConversationKind::C2c(peer)) => Some(peer),
            _ => None,
        }
    }
}

impl fmt::Display for ConversationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for ConversationId {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_made_ids_name_sender_time_and_random() {
        let id = MessageId::client_made(&UserId::new("a-1"), 1_700_000_000, 42);
        assert_eq!(id.as_str(), "a-1-1700000000-42");
        // Another sender whose ID is a prefix cannot make the same ID.
        assert_ne!(MessageId::client_made(&UserId::new("a"), 1, 1_700_000_000), id);
    }

    #[test]
    fn conversation_ids_parse_by_prefix() {
        let bob = UserId::new("bob");
        assert_eq!(ConversationId::c2c(&bob).as_str(), "C2Cbob");
        assert_eq!(ConversationId::from("C2Cbob").c2c_peer(), Some(bob));
        assert_eq!(
            ConversationId::from("GROUPg1").kind(),
            Some(ConversationKind::Group("g1".into()))
        );
        assert_eq!(ConversationId::from("@TIM#SYSTEM").kind(), Some(ConversationKind::System));
        assert_eq!(ConversationId::from("C2C").kind(), None);
        assert_eq!(ConversationId::from("bob").kind(), None);
    }
}
