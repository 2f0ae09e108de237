//! Groups over REST (`group_open_http_svc`): create, destroy, members,
//! messages, notices, mutes, imports and profiles, as TIM's server REST API
//! names them.
//!
//! The app administrator may manage every group. A command acts as the
//! group's owner through the same handlers a member's instance reaches
//! (`crate::handlers::group`, `crate::handlers::group_message`), so members
//! get the tips, notices and events they would get from the owner's
//! client. What no member's role allows — dismissing a Work group, sending
//! as the app without being a member, custom system notices, imports — goes
//! through `crate::services::group_admin`, with the administrator as the
//! operator. A group created without `Owner_Account` is owned by the
//! administrator.
//!
//! | command | limit | codes |
//! |---|---|---|
//! | `create_group` | `MemberList` 500 | 10004 a bad `Type`, `Name` (empty, over 30 bytes), text over its limit, `ApplyJoinOption` the kind lacks, a `Role` other than `Admin`, an unknown `Owner_Account`; 10015 a malformed `GroupId`; 10021 `GroupId` taken; 10014 more members than `MaxMemberCount`; 2661 members for an AVChatRoom |
//! | `destroy_group` | one | 10010 unknown group |
//! | `add_group_member` | 300 | 10010; 10007 no owner to act as; 2661 AVChatRoom; per member `Result` 0 failed (unknown user, group full), 1 added, 2 a member already |
//! | `delete_group_member` | 100 | 10010; 10007 no owner |
//! | `send_group_msg` | `To_Account` 50 | 10010; 10007 `From_Account` not a member (the administrator, `From_Account` omitted, always may); 10017 the sender is muted; 10004 a bad `MsgPriority`, `To_Account`; 90005 a `MsgBody` that cannot be sent; 80002 over 12 KB |
//! | `send_group_system_notification` | `ToMembers_Account` 500 | 10010; 10004 `Content` empty; 10007 AVChatRoom |
//! | `import_group_member` | 500 | 10010; 10004 a bad `Role`, a `JoinTime` in the future; 2661 AVChatRoom; per member `Result` 0 / 1 / 2 as for `add_group_member` |
//! | `import_group_msg` | 20 | 10010; 10007 AVChatRoom; per message `Result` 0 imported, 10004 unknown sender or `SendTime` in the future, 90005 bad `MsgBody` |
//! | `modify_group_member_info` | one | 10010; 10004 nothing to change, a bad `Role`; 2623 not a member; 2682 roles in Work and AVChatRoom; 2684 the owner's role; 10007 mute in Work, name card in AVChatRoom |
//! | `forbid_send_msg` | 500 | 10010; 2623 one of them is not a member (nothing is changed; an AVChatRoom's joiners are no stored members); 2685 the owner; 10007 Work |
//! | `get_group_info` | 50 | per group `ErrorCode` 10010 unknown |
//!
//! Every command: 10004 for a `GroupId` that is empty or a list over its
//! limit, 10002 when the store fails (an unavailable database keeps the
//! handlers' retry code), 70402 for a body that does not decode
//! (a field of the wrong JSON type).
//!
//! Where Confab differs: `Silence` is accepted and changes nothing (a
//! membership change is always in the group's history, as tips);
//! `import_group_msg` pushes the imported messages to online members (a
//! group's timeline has no gaps), and `RecentContactFlag` changes nothing;
//! a custom system notice carries `Content` in `handleMessage`
//! (`TIM.TYPES` notice 255). A Work group whose owner quit has nobody to
//! act as: member changes in it are 10007 (it can still be destroyed).

use super::msg_body::{self, MsgBodyElem};
use super::{as_user, Admin, Command, RestError, REST_SESSION};
use crate::handlers;
use crate::server::ServerContext;
use crate::services::group::Actor;
use crate::services::group_admin::{Imported, ImportedMember};
use crate::services::group_kinds::rules;
use confab_proto::group::{
    AddGroupMember, CreateGroup, DeleteGroupMember, DismissGroup, GroupProfile, GroupType,
    JoinOption, MemberRole, NewGroupMember, SetGroupMemberMuteTime, SetGroupMemberNameCard,
    SetGroupMemberRole,
};
use confab_proto::inbox::{InboxEvent, TimelineEntry};
use confab_proto::message::{ConversationType, OutgoingMessage, Priority, WireMessage};
use confab_proto::ops::{SendMessage, SendMessageResponse};
use confab_proto::{code, GroupId, MessageId, UserId, MAX_MESSAGE_BODY_BYTES};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The REST service of groups.
const SERVICE: &str = "group_open_http_svc";
/// Most users of one `add_group_member`.
pub(crate) const MAX_ADD_MEMBERS: usize = 300;
/// Most users of one `delete_group_member`.
pub(crate) const MAX_DELETE_MEMBERS: usize = 100;
/// Most users of one `import_group_member`, `forbid_send_msg` or
/// `send_group_system_notification`.
pub(crate) const MAX_MEMBERS: usize = 500;
/// Most messages of one `import_group_msg`.
pub(crate) const MAX_IMPORT_MESSAGES: usize = 20;
/// Most groups of one `get_group_info`.
pub(crate) const MAX_INFO_GROUPS: usize = 50;
/// TIM's code of an internal error of the group service.
pub(crate) const GROUP_INTERNAL: i32 = 10002;

