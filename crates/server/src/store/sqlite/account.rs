//! Accounts: the `users` table (existence and password hashes).

use super::profile;
use crate::store::StoreError;
use confab_proto::UserId;
use rusqlite::{params, Connection, OptionalExtension as _};

/// Creates the user and an empty profile unless the user exists.
pub(super) fn ensure_user(
    conn: &Connection,
    user: &UserId,
    now_secs: i64,
) -> Result<bool, StoreError> {
    let created = conn.execute(
        "INSERT INTO users (user_id, password_hash, created_at) VALUES (?1, NULL, ?2)
         ON CONFLICT (user_id) DO NOTHING",
        params![user.as_str(), now_secs],
    )? == 1;
    if created {
        profile::insert_empty(conn, user)?;
    }
    Ok(created)
}

/// Creates an account with a password; fails when the userID is taken.
pub(super) fn register(
    conn: &Connection,
    user: &UserId,
    password_hash: &str,
    now_secs: i64,
) -> Result<(), StoreError> {
    let created = conn.execute(
        "INSERT INTO users (user_id, password_hash, created_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (user_id) DO NOTHING",
        params![user.as_str(), password_hash, now_secs],
    )? == 1;
    if !created {
        return Err(StoreError::AccountExists(user.clone()));
    }
    profile::insert_empty(conn, user)
}

/// Whether the user exists.
pub(super) fn exists(conn: &Connection, user: &UserId) -> Result<bool, StoreError> {
    Ok(conn
        .query_row("SELECT 1 FROM users WHERE user_id = ?1", [user.as_str()], |_| Ok(()))
        .optional()?
        .is_some())
}

/// The user's password hash, if the user exists and has one.
pub(super) fn password_hash(
    conn: &Connection,
    user: &UserId,
) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row("SELECT password_hash FROM users WHERE user_id = ?1", [user.as_str()], |r| {
            r.get::<_, Option<String>>(0)
        })
        .optional()?
        .flatten())
}
