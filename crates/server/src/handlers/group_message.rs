//! Group messages: `sendMessage` with `conversationType: GROUP`,
//! `getMessageList` of `GROUP<id>` and the group cursors of `sync`.
//!
//! | op | condition | code |
//! |---|---|---|
//! | send | `onlineUserOnly` with `messageControlInfo` | 2100 `MESSAGE_SEND_FAIL` |
//! | send | body over 12 KB | 80002 `ERR_SVR_COMM_BODY_SIZE_LIMIT` |
//! | send | `random` 0 or over 2^53 − 1 | 20001 `ERR_SVR_MSG_PKG_PARSE_FAILED` |
//! | send | a group tip or system notice (only the server makes them) | 2106 `MESSAGE_SEND_INVALID_CONVERSATION_TYPE` |
//! | send | `receiverList` over 50 users, with an empty userID, or with `atUserList` | 10004 `ERR_SVR_GROUP_INVALID_PARAMETERS` |
//! | send | unknown group | 10010 `ERR_SVR_GROUP_NOT_FOUND` |
//! | send | `receiverList` in a Community or AVChatRoom | 10007 `ERR_SVR_GROUP_PERMISSION_DENY` |
//! | send | `receiverList` naming a user who is not a member | 10004 `ERR_SVR_GROUP_INVALID_PARAMETERS` |
//! | send | an AVChatRoom the sender has not joined | 2101 `MESSAGE_SEND_FAIL_NOT_IN_AVCHATROOM` |
//! | send | not a member | 10007 `ERR_SVR_GROUP_PERMISSION_DENY` |
//! | send | the sender is muted (`muteUntil`), or everyone is (`muteAllMembers`) and the sender is neither owner nor admin | 10017 `ERR_SVR_GROUP_SHUTUP_DENY` |
//! | send | filtered text, the sender's rate, files | as for C2C (80001, 2996, 90009) |
//! | send | the group is over `group_send_rate_per_sec` for this priority (`Lowest` first, then `Low`, `Normal`; never `High`) | 2996 `OVER_FREQUENCY_LIMIT` |
//! | history, sync | not a member | 10007 |
//! | sync | a cursor of a group that does not exist | 10010 |
//!
//! A stored group's message is written once, on the group's timeline, and
//! pushed from memory to the online members' sessions (not the sending
//! one). An AVChatRoom's messages, and `onlineUserOnly` messages of any
//! group, are not stored: they go to online members only (sequence 0),
//! merged per group into `room` pushes ([`crate::broadcast`]).

use super::message::MAX_RANDOM;
use super::{reject, Caller, Reply};
use crate::server::ServerContext;
use crate::services::group::{timeline_deliveries, NewGroupMessage};
use crate::services::group_kinds::rules;
use confab_proto::inbox::{InboxEvent, TimelineEntry, TimelinePage};
use confab_proto::message::{ConversationType, WireMessage};
use confab_proto::ops::{GetMessageListResponse, SendMessage, SendMessageResponse, SyncResponse};
use confab_proto::{code, ErrorBody, GroupId, MessageId, UserId, MAX_MESSAGE_BODY_BYTES};
use futures_util::FutureExt as _;
use std::sync::Arc;

fn refuse(code: i32, message: impl Into<String>) -> ErrorBody {
    ErrorBody::new(code, message)
}

