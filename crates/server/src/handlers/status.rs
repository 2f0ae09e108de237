//! User status: `setSelfStatus`, `getUserStatus`, `subscribeUserStatus`,
//! `unsubscribeUserStatus` (the presence itself is `crate::presence`).
//!
//! | operation | refused when | code |
//! |---|---|---|
//! | setSelfStatus | `customStatus` over 256 bytes | 20001 `MALFORMED_FRAME` |
//! | getUserStatus | `userIDList` empty or over 500 | 20001 |
//! | subscribe / unsubscribe | `userIDList` over 100 (empty for subscribe) | 20001 |
//! | getUserStatus of others, subscribe, unsubscribe | the 21st call of that operation within 5 s | 2996 `OVER_FREQUENCY_LIMIT` |
//!
//! Per user: an unregistered userID is a failure (2501); subscribing to
//! oneself is a failure (20001).

use super::{reject, Caller, Reply};
use crate::server::ServerContext;
use confab_proto::ops::Operation as _;
use confab_proto::relation::UserFailure;
use confab_proto::status::{
    GetUserStatus, SetSelfStatus, StatusFailures, SubscribeUserStatus, UnsubscribeUserStatus,
    UserStatus, UserStatusResponse, MAX_CUSTOM_STATUS_BYTES, MAX_STATUS_QUERY_IDS,
    MAX_STATUS_SUBSCRIBE_IDS, STATUS_RATE_CALLS, STATUS_RATE_WINDOW_MS,
};
use confab_proto::{code, ErrorBody, UserId};
use futures_util::FutureExt as _;
use std::sync::Arc;

fn malformed(message: String) -> ErrorBody {
    ErrorBody::new(code::MALFORMED_FRAME, message)
}

/// `users` each once, when there are `min` to `max` of them (else 20001).
fn id_list(users: Vec<UserId>, min: usize, max: usize) -> Result<Vec<UserId>, ErrorBody> {
    super::id_list(users, min, max, code::MALFORMED_FRAME)
}

fn rate_limited(ctx: &ServerContext, caller: &Caller, op: &'static str) -> Result<(), ErrorBody> {
    if ctx.presence.roster().allow_call(&caller.user, op, ctx.clock.now_ms()) {
        return Ok(());
    }
    Err(ErrorBody::new(
        code::OVER_FREQUENCY_LIMIT,
        format!(
            "at most {STATUS_RATE_CALLS} calls of {op} per {} s; try again shortly",
            STATUS_RATE_WINDOW_MS / 1000
        ),
    ))
}

fn unregistered(user: UserId) -> UserFailure {
    UserFailure {
        message: format!("{user} is not registered"),
        user_id: user,
        code: code::USER_OR_GROUP_NOT_FOUND,
    }
}

/// `setSelfStatus`.
pub(crate) fn set_self_status(
    ctx: &ServerContext,
    caller: &Caller,
    request: SetSelfStatus,
) -> Reply<UserStatus> {
    if request.custom_status.len() > MAX_CUSTOM_STATUS_BYTES {
        return reject(malformed(format!(
            "customStatus is {} bytes; at most {MAX_CUSTOM_STATUS_BYTES}",
            request.custom_status.len()
        )));
    }
    let (store, presence) = (Arc::clone(&ctx.store), Arc::clone(&ctx.presence));
    let user = caller.user.clone();
    async move {
        let custom_status = request.custom_status;
        store
            .set_custom_status(user.clone(), custom_status.clone())
            .await
            .map_err(super::store_error)?;
        let status_type = presence.custom_status_set(&user).await;
        Ok(UserStatus { user_id: user, status_type, custom_status })
    }
    .boxed()
}

