//! Operations on stored messages: `revokeMessage`, `modifyMessage` and
//! `deleteMessages` in C2C and group conversations, and
//! `getMessageListHopping` of C2C and group conversations.
//!
//! | op | condition | code |
//! |---|---|---|
//! | all | malformed conversation ID; not C2C or GROUP | 2503 `INVALID_CONVERSATION_ID` |
//! | hopping | a group the caller is not a stored member of (an AVChatRoom keeps no history) | 10007 `ERR_SVR_GROUP_PERMISSION_DENY` |
//! | revoke, modify | message not in the caller's conversation (in a group: the caller is not a member), never stored (`onlineUserOnly`, AVChatRoom) | 20026 |
//! | revoke | the caller is not the sender (nor, in a group, its owner or an admin), or the revoke window (`revoke_window_secs`) has passed (an administrator's REST recall has none) | 2110 `MESSAGE_REVOKE_FAIL` |
//! | modify | body over 12 KB | 80002 `ERR_SVR_COMM_BODY_SIZE_LIMIT` |
//! | modify | text with a filtered word (block mode) | 80001 `ERR_SVR_COMM_SENSITIVE_TEXT` |
//! | modify | the message is revoked | 20026 |
//! | modify | `version` is not the stored version | 2480 `MESSAGE_MODIFY_CONFLICT`, `data.message` = latest |
//! | modify | the receiver changes `type`/`payload` (unless `modify_by_receiver`) | 10007 `MODIFY_PERMISSION_DENIED` |
//! | modify | content or type change of an image/audio/video/file/merger message | 2905 `INVALID_OPERATION` |
//! | hopping | `direction` other than 0 or 1 | 2905 `INVALID_OPERATION` |
//!
//! Every check that needs stored state runs inside the writer, before it
//! writes, so two concurrent modifications of one version cannot both win.

use super::{from_store, reject, Caller, Reply};
use crate::server::ServerContext;
use confab_proto::message::body_size;
use confab_proto::ops::{
    DeleteMessages, DeleteMessagesResponse, GetMessageListHopping, GetMessageListHoppingResponse,
    ModifyMessage, ModifyMessageResponse, RevokeMessage, RevokeMessageResponse,
    MAX_DELETE_MESSAGES, MAX_HOPPING_COUNT,
};
use confab_proto::{
    code, ConversationId, ConversationKind, ErrorBody, GroupId, MAX_MESSAGE_BODY_BYTES,
};
use futures_util::FutureExt as _;

/// A C2C or group conversation ID (the ops on stored messages).
fn check_chat(id: &ConversationId) -> Result<(), ErrorBody> {
    match id.kind() {
        Some(confab_proto::ConversationKind::Group(group)) if !group.is_empty() => Ok(()),
        _ => check_c2c(id),
    }
}

fn check_c2c(id: &ConversationId) -> Result<(), ErrorBody> {
    match id.c2c_peer() {
        Some(peer) if confab_proto::account::validate_user_id(peer.as_str()).is_ok() => Ok(()),
        _ => Err(ErrorBody::new(
            code::INVALID_CONVERSATION_ID,
            format!("invalid C2C conversation ID {:?}", id.as_str()),
        )),
    }
}

/// `revokeMessage`: within the revoke window.
pub(crate) fn revoke_message(
    ctx: &ServerContext,
    caller: &Caller,
    request: RevokeMessage,
) -> Reply<RevokeMessageResponse> {
    revoke(ctx, caller, request, Some(ctx.config.revoke_window_secs))
}

/// An administrator's recall (TIM's REST `admin_msgwithdraw`), as the
/// sender, at any age: every other rule of [`revoke_message`] holds.
#[cfg(feature = "rest")]
pub(crate) fn recall_message_as_admin(
    ctx: &ServerContext,
    caller: &Caller,
    request: RevokeMessage,
) -> Reply<RevokeMessageResponse> {
    revoke(ctx, caller, request, None)
}

