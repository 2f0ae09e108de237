//! The relation chain on the wire (TIM 关系链): friends, friend requests
//! (applications), friend groups and the blacklist.
//!
//! Everything here is the caller's own state, kept by the server and
//! followed by every instance through the owner's inbox: each change is an
//! inbox event naming what it changed as it is now (`friendUpdated` with the
//! whole friend, `friendDeleted`, `friendApplicationUpdated`,
//! `friendApplicationDeleted`, `friendApplicationsRead`,
//! `friendGroupUpdated`, `friendGroupDeleted`, `friendGroupRenamed`,
//! `blacklistAdded`, `blacklistRemoved`). Replaying them in order from any
//! cursor ends in the server's state, so a fresh store reads each list once
//! (`getFriendList`, `getFriendApplicationList`, `getFriendGroupList`,
//! `getBlacklist`) and from then on a reconnect brings only the changes.
//!
//! A blacklist is the caller's own: `addToBlacklist` and
//! `removeFromBlacklist` change it and answer with the whole list after the
//! change; every change is an inbox event of the caller (`blacklistAdded`,
//! `blacklistRemoved`, with the userIDs it changed), so the caller's other
//! instances, online or not, follow it incrementally. A fresh store reads
//! the whole list once (`getBlacklist`). While either of two users has the
//! other on their blacklist, C2C messages between them are refused with
//! 20007 (`ERR_SVR_MSG_IN_PEER_BLACKLIST`), in both directions.

use crate::ids::UserId;
use crate::ops::Operation;
use crate::profile::{CustomField, Profile};
use serde::{Deserialize, Serialize};

/// Most userIDs one `addToBlacklist` or `removeFromBlacklist` takes (the
/// seed's "不得超过1000"); more, or none, is refused as a malformed
/// request (20001, the code of every request that breaks its operation's
/// shape: TIM names no code for it).
pub const MAX_BLACKLIST_IDS_PER_CALL: usize = 1000;

macro_rules! operation {
    ($req:ty, $name:literal, $resp:ty) => {
        impl Operation for $req {
            const NAME: &'static str = $name;
            type Response = $resp;
        }
    };
}

/// Names of the relation-chain operations (part of
/// [`crate::ops::ALL_OPERATIONS`]).
pub const RELATION_OPERATIONS: &[&str] = &[
    GetBlacklist::NAME,
    AddToBlacklist::NAME,
    RemoveFromBlacklist::NAME,
    GetFriendList::NAME,
    AddFriend::NAME,
    DeleteFriend::NAME,
    CheckFriend::NAME,
    GetFriendProfile::NAME,
    UpdateFriend::NAME,
    GetFriendApplicationList::NAME,
    AcceptFriendApplication::NAME,
    RefuseFriendApplication::NAME,
    DeleteFriendApplication::NAME,
    SetFriendApplicationRead::NAME,
    GetFriendGroupList::NAME,
    CreateFriendGroup::NAME,
    DeleteFriendGroup::NAME,
    AddToFriendGroup::NAME,
    RemoveFromFriendGroup::NAME,
    RenameFriendGroup::NAME,
];

/// `getBlacklist`: the caller's whole blacklist.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GetBlacklist {}
operation!(GetBlacklist, "getBlacklist", BlacklistResponse);

/// `addToBlacklist`: puts users on the caller's blacklist (already there is
/// fine). Refused whole: an empty list or more than
/// [`MAX_BLACKLIST_IDS_PER_CALL`] (20001), the caller's own
/// userID (2742 `CANNOT_ADD_SELF_TO_BLACKLIST`), a userID that is not
/// registered (2501).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AddToBlacklist {
    /// The users, even for one.
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<UserId>,
}
operation!(AddToBlacklist, "addToBlacklist", BlacklistResponse);

/// `removeFromBlacklist`: takes users off the caller's blacklist (not on
/// it is fine). Refused: an empty list or more than
/// [`MAX_BLACKLIST_IDS_PER_CALL`] (20001).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RemoveFromBlacklist {
    /// The users, even for one.
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<UserId>,
}
operation!(RemoveFromBlacklist, "removeFromBlacklist", BlacklistResponse);

/// The caller's whole blacklist, oldest entry first (what TIM's
/// `imResponse.data` of all three operations is).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BlacklistResponse {
    /// The userIDs.
    #[serde(rename = "userIDList", default)]
    pub user_id_list: Vec<UserId>,
}

