//! Inbox sync: `sync {after, limit}` returns the caller's inbox entries after
//! a sequence, gap-free and ascending, plus the head. `limit` is capped at
//! [`MAX_SYNC_ENTRIES`]; 0 means that cap. The reply is also capped in bytes
//! (`max_sync_reply_bytes`): entries that do not fit are left out, and the
//! client, seeing `head` ahead of its last entry, asks again.

use super::{from_store, reject, Caller, Reply};
use crate::server::ServerContext;
use confab_proto::ops::{Sync, SyncResponse};
use confab_proto::{code, ErrorBody};

/// Most entries one `sync` returns.
pub(crate) const MAX_SYNC_ENTRIES: u32 = 1000;

/// `sync`.
pub(crate) fn sync(ctx: &ServerContext, caller: &Caller, request: Sync) -> Reply<SyncResponse> {
    // Group timelines come with groups: until then no group exists to ask about.
    if let Some(cursor) = request.groups.first() {
        return reject(ErrorBody::new(
            code::ERR_SVR_GROUP_NOT_FOUND,
            format!("group {:?} does not exist", cursor.group_id),
        ));
    }
    // 0 asks for as many as the server gives.
    let limit = match request.limit {
        0 => MAX_SYNC_ENTRIES,
        n => n.min(MAX_SYNC_ENTRIES),
    };
    from_store(
        ctx.store.sync(caller.user.clone(), request.after, limit, ctx.config.max_sync_reply_bytes),
        |r| r,
    )
}

/// Adds this area's operations to the registry.
pub(crate) fn register(registry: &mut super::Registry) -> Result<(), super::RegistryError> {
    registry.service::<confab_proto::ops::Sync>(sync)?;
    Ok(())
}
