//! Inboxes: the per-user ordered log of events (`inbox` table). Sequences
//! are assigned by the writer ([`super::WriteCx::next_inbox_seq`]) in the
//! transaction that stores the change, so every inbox is gap-free.

use super::WriteCx;
use crate::fanout::{Delivery, SessionId};
use crate::store::StoreError;
use confab_proto::frame::Push;
use confab_proto::inbox::{InboxEntry, InboxEvent};
use confab_proto::message::WireMessage;
use confab_proto::UserId;
use rusqlite::{params, Connection};
use std::sync::Arc;

/// Newest sequence of the user's inbox (0 when empty).
pub(super) fn head(conn: &Connection, owner: &UserId) -> Result<u64, StoreError> {
    Ok(conn.query_row(
        "SELECT COALESCE(MAX(seq), 0) FROM inbox WHERE owner = ?1",
        [owner.as_str()],
        |r| r.get(0),
    )?)
}

/// Appends an event to the owner's inbox and queues its push for after the
/// commit (not to `skip`).
pub(super) fn append(
    conn: &Connection,
    cx: &mut WriteCx,
    owner: &UserId,
    event: InboxEvent,
    skip: Option<SessionId>,
) -> Result<InboxEntry, StoreError> {
    let seq = cx.next_inbox_seq(conn, owner)?;
    conn.prepare_cached("INSERT INTO inbox (owner, seq, event) VALUES (?1, ?2, ?3)")?
        .execute(params![owner.as_str(), seq, serde_json::to_string(&event)?])?;
    let entry = InboxEntry { seq, event };
    cx.push(Delivery { user: owner.clone(), push: Arc::new(Push::Inbox(entry.clone())), skip });
    Ok(entry)
}

/// Appends a `message` event for the stored message at `message_row`: the
/// inbox row refers to the message instead of copying it.
pub(super) fn append_message(
    conn: &Connection,
    cx: &mut WriteCx,
    owner: &UserId,
    message: &WireMessage,
    message_row: i64,
    skip: Option<SessionId>,
) -> Result<(), StoreError> {
    let seq = cx.next_inbox_seq(conn, owner)?;
    conn.prepare_cached("INSERT INTO inbox (owner, seq, message_row) VALUES (?1, ?2, ?3)")?
        .execute(params![owner.as_str(), seq, message_row])?;
    let event = InboxEvent::Message { message: message.clone() };
    let entry = InboxEntry { seq, event };
    cx.push(Delivery { user: owner.clone(), push: Arc::new(Push::Inbox(entry)), skip });
    Ok(())
}

/// Entries with `seq > after`, ascending, at most `limit`.
pub(super) fn entries_after(
    conn: &Connection,
    owner: &UserId,
    after: u64,
    limit: u32,
) -> Result<Vec<InboxEntry>, StoreError> {
    let after = i64::try_from(after).unwrap_or(i64::MAX);
    let mut stmt = conn.prepare_cached(
        "SELECT i.seq, i.event, m.message FROM inbox i
         LEFT JOIN messages m ON m.id = i.message_row
         WHERE i.owner = ?1 AND i.seq > ?2 ORDER BY i.seq LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![owner.as_str(), after, limit], |r| {
        Ok((r.get::<_, u64>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, Option<String>>(2)?))
    })?;
    let mut entries = Vec::new();
    for row in rows {
        let event = match row? {
            (seq, Some(event), _) => (seq, serde_json::from_str(&event)?),
            (seq, None, Some(message)) => {
                (seq, InboxEvent::Message { message: serde_json::from_str(&message)? })
            }
            (seq, None, None) => {
                return Err(StoreError::Corrupt(format!("inbox entry {seq} of {owner} is empty")))
            }
        };
        entries.push(InboxEntry { seq: event.0, event: event.1 });
    }
    Ok(entries)
}
