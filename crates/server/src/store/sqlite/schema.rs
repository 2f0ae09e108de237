//! The schema and the connections' settings: the numbered migrations in
//! `migrations/`, tracked in `PRAGMA user_version`, and how the write and
//! read connections are configured.

use super::StoreError;
use rusqlite::{Connection, OpenFlags, OptionalExtension as _, TransactionBehavior};
use std::path::Path;
use std::time::Duration;

/// Schema migrations, in order; entry `i` brings the schema to version `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_files.sql"),
    include_str!("migrations/0003_message_ops.sql"),
    include_str!("migrations/0004_file_refs.sql"),
    include_str!("migrations/0005_file_gc.sql"),
    include_str!("migrations/0006_session_keys.sql"),
    include_str!("migrations/0007_group_timelines.sql"),
    include_str!("migrations/0008_message_ids.sql"),
    include_str!("migrations/0009_groups.sql"),
    include_str!("migrations/0010_group_applications.sql"),
    include_str!("migrations/0011_group_attributes.sql"),
    include_str!("migrations/0012_blacklists.sql"),
    include_str!("migrations/0013_friends.sql"),
    include_str!("migrations/0014_custom_status.sql"),
    include_str!("migrations/0015_conversation_settings.sql"),
    include_str!("migrations/0016_conversation_groups.sql"),
    include_str!("migrations/0017_group_history_cleared.sql"),
    include_str!("migrations/0018_read_receipts.sql"),
    include_str!("migrations/0019_message_extensions.sql"),
    include_str!("migrations/0020_topics.sql"),
    include_str!("migrations/0021_avatar_files.sql"),
];

/// The schema version this build creates.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Page cache of the write connection, in KiB.
const WRITER_CACHE_KIB: i64 = 64 * 1024;

/// Prepared statements kept per connection (rusqlite keeps 16 by default,
/// fewer than the store runs).
const STATEMENT_CACHE: usize = 256;

/// How long a connection waits for a lock before failing.
pub(super) const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Sets up the write connection: WAL, full sync, no automatic checkpoints.
pub(super) fn configure_writer(conn: &Connection) -> Result<(), StoreError> {
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // Plans must not depend on bound values, or SQLite re-prepares cached
    // statements whenever a parameter it looked at changes.
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Open {
            path: conn.path().unwrap_or("?").to_owned(),
            reason: format!("cannot switch to WAL (journal_mode is {mode})"),
        });
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Checkpoints run on their own thread (see `writer::checkpointer_main`),
    // never inside a commit the clients are waiting for.
    conn.pragma_update(None, "wal_autocheckpoint", 0)?;
    conn.pragma_update(None, "cache_size", WRITER_CACHE_KIB.wrapping_neg())?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(())
}

/// Opens a read-only connection for the read pool.
pub(super) fn open_reader(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // Plans must not depend on bound values, or SQLite re-prepares cached
    // statements whenever a parameter it looked at changes.
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "query_only", "ON")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(conn)
}

/// Applies the migrations the database has not seen yet, each in its own
/// transaction together with the `user_version` bump.
///
/// Foreign keys are off while a migration runs (SQLite's way to rebuild a
/// table others refer to, which `PRAGMA foreign_keys` cannot change inside
/// a transaction), and every reference is checked before it commits: a
/// migration that leaves one dangling is rolled back.
pub(super) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let found: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew { found, supported: SCHEMA_VERSION });
    }
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let result = apply(conn, found);
    conn.pragma_update(None, "foreign_keys", "ON")?;
    result
}

/// The migrations after version `found`, foreign keys off (see [`migrate`]).
fn apply(conn: &mut Connection, found: u32) -> Result<(), StoreError> {
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = index as u32 + 1;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(sql)?;
        let dangling: Option<String> =
            tx.prepare("PRAGMA foreign_key_check")?.query_row([], |r| r.get(0)).optional()?;
        if let Some(table) = dangling {
            return Err(StoreError::Open {
                path: tx.path().unwrap_or("?").to_owned(),
                reason: format!("migration {version} leaves a dangling reference in {table}"),
            });
        }
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        tracing::info!(version, "applied database migration");
    }
    Ok(())
}
