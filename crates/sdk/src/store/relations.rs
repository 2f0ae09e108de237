//! My relation chain as this device knows it: the blacklist (`blacklist`
//! table), from the server's answers and my inbox's `blacklistAdded` /
//! `blacklistRemoved` events.

use super::{Result, Store};
use confab_proto::UserId;
use rusqlite::params;

/// My blacklist, in the order added.
pub(super) fn blacklist_in(conn: &rusqlite::Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT user_id FROM blacklist ORDER BY position")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Adds users (those already there keep their place); whether any was new.
pub(super) fn add_to_blacklist(conn: &rusqlite::Connection, users: &[UserId]) -> Result<bool> {
    let mut changed = false;
    for user in users {
        changed |= conn
            .prepare_cached("INSERT OR IGNORE INTO blacklist (user_id) VALUES (?1)")?
            .execute(params![user.as_str()])?
            == 1;
    }
    Ok(changed)
}

/// Removes users; whether any was there.
pub(super) fn remove_from_blacklist(conn: &rusqlite::Connection, users: &[UserId]) -> Result<bool> {
    let mut changed = false;
    for user in users {
        changed |= conn
            .prepare_cached("DELETE FROM blacklist WHERE user_id = ?1")?
            .execute(params![user.as_str()])?
            == 1;
    }
    Ok(changed)
}

impl Store {
    /// My blacklist as this device knows it, in the order added.
    pub(crate) fn blacklist(&self) -> Result<Vec<String>> {
        let conn = self.lock();
        blacklist_in(&conn)
    }

    /// Replaces my blacklist with the server's; the list when it changed.
    pub(crate) fn replace_blacklist(&self, users: &[UserId]) -> Result<Option<Vec<String>>> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let before = blacklist_in(&tx)?;
        let wanted: Vec<&str> = users.iter().map(UserId::as_str).collect();
        if before == wanted {
            return Ok(None);
        }
        tx.execute("DELETE FROM blacklist", [])?;
        add_to_blacklist(&tx, users)?;
        let after = blacklist_in(&tx)?;
        tx.commit()?;
        Ok(Some(after))
    }
}
