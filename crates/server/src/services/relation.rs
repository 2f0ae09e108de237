//! The relation chain's rules that touch stored state, inside the writer:
//! blacklists, friends, friend requests and friend groups (the request
//! checks are in `crate::handlers::relation`).
//!
//! Every change is told to each user whose state it changed by an inbox
//! event naming what changed as it is now (see `confab_proto::relation`),
//! pushed to all of that user's sessions, the calling one too (the events
//! are idempotent). Every refusal happens before the first write.
//!
//! The rules:
//! - `addFriend` follows the target's `allowType`; a two-way add gives the
//!   target the caller too. Adding ends any request between the two. An
//!   administrator's add (REST `ForceAddFlags` 1) waives the target's
//!   `allowType` and the caller's `adminForbidType`, nothing else.
//! - Accepting a request gives the requester the caller (with the remark and
//!   group the requester asked for); AgreeAndAdd gives the caller the
//!   requester too.
//! - Blacklisting ends a friendship both ways and any request between the
//!   two; while a blacklist stands, neither can ask the other (20007).
//! - A friend group holds friends only: losing a friend takes them out of
//!   every group of the owner (the clients do the same on `friendDeleted`).

use super::inbox;
use crate::store::{FriendFields, FriendRequestRecord, Store, StoreError, StoreFuture, WriteTx};
use confab_proto::constants::types;
use confab_proto::inbox::InboxEvent;
use confab_proto::profile::CustomField;
use confab_proto::relation::{
    AddFriend, AddFriendResponse, AddType, ApplicationType, BlacklistResponse, DeleteType, Friend,
    FriendApplication, FriendGroup, FriendGroupChange, FriendResultResponse, ResponseAction,
    UserFailure, UserResult, ADD_FRIEND_PENDING, MAX_FRIENDS, MAX_FRIEND_GROUPS,
};
use confab_proto::{code, ErrorBody, UserId};

/// Which way a blacklist changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BlacklistChange {
    /// `addToBlacklist`.
    Add,
    /// `removeFromBlacklist`.
    Remove,
}

fn refused(code: i32, message: impl Into<String>) -> StoreError {
    StoreError::Refused(ErrorBody::new(code, message.into()))
}

fn not_friend(user: &UserId) -> UserFailure {
    UserFailure {
        user_id: user.clone(),
        code: code::NOT_MY_FRIEND,
        message: format!("{user} is not your friend"),
    }
}

fn change_blacklist(
    tx: &mut dyn WriteTx,
    owner: &UserId,
    users: &[UserId],
    how: BlacklistChange,
    now_secs: i64,
) -> Result<BlacklistResponse, StoreError> {
    if how == BlacklistChange::Add {
        for user in users {
            if !tx.user_exists(user)? {
                return Err(StoreError::UserNotFound(user.clone()));
            }
        }
    }
    let mut changed = Vec::new();
    for user in users {
        let did = match how {
            BlacklistChange::Add => tx.blacklist_insert(owner, user, now_secs)?,
            BlacklistChange::Remove => tx.blacklist_delete(owner, user)?,
        };
        if did {
            changed.push(user.clone());
        }
    }
    if !changed.is_empty() {
        let event = match how {
            BlacklistChange::Add => InboxEvent::BlacklistAdded { user_id_list: changed.clone() },
            BlacklistChange::Remove => InboxEvent::BlacklistRemoved { user_id_list: changed },
        };
        inbox::append(tx, owner, event, None)?;
    }
    if how == BlacklistChange::Add {
        // A blacklist ends the friendship both ways and any request between.
        for user in users {
            unfriend(tx, owner, user)?;
            unfriend(tx, user, owner)?;
            end_request(tx, owner, user)?;
            end_request(tx, user, owner)?;
        }
    }
    Ok(BlacklistResponse { user_id_list: tx.blacklist_of(owner)? })
}

