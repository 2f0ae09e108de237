//! Groups on the wire: TIM's group kinds and options, the group profile
//! and member shapes (`shared/reference/data-model.md`, `Group` and
//! `GroupMember`), the group operations with their requests and responses,
//! group tips (`TIMGroupTipElem`, stored on the group's timeline as
//! messages) and group system notices (`TIMGroupSystemNoticeElem`,
//! appended to the affected users' inboxes).
//!
//! Every string value is TIM's (`TIM.TYPES.GRP_*`, `JOIN_OPTIONS_*`,
//! `INVITE_OPTIONS_*`, `GRP_MBR_ROLE_*`, `JOIN_STATUS_*`). The rules of
//! each kind are the server's (its kinds table); this module only says what
//! crosses the wire.

use crate::ids::{GroupId, UserId};
use crate::ops::Operation;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A group's kind (`TIM.TYPES.GRP_*`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum GroupType {
    /// `GRP_WORK` / `GRP_PRIVATE` (`'Private'`), 好友工作群; the default.
    #[default]
    #[serde(rename = "Private")]
    Work,
    /// `GRP_PUBLIC` (`'Public'`), 陌生人社交群.
    #[serde(rename = "Public")]
    Public,
    /// `GRP_MEETING` / `GRP_CHATROOM` (`'ChatRoom'`), 临时会议群.
    #[serde(rename = "ChatRoom")]
    Meeting,
    /// `GRP_AVCHATROOM` (`'AVChatRoom'`), 直播群.
    #[serde(rename = "AVChatRoom")]
    AvChatRoom,
    /// `GRP_COMMUNITY` (`'Community'`), 社群.
    #[serde(rename = "Community")]
    Community,
}

impl GroupType {
    /// Every kind, in TIM's order.
    pub const ALL: [Self; 5] =
        [Self::Work, Self::Public, Self::Meeting, Self::AvChatRoom, Self::Community];

    /// The `TIM.TYPES` value.
    pub fn as_str(self) -> &'static str {
        use crate::constants::types;
        match self {
            Self::Work => types::GRP_WORK,
            Self::Public => types::GRP_PUBLIC,
            Self::Meeting => types::GRP_MEETING,
            Self::AvChatRoom => types::GRP_AVCHATROOM,
            Self::Community => types::GRP_COMMUNITY,
        }
    }
}

/// How a user joins by request (`TIM.TYPES.JOIN_OPTIONS_*`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum JoinOption {
    /// `'FreeAccess'`: joins at once.
    #[default]
    FreeAccess,
    /// `'NeedPermission'`: an owner or admin approves.
    NeedPermission,
    /// `'DisableApply'`: nobody joins by request.
    DisableApply,
}

/// Who may invite (`TIM.TYPES.INVITE_OPTIONS_*`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum InviteOption {
    /// `'DisableInvite'`: members may not invite.
    #[default]
    DisableInvite,
    /// `'NeedPermission'`: invitations wait for an owner or admin.
    NeedPermission,
    /// `'FreeAccess'`: members add people directly.
    FreeAccess,
}

/// A member's role (`TIM.TYPES.GRP_MBR_ROLE_*`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MemberRole {
    /// `'Owner'`.
    Owner,
    /// `'Admin'`.
    Admin,
    /// `'Member'`, the default.
    #[default]
    Member,
    /// `'Custom'` (Community only).
    Custom,
}

impl MemberRole {
    /// Whether the role is the owner's or an admin's.
    pub fn is_manager(self) -> bool {
        matches!(self, Self::Owner | Self::Admin)
    }
}

/// Outcome of `joinGroup` (`TIM.TYPES.JOIN_STATUS_*`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum JoinStatus {
    /// `'JoinedSuccess'`.
    JoinedSuccess,
    /// `'WaitAdminApproval'`.
    WaitAdminApproval,
    /// `'AlreadyInGroup'`.
    AlreadyInGroup,
}

/// A `{key, value}` custom field of a group or a member.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "GroupCustomField"))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomField {
    /// The key.
    pub key: String,
    /// The value.
    pub value: String,
}

/// The caller's own standing in a group (TIM `Group.selfInfo`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupSelfInfo {
    /// The caller's role.
    pub role: MemberRole,
    /// When the caller joined, seconds.
    pub join_time: i64,
    /// The caller's name card.
    pub name_card: String,
    /// Highest group message sequence the caller has read.
    pub read_sequence: u64,
}

