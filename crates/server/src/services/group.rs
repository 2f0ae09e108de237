//! Groups as stored: the rules that need stored state (who is a member and
//! with which role, the kinds table's columns, member limits), what each
//! change writes (the group document, member rows), the tips it appends to
//! the group's timeline (stored once as group messages, pushed to the
//! group's online members) and the membership events and system notices it
//! appends to the affected users' inboxes. Group messages are stored here
//! too: once, with the group's sequence, on the timeline; never per member.
//!
//! The request checks that need no stored state (sizes, list lengths) are
//! in `crate::handlers::group`; AVChatRoom membership (online joiners only)
//! is the session registry's.

use super::group_kinds::rules;
use super::inbox;
use crate::fanout::{Audience, Delivery, SessionId};
use crate::store::{group_key, EventRecord, MemberRecord, Store, StoreError, StoreFuture, WriteTx};
use confab_proto::constants::types;
use confab_proto::frame::Push;
use confab_proto::group::{
    notice, CreateGroup, CustomField, GroupProfile, GroupSelfInfo, GroupSystemNotice,
    GroupTipPayload, GroupType, JoinOption, JoinStatus, LeftReason, MemberRole, TipMember,
    UpdateGroupProfile,
};
use confab_proto::inbox::{InboxEvent, TimelineEntry};
use confab_proto::message::{ConversationType, MessageElement, WireMessage};
use confab_proto::ops::{SendMessageResponse, SetMessageReadResponse};
use confab_proto::{code, ConversationId, ErrorBody, GroupId, MessageId, UserId};
use std::sync::Arc;

/// Tips take `random`s above every client's (clients' are at most
/// 2^53 − 1), so a tip's ID never equals a client-made one.
const TIP_RANDOM_BASE: u64 = 1 << 53;

/// A refusal with a TIM code.
pub(crate) fn refused(code: i32, message: impl Into<String>) -> StoreError {
    StoreError::Refused(ErrorBody::new(code, message))
}

fn not_found(group: &GroupId) -> StoreError {
    refused(code::ERR_SVR_GROUP_NOT_FOUND, format!("group {group} does not exist"))
}

pub(super) fn not_member(group: &GroupId) -> StoreError {
    refused(code::ERR_SVR_GROUP_PERMISSION_DENY, format!("not a member of group {group}"))
}

/// Who acts and when.
#[derive(Clone, Debug)]
pub(crate) struct Actor {
    /// The user.
    pub user: UserId,
    /// Server time, seconds.
    pub now: i64,
}

/// The group, or 10010.
pub(super) fn load(tx: &mut dyn WriteTx, group: &GroupId) -> Result<GroupProfile, StoreError> {
    tx.load_group(group)?.ok_or_else(|| not_found(group))
}

/// The group with its computed counts (`member_count` of stored members).
pub(super) fn snapshot(tx: &mut dyn WriteTx, group: &GroupId) -> Result<GroupProfile, StoreError> {
    let mut profile = load(tx, group)?;
    complete(tx, &mut profile)?;
    Ok(profile)
}

pub(super) fn complete(tx: &mut dyn WriteTx, profile: &mut GroupProfile) -> Result<(), StoreError> {
    profile.member_count = tx.member_count(&profile.group_id)?;
    profile.next_message_seq = tx.group_heads(&profile.group_id)?.message_sequence + 1;
    Ok(())
}

/// The caller's record, or 10007.
pub(super) fn membership(
    tx: &mut dyn WriteTx,
    group: &GroupId,
    user: &UserId,
) -> Result<MemberRecord, StoreError> {
    tx.load_member(group, user)?.ok_or_else(|| not_member(group))
}

fn self_info(record: &MemberRecord) -> GroupSelfInfo {
    GroupSelfInfo {
        role: record.role,
        join_time: record.join_time,
        name_card: record.name_card.clone(),
        read_sequence: record.read_sequence.max(record.join_sequence),
    }
}

/// Appends a tip to the group's timeline (stored as a group message when
/// the kind keeps history) and pushes it to the online members.
fn tip(
    tx: &mut dyn WriteTx,
    group: &GroupProfile,
    actor: &Actor,
    payload: GroupTipPayload,
) -> Result<(), StoreError> {
    let keeps = rules(group.group_type).keeps_history;
    let row = if keeps { Some(tx.next_message_row()?) } else { None };
    let mut message = tip_message(group, actor, payload, row);
    store_on_timeline(tx, &group.group_id, &group.group_id, &mut message, row, None)
}

/// The pushes of a tip of an AVChatRoom (kept in memory, never stored):
/// to the room's joiners, with sequence 0.
pub(crate) fn room_tip(
    group: &GroupProfile,
    actor: &Actor,
    payload: GroupTipPayload,
) -> Vec<Delivery> {
    let message = tip_message(group, actor, payload, None);
    let entry = TimelineEntry { seq: 0, event: InboxEvent::Message { message } };
    timeline_deliveries(&group.group_id, entry, None)
}

/// A tip as a group message (a stored one at `row`).
fn tip_message(
    group: &GroupProfile,
    actor: &Actor,
    payload: GroupTipPayload,
    row: Option<crate::store::MessageRow>,
) -> WireMessage {
    let keeps = row.is_some();
    let random = TIP_RANDOM_BASE + row.map_or(0, |r| r.0.unsigned_abs());
    WireMessage {
        receiver_list: Vec::new(),
        id: MessageId::client_made(&actor.user, actor.now.unsigned_abs(), random),
        conversation_type: ConversationType::Group,
        from: actor.user.clone(),
        to: group.group_id.0.clone(),
        sequence: 0,
        time: actor.now,
        random,
        element: MessageElement::GroupTip(payload),
        priority: Default::default(),
        cloud_custom_data: String::new(),
        nick: String::new(),
        avatar: String::new(),
        need_read_receipt: false,
        is_support_extension: false,
        name_card: String::new(),
        at_user_list: Vec::new(),
        excluded_from_unread_count: true,
        excluded_from_last_message: false,
        online_user_only: !keeps,
        is_revoked: false,
        version: 0,
    }
}

