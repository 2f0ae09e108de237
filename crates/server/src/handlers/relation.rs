//! The relation chain: `getBlacklist`, `addToBlacklist`,
//! `removeFromBlacklist` (the stored rules are in
//! `crate::services::relation`).
//!
//! | operation | refused when | code |
//! |---|---|---|
//! | add, remove | `userIDList` empty or over 1,000 | 20001 `MALFORMED_FRAME` |
//! | add | `userIDList` holds the caller | 2742 `CANNOT_ADD_SELF_TO_BLACKLIST` |
//! | add | a userID is not registered | 2501 `USER_OR_GROUP_NOT_FOUND` |
//!
//! A userID named twice counts once. C2C sends between two users with a
//! blacklist either way are refused with 20007 by the message service.

use super::{from_store, reject, Caller, Reply};
use crate::server::ServerContext;
use crate::services::relation::BlacklistChange;
use confab_proto::relation::{
    AddToBlacklist, BlacklistResponse, GetBlacklist, RemoveFromBlacklist,
    MAX_BLACKLIST_IDS_PER_CALL,
};
use confab_proto::{code, ErrorBody, UserId};

/// `getBlacklist`.
pub(crate) fn get_blacklist(
    ctx: &ServerContext,
    caller: &Caller,
    _request: GetBlacklist,
) -> Reply<BlacklistResponse> {
    from_store(ctx.store.blacklist(caller.user.clone()), |user_id_list| BlacklistResponse {
        user_id_list,
    })
}

/// `addToBlacklist`.
pub(crate) fn add_to_blacklist(
    ctx: &ServerContext,
    caller: &Caller,
    request: AddToBlacklist,
) -> Reply<BlacklistResponse> {
    change(ctx, caller, request.user_id_list, BlacklistChange::Add)
}

/// `removeFromBlacklist`.
pub(crate) fn remove_from_blacklist(
    ctx: &ServerContext,
    caller: &Caller,
    request: RemoveFromBlacklist,
) -> Reply<BlacklistResponse> {
    change(ctx, caller, request.user_id_list, BlacklistChange::Remove)
}

fn change(
    ctx: &ServerContext,
    caller: &Caller,
    users: Vec<UserId>,
    how: BlacklistChange,
) -> Reply<BlacklistResponse> {
    let users = match checked(&caller.user, users, how) {
        Ok(users) => users,
        Err(e) => return reject(e),
    };
    from_store(
        ctx.store.change_blacklist(caller.user.clone(), users, how, ctx.clock.now_secs()),
        |r| r,
    )
}

/// The list's users, each once, in the order first named; or why the call
/// is refused.
fn checked(
    me: &UserId,
    users: Vec<UserId>,
    how: BlacklistChange,
) -> Result<Vec<UserId>, ErrorBody> {
    if users.is_empty() || users.len() > MAX_BLACKLIST_IDS_PER_CALL {
        return Err(ErrorBody::new(
            code::MALFORMED_FRAME,
            format!(
                "userIDList must hold 1 to {MAX_BLACKLIST_IDS_PER_CALL} userIDs, not {}",
                users.len()
            ),
        ));
    }
    if how == BlacklistChange::Add && users.contains(me) {
        return Err(ErrorBody::new(
            code::CANNOT_ADD_SELF_TO_BLACKLIST,
            "you cannot put yourself on your blacklist",
        ));
    }
    let mut seen = std::collections::HashSet::new();
    Ok(users.into_iter().filter(|u| seen.insert(u.clone())).collect())
}

/// Registers the relation-chain operations.
pub(crate) fn register(registry: &mut super::Registry) -> Result<(), super::RegistryError> {
    registry.service::<GetBlacklist>(get_blacklist)?;
    registry.service::<AddToBlacklist>(add_to_blacklist)?;
    registry.service::<RemoveFromBlacklist>(remove_from_blacklist)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blacklist_calls_are_checked_before_the_store() {
        let me = UserId::new("alice");
        let ids = |n: usize| (0..n).map(|i| UserId::new(format!("u{i}"))).collect::<Vec<_>>();
        let code_of = |users, how| checked(&me, users, how).expect_err("refused").code;
        assert_eq!(code_of(Vec::new(), BlacklistChange::Add), code::MALFORMED_FRAME);
        assert_eq!(code_of(ids(1001), BlacklistChange::Remove), code::MALFORMED_FRAME);
        assert_eq!(
            code_of(vec![UserId::new("bob"), me.clone()], BlacklistChange::Add),
            code::CANNOT_ADD_SELF_TO_BLACKLIST
        );
        assert_eq!(checked(&me, ids(1000), BlacklistChange::Add).expect("1000 pass").len(), 1000);
        let twice = vec![UserId::new("bob"), UserId::new("carol"), UserId::new("bob")];
        assert_eq!(
            checked(&me, twice, BlacklistChange::Add).expect("ok"),
            [UserId::new("bob"), UserId::new("carol")]
        );
        // Taking oneself off is harmless: nothing to remove.
        assert!(checked(&me, vec![me.clone()], BlacklistChange::Remove).is_ok());
    }
}
