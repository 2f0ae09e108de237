//! Messages on PostgreSQL: the `messages` table (each message stored once,
//! with its row, conversation key and sequence) and `hidden_messages`
//! ("delete for me"), and the reads of a user's view of a conversation's
//! history: by sequence (`getMessageList`) and from a sequence or a time,
//! paged by sequence (`getMessageListHopping`).

use super::c2c_key;
use super::writer::PgTx;
use super::{to_i64, to_u64, Cx};
use crate::store::counters::CounterKey;
use crate::store::read::TimeWindow;
use crate::store::tx::MessageTx;
use crate::store::{MessageRow, StoreError};
use confab_proto::message::WireMessage;
use confab_proto::ops::{
    GetMessageListHopping, GetMessageListHoppingResponse, GetMessageListResponse,
};
use confab_proto::{ConversationId, ConversationKind, UserId};
use tokio_postgres::Row;

impl MessageTx for PgTx<'_> {
    fn message_row(&mut self, message_id: &str) -> Result<Option<MessageRow>, StoreError> {
        self.cx
            .query_opt("SELECT id FROM messages WHERE message_id = $1", &[&message_id])?
            .map(|r| Ok(MessageRow(r.try_get::<_, i64>(0)?)))
            .transpose()
    }

    fn next_message_row(&mut self) -> Result<MessageRow, StoreError> {
        let cx = &mut self.cx;
        let row = self.state.counters.next_row(|| {
            Ok(cx.query_one("SELECT COALESCE(MAX(id), 0) FROM messages", &[])?.try_get(0)?)
        })?;
        Ok(MessageRow(row))
    }

    fn next_conversation_sequence(&mut self, conv_key: &str) -> Result<u64, StoreError> {
        let cx = &mut self.cx;
        self.state.counters.next(CounterKey::Conversation(conv_key.to_owned()), || {
            to_u64(
                cx.query_one(
                    "SELECT COALESCE(MAX(sequence), 0) FROM messages WHERE conv_key = $1",
                    &[&super::db_key(conv_key)],
                )?
                .try_get(0)?,
            )
        })
    }

    fn insert_message(
        &mut self,
        row: MessageRow,
        conv_key: &str,
        message: &WireMessage,
    ) -> Result<(), StoreError> {
        self.cx.write(
            "INSERT INTO messages (id, message_id, conv_key, sequence, sender, random, time, message)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            vec![
                Box::new(row.0),
                Box::new(message.id.as_str().to_owned()),
                Box::new(super::db_key(conv_key)),
                Box::new(to_i64(message.sequence)?),
                Box::new(message.from.as_str().to_owned()),
                Box::new(to_i64(message.random)?),
                Box::new(message.time),
                Box::new(serde_json::to_string(message)?),
            ],
        )?;
        Ok(())
    }

    fn load_message(
        &mut self,
        row: MessageRow,
    ) -> Result<Option<(String, WireMessage)>, StoreError> {
        let found =
            self.cx.query_opt("SELECT conv_key, message FROM messages WHERE id = $1", &[&row.0])?;
        found
            .map(|r| {
                let key: String = r.try_get(0)?;
                let json: String = r.try_get(1)?;
                Ok((super::key_from_db(&key), serde_json::from_str(&json)?))
            })
            .transpose()
    }

    fn update_message(&mut self, row: MessageRow, message: &WireMessage) -> Result<(), StoreError> {
        self.cx.execute(
            "UPDATE messages SET message = $2 WHERE id = $1",
            &[&row.0, &serde_json::to_string(message)?],
        )?;
        Ok(())
    }

    fn hide_message(&mut self, owner: &UserId, row: MessageRow) -> Result<(), StoreError> {
        self.cx.execute(
            "INSERT INTO hidden_messages (owner, message_id) VALUES ($1, $2)
             ON CONFLICT DO NOTHING",
            &[&owner.as_str(), &row.0],
        )?;
        Ok(())
    }
}

/// The sequence up to which `user` cleared the conversation (0: never).
fn cleared_sequence(
    cx: &mut Cx<'_>,
    user: &UserId,
    conversation_id: &ConversationId,
) -> Result<u64, StoreError> {
    cx.query_opt(
        "SELECT cleared_sequence FROM conversations WHERE owner = $1 AND conversation_id = $2",
        &[&user.as_str(), &conversation_id.as_str()],
    )?
    .map_or(Ok(0), |r| to_u64(r.try_get(0)?))
}