/// Stores `message` (at `row`, when the group keeps history) with the
/// next sequence of `group` (a group or a topic), appends it to that
/// timeline and pushes it to the online members of `audience` (the group,
/// or the topic's community) but `skip`; without a row, only pushes it
/// (sequence 0).
pub(super) fn store_on_timeline(
    tx: &mut dyn WriteTx,
    group: &GroupId,
    audience: &GroupId,
    message: &mut WireMessage,
    row: Option<crate::store::MessageRow>,
    skip: Option<SessionId>,
) -> Result<(), StoreError> {
    let seq = match row {
        Some(row) => {
            let key = group_key(group.as_str());
            message.sequence = tx.next_conversation_sequence(&key)?;
            tx.insert_message(row, &key, message)?;
            tx.append_timeline(group.as_str(), EventRecord::Message(row))?
        }
        None => 0,
    };
    let entry = TimelineEntry { seq, event: InboxEvent::Message { message: message.clone() } };
    for delivery in timeline_deliveries_to(audience, group, entry, skip) {
        tx.publish(delivery);
    }
    Ok(())
}

/// The pushes of one timeline entry: to every online member, or, for a
/// targeted message (and its revoke or modification), the entry to its
/// sender and receivers and [`InboxEvent::Withheld`] with the same `seq`
/// to everyone else (so their cursors stay gap-free without seeing it).
pub(crate) fn timeline_deliveries(
    group: &GroupId,
    entry: TimelineEntry,
    skip: Option<SessionId>,
) -> Vec<Delivery> {
    timeline_deliveries_to(group, group, entry, skip)
}

/// [`timeline_deliveries`] of an entry of the timeline `timeline` (a group
/// or a topic) to the members of `audience` (the group, or the topic's
/// community).
pub(crate) fn timeline_deliveries_to(
    audience: &GroupId,
    timeline: &GroupId,
    entry: TimelineEntry,
    skip: Option<SessionId>,
) -> Vec<Delivery> {
    let group = audience;
    let push = |entry| Arc::new(Push::Timeline { group_id: timeline.clone(), entry });
    let targeted = entry.event.message().filter(|m| !m.receiver_list.is_empty()).map(|m| {
        let mut users: Vec<UserId> = vec![m.from.clone()];
        users.extend(m.receiver_list.iter().map(|r| UserId::new(r.clone())));
        users.sort_unstable();
        users.dedup();
        users
    });
    let Some(users) = targeted else {
        return vec![Delivery {
            audience: Audience::Group(group.0.clone()),
            push: push(entry),
            skip,
        }];
    };
    let mut deliveries = Vec::with_capacity(users.len() + 1);
    if entry.seq != 0 {
        let withheld = TimelineEntry { seq: entry.seq, event: InboxEvent::Withheld };
        deliveries.push(Delivery {
            audience: Audience::GroupExcept(group.0.clone(), users.clone()),
            push: push(withheld),
            skip: None,
        });
    }
    let full = push(entry);
    for user in users {
        deliveries.push(Delivery { audience: Audience::User(user), push: Arc::clone(&full), skip });
    }
    deliveries
}

fn tip_payload(actor: &Actor, operation_type: i64, users: &[UserId]) -> GroupTipPayload {
    GroupTipPayload {
        operator_id: actor.user.0.clone(),
        operation_type,
        user_id_list: users.iter().map(|u| u.0.clone()).collect(),
        ..Default::default()
    }
}

/// Tells `user` they are a member now (the registry starts pushing the
/// group's timeline to their sessions when this push passes).
pub(super) fn tell_joined(
    tx: &mut dyn WriteTx,
    group: &GroupProfile,
    record: &MemberRecord,
) -> Result<(), StoreError> {
    let topics = super::topic::join_topics(tx, group, &record.user_id)?;
    let mut group = group.clone();
    group.self_info = Some(self_info(record));
    let event = InboxEvent::GroupJoined { group, after: record.join_timeline, topics };
    inbox::append(tx, &record.user_id, event, None)?;
    Ok(())
}

pub(super) fn tell_left(
    tx: &mut dyn WriteTx,
    user: &UserId,
    group: &GroupId,
    reason: LeftReason,
) -> Result<(), StoreError> {
    tx.delete_topic_members(group, user)?;
    inbox::append(tx, user, InboxEvent::GroupLeft { group_id: group.clone(), reason }, None)?;
    Ok(())
}

pub(super) fn tell_notice(
    tx: &mut dyn WriteTx,
    user: &UserId,
    operation_type: i64,
    group: &GroupProfile,
    actor: &Actor,
    handle_message: &str,
) -> Result<(), StoreError> {
    let notice = GroupSystemNotice {
        operation_type,
        group_profile: group.clone(),
        operator_id: actor.user.0.clone(),
        handle_message: handle_message.to_owned(),
        time: actor.now,
    };
    inbox::append(tx, user, InboxEvent::GroupSystemNotice { notice }, None)?;
    Ok(())
}

/// A new member's record, joining now.
pub(super) fn new_record(
    tx: &mut dyn WriteTx,
    group: &GroupId,
    user: &UserId,
    role: MemberRole,
    now: i64,
    custom: Vec<CustomField>,
) -> Result<MemberRecord, StoreError> {
    let heads = tx.group_heads(group)?;
    Ok(MemberRecord {
        user_id: user.clone(),
        role,
        join_time: now,
        join_sequence: heads.message_sequence,
        join_timeline: heads.timeline,
        custom,
        ..Default::default()
    })
}

/// The caller's role: the owner by the group's `ownerID` (an AVChatRoom
/// owner is no stored member), otherwise by their record.
fn role_of(
    tx: &mut dyn WriteTx,
    group: &GroupProfile,
    user: &UserId,
) -> Result<Option<MemberRole>, StoreError> {
    if group.owner_id == user.0 {
        return Ok(Some(MemberRole::Owner));
    }
    Ok(tx.load_member(&group.group_id, user)?.map(|r| r.role))
}

/// What `createGroup` made.
#[derive(Debug)]
pub(crate) struct Created {
    /// The group.
    pub group: GroupProfile,
    /// Members not added (none today: no per-user group limit).
    pub over_limit: Vec<UserId>,
}