/// Takes `friend` off `owner`'s list and tells the owner; whether it was
/// there.
fn unfriend(tx: &mut dyn WriteTx, owner: &UserId, friend: &UserId) -> Result<bool, StoreError> {
    if !tx.friend_delete(owner, friend)? {
        return Ok(false);
    }
    inbox::append(
        tx,
        owner,
        InboxEvent::FriendDeleted { user_id_list: vec![friend.clone()] },
        None,
    )?;
    Ok(true)
}

/// Deletes the request from `requester` to `target`, if any, and tells both.
fn end_request(
    tx: &mut dyn WriteTx,
    requester: &UserId,
    target: &UserId,
) -> Result<bool, StoreError> {
    if !tx.friend_request_delete(requester, target)? {
        return Ok(false);
    }
    let to_requester = InboxEvent::FriendApplicationDeleted {
        user_id: target.clone(),
        application_type: ApplicationType::SendOut,
    };
    inbox::append(tx, requester, to_requester, None)?;
    let to_target = InboxEvent::FriendApplicationDeleted {
        user_id: requester.clone(),
        application_type: ApplicationType::ComeIn,
    };
    inbox::append(tx, target, to_target, None)?;
    Ok(true)
}

/// `friend` on `owner`'s list, which the caller knows is there.
fn friend_now(tx: &mut dyn WriteTx, owner: &UserId, friend: &UserId) -> Result<Friend, StoreError> {
    tx.friend_of(owner, friend)?
        .ok_or_else(|| StoreError::Corrupt(format!("{friend} vanished from {owner}'s friends")))
}

/// Puts `friend` on `owner`'s list (in `group_name` too, made if new and
/// the owner has room for it) and tells the owner.
fn befriend(
    tx: &mut dyn WriteTx,
    owner: &UserId,
    friend: &UserId,
    fields: &FriendFields,
    group_name: &str,
    now_secs: i64,
) -> Result<(), StoreError> {
    tx.friend_save(owner, friend, fields, now_secs)?;
    if !group_name.is_empty() {
        let exists = tx.friend_group_load(owner, group_name)?.is_some();
        let room = exists || (tx.friend_group_names(owner)?.len() as u64) < MAX_FRIEND_GROUPS;
        if room {
            tx.friend_group_create(owner, group_name)?;
            tx.friend_group_add(owner, group_name, friend)?;
            tell_group(tx, owner, group_name)?;
        }
    }
    let friend = friend_now(tx, owner, friend)?;
    inbox::append(tx, owner, InboxEvent::FriendUpdated { friend }, None)?;
    Ok(())
}

/// Tells `owner` the group `name` as it is now; the group.
fn tell_group(tx: &mut dyn WriteTx, owner: &UserId, name: &str) -> Result<FriendGroup, StoreError> {
    let group = tx
        .friend_group_load(owner, name)?
        .ok_or_else(|| StoreError::Corrupt(format!("friend group {name:?} of {owner} vanished")))?;
    let event = InboxEvent::FriendGroupUpdated { friend_group: group.clone() };
    inbox::append(tx, owner, event, None)?;
    Ok(group)
}

/// The request as `viewer` sees it (the other side's nick and avatar).
fn application_of(
    tx: &mut dyn WriteTx,
    request: &FriendRequestRecord,
    viewer: &UserId,
) -> Result<FriendApplication, StoreError> {
    let (other, application_type) = if *viewer == request.target {
        (&request.requester, ApplicationType::ComeIn)
    } else {
        (&request.target, ApplicationType::SendOut)
    };
    let profile = tx
        .load_profile(other)?
        .unwrap_or_else(|| confab_proto::profile::Profile::empty(other.clone()));
    Ok(FriendApplication {
        user_id: other.clone(),
        avatar: profile.avatar,
        nick: profile.nick,
        time: request.made_at,
        source: request.source.clone(),
        wording: request.wording.clone(),
        application_type,
    })
}

/// Refuses when `owner`'s list is full (`code`: 30010 for the caller's,
/// 30014 for the other user's).
fn room_for_friend(tx: &mut dyn WriteTx, owner: &UserId, code: i32) -> Result<(), StoreError> {
    if tx.friend_count(owner)? >= MAX_FRIENDS {
        return Err(refused(code, format!("{owner} has {MAX_FRIENDS} friends already")));
    }
    Ok(())
}

