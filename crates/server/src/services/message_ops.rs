//! Operations on stored messages: revoke (the sender, within the revoke
//! window; in a group also its owner and admins, checklist 218/1160 and
//! issue 13), modify (permission, version and content-type checks) and
//! delete for one user, in C2C and group conversations. Every check runs inside the writer before
//! anything is written, so two concurrent modifications of one version
//! cannot both win. Revokes and modifications rewrite the stored message
//! (`isRevoked`, `version`), so every later read shows the current state;
//! the events carry the message as it became: in both participants'
//! inboxes for C2C, once on the group's timeline (pushed to its online
//! members) for a group.

use super::inbox;
use crate::store::{
    c2c_key, group_key, EventRecord, MessageRow, Store, StoreError, StoreFuture, WriteTx,
};
use confab_proto::inbox::{InboxEvent, TimelineEntry};
use confab_proto::message::{MessageElement, WireMessage};
use confab_proto::ops::{ModifyMessage, MAX_DELETE_MESSAGES};
use confab_proto::{code, ConversationId, ConversationKind, ErrorBody, GroupId, UserId};

fn not_found(message_id: &str) -> StoreError {
    StoreError::Refused(ErrorBody::new(
        code::ERR_SVR_MSG_NOT_FOUND,
        format!("message {message_id:?} does not exist in this conversation"),
    ))
}

/// Where a stored message lives, as its caller may reach it.
enum Place {
    /// A C2C conversation.
    C2c,
    /// A group the caller is a member of; `manager`: the caller is its
    /// owner or an admin.
    Group {
        /// The group or topic whose timeline the message is on.
        group: GroupId,
        /// Who hears of changes: the group, or the topic's community.
        audience: GroupId,
        /// The caller is the group's (community's) owner or an admin.
        manager: bool,
    },
}

/// The stored message `message_id` of `user`'s conversation
/// `conversation_id` (C2C, or a group `user` is a member of), with its row
/// and place; `None` when it is not there.
fn load(
    tx: &mut dyn WriteTx,
    user: &UserId,
    conversation_id: &ConversationId,
    message_id: &str,
) -> Result<Option<(MessageRow, WireMessage, Place)>, StoreError> {
    let (expected, place) = match conversation_id.kind() {
        Some(ConversationKind::C2c(peer)) => (c2c_key(user, &peer), Place::C2c),
        Some(ConversationKind::Group(group)) => {
            let group = GroupId::new(group);
            let found = match super::topic::place(tx, &group, user) {
                Ok(found) => found,
                Err(StoreError::Refused(_)) => return Ok(None),
                Err(e) => return Err(e),
            };
            let place = Place::Group {
                manager: found.record.role.is_manager(),
                audience: found.group.group_id.clone(),
                group: group.clone(),
            };
            (group_key(group.as_str()), place)
        }
        _ => return Ok(None),
    };
    let Some(row) = tx.message_row(message_id)? else { return Ok(None) };
    let Some((key, message)) = tx.load_message(row)? else { return Ok(None) };
    if key != expected {
        return Ok(None);
    }
    Ok((message.id.as_str() == message_id).then_some((row, message, place)))
}

/// Tells everyone who sees `message` about its change: both participants'
/// inboxes for C2C; the group's timeline (once) and its online members for
/// a group.
fn tell(
    tx: &mut dyn WriteTx,
    message: &WireMessage,
    place: &Place,
    event: impl Fn(WireMessage) -> InboxEvent,
) -> Result<(), StoreError> {
    match place {
        Place::C2c => {
            let to = UserId::new(message.to.clone());
            inbox::append(tx, &to, event(message.clone()), None)?;
            inbox::append(tx, &message.from, event(message.clone()), None)?;
        }
        Place::Group { group, audience, .. } => {
            let event = event(message.clone());
            let seq = tx.append_timeline(group.as_str(), EventRecord::Event(&event))?;
            let entry = TimelineEntry { seq, event };
            for delivery in super::group::timeline_deliveries_to(audience, group, entry, None) {
                tx.publish(delivery);
            }
        }
    }
    Ok(())
}

/// `revokeMessage`: see [`Store::revoke_message`].
fn revoke(
    tx: &mut dyn WriteTx,
    user: &UserId,
    conversation_id: &ConversationId,
    message_id: &str,
    now_secs: i64,
    window_secs: Option<i64>,
) -> Result<WireMessage, StoreError> {
    let Some((row, mut message, place)) = load(tx, user, conversation_id, message_id)? else {
        return Err(not_found(message_id));
    };
    // A group's owner and admins may revoke anyone's message there.
    let manager = matches!(place, Place::Group { manager: true, .. });
    if message.from != *user && !manager {
        return Err(StoreError::Refused(ErrorBody::new(
            code::MESSAGE_REVOKE_FAIL,
            "only the sender (or, in a group, its owner or an admin) can revoke a message",
        )));
    }
    if message.is_revoked {
        return Ok(message);
    }
    if let Some(window_secs) = window_secs {
        if now_secs.saturating_sub(message.time) > window_secs {
            return Err(StoreError::Refused(ErrorBody::new(
                code::MESSAGE_REVOKE_FAIL,
                format!("the message is older than the revoke window of {window_secs} s"),
            )));
        }
    }
    message.is_revoked = true;
    tx.update_message(row, &message)?;
    tell(tx, &message, &place, |message| InboxEvent::MessageRevoked { message })?;
    Ok(message)
}

