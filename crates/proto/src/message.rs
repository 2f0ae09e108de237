//! Messages on the wire: what a client submits ([`OutgoingMessage`]) and
//! what the server stores and delivers ([`WireMessage`]).
//!
//! Element payloads keep TIM's field names (`shared/reference/data-model.md`).
//! A [`WireMessage`] is the server's record and is the same for everyone who
//! sees it; per-viewer fields of a TIM `Message` (`flow`, `status`,
//! `isPeerRead`, `conversationID`) are derived by the SDK.

use crate::ids::{MessageId, UserId};
use serde::{Deserialize, Serialize};

/// TIM conversation types that a message can be sent in.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ConversationType {
    /// `TIM.TYPES.CONV_C2C`.
    #[serde(rename = "C2C")]
    C2c,
    /// `TIM.TYPES.CONV_GROUP`.
    #[serde(rename = "GROUP")]
    Group,
    /// `TIM.TYPES.CONV_SYSTEM`: may not be sent to (code 2106).
    #[serde(rename = "@TIM#SYSTEM")]
    System,
}

/// Message priority (`TIM.TYPES.MSG_PRIORITY_*`); matters for groups over
/// their rate limit.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Priority {
    /// `High`.
    High,
    /// `Normal`, the default.
    #[default]
    Normal,
    /// `Low`.
    Low,
    /// `Lowest`.
    Lowest,
}

/// `TIMTextElem` payload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextPayload {
    /// The text.
    pub text: String,
}

/// `TIMCustomElem` payload: opaque strings for the application.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomPayload {
    /// Custom data.
    #[serde(default)]
    pub data: String,
    /// Custom description (also the offline-push text).
    #[serde(default)]
    pub description: String,
    /// Custom extension.
    #[serde(default)]
    pub extension: String,
}

/// `TIMFaceElem` payload.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacePayload {
    /// Face index.
    pub index: i64,
    /// Extra data.
    #[serde(default)]
    pub data: String,
}

/// `TIMLocationElem` payload.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LocationPayload {
    /// Place description.
    #[serde(default)]
    pub description: String,
    /// Longitude in degrees.
    pub longitude: f64,
    /// Latitude in degrees.
    pub latitude: f64,
}

/// A message element: `type` is the `TIM.TYPES.MSG_*` value and `payload`
/// its TIM payload object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "payload")]
pub enum MessageElement {
    /// `TIMTextElem`.
    #[serde(rename = "TIMTextElem")]
    Text(TextPayload),
    /// `TIMCustomElem`.
    #[serde(rename = "TIMCustomElem")]
    Custom(CustomPayload),
    /// `TIMFaceElem`.
    #[serde(rename = "TIMFaceElem")]
    Face(FacePayload),
    /// `TIMLocationElem`.
    #[serde(rename = "TIMLocationElem")]
    Location(LocationPayload),
}

impl MessageElement {
    /// The `TIM.TYPES.MSG_*` value of this element.
    pub fn type_name(&self) -> &'static str {
        use crate::constants::types;
        match self {
            Self::Text(_) => types::MSG_TEXT,
            Self::Custom(_) => types::MSG_CUSTOM,
            Self::Face(_) => types::MSG_FACE,
            Self::Location(_) => types::MSG_LOCATION,
        }
    }
}

/// `messageControlInfo` of `sendMessage`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MessageControlInfo {
    /// Stored, but does not raise the receiver's unread count.
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub excluded_from_unread_count: bool,
    /// Stored, but does not become the conversation's `lastMessage`.
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub excluded_from_last_message: bool,
    /// Skips content moderation (when moderation is on).
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub excluded_from_content_moderation: bool,
}

/// A message as submitted by its sender.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutgoingMessage {
    /// Conversation type; only `C2C` is served by protocol version 1.
    pub conversation_type: ConversationType,
    /// Receiver: a userID for C2C.
    pub to: String,
    /// The client's message ID (TIM `random`), unique per sender and at most
    /// 2^53 - 1. The server deduplicates by (sender, random): sending the
    /// same `random` again returns the first result and stores nothing new.
    pub random: u64,
    /// The content.
    #[serde(flatten)]
    pub element: MessageElement,
    /// Priority (default `Normal`).
    #[serde(default)]
    pub priority: Priority,
    /// Opaque data stored and delivered with the message.
    #[serde(default)]
    pub cloud_custom_data: String,
    /// Asks receivers for read receipts.
    #[serde(default)]
    pub need_read_receipt: bool,
    /// Client clock at creation, in milliseconds (informational).
    #[serde(default)]
    pub client_time: i64,
}