/// `create_group`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct CreateGroupRequest {
    /// The owner (absent: the administrator). Must exist.
    #[serde(rename = "Owner_Account", default)]
    owner_account: Option<String>,
    /// The kind: `Public`, `Private` (Work), `ChatRoom` (Meeting),
    /// `AVChatRoom` or `Community` (`Work` and `Meeting` are taken too).
    #[serde(rename = "Type", default)]
    #[schemars(extend("enum" = ["Public", "Private", "ChatRoom", "AVChatRoom", "Community", "Work", "Meeting"]))]
    group_type: String,
    /// The group ID to use (absent: the server makes one, `@TGS#…`); a
    /// Community's starts with `@TGS#_`.
    #[serde(rename = "GroupId", default)]
    group_id: Option<String>,
    /// The name (1 to 30 bytes).
    #[serde(rename = "Name", default)]
    name: String,
    /// The introduction (at most 240 bytes).
    #[serde(rename = "Introduction", default)]
    introduction: Option<String>,
    /// The notification (at most 300 bytes).
    #[serde(rename = "Notification", default)]
    notification: Option<String>,
    /// The avatar URL (at most 100 bytes).
    #[serde(rename = "FaceUrl", default)]
    face_url: Option<String>,
    /// Most members (absent, 0 or over the kind's limit: the kind's limit).
    #[serde(rename = "MaxMemberCount", default)]
    max_member_count: Option<u64>,
    /// How users join by request: `FreeAccess`, `NeedPermission` or
    /// `DisableApply` (Public and Community only).
    #[serde(rename = "ApplyJoinOption", default)]
    #[schemars(extend("enum" = ["FreeAccess", "NeedPermission", "DisableApply"]))]
    apply_join_option: Option<String>,
    /// The initial members besides the owner (at most 500).
    #[serde(rename = "MemberList", default)]
    member_list: Vec<InitialMember>,
}

/// An initial member of `create_group`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct InitialMember {
    /// The user (unknown users are passed over).
    #[serde(rename = "Member_Account")]
    member_account: String,
    /// `Admin`, or absent (an ordinary member).
    #[serde(rename = "Role", default)]
    #[schemars(extend("enum" = ["Admin", "Member"]))]
    role: Option<String>,
}

/// Response to [`CreateGroupRequest`].
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct CreateGroupResponse {
    /// The group's ID.
    #[serde(rename = "GroupId")]
    group_id: String,
}

/// A request naming one group (`destroy_group`).
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct GroupRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    group_id: String,
}

/// A response with no fields besides the envelope.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct Empty {}

/// A user named in a member list.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct MemberAccount {
    /// The user.
    #[serde(rename = "Member_Account")]
    member_account: String,
}

/// `add_group_member`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct AddGroupMemberRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    group_id: String,
    /// 1: TIM's silent add. Accepted; the join tip is still written.
    #[serde(rename = "Silence", default)]
    silence: Option<u8>,
    /// The users to add (at most 300).
    #[serde(rename = "MemberList", default)]
    member_list: Vec<MemberAccount>,
}

/// One user's outcome.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct MemberResult {
    /// The user.
    #[serde(rename = "Member_Account")]
    member_account: String,
    /// 0 not added (unknown user, invalid userID, group full), 1 added,
    /// 2 a member already.
    #[serde(rename = "Result")]
    result: u8,
}

/// Response to [`AddGroupMemberRequest`] and [`ImportGroupMemberRequest`].
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct MemberResults {
    /// One outcome per named user, in order.
    #[serde(rename = "MemberList")]
    member_list: Vec<MemberResult>,
}

/// `delete_group_member`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct DeleteGroupMemberRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    group_id: String,
    /// 1: TIM's silent removal. Accepted; the tip is still written.
    #[serde(rename = "Silence", default)]
    silence: Option<u8>,
    /// Why: the removed members' notice carries it.
    #[serde(rename = "Reason", default)]
    reason: String,
    /// The members to remove (at most 100; the owner and non-members are
    /// passed over).
    #[serde(rename = "MemberToDel_Account", default)]
    member_to_del_account: Vec<String>,
}

/// `send_group_msg`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct SendGroupMsgRequest {
    /// The group (or a topic, when `From_Account` names a member).
    #[serde(rename = "GroupId", default)]
    group_id: String,
    /// The sender, a member (absent: the administrator, member or not).
    #[serde(rename = "From_Account", default)]
    from_account: Option<String>,
    /// The sender's message number: the same sender and `Random` again
    /// returns the first send's result (absent or 0: a fresh one).
    #[serde(rename = "Random", default)]
    random: u64,
    /// `High`, `Normal` (default), `Low` or `Lowest`.
    #[serde(rename = "MsgPriority", default)]
    #[schemars(extend("enum" = ["High", "Normal", "Low", "Lowest"]))]
    msg_priority: Option<String>,
    /// The content: one element.
    #[serde(rename = "MsgBody", default)]
    msg_body: Vec<MsgBodyElem>,
    /// Opaque data stored and delivered with the message.
    #[serde(rename = "CloudCustomData", default)]
    cloud_custom_data: Option<String>,
    /// 1: to online members only, not stored.
    #[serde(rename = "OnlineOnlyFlag", default)]
    online_only_flag: Option<u8>,
    /// A targeted message: the members who alone receive it (at most 50).
    #[serde(rename = "To_Account", default)]
    to_account: Vec<String>,
}

/// Response to [`SendGroupMsgRequest`] and one imported message.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct SendGroupMsgResponse {
    /// The message's server time, seconds.
    #[serde(rename = "MsgTime")]
    msg_time: i64,
    /// Its sequence in the group (0: not stored, online only).
    #[serde(rename = "MsgSeq")]
    msg_seq: u64,
}

/// `send_group_system_notification`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct SendGroupSystemNotificationRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    group_id: String,
    /// The members told (absent or empty: every member; at most 500;
    /// non-members are passed over).
    #[serde(rename = "ToMembers_Account", default)]
    to_members_account: Vec<String>,
    /// The notice's text (not empty).
    #[serde(rename = "Content", default)]
    content: String,
}

/// One member of `import_group_member`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct ImportedMemberItem {
    /// The user.
    #[serde(rename = "Member_Account")]
    member_account: String,
    /// `Admin` or `Member` (default).
    #[serde(rename = "Role", default)]
    #[schemars(extend("enum" = ["Admin", "Member"]))]
    role: Option<String>,
    /// When they joined, seconds (absent: now).
    #[serde(rename = "JoinTime", default)]
    join_time: Option<i64>,
    /// How many of the group's newest messages they have not read.
    #[serde(rename = "UnreadMsgNum", default)]
    unread_msg_num: u64,
}

/// `import_group_member`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct ImportGroupMemberRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    group_id: String,
    /// The members (at most 500).
    #[serde(rename = "MemberList", default)]
    member_list: Vec<ImportedMemberItem>,
}