fn create(
    tx: &mut dyn WriteTx,
    actor: &Actor,
    id: GroupId,
    request: CreateGroup,
) -> Result<Created, StoreError> {
    let kind = rules(request.group_type);
    let (join_option, invite_option) = kind
        .creation_options(request.join_option, request.invite_option)
        .map_err(StoreError::Refused)?;
    let max = kind.max_members(request.max_member_num);
    let mut members = Vec::new();
    for m in &request.member_list {
        if m.user_id != actor.user
            && !members.iter().any(|(u, _): &(UserId, _)| *u == m.user_id)
            && tx.user_exists(&m.user_id)?
        {
            members.push((m.user_id.clone(), m));
        }
    }
    // The creator counts as a member of every kind that stores members.
    if max > 0 && members.len() as u64 + 1 > max {
        return Err(refused(
            code::ERR_SVR_GROUP_FULL_MEMBER_COUNT,
            format!("{} members exceed the group's limit of {max}", members.len() + 1),
        ));
    }
    let mut profile = GroupProfile {
        group_id: id.clone(),
        name: request.name,
        avatar: request.avatar,
        group_type: request.group_type,
        introduction: request.introduction,
        notification: request.notification,
        owner_id: actor.user.0.clone(),
        create_time: actor.now,
        info_sequence: 0,
        last_info_time: actor.now,
        member_count: 0,
        max_member_count: max,
        mute_all_members: false,
        join_option,
        invite_option,
        group_custom_field: request.group_custom_field,
        is_support_topic: request.is_support_topic,
        next_message_seq: 1,
        self_info: None,
    };
    if !tx.insert_group(&profile, actor.now)? {
        return Err(refused(
            code::ERR_SVR_GROUP_GROUPID_IN_USED,
            format!("group ID {id} is taken"),
        ));
    }
    let mut records = Vec::new();
    if kind.stored_members {
        records.push(new_record(tx, &id, &actor.user, MemberRole::Owner, actor.now, Vec::new())?);
        for (user, m) in &members {
            let role = if m.role == Some(MemberRole::Admin) {
                MemberRole::Admin
            } else {
                MemberRole::Member
            };
            records.push(new_record(
                tx,
                &id,
                user,
                role,
                actor.now,
                m.member_custom_field.clone(),
            )?);
        }
        for record in &records {
            tx.save_member(&id, record)?;
        }
    }
    complete(tx, &mut profile)?;
    for record in &records {
        tell_joined(tx, &profile, record)?;
    }
    tell_notice(tx, &actor.user, notice::CREATED, &profile, actor, "")?;
    for (user, _) in &members {
        tell_notice(tx, user, notice::INVITED, &profile, actor, "")?;
    }
    Ok(Created { group: profile, over_limit: Vec::new() })
}

fn dismiss(tx: &mut dyn WriteTx, actor: &Actor, id: &GroupId) -> Result<GroupProfile, StoreError> {
    let profile = snapshot(tx, id)?;
    if !rules(profile.group_type).dismissable {
        return Err(refused(code::CANNOT_DISMISS_WORK, "a Work group cannot be dismissed"));
    }
    if profile.owner_id != actor.user.0 {
        return Err(refused(code::ERR_SVR_GROUP_PERMISSION_DENY, "only the owner may dismiss"));
    }
    dismiss_now(tx, actor, profile)
}

/// Deletes the group (`profile`, as [`snapshot`] reads it) with its topics;
/// every member leaves and gets the `DISMISSED` notice. The caller checked
/// who may.
pub(super) fn dismiss_now(
    tx: &mut dyn WriteTx,
    actor: &Actor,
    profile: GroupProfile,
) -> Result<GroupProfile, StoreError> {
    let id = profile.group_id.clone();
    let members = tx.member_ids(&id)?;
    for topic in tx.topics_of(&id)? {
        tx.delete_topic(&topic.topic_id)?;
    }
    tx.delete_group(&id)?;
    for user in &members {
        tell_left(tx, user, &id, LeftReason::Dismissed)?;
        tell_notice(tx, user, notice::DISMISSED, &profile, actor, "")?;
    }
    Ok(profile)
}

fn update(
    tx: &mut dyn WriteTx,
    actor: &Actor,
    request: UpdateGroupProfile,
) -> Result<GroupProfile, StoreError> {
    let mut profile = load(tx, &request.group_id)?;
    let kind = rules(profile.group_type);
    let role = role_of(tx, &profile, &actor.user)?.ok_or_else(|| not_member(&request.group_id))?;
    // Work: any member edits the profile; other kinds: owner and admins.
    if profile.group_type != confab_proto::group::GroupType::Work && !role.is_manager() {
        return Err(refused(
            code::ERR_SVR_GROUP_PERMISSION_DENY,
            "only the owner or an admin may change this group's profile",
        ));
    }
    kind.check_options(request.join_option, request.invite_option).map_err(StoreError::Refused)?;
    let mut changed = serde_json::Map::new();
    let mut set = |name: &str, value: serde_json::Value| {
        changed.insert(name.to_owned(), value);
    };
    if let Some(v) = request.name {
        set("name", v.clone().into());
        profile.name = v;
    }
    if let Some(v) = request.avatar {
        set("avatar", v.clone().into());
        profile.avatar = v;
    }
    if let Some(v) = request.introduction {
        set("introduction", v.clone().into());
        profile.introduction = v;
    }
    if let Some(v) = request.notification {
        set("notification", v.clone().into());
        profile.notification = v;
    }
    if let Some(v) = request.mute_all_members {
        set("muteAllMembers", v.into());
        profile.mute_all_members = v;
    }
    if let Some(v) = request.join_option {
        set("joinOption", serde_json::to_value(v)?);
        profile.join_option = v;
    }
    if let Some(v) = request.invite_option {
        set("inviteOption", serde_json::to_value(v)?);
        profile.invite_option = v;
    }
    if let Some(fields) = request.group_custom_field {
        set("groupCustomField", serde_json::to_value(&fields)?);
        for field in fields {
            match profile.group_custom_field.iter_mut().find(|f| f.key == field.key) {
                Some(old) => old.value = field.value,
                None => profile.group_custom_field.push(field),
            }
        }
    }
    if changed.is_empty() {
        complete(tx, &mut profile)?;
        return Ok(profile);
    }
    profile.info_sequence += 1;
    profile.last_info_time = actor.now;
    tx.save_group(&profile)?;
    let payload = GroupTipPayload {
        new_group_profile: changed,
        ..tip_payload(actor, types::GRP_TIP_GRP_PROFILE_UPDATED, &[])
    };
    tip(tx, &profile, actor, payload)?;
    complete(tx, &mut profile)?;
    Ok(profile)
}

