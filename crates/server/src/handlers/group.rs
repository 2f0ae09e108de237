//! Group operations: the request checks that need no stored state, the
//! AVChatRoom's in-memory membership (its online joiners, in the session
//! registry) and the reads; the rules over stored state are in
//! `crate::services::group`, each kind's columns in
//! `crate::services::group_kinds`.
//!
//! | op | condition | code |
//! |---|---|---|
//! | all | unknown group (and `searchGroupByID` of a Work group) | 10010 `ERR_SVR_GROUP_NOT_FOUND` |
//! | all but create, search, profile, join | the caller is not a member | 10007 `ERR_SVR_GROUP_PERMISSION_DENY` |
//! | create | `name` empty or over 30 bytes, `introduction` over 240, `notification` over 300, `avatar` over 100; `memberList` over 500; a member role other than `Admin`; a malformed `groupID` | 10004 `ERR_SVR_GROUP_INVALID_PARAMETERS` |
//! | create | `joinOption` for Work, Meeting, AVChatRoom; `inviteOption` for AVChatRoom | 10004 |
//! | create | members for an AVChatRoom | 2661 `CANNOT_ADD_MEMBER_IN_AVCHATROOM` |
//! | create | `groupID` taken | 10021 `ERR_SVR_GROUP_GROUPID_IN_USED` |
//! | create | more members than `maxMemberNum` | 10014 `ERR_SVR_GROUP_FULL_MEMBER_COUNT` |
//! | dismiss | a Work group | 2622 `CANNOT_DISMISS_WORK` |
//! | dismiss | not the owner | 10007 |
//! | update | sizes as create; `maxMemberNum` given; options the kind lacks | 10004 |
//! | update | not owner/admin (any member of a Work group may) | 10007 |
//! | join | a Work group | 2601 `CANNOT_JOIN_WORK` |
//! | join | `DisableApply` | 10007 |
//! | join | an AVChatRoom the caller was removed from with a `duration` that has not run out | 10007 |
//! | join | the group is full | 10014 |
//! | quit | the owner, unless Work | 10009 `ERR_SVR_GROUP_SUPER_NOT_ALLOW_QUIT` |
//! | add | over 500 users | 10004 |
//! | add | an AVChatRoom | 2661 |
//! | add | a member without invite permission (`DisableInvite`, `NeedPermission` not served yet) | 10007 |
//! | delete | over 20 users | 10004 |
//! | delete | not allowed to remove one of them | 10007 |
//! | owner | an AVChatRoom | 2620; not the owner: 2681; to oneself: 2621; not a member: 2623 |
//! | role | Work or AVChatRoom: 2682; `Owner`, or `Custom` outside a Community: 2683; not the owner: 2681; oneself: 2684; not a member: 2623 |
//! | mute | Work: 10007; oneself: 2685; not allowed for that member: 10007; not a member: 2623 |
//! | name card | AVChatRoom: 10007; not allowed for that member: 10007; not a member: 2623 |
//! | member custom field | AVChatRoom: 10007; not allowed for that member (as name card): 10007; no field given: 10004; not a member: 2623 |
//! | mark | a kind without marks (all but AVChatRoom) | 10007 |
//! | mark | not the owner | 10007 |
//! | mark | `userIDList` empty or over 500; `markType` below 1000; an 11th distinct mark in the room | 10004 |
//! | handle application | not the owner or an admin | 10007 |
//! | handle application | no pending request (another owner or admin handled it, or none was made) | 10024 `ERR_SVR_GROUP_REQ_ALLREADY_BEEN_PROCESSED` |
//! | handle application | agreed, but the applicant is a member already | 10013 `ERR_SVR_GROUP_ALLREADY_MEMBER` |
//! | handle application | agreed, but the group is full | 10014 |
//!
//! Never refused: `getGroupApplicationList` (the requests of the groups the
//! caller owns or administers; none: an empty list) and
//! `getGroupOnlineMemberCount` (checklist 745: 0 for a kind other than
//! AVChatRoom or a room the caller is not in; only an unknown group is
//! 10010).
//!
//! Silently capped, as TIM does: `getGroupMemberList` `count` (default 15,
//! at most 100) and `getGroupMemberProfile` `userIDList` (first 50).

use super::{from_store, reject, Caller, Reply};
use crate::server::ServerContext;
use crate::services::group::{self as service, Actor};
use crate::services::group_kinds::rules;
use confab_proto::constants::types;
use confab_proto::group::{
    AddGroupMember, AddGroupMemberResponse, ChangeGroupOwner, CreateGroup, CreateGroupResponse,
    DeleteGroupMember, DeleteGroupMemberResponse, DismissGroup, GetGroupApplicationList,
    GetGroupApplicationListResponse, GetGroupList, GetGroupListResponse, GetGroupMemberList,
    GetGroupMemberListResponse, GetGroupMemberProfile, GetGroupOnlineMemberCount, GetGroupProfile,
    GroupIdResponse, GroupMember, GroupMemberResponse, GroupProfile, GroupResponse, GroupType,
    HandleAction, HandleGroupApplication, JoinGroup, JoinGroupResponse, JoinStatus,
    MarkGroupMemberList, MarkGroupMemberListResponse, MemberListOffset, MemberRole,
    OnlineMemberCountResponse, QuitGroup, SearchGroupByID, SetGroupMemberCustomField,
    SetGroupMemberMuteTime, SetGroupMemberNameCard, SetGroupMemberRole, UpdateGroupProfile,
};
use confab_proto::{code, ErrorBody, GroupId, UserId};
use futures_util::FutureExt as _;
use std::sync::atomic::{AtomicU64, Ordering};

