//! Messages: the `messages` table (each message stored once, with its row,
//! conversation key and sequence) and `hidden_messages` ("delete for me"),
//! and the reads of a user's view of a conversation's history: by
//! sequence (`getMessageList`) and from a sequence or a time, paged by
//! sequence (`getMessageListHopping`).

use super::writer::SqliteTx;
use crate::store::counters::CounterKey;
use crate::store::read::TimeWindow;
use crate::store::tx::MessageTx;
use crate::store::{c2c_key, MessageRow, StoreError};
use confab_proto::message::WireMessage;
use confab_proto::ops::{
    GetMessageListHopping, GetMessageListHoppingResponse, GetMessageListResponse,
};
use confab_proto::{ConversationId, ConversationKind, UserId};
use rusqlite::{params, Connection, OptionalExtension as _};

impl MessageTx for SqliteTx<'_> {
    fn message_row(&mut self, message_id: &str) -> Result<Option<MessageRow>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT id FROM messages WHERE message_id = ?1")?
            .query_row([message_id], |r| r.get(0))
            .optional()?
            .map(MessageRow))
    }

    fn next_message_row(&mut self) -> Result<MessageRow, StoreError> {
        let conn = self.conn;
        let row = self.state.counters.next_row(|| {
            Ok(conn.query_row("SELECT COALESCE(MAX(id), 0) FROM messages", [], |r| {
                r.get::<_, i64>(0)
            })?)
        })?;
        Ok(MessageRow(row))
    }

    fn next_conversation_sequence(&mut self, conv_key: &str) -> Result<u64, StoreError> {
        let conn = self.conn;
        self.state.counters.next(CounterKey::Conversation(conv_key.to_owned()), || {
            Ok(conn.query_row(
                "SELECT COALESCE(MAX(sequence), 0) FROM messages WHERE conv_key = ?1",
                [conv_key],
                |r| r.get::<_, u64>(0),
            )?)
        })
    }

    fn insert_message(
        &mut self,
        row: MessageRow,
        conv_key: &str,
        message: &WireMessage,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO messages (id, message_id, conv_key, sequence, sender, random, time, message)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                row.0,
                message.id.as_str(),
                conv_key,
                message.sequence,
                message.from.as_str(),
                message.random,
                message.time,
                serde_json::to_string(message)?,
            ])?;
        Ok(())
    }

    fn load_message(
        &mut self,
        row: MessageRow,
    ) -> Result<Option<(String, WireMessage)>, StoreError> {
        let found: Option<(String, String)> = self
            .conn
            .prepare_cached("SELECT conv_key, message FROM messages WHERE id = ?1")?
            .query_row(params![row.0], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        found.map(|(key, json)| Ok((key, serde_json::from_str(&json)?))).transpose()
    }

    fn update_message(&mut self, row: MessageRow, message: &WireMessage) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE messages SET message = ?2 WHERE id = ?1")?
            .execute(params![row.0, serde_json::to_string(message)?])?;
        Ok(())
    }

    fn hide_message(&mut self, owner: &UserId, row: MessageRow) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT OR IGNORE INTO hidden_messages (owner, message_id) VALUES (?1, ?2)",
            )?
            .execute(params![owner.as_str(), row.0])?;
        Ok(())
    }
}

/// The sequence up to which `user` cleared the conversation (0: never).
fn cleared_sequence(
    conn: &Connection,
    user: &UserId,
    conversation_id: &ConversationId,
) -> Result<u64, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT cleared_sequence FROM conversations WHERE owner = ?1 AND conversation_id = ?2",
        )?
        .query_row(params![user.as_str(), conversation_id.as_str()], |r| r.get(0))
        .optional()?
        .unwrap_or(0))
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
    let cleared = cleared_sequence(conn, user, conversation_id)?;
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
    newest_first_page(rows, count)
}

/// A history page from rows of stored messages, newest first, of which the
/// query asked one more than `count` (its presence says more are older):
/// at most `count` messages in conversation order, and whether that is all.
pub(super) fn newest_first_page(
    rows: impl Iterator<Item = rusqlite::Result<String>>,
    count: u32,
) -> Result<GetMessageListResponse, StoreError> {
    let mut messages = Vec::new();
    for row in rows {
        messages.push(serde_json::from_str::<WireMessage>(&row?)?);
    }
    let is_completed = messages.len() <= count as usize;
    messages.truncate(count as usize);
    messages.reverse();
    Ok(GetMessageListResponse { messages, is_completed })
}

