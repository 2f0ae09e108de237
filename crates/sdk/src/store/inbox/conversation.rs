//! Read-mark events: the owner read a conversation (from any instance), the
//! peer read the owner's messages.

use super::Changes;
use crate::store::conversations::mark_read_in;
use crate::store::messages::query_keys;
use crate::store::{sql_u64, Result, Store};
use rusqlite::{params, OptionalExtension};

impl Store {
    /// Applies `conversationRead`: the unread count drops to what lies after
    /// `read_sequence`.
    pub(super) fn apply_read(
        &self,
        tx: &rusqlite::Connection,
        conversation_id: &str,
        read_sequence: u64,
        changes: &mut Changes,
    ) -> Result<()> {
        if mark_read_in(tx, &self.me, conversation_id, read_sequence)? {
            changes.conversations.insert(conversation_id.to_owned());
        }
        Ok(())
    }

    /// Applies `peerRead`: the owner's messages up to `read_sequence` become
    /// read by the peer (announced when this moved the mark).
    pub(super) fn apply_peer_read(
        &self,
        tx: &rusqlite::Connection,
        id: &str,
        read_sequence: u64,
        changes: &mut Changes,
    ) -> Result<()> {
        let old: Option<i64> = tx
            .prepare_cached(
                "SELECT peer_read_sequence
                FROM conversations
                WHERE conversation_id = ?1",
            )?
            .query_row(params![id], |r| r.get(0))
            .optional()?;
        let new = sql_u64(read_sequence);
        if let Some(old) = old.filter(|old| *old < new) {
            tx.prepare_cached(
                "UPDATE conversations
                SET peer_read_sequence = ?2
                WHERE conversation_id = ?1",
            )?
            .execute(params![id, new])?;
            let keys = query_keys(
                tx,
                "SELECT key FROM messages WHERE conversation_id = ?1 AND sender = ?2
                   AND sequence > ?3 AND sequence <= ?4 ORDER BY sequence",
                params![id, self.me, old, new],
            )?;
            if !keys.is_empty() {
                changes.read_by_peer.extend(keys);
                changes.conversations.insert(id.to_owned());
            }
        }
        Ok(())
    }
}
