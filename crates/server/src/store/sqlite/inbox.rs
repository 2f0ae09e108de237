//! Inboxes: the per-user ordered log of events (`inbox` table). Sequences
//! are assigned by the writer ([`super::WriteCx::next_inbox_seq`]) in the
//! transaction that stores the change, so every inbox is gap-free.

use super::WriteCx;
use crate::fanout::{Delivery, SessionId};
use crate::store::StoreError;
use confab_proto::frame::Push;
use confab_proto::inbox::{InboxEntry, InboxEvent};
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
    conn.execute(
        "INSERT INTO inbox (owner, seq, event) VALUES (?1, ?2, ?3)",
        params![owner.as_str(), seq, serde_json::to_string(&event)?],
    )?;
    let entry = InboxEntry { seq, event };
    cx.push(Delivery { user: owner.clone(), push: Arc::new(Push::Inbox(entry.clone())), skip });
    Ok(entry)
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
        "SELECT seq, event FROM inbox WHERE owner = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![owner.as_str(), after, limit], |r| {
        Ok((r.get::<_, u64>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut entries = Vec::new();
    for row in rows {
        let (seq, event) = row?;
        entries.push(InboxEntry { seq, event: serde_json::from_str(&event)? });
    }
    Ok(entries)
}