/// The checks of a group `sendMessage` that need no stored state.
fn validate(request: &SendMessage) -> Result<(), ErrorBody> {
    let message = &request.message;
    if request.online_user_only && request.message_control_info.is_some() {
        return Err(refuse(
            code::MESSAGE_SEND_FAIL,
            "onlineUserOnly cannot be combined with messageControlInfo",
        ));
    }
    if message.element.is_server_made() {
        return Err(refuse(
            code::MESSAGE_SEND_INVALID_CONVERSATION_TYPE,
            "group tips and system notices are made by the server",
        ));
    }
    let size = message.body_size();
    if size > MAX_MESSAGE_BODY_BYTES {
        return Err(refuse(
            code::ERR_SVR_COMM_BODY_SIZE_LIMIT,
            format!("message body is {size} bytes; the limit is {MAX_MESSAGE_BODY_BYTES}"),
        ));
    }
    if message.random == 0 || message.random > MAX_RANDOM {
        return Err(refuse(
            code::ERR_SVR_MSG_PKG_PARSE_FAILED,
            "random must be between 1 and 2^53 - 1",
        ));
    }
    if message.to.is_empty() {
        return Err(refuse(
            code::ERR_SVR_GROUP_NOT_FOUND,
            "a group message needs the groupID in `to`",
        ));
    }
    let receivers = &message.receiver_list;
    if receivers.len() > MAX_RECEIVERS {
        return Err(refuse(
            code::ERR_SVR_GROUP_INVALID_PARAMETERS,
            format!("receiverList has {} users; at most {MAX_RECEIVERS}", receivers.len()),
        ));
    }
    if receivers.iter().any(String::is_empty) {
        return Err(refuse(
            code::ERR_SVR_GROUP_INVALID_PARAMETERS,
            "receiverList holds an empty userID",
        ));
    }
    if !receivers.is_empty() && !message.at_user_list.is_empty() {
        return Err(refuse(
            code::ERR_SVR_GROUP_INVALID_PARAMETERS,
            "an @ message cannot be targeted (receiverList)",
        ));
    }
    Ok(())
}

/// Most receivers of a targeted group message (TIM `receiverList`).
pub const MAX_RECEIVERS: usize = 50;

