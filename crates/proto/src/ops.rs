//! Operations: each request type names its `op` and its response type.
//!
//! The server serves nothing but `login` until a login succeeds. Requests of
//! one session that change state are applied in the order they were sent.

use crate::conversation::ConversationState;
use crate::group;
use crate::ids::{ConversationId, UserId};
use crate::inbox::{InboxEntry, TimelineCursor, TimelinePage};
use crate::message::{MessageControlInfo, MessageElement, OutgoingMessage, WireMessage};
use crate::profile::{Profile, ProfilePatch};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A request type of the protocol.
pub trait Operation: Serialize + DeserializeOwned + Send + 'static {
    /// The `op` string of the frame.
    const NAME: &'static str;
    /// The type of the response's `data`.
    type Response: Serialize + DeserializeOwned + Send + 'static;
}

macro_rules! operation {
    ($req:ty, $name:literal, $resp:ty) => {
        impl Operation for $req {
            const NAME: &'static str = $name;
            type Response = $resp;
        }
    };
}

/// Names of every operation, for documentation and dispatch tables (a test
/// checks that it lists every `operation!` of this module).
pub const ALL_OPERATIONS: &[&str] = &[
    Login::NAME,
    Heartbeat::NAME,
    Logout::NAME,
    Sync::NAME,
    SendMessage::NAME,
    GetMessageList::NAME,
    GetConversationList::NAME,
    SetMessageRead::NAME,
    DeleteConversation::NAME,
    GetUserProfile::NAME,
    UpdateMyProfile::NAME,
    RevokeMessage::NAME,
    ModifyMessage::NAME,
    DeleteMessages::NAME,
    GetMessageListHopping::NAME,
    RenewUserSig::NAME,
    ChangePassword::NAME,
    SignOutEverywhere::NAME,
    group::CreateGroup::NAME,
    group::GetGroupList::NAME,
    group::GetGroupProfile::NAME,
    group::DismissGroup::NAME,
    group::UpdateGroupProfile::NAME,
    group::JoinGroup::NAME,
    group::QuitGroup::NAME,
    group::SearchGroupByID::NAME,
    group::AddGroupMember::NAME,
    group::DeleteGroupMember::NAME,
    group::GetGroupMemberList::NAME,
    group::GetGroupMemberProfile::NAME,
    group::ChangeGroupOwner::NAME,
    group::SetGroupMemberRole::NAME,
    group::SetGroupMemberMuteTime::NAME,
    group::SetGroupMemberNameCard::NAME,
    group::GetGroupApplicationList::NAME,
    group::HandleGroupApplication::NAME,
    group::GetGroupOnlineMemberCount::NAME,
    group::InitGroupAttributes::NAME,
    group::SetGroupAttributes::NAME,
    group::DeleteGroupAttributes::NAME,
    group::GetGroupAttributes::NAME,
    group::SetGroupCounters::NAME,
    group::IncreaseGroupCounter::NAME,
    group::DecreaseGroupCounter::NAME,
    group::GetGroupCounters::NAME,
    group::SetGroupMemberCustomField::NAME,
    group::MarkGroupMemberList::NAME,
    crate::relation::GetBlacklist::NAME,
    crate::relation::AddToBlacklist::NAME,
    crate::relation::RemoveFromBlacklist::NAME,
    crate::relation::GetFriendList::NAME,
    crate::relation::AddFriend::NAME,
    crate::relation::DeleteFriend::NAME,
    crate::relation::CheckFriend::NAME,
    crate::relation::GetFriendProfile::NAME,
    crate::relation::UpdateFriend::NAME,
    crate::relation::GetFriendApplicationList::NAME,
    crate::relation::AcceptFriendApplication::NAME,
    crate::relation::RefuseFriendApplication::NAME,
    crate::relation::DeleteFriendApplication::NAME,
    crate::relation::SetFriendApplicationRead::NAME,
    crate::relation::GetFriendGroupList::NAME,
    crate::relation::CreateFriendGroup::NAME,
    crate::relation::DeleteFriendGroup::NAME,
    crate::relation::AddToFriendGroup::NAME,
    crate::relation::RemoveFromFriendGroup::NAME,
    crate::relation::RenameFriendGroup::NAME,
    crate::status::SetSelfStatus::NAME,
    crate::status::GetUserStatus::NAME,
    crate::status::SubscribeUserStatus::NAME,
    crate::status::UnsubscribeUserStatus::NAME,
    crate::conversation::PinConversation::NAME,
    crate::conversation::SetMessageRemindType::NAME,
    crate::conversation::MarkConversation::NAME,
    crate::conversation::SetConversationCustomData::NAME,
    crate::conversation::CreateConversationGroup::NAME,
    crate::conversation::DeleteConversationGroup::NAME,
    crate::conversation::RenameConversationGroup::NAME,
    crate::conversation::AddConversationsToGroup::NAME,
    crate::conversation::DeleteConversationsFromGroup::NAME,
    crate::conversation::SetAllMessageRead::NAME,
    crate::conversation::ClearHistoryMessage::NAME,
    crate::conversation::TranslateText::NAME,
    crate::receipt::SendMessageReadReceipt::NAME,
    crate::receipt::GetMessageReadReceiptList::NAME,
    crate::receipt::GetGroupMessageReadMemberList::NAME,
    crate::extension::SetMessageExtensions::NAME,
    crate::extension::GetMessageExtensions::NAME,
    crate::extension::DeleteMessageExtensions::NAME,
    crate::topic::CreateTopicInCommunity::NAME,
    crate::topic::DeleteTopicFromCommunity::NAME,
    crate::topic::UpdateTopicProfile::NAME,
    crate::topic::GetTopicList::NAME,
];