/// A revoke within `window_secs` of the message's time (`None`: any age).
fn revoke(
    ctx: &ServerContext,
    caller: &Caller,
    request: RevokeMessage,
    window_secs: Option<i64>,
) -> Reply<RevokeMessageResponse> {
    if let Err(e) = check_chat(&request.conversation_id) {
        return reject(e);
    }
    from_store(
        ctx.store.revoke_message(
            caller.user.clone(),
            request.conversation_id,
            request.message_id,
            ctx.clock.now_secs(),
            window_secs,
        ),
        |message| RevokeMessageResponse { message },
    )
}

/// `modifyMessage`.
pub(crate) fn modify_message(
    ctx: &ServerContext,
    caller: &Caller,
    request: ModifyMessage,
) -> Reply<ModifyMessageResponse> {
    let mut request = request;
    if let Err(e) = check_chat(&request.conversation_id) {
        return reject(e);
    }
    let size = body_size(&request.element, &request.cloud_custom_data);
    if size > MAX_MESSAGE_BODY_BYTES {
        return reject(ErrorBody::new(
            code::ERR_SVR_COMM_BODY_SIZE_LIMIT,
            format!("message body is {size} bytes; the limit is {MAX_MESSAGE_BODY_BYTES}"),
        ));
    }
    if let Err(e) = ctx.moderation.apply(&mut request.element) {
        return reject(e);
    }
    from_store(
        ctx.store.modify_message(caller.user.clone(), request, ctx.config.modify_by_receiver),
        |message| ModifyMessageResponse { message },
    )
}

/// `deleteMessages`.
pub(crate) fn delete_messages(
    ctx: &ServerContext,
    caller: &Caller,
    request: DeleteMessages,
) -> Reply<DeleteMessagesResponse> {
    if let Err(e) = check_chat(&request.conversation_id) {
        return reject(e);
    }
    let mut ids = request.message_id_list;
    ids.truncate(MAX_DELETE_MESSAGES);
    from_store(
        ctx.store.delete_messages(caller.user.clone(), request.conversation_id, ids),
        |message_id_list| DeleteMessagesResponse { message_id_list },
    )
}

/// `getMessageListHopping`.
pub(crate) fn get_message_list_hopping(
    ctx: &ServerContext,
    caller: &Caller,
    request: GetMessageListHopping,
) -> Reply<GetMessageListHoppingResponse> {
    let mut request = request;
    if let Err(e) = check_chat(&request.conversation_id) {
        return reject(e);
    }
    if request.direction > 1 {
        return reject(ErrorBody::new(
            code::INVALID_OPERATION,
            "direction must be 0 (older) or 1 (newer)",
        ));
    }
    request.count = match request.count {
        0 => MAX_HOPPING_COUNT,
        n => n.min(MAX_HOPPING_COUNT),
    };
    let Some(ConversationKind::Group(group)) = request.conversation_id.kind() else {
        return from_store(ctx.store.message_hopping(caller.user.clone(), request), |r| r);
    };
    // A group's history is its members' (from their join point).
    let member = ctx.store.member(GroupId::new(group.clone()), caller.user.clone());
    let store = std::sync::Arc::clone(&ctx.store);
    let user = caller.user.clone();
    async move {
        if member.await.map_err(super::store_error)?.is_none() {
            return Err(ErrorBody::new(
                code::ERR_SVR_GROUP_PERMISSION_DENY,
                format!("not a member of group {group}"),
            ));
        }
        store.message_hopping(user, request).await.map_err(super::store_error)
    }
    .boxed()
}

/// Adds this area's operations to the registry.
pub(crate) fn register(registry: &mut super::Registry) -> Result<(), super::RegistryError> {
    registry.service::<confab_proto::ops::RevokeMessage>(revoke_message)?;
    registry.service::<confab_proto::ops::ModifyMessage>(modify_message)?;
    registry.service::<confab_proto::ops::DeleteMessages>(delete_messages)?;
    registry.service::<confab_proto::ops::GetMessageListHopping>(get_message_list_hopping)?;
    Ok(())
}