/// A group's profile (TIM `Group`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupProfile {
    /// `groupID`.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
    /// Name (≤ 30 bytes).
    pub name: String,
    /// Avatar URL (≤ 100 bytes).
    pub avatar: String,
    /// Kind.
    #[serde(rename = "type")]
    pub group_type: GroupType,
    /// Introduction (≤ 240 bytes).
    pub introduction: String,
    /// Notification (≤ 300 bytes).
    pub notification: String,
    /// The owner; empty for an ownerless Work group (its owner quit).
    #[serde(rename = "ownerID")]
    pub owner_id: String,
    /// Creation time, seconds.
    pub create_time: i64,
    /// Grows by one with every profile change.
    pub info_sequence: u64,
    /// Time of the last profile change, seconds.
    pub last_info_time: i64,
    /// Members now (for an AVChatRoom: online joiners on this server).
    pub member_count: u64,
    /// Most members the group takes (0: unlimited, AVChatRoom).
    pub max_member_count: u64,
    /// Everyone but the owner and admins is muted.
    pub mute_all_members: bool,
    /// How users join by request.
    pub join_option: JoinOption,
    /// Who may invite.
    pub invite_option: InviteOption,
    /// Group custom fields.
    pub group_custom_field: Vec<CustomField>,
    /// A Community with topics.
    pub is_support_topic: bool,
    /// The sequence the group's next message gets (its timeline head + 1).
    pub next_message_seq: u64,
    /// The caller's standing, when the caller is a member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_info: Option<GroupSelfInfo>,
}

/// A group member (TIM `GroupMember`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupMember {
    /// The member.
    #[serde(rename = "userID")]
    pub user_id: UserId,
    /// Nickname (from the profile).
    pub nick: String,
    /// Avatar (from the profile).
    pub avatar: String,
    /// Role.
    pub role: MemberRole,
    /// When they joined, seconds.
    pub join_time: i64,
    /// Name card in this group.
    pub name_card: String,
    /// Muted until this time, seconds (0: not muted).
    pub mute_until: i64,
    /// Member custom fields.
    pub member_custom_field: Vec<CustomField>,
}

/// `TIMGroupTipElem` payload: a change of the group shown in its history.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GroupTipPayload {
    /// Who made the change.
    #[serde(rename = "operatorID")]
    pub operator_id: String,
    /// `TIM.TYPES.GRP_TIP_*`.
    pub operation_type: i64,
    /// The members it concerns.
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<String>,
    /// For `GRP_TIP_GRP_PROFILE_UPDATED`: the changed fields, by their
    /// `Group` names (`groupCustomField` among them).
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    pub new_group_profile: serde_json::Map<String, serde_json::Value>,
    /// For `GRP_TIP_MBR_PROFILE_UPDATED`: `[{userID, muteTime}]`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub member_list: Vec<TipMember>,
}

/// One member of a `GRP_TIP_MBR_PROFILE_UPDATED` tip.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TipMember {
    /// The member.
    #[serde(rename = "userID")]
    pub user_id: String,
    /// Seconds of mute set (0: mute lifted); absent when the change is
    /// not a mute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mute_time: Option<i64>,
    /// The member's new name card (`setGroupMemberNameCard`); absent when
    /// the change is not one of the name card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_card: Option<String>,
}

/// `TIMGroupSystemNoticeElem` operation types (the data model's list).
pub mod notice {
    /// A join request (to owners and admins).
    pub const JOIN_REQUEST: i64 = 1;
    /// A join request was accepted (to the applicant).
    pub const REQUEST_ACCEPTED: i64 = 2;
    /// A join request was refused (to the applicant).
    pub const REQUEST_REFUSED: i64 = 3;
    /// Removed from the group (to the removed member).
    pub const KICKED_OUT: i64 = 4;
    /// The group was dismissed (to every member).
    pub const DISMISSED: i64 = 5;
    /// The group was created (to the creator).
    pub const CREATED: i64 = 6;
    /// Added by someone else (to the added member).
    pub const INVITED: i64 = 7;
    /// Quit the group (to the quitter's other instances).
    pub const QUIT: i64 = 8;
    /// Made an admin (to that member).
    pub const SET_ADMIN: i64 = 9;
    /// No longer an admin (to that member).
    pub const CANCELED_ADMIN: i64 = 10;
    /// The group was recycled.
    pub const RECYCLED: i64 = 11;
    /// An invitation waits for approval.
    pub const INVITATION_REQUEST: i64 = 12;
    /// An invitation was accepted.
    pub const INVITATION_ACCEPTED: i64 = 13;
    /// An invitation was refused.
    pub const INVITATION_REFUSED: i64 = 14;
    /// A custom notice.
    pub const CUSTOM: i64 = 255;
}

/// `TIMGroupSystemNoticeElem` payload: a notice in `@TIM#SYSTEM`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GroupSystemNotice {
    /// One of [`notice`].
    pub operation_type: i64,
    /// The group as it was when the notice was made.
    pub group_profile: GroupProfile,
    /// Who caused it.
    #[serde(rename = "operatorID")]
    pub operator_id: String,
    /// A note (a join request's message, a removal's reason).
    pub handle_message: String,
    /// Server time, seconds.
    pub time: i64,
}