/// `sendMessage` to a group.
pub(crate) fn send_group_message(
    ctx: &ServerContext,
    caller: &Caller,
    request: SendMessage,
) -> Reply<SendMessageResponse> {
    if let Err(e) = validate(&request) {
        return reject(e);
    }
    let mut control = request.message_control_info.unwrap_or_default();
    if !ctx.config.allow_moderation_exclusion {
        control.excluded_from_content_moderation = false;
    }
    let mut outgoing = request.message;
    if !control.excluded_from_content_moderation {
        if let Err(e) = ctx.moderation.apply(&mut outgoing.element) {
            return reject(e);
        }
    }
    if let Err(e) =
        ctx.send_rate.check(&caller.user, ctx.clock.now_ms(), ctx.sessions.nodes_of(&caller.user))
    {
        return reject(e);
    }
    // The group's own rate is charged only for its members (known from the
    // online index, the sender being online), so outsiders cannot use it up;
    // everyone else is refused by the membership check below.
    let host_id = confab_proto::topic::community_of(&outgoing.to)
        .filter(|_| confab_proto::topic::is_topic_id(&outgoing.to))
        .map_or_else(|| outgoing.to.clone(), |g| g.0);
    if ctx.sessions.online_member(&caller.user, &host_id) {
        let now = ctx.clock.now_ms();
        if let Err(e) = ctx.group_send_rate.check(&outgoing.to, outgoing.priority, now) {
            return reject(e);
        }
    }
    let client_time = u64::try_from(outgoing.client_time).map_or(0, |ms| ms / 1000);
    let message = WireMessage {
        id: MessageId::client_made(&caller.user, client_time, outgoing.random),
        conversation_type: ConversationType::Group,
        from: caller.user.clone(),
        to: outgoing.to.clone(),
        sequence: 0,
        time: ctx.clock.now_secs(),
        random: outgoing.random,
        element: outgoing.element,
        priority: outgoing.priority,
        cloud_custom_data: outgoing.cloud_custom_data,
        nick: String::new(),
        avatar: String::new(),
        need_read_receipt: outgoing.need_read_receipt,
        is_support_extension: outgoing.is_support_extension,
        name_card: String::new(),
        at_user_list: outgoing.at_user_list,
        receiver_list: dedup(outgoing.receiver_list),
        excluded_from_unread_count: control.excluded_from_unread_count,
        excluded_from_last_message: control.excluded_from_last_message,
        online_user_only: request.online_user_only,
        is_revoked: false,
        version: 0,
    };
    // What the sender of a message the callback dropped is answered.
    let dropped = message.clone();
    let group_id = GroupId::new(outgoing.to);
    // A topic's kind and members are its community's.
    let topic = confab_proto::topic::is_topic_id(group_id.as_str());
    let host = if topic {
        match confab_proto::topic::community_of(group_id.as_str()) {
            Some(community) => community,
            None => {
                return reject(refuse(
                    code::ILLEGAL_TOPIC_ID,
                    format!("{group_id} is not of the form <communityID>@TOPIC#<part>"),
                ))
            }
        }
    } else {
        group_id.clone()
    };
    if topic && message.online_user_only {
        return reject(refuse(
            code::ERR_SVR_GROUP_INVALID_PARAMETERS,
            "onlineUserOnly messages are not sent to topics",
        ));
    }
    let group = ctx.store.group(host);
    let member = ctx.store.member(group_id.clone(), caller.user.clone());
    let store = Arc::clone(&ctx.store);
    let sessions = Arc::clone(&ctx.sessions);
    let broadcaster = Arc::clone(&ctx.broadcaster);
    let hooks = crate::webhook::for_caller(ctx, caller);
    let mut turn = caller.sends.next();
    let caller = caller.clone();
    async move {
        let Some(profile) = group.await.map_err(super::store_error)? else {
            return Err(refuse(
                code::ERR_SVR_GROUP_NOT_FOUND,
                format!("group {group_id} does not exist"),
            ));
        };
        let kind = rules(profile.group_type);
        if !message.receiver_list.is_empty() && !kind.targeted_messages {
            return Err(refuse(
                code::ERR_SVR_GROUP_PERMISSION_DENY,
                "this kind of group takes no targeted messages (receiverList)",
            ));
        }
        let group_type = profile.group_type.as_str();
        // The application's before-callback, outside the writer; the
        // session's sends still go out in order (the turn).
        let message = match &hooks {
            Some(hooks) => {
                match crate::webhook::group_before(hooks, caller.platform, group_type, message)
                    .await?
                {
                    Some(message) => message,
                    None => return Ok(SendMessageResponse { message: dropped, duplicate: false }),
                }
            }
            None => message,
        };
        if kind.keeps_history && !message.online_user_only {
            turn.wait().await;
            let sent =
                store.send_group_message(NewGroupMessage { message, origin: Some(caller.session) });
            drop(turn);
            let response = sent.await.map_err(super::store_error)?;
            if let Some(hooks) = hooks.as_ref().filter(|_| !response.duplicate) {
                crate::webhook::group_after(hooks, caller.platform, group_type, &response.message);
            }
            return Ok(response);
        }
        // Broadcast only: an AVChatRoom's message, or onlineUserOnly.
        let mut message = message;
        if kind.stored_members {
            let record = member.await.map_err(super::store_error)?.ok_or_else(|| {
                refuse(
                    code::ERR_SVR_GROUP_PERMISSION_DENY,
                    format!("not a member of group {group_id}"),
                )
            })?;
            if record.mute_until > message.time
                || (profile.mute_all_members && !record.role.is_manager())
            {
                return Err(refuse(
                    code::ERR_SVR_GROUP_SHUTUP_DENY,
                    "the sender is muted in this group",
                ));
            }
            message.name_card = record.name_card;
        } else {
            if !sessions.in_room(&caller.user, group_id.as_str()) {
                return Err(refuse(
                    code::MESSAGE_SEND_FAIL_NOT_IN_AVCHATROOM,
                    "join the AVChatRoom before sending to it",
                ));
            }
            if profile.mute_all_members && profile.owner_id != caller.user.0 {
                return Err(refuse(
                    code::ERR_SVR_GROUP_SHUTUP_DENY,
                    "everyone is muted in this group",
                ));
            }
        }
        let profiles =
            store.profiles(vec![caller.user.clone()]).await.map_err(super::store_error)?;
        if let Some(p) = profiles.first() {
            message.nick = p.nick.clone();
            message.avatar = p.avatar.clone();
        }
        if !message.receiver_list.is_empty() {
            let named = store
                .members_of(
                    group_id.clone(),
                    message.receiver_list.iter().map(UserId::new).collect(),
                )
                .await
                .map_err(super::store_error)?;
            if named.len() != message.receiver_list.len() {
                return Err(refuse(
                    code::ERR_SVR_GROUP_INVALID_PARAMETERS,
                    "receiverList names a user who is not a member",
                ));
            }
        }
        let entry =
            TimelineEntry { seq: 0, event: InboxEvent::Message { message: message.clone() } };
        turn.wait().await;
        if message.receiver_list.is_empty() {
            // Merged with the group's other broadcasts (`room` pushes).
            broadcaster.send(&group_id, entry, caller.session);
        } else {
            crate::fanout::Fanout::deliver(
                &*sessions,
                timeline_deliveries(&group_id, entry, Some(caller.session)),
            );
        }
        if let Some(hooks) = &hooks {
            crate::webhook::group_after(hooks, caller.platform, group_type, &message);
        }
        Ok(SendMessageResponse { message, duplicate: false })
    }
    .boxed()
}

