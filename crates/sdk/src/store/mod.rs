//! The local store: one SQLite database (WAL) per account, at
//! `<data_dir>/<sdkAppID>/<percent-encoded userID>.sqlite`.
//!
//! It owns the instance ID, the sync state (the inbox cursor and one cursor
//! per group timeline), conversations, messages, profiles, the group list
//! and the outbox.
//! Every inbox page is applied in one transaction together with advancing
//! the cursor, so a crash never applies an entry twice or skips one;
//! applying is idempotent besides (a message already stored is neither
//! stored nor announced twice). Group timeline pages go the same way, each
//! with its group's cursor.
//!
//! The store is split by feature area, one file each:
//!
//! | file | owns |
//! |---|---|
//! | `sync_state.rs` | the inbox cursor and the group timeline cursors |
//! | `inbox/` | applying what a sync brings: the bootstrap, inbox entries and timeline pages, dispatched by area (`inbox/message.rs`, `inbox/conversation.rs`, `inbox/profile.rs`) |
//! | `messages.rs` | the message rows, lookups and the writes every area shares |
//! | `history.rs` | the contiguous run per conversation and history pages |
//! | `message_ops.rs` | revoked / modified state, "delete for me", hopping pages |
//! | `conversations.rs` | the conversation list, unread counts and read marks |
//! | `outbox.rs` | queued sends and their acknowledgements |
//! | `profiles.rs` | last known profiles |
//! | `groups.rs` | the group list (groups joined, with `selfInfo`) and following their timelines |
//! | `files.rs`, `merger.rs` | upload jobs of file messages, merger bodies |
//! | `search.rs` | the full-text index of messages and its queries |
//! | `backup.rs` | backups of the whole store and restoring one |
//!
//! The connection sits behind a `std` mutex; every method is one short
//! critical section and never awaits.

use rusqlite::{params, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// Numbered schema migrations; `PRAGMA user_version` is the number applied.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_files.sql"),
    include_str!("migrations/0003_message_ops.sql"),
    include_str!("migrations/0004_merger_bodies.sql"),
    include_str!("migrations/0005_group_cursors.sql"),
    include_str!("migrations/0006_mentions.sql"),
    include_str!("migrations/0007_groups.sql"),
    include_str!("migrations/0008_receiver_lists.sql"),
    include_str!("migrations/0009_blacklist.sql"),
    include_str!("migrations/0010_friends.sql"),
    include_str!("migrations/0011_conversation_settings.sql"),
    include_str!("migrations/0012_conversation_groups.sql"),
    include_str!("migrations/0013_cleared_history.sql"),
    include_str!("migrations/0014_read_receipts.sql"),
    include_str!("migrations/0015_message_extensions.sql"),
    include_str!("migrations/0016_topics.sql"),
    include_str!("migrations/0017_message_search.sql"),
];

pub(crate) mod backup;
mod conversation_settings;
mod conversations;
mod extensions;
mod files;
mod groups;
mod history;
mod inbox;
pub(crate) mod merger;
mod message_ops;
mod messages;
mod outbox;
mod profiles;
pub(crate) mod relations;
pub(crate) mod search;
mod sync_state;
pub(crate) mod topics;

pub(crate) use inbox::Applied;
pub(crate) use outbox::Acknowledged;

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
        // The search index's triggers call it (and migration 0017 does).
        search::register(&conn)?;
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
}

#[cfg(test)]
mod tests;