/// Why a member's membership ended ([`crate::inbox::InboxEvent::GroupLeft`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum LeftReason {
    /// The member quit.
    Quit,
    /// An owner or admin removed them.
    Kicked,
    /// The group was dismissed.
    Dismissed,
}

macro_rules! operation {
    ($req:ty, $name:literal, $resp:ty) => {
        impl Operation for $req {
            const NAME: &'static str = $name;
            type Response = $resp;
        }
    };
}

/// Names of the group operations (part of [`crate::ops::ALL_OPERATIONS`]).
pub const GROUP_OPERATIONS: &[&str] = &[
    CreateGroup::NAME,
    GetGroupList::NAME,
    GetGroupProfile::NAME,
    DismissGroup::NAME,
    UpdateGroupProfile::NAME,
    JoinGroup::NAME,
    QuitGroup::NAME,
    SearchGroupByID::NAME,
    AddGroupMember::NAME,
    DeleteGroupMember::NAME,
    GetGroupMemberList::NAME,
    GetGroupMemberProfile::NAME,
    ChangeGroupOwner::NAME,
    SetGroupMemberRole::NAME,
    SetGroupMemberMuteTime::NAME,
    SetGroupMemberNameCard::NAME,
    GetGroupApplicationList::NAME,
    HandleGroupApplication::NAME,
    GetGroupOnlineMemberCount::NAME,
    InitGroupAttributes::NAME,
    SetGroupAttributes::NAME,
    DeleteGroupAttributes::NAME,
    GetGroupAttributes::NAME,
    SetGroupCounters::NAME,
    IncreaseGroupCounter::NAME,
    DecreaseGroupCounter::NAME,
    GetGroupCounters::NAME,
    SetGroupMemberCustomField::NAME,
    MarkGroupMemberList::NAME,
];

/// One initial member of `createGroup`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewGroupMember {
    /// The user.
    #[serde(rename = "userID")]
    pub user_id: UserId,
    /// Only `Admin` is accepted; absent: `Member`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<MemberRole>,
    /// Member custom fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub member_custom_field: Vec<CustomField>,
}

/// `createGroup`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateGroup {
    /// Name (≤ 30 bytes), required.
    pub name: String,
    /// Kind (default Work).
    #[serde(default, rename = "type")]
    pub group_type: GroupType,
    /// The group ID to use; absent: the server makes one (`@TGS#…`).
    #[serde(default, rename = "groupID", skip_serializing_if = "Option::is_none")]
    pub group_id: Option<GroupId>,
    /// Introduction (≤ 240 bytes).
    #[serde(default)]
    pub introduction: String,
    /// Notification (≤ 300 bytes).
    #[serde(default)]
    pub notification: String,
    /// Avatar URL (≤ 100 bytes).
    #[serde(default)]
    pub avatar: String,
    /// Most members; absent: the kind's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_member_num: Option<u64>,
    /// Join option (not for Work, Meeting, AVChatRoom).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join_option: Option<JoinOption>,
    /// Invite option (not for AVChatRoom).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite_option: Option<InviteOption>,
    /// Initial members (≤ 500; none for AVChatRoom).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub member_list: Vec<NewGroupMember>,
    /// Group custom fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub group_custom_field: Vec<CustomField>,
    /// A Community with topics.
    #[serde(default)]
    pub is_support_topic: bool,
}

/// Response to [`CreateGroup`].
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateGroupResponse {
    /// The created group.
    pub group: GroupProfile,
    /// Members not added because they are in too many groups.
    #[serde(rename = "overLimitUserIDList")]
    pub over_limit_user_id_list: Vec<UserId>,
}
operation!(CreateGroup, "createGroup", CreateGroupResponse);

/// `getGroupList`: the caller's groups (never AVChatRooms). The server
/// returns whole profiles; `groupProfileFilter` is for the SDK to trim.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetGroupList {
    /// `GRP_PROFILE_*` fields wanted beyond the defaults.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub group_profile_filter: Vec<String>,
}

/// Response to [`GetGroupList`].
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetGroupListResponse {
    /// The groups, with `selfInfo`.
    pub group_list: Vec<GroupProfile>,
}
operation!(GetGroupList, "getGroupList", GetGroupListResponse);

/// `getGroupProfile`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetGroupProfile {
    /// The group.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
    /// Group custom field keys wanted; empty: all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub group_custom_field_filter: Vec<String>,
}

/// A response carrying one group.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupResponse {
    /// The group.
    pub group: GroupProfile,
}
operation!(GetGroupProfile, "getGroupProfile", GroupResponse);