/// A page of `user`'s view of a conversation: messages after the user's
/// cleared point and before `before_sequence`, the newest `count`, ascending.
pub(super) fn page(
    cx: &mut Cx<'_>,
    user: &UserId,
    conversation_id: &ConversationId,
    before_sequence: Option<u64>,
    count: u32,
) -> Result<GetMessageListResponse, StoreError> {
    let Some(ConversationKind::C2c(peer)) = conversation_id.kind() else {
        return Ok(GetMessageListResponse { messages: Vec::new(), is_completed: true });
    };
    let key = c2c_key(user, &peer);
    let cleared = to_i64(cleared_sequence(cx, user, conversation_id)?)?;
    let before = before_sequence.map_or(i64::MAX, |b| i64::try_from(b).unwrap_or(i64::MAX));
    let rows = cx.query(
        "SELECT message FROM messages m
         WHERE conv_key = $1 AND sequence > $2 AND sequence < $3
           AND NOT EXISTS (SELECT 1 FROM hidden_messages h
                           WHERE h.owner = $5 AND h.message_id = m.id)
         ORDER BY sequence DESC LIMIT $4",
        &[&key, &cleared, &before, &(i64::from(count) + 1), &user.as_str()],
    )?;
    newest_first_page(rows, count)
}

/// A history page from rows of stored messages (the message JSON in the
/// first column), newest first, of which the query asked one more than
/// `count` (its presence says more are older): at most `count` messages in
/// conversation order, and whether that is all.
pub(super) fn newest_first_page(
    rows: impl IntoIterator<Item = Row>,
    count: u32,
) -> Result<GetMessageListResponse, StoreError> {
    let mut messages = Vec::new();
    for row in rows {
        messages.push(serde_json::from_str::<WireMessage>(&row.try_get::<_, String>(0)?)?);
    }
    let is_completed = messages.len() <= count as usize;
    messages.truncate(count as usize);
    messages.reverse();
    Ok(GetMessageListResponse { messages, is_completed })
}

/// `user`'s view of a C2C conversation within a time window, newest first
/// by time and then sequence (see [`crate::store::MessageRead::message_window`]).
pub(super) fn window(
    cx: &mut Cx<'_>,
    user: &UserId,
    conversation_id: &ConversationId,
    window: &TimeWindow,
) -> Result<Vec<WireMessage>, StoreError> {
    let Some(ConversationKind::C2c(peer)) = conversation_id.kind() else {
        return Ok(Vec::new());
    };
    let key = c2c_key(user, &peer);
    let cleared = to_i64(cleared_sequence(cx, user, conversation_id)?)?;
    // Without a cursor, everything up to the window's end.
    let (before_time, before_sequence) = window
        .after
        .map_or((window.max_time, i64::MAX), |(t, s)| (t, i64::try_from(s).unwrap_or(i64::MAX)));
    let rows = cx.query(
        "SELECT message FROM messages m
         WHERE conv_key = $1 AND sequence > $2 AND time >= $3 AND time <= $4
           AND (time < $5 OR (time = $5 AND sequence < $6))
           AND NOT EXISTS (SELECT 1 FROM hidden_messages h
                           WHERE h.owner = $7 AND h.message_id = m.id)
         ORDER BY time DESC, sequence DESC LIMIT $8",
        &[
            &key,
            &cleared,
            &window.min_time,
            &window.max_time,
            &before_time,
            &before_sequence,
            &user.as_str(),
            &i64::from(window.count),
        ],
    )?;
    let mut messages = Vec::new();
    for row in rows {
        messages.push(serde_json::from_str::<WireMessage>(&row.try_get::<_, String>(0)?)?);
    }
    Ok(messages)
}

/// A page of `user`'s view of a conversation from a sequence or a time,
/// older or newer, paged by sequence (`getMessageListHopping`).
pub(super) fn hopping(
    cx: &mut Cx<'_>,
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
            let joined = cx
                .query_opt(
                    "SELECT GREATEST(join_sequence, cleared_sequence) FROM group_members
                     WHERE group_id = $1 AND user_id = $2",
                    &[&group, &user.as_str()],
                )?
                .map(|r| to_u64(r.try_get(0)?))
                .transpose()?;
            let Some(joined) = joined else { return Ok(nothing) };
            (super::group_key(&group), joined)
        }
        _ => {
            let Some(peer) = request.conversation_id.c2c_peer() else { return Ok(nothing) };
            (c2c_key(user, &peer), cleared_sequence(cx, user, &request.conversation_id)?)
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
    // A message with no `receiverList` (it is left out when empty) is for
    // everyone; a targeted one for its sender and the listed receivers.
    let sql = format!(
        "SELECT message, time, sequence FROM messages m
         WHERE conv_key = $1 AND sequence > $2 AND {column} {compare} $3
           AND NOT EXISTS (SELECT 1 FROM hidden_messages h
                           WHERE h.owner = $5 AND h.message_id = m.id)
           AND ((message::jsonb -> 'receiverList') IS NULL OR sender = $5
                OR jsonb_exists(message::jsonb -> 'receiverList', $5))
         ORDER BY sequence {order} LIMIT $4"
    );
    let count = request.count;
    let rows = cx
        .query(&sql, &[&key, &to_i64(cleared)?, &start, &(i64::from(count) + 1), &user.as_str()])?;
    let mut messages = Vec::new();
    let mut next = None;
    for row in rows {
        let json: String = row.try_get(0)?;
        let time: i64 = row.try_get(1)?;
        let sequence: i64 = row.try_get(2)?;
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