/// `login`: must be the first frame of a connection.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Login {
    /// The application ID the UserSig was issued for.
    #[serde(rename = "sdkAppID")]
    pub sdk_app_id: u64,
    /// The user logging in.
    #[serde(rename = "userID")]
    pub user_id: UserId,
    /// TLS-sig-api-v2 UserSig.
    #[serde(rename = "userSig")]
    pub user_sig: String,
    /// Stable ID of this client instance (its local store); a reconnect of
    /// the same instance replaces its old session instead of counting as
    /// another instance.
    #[serde(rename = "instanceID")]
    pub instance_id: String,
    /// The client's [`crate::PROTOCOL_VERSION`].
    #[serde(rename = "protocolVersion")]
    pub protocol_version: u32,
    /// What kind of client this instance is; [`Platform::Web`] when the
    /// frame names none. The server's session rules depend on it.
    #[serde(default)]
    pub platform: Platform,
}

/// What kind of client an instance is, sent in [`Login`]. The server keeps
/// TIM's two rules apart by it: web pages of one account are limited in
/// number (the oldest is kicked with `multipleAccount`, TIM's multi-instance
/// rule), while the terminals (every other platform) follow the server's
/// device policy (a login on another terminal kicks with `multipleDevice`,
/// TIM's multi-device rule). A web page and a terminal never kick each
/// other. `docs/protocol.md`, "Instances and devices", has the whole rule.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    /// A web page: TIM's Web SDK, the Confab web host. The default.
    #[default]
    Web,
    /// The desktop app.
    Desktop,
    /// The command-line client.
    Cli,
}

impl Platform {
    /// Every platform, in a fixed order.
    pub const ALL: [Self; 3] = [Self::Web, Self::Desktop, Self::Cli];