/// The list without repeats, in first-seen order.
fn dedup(list: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    list.into_iter().filter(|u| seen.insert(u.clone())).collect()
}

/// `getMessageList` of a group: the member's view, from their join point.
pub(crate) fn group_message_list(
    ctx: &ServerContext,
    caller: &Caller,
    group: GroupId,
    before_sequence: Option<u64>,
    count: u32,
) -> Reply<GetMessageListResponse> {
    let member = crate::services::topic::member_of(&ctx.store, group.clone(), caller.user.clone());
    let store = Arc::clone(&ctx.store);
    async move {
        let Some(record) = member.await.map_err(super::store_error)? else {
            return Err(refuse(
                code::ERR_SVR_GROUP_PERMISSION_DENY,
                format!("not a member of group {group}"),
            ));
        };
        store
            .group_messages(
                group,
                record.user_id.clone(),
                record.history_from(),
                before_sequence,
                count,
            )
            .await
            .map_err(super::store_error)
    }
    .boxed()
}

/// Adds one timeline page per group cursor to a `sync` answer: members
/// only (a cursor of a group the caller is not a member of is refused with
/// 10007), each cursor raised to the member's join point, all the pages
/// within one `max_sync_reply_bytes` (those it did not reach come empty
/// with their heads).
pub(crate) fn with_group_pages(
    ctx: &ServerContext,
    caller: &Caller,
    cursors: Vec<confab_proto::inbox::TimelineCursor>,
    limit: u32,
    inbox: crate::store::StoreFuture<SyncResponse>,
) -> Reply<SyncResponse> {
    let memberships = ctx.store.memberships(caller.user.clone());
    let any_topic = cursors.iter().any(|c| confab_proto::topic::is_topic_id(&c.group_id));
    let topic_records = any_topic.then(|| ctx.store.topic_members_of(caller.user.clone()));
    let store = Arc::clone(&ctx.store);
    let max_bytes = ctx.config.max_sync_reply_bytes;
    let caller = caller.clone();
    async move {
        let memberships = memberships.await.map_err(super::store_error)?;
        let topic_records = match topic_records {
            Some(read) => read.await.map_err(super::store_error)?,
            None => Vec::new(),
        };
        let mut asks = Vec::with_capacity(cursors.len());
        for cursor in cursors {
            // A topic's cursor: the caller must be in its community; their
            // part of it starts at their topic join point.
            let topic = confab_proto::topic::is_topic_id(&cursor.group_id);
            let host = match confab_proto::topic::community_of(&cursor.group_id) {
                Some(community) if topic => community.0,
                _ => cursor.group_id.clone(),
            };
            let Some((_, record)) =
                memberships.iter().find(|(profile, _)| profile.group_id.0 == host)
            else {
                let exists = store
                    .group(GroupId::new(host.clone()))
                    .await
                    .map_err(super::store_error)?
                    .is_some();
                let (code, why) = if exists {
                    (code::ERR_SVR_GROUP_PERMISSION_DENY, "the caller is not a member of")
                } else {
                    (code::ERR_SVR_GROUP_NOT_FOUND, "there is no")
                };
                return Err(refuse(code, format!("{why} group {host}")));
            };
            let join_timeline = if topic {
                topic_records
                    .iter()
                    .find(|(id, _)| *id == cursor.group_id)
                    .map_or(0, |(_, r)| r.join_timeline)
            } else {
                record.join_timeline
            };
            let after = cursor.after.max(join_timeline);
            asks.push((cursor.group_id, after));
        }
        // One budget for all the groups (else an account in many busy
        // groups gets an answer of many megabytes).
        let pages = store.timeline_pages(asks, limit, max_bytes);
        let mut response = inbox.await.map_err(super::store_error)?;
        let mut pages: Vec<TimelinePage> = pages.await.map_err(super::store_error)?;
        for page in &mut pages {
            for entry in &mut page.entries {
                let event = std::mem::replace(&mut entry.event, InboxEvent::Withheld);
                entry.event = event.as_seen_by(caller.user.as_str());
            }
        }
        response.groups = pages;
        Ok(response)
    }
    .boxed()
}