/// Adds a stored member now: record, `groupJoined`, join tip.
fn admit(
    tx: &mut dyn WriteTx,
    actor: &Actor,
    profile: &GroupProfile,
    users: &[UserId],
) -> Result<GroupProfile, StoreError> {
    let mut records = Vec::new();
    for user in users {
        let record =
            new_record(tx, &profile.group_id, user, MemberRole::Member, actor.now, Vec::new())?;
        tx.save_member(&profile.group_id, &record)?;
        // Joining any way settles a pending join request.
        tx.delete_application(&profile.group_id, user)?;
        records.push(record);
    }
    let mut after = profile.clone();
    complete(tx, &mut after)?;
    // Joined first, so the registry pushes the join tip to the new members too.
    for record in &records {
        tell_joined(tx, &after, record)?;
    }
    tip(tx, &after, actor, tip_payload(actor, types::GRP_TIP_MBR_JOIN, users))?;
    complete(tx, &mut after)?;
    Ok(after)
}

/// What `joinGroup` of a stored-member kind did.
fn join(
    tx: &mut dyn WriteTx,
    actor: &Actor,
    id: &GroupId,
    apply_message: &str,
) -> Result<(JoinStatus, Option<GroupProfile>), StoreError> {
    let mut profile = snapshot(tx, id)?;
    let kind = rules(profile.group_type);
    let option = kind.effective_join(profile.join_option).map_err(StoreError::Refused)?;
    if let Some(record) = tx.load_member(id, &actor.user)? {
        profile.self_info = Some(self_info(&record));
        return Ok((JoinStatus::AlreadyInGroup, Some(profile)));
    }
    match option {
        JoinOption::DisableApply => Err(refused(
            code::ERR_SVR_GROUP_PERMISSION_DENY,
            "this group takes no join requests (DisableApply)",
        )),
        JoinOption::NeedPermission => {
            // Pending until the first owner or admin handles it
            // (`handleGroupApplication`); asking again renews it.
            tx.save_application(id, &actor.user, apply_message, actor.now)?;
            // Every owner and admin gets the request as a system notice.
            for user in tx.member_ids(id)? {
                if tx.load_member(id, &user)?.is_some_and(|r| r.role.is_manager()) {
                    tell_notice(tx, &user, notice::JOIN_REQUEST, &profile, actor, apply_message)?;
                }
            }
            Ok((JoinStatus::WaitAdminApproval, None))
        }
        JoinOption::FreeAccess => {
            if profile.max_member_count > 0 && profile.member_count >= profile.max_member_count {
                return Err(refused(code::ERR_SVR_GROUP_FULL_MEMBER_COUNT, "the group is full"));
            }
            let mut after = admit(tx, actor, &profile, std::slice::from_ref(&actor.user))?;
            after.self_info = tx.load_member(id, &actor.user)?.as_ref().map(self_info);
            Ok((JoinStatus::JoinedSuccess, Some(after)))
        }
    }
}

/// `handleGroupApplication`: the first owner or admin to handle a pending
/// request decides it; the applicant is told (notice 2 or 3) and, agreed,
/// joins as any joiner does (`groupJoined`, a `GRP_TIP_MBR_JOIN` tip).
fn handle_application(
    tx: &mut dyn WriteTx,
    actor: &Actor,
    id: &GroupId,
    applicant: &UserId,
    agree: bool,
    handle_message: &str,
) -> Result<GroupProfile, StoreError> {
    let profile = snapshot(tx, id)?;
    let role = membership(tx, id, &actor.user)?.role;
    if !role.is_manager() {
        return Err(refused(
            code::ERR_SVR_GROUP_PERMISSION_DENY,
            "only the owner or an admin handles join requests",
        ));
    }
    if !tx.has_application(id, applicant)? {
        return Err(refused(
            code::ERR_SVR_GROUP_REQ_ALLREADY_BEEN_PROCESSED,
            format!("no pending join request of {applicant}: handled already"),
        ));
    }
    if agree {
        if tx.load_member(id, applicant)?.is_some() {
            return Err(refused(
                code::ERR_SVR_GROUP_ALLREADY_MEMBER,
                format!("{applicant} is a member already"),
            ));
        }
        if profile.max_member_count > 0 && profile.member_count >= profile.max_member_count {
            return Err(refused(code::ERR_SVR_GROUP_FULL_MEMBER_COUNT, "the group is full"));
        }
        let after = admit(tx, actor, &profile, std::slice::from_ref(applicant))?;
        tell_notice(tx, applicant, notice::REQUEST_ACCEPTED, &after, actor, handle_message)?;
        let mut after = after;
        after.self_info = tx.load_member(id, &actor.user)?.as_ref().map(self_info);
        Ok(after)
    } else {
        tx.delete_application(id, applicant)?;
        tell_notice(tx, applicant, notice::REQUEST_REFUSED, &profile, actor, handle_message)?;
        let mut profile = profile;
        profile.self_info = tx.load_member(id, &actor.user)?.as_ref().map(self_info);
        Ok(profile)
    }
}

