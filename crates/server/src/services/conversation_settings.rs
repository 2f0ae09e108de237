//! A user's own settings of their conversations, inside the writer: pin,
//! remind type, marks, custom data and conversation groups (folders) (the
//! request checks are in `crate::handlers::conversation_settings`).
//!
//! Conversation groups are told as `conversationGroupUpdated` (the whole
//! group, when made or its conversations changed), `conversationGroupDeleted`
//! and `conversationGroupRenamed`.
//!
//! Every change appends `conversationSettingsUpdated` with the
//! conversation's whole settings to the owner's inbox, pushed to every
//! session of the owner (the calling one too); a call that changes nothing
//! appends nothing. A conversation the owner does not have is a failure
//! (2500) in the list forms and a refusal in `pinConversation`; remind
//! types of C2C peers need only a registered peer (TIM sets them before a
//! conversation exists).

use super::inbox;
use crate::store::{Store, StoreError, StoreFuture, WriteTx};
use confab_proto::conversation::{
    ConversationFailure, ConversationGroupNameResponse, ConversationIdResponse,
    ConversationResultResponse, ConversationSettings, RemindType, RemindTypeResponse,
    MAX_CONVERSATION_GROUPS,
};
use confab_proto::inbox::InboxEvent;
use confab_proto::relation::{UserFailure, UserResult};
use confab_proto::{code, ConversationId, ConversationKind, ErrorBody, GroupId, UserId};

/// Why `owner` cannot set `conversation`, if they cannot: a malformed ID
/// (2503) or a conversation they do not have (2500).
fn unavailable(
    tx: &mut dyn WriteTx,
    owner: &UserId,
    conversation: &ConversationId,
) -> Result<Option<ErrorBody>, StoreError> {
    let has = match conversation.kind() {
        Some(ConversationKind::C2c(_)) => tx.read_marks(owner, conversation)?.is_some(),
        Some(ConversationKind::Group(group)) => {
            super::topic::member_record(tx, &GroupId::new(group), owner)?.is_some()
        }
        Some(ConversationKind::System) | None => {
            return Ok(Some(ErrorBody::new(
                code::INVALID_CONVERSATION_ID,
                format!("{conversation} is not a C2C or group conversation"),
            )));
        }
    };
    Ok((!has).then(|| {
        ErrorBody::new(
            code::CONVERSATION_NOT_FOUND,
            format!("you have no conversation {conversation}"),
        )
    }))
}

/// Applies `change` to `owner`'s settings of `conversation`; tells the
/// owner when they changed.
fn update(
    tx: &mut dyn WriteTx,
    owner: &UserId,
    conversation: &ConversationId,
    change: impl FnOnce(&mut ConversationSettings),
) -> Result<(), StoreError> {
    let before = tx.conversation_settings(owner, conversation)?;
    let mut settings = before.clone();
    change(&mut settings);
    settings.mark_list.sort_unstable();
    settings.mark_list.dedup();
    if settings == before {
        return Ok(());
    }
    tx.save_conversation_settings(owner, &settings)?;
    inbox::append(tx, owner, InboxEvent::ConversationSettingsUpdated { settings }, None)?;
    Ok(())
}

fn pin(
    tx: &mut dyn WriteTx,
    owner: &UserId,
    conversation: &ConversationId,
    pinned: bool,
    now_ms: i64,
) -> Result<ConversationIdResponse, StoreError> {
    if let Some(e) = unavailable(tx, owner, conversation)? {
        return Err(StoreError::Refused(e));
    }
    update(tx, owner, conversation, |s| {
        // Pinning a pinned conversation keeps its place.
        s.pin_time = match (pinned, s.pin_time) {
            (true, 0) => now_ms.max(1),
            (true, kept) => kept,
            (false, _) => 0,
        };
    })?;
    Ok(ConversationIdResponse { conversation_id: conversation.clone() })
}

fn remind_group(
    tx: &mut dyn WriteTx,
    owner: &UserId,
    group: &GroupId,
    remind: RemindType,
) -> Result<RemindTypeResponse, StoreError> {
    // A topic's remind type is its own (checklist 421); its members are
    // the community's.
    if super::topic::member_record(tx, group, owner)?.is_none() {
        return Err(StoreError::Refused(ErrorBody::new(
            code::ERR_SVR_GROUP_PERMISSION_DENY,
            format!("you are not a member of {group}"),
        )));
    }
    let conversation = ConversationId::group(group);
    update(tx, owner, &conversation, |s| s.message_remind_type = remind)?;
    Ok(RemindTypeResponse { group_id: Some(group.clone()), ..RemindTypeResponse::default() })
}

