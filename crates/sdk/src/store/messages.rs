//! Stored messages: the row layout ([`MESSAGE_COLUMNS`], read back through
//! `RawMessage`), lookups by ID or key, and the writes every area shares:
//! inserting a server message unless known, taking over the server's fields
//! of a message sent here, inserting an unsent one, and moving a
//! conversation's last message.

use super::{enum_str, merger, message_ops, parse_enum, sql_u64, u64_sql, Result, Store};
use crate::model::{Message, MessageFlow, MessageStatus, ReadReceiptInfo};
use confab_proto::message::{MessageElement, WireMessage};
use rusqlite::{params, OptionalExtension};

/// The columns of a message row (`m`), with its conversation (`c`) joined
/// in for the peer's read mark; read back by [`RawMessage::from_row`].
pub(super) const MESSAGE_COLUMNS: &str =
    "m.key, m.id, m.conversation_id, m.conv_type, m.sender, m.receiver, \
     m.random, m.sequence, m.time, m.status, m.element, m.priority, m.cloud_custom_data, m.nick, \
     m.avatar, m.need_read_receipt, COALESCE(c.peer_read_sequence, 0), m.is_revoked, m.version, \
     m.is_deleted, m.at_user_list, m.name_card, m.read_receipt, m.is_support_extension";

/// Columns of `MESSAGE_COLUMNS`; queries that select more put theirs after.
pub(super) const MESSAGE_COLUMN_COUNT: usize = 24;

/// A message row before its JSON columns are parsed.
pub(super) struct RawMessage {
    id: String,
    conversation_id: String,
    conv_type: String,
    sender: String,
    receiver: String,
    random: i64,
    sequence: i64,
    time: i64,
    status: String,
    element: String,
    priority: String,
    cloud_custom_data: String,
    nick: String,
    avatar: String,
    need_read_receipt: bool,
    peer_read_sequence: i64,
    is_revoked: bool,
    version: i64,
    is_deleted: bool,
    at_user_list: String,
    name_card: String,
    read_receipt: String,
    is_support_extension: bool,
}

impl RawMessage {
    /// Reads the [`MESSAGE_COLUMNS`] of a row.
    pub(super) fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get(1)?,
            conversation_id: row.get(2)?,
            conv_type: row.get(3)?,
            sender: row.get(4)?,
            receiver: row.get(5)?,
            random: row.get(6)?,
            sequence: row.get(7)?,
            time: row.get(8)?,
            status: row.get(9)?,
            element: row.get(10)?,
            priority: row.get(11)?,
            cloud_custom_data: row.get(12)?,
            nick: row.get(13)?,
            avatar: row.get(14)?,
            need_read_receipt: row.get(15)?,
            peer_read_sequence: row.get(16)?,
            is_revoked: row.get(17)?,
            version: row.get(18)?,
            is_deleted: row.get(19)?,
            at_user_list: row.get(20)?,
            name_card: row.get(21)?,
            read_receipt: row.get(22)?,
            is_support_extension: row.get(23)?,
        })
    }

    /// The message as the API shows it to `me`.
    pub(super) fn into_message(self, me: &str) -> Result<Message> {
        let mut element: serde_json::Value = serde_json::from_str(&self.element)?;
        let message_type =
            element.get("type").and_then(|t| t.as_str()).unwrap_or_default().to_owned();
        let payload = element.get_mut("payload").map(serde_json::Value::take).unwrap_or_default();
        let flow = if self.sender == me { MessageFlow::Out } else { MessageFlow::In };
        let is_peer_read = flow == MessageFlow::Out
            && self.sequence > 0
            && self.sequence <= self.peer_read_sequence;
        Ok(Message {
            id: self.id,
            r#type: message_type,
            payload,
            conversation_id: self.conversation_id,
            conversation_type: parse_enum(&self.conv_type)?,
            to: self.receiver,
            from: self.sender,
            flow,
            time: self.time,
            status: MessageStatus::parse(&self.status).unwrap_or(MessageStatus::Fail),
            is_revoked: self.is_revoked,
            priority: parse_enum(&self.priority)?,
            nick: self.nick,
            avatar: self.avatar,
            is_peer_read,
            name_card: self.name_card,
            at_user_list: serde_json::from_str(&self.at_user_list)?,
            receiver_list: Vec::new(),
            cloud_custom_data: self.cloud_custom_data,
            is_deleted: self.is_deleted,
            is_modified: self.version > 0,
            need_read_receipt: self.need_read_receipt,
            // Read receipts (`sendMessageReadReceipt`) fill this, not
            // `setMessageRead`, whose mark is the top-level `is_peer_read`.
            read_receipt_info: if self.read_receipt.is_empty() {
                ReadReceiptInfo::default()
            } else {
                serde_json::from_str(&self.read_receipt)?
            },
            is_support_extension: self.is_support_extension,
            is_broadcast_message: false,
            sequence: u64_sql(self.sequence),
            random: u64_sql(self.random),
            version: u32::try_from(self.version).unwrap_or(0),
        })
    }
}