/// A request naming one group (`dismissGroup`, `quitGroup`,
/// `searchGroupByID` use their own types of this shape).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DismissGroup {
    /// The group.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
}

/// A response naming one group.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupIdResponse {
    /// The group.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
}
operation!(DismissGroup, "dismissGroup", GroupIdResponse);

/// `updateGroupProfile`: absent fields stay.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateGroupProfile {
    /// The group.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New avatar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    /// New introduction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introduction: Option<String>,
    /// New notification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification: Option<String>,
    /// Mute or unmute everyone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mute_all_members: Option<bool>,
    /// New join option.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join_option: Option<JoinOption>,
    /// New invite option.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite_option: Option<InviteOption>,
    /// Custom fields to set (each key replaced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_custom_field: Option<Vec<CustomField>>,
    /// Refused: only the REST API changes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_member_num: Option<u64>,
}
operation!(UpdateGroupProfile, "updateGroupProfile", GroupResponse);

/// `joinGroup`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JoinGroup {
    /// The group.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
    /// The request's message.
    #[serde(default)]
    pub apply_message: String,
}

/// Response to [`JoinGroup`].
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JoinGroupResponse {
    /// The outcome.
    pub status: JoinStatus,
    /// The group, when joined (or already in it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<GroupProfile>,
}
operation!(JoinGroup, "joinGroup", JoinGroupResponse);

/// `quitGroup`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QuitGroup {
    /// The group.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
}
operation!(QuitGroup, "quitGroup", GroupIdResponse);

/// `searchGroupByID` (never finds a Work group).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchGroupByID {
    /// The group.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
}
operation!(SearchGroupByID, "searchGroupByID", GroupResponse);

/// `addGroupMember`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AddGroupMember {
    /// The group.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
    /// Users to add (≤ 500).
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<UserId>,
}

/// Response to [`AddGroupMember`].
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddGroupMemberResponse {
    /// Added.
    #[serde(rename = "successUserIDList")]
    pub success_user_id_list: Vec<UserId>,
    /// Not added (unknown users, the group full).
    #[serde(rename = "failureUserIDList")]
    pub failure_user_id_list: Vec<UserId>,
    /// Members already.
    #[serde(rename = "existedUserIDList")]
    pub existed_user_id_list: Vec<UserId>,
    /// In too many groups.
    #[serde(rename = "overLimitUserIDList")]
    pub over_limit_user_id_list: Vec<UserId>,
    /// The group after the change.
    pub group: GroupProfile,
}
operation!(AddGroupMember, "addGroupMember", AddGroupMemberResponse);

/// `deleteGroupMember`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DeleteGroupMember {
    /// The group.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
    /// Members to remove (≤ 20).
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<UserId>,
    /// Why (shown in the removed member's notice).
    #[serde(default)]
    pub reason: String,
    /// AVChatRoom ban, seconds.
    #[serde(default)]
    pub duration: u64,
}

/// Response to [`DeleteGroupMember`].
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeleteGroupMemberResponse {
    /// The group after the change.
    pub group: GroupProfile,
    /// Removed.
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<UserId>,
}
operation!(DeleteGroupMember, "deleteGroupMember", DeleteGroupMemberResponse);

/// A member-list position: a number, or (Community) a string.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MemberListOffset {
    /// A numeric offset.
    Number(u64),
    /// A Community's string cursor.
    Text(String),
}

impl Default for MemberListOffset {
    fn default() -> Self {
        Self::Number(0)
    }
}

impl MemberListOffset {
    /// The position as a number (a string that is not one counts as 0).
    pub fn position(&self) -> u64 {
        match self {
            Self::Number(n) => *n,
            Self::Text(s) => s.parse().unwrap_or(0),
        }
    }
}

/// `getGroupMemberList`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GetGroupMemberList {
    /// The group.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
    /// Page size (default 15, more than 100 is 100).
    #[serde(default)]
    pub count: u32,
    /// Where to start (0).
    #[serde(default)]
    pub offset: MemberListOffset,
    /// AVChatRoom only: the online joiners carrying this mark
    /// ([`MarkGroupMemberList`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<u64>,
}

/// Response to [`GetGroupMemberList`].
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetGroupMemberListResponse {
    /// Members, by join order.
    pub member_list: Vec<GroupMember>,
    /// Where the next page starts; 0 (or `"0"` for a Community) when all
    /// members were returned.
    pub offset: MemberListOffset,
}
operation!(GetGroupMemberList, "getGroupMemberList", GetGroupMemberListResponse);

/// `getGroupMemberProfile` (the first 50 users count).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetGroupMemberProfile {
    /// The group.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
    /// The members asked about.
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<UserId>,
    /// Member custom field keys wanted; empty: all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub member_custom_field_filter: Vec<String>,
}

