//! Accounts and session keys as stored: creating users (with their empty
//! profile), registering passwords, retiring UserSigs. The rules of the
//! keys themselves are in `crate::session_keys`.

use crate::store::{Store, StoreError, StoreFuture, WriteTx};
use confab_proto::profile::Profile;
use confab_proto::UserId;

/// Creates the user with `password_hash` and the empty profile; `false`
/// when the userID is taken (nothing changes then).
fn create(
    tx: &mut dyn WriteTx,
    user: &UserId,
    password_hash: Option<&str>,
    now_secs: i64,
) -> Result<bool, StoreError> {
    if !tx.insert_user(user, password_hash, now_secs)? {
        return Ok(false);
    }
    tx.save_profile(&Profile::empty(user.clone()))?;
    Ok(true)
}

/// Makes every UserSig issued to `user` so far stop working; the new generation.
fn bump_generation(tx: &mut dyn WriteTx, user: &UserId, now_secs: i64) -> Result<u64, StoreError> {
    // A sig minted in the very second of the bump is refused too.
    let generation = tx
        .bump_session_generation(user, now_secs.saturating_add(1))?
        .ok_or_else(|| StoreError::UserNotFound(user.clone()))?;
    // Revocations of single sigs are subsumed by the new generation.
    tx.forget_sig_revocations(user)?;
    Ok(generation)
}

impl dyn Store {
    /// Creates the user (row and empty profile) unless it exists; `true` when created.
    pub(crate) fn ensure_user(&self, user: UserId, now_secs: i64) -> StoreFuture<bool> {
        self.transact(move |tx| create(tx, &user, None, now_secs))
    }

    /// Creates an account with a password hash; [`StoreError::AccountExists`]
    /// when the userID is taken.
    pub(crate) fn register_account(
        &self,
        user: UserId,
        password_hash: String,
        now_secs: i64,
    ) -> StoreFuture<()> {
        self.transact(move |tx| {
            if create(tx, &user, Some(&password_hash), now_secs)? {
                Ok(())
            } else {
                Err(StoreError::AccountExists(user))
            }
        })
    }

    /// Revokes the password-issued UserSig `serial` (which would expire at
    /// `expire_at`) and forgets revocations that expired by `now_secs`.
    pub(crate) fn revoke_user_sig(
        &self,
        user: UserId,
        serial: String,
        expire_at: i64,
        now_secs: i64,
    ) -> StoreFuture<()> {
        self.transact(move |tx| {
            tx.forget_expired_sig_revocations(now_secs)?;
            if expire_at > now_secs {
                tx.insert_sig_revocation(&user, &serial, expire_at)?;
            }
            Ok(())
        })
    }

    /// Makes every UserSig issued to `user` so far stop working: bumps the
    /// session generation and sets the floor for UserSigs minted elsewhere
    /// to `now_secs + 1`. Returns the new generation;
    /// [`StoreError::UserNotFound`] for an unknown user.
    pub(crate) fn bump_session_generation(&self, user: UserId, now_secs: i64) -> StoreFuture<u64> {
        self.transact(move |tx| bump_generation(tx, &user, now_secs))
    }

    /// Sets a new password hash and, in the same transaction, does what
    /// [`Self::bump_session_generation`] does. Returns the new generation.
    pub(crate) fn change_password(
        &self,
        user: UserId,
        password_hash: String,
        now_secs: i64,
    ) -> StoreFuture<u64> {
        self.transact(move |tx| {
            if !tx.set_password_hash(&user, &password_hash)? {
                return Err(StoreError::UserNotFound(user));
            }
            bump_generation(tx, &user, now_secs)
        })
    }
}