/// One message of `import_group_msg`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct ImportedMessage {
    /// The sender (an existing account; membership is not required).
    #[serde(rename = "From_Account", default)]
    from_account: String,
    /// When it was sent, seconds (not in the future).
    #[serde(rename = "SendTime", default)]
    send_time: i64,
    /// The sender's message number (absent: a fresh one); importing the
    /// same sender, `SendTime` and `Random` again imports nothing new.
    #[serde(rename = "Random", default)]
    random: u64,
    /// The content: one element.
    #[serde(rename = "MsgBody", default)]
    msg_body: Vec<MsgBodyElem>,
}

/// `import_group_msg`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct ImportGroupMsgRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    group_id: String,
    /// TIM's flag to update recent contacts; accepted, changes nothing.
    #[serde(rename = "RecentContactFlag", default)]
    recent_contact_flag: Option<u8>,
    /// The messages, oldest first (at most 20).
    #[serde(rename = "MsgList", default)]
    msg_list: Vec<ImportedMessage>,
}

/// One imported message's outcome.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct ImportMsgResult {
    /// Its sequence in the group (0 when not imported).
    #[serde(rename = "MsgSeq")]
    msg_seq: u64,
    /// Its time, seconds.
    #[serde(rename = "MsgTime")]
    msg_time: i64,
    /// 0 imported, or why not (10004, 90005).
    #[serde(rename = "Result")]
    result: i32,
}

/// Response to [`ImportGroupMsgRequest`].
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct ImportGroupMsgResponse {
    /// One outcome per message, in order.
    #[serde(rename = "ImportMsgResult")]
    import_msg_result: Vec<ImportMsgResult>,
}

/// `modify_group_member_info`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct ModifyGroupMemberInfoRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    group_id: String,
    /// The member.
    #[serde(rename = "Member_Account", default)]
    member_account: String,
    /// `Admin` or `Member`.
    #[serde(rename = "Role", default)]
    #[schemars(extend("enum" = ["Admin", "Member"]))]
    role: Option<String>,
    /// The member's name card in the group.
    #[serde(rename = "NameCard", default)]
    name_card: Option<String>,
    /// Seconds of mute from now (0 lifts it).
    #[serde(rename = "ShutUpTime", default)]
    shut_up_time: Option<u64>,
}

/// `forbid_send_msg`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct ForbidSendMsgRequest {
    /// The group.
    #[serde(rename = "GroupId", default)]
    group_id: String,
    /// The members (at most 500).
    #[serde(rename = "Members_Account", default)]
    members_account: Vec<String>,
    /// Seconds of mute from now (0 lifts it).
    #[serde(rename = "ShutUpTime", default)]
    shut_up_time: u64,
}

/// `get_group_info`.
#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct GetGroupInfoRequest {
    /// The groups (1 to 50).
    #[serde(rename = "GroupIdList", default)]
    group_id_list: Vec<String>,
}

/// One group's profile, or why there is none.
#[derive(Debug, Default, Serialize, JsonSchema)]
pub(crate) struct GroupInfo {
    /// The group.
    #[serde(rename = "GroupId")]
    group_id: String,
    /// 0, or 10010 when the group does not exist (no other fields then).
    #[serde(rename = "ErrorCode")]
    error_code: i32,
    /// Why, in words.
    #[serde(rename = "ErrorInfo")]
    error_info: String,
    /// The kind (`Public`, `Private`, `ChatRoom`, `AVChatRoom`,
    /// `Community`).
    #[serde(rename = "Type", skip_serializing_if = "Option::is_none")]
    group_type: Option<String>,
    /// The name.
    #[serde(rename = "Name", skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    /// The introduction.
    #[serde(rename = "Introduction", skip_serializing_if = "Option::is_none")]
    introduction: Option<String>,
    /// The notification.
    #[serde(rename = "Notification", skip_serializing_if = "Option::is_none")]
    notification: Option<String>,
    /// The avatar URL.
    #[serde(rename = "FaceUrl", skip_serializing_if = "Option::is_none")]
    face_url: Option<String>,
    /// The owner (empty: a Work group whose owner quit).
    #[serde(rename = "Owner_Account", skip_serializing_if = "Option::is_none")]
    owner_account: Option<String>,
    /// Creation time, seconds.
    #[serde(rename = "CreateTime", skip_serializing_if = "Option::is_none")]
    create_time: Option<i64>,
    /// Grows by one with every profile change.
    #[serde(rename = "InfoSeq", skip_serializing_if = "Option::is_none")]
    info_seq: Option<u64>,
    /// Time of the last profile change, seconds.
    #[serde(rename = "LastInfoTime", skip_serializing_if = "Option::is_none")]
    last_info_time: Option<i64>,
    /// The sequence the next message gets.
    #[serde(rename = "NextMsgSeq", skip_serializing_if = "Option::is_none")]
    next_msg_seq: Option<u64>,
    /// Members now (an AVChatRoom: its online joiners).
    #[serde(rename = "MemberNum", skip_serializing_if = "Option::is_none")]
    member_num: Option<u64>,
    /// Most members (0: unlimited).
    #[serde(rename = "MaxMemberNum", skip_serializing_if = "Option::is_none")]
    max_member_num: Option<u64>,
    /// `FreeAccess`, `NeedPermission` or `DisableApply`.
    #[serde(rename = "ApplyJoinOption", skip_serializing_if = "Option::is_none")]
    apply_join_option: Option<String>,
    /// `On` when everyone but the owner and admins is muted, else `Off`.
    #[serde(rename = "ShutUpAllMember", skip_serializing_if = "Option::is_none")]
    shut_up_all_member: Option<String>,
}

/// Response to [`GetGroupInfoRequest`].
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct GetGroupInfoResponse {
    /// One entry per named group, in order.
    #[serde(rename = "GroupInfo")]
    group_info: Vec<GroupInfo>,
}