/// `addFriend`; with `waived`, an administrator's add that needs nobody's
/// consent: the target's `allowType` and the caller's `adminForbidType`
/// are not asked (a blacklist, an existing friendship and full lists still
/// refuse).
fn add_friend(
    tx: &mut dyn WriteTx,
    me: &UserId,
    request: &AddFriend,
    waived: bool,
    now_secs: i64,
) -> Result<AddFriendResponse, StoreError> {
    let to = &request.to;
    let mine = tx.load_profile(me)?.ok_or_else(|| StoreError::UserNotFound(me.clone()))?;
    let theirs = tx.load_profile(to)?.ok_or_else(|| StoreError::UserNotFound(to.clone()))?;
    if tx.blocked_either_way(me, to)? {
        return Err(refused(
            code::ERR_SVR_MSG_IN_PEER_BLACKLIST,
            format!("{me} and {to} have a blacklist between them"),
        ));
    }
    if tx.friend_of(me, to)?.is_some() {
        return Err(refused(code::ALREADY_MY_FRIEND, format!("{to} is your friend already")));
    }
    if !waived && mine.admin_forbid_type == types::FORBID_TYPE_SEND_OUT {
        return Err(refused(code::FRIEND_REQUEST_FORBIDDEN, "you may not send friend requests"));
    }
    if !waived && theirs.allow_type == types::ALLOW_TYPE_DENY_ANY {
        return Err(refused(
            code::ERR_SVR_FRIENDSHIP_ALLOW_TYPE_DENY_ANY,
            format!("{to} takes no friend requests"),
        ));
    }
    let group_name = request.group_name.as_str();
    if !group_name.is_empty()
        && tx.friend_group_load(me, group_name)?.is_none()
        && tx.friend_group_names(me)?.len() as u64 >= MAX_FRIEND_GROUPS
    {
        return Err(refused(
            code::FRIEND_GROUP_LIMIT,
            format!("you have {MAX_FRIEND_GROUPS} friend groups already"),
        ));
    }
    room_for_friend(tx, me, code::ERR_SVR_FRIENDSHIP_COUNT_LIMIT)?;
    let both = request.add_type == AddType::Both;
    let they_have_me = tx.friend_of(to, me)?.is_some();
    if waived || theirs.allow_type == types::ALLOW_TYPE_ALLOW_ANY {
        if both && !they_have_me {
            room_for_friend(tx, to, code::ERR_SVR_FRIENDSHIP_PEER_COUNT_LIMIT)?;
        }
        let fields = FriendFields {
            remark: request.remark.clone(),
            source: request.source.clone(),
            wording: request.wording.clone(),
            custom: Vec::new(),
        };
        befriend(tx, me, to, &fields, group_name, now_secs)?;
        if both && !they_have_me {
            let back = FriendFields { remark: String::new(), ..fields };
            befriend(tx, to, me, &back, "", now_secs)?;
        }
        end_request(tx, me, to)?;
        if both {
            end_request(tx, to, me)?;
        }
        return Ok(AddFriendResponse { user_id: to.clone(), code: 0, message: String::new() });
    }
    let record = FriendRequestRecord {
        requester: me.clone(),
        target: to.clone(),
        source: request.source.clone(),
        wording: request.wording.clone(),
        both_ways: both,
        remark: request.remark.clone(),
        group_name: group_name.to_owned(),
        made_at: now_secs,
        unread: true,
    };
    tx.friend_request_save(&record)?;
    for viewer in [to, me] {
        let application = application_of(tx, &record, viewer)?;
        inbox::append(tx, viewer, InboxEvent::FriendApplicationUpdated { application }, None)?;
    }
    Ok(AddFriendResponse {
        user_id: to.clone(),
        code: ADD_FRIEND_PENDING,
        message: format!("{to} must accept the request"),
    })
}

