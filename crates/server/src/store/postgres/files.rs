//! The file service's records on PostgreSQL: the `files` table (one row per
//! stored content), `file_grants` (who may download what), `file_uploaders`
//! (whose quota a content counts against), `file_refs` (what a merger body
//! names) `message_files` (which stored messages name it) and
//! `avatar_files` (which file each user's avatar names). The rules (who is
//! granted what, what garbage collection keeps) are the file service's, in
//! `crate::services::files`.

use super::writer::PgTx;
use super::{to_i64, to_u64, Cx};
use crate::store::tx::FileTx;
use crate::store::{FileAccess, FileUsage, MessageRow, StoreError, StoredFile};
use confab_proto::UserId;
use tokio_postgres::Row;

/// Whether `user` holds a grant on the file `id`.
fn has_grant(cx: &mut Cx<'_>, id: &str, user: &UserId) -> Result<bool, StoreError> {
    Ok(cx
        .query_opt(
            "SELECT 1 FROM file_grants WHERE file_id = $1 AND user_id = $2",
            &[&id, &user.as_str()],
        )?
        .is_some())
}

/// A file's record from a row of `id, size, kind, content_type, created_at`.
fn stored_file(r: &Row) -> Result<StoredFile, StoreError> {
    Ok(StoredFile {
        id: r.try_get(0)?,
        size: to_u64(r.try_get(1)?)?,
        kind: r.try_get(2)?,
        content_type: r.try_get(3)?,
        created_at: r.try_get(4)?,
    })
}

impl FileTx for PgTx<'_> {
    fn has_file_grant(&mut self, id: &str, user: &UserId) -> Result<bool, StoreError> {
        has_grant(&mut self.cx, id, user)
    }

    fn insert_file_grant(&mut self, id: &str, user: &UserId) -> Result<bool, StoreError> {
        let added = self.cx.execute(
            "INSERT INTO file_grants (file_id, user_id) VALUES ($1, $2)
             ON CONFLICT (file_id, user_id) DO NOTHING",
            &[&id, &user.as_str()],
        )?;
        Ok(added == 1)
    }

    fn file_refs(&mut self, id: &str) -> Result<Vec<String>, StoreError> {
        let rows = self.cx.query("SELECT ref_id FROM file_refs WHERE file_id = $1", &[&id])?;
        Ok(rows.iter().map(|r| r.try_get::<_, String>(0)).collect::<Result<_, _>>()?)
    }

    fn upsert_file(&mut self, file: &StoredFile) -> Result<(), StoreError> {
        self.cx.execute(
            "INSERT INTO files (id, size, kind, content_type, created_at, last_upload_at)
             VALUES ($1, $2, $3, $4, $5, $5)
             ON CONFLICT (id) DO UPDATE SET
                 last_upload_at = GREATEST(files.last_upload_at, excluded.last_upload_at)",
            &[&file.id, &to_i64(file.size)?, &file.kind, &file.content_type, &file.created_at],
        )?;
        Ok(())
    }

    fn insert_file_uploader(&mut self, id: &str, user: &UserId) -> Result<(), StoreError> {
        self.cx.execute(
            "INSERT INTO file_uploaders (file_id, user_id) VALUES ($1, $2)
             ON CONFLICT (file_id, user_id) DO NOTHING",
            &[&id, &user.as_str()],
        )?;
        Ok(())
    }

    fn insert_file_ref(&mut self, id: &str, ref_id: &str) -> Result<(), StoreError> {
        self.cx.execute(
            "INSERT INTO file_refs (file_id, ref_id) VALUES ($1, $2)
             ON CONFLICT (file_id, ref_id) DO NOTHING",
            &[&id, &ref_id],
        )?;
        Ok(())
    }

    fn name_files_in_message(&mut self, row: MessageRow, ids: &[String]) -> Result<(), StoreError> {
        for id in ids {
            self.cx.execute(
                "INSERT INTO message_files (file_id, message_row) VALUES ($1, $2)
                 ON CONFLICT (file_id, message_row) DO NOTHING",
                &[id, &row.0],
            )?;
        }
        Ok(())
    }

    fn file_gc_roots(&mut self, cutoff_secs: i64) -> Result<Vec<String>, StoreError> {
        let rows = self.cx.query(
            "SELECT file_id FROM message_files
             UNION SELECT file_id FROM avatar_files
             UNION SELECT id FROM files WHERE last_upload_at >= $1",
            &[&cutoff_secs],
        )?;
        Ok(rows.iter().map(|r| r.try_get::<_, String>(0)).collect::<Result<_, _>>()?)
    }

    fn all_files(&mut self) -> Result<Vec<StoredFile>, StoreError> {
        let rows = self.cx.query(
            "SELECT id, size, kind, content_type, created_at FROM files ORDER BY id COLLATE \"C\"",
            &[],
        )?;
        rows.iter().map(stored_file).collect()
    }

    fn forget_file(&mut self, id: &str) -> Result<(), StoreError> {
        for sql in [
            "DELETE FROM file_grants WHERE file_id = $1",
            "DELETE FROM file_refs WHERE file_id = $1 OR ref_id = $1",
            "DELETE FROM file_uploaders WHERE file_id = $1",
            "DELETE FROM avatar_files WHERE file_id = $1",
            "DELETE FROM files WHERE id = $1",
        ] {
            self.cx.execute(sql, &[&id])?;
        }
        Ok(())
    }

    fn set_avatar_file(&mut self, user: &UserId, id: Option<&str>) -> Result<(), StoreError> {
        match id {
            Some(id) => self.cx.execute(
                "INSERT INTO avatar_files (user_id, file_id) VALUES ($1, $2)
                 ON CONFLICT (user_id) DO UPDATE SET file_id = excluded.file_id",
                &[&user.as_str(), &id],
            )?,
            None => {
                self.cx.execute("DELETE FROM avatar_files WHERE user_id = $1", &[&user.as_str()])?
            }
        };
        Ok(())
    }
}

