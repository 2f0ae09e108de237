//! Read receipts on PostgreSQL: the `read_receipts` rows, a message's read
//! state (counted against the members who could read it) and the pages of
//! readers and non-readers. Shared by the writer (the state told to a
//! sender) and the readers (`getMessageReadReceiptList`,
//! `getGroupMessageReadMemberList`).

use super::writer::PgTx;
use super::{c2c_key, group_key};
use super::{to_i64, to_u64, Cx};
use crate::store::{MessageRow, ReceiptTx, StoreError};
use confab_proto::message::{ConversationType, WireMessage};
use confab_proto::receipt::{GetGroupMessageReadMemberList, ReadMemberListResponse, ReadReceipt};
use confab_proto::{code, ConversationId, ConversationKind, ErrorBody, GroupId, UserId};

/// Members of `group` who could read `message` (in the group when it was
/// sent, its receivers for a targeted one, not its sender) and have not,
/// after `after` in userID order (bytewise, as SQLite compares text); at
/// most `limit` (`i64::MAX`: all).
const UNREAD_SQL: &str = "SELECT m.user_id FROM group_members m
     WHERE m.group_id = $1 AND m.join_sequence < $2 AND m.user_id <> $3
       AND m.user_id COLLATE \"C\" > $5
       AND NOT EXISTS (SELECT 1 FROM read_receipts r WHERE r.message = $4 AND r.reader = m.user_id)
       AND ($6::TEXT[] IS NULL OR m.user_id = ANY($6::TEXT[]))
     ORDER BY m.user_id COLLATE \"C\" LIMIT $7";

/// The receivers of a targeted message (`None`: the whole group).
fn receivers(message: &WireMessage) -> Option<&[String]> {
    if message.receiver_list.is_empty() {
        return None;
    }
    Some(&message.receiver_list)
}

/// The read state of a stored message that asked for receipts.
pub(super) fn state(
    cx: &mut Cx<'_>,
    row: MessageRow,
    message: &WireMessage,
) -> Result<ReadReceipt, StoreError> {
    let read = cx.query_one("SELECT COUNT(*) FROM read_receipts WHERE message = $1", &[&row.0])?;
    let read_count = to_u64(read.try_get(0)?)?;
    let mut receipt = ReadReceipt { message_id: message.id.0.clone(), ..Default::default() };
    match message.conversation_type {
        ConversationType::Group => {
            let unread = cx.query_one(
                &format!("SELECT COUNT(*) FROM ({UNREAD_SQL}) AS unread"),
                &[
                    &message.to,
                    &to_i64(message.sequence)?,
                    &message.from.as_str(),
                    &row.0,
                    &"",
                    &receivers(message),
                    &i64::MAX,
                ],
            )?;
            receipt.group_id = message.to.clone();
            receipt.read_count = read_count;
            receipt.unread_count = to_u64(unread.try_get(0)?)?;
        }
        _ => {
            receipt.user_id = message.to.clone();
            receipt.is_peer_read = read_count > 0;
        }
    }
    Ok(receipt)
}

/// The stored message `message_id` if it is in `user`'s conversation
/// `conversation_id` (a group: `user` is a member who could see it).
fn find(
    cx: &mut Cx<'_>,
    user: &UserId,
    conversation_id: &ConversationId,
    message_id: &str,
) -> Result<Option<(MessageRow, WireMessage)>, StoreError> {
    let expected = match conversation_id.kind() {
        Some(ConversationKind::C2c(peer)) => c2c_key(user, &peer),
        Some(ConversationKind::Group(group)) => group_key(&group),
        _ => return Ok(None),
    };
    let found = cx.query_opt(
        "SELECT id, conv_key, message FROM messages WHERE message_id = $1",
        &[&message_id],
    )?;
    let Some(found) = found else { return Ok(None) };
    let row: i64 = found.try_get(0)?;
    let key: String = found.try_get(1)?;
    let json: String = found.try_get(2)?;
    if key != expected {
        return Ok(None);
    }
    let message: WireMessage = serde_json::from_str(&json)?;
    Ok(message.visible_to(user.as_str()).then_some((MessageRow(row), message)))
}

