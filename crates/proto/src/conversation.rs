//! A user's conversations as the server keeps them.
//!
//! The server keeps, per user and conversation, the read position, the
//! peer's read position, the unread count and the point up to which the
//! user cleared the history, and the user's own settings of it (pin, remind
//! type, marks, custom data: [`ConversationSettings`], changed by the
//! operations of this module). The SDK turns this into TIM `Conversation`
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

/// Most conversations one `markConversation` or `setConversationCustomData`
/// names (Confab's; the seed names none).
pub const MAX_CONVERSATIONS_PER_CALL: usize = 100;
/// Most C2C peers one `setMessageRemindType` names (the seed: 30).
pub const MAX_REMIND_USERS_PER_CALL: usize = 30;
/// Longest `customData` of a conversation, in bytes (the seed: 256).
pub const MAX_CONVERSATION_CUSTOM_DATA_BYTES: usize = 256;

/// TIM's built-in conversation marks (`CONV_MARK_TYPE_*`): star, unread,
/// fold, hide.
pub const BUILT_IN_MARKS: [u64; 4] = [1, 2, 4, 8];

/// Whether `mark` is a mark TIM allows: a built-in one, or a custom
/// `2^n` with `32 <= n < 64`.
pub fn valid_mark(mark: u64) -> bool {
    BUILT_IN_MARKS.contains(&mark) || (mark.is_power_of_two() && mark.trailing_zeros() >= 32)
}

/// TIM `MSG_REMIND_*`: how a conversation's new messages reach the user.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum RemindType {
    /// `AcceptAndNotify`: received and notified (the default).
    #[default]
    AcceptAndNotify,
    /// `AcceptNotNotify`: received, not notified, left out of the unread
    /// total ("do not disturb").
    AcceptNotNotify,
    /// `Discard`: not delivered online or offline (no MESSAGE_RECEIVED);
    /// history still has the messages.
    Discard,
}

impl RemindType {
    /// The `TIM.TYPES` value.
    pub fn as_str(self) -> &'static str {
        use crate::constants::types;
        match self {
            Self::AcceptAndNotify => types::MSG_REMIND_ACPT_AND_NOTE,
            Self::AcceptNotNotify => types::MSG_REMIND_ACPT_NOT_NOTE,
            Self::Discard => types::MSG_REMIND_DISCARD,
        }
    }
}

/// A user's own settings of one conversation (they reach every instance
/// of the user through the inbox's `conversationSettingsUpdated`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationSettings {
    /// The conversation.
    #[serde(rename = "conversationID")]
    pub conversation_id: ConversationId,
    /// When it was pinned (server ms; 0: not pinned). Pinned
    /// conversations come first, the most recently pinned first.
    pub pin_time: i64,
    /// How its messages reach the user.
    pub message_remind_type: RemindType,
    /// The user's data for it (≤ 256 bytes).
    pub custom_data: String,
    /// Its marks, lowest first.
    pub mark_list: Vec<u64>,
}

impl ConversationSettings {
    /// The settings of a conversation nobody changed.
    pub fn new(conversation_id: ConversationId) -> Self {
        Self {
            conversation_id,
            pin_time: 0,
            message_remind_type: RemindType::AcceptAndNotify,
            custom_data: String::new(),
            mark_list: Vec::new(),
        }
    }

    /// Whether every setting is the default (nothing to keep).
    pub fn is_default(&self) -> bool {
        self.pin_time == 0
            && self.message_remind_type == RemindType::AcceptAndNotify
            && self.custom_data.is_empty()
            && self.mark_list.is_empty()
    }
}

macro_rules! operation {
    ($req:ty, $name:literal, $resp:ty) => {
        impl crate::ops::Operation for $req {
            const NAME: &'static str = $name;
            type Response = $resp;
        }
    };
}