/// `addFriend`'s `data.code` when the target must accept the request
/// (`allowType` NeedConfirm): the call succeeded, a request waits. Not an
/// error (TIM's 30539).
pub const ADD_FRIEND_PENDING: i32 = 30539;

/// Most userIDs one `deleteFriend` takes (the seed: "建议一次最大 100 个").
pub const MAX_DELETE_FRIEND_IDS: usize = 100;
/// Most userIDs one `checkFriend` takes (the seed: "单次最多 1000").
pub const MAX_CHECK_FRIEND_IDS: usize = 1000;
/// Most userIDs one `getFriendProfile`, `createFriendGroup`,
/// `addToFriendGroup` or `removeFromFriendGroup` takes (Confab's cap; the
/// seed names none: the server's packet limit).
pub const MAX_FRIEND_IDS_PER_CALL: usize = 1000;
/// Longest friend remark, in bytes (the seed: "备注长度最长不得超过 96 个字节").
pub const MAX_FRIEND_REMARK_BYTES: usize = 96;
/// Longest friend request message, in bytes ("加好友附言 … 256 个字节").
pub const MAX_FRIEND_WORDING_BYTES: usize = 256;
/// Longest friend group name, in bytes ("分组名长度不得超过 30 个字节").
pub const MAX_FRIEND_GROUP_NAME_BYTES: usize = 30;
/// Prefix of every `addFriend` `source` (the keyword after it is letters
/// only, at most [`MAX_ADD_SOURCE_KEYWORD_BYTES`]).
pub const ADD_SOURCE_PREFIX: &str = "AddSource_Type_";
/// Longest keyword after [`ADD_SOURCE_PREFIX`], in bytes.
pub const MAX_ADD_SOURCE_KEYWORD_BYTES: usize = 8;
/// Prefix of every friend custom field key (`updateFriend`).
pub const FRIEND_CUSTOM_FIELD_PREFIX: &str = "Tag_SNS_Custom_";
/// Most friends one user may have (Confab's; TIM's default plan allows
/// 3,000, the server is not the limit here). Past it `addFriend` and
/// `acceptFriendApplication` are refused: 30010 for the caller's list,
/// 30014 for the other user's.
pub const MAX_FRIENDS: u64 = 10_000;
/// Most friend groups one user may have (Confab's; the seed names none).
/// Past it `createFriendGroup` (and `addFriend` with a new `groupName`) is
/// refused with 90013.
pub const MAX_FRIEND_GROUPS: u64 = 100;

/// `TIM.TYPES.SNS_ADD_TYPE_*`: whether adding makes the friendship one- or
/// two-way.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum AddType {
    /// `Add_Type_Single`: only the caller's list gains the user.
    #[serde(rename = "Add_Type_Single")]
    Single,
    /// `Add_Type_Both` (the default): both lists gain each other.
    #[default]
    #[serde(rename = "Add_Type_Both")]
    Both,
}

/// `TIM.TYPES.SNS_DELETE_TYPE_*`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeleteType {
    /// `Delete_Type_Single`: only the caller's list loses the user.
    #[serde(rename = "Delete_Type_Single")]
    Single,
    /// `Delete_Type_Both` (the default): both lists lose each other.
    #[default]
    #[serde(rename = "Delete_Type_Both")]
    Both,
}

/// `TIM.TYPES.SNS_CHECK_TYPE_*`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckType {
    /// `CheckResult_Type_Single`: whether the caller has the user.
    #[serde(rename = "CheckResult_Type_Single")]
    Single,
    /// `CheckResult_Type_Both` (the default): both directions.
    #[default]
    #[serde(rename = "CheckResult_Type_Both")]
    Both,
}

/// `TIM.TYPES.SNS_TYPE_*`: a checked relation, seen from the caller (A).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Relation {
    /// `CheckResult_Type_NoRelation`.
    #[serde(rename = "CheckResult_Type_NoRelation")]
    NoRelation,
    /// `CheckResult_Type_AWithB`: A has B (and, in a both check, B does not
    /// have A).
    #[serde(rename = "CheckResult_Type_AWithB")]
    AWithB,
    /// `CheckResult_Type_BWithA`: B has A, A does not have B (both check only).
    #[serde(rename = "CheckResult_Type_BWithA")]
    BWithA,
    /// `CheckResult_Type_BothWay`.
    #[serde(rename = "CheckResult_Type_BothWay")]
    BothWay,
}

