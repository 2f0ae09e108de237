//! The sync state: where this store stands on the server's streams. The
//! inbox cursor (`meta.cursor`: the last inbox sequence applied; absent
//! until the first bootstrap) and one cursor per group timeline
//! (`group_cursors`: the last timeline sequence applied per group). Every
//! `sync` request carries all of them; they move only inside the
//! transaction that applies what they stand for.

use super::{sql_u64, u64_sql, Result, Store};
use confab_proto::inbox::TimelineCursor;
use rusqlite::{params, OptionalExtension};

impl Store {
    /// The last inbox sequence applied; `None` for a store that never
    /// completed a bootstrap.
    pub(crate) fn cursor(&self) -> Result<Option<u64>> {
        cursor_of(&self.lock())
    }

    /// The cursor of every group timeline this store follows, by group ID:
    /// the `groups` of a `sync` request.
    pub(crate) fn group_cursors(&self) -> Result<Vec<TimelineCursor>> {
        let conn = self.lock();
        let mut stmt =
            conn.prepare_cached("SELECT group_id, sequence FROM group_cursors ORDER BY group_id")?;
        let cursors = stmt
            .query_map([], |r| {
                Ok(TimelineCursor { group_id: r.get(0)?, after: u64_sql(r.get(1)?) })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(cursors)
    }

    /// The cursor of a followed group's timeline; `None` when the group is
    /// not followed.
    pub(crate) fn group_cursor(&self, group_id: &str) -> Result<Option<u64>> {
        group_cursor_of(&self.lock(), group_id)
    }

    /// Starts following a group's timeline after `after` (a group joined:
    /// its entries up to `after` are not wanted). A group already followed
    /// keeps its cursor.
    #[cfg(test)]
    pub(crate) fn follow_group(&self, group_id: &str, after: u64) -> Result<()> {
        self.lock()
            .prepare_cached(
                "INSERT INTO group_cursors (group_id, sequence) VALUES (?1, ?2)
                 ON CONFLICT (group_id) DO NOTHING",
            )?
            .execute(params![group_id, sql_u64(after)])?;
        Ok(())
    }
}

/// The inbox cursor as seen by `conn` (inside a transaction: its view).
pub(super) fn cursor_of(conn: &rusqlite::Connection) -> Result<Option<u64>> {
    let value: Option<String> = conn
        .prepare_cached("SELECT value FROM meta WHERE key = 'cursor'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(value.and_then(|v| v.parse().ok()))
}

/// Moves the inbox cursor.
pub(super) fn set_cursor(conn: &rusqlite::Connection, cursor: u64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO meta (key, value) VALUES ('cursor', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute(params![cursor.to_string()])?;
    Ok(())
}

/// A followed group's timeline cursor; `None` when the group is not
/// followed.
pub(super) fn group_cursor_of(conn: &rusqlite::Connection, group_id: &str) -> Result<Option<u64>> {
    let value: Option<i64> = conn
        .prepare_cached("SELECT sequence FROM group_cursors WHERE group_id = ?1")?
        .query_row(params![group_id], |r| r.get(0))
        .optional()?;
    Ok(value.map(u64_sql))
}

/// Moves a followed group's timeline cursor.
pub(super) fn set_group_cursor(
    conn: &rusqlite::Connection,
    group_id: &str,
    cursor: u64,
) -> Result<()> {
    conn.prepare_cached("UPDATE group_cursors SET sequence = ?2 WHERE group_id = ?1")?
        .execute(params![group_id, sql_u64(cursor)])?;
    Ok(())
}
