//! Message extensions as this instance last learnt them (answers and
//! `messageExtensionsUpdated` / `messageExtensionsDeleted`): each key's
//! value and version, which a write of that key is made from.

use super::{sql_u64, u64_sql, Result, Store};
use confab_proto::extension::MessageExtension;
use rusqlite::params;
use std::collections::HashMap;

/// Keeps extensions of a message (adding or replacing them by key).
pub(super) fn save_in(
    conn: &rusqlite::Connection,
    message_id: &str,
    list: &[MessageExtension],
) -> Result<()> {
    for e in list {
        conn.prepare_cached(
            "INSERT INTO message_extensions (message_id, key, value, seq) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (message_id, key) DO UPDATE SET value = excluded.value, seq = excluded.seq
             WHERE excluded.seq >= message_extensions.seq",
        )?
        .execute(params![message_id, e.key, e.value, sql_u64(e.seq)])?;
    }
    Ok(())
}

/// Forgets keys of a message.
pub(super) fn forget_in(
    conn: &rusqlite::Connection,
    message_id: &str,
    keys: &[String],
) -> Result<()> {
    for key in keys {
        conn.prepare_cached("DELETE FROM message_extensions WHERE message_id = ?1 AND key = ?2")?
            .execute(params![message_id, key])?;
    }
    Ok(())
}

impl Store {
    /// The versions this instance knows of a message's keys (absent: none).
    pub(crate) fn extension_seqs(&self, message_id: &str) -> Result<HashMap<String, u64>> {
        let conn = self.lock();
        let mut stmt =
            conn.prepare_cached("SELECT key, seq FROM message_extensions WHERE message_id = ?1")?;
        let rows = stmt.query_map(params![message_id], |r| {
            Ok((r.get::<_, String>(0)?, u64_sql(r.get::<_, i64>(1)?)))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Keeps extensions of a message (by key).
    pub(crate) fn save_extensions(
        &self,
        message_id: &str,
        list: &[MessageExtension],
    ) -> Result<()> {
        let conn = self.lock();
        save_in(&conn, message_id, list)
    }

    /// Replaces everything known of a message's extensions.
    pub(crate) fn replace_extensions(
        &self,
        message_id: &str,
        list: &[MessageExtension],
    ) -> Result<()> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        tx.prepare_cached("DELETE FROM message_extensions WHERE message_id = ?1")?
            .execute(params![message_id])?;
        save_in(&tx, message_id, list)?;
        tx.commit()?;
        Ok(())
    }

    /// Forgets keys of a message.
    pub(crate) fn forget_extensions(&self, message_id: &str, keys: &[String]) -> Result<()> {
        let conn = self.lock();
        forget_in(&conn, message_id, keys)
    }
}
