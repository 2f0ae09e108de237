//! Group timelines, the PostgreSQL version: each group's ordered log
//! (`timelines` table), written once per event of the group whatever its
//! number of members, with the group's own gap-free sequence from the
//! writer's counters. Read by clients with one cursor per group (see
//! `docs/protocol.md`).

use super::inbox::{capped_log, log_head};
use super::writer::PgTx;
use super::{to_i64, Cx};
use crate::store::counters::CounterKey;
use crate::store::log::{record_columns, SYNC_FRAME_OVERHEAD};
use crate::store::tx::TimelineTx;
use crate::store::{EventRecord, StoreError};
use confab_proto::inbox::{TimelineEntry, TimelinePage};

/// The head of a group's timeline (the newest sequence, 0 when empty) by
/// the group's ID.
pub(super) const HEAD_SQL: &str = "SELECT COALESCE(MAX(seq), 0) FROM timelines WHERE group_id = $1";

impl TimelineTx for PgTx<'_> {
    fn append_timeline(
        &mut self,
        group_id: &str,
        record: EventRecord<'_>,
    ) -> Result<u64, StoreError> {
        let cx = &mut self.cx;
        let seq = self
            .state
            .counters
            .next(CounterKey::Timeline(group_id.to_owned()), || log_head(cx, HEAD_SQL, group_id))?;
        let (message_row, event) = record_columns(record)?;
        cx.write(
            "INSERT INTO timelines (group_id, seq, message_row, event) VALUES ($1, $2, $3, $4)",
            vec![
                Box::new(group_id.to_owned()),
                Box::new(to_i64(seq)?),
                Box::new(message_row),
                Box::new(event),
            ],
        )?;
        Ok(seq)
    }
}

/// The group's entries after `after` (byte-capped like an inbox page, the
/// group's ID counted in) and its head.
pub(super) fn page(
    cx: &mut Cx<'_>,
    group_id: String,
    after: u64,
    limit: u32,
    max_bytes: usize,
) -> Result<TimelinePage, StoreError> {
    Ok(page_within(cx, group_id, after, limit, max_bytes)?.0)
}

/// Pages of several groups (`(groupID, after)` each, in order) sharing one
/// byte budget, as one `sync` answer carries them: each group gets what is
/// left of `max_bytes` (the first at least one entry), and once nothing is
/// left the others come empty with their heads, so a client sees them
/// behind and asks again.
pub(super) fn pages(
    cx: &mut Cx<'_>,
    cursors: Vec<(String, u64)>,
    limit: u32,
    max_bytes: usize,
) -> Result<Vec<TimelinePage>, StoreError> {
    let mut left = max_bytes;
    let mut out = Vec::with_capacity(cursors.len());
    for (group_id, after) in cursors {
        if left == 0 {
            let head = log_head(cx, HEAD_SQL, &group_id)?;
            out.push(TimelinePage { group_id, entries: Vec::new(), head });
            continue;
        }
        let (page, used) = page_within(cx, group_id, after, limit, left)?;
        left = if page.entries.is_empty() { left } else { left.saturating_sub(used) };
        out.push(page);
    }
    Ok(out)
}

/// One group's page within `max_bytes`, and the bytes its entries took
/// (the page's overhead included).
fn page_within(
    cx: &mut Cx<'_>,
    group_id: String,
    after: u64,
    limit: u32,
    max_bytes: usize,
) -> Result<(TimelinePage, usize), StoreError> {
    let head = log_head(cx, HEAD_SQL, &group_id)?;
    let (entries, used) = capped_log(
        cx,
        "SELECT t.seq, t.event, m.message FROM timelines t
         LEFT JOIN messages m ON m.id = t.message_row
         WHERE t.group_id = $1 AND t.seq > $2 ORDER BY t.seq LIMIT $3",
        &group_id,
        after,
        limit,
        max_bytes,
        SYNC_FRAME_OVERHEAD + group_id.len(),
    )?;
    let entries = entries.into_iter().map(|(seq, event)| TimelineEntry { seq, event }).collect();
    Ok((TimelinePage { group_id, entries, head }, used))
}