fn quit(tx: &mut dyn WriteTx, actor: &Actor, id: &GroupId) -> Result<(), StoreError> {
    let mut profile = load(tx, id)?;
    let record = membership(tx, id, &actor.user)?;
    if record.role == MemberRole::Owner {
        if !rules(profile.group_type).owner_may_quit {
            return Err(refused(
                code::ERR_SVR_GROUP_SUPER_NOT_ALLOW_QUIT,
                "the owner cannot quit this group; transfer it or dismiss it",
            ));
        }
        // A Work group's owner quits and leaves it ownerless.
        profile.owner_id.clear();
        tx.save_group(&profile)?;
    }
    tx.delete_member(id, &actor.user)?;
    tip(
        tx,
        &profile,
        actor,
        tip_payload(actor, types::GRP_TIP_MBR_QUIT, std::slice::from_ref(&actor.user)),
    )?;
    tell_left(tx, &actor.user, id, LeftReason::Quit)?;
    complete(tx, &mut profile)?;
    tell_notice(tx, &actor.user, notice::QUIT, &profile, actor, "")?;
    Ok(())
}

/// `addGroupMember`'s lists.
#[derive(Debug, Default)]
pub(crate) struct Added {
    /// Added.
    pub success: Vec<UserId>,
    /// Unknown users, or no room left.
    pub failure: Vec<UserId>,
    /// Members already.
    pub existed: Vec<UserId>,
    /// The group after.
    pub group: GroupProfile,
}

fn add(
    tx: &mut dyn WriteTx,
    actor: &Actor,
    id: &GroupId,
    users: Vec<UserId>,
) -> Result<Added, StoreError> {
    let profile = snapshot(tx, id)?;
    let kind = rules(profile.group_type);
    if !kind.members_addable {
        return Err(refused(
            code::CANNOT_ADD_MEMBER_IN_AVCHATROOM,
            "nobody can add members to an AVChatRoom",
        ));
    }
    let role = membership(tx, id, &actor.user)?.role;
    if !role.is_manager() {
        match profile.invite_option {
            confab_proto::group::InviteOption::FreeAccess => {}
            confab_proto::group::InviteOption::DisableInvite => {
                return Err(refused(
                    code::ERR_SVR_GROUP_PERMISSION_DENY,
                    "members of this group may not invite (inviteOption DisableInvite)",
                ))
            }
            confab_proto::group::InviteOption::NeedPermission => {
                return Err(refused(
                    code::ERR_SVR_GROUP_PERMISSION_DENY,
                    "invitations that need approval are not served yet",
                ))
            }
        }
    }
    let mut result = Added::default();
    let mut room = if profile.max_member_count == 0 {
        u64::MAX
    } else {
        profile.max_member_count.saturating_sub(profile.member_count)
    };
    for user in users {
        if result.success.contains(&user) || result.existed.contains(&user) {
            continue;
        }
        if tx.load_member(id, &user)?.is_some() {
            result.existed.push(user);
        } else if room == 0 || !tx.user_exists(&user)? {
            result.failure.push(user);
        } else {
            room -= 1;
            result.success.push(user);
        }
    }
    result.group = if result.success.is_empty() {
        profile
    } else {
        let after = admit(tx, actor, &profile, &result.success)?;
        for user in &result.success {
            tell_notice(tx, user, notice::INVITED, &after, actor, "")?;
        }
        after
    };
    Ok(result)
}

fn remove(
    tx: &mut dyn WriteTx,
    actor: &Actor,
    id: &GroupId,
    users: Vec<UserId>,
    reason: &str,
) -> Result<(GroupProfile, Vec<UserId>), StoreError> {
    let profile = load(tx, id)?;
    let role = membership(tx, id, &actor.user)?.role;
    let work = profile.group_type == confab_proto::group::GroupType::Work;
    let mut removed = Vec::new();
    for user in users {
        if user == actor.user || removed.contains(&user) {
            continue;
        }
        let Some(target) = tx.load_member(id, &user)? else { continue };
        // The owner removes anyone; an admin removes ordinary members
        // (not in a Work group, where only the owner removes).
        let allowed = match role {
            MemberRole::Owner => true,
            MemberRole::Admin => !work && !target.role.is_manager(),
            _ => false,
        };
        if !allowed {
            return Err(refused(
                code::ERR_SVR_GROUP_PERMISSION_DENY,
                format!("the caller may not remove {user}"),
            ));
        }
        removed.push(user);
    }
    for user in &removed {
        tx.delete_member(id, user)?;
    }
    let mut after = profile;
    complete(tx, &mut after)?;
    if !removed.is_empty() {
        tip(tx, &after, actor, tip_payload(actor, types::GRP_TIP_MBR_KICKED_OUT, &removed))?;
        for user in &removed {
            tell_left(tx, user, id, LeftReason::Kicked)?;
            tell_notice(tx, user, notice::KICKED_OUT, &after, actor, reason)?;
        }
        complete(tx, &mut after)?;
    }
    Ok((after, removed))
}

fn change_owner(
    tx: &mut dyn WriteTx,
    actor: &Actor,
    id: &GroupId,
    new_owner: &UserId,
) -> Result<GroupProfile, StoreError> {
    let mut profile = load(tx, id)?;
    if !rules(profile.group_type).transferable {
        return Err(refused(
            code::CANNOT_CHANGE_OWNER_IN_AVCHATROOM,
            "an AVChatRoom cannot be transferred",
        ));
    }
    if profile.owner_id != actor.user.0 {
        return Err(refused(code::NOT_OWNER, "only the owner may transfer the group"));
    }
    if *new_owner == actor.user {
        return Err(refused(
            code::CANNOT_CHANGE_OWNER_TO_SELF,
            "the caller owns the group already",
        ));
    }
    let Some(mut target) = tx.load_member(id, new_owner)? else {
        return Err(refused(code::MEMBER_NOT_IN_GROUP, format!("{new_owner} is not a member")));
    };
    let mut old = membership(tx, id, &actor.user)?;
    old.role = MemberRole::Member;
    target.role = MemberRole::Owner;
    tx.save_member(id, &old)?;
    tx.save_member(id, &target)?;
    profile.owner_id = new_owner.0.clone();
    profile.info_sequence += 1;
    profile.last_info_time = actor.now;
    tx.save_group(&profile)?;
    let mut changed = serde_json::Map::new();
    changed.insert("ownerID".into(), new_owner.0.clone().into());
    let payload = GroupTipPayload {
        new_group_profile: changed,
        ..tip_payload(actor, types::GRP_TIP_GRP_PROFILE_UPDATED, &[])
    };
    tip(tx, &profile, actor, payload)?;
    complete(tx, &mut profile)?;
    Ok(profile)
}

