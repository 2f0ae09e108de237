//! Message extensions as stored (`setMessageExtensions`,
//! `getMessageExtensions`, `deleteMessageExtensions`; the request checks
//! are in `crate::handlers::extension`). A write is applied key by key
//! when it was made from the key's current version (0: the key does not
//! exist) and answered with code 23001 and the current value otherwise;
//! what was applied is told to everyone in the conversation: both
//! participants' inboxes for C2C, the group's timeline for a group
//! (`messageExtensionsUpdated` / `messageExtensionsDeleted`).

use super::inbox;
use crate::store::{
    c2c_key, group_key, EventRecord, MessageRow, Store, StoreError, StoreFuture, WriteTx,
};
use confab_proto::extension::{ExtensionResult, MessageExtension, MAX_EXTENSIONS_PER_MESSAGE};
use confab_proto::group::GroupType;
use confab_proto::inbox::{InboxEvent, TimelineEntry};
use confab_proto::message::WireMessage;
use confab_proto::{code, ConversationId, ConversationKind, ErrorBody, GroupId, UserId};

fn refused(code: i32, message: String) -> StoreError {
    StoreError::Refused(ErrorBody::new(code, message))
}

/// An extensible stored message of `user`'s conversation, with its group
/// (group messages).
fn load(
    tx: &mut dyn WriteTx,
    user: &UserId,
    conversation_id: &ConversationId,
    message_id: &str,
) -> Result<(MessageRow, WireMessage, Option<GroupId>), StoreError> {
    let not_found = || {
        refused(
            code::ERR_SVR_MSG_NOT_FOUND,
            format!("message {message_id:?} is not in {}", conversation_id.as_str()),
        )
    };
    let (key, group) = match conversation_id.kind() {
        Some(ConversationKind::C2c(peer)) => (c2c_key(user, &peer), None),
        Some(ConversationKind::Group(group)) => {
            let group = GroupId::new(group);
            let host = if confab_proto::topic::is_topic_id(group.as_str()) {
                confab_proto::topic::community_of(group.as_str()).unwrap_or_else(|| group.clone())
            } else {
                group.clone()
            };
            let Some(profile) = tx.load_group(&host)? else { return Err(not_found()) };
            if profile.group_type == GroupType::AvChatRoom {
                return Err(refused(
                    code::INVALID_OPERATION,
                    "AVChatRoom messages have no extensions".into(),
                ));
            }
            if super::topic::member_record(tx, &group, user)?.is_none() {
                return Err(super::group::not_member(&group));
            }
            (group_key(group.as_str()), Some(group))
        }
        _ => {
            return Err(refused(
                code::INVALID_CONVERSATION_ID,
                format!("invalid conversation ID {:?}", conversation_id.as_str()),
            ))
        }
    };
    let Some(row) = tx.message_row(message_id)? else { return Err(not_found()) };
    let Some((k, message)) = tx.load_message(row)? else { return Err(not_found()) };
    if k != key || !message.visible_to(user.as_str()) {
        return Err(not_found());
    }
    if !message.is_support_extension {
        return Err(refused(
            code::INVALID_OPERATION,
            "the message was not created with isSupportExtension".into(),
        ));
    }
    Ok((row, message, group))
}

/// Tells everyone who sees `message` (see the module documentation).
fn tell(
    tx: &mut dyn WriteTx,
    message: &WireMessage,
    group: Option<&GroupId>,
    event: impl Fn(ConversationId) -> InboxEvent,
) -> Result<(), StoreError> {
    match group {
        None => {
            let to = UserId::new(message.to.clone());
            inbox::append(tx, &to, event(ConversationId::c2c(&message.from)), None)?;
            inbox::append(tx, &message.from, event(ConversationId::c2c(&to)), None)?;
        }
        Some(group) => {
            let event = event(ConversationId::group(group));
            let seq = tx.append_timeline(group.as_str(), EventRecord::Event(&event))?;
            let entry = TimelineEntry { seq, event };
            let audience = confab_proto::topic::community_of(group.as_str())
                .filter(|_| confab_proto::topic::is_topic_id(group.as_str()))
                .unwrap_or_else(|| group.clone());
            for delivery in super::group::timeline_deliveries_to(&audience, group, entry, None) {
                tx.publish(delivery);
            }
        }
    }
    Ok(())
}

fn conflict(current: Option<&MessageExtension>, key: &str) -> ExtensionResult {
    ExtensionResult {
        code: code::MESSAGE_EXTENSION_CONFLICT,
        key: key.to_owned(),
        value: current.map(|c| c.value.clone()).unwrap_or_default(),
        seq: current.map_or(0, |c| c.seq),
    }
}

