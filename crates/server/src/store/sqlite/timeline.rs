//! Group timelines: each group's ordered log (`timelines` table), written
//! once per event of the group whatever its number of members, with the
//! group's own gap-free sequence from the writer's counters. Read by
//! clients with one cursor per group (see `docs/protocol.md`).

use super::inbox::{capped_log, log_head};
use super::writer::SqliteTx;
use crate::store::counters::CounterKey;
use crate::store::log::{record_columns, SYNC_FRAME_OVERHEAD};
use crate::store::tx::TimelineTx;
use crate::store::{EventRecord, StoreError};
use confab_proto::inbox::{TimelineEntry, TimelinePage};
use rusqlite::{params, Connection};

pub(super) const HEAD_SQL: &str = "SELECT COALESCE(MAX(seq), 0) FROM timelines WHERE group_id = ?1";

impl TimelineTx for SqliteTx<'_> {
    fn append_timeline(
        &mut self,
        group_id: &str,
        record: EventRecord<'_>,
    ) -> Result<u64, StoreError> {
        let conn = self.conn;
        let seq = self.state.counters.next(CounterKey::Timeline(group_id.to_owned()), || {
            log_head(conn, HEAD_SQL, group_id)
        })?;
        let (message_row, event) = record_columns(record)?;
        conn.prepare_cached(
            "INSERT INTO timelines (group_id, seq, message_row, event) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![group_id, seq, message_row, event])?;
        Ok(seq)
    }
}

/// The group's entries after `after` (byte-capped like an inbox page, the
/// group's ID counted in) and its head.
pub(super) fn page(
    conn: &Connection,
    group_id: String,
    after: u64,
    limit: u32,
    max_bytes: usize,
) -> Result<TimelinePage, StoreError> {
    Ok(page_within(conn, group_id, after, limit, max_bytes)?.0)
}

/// Pages of several groups (`(groupID, after)` each, in order) sharing one
/// byte budget, as one `sync` answer carries them: each group gets what is
/// left of `max_bytes` (the first at least one entry), and once nothing is
/// left the others come empty with their heads, so a client sees them
/// behind and asks again.
pub(super) fn pages(
    conn: &Connection,
    cursors: Vec<(String, u64)>,
    limit: u32,
    max_bytes: usize,
) -> Result<Vec<TimelinePage>, StoreError> {
    let mut left = max_bytes;
    let mut out = Vec::with_capacity(cursors.len());
    for (group_id, after) in cursors {
        if left == 0 {
            let head = log_head(conn, HEAD_SQL, &group_id)?;
            out.push(TimelinePage { group_id, entries: Vec::new(), head });
            continue;
        }
        let (page, used) = page_within(conn, group_id, after, limit, left)?;
        left = if page.entries.is_empty() { left } else { left.saturating_sub(used) };
        out.push(page);
    }
    Ok(out)
}

/// One group's page within `max_bytes`, and the bytes its entries took
/// (the page's overhead included).
fn page_within(
    conn: &Connection,
    group_id: String,
    after: u64,
    limit: u32,
    max_bytes: usize,
) -> Result<(TimelinePage, usize), StoreError> {
    let head = log_head(conn, HEAD_SQL, &group_id)?;
    let (entries, used) = capped_log(
        conn,
        "SELECT t.seq, t.event, m.message FROM timelines t
         LEFT JOIN messages m ON m.id = t.message_row
         WHERE t.group_id = ?1 AND t.seq > ?2 ORDER BY t.seq LIMIT ?3",
        &group_id,
        after,
        limit,
        max_bytes,
        SYNC_FRAME_OVERHEAD + group_id.len(),
    )?;
    let entries = entries.into_iter().map(|(seq, event)| TimelineEntry { seq, event }).collect();
    Ok((TimelinePage { group_id, entries, head }, used))
}
