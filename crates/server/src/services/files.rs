//! The file service's rules over its records: who is granted a file (the
//! uploader at upload, the receiver of every committed message naming it,
//! and with a merger body everything it names, transitively; everyone, for
//! a file that is someone's avatar), that nobody names a file they may not
//! download, and which files garbage collection forgets.

use crate::store::{Store, StoreError, StoreFuture, StoredFile, WriteTx};
use confab_proto::UserId;
use std::collections::HashSet;

/// Refuses (before anything is written) a message or body naming a file
/// its sender may not download, so nobody grants themselves a file by its hash.
pub(crate) fn check_sender(
    tx: &mut dyn WriteTx,
    sender: &UserId,
    ids: &[&str],
) -> Result<(), StoreError> {
    for id in ids {
        if !tx.has_file_grant(id, sender)? {
            return Err(StoreError::FileAccessDenied((*id).to_owned()));
        }
    }
    Ok(())
}

/// Lets `user` download the file `id` (which must be recorded) and, for a
/// merger body, the files it names (transitively).
pub(crate) fn grant(tx: &mut dyn WriteTx, id: &str, user: &UserId) -> Result<(), StoreError> {
    let mut pending = vec![id.to_owned()];
    while let Some(id) = pending.pop() {
        if !tx.insert_file_grant(&id, user)? {
            // Held already, and with it what it names.
            continue;
        }
        pending.extend(tx.file_refs(&id)?);
    }
    Ok(())
}

/// Records which file of this server `user`'s new avatar URL names: a
/// `…/files/<id>` URL with a file ID names that file, which `user` must
/// hold a grant for (else [`StoreError::FileAccessDenied`], before
/// anything is written); any other URL names none. While a file is
/// someone's avatar every user may download it and it is kept.
pub(crate) fn set_avatar(
    tx: &mut dyn WriteTx,
    user: &UserId,
    avatar_url: &str,
) -> Result<(), StoreError> {
    let named =
        confab_proto::message::file_id_of_url(avatar_url).filter(|id| crate::files::is_file_id(id));
    if let Some(id) = named {
        check_sender(tx, user, &[id])?;
    }
    tx.set_avatar_file(user, named)
}

/// Records a stored content (unless known) with the files it names
/// (`refs`, a merger body's; `uploader` must hold each) and grants
/// `uploader` access.
fn record(
    tx: &mut dyn WriteTx,
    file: &StoredFile,
    uploader: &UserId,
    refs: &[String],
) -> Result<(), StoreError> {
    let ids: Vec<&str> = refs.iter().map(String::as_str).filter(|r| *r != file.id).collect();
    check_sender(tx, uploader, &ids)?;
    // Uploading a content again restarts its grace period.
    tx.upsert_file(file)?;
    tx.insert_file_uploader(&file.id, uploader)?;
    for id in ids {
        tx.insert_file_ref(&file.id, id)?;
    }
    grant(tx, &file.id, uploader)
}

/// Forgets every file that no stored message names, directly or through a
/// merger body that is kept, and that was last uploaded before
/// `cutoff_secs`; returns them so their contents can be deleted.
fn collect(tx: &mut dyn WriteTx, cutoff_secs: i64) -> Result<Vec<StoredFile>, StoreError> {
    let mut live: HashSet<String> = tx.file_gc_roots(cutoff_secs)?.into_iter().collect();
    // What a kept merger body names is kept too.
    let mut pending: Vec<String> = live.iter().cloned().collect();
    while let Some(id) = pending.pop() {
        for named in tx.file_refs(&id)? {
            if live.insert(named.clone()) {
                pending.push(named);
            }
        }
    }
    let dead: Vec<StoredFile> =
        tx.all_files()?.into_iter().filter(|file| !live.contains(&file.id)).collect();
    for file in &dead {
        tx.forget_file(&file.id)?;
    }
    Ok(dead)
}

impl dyn Store {
    /// Records a finished upload's content (unless already known) and
    /// grants the uploader access to it. `refs` are the files a merger
    /// body names: the uploader must hold a grant for each (else
    /// [`StoreError::FileAccessDenied`] and nothing is recorded), and every
    /// grant of this file extends to them.
    pub(crate) fn record_file(
        &self,
        file: StoredFile,
        uploader: UserId,
        refs: Vec<String>,
    ) -> StoreFuture<()> {
        self.transact(move |tx| record(tx, &file, &uploader, &refs))
    }

    /// Garbage collection: forgets every file that no stored message names
    /// (directly or through a kept merger body) and that was last uploaded
    /// before `cutoff_secs`, with its grants; returns those files, whose
    /// contents the caller deletes.
    pub(crate) fn collect_unnamed_files(&self, cutoff_secs: i64) -> StoreFuture<Vec<StoredFile>> {
        self.transact(move |tx| collect(tx, cutoff_secs))
    }
}
