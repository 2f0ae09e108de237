//! The command set (`docs/app-commands.md`): one file per area, each
//! with its argument and result types (serde, TIM's field names) and its
//! handlers (`impl AppCore` blocks, one SDK call each):
//!
//! - [`session`]: choose a server, register, log in, resume, log out,
//!   change the password, sign out everywhere;
//! - [`desktop`]: notifications and the unread badge;
//! - [`conversation`], [`message`], [`file`], [`profile`], [`group`],
//!   [`relation`]: the `tim.*` commands of those areas (the group commands
//!   carry the wire types of `confab_proto::group`);
//! - the native file commands are in [`crate::native`].
//!
//! This module holds the one table that lists every command,
//! [`command_set!`], which produces the name list [`COMMANDS`], the
//! dispatcher both shells go through ([`crate::AppCore::call`]) and, with
//! the `ts` feature, the TypeScript command map. The types the commands
//! carry (Message, Conversation, Profile, …) are the SDK's.

use crate::accounts::SwitchAccountArgs;
use crate::core::AppCore;
use crate::error::invalid_args;
use crate::export::{ExportConversationArgs, ExportedFile};
use crate::native::{
    LocalFileUrl, MaybePath, PathArgs, PickFilesArgs, PickFilesResult, SaveFileAsArgs, StagedFile,
    WriteStagedFileArgs,
};
use crate::state::AppState;
use confab_proto::conversation::{
    AddConversationsToGroup, ConversationGroupNameResponse, CreateConversationGroup,
    DeleteConversationGroup, DeleteConversationsFromGroup, MarkConversation,
    RenameConversationGroup, SetAllMessageRead, SetConversationCustomData, TranslateText,
    TranslateTextResponse,
};
use confab_proto::extension::{ExtensionListResponse, ExtensionResultResponse};
use confab_proto::group::{
    AddGroupMember, AddGroupMemberResponse, ChangeGroupOwner, CreateGroup, CreateGroupResponse,
    DecreaseGroupCounter, DeleteGroupAttributes, DeleteGroupMember, DeleteGroupMemberResponse,
    DismissGroup, GetGroupApplicationListResponse, GetGroupAttributes, GetGroupCounters,
    GetGroupList, GetGroupListResponse, GetGroupMemberList, GetGroupMemberListResponse,
    GetGroupMemberProfile, GetGroupOnlineMemberCount, GetGroupProfile, GroupAttributesResponse,
    GroupCounterResponse, GroupCountersResponse, GroupIdResponse, GroupMemberResponse,
    GroupResponse, HandleGroupApplication, IncreaseGroupCounter, InitGroupAttributes, JoinGroup,
    JoinGroupResponse, KeyListResponse, MarkGroupMemberList, MarkGroupMemberListResponse,
    MemberListResponse, OnlineMemberCountResponse, QuitGroup, SearchGroupByID, SetGroupAttributes,
    SetGroupCounters, SetGroupMemberCustomField, SetGroupMemberMuteTime, SetGroupMemberNameCard,
    SetGroupMemberRole, UpdateGroupProfile,
};
use confab_proto::receipt::ReadMemberListResponse;
use confab_proto::relation::{
    AcceptFriendApplication, AddFriend, AddFriendResponse, AddToFriendGroup, CheckFriend,
    CheckFriendResponse, CreateFriendGroup, DeleteFriend, DeleteFriendApplication,
    DeleteFriendGroup, Friend, FriendGroup, FriendGroupChange, FriendProfileResponse,
    FriendResultResponse, GetFriendProfile, RefuseFriendApplication, RemoveFromFriendGroup,
    RenameFriendGroup, UpdateFriend, UserResult,
};
use confab_proto::ErrorBody;
use confab_sdk::{
    ConversationIdResponse, ConversationResultResponse, RemindTypeResponse, SetMessageRemindType,
};
use confab_sdk::{
    ConversationListResult, FileSource, GetMessageListHoppingOptions, HoppingPage,
    MergerMessagePayload, Message, MessageListPage, Profile, ProfilePatch, SendResult,
};
use confab_sdk::{
    CreateTopicInCommunity, DeleteTopicFromCommunity, DeleteTopicResponse, GetTopicList,
    TopicIdResponse, TopicList, UpdateTopicProfile, UpdatedTopic,
};
use confab_sdk::{FriendApplicationList, StatusFailures, UserStatus, UserStatusResponse};
use confab_sdk::{SearchLocalMessagesOptions, SearchResult};
use conversation::{
    ConversationArgs, ConversationProfileResult, DeleteConversationArgs, DeleteConversationResult,
    GetConversationListArgs, PinConversationArgs, RegisterPluginArgs,
};
use desktop::SetUnreadBadgeArgs;
use file::{AvatarUrl, DownloadAvatarArgs, DownloadFileArgs, DownloadFileResult};
use message::{
    CreateMessageArgs, DeleteMessageExtensionsArgs, FindMessageArgs, GetMessageListArgs,
    LocalMessagesArgs, MessageArgs, MessageListArgs, MessageResult, ReadMemberListArgs,
    ResendMessageArgs, SendMessageArgs, SetMessageExtensionsArgs,
};
use profile::GetUserProfileArgs;
use relation::{OptionalUserIdListArgs, SetSelfStatusArgs, UserIdListArgs};
use serde::{Deserialize, Serialize};
use session::{ChangePasswordArgs, ChooseServerArgs, CredentialsArgs, UserSigLoginArgs};

