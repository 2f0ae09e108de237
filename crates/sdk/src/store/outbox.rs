//! The outbox: messages sent while offline or not yet acknowledged, in
//! order; queueing, requeueing a failed message, and recording the
//! server's acknowledgement or refusal.

use super::conversations::ensure_conversation;
use super::history::{load_range, save_range, HistoryRange};
use super::messages::insert_unsent;
use super::{sql_u64, Result, Store};
use crate::model::{Conversation, Message, MessageStatus};
use confab_proto::message::{MessageControlInfo, OutgoingMessage, WireMessage};
use confab_proto::ops::SendMessage;
use rusqlite::{params, OptionalExtension};

/// An outbox row ready to go on the wire.
#[derive(Clone, Debug)]
pub(crate) struct OutboxItem {
    /// Place in the outbox (increasing; a requeued message gets a new one).
    pub(crate) position: i64,
    /// `messages.key`.
    pub(crate) key: i64,
    /// The request.
    pub(crate) request: SendMessage,
}

/// What [`Store::complete_send`] changed.
#[derive(Debug)]
pub(crate) struct Acknowledged {
    /// The message as stored now: `success`, with the server's fields.
    pub(crate) message: Message,
    /// Its conversation.
    pub(crate) conversation: Option<Conversation>,
    /// The server stored other content than the client made (the
    /// profanity filter masked the text): the sender hears
    /// MESSAGE_MODIFIED, as TIM's sender does when the server changed it.
    pub(crate) rewritten: bool,
}

