//! The application administrator's group operations, for the REST API
//! (`crate::rest::group`): what TIM lets an app's backend do to any group
//! although no member role allows it — dismiss a Work group or one whose
//! owner left, send as the app without being a member, send members a
//! custom system notice, import members and history. Each is one
//! transaction over the primitives and helpers of [`super::group`], so it
//! writes and pushes what the members' own operations would.
//!
//! Everything a member's role permits is done through the group handlers
//! as the group's owner instead; these are the rest.

use super::group::{
    complete, dismiss_now, load, new_record, refused, snapshot, store_on_timeline, tell_joined,
    tell_notice, Actor,
};
use super::group_kinds::rules;
use crate::store::{MemberRecord, Store, StoreError, StoreFuture, WriteTx};
use confab_proto::group::{notice, GroupProfile, GroupType, MemberRole};
use confab_proto::message::WireMessage;
use confab_proto::ops::SendMessageResponse;
use confab_proto::{code, ErrorBody, GroupId, UserId};

/// A member to import: role and join time as the app had them.
#[derive(Clone, Debug)]
pub(crate) struct ImportedMember {
    /// The user.
    pub user: UserId,
    /// `Admin` or `Member`.
    pub role: MemberRole,
    /// When they joined, seconds (absent: now).
    pub join_time: Option<i64>,
    /// How many of the group's newest messages they have not read.
    pub unread: u64,
}

/// What became of one imported member (TIM's `Result` values).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Imported {
    /// Not added: an unknown user, or the group is full (0).
    Failed = 0,
    /// Added (1).
    Added = 1,
    /// A member already (2).
    Existed = 2,
}

/// Dismisses any group, Work groups and ownerless ones included; every
/// member leaves and gets the `DISMISSED` notice from `actor`.
fn dismiss_any(
    tx: &mut dyn WriteTx,
    actor: &Actor,
    id: &GroupId,
) -> Result<GroupProfile, StoreError> {
    let profile = snapshot(tx, id)?;
    dismiss_now(tx, actor, profile)
}

/// The message a group's stored timeline gets from a sender who need not be
/// a member (the app itself); `receiver_list` must name members (10004).
/// A topic's messages are sent by a member, never here (10004).
fn send_any(
    tx: &mut dyn WriteTx,
    mut message: WireMessage,
) -> Result<SendMessageResponse, StoreError> {
    if let Some(row) = tx.message_row(message.id.as_str())? {
        if let Some((_, original)) = tx.load_message(row)? {
            return Ok(SendMessageResponse { message: original, duplicate: true });
        }
    }
    if confab_proto::topic::is_topic_id(&message.to) {
        return Err(refused(
            code::ERR_SVR_GROUP_INVALID_PARAMETERS,
            "the app sends to a topic through a member (From_Account)",
        ));
    }
    let id = GroupId::new(message.to.clone());
    let profile = load(tx, &id)?;
    if !rules(profile.group_type).keeps_history {
        return Err(refused(
            code::ERR_SVR_GROUP_INVALID_PARAMETERS,
            "this kind of group keeps no history: its messages are broadcast",
        ));
    }
    if profile.group_type == GroupType::Community && profile.is_support_topic {
        return Err(refused(
            code::MESSAGE_SEND_GROUP_WITH_TOPIC_FAIL,
            "a community with topics takes messages in its topics",
        ));
    }
    for receiver in &message.receiver_list {
        if tx.load_member(&id, &UserId::new(receiver.clone()))?.is_none() {
            return Err(refused(
                code::ERR_SVR_GROUP_INVALID_PARAMETERS,
                format!("To_Account names {receiver}, who is not a member"),
            ));
        }
    }
    stamp(tx, &mut message)?;
    let row = tx.next_message_row()?;
    store_on_timeline(tx, &id, &id, &mut message, Some(row), None)?;
    Ok(SendMessageResponse { message, duplicate: false })
}

/// The sender's nick and avatar on `message`.
fn stamp(tx: &mut dyn WriteTx, message: &mut WireMessage) -> Result<(), StoreError> {
    let (nick, avatar) =
        tx.load_profile(&message.from)?.map(|p| (p.nick, p.avatar)).unwrap_or_default();
    message.nick = nick;
    message.avatar = avatar;
    Ok(())
}

/// A custom system notice (`notice::CUSTOM`, the text in `handleMessage`)
/// to the members named in `to` (every member when empty; names that are
/// not members are passed over); the members told.
fn notify(
    tx: &mut dyn WriteTx,
    actor: &Actor,
    id: &GroupId,
    to: Vec<UserId>,
    content: &str,
) -> Result<Vec<UserId>, StoreError> {
    let profile = snapshot(tx, id)?;
    if !rules(profile.group_type).stored_members {
        return Err(refused(
            code::ERR_SVR_GROUP_PERMISSION_DENY,
            "an AVChatRoom has no stored members to notify",
        ));
    }
    let members = tx.member_ids(id)?;
    let mut told = Vec::new();
    let wanted = if to.is_empty() { members.clone() } else { to };
    for user in wanted {
        if members.contains(&user) && !told.contains(&user) {
            tell_notice(tx, &user, notice::CUSTOM, &profile, actor, content)?;
            told.push(user);
        }
    }
    Ok(told)
}