/// The commands of this file.
pub(crate) fn commands() -> Vec<Command> {
    vec![
        Command::new(
            SERVICE,
            "create_group",
            "Create a group, with its owner and first members.",
            create_group,
        ),
        Command::new(
            SERVICE,
            "destroy_group",
            "Dismiss a group (any kind); members get GROUP_DISMISSED notices.",
            destroy_group,
        ),
        Command::new(SERVICE, "add_group_member", "Add up to 300 members.", add_group_member),
        Command::new(
            SERVICE,
            "delete_group_member",
            "Remove up to 100 members.",
            delete_group_member,
        ),
        Command::new(
            SERVICE,
            "send_group_msg",
            "Send a message to a group as a member or as the administrator.",
            send_group_msg,
        ),
        Command::new(
            SERVICE,
            "send_group_system_notification",
            "Send members a custom group system notice.",
            send_group_system_notification,
        ),
        Command::new(
            SERVICE,
            "import_group_member",
            "Import up to 500 members, without tips or notices.",
            import_group_member,
        ),
        Command::new(
            SERVICE,
            "import_group_msg",
            "Import up to 20 messages of the past into a group's history.",
            import_group_msg,
        ),
        Command::new(
            SERVICE,
            "modify_group_member_info",
            "Change a member's role, name card or mute.",
            modify_group_member_info,
        ),
        Command::new(
            SERVICE,
            "forbid_send_msg",
            "Mute up to 500 members for a time (0 lifts it).",
            forbid_send_msg,
        ),
        Command::new(SERVICE, "get_group_info", "The profiles of up to 50 groups.", get_group_info),
    ]
}

/// 10004: a bad parameter of a group command.
fn invalid(info: impl Into<String>) -> RestError {
    RestError::new(code::ERR_SVR_GROUP_INVALID_PARAMETERS, info)
}

/// A store failure as the group service's error: as a handler's, with
/// 10002 for an internal failure (the request may be retried).
fn store_error(e: crate::store::StoreError) -> RestError {
    let body = handlers::store_error(e);
    if body.code == code::INTERNAL {
        return RestError::new(GROUP_INTERNAL, body.message);
    }
    body.into()
}

/// The group ID a command names; 10004 when empty.
fn group_id(raw: &str) -> Result<GroupId, RestError> {
    if raw.is_empty() {
        return Err(invalid("GroupId is required"));
    }
    Ok(GroupId::new(raw.to_owned()))
}

/// A userID a command names; 10004 when malformed.
fn user_id(raw: &str, what: &str) -> Result<UserId, RestError> {
    crate::auth::check_user_id(raw)
        .map(|()| UserId::new(raw.to_owned()))
        .map_err(|e| invalid(format!("{what}: {}", e.message)))
}

/// 1 to `max` names; 10004 otherwise.
fn check_count<T>(list: &[T], max: usize, what: &str) -> Result<(), RestError> {
    if list.is_empty() || list.len() > max {
        return Err(invalid(format!("{what} names {} users; 1 to {max} are taken", list.len())));
    }
    Ok(())
}

/// The kind TIM's REST `Type` names.
fn group_type(name: &str) -> Result<GroupType, RestError> {
    Ok(match name {
        "Public" => GroupType::Public,
        "Private" | "Work" => GroupType::Work,
        "ChatRoom" | "Meeting" => GroupType::Meeting,
        "AVChatRoom" => GroupType::AvChatRoom,
        "Community" => GroupType::Community,
        other => {
            return Err(invalid(format!(
                "Type {other:?} is none of Public, Private, ChatRoom, AVChatRoom, Community"
            )))
        }
    })
}

fn join_option_name(option: JoinOption) -> &'static str {
    match option {
        JoinOption::FreeAccess => "FreeAccess",
        JoinOption::NeedPermission => "NeedPermission",
        JoinOption::DisableApply => "DisableApply",
    }
}

fn join_option(name: &str) -> Result<JoinOption, RestError> {
    Ok(match name {
        "FreeAccess" => JoinOption::FreeAccess,
        "NeedPermission" => JoinOption::NeedPermission,
        "DisableApply" => JoinOption::DisableApply,
        other => return Err(invalid(format!("ApplyJoinOption {other:?} is not known"))),
    })
}

/// `Admin` or `Member` (absent: `Member`).
fn member_role(name: Option<&str>) -> Result<MemberRole, RestError> {
    match name {
        None | Some("Member") => Ok(MemberRole::Member),
        Some("Admin") => Ok(MemberRole::Admin),
        Some(other) => Err(invalid(format!("Role {other:?} is neither Admin nor Member"))),
    }
}

fn priority(name: Option<&str>) -> Result<Priority, RestError> {
    Ok(match name {
        None | Some("Normal") => Priority::Normal,
        Some("High") => Priority::High,
        Some("Low") => Priority::Low,
        Some("Lowest") => Priority::Lowest,
        Some(other) => return Err(invalid(format!("MsgPriority {other:?} is not known"))),
    })
}

/// A message number for a request that gave none: 1 to 2^32 − 1, as TIM's
/// `Random`.
fn fresh_random() -> u64 {
    use rand::Rng as _;
    rand::rng().random_range(1..=u64::from(u32::MAX))
}

/// The group, or 10010.
async fn load_group(ctx: &ServerContext, id: &GroupId) -> Result<GroupProfile, RestError> {
    ctx.store.group(id.clone()).await.map_err(store_error)?.ok_or_else(|| {
        RestError::new(code::ERR_SVR_GROUP_NOT_FOUND, format!("group {id} does not exist"))
    })
}

/// The owner the administrator acts as; 10007 for a group without one.
fn owner(profile: &GroupProfile) -> Result<UserId, RestError> {
    if profile.owner_id.is_empty() {
        return Err(RestError::new(
            code::ERR_SVR_GROUP_PERMISSION_DENY,
            format!("group {} has no owner to act as (its owner quit)", profile.group_id),
        ));
    }
    Ok(UserId::new(profile.owner_id.clone()))
}

/// The group and the caller that acts as its owner.
async fn as_owner(
    ctx: &ServerContext,
    id: &GroupId,
) -> Result<(GroupProfile, crate::handlers::Caller), RestError> {
    let profile = load_group(ctx, id).await?;
    let caller = as_user(owner(&profile)?);
    Ok((profile, caller))
}