fn remind_users(
    tx: &mut dyn WriteTx,
    owner: &UserId,
    users: &[UserId],
    remind: RemindType,
) -> Result<RemindTypeResponse, StoreError> {
    let mut out = RemindTypeResponse::default();
    for user in users {
        if user == owner || !tx.user_exists(user)? {
            out.failure_user_id_list.push(UserFailure {
                user_id: user.clone(),
                code: code::USER_OR_GROUP_NOT_FOUND,
                message: format!("{user} is not a peer of yours"),
            });
            continue;
        }
        let conversation = ConversationId::c2c(user);
        update(tx, owner, &conversation, |s| s.message_remind_type = remind)?;
        out.success_user_id_list.push(UserResult { user_id: user.clone() });
    }
    Ok(out)
}

/// One change to each of a list of conversations.
fn each(
    tx: &mut dyn WriteTx,
    owner: &UserId,
    conversations: &[ConversationId],
    change: impl Fn(&mut ConversationSettings),
) -> Result<ConversationResultResponse, StoreError> {
    let mut out = ConversationResultResponse::default();
    for conversation in conversations {
        if let Some(e) = unavailable(tx, owner, conversation)? {
            out.failure_conversation_id_list.push(ConversationFailure {
                conversation_id: conversation.clone(),
                code: e.code,
                message: e.message,
            });
            continue;
        }
        update(tx, owner, conversation, &change)?;
        out.success_conversation_id_list.push(conversation.clone());
    }
    Ok(out)
}

fn group_exists(tx: &mut dyn WriteTx, owner: &UserId, name: &str) -> Result<(), StoreError> {
    if tx.conversation_group(owner, name)?.is_none() {
        return Err(StoreError::Refused(ErrorBody::new(
            code::CONVERSATION_GROUP_NOT_FOUND,
            format!("you have no conversation group {name:?}"),
        )));
    }
    Ok(())
}

fn name_free(tx: &mut dyn WriteTx, owner: &UserId, name: &str) -> Result<(), StoreError> {
    if tx.conversation_group(owner, name)?.is_some() {
        return Err(StoreError::Refused(ErrorBody::new(
            code::CONVERSATION_GROUP_EXISTS,
            format!("you have a conversation group {name:?} already"),
        )));
    }
    Ok(())
}

/// Tells the owner the group as it is now.
fn tell_group(tx: &mut dyn WriteTx, owner: &UserId, name: &str) -> Result<(), StoreError> {
    if let Some(group) = tx.conversation_group(owner, name)? {
        inbox::append(tx, owner, InboxEvent::ConversationGroupUpdated { group }, None)?;
    }
    Ok(())
}

/// Puts `conversations` in (or takes them out of) the owner's group `name`.
fn group_members(
    tx: &mut dyn WriteTx,
    owner: &UserId,
    name: &str,
    conversations: &[ConversationId],
    member: bool,
    created: bool,
) -> Result<ConversationResultResponse, StoreError> {
    let mut out = ConversationResultResponse::default();
    let mut changed = created;
    for conversation in conversations {
        let refusal = if member { unavailable(tx, owner, conversation)? } else { None };
        if let Some(e) = refusal {
            out.failure_conversation_id_list.push(ConversationFailure {
                conversation_id: conversation.clone(),
                code: e.code,
                message: e.message,
            });
            continue;
        }
        let did = tx.conversation_group_member(owner, name, conversation, member)?;
        if !member && !did {
            out.failure_conversation_id_list.push(ConversationFailure {
                conversation_id: conversation.clone(),
                code: code::CONVERSATION_NOT_FOUND,
                message: format!("{conversation} is not in {name:?}"),
            });
            continue;
        }
        changed |= did;
        out.success_conversation_id_list.push(conversation.clone());
    }
    if changed {
        tell_group(tx, owner, name)?;
    }
    Ok(out)
}

fn create_group(
    tx: &mut dyn WriteTx,
    owner: &UserId,
    name: &str,
    conversations: &[ConversationId],
) -> Result<ConversationResultResponse, StoreError> {
    name_free(tx, owner, name)?;
    if tx.conversation_group_count(owner)? >= MAX_CONVERSATION_GROUPS as u64 {
        return Err(StoreError::Refused(ErrorBody::new(
            code::CONVERSATION_GROUP_LIMIT,
            format!("you have {MAX_CONVERSATION_GROUPS} conversation groups already"),
        )));
    }
    tx.conversation_group_create(owner, name)?;
    group_members(tx, owner, name, conversations, true, true)
}

