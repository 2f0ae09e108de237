//! Backing up and restoring the whole local store.
//!
//! A backup is a consistent copy of the store's database made with
//! `VACUUM INTO` (one file, no WAL beside it), stamped in its `meta` table
//! with whose store it is (`backup_user`, `backup_app`). Restoring checks
//! the stamp and the schema, then copies the backup page by page into the
//! live database with SQLite's online backup API (so every connection sees
//! the restored content at once, WAL and all), keeps this installation's
//! instance ID, and migrates it if it came from an older version.

use super::{Result, Store, StoreError, MIGRATIONS};
use rusqlite::{params, OpenFlags, OptionalExtension as _};
use std::path::Path;

/// Why a file cannot be restored.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RestoreRefusal {
    /// Not a Confab store backup (not SQLite, or no stamp).
    #[error("not a Confab backup: {0}")]
    NotABackup(String),
    /// Another account's or app's backup.
    #[error("this backup belongs to {user} of app {app}")]
    OtherAccount {
        /// Whose it is.
        user: String,
        /// Which SDKAppID.
        app: String,
    },
    /// Made by a newer version of the SDK (a schema this one does not know).
    #[error("this backup was made by a newer version (schema {0})")]
    Newer(i64),
}

/// Reading or writing failed, or the backup was refused.
#[derive(Debug, thiserror::Error)]
pub(crate) enum BackupError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The file is not a backup of this store.
    #[error(transparent)]
    Refused(#[from] RestoreRefusal),
}

impl From<rusqlite::Error> for BackupError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Store(StoreError::Sqlite(e))
    }
}

fn meta(conn: &rusqlite::Connection, key: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT value FROM meta WHERE key = ?1", params![key], |r| r.get(0)).optional()
}

impl Store {
    /// Writes a consistent copy of the whole store to `target` (which must
    /// not exist), stamped as `me`'s of app `sdk_app_id`.
    pub(crate) fn backup_to(&self, target: &Path, sdk_app_id: u64) -> Result<()> {
        let path = target
            .to_str()
            .ok_or_else(|| StoreError::Io(std::io::Error::other("the backup path is not UTF-8")))?;
        self.lock().execute("VACUUM INTO ?1", params![path])?;
        let copy = rusqlite::Connection::open(target)?;
        copy.execute_batch("PRAGMA journal_mode = DELETE")?;
        for (key, value) in
            [("backup_user", self.me.clone()), ("backup_app", sdk_app_id.to_string())]
        {
            copy.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )?;
        }
        Ok(())
    }
}

/// Checks that `backup` is a backup of `user`'s store of app `sdk_app_id`
/// that this version can read.
pub(crate) fn check_backup(
    backup: &Path,
    user: &str,
    sdk_app_id: u64,
) -> std::result::Result<(), BackupError> {
    let not_a_backup = |e: &dyn std::fmt::Display| RestoreRefusal::NotABackup(e.to_string());
    let conn = rusqlite::Connection::open_with_flags(backup, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| not_a_backup(&e))?;
    let version: i64 =
        conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| not_a_backup(&e))?;
    let stamp = (meta(&conn, "backup_user"), meta(&conn, "backup_app"));
    let (Ok(Some(owner)), Ok(Some(app))) = stamp else {
        return Err(RestoreRefusal::NotABackup("it has no backup stamp".into()).into());
    };
    if owner != user || app != sdk_app_id.to_string() {
        return Err(RestoreRefusal::OtherAccount { user: owner, app }.into());
    }
    if version > i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX) {
        return Err(RestoreRefusal::Newer(version).into());
    }
    Ok(())
}

/// Replaces the content of the store at `store_path` (of `me`) with the
/// checked `backup`, keeping the store's instance ID; the caller reopens
/// the store (which migrates an older backup).
pub(crate) fn restore_into(
    store_path: &Path,
    backup: &Path,
    me: &str,
) -> std::result::Result<(), BackupError> {
    let instance = {
        let live = Store::open(store_path, me)?;
        live.instance_id()?
    };
    let source = rusqlite::Connection::open_with_flags(backup, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut live = rusqlite::Connection::open(store_path)?;
    live.busy_timeout(std::time::Duration::from_secs(5))?;
    {
        let copy = rusqlite::backup::Backup::new(&source, &mut live)?;
        // Every page in one step (-1): one write transaction, all or
        // nothing. A busy store was waited for already (the connection's
        // busy timeout, which the backup step honours).
        match copy.step(-1)? {
            rusqlite::backup::StepResult::Done => {}
            _ => {
                return Err(StoreError::Io(std::io::Error::other(
                    "the local store stayed busy: restore not done",
                ))
                .into())
            }
        }
    }
    live.execute(
        "INSERT INTO meta (key, value) VALUES ('instance_id', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![instance],
    )?;
    live.execute("DELETE FROM meta WHERE key IN ('backup_user', 'backup_app')", [])?;
    Ok(())
}