    /// The wire name (`web`, `desktop`, `cli`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Desktop => "desktop",
            Self::Cli => "cli",
        }
    }

    /// Whether this is a terminal (not a web page): terminals follow the
    /// device policy, web pages the web instance limit.
    pub fn is_terminal(self) -> bool {
        self != Self::Web
    }
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Response to [`Login`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginResponse {
    /// The logged-in user.
    #[serde(rename = "userID")]
    pub user_id: UserId,
    /// Sequence of the newest entry of the user's inbox (0 when empty).
    pub inbox_seq: u64,
    /// Server clock, milliseconds since the Unix epoch.
    pub server_time: i64,
    /// When the UserSig expires (seconds since the Unix epoch); the server
    /// kicks the session with `userSigExpired` then.
    pub user_sig_expire_at: i64,
    /// How often the client should send `heartbeat`, in milliseconds.
    pub heartbeat_interval_ms: u64,
    /// When the UserSig was issued (its `TLS.time`, seconds since the Unix
    /// epoch): with `user_sig_expire_at` it tells the client when half of
    /// the sig's life is over. 0 from servers that do not send it.
    #[serde(default)]
    pub user_sig_issued_at: i64,
    /// Whether [`RenewUserSig`] works for this session: true for UserSigs
    /// the server issued for a password, false for UserSigs minted
    /// elsewhere (an application backend's).
    #[serde(default)]
    pub user_sig_renewable: bool,
}
operation!(Login, "login", LoginResponse);

/// `heartbeat`: keeps the session alive and measures latency.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Heartbeat {}

/// Response to [`Heartbeat`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HeartbeatResponse {
    /// Server clock, milliseconds since the Unix epoch.
    pub server_time: i64,
}
operation!(Heartbeat, "heartbeat", HeartbeatResponse);

/// `logout`: ends this session; the server closes the connection after
/// answering.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Logout {}

/// Response to [`Logout`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LogoutResponse {}
operation!(Logout, "logout", LogoutResponse);

/// `sync`: inbox entries after a sequence, oldest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sync {
    /// Return entries with `seq > after`.
    pub after: u64,
    /// At most this many (the server caps it at 1000).
    pub limit: u32,
    /// The client's position on each of its groups' timelines: the answer
    /// carries each group's entries after it (see `docs/protocol.md`, "Group
    /// timelines"). Absent or empty for a client without groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<TimelineCursor>,
}

/// Response to [`Sync`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncResponse {
    /// Entries in sequence order, without gaps, starting at `after + 1`.
    pub entries: Vec<InboxEntry>,
    /// Newest sequence of the inbox when read.
    pub head: u64,
    /// For each group asked about, its timeline entries after the cursor
    /// (same order and caps as `entries`). Absent when none was asked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<TimelinePage>,
}
operation!(Sync, "sync", SyncResponse);

/// `sendMessage`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendMessage {
    /// The message.
    pub message: OutgoingMessage,
    /// Deliver only to instances online now; do not store, count or push.
    /// Cannot be combined with `messageControlInfo`.
    #[serde(default)]
    pub online_user_only: bool,
    /// Unread and last-message control.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_control_info: Option<MessageControlInfo>,
}

impl SendMessage {
    /// A plain one-to-one text message with default options (for tools and
    /// tests; applications build theirs through the SDK).
    pub fn c2c_text(to: &str, random: u64, text: impl Into<String>) -> Self {
        use crate::message::{ConversationType, MessageElement, TextPayload};
        Self {
            message: OutgoingMessage {
                receiver_list: Vec::new(),
                conversation_type: ConversationType::C2c,
                to: to.to_owned(),
                random,
                element: MessageElement::Text(TextPayload { text: text.into() }),
                priority: Default::default(),
                cloud_custom_data: String::new(),
                need_read_receipt: false,
                is_support_extension: false,
                at_user_list: Vec::new(),
                client_time: 0,
            },
            online_user_only: false,
            message_control_info: None,
        }
    }
}

/// Response to [`SendMessage`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendMessageResponse {
    /// The stored message (for a duplicate `random`, the original).
    pub message: WireMessage,
    /// True when this `random` had been sent before and nothing new was
    /// stored.
    pub duplicate: bool,
}
operation!(SendMessage, "sendMessage", SendMessageResponse);

/// `getMessageList`: a page of a conversation's history from the server,
/// newest last.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetMessageList {
    /// The conversation, from the requester's side.
    #[serde(rename = "conversationID")]
    pub conversation_id: ConversationId,
    /// Only messages with a smaller sequence; `None` for the newest.
    #[serde(default)]
    pub before_sequence: Option<u64>,
    /// Page size (the server caps it at 100).
    pub count: u32,
}

