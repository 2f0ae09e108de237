//! Message extensions: `setMessageExtensions`, `getMessageExtensions` and
//! `deleteMessageExtensions`. The limits are checked here (20001: 1 to 20
//! extensions per call, a key of 1 to 100 bytes, a value of at most 1 KB;
//! one key once per call); the rules are in `crate::services::extension`.

use super::{from_store, reject, Caller, Reply};
use crate::server::ServerContext;
use confab_proto::extension::{
    check_extension, DeleteMessageExtensions, ExtensionListResponse, ExtensionResultResponse,
    GetMessageExtensions, MessageExtension, SetMessageExtensions, MAX_EXTENSIONS_PER_CALL,
};
use confab_proto::{code, ErrorBody};

fn bad(message: String) -> ErrorBody {
    ErrorBody::new(code::ERR_SVR_MSG_PKG_PARSE_FAILED, message)
}

/// The list, checked: 1 to 20 (0 allowed when `empty_ok`), each key once.
fn checked(list: &[MessageExtension], empty_ok: bool, values: bool) -> Result<(), ErrorBody> {
    if (list.is_empty() && !empty_ok) || list.len() > MAX_EXTENSIONS_PER_CALL {
        return Err(bad(format!(
            "1 to {MAX_EXTENSIONS_PER_CALL} extensions per call, not {}",
            list.len()
        )));
    }
    for (i, e) in list.iter().enumerate() {
        if values {
            check_extension(e).map_err(bad)?;
        } else if e.key.is_empty() {
            return Err(bad("an extension key is not empty".into()));
        }
        if list[..i].iter().any(|other| other.key == e.key) {
            return Err(bad(format!("the key {:?} is named twice", e.key)));
        }
    }
    Ok(())
}

/// `setMessageExtensions`.
pub(crate) fn set_message_extensions(
    ctx: &ServerContext,
    caller: &Caller,
    request: SetMessageExtensions,
) -> Reply<ExtensionResultResponse> {
    if let Err(e) = checked(&request.extensions, false, true) {
        return reject(e);
    }
    from_store(
        ctx.store.set_message_extensions(
            caller.user.clone(),
            request.conversation_id,
            request.message_id,
            request.extensions,
        ),
        |extensions| ExtensionResultResponse { extensions },
    )
}

/// `getMessageExtensions`.
pub(crate) fn get_message_extensions(
    ctx: &ServerContext,
    caller: &Caller,
    request: GetMessageExtensions,
) -> Reply<ExtensionListResponse> {
    from_store(
        ctx.store.message_extensions(
            caller.user.clone(),
            request.conversation_id,
            request.message_id,
        ),
        |extensions| ExtensionListResponse { extensions },
    )
}

/// `deleteMessageExtensions`.
pub(crate) fn delete_message_extensions(
    ctx: &ServerContext,
    caller: &Caller,
    request: DeleteMessageExtensions,
) -> Reply<ExtensionResultResponse> {
    if let Err(e) = checked(&request.key_list, true, false) {
        return reject(e);
    }
    from_store(
        ctx.store.delete_message_extensions(
            caller.user.clone(),
            request.conversation_id,
            request.message_id,
            request.key_list,
        ),
        |extensions| ExtensionResultResponse { extensions },
    )
}

/// Adds this area's operations to the registry.
pub(crate) fn register(registry: &mut super::Registry) -> Result<(), super::RegistryError> {
    registry.service::<SetMessageExtensions>(set_message_extensions)?;
    registry.service::<GetMessageExtensions>(get_message_extensions)?;
    registry.service::<DeleteMessageExtensions>(delete_message_extensions)?;
    Ok(())
}