/// Byte limits of the group profile's texts (checklist 1260).
pub(crate) const MAX_NAME_BYTES: usize = 30;
/// `introduction` limit in bytes.
pub(crate) const MAX_INTRODUCTION_BYTES: usize = 240;
/// `notification` limit in bytes.
pub(crate) const MAX_NOTIFICATION_BYTES: usize = 300;
/// `avatar` URL limit in bytes.
pub(crate) const MAX_AVATAR_BYTES: usize = 100;
/// Most initial members of `createGroup` and users of one `addGroupMember`.
pub(crate) const MAX_MEMBER_LIST: usize = 500;
/// Most users of one `deleteGroupMember`.
pub(crate) const MAX_DELETE_MEMBERS: usize = 20;
/// `getGroupMemberList` page: default and cap.
pub(crate) const DEFAULT_MEMBER_PAGE: u32 = 15;
/// `getGroupMemberList` page cap.
pub(crate) const MAX_MEMBER_PAGE: u32 = 100;
/// Users one `getGroupMemberProfile` looks at.
pub(crate) const MAX_MEMBER_PROFILES: usize = 50;
/// Longest group ID, in bytes.
pub(crate) const MAX_GROUP_ID_BYTES: usize = 48;

fn invalid(message: impl Into<String>) -> ErrorBody {
    ErrorBody::new(code::ERR_SVR_GROUP_INVALID_PARAMETERS, message)
}

fn not_found(group: &GroupId) -> ErrorBody {
    ErrorBody::new(code::ERR_SVR_GROUP_NOT_FOUND, format!("group {group} does not exist"))
}

fn not_member(group: &GroupId) -> ErrorBody {
    ErrorBody::new(code::ERR_SVR_GROUP_PERMISSION_DENY, format!("not a member of group {group}"))
}

fn check_len(field: &str, value: &str, max: usize) -> Result<(), ErrorBody> {
    if value.len() > max {
        return Err(invalid(format!("{field} is {} bytes; the limit is {max}", value.len())));
    }
    Ok(())
}

/// The texts of a profile change or a new group, by their byte limits.
fn check_texts(
    name: Option<&str>,
    introduction: Option<&str>,
    notification: Option<&str>,
    avatar: Option<&str>,
) -> Result<(), ErrorBody> {
    if let Some(name) = name {
        if name.is_empty() {
            return Err(invalid("name is required"));
        }
        check_len("name", name, MAX_NAME_BYTES)?;
    }
    check_len("introduction", introduction.unwrap_or(""), MAX_INTRODUCTION_BYTES)?;
    check_len("notification", notification.unwrap_or(""), MAX_NOTIFICATION_BYTES)?;
    check_len("avatar", avatar.unwrap_or(""), MAX_AVATAR_BYTES)
}

/// A group ID a creator may choose: printable, no spaces, at most 48
/// bytes, never holding `@TOPIC#` (which marks topic IDs); a Community's
/// starts with `@TGS#_` (checklist 695).
fn check_group_id(id: &GroupId, kind: GroupType) -> Result<(), ErrorBody> {
    let s = id.as_str();
    let wellformed = !s.is_empty()
        && s.len() <= MAX_GROUP_ID_BYTES
        && s.chars().all(|c| c.is_ascii_graphic())
        && !confab_proto::topic::is_topic_id(s)
        && (kind != GroupType::Community || s.starts_with("@TGS#_"));
    if wellformed {
        Ok(())
    } else {
        Err(ErrorBody::new(code::ERR_SVR_GROUP_INVALID_GROUPID, format!("invalid groupID {s:?}")))
    }
}

/// A fresh group ID: `@TGS#` with TIM's kind marks (`_` Community, `a`
/// AVChatRoom, `2` the others), then the server clock and a counter.
fn make_group_id(kind: GroupType, now_ms: i64) -> GroupId {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let mark = match kind {
        GroupType::Community => "_",
        GroupType::AvChatRoom => "a",
        _ => "2",
    };
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    GroupId::new(format!("@TGS#{mark}{now_ms:x}{n:x}"))
}

/// A Community member cursor, `<joinTime>.<userID>` (the last member of
/// the page before); anything else starts from the first member.
fn parse_member_cursor(cursor: &str) -> Option<(i64, UserId)> {
    let (time, user) = cursor.split_once('.')?;
    Some((time.parse().ok()?, UserId::new(user)))
}

fn actor(ctx: &ServerContext, caller: &Caller) -> Actor {
    Actor { user: caller.user.clone(), now: ctx.clock.now_secs() }
}

