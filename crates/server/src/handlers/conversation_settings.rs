//! A user's settings of their conversations: `pinConversation`,
//! `setMessageRemindType`, `markConversation`, `setConversationCustomData`
//! (the stored rules are in `crate::services::conversation_settings`).
//!
//! | operation | refused when | code |
//! |---|---|---|
//! | setMessageRemindType | neither or both of `groupID` and `userIDList`; over 30 userIDs | 20001 `MALFORMED_FRAME` |
//! | markConversation, setConversationCustomData | 0 or over 100 conversations | 20001 |
//! | markConversation | a `markType` that is not 1, 2, 4, 8 or `2^n` with `32 <= n < 64` | 20001 |
//! | setConversationCustomData | `customData` over 256 bytes | 20001 |
//! | pinConversation | a malformed ID / a conversation the caller does not have | 2503 / 2500 |
//! | setMessageRemindType (group) | the caller is not a member | 10007 |
//! | conversation groups | a name empty or over 32 bytes; 0 or over 100 conversations | 20001 |
//! | create / rename | the name is taken | 90017 `CONVERSATION_GROUP_EXISTS` |
//! | create | the caller has 50 groups | 90016 `CONVERSATION_GROUP_LIMIT` |
//! | delete / rename / add / remove | no such group | 90018 `CONVERSATION_GROUP_NOT_FOUND` |

use super::{from_store, reject, Caller, Reply};
use crate::server::ServerContext;
use crate::services::conversation_settings::{GroupChange, RemindTarget};
use confab_proto::conversation::{
    valid_mark, AddConversationsToGroup, ConversationGroupNameResponse, ConversationIdResponse,
    ConversationResultResponse, CreateConversationGroup, DeleteConversationGroup,
    DeleteConversationsFromGroup, MarkConversation, PinConversation, RemindTypeResponse,
    RenameConversationGroup, SetConversationCustomData, SetMessageRemindType,
    MAX_CONVERSATIONS_PER_CALL, MAX_CONVERSATION_CUSTOM_DATA_BYTES,
    MAX_CONVERSATION_GROUP_NAME_BYTES, MAX_REMIND_USERS_PER_CALL,
};
use confab_proto::{code, ConversationId, ErrorBody};

fn malformed(message: String) -> ErrorBody {
    ErrorBody::new(code::MALFORMED_FRAME, message)
}

/// `conversations` each once, when there are 1 to 100 of them.
fn conversation_list(conversations: Vec<ConversationId>) -> Result<Vec<ConversationId>, ErrorBody> {
    if conversations.is_empty() || conversations.len() > MAX_CONVERSATIONS_PER_CALL {
        return Err(malformed(format!(
            "conversationIDList must hold 1 to {MAX_CONVERSATIONS_PER_CALL} conversations, not {}",
            conversations.len()
        )));
    }
    let mut seen = std::collections::HashSet::new();
    Ok(conversations.into_iter().filter(|c| seen.insert(c.clone())).collect())
}

/// The target of a `setMessageRemindType`, or why it has none.
fn remind_target(request: &SetMessageRemindType) -> Result<RemindTarget, ErrorBody> {
    match (&request.group_id, request.user_id_list.is_empty()) {
        (Some(group), true) => Ok(RemindTarget::Group(group.clone())),
        (None, false) => Ok(RemindTarget::Users(super::id_list(
            request.user_id_list.clone(),
            1,
            MAX_REMIND_USERS_PER_CALL,
            code::MALFORMED_FRAME,
        )?)),
        _ => Err(malformed("name either groupID or userIDList".into())),
    }
}

/// `pinConversation`.
pub(crate) fn pin_conversation(
    ctx: &ServerContext,
    caller: &Caller,
    request: PinConversation,
) -> Reply<ConversationIdResponse> {
    from_store(
        ctx.store.pin_conversation(
            caller.user.clone(),
            request.conversation_id,
            request.is_pinned,
            ctx.clock.now_ms(),
        ),
        |r| r,
    )
}

/// `setMessageRemindType`.
pub(crate) fn set_message_remind_type(
    ctx: &ServerContext,
    caller: &Caller,
    request: SetMessageRemindType,
) -> Reply<RemindTypeResponse> {
    match remind_target(&request) {
        Ok(target) => from_store(
            ctx.store.set_remind_type(caller.user.clone(), target, request.message_remind_type),
            |r| r,
        ),
        Err(e) => reject(e),
    }
}

/// `markConversation`.
pub(crate) fn mark_conversation(
    ctx: &ServerContext,
    caller: &Caller,
    request: MarkConversation,
) -> Reply<ConversationResultResponse> {
    if !valid_mark(request.mark_type) {
        return reject(malformed(format!(
            "markType {} is neither a built-in mark (1, 2, 4, 8) nor 2^n with 32 <= n < 64",
            request.mark_type
        )));
    }
    match conversation_list(request.conversation_id_list) {
        Ok(list) => from_store(
            ctx.store.mark_conversations(
                caller.user.clone(),
                list,
                request.mark_type,
                request.enable_mark,
            ),
            |r| r,
        ),
        Err(e) => reject(e),
    }
}

