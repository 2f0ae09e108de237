//! Read receipts (TIM's `needReadReceipt` messages): a receiver reports
//! that it read some of them (`sendMessageReadReceipt`), the sender learns it
//! through its inbox (`readReceipt`, the SDK's
//! MESSAGE_READ_RECEIPT_RECEIVED), anyone in the conversation reads the
//! counts (`getMessageReadReceiptList`), and a group message's readers and
//! non-readers are listed page by page (`getGroupMessageReadMemberList`).
//!
//! A receipt is kept once per message and reader. In a group, a message's
//! possible readers are the members who were in the group when it was sent
//! (its receivers, for a targeted message), less its sender; `unreadCount`
//! is how many of those who are still members have not read it. Community
//! and AVChatRoom groups have no receipts.

use crate::ids::{ConversationId, GroupId, UserId};
use serde::{Deserialize, Serialize};

macro_rules! operation {
    ($req:ty, $name:literal, $resp:ty) => {
        impl crate::ops::Operation for $req {
            const NAME: &'static str = $name;
            type Response = $resp;
        }
    };
}

/// Most messages one `sendMessageReadReceipt` or
/// `getMessageReadReceiptList` names (the seed: 30).
pub const MAX_RECEIPT_MESSAGES: usize = 30;
/// Most members one `getGroupMessageReadMemberList` page holds (the seed:
/// 100).
pub const MAX_READ_MEMBER_COUNT: u32 = 100;

/// `sendMessageReadReceipt`: the caller read these messages of others in
/// one conversation. Messages that did not ask for receipts, the caller's
/// own, and ones already reported are skipped; each newly read one is told
/// to its sender (`readReceipt`). The caller's unread count is unchanged.
/// Refused: no message (2114), more than 30 (20001), a message that is not
/// in the conversation (20026), a Community or AVChatRoom group (10062
/// for want of receipts).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SendMessageReadReceipt {
    /// The conversation, from the caller's side.
    #[serde(rename = "conversationID")]
    pub conversation_id: ConversationId,
    /// The messages read.
    #[serde(rename = "messageIDList")]
    pub message_id_list: Vec<String>,
}
operation!(SendMessageReadReceipt, "sendMessageReadReceipt", ReadReceiptListResponse);

/// `getMessageReadReceiptList`: the read state of messages of one of the
/// caller's conversations (2114 none, 20001 more than 30; messages not
/// there, or that did not ask for receipts, are left out).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GetMessageReadReceiptList {
    /// The conversation, from the caller's side.
    #[serde(rename = "conversationID")]
    pub conversation_id: ConversationId,
    /// The messages.
    #[serde(rename = "messageIDList")]
    pub message_id_list: Vec<String>,
}
operation!(GetMessageReadReceiptList, "getMessageReadReceiptList", ReadReceiptListResponse);

/// The read state of messages.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadReceiptListResponse {
    /// One per message, in the order asked.
    #[serde(rename = "receiptList")]
    pub receipt_list: Vec<ReadReceipt>,
}

/// The read state of one message (TIM's MESSAGE_READ_RECEIPT_RECEIVED
/// item): `readCount` / `unreadCount` in a group, `isPeerRead` in C2C.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadReceipt {
    /// The message.
    #[serde(rename = "messageID")]
    pub message_id: String,
    /// The group (group messages; `""` for C2C).
    #[serde(rename = "groupID", default)]
    pub group_id: String,
    /// The peer (C2C; `""` for groups).
    #[serde(rename = "userID", default)]
    pub user_id: String,
    /// Members who read it (groups).
    pub read_count: u64,
    /// Members who may read it and have not (groups; 0: everyone read it).
    pub unread_count: u64,
    /// The peer read it (C2C).
    pub is_peer_read: bool,
}

/// `getGroupMessageReadMemberList`: a page of the members who read (filter
/// 0) or have not read (filter 1) a group message that asked for receipts,
/// ordered by userID. `cursor` is `""` first, then the previous page's.
/// Refused: not a member (10007), `count` 0 or over 100 or another filter
/// (20001), a message that is not in the group or did not ask for
/// receipts (10062).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GetGroupMessageReadMemberList {
    /// The group.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
    /// The message.
    #[serde(rename = "messageID")]
    pub message_id: String,
    /// 0: readers; 1: those who have not read it.
    pub filter: u8,
    /// Where the page starts (`""`: the first).
    #[serde(default)]
    pub cursor: String,
    /// Members per page, 1 to 100.
    pub count: u32,
}
operation!(GetGroupMessageReadMemberList, "getGroupMessageReadMemberList", ReadMemberListResponse);

/// A page of readers or non-readers.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadMemberListResponse {
    /// The message.
    #[serde(rename = "messageID")]
    pub message_id: String,
    /// Where the next page starts (`""` once complete).
    pub cursor: String,
    /// No more pages.
    pub is_completed: bool,
    /// Readers (filter 0).
    #[serde(rename = "readUserIDList", default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(as = "Option<Vec<UserId>>", optional))]
    pub read_user_id_list: Vec<UserId>,
    /// Members who have not read it (filter 1).
    #[serde(rename = "unreadUserIDList", default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(as = "Option<Vec<UserId>>", optional))]
    pub unread_user_id_list: Vec<UserId>,
}

/// Names of the read receipt operations (part of
/// [`crate::ops::ALL_OPERATIONS`]).
pub const RECEIPT_OPERATIONS: &[&str] = &[
    <SendMessageReadReceipt as crate::ops::Operation>::NAME,
    <GetMessageReadReceiptList as crate::ops::Operation>::NAME,
    <GetGroupMessageReadMemberList as crate::ops::Operation>::NAME,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipt_shapes() {
        let r = ReadReceipt {
            message_id: "m1".into(),
            group_id: "g".into(),
            read_count: 2,
            unread_count: 1,
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&r).expect("json"),
            r#"{"messageID":"m1","groupID":"g","userID":"","readCount":2,"unreadCount":1,"isPeerRead":false}"#
        );
        let page = ReadMemberListResponse {
            message_id: "m1".into(),
            cursor: String::new(),
            is_completed: true,
            read_user_id_list: vec![UserId::new("bob")],
            unread_user_id_list: Vec::new(),
        };
        assert_eq!(
            serde_json::to_string(&page).expect("json"),
            r#"{"messageID":"m1","cursor":"","isCompleted":true,"readUserIDList":["bob"]}"#
        );
    }
}