/// `user`'s view of a C2C conversation within a time window, newest first
/// by time and then sequence (see [`crate::store::MessageRead::message_window`]).
pub(super) fn window(
    conn: &Connection,
    user: &UserId,
    conversation_id: &ConversationId,
    window: &TimeWindow,
) -> Result<Vec<WireMessage>, StoreError> {
    let Some(ConversationKind::C2c(peer)) = conversation_id.kind() else {
        return Ok(Vec::new());
    };
    let key = c2c_key(user, &peer);
    let cleared = cleared_sequence(conn, user, conversation_id)?;
    // Without a cursor, everything up to the window's end.
    let (before_time, before_sequence) = window
        .after
        .map_or((window.max_time, i64::MAX), |(t, s)| (t, i64::try_from(s).unwrap_or(i64::MAX)));
    let mut stmt = conn.prepare_cached(
        "SELECT message FROM messages m
         WHERE conv_key = ?1 AND sequence > ?2 AND time >= ?3 AND time <= ?4
           AND (time < ?5 OR (time = ?5 AND sequence < ?6))
           AND NOT EXISTS (SELECT 1 FROM hidden_messages h
                           WHERE h.owner = ?7 AND h.message_id = m.id)
         ORDER BY time DESC, sequence DESC LIMIT ?8",
    )?;
    let rows = stmt.query_map(
        params![
            key,
            cleared,
            window.min_time,
            window.max_time,
            before_time,
            before_sequence,
            user.as_str(),
            window.count
        ],
        |r| r.get::<_, String>(0),
    )?;
    let mut messages = Vec::new();
    for row in rows {
        messages.push(serde_json::from_str::<WireMessage>(&row?)?);
    }
    Ok(messages)
}

pub(super) fn hopping(
    conn: &Connection,
    user: &UserId,
    request: &GetMessageListHopping,
) -> Result<GetMessageListHoppingResponse, StoreError> {
    let nothing = GetMessageListHoppingResponse {
        messages: Vec::new(),
        is_completed: true,
        next_message_time: None,
        next_message_seq: None,
    };
    // A group's history starts at the member's join point (none for a
    // non-member); a C2C one after what the user cleared.
    let (key, cleared) = match request.conversation_id.kind() {
        Some(ConversationKind::Group(group)) => {
            let joined: Option<u64> = conn
                .prepare_cached(
                    "SELECT MAX(join_sequence, cleared_sequence) FROM group_members
                     WHERE group_id = ?1 AND user_id = ?2",
                )?
                .query_row(params![group, user.as_str()], |r| r.get(0))
                .optional()?;
            let Some(joined) = joined else { return Ok(nothing) };
            (crate::store::group_key(&group), joined)
        }
        _ => {
            let Some(peer) = request.conversation_id.c2c_peer() else { return Ok(nothing) };
            (c2c_key(user, &peer), cleared_sequence(conn, user, &request.conversation_id)?)
        }
    };
    let older = request.direction == 0;
    // The start is a sequence or a time; the order is always the sequence,
    // so a page boundary inside one second neither repeats nor skips.
    let (column, start) = match (request.sequence, request.time) {
        (Some(sequence), _) => ("sequence", i64::try_from(sequence).unwrap_or(i64::MAX)),
        (None, Some(time)) => ("time", time),
        (None, None) => ("sequence", if older { i64::MAX } else { i64::MIN }),
    };
    let (compare, order) = if older { ("<=", "DESC") } else { (">=", "ASC") };
    let sql = format!(
        "SELECT message, time, sequence FROM messages m
         WHERE conv_key = ?1 AND sequence > ?2 AND {column} {compare} ?3
           AND NOT EXISTS (SELECT 1 FROM hidden_messages h
                           WHERE h.owner = ?5 AND h.message_id = m.id)
           AND (json_extract(message, '$.receiverList') IS NULL OR sender = ?5
                OR EXISTS (SELECT 1 FROM json_each(message, '$.receiverList') WHERE value = ?5))
         ORDER BY sequence {order} LIMIT ?4"
    );
    let count = request.count;
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(params![key, cleared, start, u64::from(count) + 1, user.as_str()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
        })?;
    let mut messages = Vec::new();
    let mut next = None;
    for row in rows {
        let (json, time, sequence) = row?;
        if messages.len() == count as usize {
            // One more than the page: where the next page starts.
            next = Some((time, u64::try_from(sequence).unwrap_or(0)));
            break;
        }
        messages.push(serde_json::from_str::<WireMessage>(&json)?);
    }
    if older {
        messages.reverse();
    }
    Ok(GetMessageListHoppingResponse {
        messages,
        is_completed: next.is_none(),
        next_message_time: next.map(|(time, _)| time),
        next_message_seq: next.map(|(_, sequence)| sequence),
    })
}