fn set(
    tx: &mut dyn WriteTx,
    user: &UserId,
    conversation_id: &ConversationId,
    message_id: &str,
    writes: Vec<MessageExtension>,
) -> Result<Vec<ExtensionResult>, StoreError> {
    let (row, message, group) = load(tx, user, conversation_id, message_id)?;
    let existing = tx.extensions_of(row)?;
    let new_keys = writes.iter().filter(|w| !existing.iter().any(|e| e.key == w.key)).count();
    if existing.len() + new_keys > MAX_EXTENSIONS_PER_MESSAGE {
        return Err(refused(
            code::ERR_SVR_MSG_PKG_PARSE_FAILED,
            format!(
                "a message has at most {MAX_EXTENSIONS_PER_MESSAGE} extensions; it has {} and {new_keys} would be added",
                existing.len()
            ),
        ));
    }
    let mut results = Vec::with_capacity(writes.len());
    let mut written = Vec::new();
    for w in writes {
        let current = existing.iter().find(|e| e.key == w.key);
        if current.map_or(0, |c| c.seq) != w.seq {
            results.push(conflict(current, &w.key));
            continue;
        }
        let seq = tx.next_extension_seq(row)?;
        let saved = MessageExtension { key: w.key, value: w.value, seq };
        tx.save_extension(row, &saved)?;
        results.push(ExtensionResult {
            code: 0,
            key: saved.key.clone(),
            value: saved.value.clone(),
            seq,
        });
        written.push(saved);
    }
    if !written.is_empty() {
        let id = message.id.0.clone();
        tell(tx, &message, group.as_ref(), |conversation_id| {
            InboxEvent::MessageExtensionsUpdated {
                conversation_id,
                message_id: id.clone(),
                extensions: written.clone(),
            }
        })?;
    }
    Ok(results)
}

fn delete(
    tx: &mut dyn WriteTx,
    user: &UserId,
    conversation_id: &ConversationId,
    message_id: &str,
    keys: Vec<MessageExtension>,
) -> Result<Vec<ExtensionResult>, StoreError> {
    let (row, message, group) = load(tx, user, conversation_id, message_id)?;
    let existing = tx.extensions_of(row)?;
    // No list: every key, whatever its version.
    let keys = if keys.is_empty() { existing.clone() } else { keys };
    let mut results = Vec::with_capacity(keys.len());
    let mut deleted = Vec::new();
    for k in keys {
        let current = existing.iter().find(|e| e.key == k.key);
        match current {
            Some(c) if c.seq == k.seq => {
                tx.delete_extension(row, &c.key)?;
                results.push(ExtensionResult { code: 0, key: c.key.clone(), ..Default::default() });
                deleted.push(c.key.clone());
            }
            // Deleting a key that is not there, from "not there": done.
            None if k.seq == 0 => {
                results.push(ExtensionResult { code: 0, key: k.key, ..Default::default() });
            }
            _ => results.push(conflict(current, &k.key)),
        }
    }
    if !deleted.is_empty() {
        let id = message.id.0.clone();
        tell(tx, &message, group.as_ref(), |conversation_id| {
            InboxEvent::MessageExtensionsDeleted {
                conversation_id,
                message_id: id.clone(),
                key_list: deleted.clone(),
            }
        })?;
    }
    Ok(results)
}

impl dyn Store {
    /// `setMessageExtensions` (see the module documentation).
    pub(crate) fn set_message_extensions(
        &self,
        user: UserId,
        conversation_id: ConversationId,
        message_id: String,
        extensions: Vec<MessageExtension>,
    ) -> StoreFuture<Vec<ExtensionResult>> {
        self.transact(move |tx| set(tx, &user, &conversation_id, &message_id, extensions))
    }

    /// `deleteMessageExtensions` (see the module documentation).
    pub(crate) fn delete_message_extensions(
        &self,
        user: UserId,
        conversation_id: ConversationId,
        message_id: String,
        keys: Vec<MessageExtension>,
    ) -> StoreFuture<Vec<ExtensionResult>> {
        self.transact(move |tx| delete(tx, &user, &conversation_id, &message_id, keys))
    }

    /// `getMessageExtensions`: the message's extensions, by key (read in
    /// the writer, where the checks of a write run too).
    pub(crate) fn message_extensions(
        &self,
        user: UserId,
        conversation_id: ConversationId,
        message_id: String,
    ) -> StoreFuture<Vec<MessageExtension>> {
        self.transact(move |tx| {
            let (row, _, _) = load(tx, &user, &conversation_id, &message_id)?;
            tx.extensions_of(row)
        })
    }
}