pub mod conversation;
pub mod desktop;
pub mod file;
pub mod group;
pub mod message;
pub mod profile;
pub mod relation;
pub mod session;

pub use desktop::NotifyArgs;

/// No arguments, or an empty result: `{}`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Empty {}

/// Parses a command's arguments; `null` counts as `{}`.
fn parse_args<T: serde::de::DeserializeOwned>(
    command: &str,
    args: serde_json::Value,
) -> Result<T, ErrorBody> {
    let args = if args.is_null() { serde_json::Value::Object(Default::default()) } else { args };
    serde_json::from_value(args).map_err(|e| invalid_args(command, &e))
}

fn to_result<T: Serialize>(result: T) -> Result<serde_json::Value, ErrorBody> {
    serde_json::to_value(result).map_err(|e| crate::error::internal(&e))
}

/// Defines the command table: `"name" => handler(Args) -> Result;`. Each
/// handler is an `async fn(&AppCore, Args) -> Result<Result, ErrorBody>`.
macro_rules! command_set {
    ($($name:literal => $handler:ident($args:ty) -> $result:ty;)*) => {
        /// Every command name, in the order of `docs/app-commands.md`.
        pub const COMMANDS: &[&str] = &[$($name),*];

        /// Runs one command: parses its arguments, calls its handler,
        /// serializes its result.
        pub(crate) async fn dispatch(
            core: &AppCore,
            command: &str,
            args: serde_json::Value,
        ) -> Result<serde_json::Value, ErrorBody> {
            match command {
                $($name => {
                    let args: $args = parse_args(command, args)?;
                    let result: $result = core.$handler(args).await?;
                    to_result(result)
                })*
                _ => Err(crate::error::unknown_command(command)),
            }
        }

        /// Every command's TypeScript signature: (name, args type, result type).
        #[cfg(feature = "ts")]
        pub(crate) fn signatures(cfg: &ts_rs::Config) -> Vec<(&'static str, String, String)> {
            use ts_rs::TS as _;
            vec![$(($name, <$args>::name(cfg), <$result>::name(cfg))),*]
        }

        /// Visits every argument and result type (to export them).
        #[cfg(feature = "ts")]
        pub(crate) fn visit_types(visitor: &mut impl ts_rs::TypeVisitor) {
            $(
                visitor.visit::<$args>();
                visitor.visit::<$result>();
            )*
        }
    };
}

