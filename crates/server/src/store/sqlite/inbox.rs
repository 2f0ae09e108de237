//! Inboxes: the per-user ordered log of events (`inbox` table). Sequences
//! are taken from the writer's counters in the transaction that stores the
//! change, so every inbox is gap-free. The byte-capped reading of a log is
//! shared with group timelines.

use super::writer::SqliteTx;
use crate::store::counters::CounterKey;
use crate::store::log::{record_columns, CappedPage, SYNC_FRAME_OVERHEAD};
use crate::store::tx::InboxTx;
use crate::store::{EventRecord, StoreError};
use confab_proto::inbox::{InboxEntry, InboxEvent};
use confab_proto::UserId;
use rusqlite::{params, Connection};

/// Newest sequence of the user's inbox (0 when empty).
pub(super) fn head(conn: &Connection, owner: &UserId) -> Result<u64, StoreError> {
    log_head(conn, "SELECT COALESCE(MAX(seq), 0) FROM inbox WHERE owner = ?1", owner.as_str())
}

impl InboxTx for SqliteTx<'_> {
    fn append_inbox(&mut self, owner: &UserId, record: EventRecord<'_>) -> Result<u64, StoreError> {
        let conn = self.conn;
        let seq = self
            .state
            .counters
            .next(CounterKey::Inbox(owner.as_str().to_owned()), || head(conn, owner))?;
        let (message_row, event) = record_columns(record)?;
        conn.prepare_cached(
            "INSERT INTO inbox (owner, seq, message_row, event) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![owner.as_str(), seq, message_row, event])?;
        Ok(seq)
    }
}

/// Head of a log: the newest sequence (0 when empty) of the rows `sql`
/// selects by key.
pub(super) fn log_head(conn: &Connection, sql: &str, key: &str) -> Result<u64, StoreError> {
    Ok(conn.prepare_cached(sql)?.query_row([key], |r| r.get(0))?)
}

/// Entries of a log (an inbox or a timeline) with `seq > after`, ascending,
/// at most `limit`, and no more than fit `max_bytes` after `overhead` bytes
/// of the frame (at least one entry, so a reader always moves on; one entry
/// is far below any accepted cap). `sql` selects `seq, event, message`
/// (the stored message a `message` entry refers to) by key, after and limit.
pub(super) fn capped_log(
    conn: &Connection,
    sql: &str,
    key: &str,
    after: u64,
    limit: u32,
    max_bytes: usize,
    overhead: usize,
) -> Result<(Vec<(u64, InboxEvent)>, usize), StoreError> {
    let after = i64::try_from(after).unwrap_or(i64::MAX);
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(params![key, after, limit])?;
    let mut page = CappedPage::new(max_bytes, overhead);
    while let Some(row) = rows.next()? {
        if !page.push(key, row.get(0)?, row.get(1)?, row.get(2)?)? {
            break;
        }
    }
    Ok(page.finish())
}

/// Inbox entries with `seq > after`, ascending, at most `limit`, and no
/// more than fit a `sync` response frame of `max_bytes` (see [`capped_log`]).
pub(super) fn entries_after(
    conn: &Connection,
    owner: &UserId,
    after: u64,
    limit: u32,
    max_bytes: usize,
) -> Result<Vec<InboxEntry>, StoreError> {
    let (entries, _) = capped_log(
        conn,
        "SELECT i.seq, i.event, m.message FROM inbox i
         LEFT JOIN messages m ON m.id = i.message_row
         WHERE i.owner = ?1 AND i.seq > ?2 ORDER BY i.seq LIMIT ?3",
        owner.as_str(),
        after,
        limit,
        max_bytes,
        SYNC_FRAME_OVERHEAD,
    )?;
    Ok(entries.into_iter().map(|(seq, event)| InboxEntry { seq, event }).collect())
}
