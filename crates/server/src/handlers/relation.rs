//! The relation chain's requests: blacklist, friends, friend requests and
//! friend groups (the stored rules are in `crate::services::relation`).
//!
//! | operation | refused when | code |
//! |---|---|---|
//! | add/removeFromBlacklist | `userIDList` empty or over 1,000 | 20001 `MALFORMED_FRAME` |
//! | addToBlacklist | `userIDList` holds the caller | 2742 `CANNOT_ADD_SELF_TO_BLACKLIST` |
//! | addToBlacklist | a userID is not registered | 2501 `USER_OR_GROUP_NOT_FOUND` |
//! | addFriend | `to` is the caller | 90014 `CANNOT_ADD_SELF_AS_FRIEND` |
//! | addFriend | `source` not `AddSource_Type_` + 1–8 letters; `wording` over 256 bytes, `remark` over 96, `groupName` over 30 | 30001 `ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS` |
//! | deleteFriend | `userIDList` empty or over 100 | 30001 |
//! | checkFriend, getFriendProfile | `userIDList` empty or over 1,000 | 30001 |
//! | updateFriend | `remark` over 96 bytes; a custom key the server is not configured with; a value not a number or a string of at most 500 bytes | 30001 |
//! | acceptFriendApplication | `remark` over 96 bytes | 30001 |
//! | friend groups | a name empty or over 30 bytes; `userIDList` over 1,000 (empty for add/remove) | 30001 |
//!
//! The store's refusals (2700, 2701, 2710, 2711, 2716, 20007, 30010,
//! 30014, 30516, 90013, 90015) are listed in `crate::services::relation`
//! and `confab_proto::relation`. A userID named twice counts once. C2C
//! sends between two users with a blacklist either way are refused with
//! 20007 by the message service.

use super::{from_store, reject, Caller, Reply};
use crate::server::ServerContext;
use crate::services::relation::{BlacklistChange, GroupMembers};
use confab_proto::relation::{
    AcceptFriendApplication, AddFriend, AddFriendResponse, AddToBlacklist, AddToFriendGroup,
    AddType, ApplicationType, BlacklistResponse, CheckFriend, CheckFriendResponse, CheckType,
    CheckedRelation, CreateFriendGroup, DeleteFriend, DeleteFriendApplication, DeleteFriendGroup,
    Empty, Friend, FriendApplicationListResponse, FriendGroup, FriendGroupChange,
    FriendGroupListResponse, FriendListResponse, FriendProfileResponse, FriendResultResponse,
    GetBlacklist, GetFriendApplicationList, GetFriendGroupList, GetFriendList, GetFriendProfile,
    RefuseFriendApplication, Relation, RemoveFromBlacklist, RemoveFromFriendGroup,
    RenameFriendGroup, ResponseAction, SetFriendApplicationRead, UpdateFriend, UserFailure,
    UserResult, ADD_SOURCE_PREFIX, FRIEND_CUSTOM_FIELD_PREFIX, MAX_ADD_SOURCE_KEYWORD_BYTES,
    MAX_BLACKLIST_IDS_PER_CALL, MAX_CHECK_FRIEND_IDS, MAX_DELETE_FRIEND_IDS,
    MAX_FRIEND_GROUP_NAME_BYTES, MAX_FRIEND_IDS_PER_CALL, MAX_FRIEND_REMARK_BYTES,
    MAX_FRIEND_WORDING_BYTES,
};
use confab_proto::{code, ErrorBody, UserId};

/// Longest friend custom field string value, in bytes (as for profiles).
const MAX_FRIEND_CUSTOM_VALUE_BYTES: usize = 500;

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
    change_blacklist(ctx, caller, request.user_id_list, BlacklistChange::Add)
}

/// `removeFromBlacklist`.
pub(crate) fn remove_from_blacklist(
    ctx: &ServerContext,
    caller: &Caller,
    request: RemoveFromBlacklist,
) -> Reply<BlacklistResponse> {
    change_blacklist(ctx, caller, request.user_id_list, BlacklistChange::Remove)
}

