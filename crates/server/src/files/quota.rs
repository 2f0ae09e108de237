//! Upload admission: the per-user upload quota and the file store's disk
//! budget, checked when an upload is created.
//!
//! What counts: the sizes of stored files (a user is charged for each
//! content they uploaded; the budget counts each content once) plus the
//! declared sizes of unfinished uploads, which will take that space once
//! they finish. Checks and registration run under one lock, so concurrent
//! creations cannot overshoot together. Garbage collection (`gc`) and
//! expiry give the space back.

use super::uploads::Upload;
use super::FileKind;
use crate::http::{error, internal};
use crate::server::ServerContext;
use axum::http::StatusCode;
use axum::response::Response;
use confab_proto::{code, UserId};
use std::sync::Arc;

/// Creates an upload of `size` bytes for `user` if it fits their quota and
/// the store's budget; otherwise the refusal: 413 with 90021
/// `UPLOAD_QUOTA_EXCEEDED`, or 507 with 90022 `STORAGE_FULL`.
pub(super) async fn admit(
    ctx: &ServerContext,
    user: UserId,
    kind: FileKind,
    file_name: String,
    size: u64,
) -> Result<Arc<Upload>, Response> {
    let quota = ctx.config.upload_quota_bytes_per_user;
    let budget = ctx.config.file_storage_budget_bytes;
    let _one_at_a_time = ctx.files.admission.lock().await;
    if quota > 0 || budget > 0 {
        let stored = match ctx.store.file_usage(user.clone()).await {
            Ok(usage) => usage,
            Err(e) => return Err(internal("cannot read file usage", e)),
        };
        let (mine, all) = ctx.files.uploads.reserved_bytes(&user);
        let user_after = stored.user_bytes.saturating_add(mine).saturating_add(size);
        if quota > 0 && user_after > quota {
            return Err(error(
                StatusCode::PAYLOAD_TOO_LARGE,
                code::UPLOAD_QUOTA_EXCEEDED,
                format!(
                    "this upload would bring your stored files to {user_after} bytes; \
                     your quota is {quota}"
                ),
            ));
        }
        let total_after = stored.total_bytes.saturating_add(all).saturating_add(size);
        if budget > 0 && total_after > budget {
            return Err(error(
                StatusCode::INSUFFICIENT_STORAGE,
                code::STORAGE_FULL,
                "the server's file storage is full; try again later",
            ));
        }
    }
    ctx.files
        .uploads
        .create(user, kind, file_name, size, ctx.clock.now_ms())
        .await
        .map_err(|e| internal("cannot create the upload", e))
}
