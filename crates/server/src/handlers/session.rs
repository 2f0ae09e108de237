//! Operations on what a session is signed in with: `renewUserSig`,
//! `changePassword` and `signOutEverywhere` (Confab extensions; the rules
//! of the keys themselves are in `session_keys`). The gateway runs them
//! in order with the session's other replies and keeps the UserSig they
//! issue as the session's own.
//!
//! | op | condition | code |
//! |---|---|---|
//! | renew | the session logged in with a UserSig minted elsewhere | 90030 `USERSIG_NOT_RENEWABLE` |
//! | renew | the session's UserSig was retired meanwhile | 70001 `ACCOUNT_A2KEY_EXPIRED` |
//! | change | the new password breaks the registration rules | 90007 `INVALID_PASSWORD` |
//! | change | wrong old password, or an account without a password | 90005 `INVALID_CREDENTIALS` |
//!
//! A password change and a sign-out of all devices bump the user's session
//! generation in the store first and then kick every other live session
//! of the user with `userSigExpired` (TIM's kick for "this sig no longer
//! works, get a new one"); the caller of a password change stays signed in
//! with the fresh UserSig it is answered with, the caller of a sign-out is
//! closed as logged out.

use super::Caller;
use crate::server::ServerContext;
use crate::session_keys::{self, Issued, SessionSig};
use confab_proto::account::validate_password;
use confab_proto::constants::types;
use confab_proto::ops::{ChangePassword, SignOutEverywhereResponse};
use confab_proto::{code, ErrorBody};

/// `renewUserSig`: a fresh password UserSig in the same generation; the one
/// it replaces is retired.
pub(crate) async fn renew_user_sig(
    ctx: &ServerContext,
    caller: &Caller,
    current: &SessionSig,
) -> Result<Issued, ErrorBody> {
    let Some(mark) = &current.mark else {
        return Err(ErrorBody::new(
            code::USERSIG_NOT_RENEWABLE,
            "this session's UserSig was not issued by this server for a password; \
             ask the application for a new one",
        ));
    };
    session_keys::still_stands(ctx, &caller.user, current).await?;
    let issued = session_keys::issue(ctx, &caller.user, mark.generation);
    session_keys::retire(ctx, &caller.user, current).await?;
    Ok(issued)
}

/// `changePassword`.
pub(crate) async fn change_password(
    ctx: &ServerContext,
    caller: &Caller,
    request: ChangePassword,
) -> Result<Issued, ErrorBody> {
    let ChangePassword { old_password, new_password } = request;
    validate_password(&new_password)
        .map_err(|why| ErrorBody::new(code::INVALID_PASSWORD, why.to_string()))?;
    let denied = || ErrorBody::new(code::INVALID_CREDENTIALS, "the old password is wrong");
    let stored = ctx
        .store
        .password_hash(caller.user.clone())
        .await
        .map_err(super::store_error)?
        .ok_or_else(denied)?;
    if !password_matches(ctx, stored, old_password).await? {
        return Err(denied());
    }
    let hash = hash_password(ctx, new_password).await?;
    let generation = ctx
        .store
        .change_password(caller.user.clone(), hash, ctx.clock.now_secs())
        .await
        .map_err(super::store_error)?;
    let kicked = ctx.sessions.kick_all(
        &caller.user,
        Some(caller.session),
        types::KICKED_OUT_USERSIG_EXPIRED,
    );
    tracing::info!(user = %caller.user, kicked, "password changed");
    Ok(session_keys::issue(ctx, &caller.user, generation))
}

/// `signOutEverywhere`.
pub(crate) async fn sign_out_everywhere(
    ctx: &ServerContext,
    caller: &Caller,
) -> Result<SignOutEverywhereResponse, ErrorBody> {
    ctx.store
        .bump_session_generation(caller.user.clone(), ctx.clock.now_secs())
        .await
        .map_err(super::store_error)?;
    let kicked = ctx.sessions.kick_all(
        &caller.user,
        Some(caller.session),
        types::KICKED_OUT_USERSIG_EXPIRED,
    );
    tracing::info!(user = %caller.user, kicked, "signed out of all devices");
    Ok(SignOutEverywhereResponse {})
}

/// Whether `password` matches the stored argon2 PHC string, hashed under
/// the server's hashing permits and in their reused memory.
async fn password_matches(
    ctx: &ServerContext,
    stored: String,
    password: String,
) -> Result<bool, ErrorBody> {
    let permit = ctx.passwords.acquire().await;
    permit
        .verify(password, Some(stored))
        .await
        .map_err(|e| internal("cannot check the password", e))
}

/// An argon2 PHC string of `password` with a random salt, hashed under the
/// server's hashing permits and in their reused memory.
async fn hash_password(ctx: &ServerContext, password: String) -> Result<String, ErrorBody> {
    let permit = ctx.passwords.acquire().await;
    permit.hash(password).await.map_err(|e| internal("cannot hash the password", e))
}

fn internal(what: &str, e: impl std::fmt::Display) -> ErrorBody {
    tracing::error!(error = %e, "{what}");
    ErrorBody::new(code::INTERNAL, format!("{what}; try again"))
}

/// Adds the session-lifecycle operations to the registry: the gateway
/// serves them itself (they act on the session), but they are listed like
/// every other operation.
pub(crate) fn register(registry: &mut super::Registry) -> Result<(), super::RegistryError> {
    use super::registry::SessionOp;
    use confab_proto::ops::{
        ChangePassword, Heartbeat, Login, Logout, RenewUserSig, SignOutEverywhere,
    };
    registry.session::<Login>(SessionOp::Login)?;
    registry.session::<Heartbeat>(SessionOp::Heartbeat)?;
    registry.session::<Logout>(SessionOp::Logout)?;
    registry.session::<RenewUserSig>(SessionOp::RenewUserSig)?;
    registry.session::<ChangePassword>(SessionOp::ChangePassword)?;
    registry.session::<SignOutEverywhere>(SessionOp::SignOutEverywhere)?;
    Ok(())
}