/// A response carrying members.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberListResponse {
    /// The members found.
    pub member_list: Vec<GroupMember>,
}
operation!(GetGroupMemberProfile, "getGroupMemberProfile", MemberListResponse);

/// `changeGroupOwner`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ChangeGroupOwner {
    /// The group.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
    /// The new owner (a member).
    #[serde(rename = "newOwnerID")]
    pub new_owner_id: UserId,
}
operation!(ChangeGroupOwner, "changeGroupOwner", GroupResponse);

/// A response carrying the group and one member.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupMemberResponse {
    /// The group.
    pub group: GroupProfile,
    /// The member after the change.
    pub member: GroupMember,
}

/// `setGroupMemberRole` (owner only).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SetGroupMemberRole {
    /// The group.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
    /// The member.
    #[serde(rename = "userID")]
    pub user_id: UserId,
    /// `Admin`, `Member` or (Community) `Custom`.
    pub role: MemberRole,
}
operation!(SetGroupMemberRole, "setGroupMemberRole", GroupMemberResponse);

/// `setGroupMemberMuteTime`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetGroupMemberMuteTime {
    /// The group.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
    /// The member.
    #[serde(rename = "userID")]
    pub user_id: UserId,
    /// Seconds from now; 0 lifts the mute.
    pub mute_time: u64,
}
operation!(SetGroupMemberMuteTime, "setGroupMemberMuteTime", GroupMemberResponse);

/// `setGroupMemberNameCard`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetGroupMemberNameCard {
    /// The group.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
    /// The member; absent: the caller.
    #[serde(default, rename = "userID", skip_serializing_if = "Option::is_none")]
    pub user_id: Option<UserId>,
    /// The new name card.
    pub name_card: String,
}
operation!(SetGroupMemberNameCard, "setGroupMemberNameCard", GroupMemberResponse);

/// `GroupApplication.applicationType` of a join request (the seed's
/// comment: 0 join request, 1 invitation request).
pub const APPLICATION_JOIN: i64 = 0;

/// A pending request (TIM `getGroupApplicationList` item). As a request
/// field only `groupID` and `applicant` are needed: the SDK passes an item
/// unchanged, or builds one from a join-request notice (its
/// `groupProfile.groupID` and `operatorID`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GroupApplication {
    /// Who asked to join.
    pub applicant: UserId,
    /// The applicant's nickname.
    pub applicant_nick: String,
    /// The group.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
    /// The group's name.
    pub group_name: String,
    /// [`APPLICATION_JOIN`] (invitation requests are not served yet).
    pub application_type: i64,
    /// The invitee of an invitation request; empty for a join request.
    #[serde(rename = "userID")]
    pub user_id: String,
    /// The applicant's `applyMessage`.
    pub note: String,
    /// When the request was made, seconds.
    pub time: i64,
}

/// `getGroupApplicationList`: pending requests of every group where the
/// caller is the owner or an admin.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetGroupApplicationList {}

/// Response to [`GetGroupApplicationList`].
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetGroupApplicationListResponse {
    /// Pending requests, oldest first.
    pub application_list: Vec<GroupApplication>,
}
operation!(GetGroupApplicationList, "getGroupApplicationList", GetGroupApplicationListResponse);

/// `handleGroupApplication`'s decision.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum HandleAction {
    /// `'Agree'`: the applicant joins.
    #[default]
    Agree,
    /// `'Reject'`: the request is refused.
    Reject,
}

/// `handleGroupApplication` (owner or admin; the first decision stands).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HandleGroupApplication {
    /// Agree or reject.
    pub handle_action: HandleAction,
    /// A note to the applicant.
    #[serde(default)]
    pub handle_message: String,
    /// The request (an item of [`GetGroupApplicationList`]).
    pub application: GroupApplication,
}
operation!(HandleGroupApplication, "handleGroupApplication", GroupResponse);

/// `getGroupOnlineMemberCount`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetGroupOnlineMemberCount {
    /// The group.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
}

/// Response to [`GetGroupOnlineMemberCount`].
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OnlineMemberCountResponse {
    /// Online joiners of an AVChatRoom the caller is in; 0 otherwise.
    pub member_count: u64,
}
operation!(GetGroupOnlineMemberCount, "getGroupOnlineMemberCount", OnlineMemberCountResponse);

/// Group attributes: key → value.
pub type GroupAttributes = BTreeMap<String, String>;

/// Group counters: key → value.
pub type GroupCounters = BTreeMap<String, i64>;

/// `initGroupAttributes`: replaces the whole attribute set.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InitGroupAttributes {
    /// The group.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
    /// The new set (≤ 16 keys of ≤ 32 bytes, values ≤ 4 KB, ≤ 16 KB in all).
    pub group_attributes: GroupAttributes,
}

