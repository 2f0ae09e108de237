//! Samples of wire types for tests: this crate's own, and (with the
//! `testing` cargo feature, as a dev-dependency) other crates'. Not for
//! production code: the values are fixed and meaningless.
//!
//! [`WireMessageSample`] builds a [`WireMessage`] without spelling its
//! nineteen fields: it starts from one stored C2C text message (alice to
//! bob, "hi", sequence 17) and changes what a test names.
//!
//! ```
//! use confab_proto::testing::WireMessageSample;
//!
//! let m = WireMessageSample::new("bob", "alice").sequence(3).text("m3").build();
//! assert_eq!((m.from.as_str(), m.to.as_str(), m.sequence), ("bob", "alice", 3));
//! ```

use crate::ids::{MessageId, UserId};
use crate::message::{ConversationType, MessageElement, Priority, TextPayload, WireMessage};

/// Builder of sample [`WireMessage`]s (see the module docs).
#[derive(Clone, Debug)]
#[must_use = "a sample does nothing until built"]
pub struct WireMessageSample(WireMessage);

impl Default for WireMessageSample {
    /// The stored C2C text "hi" from alice (nick "Alice") to bob: ID
    /// `17-1764115200-42`, sequence 17, time 1764115200, random 42.
    fn default() -> Self {
        Self(WireMessage {
            receiver_list: Vec::new(),
            id: MessageId("17-1764115200-42".into()),
            conversation_type: ConversationType::C2c,
            from: UserId::new("alice"),
            to: "bob".into(),
            sequence: 17,
            time: 1_764_115_200,
            random: 42,
            element: MessageElement::Text(TextPayload { text: "hi".into() }),
            priority: Priority::Normal,
            cloud_custom_data: String::new(),
            nick: "Alice".into(),
            avatar: String::new(),
            need_read_receipt: false,
            is_support_extension: false,
            name_card: String::new(),
            at_user_list: Vec::new(),
            excluded_from_unread_count: false,
            excluded_from_last_message: false,
            online_user_only: false,
            is_revoked: false,
            version: 0,
        })
    }
}

impl WireMessageSample {
    /// The default sample, sent by `from` to `to` (a user, or a group with
    /// [`WireMessageSample::group`]).
    pub fn new(from: &str, to: &str) -> Self {
        Self::default().from(from).to(to)
    }

    /// Sets the message ID.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.0.id = MessageId(id.into());
        self
    }

    /// Sets the sender.
    pub fn from(mut self, from: &str) -> Self {
        self.0.from = UserId::new(from);
        self
    }

    /// Sets the receiver (a userID, or a groupID for group messages).
    pub fn to(mut self, to: &str) -> Self {
        self.0.to = to.into();
        self
    }

    /// Makes it a message of the group `group_id` (type `GROUP`, `to` the
    /// group).
    pub fn group(mut self, group_id: &str) -> Self {
        self.0.conversation_type = ConversationType::Group;
        self.0.to = group_id.into();
        self
    }

    /// Sets the conversation's sequence.
    pub fn sequence(mut self, sequence: u64) -> Self {
        self.0.sequence = sequence;
        self
    }

    /// Sets the server time (seconds).
    pub fn time(mut self, time: i64) -> Self {
        self.0.time = time;
        self
    }

    /// Sets the sender's `random`.
    pub fn random(mut self, random: u64) -> Self {
        self.0.random = random;
        self
    }

    /// Makes it a text message with `text`.
    pub fn text(self, text: impl Into<String>) -> Self {
        self.element(MessageElement::Text(TextPayload { text: text.into() }))
    }

    /// Sets the element.
    pub fn element(mut self, element: MessageElement) -> Self {
        self.0.element = element;
        self
    }

    /// Sets the sender's nickname.
    pub fn nick(mut self, nick: impl Into<String>) -> Self {
        self.0.nick = nick.into();
        self
    }

    /// Sets the sender's group name card.
    pub fn name_card(mut self, name_card: impl Into<String>) -> Self {
        self.0.name_card = name_card.into();
        self
    }

    /// Sets the @-mentioned users.
    pub fn at_user_list(mut self, users: &[&str]) -> Self {
        self.0.at_user_list = users.iter().map(|u| (*u).to_owned()).collect();
        self
    }

    /// Sets the modification count.
    pub fn version(mut self, version: u32) -> Self {
        self.0.version = version;
        self
    }

    /// The message.
    pub fn build(self) -> WireMessage {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builder_changes_only_what_it_names() {
        let base = WireMessageSample::default().build();
        let group = WireMessageSample::new("bob", "x").group("@TGS#1").sequence(2).build();
        assert_eq!(group.conversation_type, ConversationType::Group);
        assert_eq!(group.to, "@TGS#1");
        assert_eq!(group.from.as_str(), "bob");
        assert_eq!(group.sequence, 2);
        assert_eq!(
            WireMessage {
                conversation_type: base.conversation_type,
                from: base.from.clone(),
                to: base.to.clone(),
                sequence: base.sequence,
                ..group
            },
            base
        );
    }
}
