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

/// Entries with `seq > after`, ascending, at most `limit`, and no more than
/// fit a response frame of `max_bytes` (at least one entry, so a reader
/// always moves on; one entry is far below any accepted cap).
pub(super) fn entries_after(
    conn: &Connection,
    owner: &UserId,
    after: u64,
    limit: u32,
    max_bytes: usize,
) -> Result<Vec<InboxEntry>, StoreError> {
    let after = i64::try_from(after).unwrap_or(i64::MAX);
    let mut stmt = conn.prepare_cached(
        "SELECT i.seq, i.event, m.message FROM inbox i
         LEFT JOIN messages m ON m.id = i.message_row
         WHERE i.owner = ?1 AND i.seq > ?2 ORDER BY i.seq LIMIT ?3",
    )?;
    let mut rows = stmt.query(params![owner.as_str(), after, limit])?;
    let mut entries = Vec::new();
    let mut used = SYNC_FRAME_OVERHEAD;
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
                    return Err(StoreError::Corrupt(format!(
                        "inbox entry {seq} of {owner} is empty"
                    )))
                }
            };
        // One comma between entries.
        let cost = len + usize::from(!entries.is_empty());
        if !entries.is_empty() && used + cost > max_bytes {
            break;
        }
        used += cost;
        entries.push(InboxEntry { seq, event });
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use confab_proto::message::{MessageElement, TextPayload, WireMessage};

    #[test]
    fn entry_lengths_are_the_encoded_lengths() {
        use confab_proto::message::{ConversationType, Priority};
        use confab_proto::MessageId;
        let message = WireMessage {
            id: MessageId("1-2-3".into()),
            conversation_type: ConversationType::C2c,
            from: UserId::new("alice"),
            to: "bob".into(),
            sequence: 1,
            time: 2,
            random: 3,
            element: MessageElement::Text(TextPayload { text: "héllo \"quoted\" ✓\n".into() }),
            priority: Priority::Normal,
            cloud_custom_data: "{\"r\":\"👍\"}".into(),
            nick: String::new(),
            avatar: String::new(),
            need_read_receipt: false,
            at_user_list: Vec::new(),
            excluded_from_unread_count: false,
            excluded_from_last_message: false,
            online_user_only: false,
            is_revoked: false,
            version: 0,
        };
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