/// A response carrying attributes.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupAttributesResponse {
    /// The attributes initialized, set or asked for.
    pub group_attributes: GroupAttributes,
}
operation!(InitGroupAttributes, "initGroupAttributes", GroupAttributesResponse);

/// `setGroupAttributes`: adds or overwrites the given keys.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetGroupAttributes {
    /// The group.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
    /// The keys to set (the set after stays within the limits of init).
    pub group_attributes: GroupAttributes,
}
operation!(SetGroupAttributes, "setGroupAttributes", GroupAttributesResponse);

/// `deleteGroupAttributes`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteGroupAttributes {
    /// The group.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
    /// Keys to delete; empty: all.
    pub key_list: Vec<String>,
}

/// Response to [`DeleteGroupAttributes`].
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyListResponse {
    /// The keys deleted.
    pub key_list: Vec<String>,
}
operation!(DeleteGroupAttributes, "deleteGroupAttributes", KeyListResponse);

/// `getGroupAttributes`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetGroupAttributes {
    /// The group.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
    /// Keys wanted; empty: all.
    #[serde(default)]
    pub key_list: Vec<String>,
}
operation!(GetGroupAttributes, "getGroupAttributes", GroupAttributesResponse);

/// `setGroupCounters`: adds or overwrites the given counters.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetGroupCounters {
    /// The group.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
    /// The counters to set.
    pub counters: GroupCounters,
}

/// A response carrying counters.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupCountersResponse {
    /// The counters set or asked for.
    pub counters: GroupCounters,
}
operation!(SetGroupCounters, "setGroupCounters", GroupCountersResponse);

/// `increaseGroupCounter` / `decreaseGroupCounter` (their own types of
/// this shape).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncreaseGroupCounter {
    /// The group.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
    /// The counter (a missing one starts at 0).
    pub key: String,
    /// How much to add.
    pub value: i64,
}

/// A counter after a change.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupCounterResponse {
    /// The group.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
    /// The counter.
    pub key: String,
    /// Its value now.
    pub value: i64,
}
operation!(IncreaseGroupCounter, "increaseGroupCounter", GroupCounterResponse);

/// `decreaseGroupCounter`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecreaseGroupCounter {
    /// The group.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
    /// The counter (a missing one starts at 0).
    pub key: String,
    /// How much to subtract.
    pub value: i64,
}
operation!(DecreaseGroupCounter, "decreaseGroupCounter", GroupCounterResponse);

/// `getGroupCounters`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetGroupCounters {
    /// The group.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
    /// Counters wanted; absent or empty: all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key_list: Vec<String>,
}
operation!(GetGroupCounters, "getGroupCounters", GroupCountersResponse);

/// `setGroupMemberCustomField`: adds or overwrites the member's fields by
/// key.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetGroupMemberCustomField {
    /// The group.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
    /// The member; absent: the caller.
    #[serde(default, rename = "userID", skip_serializing_if = "Option::is_none")]
    pub user_id: Option<UserId>,
    /// The fields to set.
    pub member_custom_field: Vec<CustomField>,
}
operation!(SetGroupMemberCustomField, "setGroupMemberCustomField", GroupMemberResponse);

/// `markGroupMemberList` (AVChatRoom only; the owner marks joiners).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarkGroupMemberList {
    /// The group.
    #[serde(rename = "groupID")]
    pub group_id: GroupId,
    /// The joiners (≤ 500).
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<UserId>,
    /// A custom mark, ≥ 1000 (a room has at most 10 distinct marks).
    pub mark_type: u64,
    /// `true` adds the mark, `false` removes it.
    pub enable_mark: bool,
}

