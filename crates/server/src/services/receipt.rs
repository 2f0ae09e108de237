//! Read receipts as stored (`sendMessageReadReceipt`; the request checks
//! are in `crate::handlers::receipt`): every listed message must be in the
//! caller's conversation before anything is written; each one that asked
//! for receipts, is not the caller's own and was not reported before gets
//! a receipt, and its sender's inbox gets `readReceipt` with the state it
//! has now. Community and AVChatRoom groups have no receipts (10062).

use super::inbox;
use crate::store::{c2c_key, group_key, MessageRow, Store, StoreError, StoreFuture, WriteTx};
use confab_proto::group::GroupType;
use confab_proto::inbox::InboxEvent;
use confab_proto::message::WireMessage;
use confab_proto::receipt::ReadReceipt;
use confab_proto::{code, ConversationId, ConversationKind, ErrorBody, GroupId, UserId};

fn refused(code: i32, message: String) -> StoreError {
    StoreError::Refused(ErrorBody::new(code, message))
}

/// The conversation key of `user`'s conversation, refusing a group the
/// caller is not in or whose kind has no receipts.
fn conversation_key(
    tx: &mut dyn WriteTx,
    user: &UserId,
    conversation_id: &ConversationId,
) -> Result<String, StoreError> {
    match conversation_id.kind() {
        Some(ConversationKind::C2c(peer)) => Ok(c2c_key(user, &peer)),
        Some(ConversationKind::Group(group)) => {
            if confab_proto::topic::is_topic_id(&group) {
                return Err(refused(
                    code::GROUP_MESSAGE_READ_RECEIPT_NOT_FOUND,
                    "topics have no read receipts".to_owned(),
                ));
            }
            let group = GroupId::new(group);
            let Some(profile) = tx.load_group(&group)? else {
                return Err(refused(code::CANNOT_FIND_GROUP, format!("no group {group}")));
            };
            if matches!(profile.group_type, GroupType::Community | GroupType::AvChatRoom) {
                return Err(refused(
                    code::GROUP_MESSAGE_READ_RECEIPT_NOT_FOUND,
                    format!("{:?} groups have no read receipts", profile.group_type),
                ));
            }
            if tx.load_member(&group, user)?.is_none() {
                return Err(super::group::not_member(&group));
            }
            Ok(group_key(group.as_str()))
        }
        _ => Err(refused(
            code::INVALID_CONVERSATION_ID,
            format!("invalid conversation ID {:?}", conversation_id.as_str()),
        )),
    }
}

/// `sendMessageReadReceipt`: see the module documentation. The states of
/// the messages newly read, in the order asked.
fn send(
    tx: &mut dyn WriteTx,
    reader: &UserId,
    conversation_id: &ConversationId,
    message_ids: &[String],
    now_secs: i64,
) -> Result<Vec<ReadReceipt>, StoreError> {
    let key = conversation_key(tx, reader, conversation_id)?;
    let mut found: Vec<(MessageRow, WireMessage)> = Vec::with_capacity(message_ids.len());
    for id in message_ids {
        let message = match tx.message_row(id)? {
            Some(row) => tx.load_message(row)?.map(|(k, m)| (row, k, m)),
            None => None,
        };
        match message {
            Some((row, k, m)) if k == key && m.visible_to(reader.as_str()) => found.push((row, m)),
            _ => {
                return Err(refused(
                    code::ERR_SVR_MSG_NOT_FOUND,
                    format!("message {id:?} is not in {}", conversation_id.as_str()),
                ))
            }
        }
    }
    let mut told = Vec::new();
    for (row, message) in found {
        if !message.need_read_receipt || message.from == *reader {
            continue;
        }
        if !tx.insert_read_receipt(row, reader, now_secs)? {
            continue;
        }
        let receipt = tx.read_receipt_state(row, &message)?;
        let senders_side = match message.conversation_type {
            confab_proto::message::ConversationType::Group => conversation_id.clone(),
            _ => ConversationId::c2c(reader),
        };
        let event =
            InboxEvent::ReadReceipt { conversation_id: senders_side, receipt: receipt.clone() };
        inbox::append(tx, &message.from, event, None)?;
        told.push(receipt);
    }
    Ok(told)
}

impl dyn Store {
    /// Records that `reader` read messages of a conversation and tells
    /// their senders (`sendMessageReadReceipt`).
    pub(crate) fn send_read_receipts(
        &self,
        reader: UserId,
        conversation_id: ConversationId,
        message_ids: Vec<String>,
        now_secs: i64,
    ) -> StoreFuture<Vec<ReadReceipt>> {
        self.transact(move |tx| send(tx, &reader, &conversation_id, &message_ids, now_secs))
    }
}