/// `setConversationCustomData`.
pub(crate) fn set_conversation_custom_data(
    ctx: &ServerContext,
    caller: &Caller,
    request: SetConversationCustomData,
) -> Reply<ConversationResultResponse> {
    if request.custom_data.len() > MAX_CONVERSATION_CUSTOM_DATA_BYTES {
        return reject(malformed(format!(
            "customData is {} bytes; at most {MAX_CONVERSATION_CUSTOM_DATA_BYTES}",
            request.custom_data.len()
        )));
    }
    match conversation_list(request.conversation_id_list) {
        Ok(list) => from_store(
            ctx.store.set_conversation_custom_data(caller.user.clone(), list, request.custom_data),
            |r| r,
        ),
        Err(e) => reject(e),
    }
}

fn group_name(name: &str) -> Result<(), ErrorBody> {
    if name.is_empty() || name.len() > MAX_CONVERSATION_GROUP_NAME_BYTES {
        return Err(malformed(format!(
            "a conversation group name is 1 to {MAX_CONVERSATION_GROUP_NAME_BYTES} bytes, not {}",
            name.len()
        )));
    }
    Ok(())
}

fn change_group(
    ctx: &ServerContext,
    caller: &Caller,
    name: String,
    list: Vec<ConversationId>,
    make: fn(Vec<ConversationId>) -> GroupChange,
) -> Reply<ConversationResultResponse> {
    match group_name(&name).and_then(|()| conversation_list(list)) {
        Ok(list) => from_store(
            ctx.store.change_conversation_group(caller.user.clone(), name, make(list)),
            |r| r,
        ),
        Err(e) => reject(e),
    }
}

/// `createConversationGroup`.
pub(crate) fn create_conversation_group(
    ctx: &ServerContext,
    caller: &Caller,
    request: CreateConversationGroup,
) -> Reply<ConversationResultResponse> {
    change_group(ctx, caller, request.group_name, request.conversation_id_list, GroupChange::Create)
}

/// `addConversationsToGroup`.
pub(crate) fn add_conversations_to_group(
    ctx: &ServerContext,
    caller: &Caller,
    request: AddConversationsToGroup,
) -> Reply<ConversationResultResponse> {
    change_group(ctx, caller, request.group_name, request.conversation_id_list, GroupChange::Add)
}

/// `deleteConversationsFromGroup`.
pub(crate) fn delete_conversations_from_group(
    ctx: &ServerContext,
    caller: &Caller,
    request: DeleteConversationsFromGroup,
) -> Reply<ConversationResultResponse> {
    change_group(ctx, caller, request.group_name, request.conversation_id_list, GroupChange::Remove)
}

/// `deleteConversationGroup`.
pub(crate) fn delete_conversation_group(
    ctx: &ServerContext,
    caller: &Caller,
    request: DeleteConversationGroup,
) -> Reply<ConversationGroupNameResponse> {
    if let Err(e) = group_name(&request.group_name) {
        return reject(e);
    }
    from_store(ctx.store.delete_conversation_group(caller.user.clone(), request.group_name), |r| r)
}

/// `renameConversationGroup`.
pub(crate) fn rename_conversation_group(
    ctx: &ServerContext,
    caller: &Caller,
    request: RenameConversationGroup,
) -> Reply<ConversationGroupNameResponse> {
    if let Err(e) = group_name(&request.old_name).and_then(|()| group_name(&request.new_name)) {
        return reject(e);
    }
    from_store(
        ctx.store.rename_conversation_group(
            caller.user.clone(),
            request.old_name,
            request.new_name,
        ),
        |r| r,
    )
}

/// Registers the conversation settings operations.
pub(crate) fn register(registry: &mut super::Registry) -> Result<(), super::RegistryError> {
    registry.service::<PinConversation>(pin_conversation)?;
    registry.service::<SetMessageRemindType>(set_message_remind_type)?;
    registry.service::<MarkConversation>(mark_conversation)?;
    registry.service::<SetConversationCustomData>(set_conversation_custom_data)?;
    registry.service::<CreateConversationGroup>(create_conversation_group)?;
    registry.service::<DeleteConversationGroup>(delete_conversation_group)?;
    registry.service::<RenameConversationGroup>(rename_conversation_group)?;
    registry.service::<AddConversationsToGroup>(add_conversations_to_group)?;
    registry.service::<DeleteConversationsFromGroup>(delete_conversations_from_group)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use confab_proto::conversation::RemindType;
    use confab_proto::{GroupId, UserId};

    /// Checklist 408–417, 432–440: the targets and limits.
    #[test]
    fn settings_requests_are_checked() {
        let request = |group: Option<&str>, users: usize| SetMessageRemindType {
            group_id: group.map(GroupId::new),
            user_id_list: (0..users).map(|i| UserId::new(format!("u{i}"))).collect(),
            message_remind_type: RemindType::Discard,
        };
        assert!(matches!(remind_target(&request(Some("g"), 0)), Ok(RemindTarget::Group(_))));
        assert!(
            matches!(remind_target(&request(None, 30)), Ok(RemindTarget::Users(u)) if u.len() == 30)
        );
        for bad in [request(None, 31), request(None, 0), request(Some("g"), 1)] {
            assert_eq!(remind_target(&bad).expect_err("refused").code, code::MALFORMED_FRAME);
        }
        let ids =
            |n: usize| (0..n).map(|i| ConversationId::from(format!("C2Cu{i}").as_str())).collect();
        assert!(conversation_list(ids(100)).is_ok());
        assert!(conversation_list(ids(101)).is_err() && conversation_list(ids(0)).is_err());
    }
}