/// Keeps a message's read receipt state (a message this store does not
/// hold: nothing to keep).
pub(super) fn set_read_receipt(
    conn: &rusqlite::Connection,
    receipt: &confab_proto::receipt::ReadReceipt,
) -> Result<()> {
    let info = ReadReceiptInfo::from(receipt);
    conn.prepare_cached("UPDATE messages SET read_receipt = ?2 WHERE id = ?1")?
        .execute(params![receipt.message_id, serde_json::to_string(&info)?])?;
    Ok(())
}

impl Store {
    /// Keeps the read receipt states of messages.
    pub(crate) fn set_read_receipts(
        &self,
        receipts: &[confab_proto::receipt::ReadReceipt],
    ) -> Result<()> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        for r in receipts {
            set_read_receipt(&tx, r)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// A message by server ID or local ID.
    pub(crate) fn find_message(&self, id: &str) -> Result<Option<Message>> {
        let conn = self.lock();
        let key: Option<i64> = conn
            .prepare_cached("SELECT key FROM messages WHERE id = ?1 OR local_id = ?1")?
            .query_row(params![id], |r| r.get(0))
            .optional()?;
        match key {
            Some(key) => self.message_by_key_in(&conn, key),
            None => Ok(None),
        }
    }

    /// The newest `limit` messages of the local store, newest first (every
    /// conversation; what `find_message` can find).
    pub(crate) fn recent_messages(&self, limit: usize) -> Result<Vec<Message>> {
        let conn = self.lock();
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let keys = conn
            .prepare_cached("SELECT key FROM messages ORDER BY key DESC LIMIT ?1")?
            .query_map(params![limit], |r| r.get::<_, i64>(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        self.messages_by_keys(&conn, &keys)
    }

    /// The store key of a message by server or local ID.
    pub(crate) fn key_of(&self, id: &str) -> Result<Option<i64>> {
        Ok(self
            .lock()
            .prepare_cached("SELECT key FROM messages WHERE id = ?1 OR local_id = ?1")?
            .query_row(params![id], |r| r.get(0))
            .optional()?)
    }

    /// A message by store key.
    pub(crate) fn message_by_key(&self, key: i64) -> Result<Option<Message>> {
        self.message_by_key_in(&self.lock(), key)
    }

    /// A message by store key, read through `conn`.
    pub(super) fn message_by_key_in(
        &self,
        conn: &rusqlite::Connection,
        key: i64,
    ) -> Result<Option<Message>> {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages m
             LEFT JOIN conversations c ON c.conversation_id = m.conversation_id WHERE m.key = ?1"
        );
        let raw =
            conn.prepare_cached(&sql)?.query_row(params![key], RawMessage::from_row).optional()?;
        let Some(mut message) = raw.map(|r| r.into_message(&self.me)).transpose()? else {
            return Ok(None);
        };
        merger::fill_in(conn, &mut message)?;
        Ok(Some(message))
    }

    /// Messages by store key, in the keys' order (missing ones left out).
    pub(super) fn messages_by_keys(
        &self,
        conn: &rusqlite::Connection,
        keys: &[i64],
    ) -> Result<Vec<Message>> {
        let mut out = Vec::with_capacity(keys.len());
        let mut start = 0;
        while start < keys.len() {
            // A run of consecutive keys (messages stored one after another,
            // as a sync page stores them) is read with one query.
            let mut end = start + 1;
            while end < keys.len() && keys[end - 1].checked_add(1) == Some(keys[end]) {
                end += 1;
            }
            if end - start == 1 {
                out.extend(self.message_by_key_in(conn, keys[start])?);
            } else {
                out.extend(self.query_messages(
                    conn,
                    "m.key BETWEEN ?1 AND ?2 ORDER BY m.key",
                    params![keys[start], keys[end - 1]],
                )?);
            }
            start = end;
        }
        Ok(out)
    }

    /// Messages matching a `WHERE` clause over `m` (and `c`).
    pub(super) fn query_messages(
        &self,
        conn: &rusqlite::Connection,
        filter: &str,
        args: impl rusqlite::Params,
    ) -> Result<Vec<Message>> {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages m
             LEFT JOIN conversations c ON c.conversation_id = m.conversation_id WHERE {filter}"
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let raws: Vec<RawMessage> =
            stmt.query_map(args, RawMessage::from_row)?.collect::<rusqlite::Result<_>>()?;
        drop(stmt);
        raws.into_iter()
            .map(|r| {
                let mut message = r.into_message(&self.me)?;
                merger::fill_in(conn, &mut message)?;
                Ok(message)
            })
            .collect()
    }

    /// Makes `key` the conversation's last message unless a newer one holds
    /// the place.
    pub(super) fn maybe_set_last(
        &self,
        tx: &rusqlite::Connection,
        conversation_id: &str,
        key: i64,
        sequence: u64,
    ) -> Result<()> {
        let current: Option<i64> = tx
            .prepare_cached(
                "SELECT m.sequence FROM conversations c
                 JOIN messages m ON m.key = c.last_message_key
                 WHERE c.conversation_id = ?1",
            )?
            .query_row(params![conversation_id], |r| r.get(0))
            .optional()?;
        let replace = match current {
            None => true,
            Some(0) => true,
            Some(seq) => u64_sql(seq) <= sequence,
        };
        if replace {
            tx.prepare_cached(
                "UPDATE conversations SET last_message_key = ?2 WHERE conversation_id = ?1",
            )?
            .execute(params![conversation_id, key])?;
        }
        Ok(())
    }

    /// Whether the server stored other content than this client made for
    /// message `key`: the profanity filter masked its text, or the
    /// application's callback rewrote it or its cloudCustomData. Only the
    /// element types whose content the client makes alone are compared
    /// (text, custom, face, location); the server completes file and
    /// merger elements (URLs, the stored merger body) as a matter of course.
    pub(super) fn rewritten_by_server(
        &self,
        tx: &rusqlite::Connection,
        key: i64,
        m: &WireMessage,
    ) -> Result<bool> {
        let made: Option<(String, String)> = tx
            .prepare_cached("SELECT element, cloud_custom_data FROM messages WHERE key = ?1")?
            .query_row(params![key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let Some((made, data)) = made else { return Ok(false) };
        let made: MessageElement = serde_json::from_str(&made)?;
        let client_made = |e: &MessageElement| {
            matches!(
                e,
                MessageElement::Text(_)
                    | MessageElement::Custom(_)
                    | MessageElement::Face(_)
                    | MessageElement::Location(_)
            )
        };
        // An application's callback may rewrite the content and its
        // cloudCustomData (checklist 984).
        Ok(client_made(&made) && (made != m.element || data != m.cloud_custom_data))
    }

    /// Takes over the server's fields (ID, sequence, time, content...) of
    /// a message sent here: it is `success` from now on.
    pub(super) fn write_server_fields(
        &self,
        tx: &rusqlite::Connection,
        key: i64,
        m: &WireMessage,
    ) -> Result<()> {
        tx.prepare_cached(
            "UPDATE messages SET id = ?2, sequence = ?3, time = ?4, status = 'success', nick = ?5,
               avatar = ?6, excluded_unread = ?7, excluded_last = ?8, element = ?9,
               at_user_list = ?10, name_card = ?11, is_support_extension = ?12,
               cloud_custom_data = ?13
             WHERE key = ?1",
        )?
        .execute(params![
            key,
            m.id.as_str(),
            sql_u64(m.sequence),
            m.time,
            m.nick,
            m.avatar,
            m.excluded_from_unread_count,
            m.excluded_from_last_message,
            // The server's content: the profanity filter may have masked it.
            serde_json::to_string(&m.element)?,
            serde_json::to_string(&m.at_user_list)?,
            m.name_card,
            m.is_support_extension,
            m.cloud_custom_data
        ])?;
        Ok(())
    }

    /// Inserts a server message unless present (by ID or (sender, random));
    /// returns its key and whether it was inserted.
    pub(super) fn upsert_wire(
        &self,
        tx: &rusqlite::Connection,
        conversation_id: &str,
        m: &WireMessage,
        via_inbox: bool,
    ) -> Result<(i64, bool)> {
        let existing: Option<i64> = tx
            .prepare_cached(
                "SELECT key FROM messages WHERE id = ?1 OR (sender = ?2 AND random = ?3)",
            )?
            .query_row(params![m.id.as_str(), m.from.as_str(), sql_u64(m.random)], |r| r.get(0))
            .optional()?;
        if let Some(key) = existing {
            message_ops::refresh_state(tx, key, m)?;
            return Ok((key, false));
        }
        Ok((self.insert_wire(tx, conversation_id, m, via_inbox)?, true))
    }

    /// Inserts a server message the caller found no copy of (by ID, or by
    /// sender and random); its key.
    pub(super) fn insert_wire(
        &self,
        tx: &rusqlite::Connection,
        conversation_id: &str,
        m: &WireMessage,
        via_inbox: bool,
    ) -> Result<i64> {
        tx.prepare_cached(
            "INSERT INTO messages (id, conversation_id, conv_type, sender, receiver, random,
               sequence,
               time, status, element, priority, cloud_custom_data, nick, avatar, need_read_receipt,
               excluded_unread, excluded_last, via_inbox, is_revoked, version, at_user_list,
               name_card, is_support_extension)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'success', ?9, ?10, ?11, ?12, ?13, ?14,
                     ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
        )?
        .execute(params![
            m.id.as_str(),
            conversation_id,
            enum_str(&m.conversation_type)?,
            m.from.as_str(),
            m.to,
            sql_u64(m.random),
            sql_u64(m.sequence),
            m.time,
            serde_json::to_string(&m.element)?,
            enum_str(&m.priority)?,
            m.cloud_custom_data,
            m.nick,
            m.avatar,
            m.need_read_receipt,
            // Targeted group messages never count as unread (checklist 97).
            m.excluded_from_unread_count || !m.receiver_list.is_empty(),
            m.excluded_from_last_message,
            via_inbox,
            m.is_revoked,
            m.version,
            serde_json::to_string(&m.at_user_list)?,
            m.name_card,
            m.is_support_extension
        ])?;
        Ok(tx.last_insert_rowid())
    }
}

/// The keys a query selects (its first column).
pub(super) fn query_keys(
    conn: &rusqlite::Connection,
    sql: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let keys = stmt.query_map(args, |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(keys)
}

/// Inserts a new outgoing message (status `unSend`, no sequence yet) and
/// returns its key; the outbox or upload row is the caller's.
pub(super) fn insert_unsent(
    tx: &rusqlite::Transaction<'_>,
    message: &Message,
    excluded_unread: bool,
    excluded_last: bool,
) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO messages (id, local_id, conversation_id, conv_type, sender, receiver,
           random, sequence, time, status, element, priority, cloud_custom_data, nick, avatar,
           need_read_receipt, excluded_unread, excluded_last, at_user_list, name_card,
           is_support_extension)
         VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, 'unSend', ?8, ?9, ?10, ?11, ?12, ?13,
                 ?14, ?15, ?16, ?17, ?18)",
    )?
    .execute(params![
        message.id,
        message.conversation_id,
        enum_str(&message.conversation_type)?,
        message.from,
        message.to,
        sql_u64(message.random),
        message.time,
        serde_json::json!({"type": message.r#type, "payload": message.payload}).to_string(),
        enum_str(&message.priority)?,
        message.cloud_custom_data,
        message.nick,
        message.avatar,
        message.need_read_receipt,
        excluded_unread,
        excluded_last,
        serde_json::to_string(&message.at_user_list)?,
        message.name_card,
        message.is_support_extension
    ])?;
    Ok(tx.last_insert_rowid())
}