/// Names of the conversation settings operations (part of
/// [`crate::ops::ALL_OPERATIONS`]).
pub const CONVERSATION_SETTINGS_OPERATIONS: &[&str] = &[
    <PinConversation as crate::ops::Operation>::NAME,
    <SetMessageRemindType as crate::ops::Operation>::NAME,
    <MarkConversation as crate::ops::Operation>::NAME,
    <SetConversationCustomData as crate::ops::Operation>::NAME,
    <CreateConversationGroup as crate::ops::Operation>::NAME,
    <DeleteConversationGroup as crate::ops::Operation>::NAME,
    <RenameConversationGroup as crate::ops::Operation>::NAME,
    <AddConversationsToGroup as crate::ops::Operation>::NAME,
    <DeleteConversationsFromGroup as crate::ops::Operation>::NAME,
];

/// `pinConversation`: pins (or unpins) one of the caller's conversations.
/// Refused: an ID that is not `C2C<user>` or `GROUP<group>` (2503), a
/// conversation the caller does not have (2500).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PinConversation {
    /// The conversation.
    #[serde(rename = "conversationID")]
    pub conversation_id: ConversationId,
    /// Pin (true) or unpin.
    pub is_pinned: bool,
}
operation!(PinConversation, "pinConversation", ConversationIdResponse);

/// `{conversationID}`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationIdResponse {
    /// The conversation.
    #[serde(rename = "conversationID")]
    pub conversation_id: ConversationId,
}

/// `setMessageRemindType`: for a group the caller is in (`groupID`; 10007
/// when not a member) or for C2C peers (`userIDList`, 1 to 30; an
/// unregistered one is a failure, 2501). Exactly one of the two (else
/// 20001).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetMessageRemindType {
    /// A group of the caller's.
    #[serde(rename = "groupID", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub group_id: Option<crate::ids::GroupId>,
    /// C2C peers.
    #[serde(rename = "userIDList", default, skip_serializing_if = "Vec::is_empty")]
    pub user_id_list: Vec<crate::ids::UserId>,
    /// The remind type.
    pub message_remind_type: RemindType,
}
operation!(SetMessageRemindType, "setMessageRemindType", RemindTypeResponse);

/// What `setMessageRemindType` changed: the C2C form's successes and
/// failures (TIM's shape); the group form answers its `groupID`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RemindTypeResponse {
    /// The group (group form).
    #[serde(rename = "groupID", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub group_id: Option<crate::ids::GroupId>,
    /// Peers set (C2C form).
    #[serde(rename = "successUserIDList", default)]
    pub success_user_id_list: Vec<crate::relation::UserResult>,
    /// Peers not set (C2C form).
    #[serde(rename = "failureUserIDList", default)]
    pub failure_user_id_list: Vec<crate::relation::UserFailure>,
}

/// `markConversation`: sets (or clears) a mark on 1 to 100 conversations
/// (else 20001). `markType` is a built-in mark (1 star, 2 unread, 4 fold,
/// 8 hide) or a custom `2^n` with `32 <= n < 64` (else 20001). A
/// conversation ID that is malformed (2503) or not the caller's (2500) is a
/// failure; the rest go on.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarkConversation {
    /// The conversations.
    #[serde(rename = "conversationIDList")]
    pub conversation_id_list: Vec<ConversationId>,
    /// The mark.
    pub mark_type: u64,
    /// Set (true) or clear.
    pub enable_mark: bool,
}
operation!(MarkConversation, "markConversation", ConversationResultResponse);

/// `setConversationCustomData`: sets (`""`: clears) the caller's data of 1
/// to 100 conversations (else 20001), at most 256 bytes (else 20001).
/// Failures as for `markConversation`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetConversationCustomData {
    /// The conversations.
    #[serde(rename = "conversationIDList")]
    pub conversation_id_list: Vec<ConversationId>,
    /// The data.
    pub custom_data: String,
}
operation!(SetConversationCustomData, "setConversationCustomData", ConversationResultResponse);

