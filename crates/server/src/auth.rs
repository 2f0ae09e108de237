//! Signing in with a UserSig: the checks the WebSocket login (the gateway)
//! and every file service request share. A UserSig is verified against
//! this server's SDKAppID, secret key and clock; the user must be a valid
//! user ID; the user is created on first sight; and the sig must not have
//! been retired by a logout, a renewal, a password change or a sign-out of
//! all devices (`session_keys`). Each caller keeps the order of its own
//! checks and maps the [`ErrorBody`] to its transport (a login error frame,
//! an HTTP status).

use crate::handlers;
use crate::server::ServerContext;
use crate::session_keys::{self, SessionSig};
use crate::usersig::{self, VerifiedSig};
use confab_proto::account::validate_user_id;
use confab_proto::{code, ErrorBody, UserId};

/// Verifies `user_sig` for `user_id` now (server clock); the error carries
/// the UserSig's TIM code (70001 expired, 70003 bad signature, …).
pub(crate) fn verify_sig(
    ctx: &ServerContext,
    user_id: &str,
    user_sig: &str,
) -> Result<VerifiedSig, ErrorBody> {
    usersig::verify_user_sig(
        ctx.config.sdk_app_id,
        &ctx.secret_key,
        user_id,
        user_sig,
        ctx.clock.now_secs(),
    )
    .map_err(|e| ErrorBody::new(e.code(), e.to_string()))
}

/// Refuses a user ID that could never be an account's (7010x
/// `INVALID_USER_ID`).
pub(crate) fn check_user_id(user_id: &str) -> Result<(), ErrorBody> {
    validate_user_id(user_id).map_err(|why| ErrorBody::new(code::INVALID_USER_ID, why))
}

/// Creates `user` unless it exists (a UserSig minted by an application
/// backend names users the server never saw).
pub(crate) async fn ensure_user(ctx: &ServerContext, user: &UserId) -> Result<(), ErrorBody> {
    let exists = ctx.store.user_exists(user.clone()).await.map_err(handlers::store_error)?;
    if !exists {
        ctx.store
            .ensure_user(user.clone(), ctx.clock.now_secs())
            .await
            .map_err(handlers::store_error)?;
    }
    Ok(())
}

/// The last step of every sign-in: makes sure `user` exists and that its
/// verified UserSig was not retired; returns what a session keeps of it.
pub(crate) async fn admit(
    ctx: &ServerContext,
    user: &UserId,
    verified: &VerifiedSig,
) -> Result<SessionSig, ErrorBody> {
    ensure_user(ctx, user).await?;
    session_keys::admit(ctx, user, verified).await
}
