//! Conversations as stored: read marks (telling the reader's instances and
//! the peer) and deletion (the request checks are in
//! `crate::handlers::conversation`).

use super::inbox;
use crate::store::{Store, StoreError, StoreFuture, WriteTx};
use confab_proto::inbox::InboxEvent;
use confab_proto::ops::SetMessageReadResponse;
use confab_proto::{ConversationId, UserId};

/// Marks a C2C conversation read up to its last sequence, appends
/// `conversationRead` to the reader's inbox and `peerRead` to the peer's.
/// Reading a conversation already read changes nothing and tells nobody.
fn set_read(
    tx: &mut dyn WriteTx,
    user: &UserId,
    conversation_id: ConversationId,
) -> Result<SetMessageReadResponse, StoreError> {
    let Some(peer) = conversation_id.c2c_peer() else {
        return Err(StoreError::ConversationNotFound(conversation_id));
    };
    let Some(marks) = tx.read_marks(user, &conversation_id)? else {
        return Err(StoreError::ConversationNotFound(conversation_id));
    };
    let last_sequence = marks.last_sequence;
    if marks.read_sequence >= last_sequence && marks.unread_count == 0 {
        return Ok(SetMessageReadResponse { conversation_id, read_sequence: marks.read_sequence });
    }
    tx.mark_read(user, &conversation_id, last_sequence)?;
    let read = InboxEvent::ConversationRead {
        conversation_id: conversation_id.clone(),
        read_sequence: last_sequence,
    };
    inbox::append(tx, user, read, None)?;
    let peer_side = ConversationId::c2c(user);
    if tx.raise_peer_read(&peer, &peer_side, last_sequence)? {
        let peer_read =
            InboxEvent::PeerRead { conversation_id: peer_side, read_sequence: last_sequence };
        inbox::append(tx, &peer, peer_read, None)?;
    }
    Ok(SetMessageReadResponse { conversation_id, read_sequence: last_sequence })
}

impl dyn Store {
    /// Marks a C2C conversation read for `user` and tells the peer.
    pub(crate) fn set_message_read(
        &self,
        user: UserId,
        conversation_id: ConversationId,
    ) -> StoreFuture<SetMessageReadResponse> {
        self.transact(move |tx| set_read(tx, &user, conversation_id))
    }

    /// Marks the user's conversations deleted, optionally clearing their
    /// history; unknown ones are skipped.
    pub(crate) fn delete_conversations(
        &self,
        user: UserId,
        conversation_ids: Vec<ConversationId>,
        clear_history: bool,
    ) -> StoreFuture<()> {
        self.transact(move |tx| {
            for id in &conversation_ids {
                tx.delete_conversation(&user, id, clear_history)?;
            }
            Ok(())
        })
    }
}