/// TIM's `Silence` is accepted: Confab writes every membership change in
/// the group's history all the same.
fn note_silence(silence: Option<u8>) {
    if silence == Some(1) {
        tracing::debug!("Silence is accepted; the membership tip is written all the same");
    }
}

fn admin_actor(ctx: &ServerContext, admin: &Admin) -> Actor {
    Actor { user: admin.id.clone(), now: ctx.clock.now_secs() }
}

async fn create_group(
    ctx: Arc<ServerContext>,
    admin: Admin,
    request: CreateGroupRequest,
) -> Result<CreateGroupResponse, RestError> {
    let kind = group_type(&request.group_type)?;
    let owner = match &request.owner_account {
        Some(id) => {
            let owner = user_id(id, "Owner_Account")?;
            if !ctx.store.user_exists(owner.clone()).await.map_err(store_error)? {
                return Err(invalid(format!("Owner_Account {owner} does not exist")));
            }
            owner
        }
        None => admin.id,
    };
    let join_option = request.apply_join_option.as_deref().map(join_option).transpose()?;
    let mut member_list = Vec::with_capacity(request.member_list.len());
    for member in &request.member_list {
        let role = match member_role(member.role.as_deref())? {
            MemberRole::Admin => Some(MemberRole::Admin),
            _ => None,
        };
        member_list.push(NewGroupMember {
            user_id: user_id(&member.member_account, "MemberList")?,
            role,
            member_custom_field: Vec::new(),
        });
    }
    let group_id = match request.group_id {
        Some(id) if id.is_empty() => {
            return Err(RestError::new(code::ERR_SVR_GROUP_INVALID_GROUPID, "GroupId is empty"))
        }
        Some(id) => Some(GroupId::new(id)),
        None => None,
    };
    let create = CreateGroup {
        name: request.name,
        group_type: kind,
        group_id,
        introduction: request.introduction.unwrap_or_default(),
        notification: request.notification.unwrap_or_default(),
        avatar: request.face_url.unwrap_or_default(),
        max_member_num: request.max_member_count,
        join_option,
        invite_option: None,
        member_list,
        group_custom_field: Vec::new(),
        is_support_topic: false,
    };
    let created = handlers::group::create_group(&ctx, &as_user(owner), create).await?;
    Ok(CreateGroupResponse { group_id: created.group.group_id.0 })
}

async fn destroy_group(
    ctx: Arc<ServerContext>,
    admin: Admin,
    request: GroupRequest,
) -> Result<Empty, RestError> {
    let id = group_id(&request.group_id)?;
    let profile = load_group(&ctx, &id).await?;
    if rules(profile.group_type).dismissable && !profile.owner_id.is_empty() {
        // The owner's own dismissal: an AVChatRoom's joiners are let go too.
        let caller = as_user(owner(&profile)?);
        handlers::group::dismiss_group(&ctx, &caller, DismissGroup { group_id: id }).await?;
    } else {
        // A Work group (its owner may not dismiss it) or an ownerless one.
        let actor = admin_actor(&ctx, &admin);
        ctx.store.dismiss_group_as_app(actor, id).await.map_err(store_error)?;
    }
    Ok(Empty {})
}

async fn add_group_member(
    ctx: Arc<ServerContext>,
    _admin: Admin,
    request: AddGroupMemberRequest,
) -> Result<MemberResults, RestError> {
    let id = group_id(&request.group_id)?;
    check_count(&request.member_list, MAX_ADD_MEMBERS, "MemberList")?;
    note_silence(request.silence);
    let (_, caller) = as_owner(&ctx, &id).await?;
    let valid: Vec<UserId> = request
        .member_list
        .iter()
        .filter(|m| crate::auth::check_user_id(&m.member_account).is_ok())
        .map(|m| UserId::new(m.member_account.clone()))
        .collect();
    let (added, existed) = if valid.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        let add = AddGroupMember { group_id: id, user_id_list: valid };
        let answer = handlers::group::add_group_member(&ctx, &caller, add).await?;
        (answer.success_user_id_list, answer.existed_user_id_list)
    };
    let member_list = request
        .member_list
        .into_iter()
        .map(|m| {
            let user = UserId::new(m.member_account.clone());
            let result = if added.contains(&user) {
                Imported::Added
            } else if existed.contains(&user) {
                Imported::Existed
            } else {
                Imported::Failed
            };
            MemberResult { member_account: m.member_account, result: result as u8 }
        })
        .collect();
    Ok(MemberResults { member_list })
}

async fn delete_group_member(
    ctx: Arc<ServerContext>,
    _admin: Admin,
    request: DeleteGroupMemberRequest,
) -> Result<Empty, RestError> {
    let id = group_id(&request.group_id)?;
    check_count(&request.member_to_del_account, MAX_DELETE_MEMBERS, "MemberToDel_Account")?;
    note_silence(request.silence);
    let users = request
        .member_to_del_account
        .iter()
        .map(|u| user_id(u, "MemberToDel_Account"))
        .collect::<Result<Vec<_>, _>>()?;
    let (_, caller) = as_owner(&ctx, &id).await?;
    // The handler takes a client's batch at a time.
    for batch in users.chunks(handlers::group::MAX_DELETE_MEMBERS) {
        let delete = DeleteGroupMember {
            group_id: id.clone(),
            user_id_list: batch.to_vec(),
            reason: request.reason.clone(),
            duration: 0,
        };
        handlers::group::delete_group_member(&ctx, &caller, delete).await?;
    }
    Ok(Empty {})
}

