//! The relation chain's tables: blacklists (`blacklist`).

use super::writer::SqliteTx;
use crate::store::tx::RelationTx;
use crate::store::StoreError;
use confab_proto::UserId;
use rusqlite::{params, Connection, OptionalExtension as _};

/// `owner`'s blacklist, oldest entry first.
pub(super) fn blacklist(conn: &Connection, owner: &UserId) -> Result<Vec<UserId>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT blocked FROM blacklist WHERE owner = ?1 ORDER BY rowid")?;
    let rows = stmt.query_map([owner.as_str()], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?.into_iter().map(UserId::new).collect())
}

impl RelationTx for SqliteTx<'_> {
    fn blacklist_insert(
        &mut self,
        owner: &UserId,
        blocked: &UserId,
        now_secs: i64,
    ) -> Result<bool, StoreError> {
        let inserted = self
            .conn
            .prepare_cached(
                "INSERT OR IGNORE INTO blacklist (owner, blocked, added_at) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![owner.as_str(), blocked.as_str(), now_secs])?;
        Ok(inserted == 1)
    }

    fn blacklist_delete(&mut self, owner: &UserId, blocked: &UserId) -> Result<bool, StoreError> {
        let deleted = self
            .conn
            .prepare_cached("DELETE FROM blacklist WHERE owner = ?1 AND blocked = ?2")?
            .execute(params![owner.as_str(), blocked.as_str()])?;
        Ok(deleted == 1)
    }

    fn blacklist_of(&mut self, owner: &UserId) -> Result<Vec<UserId>, StoreError> {
        blacklist(self.conn, owner)
    }

    fn blocked_either_way(&mut self, a: &UserId, b: &UserId) -> Result<bool, StoreError> {
        let found = self
            .conn
            .prepare_cached(
                "SELECT 1 FROM blacklist
                 WHERE (owner = ?1 AND blocked = ?2) OR (owner = ?2 AND blocked = ?1) LIMIT 1",
            )?
            .query_row(params![a.as_str(), b.as_str()], |_| Ok(()))
            .optional()?;
        Ok(found.is_some())
    }
}