/// A group and a member after a change of the member.
type MemberChange = (GroupProfile, MemberRecord);

fn set_role(
    tx: &mut dyn WriteTx,
    actor: &Actor,
    id: &GroupId,
    user: &UserId,
    role: MemberRole,
) -> Result<MemberChange, StoreError> {
    let mut profile = load(tx, id)?;
    let kind = rules(profile.group_type);
    if !kind.roles_settable {
        return Err(refused(
            code::CANNOT_SET_MEMBER_ROLE_IN_WORK_AND_AVCHATROOM,
            "roles cannot be set in Work groups and AVChatRooms",
        ));
    }
    if role == MemberRole::Owner || (role == MemberRole::Custom && !kind.custom_role) {
        return Err(refused(
            code::INVALID_MEMBER_ROLE,
            format!("role {role:?} cannot be set here"),
        ));
    }
    if profile.owner_id != actor.user.0 {
        return Err(refused(code::NOT_OWNER, "only the owner may set roles"));
    }
    if *user == actor.user {
        return Err(refused(
            code::CANNOT_SET_SELF_MEMBER_ROLE,
            "the owner's own role cannot be set",
        ));
    }
    let Some(mut target) = tx.load_member(id, user)? else {
        return Err(refused(code::MEMBER_NOT_IN_GROUP, format!("{user} is not a member")));
    };
    let before = target.role;
    if before == role {
        complete(tx, &mut profile)?;
        return Ok((profile, target));
    }
    target.role = role;
    tx.save_member(id, &target)?;
    let (tip_type, notice_type) = if role == MemberRole::Admin {
        (Some(types::GRP_TIP_MBR_SET_ADMIN), Some(notice::SET_ADMIN))
    } else if before == MemberRole::Admin {
        (Some(types::GRP_TIP_MBR_CANCELED_ADMIN), Some(notice::CANCELED_ADMIN))
    } else {
        (None, None)
    };
    complete(tx, &mut profile)?;
    if let Some(tip_type) = tip_type {
        tip(tx, &profile, actor, tip_payload(actor, tip_type, std::slice::from_ref(user)))?;
    }
    if let Some(notice_type) = notice_type {
        tell_notice(tx, user, notice_type, &profile, actor, "")?;
    }
    complete(tx, &mut profile)?;
    Ok((profile, target))
}

/// `setGroupMemberMuteTime`; with a topic ID as `id`, the member is muted
/// in that topic only (checklist 869; the community's roles decide).
fn set_mute(
    tx: &mut dyn WriteTx,
    actor: &Actor,
    id: &GroupId,
    user: &UserId,
    seconds: u64,
) -> Result<MemberChange, StoreError> {
    let in_topic = confab_proto::topic::is_topic_id(id.as_str());
    let group_id = if in_topic {
        super::topic::place(tx, id, &actor.user)?.group.group_id
    } else {
        id.clone()
    };
    let mut profile = load(tx, &group_id)?;
    if !rules(profile.group_type).members_mutable {
        return Err(refused(
            code::ERR_SVR_GROUP_PERMISSION_DENY,
            "members of a Work group cannot be muted",
        ));
    }
    if *user == actor.user {
        return Err(refused(code::CANNOT_MUTE_SELF, "members cannot mute themselves"));
    }
    let role = membership(tx, &group_id, &actor.user)?.role;
    let Some(mut target) = tx.load_member(&group_id, user)? else {
        return Err(refused(code::MEMBER_NOT_IN_GROUP, format!("{user} is not a member")));
    };
    // The owner mutes admins and members; an admin mutes members only.
    let allowed = match role {
        MemberRole::Owner => target.role != MemberRole::Owner,
        MemberRole::Admin => !target.role.is_manager(),
        _ => false,
    };
    if !allowed {
        return Err(refused(
            code::ERR_SVR_GROUP_PERMISSION_DENY,
            format!("the caller may not mute {user}"),
        ));
    }
    let seconds = i64::try_from(seconds).unwrap_or(i64::MAX / 2);
    target.mute_until = if seconds == 0 { 0 } else { actor.now.saturating_add(seconds) };
    if in_topic {
        let mut mine = tx.load_topic_member(id.as_str(), user)?;
        mine.mute_until = target.mute_until;
        tx.save_topic_member(id.as_str(), user, &mine)?;
    } else {
        tx.save_member(&group_id, &target)?;
    }
    complete(tx, &mut profile)?;
    let payload = GroupTipPayload {
        member_list: vec![TipMember {
            user_id: user.0.clone(),
            mute_time: Some(seconds),
            name_card: None,
        }],
        ..tip_payload(actor, types::GRP_TIP_MBR_PROFILE_UPDATED, std::slice::from_ref(user))
    };
    if in_topic {
        // The tip goes on the topic's timeline, addressed to the topic.
        let mut on = profile.clone();
        on.group_id = id.clone();
        let row = tx.next_message_row()?;
        let mut message = tip_message(&on, actor, payload, Some(row));
        store_on_timeline(tx, id, &group_id, &mut message, Some(row), None)?;
    } else {
        tip(tx, &profile, actor, payload)?;
    }
    complete(tx, &mut profile)?;
    Ok((profile, target))
}

fn set_name_card(
    tx: &mut dyn WriteTx,
    actor: &Actor,
    id: &GroupId,
    user: &UserId,
    name_card: String,
) -> Result<MemberChange, StoreError> {
    let mut profile = load(tx, id)?;
    if !rules(profile.group_type).name_cards {
        return Err(refused(
            code::ERR_SVR_GROUP_PERMISSION_DENY,
            "an AVChatRoom keeps no name cards",
        ));
    }
    let role = membership(tx, id, &actor.user)?.role;
    let Some(mut target) = tx.load_member(id, user)? else {
        return Err(refused(code::MEMBER_NOT_IN_GROUP, format!("{user} is not a member")));
    };
    // Anyone sets their own; the owner anyone's; an admin ordinary members'.
    let allowed = *user == actor.user
        || match role {
            MemberRole::Owner => true,
            MemberRole::Admin => !target.role.is_manager(),
            _ => false,
        };
    if !allowed {
        return Err(refused(
            code::ERR_SVR_GROUP_PERMISSION_DENY,
            format!("the caller may not set {user}'s name card"),
        ));
    }
    let changed = target.name_card != name_card;
    target.name_card = name_card;
    tx.save_member(id, &target)?;
    if changed {
        // TIM tells the group: GRP_TIP_MBR_PROFILE_UPDATED with the card.
        let payload = GroupTipPayload {
            member_list: vec![TipMember {
                user_id: user.0.clone(),
                mute_time: None,
                name_card: Some(target.name_card.clone()),
            }],
            ..tip_payload(actor, types::GRP_TIP_MBR_PROFILE_UPDATED, std::slice::from_ref(user))
        };
        complete(tx, &mut profile)?;
        tip(tx, &profile, actor, payload)?;
    }
    complete(tx, &mut profile)?;
    Ok((profile, target))
}

