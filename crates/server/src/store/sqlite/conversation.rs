//! Conversations: each user's row per conversation (`conversations` table):
//! last message, unread count, read positions, cleared point, deletion.

use super::{inbox, WriteCx};
use crate::store::StoreError;
use confab_proto::conversation::ConversationState;
use confab_proto::inbox::InboxEvent;
use confab_proto::message::{ConversationType, WireMessage};
use confab_proto::ops::SetMessageReadResponse;
use confab_proto::{ConversationId, UserId};
use rusqlite::{params, Connection, OptionalExtension as _};

/// Records a new stored C2C message on `owner`'s side of the conversation
/// with `peer`: creates or revives the row, moves the last message and
/// sequence, and counts it unread when `count_unread`.
pub(super) fn record_message(
    conn: &Connection,
    owner: &UserId,
    peer: &UserId,
    conv_key: &str,
    message: &WireMessage,
    message_row: i64,
    count_unread: bool,
) -> Result<(), StoreError> {
    let conversation_id = ConversationId::c2c(peer);
    let last_message = (!message.excluded_from_last_message).then_some(message_row);
    conn.prepare_cached(
        "INSERT INTO conversations
             (owner, conversation_id, conversation_type, conv_key, last_message,
              unread_count, last_sequence, update_time, deleted)
         VALUES (?1, ?2, 'C2C', ?3, ?4, ?5, ?6, ?7, 0)
         ON CONFLICT (owner, conversation_id) DO UPDATE SET
             last_message = COALESCE(excluded.last_message, conversations.last_message),
             unread_count = conversations.unread_count + excluded.unread_count,
             last_sequence = MAX(conversations.last_sequence, excluded.last_sequence),
             update_time = excluded.update_time,
             deleted = 0",
    )?
    .execute(params![
        owner.as_str(),
        conversation_id.as_str(),
        conv_key,
        last_message,
        u64::from(count_unread),
        message.sequence,
        message.time,
    ])?;
    Ok(())
}

/// Marks a C2C conversation read up to its last sequence, appends
/// `conversationRead` to the reader's inbox and `peerRead` to the peer's.
pub(super) fn set_read(
    conn: &Connection,
    cx: &mut WriteCx,
    user: &UserId,
    conversation_id: ConversationId,
) -> Result<SetMessageReadResponse, StoreError> {
    let Some(peer) = conversation_id.c2c_peer() else {
        return Err(StoreError::ConversationNotFound(conversation_id));
    };
    let row = conn
        .query_row(
            "SELECT last_sequence, read_sequence, unread_count FROM conversations
             WHERE owner = ?1 AND conversation_id = ?2",
            params![user.as_str(), conversation_id.as_str()],
            |r| Ok((r.get::<_, u64>(0)?, r.get::<_, u64>(1)?, r.get::<_, u64>(2)?)),
        )
        .optional()?;
    let Some((last_sequence, read_sequence, unread_count)) = row else {
        return Err(StoreError::ConversationNotFound(conversation_id));
    };
    if read_sequence >= last_sequence && unread_count == 0 {
        // Already read: nothing changes, nobody needs telling.
        return Ok(SetMessageReadResponse { conversation_id, read_sequence });
    }
    conn.execute(
        "UPDATE conversations SET read_sequence = ?3, unread_count = 0
         WHERE owner = ?1 AND conversation_id = ?2",
        params![user.as_str(), conversation_id.as_str(), last_sequence],
    )?;
    inbox::append(
        conn,
        cx,
        user,
        InboxEvent::ConversationRead {
            conversation_id: conversation_id.clone(),
            read_sequence: last_sequence,
        },
        None,
    )?;
    let peer_side = ConversationId::c2c(user);
    let updated = conn.execute(
        "UPDATE conversations SET peer_read_sequence = MAX(peer_read_sequence, ?3)
         WHERE owner = ?1 AND conversation_id = ?2",
        params![peer.as_str(), peer_side.as_str(), last_sequence],
    )?;
    if updated == 1 {
        inbox::append(
            conn,
            cx,
            &peer,
            InboxEvent::PeerRead { conversation_id: peer_side, read_sequence: last_sequence },
            None,
        )?;
    }
    Ok(SetMessageReadResponse { conversation_id, read_sequence: last_sequence })
}

/// Marks conversations deleted for `user`; with `clear_history`, also moves
/// the cleared point to the last sequence and drops the unread count and
/// last message. Unknown conversations are skipped.
pub(super) fn delete(
    conn: &Connection,
    user: &UserId,
    conversation_ids: &[ConversationId],
    clear_history: bool,
) -> Result<(), StoreError> {
    let sql = if clear_history {
        "UPDATE conversations
         SET deleted = 1, cleared_sequence = last_sequence, unread_count = 0, last_message = NULL
         WHERE owner = ?1 AND conversation_id = ?2"
    } else {
        "UPDATE conversations SET deleted = 1 WHERE owner = ?1 AND conversation_id = ?2"
    };
    let mut stmt = conn.prepare_cached(sql)?;
    for id in conversation_ids {
        stmt.execute(params![user.as_str(), id.as_str()])?;
    }
    Ok(())
}

/// The user's conversations that are not deleted, newest activity first.
pub(super) fn list(conn: &Connection, user: &UserId) -> Result<Vec<ConversationState>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.conversation_id, c.conversation_type, m.message, c.unread_count,
                c.read_sequence, c.peer_read_sequence, c.cleared_sequence, c.last_sequence,
                c.update_time
         FROM conversations c LEFT JOIN messages m ON m.id = c.last_message
         WHERE c.owner = ?1 AND c.deleted = 0
         ORDER BY c.update_time DESC, c.conversation_id",
    )?;
    let rows = stmt.query_map([user.as_str()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            [r.get::<_, u64>(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?],
            r.get::<_, i64>(8)?,
        ))
    })?;
    let mut list = Vec::new();
    for row in rows {
        let (id, kind, last, [unread, read, peer_read, cleared, last_seq], update_time) = row?;
        let conversation_type: ConversationType =
            serde_json::from_value(serde_json::Value::String(kind))?;
        let last_message = last.map(|m| serde_json::from_str(&m)).transpose()?;
        list.push(ConversationState {
            conversation_id: ConversationId(id),
            conversation_type,
            last_message,
            unread_count: unread,
            read_sequence: read,
            peer_read_sequence: peer_read,
            cleared_sequence: cleared,
            last_sequence: last_seq,
            update_time,
        });
    }
    Ok(list)
}