fn accept(
    tx: &mut dyn WriteTx,
    me: &UserId,
    requester: &UserId,
    action: ResponseAction,
    remark: &str,
    now_secs: i64,
) -> Result<UserResult, StoreError> {
    let Some(request) = tx.friend_request_load(requester, me)? else {
        return Err(refused(
            code::FRIEND_APPLICATION_NOT_EXIST,
            format!("{requester} has no friend request to you"),
        ));
    };
    let they_have_me = tx.friend_of(requester, me)?.is_some();
    let add_back = action == ResponseAction::AgreeAndAdd && tx.friend_of(me, requester)?.is_none();
    if !they_have_me {
        room_for_friend(tx, requester, code::ERR_SVR_FRIENDSHIP_PEER_COUNT_LIMIT)?;
    }
    if add_back {
        room_for_friend(tx, me, code::ERR_SVR_FRIENDSHIP_COUNT_LIMIT)?;
    }
    let theirs = FriendFields {
        remark: request.remark.clone(),
        source: request.source.clone(),
        wording: request.wording.clone(),
        custom: Vec::new(),
    };
    if !they_have_me {
        befriend(tx, requester, me, &theirs, &request.group_name, now_secs)?;
    }
    if add_back {
        let mine = FriendFields { remark: remark.to_owned(), ..theirs };
        befriend(tx, me, requester, &mine, "", now_secs)?;
    }
    end_request(tx, requester, me)?;
    if action == ResponseAction::AgreeAndAdd {
        end_request(tx, me, requester)?;
    }
    Ok(UserResult { user_id: requester.clone() })
}

fn drop_request(
    tx: &mut dyn WriteTx,
    requester: &UserId,
    target: &UserId,
) -> Result<UserResult, StoreError> {
    if !end_request(tx, requester, target)? {
        return Err(refused(
            code::FRIEND_APPLICATION_NOT_EXIST,
            format!("there is no friend request from {requester} to {target}"),
        ));
    }
    Ok(UserResult { user_id: requester.clone() })
}

fn delete_friends(
    tx: &mut dyn WriteTx,
    me: &UserId,
    users: &[UserId],
    how: DeleteType,
) -> Result<FriendResultResponse, StoreError> {
    let mut out = FriendResultResponse::default();
    let mut gone = Vec::new();
    for user in users {
        if !tx.friend_delete(me, user)? {
            out.failure_user_id_list.push(not_friend(user));
            continue;
        }
        gone.push(user.clone());
        out.success_user_id_list.push(UserResult { user_id: user.clone() });
        if how == DeleteType::Both {
            unfriend(tx, user, me)?;
        }
    }
    if !gone.is_empty() {
        inbox::append(tx, me, InboxEvent::FriendDeleted { user_id_list: gone }, None)?;
    }
    Ok(out)
}

fn update_friend(
    tx: &mut dyn WriteTx,
    me: &UserId,
    user: &UserId,
    remark: Option<&str>,
    custom: &[CustomField],
    now_secs: i64,
) -> Result<Friend, StoreError> {
    let Some(friend) = tx.friend_of(me, user)? else {
        return Err(refused(code::NOT_MY_FRIEND, format!("{user} is not your friend")));
    };
    let mut fields = FriendFields {
        remark: remark.map_or(friend.remark, str::to_owned),
        source: friend.source,
        wording: friend.wording,
        custom: friend.friend_custom_field,
    };
    for field in custom {
        fields.custom.retain(|f| f.key != field.key);
        if !(field.value.is_null() || field.value.as_str() == Some("")) {
            fields.custom.push(field.clone());
        }
    }
    fields.custom.sort_by(|a, b| a.key.cmp(&b.key));
    tx.friend_save(me, user, &fields, now_secs)?;
    let friend = friend_now(tx, me, user)?;
    inbox::append(tx, me, InboxEvent::FriendUpdated { friend: friend.clone() }, None)?;
    Ok(friend)
}

fn set_requests_read(tx: &mut dyn WriteTx, me: &UserId) -> Result<(), StoreError> {
    if tx.friend_requests_mark_read(me)? {
        inbox::append(tx, me, InboxEvent::FriendApplicationsRead, None)?;
    }
    Ok(())
}

/// A friend group change asked for by `createFriendGroup`,
/// `addToFriendGroup` or `removeFromFriendGroup`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GroupMembers {
    /// Make the group, then add.
    Create,
    /// Add to the group.
    Add,
    /// Take out of the group.
    Remove,
}