/// `setGroupMemberCustomField`: fields added or overwritten by key, by the
/// same rule as name cards (anyone their own; the owner anyone's; an admin
/// ordinary members'); an AVChatRoom keeps no member fields.
fn set_member_custom(
    tx: &mut dyn WriteTx,
    actor: &Actor,
    id: &GroupId,
    user: &UserId,
    fields: Vec<CustomField>,
) -> Result<MemberChange, StoreError> {
    let mut profile = load(tx, id)?;
    if !rules(profile.group_type).stored_members {
        return Err(refused(
            code::ERR_SVR_GROUP_PERMISSION_DENY,
            "an AVChatRoom keeps no member custom fields",
        ));
    }
    let role = membership(tx, id, &actor.user)?.role;
    let Some(mut target) = tx.load_member(id, user)? else {
        return Err(refused(code::MEMBER_NOT_IN_GROUP, format!("{user} is not a member")));
    };
    let allowed = *user == actor.user
        || match role {
            MemberRole::Owner => true,
            MemberRole::Admin => !target.role.is_manager(),
            _ => false,
        };
    if !allowed {
        return Err(refused(
            code::ERR_SVR_GROUP_PERMISSION_DENY,
            format!("the caller may not set {user}'s custom fields"),
        ));
    }
    for field in fields {
        match target.custom.iter_mut().find(|f| f.key == field.key) {
            Some(old) => old.value = field.value,
            None => target.custom.push(field),
        }
    }
    tx.save_member(id, &target)?;
    complete(tx, &mut profile)?;
    Ok((profile, target))
}

/// A validated group message (stored kinds).
#[derive(Clone, Debug)]
pub(crate) struct NewGroupMessage {
    /// The message as the server keeps it (sequence still 0).
    pub message: WireMessage,
    /// The sending session (does not get the push).
    pub origin: Option<SessionId>,
}

fn send(tx: &mut dyn WriteTx, new: NewGroupMessage) -> Result<SendMessageResponse, StoreError> {
    let mut message = new.message;
    if let Some(row) = tx.message_row(message.id.as_str())? {
        if let Some((_, original)) = tx.load_message(row)? {
            return Ok(SendMessageResponse { message: original, duplicate: true });
        }
    }
    let place = super::topic::place(tx, &GroupId::new(message.to.clone()), &message.from)?;
    let (profile, record) = (&place.group, &place.record);
    if place.topic.is_none()
        && profile.is_support_topic
        && profile.group_type == GroupType::Community
    {
        return Err(refused(
            code::MESSAGE_SEND_GROUP_WITH_TOPIC_FAIL,
            "a community with topics takes messages in its topics",
        ));
    }
    if profile.group_type == GroupType::Community
        && message.at_user_list.iter().any(|u| u == types::MSG_AT_ALL)
    {
        return Err(refused(
            code::ERR_SVR_GROUP_INVALID_PARAMETERS,
            "communities and topics have no @ALL",
        ));
    }
    let muted_until = record.mute_until.max(place.topic_mute_until);
    if muted_until > message.time {
        return Err(refused(
            code::ERR_SVR_GROUP_SHUTUP_DENY,
            format!("muted here until {muted_until}"),
        ));
    }
    let everyone_muted =
        profile.mute_all_members || place.topic.as_ref().is_some_and(|t| t.mute_all_members);
    if everyone_muted && !record.role.is_manager() {
        return Err(refused(
            code::ERR_SVR_GROUP_SHUTUP_DENY,
            "everyone but the owner and admins is muted",
        ));
    }
    let group = profile.group_id.clone();
    for receiver in &message.receiver_list {
        if tx.load_member(&group, &UserId::new(receiver.clone()))?.is_none() {
            return Err(refused(
                code::ERR_SVR_GROUP_INVALID_PARAMETERS,
                format!("receiverList names {receiver}, who is not a member"),
            ));
        }
    }
    let file_ids: Vec<String> = message.element.file_ids().into_iter().map(str::to_owned).collect();
    {
        let ids: Vec<&str> = file_ids.iter().map(String::as_str).collect();
        super::files::check_sender(tx, &message.from, &ids)?;
    }
    let (nick, avatar) =
        tx.load_profile(&message.from)?.map(|p| (p.nick, p.avatar)).unwrap_or_default();
    message.nick = nick;
    message.avatar = avatar;
    message.name_card = record.name_card.clone();
    let row = tx.next_message_row()?;
    let timeline = place.timeline();
    store_on_timeline(tx, &timeline, &group, &mut message, Some(row), new.origin)?;
    tx.name_files_in_message(row, &file_ids)?;
    Ok(SendMessageResponse { message, duplicate: false })
}

