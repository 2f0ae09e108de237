//! The local store: one SQLite database (WAL) per account, at
//! `<data_dir>/<sdkAppID>/<percent-encoded userID>.sqlite`.
//!
//! It owns the instance ID, the inbox cursor, conversations, messages,
//! profiles and the outbox. Every inbox page is applied in one transaction
//! together with advancing the cursor, so a crash never applies an entry
//! twice or skips one; applying is idempotent besides (a message already
//! stored is neither stored nor announced twice).
//!
//! History bookkeeping: per conversation, `[range_lo, range_hi]` is a run
//! of sequences the store holds completely, extended by the inbox at the
//! top and by server fetches at the bottom; `range_complete` says nothing
//! older exists. `get_message_list` is served locally inside that run.
//!
//! The connection sits behind a `std` mutex; every method is one short
//! critical section and never awaits.

use crate::model::{
    Conversation, LastMessage, Message, MessageFlow, MessageStatus, ReadReceiptInfo,
};
use confab_proto::conversation::ConversationState;
use confab_proto::inbox::{InboxEntry, InboxEvent};
use confab_proto::message::{ConversationType, MessageControlInfo, OutgoingMessage, WireMessage};
use confab_proto::ops::SendMessage;
use confab_proto::profile::Profile;
use confab_proto::UserId;
use rusqlite::{params, OptionalExtension, Transaction};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// Numbered schema migrations; `PRAGMA user_version` is the number applied.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_files.sql"),
    include_str!("migrations/0003_message_ops.sql"),
    include_str!("migrations/0004_merger_bodies.sql"),
];

pub(crate) mod merger;
mod message_ops;

/// Failures of the local store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A stored JSON column does not parse.
    #[error("stored data: {0}")]
    Json(#[from] serde_json::Error),
    /// The store directory could not be created.
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
}

type Result<T> = std::result::Result<T, StoreError>;

const SYSTEM_CONVERSATION: &str = "@TIM#SYSTEM";

/// What applying a page of inbox entries changed, for the events.
#[derive(Debug, Default)]
pub(crate) struct Applied {
    /// New messages to announce (MESSAGE_RECEIVED).
    pub(crate) received: Vec<Message>,
    /// My messages whose acknowledgement arrived through the inbox.
    pub(crate) merged: Vec<Message>,
    /// My messages the peer read (MESSAGE_READ_BY_PEER).
    pub(crate) read_by_peer: Vec<Message>,
    /// Conversations that changed.
    pub(crate) conversations: Vec<Conversation>,
    /// Profiles that changed.
    pub(crate) profiles: Vec<Profile>,
    /// Messages that became revoked (MESSAGE_REVOKED).
    pub(crate) revoked: Vec<Message>,
    /// Messages that got a newer version (MESSAGE_MODIFIED).
    pub(crate) modified: Vec<Message>,
    /// The cursor afterwards.
    pub(crate) cursor: u64,
}

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

/// The local store of one account.
pub(crate) struct Store {
    conn: Mutex<rusqlite::Connection>,
    me: String,
}

fn sql_u64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn u64_sql(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

fn enum_str<T: serde::Serialize>(value: &T) -> Result<String> {
    match serde_json::to_value(value)? {
        serde_json::Value::String(s) => Ok(s),
        other => Ok(other.to_string()),
    }
}

fn parse_enum<T: serde::de::DeserializeOwned>(s: &str) -> Result<T> {
    Ok(serde_json::from_value(serde_json::Value::String(s.to_owned()))?)
}

/// Percent-encodes a userID for a file name: ASCII letters, digits, `-`,
/// `_` and `.` stay, every other byte becomes `%XX`.
pub(crate) fn encode_file_name(user_id: &str) -> String {
    let mut out = String::with_capacity(user_id.len());
    for b in user_id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_') || (b == b'.' && !out.is_empty()) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Prepared statements kept per connection.
const STATEMENT_CACHE: usize = 256;

const MESSAGE_COLUMNS: &str = "m.key, m.id, m.conversation_id, m.conv_type, m.sender, m.receiver, \
     m.random, m.sequence, m.time, m.status, m.element, m.priority, m.cloud_custom_data, m.nick, \
     m.avatar, m.need_read_receipt, COALESCE(c.peer_read_sequence, 0), m.is_revoked, m.version, \
     m.is_deleted";

/// Columns of `MESSAGE_COLUMNS`; queries that select more put theirs after.
const MESSAGE_COLUMN_COUNT: usize = 20;

/// A message row before its JSON columns are parsed.
struct RawMessage {
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
}

impl RawMessage {
    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
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
        })
    }

    fn into_message(self, me: &str) -> Result<Message> {
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
            name_card: String::new(),
            at_user_list: Vec::new(),
            cloud_custom_data: self.cloud_custom_data,
            is_deleted: self.is_deleted,
            is_modified: self.version > 0,
            need_read_receipt: self.need_read_receipt,
            read_receipt_info: ReadReceiptInfo { is_peer_read },
            is_broadcast_message: false,
            sequence: u64_sql(self.sequence),
            random: u64_sql(self.random),
            version: u32::try_from(self.version).unwrap_or(0),
        })
    }
}