/// TIM `READ_ALL_*`: which conversations `setAllMessageRead` reads.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReadAllScope {
    /// `readAllC2CMessage`: every one-to-one conversation.
    #[serde(rename = "readAllC2CMessage")]
    C2c,
    /// `readAllGroupMessage`: every group conversation.
    #[serde(rename = "readAllGroupMessage")]
    Group,
    /// `readAllMessage`: both (TIM's default).
    #[default]
    #[serde(rename = "readAllMessage")]
    All,
}

impl ReadAllScope {
    /// Whether the scope takes in one-to-one conversations.
    pub fn c2c(self) -> bool {
        matches!(self, Self::C2c | Self::All)
    }

    /// Whether the scope takes in group conversations.
    pub fn groups(self) -> bool {
        matches!(self, Self::Group | Self::All)
    }
}

/// `setAllMessageRead`: marks every conversation of the caller in `scope`
/// read, as `setMessageRead` would one by one (the peers of C2C
/// conversations learn it; the caller's instances get `conversationRead`),
/// in one transaction. Conversations already read are left alone.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SetAllMessageRead {
    /// Which conversations (default `readAllMessage`).
    #[serde(default)]
    pub scope: ReadAllScope,
}
operation!(SetAllMessageRead, "setAllMessageRead", SetAllMessageReadResponse);

/// What `setAllMessageRead` read.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SetAllMessageReadResponse {
    /// Each conversation that was unread, and the sequence now read.
    #[serde(rename = "readList", default)]
    pub read_list: Vec<crate::ops::SetMessageReadResponse>,
}

/// `clearHistoryMessage`: clears the caller's history of a conversation
/// without deleting the conversation: every message up to the newest is
/// gone for the caller (history pulls never return it again), its unread
/// count is 0 and it has no last message. Other people's history is
/// untouched. The caller's instances get `conversationCleared`. Refused: a
/// malformed ID (2503), a conversation the caller does not have (2500).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClearHistoryMessage {
    /// The conversation.
    #[serde(rename = "conversationID")]
    pub conversation_id: ConversationId,
}
operation!(ClearHistoryMessage, "clearHistoryMessage", ClearHistoryMessageResponse);

/// What `clearHistoryMessage` cleared.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClearHistoryMessageResponse {
    /// The conversation.
    #[serde(rename = "conversationID")]
    pub conversation_id: ConversationId,
    /// Messages up to and including this sequence are cleared.
    pub cleared_sequence: u64,
}

/// `translateText`: translates texts through the server's translation
/// provider (a LibreTranslate-compatible endpoint named in its config).
/// Refused: no text, more than 20 texts or more than 5,000 characters in all
/// (20001); no provider configured, or the provider failed (2117).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TranslateText {
    /// The texts, in order.
    pub source_text_list: Vec<String>,
    /// Their language (`auto`: detect it).
    pub source_language: String,
    /// The language to translate to, e.g. `en`, `zh`.
    pub target_language: String,
}
operation!(TranslateText, "translateText", TranslateTextResponse);

/// `{translatedTextList}`: one per source text, in the same order.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TranslateTextResponse {
    /// The translations.
    pub translated_text_list: Vec<String>,
}

/// Most texts one `translateText` takes (Confab's; the seed names none).
pub const MAX_TRANSLATE_TEXTS: usize = 20;
/// Most characters one `translateText` takes, all texts together
/// (Confab's: what a LibreTranslate server accepts by default).
pub const MAX_TRANSLATE_CHARS: usize = 5_000;

/// One conversation a call did not change, and why.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationFailure {
    /// The conversation.
    #[serde(rename = "conversationID")]
    pub conversation_id: ConversationId,
    /// 2503 malformed, 2500 not the caller's.
    pub code: i32,
    /// For people.
    pub message: String,
}