/// Response to [`GetMessageList`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetMessageListResponse {
    /// Messages in ascending sequence order.
    pub messages: Vec<WireMessage>,
    /// True when no older message exists for this user.
    pub is_completed: bool,
}
operation!(GetMessageList, "getMessageList", GetMessageListResponse);

/// `getConversationList`: the user's conversations (used to fill a new
/// local store; afterwards the inbox keeps it current).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GetConversationList {}

/// Response to [`GetConversationList`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetConversationListResponse {
    /// Every conversation of the user that was not deleted.
    pub conversations: Vec<ConversationState>,
    /// Inbox head when read: the state reflects every entry up to it.
    pub inbox_seq: u64,
    /// The user's settings of conversations, where any differs from the
    /// default (later changes come as `conversationSettingsUpdated`).
    #[serde(default)]
    pub settings: Vec<crate::conversation::ConversationSettings>,
    /// The user's conversation groups, in the order made.
    #[serde(default)]
    pub conversation_groups: Vec<crate::conversation::ConversationGroup>,
}
operation!(GetConversationList, "getConversationList", GetConversationListResponse);

/// `setMessageRead`: marks the whole conversation read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SetMessageRead {
    /// The conversation.
    #[serde(rename = "conversationID")]
    pub conversation_id: ConversationId,
}

/// Response to [`SetMessageRead`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetMessageReadResponse {
    /// The conversation.
    #[serde(rename = "conversationID")]
    pub conversation_id: ConversationId,
    /// The sequence read up to.
    pub read_sequence: u64,
}
operation!(SetMessageRead, "setMessageRead", SetMessageReadResponse);

/// `deleteConversation`: removes conversations from the user's list, and
/// by default their history for this user. Not synced to other instances.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteConversation {
    /// At most 100 conversations.
    #[serde(rename = "conversationIDList")]
    pub conversation_id_list: Vec<ConversationId>,
    /// Also clear the history (TIM's default: true).
    pub clear_history_message: bool,
}

/// Response to [`DeleteConversation`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeleteConversationResponse {
    /// The deleted conversations.
    #[serde(rename = "conversationIDList")]
    pub conversation_id_list: Vec<ConversationId>,
}
operation!(DeleteConversation, "deleteConversation", DeleteConversationResponse);

/// `getUserProfile`: profiles of registered users (unknown IDs are left out).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GetUserProfile {
    /// At most 100 users; more are dropped.
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<UserId>,
}

/// Response to [`GetUserProfile`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GetUserProfileResponse {
    /// The profiles found.
    pub profiles: Vec<Profile>,
}
operation!(GetUserProfile, "getUserProfile", GetUserProfileResponse);

/// `updateMyProfile`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct UpdateMyProfile {
    /// Fields to change.
    pub patch: ProfilePatch,
}

/// Response to [`UpdateMyProfile`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UpdateMyProfileResponse {
    /// The updated profile.
    pub profile: Profile,
}
operation!(UpdateMyProfile, "updateMyProfile", UpdateMyProfileResponse);

// ---- message operations: revoke, modify, delete for me, hopping ----

/// `revokeMessage`: the sender withdraws a stored message within the
/// server's revoke window. The message stays in history with `isRevoked`;
/// both users' inboxes get a `messageRevoked` event. Revoking a revoked
/// message again succeeds and changes nothing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RevokeMessage {
    /// The conversation, from the requester's side.
    #[serde(rename = "conversationID")]
    pub conversation_id: ConversationId,
    /// The message's server ID.
    #[serde(rename = "messageID")]
    pub message_id: String,
}

/// Response to [`RevokeMessage`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RevokeMessageResponse {
    /// The revoked message (`isRevoked: true`).
    pub message: WireMessage,
}
operation!(RevokeMessage, "revokeMessage", RevokeMessageResponse);

