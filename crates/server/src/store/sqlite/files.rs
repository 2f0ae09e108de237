//! The file service's records: the `files` table (one row per stored
//! content), `file_grants` (who may download what), `file_uploaders` (whose
//! quota a content counts against), `file_refs` (what a merger body names)
//! `message_files` (which stored messages name it) and `avatar_files`
//! (which file each user's avatar names). The rules (who is
//! granted what, what garbage collection keeps) are the file service's, in
//! `crate::services::files`.

use super::writer::SqliteTx;
use crate::store::tx::FileTx;
use crate::store::{FileAccess, FileUsage, MessageRow, StoreError, StoredFile};
use confab_proto::UserId;
use rusqlite::{params, Connection, OptionalExtension as _};

fn has_grant(conn: &Connection, id: &str, user: &UserId) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM file_grants WHERE file_id = ?1 AND user_id = ?2")?
        .query_row(params![id, user.as_str()], |_| Ok(()))
        .optional()?
        .is_some())
}

fn stored_file(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredFile> {
    Ok(StoredFile {
        id: r.get(0)?,
        size: r.get(1)?,
        kind: r.get(2)?,
        content_type: r.get(3)?,
        created_at: r.get(4)?,
    })
}

impl FileTx for SqliteTx<'_> {
    fn has_file_grant(&mut self, id: &str, user: &UserId) -> Result<bool, StoreError> {
        has_grant(self.conn, id, user)
    }

    fn insert_file_grant(&mut self, id: &str, user: &UserId) -> Result<bool, StoreError> {
        let added = self
            .conn
            .prepare_cached(
                "INSERT INTO file_grants (file_id, user_id) VALUES (?1, ?2)
                 ON CONFLICT (file_id, user_id) DO NOTHING",
            )?
            .execute(params![id, user.as_str()])?;
        Ok(added == 1)
    }

    fn file_refs(&mut self, id: &str) -> Result<Vec<String>, StoreError> {
        let mut refs =
            self.conn.prepare_cached("SELECT ref_id FROM file_refs WHERE file_id = ?1")?;
        let named = refs.query_map([id], |r| r.get::<_, String>(0))?;
        Ok(named.collect::<Result<_, _>>()?)
    }

    fn upsert_file(&mut self, file: &StoredFile) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO files (id, size, kind, content_type, created_at, last_upload_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)
                 ON CONFLICT (id) DO UPDATE SET
                     last_upload_at = MAX(last_upload_at, excluded.last_upload_at)",
            )?
            .execute(params![file.id, file.size, file.kind, file.content_type, file.created_at])?;
        Ok(())
    }

    fn insert_file_uploader(&mut self, id: &str, user: &UserId) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO file_uploaders (file_id, user_id) VALUES (?1, ?2)
                 ON CONFLICT (file_id, user_id) DO NOTHING",
            )?
            .execute(params![id, user.as_str()])?;
        Ok(())
    }

    fn insert_file_ref(&mut self, id: &str, ref_id: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO file_refs (file_id, ref_id) VALUES (?1, ?2)
                 ON CONFLICT (file_id, ref_id) DO NOTHING",
            )?
            .execute(params![id, ref_id])?;
        Ok(())
    }

    fn name_files_in_message(&mut self, row: MessageRow, ids: &[String]) -> Result<(), StoreError> {
        for id in ids {
            self.conn
                .prepare_cached(
                    "INSERT INTO message_files (file_id, message_row) VALUES (?1, ?2)
                     ON CONFLICT (file_id, message_row) DO NOTHING",
                )?
                .execute(params![id, row.0])?;
        }
        Ok(())
    }

    fn file_gc_roots(&mut self, cutoff_secs: i64) -> Result<Vec<String>, StoreError> {
        let mut roots = self.conn.prepare_cached(
            "SELECT file_id FROM message_files
             UNION SELECT file_id FROM avatar_files
             UNION SELECT id FROM files WHERE last_upload_at >= ?1",
        )?;
        let ids = roots.query_map([cutoff_secs], |r| r.get::<_, String>(0))?;
        Ok(ids.collect::<Result<_, _>>()?)
    }

    fn all_files(&mut self) -> Result<Vec<StoredFile>, StoreError> {
        let mut all = self.conn.prepare_cached(
            "SELECT id, size, kind, content_type, created_at FROM files ORDER BY id",
        )?;
        let files = all.query_map([], stored_file)?;
        Ok(files.collect::<Result<_, _>>()?)
    }

    fn forget_file(&mut self, id: &str) -> Result<(), StoreError> {
        for sql in [
            "DELETE FROM file_grants WHERE file_id = ?1",
            "DELETE FROM file_refs WHERE file_id = ?1 OR ref_id = ?1",
            "DELETE FROM file_uploaders WHERE file_id = ?1",
            "DELETE FROM avatar_files WHERE file_id = ?1",
            "DELETE FROM files WHERE id = ?1",
        ] {
            self.conn.prepare_cached(sql)?.execute([id])?;
        }
        Ok(())
    }

    fn set_avatar_file(&mut self, user: &UserId, id: Option<&str>) -> Result<(), StoreError> {
        match id {
            Some(id) => self
                .conn
                .prepare_cached(
                    "INSERT INTO avatar_files (user_id, file_id) VALUES (?1, ?2)
                     ON CONFLICT (user_id) DO UPDATE SET file_id = excluded.file_id",
                )?
                .execute(params![user.as_str(), id])?,
            None => self
                .conn
                .prepare_cached("DELETE FROM avatar_files WHERE user_id = ?1")?
                .execute(params![user.as_str()])?,
        };
        Ok(())
    }
}

/// Whether the file `id` is someone's avatar (which every user may see).
fn is_avatar(conn: &Connection, id: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM avatar_files WHERE file_id = ?1 LIMIT 1")?
        .query_row([id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Whether `user` may download `id`, and the file's record if so.
pub(super) fn access(conn: &Connection, user: &UserId, id: &str) -> Result<FileAccess, StoreError> {
    let file = conn
        .prepare_cached("SELECT id, size, kind, content_type, created_at FROM files WHERE id = ?1")?
        .query_row([id], stored_file)
        .optional()?;
    Ok(match file {
        None => FileAccess::Unknown,
        Some(file) if has_grant(conn, id, user)? || is_avatar(conn, id)? => {
            FileAccess::Granted(file)
        }
        Some(_) => FileAccess::Denied,
    })
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