async fn send_group_msg(
    ctx: Arc<ServerContext>,
    admin: Admin,
    request: SendGroupMsgRequest,
) -> Result<SendGroupMsgResponse, RestError> {
    let id = group_id(&request.group_id)?;
    let element = msg_body::to_element(&request.msg_body)?;
    let priority = priority(request.msg_priority.as_deref())?;
    let random = if request.random == 0 { fresh_random() } else { request.random };
    let receiver_list = request
        .to_account
        .iter()
        .map(|u| user_id(u, "To_Account").map(|u| u.0))
        .collect::<Result<Vec<_>, _>>()?;
    let online_user_only = request.online_only_flag == Some(1);
    let outgoing = OutgoingMessage {
        conversation_type: ConversationType::Group,
        to: id.0.clone(),
        random,
        element,
        priority,
        cloud_custom_data: request.cloud_custom_data.unwrap_or_default(),
        need_read_receipt: false,
        is_support_extension: false,
        at_user_list: Vec::new(),
        receiver_list,
        client_time: 0,
    };
    let sent = match &request.from_account {
        Some(from) => {
            // A member's send, with every rule of a client's.
            let from = user_id(from, "From_Account")?;
            let send =
                SendMessage { message: outgoing, online_user_only, message_control_info: None };
            handlers::group_message::send_group_message(&ctx, &as_user(from), send).await?
        }
        None => send_as_admin(&ctx, &admin, id, outgoing, online_user_only).await?,
    };
    Ok(SendGroupMsgResponse { msg_time: sent.message.time, msg_seq: sent.message.sequence })
}

/// The administrator's send: no membership or mute applies; the content
/// rules of a client's send do (size, random, moderation, receivers).
async fn send_as_admin(
    ctx: &ServerContext,
    admin: &Admin,
    id: GroupId,
    outgoing: OutgoingMessage,
    online_user_only: bool,
) -> Result<SendMessageResponse, RestError> {
    let size = outgoing.body_size();
    if size > MAX_MESSAGE_BODY_BYTES {
        return Err(RestError::new(
            code::ERR_SVR_COMM_BODY_SIZE_LIMIT,
            format!("message body is {size} bytes; the limit is {MAX_MESSAGE_BODY_BYTES}"),
        ));
    }
    if outgoing.receiver_list.len() > handlers::group_message::MAX_RECEIVERS {
        return Err(invalid(format!(
            "To_Account names {} users; at most {}",
            outgoing.receiver_list.len(),
            handlers::group_message::MAX_RECEIVERS
        )));
    }
    let mut element = outgoing.element;
    ctx.moderation.apply(&mut element)?;
    let profile = load_group(ctx, &id).await?;
    let kind = rules(profile.group_type);
    if !outgoing.receiver_list.is_empty() && !kind.targeted_messages {
        return Err(RestError::new(
            code::ERR_SVR_GROUP_PERMISSION_DENY,
            "this kind of group takes no targeted messages (To_Account)",
        ));
    }
    if outgoing.random > handlers::message::MAX_RANDOM {
        return Err(RestError::new(
            code::ERR_SVR_MSG_PKG_PARSE_FAILED,
            "Random must be between 1 and 2^53 - 1",
        ));
    }
    let mut seen = std::collections::HashSet::new();
    let receiver_list: Vec<String> =
        outgoing.receiver_list.into_iter().filter(|u| seen.insert(u.clone())).collect();
    let message = WireMessage {
        id: MessageId::client_made(&admin.id, 0, outgoing.random),
        conversation_type: ConversationType::Group,
        from: admin.id.clone(),
        to: id.0.clone(),
        sequence: 0,
        time: ctx.clock.now_secs(),
        random: outgoing.random,
        element,
        priority: outgoing.priority,
        cloud_custom_data: outgoing.cloud_custom_data,
        nick: String::new(),
        avatar: String::new(),
        need_read_receipt: false,
        is_support_extension: false,
        name_card: String::new(),
        at_user_list: Vec::new(),
        receiver_list,
        excluded_from_unread_count: false,
        excluded_from_last_message: false,
        online_user_only,
        is_revoked: false,
        version: 0,
    };
    if kind.keeps_history && !online_user_only {
        return ctx.store.send_group_message_as_app(message).await.map_err(store_error);
    }
    // Broadcast only (an AVChatRoom, or online only): as a member's.
    if !message.receiver_list.is_empty() {
        let named = ctx
            .store
            .members_of(id.clone(), message.receiver_list.iter().map(UserId::new).collect())
            .await
            .map_err(store_error)?;
        if named.len() != message.receiver_list.len() {
            return Err(invalid("To_Account names a user who is not a member"));
        }
    }
    let entry = TimelineEntry { seq: 0, event: InboxEvent::Message { message: message.clone() } };
    if message.receiver_list.is_empty() {
        ctx.broadcaster.send(&id, entry, REST_SESSION);
    } else {
        let deliveries = crate::services::group::timeline_deliveries(&id, entry, None);
        crate::fanout::Fanout::deliver(&*ctx.sessions, deliveries);
    }
    Ok(SendMessageResponse { message, duplicate: false })
}

async fn send_group_system_notification(
    ctx: Arc<ServerContext>,
    admin: Admin,
    request: SendGroupSystemNotificationRequest,
) -> Result<Empty, RestError> {
    let id = group_id(&request.group_id)?;
    if request.content.is_empty() {
        return Err(invalid("Content is required"));
    }
    if request.to_members_account.len() > MAX_MEMBERS {
        return Err(invalid(format!("ToMembers_Account names at most {MAX_MEMBERS} users")));
    }
    let to = request
        .to_members_account
        .iter()
        .map(|u| user_id(u, "ToMembers_Account"))
        .collect::<Result<Vec<_>, _>>()?;
    let actor = admin_actor(&ctx, &admin);
    ctx.store.notify_group_members(actor, id, to, request.content).await.map_err(store_error)?;
    Ok(Empty {})
}

async fn import_group_member(
    ctx: Arc<ServerContext>,
    _admin: Admin,
    request: ImportGroupMemberRequest,
) -> Result<MemberResults, RestError> {
    let id = group_id(&request.group_id)?;
    check_count(&request.member_list, MAX_MEMBERS, "MemberList")?;
    let now = ctx.clock.now_secs();
    let mut members = Vec::new();
    for item in &request.member_list {
        let role = member_role(item.role.as_deref())?;
        if item.join_time.is_some_and(|t| t <= 0 || t > now) {
            return Err(invalid(format!(
                "{}'s JoinTime must be a time of the past, in seconds",
                item.member_account
            )));
        }
        if crate::auth::check_user_id(&item.member_account).is_err() {
            continue;
        }
        members.push(ImportedMember {
            user: UserId::new(item.member_account.clone()),
            role,
            join_time: item.join_time,
            unread: item.unread_msg_num,
        });
    }
    let outcomes = ctx.store.import_group_members(now, id, members).await.map_err(store_error)?;
    let member_list = request
        .member_list
        .into_iter()
        .map(|item| {
            let result = outcomes
                .iter()
                .find(|(user, _)| user.as_str() == item.member_account)
                .map_or(Imported::Failed, |(_, outcome)| *outcome);
            MemberResult { member_account: item.member_account, result: result as u8 }
        })
        .collect();
    Ok(MemberResults { member_list })
}