/// Whether a message of this type may get another content (and type).
fn content_modifiable(element: &MessageElement) -> bool {
    matches!(
        element,
        MessageElement::Text(_)
            | MessageElement::Custom(_)
            | MessageElement::Location(_)
            | MessageElement::Face(_)
    )
}

/// `modifyMessage`: see [`Store::modify_message`]. The request is
/// validated (size, moderation) by the handler.
fn modify(
    tx: &mut dyn WriteTx,
    user: &UserId,
    request: ModifyMessage,
    payload_by_receiver: bool,
) -> Result<WireMessage, StoreError> {
    let id = request.message_id.as_str();
    let Some((row, mut message, place)) = load(tx, user, &request.conversation_id, id)? else {
        return Err(not_found(id));
    };
    if message.is_revoked {
        return Err(StoreError::Refused(ErrorBody::new(
            code::ERR_SVR_MSG_NOT_FOUND,
            "a revoked message cannot be modified",
        )));
    }
    if request.version != message.version {
        let data = serde_json::json!({ "message": message });
        return Err(StoreError::Refused(
            ErrorBody::new(
                code::MESSAGE_MODIFY_CONFLICT,
                format!(
                    "the message was modified meanwhile (version {} is not the latest, {})",
                    request.version, message.version
                ),
            )
            .with_data(data),
        ));
    }
    // Checked against the latest version (after the conflict check), so a
    // receiver changing only `cloudCustomData` of a stale copy gets 2480,
    // not a refusal.
    if request.element != message.element && message.from != *user && !payload_by_receiver {
        return Err(StoreError::Refused(ErrorBody::new(
            code::MODIFY_PERMISSION_DENIED,
            "only the sender can change a message's content; cloudCustomData may be changed",
        )));
    }
    if request.element != message.element
        && !(content_modifiable(&message.element) && content_modifiable(&request.element))
    {
        return Err(StoreError::Refused(ErrorBody::new(
            code::INVALID_OPERATION,
            "only text, custom, location and face messages can change their content",
        )));
    }
    message.element = request.element;
    message.cloud_custom_data = request.cloud_custom_data;
    message.version += 1;
    tx.update_message(row, &message)?;
    tell(tx, &message, &place, |message| InboxEvent::MessageModified { message })?;
    Ok(message)
}

/// `deleteMessages`: see [`Store::delete_messages`].
fn hide(
    tx: &mut dyn WriteTx,
    user: &UserId,
    conversation_id: &ConversationId,
    message_ids: &[String],
) -> Result<Vec<String>, StoreError> {
    let mut hidden = Vec::new();
    for id in message_ids.iter().take(MAX_DELETE_MESSAGES) {
        let Some((row, _, _)) = load(tx, user, conversation_id, id)? else { continue };
        tx.hide_message(user, row)?;
        hidden.push(id.clone());
    }
    Ok(hidden)
}

impl dyn Store {
    /// Revokes a stored C2C message `user` sent, if its time lies at most
    /// `window_secs` before `now_secs` (`None`: at any age, an
    /// administrator's recall); appends `messageRevoked` to both inboxes.
    /// A revoked message is returned as is. Refusals: 20026 for a message
    /// not in the conversation, 2110 for someone else's message or one past
    /// the window.
    pub(crate) fn revoke_message(
        &self,
        user: UserId,
        conversation_id: ConversationId,
        message_id: String,
        now_secs: i64,
        window_secs: Option<i64>,
    ) -> StoreFuture<WireMessage> {
        self.transact(move |tx| {
            revoke(tx, &user, &conversation_id, &message_id, now_secs, window_secs)
        })
    }

    /// Applies a validated modification by a participant; appends
    /// `messageModified` to both inboxes. Refusals: 20026 (unknown, not the
    /// caller's, revoked), 2480 with the latest message as `data.message`
    /// when `request.version` is stale, 10007
    /// (`MODIFY_PERMISSION_DENIED`) when the receiver changes the content
    /// and `payload_by_receiver` is false (`cloudCustomData` is open to
    /// both), 2905 for a content change of a file-like message.
    pub(crate) fn modify_message(
        &self,
        user: UserId,
        request: ModifyMessage,
        payload_by_receiver: bool,
    ) -> StoreFuture<WireMessage> {
        self.transact(move |tx| modify(tx, &user, request, payload_by_receiver))
    }

    /// Hides messages of one conversation from `user`'s history; returns
    /// the IDs that are hidden (unknown ones are skipped).
    pub(crate) fn delete_messages(
        &self,
        user: UserId,
        conversation_id: ConversationId,
        message_ids: Vec<String>,
    ) -> StoreFuture<Vec<String>> {
        self.transact(move |tx| hide(tx, &user, &conversation_id, &message_ids))
    }
}