/// The contiguity bookkeeping of one conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct HistoryRange {
    lo: u64,
    hi: u64,
    complete: bool,
}

fn load_range(tx: &rusqlite::Connection, conversation_id: &str) -> Result<Option<HistoryRange>> {
    let row: Option<(Option<i64>, Option<i64>, bool)> = tx
        .prepare_cached(
            "SELECT range_lo, range_hi, range_complete
            FROM conversations
            WHERE conversation_id = ?1",
        )?
        .query_row(params![conversation_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(match row {
        Some((Some(lo), Some(hi), complete)) => {
            Some(HistoryRange { lo: u64_sql(lo), hi: u64_sql(hi), complete: complete || lo <= 1 })
        }
        _ => None,
    })
}

fn save_range(tx: &rusqlite::Connection, conversation_id: &str, range: HistoryRange) -> Result<()> {
    tx.prepare_cached(
        "UPDATE conversations SET range_lo = ?2, range_hi = ?3, range_complete = ?4
         WHERE conversation_id = ?1",
    )?
    .execute(params![
        conversation_id,
        sql_u64(range.lo),
        sql_u64(range.hi),
        range.complete || range.lo <= 1
    ])?;
    Ok(())
}

/// Extends the run with a message that arrived through the inbox.
fn extend_range(tx: &rusqlite::Connection, conversation_id: &str, sequence: u64) -> Result<()> {
    if sequence == 0 {
        return Ok(());
    }
    let next = match load_range(tx, conversation_id)? {
        None => HistoryRange { lo: sequence, hi: sequence, complete: false },
        Some(r) if sequence <= r.hi => return Ok(()),
        Some(r) if sequence == r.hi + 1 => HistoryRange { hi: sequence, ..r },
        // A gap: what lies between is unknown, start a new run.
        Some(_) => HistoryRange { lo: sequence, hi: sequence, complete: false },
    };
    save_range(tx, conversation_id, next)
}

fn ensure_conversation(
    tx: &rusqlite::Connection,
    conversation_id: &str,
    conv_type: ConversationType,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO conversations (conversation_id, conv_type, visible)
        VALUES (?1, ?2, 1)",
    )?
    .execute(params![conversation_id, enum_str(&conv_type)?])?;
    Ok(())
}

impl Store {
    /// The database file of an account.
    pub(crate) fn path_for(data_dir: &Path, sdk_app_id: u64, user_id: &str) -> PathBuf {
        data_dir.join(sdk_app_id.to_string()).join(format!("{}.sqlite", encode_file_name(user_id)))
    }

    /// Opens (creating and migrating) the store of `me` at `path`.
    pub(crate) fn open(path: &Path, me: &str) -> Result<Self> {
        if let Some(dir) = path.parent() {
            confab_private_fs::create_dir_all(dir)?;
        }
        // Created 0600 before SQLite opens it: SQLite gives the WAL and
        // shared-memory files the database file's mode.
        confab_private_fs::prepare_database_file(path)?;
        let conn = rusqlite::Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        Self::init(conn, me)
    }

    /// An in-memory store, for tests.
    #[cfg(test)]
    pub(crate) fn open_in_memory(me: &str) -> Result<Self> {
        Self::init(rusqlite::Connection::open_in_memory()?, me)
    }

    fn init(mut conn: rusqlite::Connection, me: &str) -> Result<Self> {
        // Every statement the store runs stays prepared (rusqlite keeps 16 by
        // default, fewer than the store has, so they were re-parsed).
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        // Plans must not depend on bound values: otherwise SQLite re-prepares
        // a cached statement whenever a parameter it looked at changes (it
        // did for most lookups: a third of the SDK's CPU per message).
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let applied = usize::try_from(version).unwrap_or(0);
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
            let tx = conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", i64::try_from(index + 1).unwrap_or(i64::MAX))?;
            tx.commit()?;
        }
        let instance: Option<String> = conn
            .prepare_cached("SELECT value FROM meta WHERE key = 'instance_id'")?
            .query_row([], |r| r.get(0))
            .optional()?;
        if instance.is_none() {
            let id = format!("{:016x}{:016x}", rand::random::<u64>(), rand::random::<u64>());
            conn.prepare_cached("INSERT INTO meta (key, value) VALUES ('instance_id', ?1)")?
                .execute(params![id])?;
        }
        Ok(Self { conn: Mutex::new(conn), me: me.to_owned() })
    }

    fn lock(&self) -> MutexGuard<'_, rusqlite::Connection> {
        // SQLite keeps the database consistent even if a holder panicked:
        // an unfinished transaction is rolled back when dropped.
        self.conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// This store's instance ID (generated once).
    pub(crate) fn instance_id(&self) -> Result<String> {
        Ok(self
            .lock()
            .prepare_cached("SELECT value FROM meta WHERE key = 'instance_id'")?
            .query_row([], |r| r.get(0))?)
    }

    /// The last inbox sequence applied; `None` for a store that never
    /// completed a bootstrap.
    pub(crate) fn cursor(&self) -> Result<Option<u64>> {
        cursor_of(&self.lock())
    }

    // ----- inbox -------------------------------------------------------

    /// Fills a fresh store from `getConversationList` and sets the cursor
    /// to the inbox sequence it reflects. Returns the conversations.
    pub(crate) fn bootstrap(
        &self,
        states: &[ConversationState],
        inbox_seq: u64,
    ) -> Result<Vec<Conversation>> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let mut ids = Vec::new();
        for state in states {
            let id = state.conversation_id.as_str();
            ensure_conversation(&tx, id, state.conversation_type)?;
            let last_key = match &state.last_message {
                Some(m) => Some(self.upsert_wire(&tx, id, m, true)?.0),
                None => None,
            };
            tx.prepare_cached(
                "UPDATE conversations SET visible = 1, unread_count = ?2, read_sequence = ?3,
                   peer_read_sequence = ?4, last_sequence = MAX(last_sequence, ?5),
                   last_message_key = ?6, update_time = ?7
                 WHERE conversation_id = ?1",
            )?
            .execute(params![
                id,
                sql_u64(state.unread_count),
                sql_u64(state.read_sequence),
                sql_u64(state.peer_read_sequence),
                sql_u64(state.last_sequence),
                last_key,
                state.update_time.saturating_mul(1000)
            ])?;
            if state.last_sequence <= state.cleared_sequence {
                // Nothing visible: an empty, complete run at the top.
                save_range(
                    &tx,
                    id,
                    HistoryRange {
                        lo: state.last_sequence + 1,
                        hi: state.last_sequence,
                        complete: true,
                    },
                )?;
            }
            ids.push(id.to_owned());
        }
        set_cursor(&tx, inbox_seq)?;
        tx.commit()?;
        drop(conn);
        self.conversations(Some(&ids))
    }

    /// Applies inbox entries in order (those at or below the cursor are
    /// skipped; the first gap stops), advancing the cursor in the same
    /// transaction.
    pub(crate) fn apply_entries(&self, entries: &[InboxEntry]) -> Result<Applied> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let mut cursor = cursor_of(&tx)?.unwrap_or(0);
        let mut received = Vec::new();
        let mut merged = Vec::new();
        let mut read_by_peer = Vec::new();
        let mut changed = BTreeSet::new();
        let mut profiles = Vec::new();
        let mut updates = message_ops::Updates::default();
        for entry in entries {
            if entry.seq <= cursor {
                continue;
            }
            if entry.seq != cursor + 1 {
                break;
            }
            match &entry.event {
                InboxEvent::Message { message } => {
                    let outcome = self.apply_message(&tx, message)?;
                    changed.insert(outcome.conversation_id);
                    match outcome.kind {
                        ApplyKind::Received(key) => received.push(key),
                        ApplyKind::Merged(key) => merged.push(key),
                        ApplyKind::Known => {}
                    }
                }
                InboxEvent::ConversationRead { conversation_id, read_sequence } => {
                    if mark_read(&tx, &self.me, conversation_id.as_str(), *read_sequence)? {
                        changed.insert(conversation_id.0.clone());
                    }
                }
                InboxEvent::PeerRead { conversation_id, read_sequence } => {
                    let id = conversation_id.as_str();
                    let old: Option<i64> = tx
                        .prepare_cached(
                            "SELECT peer_read_sequence
                            FROM conversations
                            WHERE conversation_id = ?1",
                        )?
                        .query_row(params![id], |r| r.get(0))
                        .optional()?;
                    let new = sql_u64(*read_sequence);
                    if let Some(old) = old.filter(|old| *old < new) {
                        tx.prepare_cached(
                            "UPDATE conversations
                            SET peer_read_sequence = ?2
                            WHERE conversation_id = ?1",
                        )?
                        .execute(params![id, new])?;
                        let keys = query_keys(
                            &tx,
                            "SELECT key FROM messages WHERE conversation_id = ?1 AND sender = ?2
                               AND sequence > ?3 AND sequence <= ?4 ORDER BY sequence",
                            params![id, self.me, old, new],
                        )?;
                        if !keys.is_empty() {
                            read_by_peer.extend(keys);
                            changed.insert(id.to_owned());
                        }
                    }
                }
                InboxEvent::ProfileUpdated { profile } => {
                    if store_profile(&tx, profile)? {
                        profiles.push(profile.clone());
                    }
                }
                InboxEvent::MessageRevoked { message } => {
                    self.apply_update(&tx, message, true, &mut updates, &mut changed)?;
                }
                InboxEvent::MessageModified { message } => {
                    self.apply_update(&tx, message, false, &mut updates, &mut changed)?;
                }
            }
            cursor = entry.seq;
            set_cursor(&tx, cursor)?;
        }
        tx.commit()?;
        let received = self.messages_by_keys(&conn, &received)?;
        let merged = self.messages_by_keys(&conn, &merged)?;
        let read_by_peer = self.messages_by_keys(&conn, &read_by_peer)?;
        let ids: Vec<String> = changed.into_iter().collect();
        let conversations = self.conversations_in(&conn, Some(&ids))?;
        let (revoked, modified) = updates.resolve(self, &conn)?;
        Ok(Applied {
            received,
            merged,
            read_by_peer,
            conversations,
            profiles,
            revoked,
            modified,
            cursor,
        })
    }

    fn apply_message(&self, tx: &Transaction<'_>, m: &WireMessage) -> Result<ApplyOutcome> {
        let mine = m.from.as_str() == self.me;
        let peer = if mine { m.to.as_str() } else { m.from.as_str() };
        let conversation_id = format!("{}{peer}", confab_proto::constants::types::CONV_C2C);
        ensure_conversation(tx, &conversation_id, m.conversation_type)?;
        let existing: Option<(i64, String, Option<String>, bool)> = tx
            .prepare_cached(
                "SELECT key, status, local_id, via_inbox FROM messages
                 WHERE id = ?1 OR (sender = ?2 AND random = ?3)",
            )?
            .query_row(params![m.id.as_str(), m.from.as_str(), sql_u64(m.random)], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        let (key, kind) = match existing {
            // Sent by this instance: its acknowledgement, by another road.
            Some((key, status, Some(_), _)) => {
                let was_pending = status != MessageStatus::Success.as_str();
                self.write_server_fields(tx, key, m)?;
                message_ops::refresh_state(tx, key, m)?;
                tx.prepare_cached("DELETE FROM outbox WHERE message_key = ?1")?
                    .execute(params![key])?;
                (key, if was_pending { ApplyKind::Merged(key) } else { ApplyKind::Known })
            }
            Some((key, _, None, true)) => {
                message_ops::refresh_state(tx, key, m)?;
                (key, ApplyKind::Known)
            }
            // Known from a history fetch, not yet announced.
            Some((key, _, None, false)) => {
                self.write_server_fields(tx, key, m)?;
                message_ops::refresh_state(tx, key, m)?;
                (key, ApplyKind::Received(key))
            }
            None => {
                let (key, _) = self.upsert_wire(tx, &conversation_id, m, true)?;
                (key, ApplyKind::Received(key))
            }
        };
        tx.prepare_cached("UPDATE messages SET via_inbox = 1 WHERE key = ?1")?
            .execute(params![key])?;
        extend_range(tx, &conversation_id, m.sequence)?;
        let announced = matches!(kind, ApplyKind::Received(_));
        let counts = announced && !mine && !m.excluded_from_unread_count;
        tx.prepare_cached(
            "UPDATE conversations SET visible = 1,
               last_sequence = MAX(last_sequence, ?2),
               update_time = MAX(update_time, ?3),
               unread_count = unread_count + (CASE WHEN ?4 AND ?2 > read_sequence THEN 1 ELSE 0 END)
             WHERE conversation_id = ?1",
        )?
        .execute(params![
            conversation_id,
            sql_u64(m.sequence),
            m.time.saturating_mul(1000),
            counts
        ])?;
        if !m.excluded_from_last_message {
            self.maybe_set_last(tx, &conversation_id, key, m.sequence)?;
        }
        if !mine && announced {
            remember_sender(tx, m)?;
        }
        Ok(ApplyOutcome { conversation_id, kind })
    }

    /// Makes `key` the conversation's last message unless a newer one holds
    /// the place.
    fn maybe_set_last(
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

    fn write_server_fields(
        &self,
        tx: &rusqlite::Connection,
        key: i64,
        m: &WireMessage,
    ) -> Result<()> {
        tx.prepare_cached(
            "UPDATE messages SET id = ?2, sequence = ?3, time = ?4, status = 'success', nick = ?5,
               avatar = ?6, excluded_unread = ?7, excluded_last = ?8, element = ?9
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
            serde_json::to_string(&m.element)?
        ])?;
        Ok(())
    }

    /// Inserts a server message unless present (by ID or (sender, random));
    /// returns its key and whether it was inserted.
    fn upsert_wire(
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
        tx.prepare_cached(
            "INSERT INTO messages (id, conversation_id, conv_type, sender, receiver, random,
               sequence,
               time, status, element, priority, cloud_custom_data, nick, avatar, need_read_receipt,
               excluded_unread, excluded_last, via_inbox, is_revoked, version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'success', ?9, ?10, ?11, ?12, ?13, ?14,
                     ?15, ?16, ?17, ?18, ?19)",
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
            m.excluded_from_unread_count,
            m.excluded_from_last_message,
            via_inbox,
            m.is_revoked,
            m.version
        ])?;
        Ok((tx.last_insert_rowid(), true))
    }

    // ----- conversations ---------------------------------------------

    /// Visible conversations, most recent first; with `ids`, only those.
    pub(crate) fn conversations(&self, ids: Option<&[String]>) -> Result<Vec<Conversation>> {
        let conn = self.lock();
        self.conversations_in(&conn, ids)
    }

    /// One visible conversation.
    pub(crate) fn conversation(&self, id: &str) -> Result<Option<Conversation>> {
        Ok(self.conversations(Some(&[id.to_owned()]))?.into_iter().next())
    }

    fn conversations_in(
        &self,
        conn: &rusqlite::Connection,
        ids: Option<&[String]>,
    ) -> Result<Vec<Conversation>> {
        // One pass over the conversations with their last message and peer
        // profile joined in: the list is what a cold start waits for.
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS}, c.conversation_id, c.conv_type, c.unread_count,
                    m.key IS NOT NULL, p.profile
             FROM conversations c
             LEFT JOIN messages m ON m.key = c.last_message_key
             LEFT JOIN profiles p
                    ON c.conv_type = 'C2C' AND p.user_id = substr(c.conversation_id, 4)
             WHERE c.visible = 1 ORDER BY c.update_time DESC, c.conversation_id"
        );
        let wanted: Option<std::collections::HashSet<&str>> =
            ids.map(|ids| ids.iter().map(String::as_str).collect());
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let id: String = row.get(MESSAGE_COLUMN_COUNT)?;
            if wanted.as_ref().is_some_and(|w| !w.contains(id.as_str())) {
                continue;
            }
            let conv_type: String = row.get(MESSAGE_COLUMN_COUNT + 1)?;
            let unread: i64 = row.get(MESSAGE_COLUMN_COUNT + 2)?;
            let last_message = if row.get::<_, bool>(MESSAGE_COLUMN_COUNT + 3)? {
                Some(LastMessage::of(&RawMessage::from_row(row)?.into_message(&self.me)?))
            } else {
                None
            };
            let profile: Option<String> = row.get(MESSAGE_COLUMN_COUNT + 4)?;
            let user_profile = match id.strip_prefix(confab_proto::constants::types::CONV_C2C) {
                Some(peer) => Some(match profile {
                    Some(json) => serde_json::from_str(&json)?,
                    None => Profile::empty(UserId::new(peer)),
                }),
                None => None,
            };
            out.push(Conversation::new(
                id,
                parse_enum(&conv_type)?,
                u64_sql(unread),
                last_message,
                user_profile,
            ));
        }
        Ok(out)
    }

    /// Sum of unread counts over visible conversations (system excluded).
    pub(crate) fn total_unread(&self) -> Result<u64> {
        let total: i64 = self
            .lock()
            .prepare_cached(
                "SELECT COALESCE(SUM(unread_count), 0) FROM conversations
             WHERE visible = 1 AND conversation_id != ?1",
            )?
            .query_row(params![SYSTEM_CONVERSATION], |r| r.get(0))?;
        Ok(u64_sql(total))
    }

    /// Marks a conversation read up to `read_sequence`; true when its
    /// unread count changed.
    pub(crate) fn mark_read(&self, conversation_id: &str, read_sequence: u64) -> Result<bool> {
        mark_read(&self.lock(), &self.me, conversation_id, read_sequence)
    }

    /// Removes conversations from the list; with `clear`, also their
    /// messages (except those still waiting in the outbox).
    pub(crate) fn delete_conversations(&self, ids: &[String], clear: bool) -> Result<()> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        for id in ids {
            tx.prepare_cached(
                "UPDATE conversations SET visible = 0, unread_count = 0, last_message_key = NULL
                 WHERE conversation_id = ?1",
            )?
            .execute(params![id])?;
            if clear {
                tx.prepare_cached(
                    "DELETE FROM messages WHERE conversation_id = ?1
                       AND key NOT IN (SELECT message_key FROM outbox)",
                )?
                .execute(params![id])?;
                tx.prepare_cached(
                    "UPDATE conversations
                       SET range_lo = last_sequence + 1, range_hi = last_sequence,
                       range_complete = 1 WHERE conversation_id = ?1",
                )?
                .execute(params![id])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    // ----- messages ----------------------------------------------------

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

    fn message_by_key_in(&self, conn: &rusqlite::Connection, key: i64) -> Result<Option<Message>> {
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

    fn messages_by_keys(&self, conn: &rusqlite::Connection, keys: &[i64]) -> Result<Vec<Message>> {
        let mut out = Vec::with_capacity(keys.len());
        for key in keys {
            if let Some(m) = self.message_by_key_in(conn, *key)? {
                out.push(m);
            }
        }
        Ok(out)
    }

    fn query_messages(
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
        tx.prepare_cached("INSERT INTO outbox (message_key, control_info) VALUES (?1, ?2)")?
            .execute(params![key, control_info])?;
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
        let conversation = self
            .conversations_in(&conn, Some(std::slice::from_ref(&message.conversation_id)))?
            .into_iter()
            .next();
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
        Ok(self.conversations_in(&conn, Some(&[conversation_id]))?.into_iter().next())
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
            "SELECT o.position, o.message_key, o.control_info FROM outbox o
             WHERE o.position > ?1 ORDER BY o.position LIMIT ?2",
        )?;
        // SQLite reads a negative LIMIT as none.
        let limit = i64::try_from(limit).unwrap_or(-1);
        let rows: Vec<(i64, i64, Option<String>)> = stmt
            .query_map(params![position, limit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        drop(stmt);
        let mut out = Vec::with_capacity(rows.len());
        for (position, key, control) in rows {
            let Some(m) = self.message_by_key_in(&conn, key)? else { continue };
            let message_control_info: Option<MessageControlInfo> =
                control.as_deref().map(serde_json::from_str).transpose()?;
            let element = crate::files::wire_element(m.element()?);
            out.push(OutboxItem {
                position,
                key,
                request: SendMessage {
                    message: OutgoingMessage {
                        conversation_type: m.conversation_type,
                        to: m.to,
                        random: m.random,
                        element,
                        priority: m.priority,
                        cloud_custom_data: m.cloud_custom_data,
                        need_read_receipt: m.need_read_receipt,
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

    /// Records a successful acknowledgement. Returns the message and its
    /// conversation when this changed the status (`None` when the inbox
    /// already delivered the acknowledgement).
    pub(crate) fn complete_send(
        &self,
        key: i64,
        wire: &WireMessage,
    ) -> Result<Option<(Message, Option<Conversation>)>> {
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
        let conversation =
            self.conversations_in(&conn, Some(&[conversation_id]))?.into_iter().next();
        Ok(message.map(|m| (m, conversation)))
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
        let conversation = self
            .conversations_in(&conn, Some(std::slice::from_ref(&message.conversation_id)))?
            .into_iter()
            .next();
        Ok(Some((message, conversation)))
    }

    // ----- history -----------------------------------------------------

    /// Unsent and failed messages of a conversation, oldest first.
    pub(crate) fn pending_messages(&self, conversation_id: &str) -> Result<Vec<Message>> {
        let conn = self.lock();
        self.query_messages(
            &conn,
            "m.conversation_id = ?1 AND m.sequence = 0 AND m.status != 'success'
             AND m.is_deleted = 0 ORDER BY m.key",
            params![conversation_id],
        )
    }

    /// Up to `count` messages below `before` (or the newest), oldest first,
    /// when the local run can answer; `None` when the server must be asked.
    pub(crate) fn local_page(
        &self,
        conversation_id: &str,
        before: Option<u64>,
        count: usize,
    ) -> Result<Option<(Vec<Message>, bool)>> {
        let conn = self.lock();
        let Some(range) = load_range(&conn, conversation_id)? else { return Ok(None) };
        let upper = match before {
            Some(b) => b.saturating_sub(1),
            None => range.hi,
        };
        if upper > range.hi || upper + 1 < range.lo {
            return Ok(None);
        }
        if before.is_none() {
            // Known messages above the run (acknowledged before the inbox
            // caught up) mean the newest page has holes: ask the server.
            let above: i64 = conn
                .prepare_cached(
                    "SELECT COUNT(*) FROM messages WHERE conversation_id = ?1 AND sequence > ?2",
                )?
                .query_row(params![conversation_id, sql_u64(range.hi)], |r| r.get(0))?;
            if above > 0 {
                return Ok(None);
            }
        }
        let mut rows = self.query_messages(
            &conn,
            "m.conversation_id = ?1 AND m.sequence >= ?2 AND m.sequence <= ?3
             AND m.is_deleted = 0 ORDER BY m.sequence DESC LIMIT ?4",
            params![
                conversation_id,
                sql_u64(range.lo.max(1)),
                sql_u64(upper),
                i64::try_from(count + 1).unwrap_or(i64::MAX)
            ],
        )?;
        let page = if rows.len() > count {
            rows.truncate(count);
            Some((rows, false))
        } else if range.complete {
            Some((rows, true))
        } else if rows.len() == count && count > 0 {
            Some((rows, false))
        } else {
            None
        };
        Ok(page.map(|(mut rows, completed)| {
            rows.reverse();
            (rows, completed)
        }))
    }

    /// Whatever the store holds below `before`, oldest first (offline).
    pub(crate) fn any_page(
        &self,
        conversation_id: &str,
        before: Option<u64>,
        count: usize,
    ) -> Result<Vec<Message>> {
        let conn = self.lock();
        let mut rows = self.query_messages(
            &conn,
            "m.conversation_id = ?1 AND m.sequence > 0 AND m.sequence < ?2
             AND m.is_deleted = 0 ORDER BY m.sequence DESC LIMIT ?3",
            params![
                conversation_id,
                sql_u64(before.unwrap_or(u64::MAX >> 1)),
                i64::try_from(count).unwrap_or(i64::MAX)
            ],
        )?;
        rows.reverse();
        Ok(rows)
    }

    /// Stores a page fetched from the server (`getMessageList` below
    /// `before`), extends the run, and returns the page as stored.
    pub(crate) fn store_fetched(
        &self,
        conversation_id: &str,
        before: Option<u64>,
        fetched: &[WireMessage],
        is_completed: bool,
    ) -> Result<Vec<Message>> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let conv_type =
            fetched.first().map(|m| m.conversation_type).unwrap_or(ConversationType::C2c);
        ensure_conversation(&tx, conversation_id, conv_type)?;
        let mut keys = Vec::with_capacity(fetched.len());
        for m in fetched {
            let (key, _) = self.upsert_wire(&tx, conversation_id, m, false)?;
            keys.push(key);
        }
        let range = load_range(&tx, conversation_id)?;
        let min = fetched.iter().map(|m| m.sequence).filter(|s| *s > 0).min();
        let max = fetched.iter().map(|m| m.sequence).max();
        let top = match before {
            Some(b) => Some(b.saturating_sub(1)),
            None => max,
        };
        let fetched_run = match (min, top) {
            (Some(lo), Some(hi)) if lo <= hi => {
                Some(HistoryRange { lo, hi, complete: is_completed })
            }
            _ if is_completed => {
                // Nothing at or below `top`: an empty complete run.
                let last: i64 = tx
                    .prepare_cached(
                        "SELECT last_sequence FROM conversations WHERE conversation_id = ?1",
                    )?
                    .query_row(params![conversation_id], |r| r.get(0))?;
                let hi = top.unwrap_or(u64_sql(last));
                Some(HistoryRange { lo: hi + 1, hi, complete: true })
            }
            _ => None,
        };
        if let Some(f) = fetched_run {
            let merged = match range {
                None => Some(f),
                Some(r) if f.lo <= r.hi + 1 && f.hi + 1 >= r.lo => Some(HistoryRange {
                    lo: r.lo.min(f.lo),
                    hi: r.hi.max(f.hi),
                    complete: if f.lo <= r.lo { f.complete } else { r.complete },
                }),
                Some(r) if f.hi > r.hi => Some(f),
                Some(_) => None,
            };
            if let Some(m) = merged {
                save_range(&tx, conversation_id, m)?;
            }
        }
        tx.commit()?;
        self.messages_by_keys(&conn, &keys)
    }

    // ----- profiles ----------------------------------------------------

    /// A stored profile.
    pub(crate) fn profile(&self, user_id: &str) -> Result<Option<Profile>> {
        profile_in(&self.lock(), user_id)
    }

    /// Stores profiles; returns those that changed.
    pub(crate) fn store_profiles(&self, profiles: &[Profile]) -> Result<Vec<Profile>> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let mut changed = Vec::new();
        for p in profiles {
            if store_profile(&tx, p)? {
                changed.push(p.clone());
            }
        }
        tx.commit()?;
        Ok(changed)
    }
}

enum ApplyKind {
    Received(i64),
    Merged(i64),
    Known,
}

struct ApplyOutcome {
    conversation_id: String,
    kind: ApplyKind,
}

fn cursor_of(conn: &rusqlite::Connection) -> Result<Option<u64>> {
    let value: Option<String> = conn
        .prepare_cached("SELECT value FROM meta WHERE key = 'cursor'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(value.and_then(|v| v.parse().ok()))
}

fn set_cursor(conn: &rusqlite::Connection, cursor: u64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO meta (key, value) VALUES ('cursor', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute(params![cursor.to_string()])?;
    Ok(())
}

fn query_keys(
    conn: &rusqlite::Connection,
    sql: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let keys = stmt.query_map(args, |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(keys)
}

fn mark_read(
    conn: &rusqlite::Connection,
    me: &str,
    conversation_id: &str,
    read_sequence: u64,
) -> Result<bool> {
    let row: Option<(i64, i64, i64)> = conn
        .prepare_cached(
            "SELECT unread_count, read_sequence, last_sequence FROM conversations
             WHERE conversation_id = ?1",
        )?
        .query_row(params![conversation_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((unread, old_read, last)) = row else { return Ok(false) };
    let read = sql_u64(read_sequence).max(old_read);
    let new_unread: i64 = if read >= last {
        0
    } else {
        conn.prepare_cached(
            "SELECT COUNT(*) FROM messages WHERE conversation_id = ?1 AND sender != ?2
               AND sequence > ?3 AND excluded_unread = 0",
        )?
        .query_row(params![conversation_id, me, read], |r| r.get(0))?
    };
    let new_unread = new_unread.min(unread);
    conn.prepare_cached(
        "UPDATE conversations SET read_sequence = ?2, unread_count = ?3 WHERE conversation_id = ?1",
    )?
    .execute(params![conversation_id, read, new_unread])?;
    Ok(new_unread != unread)
}

fn profile_in(conn: &rusqlite::Connection, user_id: &str) -> Result<Option<Profile>> {
    let json: Option<String> = conn
        .prepare_cached("SELECT profile FROM profiles WHERE user_id = ?1")?
        .query_row(params![user_id], |r| r.get(0))
        .optional()?;
    Ok(json.as_deref().map(serde_json::from_str).transpose()?)
}

fn store_profile(conn: &rusqlite::Connection, profile: &Profile) -> Result<bool> {
    if profile_in(conn, profile.user_id.as_str())?.as_ref() == Some(profile) {
        return Ok(false);
    }
    conn.prepare_cached(
        "INSERT INTO profiles (user_id, profile) VALUES (?1, ?2)
         ON CONFLICT (user_id) DO UPDATE SET profile = excluded.profile",
    )?
    .execute(params![profile.user_id.as_str(), serde_json::to_string(profile)?])?;
    Ok(true)
}

/// Keeps the sender's nick and avatar from a new message as a hint of
/// their profile.
fn remember_sender(conn: &rusqlite::Connection, m: &WireMessage) -> Result<()> {
    let mut profile =
        profile_in(conn, m.from.as_str())?.unwrap_or_else(|| Profile::empty(m.from.clone()));
    if profile.nick == m.nick && profile.avatar == m.avatar {
        return Ok(());
    }
    profile.nick = m.nick.clone();
    profile.avatar = m.avatar.clone();
    store_profile(conn, &profile)?;
    Ok(())
}

mod files;

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
           need_read_receipt, excluded_unread, excluded_last)
         VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, 'unSend', ?8, ?9, ?10, ?11, ?12, ?13,
                 ?14, ?15)",
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
        excluded_last
    ])?;
    Ok(tx.last_insert_rowid())
}

#[cfg(test)]
mod tests;