fn no_group(name: &str) -> StoreError {
    refused(code::FRIEND_GROUP_NOT_EXIST, format!("you have no friend group {name:?}"))
}

fn change_group(
    tx: &mut dyn WriteTx,
    me: &UserId,
    name: &str,
    users: &[UserId],
    how: GroupMembers,
) -> Result<FriendGroupChange, StoreError> {
    let exists = tx.friend_group_load(me, name)?.is_some();
    match how {
        GroupMembers::Create if exists => {
            return Err(refused(
                code::FRIEND_GROUP_EXISTED,
                format!("you have a friend group {name:?} already"),
            ));
        }
        GroupMembers::Create => {
            if tx.friend_group_names(me)?.len() as u64 >= MAX_FRIEND_GROUPS {
                return Err(refused(
                    code::FRIEND_GROUP_LIMIT,
                    format!("you have {MAX_FRIEND_GROUPS} friend groups already"),
                ));
            }
            tx.friend_group_create(me, name)?;
        }
        GroupMembers::Add | GroupMembers::Remove if !exists => return Err(no_group(name)),
        GroupMembers::Add | GroupMembers::Remove => {}
    }
    let mut failure_user_id_list = Vec::new();
    let mut changed = how == GroupMembers::Create;
    for user in users {
        let ok = match how {
            GroupMembers::Create | GroupMembers::Add => {
                if tx.friend_of(me, user)?.is_some() {
                    changed |= tx.friend_group_add(me, name, user)?;
                    true
                } else {
                    false
                }
            }
            GroupMembers::Remove => {
                let removed = tx.friend_group_remove(me, name, user)?;
                changed |= removed;
                removed
            }
        };
        if !ok {
            failure_user_id_list.push(match how {
                GroupMembers::Remove => UserFailure {
                    user_id: user.clone(),
                    code: code::NOT_MY_FRIEND,
                    message: format!("{user} is not in {name:?}"),
                },
                _ => not_friend(user),
            });
        }
    }
    let friend_group = if changed {
        tell_group(tx, me, name)?
    } else {
        tx.friend_group_load(me, name)?.ok_or_else(|| no_group(name))?
    };
    Ok(FriendGroupChange { friend_group, failure_user_id_list })
}

fn delete_group(tx: &mut dyn WriteTx, me: &UserId, name: &str) -> Result<FriendGroup, StoreError> {
    let group = tx.friend_group_load(me, name)?.ok_or_else(|| no_group(name))?;
    tx.friend_group_delete(me, name)?;
    inbox::append(tx, me, InboxEvent::FriendGroupDeleted { name: name.to_owned() }, None)?;
    Ok(group)
}

fn rename_group(
    tx: &mut dyn WriteTx,
    me: &UserId,
    old: &str,
    new: &str,
) -> Result<FriendGroup, StoreError> {
    let mut group = tx.friend_group_load(me, old)?.ok_or_else(|| no_group(old))?;
    if old == new {
        return Ok(group);
    }
    if tx.friend_group_load(me, new)?.is_some() {
        return Err(refused(
            code::FRIEND_GROUP_EXISTED,
            format!("you have a friend group {new:?} already"),
        ));
    }
    tx.friend_group_rename(me, old, new)?;
    let event =
        InboxEvent::FriendGroupRenamed { old_name: old.to_owned(), new_name: new.to_owned() };
    inbox::append(tx, me, event, None)?;
    new.clone_into(&mut group.name);
    Ok(group)
}

/// Tells everyone who has `user` as a friend that `user`'s profile changed
/// (their PROFILE_UPDATED).
pub(crate) fn tell_friends_of_profile(
    tx: &mut dyn WriteTx,
    profile: &confab_proto::profile::Profile,
) -> Result<(), StoreError> {
    for owner in tx.friend_owners(&profile.user_id)? {
        inbox::append(tx, &owner, InboxEvent::ProfileUpdated { profile: profile.clone() }, None)?;
    }
    Ok(())
}

