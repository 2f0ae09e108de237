//! Accounts: the `users` table (existence, password hashes, session
//! generations) and `revoked_user_sigs`.

use super::profile;
use crate::store::{SessionStanding, StoreError};
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

/// The user's session generation and floor, and whether `serial` was revoked.
pub(super) fn session_standing(
    conn: &Connection,
    user: &UserId,
    serial: Option<&str>,
) -> Result<SessionStanding, StoreError> {
    let (generation, sigs_valid_from) = conn
        .query_row(
            "SELECT session_generation, sigs_valid_from FROM users WHERE user_id = ?1",
            [user.as_str()],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
        )
        .optional()?
        .unwrap_or((0, 0));
    let revoked = match serial {
        Some(serial) => conn
            .query_row(
                "SELECT 1 FROM revoked_user_sigs WHERE user_id = ?1 AND serial = ?2",
                params![user.as_str(), serial],
                |_| Ok(()),
            )
            .optional()?
            .is_some(),
        None => false,
    };
    Ok(SessionStanding {
        generation: u64::try_from(generation).unwrap_or(0),
        sigs_valid_from,
        revoked,
    })
}

/// Records a revoked password-issued UserSig and drops the records of sigs
/// that have expired anyway.
pub(super) fn revoke_sig(
    conn: &Connection,
    user: &UserId,
    serial: &str,
    expire_at: i64,
    now_secs: i64,
) -> Result<(), StoreError> {
    conn.execute("DELETE FROM revoked_user_sigs WHERE expire_at <= ?1", [now_secs])?;
    if expire_at > now_secs {
        conn.execute(
            "INSERT INTO revoked_user_sigs (user_id, serial, expire_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (user_id, serial) DO NOTHING",
            params![user.as_str(), serial, expire_at],
        )?;
    }
    Ok(())
}

/// Bumps the session generation and moves the floor for UserSigs minted
/// elsewhere past this second; returns the new generation.
pub(super) fn bump_generation(
    conn: &Connection,
    user: &UserId,
    now_secs: i64,
) -> Result<u64, StoreError> {
    let generation = conn
        .query_row(
            "UPDATE users SET session_generation = session_generation + 1,
                              sigs_valid_from = MAX(sigs_valid_from, ?2)
             WHERE user_id = ?1 RETURNING session_generation",
            params![user.as_str(), now_secs.saturating_add(1)],
            |r| r.get::<_, i64>(0),
        )
        .optional()?
        .ok_or_else(|| StoreError::UserNotFound(user.clone()))?;
    // Revocations of single sigs are subsumed by the new generation.
    conn.execute("DELETE FROM revoked_user_sigs WHERE user_id = ?1", [user.as_str()])?;
    Ok(u64::try_from(generation).unwrap_or(0))
}

/// Sets a new password hash and bumps the session generation.
pub(super) fn change_password(
    conn: &Connection,
    user: &UserId,
    password_hash: &str,
    now_secs: i64,
) -> Result<u64, StoreError> {
    let updated = conn.execute(
        "UPDATE users SET password_hash = ?2 WHERE user_id = ?1",
        params![user.as_str(), password_hash],
    )?;
    if updated == 0 {
        return Err(StoreError::UserNotFound(user.clone()));
    }
    bump_generation(conn, user, now_secs)
}
