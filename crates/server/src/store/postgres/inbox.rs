//! Inboxes on PostgreSQL: the per-user ordered log of events (`inbox`
//! table). Sequences are taken from the writer's counters in the
//! transaction that stores the change, so every inbox is gap-free. The
//! byte-capped reading of a log is shared with group timelines.

use super::writer::PgTx;
use super::{to_u64, Cx};
use crate::store::counters::CounterKey;
use crate::store::log::{record_columns, CappedPage, SYNC_FRAME_OVERHEAD};
use crate::store::tx::InboxTx;
use crate::store::{EventRecord, StoreError};
use confab_proto::inbox::{InboxEntry, InboxEvent};
use confab_proto::UserId;

/// Newest sequence of the user's inbox (0 when empty).
pub(super) fn head(cx: &mut Cx<'_>, owner: &UserId) -> Result<u64, StoreError> {
    log_head(cx, "SELECT COALESCE(MAX(seq), 0) FROM inbox WHERE owner = $1", owner.as_str())
}

impl InboxTx for PgTx<'_> {
    fn append_inbox(&mut self, owner: &UserId, record: EventRecord<'_>) -> Result<u64, StoreError> {
        let cx = &mut self.cx;
        let seq = self
            .state
            .counters
            .next(CounterKey::Inbox(owner.as_str().to_owned()), || head(cx, owner))?;
        let (message_row, event) = record_columns(record)?;
        cx.write(
            "INSERT INTO inbox (owner, seq, message_row, event) VALUES ($1, $2, $3, $4)",
            vec![
                Box::new(owner.as_str().to_owned()),
                Box::new(super::to_i64(seq)?),
                Box::new(message_row),
                Box::new(event),
            ],
        )?;
        Ok(seq)
    }
}

/// Head of a log: the newest sequence (0 when empty) of the rows `sql`
/// selects by key (`$1`).
pub(super) fn log_head(cx: &mut Cx<'_>, sql: &str, key: &str) -> Result<u64, StoreError> {
    to_u64(cx.query_one(sql, &[&key])?.try_get::<_, i64>(0)?)
}

/// Entries of a log (an inbox or a timeline) with `seq > after`, ascending,
/// at most `limit`, and no more than fit `max_bytes` after `overhead` bytes
/// of the frame (at least one entry, so a reader always moves on; one entry
/// is far below any accepted cap). `sql` selects `seq, event, message`
/// (the stored message a `message` entry refers to) by key, after and limit
/// (`$1`, `$2`, `$3`).
pub(super) fn capped_log(
    cx: &mut Cx<'_>,
    sql: &str,
    key: &str,
    after: u64,
    limit: u32,
    max_bytes: usize,
    overhead: usize,
) -> Result<(Vec<(u64, InboxEvent)>, usize), StoreError> {
    let after = i64::try_from(after).unwrap_or(i64::MAX);
    let rows = cx.query(sql, &[&key, &after, &i64::from(limit)])?;
    let mut page = CappedPage::new(max_bytes, overhead);
    for row in rows {
        let seq = to_u64(row.try_get::<_, i64>(0)?)?;
        if !page.push(key, seq, row.try_get(1)?, row.try_get(2)?)? {
            break;
        }
    }
    Ok(page.finish())
}

/// Inbox entries with `seq > after`, ascending, at most `limit`, and no
/// more than fit a `sync` response frame of `max_bytes` (see [`capped_log`]).
pub(super) fn entries_after(
    cx: &mut Cx<'_>,
    owner: &UserId,
    after: u64,
    limit: u32,
    max_bytes: usize,
) -> Result<Vec<InboxEntry>, StoreError> {
    let (entries, _) = capped_log(
        cx,
        "SELECT i.seq, i.event, m.message FROM inbox i
         LEFT JOIN messages m ON m.id = i.message_row
         WHERE i.owner = $1 AND i.seq > $2 ORDER BY i.seq LIMIT $3",
        owner.as_str(),
        after,
        limit,
        max_bytes,
        SYNC_FRAME_OVERHEAD,
    )?;
    Ok(entries.into_iter().map(|(seq, event)| InboxEntry { seq, event }).collect())
}