/// Whether the file `id` is someone's avatar (which every user may see).
fn is_avatar(cx: &mut Cx<'_>, id: &str) -> Result<bool, StoreError> {
    Ok(cx.query_opt("SELECT 1 FROM avatar_files WHERE file_id = $1 LIMIT 1", &[&id])?.is_some())
}

/// Whether `user` may download `id`, and the file's record if so.
pub(super) fn access(cx: &mut Cx<'_>, user: &UserId, id: &str) -> Result<FileAccess, StoreError> {
    let file = cx
        .query_opt(
            "SELECT id, size, kind, content_type, created_at FROM files WHERE id = $1",
            &[&id],
        )?
        .map(|r| stored_file(&r))
        .transpose()?;
    Ok(match file {
        None => FileAccess::Unknown,
        Some(file) if has_grant(cx, id, user)? || is_avatar(cx, id)? => FileAccess::Granted(file),
        Some(_) => FileAccess::Denied,
    })
}

/// Bytes of stored files `user` uploaded, and of all stored files.
pub(super) fn usage(cx: &mut Cx<'_>, user: &UserId) -> Result<FileUsage, StoreError> {
    let user_bytes: i64 = cx
        .query_one(
            "SELECT COALESCE(SUM(f.size), 0)::BIGINT FROM file_uploaders u
             JOIN files f ON f.id = u.file_id WHERE u.user_id = $1",
            &[&user.as_str()],
        )?
        .try_get(0)?;
    let total_bytes: i64 =
        cx.query_one("SELECT COALESCE(SUM(size), 0)::BIGINT FROM files", &[])?.try_get(0)?;
    Ok(FileUsage {
        user_bytes: u64::try_from(user_bytes).unwrap_or(0),
        total_bytes: u64::try_from(total_bytes).unwrap_or(0),
    })
}