/// Response to [`MarkGroupMemberList`].
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarkGroupMemberListResponse {
    /// Joiners marked (or unmarked).
    #[serde(rename = "successUserIDList")]
    pub success_user_id_list: Vec<UserId>,
    /// Users not in the room.
    #[serde(rename = "failureUserIDList")]
    pub failure_user_id_list: Vec<UserId>,
}
operation!(MarkGroupMemberList, "markGroupMemberList", MarkGroupMemberListResponse);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip<T>(value: &T, expected: serde_json::Value)
    where
        T: Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        let json = serde_json::to_value(value).expect("serialize");
        assert_eq!(json, expected);
        assert_eq!(&serde_json::from_value::<T>(json).expect("parse"), value);
    }

    /// A profile for the snapshots.
    pub(crate) fn sample_profile() -> GroupProfile {
        GroupProfile {
            group_id: GroupId::new("@TGS#1"),
            name: "g".into(),
            group_type: GroupType::Public,
            owner_id: "alice".into(),
            create_time: 10,
            member_count: 2,
            max_member_count: 2000,
            next_message_seq: 1,
            ..Default::default()
        }
    }

    #[test]
    fn kinds_options_and_roles_use_tim_strings() {
        let tim: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/reference/tim-constants.json"
            ))
            .expect("tim-constants.json beside the repo"),
        )
        .expect("constants parse");
        let types = tim.get("TYPES").unwrap_or(&tim);
        for (kind, name) in [
            (GroupType::Work, "GRP_WORK"),
            (GroupType::Public, "GRP_PUBLIC"),
            (GroupType::Meeting, "GRP_MEETING"),
            (GroupType::AvChatRoom, "GRP_AVCHATROOM"),
            (GroupType::Community, "GRP_COMMUNITY"),
        ] {
            assert_eq!(serde_json::to_value(kind).expect("ser"), types[name], "{name}");
            assert_eq!(kind.as_str(), types[name]);
        }
        for (role, name) in [
            (MemberRole::Owner, "GRP_MBR_ROLE_OWNER"),
            (MemberRole::Admin, "GRP_MBR_ROLE_ADMIN"),
            (MemberRole::Member, "GRP_MBR_ROLE_MEMBER"),
            (MemberRole::Custom, "GRP_MBR_ROLE_CUSTOM"),
        ] {
            assert_eq!(serde_json::to_value(role).expect("ser"), types[name], "{name}");
        }
        for (option, name) in [
            (JoinOption::FreeAccess, "JOIN_OPTIONS_FREE_ACCESS"),
            (JoinOption::NeedPermission, "JOIN_OPTIONS_NEED_PERMISSION"),
            (JoinOption::DisableApply, "JOIN_OPTIONS_DISABLE_APPLY"),
        ] {
            assert_eq!(serde_json::to_value(option).expect("ser"), types[name], "{name}");
        }
        for (option, name) in [
            (InviteOption::DisableInvite, "INVITE_OPTIONS_DISABLE_INVITE"),
            (InviteOption::NeedPermission, "INVITE_OPTIONS_NEED_PERMISSION"),
            (InviteOption::FreeAccess, "INVITE_OPTIONS_FREE_ACCESS"),
        ] {
            assert_eq!(serde_json::to_value(option).expect("ser"), types[name], "{name}");
        }
        for (status, name) in [
            (JoinStatus::JoinedSuccess, "JOIN_STATUS_SUCCESS"),
            (JoinStatus::WaitAdminApproval, "JOIN_STATUS_WAIT_APPROVAL"),
            (JoinStatus::AlreadyInGroup, "JOIN_STATUS_ALREADY_IN_GROUP"),
        ] {
            assert_eq!(serde_json::to_value(status).expect("ser"), types[name], "{name}");
        }
    }

    #[test]
    fn profile_and_member_snapshots() {
        round_trip(
            &sample_profile(),
            json!({"groupID":"@TGS#1","name":"g","avatar":"","type":"Public","introduction":"",
                   "notification":"","ownerID":"alice","createTime":10,"infoSequence":0,
                   "lastInfoTime":0,"memberCount":2,"maxMemberCount":2000,"muteAllMembers":false,
                   "joinOption":"FreeAccess","inviteOption":"DisableInvite","groupCustomField":[],
                   "isSupportTopic":false,"nextMessageSeq":1}),
        );
        round_trip(
            &GroupMember {
                user_id: UserId::new("bob"),
                role: MemberRole::Admin,
                join_time: 3,
                mute_until: 9,
                member_custom_field: vec![CustomField { key: "k".into(), value: "v".into() }],
                ..Default::default()
            },
            json!({"userID":"bob","nick":"","avatar":"","role":"Admin","joinTime":3,"nameCard":"",
                   "muteUntil":9,"memberCustomField":[{"key":"k","value":"v"}]}),
        );
        round_trip(
            &GroupTipPayload {
                operator_id: "alice".into(),
                operation_type: 7,
                user_id_list: vec!["bob".into()],
                new_group_profile: serde_json::Map::new(),
                member_list: vec![TipMember {
                    user_id: "bob".into(),
                    mute_time: Some(60),
                    name_card: None,
                }],
            },
            json!({"operatorID":"alice","operationType":7,"userIDList":["bob"],
                   "memberList":[{"userID":"bob","muteTime":60}]}),
        );
        round_trip(
            &GroupTipPayload {
                operator_id: "bob".into(),
                operation_type: 7,
                user_id_list: vec!["bob".into()],
                new_group_profile: serde_json::Map::new(),
                member_list: vec![TipMember {
                    user_id: "bob".into(),
                    mute_time: None,
                    name_card: Some("Bobby".into()),
                }],
            },
            json!({"operatorID":"bob","operationType":7,"userIDList":["bob"],
                   "memberList":[{"userID":"bob","nameCard":"Bobby"}]}),
        );
    }

    #[test]
    fn request_snapshots() {
        round_trip(
            &CreateGroup {
                name: "g".into(),
                group_type: GroupType::Meeting,
                member_list: vec![NewGroupMember {
                    user_id: UserId::new("bob"),
                    role: Some(MemberRole::Admin),
                    member_custom_field: vec![],
                }],
                ..Default::default()
            },
            json!({"name":"g","type":"ChatRoom","introduction":"","notification":"","avatar":"",
                   "memberList":[{"userID":"bob","role":"Admin"}],"isSupportTopic":false}),
        );
        let bare: CreateGroup = serde_json::from_value(json!({"name":"g"})).expect("parse");
        assert_eq!(bare.group_type, GroupType::Work);
        round_trip(
            &UpdateGroupProfile {
                group_id: GroupId::new("g"),
                mute_all_members: Some(true),
                ..Default::default()
            },
            json!({"groupID":"g","muteAllMembers":true}),
        );
        round_trip(
            &GetGroupMemberList {
                group_id: GroupId::new("g"),
                count: 15,
                offset: MemberListOffset::Text("15".into()),
                filter: None,
            },
            json!({"groupID":"g","count":15,"offset":"15"}),
        );
        round_trip(
            &SetGroupMemberMuteTime {
                group_id: GroupId::new("g"),
                user_id: UserId::new("bob"),
                mute_time: 60,
            },
            json!({"groupID":"g","userID":"bob","muteTime":60}),
        );
        round_trip(
            &SetGroupMemberNameCard {
                group_id: GroupId::new("g"),
                user_id: None,
                name_card: "B".into(),
            },
            json!({"groupID":"g","nameCard":"B"}),
        );
        round_trip(
            &ChangeGroupOwner { group_id: GroupId::new("g"), new_owner_id: UserId::new("bob") },
            json!({"groupID":"g","newOwnerID":"bob"}),
        );
        round_trip(
            &DeleteGroupMember {
                group_id: GroupId::new("g"),
                user_id_list: vec![UserId::new("bob")],
                reason: "r".into(),
                duration: 0,
            },
            json!({"groupID":"g","userIDList":["bob"],"reason":"r","duration":0}),
        );
    }

    #[test]
    fn application_snapshots() {
        round_trip(
            &GroupApplication {
                applicant: UserId::new("carol"),
                applicant_nick: "C".into(),
                group_id: GroupId::new("g"),
                group_name: "club".into(),
                application_type: APPLICATION_JOIN,
                user_id: String::new(),
                note: "hi".into(),
                time: 5,
            },
            json!({"applicant":"carol","applicantNick":"C","groupID":"g","groupName":"club",
                   "applicationType":0,"userID":"","note":"hi","time":5}),
        );
        // A request names only the group and the applicant.
        let handle: HandleGroupApplication = serde_json::from_value(json!({
            "handleAction":"Reject","application":{"groupID":"g","applicant":"carol"}
        }))
        .expect("parse");
        assert_eq!(handle.handle_action, HandleAction::Reject);
        assert_eq!(handle.handle_message, "");
        assert_eq!(handle.application.applicant, UserId::new("carol"));
        round_trip(&OnlineMemberCountResponse { member_count: 2 }, json!({"memberCount":2}));
        round_trip(
            &GetGroupOnlineMemberCount { group_id: GroupId::new("g") },
            json!({"groupID":"g"}),
        );
    }

    #[test]
    fn response_snapshots() {
        let group = sample_profile();
        let value = serde_json::to_value(&group).expect("ser");
        round_trip(
            &JoinGroupResponse { status: JoinStatus::WaitAdminApproval, group: None },
            json!({"status":"WaitAdminApproval"}),
        );
        round_trip(
            &AddGroupMemberResponse {
                success_user_id_list: vec![UserId::new("bob")],
                failure_user_id_list: vec![],
                existed_user_id_list: vec![],
                over_limit_user_id_list: vec![],
                group: group.clone(),
            },
            json!({"successUserIDList":["bob"],"failureUserIDList":[],"existedUserIDList":[],
                   "overLimitUserIDList":[],"group":value}),
        );
        round_trip(
            &GetGroupMemberListResponse {
                member_list: vec![],
                offset: MemberListOffset::Number(0),
            },
            json!({"memberList":[],"offset":0}),
        );
        round_trip(&GroupIdResponse { group_id: GroupId::new("g") }, json!({"groupID":"g"}));
        round_trip(
            &GroupSystemNotice {
                operation_type: notice::KICKED_OUT,
                group_profile: group.clone(),
                operator_id: "alice".into(),
                handle_message: "bye".into(),
                time: 5,
            },
            json!({"operationType":4,"groupProfile":value,"operatorID":"alice",
                   "handleMessage":"bye","time":5}),
        );
    }
}
