//! Messages: `sendMessage` and `getMessageList`.
//!
//! `sendMessage` of a group message is served by `super::group_message`.
//! For C2C it checks, in this order:
//!
//! | condition | code |
//! |---|---|
//! | `conversationType` is not `C2C` | 2106 `MESSAGE_SEND_INVALID_CONVERSATION_TYPE` |
//! | a group tip or group system notice (only the server makes them) | 2106 `MESSAGE_SEND_INVALID_CONVERSATION_TYPE` |
//! | `onlineUserOnly` together with `messageControlInfo` | 2100 `MESSAGE_SEND_FAIL` |
//! | body (payload + `cloudCustomData`) over 12 KB | 80002 `ERR_SVR_COMM_BODY_SIZE_LIMIT` |
//! | `random` is 0 or above 2^53 − 1 | 20001 `ERR_SVR_MSG_PKG_PARSE_FAILED` |
//! | `to` is the sender | 90008 `CANNOT_MESSAGE_SELF` |
//! | `to` is not a registered user | 2501 `USER_OR_GROUP_NOT_FOUND` |
//! | a text with a word of the profanity filter (block mode) | 80001 `ERR_SVR_COMM_SENSITIVE_TEXT` |
//! | the sender is over the send rate (`send_rate_per_sec`, `send_burst`) | 2996 `OVER_FREQUENCY_LIMIT` |
//! | the element names a file the sender may not download (checked by the writer) | 90009 `FILE_ACCESS_DENIED` |
//!
//! In mask mode the filter rewrites the matched characters to `*` instead.
//! `messageControlInfo.excludedFromContentModeration` skips it only when
//! the server allows that (`allow_moderation_exclusion`); otherwise the
//! flag is ignored (TIM refuses nothing for it) and the filter applies.
//! The rate is checked after the request's own checks, so a malformed or
//! filtered request costs no allowance.
//!
//! A `random` the sender used before returns the original message with
//! `duplicate: true` and changes nothing.

use super::{from_store, reject, Caller, Reply};
use crate::server::ServerContext;
use crate::services::message::NewMessage;
use confab_proto::message::ConversationType;
use confab_proto::ops::{GetMessageList, GetMessageListResponse, SendMessage, SendMessageResponse};
use confab_proto::{code, ConversationKind, ErrorBody, UserId, MAX_MESSAGE_BODY_BYTES};

/// Largest `random` (TIM's client message ID fits a JavaScript number).
pub(crate) const MAX_RANDOM: u64 = (1 << 53) - 1;

/// Largest `getMessageList` page.
pub(crate) const MAX_PAGE: u32 = 100;

/// Page size when the client asks for 0 messages (TIM's default page).
pub(crate) const DEFAULT_PAGE: u32 = 15;

/// Checks a `sendMessage` request; returns the receiver.
pub(crate) fn validate_send(from: &UserId, request: &SendMessage) -> Result<UserId, ErrorBody> {
    let message = &request.message;
    if message.conversation_type != ConversationType::C2c {
        return Err(ErrorBody::new(
            code::MESSAGE_SEND_INVALID_CONVERSATION_TYPE,
            "only C2C messages can be sent with this protocol version",
        ));
    }
    if message.element.is_server_made() {
        return Err(ErrorBody::new(
            code::MESSAGE_SEND_INVALID_CONVERSATION_TYPE,
            "group tips and system notices are made by the server",
        ));
    }
    if !message.at_user_list.is_empty() {
        return Err(ErrorBody::new(
            code::MESSAGE_SEND_INVALID_CONVERSATION_TYPE,
            "@ mentions (atUserList) are for group messages only",
        ));
    }
    if request.online_user_only && request.message_control_info.is_some() {
        return Err(ErrorBody::new(
            code::MESSAGE_SEND_FAIL,
            "onlineUserOnly cannot be combined with messageControlInfo",
        ));
    }
    let size = message.body_size();
    if size > MAX_MESSAGE_BODY_BYTES {
        return Err(ErrorBody::new(
            code::ERR_SVR_COMM_BODY_SIZE_LIMIT,
            format!("message body is {size} bytes; the limit is {MAX_MESSAGE_BODY_BYTES}"),
        ));
    }
    if message.random == 0 || message.random > MAX_RANDOM {
        return Err(ErrorBody::new(
            code::ERR_SVR_MSG_PKG_PARSE_FAILED,
            "random must be between 1 and 2^53 - 1",
        ));
    }
    if message.to == from.as_str() {
        return Err(ErrorBody::new(code::CANNOT_MESSAGE_SELF, "cannot send a message to oneself"));
    }
    if confab_proto::account::validate_user_id(&message.to).is_err() {
        return Err(ErrorBody::new(
            code::USER_OR_GROUP_NOT_FOUND,
            format!("user {:?} does not exist", message.to),
        ));
    }
    Ok(UserId::new(message.to.clone()))
}

/// `sendMessage`.
pub(crate) fn send_message(
    ctx: &ServerContext,
    caller: &Caller,
    request: SendMessage,
) -> Reply<SendMessageResponse> {
    if request.message.conversation_type == ConversationType::Group {
        return super::group_message::send_group_message(ctx, caller, request);
    }
    send_c2c(ctx, caller, request, Metering::PerMessage)
}

/// How a C2C send uses its sender's send rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Metering {
    /// The send takes one send of the allowance (every session send).
    PerMessage,
    /// The caller took the allowance for it already: a REST batch takes
    /// one for the whole batch, as TIM meters its calls, not its receivers.
    #[cfg(feature = "rest")]
    Prepaid,
}