/// Refuses a user who is not a member of `group`.
fn member_or_refuse(cx: &mut Cx<'_>, group: &GroupId, user: &UserId) -> Result<(), StoreError> {
    let member = cx.query_opt(
        "SELECT 1 FROM group_members WHERE group_id = $1 AND user_id = $2",
        &[&group.as_str(), &user.as_str()],
    )?;
    member.map(|_| ()).ok_or_else(|| {
        StoreError::Refused(ErrorBody::new(
            code::ERR_SVR_GROUP_PERMISSION_DENY,
            format!("not a member of group {group}"),
        ))
    })
}

/// `getMessageReadReceiptList`: the state of each listed message that is
/// in the conversation and asked for receipts, in the order asked.
pub(super) fn receipts(
    cx: &mut Cx<'_>,
    user: &UserId,
    conversation_id: &ConversationId,
    message_ids: &[String],
) -> Result<Vec<ReadReceipt>, StoreError> {
    if let Some(ConversationKind::Group(group)) = conversation_id.kind() {
        member_or_refuse(cx, &GroupId::new(group), user)?;
    }
    let mut list = Vec::new();
    for id in message_ids {
        let Some((row, message)) = find(cx, user, conversation_id, id)? else { continue };
        if message.need_read_receipt {
            list.push(state(cx, row, &message)?);
        }
    }
    Ok(list)
}

/// `getGroupMessageReadMemberList`: a page of readers (filter 0) or
/// non-readers (filter 1), by userID after the cursor.
pub(super) fn members(
    cx: &mut Cx<'_>,
    user: &UserId,
    request: &GetGroupMessageReadMemberList,
) -> Result<ReadMemberListResponse, StoreError> {
    member_or_refuse(cx, &request.group_id, user)?;
    let conversation_id = ConversationId::group(&request.group_id);
    let not_found = || {
        StoreError::Refused(ErrorBody::new(
            code::GROUP_MESSAGE_READ_RECEIPT_NOT_FOUND,
            format!("no read receipts of message {:?} in this group", request.message_id),
        ))
    };
    let Some((row, message)) = find(cx, user, &conversation_id, &request.message_id)? else {
        return Err(not_found());
    };
    if !message.need_read_receipt {
        return Err(not_found());
    }
    // One more than the page: its presence says the page is not the last.
    let limit = i64::from(request.count) + 1;
    let rows = if request.filter == 0 {
        cx.query(
            "SELECT reader FROM read_receipts WHERE message = $1 AND reader COLLATE \"C\" > $2
             ORDER BY reader COLLATE \"C\" LIMIT $3",
            &[&row.0, &request.cursor, &limit],
        )?
    } else {
        cx.query(
            UNREAD_SQL,
            &[
                &message.to,
                &to_i64(message.sequence)?,
                &message.from.as_str(),
                &row.0,
                &request.cursor,
                &receivers(&message),
                &limit,
            ],
        )?
    };
    let mut ids: Vec<String> =
        rows.iter().map(|r| r.try_get(0)).collect::<Result<_, tokio_postgres::Error>>()?;
    let is_completed = ids.len() <= request.count as usize;
    ids.truncate(request.count as usize);
    let cursor = if is_completed { String::new() } else { ids.last().cloned().unwrap_or_default() };
    let users: Vec<UserId> = ids.into_iter().map(UserId::new).collect();
    let (read_user_id_list, unread_user_id_list) =
        if request.filter == 0 { (users, Vec::new()) } else { (Vec::new(), users) };
    Ok(ReadMemberListResponse {
        message_id: request.message_id.clone(),
        cursor,
        is_completed,
        read_user_id_list,
        unread_user_id_list,
    })
}

impl ReceiptTx for PgTx<'_> {
    fn insert_read_receipt(
        &mut self,
        row: MessageRow,
        reader: &UserId,
        time: i64,
    ) -> Result<bool, StoreError> {
        let inserted = self.cx.execute(
            "INSERT INTO read_receipts (message, reader, time) VALUES ($1, $2, $3)
             ON CONFLICT (message, reader) DO NOTHING",
            &[&row.0, &reader.as_str(), &time],
        )?;
        Ok(inserted > 0)
    }

    fn read_receipt_state(
        &mut self,
        row: MessageRow,
        message: &WireMessage,
    ) -> Result<ReadReceipt, StoreError> {
        state(&mut self.cx, row, message)
    }
}