/// `TIM.TYPES.SNS_APPLICATION_SENT_*`: a friend request seen from the
/// caller.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ApplicationType {
    /// `Pendency_Type_ComeIn`: sent to me.
    #[serde(rename = "Pendency_Type_ComeIn")]
    ComeIn,
    /// `Pendency_Type_SendOut`: sent by me.
    #[serde(rename = "Pendency_Type_SendOut")]
    SendOut,
}

impl ApplicationType {
    /// The `TIM.TYPES` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ComeIn => crate::constants::types::SNS_APPLICATION_SENT_TO_ME,
            Self::SendOut => crate::constants::types::SNS_APPLICATION_SENT_BY_ME,
        }
    }
}

/// `TIM.TYPES.SNS_APPLICATION_AGREE*`: how a request is accepted.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResponseAction {
    /// `Response_Action_Agree`: the requester gains me; I do not gain them.
    #[serde(rename = "Response_Action_Agree")]
    Agree,
    /// `Response_Action_AgreeAndAdd`: we gain each other.
    #[serde(rename = "Response_Action_AgreeAndAdd")]
    AgreeAndAdd,
}

/// TIM `Friend`: a user on the owner's friend list, with the owner's
/// fields for them and the user's profile as the server had it when it
/// answered.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Friend {
    /// The friend.
    #[serde(rename = "userID")]
    pub user_id: UserId,
    /// The owner's remark for them (≤ 96 bytes).
    pub remark: String,
    /// The owner's friend groups they are in, in the groups' order.
    pub group_list: Vec<String>,
    /// Where the friendship came from (`AddSource_Type_*`).
    pub source: String,
    /// The request message it began with.
    pub wording: String,
    /// Their profile.
    pub profile: Profile,
    /// The owner's custom fields for them (`Tag_SNS_Custom_*`).
    pub friend_custom_field: Vec<CustomField>,
}

/// TIM `FriendApplication`: a pending friend request, seen from the
/// caller (`type`); `userID`, `nick` and `avatar` are the other user's.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FriendApplication {
    /// The other user.
    #[serde(rename = "userID")]
    pub user_id: UserId,
    /// Their avatar when the request was made or last changed.
    pub avatar: String,
    /// Their nick then.
    pub nick: String,
    /// When the request was made (server seconds).
    pub time: i64,
    /// The requester's `source`.
    pub source: String,
    /// The requester's message.
    pub wording: String,
    /// Sent to me or by me.
    #[serde(rename = "type")]
    pub application_type: ApplicationType,
}

/// TIM `FriendGroup`: one of the owner's friend groups.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FriendGroup {
    /// Its name (≤ 30 bytes), unique among the owner's groups.
    pub name: String,
    /// Its friends, in the order added.
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<UserId>,
    /// How many (`userIDList`'s length).
    pub count: u64,
}

/// One userID a call did change (`successUserIDList` of `deleteFriend`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserResult {
    /// The user.
    #[serde(rename = "userID")]
    pub user_id: UserId,
}

/// One userID a call did not change, and why (`failureUserIDList`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserFailure {
    /// The user.
    #[serde(rename = "userID")]
    pub user_id: UserId,
    /// The code, e.g. 2700 (not a friend).
    pub code: i32,
    /// For people.
    pub message: String,
}

/// `getFriendList`: the caller's whole friend list, in the order added.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GetFriendList {}
operation!(GetFriendList, "getFriendList", FriendListResponse);

/// The friends of `getFriendList`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FriendListResponse {
    /// The friends.
    #[serde(default)]
    pub friend_list: Vec<Friend>,
}

/// `addFriend`: asks `to` to be a friend. What happens is `to`'s
/// `allowType`: AllowAny adds at once (code 0), NeedConfirm leaves a
/// request (code 30539), DenyAny refuses (30516). Refused: `to` is a
/// friend already (2701), a blacklist either way (20007), the caller
/// (90014), not registered (2501), a field past its limit or a `source`
/// not `AddSource_Type_<letters>` (30001), the caller's profile says
/// `AdminForbid_Type_SendOut` (90015), a full friend list (30010, 30014).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddFriend {
    /// The user to add.
    pub to: UserId,
    /// `AddSource_Type_` + a keyword of letters (≤ 8 bytes).
    pub source: String,
    /// A message for them (≤ 256 bytes).
    #[serde(default)]
    pub wording: String,
    /// One- or two-way (default two-way).
    #[serde(default, rename = "type")]
    pub add_type: AddType,
    /// My remark for them (≤ 96 bytes).
    #[serde(default)]
    pub remark: String,
    /// A friend group of mine to put them in (≤ 30 bytes; made if new).
    #[serde(default)]
    pub group_name: String,
}
operation!(AddFriend, "addFriend", AddFriendResponse);