/// The C2C part of `sendMessage`, checked in the module's order; the rate
/// as `metering` says.
pub(crate) fn send_c2c(
    ctx: &ServerContext,
    caller: &Caller,
    request: SendMessage,
    metering: Metering,
) -> Reply<SendMessageResponse> {
    let to = match validate_send(&caller.user, &request) {
        Ok(to) => to,
        Err(e) => return reject(e),
    };
    let mut control = request.message_control_info.unwrap_or_default();
    if !ctx.config.allow_moderation_exclusion {
        // A client does not decide that its text goes unchecked.
        control.excluded_from_content_moderation = false;
    }
    let mut message = request.message;
    if !control.excluded_from_content_moderation {
        if let Err(e) = ctx.moderation.apply(&mut message.element) {
            return reject(e);
        }
    }
    if metering == Metering::PerMessage {
        let nodes = ctx.sessions.nodes_of(&caller.user);
        if let Err(e) = ctx.send_rate.check(&caller.user, ctx.clock.now_ms(), nodes) {
            return reject(e);
        }
    }
    let new = NewMessage {
        from: caller.user.clone(),
        to,
        random: message.random,
        // Milliseconds on the wire; the ID takes whole seconds (none sent,
        // or before 1970: 0, so such a client's resends match by random).
        client_time: u64::try_from(message.client_time).map_or(0, |ms| ms / 1000),
        element: message.element,
        priority: message.priority,
        cloud_custom_data: message.cloud_custom_data,
        need_read_receipt: message.need_read_receipt,
        is_support_extension: message.is_support_extension,
        at_user_list: message.at_user_list,
        control,
        online_user_only: request.online_user_only,
        require_friendship: ctx.config.c2c_requires_friendship,
        time: ctx.clock.now_secs(),
        origin: Some(caller.session),
    };
    if let Some(hooks) = crate::webhook::for_caller(ctx, caller) {
        return crate::webhook::c2c_send(ctx, caller, hooks, new);
    }
    from_store(ctx.store.send_message(new), |r| r)
}

/// `getMessageList`: the caller's view of a conversation's history.
pub(crate) fn get_message_list(
    ctx: &ServerContext,
    caller: &Caller,
    request: GetMessageList,
) -> Reply<GetMessageListResponse> {
    let valid = match request.conversation_id.kind() {
        Some(ConversationKind::C2c(peer)) => {
            confab_proto::account::validate_user_id(peer.as_str()).is_ok()
        }
        Some(ConversationKind::Group(_) | ConversationKind::System) => true,
        None => false,
    };
    if !valid {
        return reject(ErrorBody::new(
            code::INVALID_CONVERSATION_ID,
            format!("invalid conversation ID {:?}", request.conversation_id.as_str()),
        ));
    }
    let count = match request.count {
        0 => DEFAULT_PAGE,
        n => n.min(MAX_PAGE),
    };
    if let Some(ConversationKind::Group(group)) = request.conversation_id.kind() {
        return super::group_message::group_message_list(
            ctx,
            caller,
            confab_proto::GroupId::new(group),
            request.before_sequence,
            count,
        );
    }
    from_store(
        ctx.store.message_list(
            caller.user.clone(),
            request.conversation_id,
            request.before_sequence,
            count,
        ),
        |r| r,
    )
}

/// Adds this area's operations to the registry.
pub(crate) fn register(registry: &mut super::Registry) -> Result<(), super::RegistryError> {
    registry.service::<confab_proto::ops::SendMessage>(send_message)?;
    registry.service::<confab_proto::ops::GetMessageList>(get_message_list)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use confab_proto::message::MessageControlInfo;

    fn request(to: &str, text: &str, random: u64) -> SendMessage {
        SendMessage::c2c_text(to, random, text)
    }

    #[test]
    fn send_checks_give_their_codes() {
        let alice = UserId::new("alice");
        let code_of = |r: SendMessage| validate_send(&alice, &r).expect_err("rejected").code;
        assert_eq!(validate_send(&alice, &request("bob", "hi", 1)), Ok(UserId::new("bob")));
        let mut group = request("g", "hi", 1);
        group.message.conversation_type = ConversationType::Group;
        assert_eq!(code_of(group), code::MESSAGE_SEND_INVALID_CONVERSATION_TYPE);
        let mut tip = request("bob", "hi", 1);
        tip.message.element = confab_proto::message::MessageElement::GroupTip(
            confab_proto::group::GroupTipPayload::default(),
        );
        assert_eq!(code_of(tip), code::MESSAGE_SEND_INVALID_CONVERSATION_TYPE);
        let mut notice = request("bob", "hi", 1);
        notice.message.element = confab_proto::message::MessageElement::GroupSystemNotice(
            confab_proto::group::GroupSystemNotice::default(),
        );
        assert_eq!(code_of(notice), code::MESSAGE_SEND_INVALID_CONVERSATION_TYPE);
        let mut both = request("bob", "hi", 1);
        both.online_user_only = true;
        both.message_control_info = Some(MessageControlInfo::default());
        assert_eq!(code_of(both), code::MESSAGE_SEND_FAIL);
        assert_eq!(
            code_of(request("bob", &"x".repeat(13 * 1024), 1)),
            code::ERR_SVR_COMM_BODY_SIZE_LIMIT
        );
        assert_eq!(code_of(request("bob", "hi", 0)), code::ERR_SVR_MSG_PKG_PARSE_FAILED);
        assert_eq!(
            code_of(request("bob", "hi", MAX_RANDOM + 1)),
            code::ERR_SVR_MSG_PKG_PARSE_FAILED
        );
        assert!(validate_send(&alice, &request("bob", "hi", MAX_RANDOM)).is_ok());
        assert_eq!(code_of(request("alice", "hi", 1)), code::CANNOT_MESSAGE_SELF);
        assert_eq!(code_of(request("", "hi", 1)), code::USER_OR_GROUP_NOT_FOUND);
    }
}
