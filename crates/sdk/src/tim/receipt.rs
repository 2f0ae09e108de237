//! Read receipts (server: `handlers/receipt.rs`): `sendMessageReadReceipt`,
//! `getMessageReadReceiptList` and `getGroupMessageReadMemberList`. The
//! state the server reports is kept on the stored messages
//! (`readReceiptInfo`), as is the state MESSAGE_READ_RECEIPT_RECEIVED
//! brings to the sender.

use super::{chat_conversation, Tim};
use crate::model::{Message, ReadReceiptInfo};
use crate::TimError;
use confab_proto::message::ConversationType;
use confab_proto::receipt::{
    GetGroupMessageReadMemberList, GetMessageReadReceiptList, ReadMemberListResponse,
    SendMessageReadReceipt, MAX_READ_MEMBER_COUNT, MAX_RECEIPT_MESSAGES,
};
use confab_proto::{code, ConversationId, GroupId};

/// `getGroupMessageReadMemberList` options (TIM's).
#[derive(Clone, Debug, PartialEq)]
pub struct ReadMemberListOptions {
    /// A group message that asked for read receipts.
    pub message: Message,
    /// `""` first, then the previous page's `cursor`.
    pub cursor: String,
    /// 0: members who read it; 1: those who have not.
    pub filter: u8,
    /// Members per page, 1 to 100.
    pub count: u32,
}

/// The one conversation of `messages` and their IDs: 2114 for none, 20001
/// for more than 30 or more than one conversation.
fn one_conversation(messages: &[Message]) -> Result<(ConversationId, Vec<String>), TimError> {
    let Some(first) = messages.first() else {
        return Err(TimError::new(
            code::READ_RECEIPT_MESSAGE_LIST_EMPTY,
            "the message list is empty",
        ));
    };
    if messages.len() > MAX_RECEIPT_MESSAGES {
        return Err(TimError::new(
            code::ERR_SVR_MSG_PKG_PARSE_FAILED,
            format!("at most {MAX_RECEIPT_MESSAGES} messages at once, not {}", messages.len()),
        ));
    }
    if let Some(other) = messages.iter().find(|m| m.conversation_id != first.conversation_id) {
        return Err(TimError::new(
            code::ERR_SVR_MSG_PKG_PARSE_FAILED,
            format!(
                "the messages must be of one conversation: {} and {}",
                first.conversation_id, other.conversation_id
            ),
        ));
    }
    chat_conversation(&first.conversation_id)?;
    let ids = messages.iter().map(|m| m.id.clone()).collect();
    Ok((ConversationId::from(first.conversation_id.as_str()), ids))
}

impl Tim {
    /// TIM `sendMessageReadReceipt`: I read these messages of one
    /// conversation (at most 30) that asked for read receipts; their
    /// senders get MESSAGE_READ_RECEIPT_RECEIVED. My unread count does not
    /// change (checklist 325–331). Errors: 2114 no message, 20001 more than
    /// 30 or several conversations, 20026 a message not there, 10062 a
    /// Community or AVChatRoom group.
    pub async fn send_message_read_receipt(&self, messages: &[Message]) -> Result<(), TimError> {
        let session = self.ready_session()?;
        let (conversation_id, message_id_list) = one_conversation(messages)?;
        let request = SendMessageReadReceipt { conversation_id, message_id_list };
        self.request(&session, &request).await?;
        Ok(())
    }

    /// TIM `getMessageReadReceiptList`: the messages with their
    /// `readReceiptInfo` as the server has it now (`readCount` /
    /// `unreadCount` in a group, `isPeerRead` in C2C; checklist 333–339),
    /// kept in the local store too. Errors as for
    /// `send_message_read_receipt`.
    pub async fn get_message_read_receipt_list(
        &self,
        messages: &[Message],
    ) -> Result<Vec<Message>, TimError> {
        let session = self.ready_session()?;
        let (conversation_id, message_id_list) = one_conversation(messages)?;
        let request = GetMessageReadReceiptList { conversation_id, message_id_list };
        let response = self.request(&session, &request).await?;
        session.core.store.set_read_receipts(&response.receipt_list)?;
        Ok(messages
            .iter()
            .map(|m| {
                let mut m = m.clone();
                if let Some(r) = response.receipt_list.iter().find(|r| r.message_id == m.id) {
                    m.read_receipt_info = ReadReceiptInfo::from(r);
                }
                m
            })
            .collect())
    }

    /// TIM `getGroupMessageReadMemberList`: a page of the members who read
    /// (filter 0) or have not read (filter 1) a group message, by userID;
    /// pass the returned `cursor` until `is_completed` (checklist 341–348).
    /// Errors: 20001 not a group message, another filter, or `count`
    /// outside 1 to 100; 10062 no receipts for that message; 10007 not a
    /// member.
    pub async fn get_group_message_read_member_list(
        &self,
        options: ReadMemberListOptions,
    ) -> Result<ReadMemberListResponse, TimError> {
        let session = self.ready_session()?;
        let bad = |message: String| TimError::new(code::ERR_SVR_MSG_PKG_PARSE_FAILED, message);
        if options.message.conversation_type != ConversationType::Group {
            return Err(bad("getGroupMessageReadMemberList takes a group message".into()));
        }
        if options.filter > 1 {
            return Err(bad(format!("filter is 0 or 1, not {}", options.filter)));
        }
        if options.count == 0 || options.count > MAX_READ_MEMBER_COUNT {
            return Err(bad(format!(
                "count is 1 to {MAX_READ_MEMBER_COUNT}, not {}",
                options.count
            )));
        }
        let request = GetGroupMessageReadMemberList {
            group_id: GroupId::new(options.message.to.clone()),
            message_id: options.message.id,
            filter: options.filter,
            cursor: options.cursor,
            count: options.count,
        };
        self.request(&session, &request).await
    }
}
