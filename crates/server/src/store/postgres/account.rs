//! Accounts, the PostgreSQL version: the `users` table (existence, password
//! hashes, session generations), `revoked_user_sigs` and `custom_status`.

use super::writer::PgTx;
use super::Cx;
use crate::store::tx::AccountTx;
use crate::store::{SessionStanding, StoreError};
use confab_proto::UserId;

/// Whether the user exists.
pub(super) fn exists(cx: &mut Cx<'_>, user: &UserId) -> Result<bool, StoreError> {
    Ok(cx.query_opt("SELECT 1 FROM users WHERE user_id = $1", &[&user.as_str()])?.is_some())
}

/// Each user's custom status (`""`: none), `None` when not registered.
pub(super) fn custom_statuses(
    cx: &mut Cx<'_>,
    users: &[UserId],
) -> Result<Vec<(UserId, Option<String>)>, StoreError> {
    let mut out = Vec::with_capacity(users.len());
    for user in users {
        let row = cx.query_opt(
            "SELECT u.user_id, COALESCE(s.status, '') FROM users u
             LEFT JOIN custom_status s ON s.user_id = u.user_id WHERE u.user_id = $1",
            &[&user.as_str()],
        )?;
        let status = row.map(|r| r.try_get::<_, String>(1)).transpose()?;
        out.push((user.clone(), status));
    }
    Ok(out)
}

/// The user's password hash, if the user exists and has one.
pub(super) fn password_hash(cx: &mut Cx<'_>, user: &UserId) -> Result<Option<String>, StoreError> {
    let row =
        cx.query_opt("SELECT password_hash FROM users WHERE user_id = $1", &[&user.as_str()])?;
    Ok(row.map(|r| r.try_get::<_, Option<String>>(0)).transpose()?.flatten())
}

/// The user's session generation and floor, and whether `serial` was revoked.
pub(super) fn session_standing(
    cx: &mut Cx<'_>,
    user: &UserId,
    serial: Option<&str>,
) -> Result<SessionStanding, StoreError> {
    let row = cx.query_opt(
        "SELECT session_generation, sigs_valid_from FROM users WHERE user_id = $1",
        &[&user.as_str()],
    )?;
    let (generation, sigs_valid_from) = match row {
        Some(r) => (r.try_get::<_, i64>(0)?, r.try_get::<_, i64>(1)?),
        None => (0, 0),
    };
    let revoked = match serial {
        Some(serial) => cx
            .query_opt(
                "SELECT 1 FROM revoked_user_sigs WHERE user_id = $1 AND serial = $2",
                &[&user.as_str(), &serial],
            )?
            .is_some(),
        None => false,
    };
    Ok(SessionStanding {
        generation: u64::try_from(generation).unwrap_or(0),
        sigs_valid_from,
        revoked,
    })
}

impl AccountTx for PgTx<'_> {
    fn insert_user(
        &mut self,
        user: &UserId,
        password_hash: Option<&str>,
        now_secs: i64,
    ) -> Result<bool, StoreError> {
        let created = self.cx.execute(
            "INSERT INTO users (user_id, password_hash, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (user_id) DO NOTHING",
            &[&user.as_str(), &password_hash, &now_secs],
        )? == 1;
        if created {
            self.state.known_users.insert(user.as_str().to_owned());
        }
        Ok(created)
    }

    fn user_exists(&mut self, user: &UserId) -> Result<bool, StoreError> {
        // Users are never removed, so a positive answer stays true.
        if self.state.known_users.contains(user.as_str()) {
            return Ok(true);
        }
        let found = exists(&mut self.cx, user)?;
        if found {
            self.state.known_users.insert(user.as_str().to_owned());
        }
        Ok(found)
    }

    fn set_password_hash(&mut self, user: &UserId, hash: &str) -> Result<bool, StoreError> {
        let updated = self.cx.execute(
            "UPDATE users SET password_hash = $2 WHERE user_id = $1",
            &[&user.as_str(), &hash],
        )?;
        Ok(updated == 1)
    }

    fn bump_session_generation(
        &mut self,
        user: &UserId,
        sigs_valid_from: i64,
    ) -> Result<Option<u64>, StoreError> {
        let row = self.cx.query_opt(
            "UPDATE users SET session_generation = session_generation + 1,
                              sigs_valid_from = GREATEST(sigs_valid_from, $2)
             WHERE user_id = $1 RETURNING session_generation",
            &[&user.as_str(), &sigs_valid_from],
        )?;
        let generation = row.map(|r| r.try_get::<_, i64>(0)).transpose()?;
        Ok(generation.map(|g| u64::try_from(g).unwrap_or(0)))
    }

    fn insert_sig_revocation(
        &mut self,
        user: &UserId,
        serial: &str,
        expire_at: i64,
    ) -> Result<(), StoreError> {
        self.cx.execute(
            "INSERT INTO revoked_user_sigs (user_id, serial, expire_at) VALUES ($1, $2, $3)
             ON CONFLICT (user_id, serial) DO NOTHING",
            &[&user.as_str(), &serial, &expire_at],
        )?;
        Ok(())
    }

    fn forget_sig_revocations(&mut self, user: &UserId) -> Result<(), StoreError> {
        self.cx.execute("DELETE FROM revoked_user_sigs WHERE user_id = $1", &[&user.as_str()])?;
        Ok(())
    }

    fn forget_expired_sig_revocations(&mut self, now_secs: i64) -> Result<(), StoreError> {
        self.cx.execute("DELETE FROM revoked_user_sigs WHERE expire_at <= $1", &[&now_secs])?;
        Ok(())
    }

    fn set_custom_status(&mut self, user: &UserId, status: &str) -> Result<(), StoreError> {
        if status.is_empty() {
            self.cx.execute("DELETE FROM custom_status WHERE user_id = $1", &[&user.as_str()])?;
        } else {
            self.cx.execute(
                "INSERT INTO custom_status (user_id, status) VALUES ($1, $2)
                 ON CONFLICT (user_id) DO UPDATE SET status = excluded.status",
                &[&user.as_str(), &status],
            )?;
        }
        Ok(())
    }
}
