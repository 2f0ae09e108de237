//! Read receipts: `sendMessageReadReceipt`, `getMessageReadReceiptList`
//! and `getGroupMessageReadMemberList`. The lists are checked here (2114
//! empty, 20001 over 30; duplicates count once); the rules are in
//! `crate::services::receipt` and the reads in the store.

use super::{from_store, reject, Caller, Reply};
use crate::server::ServerContext;
use confab_proto::receipt::{
    GetGroupMessageReadMemberList, GetMessageReadReceiptList, ReadMemberListResponse,
    ReadReceiptListResponse, SendMessageReadReceipt, MAX_READ_MEMBER_COUNT, MAX_RECEIPT_MESSAGES,
};
use confab_proto::{code, ErrorBody};

/// The listed message IDs, each once; refused when none or over 30.
fn message_ids(ids: Vec<String>) -> Result<Vec<String>, ErrorBody> {
    if ids.is_empty() {
        return Err(ErrorBody::new(
            code::READ_RECEIPT_MESSAGE_LIST_EMPTY,
            "messageIDList names no message",
        ));
    }
    if ids.len() > MAX_RECEIPT_MESSAGES {
        return Err(ErrorBody::new(
            code::ERR_SVR_MSG_PKG_PARSE_FAILED,
            format!("at most {MAX_RECEIPT_MESSAGES} messages at once, not {}", ids.len()),
        ));
    }
    let mut unique = Vec::with_capacity(ids.len());
    for id in ids {
        if !unique.contains(&id) {
            unique.push(id);
        }
    }
    Ok(unique)
}

/// `sendMessageReadReceipt`.
pub(crate) fn send_message_read_receipt(
    ctx: &ServerContext,
    caller: &Caller,
    request: SendMessageReadReceipt,
) -> Reply<ReadReceiptListResponse> {
    let ids = match message_ids(request.message_id_list) {
        Ok(ids) => ids,
        Err(e) => return reject(e),
    };
    let now = ctx.clock.now_secs();
    from_store(
        ctx.store.send_read_receipts(caller.user.clone(), request.conversation_id, ids, now),
        |receipt_list| ReadReceiptListResponse { receipt_list },
    )
}

/// `getMessageReadReceiptList`.
pub(crate) fn get_message_read_receipt_list(
    ctx: &ServerContext,
    caller: &Caller,
    request: GetMessageReadReceiptList,
) -> Reply<ReadReceiptListResponse> {
    let ids = match message_ids(request.message_id_list) {
        Ok(ids) => ids,
        Err(e) => return reject(e),
    };
    from_store(
        ctx.store.read_receipts(caller.user.clone(), request.conversation_id, ids),
        |receipt_list| ReadReceiptListResponse { receipt_list },
    )
}

/// `getGroupMessageReadMemberList`.
pub(crate) fn get_group_message_read_member_list(
    ctx: &ServerContext,
    caller: &Caller,
    request: GetGroupMessageReadMemberList,
) -> Reply<ReadMemberListResponse> {
    if request.filter > 1 {
        return reject(ErrorBody::new(
            code::ERR_SVR_MSG_PKG_PARSE_FAILED,
            format!("filter is 0 (read) or 1 (unread), not {}", request.filter),
        ));
    }
    if request.count == 0 || request.count > MAX_READ_MEMBER_COUNT {
        return reject(ErrorBody::new(
            code::ERR_SVR_MSG_PKG_PARSE_FAILED,
            format!("count is 1 to {MAX_READ_MEMBER_COUNT}, not {}", request.count),
        ));
    }
    from_store(ctx.store.read_receipt_members(caller.user.clone(), request), |r| r)
}

/// Adds this area's operations to the registry.
pub(crate) fn register(registry: &mut super::Registry) -> Result<(), super::RegistryError> {
    registry.service::<SendMessageReadReceipt>(send_message_read_receipt)?;
    registry.service::<GetMessageReadReceiptList>(get_message_read_receipt_list)?;
    registry.service::<GetGroupMessageReadMemberList>(get_group_message_read_member_list)?;
    Ok(())
}