impl OutgoingMessage {
    /// Size in bytes of the body that TIM's 12 KB limit applies to: the
    /// serialized element payload plus `cloudCustomData`.
    pub fn body_size(&self) -> usize {
        body_size(&self.element, &self.cloud_custom_data)
    }
}

/// Size of a message body as counted against the 12 KB limit.
pub fn body_size(element: &MessageElement, cloud_custom_data: &str) -> usize {
    // Serializing a plain data enum cannot fail.
    let payload = serde_json::to_vec(element).map(|v| v.len()).unwrap_or(usize::MAX);
    payload.saturating_add(cloud_custom_data.len())
}

/// A stored message, as delivered to everyone who sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireMessage {
    /// Server-assigned message ID.
    #[serde(rename = "ID")]
    pub id: MessageId,
    /// Conversation type.
    pub conversation_type: ConversationType,
    /// Sender.
    pub from: UserId,
    /// Receiver (userID for C2C).
    pub to: String,
    /// Per-conversation sequence, from 1 without gaps among stored messages;
    /// 0 for `onlineUserOnly` messages, which are not stored.
    pub sequence: u64,
    /// Server time, seconds since the Unix epoch.
    pub time: i64,
    /// The sender's client message ID.
    pub random: u64,
    /// The content.
    #[serde(flatten)]
    pub element: MessageElement,
    /// Priority.
    pub priority: Priority,
    /// Opaque data stored and delivered with the message.
    pub cloud_custom_data: String,
    /// The sender's nickname when sent.
    pub nick: String,
    /// The sender's avatar when sent.
    pub avatar: String,
    /// Whether read receipts were asked for.
    pub need_read_receipt: bool,
    /// Does not raise the receiver's unread count.
    pub excluded_from_unread_count: bool,
    /// Does not become the conversation's last message.
    pub excluded_from_last_message: bool,
    /// Delivered only to instances online at send time; not stored.
    pub online_user_only: bool,
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample() -> WireMessage {
        WireMessage {
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
            excluded_from_unread_count: false,
            excluded_from_last_message: false,
            online_user_only: false,
        }
    }

    #[test]
    fn wire_message_snapshot() {
        let m = sample();
        let json = serde_json::to_string(&m).expect("serialize");
        assert_eq!(
            json,
            r#"{"ID":"17-1764115200-42","conversationType":"C2C","from":"alice","to":"bob","sequence":17,"time":1764115200,"random":42,"type":"TIMTextElem","payload":{"text":"hi"},"priority":"Normal","cloudCustomData":"","nick":"Alice","avatar":"","needReadReceipt":false,"excludedFromUnreadCount":false,"excludedFromLastMessage":false,"onlineUserOnly":false}"#
        );
        assert_eq!(serde_json::from_str::<WireMessage>(&json).expect("parse"), m);
    }

    #[test]
    fn elements_round_trip() {
        for e in [
            MessageElement::Text(TextPayload { text: "x".into() }),
            MessageElement::Custom(CustomPayload {
                data: "d".into(),
                description: "de".into(),
                extension: "e".into(),
            }),
            MessageElement::Face(FacePayload { index: 3, data: "tt00".into() }),
            MessageElement::Location(LocationPayload {
                description: "here".into(),
                longitude: 113.9,
                latitude: 22.5,
            }),
        ] {
            let json = serde_json::to_value(&e).expect("serialize");
            assert_eq!(json["type"], e.type_name());
            assert_eq!(serde_json::from_value::<MessageElement>(json).expect("parse"), e);
        }
    }

    #[test]
    fn outgoing_snapshot_and_body_size() {
        let json = r#"{"conversationType":"C2C","to":"bob","random":7,"type":"TIMCustomElem","payload":{"data":"d"}}"#;
        let m: OutgoingMessage = serde_json::from_str(json).expect("parse");
        assert_eq!(m.priority, Priority::Normal);
        assert_eq!(
            m.element,
            MessageElement::Custom(CustomPayload { data: "d".into(), ..Default::default() })
        );
        let back = serde_json::to_value(&m).expect("serialize");
        assert_eq!(serde_json::from_value::<OutgoingMessage>(back).expect("parse"), m);
        let big = OutgoingMessage {
            element: MessageElement::Text(TextPayload { text: "x".repeat(13 * 1024) }),
            ..m
        };
        assert!(big.body_size() > crate::MAX_MESSAGE_BODY_BYTES);
    }
}