impl dyn Store {
    /// Adds users to (or removes them from) `owner`'s blacklist; the whole
    /// list after the change. `users` holds each userID once and not the
    /// owner (checked by the handler).
    pub(crate) fn change_blacklist(
        &self,
        owner: UserId,
        users: Vec<UserId>,
        how: BlacklistChange,
        now_secs: i64,
    ) -> StoreFuture<BlacklistResponse> {
        self.transact(move |tx| change_blacklist(tx, &owner, &users, how, now_secs))
    }

    /// `addFriend` (validated by the handler: not oneself, fields in
    /// their limits).
    pub(crate) fn add_friend(
        &self,
        me: UserId,
        request: AddFriend,
        now_secs: i64,
    ) -> StoreFuture<AddFriendResponse> {
        self.transact(move |tx| add_friend(tx, &me, &request, false, now_secs))
    }

    /// An administrator's `addFriend` for `me` (REST `sns/friend_add` with
    /// `ForceAddFlags` 1): added at once, whatever the target's
    /// `allowType` (validated by the handler as a client's add is).
    #[cfg_attr(
        not(feature = "rest"),
        allow(dead_code, reason = "only REST and the store's tests add so")
    )]
    pub(crate) fn add_friend_without_consent(
        &self,
        me: UserId,
        request: AddFriend,
        now_secs: i64,
    ) -> StoreFuture<AddFriendResponse> {
        self.transact(move |tx| add_friend(tx, &me, &request, true, now_secs))
    }

    /// `acceptFriendApplication`.
    pub(crate) fn accept_friend_request(
        &self,
        me: UserId,
        requester: UserId,
        action: ResponseAction,
        remark: String,
        now_secs: i64,
    ) -> StoreFuture<UserResult> {
        self.transact(move |tx| accept(tx, &me, &requester, action, &remark, now_secs))
    }

    /// `refuseFriendApplication` and `deleteFriendApplication`: ends the
    /// request from `requester` to `target` (2716 when there is none).
    pub(crate) fn end_friend_request(
        &self,
        requester: UserId,
        target: UserId,
    ) -> StoreFuture<UserResult> {
        self.transact(move |tx| drop_request(tx, &requester, &target))
    }

    /// `setFriendApplicationRead`.
    pub(crate) fn set_friend_requests_read(&self, me: UserId) -> StoreFuture<()> {
        self.transact(move |tx| set_requests_read(tx, &me))
    }

    /// `deleteFriend` (`users` each once, checked by the handler).
    pub(crate) fn delete_friends(
        &self,
        me: UserId,
        users: Vec<UserId>,
        how: DeleteType,
    ) -> StoreFuture<FriendResultResponse> {
        self.transact(move |tx| delete_friends(tx, &me, &users, how))
    }

    /// `updateFriend` (fields validated by the handler).
    pub(crate) fn update_friend(
        &self,
        me: UserId,
        user: UserId,
        remark: Option<String>,
        custom: Vec<CustomField>,
        now_secs: i64,
    ) -> StoreFuture<Friend> {
        self.transact(move |tx| update_friend(tx, &me, &user, remark.as_deref(), &custom, now_secs))
    }

    /// `createFriendGroup`, `addToFriendGroup`, `removeFromFriendGroup`.
    pub(crate) fn change_friend_group(
        &self,
        me: UserId,
        name: String,
        users: Vec<UserId>,
        how: GroupMembers,
    ) -> StoreFuture<FriendGroupChange> {
        self.transact(move |tx| change_group(tx, &me, &name, &users, how))
    }

    /// `deleteFriendGroup`: the group as it was.
    pub(crate) fn delete_friend_group(&self, me: UserId, name: String) -> StoreFuture<FriendGroup> {
        self.transact(move |tx| delete_group(tx, &me, &name))
    }

    /// `renameFriendGroup`: the group under its new name.
    pub(crate) fn rename_friend_group(
        &self,
        me: UserId,
        old: String,
        new: String,
    ) -> StoreFuture<FriendGroup> {
        self.transact(move |tx| rename_group(tx, &me, &old, &new))
    }
}
