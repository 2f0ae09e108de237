//! Local side of the message operations: revoked and modified state as the
//! server reports it (inbox events, responses, history fetches), "delete
//! for me" (`is_deleted` rows hidden from history), and storing hopping
//! pages.
//!
//! The server's record is the truth: a message's state moves forward only
//! (`is_revoked` never goes back, a `version` is replaced only by a higher
//! one), so applying the same report twice, or an older one late, changes
//! nothing and announces nothing.

use super::conversations::ensure_conversation;
use super::{Result, Store};
use crate::model::{message_from_wire, Conversation, Message};
use confab_proto::message::{ConversationType, WireMessage};
use rusqlite::{params, OptionalExtension as _};

/// What a state report did to the local copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Refreshed {
    /// It became revoked now.
    pub(crate) revoked: bool,
    /// It got a newer version now.
    pub(crate) modified: bool,
}

/// Brings the stored message `key` up to the reported state (revoked,
/// newer version with its content); returns what changed.
pub(super) fn refresh_state(
    tx: &rusqlite::Connection,
    key: i64,
    m: &WireMessage,
) -> Result<Refreshed> {
    let (local_revoked, local_version): (bool, i64) = tx
        .prepare_cached("SELECT is_revoked, version FROM messages WHERE key = ?1")?
        .query_row(params![key], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let revoked = m.is_revoked && !local_revoked;
    let modified = i64::from(m.version) > local_version;
    if modified {
        tx.prepare_cached(
            "UPDATE messages SET element = ?2, cloud_custom_data = ?3, version = ?4,
               is_revoked = MAX(is_revoked, ?5)
             WHERE key = ?1",
        )?
        .execute(params![
            key,
            serde_json::to_string(&m.element)?,
            m.cloud_custom_data,
            m.version,
            m.is_revoked
        ])?;
    } else if revoked {
        tx.prepare_cached("UPDATE messages SET is_revoked = 1 WHERE key = ?1")?
            .execute(params![key])?;
    }
    Ok(Refreshed { revoked, modified })
}

/// The key and conversation of a stored message by server ID.
pub(super) fn key_of_id(tx: &rusqlite::Connection, id: &str) -> Result<Option<(i64, String)>> {
    Ok(tx
        .prepare_cached("SELECT key, conversation_id FROM messages WHERE id = ?1")?
        .query_row(params![id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

impl Store {
    /// Records the server's answer to this instance's revoke or modify:
    /// the message as it is now, and its conversation when known.
    pub(crate) fn record_update(&self, m: &WireMessage) -> Result<(Message, Option<Conversation>)> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let found = key_of_id(&tx, m.id.as_str())?;
        if let Some((key, _)) = found {
            refresh_state(&tx, key, m)?;
        }
        tx.commit()?;
        let Some((key, conversation_id)) = found else {
            return Ok((message_from_wire(m, &self.me), None));
        };
        let message = match self.message_by_key_in(&conn, key)? {
            Some(message) => message,
            None => message_from_wire(m, &self.me),
        };
        let conversation = self.conversation_in(&conn, &conversation_id)?;
        Ok((message, conversation))
    }

    /// Flags messages of one conversation deleted (hidden from history),
    /// drops unsent ones from the outbox, and moves the conversation's last
    /// message to the newest one left. Returns the deleted messages and the
    /// conversation.
    pub(crate) fn mark_deleted(
        &self,
        conversation_id: &str,
        ids: &[String],
    ) -> Result<(Vec<Message>, Option<Conversation>)> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let mut keys = Vec::new();
        for id in ids {
            let key: Option<i64> = tx
                .prepare_cached(
                    "SELECT key FROM messages
                     WHERE (id = ?1 OR local_id = ?1) AND conversation_id = ?2",
                )?
                .query_row(params![id, conversation_id], |r| r.get(0))
                .optional()?;
            let Some(key) = key else { continue };
            tx.prepare_cached("UPDATE messages SET is_deleted = 1 WHERE key = ?1")?
                .execute(params![key])?;
            tx.prepare_cached("DELETE FROM outbox WHERE message_key = ?1")?
                .execute(params![key])?;
            keys.push(key);
        }
        let last: Option<Option<i64>> = tx
            .prepare_cached(
                "SELECT last_message_key FROM conversations WHERE conversation_id = ?1",
            )?
            .query_row(params![conversation_id], |r| r.get(0))
            .optional()?;
        if let Some(Some(last)) = last {
            if keys.contains(&last) {
                let newest: Option<i64> = tx
                    .prepare_cached(
                        "SELECT key FROM messages
                         WHERE conversation_id = ?1 AND is_deleted = 0 AND excluded_last = 0
                         ORDER BY (sequence = 0) DESC, sequence DESC, key DESC LIMIT 1",
                    )?
                    .query_row(params![conversation_id], |r| r.get(0))
                    .optional()?;
                tx.prepare_cached(
                    "UPDATE conversations SET last_message_key = ?2 WHERE conversation_id = ?1",
                )?
                .execute(params![conversation_id, newest])?;
            }
        }
        tx.commit()?;
        let deleted = self.messages_by_keys(&conn, &keys)?;
        let conversation = self.conversation_in(&conn, conversation_id)?;
        Ok((deleted, conversation))
    }

    /// Stores a hopping page from the server (outside the history-run
    /// bookkeeping: it may lie anywhere) and returns it as stored, without
    /// messages deleted here.
    pub(crate) fn store_hopping(
        &self,
        conversation_id: &str,
        fetched: &[WireMessage],
    ) -> Result<Vec<Message>> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let conv_type =
            fetched.first().map(|m| m.conversation_type).unwrap_or(ConversationType::C2c);
        if !fetched.is_empty() {
            ensure_conversation(&tx, conversation_id, conv_type)?;
        }
        let mut keys = Vec::with_capacity(fetched.len());
        for m in fetched {
            let (key, _) = self.upsert_wire(&tx, conversation_id, m, false)?;
            keys.push(key);
        }
        tx.commit()?;
        let mut messages = self.messages_by_keys(&conn, &keys)?;
        messages.retain(|m| !m.is_deleted);
        Ok(messages)
    }
}
