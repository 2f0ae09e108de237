//! Message events: a new message, a revoke, a modification (from the
//! inbox for C2C, from a group's timeline for groups).

use super::Changes;
use crate::model::message_from_wire;
use crate::model::MessageStatus;
use crate::store::conversations::{cleared_sequence_of, ensure_conversation};
use crate::store::history::extend_range;
use crate::store::message_ops::{key_of_id, refresh_state, Refreshed};
use crate::store::profiles::remember_sender;
use crate::store::u64_sql;
use crate::store::{sql_u64, Result, Store};
use confab_proto::constants::types;
use confab_proto::message::{ConversationType, WireMessage};
use rusqlite::{params, OptionalExtension, Transaction};

/// How a new message related to what the store held.
enum ApplyKind {
    /// New here: announce it.
    Received(i64),
    /// Sent by this instance and now acknowledged.
    Merged(i64),
    /// Already announced.
    Known,
}

/// What a run of new messages does to one conversation, applied once when
/// the run ends ([`Store::flush_touches`]).
#[derive(Debug, Default)]
pub(super) struct Touch {
    /// Every message's sequence, in the order applied (for the history run).
    sequences: Vec<u64>,
    /// The latest message time, milliseconds.
    time_ms: i64,
    /// Sequences of the messages that count as unread if above the read mark.
    counted: Vec<u64>,
    /// The newest message that may be the last message: (key, sequence).
    last: Option<(i64, u64)>,
}

/// Which state change a message event reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Update {
    /// `messageRevoked`.
    Revoke,
    /// `messageModified`.
    Modify,
}

/// The local conversation of a message: `C2C<peer>` (the peer being the
/// other side, whoever sent it), `GROUP<groupID>` or the system
/// conversation.
fn conversation_of(m: &WireMessage, mine: bool) -> String {
    match m.conversation_type {
        ConversationType::C2c => {
            let peer = if mine { m.to.as_str() } else { m.from.as_str() };
            format!("{}{peer}", types::CONV_C2C)
        }
        ConversationType::Group => format!("{}{}", types::CONV_GROUP, m.to),
        ConversationType::System => types::CONV_SYSTEM.to_owned(),
    }
}

/// A message entry read after the message changed carries it as it is
/// now (a group timeline refers to the stored message), so the change it
/// brings to a copy this store already announced is announced here: the
/// later `messageRevoked` / `messageModified` entry then finds nothing new.
fn note_refreshed(changes: &mut Changes, key: i64, refreshed: &Refreshed) {
    if refreshed.revoked {
        changes.revoked.push(key);
    }
    if refreshed.modified {
        changes.modified.push(key);
    }
}

impl Store {
    /// Applies what the messages since the last flush did to their
    /// conversations: the history run, `visible`, the newest sequence and
    /// time, the unread count (against the read mark as it is now: no read
    /// event came between, see `apply_in_order`) and the last message.
    pub(super) fn flush_touches(&self, tx: &Transaction<'_>, changes: &mut Changes) -> Result<()> {
        for (conversation_id, touch) in std::mem::take(&mut changes.touches) {
            extend_range(tx, &conversation_id, &touch.sequences)?;
            let read: Option<i64> = tx
                .prepare_cached(
                    "SELECT read_sequence FROM conversations WHERE conversation_id = ?1",
                )?
                .query_row(params![conversation_id], |r| r.get(0))
                .optional()?;
            let read = read.map_or(0, u64_sql);
            let unread = touch.counted.iter().filter(|&&s| s > read).count();
            let newest = touch.sequences.iter().copied().max().unwrap_or(0);
            tx.prepare_cached(
                "UPDATE conversations SET visible = 1,
                   last_sequence = MAX(last_sequence, ?2),
                   update_time = MAX(update_time, ?3),
                   unread_count = unread_count + ?4
                 WHERE conversation_id = ?1",
            )?
            .execute(params![
                conversation_id,
                sql_u64(newest),
                touch.time_ms,
                unread as i64
            ])?;
            if let Some((key, sequence)) = touch.last {
                self.maybe_set_last(tx, &conversation_id, key, sequence)?;
            }
        }
        Ok(())
    }