/// What `addFriend` did (TIM's `imResponse.data`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddFriendResponse {
    /// The user asked.
    #[serde(rename = "userID")]
    pub user_id: UserId,
    /// 0: added; 30539: a request waits for them.
    pub code: i32,
    /// For people.
    pub message: String,
}

/// `deleteFriend`: removes users from the caller's list (and, two-way,
/// the caller from theirs). 1 to 100 userIDs, else 30001; a user who is
/// not a friend is a failure (2700), the rest go on.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DeleteFriend {
    /// The users.
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<UserId>,
    /// One- or two-way (default two-way).
    #[serde(default, rename = "type")]
    pub delete_type: DeleteType,
}
operation!(DeleteFriend, "deleteFriend", FriendResultResponse);

/// Successes and failures, each userID in one of them.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FriendResultResponse {
    /// Done.
    #[serde(rename = "successUserIDList")]
    pub success_user_id_list: Vec<UserResult>,
    /// Not done, and why.
    #[serde(rename = "failureUserIDList")]
    pub failure_user_id_list: Vec<UserFailure>,
}

/// `checkFriend`: the relation with each user (1 to 1,000, else 30001).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CheckFriend {
    /// The users.
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<UserId>,
    /// Single or both (default both).
    #[serde(default, rename = "type")]
    pub check_type: CheckType,
}
operation!(CheckFriend, "checkFriend", CheckFriendResponse);

/// One checked user (`code` is always 0).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckedRelation {
    /// The user.
    #[serde(rename = "userID")]
    pub user_id: UserId,
    /// 0.
    pub code: i32,
    /// The relation.
    pub relation: Relation,
}

/// `checkFriend`'s answer.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CheckFriendResponse {
    /// Every registered user asked, in the order asked.
    #[serde(rename = "successUserIDList")]
    pub success_user_id_list: Vec<CheckedRelation>,
    /// Users not registered (2501).
    #[serde(rename = "failureUserIDList")]
    pub failure_user_id_list: Vec<UserFailure>,
}

/// `getFriendProfile`: friends with their profiles (1 to 1,000 userIDs,
/// else 30001); a user who is not a friend is a failure (2700).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GetFriendProfile {
    /// The users.
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<UserId>,
}
operation!(GetFriendProfile, "getFriendProfile", FriendProfileResponse);

/// `getFriendProfile`'s answer.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FriendProfileResponse {
    /// The friends, in the order asked.
    #[serde(rename = "friendList")]
    pub friend_list: Vec<Friend>,
    /// The others.
    #[serde(rename = "failureUserIDList")]
    pub failure_user_id_list: Vec<UserFailure>,
}

/// `updateFriend`: my remark and custom fields for a friend (2700 if not a
/// friend; 30001 for a remark over 96 bytes, a key not `Tag_SNS_Custom_*`
/// configured on the server, or a value past 500 bytes). A custom field
/// set to `""` is removed.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateFriend {
    /// The friend.
    #[serde(rename = "userID")]
    pub user_id: UserId,
    /// The new remark; absent: unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    /// Custom fields to set.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub friend_custom_field: Vec<CustomField>,
}
operation!(UpdateFriend, "updateFriend", Friend);

/// `getFriendApplicationList`: requests to and from the caller, newest
/// first.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GetFriendApplicationList {}
operation!(GetFriendApplicationList, "getFriendApplicationList", FriendApplicationListResponse);

/// The requests, and which of those sent to me are unread.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FriendApplicationListResponse {
    /// Newest first.
    #[serde(default)]
    pub friend_application_list: Vec<FriendApplication>,
    /// How many requests to me are unread.
    #[serde(default)]
    pub unread_count: u64,
    /// Confab's: who sent the unread ones (so a new store knows which).
    #[serde(rename = "unreadUserIDList", default)]
    pub unread_user_id_list: Vec<UserId>,
}

/// `acceptFriendApplication`: accepts `userID`'s request to me (2716 when
/// there is none). Agree: they gain me; AgreeAndAdd: we gain each other,
/// with `remark` as my remark for them.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AcceptFriendApplication {
    /// The requester.
    #[serde(rename = "userID")]
    pub user_id: UserId,
    /// My remark for them (≤ 96 bytes), with AgreeAndAdd.
    #[serde(default)]
    pub remark: String,
    /// Agree or AgreeAndAdd.
    #[serde(rename = "type")]
    pub action: ResponseAction,
}
operation!(AcceptFriendApplication, "acceptFriendApplication", UserResult);

