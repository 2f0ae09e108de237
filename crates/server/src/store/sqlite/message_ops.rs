//! Operations on stored messages: revoke, modify, delete for one user
//! (`hidden_messages`), and the by-time history pull ("hopping").
//!
//! Revokes and modifications rewrite the message's JSON record in place
//! (`isRevoked`, `version`), so every later read (history, conversation
//! lists, inbox `message` entries that refer to the row) shows the current
//! state; the inbox events carry the message as it became. Every refusal
//! happens before anything is written (see `StoreError::is_rejection`).

use super::{c2c_key, inbox, WriteCx};
use crate::store::StoreError;
use confab_proto::inbox::InboxEvent;
use confab_proto::message::{MessageElement, WireMessage};
use confab_proto::ops::{
    GetMessageListHopping, GetMessageListHoppingResponse, ModifyMessage, MAX_DELETE_MESSAGES,
};
use confab_proto::{code, ConversationId, ErrorBody, UserId};
use rusqlite::{params, Connection, OptionalExtension as _};

fn not_found(message_id: &str) -> StoreError {
    StoreError::Refused(ErrorBody::new(
        code::ERR_SVR_MSG_NOT_FOUND,
        format!("message {message_id:?} does not exist in this conversation"),
    ))
}

/// The row number in a message ID (`<row>-<time>-<random>`).
fn row_of(message_id: &str) -> Option<i64> {
    message_id.split('-').next()?.parse().ok()
}

/// The stored message `message_id` of `user`'s C2C conversation
/// `conversation_id`, with its row; `None` when it is not there.
fn load(
    conn: &Connection,
    user: &UserId,
    conversation_id: &ConversationId,
    message_id: &str,
) -> Result<Option<(i64, WireMessage)>, StoreError> {
    let (Some(peer), Some(row)) = (conversation_id.c2c_peer(), row_of(message_id)) else {
        return Ok(None);
    };
    let found: Option<(String, String)> = conn
        .prepare_cached("SELECT conv_key, message FROM messages WHERE id = ?1")?
        .query_row(params![row], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((key, json)) = found else { return Ok(None) };
    if key != c2c_key(user, &peer) {
        return Ok(None);
    }
    let message: WireMessage = serde_json::from_str(&json)?;
    Ok((message.id.as_str() == message_id).then_some((row, message)))
}

fn save(conn: &Connection, row: i64, message: &WireMessage) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE messages SET message = ?2 WHERE id = ?1")?
        .execute(params![row, serde_json::to_string(message)?])?;
    Ok(())
}

/// Appends `event` (built per owner) to both participants' inboxes.
fn tell_both(
    conn: &Connection,
    cx: &mut WriteCx,
    message: &WireMessage,
    event: impl Fn(WireMessage) -> InboxEvent,
) -> Result<(), StoreError> {
    let to = UserId::new(message.to.clone());
    inbox::append(conn, cx, &to, event(message.clone()), None)?;
    inbox::append(conn, cx, &message.from, event(message.clone()), None)?;
    Ok(())
}

/// `revokeMessage` (see [`crate::store::Store::revoke_message`]).
pub(super) fn revoke(
    conn: &Connection,
    cx: &mut WriteCx,
    user: &UserId,
    conversation_id: &ConversationId,
    message_id: &str,
    now_secs: i64,
    window_secs: i64,
) -> Result<WireMessage, StoreError> {
    let Some((row, mut message)) = load(conn, user, conversation_id, message_id)? else {
        return Err(not_found(message_id));
    };
    if message.from != *user {
        return Err(StoreError::Refused(ErrorBody::new(
            code::MESSAGE_REVOKE_FAIL,
            "only the sender can revoke a message",
        )));
    }
    if message.is_revoked {
        return Ok(message);
    }
    if now_secs.saturating_sub(message.time) > window_secs {
        return Err(StoreError::Refused(ErrorBody::new(
            code::MESSAGE_REVOKE_FAIL,
            format!("the message is older than the revoke window of {window_secs} s"),
        )));
    }
    message.is_revoked = true;
    save(conn, row, &message)?;
    tell_both(conn, cx, &message, |message| InboxEvent::MessageRevoked { message })?;
    Ok(message)
}

/// Whether a message of this type may get another content (and type).
fn content_modifiable(element: &MessageElement) -> bool {
    matches!(
        element,
        MessageElement::Text(_)
            | MessageElement::Custom(_)
            | MessageElement::Location(_)
            | MessageElement::Face(_)
    )
}