impl Store {
    /// Persists a new outgoing message with its outbox row (one
    /// transaction) and makes it the conversation's last message (unless
    /// excluded). Returns its key and the conversation.
    pub(crate) fn enqueue_new(
        &self,
        message: &Message,
        control: Option<MessageControlInfo>,
        now_millis: i64,
    ) -> Result<(i64, Option<Conversation>)> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        ensure_conversation(&tx, &message.conversation_id, message.conversation_type)?;
        let control_info = control.map(|c| serde_json::to_string(&c)).transpose()?;
        let excluded_last = control.is_some_and(|c| c.excluded_from_last_message);
        let key = insert_unsent(
            &tx,
            message,
            control.is_some_and(|c| c.excluded_from_unread_count),
            excluded_last,
        )?;
        tx.prepare_cached(
            "INSERT INTO outbox (message_key, control_info, receiver_list) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![
            key,
            control_info,
            serde_json::to_string(&message.receiver_list)?
        ])?;
        tx.prepare_cached(
            "UPDATE conversations SET visible = 1, update_time = MAX(update_time, ?2)
             WHERE conversation_id = ?1",
        )?
        .execute(params![message.conversation_id, now_millis])?;
        if !excluded_last {
            tx.prepare_cached(
                "UPDATE conversations SET last_message_key = ?2 WHERE conversation_id = ?1",
            )?
            .execute(params![message.conversation_id, key])?;
        }
        tx.commit()?;
        let conversation = self.conversation_in(&conn, &message.conversation_id)?;
        Ok((key, conversation))
    }

    /// Puts a failed message back at the end of the outbox (same random).
    pub(crate) fn requeue_failed(&self, key: i64, now_millis: i64) -> Result<Option<Conversation>> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let conversation_id: String = tx
            .prepare_cached("SELECT conversation_id FROM messages WHERE key = ?1")?
            .query_row(params![key], |r| r.get(0))?;
        tx.prepare_cached("UPDATE messages SET status = 'unSend' WHERE key = ?1")?
            .execute(params![key])?;
        tx.prepare_cached(
            "INSERT OR IGNORE INTO outbox (message_key, control_info) VALUES (?1, NULL)",
        )?
        .execute(params![key])?;
        tx.prepare_cached(
            "UPDATE conversations SET visible = 1, update_time = MAX(update_time, ?2)
             WHERE conversation_id = ?1",
        )?
        .execute(params![conversation_id, now_millis])?;
        tx.commit()?;
        self.conversation_in(&conn, &conversation_id)
    }

    /// The outbox in order.
    #[cfg(test)]
    pub(crate) fn outbox(&self) -> Result<Vec<OutboxItem>> {
        self.outbox_after(0, usize::MAX)
    }

    /// The first `limit` outbox rows after `position`, in order: what a
    /// connection has not sent yet (reading only those keeps a deep outbox
    /// from costing a full scan per new message or reply).
    pub(crate) fn outbox_after(&self, position: i64, limit: usize) -> Result<Vec<OutboxItem>> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "SELECT o.position, o.message_key, o.control_info, o.receiver_list FROM outbox o
             WHERE o.position > ?1 ORDER BY o.position LIMIT ?2",
        )?;
        // SQLite reads a negative LIMIT as none.
        let limit = i64::try_from(limit).unwrap_or(-1);
        let rows: Vec<(i64, i64, Option<String>, String)> = stmt
            .query_map(params![position, limit], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        drop(stmt);
        let mut out = Vec::with_capacity(rows.len());
        for (position, key, control, receivers) in rows {
            let Some(m) = self.message_by_key_in(&conn, key)? else { continue };
            let message_control_info: Option<MessageControlInfo> =
                control.as_deref().map(serde_json::from_str).transpose()?;
            let element = crate::files::wire_element(m.element()?);
            out.push(OutboxItem {
                position,
                key,
                request: SendMessage {
                    message: OutgoingMessage {
                        receiver_list: serde_json::from_str(&receivers)?,
                        conversation_type: m.conversation_type,
                        to: m.to,
                        random: m.random,
                        element,
                        priority: m.priority,
                        cloud_custom_data: m.cloud_custom_data,
                        need_read_receipt: m.need_read_receipt,
                        is_support_extension: m.is_support_extension,
                        at_user_list: m.at_user_list,
                        client_time: m.time.saturating_mul(1000),
                    },
                    online_user_only: false,
                    message_control_info,
                },
            });
        }
        Ok(out)
    }

    /// Records a successful acknowledgement. Returns what changed when
    /// this changed the status (`None` when the inbox already delivered
    /// the acknowledgement).
    pub(crate) fn complete_send(
        &self,
        key: i64,
        wire: &WireMessage,
    ) -> Result<Option<Acknowledged>> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let row: Option<(String, String)> = tx
            .prepare_cached("SELECT status, conversation_id FROM messages WHERE key = ?1")?
            .query_row(params![key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let Some((status, conversation_id)) = row else { return Ok(None) };
        tx.prepare_cached("DELETE FROM outbox WHERE message_key = ?1")?.execute(params![key])?;
        if status == MessageStatus::Success.as_str() {
            tx.commit()?;
            return Ok(None);
        }
        let rewritten = self.rewritten_by_server(&tx, key, wire)?;
        self.write_server_fields(&tx, key, wire)?;
        // Right above the run, the run grows; further up, messages in
        // between are still unknown and the inbox will fill them in.
        if let Some(run) = load_range(&tx, &conversation_id)? {
            if wire.sequence == run.hi + 1 {
                save_range(&tx, &conversation_id, HistoryRange { hi: wire.sequence, ..run })?;
            }
        }
        tx.prepare_cached(
            "UPDATE conversations
            SET last_sequence = MAX(last_sequence, ?2)
            WHERE conversation_id = ?1",
        )?
        .execute(params![conversation_id, sql_u64(wire.sequence)])?;
        if !wire.excluded_from_last_message {
            self.maybe_set_last(&tx, &conversation_id, key, wire.sequence)?;
        }
        tx.commit()?;
        let message = self.message_by_key_in(&conn, key)?;
        let conversation = self.conversation_in(&conn, &conversation_id)?;
        Ok(message.map(|message| Acknowledged { message, conversation, rewritten }))
    }

    /// Records a rejection: status `fail`, out of the outbox. Returns the
    /// message when this changed its status.
    pub(crate) fn fail_send(&self, key: i64) -> Result<Option<(Message, Option<Conversation>)>> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let changed = tx
            .prepare_cached(
                "UPDATE messages SET status = 'fail' WHERE key = ?1 AND status = 'unSend'",
            )?
            .execute(params![key])?;
        tx.prepare_cached("DELETE FROM outbox WHERE message_key = ?1")?.execute(params![key])?;
        tx.commit()?;
        if changed == 0 {
            return Ok(None);
        }
        let Some(message) = self.message_by_key_in(&conn, key)? else { return Ok(None) };
        let conversation = self.conversation_in(&conn, &message.conversation_id)?;
        Ok(Some((message, conversation)))
    }
}