command_set! {
    "app.getState" => get_state(Empty) -> AppState;
    "app.chooseServer" => choose_server(ChooseServerArgs) -> AppState;
    "app.register" => register(CredentialsArgs) -> AppState;
    "app.login" => login(CredentialsArgs) -> AppState;
    "app.resume" => resume(Empty) -> AppState;
    "app.logout" => logout(Empty) -> AppState;
    "app.changePassword" => change_password(ChangePasswordArgs) -> Empty;
    "app.signOutEverywhere" => sign_out_everywhere(Empty) -> AppState;
    "app.addAccount" => add_account(Empty) -> AppState;
    "app.switchAccount" => switch_account(SwitchAccountArgs) -> AppState;
    "app.notify" => notify(NotifyArgs) -> Empty;
    "app.setUnreadBadge" => set_unread_badge(SetUnreadBadgeArgs) -> Empty;
    "app.pickFiles" => pick_files(PickFilesArgs) -> PickFilesResult;
    "app.openFile" => open_file(PathArgs) -> Empty;
    "app.revealFile" => reveal_file(PathArgs) -> Empty;
    "app.saveFileAs" => save_file_as(SaveFileAsArgs) -> MaybePath;
    "app.pasteImage" => paste_image(Empty) -> MaybePath;
    "app.localFileUrl" => local_file_url(PathArgs) -> LocalFileUrl;
    "app.writeStagedFile" => write_staged_file(WriteStagedFileArgs) -> StagedFile;
    "tim.login" => user_sig_login(UserSigLoginArgs) -> AppState;
    "tim.logout" => logout(Empty) -> AppState;
    "tim.getConversationList" => get_conversation_list(GetConversationListArgs) -> ConversationListResult;
    "tim.getConversationProfile" => get_conversation_profile(ConversationArgs) -> ConversationProfileResult;
    "tim.deleteConversation" => delete_conversation(DeleteConversationArgs) -> DeleteConversationResult;
    "tim.getMessageList" => get_message_list(GetMessageListArgs) -> MessageListPage;
    "tim.sendMessage" => send_message(SendMessageArgs) -> SendResult;
    "tim.resendMessage" => resend_message(ResendMessageArgs) -> SendResult;
    "tim.setMessageRead" => set_message_read(ConversationArgs) -> Empty;
    "tim.setAllMessageRead" => set_all_message_read(SetAllMessageRead) -> Empty;
    "tim.clearHistoryMessage" => clear_history_message(ConversationArgs) -> Empty;
    "tim.translateText" => translate_text(TranslateText) -> TranslateTextResponse;
    "tim.registerPlugin" => register_plugin(RegisterPluginArgs) -> Empty;
    "tim.getTotalUnreadMessageCount" => get_total_unread_message_count(Empty) -> u64;
    "tim.getMyProfile" => get_my_profile(Empty) -> Profile;
    "tim.getUserProfile" => get_user_profile(GetUserProfileArgs) -> Vec<Profile>;
    "tim.updateMyProfile" => update_my_profile(ProfilePatch) -> Profile;
    "tim.createImageMessage" => create_image_message(CreateMessageArgs<FileSource>) -> Message;
    "tim.createAudioMessage" => create_audio_message(CreateMessageArgs<FileSource>) -> Message;
    "tim.createVideoMessage" => create_video_message(CreateMessageArgs<FileSource>) -> Message;
    "tim.createFileMessage" => create_file_message(CreateMessageArgs<FileSource>) -> Message;
    "tim.cancelUpload" => cancel_upload(MessageArgs) -> Empty;
    "app.downloadFile" => download_file(DownloadFileArgs) -> DownloadFileResult;
    "tim.uploadAvatar" => upload_avatar(PathArgs) -> AvatarUrl;
    "app.exportConversation" => export_conversation(ExportConversationArgs) -> ExportedFile;
    "app.backupLocalStore" => backup_local_store(Empty) -> ExportedFile;
    "app.restoreLocalStore" => restore_local_store(PathArgs) -> Empty;
    "app.downloadAvatar" => download_avatar(DownloadAvatarArgs) -> DownloadFileResult;
    "tim.createForwardMessage" => create_forward_message(CreateMessageArgs<Message>) -> Message;
    "tim.createMergerMessage" => create_merger_message(CreateMessageArgs<MergerMessagePayload>) -> Message;
    "tim.downloadMergerMessage" => download_merger_message(MessageArgs) -> Message;
    "tim.revokeMessage" => revoke_message(MessageArgs) -> MessageResult;
    "tim.modifyMessage" => modify_message(MessageArgs) -> MessageResult;
    "tim.deleteMessage" => delete_message(MessageListArgs) -> MessageListArgs;
    "tim.sendMessageReadReceipt" => send_message_read_receipt(MessageListArgs) -> Empty;
    "tim.getMessageReadReceiptList" => get_message_read_receipt_list(MessageListArgs) -> MessageListArgs;
    "tim.getGroupMessageReadMemberList" => get_group_message_read_member_list(ReadMemberListArgs) -> ReadMemberListResponse;
    "tim.setMessageExtensions" => set_message_extensions(SetMessageExtensionsArgs) -> ExtensionResultResponse;
    "tim.getMessageExtensions" => get_message_extensions(MessageArgs) -> ExtensionListResponse;
    "tim.deleteMessageExtensions" => delete_message_extensions(DeleteMessageExtensionsArgs) -> ExtensionResultResponse;
    "tim.findMessage" => find_message(FindMessageArgs) -> Option<Message>;
    "tim.getLocalMessages" => get_local_messages(LocalMessagesArgs) -> Vec<Message>;
    "tim.getMessageListHopping" => get_message_list_hopping(GetMessageListHoppingOptions) -> HoppingPage;
    "tim.searchLocalMessages" => search_local_messages(SearchLocalMessagesOptions) -> SearchResult;
    "tim.createGroup" => create_group(CreateGroup) -> CreateGroupResponse;
    "tim.getGroupList" => get_group_list(GetGroupList) -> GetGroupListResponse;
    "tim.getGroupProfile" => get_group_profile(GetGroupProfile) -> GroupResponse;
    "tim.dismissGroup" => dismiss_group(DismissGroup) -> GroupIdResponse;
    "tim.updateGroupProfile" => update_group_profile(UpdateGroupProfile) -> GroupResponse;
    "tim.joinGroup" => join_group(JoinGroup) -> JoinGroupResponse;
    "tim.quitGroup" => quit_group(QuitGroup) -> GroupIdResponse;
    "tim.searchGroupByID" => search_group_by_id(SearchGroupByID) -> GroupResponse;
    "tim.addGroupMember" => add_group_member(AddGroupMember) -> AddGroupMemberResponse;
    "tim.deleteGroupMember" => delete_group_member(DeleteGroupMember) -> DeleteGroupMemberResponse;
    "tim.getGroupMemberList" => get_group_member_list(GetGroupMemberList) -> GetGroupMemberListResponse;
    "tim.getGroupMemberProfile" => get_group_member_profile(GetGroupMemberProfile) -> MemberListResponse;
    "tim.changeGroupOwner" => change_group_owner(ChangeGroupOwner) -> GroupResponse;
    "tim.setGroupMemberRole" => set_group_member_role(SetGroupMemberRole) -> GroupMemberResponse;
    "tim.setGroupMemberMuteTime" => set_group_member_mute_time(SetGroupMemberMuteTime) -> GroupMemberResponse;
    "tim.setGroupMemberNameCard" => set_group_member_name_card(SetGroupMemberNameCard) -> GroupMemberResponse;
    "tim.getGroupApplicationList" => get_group_application_list(Empty) -> GetGroupApplicationListResponse;
    "tim.handleGroupApplication" => handle_group_application(HandleGroupApplication) -> GroupResponse;
    "tim.getGroupOnlineMemberCount" => get_group_online_member_count(GetGroupOnlineMemberCount) -> OnlineMemberCountResponse;
    "tim.initGroupAttributes" => init_group_attributes(InitGroupAttributes) -> GroupAttributesResponse;
    "tim.setGroupAttributes" => set_group_attributes(SetGroupAttributes) -> GroupAttributesResponse;
    "tim.deleteGroupAttributes" => delete_group_attributes(DeleteGroupAttributes) -> KeyListResponse;
    "tim.getGroupAttributes" => get_group_attributes(GetGroupAttributes) -> GroupAttributesResponse;
    "tim.setGroupCounters" => set_group_counters(SetGroupCounters) -> GroupCountersResponse;
    "tim.increaseGroupCounter" => increase_group_counter(IncreaseGroupCounter) -> GroupCounterResponse;
    "tim.decreaseGroupCounter" => decrease_group_counter(DecreaseGroupCounter) -> GroupCounterResponse;
    "tim.getGroupCounters" => get_group_counters(GetGroupCounters) -> GroupCountersResponse;
    "tim.setGroupMemberCustomField" => set_group_member_custom_field(SetGroupMemberCustomField) -> GroupMemberResponse;
    "tim.markGroupMemberList" => mark_group_member_list(MarkGroupMemberList) -> MarkGroupMemberListResponse;
    "tim.getJoinedCommunityList" => get_joined_community_list(Empty) -> GetGroupListResponse;
    "tim.createTopicInCommunity" => create_topic_in_community(CreateTopicInCommunity) -> TopicIdResponse;
    "tim.deleteTopicFromCommunity" => delete_topic_from_community(DeleteTopicFromCommunity) -> DeleteTopicResponse;
    "tim.updateTopicProfile" => update_topic_profile(UpdateTopicProfile) -> UpdatedTopic;
    "tim.getTopicList" => get_topic_list(GetTopicList) -> TopicList;
    "tim.getBlacklist" => get_blacklist(Empty) -> Vec<String>;
    "tim.addToBlacklist" => add_to_blacklist(UserIdListArgs) -> Vec<String>;
    "tim.removeFromBlacklist" => remove_from_blacklist(UserIdListArgs) -> Vec<String>;
    "tim.getFriendList" => get_friend_list(Empty) -> Vec<Friend>;
    "tim.addFriend" => add_friend(AddFriend) -> AddFriendResponse;
    "tim.deleteFriend" => delete_friend(DeleteFriend) -> FriendResultResponse;
    "tim.checkFriend" => check_friend(CheckFriend) -> CheckFriendResponse;
    "tim.getFriendProfile" => get_friend_profile(GetFriendProfile) -> FriendProfileResponse;
    "tim.updateFriend" => update_friend(UpdateFriend) -> Friend;
    "tim.getFriendApplicationList" => get_friend_application_list(Empty) -> FriendApplicationList;
    "tim.acceptFriendApplication" => accept_friend_application(AcceptFriendApplication) -> UserResult;
    "tim.refuseFriendApplication" => refuse_friend_application(RefuseFriendApplication) -> UserResult;
    "tim.deleteFriendApplication" => delete_friend_application(DeleteFriendApplication) -> UserResult;
    "tim.setFriendApplicationRead" => set_friend_application_read(Empty) -> Empty;
    "tim.getFriendGroupList" => get_friend_group_list(Empty) -> Vec<FriendGroup>;
    "tim.createFriendGroup" => create_friend_group(CreateFriendGroup) -> FriendGroupChange;
    "tim.deleteFriendGroup" => delete_friend_group(DeleteFriendGroup) -> FriendGroup;
    "tim.addToFriendGroup" => add_to_friend_group(AddToFriendGroup) -> FriendGroupChange;
    "tim.removeFromFriendGroup" => remove_from_friend_group(RemoveFromFriendGroup) -> FriendGroupChange;
    "tim.renameFriendGroup" => rename_friend_group(RenameFriendGroup) -> FriendGroup;
    "tim.pinConversation" => pin_conversation(PinConversationArgs) -> ConversationIdResponse;
    "tim.setMessageRemindType" => set_message_remind_type(SetMessageRemindType) -> RemindTypeResponse;
    "tim.markConversation" => mark_conversation(MarkConversation) -> ConversationResultResponse;
    "tim.setConversationCustomData" => set_conversation_custom_data(SetConversationCustomData) -> ConversationResultResponse;
    "tim.getConversationGroupList" => get_conversation_group_list(Empty) -> Vec<String>;
    "tim.createConversationGroup" => create_conversation_group(CreateConversationGroup) -> ConversationResultResponse;
    "tim.deleteConversationGroup" => delete_conversation_group(DeleteConversationGroup) -> ConversationGroupNameResponse;
    "tim.renameConversationGroup" => rename_conversation_group(RenameConversationGroup) -> ConversationGroupNameResponse;
    "tim.addConversationsToGroup" => add_conversations_to_group(AddConversationsToGroup) -> ConversationResultResponse;
    "tim.deleteConversationsFromGroup" => delete_conversations_from_group(DeleteConversationsFromGroup) -> ConversationResultResponse;
    "tim.setSelfStatus" => set_self_status(SetSelfStatusArgs) -> UserStatus;
    "tim.getUserStatus" => get_user_status(UserIdListArgs) -> UserStatusResponse;
    "tim.subscribeUserStatus" => subscribe_user_status(UserIdListArgs) -> StatusFailures;
    "tim.unsubscribeUserStatus" => unsubscribe_user_status(OptionalUserIdListArgs) -> StatusFailures;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Mode;
    use message::SendOptions;
    use serde_json::json;

    #[test]
    fn args_accept_the_documented_shapes() {
        let a: ChooseServerArgs = parse_args("x", json!({"mode": "local"})).expect("local");
        assert_eq!(a, ChooseServerArgs { mode: Mode::Local, url: None, ca_file: None });
        let a: ChooseServerArgs =
            parse_args("x", json!({"mode": "remote", "url": "http://h:1"})).expect("remote");
        assert_eq!(a.url.as_deref(), Some("http://h:1"));
        let a: ChooseServerArgs = parse_args(
            "x",
            json!({"mode": "remote", "url": "https://h", "caFile": "/etc/confab/ca.pem"}),
        )
        .expect("remote with a CA file");
        assert_eq!(a.ca_file.as_deref(), Some("/etc/confab/ca.pem"));
        let _: Empty = parse_args("x", json!(null)).expect("null is {}");
        let _: Empty = parse_args("x", json!({})).expect("{}");
        let d: DeleteConversationArgs =
            parse_args("x", json!({"conversationIDList": ["C2Cbob"]})).expect("delete");
        assert!(d.clear_history_message);
        let s: SendOptions =
            parse_args("x", json!({"messageControlInfo": {"excludedFromUnreadCount": true}}))
                .expect("options");
        assert!(!s.online_user_only);
        assert!(s.message_control_info.is_some_and(|m| m.excluded_from_unread_count));
        let e = parse_args::<ChooseServerArgs>("app.chooseServer", json!({"mode": "moon"}))
            .expect_err("bad mode");
        assert_eq!(e.code, confab_proto::code::INVALID_OPERATION);
        assert_eq!(serde_json::to_value(Empty {}).expect("empty"), json!({}));
    }

    #[test]
    fn command_names_are_unique_and_namespaced() {
        let mut names = COMMANDS.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), COMMANDS.len());
        assert!(COMMANDS.iter().all(|c| c.starts_with("app.") || c.starts_with("tim.")));
    }
}