/// `{successConversationIDList, failureConversationIDList}`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ConversationResultResponse {
    /// Changed.
    #[serde(rename = "successConversationIDList", default)]
    pub success_conversation_id_list: Vec<ConversationId>,
    /// Not changed, and why.
    #[serde(rename = "failureConversationIDList", default)]
    pub failure_conversation_id_list: Vec<ConversationFailure>,
}

#[cfg(test)]
mod settings_tests {
    use super::*;

    #[test]
    fn marks_follow_the_seed() {
        for mark in [1, 2, 4, 8, 1 << 32, 1 << 63] {
            assert!(valid_mark(mark), "{mark}");
        }
        for mark in [0, 3, 16, 1 << 31, (1 << 32) + 1] {
            assert!(!valid_mark(mark), "{mark}");
        }
        let s = ConversationSettings::new("C2Cbob".into());
        assert!(s.is_default());
        assert_eq!(
            serde_json::to_value(&s).expect("encode"),
            serde_json::json!({"conversationID": "C2Cbob", "pinTime": 0,
                "messageRemindType": "AcceptAndNotify", "customData": "", "markList": []})
        );
    }
}

/// Longest conversation group name, in bytes (the seed: 32).
pub const MAX_CONVERSATION_GROUP_NAME_BYTES: usize = 32;
/// Most conversation groups one user may have (Confab's; the seed names
/// none). Past it `createConversationGroup` is refused with 90016.
pub const MAX_CONVERSATION_GROUPS: usize = 50;

/// One of a user's conversation groups (folders).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationGroup {
    /// Its name (≤ 32 bytes), unique among the user's groups.
    pub name: String,
    /// Its conversations, in the order added.
    #[serde(rename = "conversationIDList")]
    pub conversation_id_list: Vec<ConversationId>,
}

/// `createConversationGroup`: a new group (name 1 to 32 bytes, else
/// 20001; 90017 when taken; 90016 past [`MAX_CONVERSATION_GROUPS`]) holding
/// those of `conversationIDList` (1 to 100) the caller has (the others are
/// failures, 2500 / 2503).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateConversationGroup {
    /// The name.
    pub group_name: String,
    /// The conversations.
    #[serde(rename = "conversationIDList")]
    pub conversation_id_list: Vec<ConversationId>,
}
operation!(CreateConversationGroup, "createConversationGroup", ConversationResultResponse);

/// `deleteConversationGroup`: 90018 when there is none; its conversations
/// stay.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteConversationGroup {
    /// The name.
    pub group_name: String,
}
operation!(DeleteConversationGroup, "deleteConversationGroup", ConversationGroupNameResponse);

/// `renameConversationGroup`: 90018 when `oldName` is none, 90017 when
/// `newName` is taken, 20001 for a name of 0 or over 32 bytes. The group
/// keeps its place.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RenameConversationGroup {
    /// The name.
    pub old_name: String,
    /// The new name.
    pub new_name: String,
}
operation!(RenameConversationGroup, "renameConversationGroup", ConversationGroupNameResponse);

/// `addConversationsToGroup`: 90018 when the group is none; failures as
/// for `createConversationGroup`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddConversationsToGroup {
    /// The conversations.
    #[serde(rename = "conversationIDList")]
    pub conversation_id_list: Vec<ConversationId>,
    /// The group.
    pub group_name: String,
}
operation!(AddConversationsToGroup, "addConversationsToGroup", ConversationResultResponse);

/// `deleteConversationsFromGroup`: 90018 when the group is none; a
/// conversation not in it is a failure (2500).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteConversationsFromGroup {
    /// The conversations.
    #[serde(rename = "conversationIDList")]
    pub conversation_id_list: Vec<ConversationId>,
    /// The group.
    pub group_name: String,
}
operation!(
    DeleteConversationsFromGroup,
    "deleteConversationsFromGroup",
    ConversationResultResponse
);

/// `{groupName}`: the group a call deleted or renamed (its name now).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationGroupNameResponse {
    /// The name.
    pub group_name: String,
}