/// `refuseFriendApplication`: refuses `userID`'s request to me (2716 when
/// there is none); it leaves both lists.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RefuseFriendApplication {
    /// The requester.
    #[serde(rename = "userID")]
    pub user_id: UserId,
}
operation!(RefuseFriendApplication, "refuseFriendApplication", UserResult);

/// `deleteFriendApplication`: removes a request to me (`ComeIn`, like a
/// silent refusal) or withdraws mine (`SendOut`); 2716 when there is none.
/// It leaves both lists.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeleteFriendApplication {
    /// The other user.
    #[serde(rename = "userID")]
    pub user_id: UserId,
    /// Which request.
    #[serde(rename = "type")]
    pub application_type: ApplicationType,
}
operation!(DeleteFriendApplication, "deleteFriendApplication", UserResult);

/// `setFriendApplicationRead`: every request to me is read (unread count 0).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SetFriendApplicationRead {}
operation!(SetFriendApplicationRead, "setFriendApplicationRead", Empty);

/// An empty answer.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Empty {}

/// `getFriendGroupList`: the caller's friend groups, in the order made.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GetFriendGroupList {}
operation!(GetFriendGroupList, "getFriendGroupList", FriendGroupListResponse);

/// The friend groups.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FriendGroupListResponse {
    /// In the order made.
    #[serde(default)]
    pub friend_group_list: Vec<FriendGroup>,
}

/// `createFriendGroup`: a new group (name 1 to 30 bytes, else 30001; 2710
/// when the name is taken; 90013 past [`MAX_FRIEND_GROUPS`]) holding those
/// of `userIDList` who are friends (the others are failures, 2700).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CreateFriendGroup {
    /// The name.
    pub name: String,
    /// Friends to put in it (may be empty).
    #[serde(rename = "userIDList", default)]
    pub user_id_list: Vec<UserId>,
}
operation!(CreateFriendGroup, "createFriendGroup", FriendGroupChange);

/// A friend group after a change, and the userIDs the change skipped.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FriendGroupChange {
    /// The group now.
    #[serde(rename = "friendGroup")]
    pub friend_group: FriendGroup,
    /// Users not changed: not friends (2700).
    #[serde(rename = "failureUserIDList")]
    pub failure_user_id_list: Vec<UserFailure>,
}

/// `deleteFriendGroup`: deletes a group (2711 when there is none); its
/// friends stay friends. Answers the group as it was.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DeleteFriendGroup {
    /// The name.
    pub name: String,
}
operation!(DeleteFriendGroup, "deleteFriendGroup", FriendGroup);

/// `addToFriendGroup`: puts friends in a group (2711 when there is none);
/// users who are not friends are failures (2700). 1 to 1,000 userIDs.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AddToFriendGroup {
    /// The group.
    pub name: String,
    /// The friends.
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<UserId>,
}
operation!(AddToFriendGroup, "addToFriendGroup", FriendGroupChange);

/// `removeFromFriendGroup`: takes friends out of a group (2711 when there
/// is none); users not in it are failures (2700). 1 to 1,000 userIDs.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RemoveFromFriendGroup {
    /// The group.
    pub name: String,
    /// The friends.
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<UserId>,
}
operation!(RemoveFromFriendGroup, "removeFromFriendGroup", FriendGroupChange);

/// `renameFriendGroup`: 2711 when `oldName` is not a group, 2710 when
/// `newName` is another group's, 30001 for a name of 0 or over 30 bytes.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RenameFriendGroup {
    /// The group's name.
    pub old_name: String,
    /// Its new name.
    pub new_name: String,
}
operation!(RenameFriendGroup, "renameFriendGroup", FriendGroup);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn blacklist_shapes() {
        let add = AddToBlacklist { user_id_list: vec![UserId::new("bob")] };
        assert_eq!(serde_json::to_value(&add).expect("encode"), json!({"userIDList": ["bob"]}));
        let answer: BlacklistResponse =
            serde_json::from_value(json!({"userIDList": ["bob", "carol"]})).expect("decode");
        assert_eq!(answer.user_id_list, [UserId::new("bob"), UserId::new("carol")]);
        assert_eq!(RELATION_OPERATIONS.len(), 20);
    }
}