async fn import_group_msg(
    ctx: Arc<ServerContext>,
    _admin: Admin,
    request: ImportGroupMsgRequest,
) -> Result<ImportGroupMsgResponse, RestError> {
    let id = group_id(&request.group_id)?;
    if request.recent_contact_flag.is_some() {
        tracing::debug!("import_group_msg: RecentContactFlag is accepted and changes nothing");
    }
    if request.msg_list.is_empty() || request.msg_list.len() > MAX_IMPORT_MESSAGES {
        return Err(invalid(format!("MsgList holds 1 to {MAX_IMPORT_MESSAGES} messages")));
    }
    let now = ctx.clock.now_secs();
    // Each message is checked alone: a bad one fails, the others go on.
    let mut checked: Vec<Result<WireMessage, RestError>> = Vec::new();
    for item in request.msg_list {
        checked.push(imported_message(&id, item, now));
    }
    let good: Vec<WireMessage> = checked.iter().filter_map(|m| m.as_ref().ok().cloned()).collect();
    let mut stored = if good.is_empty() {
        // Still 10010 for an unknown group.
        load_group(&ctx, &id).await?;
        Vec::new()
    } else {
        ctx.store.import_group_messages(id, good).await.map_err(store_error)?
    }
    .into_iter();
    let import_msg_result = checked
        .into_iter()
        .map(|item| {
            let outcome = match item {
                Ok(_) => stored.next().map(|s| s.map_err(RestError::from)),
                Err(e) => Some(Err(e)),
            };
            match outcome {
                Some(Ok(message)) => {
                    ImportMsgResult { msg_seq: message.sequence, msg_time: message.time, result: 0 }
                }
                Some(Err(e)) => ImportMsgResult { msg_seq: 0, msg_time: 0, result: e.code },
                None => ImportMsgResult { msg_seq: 0, msg_time: 0, result: GROUP_INTERNAL },
            }
        })
        .collect();
    Ok(ImportGroupMsgResponse { import_msg_result })
}

/// One message to import, checked; not stored yet.
fn imported_message(
    id: &GroupId,
    item: ImportedMessage,
    now: i64,
) -> Result<WireMessage, RestError> {
    let from = user_id(&item.from_account, "From_Account")?;
    if item.send_time <= 0 || item.send_time > now {
        return Err(invalid("SendTime must be a time of the past, in seconds"));
    }
    let element = msg_body::to_element(&item.msg_body)?;
    let random = if item.random == 0 { fresh_random() } else { item.random };
    Ok(WireMessage {
        id: MessageId::client_made(&from, item.send_time.unsigned_abs(), random),
        conversation_type: ConversationType::Group,
        from,
        to: id.0.clone(),
        sequence: 0,
        time: item.send_time,
        random,
        element,
        priority: Priority::Normal,
        cloud_custom_data: String::new(),
        nick: String::new(),
        avatar: String::new(),
        need_read_receipt: false,
        is_support_extension: false,
        name_card: String::new(),
        at_user_list: Vec::new(),
        receiver_list: Vec::new(),
        excluded_from_unread_count: false,
        excluded_from_last_message: false,
        online_user_only: false,
        is_revoked: false,
        version: 0,
    })
}

async fn modify_group_member_info(
    ctx: Arc<ServerContext>,
    _admin: Admin,
    request: ModifyGroupMemberInfoRequest,
) -> Result<Empty, RestError> {
    let id = group_id(&request.group_id)?;
    let member = user_id(&request.member_account, "Member_Account")?;
    if request.role.is_none() && request.name_card.is_none() && request.shut_up_time.is_none() {
        return Err(invalid("nothing to change: give Role, NameCard or ShutUpTime"));
    }
    let role = request.role.as_deref().map(|r| member_role(Some(r))).transpose()?;
    let (_, caller) = as_owner(&ctx, &id).await?;
    if let Some(role) = role {
        let set = SetGroupMemberRole { group_id: id.clone(), user_id: member.clone(), role };
        handlers::group::set_group_member_role(&ctx, &caller, set).await?;
    }
    if let Some(name_card) = request.name_card {
        let set = SetGroupMemberNameCard {
            group_id: id.clone(),
            user_id: Some(member.clone()),
            name_card,
        };
        handlers::group::set_group_member_name_card(&ctx, &caller, set).await?;
    }
    if let Some(mute_time) = request.shut_up_time {
        let set = SetGroupMemberMuteTime { group_id: id, user_id: member, mute_time };
        handlers::group::set_group_member_mute_time(&ctx, &caller, set).await?;
    }
    Ok(Empty {})
}

async fn forbid_send_msg(
    ctx: Arc<ServerContext>,
    _admin: Admin,
    request: ForbidSendMsgRequest,
) -> Result<Empty, RestError> {
    let id = group_id(&request.group_id)?;
    check_count(&request.members_account, MAX_MEMBERS, "Members_Account")?;
    let mut users = Vec::with_capacity(request.members_account.len());
    for name in &request.members_account {
        let user = user_id(name, "Members_Account")?;
        if !users.contains(&user) {
            users.push(user);
        }
    }
    let (_, caller) = as_owner(&ctx, &id).await?;
    // All of them members, or nothing changes.
    let found = ctx.store.members_of(id.clone(), users.clone()).await.map_err(store_error)?;
    if let Some(missing) = users.iter().find(|u| !found.iter().any(|m| m.user_id == **u)) {
        return Err(RestError::new(
            code::MEMBER_NOT_IN_GROUP,
            format!("{missing} is not a member of group {id}"),
        ));
    }
    for user in users {
        let set = SetGroupMemberMuteTime {
            group_id: id.clone(),
            user_id: user,
            mute_time: request.shut_up_time,
        };
        handlers::group::set_group_member_mute_time(&ctx, &caller, set).await?;
    }
    Ok(Empty {})
}