fn delete_group(
    tx: &mut dyn WriteTx,
    owner: &UserId,
    name: &str,
) -> Result<ConversationGroupNameResponse, StoreError> {
    group_exists(tx, owner, name)?;
    tx.conversation_group_delete(owner, name)?;
    inbox::append(tx, owner, InboxEvent::ConversationGroupDeleted { name: name.to_owned() }, None)?;
    Ok(ConversationGroupNameResponse { group_name: name.to_owned() })
}

fn rename_group(
    tx: &mut dyn WriteTx,
    owner: &UserId,
    old: &str,
    new: &str,
) -> Result<ConversationGroupNameResponse, StoreError> {
    group_exists(tx, owner, old)?;
    if old != new {
        name_free(tx, owner, new)?;
        tx.conversation_group_rename(owner, old, new)?;
        let event = InboxEvent::ConversationGroupRenamed {
            old_name: old.to_owned(),
            new_name: new.to_owned(),
        };
        inbox::append(tx, owner, event, None)?;
    }
    Ok(ConversationGroupNameResponse { group_name: new.to_owned() })
}

/// A conversation group change.
#[derive(Clone, Debug)]
pub(crate) enum GroupChange {
    /// `createConversationGroup`.
    Create(Vec<ConversationId>),
    /// `addConversationsToGroup`.
    Add(Vec<ConversationId>),
    /// `deleteConversationsFromGroup`.
    Remove(Vec<ConversationId>),
}

/// What a `setMessageRemindType` targets.
#[derive(Clone, Debug)]
pub(crate) enum RemindTarget {
    /// A group of the caller's.
    Group(GroupId),
    /// C2C peers.
    Users(Vec<UserId>),
}

impl dyn Store {
    /// `createConversationGroup`, `addConversationsToGroup`,
    /// `deleteConversationsFromGroup` (names and lists checked by the
    /// handler).
    pub(crate) fn change_conversation_group(
        &self,
        owner: UserId,
        name: String,
        change: GroupChange,
    ) -> StoreFuture<ConversationResultResponse> {
        self.transact(move |tx| match &change {
            GroupChange::Create(list) => create_group(tx, &owner, &name, list),
            GroupChange::Add(list) => {
                group_exists(tx, &owner, &name)?;
                group_members(tx, &owner, &name, list, true, false)
            }
            GroupChange::Remove(list) => {
                group_exists(tx, &owner, &name)?;
                group_members(tx, &owner, &name, list, false, false)
            }
        })
    }

    /// `deleteConversationGroup`.
    pub(crate) fn delete_conversation_group(
        &self,
        owner: UserId,
        name: String,
    ) -> StoreFuture<ConversationGroupNameResponse> {
        self.transact(move |tx| delete_group(tx, &owner, &name))
    }

    /// `renameConversationGroup`.
    pub(crate) fn rename_conversation_group(
        &self,
        owner: UserId,
        old: String,
        new: String,
    ) -> StoreFuture<ConversationGroupNameResponse> {
        self.transact(move |tx| rename_group(tx, &owner, &old, &new))
    }

    /// `pinConversation`.
    pub(crate) fn pin_conversation(
        &self,
        owner: UserId,
        conversation: ConversationId,
        pinned: bool,
        now_ms: i64,
    ) -> StoreFuture<ConversationIdResponse> {
        self.transact(move |tx| pin(tx, &owner, &conversation, pinned, now_ms))
    }

    /// `setMessageRemindType`.
    pub(crate) fn set_remind_type(
        &self,
        owner: UserId,
        target: RemindTarget,
        remind: RemindType,
    ) -> StoreFuture<RemindTypeResponse> {
        self.transact(move |tx| match &target {
            RemindTarget::Group(group) => remind_group(tx, &owner, group, remind),
            RemindTarget::Users(users) => remind_users(tx, &owner, users, remind),
        })
    }

    /// `markConversation` (a valid mark, checked by the handler).
    pub(crate) fn mark_conversations(
        &self,
        owner: UserId,
        conversations: Vec<ConversationId>,
        mark: u64,
        enable: bool,
    ) -> StoreFuture<ConversationResultResponse> {
        self.transact(move |tx| {
            each(tx, &owner, &conversations, |s| {
                s.mark_list.retain(|m| *m != mark);
                if enable {
                    s.mark_list.push(mark);
                }
            })
        })
    }

    /// `setConversationCustomData` (its size checked by the handler).
    pub(crate) fn set_conversation_custom_data(
        &self,
        owner: UserId,
        conversations: Vec<ConversationId>,
        data: String,
    ) -> StoreFuture<ConversationResultResponse> {
        self.transact(move |tx| {
            each(tx, &owner, &conversations, |s| s.custom_data.clone_from(&data))
        })
    }
}