/// `modifyMessage`: a participant of the conversation changes a stored
/// message's content (text, custom, location and face messages, among
/// those four types) or its `cloudCustomData` (any type). `version` is the
/// message version the change was made from; when the stored message has
/// moved on, the request fails with 2480 and the error's `data.message` is
/// the latest version. Both users' inboxes get a `messageModified` event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModifyMessage {
    /// The conversation, from the requester's side.
    #[serde(rename = "conversationID")]
    pub conversation_id: ConversationId,
    /// The message's server ID.
    #[serde(rename = "messageID")]
    pub message_id: String,
    /// The version the modification was made from.
    #[serde(default)]
    pub version: u32,
    /// The new content (`type` + `payload`).
    #[serde(flatten)]
    pub element: MessageElement,
    /// The new `cloudCustomData`.
    #[serde(default)]
    pub cloud_custom_data: String,
}

/// Response to [`ModifyMessage`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModifyMessageResponse {
    /// The modified message, with its new `version`.
    pub message: WireMessage,
}
operation!(ModifyMessage, "modifyMessage", ModifyMessageResponse);

/// Most message IDs one `deleteMessages` request deletes; the rest are
/// ignored.
pub const MAX_DELETE_MESSAGES: usize = 30;

/// `deleteMessages`: hides messages of one conversation from the
/// requester's history (all of their instances' later history pulls). Not
/// synced to other instances; the peer is not affected. IDs that are not
/// in the conversation are skipped.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeleteMessages {
    /// The conversation, from the requester's side.
    #[serde(rename = "conversationID")]
    pub conversation_id: ConversationId,
    /// Server message IDs; only the first [`MAX_DELETE_MESSAGES`] count.
    #[serde(rename = "messageIDList")]
    pub message_id_list: Vec<String>,
}

/// Response to [`DeleteMessages`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeleteMessagesResponse {
    /// The IDs now hidden (deleted before or by this request).
    #[serde(rename = "messageIDList")]
    pub message_id_list: Vec<String>,
}
operation!(DeleteMessages, "deleteMessages", DeleteMessagesResponse);

/// Largest (and default) `getMessageListHopping` page.
pub const MAX_HOPPING_COUNT: u32 = 15;

/// `getMessageListHopping`: a page of a C2C conversation's history starting
/// at a message sequence or a server time. Direction 0 returns the `count`
/// messages just below the start, the start included (older ones, "up"):
/// `sequence <= sequence`, or `time <= time`; direction 1 the `count` just
/// above it (`sequence >= sequence`, or `time >= time`, "down"). Pages are
/// cut by sequence, so many messages in one second page without repeats
/// or gaps: continue with the previous page's `nextMessageSeq`. The page is
/// ascending either way.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetMessageListHopping {
    /// The conversation, from the requester's side.
    #[serde(rename = "conversationID")]
    pub conversation_id: ConversationId,
    /// Start time (server time, seconds); `None` (and no `sequence`): the
    /// newest end for direction 0, the oldest for direction 1.
    #[serde(default)]
    pub time: Option<i64>,
    /// Start sequence (the conversation's message sequence, included);
    /// wins over `time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<u64>,
    /// 0 older, 1 newer.
    #[serde(default)]
    pub direction: u8,
    /// Page size; 0 means [`MAX_HOPPING_COUNT`], more is capped to it.
    #[serde(default)]
    pub count: u32,
}

/// Response to [`GetMessageListHopping`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetMessageListHoppingResponse {
    /// Messages in ascending order.
    pub messages: Vec<WireMessage>,
    /// True when nothing further exists in the requested direction.
    pub is_completed: bool,
    /// The time of the next message in the direction; `None` when
    /// completed.
    #[serde(default)]
    pub next_message_time: Option<i64>,
    /// Where to continue: the sequence of the next message in the
    /// direction (pass it as `sequence`); `None` when completed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_message_seq: Option<u64>,
}
operation!(GetMessageListHopping, "getMessageListHopping", GetMessageListHoppingResponse);

/// `renewUserSig` (a Confab extension): a fresh UserSig for the session's
/// user, replacing the password-issued one the session logged in with
/// (which stops working). The server moves the session's expiry kick to the
/// new sig's expiry. Refused with 90030 `USERSIG_NOT_RENEWABLE` when the
/// session logged in with a UserSig minted elsewhere.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RenewUserSig {}