/// Adds members as they were elsewhere: no tip, no notice, only each new
/// member's `groupJoined` (so their instances list the group). They see
/// the group's whole history; `unread` of its newest messages count as
/// unread.
fn import_members(
    tx: &mut dyn WriteTx,
    now: i64,
    id: &GroupId,
    members: Vec<ImportedMember>,
) -> Result<Vec<(UserId, Imported)>, StoreError> {
    let profile = snapshot(tx, id)?;
    if !rules(profile.group_type).members_addable {
        return Err(refused(
            code::CANNOT_ADD_MEMBER_IN_AVCHATROOM,
            "an AVChatRoom's members are its online joiners: none can be imported",
        ));
    }
    let mut room = if profile.max_member_count == 0 {
        u64::MAX
    } else {
        profile.max_member_count.saturating_sub(profile.member_count)
    };
    let head = tx.group_heads(id)?.message_sequence;
    let mut results: Vec<(UserId, Imported)> = Vec::new();
    let mut records: Vec<MemberRecord> = Vec::new();
    for member in members {
        if results.iter().any(|(user, _)| *user == member.user) {
            continue;
        }
        let outcome = if tx.load_member(id, &member.user)?.is_some() {
            Imported::Existed
        } else if room == 0 || !tx.user_exists(&member.user)? {
            Imported::Failed
        } else {
            room -= 1;
            let mut record = new_record(
                tx,
                id,
                &member.user,
                member.role,
                member.join_time.unwrap_or(now),
                Vec::new(),
            )?;
            record.join_sequence = 0;
            record.read_sequence = head.saturating_sub(member.unread);
            tx.save_member(id, &record)?;
            tx.delete_application(id, &member.user)?;
            records.push(record);
            Imported::Added
        };
        results.push((member.user, outcome));
    }
    let mut after = profile;
    complete(tx, &mut after)?;
    for record in &records {
        tell_joined(tx, &after, record)?;
    }
    Ok(results)
}

/// Appends messages of the past to a group's history, each with its own
/// sender and time, in the order given; one outcome per message (an
/// unknown sender: 10004; a message imported before: the stored one).
fn import_messages(
    tx: &mut dyn WriteTx,
    id: &GroupId,
    messages: Vec<WireMessage>,
) -> Result<Vec<Result<WireMessage, ErrorBody>>, StoreError> {
    let profile = load(tx, id)?;
    if !rules(profile.group_type).keeps_history {
        return Err(refused(
            code::ERR_SVR_GROUP_PERMISSION_DENY,
            "an AVChatRoom keeps no history to import into",
        ));
    }
    let mut outcomes = Vec::with_capacity(messages.len());
    for mut message in messages {
        if let Some(row) = tx.message_row(message.id.as_str())? {
            if let Some((_, original)) = tx.load_message(row)? {
                outcomes.push(Ok(original));
                continue;
            }
        }
        if !tx.user_exists(&message.from)? {
            outcomes.push(Err(ErrorBody::new(
                code::ERR_SVR_GROUP_INVALID_PARAMETERS,
                format!("From_Account {} does not exist", message.from),
            )));
            continue;
        }
        stamp(tx, &mut message)?;
        let row = tx.next_message_row()?;
        store_on_timeline(tx, id, id, &mut message, Some(row), None)?;
        outcomes.push(Ok(message));
    }
    Ok(outcomes)
}

impl dyn Store {
    /// Dismisses any group as the app (see [`dismiss_any`]).
    pub(crate) fn dismiss_group_as_app(
        &self,
        actor: Actor,
        id: GroupId,
    ) -> StoreFuture<GroupProfile> {
        self.transact(move |tx| dismiss_any(tx, &actor, &id))
    }

    /// Stores and pushes a group message whose sender need not be a member
    /// (see [`send_any`]).
    pub(crate) fn send_group_message_as_app(
        &self,
        message: WireMessage,
    ) -> StoreFuture<SendMessageResponse> {
        self.transact(move |tx| send_any(tx, message))
    }

    /// Sends members a custom system notice (see [`notify`]).
    pub(crate) fn notify_group_members(
        &self,
        actor: Actor,
        id: GroupId,
        to: Vec<UserId>,
        content: String,
    ) -> StoreFuture<Vec<UserId>> {
        self.transact(move |tx| notify(tx, &actor, &id, to, &content))
    }

    /// Imports members (see [`import_members`]).
    pub(crate) fn import_group_members(
        &self,
        now: i64,
        id: GroupId,
        members: Vec<ImportedMember>,
    ) -> StoreFuture<Vec<(UserId, Imported)>> {
        self.transact(move |tx| import_members(tx, now, &id, members))
    }

    /// Imports history (see [`import_messages`]).
    pub(crate) fn import_group_messages(
        &self,
        id: GroupId,
        messages: Vec<WireMessage>,
    ) -> StoreFuture<Vec<Result<WireMessage, ErrorBody>>> {
        self.transact(move |tx| import_messages(tx, &id, messages))
    }
}