    /// Applies a new message (inbox or timeline): stores it or merges it
    /// into the copy this store has (the acknowledgement of a message sent
    /// here, or one known from a history fetch), extends the history run,
    /// and updates its conversation.
    pub(super) fn apply_message(
        &self,
        tx: &Transaction<'_>,
        m: &WireMessage,
        changes: &mut Changes,
    ) -> Result<()> {
        let mine = m.from.as_str() == self.me;
        let conversation_id = conversation_of(m, mine);
        if !changes.ensured.contains(&conversation_id) {
            ensure_conversation(tx, &conversation_id, m.conversation_type)?;
            changes.ensured.insert(conversation_id.clone());
        }
        let existing: Option<(i64, String, Option<String>, bool)> = tx
            .prepare_cached(
                "SELECT key, status, local_id, via_inbox FROM messages
                 WHERE id = ?1 OR (sender = ?2 AND random = ?3)",
            )?
            .query_row(params![m.id.as_str(), m.from.as_str(), sql_u64(m.random)], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        // A group message the owner cleared (from another instance) whose
        // timeline page trails the inbox's clear: not taken in again. (A
        // C2C clear follows its messages in the one inbox.)
        if existing.is_none()
            && m.conversation_type == ConversationType::Group
            && m.sequence <= cleared_sequence_of(tx, &conversation_id)?
        {
            return Ok(());
        }
        // Set when the message is inserted here, already marked via_inbox.
        let mut inserted = None;
        let (key, kind) = match existing {
            // Sent by this instance: its acknowledgement, by another road.
            Some((key, status, Some(_), _)) => {
                let was_pending = status != MessageStatus::Success.as_str();
                // Announced once, with the acknowledgement that arrives
                // first (this road or the send response).
                if was_pending && self.rewritten_by_server(tx, key, m)? {
                    changes.modified.push(key);
                }
                self.write_server_fields(tx, key, m)?;
                let refreshed = refresh_state(tx, key, m)?;
                note_refreshed(changes, key, &refreshed);
                tx.prepare_cached("DELETE FROM outbox WHERE message_key = ?1")?
                    .execute(params![key])?;
                (key, if was_pending { ApplyKind::Merged(key) } else { ApplyKind::Known })
            }
            Some((key, _, None, true)) => {
                let refreshed = refresh_state(tx, key, m)?;
                note_refreshed(changes, key, &refreshed);
                (key, ApplyKind::Known)
            }
            // Known from a history fetch, not yet announced.
            Some((key, _, None, false)) => {
                self.write_server_fields(tx, key, m)?;
                refresh_state(tx, key, m)?;
                (key, ApplyKind::Received(key))
            }
            // New here: stored as it came by the inbox or a timeline (the
            // lookup above found no copy).
            None => {
                let key = self.insert_wire(tx, &conversation_id, m, true)?;
                inserted = Some(key);
                (key, ApplyKind::Received(key))
            }
        };
        if inserted.is_none() {
            tx.prepare_cached("UPDATE messages SET via_inbox = 1 WHERE key = ?1")?
                .execute(params![key])?;
        }
        let announced = matches!(kind, ApplyKind::Received(_));
        let counts =
            announced && !mine && !m.excluded_from_unread_count && m.receiver_list.is_empty();
        // The conversation row changes once per conversation when the run
        // of messages ends (`flush_touches`), not once per message.
        let touch = changes.touches.entry(conversation_id.clone()).or_default();
        touch.sequences.push(m.sequence);
        touch.time_ms = touch.time_ms.max(m.time.saturating_mul(1000));
        if counts {
            touch.counted.push(m.sequence);
        }
        if !m.excluded_from_last_message
            && touch.last.is_none_or(|(_, sequence)| sequence <= m.sequence)
        {
            touch.last = Some((key, m.sequence));
        }
        if !mine && announced {
            let sender = (m.from.as_str().to_owned(), m.nick.clone(), m.avatar.clone());
            if !changes.senders.contains(&sender) {
                remember_sender(tx, m)?;
                changes.senders.insert(sender);
            }
        }
        match kind {
            ApplyKind::Received(key) => changes.received.push(key),
            ApplyKind::Merged(key) => changes.merged.push(key),
            ApplyKind::Known => {}
        }
        changes.conversations.insert(conversation_id);
        Ok(())
    }

    /// Applies a `messageRevoked` or `messageModified` event.
    pub(super) fn apply_update(
        &self,
        tx: &rusqlite::Connection,
        m: &WireMessage,
        update: Update,
        changes: &mut Changes,
    ) -> Result<()> {
        match key_of_id(tx, m.id.as_str())? {
            Some((key, conversation_id)) => {
                let refreshed = refresh_state(tx, key, m)?;
                if update == Update::Revoke && refreshed.revoked {
                    changes.revoked.push(key);
                    changes.conversations.insert(conversation_id);
                } else if update == Update::Modify && refreshed.modified {
                    changes.modified.push(key);
                    changes.conversations.insert(conversation_id);
                }
            }
            None => {
                let message = message_from_wire(m, &self.me);
                match update {
                    Update::Revoke => changes.revoked_unknown.push(message),
                    Update::Modify => changes.modified_unknown.push(message),
                }
            }
        }
        Ok(())
    }
}