/// `modifyMessage` (see [`crate::store::Store::modify_message`]). The
/// request is validated (size, moderation) by the handler.
pub(super) fn modify(
    conn: &Connection,
    cx: &mut WriteCx,
    user: &UserId,
    request: ModifyMessage,
    payload_by_receiver: bool,
) -> Result<WireMessage, StoreError> {
    let id = request.message_id.as_str();
    let Some((row, mut message)) = load(conn, user, &request.conversation_id, id)? else {
        return Err(not_found(id));
    };
    if message.is_revoked {
        return Err(StoreError::Refused(ErrorBody::new(
            code::ERR_SVR_MSG_NOT_FOUND,
            "a revoked message cannot be modified",
        )));
    }
    if request.version != message.version {
        let data = serde_json::json!({ "message": message });
        return Err(StoreError::Refused(
            ErrorBody::new(
                code::MESSAGE_MODIFY_CONFLICT,
                format!(
                    "the message was modified meanwhile (version {} is not the latest, {})",
                    request.version, message.version
                ),
            )
            .with_data(data),
        ));
    }
    // Checked against the latest version (after the conflict check), so a
    // receiver changing only `cloudCustomData` of a stale copy gets 2480,
    // not a refusal.
    if request.element != message.element && message.from != *user && !payload_by_receiver {
        return Err(StoreError::Refused(ErrorBody::new(
            code::MODIFY_PERMISSION_DENIED,
            "only the sender can change a message's content; cloudCustomData may be changed",
        )));
    }
    if request.element != message.element
        && !(content_modifiable(&message.element) && content_modifiable(&request.element))
    {
        return Err(StoreError::Refused(ErrorBody::new(
            code::INVALID_OPERATION,
            "only text, custom, location and face messages can change their content",
        )));
    }
    message.element = request.element;
    message.cloud_custom_data = request.cloud_custom_data;
    message.version += 1;
    save(conn, row, &message)?;
    tell_both(conn, cx, &message, |message| InboxEvent::MessageModified { message })?;
    Ok(message)
}

/// `deleteMessages` (see [`crate::store::Store::delete_messages`]).
pub(super) fn hide(
    conn: &Connection,
    user: &UserId,
    conversation_id: &ConversationId,
    message_ids: &[String],
) -> Result<Vec<String>, StoreError> {
    let mut hidden = Vec::new();
    for id in message_ids.iter().take(MAX_DELETE_MESSAGES) {
        let Some((row, _)) = load(conn, user, conversation_id, id)? else { continue };
        conn.prepare_cached(
            "INSERT OR IGNORE INTO hidden_messages (owner, message_id) VALUES (?1, ?2)",
        )?
        .execute(params![user.as_str(), row])?;
        hidden.push(id.clone());
    }
    Ok(hidden)
}

/// `getMessageListHopping` for a C2C conversation: by (time, sequence),
/// after the user's cleared point, without the user's hidden messages.
pub(super) fn hopping(
    conn: &Connection,
    user: &UserId,
    request: &GetMessageListHopping,
) -> Result<GetMessageListHoppingResponse, StoreError> {
    let Some(peer) = request.conversation_id.c2c_peer() else {
        return Ok(GetMessageListHoppingResponse {
            messages: Vec::new(),
            is_completed: true,
            next_message_time: None,
        });
    };
    let key = c2c_key(user, &peer);
    let cleared: u64 = conn
        .prepare_cached(
            "SELECT cleared_sequence FROM conversations WHERE owner = ?1 AND conversation_id = ?2",
        )?
        .query_row(params![user.as_str(), request.conversation_id.as_str()], |r| r.get(0))
        .optional()?
        .unwrap_or(0);
    let older = request.direction == 0;
    let time = request.time.unwrap_or(if older { i64::MAX } else { i64::MIN });
    let sql = if older {
        "SELECT message, time FROM messages m
         WHERE conv_key = ?1 AND sequence > ?2 AND time <= ?3
           AND NOT EXISTS (SELECT 1 FROM hidden_messages h
                           WHERE h.owner = ?5 AND h.message_id = m.id)
         ORDER BY time DESC, sequence DESC LIMIT ?4"
    } else {
        "SELECT message, time FROM messages m
         WHERE conv_key = ?1 AND sequence > ?2 AND time >= ?3
           AND NOT EXISTS (SELECT 1 FROM hidden_messages h
                           WHERE h.owner = ?5 AND h.message_id = m.id)
         ORDER BY time ASC, sequence ASC LIMIT ?4"
    };
    let count = request.count;
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt
        .query_map(params![key, cleared, time, u64::from(count) + 1, user.as_str()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
    let mut messages = Vec::new();
    let mut next_message_time = None;
    for row in rows {
        let (json, time) = row?;
        if messages.len() == count as usize {
            // One more than the page: where the next page starts.
            next_message_time = Some(time);
            break;
        }
        messages.push(serde_json::from_str::<WireMessage>(&json)?);
    }
    if older {
        messages.reverse();
    }
    Ok(GetMessageListHoppingResponse {
        messages,
        is_completed: next_message_time.is_none(),
        next_message_time,
    })
}