fn change_blacklist(
    ctx: &ServerContext,
    caller: &Caller,
    users: Vec<UserId>,
    how: BlacklistChange,
) -> Reply<BlacklistResponse> {
    let users = match checked_blacklist(&caller.user, users, how) {
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
fn checked_blacklist(
    me: &UserId,
    users: Vec<UserId>,
    how: BlacklistChange,
) -> Result<Vec<UserId>, ErrorBody> {
    let users = super::id_list(users, 1, MAX_BLACKLIST_IDS_PER_CALL, code::MALFORMED_FRAME)?;
    if how == BlacklistChange::Add && users.contains(me) {
        return Err(ErrorBody::new(
            code::CANNOT_ADD_SELF_TO_BLACKLIST,
            "you cannot put yourself on your blacklist",
        ));
    }
    Ok(users)
}

fn invalid(message: String) -> ErrorBody {
    ErrorBody::new(code::ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS, message)
}

/// `users` each once, when there are `min` to `max` of them (else 30001).
fn id_list(users: Vec<UserId>, min: usize, max: usize) -> Result<Vec<UserId>, ErrorBody> {
    super::id_list(users, min, max, code::ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS)
}

fn at_most(name: &str, value: &str, max: usize) -> Result<(), ErrorBody> {
    if value.len() > max {
        return Err(invalid(format!("{name} is {} bytes; at most {max}", value.len())));
    }
    Ok(())
}

fn group_name(name: &str) -> Result<(), ErrorBody> {
    if name.is_empty() {
        return Err(invalid("a friend group needs a name".into()));
    }
    at_most("the friend group name", name, MAX_FRIEND_GROUP_NAME_BYTES)
}

/// Checks an `addFriend` against the seed's limits.
fn checked_add(me: &UserId, request: &AddFriend) -> Result<(), ErrorBody> {
    if request.to == *me {
        return Err(ErrorBody::new(
            code::CANNOT_ADD_SELF_AS_FRIEND,
            "you cannot add yourself as a friend",
        ));
    }
    let keyword = request.source.strip_prefix(ADD_SOURCE_PREFIX).unwrap_or("");
    if keyword.is_empty()
        || keyword.len() > MAX_ADD_SOURCE_KEYWORD_BYTES
        || !keyword.bytes().all(|b| b.is_ascii_alphabetic())
    {
        return Err(invalid(format!(
            "source must be {ADD_SOURCE_PREFIX} and 1 to {MAX_ADD_SOURCE_KEYWORD_BYTES} letters, not {:?}",
            request.source
        )));
    }
    at_most("wording", &request.wording, MAX_FRIEND_WORDING_BYTES)?;
    at_most("remark", &request.remark, MAX_FRIEND_REMARK_BYTES)?;
    if !request.group_name.is_empty() {
        group_name(&request.group_name)?;
    }
    Ok(())
}

/// Checks an `updateFriend` against the seed's limits and the configured
/// custom fields.
fn checked_update(request: &UpdateFriend, fields: &[String]) -> Result<(), ErrorBody> {
    if let Some(remark) = &request.remark {
        at_most("remark", remark, MAX_FRIEND_REMARK_BYTES)?;
    }
    for field in &request.friend_custom_field {
        if !field.key.starts_with(FRIEND_CUSTOM_FIELD_PREFIX) || !fields.contains(&field.key) {
            return Err(invalid(format!(
                "friend custom field {:?} is not configured on this server",
                field.key
            )));
        }
        let ok = match &field.value {
            serde_json::Value::String(s) => s.len() <= MAX_FRIEND_CUSTOM_VALUE_BYTES,
            serde_json::Value::Number(_) | serde_json::Value::Null => true,
            _ => false,
        };
        if !ok {
            return Err(invalid(format!(
                "friend custom field {:?} must be a number or a string of at most {MAX_FRIEND_CUSTOM_VALUE_BYTES} bytes",
                field.key
            )));
        }
    }
    Ok(())
}

/// `getFriendList`.
pub(crate) fn get_friend_list(
    ctx: &ServerContext,
    caller: &Caller,
    _request: GetFriendList,
) -> Reply<FriendListResponse> {
    from_store(ctx.store.friends(caller.user.clone(), None), |friend_list| FriendListResponse {
        friend_list,
    })
}

/// `addFriend`.
pub(crate) fn add_friend(
    ctx: &ServerContext,
    caller: &Caller,
    request: AddFriend,
) -> Reply<AddFriendResponse> {
    if let Err(e) = checked_add(&caller.user, &request) {
        return reject(e);
    }
    let both = request.add_type == AddType::Both;
    let reply =
        from_store(ctx.store.add_friend(caller.user.clone(), request, ctx.clock.now_secs()), |r| r);
    let Some(hooks) = crate::webhook::for_caller(ctx, caller) else { return reply };
    let (me, platform, now) = (caller.user.clone(), caller.platform, ctx.clock.now_ms());
    crate::webhook::observed(reply, move |added: &AddFriendResponse| {
        if added.code != 0 {
            return; // a request now waits for them
        }
        let mut pairs = vec![(me.clone(), added.user_id.clone())];
        if both {
            pairs.push((added.user_id.clone(), me.clone()));
        }
        crate::webhook::friends_added(&hooks, now, platform, &pairs, &me, "friend_add");
    })
}

/// An administrator's `addFriend` for `caller` (REST `sns/friend_add`
/// with `ForceAddFlags` 1): the checks of a client's add, then added at
/// once whatever the target's `allowType`.
#[cfg(feature = "rest")]
pub(crate) fn add_friend_without_consent(
    ctx: &ServerContext,
    caller: &Caller,
    request: AddFriend,
) -> Reply<AddFriendResponse> {
    if let Err(e) = checked_add(&caller.user, &request) {
        return reject(e);
    }
    from_store(
        ctx.store.add_friend_without_consent(caller.user.clone(), request, ctx.clock.now_secs()),
        |r| r,
    )
}

/// `deleteFriend`.
pub(crate) fn delete_friend(
    ctx: &ServerContext,
    caller: &Caller,
    request: DeleteFriend,
) -> Reply<FriendResultResponse> {
    let users = match id_list(request.user_id_list, 1, MAX_DELETE_FRIEND_IDS) {
        Ok(users) => users,
        Err(e) => return reject(e),
    };
    let reply = from_store(
        ctx.store.delete_friends(caller.user.clone(), users, request.delete_type),
        |r| r,
    );
    let Some(hooks) = crate::webhook::for_caller(ctx, caller) else { return reply };
    let (me, platform, now) = (caller.user.clone(), caller.platform, ctx.clock.now_ms());
    crate::webhook::observed(reply, move |done: &FriendResultResponse| {
        let peers: Vec<UserId> =
            done.success_user_id_list.iter().map(|r| r.user_id.clone()).collect();
        crate::webhook::friends_deleted(&hooks, now, platform, &me, &peers);
    })
}

/// `checkFriend`.
pub(crate) fn check_friend(
    ctx: &ServerContext,
    caller: &Caller,
    request: CheckFriend,
) -> Reply<CheckFriendResponse> {
    let users = match id_list(request.user_id_list, 1, MAX_CHECK_FRIEND_IDS) {
        Ok(users) => users,
        Err(e) => return reject(e),
    };
    let both = request.check_type == CheckType::Both;
    from_store(ctx.store.friend_relations(caller.user.clone(), users), move |found| {
        let mut out = CheckFriendResponse::default();
        for r in found {
            if !r.exists {
                out.failure_user_id_list.push(UserFailure {
                    message: format!("{} is not registered", r.user),
                    user_id: r.user,
                    code: code::USER_OR_GROUP_NOT_FOUND,
                });
                continue;
            }
            let relation = match (r.a_has_b, both && r.b_has_a) {
                (true, true) => Relation::BothWay,
                (true, false) => Relation::AWithB,
                (false, true) => Relation::BWithA,
                (false, false) => Relation::NoRelation,
            };
            out.success_user_id_list.push(CheckedRelation { user_id: r.user, code: 0, relation });
        }
        out
    })
}

/// `getFriendProfile`.
pub(crate) fn get_friend_profile(
    ctx: &ServerContext,
    caller: &Caller,
    request: GetFriendProfile,
) -> Reply<FriendProfileResponse> {
    let users = match id_list(request.user_id_list, 1, MAX_FRIEND_IDS_PER_CALL) {
        Ok(users) => users,
        Err(e) => return reject(e),
    };
    let asked = users.clone();
    from_store(ctx.store.friends(caller.user.clone(), Some(users)), move |friend_list| {
        let found: std::collections::HashSet<&UserId> =
            friend_list.iter().map(|f| &f.user_id).collect();
        let failure_user_id_list = asked
            .iter()
            .filter(|u| !found.contains(u))
            .map(|u| UserFailure {
                user_id: u.clone(),
                code: code::NOT_MY_FRIEND,
                message: format!("{u} is not your friend"),
            })
            .collect();
        FriendProfileResponse { friend_list, failure_user_id_list }
    })
}

/// `updateFriend`.
pub(crate) fn update_friend(
    ctx: &ServerContext,
    caller: &Caller,
    request: UpdateFriend,
) -> Reply<Friend> {
    if let Err(e) = checked_update(&request, &ctx.config.friend_custom_fields) {
        return reject(e);
    }
    from_store(
        ctx.store.update_friend(
            caller.user.clone(),
            request.user_id,
            request.remark,
            request.friend_custom_field,
            ctx.clock.now_secs(),
        ),
        |r| r,
    )
}

/// `getFriendApplicationList`.
pub(crate) fn get_friend_application_list(
    ctx: &ServerContext,
    caller: &Caller,
    _request: GetFriendApplicationList,
) -> Reply<FriendApplicationListResponse> {
    from_store(ctx.store.friend_requests(caller.user.clone()), |r| r)
}

/// `acceptFriendApplication`.
pub(crate) fn accept_friend_application(
    ctx: &ServerContext,
    caller: &Caller,
    request: AcceptFriendApplication,
) -> Reply<UserResult> {
    if let Err(e) = at_most("remark", &request.remark, MAX_FRIEND_REMARK_BYTES) {
        return reject(e);
    }
    let both = request.action == ResponseAction::AgreeAndAdd;
    let requester = request.user_id.clone();
    let reply = from_store(
        ctx.store.accept_friend_request(
            caller.user.clone(),
            request.user_id,
            request.action,
            request.remark,
            ctx.clock.now_secs(),
        ),
        |r| r,
    );
    let Some(hooks) = crate::webhook::for_caller(ctx, caller) else { return reply };
    let (me, platform, now) = (caller.user.clone(), caller.platform, ctx.clock.now_ms());
    crate::webhook::observed(reply, move |_: &UserResult| {
        // The requester gains me; with AgreeAndAdd I gain them too.
        let mut pairs = vec![(requester.clone(), me.clone())];
        if both {
            pairs.push((me.clone(), requester.clone()));
        }
        crate::webhook::friends_added(&hooks, now, platform, &pairs, &requester, "friend_response");
    })
}

/// `refuseFriendApplication`.
pub(crate) fn refuse_friend_application(
    ctx: &ServerContext,
    caller: &Caller,
    request: RefuseFriendApplication,
) -> Reply<UserResult> {
    from_store(ctx.store.end_friend_request(request.user_id, caller.user.clone()), |r| r)
}

/// `deleteFriendApplication`.
pub(crate) fn delete_friend_application(
    ctx: &ServerContext,
    caller: &Caller,
    request: DeleteFriendApplication,
) -> Reply<UserResult> {
    let me = caller.user.clone();
    let other = request.user_id;
    let pending = match request.application_type {
        ApplicationType::ComeIn => ctx.store.end_friend_request(other.clone(), me),
        ApplicationType::SendOut => ctx.store.end_friend_request(me, other.clone()),
    };
    // The answer names the other user either way.
    from_store(pending, move |_| UserResult { user_id: other })
}

/// `setFriendApplicationRead`.
pub(crate) fn set_friend_application_read(
    ctx: &ServerContext,
    caller: &Caller,
    _request: SetFriendApplicationRead,
) -> Reply<Empty> {
    from_store(ctx.store.set_friend_requests_read(caller.user.clone()), |()| Empty {})
}

/// `getFriendGroupList`.
pub(crate) fn get_friend_group_list(
    ctx: &ServerContext,
    caller: &Caller,
    _request: GetFriendGroupList,
) -> Reply<FriendGroupListResponse> {
    from_store(ctx.store.friend_groups(caller.user.clone()), |friend_group_list| {
        FriendGroupListResponse { friend_group_list }
    })
}

fn change_group(
    ctx: &ServerContext,
    caller: &Caller,
    name: String,
    users: Vec<UserId>,
    how: GroupMembers,
) -> Reply<FriendGroupChange> {
    let min = usize::from(how != GroupMembers::Create);
    let checked = group_name(&name).and_then(|()| id_list(users, min, MAX_FRIEND_IDS_PER_CALL));
    match checked {
        Ok(users) => {
            from_store(ctx.store.change_friend_group(caller.user.clone(), name, users, how), |r| r)
        }
        Err(e) => reject(e),
    }
}

/// `createFriendGroup`.
pub(crate) fn create_friend_group(
    ctx: &ServerContext,
    caller: &Caller,
    request: CreateFriendGroup,
) -> Reply<FriendGroupChange> {
    change_group(ctx, caller, request.name, request.user_id_list, GroupMembers::Create)
}

/// `addToFriendGroup`.
pub(crate) fn add_to_friend_group(
    ctx: &ServerContext,
    caller: &Caller,
    request: AddToFriendGroup,
) -> Reply<FriendGroupChange> {
    change_group(ctx, caller, request.name, request.user_id_list, GroupMembers::Add)
}

/// `removeFromFriendGroup`.
pub(crate) fn remove_from_friend_group(
    ctx: &ServerContext,
    caller: &Caller,
    request: RemoveFromFriendGroup,
) -> Reply<FriendGroupChange> {
    change_group(ctx, caller, request.name, request.user_id_list, GroupMembers::Remove)
}

/// `deleteFriendGroup`.
pub(crate) fn delete_friend_group(
    ctx: &ServerContext,
    caller: &Caller,
    request: DeleteFriendGroup,
) -> Reply<FriendGroup> {
    if let Err(e) = group_name(&request.name) {
        return reject(e);
    }
    from_store(ctx.store.delete_friend_group(caller.user.clone(), request.name), |r| r)
}

/// `renameFriendGroup`.
pub(crate) fn rename_friend_group(
    ctx: &ServerContext,
    caller: &Caller,
    request: RenameFriendGroup,
) -> Reply<FriendGroup> {
    if let Err(e) = group_name(&request.old_name).and_then(|()| group_name(&request.new_name)) {
        return reject(e);
    }
    from_store(
        ctx.store.rename_friend_group(caller.user.clone(), request.old_name, request.new_name),
        |r| r,
    )
}

/// Registers the relation-chain operations.
pub(crate) fn register(registry: &mut super::Registry) -> Result<(), super::RegistryError> {
    registry.service::<GetBlacklist>(get_blacklist)?;
    registry.service::<AddToBlacklist>(add_to_blacklist)?;
    registry.service::<RemoveFromBlacklist>(remove_from_blacklist)?;
    registry.service::<GetFriendList>(get_friend_list)?;
    registry.service::<AddFriend>(add_friend)?;
    registry.service::<DeleteFriend>(delete_friend)?;
    registry.service::<CheckFriend>(check_friend)?;
    registry.service::<GetFriendProfile>(get_friend_profile)?;
    registry.service::<UpdateFriend>(update_friend)?;
    registry.service::<GetFriendApplicationList>(get_friend_application_list)?;
    registry.service::<AcceptFriendApplication>(accept_friend_application)?;
    registry.service::<RefuseFriendApplication>(refuse_friend_application)?;
    registry.service::<DeleteFriendApplication>(delete_friend_application)?;
    registry.service::<SetFriendApplicationRead>(set_friend_application_read)?;
    registry.service::<GetFriendGroupList>(get_friend_group_list)?;
    registry.service::<CreateFriendGroup>(create_friend_group)?;
    registry.service::<DeleteFriendGroup>(delete_friend_group)?;
    registry.service::<AddToFriendGroup>(add_to_friend_group)?;
    registry.service::<RemoveFromFriendGroup>(remove_from_friend_group)?;
    registry.service::<RenameFriendGroup>(rename_friend_group)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use confab_proto::profile::CustomField;

    #[test]
    fn blacklist_calls_are_checked_before_the_store() {
        let me = UserId::new("alice");
        let ids = |n: usize| (0..n).map(|i| UserId::new(format!("u{i}"))).collect::<Vec<_>>();
        let code_of = |users, how| checked_blacklist(&me, users, how).expect_err("refused").code;
        assert_eq!(code_of(Vec::new(), BlacklistChange::Add), code::MALFORMED_FRAME);
        assert_eq!(code_of(ids(1001), BlacklistChange::Remove), code::MALFORMED_FRAME);
        assert_eq!(
            code_of(vec![UserId::new("bob"), me.clone()], BlacklistChange::Add),
            code::CANNOT_ADD_SELF_TO_BLACKLIST
        );
        assert_eq!(
            checked_blacklist(&me, ids(1000), BlacklistChange::Add).expect("1000 pass").len(),
            1000
        );
        let twice = vec![UserId::new("bob"), UserId::new("carol"), UserId::new("bob")];
        assert_eq!(
            checked_blacklist(&me, twice, BlacklistChange::Add).expect("ok"),
            [UserId::new("bob"), UserId::new("carol")]
        );
        // Taking oneself off is harmless: nothing to remove.
        assert!(checked_blacklist(&me, vec![me.clone()], BlacklistChange::Remove).is_ok());
    }

    /// Checklist 551–556: `source` is the prefix and a keyword of at most 8
    /// letters; wording 256, remark 96, group name 30 bytes.
    #[test]
    fn add_friend_fields_are_checked_against_the_seed_limits() {
        let me = UserId::new("alice");
        let good = AddFriend {
            to: UserId::new("bob"),
            source: "AddSource_Type_Web".into(),
            wording: "w".repeat(256),
            remark: "r".repeat(96),
            group_name: "g".repeat(30),
            ..AddFriend::default()
        };
        assert!(checked_add(&me, &good).is_ok());
        let code_of = |r: AddFriend| checked_add(&me, &r).expect_err("refused").code;
        let bad = code::ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS;
        for source in
            ["Web", "AddSource_Type_", "AddSource_Type_Desktop1", "AddSource_Type_Computers"]
        {
            assert_eq!(
                code_of(AddFriend { source: source.into(), ..good.clone() }),
                bad,
                "{source}"
            );
        }
        assert!(checked_add(
            &me,
            &AddFriend { source: "AddSource_Type_Computer".into(), ..good.clone() }
        )
        .is_ok());
        assert_eq!(code_of(AddFriend { wording: "w".repeat(257), ..good.clone() }), bad);
        assert_eq!(code_of(AddFriend { remark: "字".repeat(33), ..good.clone() }), bad);
        assert_eq!(code_of(AddFriend { group_name: "g".repeat(31), ..good.clone() }), bad);
        assert_eq!(
            code_of(AddFriend { to: me.clone(), ..good.clone() }),
            code::CANNOT_ADD_SELF_AS_FRIEND
        );
    }

    /// Checklist 563, 569, 587: list limits and friend custom keys.
    #[test]
    fn friend_lists_and_custom_fields_are_checked() {
        let ids = |n: usize| (0..n).map(|i| UserId::new(format!("u{i}"))).collect::<Vec<_>>();
        assert!(id_list(ids(100), 1, MAX_DELETE_FRIEND_IDS).is_ok());
        assert!(id_list(ids(101), 1, MAX_DELETE_FRIEND_IDS).is_err());
        assert!(id_list(ids(1000), 1, MAX_CHECK_FRIEND_IDS).is_ok());
        assert!(id_list(ids(1001), 1, MAX_CHECK_FRIEND_IDS).is_err());
        assert!(id_list(Vec::new(), 1, MAX_CHECK_FRIEND_IDS).is_err());
        let fields = vec!["Tag_SNS_Custom_Note".to_owned()];
        let update = |key: &str, value: serde_json::Value| UpdateFriend {
            user_id: UserId::new("bob"),
            remark: None,
            friend_custom_field: vec![CustomField { key: key.into(), value }],
        };
        assert!(checked_update(&update("Tag_SNS_Custom_Note", "hi".into()), &fields).is_ok());
        assert!(checked_update(&update("Tag_SNS_Custom_Other", "hi".into()), &fields).is_err());
        assert!(checked_update(&update("Tag_SNS_Custom_Note", "x".repeat(501).into()), &fields)
            .is_err());
        assert!(checked_update(&update("Tag_SNS_Custom_Note", serde_json::json!([1])), &fields)
            .is_err());
        let long_remark = UpdateFriend { remark: Some("r".repeat(97)), ..update("a", 1.into()) };
        assert!(checked_update(
            &UpdateFriend { friend_custom_field: vec![], ..long_remark },
            &fields
        )
        .is_err());
        assert!(group_name("").is_err() && group_name(&"g".repeat(31)).is_err());
    }
}
