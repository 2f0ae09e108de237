//! A user's own settings of their conversations, inside the writer: pin,
//! remind type, marks and custom data (the request checks are in
//! `crate::handlers::conversation_settings`).
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
    ConversationFailure, ConversationIdResponse, ConversationResultResponse, ConversationSettings,
    RemindType, RemindTypeResponse,
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
            tx.load_member(&GroupId::new(group), owner)?.is_some()
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
    if tx.load_member(group, owner)?.is_none() {
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

/// What a `setMessageRemindType` targets.
#[derive(Clone, Debug)]
pub(crate) enum RemindTarget {
    /// A group of the caller's.
    Group(GroupId),
    /// C2C peers.
    Users(Vec<UserId>),
}

impl dyn Store {
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
