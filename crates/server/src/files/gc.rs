//! Garbage collection of the file store: a pass forgets every stored file
//! that no stored message names (directly or through a kept merger body)
//! and that was last uploaded more than `file_gc_grace_secs` ago (its
//! message may still be on its way), deletes its content, and discards
//! expired unfinished uploads. [`run_periodically`] runs a pass every
//! `file_gc_interval_secs` of the server clock; the server owns that task
//! and stops it at shutdown between passes.
//!
//! A pass holds the store's `storing` lock for writing, so an upload of the
//! same content cannot be stored and recorded between the moment its record
//! is forgotten and the moment its content is deleted.

use crate::server::ServerContext;
use crate::store::StoreError;
use std::sync::Arc;
use tokio::sync::watch;

/// What one garbage collection pass removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GcReport {
    /// Stored files forgotten and deleted.
    pub files_removed: usize,
    /// Their bytes.
    pub bytes_freed: u64,
    /// Expired unfinished uploads discarded.
    pub uploads_expired: usize,
}

/// One pass at the server clock's now.
pub(crate) async fn collect_garbage(ctx: &ServerContext) -> Result<GcReport, StoreError> {
    let now_ms = ctx.clock.now_ms();
    let uploads_expired = ctx.files.uploads.sweep(now_ms).await;
    let cutoff_secs = now_ms.div_euclid(1000).saturating_sub(ctx.config.file_gc_grace_secs);
    let _no_storing = ctx.files.storing.write().await;
    let removed = ctx.store.collect_unnamed_files(cutoff_secs).await?;
    let mut report = GcReport { uploads_expired, ..GcReport::default() };
    for file in &removed {
        let path = ctx.files.path_of(&file.id);
        match tokio::fs::remove_file(&path).await {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                // Forgotten already: nobody can download it; the bytes stay
                // until an operator removes them.
                tracing::warn!(file = %file.id, error = %e, "cannot delete a collected file");
                continue;
            }
        }
        report.files_removed += 1;
        report.bytes_freed = report.bytes_freed.saturating_add(file.size);
    }
    if report.files_removed > 0 || uploads_expired > 0 {
        tracing::info!(
            files = report.files_removed,
            bytes = report.bytes_freed,
            uploads = uploads_expired,
            "file garbage collected"
        );
    }
    Ok(report)
}

/// Runs a pass every `file_gc_interval_secs` (server clock) until `stop`
/// turns true; `passes` counts the passes done.
pub(crate) async fn run_periodically(
    ctx: Arc<ServerContext>,
    mut stop: watch::Receiver<bool>,
    passes: watch::Sender<u64>,
) {
    let every_ms = ctx.config.file_gc_interval_secs.saturating_mul(1000);
    loop {
        let next = ctx.clock.now_ms().saturating_add(every_ms);
        tokio::select! {
            stopped = stop.wait_for(|stop| *stop) => {
                if stopped.is_err() {
                    tracing::debug!("the server handle is gone; file collection stops");
                }
                return;
            }
            () = ctx.clock.sleep_until_ms(next) => {}
        }
        if let Err(e) = collect_garbage(&ctx).await {
            tracing::error!(error = %e, "file garbage collection failed");
        }
        passes.send_modify(|n| *n += 1);
    }
}