/// `getUserStatus`.
pub(crate) fn get_user_status(
    ctx: &ServerContext,
    caller: &Caller,
    request: GetUserStatus,
) -> Reply<UserStatusResponse> {
    let users = match id_list(request.user_id_list, 1, MAX_STATUS_QUERY_IDS) {
        Ok(users) => users,
        Err(e) => return reject(e),
    };
    // Asking only for oneself is not limited (the seed's 注意2).
    if users.iter().any(|u| *u != caller.user) {
        if let Err(e) = rate_limited(ctx, caller, GetUserStatus::NAME) {
            return reject(e);
        }
    }
    let (store, presence) = (Arc::clone(&ctx.store), Arc::clone(&ctx.presence));
    async move {
        let found = store.custom_statuses(users).await.map_err(super::store_error)?;
        let mut out = UserStatusResponse::default();
        for (user, custom) in found {
            match custom {
                Some(custom_status) => {
                    let status_type = presence.status_type(&user);
                    out.success_user_list.push(UserStatus {
                        user_id: user,
                        status_type,
                        custom_status,
                    });
                }
                None => out.failure_user_list.push(unregistered(user)),
            }
        }
        Ok(out)
    }
    .boxed()
}

/// `subscribeUserStatus`.
pub(crate) fn subscribe_user_status(
    ctx: &ServerContext,
    caller: &Caller,
    request: SubscribeUserStatus,
) -> Reply<StatusFailures> {
    let users = match id_list(request.user_id_list, 1, MAX_STATUS_SUBSCRIBE_IDS) {
        Ok(users) => users,
        Err(e) => return reject(e),
    };
    if let Err(e) = rate_limited(ctx, caller, SubscribeUserStatus::NAME) {
        return reject(e);
    }
    let (store, presence) = (Arc::clone(&ctx.store), Arc::clone(&ctx.presence));
    let me = caller.user.clone();
    async move {
        let found = store.custom_statuses(users).await.map_err(super::store_error)?;
        let mut out = StatusFailures::default();
        let mut follow = Vec::new();
        for (user, custom) in found {
            if user == me {
                out.failure_user_list.push(UserFailure {
                    user_id: user,
                    code: code::MALFORMED_FRAME,
                    message: "you cannot subscribe to your own status".into(),
                });
            } else if custom.is_none() {
                out.failure_user_list.push(unregistered(user));
            } else {
                follow.push(user);
            }
        }
        presence.roster().subscribe(&me, &follow);
        Ok(out)
    }
    .boxed()
}

/// `unsubscribeUserStatus`.
pub(crate) fn unsubscribe_user_status(
    ctx: &ServerContext,
    caller: &Caller,
    request: UnsubscribeUserStatus,
) -> Reply<StatusFailures> {
    let users = match id_list(request.user_id_list, 0, MAX_STATUS_SUBSCRIBE_IDS) {
        Ok(users) => users,
        Err(e) => return reject(e),
    };
    if let Err(e) = rate_limited(ctx, caller, UnsubscribeUserStatus::NAME) {
        return reject(e);
    }
    let targets = (!users.is_empty()).then_some(users.as_slice());
    ctx.presence.roster().unsubscribe(&caller.user, targets);
    futures_util::future::ready(Ok(StatusFailures::default())).boxed()
}

/// Registers the status operations.
pub(crate) fn register(registry: &mut super::Registry) -> Result<(), super::RegistryError> {
    registry.service::<SetSelfStatus>(set_self_status)?;
    registry.service::<GetUserStatus>(get_user_status)?;
    registry.service::<SubscribeUserStatus>(subscribe_user_status)?;
    registry.service::<UnsubscribeUserStatus>(unsubscribe_user_status)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checklist 530, 535, 541: the per-call limits.
    #[test]
    fn status_lists_are_checked() {
        let ids = |n: usize| (0..n).map(|i| UserId::new(format!("u{i}"))).collect::<Vec<_>>();
        assert!(id_list(ids(500), 1, MAX_STATUS_QUERY_IDS).is_ok());
        assert!(id_list(ids(501), 1, MAX_STATUS_QUERY_IDS).is_err());
        assert!(id_list(ids(101), 1, MAX_STATUS_SUBSCRIBE_IDS).is_err());
        assert!(id_list(Vec::new(), 0, MAX_STATUS_SUBSCRIBE_IDS).is_ok(), "unsubscribe all");
        assert!(id_list(Vec::new(), 1, MAX_STATUS_SUBSCRIBE_IDS).is_err());
    }
}