/// A UserSig handed to a logged-in session ([`RenewUserSig`],
/// [`ChangePassword`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssuedUserSig {
    /// The new UserSig.
    pub user_sig: String,
    /// When it was issued (seconds since the Unix epoch).
    pub issued_at: i64,
    /// When it expires (seconds since the Unix epoch).
    pub expire_at: i64,
}
operation!(RenewUserSig, "renewUserSig", IssuedUserSig);

/// `changePassword` (a Confab extension): checks the old password, sets the
/// new one (the registration rules apply: 90007), signs every other
/// instance of the user out (`kickedOut` with `userSigExpired`), makes every
/// earlier UserSig of the user stop working, and answers with a fresh
/// UserSig for the caller, whose session goes on. A wrong old password (or
/// an account without one) gives 90005.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangePassword {
    /// The current password.
    pub old_password: String,
    /// The new password.
    pub new_password: String,
}

impl std::fmt::Debug for ChangePassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChangePassword").finish_non_exhaustive()
    }
}
operation!(ChangePassword, "changePassword", IssuedUserSig);

/// `signOutEverywhere` (a Confab extension): every UserSig issued to the
/// user so far stops working, every other instance is signed out
/// (`kickedOut` with `userSigExpired`), and the caller's session is closed
/// after the answer (4004), as after `logout`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SignOutEverywhere {}

