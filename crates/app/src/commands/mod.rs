//! The command set (`docs/app-commands.md`): every command's name, typed
//! arguments and typed result, defined once in [`command_set!`], which
//! produces the name list [`COMMANDS`], the dispatcher used by
//! [`crate::AppCore::call`] and, with the `ts` feature, the TypeScript
//! command map. The argument and result structs here are the boundary
//! DTOs (serde camelCase with TIM's field names); the types they carry
//! (Message, Conversation, Profile, …) are the SDK's.

use crate::core::AppCore;
use crate::error::invalid_args;
use crate::message_commands::{
    CreateMessageArgs, DownloadFileArgs, DownloadFileResult, FindMessageArgs, MessageArgs,
    MessageListArgs, MessageResult,
};
use crate::native::{
    LocalFileUrl, MaybePath, PathArgs, PickFilesArgs, PickFilesResult, SaveFileAsArgs, StagedFile,
    WriteStagedFileArgs,
};
use crate::state::{AppState, Mode};
use confab_proto::message::MessageControlInfo;
use confab_proto::ErrorBody;
use confab_sdk::{
    Conversation, ConversationListResult, FileSource, GetMessageListHoppingOptions, HoppingPage,
    MergerMessagePayload, Message, MessageListPage, Profile, ProfilePatch, SendResult,
};
use serde::{Deserialize, Serialize};

/// No arguments, or an empty result: `{}`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Empty {}

/// `app.chooseServer` arguments.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChooseServerArgs {
    /// `local` (embedded server) or `remote`.
    pub mode: Mode,
    /// The `confabd` HTTP base URL; required for `remote`.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub url: Option<String>,
    /// `remote`: an absolute path of a CA certificate file (PEM) to trust
    /// besides the platform's roots, for a self-hosted `https://` server;
    /// empty or absent for none.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub ca_file: Option<String>,
}

/// `app.register` / `app.login` arguments.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialsArgs {
    /// The account.
    #[serde(rename = "userID")]
    pub user_id: String,
    /// Its password.
    pub password: String,
}

/// `app.changePassword` arguments.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangePasswordArgs {
    /// The current password.
    pub old_password: String,
    /// The new password (the registration rules apply).
    pub new_password: String,
}

impl std::fmt::Debug for ChangePasswordArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChangePasswordArgs").finish_non_exhaustive()
    }
}

/// `app.notify` arguments: a desktop notification.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifyArgs {
    /// Title (usually the sender's name).
    pub title: String,
    /// Body (usually the message preview).
    pub body: String,
    /// The conversation to open when the notification is clicked.
    #[serde(rename = "conversationID", default)]
    pub conversation_id: String,
}

/// `app.setUnreadBadge` arguments.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetUnreadBadgeArgs {
    /// Total unread messages (0 clears the badge).
    pub count: u64,
}

/// `tim.getConversationList` arguments.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetConversationListArgs {
    /// Only these conversations; all when absent.
    #[serde(rename = "conversationIDList", default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub conversation_id_list: Option<Vec<String>>,
}

/// Arguments naming one conversation (`tim.getConversationProfile`,
/// `tim.setMessageRead`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationArgs {
    /// The conversation, e.g. `C2Cbob`.
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
}

/// `tim.getConversationProfile` result.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConversationProfileResult {
    /// The conversation.
    pub conversation: Conversation,
}

/// `tim.deleteConversation` arguments.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteConversationArgs {
    /// 1 to 100 conversations.
    #[serde(rename = "conversationIDList")]
    pub conversation_id_list: Vec<String>,
    /// Also delete the history (default true).
    #[serde(default = "default_true")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub clear_history_message: bool,
}

fn default_true() -> bool {
    true
}

/// `tim.deleteConversation` result.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteConversationResult {
    /// The conversations deleted.
    #[serde(rename = "conversationIDList")]
    pub conversation_id_list: Vec<String>,
}

/// `tim.getMessageList` arguments.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetMessageListArgs {
    /// The conversation.
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    /// The previous page's `nextReqMessageID`; the newest page when absent.
    #[serde(rename = "nextReqMessageID", default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub next_req_message_id: Option<String>,
}

/// `tim.sendMessage` options.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SendOptions {
    /// Deliver only to receivers online now (not stored, not queued).
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub online_user_only: bool,
    /// Unread / last-message control.
    #[cfg_attr(feature = "ts", ts(optional))]
    pub message_control_info: Option<MessageControlInfo>,
}

/// `tim.sendMessage` arguments.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SendMessageArgs {
    /// The message, as built by the facade (`from` = the logged-in user).
    pub message: Message,
    /// Send options.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub options: Option<SendOptions>,
}

/// `tim.resendMessage` arguments.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResendMessageArgs {
    /// The failed message.
    pub message: Message,
}

/// `tim.getUserProfile` arguments.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetUserProfileArgs {
    /// Up to 100 users.
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<String>,
}

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
    "app.notify" => notify(NotifyArgs) -> Empty;
    "app.setUnreadBadge" => set_unread_badge(SetUnreadBadgeArgs) -> Empty;
    "app.pickFiles" => pick_files(PickFilesArgs) -> PickFilesResult;
    "app.openFile" => open_file(PathArgs) -> Empty;
    "app.revealFile" => reveal_file(PathArgs) -> Empty;
    "app.saveFileAs" => save_file_as(SaveFileAsArgs) -> MaybePath;
    "app.pasteImage" => paste_image(Empty) -> MaybePath;
    "app.localFileUrl" => local_file_url(PathArgs) -> LocalFileUrl;
    "app.writeStagedFile" => write_staged_file(WriteStagedFileArgs) -> StagedFile;
    "tim.getConversationList" => get_conversation_list(GetConversationListArgs) -> ConversationListResult;
    "tim.getConversationProfile" => get_conversation_profile(ConversationArgs) -> ConversationProfileResult;
    "tim.deleteConversation" => delete_conversation(DeleteConversationArgs) -> DeleteConversationResult;
    "tim.getMessageList" => get_message_list(GetMessageListArgs) -> MessageListPage;
    "tim.sendMessage" => send_message(SendMessageArgs) -> SendResult;
    "tim.resendMessage" => resend_message(ResendMessageArgs) -> SendResult;
    "tim.setMessageRead" => set_message_read(ConversationArgs) -> Empty;
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
    "tim.createForwardMessage" => create_forward_message(CreateMessageArgs<Message>) -> Message;
    "tim.createMergerMessage" => create_merger_message(CreateMessageArgs<MergerMessagePayload>) -> Message;
    "tim.downloadMergerMessage" => download_merger_message(MessageArgs) -> Message;
    "tim.revokeMessage" => revoke_message(MessageArgs) -> MessageResult;
    "tim.modifyMessage" => modify_message(MessageArgs) -> MessageResult;
    "tim.deleteMessage" => delete_message(MessageListArgs) -> MessageListArgs;
    "tim.findMessage" => find_message(FindMessageArgs) -> Option<Message>;
    "tim.getMessageListHopping" => get_message_list_hopping(GetMessageListHoppingOptions) -> HoppingPage;
}

#[cfg(test)]
mod tests {
    use super::*;
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
