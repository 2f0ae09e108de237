//! The file service's records: the `files` table (one row per stored
//! content), `file_grants` (who may download what), `file_uploaders` (whose
//! quota a content counts against) and `message_files` (which stored
//! messages name it), and the garbage collection of files no message names.
//!
//! Grants are written by the writer only: at the end of an upload for the
//! uploader, and with every committed message for the receiver of the
//! files it names, after [`check_sender`] allowed the sender to name them.

use crate::store::{FileAccess, FileUsage, StoreError, StoredFile};
use confab_proto::UserId;
use rusqlite::{params, Connection, OptionalExtension as _};
use std::collections::HashSet;

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
    // Uploading a content again restarts its grace period.
    conn.prepare_cached(
        "INSERT INTO files (id, size, kind, content_type, created_at, last_upload_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)
         ON CONFLICT (id) DO UPDATE SET
             last_upload_at = MAX(last_upload_at, excluded.last_upload_at)",
    )?
    .execute(params![file.id, file.size, file.kind, file.content_type, file.created_at])?;
    conn.prepare_cached(
        "INSERT INTO file_uploaders (file_id, user_id) VALUES (?1, ?2)
         ON CONFLICT (file_id, user_id) DO NOTHING",
    )?
    .execute(params![file.id, uploader.as_str()])?;
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

/// Records that the stored message at `message_row` names the files `ids`
/// (checked by [`check_sender`]), which keeps them from collection.
pub(super) fn name_in_message(
    conn: &Connection,
    message_row: i64,
    ids: &[String],
) -> Result<(), StoreError> {
    for id in ids {
        conn.prepare_cached(
            "INSERT INTO message_files (file_id, message_row) VALUES (?1, ?2)
             ON CONFLICT (file_id, message_row) DO NOTHING",
        )?
        .execute(params![id, message_row])?;
    }
    Ok(())
}

/// Bytes of stored files `user` uploaded, and of all stored files.
pub(super) fn usage(conn: &Connection, user: &UserId) -> Result<FileUsage, StoreError> {
    let user_bytes: i64 = conn
        .prepare_cached(
            "SELECT COALESCE(SUM(f.size), 0) FROM file_uploaders u
             JOIN files f ON f.id = u.file_id WHERE u.user_id = ?1",
        )?
        .query_row([user.as_str()], |r| r.get(0))?;
    let total_bytes: i64 = conn
        .prepare_cached("SELECT COALESCE(SUM(size), 0) FROM files")?
        .query_row([], |r| r.get(0))?;
    Ok(FileUsage {
        user_bytes: u64::try_from(user_bytes).unwrap_or(0),
        total_bytes: u64::try_from(total_bytes).unwrap_or(0),
    })
}

/// Forgets every file that no stored message names, directly or through a
/// merger body that is kept, and that was last uploaded before
/// `cutoff_secs`; returns them so their contents can be deleted.
pub(super) fn collect(conn: &Connection, cutoff_secs: i64) -> Result<Vec<StoredFile>, StoreError> {
    let mut live: HashSet<String> = HashSet::new();
    {
        let mut roots = conn.prepare_cached(
            "SELECT file_id FROM message_files
             UNION SELECT id FROM files WHERE last_upload_at >= ?1",
        )?;
        for id in roots.query_map([cutoff_secs], |r| r.get::<_, String>(0))? {
            live.insert(id?);
        }
    }
    // What a kept merger body names is kept too.
    let mut pending: Vec<String> = live.iter().cloned().collect();
    while let Some(id) = pending.pop() {
        let mut refs = conn.prepare_cached("SELECT ref_id FROM file_refs WHERE file_id = ?1")?;
        for named in refs.query_map([&id], |r| r.get::<_, String>(0))? {
            let named = named?;
            if live.insert(named.clone()) {
                pending.push(named);
            }
        }
    }
    let mut dead = Vec::new();
    {
        let mut all = conn.prepare_cached(
            "SELECT id, size, kind, content_type, created_at FROM files ORDER BY id",
        )?;
        let rows = all.query_map([], |r| {
            Ok(StoredFile {
                id: r.get(0)?,
                size: r.get(1)?,
                kind: r.get(2)?,
                content_type: r.get(3)?,
                created_at: r.get(4)?,
            })
        })?;
        for file in rows {
            let file = file?;
            if !live.contains(&file.id) {
                dead.push(file);
            }
        }
    }
    for file in &dead {
        for sql in [
            "DELETE FROM file_grants WHERE file_id = ?1",
            "DELETE FROM file_refs WHERE file_id = ?1 OR ref_id = ?1",
            "DELETE FROM file_uploaders WHERE file_id = ?1",
            "DELETE FROM files WHERE id = ?1",
        ] {
            conn.prepare_cached(sql)?.execute([&file.id])?;
        }
    }
    Ok(dead)
}