/// `createGroup`.
pub(crate) fn create_group(
    ctx: &ServerContext,
    caller: &Caller,
    request: CreateGroup,
) -> Reply<CreateGroupResponse> {
    let check = || {
        check_texts(
            Some(&request.name),
            Some(&request.introduction),
            Some(&request.notification),
            Some(&request.avatar),
        )?;
        if request.member_list.len() > MAX_MEMBER_LIST {
            return Err(invalid(format!("memberList holds at most {MAX_MEMBER_LIST} users")));
        }
        if request.member_list.iter().any(|m| m.role.is_some_and(|r| r != MemberRole::Admin)) {
            return Err(invalid("an initial member's role can only be Admin"));
        }
        let kind = rules(request.group_type);
        if !kind.members_addable && !request.member_list.is_empty() {
            return Err(ErrorBody::new(
                code::CANNOT_ADD_MEMBER_IN_AVCHATROOM,
                "an AVChatRoom is created without members",
            ));
        }
        kind.check_options(request.join_option, request.invite_option)?;
        if let Some(id) = &request.group_id {
            check_group_id(id, request.group_type)?;
        }
        Ok(())
    };
    if let Err(e) = check() {
        return reject(e);
    }
    let id = request
        .group_id
        .clone()
        .unwrap_or_else(|| make_group_id(request.group_type, ctx.clock.now_ms()));
    let members: Vec<UserId> = request.member_list.iter().map(|m| m.user_id.clone()).collect();
    let reply = from_store(ctx.store.create_group(actor(ctx, caller), id, request), |created| {
        CreateGroupResponse { group: created.group, over_limit_user_id_list: created.over_limit }
    });
    let Some(hooks) = crate::webhook::for_caller(ctx, caller) else { return reply };
    let (me, platform, now) = (caller.user.clone(), caller.platform, ctx.clock.now_ms());
    crate::webhook::observed(reply, move |created: &CreateGroupResponse| {
        let group = &created.group;
        let body = serde_json::json!({
            "GroupId": group.group_id.as_str(),
            "Type": group.group_type.as_str(),
            "Name": group.name,
            "Operator_Account": me.as_str(),
            "Owner_Account": group.owner_id,
        });
        let command = crate::webhook::GROUP_CREATED;
        crate::webhook::group_event(&hooks, now, platform, command, body, "MemberList", &members);
    })
}