/// Response to [`SignOutEverywhere`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SignOutEverywhereResponse {}
operation!(SignOutEverywhere, "signOutEverywhere", SignOutEverywhereResponse);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(
        value: &T,
        expected: serde_json::Value,
    ) {
        let json = serde_json::to_value(value).expect("serialize");
        assert_eq!(json, expected);
        assert_eq!(&serde_json::from_value::<T>(json).expect("parse"), value);
    }

    #[test]
    fn a_login_without_a_platform_is_a_web_page_and_unknown_platforms_are_refused() {
        let base =
            json!({"sdkAppID":1,"userID":"a","userSig":"s","instanceID":"i","protocolVersion":1});
        let login: Login = serde_json::from_value(base.clone()).expect("parse");
        assert_eq!(login.platform, Platform::Web);
        for platform in Platform::ALL {
            let mut named = base.clone();
            named["platform"] = json!(platform.as_str());
            let login: Login = serde_json::from_value(named).expect("parse");
            assert_eq!(login.platform, platform);
            assert_eq!(platform.to_string(), platform.as_str());
        }
        let mut unknown = base;
        unknown["platform"] = json!("toaster");
        assert!(serde_json::from_value::<Login>(unknown).is_err());
        assert!(!Platform::Web.is_terminal());
        assert!(Platform::Desktop.is_terminal() && Platform::Cli.is_terminal());
    }

    #[test]
    fn group_operations_are_all_listed() {
        assert_eq!(crate::group::GROUP_OPERATIONS.len(), 29);
        for name in crate::group::GROUP_OPERATIONS {
            assert!(ALL_OPERATIONS.contains(name), "{name}");
        }
    }

    #[test]
    fn operation_names_are_unique() {
        let mut names = ALL_OPERATIONS.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL_OPERATIONS.len());
    }

    /// `ALL_OPERATIONS` is kept by hand beside the `operation!` lines: every
    /// operation this file defines must be in it (the server's registry test
    /// checks every listed operation against its handlers).
    #[test]
    fn operation_list_is_complete() {
        let source = concat!(
            include_str!("ops.rs"),
            include_str!("group.rs"),
            include_str!("relation.rs"),
            include_str!("status.rs"),
            include_str!("conversation.rs"),
            include_str!("receipt.rs"),
            include_str!("extension.rs"),
            include_str!("topic.rs")
        );
        // An invocation starts a line; rustfmt may break its arguments over several.
        let mut defined: Vec<&str> = source
            .split("\noperation!(")
            .skip(1)
            .filter_map(|rest| rest.split('"').nth(1))
            .collect();
        defined.sort_unstable();
        let mut listed = ALL_OPERATIONS.to_vec();
        listed.sort_unstable();
        assert!(!defined.is_empty(), "no operation! line found");
        assert_eq!(defined, listed, "ALL_OPERATIONS differs from the operation! definitions");
    }

    #[test]
    fn request_snapshots() {
        round_trip(
            &Login {
                sdk_app_id: 1_400_000_000,
                user_id: UserId::new("alice"),
                user_sig: "sig".into(),
                instance_id: "i1".into(),
                protocol_version: 1,
                platform: Platform::Desktop,
            },
            json!({"sdkAppID":1400000000u64,"userID":"alice","userSig":"sig","instanceID":"i1","protocolVersion":1,"platform":"desktop"}),
        );
        round_trip(&Sync { after: 3, limit: 500, groups: vec![] }, json!({"after":3,"limit":500}));
        round_trip(
            &GetMessageList {
                conversation_id: "C2Cbob".into(),
                before_sequence: Some(9),
                count: 15,
            },
            json!({"conversationID":"C2Cbob","beforeSequence":9,"count":15}),
        );
        round_trip(&GetConversationList {}, json!({}));
        round_trip(&Heartbeat {}, json!({}));
        round_trip(&Logout {}, json!({}));
        round_trip(
            &SetMessageRead { conversation_id: "C2Cbob".into() },
            json!({"conversationID":"C2Cbob"}),
        );
        round_trip(
            &DeleteConversation {
                conversation_id_list: vec!["C2Cbob".into()],
                clear_history_message: true,
            },
            json!({"conversationIDList":["C2Cbob"],"clearHistoryMessage":true}),
        );
        round_trip(
            &GetUserProfile { user_id_list: vec![UserId::new("bob")] },
            json!({"userIDList":["bob"]}),
        );
        round_trip(
            &UpdateMyProfile {
                patch: ProfilePatch { nick: Some("A".into()), ..Default::default() },
            },
            json!({"patch":{"nick":"A"}}),
        );
        let send: SendMessage = serde_json::from_value(json!({
            "message": {"conversationType":"C2C","to":"bob","random":1,"type":"TIMTextElem","payload":{"text":"hi"}},
            "messageControlInfo": {"excludedFromUnreadCount": true}
        }))
        .expect("parse");
        assert!(!send.online_user_only);
        assert_eq!(
            send.message_control_info,
            Some(MessageControlInfo { excluded_from_unread_count: true, ..Default::default() })
        );
        let back = serde_json::to_value(&send).expect("serialize");
        assert_eq!(serde_json::from_value::<SendMessage>(back).expect("parse"), send);
    }

    #[test]
    fn message_operation_snapshots() {
        round_trip(
            &RevokeMessage { conversation_id: "C2Cbob".into(), message_id: "1-2-3".into() },
            json!({"conversationID":"C2Cbob","messageID":"1-2-3"}),
        );
        round_trip(
            &ModifyMessage {
                conversation_id: "C2Cbob".into(),
                message_id: "1-2-3".into(),
                version: 2,
                element: crate::message::MessageElement::Text(crate::message::TextPayload {
                    text: "new".into(),
                }),
                cloud_custom_data: "c".into(),
            },
            json!({"conversationID":"C2Cbob","messageID":"1-2-3","version":2,
                   "type":"TIMTextElem","payload":{"text":"new"},"cloudCustomData":"c"}),
        );
        round_trip(
            &DeleteMessages {
                conversation_id: "C2Cbob".into(),
                message_id_list: vec!["1-2-3".into()],
            },
            json!({"conversationID":"C2Cbob","messageIDList":["1-2-3"]}),
        );
        round_trip(
            &DeleteMessagesResponse { message_id_list: vec!["1-2-3".into()] },
            json!({"messageIDList":["1-2-3"]}),
        );
        round_trip(
            &GetMessageListHopping {
                conversation_id: "C2Cbob".into(),
                time: Some(1_764_115_200),
                sequence: None,
                direction: 1,
                count: 15,
            },
            json!({"conversationID":"C2Cbob","time":1764115200,"direction":1,"count":15}),
        );
        round_trip(
            &GetMessageListHopping {
                conversation_id: "C2Cbob".into(),
                time: None,
                sequence: Some(42),
                direction: 0,
                count: 15,
            },
            json!({"conversationID":"C2Cbob","time":null,"sequence":42,"direction":0,"count":15}),
        );
        round_trip(
            &GetMessageListHoppingResponse {
                messages: vec![],
                is_completed: false,
                next_message_time: Some(9),
                next_message_seq: Some(41),
            },
            json!({"messages":[],"isCompleted":false,"nextMessageTime":9,"nextMessageSeq":41}),
        );
        let message = crate::message::tests::sample();
        let wire = serde_json::to_value(&message).expect("json");
        round_trip(&RevokeMessageResponse { message: message.clone() }, json!({"message": wire}));
        round_trip(&ModifyMessageResponse { message }, json!({"message": wire}));
    }

    #[test]
    fn response_snapshots() {
        round_trip(
            &LoginResponse {
                user_id: UserId::new("alice"),
                inbox_seq: 4,
                server_time: 1,
                user_sig_expire_at: 2,
                heartbeat_interval_ms: 30_000,
                user_sig_issued_at: 1,
                user_sig_renewable: true,
            },
            json!({"userID":"alice","inboxSeq":4,"serverTime":1,"userSigExpireAt":2,"heartbeatIntervalMs":30000,
                   "userSigIssuedAt":1,"userSigRenewable":true}),
        );
        let older: LoginResponse = serde_json::from_value(
            json!({"userID":"alice","inboxSeq":4,"serverTime":1,"userSigExpireAt":2,"heartbeatIntervalMs":30000}),
        )
        .expect("a response without the renewal fields parses");
        assert!(!older.user_sig_renewable);
        round_trip(&RenewUserSig {}, json!({}));
        round_trip(&SignOutEverywhere {}, json!({}));
        round_trip(&SignOutEverywhereResponse {}, json!({}));
        round_trip(
            &ChangePassword { old_password: "old pass".into(), new_password: "new pass".into() },
            json!({"oldPassword":"old pass","newPassword":"new pass"}),
        );
        round_trip(
            &IssuedUserSig { user_sig: "sig".into(), issued_at: 1, expire_at: 2 },
            json!({"userSig":"sig","issuedAt":1,"expireAt":2}),
        );
        round_trip(&HeartbeatResponse { server_time: 1 }, json!({"serverTime":1}));
        round_trip(&LogoutResponse {}, json!({}));
        round_trip(
            &SyncResponse { entries: vec![], head: 0, groups: vec![] },
            json!({"entries":[],"head":0}),
        );
        let message = crate::message::tests::sample();
        round_trip(
            &SendMessageResponse { message: message.clone(), duplicate: false },
            json!({"message": serde_json::to_value(&message).expect("json"), "duplicate": false}),
        );
        round_trip(
            &GetMessageListResponse { messages: vec![], is_completed: true },
            json!({"messages":[],"isCompleted":true}),
        );
        round_trip(
            &GetConversationListResponse {
                conversations: vec![],
                inbox_seq: 0,
                settings: vec![],
                conversation_groups: vec![],
            },
            json!({"conversations":[],"inboxSeq":0,"settings":[],"conversationGroups":[]}),
        );
        round_trip(
            &SetMessageReadResponse { conversation_id: "C2Cbob".into(), read_sequence: 3 },
            json!({"conversationID":"C2Cbob","readSequence":3}),
        );
        round_trip(
            &DeleteConversationResponse { conversation_id_list: vec!["C2Cbob".into()] },
            json!({"conversationIDList":["C2Cbob"]}),
        );
        round_trip(&GetUserProfileResponse { profiles: vec![] }, json!({"profiles":[]}));
        let profile = Profile::empty(UserId::new("a"));
        round_trip(
            &UpdateMyProfileResponse { profile: profile.clone() },
            json!({"profile": serde_json::to_value(&profile).expect("json")}),
        );
    }
}