/// Reads a group for `user` up to its newest message and tells the user's
/// instances (`conversationRead`); nothing happens when it was read.
pub(super) fn set_read(
    tx: &mut dyn WriteTx,
    user: &UserId,
    group: &GroupId,
) -> Result<SetMessageReadResponse, StoreError> {
    let conversation_id = ConversationId::group(group);
    let head = tx.group_heads(group)?.message_sequence;
    let read_sequence = if confab_proto::topic::is_topic_id(group.as_str()) {
        let place = super::topic::place(tx, group, user)?;
        let mut mine = tx.load_topic_member(group.as_str(), user)?;
        if place.record.read_sequence >= head {
            return Ok(SetMessageReadResponse {
                conversation_id,
                read_sequence: place.record.read_sequence,
            });
        }
        mine.read_sequence = head;
        tx.save_topic_member(group.as_str(), user, &mine)?;
        head
    } else {
        let mut record = tx.load_member(group, user)?.ok_or_else(|| not_member(group))?;
        if record.read_sequence >= head {
            return Ok(SetMessageReadResponse {
                conversation_id,
                read_sequence: record.read_sequence,
            });
        }
        record.read_sequence = head;
        tx.save_member(group, &record)?;
        head
    };
    let read =
        InboxEvent::ConversationRead { conversation_id: conversation_id.clone(), read_sequence };
    inbox::append(tx, user, read, None)?;
    Ok(SetMessageReadResponse { conversation_id, read_sequence })
}

impl dyn Store {
    /// Creates a group with `id` (see [`create`]'s rules).
    pub(crate) fn create_group(
        &self,
        actor: Actor,
        id: GroupId,
        request: CreateGroup,
    ) -> StoreFuture<Created> {
        self.transact(move |tx| create(tx, &actor, id, request))
    }

    /// Dismisses a group (the owner; never Work); every member is told.
    pub(crate) fn dismiss_group(&self, actor: Actor, id: GroupId) -> StoreFuture<GroupProfile> {
        self.transact(move |tx| dismiss(tx, &actor, &id))
    }

    /// Changes a group's profile; a tip names the changed fields.
    pub(crate) fn update_group_profile(
        &self,
        actor: Actor,
        request: UpdateGroupProfile,
    ) -> StoreFuture<GroupProfile> {
        self.transact(move |tx| update(tx, &actor, request))
    }

    /// `joinGroup` of a kind with stored members.
    pub(crate) fn join_group(
        &self,
        actor: Actor,
        id: GroupId,
        apply_message: String,
    ) -> StoreFuture<(JoinStatus, Option<GroupProfile>)> {
        self.transact(move |tx| join(tx, &actor, &id, &apply_message))
    }

    /// `handleGroupApplication` (see [`handle_application`]).
    pub(crate) fn handle_group_application(
        &self,
        actor: Actor,
        id: GroupId,
        applicant: UserId,
        agree: bool,
        handle_message: String,
    ) -> StoreFuture<GroupProfile> {
        self.transact(move |tx| {
            handle_application(tx, &actor, &id, &applicant, agree, &handle_message)
        })
    }

    /// `quitGroup` of a kind with stored members.
    pub(crate) fn quit_group(&self, actor: Actor, id: GroupId) -> StoreFuture<()> {
        self.transact(move |tx| quit(tx, &actor, &id))
    }

    /// `addGroupMember`.
    pub(crate) fn add_group_members(
        &self,
        actor: Actor,
        id: GroupId,
        users: Vec<UserId>,
    ) -> StoreFuture<Added> {
        self.transact(move |tx| add(tx, &actor, &id, users))
    }

    /// `deleteGroupMember` of stored members.
    pub(crate) fn delete_group_members(
        &self,
        actor: Actor,
        id: GroupId,
        users: Vec<UserId>,
        reason: String,
    ) -> StoreFuture<(GroupProfile, Vec<UserId>)> {
        self.transact(move |tx| remove(tx, &actor, &id, users, &reason))
    }

    /// `changeGroupOwner`.
    pub(crate) fn change_group_owner(
        &self,
        actor: Actor,
        id: GroupId,
        new_owner: UserId,
    ) -> StoreFuture<GroupProfile> {
        self.transact(move |tx| change_owner(tx, &actor, &id, &new_owner))
    }

    /// `setGroupMemberRole`.
    pub(crate) fn set_group_member_role(
        &self,
        actor: Actor,
        id: GroupId,
        user: UserId,
        role: MemberRole,
    ) -> StoreFuture<MemberChange> {
        self.transact(move |tx| set_role(tx, &actor, &id, &user, role))
    }

    /// `setGroupMemberMuteTime`.
    pub(crate) fn set_group_member_mute(
        &self,
        actor: Actor,
        id: GroupId,
        user: UserId,
        seconds: u64,
    ) -> StoreFuture<MemberChange> {
        self.transact(move |tx| set_mute(tx, &actor, &id, &user, seconds))
    }

    /// `setGroupMemberNameCard`.
    pub(crate) fn set_group_member_name_card(
        &self,
        actor: Actor,
        id: GroupId,
        user: UserId,
        name_card: String,
    ) -> StoreFuture<MemberChange> {
        self.transact(move |tx| set_name_card(tx, &actor, &id, &user, name_card))
    }

    /// `setGroupMemberCustomField`.
    pub(crate) fn set_group_member_custom_field(
        &self,
        actor: Actor,
        id: GroupId,
        user: UserId,
        fields: Vec<CustomField>,
    ) -> StoreFuture<MemberChange> {
        self.transact(move |tx| set_member_custom(tx, &actor, &id, &user, fields))
    }

    /// Stores a group message once, on the group's timeline, and pushes it
    /// to the online members (members only; mutes refused with 10017).
    pub(crate) fn send_group_message(
        &self,
        new: NewGroupMessage,
    ) -> StoreFuture<SendMessageResponse> {
        self.transact(move |tx| send(tx, new))
    }

    /// Sets the member's read sequence to the group's newest message and
    /// tells the member's instances (`conversationRead`).
    pub(crate) fn set_group_read(
        &self,
        user: UserId,
        id: GroupId,
    ) -> StoreFuture<SetMessageReadResponse> {
        self.transact(move |tx| set_read(tx, &user, &id))
    }
}

/// The member record and profile, as `getGroupProfile` shows them to a
/// member.
pub(crate) fn with_self_info(
    mut profile: GroupProfile,
    record: Option<&MemberRecord>,
) -> GroupProfile {
    profile.self_info = record.map(self_info);
    profile
}

/// Whether the kind's `joinGroup` is handled in memory (AVChatRoom).
pub(crate) fn joined_in_memory(profile: &GroupProfile) -> bool {
    !rules(profile.group_type).stored_members
}
