//! A user's conversations as the server keeps them.
//!
//! The server keeps, per user and conversation, the read position, the
//! peer's read position, the unread count and the point up to which the
//! user cleared the history. The SDK turns this into TIM `Conversation`
//! objects.

use crate::ids::ConversationId;
use crate::message::{ConversationType, WireMessage};
use serde::{Deserialize, Serialize};

/// One conversation of the requesting user.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationState {
    /// The conversation, from the requesting user's side.
    #[serde(rename = "conversationID")]
    pub conversation_id: ConversationId,
    /// Its type.
    #[serde(rename = "type")]
    pub conversation_type: ConversationType,
    /// The last message that may be shown as `lastMessage`, if any.
    pub last_message: Option<WireMessage>,
    /// Messages from others, after `readSequence`, that count as unread.
    pub unread_count: u64,
    /// Highest message sequence this user has read.
    pub read_sequence: u64,
    /// Highest message sequence the peer has read (C2C).
    pub peer_read_sequence: u64,
    /// Messages up to and including this sequence were cleared by the user
    /// and are never returned to them again.
    pub cleared_sequence: u64,
    /// Highest message sequence in the conversation.
    pub last_sequence: u64,
    /// Server time (seconds) of the last activity, for sorting.
    pub update_time: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversation_state_snapshot() {
        let c = ConversationState {
            conversation_id: "C2Cbob".into(),
            conversation_type: ConversationType::C2c,
            last_message: None,
            unread_count: 2,
            read_sequence: 3,
            peer_read_sequence: 1,
            cleared_sequence: 0,
            last_sequence: 5,
            update_time: 1_764_115_200,
        };
        let json = serde_json::to_string(&c).expect("serialize");
        assert_eq!(
            json,
            r#"{"conversationID":"C2Cbob","type":"C2C","lastMessage":null,"unreadCount":2,"readSequence":3,"peerReadSequence":1,"clearedSequence":0,"lastSequence":5,"updateTime":1764115200}"#
        );
        assert_eq!(serde_json::from_str::<ConversationState>(&json).expect("parse"), c);
    }
}
