//! Inboxes: the per-user ordered log of events (`inbox` table). Sequences
//! are taken from the writer's counters in the transaction that stores the
//! change, so every inbox is gap-free. The byte-capped reading of a log is
//! shared with group timelines.

use super::writer::SqliteTx;
use crate::store::counters::CounterKey;
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

/// The `message_row` and `event` columns of a record (exactly one is set).
pub(super) fn record_columns(
    record: EventRecord<'_>,
) -> Result<(Option<i64>, Option<String>), StoreError> {
    Ok(match record {
        EventRecord::Message(row) => (Some(row.0), None),
        EventRecord::Event(event) => (None, Some(serde_json::to_string(event)?)),
    })
}

/// Bytes a `sync` response frame spends besides its entries (`{"t":"ok",
/// "id":…,"data":{"entries":[…],"head":…}}` with 20-digit numbers), rounded up.
pub(super) const SYNC_FRAME_OVERHEAD: usize = 128;

/// Encoded length of an entry `{"seq":N,"event":E}` whose event encodes to
/// `event_len` bytes.
fn entry_len(seq: u64, event_len: usize) -> usize {
    // `{"seq":` + digits + `,"event":` + event + `}`
    17 + seq.to_string().len() + event_len
}

/// Encoded length of a `message` event (`{"kind":"message","message":M}`)
/// whose message encodes to `message_len` bytes.
fn message_event_len(message_len: usize) -> usize {
    29 + message_len
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
    let mut entries = Vec::new();
    let mut used = overhead;
    while let Some(row) = rows.next()? {
        let seq: u64 = row.get(0)?;
        let (event, len) =
            match (row.get::<_, Option<String>>(1)?, row.get::<_, Option<String>>(2)?) {
                (Some(event), _) => (serde_json::from_str(&event)?, entry_len(seq, event.len())),
                (None, Some(message)) => (
                    InboxEvent::Message { message: serde_json::from_str(&message)? },
                    entry_len(seq, message_event_len(message.len())),
                ),
                (None, None) => {
                    return Err(StoreError::Corrupt(format!("log entry {seq} of {key} is empty")))
                }
            };
        // One comma between entries.
        let cost = len + usize::from(!entries.is_empty());
        if !entries.is_empty() && used + cost > max_bytes {
            break;
        }
        used += cost;
        entries.push((seq, event));
    }
    Ok((entries, used))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_lengths_are_the_encoded_lengths() {
        let mut message = confab_proto::testing::WireMessageSample::new("alice", "bob")
            .id("1-2-3")
            .sequence(1)
            .time(2)
            .random(3)
            .text("héllo \"quoted\" ✓\n")
            .nick("")
            .build();
        message.cloud_custom_data = "{\"r\":\"👍\"}".into();
        let stored = serde_json::to_string(&message).expect("encode");
        let entry = InboxEntry { seq: 12_345, event: InboxEvent::Message { message } };
        let wire = serde_json::to_string(&entry).expect("encode");
        assert_eq!(entry_len(12_345, message_event_len(stored.len())), wire.len());
        let event =
            InboxEvent::ConversationRead { conversation_id: "C2Cbob".into(), read_sequence: 4 };
        let stored = serde_json::to_string(&event).expect("encode");
        let wire = serde_json::to_string(&InboxEntry { seq: 7, event }).expect("encode");
        assert_eq!(entry_len(7, stored.len()), wire.len());
    }
}
