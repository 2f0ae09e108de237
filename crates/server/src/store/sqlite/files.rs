//! The file service's records: the `files` table (one row per stored
//! content) and `file_grants` (who may download what).
//!
//! Grants are written by the writer only: at the end of an upload for the
//! uploader, and with every committed message for the receiver of the
//! files it names, after [`check_sender`] allowed the sender to name them.

use crate::store::{FileAccess, StoreError, StoredFile};
use confab_proto::UserId;
use rusqlite::{params, Connection, OptionalExtension as _};

/// Records a stored content (unless known) with the files it names
/// (`refs`, a merger body's; `uploader` must hold each) and grants
/// `uploader` access.
pub(super) fn record(
    conn: &Connection,
    file: &StoredFile,
    uploader: &UserId,
    refs: &[String],
) -> Result<(), StoreError> {
    let ids: Vec<&str> = refs.iter().map(String::as_str).filter(|r| *r != file.id).collect();
    check_sender(conn, uploader, &ids)?;
    conn.prepare_cached(
        "INSERT INTO files (id, size, kind, content_type, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO NOTHING",
    )?
    .execute(params![file.id, file.size, file.kind, file.content_type, file.created_at])?;
    for id in ids {
        conn.prepare_cached(
            "INSERT INTO file_refs (file_id, ref_id) VALUES (?1, ?2)
             ON CONFLICT (file_id, ref_id) DO NOTHING",
        )?
        .execute(params![file.id, id])?;
    }
    grant(conn, &file.id, uploader)
}

/// Lets `user` download the file `id` (which must be recorded) and, for a
/// merger body, the files it names (`file_refs`, transitively).
pub(super) fn grant(conn: &Connection, id: &str, user: &UserId) -> Result<(), StoreError> {
    let mut pending = vec![id.to_owned()];
    while let Some(id) = pending.pop() {
        let added = conn
            .prepare_cached(
                "INSERT INTO file_grants (file_id, user_id) VALUES (?1, ?2)
                 ON CONFLICT (file_id, user_id) DO NOTHING",
            )?
            .execute(params![id, user.as_str()])?;
        if added == 0 {
            // Held already, and with it what it names.
            continue;
        }
        let mut refs = conn.prepare_cached("SELECT ref_id FROM file_refs WHERE file_id = ?1")?;
        let named = refs.query_map([&id], |r| r.get::<_, String>(0))?;
        for r in named {
            pending.push(r?);
        }
    }
    Ok(())
}

fn has_grant(conn: &Connection, id: &str, user: &UserId) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM file_grants WHERE file_id = ?1 AND user_id = ?2")?
        .query_row(params![id, user.as_str()], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Refuses (before anything is written) a message naming a file its sender
/// may not download, so nobody grants themselves a file by its hash.
pub(super) fn check_sender(
    conn: &Connection,
    sender: &UserId,
    ids: &[&str],
) -> Result<(), StoreError> {
    for id in ids {
        if !has_grant(conn, id, sender)? {
            return Err(StoreError::FileAccessDenied((*id).to_owned()));
        }
    }
    Ok(())
}

/// Whether `user` may download `id`, and the file's record if so.
pub(super) fn access(conn: &Connection, user: &UserId, id: &str) -> Result<FileAccess, StoreError> {
    let file = conn
        .prepare_cached("SELECT id, size, kind, content_type, created_at FROM files WHERE id = ?1")?
        .query_row([id], |r| {
            Ok(StoredFile {
                id: r.get(0)?,
                size: r.get(1)?,
                kind: r.get(2)?,
                content_type: r.get(3)?,
                created_at: r.get(4)?,
            })
        })
        .optional()?;
    Ok(match file {
        None => FileAccess::Unknown,
        Some(file) if has_grant(conn, id, user)? => FileAccess::Granted(file),
        Some(_) => FileAccess::Denied,
    })
}
