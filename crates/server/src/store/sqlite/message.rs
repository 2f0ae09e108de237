//! Messages: storing C2C messages (dedup, sequences, IDs) and reading a
//! user's view of a conversation's history (`messages` table).

use super::{c2c_key, conversation, files, inbox, WriteCx};
use crate::fanout::Delivery;
use crate::store::{NewMessage, StoreError};
use confab_proto::frame::Push;
use confab_proto::message::{ConversationType, WireMessage};
use confab_proto::ops::{GetMessageListResponse, SendMessageResponse};
use confab_proto::{ConversationId, ConversationKind, MessageId, UserId};
use rusqlite::{params, Connection, OptionalExtension as _};
use std::sync::Arc;

/// The message `sender` sent with `random`, if any.
fn find_by_random(
    conn: &Connection,
    sender: &UserId,
    random: u64,
) -> Result<Option<WireMessage>, StoreError> {
    let json = conn
        .prepare_cached("SELECT message FROM messages WHERE sender = ?1 AND random = ?2")?
        .query_row(params![sender.as_str(), random], |r| r.get::<_, String>(0))
        .optional()?;
    json.map(|j| serde_json::from_str(&j).map_err(StoreError::from)).transpose()
}

/// Stores (or, for `onlineUserOnly`, only delivers) a C2C message.
pub(super) fn send(
    conn: &Connection,
    cx: &mut WriteCx,
    new: NewMessage,
) -> Result<SendMessageResponse, StoreError> {
    if !new.online_user_only {
        if let Some(original) = find_by_random(conn, &new.from, new.random)? {
            return Ok(SendMessageResponse { message: original, duplicate: true });
        }
    }
    if !cx.user_exists(conn, &new.to)? {
        return Err(StoreError::UserNotFound(new.to));
    }
    // Checked before anything is written (a rejection must leave the batch
    // untouched); the receiver's grants are written with the message.
    let file_ids: Vec<String> = new.element.file_ids().into_iter().map(str::to_owned).collect();
    {
        let ids: Vec<&str> = file_ids.iter().map(String::as_str).collect();
        files::check_sender(conn, &new.from, &ids)?;
    }
    let (nick, avatar) = cx.sender_profile(conn, &new.from)?;
    let mut message = WireMessage {
        id: MessageId(String::new()),
        conversation_type: ConversationType::C2c,
        from: new.from.clone(),
        to: new.to.as_str().to_owned(),
        sequence: 0,
        time: new.time,
        random: new.random,
        element: new.element,
        priority: new.priority,
        cloud_custom_data: new.cloud_custom_data,
        nick,
        avatar,
        need_read_receipt: new.need_read_receipt,
        at_user_list: Vec::new(),
        excluded_from_unread_count: new.control.excluded_from_unread_count,
        excluded_from_last_message: new.control.excluded_from_last_message,
        online_user_only: new.online_user_only,
        is_revoked: false,
        version: 0,
    };

    if new.online_user_only {
        // Never stored, so it takes no row number; the "t" keeps it apart
        // from stored IDs.
        message.id = MessageId(format!("t{}-{}-{}", cx.next_transient_id(), new.time, new.random));
        // Delivered, so the receiver may fetch what it names.
        for id in &file_ids {
            files::grant(conn, id, &new.to)?;
        }
        let push = Arc::new(Push::Transient { message: message.clone() });
        cx.push(Delivery { user: new.to.clone(), push: Arc::clone(&push), skip: None });
        cx.push(Delivery { user: new.from.clone(), push, skip: new.origin });
        return Ok(SendMessageResponse { message, duplicate: false });
    }

    let key = c2c_key(&new.from, &new.to);
    message.sequence = cx.next_conversation_seq(conn, &key)?;
    let row = cx.next_message_row(conn)?;
    message.id = MessageId(format!("{row}-{}-{}", new.time, new.random));
    conn.prepare_cached(
        "INSERT INTO messages (id, conv_key, sequence, sender, random, time, message)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        row,
        key,
        message.sequence,
        new.from.as_str(),
        new.random,
        new.time,
        serde_json::to_string(&message)?,
    ])?;
    conversation::record_message(conn, &new.from, &new.to, &key, &message, row, false)?;
    let counts = !message.excluded_from_unread_count;
    conversation::record_message(conn, &new.to, &new.from, &key, &message, row, counts)?;
    inbox::append_message(conn, cx, &new.to, &message, row, None)?;
    inbox::append_message(conn, cx, &new.from, &message, row, None)?;
    for id in &file_ids {
        files::grant(conn, id, &new.to)?;
    }
    files::name_in_message(conn, row, &file_ids)?;
    Ok(SendMessageResponse { message, duplicate: false })
}

/// A page of `user`'s view of a conversation: messages after the user's
/// cleared point and before `before_sequence`, the newest `count`, ascending.
pub(super) fn page(
    conn: &Connection,
    user: &UserId,
    conversation_id: &ConversationId,
    before_sequence: Option<u64>,
    count: u32,
) -> Result<GetMessageListResponse, StoreError> {
    let Some(ConversationKind::C2c(peer)) = conversation_id.kind() else {
        return Ok(GetMessageListResponse { messages: Vec::new(), is_completed: true });
    };
    let key = c2c_key(user, &peer);
    let cleared: u64 = conn
        .prepare_cached(
            "SELECT cleared_sequence FROM conversations WHERE owner = ?1 AND conversation_id = ?2",
        )?
        .query_row(params![user.as_str(), conversation_id.as_str()], |r| r.get(0))
        .optional()?
        .unwrap_or(0);
    let before = before_sequence.map_or(i64::MAX, |b| i64::try_from(b).unwrap_or(i64::MAX));
    let mut stmt = conn.prepare_cached(
        "SELECT message FROM messages m
         WHERE conv_key = ?1 AND sequence > ?2 AND sequence < ?3
           AND NOT EXISTS (SELECT 1 FROM hidden_messages h
                           WHERE h.owner = ?5 AND h.message_id = m.id)
         ORDER BY sequence DESC LIMIT ?4",
    )?;
    let rows = stmt
        .query_map(params![key, cleared, before, u64::from(count) + 1, user.as_str()], |r| {
            r.get::<_, String>(0)
        })?;
    let mut messages = Vec::new();
    for row in rows {
        messages.push(serde_json::from_str::<WireMessage>(&row?)?);
    }
    let is_completed = messages.len() <= count as usize;
    messages.truncate(count as usize);
    messages.reverse();
    Ok(GetMessageListResponse { messages, is_completed })
}