/// Queues `Group.CallbackAfterNewMemberJoin` or
/// `Group.CallbackAfterMemberExit` about `members` of `group`.
fn membership_callback(
    hooks: &crate::webhook::Webhooks,
    caller: (&UserId, &'static str, i64),
    group: &confab_proto::group::GroupProfile,
    joined: bool,
    how: &str,
    members: &[UserId],
) {
    if members.is_empty() {
        return;
    }
    let (operator, platform, now) = caller;
    let (command, kind_field, list) = if joined {
        (crate::webhook::MEMBER_JOINED, "JoinType", "NewMemberList")
    } else {
        (crate::webhook::MEMBER_EXITED, "ExitType", "ExitMemberList")
    };
    let body = serde_json::json!({
        "GroupId": group.group_id.as_str(),
        "Type": group.group_type.as_str(),
        "Operator_Account": operator.as_str(),
        kind_field: how,
    });
    crate::webhook::group_event(hooks, now, platform, command, body, list, members);
}

/// `getGroupList`: the caller's stored memberships (AVChatRooms have none).
pub(crate) fn get_group_list(
    ctx: &ServerContext,
    caller: &Caller,
    _request: GetGroupList,
) -> Reply<GetGroupListResponse> {
    from_store(ctx.store.memberships(caller.user.clone()), |found| GetGroupListResponse {
        group_list: found
            .into_iter()
            .filter(|(profile, _)| rules(profile.group_type).listed)
            .map(|(profile, record)| service::with_self_info(profile, Some(&record)))
            .collect(),
    })
}

/// `getGroupProfile`.
pub(crate) fn get_group_profile(
    ctx: &ServerContext,
    caller: &Caller,
    request: GetGroupProfile,
) -> Reply<GroupResponse> {
    let group = ctx.store.group(request.group_id.clone());
    let member = ctx.store.member(request.group_id.clone(), caller.user.clone());
    let sessions = std::sync::Arc::clone(&ctx.sessions);
    async move {
        let profile = group.await.map_err(super::store_error)?;
        let record = member.await.map_err(super::store_error)?;
        let Some(mut profile) = profile else { return Err(not_found(&request.group_id)) };
        if service::joined_in_memory(&profile) {
            profile.member_count = sessions.online_member_count(profile.group_id.as_str()) as u64;
        }
        if !request.group_custom_field_filter.is_empty() {
            let wanted = &request.group_custom_field_filter;
            profile.group_custom_field.retain(|f| wanted.contains(&f.key));
        }
        Ok(GroupResponse { group: service::with_self_info(profile, record.as_ref()) })
    }
    .boxed()
}

/// `dismissGroup`.
pub(crate) fn dismiss_group(
    ctx: &ServerContext,
    caller: &Caller,
    request: DismissGroup,
) -> Reply<GroupIdResponse> {
    let sessions = std::sync::Arc::clone(&ctx.sessions);
    let dismissed = ctx.store.dismiss_group(actor(ctx, caller), request.group_id.clone());
    let hooks = crate::webhook::for_caller(ctx, caller);
    let (me, platform, now) = (caller.user.clone(), caller.platform, ctx.clock.now_ms());
    async move {
        let profile = dismissed.await.map_err(super::store_error)?;
        if service::joined_in_memory(&profile) {
            sessions.close_room(profile.group_id.as_str());
        }
        if let Some(hooks) = hooks {
            let body = serde_json::json!({
                "GroupId": profile.group_id.as_str(),
                "Type": profile.group_type.as_str(),
                "Name": profile.name,
                "Owner_Account": profile.owner_id,
                "Operator_Account": me.as_str(),
            });
            let command = crate::webhook::GROUP_DESTROYED;
            crate::webhook::group_event(&hooks, now, platform, command, body, "MemberList", &[]);
        }
        Ok(GroupIdResponse { group_id: request.group_id })
    }
    .boxed()
}

/// `updateGroupProfile`.
pub(crate) fn update_group_profile(
    ctx: &ServerContext,
    caller: &Caller,
    request: UpdateGroupProfile,
) -> Reply<GroupResponse> {
    if request.max_member_num.is_some() {
        return reject(invalid("maxMemberNum is changed through the REST API only"));
    }
    if let Err(e) = check_texts(
        request.name.as_deref(),
        request.introduction.as_deref(),
        request.notification.as_deref(),
        request.avatar.as_deref(),
    ) {
        return reject(e);
    }
    let sessions = std::sync::Arc::clone(&ctx.sessions);
    let updated = ctx.store.update_group_profile(actor(ctx, caller), request);
    async move {
        let mut group = updated.await.map_err(super::store_error)?;
        if service::joined_in_memory(&group) {
            group.member_count = sessions.online_member_count(group.group_id.as_str()) as u64;
        }
        Ok(GroupResponse { group })
    }
    .boxed()
}

/// `joinGroup`: an AVChatRoom in memory (one room at a time, the previous
/// one quit); every other kind through the store.
pub(crate) fn join_group(
    ctx: &ServerContext,
    caller: &Caller,
    request: JoinGroup,
) -> Reply<JoinGroupResponse> {
    let group = ctx.store.group(request.group_id.clone());
    let store = std::sync::Arc::clone(&ctx.store);
    let join_tips = ctx.config.av_chat_room_join_tips;
    let sessions = std::sync::Arc::clone(&ctx.sessions);
    let actor = actor(ctx, caller);
    let hooks = crate::webhook::for_caller(ctx, caller);
    let (platform, now) = (caller.platform, ctx.clock.now_ms());
    async move {
        let Some(profile) = group.await.map_err(super::store_error)? else {
            return Err(not_found(&request.group_id));
        };
        if service::joined_in_memory(&profile) {
            let user = &actor.user;
            if let Some(until) = sessions.banned_until(user, profile.group_id.as_str(), actor.now) {
                return Err(ErrorBody::new(
                    code::ERR_SVR_GROUP_PERMISSION_DENY,
                    format!("banned from this AVChatRoom until {until} (server time, seconds)"),
                ));
            }
            if sessions.in_room(user, profile.group_id.as_str()) {
                let group = with_room(&sessions, profile);
                return Ok(JoinGroupResponse {
                    status: JoinStatus::AlreadyInGroup,
                    group: Some(group),
                });
            }
            let (previous, online) = sessions.join_room(user, profile.group_id.as_str());
            if !online {
                return Err(ErrorBody::new(code::JOIN_GROUP_FAIL, "the caller is not online"));
            }
            if let Some(previous) = previous {
                tracing::debug!(%user, room = %previous, "left an AVChatRoom to join another");
            }
            if join_tips {
                tell_room(&sessions, &profile, &actor, types::GRP_TIP_MBR_JOIN, vec![user.clone()]);
            }
            let group = with_room(&sessions, profile);
            return Ok(JoinGroupResponse { status: JoinStatus::JoinedSuccess, group: Some(group) });
        }
        let joiner = actor.user.clone();
        let (status, group) = store
            .join_group(actor, request.group_id, request.apply_message)
            .await
            .map_err(super::store_error)?;
        if let (Some(hooks), Some(joined)) = (&hooks, &group) {
            if status == JoinStatus::JoinedSuccess {
                let caller = (&joiner, platform, now);
                membership_callback(
                    hooks,
                    caller,
                    joined,
                    true,
                    "Apply",
                    std::slice::from_ref(&joiner),
                );
            }
        }
        Ok(JoinGroupResponse { status, group })
    }
    .boxed()
}

/// Pushes an AVChatRoom tip (`GRP_TIP_*` `kind` about `users`) to the
/// room's joiners; a room keeps no timeline, so it goes with sequence 0.
fn tell_room(
    sessions: &crate::sessions::SessionRegistry,
    profile: &GroupProfile,
    actor: &Actor,
    kind: i64,
    users: Vec<UserId>,
) {
    let payload = confab_proto::group::GroupTipPayload {
        operator_id: actor.user.0.clone(),
        operation_type: kind,
        user_id_list: users.into_iter().map(|u| u.0).collect(),
        ..Default::default()
    };
    crate::fanout::Fanout::deliver(sessions, service::room_tip(profile, actor, payload));
}

fn with_room(
    sessions: &crate::sessions::SessionRegistry,
    mut profile: GroupProfile,
) -> GroupProfile {
    profile.member_count = sessions.online_member_count(profile.group_id.as_str()) as u64;
    profile
}

/// `quitGroup`.
pub(crate) fn quit_group(
    ctx: &ServerContext,
    caller: &Caller,
    request: QuitGroup,
) -> Reply<GroupIdResponse> {
    let group = ctx.store.group(request.group_id.clone());
    let store = std::sync::Arc::clone(&ctx.store);
    let join_tips = ctx.config.av_chat_room_join_tips;
    let sessions = std::sync::Arc::clone(&ctx.sessions);
    let actor = actor(ctx, caller);
    let hooks = crate::webhook::for_caller(ctx, caller);
    let (platform, now) = (caller.platform, ctx.clock.now_ms());
    async move {
        let Some(profile) = group.await.map_err(super::store_error)? else {
            return Err(not_found(&request.group_id));
        };
        if service::joined_in_memory(&profile) {
            if !sessions.leave_room(&actor.user, profile.group_id.as_str()) {
                return Err(not_member(&request.group_id));
            }
            if join_tips {
                let quitter = vec![actor.user.clone()];
                tell_room(&sessions, &profile, &actor, types::GRP_TIP_MBR_QUIT, quitter);
            }
        } else {
            let quitter = actor.user.clone();
            store.quit_group(actor, request.group_id.clone()).await.map_err(super::store_error)?;
            if let Some(hooks) = &hooks {
                let caller = (&quitter, platform, now);
                membership_callback(
                    hooks,
                    caller,
                    &profile,
                    false,
                    "Quit",
                    std::slice::from_ref(&quitter),
                );
            }
        }
        Ok(GroupIdResponse { group_id: request.group_id })
    }
    .boxed()
}

/// `searchGroupByID` (a Work group is not found).
pub(crate) fn search_group_by_id(
    ctx: &ServerContext,
    _caller: &Caller,
    request: SearchGroupByID,
) -> Reply<GroupResponse> {
    let group = ctx.store.group(request.group_id.clone());
    let sessions = std::sync::Arc::clone(&ctx.sessions);
    async move {
        match group.await.map_err(super::store_error)? {
            Some(profile) if rules(profile.group_type).searchable => {
                let group = if service::joined_in_memory(&profile) {
                    with_room(&sessions, profile)
                } else {
                    profile
                };
                Ok(GroupResponse { group })
            }
            _ => Err(not_found(&request.group_id)),
        }
    }
    .boxed()
}

/// `addGroupMember`.
pub(crate) fn add_group_member(
    ctx: &ServerContext,
    caller: &Caller,
    request: AddGroupMember,
) -> Reply<AddGroupMemberResponse> {
    if request.user_id_list.is_empty() || request.user_id_list.len() > MAX_MEMBER_LIST {
        return reject(invalid(format!("userIDList holds 1 to {MAX_MEMBER_LIST} users")));
    }
    let reply = from_store(
        ctx.store.add_group_members(actor(ctx, caller), request.group_id, request.user_id_list),
        |added| AddGroupMemberResponse {
            success_user_id_list: added.success,
            failure_user_id_list: added.failure,
            existed_user_id_list: added.existed,
            over_limit_user_id_list: Vec::new(),
            group: added.group,
        },
    );
    let Some(hooks) = crate::webhook::for_caller(ctx, caller) else { return reply };
    let (me, platform, now) = (caller.user.clone(), caller.platform, ctx.clock.now_ms());
    crate::webhook::observed(reply, move |added: &AddGroupMemberResponse| {
        let caller = (&me, platform, now);
        let members = &added.success_user_id_list;
        membership_callback(&hooks, caller, &added.group, true, "Invited", members);
    })
}

/// `deleteGroupMember`: an AVChatRoom's joiners are removed from memory by
/// its owner; with a `duration` they are banned that long (joinGroup
/// refused with 10007), in memory like the room.
pub(crate) fn delete_group_member(
    ctx: &ServerContext,
    caller: &Caller,
    request: DeleteGroupMember,
) -> Reply<DeleteGroupMemberResponse> {
    if request.user_id_list.is_empty() || request.user_id_list.len() > MAX_DELETE_MEMBERS {
        return reject(invalid(format!("userIDList holds 1 to {MAX_DELETE_MEMBERS} users")));
    }
    let group = ctx.store.group(request.group_id.clone());
    let store = std::sync::Arc::clone(&ctx.store);
    let sessions = std::sync::Arc::clone(&ctx.sessions);
    let actor = actor(ctx, caller);
    let hooks = crate::webhook::for_caller(ctx, caller);
    let (platform, now) = (caller.platform, ctx.clock.now_ms());
    async move {
        let Some(profile) = group.await.map_err(super::store_error)? else {
            return Err(not_found(&request.group_id));
        };
        if service::joined_in_memory(&profile) {
            if profile.owner_id != actor.user.0 {
                return Err(ErrorBody::new(
                    code::ERR_SVR_GROUP_PERMISSION_DENY,
                    "only the owner removes AVChatRoom members",
                ));
            }
            if request.duration > 0 {
                // TIM's ban: for `duration` seconds the listed users may not
                // join again (checklist: deleteGroupMember `duration`).
                let seconds = i64::try_from(request.duration).unwrap_or(i64::MAX);
                let until = actor.now.saturating_add(seconds);
                sessions.ban_from_room(profile.group_id.as_str(), &request.user_id_list, until);
            }
            let removed: Vec<UserId> = request
                .user_id_list
                .into_iter()
                .filter(|u| sessions.leave_room(u, profile.group_id.as_str()))
                .collect();
            if !removed.is_empty() {
                // A removal with a duration is TIM's ban.
                let kind = if request.duration > 0 {
                    types::GRP_TIP_BAN_AVCHATROOM_MEMBER
                } else {
                    types::GRP_TIP_MBR_KICKED_OUT
                };
                tell_room(&sessions, &profile, &actor, kind, removed.clone());
            }
            return Ok(DeleteGroupMemberResponse {
                group: with_room(&sessions, profile),
                user_id_list: removed,
            });
        }
        let operator = actor.user.clone();
        let (group, user_id_list) = store
            .delete_group_members(actor, request.group_id, request.user_id_list, request.reason)
            .await
            .map_err(super::store_error)?;
        if let Some(hooks) = &hooks {
            let caller = (&operator, platform, now);
            membership_callback(hooks, caller, &group, false, "Kicked", &user_id_list);
        }
        Ok(DeleteGroupMemberResponse { group, user_id_list })
    }
    .boxed()
}

/// `getGroupMemberList` (members only; an AVChatRoom's online joiners).
pub(crate) fn get_group_member_list(
    ctx: &ServerContext,
    caller: &Caller,
    request: GetGroupMemberList,
) -> Reply<GetGroupMemberListResponse> {
    let count = match request.count {
        0 => DEFAULT_MEMBER_PAGE,
        n => n.min(MAX_MEMBER_PAGE),
    };
    let offset = request.offset.position();
    let text_offset = matches!(request.offset, MemberListOffset::Text(_));
    let group = ctx.store.group(request.group_id.clone());
    let store = std::sync::Arc::clone(&ctx.store);
    let sessions = std::sync::Arc::clone(&ctx.sessions);
    let user = caller.user.clone();
    async move {
        let Some(profile) = group.await.map_err(super::store_error)? else {
            return Err(not_found(&request.group_id));
        };
        if service::joined_in_memory(&profile) {
            if !sessions.in_room(&user, profile.group_id.as_str()) {
                return Err(not_member(&request.group_id));
            }
            // checklist 837-842: up to 500 online joiners (userID only here),
            // those carrying the mark `filter` when one is given.
            let joiners = match request.filter {
                Some(mark) if rules(profile.group_type).member_marks => {
                    sessions.marked_members(profile.group_id.as_str(), mark)
                }
                _ => sessions.online_members(profile.group_id.as_str()),
            };
            let mut members: Vec<GroupMember> = joiners
                .into_iter()
                .take(500)
                .map(|user_id| GroupMember { user_id, ..Default::default() })
                .collect();
            members.sort_by(|a, b| a.user_id.cmp(&b.user_id));
            return Ok(GetGroupMemberListResponse {
                member_list: members,
                offset: MemberListOffset::Number(0),
            });
        }
        if store.member(request.group_id.clone(), user).await.map_err(super::store_error)?.is_none()
        {
            return Err(not_member(&request.group_id));
        }
        let community = profile.group_type == GroupType::Community;
        if community {
            // A Community pages by cursor: the last member's join time and
            // userID, so joins and leaves elsewhere do not shift a page.
            let after = match &request.offset {
                MemberListOffset::Text(cursor) => parse_member_cursor(cursor),
                MemberListOffset::Number(_) => None,
            };
            let mut page = store
                .members_after(request.group_id, after, count + 1)
                .await
                .map_err(super::store_error)?;
            let more = page.len() > count as usize;
            page.truncate(count as usize);
            // "0": all pulled, as for the numeric offset.
            let next = match page.last() {
                Some(last) if more => format!("{}.{}", last.join_time, last.user_id),
                _ => "0".to_owned(),
            };
            return Ok(GetGroupMemberListResponse {
                member_list: page,
                offset: MemberListOffset::Text(next),
            });
        }
        let mut page = store
            .members_page(request.group_id, offset, count + 1)
            .await
            .map_err(super::store_error)?;
        let more = page.len() > count as usize;
        page.truncate(count as usize);
        let next = if more { offset + u64::from(count) } else { 0 };
        let offset = if text_offset {
            MemberListOffset::Text(next.to_string())
        } else {
            MemberListOffset::Number(next)
        };
        Ok(GetGroupMemberListResponse { member_list: page, offset })
    }
    .boxed()
}

/// `getGroupMemberProfile` (the first 50 users; members only).
pub(crate) fn get_group_member_profile(
    ctx: &ServerContext,
    caller: &Caller,
    request: GetGroupMemberProfile,
) -> Reply<confab_proto::group::MemberListResponse> {
    let mut users = request.user_id_list;
    users.truncate(MAX_MEMBER_PROFILES);
    let member = ctx.store.member(request.group_id.clone(), caller.user.clone());
    let store = std::sync::Arc::clone(&ctx.store);
    let filter = request.member_custom_field_filter;
    async move {
        if member.await.map_err(super::store_error)?.is_none() {
            return Err(not_member(&request.group_id));
        }
        let mut member_list =
            store.members_of(request.group_id, users).await.map_err(super::store_error)?;
        if !filter.is_empty() {
            for m in &mut member_list {
                m.member_custom_field.retain(|f| filter.contains(&f.key));
            }
        }
        Ok(confab_proto::group::MemberListResponse { member_list })
    }
    .boxed()
}

/// `changeGroupOwner`.
pub(crate) fn change_group_owner(
    ctx: &ServerContext,
    caller: &Caller,
    request: ChangeGroupOwner,
) -> Reply<GroupResponse> {
    from_store(
        ctx.store.change_group_owner(actor(ctx, caller), request.group_id, request.new_owner_id),
        |group| GroupResponse { group },
    )
}

/// The answer of a member change: the member without nick and avatar
/// (the SDK has the profiles; `getGroupMemberProfile` gives them).
fn member_response(
    (group, record): (GroupProfile, crate::store::MemberRecord),
) -> GroupMemberResponse {
    GroupMemberResponse { group, member: record.to_member(None) }
}

/// `setGroupMemberRole`.
pub(crate) fn set_group_member_role(
    ctx: &ServerContext,
    caller: &Caller,
    request: SetGroupMemberRole,
) -> Reply<GroupMemberResponse> {
    from_store(
        ctx.store.set_group_member_role(
            actor(ctx, caller),
            request.group_id,
            request.user_id,
            request.role,
        ),
        member_response,
    )
}

/// `setGroupMemberMuteTime`.
pub(crate) fn set_group_member_mute_time(
    ctx: &ServerContext,
    caller: &Caller,
    request: SetGroupMemberMuteTime,
) -> Reply<GroupMemberResponse> {
    from_store(
        ctx.store.set_group_member_mute(
            actor(ctx, caller),
            request.group_id,
            request.user_id,
            request.mute_time,
        ),
        member_response,
    )
}

/// `setGroupMemberNameCard` (`userID` defaults to the caller).
pub(crate) fn set_group_member_name_card(
    ctx: &ServerContext,
    caller: &Caller,
    request: SetGroupMemberNameCard,
) -> Reply<GroupMemberResponse> {
    let user = request.user_id.unwrap_or_else(|| caller.user.clone());
    from_store(
        ctx.store.set_group_member_name_card(
            actor(ctx, caller),
            request.group_id,
            user,
            request.name_card,
        ),
        member_response,
    )
}

/// `setGroupMemberCustomField` (`userID` defaults to the caller).
pub(crate) fn set_group_member_custom_field(
    ctx: &ServerContext,
    caller: &Caller,
    request: SetGroupMemberCustomField,
) -> Reply<GroupMemberResponse> {
    if request.member_custom_field.is_empty() {
        return reject(invalid("memberCustomField names no field"));
    }
    let user = request.user_id.unwrap_or_else(|| caller.user.clone());
    from_store(
        ctx.store.set_group_member_custom_field(
            actor(ctx, caller),
            request.group_id,
            user,
            request.member_custom_field,
        ),
        member_response,
    )
}

/// Most users of one `markGroupMemberList` (checklist 913, 1256).
pub(crate) const MAX_MARK_USERS: usize = 500;
/// The smallest custom mark.
pub(crate) const MIN_MARK_TYPE: u64 = 1000;
/// Most distinct marks of one AVChatRoom.
pub(crate) const MAX_ROOM_MARKS: usize = 10;

/// `markGroupMemberList`: the owner marks (or unmarks) an AVChatRoom's
/// online joiners; marks live with the joiners in memory.
pub(crate) fn mark_group_member_list(
    ctx: &ServerContext,
    caller: &Caller,
    request: MarkGroupMemberList,
) -> Reply<MarkGroupMemberListResponse> {
    if request.user_id_list.is_empty() || request.user_id_list.len() > MAX_MARK_USERS {
        return reject(invalid(format!("userIDList holds 1 to {MAX_MARK_USERS} users")));
    }
    if request.mark_type < MIN_MARK_TYPE {
        return reject(invalid(format!("markType is a custom mark, at least {MIN_MARK_TYPE}")));
    }
    let group = ctx.store.group(request.group_id.clone());
    let sessions = std::sync::Arc::clone(&ctx.sessions);
    let user = caller.user.clone();
    async move {
        let Some(profile) = group.await.map_err(super::store_error)? else {
            return Err(not_found(&request.group_id));
        };
        if !rules(profile.group_type).member_marks {
            return Err(ErrorBody::new(
                code::ERR_SVR_GROUP_PERMISSION_DENY,
                "only an AVChatRoom's members are marked",
            ));
        }
        if profile.owner_id != user.0 {
            return Err(ErrorBody::new(
                code::ERR_SVR_GROUP_PERMISSION_DENY,
                "only the owner marks members",
            ));
        }
        let Some((success, failure)) = sessions.mark_room_members(
            profile.group_id.as_str(),
            &request.user_id_list,
            request.mark_type,
            request.enable_mark,
            MAX_ROOM_MARKS,
        ) else {
            return Err(invalid(format!("an AVChatRoom has at most {MAX_ROOM_MARKS} marks")));
        };
        Ok(MarkGroupMemberListResponse {
            success_user_id_list: success,
            failure_user_id_list: failure,
        })
    }
    .boxed()
}

/// `getGroupApplicationList`.
pub(crate) fn get_group_application_list(
    ctx: &ServerContext,
    caller: &Caller,
    _request: GetGroupApplicationList,
) -> Reply<GetGroupApplicationListResponse> {
    from_store(ctx.store.group_applications(caller.user.clone()), |application_list| {
        GetGroupApplicationListResponse { application_list }
    })
}

/// `handleGroupApplication`.
pub(crate) fn handle_group_application(
    ctx: &ServerContext,
    caller: &Caller,
    request: HandleGroupApplication,
) -> Reply<GroupResponse> {
    let agree = request.handle_action == HandleAction::Agree;
    from_store(
        ctx.store.handle_group_application(
            actor(ctx, caller),
            request.application.group_id,
            request.application.applicant,
            agree,
            request.handle_message,
        ),
        |group| GroupResponse { group },
    )
}

/// `getGroupOnlineMemberCount`: an AVChatRoom's online joiners, to a
/// joiner; 0 otherwise.
pub(crate) fn get_group_online_member_count(
    ctx: &ServerContext,
    caller: &Caller,
    request: GetGroupOnlineMemberCount,
) -> Reply<OnlineMemberCountResponse> {
    let group = ctx.store.group(request.group_id.clone());
    let sessions = std::sync::Arc::clone(&ctx.sessions);
    let user = caller.user.clone();
    async move {
        let Some(profile) = group.await.map_err(super::store_error)? else {
            return Err(not_found(&request.group_id));
        };
        let room = profile.group_id.as_str();
        let member_count = if service::joined_in_memory(&profile) && sessions.in_room(&user, room) {
            sessions.online_member_count(room) as u64
        } else {
            0
        };
        Ok(OnlineMemberCountResponse { member_count })
    }
    .boxed()
}

/// Adds this area's operations to the registry.
pub(crate) fn register(registry: &mut super::Registry) -> Result<(), super::RegistryError> {
    registry.service::<CreateGroup>(create_group)?;
    registry.service::<GetGroupList>(get_group_list)?;
    registry.service::<GetGroupProfile>(get_group_profile)?;
    registry.service::<DismissGroup>(dismiss_group)?;
    registry.service::<UpdateGroupProfile>(update_group_profile)?;
    registry.service::<JoinGroup>(join_group)?;
    registry.service::<QuitGroup>(quit_group)?;
    registry.service::<SearchGroupByID>(search_group_by_id)?;
    registry.service::<AddGroupMember>(add_group_member)?;
    registry.service::<DeleteGroupMember>(delete_group_member)?;
    registry.service::<GetGroupMemberList>(get_group_member_list)?;
    registry.service::<GetGroupMemberProfile>(get_group_member_profile)?;
    registry.service::<ChangeGroupOwner>(change_group_owner)?;
    registry.service::<SetGroupMemberRole>(set_group_member_role)?;
    registry.service::<SetGroupMemberMuteTime>(set_group_member_mute_time)?;
    registry.service::<SetGroupMemberNameCard>(set_group_member_name_card)?;
    registry.service::<SetGroupMemberCustomField>(set_group_member_custom_field)?;
    registry.service::<MarkGroupMemberList>(mark_group_member_list)?;
    registry.service::<GetGroupApplicationList>(get_group_application_list)?;
    registry.service::<HandleGroupApplication>(handle_group_application)?;
    registry.service::<GetGroupOnlineMemberCount>(get_group_online_member_count)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    // checklist 674, 677, 1260: byte limits of the profile texts.
    #[test]
    fn profile_texts_are_limited_in_bytes() {
        let ok = |n: Option<&str>, i: Option<&str>, t: Option<&str>, a: Option<&str>| {
            check_texts(n, i, t, a).map_err(|e| e.code)
        };
        assert_eq!(ok(Some(&"x".repeat(30)), None, None, None), Ok(()));
        // Ten three-byte characters are 30 bytes; eleven are over.
        assert_eq!(ok(Some(&"群".repeat(10)), None, None, None), Ok(()));
        assert_eq!(ok(Some(&"群".repeat(11)), None, None, None), Err(10004));
        assert_eq!(ok(Some(""), None, None, None), Err(10004));
        assert_eq!(ok(None, Some(&"x".repeat(241)), None, None), Err(10004));
        assert_eq!(ok(None, None, Some(&"x".repeat(301)), None), Err(10004));
        assert_eq!(ok(None, None, Some(&"x".repeat(300)), Some(&"x".repeat(100))), Ok(()));
        assert_eq!(ok(None, None, None, Some(&"x".repeat(101))), Err(10004));
    }

    #[test]
    fn group_ids() {
        assert!(check_group_id(&GroupId::new("team-1"), GroupType::Work).is_ok());
        assert_eq!(
            check_group_id(&GroupId::new("team 1"), GroupType::Work).map_err(|e| e.code),
            Err(code::ERR_SVR_GROUP_INVALID_GROUPID)
        );
        // A Community's ID starts with @TGS#_.
        assert!(check_group_id(&GroupId::new("c1"), GroupType::Community).is_err());
        assert!(check_group_id(&GroupId::new("@TGS#_c1"), GroupType::Community).is_ok());
        // The topic mark is kept for topic IDs (checklist 1141).
        assert!(check_group_id(&GroupId::new("@TGS#_c1@TOPIC#_t"), GroupType::Community).is_err());
        let made = make_group_id(GroupType::Community, 1);
        assert!(made.as_str().starts_with("@TGS#_"));
        assert!(make_group_id(GroupType::AvChatRoom, 1).as_str().starts_with("@TGS#a"));
        assert_ne!(make_group_id(GroupType::Work, 1), make_group_id(GroupType::Work, 1));
    }
}
