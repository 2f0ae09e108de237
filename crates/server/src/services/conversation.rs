//! Conversations as stored: read marks (telling the reader's instances and
//! the peer), reading everything, clearing history and deletion (the
//! request checks are in `crate::handlers::conversation`).

use super::inbox;
use crate::store::{Store, StoreError, StoreFuture, WriteTx};
use confab_proto::conversation::{ClearHistoryMessageResponse, ReadAllScope};
use confab_proto::inbox::InboxEvent;
use confab_proto::ops::SetMessageReadResponse;
use confab_proto::{ConversationId, ConversationKind, GroupId, UserId};

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

/// Reads every conversation of `user` in `scope` that has anything unread:
/// what changed, C2C first.
fn set_all_read(
    tx: &mut dyn WriteTx,
    user: &UserId,
    scope: ReadAllScope,
) -> Result<Vec<SetMessageReadResponse>, StoreError> {
    let mut read = Vec::new();
    if scope.c2c() {
        for id in tx.unread_conversations(user)? {
            read.push(set_read(tx, user, id)?);
        }
    }
    if scope.groups() {
        for group in tx.member_groups(user)? {
            let Some(record) = tx.load_member(&group, user)? else { continue };
            if record.read_sequence.max(record.history_from())
                >= tx.group_heads(&group)?.message_sequence
            {
                continue;
            }
            read.push(super::group::set_read(tx, user, &group)?);
        }
        // The topics of the communities with topics the user is in.
        for group in tx.member_groups(user)? {
            for topic in tx.topics_of(&group)? {
                let id = GroupId::new(topic.topic_id);
                let mine = tx.load_topic_member(id.as_str(), user)?;
                if mine.read_sequence.max(mine.join_sequence)
                    >= tx.group_heads(&id)?.message_sequence
                {
                    continue;
                }
                read.push(super::group::set_read(tx, user, &id)?);
            }
        }
    }
    Ok(read)
}

/// Moves `user`'s cleared point of a group to its newest message; `None`
/// when `user` is no stored member.
fn clear_group(
    tx: &mut dyn WriteTx,
    user: &UserId,
    group: &GroupId,
) -> Result<Option<u64>, StoreError> {
    let Some(mut record) = tx.load_member(group, user)? else { return Ok(None) };
    let head = tx.group_heads(group)?.message_sequence;
    record.cleared_sequence = record.cleared_sequence.max(head);
    tx.save_member(group, &record)?;
    Ok(Some(record.cleared_sequence))
}

/// Clears `user`'s history of a conversation (it stays) and tells the
/// user's instances (`conversationCleared`).
fn clear_history(
    tx: &mut dyn WriteTx,
    user: &UserId,
    conversation_id: ConversationId,
) -> Result<ClearHistoryMessageResponse, StoreError> {
    let cleared = match conversation_id.kind() {
        Some(ConversationKind::Group(group)) if confab_proto::topic::is_topic_id(&group) => {
            return Err(super::group::refused(
                confab_proto::code::ERR_SVR_GROUP_INVALID_PARAMETERS,
                "a topic's history is not cleared (checklist 391)",
            ));
        }
        Some(ConversationKind::Group(group)) => clear_group(tx, user, &GroupId::new(group))?,
        _ => tx.clear_conversation(user, &conversation_id)?,
    };
    let Some(cleared_sequence) = cleared else {
        return Err(StoreError::ConversationNotFound(conversation_id));
    };
    let event = InboxEvent::ConversationCleared {
        conversation_id: conversation_id.clone(),
        cleared_sequence,
    };
    inbox::append(tx, user, event, None)?;
    Ok(ClearHistoryMessageResponse { conversation_id, cleared_sequence })
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
                if let (true, Some(ConversationKind::Group(group))) = (clear_history, id.kind()) {
                    clear_group(tx, &user, &GroupId::new(group))?;
                }
                tx.delete_conversation(&user, id, clear_history)?;
            }
            Ok(())
        })
    }

    /// Reads every conversation of `user` in `scope` (`setAllMessageRead`).
    pub(crate) fn set_all_message_read(
        &self,
        user: UserId,
        scope: ReadAllScope,
    ) -> StoreFuture<Vec<SetMessageReadResponse>> {
        self.transact(move |tx| set_all_read(tx, &user, scope))
    }

    /// Clears `user`'s history of a conversation (`clearHistoryMessage`).
    pub(crate) fn clear_history_message(
        &self,
        user: UserId,
        conversation_id: ConversationId,
    ) -> StoreFuture<ClearHistoryMessageResponse> {
        self.transact(move |tx| clear_history(tx, &user, conversation_id))
    }
}