async fn get_group_info(
    ctx: Arc<ServerContext>,
    _admin: Admin,
    request: GetGroupInfoRequest,
) -> Result<GetGroupInfoResponse, RestError> {
    if request.group_id_list.is_empty() || request.group_id_list.len() > MAX_INFO_GROUPS {
        return Err(invalid(format!("GroupIdList names 1 to {MAX_INFO_GROUPS} groups")));
    }
    let mut group_info = Vec::with_capacity(request.group_id_list.len());
    for raw in request.group_id_list {
        let found = if raw.is_empty() {
            None
        } else {
            ctx.store.group(GroupId::new(raw.clone())).await.map_err(store_error)?
        };
        let Some(profile) = found else {
            group_info.push(GroupInfo {
                error_code: code::ERR_SVR_GROUP_NOT_FOUND,
                error_info: format!("group {raw:?} does not exist"),
                group_id: raw,
                ..GroupInfo::default()
            });
            continue;
        };
        let member_num = if crate::services::group::joined_in_memory(&profile) {
            ctx.sessions.online_member_count(profile.group_id.as_str()) as u64
        } else {
            profile.member_count
        };
        group_info.push(GroupInfo {
            group_id: raw,
            error_code: 0,
            error_info: String::new(),
            group_type: Some(profile.group_type.as_str().to_owned()),
            name: Some(profile.name),
            introduction: Some(profile.introduction),
            notification: Some(profile.notification),
            face_url: Some(profile.avatar),
            owner_account: Some(profile.owner_id),
            create_time: Some(profile.create_time),
            info_seq: Some(profile.info_sequence),
            last_info_time: Some(profile.last_info_time),
            next_msg_seq: Some(profile.next_message_seq),
            member_num: Some(member_num),
            max_member_num: Some(profile.max_member_count),
            apply_join_option: Some(join_option_name(profile.join_option).to_owned()),
            shut_up_all_member: Some(if profile.mute_all_members { "On" } else { "Off" }.into()),
        });
    }
    Ok(GetGroupInfoResponse { group_info })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tim_rest_names_map_to_our_kinds_and_roles() {
        assert_eq!(group_type("Public"), Ok(GroupType::Public));
        assert_eq!(group_type("Private"), Ok(GroupType::Work));
        assert_eq!(group_type("Work"), Ok(GroupType::Work));
        assert_eq!(group_type("ChatRoom"), Ok(GroupType::Meeting));
        assert_eq!(group_type("AVChatRoom"), Ok(GroupType::AvChatRoom));
        assert_eq!(group_type("Community"), Ok(GroupType::Community));
        assert_eq!(group_type("public").map_err(|e| e.code), Err(10004));
        assert_eq!(group_type("").map_err(|e| e.code), Err(10004));
        // get_group_info answers with the same names.
        for kind in GroupType::ALL {
            assert_eq!(group_type(kind.as_str()), Ok(kind));
        }
        assert_eq!(member_role(None), Ok(MemberRole::Member));
        assert_eq!(member_role(Some("Admin")), Ok(MemberRole::Admin));
        assert_eq!(member_role(Some("Owner")).map_err(|e| e.code), Err(10004));
        assert_eq!(priority(Some("Lowest")), Ok(Priority::Lowest));
        assert_eq!(priority(Some("Urgent")).map_err(|e| e.code), Err(10004));
        for option in [JoinOption::FreeAccess, JoinOption::NeedPermission, JoinOption::DisableApply]
        {
            assert_eq!(join_option(join_option_name(option)), Ok(option));
        }
    }

    #[test]
    fn the_schema_lists_the_names_a_field_takes() {
        let schema = schemars::schema_for!(CreateGroupRequest).to_value();
        let kinds = &schema["properties"]["Type"]["enum"];
        assert_eq!(kinds[0], "Public", "{schema}");
        for name in kinds.as_array().expect("kinds") {
            assert!(group_type(name.as_str().expect("a name")).is_ok(), "{name}");
        }
        let options = &schema["properties"]["ApplyJoinOption"]["enum"];
        for name in options.as_array().expect("options") {
            assert!(join_option(name.as_str().expect("a name")).is_ok(), "{name}");
        }
    }

    #[test]
    fn bad_lists_and_ids_are_10004() {
        assert_eq!(group_id("").map_err(|e| e.code), Err(10004));
        assert_eq!(check_count::<u8>(&[], 3, "x").map_err(|e| e.code), Err(10004));
        assert_eq!(check_count(&[1, 2, 3, 4], 3, "x").map_err(|e| e.code), Err(10004));
        assert!(check_count(&[1], 3, "x").is_ok());
        assert_eq!(user_id("has space", "x").map_err(|e| e.code), Err(10004));
        let random = fresh_random();
        assert!((1..=u64::from(u32::MAX)).contains(&random));
    }

    #[test]
    fn an_import_in_the_future_or_from_nobody_is_refused_alone() {
        let id = GroupId::new("g");
        let body = vec![MsgBodyElem {
            msg_type: "TIMTextElem".into(),
            msg_content: serde_json::json!({"Text": "hi"}),
        }];
        let item = |from: &str, send_time: i64| ImportedMessage {
            from_account: from.into(),
            send_time,
            random: 7,
            msg_body: body.clone(),
        };
        let message = imported_message(&id, item("alice", 50), 100).expect("fine");
        assert_eq!((message.time, message.random, message.to.as_str()), (50, 7, "g"));
        assert_eq!(imported_message(&id, item("alice", 101), 100).map_err(|e| e.code), Err(10004));
        assert_eq!(imported_message(&id, item("", 50), 100).map_err(|e| e.code), Err(10004));
        let empty = ImportedMessage { msg_body: Vec::new(), ..item("alice", 50) };
        assert_eq!(
            imported_message(&id, empty, 100).map_err(|e| e.code),
            Err(msg_body::INVALID_MSG_BODY)
        );
    }
}
