//! Inbox sync: `sync {after, limit}` returns the caller's inbox entries after
//! a sequence, gap-free and ascending, plus the head. `limit` is capped at
//! [`MAX_SYNC_ENTRIES`]; 0 means that cap. The reply is also capped in bytes
//! (`max_sync_reply_bytes`): entries that do not fit are left out, and the
//! client, seeing `head` ahead of its last entry, asks again. Each group
//! cursor gets one page of the group's timeline (members only; see
//! `super::group_message`).

use super::{from_store, Caller, Reply};
use crate::server::ServerContext;
use confab_proto::ops::{Sync, SyncResponse};

/// Most entries one `sync` returns.
pub(crate) const MAX_SYNC_ENTRIES: u32 = 1000;

/// `sync`.
pub(crate) fn sync(ctx: &ServerContext, caller: &Caller, request: Sync) -> Reply<SyncResponse> {
    // 0 asks for as many as the server gives.
    let limit = match request.limit {
        0 => MAX_SYNC_ENTRIES,
        n => n.min(MAX_SYNC_ENTRIES),
    };
    let inbox =
        ctx.store.sync(caller.user.clone(), request.after, limit, ctx.config.max_sync_reply_bytes);
    if request.groups.is_empty() {
        return from_store(inbox, |r| r);
    }
    super::group_message::with_group_pages(ctx, caller, request.groups, limit, inbox)
}

/// Adds this area's operations to the registry.
pub(crate) fn register(registry: &mut super::Registry) -> Result<(), super::RegistryError> {
    registry.service::<confab_proto::ops::Sync>(sync)?;
    Ok(())
}
